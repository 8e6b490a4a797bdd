//! Obsidian comments, `%%inline%%` and `%%` blocks `%%`: private text that
//! must never reach a page, the search index, the feed, a tooltip or an
//! excerpt. They are blanked in the note's source right after decoding,
//! before front matter or markdown is read, so every later step sees
//! nothing of them; bytes become spaces and newlines stay, so every offset
//! and `path:line:col` after a comment is unchanged. `%%` inside code spans
//! and code blocks is code, not a comment.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::ops::Range;

use memchr::memmem;
use pulldown_cmark::{Event, Parser, Tag};

use crate::diagnostic::{Code, Diagnostic};
use crate::note::front_matter;
use crate::note::parse::options;

/// `source` with its comments blanked (the text itself when it has none).
/// A comment left open runs to the end of the note, as in Obsidian, and is
/// reported.
pub(crate) fn strip(source: String, display_path: &str, warnings: &mut Vec<Diagnostic>) -> String {
    let body_start = front_matter::split(&source)
        .map(|s| s.body_start)
        .unwrap_or(0);
    let Some(body) = source.get(body_start..) else {
        return source;
    };
    if memmem::find(body.as_bytes(), b"%%").is_none() {
        return source;
    }
    let comments = find(body);
    if comments.is_empty() {
        return source;
    }
    let mut bytes = source.into_bytes();
    for c in &comments {
        blank(
            &mut bytes,
            body_start + c.range.start,
            body_start + c.range.end,
        );
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        // Only ASCII bytes were written and whole lines moved; kept safe anyway.
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    if let Some(open) = comments.iter().find(|c| !c.closed) {
        warnings.push(
            Diagnostic::warning(
                Code::ObsidianComment,
                "닫히지 않은 `%%` 주석: Obsidian처럼 노트 끝까지 주석으로 보고 싣지 않았습니다",
            )
            .with_path(display_path)
            .at_offset(&text, body_start + open.range.start, 2)
            .with_help("주석을 끝내려면 `%%`를 한 번 더 적으세요"),
        );
    }
    text
}

#[derive(Debug, PartialEq, Eq)]
struct Comment {
    /// Byte range in the body, both `%%` included.
    range: Range<usize>,
    closed: bool,
}

/// The comments of `body`, in order.
fn find(body: &str) -> Vec<Comment> {
    let code = code_ranges(body);
    let in_code = |at: usize| code.iter().any(|r| r.contains(&at));
    let finder = memmem::Finder::new(b"%%");
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = bytes.get(at..).and_then(|rest| finder.find(rest)) {
        let open = at + found;
        if in_code(open) {
            at = open + 2;
            continue;
        }
        let close = bytes
            .get(open + 2..)
            .and_then(|rest| finder.find(rest))
            .map(|c| open + 2 + c);
        match close {
            Some(close) => {
                out.push(Comment {
                    range: open..close + 2,
                    closed: true,
                });
                at = close + 2;
            }
            None => {
                out.push(Comment {
                    range: open..body.len(),
                    closed: false,
                });
                break;
            }
        }
    }
    out
}

/// Code spans and code blocks of `body`, where `%%` is code.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => Some(range),
            _ => None,
        })
        .collect()
}

