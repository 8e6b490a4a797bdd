//! The note cache: `ROOT/.gongbu-cache/notes.bin` keeps every note as the
//! builds before read and analyzed it ([`Note`]: its decoded text, front
//! matter and body facts), so a build after a one-note edit reads and
//! parses one note, not all of them.
//!
//! A note is taken from the cache when its file is told unchanged: by its
//! size, modification time and inode ([`super::file_stamp`]) as recorded,
//! or, when those differ or were not recorded (a file modified less than
//! [`super::RACY_SECS`] before the build), by reading it and finding the
//! same hash of its bytes. Everything else a note's analysis depends on
//! (the gongbu binary, the site root, the notes folder as messages name
//! it, the markdown dialect) is in the file's header: a header that does
//! not match gives a fresh cache.
//!
//! Only a note whose reading gave no diagnostic is kept (so every warning
//! is given again, by a fresh read, every build), and none with a
//! `glossary:` key in its front matter (a few notes; their raw entries are
//! a value the format cannot carry).
//!
//! The file is a log of records, each `[length u32][xxh3 of the body
//! u64][body]`, the first one the header. A build appends the notes it
//! read afresh (and the new stamps of notes found unchanged by their
//! hash); the newest record of a path wins. When stale records outnumber
//! the live ones, or the cache was unusable, the file is written anew
//! (aside, then renamed). A record that does not check out ends the log
//! there, with one notice: a build killed while appending leaves a
//! truncated record, which the next append overwrites.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{binary_stamp, file_stamp, gongbu_stamp, root_name, settled, CACHE_DIR};
use crate::diagnostic::{Code, Diagnostic};
use crate::note::load::SourceFile;
use crate::note::parse::Dialect;
use crate::note::{self, Note};

/// A long text field of a note in the cache, as bytes: read back, it is
/// checked for UTF-8 with SIMD, several times faster on Korean text than
/// the check a `String` field gets (about half the time of taking a note
/// from the cache went to that check). `#[serde(with = ...)]`.
pub(crate) mod text {
    use serde::de::{Error, Visitor};
    use serde::{Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(text.as_bytes())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = String;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("UTF-8 bytes")
            }
            fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<String, E> {
                simdutf8::basic::from_utf8(bytes)
                    .map(str::to_owned)
                    .map_err(|_| E::custom("not UTF-8"))
            }
        }
        d.deserialize_bytes(Text)
    }
}

/// The file in the cache folder.
pub(super) const NOTES_FILE: &str = "notes.bin";
/// The layout of the file; raised when it or [`Note`] changes.
const FORMAT: u32 = 2;
/// Stale records tolerated beyond the live ones before a rewrite.
const SLACK: usize = 64;

#[derive(Serialize, Deserialize, PartialEq)]
struct Header {
    format: u32,
    gongbu: String,
    binary: String,
    root: String,
    /// The notes folder as messages name it (`notes`).
    prefix: String,
    dialect: Dialect,
}

/// Where the newest record of a note is in the file. Its checksum is
/// checked when its note is taken, in parallel, not when the file is read.
#[derive(Clone)]
struct Record {
    body: Range<usize>,
    check: u64,
    stamp: Range<usize>,
    hash: u64,
    /// The note, encoded ([`postcard`]) and compressed ([`lz4_flex`]).
    note: Range<usize>,
}

/// How a note was loaded.
pub(crate) enum How {
    /// From the cache, its stamp unchanged.
    Kept,
    /// From the cache, its bytes unchanged: `record` gives it its new
    /// stamp.
    Restamped { record: Vec<u8> },
    /// Read and analyzed; `record` keeps it (encoded while the other
    /// notes are read).
    Analyzed { record: Vec<u8> },
    /// Read and analyzed, and not kept (diagnostics, `glossary:`, or an
    /// error).
    Uncached,
}

/// One note file loaded: its note or error, its warnings, and how.
pub(crate) struct Loaded {
    pub(crate) result: Result<Option<Note>, Diagnostic>,
    pub(crate) warnings: Vec<Diagnostic>,
    pub(crate) how: How,
}

