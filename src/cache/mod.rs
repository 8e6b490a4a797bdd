//! The build cache: `ROOT/.gongbu-cache/pages.json` remembers, for every
//! note, category, tag, glossary term and comparison page of the last
//! build, a key (the page's
//! signature from [`crate::signatures`], its note's own text, and
//! everything global: configuration, templates and theme files, the values
//! every page shares, the glossary) and a hash of the file written. The
//! next build keeps a page whose key is unchanged and whose previous output
//! file still holds those bytes ([`Staging::keep`]: a hard link into the
//! staging folder) and renders the others. Whether the file still holds
//! them is told, as git tells a file unchanged, by its size, modification
//! time and inode recorded when the cache was written, and by reading and
//! hashing it when those differ or were not recorded (a file written less
//! than [`RACY_SECS`] before the cache, whose time a quick second edit
//! could share). The other outputs (home page,
//! feeds, sitemap, search index, glossary and comparison indexes, assets)
//! are made every time.
//!
//! Beside it, `notes.bin` keeps every note as read and analyzed
//! ([`notes::NoteCache`]), so a build reads again only the notes whose
//! files changed, and `search/` keeps the search index's chunks of notes
//! tokenized ([`SearchChunks`]), each under a hash of its documents' text,
//! so a one-note edit tokenizes one chunk again, not every note, and
//! `memo.bin` keeps the glossary terms and the comparisons found in each
//! note ([`memo::Memo`]).
//!
//! The header names the gongbu that wrote the cache (version, commit and
//! the binary itself) and the site root. A cache that cannot be read, that
//! another gongbu wrote or that belongs to another root is ignored with one
//! notice; a key is a pure function of what the page is made from, so a
//! cache can never make a page other than a full render would.

pub(crate) mod memo;
pub(crate) mod notes;

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic};
use crate::ids::NoteId;
use crate::output::{Sink, Staging};
use crate::signatures::{
    archive_signature, compare_page_signatures, hash_of, notes_as_cited, page_signatures_with,
    term_page_signatures, terms_fingerprint, SharedFacts,
};
use crate::{site_files, Site};

/// The cache folder, in the site root beside the output.
pub(crate) const CACHE_DIR: &str = ".gongbu-cache";
/// The file in it.
const CACHE_FILE: &str = "pages.json";
/// The layout of [`CACHE_FILE`]; raised when it changes.
const FORMAT: u32 = 4;
/// A page file modified less than this many seconds before the cache is
/// written is not told unchanged by its metadata next time (its time could
/// be shared by an edit made just after): it is read and hashed instead.
const RACY_SECS: u64 = 2;

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    /// `gongbu 0.1.0 <commit>`: another one gives a notice.
    gongbu: String,
    /// The binary's size and time: a rebuilt gongbu (the same version, or
    /// the test binary) may render differently, so its cache is dropped
    /// silently.
    binary: String,
    /// The site root the pages were built from.
    root: String,
    pages: Vec<StoredPage>,
}

/// A page with its key, or another file the build wrote (search index
/// files, home page, feeds, …) with an empty key: those are still made
/// every time, and linked from the previous output instead of written when
/// their bytes hash the same and the old file is told unchanged.
#[derive(Serialize, Deserialize)]
struct StoredPage {
    url: String,
    /// Hex of the page's key; empty for a file without one.
    key: String,
    /// Hex of the hash of the file written.
    output: String,
    /// The output file's size, modification time and inode
    /// ([`file_stamp`]) when the cache was written; empty when it was
    /// modified too recently to be told unchanged by them.
    #[serde(default)]
    file: String,
    /// For a copied file (an image, a PDF): the [`file_stamp`] of the file
    /// it was copied from; empty for the rest, and for a source modified
    /// too recently to be told unchanged by it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    source: String,
}

/// What the last build left of one page or file.
#[derive(Clone)]
struct PreviousPage {
    /// The page's key; None for a file without one.
    key: Option<u64>,
    /// Hash of the output file's bytes.
    output: u64,
    /// [`file_stamp`] of the output file, or empty.
    file: String,
    /// [`file_stamp`] of a copied file's source, or empty.
    source: String,
}

