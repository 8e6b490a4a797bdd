//! Fenced code blocks as a whole: the fence's info string read in full
//! (language, `title="main.rs"` or `rust:main.rs`, `linenos`, highlighted
//! lines `{2-4,7}` / `hl_lines="2-4"`, `diff` blocks), and where each kind
//! of block goes: ```` ```math ```` to [`super::math`], ```` ```mermaid ````
//! to [`super::mermaid`], everything else to [`super::highlight`], whose
//! markup is kept byte for byte when the info string asks for nothing more
//! than a language. Lines are wrapped (`span.line`) only when numbers,
//! highlights or a diff need them. The copy button is added by the theme's
//! `code.js`, so pages without JavaScript show plain blocks.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::escape_html_body_text;

/// Highest line number a highlight range may name (bounds the work on
/// `{1-99999999}`).
const MAX_LINE: usize = 100_000;

/// What a fence's info string asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FenceInfo {
    /// The language token as written (`rust`, `diff-rust`, `` for none).
    pub(crate) lang: String,
    pub(crate) title: Option<String>,
    pub(crate) linenos: bool,
    /// Number of the first line (`linenostart=10`), 1 by default.
    pub(crate) start: usize,
    /// Highlighted lines, inclusive ranges of line numbers as shown.
    pub(crate) highlight: Vec<(usize, usize)>,
}

impl FenceInfo {
    /// `diff`, `patch` or `diff-LANG`: lines starting with `+`/`-` are
    /// marked as added/removed.
    pub(crate) fn is_diff(&self) -> bool {
        let l = self.lang.to_ascii_lowercase();
        l == "diff" || l == "patch" || l.starts_with("diff-")
    }

    /// The language to highlight with (`rust` for `diff-rust`).
    pub(crate) fn highlight_lang(&self) -> &str {
        match self.lang.get(..5) {
            Some(p) if p.eq_ignore_ascii_case("diff-") => self.lang.get(5..).unwrap_or(""),
            _ => &self.lang,
        }
    }

    fn wants_lines(&self) -> bool {
        self.linenos || !self.highlight.is_empty() || self.is_diff()
    }

    /// Whether the block is more than a language: otherwise the
    /// highlighter's markup is used as it is.
    pub(crate) fn has_extras(&self) -> bool {
        self.title.is_some() || self.wants_lines()
    }

    fn is_highlighted(&self, line: usize) -> bool {
        self.highlight.iter().any(|&(a, b)| a <= line && line <= b)
    }
}

/// Reads an info string: ```` rust title="main.rs" {2-4,7} linenos ````,
/// ```` rust:main.rs ````, ```` python hl_lines="1 3-4" linenostart=10 ````,
/// ```` {.rust} ```` and a few other spellings from Hugo, Zola, MkDocs,
/// Docusaurus and Jekyll. Unknown words are ignored.
pub(crate) fn parse_info(info: &str) -> FenceInfo {
    let mut out = FenceInfo {
        start: 1,
        ..FenceInfo::default()
    };
    let mut first = true;
    for token in tokens(info) {
        match token {
            Token::Braces(inner) => {
                // `{2-4,7}` or pandoc's `{.rust linenos}`.
                if inner.trim_start().starts_with('.') || inner.contains('=') {
                    for t in tokens(&inner) {
                        if let Token::Word(w) = &t {
                            if let Some(lang) = w.strip_prefix('.') {
                                if out.lang.is_empty() {
                                    out.lang = lang.to_string();
                                }
                                continue;
                            }
                        }
                        apply(&mut out, t);
                    }
                } else {
                    out.highlight.extend(ranges(&inner));
                }
            }
            Token::Word(w) if first && !w.contains('=') => {
                let (word, braces) = match w.split_once('{') {
                    Some((a, b)) => (a.to_string(), Some(b.trim_end_matches('}').to_string())),
                    None => (w.clone(), None),
                };
                match word.split_once(':') {
                    Some((lang, title)) => {
                        out.lang = lang.to_string();
                        if !title.is_empty() {
                            out.title = Some(title.to_string());
                        }
                    }
                    None => out.lang = word,
                }
                if let Some(b) = braces {
                    out.highlight.extend(ranges(&b));
                }
            }
            other => apply(&mut out, other),
        }
        first = false;
    }
    out
}