/// The note cache of a site as the last build left it.
pub(crate) struct NoteCache {
    path: PathBuf,
    header: Header,
    /// The file as read (empty when unusable).
    bytes: Vec<u8>,
    /// Path relative to the notes folder → its newest record.
    records: HashMap<String, Record>,
    /// Records in the file besides the header, stale ones included.
    count: usize,
    /// The end of the last whole record: where the next one goes.
    end: usize,
    /// Whether the file can be appended to (its header matched).
    usable: bool,
    /// Whether a record was found broken when its note was taken.
    broken: std::sync::atomic::AtomicBool,
    /// When the cache is made anew (it was missing or unusable): the file
    /// being written aside, which the notes' records go to as they are
    /// read, so that none is held in memory.
    fresh: Option<Fresh>,
}

/// A cache file being written aside, header first.
struct Fresh {
    tmp: PathBuf,
    writer: std::sync::Mutex<io::BufWriter<fs::File>>,
    failed: std::sync::atomic::AtomicBool,
}

/// The records in memory before a [`Fresh`] file writes them.
const FRESH_BUFFER: usize = 1 << 20;

fn notes_file(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join(NOTES_FILE)
}

/// One record: length, checksum and `body`.
fn frame(body: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(body).to_le_bytes());
    out.extend_from_slice(body);
}

/// The body of a note's record: path, stamp, hash of the file's bytes and
/// the note itself.
fn note_body(rel: &str, stamp: &str, hash: u64, note: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(16 + rel.len() + stamp.len() + note.len());
    body.extend_from_slice(&(rel.len() as u32).to_le_bytes());
    body.extend_from_slice(rel.as_bytes());
    body.extend_from_slice(&(stamp.len() as u32).to_le_bytes());
    body.extend_from_slice(stamp.as_bytes());
    body.extend_from_slice(&hash.to_le_bytes());
    body.extend_from_slice(note);
    body
}

/// Reads `N` bytes at `*at` of `bytes`, moving past them.
fn take<'a>(bytes: &'a [u8], at: &mut usize, n: usize) -> Option<&'a [u8]> {
    let part = bytes.get(*at..at.checked_add(n)?)?;
    *at += n;
    Some(part)
}

fn take_u32(bytes: &[u8], at: &mut usize) -> Option<usize> {
    let b: [u8; 4] = take(bytes, at, 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(b) as usize)
}

fn take_u64(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let b: [u8; 8] = take(bytes, at, 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(b))
}

/// The body of the record at `*at` and its checksum, when it is whole.
fn next_record(bytes: &[u8], at: &mut usize) -> Option<(Range<usize>, u64)> {
    let mut i = *at;
    let len = take_u32(bytes, &mut i)?;
    let check = take_u64(bytes, &mut i)?;
    take(bytes, &mut i, len)?;
    *at = i;
    Some((i - len..i, check))
}

/// The body at `range` when it checks out.
fn checked(bytes: &[u8], (range, check): (Range<usize>, u64)) -> Option<&[u8]> {
    bytes
        .get(range)
        .filter(|body| xxhash_rust::xxh3::xxh3_64(body) == check)
}

/// A note record's path and [`Record`], from its body at `range`.
fn parse_note(bytes: &[u8], (range, check): (Range<usize>, u64)) -> Option<(String, Record)> {
    let mut at = range.start;
    let rel_len = take_u32(bytes, &mut at)?;
    let rel = std::str::from_utf8(take(bytes, &mut at, rel_len)?).ok()?;
    let stamp_len = take_u32(bytes, &mut at)?;
    take(bytes, &mut at, stamp_len)?;
    let stamp = at - stamp_len..at;
    let hash = take_u64(bytes, &mut at)?;
    (at <= range.end).then(|| {
        (
            rel.to_string(),
            Record {
                body: range.clone(),
                check,
                stamp,
                hash,
                note: at..range.end,
            },
        )
    })
}