/// What the sink made at one path: the hash of the bytes written (0 for a
/// copied file, whose bytes are not read) and, for a copy, the source's
/// stamp.
pub(crate) struct Made {
    hash: u64,
    source: String,
}

/// A file's modification time in nanoseconds since 1970 (0 when unknown).
fn modified_ns(meta: &fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// A file's size, modification time (ns) and inode: equal stamps mean an
/// unchanged file, unless someone set its time back on purpose.
fn file_stamp(meta: &fs::Metadata) -> String {
    let time = modified_ns(meta);
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(meta);
    #[cfg(not(unix))]
    let inode = 0u64;
    format!("{}-{time}-{inode}", meta.len())
}

/// Whether a file was last modified at least [`RACY_SECS`] before `now`,
/// so that a later edit cannot share its time: only then is its stamp
/// recorded.
fn settled(meta: &fs::Metadata, now: std::time::SystemTime) -> bool {
    meta.is_file()
        && meta
            .modified()
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age.as_secs() >= RACY_SECS)
}

/// [`file_stamp`] of the file at `path` when it is [`settled`]; empty
/// otherwise.
fn settled_stamp(path: &Path, now: std::time::SystemTime) -> String {
    match fs::symlink_metadata(path) {
        Ok(meta) if settled(&meta, now) => file_stamp(&meta),
        _ => String::new(),
    }
}

/// Which gongbu wrote a cache: its version and the commit it was built
/// from, and a probe of the hasher.
fn gongbu_stamp() -> String {
    format!(
        "gongbu {} {} {:016x}",
        env!("CARGO_PKG_VERSION"),
        env!("GONGBU_GIT_REV"),
        hash_of("gongbu build cache")
    )
}

/// The running binary's size and modification time.
fn binary_stamp() -> String {
    std::env::current_exe()
        .and_then(fs::metadata)
        .map(|m| format!("{}-{}", m.len(), modified_ns(&m)))
        .unwrap_or_default()
}

fn cache_file(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join(CACHE_FILE)
}

fn root_name(root: &Path) -> String {
    crate::output::absolute(root).display().to_string()
}

/// The folder in the cache where a build keeps the site it swapped out,
/// for the next build to start from ([`Staging::reusing_spare`]).
pub(crate) fn spare_dir(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join("previous-site")
}

/// Deletes the cache of the site at `root` (`gongbu build --clean`).
pub(crate) fn delete(root: &Path) {
    crate::output::remove_marked(&spare_dir(root));
    let _ = fs::remove_file(cache_file(root));
    let _ = fs::remove_file(root.join(CACHE_DIR).join(notes::NOTES_FILE));
    let _ = fs::remove_file(root.join(CACHE_DIR).join(memo::MEMO_FILE));
    let _ = fs::remove_file(root.join(CACHE_DIR).join(memo::OLD_MENTIONS_FILE));
    let _ = fs::remove_dir_all(root.join(CACHE_DIR).join(CHUNKS_DIR));
    let _ = fs::remove_dir(root.join(CACHE_DIR));
}

/// The folder of [`SearchChunks`] in the cache folder.
const CHUNKS_DIR: &str = "search";
/// The file in it naming the gongbu that wrote the chunks.
const CHUNKS_STAMP: &str = "stamp";

/// The search index's chunks kept between builds: one file per chunk,
/// named by its key ([`crate::index::search::ChunkStore`]). They are
/// another gongbu's when the stamp file names another binary: then they
/// are all deleted. Chunks no build used last are deleted after it
/// ([`Self::remove_unused`]); a file that cannot be read or is not whole
/// is a chunk tokenized again.
pub(crate) struct SearchChunks {
    dir: PathBuf,
    used: Mutex<std::collections::HashSet<String>>,
}

impl SearchChunks {
    fn open(root: &Path) -> SearchChunks {
        let dir = root.join(CACHE_DIR).join(CHUNKS_DIR);
        let stamp = format!("{}\n{}\n", gongbu_stamp(), binary_stamp());
        if fs::read_to_string(dir.join(CHUNKS_STAMP)).ok().as_deref() != Some(stamp.as_str()) {
            let _ = fs::remove_dir_all(&dir);
            let _ =
                fs::create_dir_all(&dir).and_then(|()| fs::write(dir.join(CHUNKS_STAMP), &stamp));
        }
        SearchChunks {
            dir,
            used: Mutex::new(Default::default()),
        }
    }

