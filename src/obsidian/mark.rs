//! `==형광펜==` → `<mark>`: Obsidian's (and Typora's) highlight. A pair
//! opens on `==` followed by a non-space and closes on `==` after a
//! non-space, within one block; `a == b`, `x==y` in prose and anything in
//! code are left alone.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// A `==` in the text of event `event` at byte `at`.
#[derive(Debug, Clone, Copy)]
struct Marker {
    event: usize,
    at: usize,
    opens: bool,
    closes: bool,
}

fn markers_in(text: &str, event: usize, out: &mut Vec<Marker>) {
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|r| r.find("==")) {
        let at = from + found;
        let before = text.get(..at).and_then(|b| b.chars().next_back());
        let after = text.get(at + 2..).and_then(|a| a.chars().next());
        // `===` and longer runs are rules or prose, not highlights.
        if before == Some('=') || after == Some('=') {
            from = at + 2;
            while text.get(from..).is_some_and(|r| r.starts_with('=')) {
                from += 1;
            }
            continue;
        }
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        out.push(Marker {
            event,
            at,
            // At an event's edge the neighbour is markup (`**`, `` ` ``): not space.
            opens: after.is_none_or(|c| !c.is_whitespace()) && !word(before),
            closes: before.is_none_or(|c| !c.is_whitespace()) && !word(after),
        });
        from = at + 2;
    }
}

/// The render pass.
pub(crate) fn pass(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    if !events
        .iter()
        .any(|e| matches!(e, Event::Text(t) if t.contains("==")))
    {
        return events;
    }
    // Pair markers block by block.
    let mut pairs: Vec<Marker> = Vec::new();
    let mut block: Vec<Marker> = Vec::new();
    let mut in_code = false;
    let flush = |block: &mut Vec<Marker>, pairs: &mut Vec<Marker>| {
        let mut open: Option<Marker> = None;
        for m in block.drain(..) {
            match open {
                Some(o) if m.closes => {
                    pairs.push(o);
                    pairs.push(m);
                    open = None;
                }
                None if m.opens => open = Some(m),
                _ => {}
            }
        }
    };
    for (i, e) in events.iter().enumerate() {
        match e {
            Event::Text(t) if !in_code => markers_in(t, i, &mut block),
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(
                Tag::Paragraph | Tag::Heading { .. } | Tag::Item | Tag::TableCell | Tag::List(_),
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::List(_),
            ) => flush(&mut block, &mut pairs),
            _ => {}
        }
    }
    flush(&mut block, &mut pairs);
    if pairs.is_empty() {
        return events;
    }
    let mut out = Vec::with_capacity(events.len() + pairs.len() * 2);
    let mut next = pairs.iter().peekable();
    let mut opening = true;
    for (i, e) in events.into_iter().enumerate() {
        if next.peek().is_none_or(|m| m.event != i) {
            out.push(e);
            continue;
        }
        let Event::Text(text) = e else {
            out.push(e);
            continue;
        };
        let mut from = 0;
        while let Some(m) = next.next_if(|m| m.event == i) {
            if let Some(piece) = text.get(from..m.at).filter(|p| !p.is_empty()) {
                out.push(Event::Text(CowStr::from(piece.to_string())));
            }
            let tag = if opening { "<mark>" } else { "</mark>" };
            out.push(Event::InlineHtml(CowStr::Borrowed(tag)));
            opening = !opening;
            from = m.at + 2;
        }
        if let Some(piece) = text.get(from..).filter(|p| !p.is_empty()) {
            out.push(Event::Text(CowStr::from(piece.to_string())));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    fn render(md: &str) -> String {
        let events = pass(Parser::new(md).collect());
        let mut s = String::new();
        html::push_html(&mut s, events.into_iter());
        s
    }

    #[test]
    fn highlights() {
        assert_eq!(
            render("문맥 전환은 ==비용이 크다==고 한다\n"),
            "<p>문맥 전환은 <mark>비용이 크다</mark>고 한다</p>\n"
        );
        assert!(render("==**굵게** 형광==\n").contains("<mark><strong>굵게</strong> 형광</mark>"));
    }

    #[test]
    fn not_highlights() {
        for md in [
            "a == b 이고 c == d\n",
            "x==y, z==w\n",
            "`==코드==`\n",
            "```\n==코드==\n```\n",
            "제목\n===\n",
            "==열고\n\n닫지 않음==\n",
        ] {
            assert!(!render(md).contains("<mark>"), "{md}: {}", render(md));
        }
    }
}