fn apply(out: &mut FenceInfo, token: Token) {
    match token {
        Token::Pair(key, value) => match key.to_ascii_lowercase().as_str() {
            "title" | "filename" | "file" | "name" | "caption" if !value.trim().is_empty() => {
                out.title = Some(value.trim().to_string());
            }
            "hl_lines" | "hl" | "highlight" | "highlight-lines" | "mark" | "lines" => {
                out.highlight.extend(ranges(&value))
            }
            "linenos" | "linenums" | "linenumbers" | "line-numbers" | "shownumbers" => {
                let v = value.to_ascii_lowercase();
                out.linenos = !matches!(v.as_str(), "false" | "no" | "off" | "0");
                if let Ok(n) = value.parse::<usize>() {
                    // MkDocs' `linenums="10"` starts at 10.
                    out.linenos = true;
                    out.start = n.clamp(1, MAX_LINE);
                }
            }
            "linenostart" | "startline" | "start" | "firstline" => {
                if let Ok(n) = value.trim().parse::<usize>() {
                    out.linenos = true;
                    out.start = n.clamp(1, MAX_LINE);
                }
            }
            _ => {}
        },
        Token::Word(w) => {
            let lower = w.to_ascii_lowercase();
            match lower.as_str() {
                "linenos" | "linenums" | "numberlines" | "linenumbers" | "showlinenumbers"
                | "line-numbers" | "lineno" => out.linenos = true,
                _ => {
                    if let Some(r) = lower.strip_prefix("showlinenumbers{") {
                        out.linenos = true;
                        if let Ok(n) = r.trim_end_matches('}').parse::<usize>() {
                            out.start = n.clamp(1, MAX_LINE);
                        }
                    }
                }
            }
        }
        Token::Braces(inner) => out.highlight.extend(ranges(&inner)),
    }
}

enum Token {
    Word(String),
    Pair(String, String),
    Braces(String),
}

/// Splits an info string into words, `key=value` pairs (value quoted with
/// `"` or `'`, or bare) and `{…}` groups.
fn tokens(info: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = info.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() || c == ',' {
            chars.next();
            continue;
        }
        if c == '{' {
            chars.next();
            let mut inner = String::new();
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
                inner.push(c);
            }
            out.push(Token::Braces(inner));
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '=' || (c == ',' && !word.contains('{')) {
                break;
            }
            word.push(c);
            chars.next();
            if c == '{' {
                // `rust{1,3}` / `showLineNumbers{5}`: the group stays with the word.
                for c in chars.by_ref() {
                    word.push(c);
                    if c == '}' {
                        break;
                    }
                }
            }
        }
        if chars.peek() == Some(&'=') {
            chars.next();
            let mut value = String::new();
            match chars.peek().copied() {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for c in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some(&c) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
            out.push(Token::Pair(word, value));
        } else if !word.is_empty() {
            out.push(Token::Word(word));
        }
    }
    out
}

/// `2-4,7`, `1 3-5`, `2..4`: inclusive ranges; anything else is skipped.
fn ranges(spec: &str) -> Vec<(usize, usize)> {
    spec.split(|c: char| c == ',' || c.is_whitespace())
        .filter_map(|part| {
            let part = part.trim();
            if part.is_empty() {
                return None;
            }
            let (a, b) = match part.split_once("..").or_else(|| part.split_once('-')) {
                Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
                None => {
                    let n = part.parse().ok()?;
                    (n, n)
                }
            };
            let (a, b): (usize, usize) = (a, b);
            (a >= 1 && a <= b && b <= MAX_LINE).then_some((a, b))
        })
        .collect()
}

