//! Finding notes and assets under `notes/` and decoding note files.
//!
//! Walks with walkdir (following symlinks, surviving loops), skips `_`/`.`
//! entries (except Jekyll's `_posts`), refuses anything that resolves outside
//! the notes root, and decodes UTF-8 (BOM stripped), UTF-16 with a BOM and
//! EUC-KR/CP949 (with a warning).

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{display_path, Diagnostic};
use crate::korean::nfc;

/// A file found under the notes root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    /// Path relative to the notes root, NFC, `/`-separated.
    pub rel: String,
    /// Where it is on disk.
    pub path: PathBuf,
}

/// Everything the walk found.
#[derive(Debug, Default)]
pub struct Discovered {
    pub notes: Vec<SourceFile>,
    /// Non-markdown files (images, PDFs, …), copied only when referenced.
    pub assets: Vec<SourceFile>,
    /// Loops, unreadable entries, symlinks leading out of the root.
    pub diagnostics: Vec<Diagnostic>,
}

pub fn is_markdown(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// Files and folders the walk leaves out: `_` or `.` first (except `_posts`).
pub fn is_skipped(name: &str) -> bool {
    (name.starts_with('_') && name != "_posts") || name.starts_with('.')
}

/// Walks `notes_root`. `site_root` is only used to print paths.
pub fn discover(notes_root: &Path, site_root: &Path) -> Discovered {
    let mut found = Discovered::default();
    let canonical_root = match notes_root.canonicalize() {
        Ok(p) => p,
        Err(e) => {
            found.diagnostics.push(
                Diagnostic::error("notes", format!("노트 폴더를 열 수 없습니다: {e}"))
                    .with_path(display_path(site_root, notes_root)),
            );
            return found;
        }
    };
    let walker = WalkDir::new(notes_root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_skipped(&e.file_name().to_string_lossy()));
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
                    .push(Diagnostic::warning("walk", msg).with_path(path));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path().to_path_buf();
        let display = display_path(site_root, &path);
        if entry.path_is_symlink() || has_symlinked_parent(notes_root, &path) {
            match path.canonicalize() {
                Ok(real) if real.starts_with(&canonical_root) => {}
                _ => {
                    found.diagnostics.push(
                        Diagnostic::warning(
                            "outside-root",
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

fn has_symlinked_parent(root: &Path, path: &Path) -> bool {
    let mut cur = path.parent();
    while let Some(dir) = cur {
        if dir == root || !dir.starts_with(root) {
            return false;
        }
        if dir
            .symlink_metadata()
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false)
        {
            return true;
        }
        cur = dir.parent();
    }
    false
}

/// The text of a note and what decoding it took.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub warnings: Vec<Diagnostic>,
}

/// Decodes the bytes of a note. Binary content is refused with a warning
/// diagnostic: the file is skipped, not half-read.
pub fn decode(bytes: &[u8], display: &str) -> Result<Decoded, Diagnostic> {
    let mut warnings = Vec::new();
    // UTF-16 (with a BOM) before the NUL check: its ASCII has NUL bytes.
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        if enc != encoding_rs::UTF_8 {
            let (text, had_errors) =
                enc.decode_without_bom_handling(bytes.get(bom_len..).unwrap_or_default());
            warnings.push(
                Diagnostic::warning(
                    "encoding",
                    format!(
                        "{} 인코딩으로 읽었습니다; UTF-8로 저장하기를 권합니다",
                        enc.name()
                    ),
                )
                .with_path(display),
            );
            if had_errors {
                warnings.push(
                    Diagnostic::warning("encoding", "읽을 수 없는 글자를 �로 바꿨습니다")
                        .with_path(display),
                );
            }
            return Ok(Decoded {
                text: clean_text(&text),
                warnings,
            });
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if looks_binary(bytes) {
        return Err(Diagnostic::warning(
            "binary",
            "텍스트가 아닌 파일(바이너리)이라 노트로 읽지 않고 건너뜁니다",
        )
        .with_path(display)
        .with_help("노트가 아니라면 확장자를 .md가 아닌 것으로 바꿔 주세요"));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => clean_text(t),
        Err(utf8_err) => {
            if let Some(text) =
                encoding_rs::EUC_KR.decode_without_bom_handling_and_without_replacement(bytes)
            {
                warnings.push(
                    Diagnostic::warning(
                        "encoding",
                        "UTF-8이 아니라 EUC-KR(CP949)로 읽었습니다; UTF-8로 저장하기를 권합니다",
                    )
                    .with_path(display),
                );
                clean_text(&text)
            } else {
                let valid = bytes.get(..utf8_err.valid_up_to()).unwrap_or(bytes);
                let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
                let text = String::from_utf8_lossy(bytes).into_owned();
                let text = clean_text(&text);
                warnings.push(
                    Diagnostic::warning(
                        "encoding",
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
pub fn clean_text(s: &str) -> String {
    let needs_strip = s.chars().any(is_stripped_control);
    let s = if needs_strip {
        s.chars()
            .filter(|&c| !is_stripped_control(c))
            .collect::<String>()
    } else {
        s.to_string()
    };
    nfc(&s)
}

fn is_stripped_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf() {
        let d = decode(b"\xEF\xBB\xBF# \xEC\xA0\x9C\xEB\xAA\xA9\r\n", "a.md").unwrap();
        assert_eq!(d.text, "# 제목\r\n");
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn euc_kr_is_decoded_with_a_warning() {
        let (bytes, _, _) = encoding_rs::EUC_KR.encode("# 프로세스\n스레드와 비교\n");
        let d = decode(&bytes, "a.md").unwrap();
        assert_eq!(d.text, "# 프로세스\n스레드와 비교\n");
        assert_eq!(d.warnings.len(), 1);
        assert!(d.warnings[0].message.contains("EUC-KR"));
    }

    #[test]
    fn binary_is_refused() {
        let e = decode(b"\x89PNG\r\n\x1a\n\0\0\0", "a.md").unwrap_err();
        assert_eq!(e.code, "binary");
    }

    #[test]
    fn invalid_utf8_is_replaced_with_line() {
        let d = decode(b"ok\nbad \xff\xfe\xfd here\n", "a.md").unwrap();
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
