//! Finding notes and assets in the notes folder and decoding note files.
//!
//! Walks with walkdir (following symlinks, surviving loops), skips `_`/`.`
//! entries (except Jekyll's `_posts`), `node_modules/`, the `exclude:`
//! patterns of gongbu.yaml (gitignore rules, with the `ignore` crate) and,
//! when the notes are the site root itself, the output folder, `templates/`,
//! `static/` and `target/`; refuses anything that resolves outside the notes
//! root, and decodes UTF-8 (BOM stripped), UTF-16 with a BOM and EUC-KR/CP949
//! (with a warning). Also knows the repository meta files (CONTRIBUTING.md,
//! LICENSE, …) that are pages but not notes to list.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{display_path, Code, Diagnostic};
use crate::korean::{nfc, nfc_owned};

/// A file found under the notes root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SourceFile {
    /// Path relative to the notes root, NFC, `/`-separated.
    pub rel: String,
    /// Where it is on disk.
    pub path: PathBuf,
}

/// Everything the walk found.
#[derive(Debug, Default)]
pub(crate) struct Discovered {
    pub notes: Vec<SourceFile>,
    /// Non-markdown files (images, PDFs, …), copied only when referenced.
    pub assets: Vec<SourceFile>,
    /// Loops, unreadable entries, symlinks leading out of the root.
    pub diagnostics: Vec<Diagnostic>,
}

pub(crate) fn is_markdown(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// Files and folders the walk leaves out: `_` or `.` first (except `_posts`).
pub(crate) fn is_skipped(name: &str) -> bool {
    (name.starts_with('_') && name != "_posts") || name.starts_with('.')
}

/// Folders where notes never are (besides `_`/`.` names), by name.
const NEVER_NOTES: &[&str] = &["node_modules"];

/// Folders of the site root that hold no notes when the notes are the root
/// itself (`notes_dir: .`); the output folder is added to them.
const ROOT_NON_NOTES: &[&str] = &["templates", "static", "target"];

/// What the walk of the notes folder leaves out besides `_`/`.` names.
#[derive(Debug, Default)]
pub(crate) struct Exclusions {
    /// Folders relative to the notes root (output, templates, …).
    folders: Vec<PathBuf>,
    /// `exclude:` patterns, relative to the notes root.
    patterns: Option<ignore::gitignore::Gitignore>,
    /// Patterns that could not be read (config warnings).
    pub diagnostics: Vec<Diagnostic>,
}

impl Exclusions {
    /// `notes_root` is walked; `site_root` holds gongbu.yaml and the theme;
    /// `out` is the output folder; `patterns` are gitignore lines.
    pub(crate) fn new(
        notes_root: &Path,
        site_root: &Path,
        out: &Path,
        patterns: &[String],
    ) -> Self {
        let mut ex = Exclusions::default();
        let notes_abs = absolute(notes_root);
        let root_abs = absolute(site_root);
        let mut candidates = vec![absolute(out)];
        if notes_abs == root_abs {
            candidates.extend(ROOT_NON_NOTES.iter().map(|d| root_abs.join(d)));
        }
        for dir in candidates {
            if let Ok(rel) = dir.strip_prefix(&notes_abs) {
                if !rel.as_os_str().is_empty() {
                    ex.folders.push(rel.to_path_buf());
                }
            }
        }
        if !patterns.is_empty() {
            let mut builder = ignore::gitignore::GitignoreBuilder::new(notes_root);
            for p in patterns {
                if let Err(e) = builder.add_line(None, p) {
                    ex.diagnostics.push(
                        Diagnostic::warning(
                            Code::Config,
                            format!("`exclude`의 패턴 `{p}`을 읽을 수 없어 건너뜁니다: {e}"),
                        )
                        .with_path(crate::config::CONFIG_FILE),
                    );
                }
            }
            match builder.build() {
                Ok(gi) => ex.patterns = Some(gi),
                Err(e) => ex.diagnostics.push(
                    Diagnostic::warning(
                        Code::Config,
                        format!("`exclude` 패턴을 읽을 수 없어 쓰지 않습니다: {e}"),
                    )
                    .with_path(crate::config::CONFIG_FILE),
                ),
            }
        }
        ex
    }

    /// Whether `rel` (relative to the notes root) is left out.
    pub(crate) fn excludes(&self, rel: &Path, is_dir: bool) -> bool {
        if rel.as_os_str().is_empty() {
            return false;
        }
        if is_dir {
            let name = rel.file_name().map(|n| n.to_string_lossy());
            if name.is_some_and(|n| NEVER_NOTES.contains(&n.as_ref())) {
                return true;
            }
            if self.folders.iter().any(|f| f == rel) {
                return true;
            }
        }
        self.patterns
            .as_ref()
            .is_some_and(|gi| gi.matched(rel, is_dir).is_ignore())
    }
}

/// The path made absolute and lexically clean (`.`/`..` resolved), without
/// touching the disk beyond the working directory.
fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Repository meta files (CONTRIBUTING.md, LICENSE, issue templates, …):
/// built as pages when linked, never listed as notes, recent notes or feed
/// entries.
pub(crate) fn is_meta_file(rel: &str) -> bool {
    const META_STEMS: &[&str] = &[
        "contributing",
        "code_of_conduct",
        "pull_request_template",
        "security",
        "support",
        "copying",
    ];
    let lower = rel.to_lowercase();
    let mut parts = lower.split('/').rev();
    let name = parts.next().unwrap_or_default();
    if parts.any(|dir| dir == "issue_template" || dir == "pull_request_template") {
        return true;
    }
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
    META_STEMS.contains(&stem) || stem.starts_with("license") || stem.starts_with("licence")
}

/// Drops the repository meta files no other note links to: they are pages
/// only when something leads to them. A link counts when its last path
/// segment names the file (`CONTRIBUTING.md`, `../CONTRIBUTING`, a GitHub
/// blob URL, `[[CONTRIBUTING]]`).
pub(crate) fn keep_linked_meta(notes: &mut Vec<crate::note::Note>) {
    if !notes.iter().any(|n| n.is_meta) {
        return;
    }
    let mut linked: std::collections::HashSet<String> = std::collections::HashSet::new();
    for n in notes.iter() {
        for l in &n.facts.links {
            let dest = l.dest.split(['#', '?']).next().unwrap_or_default();
            let last = dest
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default();
            let last = percent_encoding::percent_decode_str(last).decode_utf8_lossy();
            let last = nfc(&last.to_lowercase());
            let stem = last.rsplit_once('.').map(|(s, _)| s.to_string());
            linked.extend(stem);
            linked.insert(last);
        }
    }
    notes.retain(|n| {
        if !n.is_meta {
            return true;
        }
        let name = n
            .rel_path
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_lowercase();
        let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&name);
        linked.contains(&name) || linked.contains(stem)
    });
}

