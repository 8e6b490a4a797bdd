//! Automatic glossary links in note prose: the first mention of each term
//! (or one of its aliases) becomes a link to the term's page, with the
//! definition as a tooltip that also serves as the link's accessible
//! description.
//!
//! Text is matched per block: the inline events of a paragraph, list item
//! or table cell are read as one text (emphasis does not split a word), so
//! `**프로세스**는` is found while only `프로세스` inside the bold is linked.
//! Headings, table headers, code, images, links (already rendered by the
//! links pass as inline HTML) and raw HTML are never touched.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html, escape_html_body_text};

use crate::index::glossary::{Glossary, TermId, TermMatcher};
use crate::index::SiteIndex;
use crate::note::NoteId;
use crate::urls::relative_href;

/// The pass for note `id`: off when the site (`autolink: false` in
/// gongbu.yaml) or the note (`autolink: false` in front matter) says so.
/// Terms defined by the note itself are not linked in it.
pub(crate) fn pass<'a>(events: Vec<Event<'a>>, index: &SiteIndex, id: NoteId) -> Vec<Event<'a>> {
    let note = &index.notes[id];
    if !index.config.autolink || note.front.autolink == Some(false) {
        return events;
    }
    let g = &index.glossary;
    link_terms(events, g, &note.url, &|t| g.terms[t].home == Some(id))
}

/// Links the first mention of each term in `events` for a page at
/// `page_url`, leaving out the terms `skip` names.
pub(crate) fn link_terms<'a>(
    events: Vec<Event<'a>>,
    glossary: &Glossary,
    page_url: &str,
    skip: &dyn Fn(TermId) -> bool,
) -> Vec<Event<'a>> {
    let Some(matcher) = glossary.matcher() else {
        return events;
    };
    let mut linker = Linker {
        glossary,
        matcher,
        page_url,
        skip,
        linked: HashSet::new(),
        tips: 0,
    };
    let mut out = Vec::with_capacity(events.len() + 16);
    let mut run: Vec<Event<'a>> = Vec::new();
    // Depth of blocks whose text is never linked.
    let mut opaque = 0usize;
    for event in events {
        if opaque == 0 && is_inline(&event) {
            run.push(event);
            continue;
        }
        linker.flush(&mut run, &mut out);
        match &event {
            Event::Start(tag) if is_opaque(tag) => opaque += 1,
            Event::End(end) if is_opaque_end(end) => opaque = opaque.saturating_sub(1),
            _ => {}
        }
        out.push(event);
    }
    linker.flush(&mut run, &mut out);
    out
}

fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_)
        | Event::TaskListMarker(_) => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(end) => matches!(
            end,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

fn is_opaque(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Heading { .. }
            | Tag::CodeBlock(_)
            | Tag::TableHead
            | Tag::HtmlBlock
            | Tag::MetadataBlock(_)
    )
}

fn is_opaque_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Heading(_)
            | TagEnd::CodeBlock
            | TagEnd::TableHead
            | TagEnd::HtmlBlock
            | TagEnd::MetadataBlock(_)
    )
}

struct Linker<'g> {
    glossary: &'g Glossary,
    matcher: &'g TermMatcher,
    page_url: &'g str,
    skip: &'g dyn Fn(TermId) -> bool,
    /// Terms linked so far on this page.
    linked: HashSet<TermId>,
    /// Tooltips written so far (their ids are numbered).
    tips: usize,
}

/// A text event of a run and where its text is in the run's text.
struct Segment {
    event: usize,
    range: Range<usize>,
    linkable: bool,
}

