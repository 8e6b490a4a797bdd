//! Links become relative hrefs to the pages they resolved to; broken ones
//! become a marked `<span>` that keeps the text, never an `<a>` to nowhere.
//!
//! Each link finds its resolved target by its byte range in the source (the
//! analysis recorded the same range), not by counting: a link the analysis
//! did not see is an internal error shown as broken text, never a silent
//! external link.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::index::links::Target;
use crate::note::gfm::{anchor_depth_change, bare_links_at, merge_text, replace_emoji};
use crate::note::parse::{html_attr_range, LinkRef};
use crate::urls::{encode_fragment, relative_href};

/// An event with its byte range in the note body.
pub(crate) type Spanned<'a> = (Event<'a>, Range<usize>);

/// Facts found by their (file offset, length).
pub(crate) struct ByRange(HashMap<(usize, usize), usize>);

impl ByRange {
    pub(crate) fn new(ranges: impl Iterator<Item = (usize, usize)>) -> ByRange {
        let mut map = HashMap::new();
        for (i, key) in ranges.enumerate() {
            map.entry(key).or_insert(i);
        }
        ByRange(map)
    }

    /// The index of the fact at `offset` with length `len`.
    pub(crate) fn get(&self, offset: usize, len: usize) -> Option<usize> {
        self.0.get(&(offset, len)).copied()
    }
}

/// What a link the analysis did not record becomes.
fn unknown_link() -> Target {
    Target::Broken {
        reason: "내부 오류: 분석 단계에서 보지 못한 링크입니다".to_string(),
    }
}

/// The href for `target` on the page at `page_url`; None for broken links.
pub(crate) fn href_for(target: &Target, page_url: &str, original: &str) -> Option<String> {
    match target {
        Target::External => Some(original.trim().to_string()),
        Target::Url(url) => Some(url.clone()),
        Target::Page { url, fragment, .. } => {
            let mut href = if url == page_url && fragment.is_some() {
                String::new()
            } else {
                relative_href(page_url, url)
            };
            if let Some(f) = fragment {
                href.push('#');
                href.push_str(&encode_fragment(f));
            }
            Some(href)
        }
        Target::Asset { rel, suffix } => {
            let mut href = relative_href(page_url, &crate::urls::asset_url(rel));
            href.push_str(suffix);
            Some(href)
        }
        Target::Broken { .. } => None,
    }
}

/// The markup that opens a link to `target` (written `dest`), and the
/// markup that closes it.
fn open_link(target: &Target, page_url: &str, dest: &str, title: &str) -> (String, &'static str) {
    let mut html = String::new();
    match href_for(target, page_url, dest) {
        Some(href) => {
            html.push_str("<a href=\"");
            let _ = escape_href(&mut html, &href);
            html.push('"');
            if !title.is_empty() {
                html.push_str(" title=\"");
                let _ = escape_html(&mut html, title);
                html.push('"');
            }
            let leaves = match target {
                Target::External => crate::urls::has_scheme(dest.trim()),
                Target::Url(_) => true,
                _ => false,
            };
            if leaves {
                html.push_str(" class=\"external\" rel=\"noopener\"");
            }
            html.push('>');
            (html, "</a>")
        }
        None => {
            html.push_str("<span class=\"broken-link\" title=\"깨진 링크: ");
            let _ = escape_html(&mut html, broken_reason(target));
            html.push_str("\" data-href=\"");
            let _ = escape_html(&mut html, dest);
            html.push_str("\">");
            (html, "</span>")
        }
    }
}

fn broken_reason(target: &Target) -> &str {
    match target {
        Target::Broken { reason } => reason.as_str(),
        _ => "",
    }
}

/// The pass: each link gets the target resolved for the link fact at the
/// same source range. `base` is the body's offset in the file; `body` the
/// note body (bare links are found in text that is exactly its source).
pub(crate) fn pass<'a>(
    events: Vec<Spanned<'a>>,
    facts: &[LinkRef],
    targets: &[Target],
    base: usize,
    body: &str,
    page_url: &str,
) -> Vec<Event<'a>> {
    let by_range = ByRange::new(facts.iter().map(|l| (l.offset, l.len)));
    let mut lookup =
        |offset: usize, len: usize, _: &str| target_at(&by_range, targets, offset, len);
    rewrite(events, base, body, page_url, &mut lookup)
}

/// The pass for text parsed on its own (a glossary term's body): the n-th
/// markdown link gets the n-th target; bare URLs are external links.
pub(crate) fn pass_in_order<'a>(
    events: Vec<Event<'a>>,
    targets: &[Target],
    body: &str,
    page_url: &str,
) -> Vec<Event<'a>> {
    let mut next = 0usize;
    let mut target_for = |_: usize, _: usize, dest: &str| {
        if dest.is_empty() {
            let t = targets.get(next).cloned().unwrap_or_else(unknown_link);
            next += 1;
            t
        } else {
            Target::External
        }
    };
    // Without source ranges no text is known to be its source: ranges of
    // length 0 keep bare links off, and markdown links pass `""` as dest.
    let spanned = events.into_iter().map(|e| (e, 0..0)).collect();
    rewrite(spanned, 0, body, page_url, &mut target_for)
}