    fn name(key: u128) -> String {
        format!("{key:032x}.bin")
    }

    fn mark(&self, name: String) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(name);
        }
    }

    /// Deletes the chunks this build did not use.
    fn remove_unused(&self) {
        let Ok(used) = self.used.lock() else { return };
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".bin") && !used.contains(&name) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

impl crate::index::search::ChunkStore for SearchChunks {
    fn get(&self, key: u128) -> Option<Vec<u8>> {
        let name = Self::name(key);
        let bytes = fs::read(self.dir.join(&name)).ok()?;
        self.mark(name);
        Some(bytes)
    }

    fn touch(&self, key: u128) {
        self.mark(Self::name(key));
    }

    fn put(&self, key: u128, bytes: &[u8]) {
        let name = Self::name(key);
        // Written aside and renamed: a killed build leaves no half chunk.
        let tmp = self.dir.join(format!(".{name}.{}", std::process::id()));
        let written = fs::write(&tmp, bytes).and_then(|()| fs::rename(&tmp, self.dir.join(&name)));
        if written.is_ok() {
            self.mark(name);
        } else {
            let _ = fs::remove_file(&tmp);
        }
    }
}

/// The keys of this build's pages and what the last build left.
pub(crate) struct BuildCache {
    root: PathBuf,
    /// URL → key of every page the cache may keep.
    keys: HashMap<String, u64>,
    /// URL → what the last build left.
    previous: HashMap<String, PreviousPage>,
    /// The search index's chunks.
    chunks: SearchChunks,
    /// Pages kept after reading them (their stamps were not the ones
    /// recorded, as when the last build wrote another output folder):
    /// their stamps are taken anew when the cache is saved.
    read_to_keep: Mutex<std::collections::HashSet<String>>,
}

impl BuildCache {
    /// Computes the key of every note, category and tag page of `site`
    /// (the home page is always made) and reads the last build's cache.
    /// A cache that cannot be used gives one notice.
    pub(crate) fn open(site: &Site) -> (BuildCache, Option<Diagnostic>) {
        let root = site.options.root.clone();
        let keys = page_keys(site);
        let (previous, notice) = match read(&root) {
            Ok(previous) => (previous, None),
            Err(d) => (HashMap::new(), Some(d)),
        };
        let chunks = SearchChunks::open(&root);
        (
            BuildCache {
                root,
                keys,
                previous,
                chunks,
                read_to_keep: Mutex::new(Default::default()),
            },
            notice,
        )
    }

    /// The search index's chunks kept between builds.
    pub(crate) fn search_chunks(&self) -> &SearchChunks {
        &self.chunks
    }

    /// Links into `staging` every page whose key is unchanged and whose
    /// previous file is intact; returns their URLs and output hashes.
    pub(crate) fn keep_unchanged(&self, staging: &Staging) -> HashMap<String, u64> {
        self.keys
            .par_iter()
            .filter_map(|(url, key)| {
                let old = self.previous.get(url)?;
                let by_stamp = std::cell::Cell::new(false);
                let unchanged = |meta: &fs::Metadata| {
                    let same = !old.file.is_empty() && file_stamp(meta) == old.file;
                    by_stamp.set(by_stamp.get() || same);
                    same
                };
                let kept = old.key == Some(*key) && staging.keep(url, old.output, unchanged);
                if kept && !by_stamp.get() {
                    if let Ok(mut read) = self.read_to_keep.lock() {
                        read.insert(url.clone());
                    }
                }
                kept.then(|| (url.clone(), old.output))
            })
            .collect()
    }