/// Blanks `bytes[start..end]`, keeping line breaks. When the comment opened
/// a line that goes on after it, the rest of that line moves left to where
/// the comment began (the padding goes to the end of the line), so
/// `%%메모%% 본문` does not turn into an indented code block.
fn blank(bytes: &mut [u8], start: usize, end: usize) {
    for b in bytes.iter_mut().take(end).skip(start) {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
    let line_start = bytes
        .get(..end)
        .and_then(|head| memchr::memrchr(b'\n', head))
        .map(|p| p + 1)
        .unwrap_or(0);
    let line_end = bytes
        .get(end..)
        .and_then(|tail| memchr::memchr2(b'\n', b'\r', tail))
        .map(|p| end + p)
        .unwrap_or(bytes.len());
    // Where the text moves to: the comment's start when only indentation
    // stands before it on its line, the line start when it began above.
    let to = if start >= line_start {
        let before_is_indent = bytes
            .get(line_start..start)
            .is_some_and(|b| b.iter().all(|b| *b == b' ' || *b == b'\t'));
        before_is_indent.then_some(start)
    } else {
        Some(line_start)
    };
    let rest_has_text = bytes
        .get(end..line_end)
        .is_some_and(|r| r.iter().any(|b| !b.is_ascii_whitespace()));
    let spaces_after = bytes
        .get(end..line_end)
        .map(|r| r.iter().take_while(|b| **b == b' ' || **b == b'\t').count())
        .unwrap_or(0);
    // Lines the comment runs through and past: the first after text of its
    // own, every middle one whole. (Its last line is handled below.)
    let mut a = start;
    while let Some(nl) = bytes
        .get(a..end)
        .and_then(|seg| memchr::memchr(b'\n', seg))
        .map(|p| a + p)
    {
        let b = if nl > a && bytes.get(nl - 1) == Some(&b'\r') {
            nl - 1
        } else {
            nl
        };
        let seg_line_start = bytes
            .get(..a)
            .and_then(|head| memchr::memrchr(b'\n', head))
            .map(|p| p + 1)
            .unwrap_or(0);
        let text_before = bytes
            .get(seg_line_start..a)
            .is_some_and(|r| r.iter().any(|b| !b.is_ascii_whitespace()));
        if a != start || text_before {
            hide_padding(bytes, a, b);
        }
        a = nl + 1;
    }
    let ends_line = bytes
        .get(end..line_end)
        .is_some_and(|r| r.iter().all(|b| *b == b' ' || *b == b'\t'));
    if let Some(to) = to.filter(|&to| rest_has_text && end > to) {
        let moved = end - to + spaces_after;
        if let Some(line) = bytes.get_mut(to..line_end) {
            line.rotate_left(moved);
        }
        // The padding now ends the line; one space stays a space.
        hide_padding(bytes, line_end - moved + 1, line_end);
    } else if to.is_none() && ends_line && start >= line_start {
        hide_padding(bytes, start, end);
    }
}

/// Two spaces before a line break would make a hard break (`<br>`) the
/// author never wrote. Blanks that end a line inside a paragraph become an
/// empty HTML comment of the same length (`<!--   -->`) when they are long
/// enough; shorter ones stay spaces.
fn hide_padding(bytes: &mut [u8], from: usize, to: usize) {
    if to < from + 7 {
        return;
    }
    if let Some(range) = bytes.get_mut(from..to) {
        if !range.iter().all(|b| *b == b' ') {
            return;
        }
        let len = range.len();
        for (i, b) in range.iter_mut().enumerate() {
            *b = match i {
                0 => b'<',
                1 => b'!',
                2 | 3 => b'-',
                _ if i + 3 == len || i + 2 == len => b'-',
                _ if i + 1 == len => b'>',
                _ => b' ',
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripped(text: &str) -> String {
        strip(text.to_string(), "notes/a.md", &mut Vec::new())
    }

    #[test]
    fn inline_and_block_comments_are_blanked_keeping_offsets() {
        let text = "앞 %%비밀%% 뒤\n\n%%\n숨길 문단\n둘째 줄\n%%\n\n끝\n";
        let out = stripped(text);
        assert_eq!(out.len(), text.len());
        assert_eq!(out.lines().count(), text.lines().count());
        assert!(!out.contains("비밀") && !out.contains("숨길") && !out.contains("%%"));
        assert!(out.starts_with("앞 ") && out.contains("뒤\n") && out.ends_with("끝\n"));
    }

    #[test]
    fn code_keeps_its_percent_signs() {
        let text = "`printf(\"%%d\")`와 %%메모%%\n\n```c\nprintf(\"100%%\");\n```\n";
        let out = stripped(text);
        assert!(out.contains("`printf(\"%%d\")`"));
        assert!(out.contains("printf(\"100%%\");"));
        assert!(!out.contains("메모"));
    }

    #[test]
    fn comment_at_line_start_does_not_indent_the_rest() {
        let out = stripped("%%할 일%% 본문이 이어집니다\n");
        assert!(out.starts_with("본문이 이어집니다"), "{out:?}");
    }

    #[test]
    fn no_hard_breaks_appear() {
        use pulldown_cmark::{html, Parser};
        for text in [
            "앞 문장 %%메모%%\n다음 줄\n",
            "%%메모%% 본문\n다음 줄\n",
            "앞 %%여러\n줄 메모%% 뒤\n다음\n",
        ] {
            let out = stripped(text);
            assert_eq!(out.len(), text.len());
            let mut html_out = String::new();
            html::push_html(&mut html_out, Parser::new(&out));
            assert!(!html_out.contains("<br"), "{text:?} → {out:?} → {html_out}");
            assert!(!html_out.contains("<pre"), "{html_out}");
        }
    }

    #[test]
    fn unclosed_comment_hides_the_rest_and_warns() {
        let mut warnings = Vec::new();
        let text = "---\ntitle: 제목\n---\n공개\n\n%%\n비공개 메모\n".to_string();
        let out = strip(text, "notes/a.md", &mut warnings);
        assert!(out.contains("title: 제목") && out.contains("공개"));
        assert!(!out.contains("비공개"));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, 6);
    }

    #[test]
    fn text_without_comments_is_untouched() {
        let text = "100% 확실하고 50%는 아니다\n".to_string();
        assert_eq!(stripped(&text), text);
    }
}