/// The HTML of one fenced or indented block.
pub(crate) fn block_html(code: &str, info: &str) -> String {
    if super::math::is_math_fence(info) {
        return super::math::fence_html(code);
    }
    if super::mermaid::is_mermaid_fence(info) {
        return super::mermaid::block_html(code);
    }
    let fence = parse_info(info);
    if !fence.has_extras() {
        return super::highlight::code_block_html(code, info);
    }
    let html = super::highlight::code_block_html(code, fence.highlight_lang());
    let html = if fence.wants_lines() {
        with_lines(&html, code, &fence).unwrap_or(html)
    } else {
        html
    };
    let mut out = String::with_capacity(html.len() + 128);
    out.push_str("<figure class=\"code-block");
    if fence.linenos {
        out.push_str(" linenos");
    }
    if fence.is_diff() {
        out.push_str(" diff");
    }
    out.push('"');
    if fence.linenos && fence.start != 1 {
        out.push_str(&format!(
            " style=\"counter-reset: line {}\"",
            fence.start - 1
        ));
    }
    out.push('>');
    if let Some(title) = &fence.title {
        out.push_str("<figcaption class=\"code-title\">");
        let _ = escape_html_body_text(&mut out, title);
        out.push_str("</figcaption>");
    }
    out.push_str(html.trim_end());
    out.push_str("</figure>\n");
    out
}

/// The highlighter's block with every line in a `span.line` (classes `hl`,
/// `add`, `del`, `hunk`); spans open across a line end are closed at the
/// end of the line and opened again on the next, so each line is whole.
/// None when the markup is not the expected `<pre…><code…>…</code></pre>`.
fn with_lines(html: &str, code: &str, fence: &FenceInfo) -> Option<String> {
    let code_open = html.find("<code")?;
    let inner_start = code_open + html.get(code_open..)?.find('>')? + 1;
    let inner_end = html.rfind("</code></pre>")?;
    let head = html.get(..inner_start)?;
    let inner = html.get(inner_start..inner_end)?;
    let tail = html.get(inner_end..)?;
    let source_lines: Vec<&str> = code.lines().collect();
    let mut out = String::with_capacity(html.len() + source_lines.len() * 32);
    out.push_str(head);
    let mut open: Vec<&str> = Vec::new();
    let mut lines: Vec<&str> = inner.split('\n').collect();
    // The text ends with a newline; after it come only the closing tags
    // of spans each line closes anyway.
    if lines
        .last()
        .is_some_and(|l| l.replace("</span>", "").is_empty())
    {
        lines.pop();
    }
    for (i, line) in lines.iter().enumerate() {
        let mut class = String::from("line");
        if fence.is_highlighted(i + 1) {
            class.push_str(" hl");
        }
        if fence.is_diff() {
            let src = source_lines.get(i).copied().unwrap_or("");
            if src.starts_with("+++") || src.starts_with("---") {
                class.push_str(" meta");
            } else if src.starts_with('+') {
                class.push_str(" add");
            } else if src.starts_with('-') {
                class.push_str(" del");
            } else if src.starts_with("@@") {
                class.push_str(" hunk");
            }
        }
        out.push_str("<span class=\"");
        out.push_str(&class);
        out.push_str("\">");
        for tag in &open {
            out.push_str(tag);
        }
        out.push_str(line);
        track_spans(line, &mut open);
        for _ in &open {
            out.push_str("</span>");
        }
        out.push_str("\n</span>");
    }
    out.push_str(tail);
    Some(out)
}

/// Updates the stack of open `<span …>` tags after `line`.
fn track_spans<'a>(line: &'a str, open: &mut Vec<&'a str>) {
    let mut rest = line;
    let mut offset = 0;
    while let Some(lt) = rest.find('<') {
        let after = rest.get(lt..).unwrap_or("");
        if after.starts_with("</span>") {
            open.pop();
        } else if after.starts_with("<span") {
            if let Some(gt) = after.find('>') {
                if let Some(tag) = line.get(offset + lt..offset + lt + gt + 1) {
                    open.push(tag);
                }
            }
        }
        offset += lt + 1;
        rest = rest.get(lt + 1..).unwrap_or("");
    }
}