/// Walks `notes_root`, leaving out what `exclusions` names. `site_root` is
/// only used to print paths.
pub(crate) fn discover(notes_root: &Path, site_root: &Path, exclusions: &Exclusions) -> Discovered {
    let mut found = Discovered::default();
    let canonical_root = match notes_root.canonicalize() {
        Ok(p) => p,
        Err(e) => {
            found.diagnostics.push(
                Diagnostic::error(Code::Notes, format!("노트 폴더를 열 수 없습니다: {e}"))
                    .with_path(display_path(site_root, notes_root)),
            );
            return found;
        }
    };
    let mut symlinked = std::collections::HashMap::new();
    let walker = WalkDir::new(notes_root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(is_skipped(&e.file_name().to_string_lossy())
                    || exclusions.excludes(
                        e.path().strip_prefix(notes_root).unwrap_or(e.path()),
                        e.file_type().is_dir(),
                    ))
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| display_path(site_root, p))
                    .unwrap_or_default();
                let msg = if e.loop_ancestor().is_some() {
                    "심볼릭 링크가 상위 폴더를 가리켜 고리를 만듭니다; 이 링크는 건너뜁니다"
                        .to_string()
                } else {
                    format!("읽을 수 없어 건너뜁니다: {e}")
                };
                found
                    .diagnostics
                    .push(Diagnostic::warning(Code::Walk, msg).with_path(path));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path().to_path_buf();
        let display = display_path(site_root, &path);
        if entry.path_is_symlink() || has_symlinked_parent(notes_root, &path, &mut symlinked) {
            match path.canonicalize() {
                Ok(real) if real.starts_with(&canonical_root) => {}
                _ => {
                    found.diagnostics.push(
                        Diagnostic::warning(
                            Code::OutsideRoot,
                            "노트 폴더 밖을 가리키는 심볼릭 링크라서 건너뜁니다",
                        )
                        .with_path(display),
                    );
                    continue;
                }
            }
        }
        let Ok(rel) = path.strip_prefix(notes_root) else {
            continue;
        };
        // Names are text too: NFC (macOS writes NFD), no control characters.
        let rel = clean_text(&rel.to_string_lossy().replace('\\', "/"));
        let file = SourceFile { rel, path };
        if is_markdown(&file.rel) {
            found.notes.push(file);
        } else {
            found.assets.push(file);
        }
    }
    found.notes.sort();
    found.assets.sort();
    found
}

