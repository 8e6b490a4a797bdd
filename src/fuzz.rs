//! The whole note pipeline on bytes, in memory: decode → front matter →
//! markdown facts → site index → every page rendered, as `gongbu build`
//! runs it, with no files read or written. The fuzz target (`fuzz/`) and
//! the tests for pathological notes drive it.
//!
//! The note under test sits beside a fixed companion note that defines
//! glossary terms in its front matter, holds a comparison table and a
//! parallel comparison list, and links to the note under test (which may
//! link back by `[[프로세스 vs 스레드]]`), so links, backlinks, glossary and
//! comparison passes all see the fuzzed text.
//!
//! Built only with the `fuzzing` feature (fuzz/Cargo.toml enables it;
//! `cargo test --features fuzzing` runs the fuzz regression tests).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::note::html::{HtmlTracker, OpenHtml};
use crate::note::{self, SourceFile};
use crate::output::MemorySink;
use crate::render::templates::Theme;
use crate::{BuildOptions, Site};

/// Where the note under test lives when no name is given.
pub const NOTE_PATH: &str = "퍼즈/노트.md";

/// The companion note (notes-relative path and text).
pub const COMPANION_PATH: &str = "os/프로세스-vs-스레드.md";
pub const COMPANION: &str = "---
title: 프로세스 vs 스레드
date: 2026-02-08
tags: [os, 프로세스]
aliases: [PvT]
glossary:
  - term: 프로세스
    aliases: [process]
    english: Process
    definition: 실행 중인 프로그램
  - term: 스레드
    aliases: [쓰레드, Thread]
    definition: 프로세스 안의 실행 흐름
  - term: 멀티스레드
    definition: 여러 스레드가 함께 도는 것
---
# 프로세스 vs 스레드

## 프로세스와 스레드의 차이

| 구분 | 프로세스 | 스레드 |
|---|---|---|
| 메모리 | 독립 | 공유 |
| 생성 비용 | 크다 | 작다 |

1. **메모리**
   - **프로세스**: 독립된 주소 공간
   - **스레드**: 주소 공간 공유

멀티스레드 프로그램에서 스레드는 [[노트]]와 [노트](../퍼즈/노트.md#section)를 참고한다.
";

/// What one in-memory build produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    /// Every written file by site-relative path; empty when errors stopped
    /// the build before rendering.
    pub files: BTreeMap<String, Vec<u8>>,
    pub pages: usize,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// HTML pages whose markup is left open at the end of the file (an
    /// element or comment from a note swallowing the page): (path, what).
    pub fn swallowed_pages(&self) -> Vec<(String, OpenHtml)> {
        self.files
            .iter()
            .filter(|(rel, _)| rel.ends_with(".html"))
            .filter_map(|(rel, bytes)| {
                let mut t = HtmlTracker::new();
                t.feed(&String::from_utf8_lossy(bytes), 0);
                t.finish().map(|open| (rel.clone(), open))
            })
            .collect()
    }
}

/// A fuzz input: the bytes of the note, or `0xFF LEN NAME… BODY…` to also
/// choose the note's path (LEN bytes of NAME, then the body).
pub fn build_input(data: &[u8]) -> Outcome {
    match data {
        [0xFF, len, rest @ ..] if rest.len() >= usize::from(*len) => {
            let (name, body) = rest.split_at(usize::from(*len));
            build_named(&String::from_utf8_lossy(name), body)
        }
        _ => build_one(data),
    }
}

/// Builds a site of the companion note and `bytes` as `notes/퍼즈/노트.md`.
pub fn build_one(bytes: &[u8]) -> Outcome {
    build_named(NOTE_PATH, bytes)
}

/// Like [`build_one`], with the note under test at `name` (notes-relative;
/// cleaned the way a walk of a real folder would find it: NFC, no empty,
/// `.` or `..` segments, a markdown extension).
pub fn build_named(name: &str, bytes: &[u8]) -> Outcome {
    let rel = clean_rel(name);
    let display = format!("notes/{rel}");
    let mut diags = Vec::new();
    let decoded = match note::load::decode(bytes.to_vec(), &display) {
        Ok(d) => d,
        Err(d) => {
            return Outcome {
                diagnostics: vec![d],
                ..Outcome::default()
            }
        }
    };
    diags.extend(decoded.warnings);
    let mut notes = Vec::new();
    for (rel, text) in [
        (rel.as_str(), decoded.text),
        (COMPANION_PATH, COMPANION.to_string()),
    ] {
        if notes
            .iter()
            .any(|n: &note::Note| n.rel_path == rel || n.rel_path.eq_ignore_ascii_case(rel))
        {
            continue;
        }
        let file = SourceFile {
            rel: rel.to_string(),
            path: PathBuf::from("notes").join(rel),
        };
        match note::from_source(&file, format!("notes/{rel}"), text, &mut diags) {
            Ok(n) => notes.push(n),
            Err(d) => diags.push(d),
        }
    }
    notes.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));

    let options = BuildOptions {
        no_cache: true,
        drafts: true,
        ..BuildOptions::new(no_such_root())
    };
    let config = Config {
        base_url: "https://example.github.io/노트/".to_string(),
        ..Config::default()
    };
    let Some(theme) = default_theme() else {
        return Outcome {
            diagnostics: diags,
            ..Outcome::default()
        };
    };
    let theme = Theme {
        tera: theme.tera.clone(),
        static_files: theme.static_files.clone(),
        fingerprint: theme.fingerprint,
    };
    let site = Site::from_notes(
        options,
        notes,
        config,
        theme,
        HashMap::new(),
        None,
        &mut diags,
    );
    if diags.iter().any(Diagnostic::is_error) {
        return Outcome {
            diagnostics: diags,
            ..Outcome::default()
        };
    }
    let sink = MemorySink::default();
    let collected = Diagnostics::new();
    let pages = crate::render_into(&site, &sink, &collected);
    diags.extend(collected.into_sorted());
    Outcome {
        diagnostics: diags,
        files: sink.into_files(),
        pages,
    }
}

/// A site root that does not exist, so the default theme is used and no
/// file under it is found.
fn no_such_root() -> PathBuf {
    std::env::temp_dir().join("gongbu-fuzz-root-that-does-not-exist")
}

/// The default theme, loaded once per process.
fn default_theme() -> Option<&'static Theme> {
    static THEME: OnceLock<Option<Theme>> = OnceLock::new();
    THEME
        .get_or_init(|| Theme::load(&no_such_root()).ok())
        .as_ref()
}

fn clean_rel(name: &str) -> String {
    let name = crate::korean::nfc(&name.replace(['\\', '\0'], "/"));
    let parts: Vec<&str> = name
        .split('/')
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .collect();
    let mut rel = parts.join("/");
    if rel.is_empty() {
        rel = NOTE_PATH.to_string();
    }
    if !note::load::is_markdown(&rel) {
        rel.push_str(".md");
    }
    rel
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_small_site_in_memory() {
        let o = build_one("# 노트\n\n[[프로세스 vs 스레드]]의 스레드를 본다.\n".as_bytes());
        assert!(!o.has_errors(), "{:#?}", o.diagnostics);
        assert!(o.files.contains_key("퍼즈/노트.html"));
        assert!(o.files.contains_key("atom.xml"));
        assert!(o.swallowed_pages().is_empty());
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_rel("../a//b"), "a/b.md");
        assert_eq!(clean_rel(""), NOTE_PATH);
        assert_eq!(clean_rel("x.markdown"), "x.markdown");
    }
}