impl NoteCache {
    /// Reads the note cache of the site at `root` whose notes are named
    /// `notes/…` in messages (`prefix`) and read in `dialect`. A cache that
    /// cannot be used gives one notice, one another gongbu binary wrote or
    /// written for another folder or dialect none; either way the build
    /// goes on with an empty cache.
    pub(crate) fn open(
        root: &Path,
        prefix: &str,
        dialect: Dialect,
    ) -> (NoteCache, Option<Diagnostic>) {
        let path = notes_file(root);
        let header = Header {
            format: FORMAT,
            gongbu: gongbu_stamp(),
            binary: binary_stamp(),
            root: root_name(root),
            prefix: prefix.to_string(),
            dialect,
        };
        let mut cache = NoteCache {
            path,
            header,
            bytes: Vec::new(),
            records: HashMap::new(),
            count: 0,
            end: 0,
            usable: false,
            broken: Default::default(),
            fresh: None,
        };
        let notice = cache.read().err().map(|why| {
            Diagnostic::notice(
                Code::Cache,
                format!(
                    "노트 캐시를 쓰지 않았습니다 ({why}); 노트를 모두 새로 읽고 캐시를 다시 씁니다"
                ),
            )
            .with_path(cache.path.display().to_string())
        });
        if !cache.usable {
            cache.bytes = Vec::new();
            cache.records.clear();
            cache.fresh = cache.start_fresh().ok();
        }
        (cache, notice)
    }