/// Whether a folder between `root` and `path` is a symbolic link. `seen`
/// remembers each folder's answer: the notes of a folder share it.
fn has_symlinked_parent(
    root: &Path,
    path: &Path,
    seen: &mut std::collections::HashMap<PathBuf, bool>,
) -> bool {
    let Some(dir) = path.parent() else {
        return false;
    };
    if dir == root || !dir.starts_with(root) {
        return false;
    }
    if let Some(&answer) = seen.get(dir) {
        return answer;
    }
    let answer = dir
        .symlink_metadata()
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false)
        || has_symlinked_parent(root, dir, seen);
    seen.insert(dir.to_path_buf(), answer);
    answer
}

/// The text of a note and what decoding it took.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub text: String,
    pub warnings: Vec<Diagnostic>,
}

/// Decodes the bytes of a note. Binary content is refused with a warning
/// diagnostic: the file is skipped, not half-read. UTF-8 that is already
/// clean (no controls, NFC) becomes the text without a copy.
pub(crate) fn decode(bytes: Vec<u8>, display: &str) -> Result<Decoded, Diagnostic> {
    let mut warnings = Vec::new();
    // UTF-16 (with a BOM) before the NUL check: its ASCII has NUL bytes.
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        if enc != encoding_rs::UTF_8 {
            let (text, had_errors) =
                enc.decode_without_bom_handling(bytes.get(bom_len..).unwrap_or_default());
            warnings.push(
                Diagnostic::warning(
                    Code::Encoding,
                    format!(
                        "{} 인코딩으로 읽었습니다; UTF-8로 저장하기를 권합니다",
                        enc.name()
                    ),
                )
                .with_path(display),
            );
            if had_errors {
                warnings.push(
                    Diagnostic::warning(Code::Encoding, "읽을 수 없는 글자를 �로 바꿨습니다")
                        .with_path(display),
                );
            }
            return Ok(Decoded {
                text: clean_text(&text),
                warnings,
            });
        }
    }
    let mut bytes = bytes;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if looks_binary(&bytes) {
        return Err(Diagnostic::warning(
            Code::Binary,
            "텍스트가 아닌 파일(바이너리)이라 노트로 읽지 않고 건너뜁니다",
        )
        .with_path(display)
        .with_help("노트가 아니라면 확장자를 .md가 아닌 것으로 바꿔 주세요"));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => clean_text_owned(t),
        Err(e) => {
            let utf8_err = e.utf8_error();
            let bytes = e.into_bytes();
            if let Some(text) =
                encoding_rs::EUC_KR.decode_without_bom_handling_and_without_replacement(&bytes)
            {
                warnings.push(
                    Diagnostic::warning(
                        Code::Encoding,
                        "UTF-8이 아니라 EUC-KR(CP949)로 읽었습니다; UTF-8로 저장하기를 권합니다",
                    )
                    .with_path(display),
                );
                clean_text(&text)
            } else {
                let valid = bytes.get(..utf8_err.valid_up_to()).unwrap_or(&bytes);
                let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let text = clean_text_owned(text);
                warnings.push(
                    Diagnostic::warning(
                        Code::Encoding,
                        "UTF-8도 EUC-KR도 아닌 바이트가 있어 �로 바꿔 읽었습니다",
                    )
                    .with_path(display)
                    .at_line(&text, line),
                );
                text
            }
        }
    };
    Ok(Decoded { text, warnings })
}

