//! What GitHub renders in plain text and raw HTML that CommonMark does not:
//! bare URLs, `www.` addresses and e-mail addresses as links (the GFM
//! autolink extension, found with `linkify`), `:emoji:` shortcodes (GitHub's
//! set, from `emojis`), and the raw HTML scanners' view of comments (what is
//! inside `<!-- … -->` is never a link or an image).
//!
//! The analysis (`note/parse.rs`) and the render (`render/links.rs`) call
//! the same functions on the same text, so a bare link's fact and its
//! rendering meet at the same source range.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::ops::Range;

use linkify::{LinkFinder, LinkKind};

use crate::korean::{is_hangul_syllable, particle_len};
use pulldown_cmark::{CowStr, Event};

/// A bare URL or address in text: where it is (in the text) and the link
/// destination it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BareLink {
    /// Where it is in the text.
    pub range: Range<usize>,
    /// Where it starts in the text's source, relative to the source's start
    /// (differs from `range.start` when escapes or entities come before).
    pub source_start: usize,
    pub dest: String,
}

/// The bare links of a piece of text, as GitHub finds them: `http(s)://` and
/// `ftp://` URLs, `www.` addresses (given `http://`), e-mail addresses (given
/// `mailto:`).
pub(crate) fn bare_links(text: &str) -> Vec<BareLink> {
    // Fast exit: most text holds none of the markers.
    if !text.contains("://") && !text.contains("www.") && !text.contains('@') {
        return Vec::new();
    }
    let mut finder = LinkFinder::new();
    finder.url_must_have_scheme(false);
    let mut out = Vec::new();
    for link in finder.links(text) {
        let (s, end) = without_particles(link.as_str(), link.end());
        let lower = s.to_ascii_lowercase();
        let dest = match link.kind() {
            LinkKind::Email => format!("mailto:{s}"),
            LinkKind::Url
                if lower.starts_with("http://")
                    || lower.starts_with("https://")
                    || lower.starts_with("ftp://") =>
            {
                s.to_string()
            }
            LinkKind::Url if lower.starts_with("www.") && s.len() > 4 => format!("http://{s}"),
            _ => continue,
        };
        // `www.` must start a word: `xwww.a.com` is not an address.
        if lower.starts_with("www.") {
            let before = text.get(..link.start()).and_then(|b| b.chars().last());
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
        }
        out.push(BareLink {
            range: link.start()..end,
            source_start: link.start(),
            dest,
        });
    }
    out
}

/// A found address without the Korean particles written onto its end
/// (`https://example.com을`, `a@b.com으로`): the link and where it ends.
/// Hangul that belongs to a path (`/wiki/스레드`) is kept.
fn without_particles(found: &str, end: usize) -> (&str, usize) {
    let run = found
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_hangul_syllable(c))
        .last()
        .map(|(i, _)| i);
    let Some(at) = run.filter(|&i| i > 0) else {
        return (found, end);
    };
    let before = found.get(..at).and_then(|b| b.chars().next_back());
    let tail = found.get(at..).unwrap_or("");
    if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == ')')
        && particle_len(tail) == Some(tail.len())
    {
        (found.get(..at).unwrap_or(found), end - tail.len())
    } else {
        (found, end)
    }
}