impl Linker<'_> {
    /// Links terms in one block's inline events and moves them to `out`.
    fn flush<'a>(&mut self, run: &mut Vec<Event<'a>>, out: &mut Vec<Event<'a>>) {
        if run.is_empty() {
            return;
        }
        let events = merge_texts(std::mem::take(run));
        let mut text = String::new();
        let mut segments: Vec<Segment> = Vec::new();
        let (mut links, mut images, mut html) = (0usize, 0usize, 0usize);
        for (i, event) in events.iter().enumerate() {
            match event {
                Event::Text(t) => {
                    let start = text.len();
                    text.push_str(t);
                    segments.push(Segment {
                        event: i,
                        range: start..text.len(),
                        linkable: links == 0 && images == 0 && html == 0,
                    });
                }
                Event::Start(Tag::Link { .. }) => links += 1,
                Event::End(TagEnd::Link) => links = links.saturating_sub(1),
                Event::Start(Tag::Image { .. }) => images += 1,
                Event::End(TagEnd::Image) => images = images.saturating_sub(1),
                Event::InlineHtml(h) => {
                    html = (html as isize + html_depth_change(h)).max(0) as usize;
                    text.push(' ');
                }
                Event::Start(_) | Event::End(_) => {}
                _ => text.push(' '),
            }
        }
        // (segment index, range inside the segment's text, term)
        let mut hits: Vec<(usize, Range<usize>, TermId)> = Vec::new();
        self.matcher.for_each(&text, |term, range| {
            let s = segments.partition_point(|s| s.range.end <= range.start);
            let Some(seg) = segments.get(s) else {
                return;
            };
            let inside = seg.range.start <= range.start && range.end <= seg.range.end;
            if !inside
                || !seg.linkable
                || (self.skip)(term)
                || self.linked.contains(&term)
                || in_file_name_or_url(&text, &range)
            {
                return;
            }
            self.linked.insert(term);
            let local = range.start - seg.range.start..range.end - seg.range.start;
            hits.push((s, local, term));
        });
        if hits.is_empty() {
            out.extend(events);
            return;
        }
        let mut hits = hits.into_iter().peekable();
        for (i, event) in events.into_iter().enumerate() {
            let seg = hits
                .peek()
                .map(|(s, _, _)| *s)
                .filter(|&s| segments[s].event == i);
            let (Some(seg), Event::Text(t)) = (seg, &event) else {
                out.push(event);
                continue;
            };
            let mut pos = 0;
            while let Some((_, range, term)) = hits.next_if(|(s, _, _)| *s == seg) {
                if range.start > pos {
                    out.push(Event::Text(CowStr::from(t[pos..range.start].to_string())));
                }
                let (open, close) = self.link_html(term);
                out.push(Event::InlineHtml(CowStr::from(open)));
                out.push(Event::Text(CowStr::from(t[range.clone()].to_string())));
                out.push(Event::InlineHtml(CowStr::from(close)));
                pos = range.end;
            }
            if pos < t.len() {
                out.push(Event::Text(CowStr::from(t[pos..].to_string())));
            }
        }
    }

    /// The markup before and after the linked words.
    fn link_html(&mut self, term: TermId) -> (String, String) {
        let t = &self.glossary.terms[term];
        let href = relative_href(self.page_url, &t.url);
        let mut open = String::from("<span class=\"term-ref\"><a class=\"term\" href=\"");
        let _ = escape_href(&mut open, &href);
        open.push('"');
        let mut close = String::from("</a>");
        if !t.definition.is_empty() {
            self.tips += 1;
            let id = format!("term-tip-{}", self.tips);
            open.push_str(&format!(" aria-describedby=\"{id}\""));
            close.push_str(&format!(
                "<span class=\"term-tip\" id=\"{id}\" role=\"tooltip\">"
            ));
            let _ = escape_html_body_text(&mut close, &t.definition);
            close.push_str("</span>");
        }
        open.push_str(" data-term=\"");
        let _ = escape_html(&mut open, &t.term);
        open.push_str("\">");
        close.push_str("</span>");
        (open, close)
    }
}

/// Whether the words at `range` of `text` are part of a file name or URL
/// written in prose (`index.html`, `프로세스.md`, `https://…/thread`), where
/// a glossary link would cut the name apart.
fn in_file_name_or_url(text: &str, range: &Range<usize>) -> bool {
    let before = text.get(..range.start).unwrap_or("");
    let after = text.get(range.end..).unwrap_or("");
    let token_start = before
        .rfind(char::is_whitespace)
        .map(|i| i + 1)
        .unwrap_or(0);
    let token_end = after
        .find(char::is_whitespace)
        .map(|i| range.end + i)
        .unwrap_or(text.len());
    let token = text.get(token_start..token_end).unwrap_or("");
    if token.contains("://") || token.to_ascii_lowercase().starts_with("www.") {
        return true;
    }
    let mut back = before.chars().rev();
    let joined_before = matches!(back.next(), Some('.' | '/' | '\\'))
        && back.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let mut ahead = after.chars();
    let joined_after = matches!(ahead.next(), Some('.' | '/' | '\\'))
        && ahead.next().is_some_and(|c| c.is_ascii_alphanumeric());
    joined_before || joined_after
}

/// Adjacent text events as one (the parser splits text at escapes and
/// brackets), so a term is never cut in two.
fn merge_texts(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    for event in events {
        match (out.last_mut(), event) {
            (Some(Event::Text(prev)), Event::Text(next)) => {
                let joined = format!("{prev}{next}");
                *prev = CowStr::from(joined);
            }
            (_, event) => out.push(event),
        }
    }
    out
}