/// The rewriting shared by both passes; `target_for(offset, len, dest)` is
/// called with an empty `dest` for markdown links and the destination for
/// bare ones.
fn rewrite<'a>(
    events: Vec<Spanned<'a>>,
    base: usize,
    body: &str,
    page_url: &str,
    target_for: &mut dyn FnMut(usize, usize, &str) -> Target,
) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    // For each open link: the closing markup it needs.
    let mut closers: Vec<&'static str> = Vec::new();
    let mut in_code_block = false;
    let mut html_anchors = 0isize;
    for (event, range) in merge_text(events.into_iter()) {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id: _,
            }) => {
                let dest_url = match link_type {
                    LinkType::Email => CowStr::from(format!("mailto:{dest_url}")),
                    _ => dest_url,
                };
                let target = target_for(base + range.start, range.len(), "");
                let (html, closer) = open_link(&target, page_url, &dest_url, &title);
                closers.push(closer);
                out.push(Event::InlineHtml(CowStr::from(html)));
            }
            Event::End(TagEnd::Link) => {
                let closer = closers.pop().unwrap_or("</a>");
                out.push(Event::InlineHtml(CowStr::Borrowed(closer)));
            }
            Event::Start(tag @ Tag::CodeBlock(_)) => {
                in_code_block = true;
                out.push(Event::Start(tag));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                out.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Text(text) if !in_code_block => {
                let bare = if closers.is_empty() && html_anchors <= 0 {
                    bare_links_at(&text, &range, body)
                } else {
                    Vec::new()
                };
                let mut pos = 0;
                for link in bare {
                    push_text(&mut out, text.get(pos..link.range.start).unwrap_or(""));
                    let target = target_for(
                        base + range.start + link.source_start,
                        link.range.len(),
                        &link.dest,
                    );
                    let (html, closer) = open_link(&target, page_url, &link.dest, "");
                    out.push(Event::InlineHtml(CowStr::from(html)));
                    let shown = text.get(link.range.clone()).unwrap_or("").to_string();
                    out.push(Event::Text(CowStr::from(shown)));
                    out.push(Event::InlineHtml(CowStr::Borrowed(closer)));
                    pos = link.range.end;
                }
                if pos == 0 {
                    match replace_emoji(&text) {
                        Some(t) => out.push(Event::Text(CowStr::from(t))),
                        None => out.push(Event::Text(text)),
                    }
                } else {
                    push_text(&mut out, text.get(pos..).unwrap_or(""));
                }
            }
            Event::InlineHtml(html) => {
                html_anchors += anchor_depth_change(&html);
                out.push(Event::InlineHtml(html));
            }
            other => out.push(other),
        }
    }
    out
}

fn push_text<'a>(out: &mut Vec<Event<'a>>, text: &str) {
    if text.is_empty() {
        return;
    }
    let text = replace_emoji(text).unwrap_or_else(|| text.to_string());
    out.push(Event::Text(CowStr::from(text)));
}

/// One raw `<a …>` tag with its `href` pointed at the target resolved for
/// it; a broken one loses its `href` and is marked like a broken markdown
/// link. None when the tag stays as written (external links).
pub(crate) fn rewrite_anchor(
    tag: &str,
    href: &str,
    target: &Target,
    page_url: &str,
) -> Option<String> {
    let range = html_attr_range(tag, "href")?;
    match target {
        Target::External => None,
        Target::Broken { reason } => {
            // `href="…"` (with its quotes) becomes the marking.
            let attr_start = tag
                .get(..range.start)
                .and_then(|t| t.to_ascii_lowercase().rfind("href"))
                .unwrap_or(range.start);
            let quoted_end = match tag.as_bytes().get(range.end) {
                Some(b'"' | b'\'') => range.end + 1,
                _ => range.end,
            };
            let mut marked = String::from("class=\"broken-link\" title=\"깨진 링크: ");
            let _ = escape_html(&mut marked, reason);
            marked.push_str("\" data-href=\"");
            let _ = escape_html(&mut marked, href);
            marked.push('"');
            let mut t = tag.to_string();
            t.replace_range(attr_start..quoted_end, &marked);
            Some(t)
        }
        _ => href_for(target, page_url, href).map(|h| {
            let mut value = String::new();
            let _ = escape_href(&mut value, &h);
            let mut t = tag.to_string();
            t.replace_range(range, &value);
            t
        }),
    }
}

/// The target of the link fact at (file offset, length); an internal-error
/// broken target when the analysis recorded none there.
pub(crate) fn target_at(
    by_range: &ByRange,
    targets: &[Target],
    offset: usize,
    len: usize,
) -> Target {
    by_range
        .get(offset, len)
        .and_then(|i| targets.get(i))
        .cloned()
        .unwrap_or_else(unknown_link)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    fn render(md: &str, facts: &[LinkRef], targets: &[Target]) -> String {
        let events: Vec<Spanned<'_>> = Parser::new_ext(md, crate::note::parse::options())
            .into_offset_iter()
            .collect();
        let mut out = String::new();
        html::push_html(
            &mut out,
            pass(events, facts, targets, 0, md, "a.html").into_iter(),
        );
        out
    }

    #[test]
    fn links_meet_their_facts_by_range_never_by_count() {
        let md = "[하나](b.md) 그리고 [둘](https://example.com/)\n";
        let facts = crate::note::parse::analyze(md, 0).links;
        let targets = vec![
            Target::Page {
                url: "b.html".into(),
                fragment: None,
                note: None,
            },
            Target::External,
        ];
        let html = render(md, &facts, &targets);
        assert!(html.contains("<a href=\"b.html\">하나</a>"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.com/\" class=\"external\""),
            "{html}"
        );
        // Facts in another order still meet their links.
        let reversed: Vec<LinkRef> = facts.iter().rev().cloned().collect();
        let targets_rev: Vec<Target> = targets.iter().rev().cloned().collect();
        assert_eq!(render(md, &reversed, &targets_rev), html);
        // A link the analysis did not record is broken text, not external.
        let html = render(md, &facts[..1], &targets[..1]);
        assert!(html.contains("<span class=\"broken-link\""), "{html}");
        assert!(!html.contains("example.com/\" class"), "{html}");
    }
}