    /// The sink that leaves out the `kept` pages, records the hash of every
    /// file written, and links a file from the previous output instead of
    /// writing it when the last build wrote the same bytes there and the
    /// file is told unchanged ([`Staging::keep`]).
    pub(crate) fn recording<'a>(
        &'a self,
        staging: &'a Staging,
        kept: &'a HashMap<String, u64>,
    ) -> Recording<'a> {
        Recording {
            staging,
            previous: &self.previous,
            kept,
            outputs: Mutex::new(HashMap::new()),
        }
    }

    /// Writes the cache for the pages now in the output folder `out`:
    /// those kept and those written. A failure is a notice (the next build
    /// renders all).
    pub(crate) fn save(
        &self,
        out: &Path,
        kept: &HashMap<String, u64>,
        written: HashMap<String, Made>,
    ) -> Option<Diagnostic> {
        self.chunks.remove_unused();
        let now = std::time::SystemTime::now();
        let read_to_keep =
            std::mem::take(&mut *self.read_to_keep.lock().unwrap_or_else(|e| e.into_inner()));
        // A page kept by its stamp is the file the last build recorded:
        // its stamp is the one recorded (same inode, size and time). One
        // kept after reading it gets its stamp anew.
        let all: Vec<(&String, &u64, &str, bool)> = kept
            .iter()
            .map(|(u, o)| (u, o, "", true))
            .chain(
                written
                    .iter()
                    .map(|(u, m)| (u, &m.hash, m.source.as_str(), false)),
            )
            .collect();
        let mut pages: Vec<StoredPage> = all
            .par_iter()
            .map(|&(url, output, source, kept)| StoredPage {
                url: url.clone(),
                key: self
                    .keys
                    .get(url)
                    .map(|key| format!("{key:016x}"))
                    .unwrap_or_default(),
                output: format!("{output:016x}"),
                file: match self.previous.get(url) {
                    Some(old) if kept && !old.file.is_empty() && !read_to_keep.contains(url) => {
                        old.file.clone()
                    }
                    _ => settled_stamp(&out.join(url), now),
                },
                source: source.to_string(),
            })
            .collect();
        pages.sort_by(|a, b| a.url.cmp(&b.url));
        let stored = Stored {
            format: FORMAT,
            gongbu: gongbu_stamp(),
            binary: binary_stamp(),
            root: root_name(&self.root),
            pages,
        };
        write(&self.root, &stored).err().map(|e| {
            Diagnostic::notice(
                Code::Cache,
                format!("빌드 캐시를 쓸 수 없습니다: {e}; 다음 빌드는 모든 페이지를 새로 만듭니다"),
            )
            .with_path(cache_file(&self.root).display().to_string())
        })
    }
}

fn write(root: &Path, stored: &Stored) -> io::Result<()> {
    let dir = root.join(CACHE_DIR);
    fs::create_dir_all(&dir)?;
    let text = serde_json::to_vec(stored).map_err(io::Error::other)?;
    // Written aside and renamed: a killed build leaves the old cache or
    // the new one, never half of one.
    let tmp = dir.join(format!(".{CACHE_FILE}.{}", std::process::id()));
    fs::write(&tmp, text)?;
    fs::rename(&tmp, cache_file(root)).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// The last build's pages by URL. No file is an empty cache; one that
/// cannot be used is an error (one notice).
fn read(root: &Path) -> Result<HashMap<String, PreviousPage>, Diagnostic> {
    let path = cache_file(root);
    let ignored = |why: &str| {
        Diagnostic::notice(
            Code::Cache,
            format!(
                "빌드 캐시를 쓰지 않았습니다 ({why}); 모든 페이지를 새로 만들고 캐시를 다시 씁니다"
            ),
        )
        .with_path(path.display().to_string())
    };
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(ignored(&format!("읽을 수 없습니다: {e}"))),
    };
    let stored: Stored = serde_json::from_slice(&bytes).map_err(|_| ignored("깨진 캐시입니다"))?;
    if stored.format != FORMAT || stored.gongbu != gongbu_stamp() {
        return Err(ignored("다른 gongbu 빌드가 쓴 캐시입니다"));
    }
    if stored.root != root_name(root) {
        return Err(ignored(&format!(
            "다른 사이트 `{}`의 캐시입니다",
            stored.root
        )));
    }
    if stored.binary != binary_stamp() {
        return Ok(HashMap::new());
    }
    let hex = |s: &str| u64::from_str_radix(s, 16).ok();
    stored
        .pages
        .into_iter()
        .map(|p| {
            let key = if p.key.is_empty() {
                Some(None)
            } else {
                hex(&p.key).map(Some)
            };
            match (key, hex(&p.output)) {
                (Some(key), Some(output)) => Ok((
                    p.url,
                    PreviousPage {
                        key,
                        output,
                        file: p.file,
                        source: p.source,
                    },
                )),
                _ => Err(ignored("깨진 캐시입니다")),
            }
        })
        .collect()
}