/// How much an inline HTML fragment changes the depth of open elements:
/// `<span …>` +1, `</span>` −1, `<br>`, `<img …>`, `<x/>` and comments 0.
fn html_depth_change(html: &str) -> isize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    let mut change = 0isize;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or("");
        if let Some(name) = tag.strip_prefix('/') {
            if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                change -= 1;
            }
            continue;
        }
        if !tag.starts_with(|c: char| c.is_ascii_alphabetic()) || tag.ends_with('/') {
            continue; // comments, declarations, self-closing tags
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !VOID.contains(&name.as_str()) {
            change += 1;
        }
    }
    change
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::glossary::Term;
    use pulldown_cmark::{html, Parser};

    fn glossary() -> Glossary {
        let t = |name: &str, aliases: &[&str], english: &str| Term {
            term: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            english: english.into(),
            definition: format!("{name}의 <정의>"),
            ..Default::default()
        };
        Glossary::from_terms(vec![
            t("스레드", &["쓰레드"], "Thread"),
            t("멀티스레드", &[], ""),
            t("프로세스", &[], "Process"),
            t("IPC", &[], ""),
        ])
    }

    fn render(md: &str) -> String {
        let g = glossary();
        let events: Vec<Event<'_>> = Parser::new_ext(md, crate::note::parse::options()).collect();
        let events = link_terms(events, &g, "os/a.html", &|_| false);
        let mut s = String::new();
        html::push_html(&mut s, events.into_iter());
        s
    }

    #[test]
    fn first_mention_links_with_particle_outside() {
        let h = render("프로세스는 크고 프로세스가 많다. **스레드**가 있다.\n");
        assert_eq!(h.matches("class=\"term\"").count(), 2, "{h}");
        assert!(h.contains(
            "<span class=\"term-ref\"><a class=\"term\" href=\"../glossary/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4.html\" aria-describedby=\"term-tip-1\" data-term=\"프로세스\">프로세스</a><span class=\"term-tip\" id=\"term-tip-1\" role=\"tooltip\">프로세스의 &lt;정의&gt;</span></span>는"
        ), "{h}");
        assert!(
            h.contains("<strong><span class=\"term-ref\"><a class=\"term\""),
            "{h}"
        );
        assert!(h.contains("</span></span></strong>가"), "{h}");
    }

    #[test]
    fn never_in_code_headings_links_or_html() {
        let h = render(
            "# 스레드\n\n`프로세스` [IPC](x.html) <span>멀티스레드</span>\n\n```\n스레드\n```\n\n| 프로세스 | 스레드 |\n|---|---|\n| IPC | 쓰레드 |\n",
        );
        let links: Vec<&str> = h
            .match_indices("data-term=\"")
            .map(|(i, _)| &h[i + 11..i + 20])
            .collect();
        assert_eq!(h.matches("class=\"term\"").count(), 2, "{h}\n{links:?}");
        assert!(
            h.contains("data-term=\"IPC\">IPC</a>"),
            "table body cell: {h}"
        );
        assert!(h.contains("data-term=\"스레드\">쓰레드</a>"), "alias: {h}");
        assert!(h.contains("<h1>스레드</h1>"), "{h}");
    }

    #[test]
    fn longest_term_and_word_boundaries() {
        let h = render("멀티스레드와 스레드풀, 그리고 쓰레드들은\n");
        assert!(h.contains(">멀티스레드</a>"), "{h}");
        assert!(h.contains(">쓰레드</a>"), "{h}");
        assert!(h.contains("스레드풀"), "{h}");
        assert_eq!(h.matches("class=\"term\"").count(), 2, "{h}");
    }

    #[test]
    fn never_inside_file_names_or_urls() {
        let h = render(
            "설정은 ipc.yaml 과 docs/IPC 에, 주소는 https://example.com/프로세스 이다. 이제 IPC와 프로세스를 본다.\n",
        );
        assert!(h.contains("ipc.yaml"), "{h}");
        assert!(h.contains("docs/IPC 에"), "{h}");
        assert!(h.contains("https://example.com/프로세스 이다"), "{h}");
        assert!(h.contains(">IPC</a>"), "{h}");
        assert!(h.contains(">프로세스</a>"), "{h}");
        assert_eq!(h.matches("class=\"term\"").count(), 2, "{h}");
    }

    #[test]
    fn html_depth() {
        assert_eq!(html_depth_change("<span class=\"x\">"), 1);
        assert_eq!(html_depth_change("</span>"), -1);
        assert_eq!(html_depth_change("<br>"), 0);
        assert_eq!(html_depth_change("<br/>"), 0);
        assert_eq!(html_depth_change("<img src=a>"), 0);
        assert_eq!(html_depth_change("<!-- x -->"), 0);
        assert_eq!(html_depth_change("<a href=x>y</a>"), 0);
    }
}
