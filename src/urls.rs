//! Output URLs: slugs that keep Hangul, GitHub heading ids, percent-encoded
//! relative hrefs between pages.
//!
//! Site URLs are kept unencoded and `/`-separated (`os/프로세스-vs-스레드.html`)
//! everywhere inside the program; they are percent-encoded only when written
//! into an `href`/`src`, and always made relative to the page they appear on.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

use crate::korean::nfc;

/// Characters escaped in a path written into an href: everything but
/// unreserved ASCII and `/`.
const PATH_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'&')
    .add(b'+')
    .add(b',')
    .add(b';')
    .add(b'=')
    .add(b'!')
    .add(b'$')
    .add(b'*')
    .add(b'@')
    .add(b':');

/// Characters escaped in a fragment (`#…`).
const FRAGMENT_ESCAPES: &AsciiSet = &PATH_ESCAPES.add(b'/');

/// Percent-encodes a site-relative path for an href (Hangul becomes `%ED%94…`).
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH_ESCAPES).to_string()
}

/// Percent-encodes a heading id for use after `#`.
pub(crate) fn encode_fragment(id: &str) -> String {
    utf8_percent_encode(id, FRAGMENT_ESCAPES).to_string()
}

/// Decodes `%XX` escapes; invalid UTF-8 is replaced rather than refused.
pub fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// A URL path segment from a file or folder name: NFC, Hangul and other
/// letters kept, ASCII lower-cased, spaces and separators become `-`,
/// characters that need escaping in URLs dropped — but `+`, `#` and emoji
/// are kept (percent-encoded in links), so `C`, `C++`, `C#` and `c--` stay
/// four pages. A name ending (or starting) with `-` keeps one.
pub fn slugify(name: &str) -> String {
    let name = nfc(name);
    let trimmed_name = name.trim();
    let mut out = String::with_capacity(name.len());
    for c in trimmed_name.chars() {
        if c.is_alphanumeric() || c == '_' || c == '.' || c == '+' || c == '#' || is_emoji(c) {
            out.extend(c.to_lowercase());
        } else if (c == '-' || c.is_whitespace() || c == '/' || c == '~') && !out.ends_with('-') {
            out.push('-');
        }
        // everything else (punctuation, controls) is dropped
    }
    let mut trimmed = out.trim_matches(|c| c == '-' || c == '.').to_string();
    if !trimmed.is_empty() {
        if trimmed_name.starts_with('-') {
            trimmed.insert(0, '-');
        }
        if trimmed_name.ends_with('-') {
            trimmed.push('-');
        }
    }
    if trimmed.is_empty() {
        "_".to_string()
    } else {
        trimmed
    }
}

/// Emoji and the characters that join them (ZWJ, variation selector,
/// keycap): kept in slugs like letters.
fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF
            | 0x200D | 0xFE0F | 0x20E3 | 0xE0020..=0xE007F)
}