/// The key of every page the cache may keep: its signature, its own note's
/// text and facts, and everything global.
fn page_keys(site: &Site) -> HashMap<String, u64> {
    let index = &site.index;
    let global = hash_of((
        site.theme.fingerprint,
        format!("{:?}", index.config),
        format!("{:?}", crate::render::pages::global_context(index)),
        terms_fingerprint(index),
        site.options.notes_dir(),
        site.options.live_reload,
    ));
    let home = index.note_by_url(site_files::HOME);
    let facts = SharedFacts::of(index);
    let mut keys = page_signatures_with(index, &facts);
    keys.insert(
        crate::index::taxonomy::ARCHIVE_URL.to_string(),
        archive_signature(index, &facts),
    );
    let cited = notes_as_cited(index);
    keys.extend(term_page_signatures(index, &cited));
    keys.extend(compare_page_signatures(index, &cited));
    if let Some(home) = home {
        keys.remove(&index.notes[home].url);
    }
    let by_url: HashMap<&str, NoteId> = index
        .notes
        .iter_enumerated()
        .map(|(id, n)| (n.url.as_str(), id))
        .collect();
    keys.par_iter_mut().for_each(|(url, sig)| {
        *sig = match by_url.get(url.as_str()) {
            Some(&id) => {
                let n = &index.notes[id];
                hash_of((
                    global,
                    *sig,
                    url,
                    &n.rel_path,
                    &n.title,
                    n.date,
                    n.updated,
                    &n.description,
                    &n.source,
                    n.is_folder_index,
                    n.draft,
                ))
            }
            None => hash_of((global, *sig, url)),
        };
    });
    keys
}

/// A sink in front of the staging folder: pages the cache kept are not
/// wanted, and the hash of every written page with a key is recorded.
pub(crate) struct Recording<'a> {
    staging: &'a Staging,
    previous: &'a HashMap<String, PreviousPage>,
    kept: &'a HashMap<String, u64>,
    outputs: Mutex<HashMap<String, Made>>,
}

impl Recording<'_> {
    fn made(&self, rel: &str, hash: u64, source: String) {
        self.outputs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string(), Made { hash, source });
    }

    /// Path → hash of the bytes written, for every file written.
    pub(crate) fn into_outputs(self) -> HashMap<String, Made> {
        self.outputs.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps the previous output's file at `rel` when the last build's
    /// record of it passes `same` and the file is told unchanged by the
    /// stamp recorded ([`Staging::keep`]).
    fn kept_as_before(&self, rel: &str, same: impl Fn(&PreviousPage) -> bool) -> bool {
        self.previous
            .get(rel)
            .filter(|old| same(old) && !old.file.is_empty())
            .is_some_and(|old| {
                self.staging
                    .keep(rel, old.output, |meta| file_stamp(meta) == old.file)
            })
    }
}

impl Sink for Recording<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let hash = hash_of(bytes);
        if !self.keep_written(rel, hash) {
            self.staging.write(rel, bytes)?;
            self.made(rel, hash, String::new());
        }
        Ok(())
    }
    /// A copy is kept from the previous output when its source's stamp
    /// and the old file's are the ones recorded; neither file is read.
    fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        let source = match fs::metadata(from) {
            Ok(meta) if settled(&meta, std::time::SystemTime::now()) => file_stamp(&meta),
            _ => String::new(),
        };
        if source.is_empty() || !self.kept_as_before(rel, |old| old.source == source) {
            self.staging.copy(rel, from)?;
        }
        self.made(rel, 0, source);
        Ok(())
    }
    fn count(&self) -> usize {
        self.staging.count()
    }
    fn wants(&self, rel: &str) -> bool {
        !self.kept.contains_key(rel) && self.staging.wants(rel)
    }
    fn keep_written(&self, rel: &str, hash: u64) -> bool {
        let kept = self.kept_as_before(rel, |old| old.output == hash);
        if kept {
            self.made(rel, hash, String::new());
        }
        kept
    }
}
