//! Obsidian block ids: `문장 ^id` at the end of a paragraph or list item
//! names that block, and `[[노트#^id]]` links to it. The id is dropped from
//! the text and the block gets an anchor `id="^id"`, so links copied from
//! Obsidian (`#^id`) land on it.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// The block id a line or text ends with: `^` then Latin letters, digits
/// and dashes, standing alone or after white space.
fn trailing_id(text: &str) -> Option<(&str, &str)> {
    let trimmed = text.trim_end();
    let caret = trimmed.rfind('^')?;
    let id = trimmed.get(caret + 1..)?;
    let before = trimmed.get(..caret)?;
    let valid = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let separated = before.is_empty() || before.ends_with(char::is_whitespace);
    (valid && separated).then_some((before.trim_end(), id))
}

/// The block ids of a note body, for checking `#^id` links (code fences are
/// skipped; the render pass places the anchors).
pub(crate) fn ids(body: &str) -> Vec<String> {
    if memchr::memchr(b'^', body.as_bytes()).is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for line in body.lines() {
        let t = line.trim_start();
        let marker = if t.starts_with("```") {
            Some("```")
        } else if t.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                continue;
            }
            (Some(f), Some(m)) if f == m => {
                fence = None;
                continue;
            }
            (Some(_), _) => continue,
            (None, None) => {}
        }
        if line.starts_with("    ") || line.starts_with('\t') {
            continue;
        }
        if let Some((_, id)) = trailing_id(line) {
            out.push(id.to_string());
        }
    }
    out
}

/// Block ids are markup, not prose: they leave the first paragraph (the
/// description) and the section texts (search, glossary sentences).
pub(crate) fn clean_facts(facts: &mut crate::note::parse::BodyFacts) {
    if facts.block_ids.is_empty() {
        return;
    }
    let tokens: Vec<String> = facts.block_ids.iter().map(|id| format!(" ^{id}")).collect();
    let clean = |text: &mut String| {
        for t in &tokens {
            if text.contains(t.as_str()) {
                *text = text.replace(t.as_str(), "");
            }
        }
    };
    clean(&mut facts.first_paragraph);
    for s in &mut facts.sections {
        clean(&mut s.text);
    }
}

/// The render pass: a paragraph or item ending in `^id` loses the id text
/// and opens with an empty anchor `<span id="^id">`.
pub(crate) fn pass(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    if !events
        .iter()
        .any(|e| matches!(e, Event::Text(t) if t.contains('^')))
    {
        return events;
    }
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len() + 4);
    let mut block_starts: Vec<usize> = Vec::new();
    let mut in_code = false;
    let mut iter = events.into_iter().peekable();
    while let Some(event) = iter.next() {
        match &event {
            Event::Start(Tag::Paragraph | Tag::Item) => block_starts.push(out.len()),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                block_starts.pop();
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        let ends_block = matches!(
            iter.peek(),
            Some(Event::End(TagEnd::Paragraph | TagEnd::Item) | Event::Start(Tag::List(_)))
        );
        if let (Event::Text(text), true, false) = (&event, ends_block, in_code) {
            if let (Some((before, id)), Some(&at)) = (trailing_id(text), block_starts.last()) {
                let anchor = format!("<span class=\"block-id\" id=\"^{id}\"></span>");
                let before = before.to_string();
                out.insert(at + 1, Event::InlineHtml(CowStr::from(anchor)));
                if !before.is_empty() {
                    out.push(Event::Text(CowStr::from(before)));
                }
                continue;
            }
        }
        out.push(event);
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
    fn ids_of_paragraphs_and_items() {
        let body = "문단 끝 ^abc-1\n\n- 항목 ^item2\n\n```\n코드 ^no\n```\n2^10 은 아님\n";
        assert_eq!(ids(body), vec!["abc-1", "item2"]);
    }

    #[test]
    fn anchors_replace_the_id_text() {
        let html = render("문맥 전환은 비싸다. ^cost\n\n- 항목 ^it\n- 다른 항목\n");
        assert!(
            html.contains(
                "<p><span class=\"block-id\" id=\"^cost\"></span>문맥 전환은 비싸다.</p>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<li><span class=\"block-id\" id=\"^it\"></span>항목</li>"),
            "{html}"
        );
        assert!(!html.contains("^cost<") && !html.contains(" ^it"));
    }

    #[test]
    fn exponent_is_not_an_id() {
        let html = render("2^10은 1024\n");
        assert!(html.contains("2^10은 1024"));
    }
}