/// The pass: fenced and indented code blocks to HTML, as an iterator
/// adapter (a block's events are gathered, then it goes out as one HTML
/// event; a block the events never close is dropped).
pub(crate) fn pass<'a>(
    events: impl IntoIterator<Item = Event<'a>>,
) -> impl Iterator<Item = Event<'a>> {
    let mut events = events.into_iter().fuse();
    std::iter::from_fn(move || {
        let event = events.next()?;
        let Event::Start(Tag::CodeBlock(kind)) = event else {
            return Some(event);
        };
        let info = match kind {
            CodeBlockKind::Fenced(info) => info.to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        let mut buf = String::new();
        for e in events.by_ref() {
            match e {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    return Some(Event::Html(CowStr::from(block_html(&buf, &info))));
                }
                _ => {}
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings() {
        let f = parse_info("rust title=\"main.rs\" {2-4,7} linenos");
        assert_eq!(f.lang, "rust");
        assert_eq!(f.title.as_deref(), Some("main.rs"));
        assert_eq!(f.highlight, vec![(2, 4), (7, 7)]);
        assert!(f.linenos);
        let f = parse_info("rust:src/main.rs");
        assert_eq!(
            (f.lang.as_str(), f.title.as_deref()),
            ("rust", Some("src/main.rs"))
        );
        let f = parse_info("python hl_lines=\"1 3-4\" linenostart=10");
        assert_eq!(f.highlight, vec![(1, 1), (3, 4)]);
        assert_eq!((f.linenos, f.start), (true, 10));
        let f = parse_info("c{1,3}");
        assert_eq!(
            (f.lang.as_str(), f.highlight.clone()),
            ("c", vec![(1, 1), (3, 3)])
        );
        let f = parse_info("js title='스케줄러 예제.js' showLineNumbers");
        assert_eq!(f.title.as_deref(), Some("스케줄러 예제.js"));
        assert!(f.linenos);
        let f = parse_info("{.python linenos}");
        assert_eq!(f.lang, "python");
        assert!(f.linenos);
        let f = parse_info("rust");
        assert!(!f.has_extras());
        let f = parse_info("diff-rust");
        assert!(f.is_diff() && f.highlight_lang() == "rust");
        // Nonsense is ignored, not an error.
        let f = parse_info("rust {9-2} hl_lines=\"x\" title=\"\" {99999999999}");
        assert!(f.highlight.is_empty() && f.title.is_none(), "{f:?}");
    }

    #[test]
    fn plain_fences_are_the_highlighters_markup() {
        for (code, info) in [
            ("fn main() {}\n", "rust"),
            ("a < b\n", ""),
            ("┌──┐\n│가│\n└──┘\n", "text"),
            ("x = 1\n", "python3 extra words"),
        ] {
            assert_eq!(
                block_html(code, info),
                super::super::highlight::code_block_html(code, info)
            );
        }
    }

    #[test]
    fn lines_are_wrapped_and_spans_reopened() {
        let code = "/* 여러 줄\n   주석 */\nint x;\n";
        let html = block_html(code, "c {2} linenos title=\"a.c\"");
        assert!(html.starts_with("<figure class=\"code-block linenos\"><figcaption class=\"code-title\">a.c</figcaption><pre"), "{html}");
        assert_eq!(html.matches("<span class=\"line").count(), 3, "{html}");
        assert_eq!(
            html.matches("<span class=\"line hl\">").count(),
            1,
            "{html}"
        );
        // Balanced spans.
        assert_eq!(
            html.matches("<span").count(),
            html.matches("</span>").count(),
            "{html}"
        );
    }

    #[test]
    fn diff_lines() {
        let html = block_html("--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n same\n", "diff");
        assert!(html.contains("class=\"line del\""), "{html}");
        assert!(html.contains("class=\"line add\""), "{html}");
        assert!(html.contains("class=\"line meta\""), "{html}");
        assert!(html.contains("class=\"line hunk\""), "{html}");
        assert!(
            html.starts_with("<figure class=\"code-block diff\">"),
            "{html}"
        );
    }
}
