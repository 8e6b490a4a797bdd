//! Resolving every image of every note once: files relative to the note or
//! root-absolute (`/images/a.png`, against the notes root), percent-encoded
//! or not, NFD names matched through NFC; remote URLs kept. Whatever cannot
//! be shown — a missing file, a Notion `attachment:`, a path or symlink
//! leaving the notes folder, an empty address — is a warning with
//! `path:line:col` and an [`ImageTarget::Missing`] the renderer shows as a
//! placeholder. Each image used is probed once for its size, and downscaled
//! once when `images.max_width` asks for it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::ids::{NoteSlice, PerNote};
use crate::korean::nfc;
use crate::note::load::is_markdown;
use crate::note::parse::ImageRef;
use crate::note::NoteId;
use crate::urls::{asset_url, decode, has_scheme, join_normalized, split_url};

use super::image_file::{self, ImageFormat};

/// What the n-th image of a note shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageTarget {
    /// A file under the notes root (notes-relative, NFC), copied to the output.
    Local { rel: String },
    /// A remote (or `data:`) URL, kept as written.
    Remote,
    /// Nothing to show: a placeholder naming `name`, with `reason` as its
    /// tooltip. A warning was reported.
    Missing { name: String, reason: String },
}

/// What the site knows about one image file it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInfo {
    pub format: ImageFormat,
    /// (width, height) from the file header.
    pub size: Option<(u32, u32)>,
    /// The file on disk.
    pub source: PathBuf,
    /// `images.max_width` when the header says the image is wider and of a
    /// format that can be scaled: render's asset step (`render::assets`)
    /// then makes [`ImageInfo::scaled`].
    pub scale_to: Option<u32>,
    /// The smaller copy shown instead, when the image is wider than
    /// `images.max_width` (filled by `render::assets`).
    pub scaled: Option<ScaledImage>,
    /// Too many pixels to decode safely (`images.max_pixels`): copied as
    /// it is, without a scaled copy.
    pub too_many_pixels: bool,
}

/// A downscaled copy of an image, written beside the original.
#[derive(Clone, PartialEq, Eq)]
pub struct ScaledImage {
    /// Site-relative, unencoded: `os/images/a.800w.png`.
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

impl fmt::Debug for ScaledImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScaledImage")
            .field("url", &self.url)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// Every image of the site, resolved.
#[derive(Debug, Default)]
pub(crate) struct Images {
    /// Target of each image of each note, in document order.
    pub targets: PerNote<Vec<ImageTarget>>,
    /// Size (and downscaled copy) of each image file used, by notes-relative path.
    pub info: BTreeMap<String, ImageInfo>,
    /// Image files used that the walk of the notes folder skipped (inside
    /// `_` or `.` folders): notes-relative path → file on disk.
    pub extra_assets: Vec<(String, PathBuf)>,
}

/// Why an image cannot be shown.
struct Problem {
    code: Code,
    /// What the placeholder names.
    name: String,
    message: String,
    help: Option<&'static str>,
}

/// What image resolution reads.
pub(crate) struct ImageResolver<'a> {
    pub notes: &'a NoteSlice,
    /// Non-markdown files found under the notes root: NFC path → disk path.
    pub assets: &'a HashMap<String, PathBuf>,
    pub notes_root: &'a Path,
    /// `images.max_width` of gongbu.yaml.
    pub max_width: Option<u32>,
    /// `images.max_pixels`: larger images are never decoded.
    pub max_pixels: u64,
}