/// The id GitHub gives a heading: lower-case, punctuation and symbols (emoji
/// too) removed, each space becomes `-`, letters of every script kept.
/// `🧵 쓰레드, Thread` → `-쓰레드-thread`. Repeats get `-1`, `-2` through
/// [`HeadingIds`].
pub(crate) fn github_heading_id(text: &str) -> String {
    let text = nfc(text);
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c == ' ' {
            out.push('-');
        } else if c == '-' || c == '_' || c.is_alphanumeric() || is_mark(c) {
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn is_mark(c: char) -> bool {
    // Combining marks (kept by GitHub's \p{M}); conjoining Hangul jamo are
    // letters already.
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Hands out unique heading ids within one page, GitHub style.
#[derive(Debug, Default)]
pub(crate) struct HeadingIds {
    seen: std::collections::HashMap<String, usize>,
}

impl HeadingIds {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Reserves an id that is not generated from text (a custom `{#id}`).
    pub(crate) fn reserve(&mut self, id: &str) {
        self.seen.entry(id.to_string()).or_insert(0);
    }

    pub(crate) fn unique(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        let Some(&n) = self.seen.get(base) else {
            self.seen.insert(base.to_string(), 0);
            return base.to_string();
        };
        let mut n = n;
        loop {
            n += 1;
            let candidate = format!("{base}-{n}");
            if !self.seen.contains_key(&candidate) {
                self.seen.insert(base.to_string(), n);
                self.seen.insert(candidate.clone(), 0);
                return candidate;
            }
        }
    }
}

/// The folder part of a site URL: `os/a.html` → `os`, `a.html` → ``.
pub(crate) fn parent(url: &str) -> &str {
    url.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("")
}

/// How a page at `from` (site-relative) refers to the site root: `../../`.
pub(crate) fn root_prefix(from: &str) -> String {
    "../".repeat(from.matches('/').count())
}

/// A relative, percent-encoded href from the page `from` to the site URL
/// `to` (both site-relative, unencoded). Works from `file://` and under any
/// sub-path because it never starts with `/`.
pub(crate) fn relative_href(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = parent(from).split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let (to_dir, file) = to_parts.split_at(to_parts.len().saturating_sub(1));
    let common = from_dir
        .iter()
        .zip(to_dir.iter())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from_dir.len() - common);
    for part in to_dir.iter().skip(common) {
        out.push_str(&encode_path(part));
        out.push('/');
    }
    if let Some(f) = file.first() {
        out.push_str(&encode_path(f));
    }
    if out.is_empty() {
        // `to` is the folder itself; should not happen for file URLs.
        out.push_str("./");
    }
    out
}

/// Output URL of a non-markdown file under the notes root: its folders
/// slugified like the folders of notes (so a note and the images beside it
/// stay side by side), the file name kept as it is.
pub(crate) fn asset_url(rel: &str) -> String {
    match rel.rsplit_once('/') {
        Some((dir, file)) => {
            let dir: Vec<String> = dir
                .split('/')
                .filter(|s| !s.is_empty() && *s != "_posts")
                .map(slugify)
                .collect();
            if dir.is_empty() {
                file.to_string()
            } else {
                format!("{}/{file}", dir.join("/"))
            }
        }
        None => rel.to_string(),
    }
}

/// Joins `rel` onto the folder `base` (both `/`-separated, notes-relative),
/// resolving `.` and `..`. None when the path climbs above the root.
pub(crate) fn join_normalized(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Splits `path#frag` and `path?query`: (path, query-with-?, fragment-without-#).
pub(crate) fn split_url(dest: &str) -> (&str, &str, Option<&str>) {
    let (before_frag, frag) = match dest.split_once('#') {
        Some((before, frag)) => (before, Some(frag)),
        None => (dest, None),
    };
    let (path, query) = match before_frag.find('?') {
        Some(i) => before_frag.split_at(i),
        None => (before_frag, ""),
    };
    (path, query, frag)
}

/// True for `http:`, `mailto:`, `//host` and other URLs that leave the site.
pub(crate) fn has_scheme(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
                && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                // a Windows drive letter `C:\` is a path, not a scheme
                && scheme.len() > 1
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_hangul() {
        assert_eq!(slugify("프로세스 vs 스레드"), "프로세스-vs-스레드");
        assert_eq!(
            slugify("PCB (Process Control Block)"),
            "pcb-process-control-block"
        );
        assert_eq!(slugify("  a -- b  "), "a-b");
        assert_eq!(slugify("🧵"), "🧵");
        assert_eq!(slugify("!!"), "_");
        let four = [slugify("C"), slugify("C++"), slugify("C#"), slugify("c--")];
        assert_eq!(four, ["c", "c++", "c#", "c-"]);
        assert_ne!(slugify("🍎"), slugify("🍊"));
        assert_eq!(slugify("TIL"), "til");
    }

    #[test]
    fn github_ids() {
        assert_eq!(github_heading_id("🧵 쓰레드, Thread"), "-쓰레드-thread");
        assert_eq!(
            github_heading_id("💾 프로세스, Process"),
            "-프로세스-process"
        );
        assert_eq!(
            github_heading_id("PCB (Process Control Block)"),
            "pcb-process-control-block"
        );
        assert_eq!(
            github_heading_id("멀티프로세스 vs 멀티스레드"),
            "멀티프로세스-vs-멀티스레드"
        );
        assert_eq!(
            github_heading_id("Python의 GIL (Global Interpreter Lock)"),
            "python의-gil-global-interpreter-lock"
        );
        assert_eq!(
            github_heading_id("IPC (Inter-Process Communication)"),
            "ipc-inter-process-communication"
        );
        assert_eq!(github_heading_id("1. 정의"), "1-정의");
        let mut ids = HeadingIds::new();
        assert_eq!(ids.unique("장점"), "장점");
        assert_eq!(ids.unique("장점"), "장점-1");
        assert_eq!(ids.unique("장점"), "장점-2");
    }

    #[test]
    fn relative_hrefs() {
        assert_eq!(relative_href("index.html", "os/a.html"), "os/a.html");
        assert_eq!(relative_href("os/a.html", "os/b.html"), "b.html");
        assert_eq!(
            relative_href("os/x/a.html", "tags/t.html"),
            "../../tags/t.html"
        );
        assert_eq!(relative_href("os/a.html", "index.html"), "../index.html");
        assert_eq!(
            relative_href("index.html", "os/프로세스.html"),
            "os/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4.html"
        );
        assert_eq!(relative_href("a.html", "b c.html"), "b%20c.html");
        assert_eq!(root_prefix("a/b/c.html"), "../../");
        assert_eq!(root_prefix("c.html"), "");
    }

    #[test]
    fn joins() {
        assert_eq!(
            join_normalized("os/process", "../sync/a.md").as_deref(),
            Some("os/sync/a.md")
        );
        assert_eq!(
            join_normalized("os", "/images/a.png").as_deref(),
            Some("images/a.png")
        );
        assert_eq!(join_normalized("os", "../../x.png"), None);
        assert_eq!(join_normalized("", "./a.md").as_deref(), Some("a.md"));
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x.org"));
        assert!(has_scheme("mailto:a@b.c"));
        assert!(has_scheme("//cdn.x/y.png"));
        assert!(!has_scheme("a.md"));
        assert!(!has_scheme("C:\\x.png"));
        assert!(!has_scheme("notes/a:b.md"));
        assert_eq!(split_url("a.md?x=1#h"), ("a.md", "?x=1", Some("h")));
        assert_eq!(split_url("#h"), ("", "", Some("h")));
    }
}