/// `text` with `:shortcode:`s GitHub knows replaced by their emoji; None
/// when there are none.
pub(crate) fn replace_emoji(text: &str) -> Option<String> {
    if !text.contains(':') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(open) = rest.find(':') {
        let (before, after_open) = rest.split_at(open);
        out.push_str(before);
        let after = after_open.get(1..).unwrap_or("");
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-')))
            .unwrap_or(after.len());
        let name = after.get(..name_len).unwrap_or("");
        let closes = after.get(name_len..).is_some_and(|r| r.starts_with(':'));
        match emojis::get_by_shortcode(name) {
            Some(emoji) if closes && !name.is_empty() => {
                out.push_str(emoji.as_str());
                rest = after.get(name_len + 1..).unwrap_or("");
                changed = true;
            }
            _ => {
                out.push(':');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Byte ranges of HTML comments in a piece of raw HTML; an unclosed
/// comment runs to the end.
pub(crate) fn comment_ranges(html: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = html.get(from..).and_then(|r| r.find("<!--")) {
        let start = from + rel;
        let body = start + 4;
        let end = html
            .get(body..)
            .and_then(|r| r.find("-->"))
            .map(|e| body + e + 3)
            .unwrap_or(html.len());
        out.push(start..end);
        from = end;
    }
    out
}

/// How much a piece of inline HTML changes the number of open `<a>`
/// elements (comments ignored).
pub(crate) fn anchor_depth_change(html: &str) -> isize {
    let lower = html.to_ascii_lowercase();
    let comments = comment_ranges(&lower);
    let in_comment = |at: usize| comments.iter().any(|r| r.contains(&at));
    let mut change = 0isize;
    for (at, _) in lower.match_indices("<a") {
        let next = lower.as_bytes().get(at + 2).copied();
        if matches!(next, Some(b' ' | b'>' | b'\t' | b'\n' | b'\r')) && !in_comment(at) {
            change += 1;
        }
    }
    for (at, _) in lower.match_indices("</a>") {
        if !in_comment(at) {
            change -= 1;
        }
    }
    change
}

/// `<a href>` start tags in raw HTML outside comments: (href, byte offset
/// of the tag, tag length).
pub(crate) fn html_anchors(html: &str) -> Vec<(String, usize, usize)> {
    let lower = html.to_ascii_lowercase();
    let comments = comment_ranges(html);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = lower.get(from..).and_then(|rest| rest.find("<a")) {
        let start = from + rel;
        from = start + 2;
        let after = lower.as_bytes().get(start + 2).copied();
        if !matches!(after, Some(b' ' | b'\t' | b'\n' | b'\r')) {
            continue;
        }
        if comments.iter().any(|r| r.contains(&start)) {
            continue;
        }
        let Some(rest) = html.get(start..) else {
            break;
        };
        let end = match rest.find('>') {
            Some(e) => start + e + 1,
            None => continue,
        };
        let tag = rest.get(..end - start).unwrap_or(rest);
        if let Some(href) = super::parse::html_attr(tag, "href") {
            out.push((href, start, end - start));
        }
        from = end;
    }
    out
}

/// Adjacent text events as one, with one range, when their ranges meet:
/// the parser splits text at `_`, `*`, brackets and the like, and a URL must
/// be seen whole.
pub(crate) fn merge_text<'a>(
    events: impl Iterator<Item = (Event<'a>, Range<usize>)>,
) -> impl Iterator<Item = (Event<'a>, Range<usize>)> {
    let mut events = events.peekable();
    std::iter::from_fn(move || {
        let (event, mut range) = events.next()?;
        let Event::Text(first) = event else {
            return Some((event, range));
        };
        let mut joined: Option<String> = None;
        while let Some((Event::Text(next), r)) = events.peek() {
            if r.start != range.end {
                break;
            }
            joined
                .get_or_insert_with(|| first.to_string())
                .push_str(next);
            range.end = r.end;
            events.next();
        }
        let text = match joined {
            Some(j) => CowStr::from(j),
            None => first,
        };
        Some((Event::Text(text), range))
    })
}

/// The bare links of a text event at body range `range`, each placed in
/// the source too. Text and source differ when the text holds escapes or
/// entities (`\_`, `&amp;`): the k-th occurrence of a link's text is then
/// the k-th occurrence in the source, and a link not found there is left
/// as text (both the analysis and the render skip it).
pub(crate) fn bare_links_at(text: &str, range: &Range<usize>, body: &str) -> Vec<BareLink> {
    let Some(source) = body.get(range.clone()) else {
        return Vec::new();
    };
    let mut links = bare_links(text);
    if source == text {
        return links;
    }
    links.retain_mut(|link| {
        let Some(shown) = text.get(link.range.clone()) else {
            return false;
        };
        let before = text.get(..link.range.start).unwrap_or("");
        let k = before.matches(shown).count();
        match source.match_indices(shown).nth(k) {
            Some((at, _)) => {
                link.source_start = at;
                true
            }
            None => false,
        }
    });
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dests(text: &str) -> Vec<String> {
        bare_links(text).into_iter().map(|l| l.dest).collect()
    }

    #[test]
    fn finds_what_github_links() {
        assert_eq!(
            dests("자세한 내용은 https://ko.wikipedia.org/wiki/스레드 를 보라."),
            vec!["https://ko.wikipedia.org/wiki/스레드"]
        );
        assert_eq!(dests("(www.example.com)"), vec!["http://www.example.com"]);
        assert_eq!(
            dests("메일: someone@example.com"),
            vec!["mailto:someone@example.com"]
        );
        // Korean particles written onto an address are not part of it.
        assert_eq!(
            dests("문서는 https://example.com/guide를 보고, 질문은 a@example.com으로."),
            vec!["https://example.com/guide", "mailto:a@example.com"]
        );
        assert_eq!(bare_links("https://example.com을")[0].range, 0..19);
        // Not links on GitHub: a bare domain, a file name.
        assert!(dests("example.com 과 index.html").is_empty());
    }

    #[test]
    fn links_are_placed_in_the_source_past_escapes() {
        let body = "a\\_b &amp; https://example.com/x 끝";
        let text = "a_b & https://example.com/x 끝";
        let links = bare_links_at(text, &(0..body.len()), body);
        assert_eq!(links.len(), 1);
        let l = &links[0];
        assert_eq!(&text[l.range.clone()], "https://example.com/x");
        assert_eq!(
            &body[l.source_start..l.source_start + l.range.len()],
            "https://example.com/x"
        );
    }

    #[test]
    fn emoji_shortcodes() {
        assert_eq!(
            replace_emoji("완료 :tada: 끝").as_deref(),
            Some("완료 🎉 끝")
        );
        assert_eq!(replace_emoji("시간 10:30:00"), None);
        assert_eq!(replace_emoji(":not_an_emoji_name:"), None);
    }

    #[test]
    fn comments_hide_tags() {
        let html = "<!-- <a href=\"x.md\">x</a> --><a href=\"y.md\">y</a>";
        let found = html_anchors(html);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "y.md");
        assert_eq!(anchor_depth_change("<!-- <a href=x> --><a href=y>"), 1);
    }
}