impl ImageResolver<'_> {
    /// Resolves every image of every note and probes each file used once
    /// (in parallel), marking those wider than `max_width` for
    /// `render::assets` to scale.
    pub(crate) fn resolve_all(&self, diags: &mut Vec<Diagnostic>) -> Images {
        let canonical_root = self.notes_root.canonicalize().ok();
        let lower: HashMap<String, &str> = self
            .assets
            .keys()
            .map(|k| (k.to_lowercase(), k.as_str()))
            .collect();
        let by_name = crate::obsidian::embeds::FileNames::new(self.assets);
        let ctx = Context {
            resolver: self,
            canonical_root: canonical_root.as_deref(),
            lower: &lower,
            by_name: &by_name,
        };
        type Resolved = (Vec<ImageTarget>, Vec<(String, PathBuf)>, Vec<Diagnostic>);
        let resolved: Vec<Resolved> = (0..self.notes.len())
            .into_par_iter()
            .map(NoteId::from)
            .map(|id| {
                let mut extra = Vec::new();
                let mut d = Vec::new();
                let targets = self.notes[id]
                    .facts
                    .images
                    .iter()
                    .map(|img| ctx.resolve(id, img, &mut extra, &mut d))
                    .collect();
                (targets, extra, d)
            })
            .collect();
        let mut images = Images::default();
        let mut used: BTreeMap<String, PathBuf> = BTreeMap::new();
        for (targets, extra, d) in resolved {
            for t in &targets {
                if let ImageTarget::Local { rel } = t {
                    if let Some(path) = self.assets.get(rel) {
                        used.insert(rel.clone(), path.clone());
                    }
                }
            }
            for (rel, path) in extra {
                used.insert(rel.clone(), path.clone());
                images.extra_assets.push((rel, path));
            }
            images.targets.push(targets);
            diags.extend(d);
        }
        images.extra_assets.sort();
        images.extra_assets.dedup();

        // Every image used is probed now and copied into the output later:
        // the disk fetches them all while the first are probed.
        let ahead = crate::readahead::Readahead::start(
            used.values().cloned().collect(),
            rayon::current_num_threads(),
        );
        let probed: Vec<(String, ImageInfo)> = used
            .into_par_iter()
            .map(|(rel, path)| {
                let info = self.info_for(&path);
                (rel, info)
            })
            .collect();
        drop(ahead);
        images.info.extend(probed);
        self.warn_unknown_formats(&images, diags);
        images
    }

    fn info_for(&self, path: &Path) -> ImageInfo {
        let probe = image_file::probe(path);
        let mut info = ImageInfo {
            format: probe.format,
            size: probe.size,
            source: path.to_path_buf(),
            scale_to: None,
            scaled: None,
            too_many_pixels: false,
        };
        let Some(max) = self.max_width.filter(|&m| m > 0) else {
            return info;
        };
        let too_wide = probe.size.is_some_and(|(w, _)| w > max);
        if !too_wide || !probe.format.can_downscale() {
            return info;
        }
        // A decompression bomb (a small file of 20000×20000) would take
        // gigabytes to decode: the header's size decides first.
        let pixels = probe.size.map_or(0, |(w, h)| u64::from(w) * u64::from(h));
        if pixels > self.max_pixels {
            info.too_many_pixels = true;
        } else {
            info.scale_to = Some(max);
        }
        info
    }

    /// A file shown as an image that no browser can show is worth a word at
    /// each place it is used.
    fn warn_unknown_formats(&self, images: &Images, diags: &mut Vec<Diagnostic>) {
        for (id, targets) in images.targets.iter_enumerated() {
            for (i, t) in targets.iter().enumerate() {
                let ImageTarget::Local { rel } = t else {
                    continue;
                };
                if let Some(info) = images.info.get(rel).filter(|i| i.too_many_pixels) {
                    let note = &self.notes[id];
                    let img = &note.facts.images[i];
                    let (w, h) = info.size.unwrap_or_default();
                    let d = Diagnostic::warning(
                        Code::ImageTooLarge,
                        format!(
                            "`{rel}`은 {w}×{h} 픽셀로 images.max_pixels({})보다 커서 줄이지 않고 원본을 그대로 씁니다",
                            self.max_pixels
                        ),
                    )
                    .with_help("그림을 미리 줄이거나 gongbu.yaml의 images.max_pixels를 늘리세요");
                    diags.push(note.diagnostic_at(d, img.offset, img.len));
                }
                if images
                    .info
                    .get(rel)
                    .is_some_and(|info| info.format == ImageFormat::Unknown)
                {
                    let note = &self.notes[id];
                    let img = &note.facts.images[i];
                    if crate::obsidian::embeds::is_file_link(img) {
                        continue; // `![[문서.pdf]]` is shown as a link.
                    }
                    let d = Diagnostic::warning(
                        Code::ImageFormat,
                        format!("브라우저가 보여 줄 수 있는 그림 형식(PNG, JPEG, GIF, WebP, AVIF, SVG)이 아닙니다: `{rel}`"),
                    );
                    diags.push(note.diagnostic_at(d, img.offset, img.len));
                }
            }
        }
    }
}