    /// Starts writing the cache anew, aside: its header.
    fn start_fresh(&self) -> io::Result<Fresh> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{NOTES_FILE}.{}", std::process::id()));
        let mut writer = io::BufWriter::with_capacity(FRESH_BUFFER, fs::File::create(&tmp)?);
        let mut header = Vec::new();
        frame(
            &postcard::to_stdvec(&self.header).map_err(io::Error::other)?,
            &mut header,
        );
        writer.write_all(&header)?;
        Ok(Fresh {
            tmp,
            writer: std::sync::Mutex::new(writer),
            failed: Default::default(),
        })
    }

    /// Reads the file; an unusable one is an error saying why, except when
    /// it is missing or made for another binary, folder or dialect.
    fn read(&mut self) -> Result<(), String> {
        self.bytes = match fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("읽을 수 없습니다: {e}")),
        };
        let mut at = 0;
        let header = next_record(&self.bytes, &mut at)
            .and_then(|r| checked(&self.bytes, r))
            .and_then(|body| postcard::from_bytes::<Header>(body).ok())
            .ok_or("깨진 캐시입니다")?;
        if header.format != FORMAT || header.gongbu != self.header.gongbu {
            return Err("다른 gongbu 빌드가 쓴 캐시입니다".into());
        }
        if header.root != self.header.root {
            return Err(format!("다른 사이트 `{}`의 캐시입니다", header.root));
        }
        if header != self.header {
            return Ok(());
        }
        self.usable = true;
        self.end = at;
        while at < self.bytes.len() {
            let Some((rel, record)) =
                next_record(&self.bytes, &mut at).and_then(|r| parse_note(&self.bytes, r))
            else {
                return Err("끝의 깨진 기록은 버렸습니다".into());
            };
            self.records.insert(rel, record);
            self.count += 1;
            self.end = at;
        }
        Ok(())
    }

    /// The note of `record`, when the record checks out (one that does
    /// not is remembered, for one notice).
    fn note_of(&self, record: &Record) -> Option<Note> {
        let note = checked(&self.bytes, (record.body.clone(), record.check)).and_then(|_| {
            let packed = self.bytes.get(record.note.clone())?;
            let encoded = lz4_flex::decompress_size_prepended(packed).ok()?;
            postcard::from_bytes(&encoded).ok()
        });
        if note.is_none() {
            self.broken
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        note
    }

    /// The note of `file` when its stamp is the one recorded.
    pub(crate) fn kept(&self, file: &SourceFile, stamp: &str) -> Option<Note> {
        let record = self.records.get(&file.rel)?;
        let recorded = self.bytes.get(record.stamp.clone())?;
        (!recorded.is_empty() && recorded == stamp.as_bytes())
            .then(|| self.note_of(record))
            .flatten()
    }

    /// Loads `file` when [`Self::kept`] had no note for it: reads it, and
    /// takes the recorded note when the bytes hash the same, or analyzes
    /// it. `stamp` is its settled stamp, or empty.
    pub(crate) fn load(
        &self,
        file: &SourceFile,
        prefix: &str,
        dialect: Dialect,
        stamp: String,
    ) -> Loaded {
        let display_path = note::display_path(file, prefix);
        let bytes = match note::read(file, &display_path) {
            Ok(b) => b,
            Err(d) => {
                return Loaded {
                    result: Err(d),
                    warnings: Vec::new(),
                    how: How::Uncached,
                }
            }
        };
        let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
        let recorded = self
            .records
            .get(&file.rel)
            .filter(|r| r.hash == hash)
            .and_then(|r| self.note_of(r));
        if let Some(note) = recorded {
            return Loaded {
                result: Ok(Some(note)),
                warnings: Vec::new(),
                how: How::Restamped {
                    record: self.restamped(file, &stamp),
                },
            };
        }
        let mut warnings = Vec::new();
        let result = note::note_of_bytes(file, display_path, bytes, dialect, &mut warnings);
        let how = match &result {
            Ok(Some(n)) if warnings.is_empty() && n.front.glossary.is_none() => {
                let record = analyzed(&file.rel, &stamp, hash, n);
                How::Analyzed {
                    record: match &self.fresh {
                        Some(fresh) => {
                            fresh.write(&record);
                            Vec::new()
                        }
                        None => record,
                    },
                }
            }
            _ => How::Uncached,
        };
        Loaded {
            result,
            warnings,
            how,
        }
    }

    /// Records what this build loaded: `files[i]` gave `loaded[i]` (whose
    /// records are taken). Appends the new and restamped notes, or writes
    /// the file anew when it was unusable or mostly stale, on a thread of
    /// its own: [`Saving::finish`] waits for it.
    pub(crate) fn save(mut self, files: &[SourceFile], loaded: &mut [Loaded]) -> Saving {
        let live = loaded
            .iter()
            .filter(|l| !matches!(l.how, How::Uncached))
            .count();
        let fresh = loaded
            .iter()
            .filter(|l| matches!(l.how, How::Restamped { .. } | How::Analyzed { .. }))
            .count();
        if let Some(stream) = self.fresh.take() {
            // Every note was read afresh and its record written.
            let path = self.path.clone();
            let thread = Some(std::thread::spawn(move || stream.finish(&path)));
            return Saving {
                thread,
                path: self.path.clone(),
                broken: false,
            };
        }
        let rewrite = !self.usable || self.count + fresh > 2 * live + SLACK;
        let mut records = Vec::new();
        if rewrite {
            let mut header = Vec::new();
            if let Ok(encoded) = postcard::to_stdvec(&self.header) {
                frame(&encoded, &mut header);
            }
            records.push(header);
        }
        for (file, l) in files.iter().zip(loaded.iter_mut()) {
            match &mut l.how {
                How::Restamped { record } | How::Analyzed { record } => {
                    records.push(std::mem::take(record));
                }
                How::Kept if rewrite => {
                    records.extend(self.records.get(&file.rel).and_then(|r| {
                        let stamp = std::str::from_utf8(self.bytes.get(r.stamp.clone())?).ok()?;
                        Some(framed_note(
                            &file.rel,
                            stamp,
                            r.hash,
                            self.bytes.get(r.note.clone())?,
                        ))
                    }));
                }
                _ => {}
            }
        }
        let broken = self.broken.load(std::sync::atomic::Ordering::Relaxed);
        let (path, end) = (self.path.clone(), self.end);
        drop(self);
        let thread = (rewrite || records.iter().any(|r| !r.is_empty())).then(|| {
            let path = path.clone();
            std::thread::spawn(move || {
                if rewrite {
                    write_anew(&path, &records)
                } else {
                    append(&path, end, &records)
                }
            })
        });
        Saving {
            thread,
            path,
            broken,
        }
    }

    /// The record that restamps the recorded note of `file`, when it
    /// checked out.
    fn restamped(&self, file: &SourceFile, stamp: &str) -> Vec<u8> {
        self.records
            .get(&file.rel)
            .and_then(|r| {
                Some(framed_note(
                    &file.rel,
                    stamp,
                    r.hash,
                    self.bytes.get(r.note.clone())?,
                ))
            })
            .unwrap_or_default()
    }
}