fn looks_binary(bytes: &[u8]) -> bool {
    let head = bytes.get(..8192).unwrap_or(bytes);
    head.contains(&0)
}

/// NFC, and control characters other than tab and line breaks removed:
/// they have no place in a page and are forbidden in XML.
pub(crate) fn clean_text(s: &str) -> String {
    if has_stripped_control(s) {
        nfc_owned(s.chars().filter(|&c| !is_stripped_control(c)).collect())
    } else {
        nfc(s)
    }
}

/// [`clean_text`] of an owned string: no copy when it is clean already.
pub(crate) fn clean_text_owned(s: String) -> String {
    if has_stripped_control(&s) {
        clean_text(&s)
    } else {
        nfc_owned(s)
    }
}

fn is_stripped_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// Whether `s` has a character [`is_stripped_control`] removes, read from
/// its UTF-8 bytes: C0 controls and DEL are single bytes, C1 controls
/// (U+0080–U+009F) are `C2 80`–`C2 9F`, U+FFFE and U+FFFF are `EF BF BE/BF`.
fn has_stripped_control(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &x)| match x {
        0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F => true,
        0xC2 => matches!(b.get(i + 1), Some(0x80..=0x9F)),
        0xEF => b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_files() {
        assert!(is_meta_file("CONTRIBUTING.md"));
        assert!(is_meta_file("docs/LICENSE.md"));
        assert!(is_meta_file("LICENSE-MIT.md"));
        assert!(is_meta_file("ISSUE_TEMPLATE/버그 제보.md"));
        assert!(!is_meta_file("os/프로세스 [정리].md"));
        assert!(!is_meta_file("README.md"));
    }

    #[test]
    fn exclusions_at_the_root() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let ex = Exclusions::new(
            root,
            root,
            &root.join("site"),
            &[
                "초안/".to_string(),
                "*.tmp.md".to_string(),
                "!keep.tmp.md".to_string(),
            ],
        );
        assert!(ex.excludes(Path::new("site"), true));
        assert!(ex.excludes(Path::new("templates"), true));
        assert!(ex.excludes(Path::new("a/node_modules"), true));
        assert!(ex.excludes(Path::new("os/초안"), true));
        assert!(ex.excludes(Path::new("x.tmp.md"), false));
        assert!(!ex.excludes(Path::new("keep.tmp.md"), false));
        assert!(!ex.excludes(Path::new("os"), true));
        // In a notes folder of its own, `templates/` may be a topic.
        let notes = root.join("notes");
        let ex = Exclusions::new(&notes, root, &root.join("site"), &[]);
        assert!(!ex.excludes(Path::new("templates"), true));
    }

    #[test]
    fn bom_and_crlf() {
        let d = decode(
            b"\xEF\xBB\xBF# \xEC\xA0\x9C\xEB\xAA\xA9\r\n".to_vec(),
            "a.md",
        )
        .unwrap();
        assert_eq!(d.text, "# 제목\r\n");
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn euc_kr_is_decoded_with_a_warning() {
        let (bytes, _, _) = encoding_rs::EUC_KR.encode("# 프로세스\n스레드와 비교\n");
        let d = decode(bytes.into_owned(), "a.md").unwrap();
        assert_eq!(d.text, "# 프로세스\n스레드와 비교\n");
        assert_eq!(d.warnings.len(), 1);
        assert!(d.warnings[0].message.contains("EUC-KR"));
    }

    #[test]
    fn binary_is_refused() {
        let e = decode(b"\x89PNG\r\n\x1a\n\0\0\0".to_vec(), "a.md").unwrap_err();
        assert_eq!(e.code, "binary");
    }

    #[test]
    fn invalid_utf8_is_replaced_with_line() {
        let d = decode(b"ok\nbad \xff\xfe\xfd here\n".to_vec(), "a.md").unwrap();
        assert!(d.text.contains('\u{FFFD}'));
        assert_eq!(d.warnings[0].line, 2);
    }

    #[test]
    fn controls_are_stripped_and_nfc_applied() {
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = "한글".nfd().collect();
        let s = format!("a\u{8}b\u{b}c\t{nfd}\n");
        assert_eq!(clean_text(&s), "abc\t한글\n");
    }
}