/// `os/images/a.png` → `os/images/a.800w.png` (folders as [`asset_url`]).
pub(crate) fn scaled_url(rel: &str, max_width: u32, format: ImageFormat) -> String {
    let url = asset_url(rel);
    let (dir, file) = match url.rsplit_once('/') {
        Some((d, f)) => (format!("{d}/"), f.to_string()),
        None => (String::new(), url.clone()),
    };
    let (stem, ext) = match file.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_string(), e.to_string()),
        _ => (file.clone(), format.extension().to_string()),
    };
    format!("{dir}{stem}.{max_width}w.{ext}")
}

/// A file found for an image: its notes-relative path, and its path on
/// disk when the walk of the notes folder skipped it.
type Found = (String, Option<PathBuf>);

struct Context<'a> {
    resolver: &'a ImageResolver<'a>,
    canonical_root: Option<&'a Path>,
    /// Lower-cased path → path, for `A.PNG` written as `a.png`.
    lower: &'a HashMap<String, &'a str>,
    /// Files by name, for Obsidian's `![[그림.png]]` (vault-wide).
    by_name: &'a crate::obsidian::embeds::FileNames<'a>,
}

impl Context<'_> {
    fn resolve(
        &self,
        from: NoteId,
        img: &ImageRef,
        extra: &mut Vec<(String, PathBuf)>,
        diags: &mut Vec<Diagnostic>,
    ) -> ImageTarget {
        let note = &self.resolver.notes[from];
        let found = match self.find(&note.folder, &img.src) {
            Err(p) if img.wiki => {
                crate::obsidian::embeds::find_file(self.by_name, note, img, diags)
                    .map(|rel| Ok(Some((rel, None))))
                    .unwrap_or(Err(p))
            }
            other => other,
        };
        match found {
            Ok(Some((rel, path))) => {
                if let Some(path) = path {
                    extra.push((rel.clone(), path));
                }
                ImageTarget::Local { rel }
            }
            Ok(None) => ImageTarget::Remote,
            Err(p) => {
                let mut d = Diagnostic::warning(p.code, p.message.clone());
                if let Some(help) = p.help {
                    d = d.with_help(help);
                }
                diags.push(note.diagnostic_at(d, img.offset, img.len));
                ImageTarget::Missing {
                    name: p.name,
                    reason: p.message,
                }
            }
        }
    }

    /// The file an image address names; Ok(None) for a remote image.
    fn find(&self, folder: &str, src: &str) -> Result<Option<Found>, Problem> {
        let src = src.trim();
        if src.is_empty() {
            return Err(Problem {
                code: Code::ImageEmpty,
                name: "(빈 주소)".to_string(),
                message: "그림 주소가 비어 있습니다".to_string(),
                help: Some("`![설명](images/그림.png)`처럼 그림 파일의 경로를 적으세요"),
            });
        }
        let lower = src.to_ascii_lowercase();
        if lower.starts_with("attachment:") {
            let name = src.rsplit(':').next().unwrap_or(src);
            return Err(Problem {
                code: Code::ImageAttachment,
                name: format!("{} (Notion 첨부)", decode(name)),
                message: format!(
                    "Notion 첨부 그림이라 내보낸 노트에 파일이 없습니다: `{src}`"
                ),
                help: Some("Notion에서 그림을 내려받아 노트 옆에 두고 `![설명](그림.png)`처럼 경로를 고치세요"),
            });
        }
        if let Some(rest) = strip_prefix_ignore_case(src, "file:") {
            let path = rest.trim_start_matches('/');
            let path = path.strip_prefix("localhost/").unwrap_or(path);
            let path = decode(path);
            let absolute = if is_windows_absolute(&path) {
                path
            } else {
                format!("/{path}")
            };
            return match self.absolute_inside(&absolute) {
                Some(found) => Ok(Some(found)),
                None => Err(outside_absolute(src)),
            };
        }
        if has_scheme(src) {
            return Ok(None);
        }
        if is_windows_absolute(src) || src.starts_with("\\\\") {
            return Err(outside_absolute(src));
        }
        let written = src.replace('\\', "/");
        // Names may hold `#` or `?`; the whole address is tried as a name
        // first, then without its query and fragment.
        let (path_only, _, _) = split_url(&written);
        let mut candidates: Vec<String> = Vec::new();
        for c in [
            nfc(&decode(&written)),
            nfc(&written),
            nfc(&decode(path_only)),
            nfc(path_only),
        ] {
            if !c.is_empty() && !candidates.contains(&c) {
                candidates.push(c);
            }
        }
        for c in &candidates {
            if let Some(found) = self.find_path(folder, c) {
                return Ok(Some(found));
            }
        }
        // The message names a file: without the query or fragment when what
        // is left still looks like a file name, else as written (`C#.png`).
        let last = path_only.rsplit('/').next().unwrap_or(path_only);
        let shown = nfc(&decode(if last.contains('.') {
            path_only
        } else {
            &written
        }));
        Err(self.problem(folder, &shown))
    }

    fn find_path(&self, folder: &str, path: &str) -> Option<Found> {
        if path.starts_with('/') {
            if let Some(rel) = join_normalized("", path) {
                if let Some(found) = self.lookup(&rel) {
                    return Some(found);
                }
            }
            return self.absolute_inside(path);
        }
        let rel = join_normalized(folder, path)?;
        self.lookup(&rel)
    }

    /// A notes-relative path: a file found by the walk (exactly, or with
    /// other letter case), else one on disk inside the notes root.
    fn lookup(&self, rel: &str) -> Option<Found> {
        if rel.is_empty() {
            return None;
        }
        if self.resolver.assets.contains_key(rel) {
            return Some((rel.to_string(), None));
        }
        if let Some(found) = self.lower.get(&rel.to_lowercase()) {
            return Some((found.to_string(), None));
        }
        if is_markdown(rel) {
            return None;
        }
        let path = self.resolver.notes_root.join(rel);
        if path.is_file() && self.is_inside(&path) {
            return Some((rel.to_string(), Some(path)));
        }
        None
    }

    /// An absolute file system path that leads into the notes root.
    fn absolute_inside(&self, path: &str) -> Option<Found> {
        let root = self.canonical_root?;
        let real = Path::new(path).canonicalize().ok()?;
        let rel = real.strip_prefix(root).ok()?;
        let rel = nfc(&rel.to_string_lossy().replace('\\', "/"));
        self.lookup(&rel)
    }

    fn is_inside(&self, path: &Path) -> bool {
        match (self.canonical_root, path.canonicalize()) {
            (Some(root), Ok(real)) => real.starts_with(root),
            _ => false,
        }
    }

    /// Why `path` (as written, decoded) names nothing we may show.
    fn problem(&self, folder: &str, path: &str) -> Problem {
        let name = path.rsplit('/').next().unwrap_or(path).to_string();
        let name = if name.is_empty() {
            path.to_string()
        } else {
            name
        };
        if path.starts_with('/') {
            let rel = path.trim_start_matches('/');
            if looks_like_system_path(path) || Path::new(path).exists() {
                return outside_absolute(path);
            }
            return Problem {
                code: Code::ImageMissing,
                name,
                message: format!("노트 폴더에 그림 파일이 없습니다: `{rel}` (`/`로 시작하는 경로는 노트 폴더를 기준으로 찾습니다)"),
                help: None,
            };
        }
        let Some(rel) = join_normalized(folder, path) else {
            return Problem {
                code: Code::ImageOutside,
                name,
                message: format!("노트 폴더 밖을 가리키는 그림 경로입니다: `{path}` (노트 폴더 밖의 파일은 사이트에 넣지 않습니다)"),
                help: Some("그림 파일을 노트 폴더 안으로 옮기고 경로를 고치세요"),
            };
        };
        let on_disk = self.resolver.notes_root.join(&rel);
        if on_disk.symlink_metadata().is_ok() && on_disk.exists() && !self.is_inside(&on_disk) {
            return Problem {
                code: Code::ImageOutside,
                name,
                message: format!("노트 폴더 밖을 가리키는 심볼릭 링크입니다: `{rel}` (노트 폴더 밖의 파일은 사이트에 넣지 않습니다)"),
                help: Some("심볼릭 링크 대신 그림 파일을 노트 폴더 안에 두세요"),
            };
        }
        if on_disk.is_dir() {
            return Problem {
                code: Code::ImageMissing,
                name,
                message: format!("그림 경로가 파일이 아니라 폴더입니다: `{rel}`"),
                help: None,
            };
        }
        Problem {
            code: Code::ImageMissing,
            name,
            message: format!("그림 파일이 없습니다: `{rel}`"),
            help: Some("파일 이름과 경로(노트가 있는 폴더 기준)를 확인하세요"),
        }
    }
}