/// The framed record of a note: its path, stamp, hash and `packed` note.
fn framed_note(rel: &str, stamp: &str, hash: u64, packed: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    frame(&note_body(rel, stamp, hash, packed), &mut out);
    out
}

/// The framed record of a note just analyzed, or empty when it cannot be
/// encoded.
fn analyzed(rel: &str, stamp: &str, hash: u64, note: &Note) -> Vec<u8> {
    postcard::to_stdvec(note)
        .map(|encoded| framed_note(rel, stamp, hash, &lz4_flex::compress_prepend_size(&encoded)))
        .unwrap_or_default()
}

impl Fresh {
    fn write(&self, record: &[u8]) {
        let written = self
            .writer
            .lock()
            .map_err(|_| io::Error::other("poisoned"))
            .and_then(|mut w| w.write_all(record));
        if written.is_err() {
            self.failed
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Flushes the file and renames it to `path`.
    fn finish(self, path: &Path) -> io::Result<()> {
        let written = (|| {
            if self.failed.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(io::Error::other("기록을 쓰지 못했습니다"));
            }
            let mut w = self
                .writer
                .into_inner()
                .map_err(|_| io::Error::other("poisoned"))?;
            w.flush()?;
            drop(w);
            fs::rename(&self.tmp, path)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&self.tmp);
        }
        written
    }
}

/// The note cache being written.
pub(crate) struct Saving {
    thread: Option<std::thread::JoinHandle<io::Result<()>>>,
    path: PathBuf,
    broken: bool,
}

impl Saving {
    /// Waits for the cache to be written; a failure, or records found
    /// broken, is a notice (the next build reads the notes again).
    pub(crate) fn finish(self) -> Option<Diagnostic> {
        let written = match self.thread.map(std::thread::JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("쓰던 스레드가 멈췄습니다")),
            None => Ok(()),
        };
        let why = match written {
            Err(e) => {
                format!("노트 캐시를 쓸 수 없습니다: {e}; 다음 빌드는 노트를 모두 새로 읽습니다")
            }
            Ok(()) if self.broken => {
                "노트 캐시의 깨진 기록은 쓰지 않고 그 노트를 새로 읽었습니다".to_string()
            }
            Ok(()) => return None,
        };
        Some(Diagnostic::notice(Code::Cache, why).with_path(self.path.display().to_string()))
    }
}

/// Appends `records` to the cache at `path`, whose whole records end at
/// `end`.
fn append(path: &Path, end: usize, records: &[Vec<u8>]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).open(path)?;
    // A record a killed build left half written goes.
    file.set_len(end as u64)?;
    io::Seek::seek(&mut file, io::SeekFrom::Start(end as u64))?;
    let mut w = io::BufWriter::new(file);
    for r in records {
        w.write_all(r)?;
    }
    w.flush()
}

/// Writes the cache at `path` anew: `records`, the header first, aside
/// and then renamed over the old one.
fn write_anew(path: &Path, records: &[Vec<u8>]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{NOTES_FILE}.{}", std::process::id()));
    let written = (|| {
        let mut w = io::BufWriter::new(fs::File::create(&tmp)?);
        for r in records {
            w.write_all(r)?;
        }
        w.flush()?;
        drop(w);
        fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// The stamp of the note at `path` now (empty when it cannot be read), and
/// whether it is [`settled`], so that it may be told unchanged by its
/// stamp next time.
pub(crate) fn note_stamp(path: &Path, now: std::time::SystemTime) -> (String, bool) {
    match fs::metadata(path) {
        Ok(meta) => (file_stamp(&meta), settled(&meta, now)),
        Err(_) => (String::new(), false),
    }
}