fn outside_absolute(src: &str) -> Problem {
    let trimmed = src.trim_end_matches(['/', '\\']);
    let name = trimmed
        .rsplit(['/', '\\'])
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(src);
    Problem {
        code: Code::ImageOutside,
        name: decode(name),
        message: format!("이 컴퓨터의 절대 경로라 노트 폴더 밖에 있는 그림입니다: `{src}` (노트 폴더 밖의 파일은 사이트에 넣지 않습니다)"),
        help: Some("그림 파일을 노트 옆에 두고 노트 기준 상대 경로(`images/그림.png`)로 적으세요"),
    }
}

/// `C:\…`, `C:/…`.
fn is_windows_absolute(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'\\' | b'/')
}

/// Absolute paths that are clearly a computer's folders, not the site's.
fn looks_like_system_path(path: &str) -> bool {
    const ROOTS: &[&str] = &[
        "/home/",
        "/Users/",
        "/root/",
        "/tmp/",
        "/var/",
        "/etc/",
        "/opt/",
        "/mnt/",
        "/media/",
        "/Volumes/",
        "/private/",
        "/usr/",
    ];
    ROOTS.iter().any(|r| path.starts_with(r))
}

fn strip_prefix_ignore_case<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_urls() {
        assert_eq!(
            scaled_url("OS/그림 파일.PNG", 800, ImageFormat::Png),
            "os/그림 파일.800w.PNG"
        );
        assert_eq!(scaled_url("a", 640, ImageFormat::Jpeg), "a.640w.jpg");
    }

    #[test]
    fn absolute_paths() {
        assert!(is_windows_absolute("C:\\x.png"));
        assert!(is_windows_absolute("d:/그림/x.png"));
        assert!(!is_windows_absolute("images/x.png"));
        assert!(looks_like_system_path("/home/me/x.png"));
        assert!(!looks_like_system_path("/images/x.png"));
        assert_eq!(strip_prefix_ignore_case("FILE:///a", "file:"), Some("///a"));
        assert_eq!(strip_prefix_ignore_case("그림", "file:"), None);
    }
}
