//! Footnotes as GitHub shows them: references numbered in the order they
//! are first cited (`<sup><a href="#fn-1" id="fnref-1">1</a></sup>`), the
//! definitions collected at the end of the note in a `<section
//! class="footnotes">` list, each with back-links (↩) to every place that
//! cites it. Definitions nobody cites are left out, as on GitHub.
//!
//! Notes without footnote references are passed through untouched.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::escape_html;

/// The pass over a note body's events.
pub(crate) fn pass(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    if !events
        .iter()
        .any(|e| matches!(e, Event::FootnoteReference(_)))
    {
        return events;
    }
    // Definitions are taken out of the flow, by label (case-insensitive).
    let mut defs: HashMap<String, Vec<Event<'_>>> = HashMap::new();
    let mut flow = Vec::with_capacity(events.len());
    let mut open: Option<(String, Vec<Event<'_>>)> = None;
    for event in events {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                open = Some((label.to_lowercase(), Vec::new()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, body)) = open.take() {
                    defs.entry(label).or_insert(body);
                }
            }
            other => match open.as_mut() {
                Some((_, body)) => body.push(other),
                None => flow.push(other),
            },
        }
    }
    // Number references by first citation; count citations per footnote.
    let mut order: Vec<String> = Vec::new();
    let mut cited: HashMap<String, (usize, usize)> = HashMap::new();
    let mut out = Vec::with_capacity(flow.len() + 16);
    for event in flow {
        let Event::FootnoteReference(label) = &event else {
            out.push(event);
            continue;
        };
        let key = label.to_lowercase();
        if !defs.contains_key(&key) {
            out.push(Event::Text(CowStr::from(format!("[^{label}]"))));
            continue;
        }
        let next = order.len() + 1;
        let (n, count) = cited.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            (next, 0)
        });
        *count += 1;
        let id = ref_id(*n, *count);
        out.push(Event::InlineHtml(CowStr::from(format!(
            "<sup class=\"footnote-ref\"><a href=\"#fn-{n}\" id=\"{id}\" data-footnote-ref aria-describedby=\"footnote-label\">{n}</a></sup>"
        ))));
    }
    out.push(Event::Html(CowStr::Borrowed(
        "<section class=\"footnotes\" data-footnotes>\n<h2 id=\"footnote-label\" class=\"visually-hidden\">각주</h2>\n<ol>\n",
    )));
    for key in order {
        let (Some(mut body), Some(&(n, count))) = (defs.remove(&key), cited.get(&key)) else {
            continue;
        };
        out.push(Event::Html(CowStr::from(format!("<li id=\"fn-{n}\">\n"))));
        let mut backrefs = String::new();
        for k in 1..=count {
            backrefs.push_str(&format!(
                " <a href=\"#{}\" class=\"footnote-backref\" data-footnote-backref aria-label=\"",
                ref_id(n, k)
            ));
            let _ = escape_html(&mut backrefs, &format!("본문 {n}번 각주 자리로"));
            backrefs.push_str("\">↩");
            if k > 1 {
                backrefs.push_str(&format!("<sup>{k}</sup>"));
            }
            backrefs.push_str("</a>");
        }
        // The back-links end the last paragraph, or follow the definition.
        let last_para = body
            .iter()
            .rposition(|e| matches!(e, Event::End(TagEnd::Paragraph)));
        match last_para {
            Some(at) if at + 1 == body.len() => {
                body.insert(at, Event::InlineHtml(CowStr::from(backrefs)));
            }
            _ => body.push(Event::Html(CowStr::from(backrefs))),
        }
        out.extend(body);
        out.push(Event::Html(CowStr::Borrowed("</li>\n")));
    }
    out.push(Event::Html(CowStr::Borrowed("</ol>\n</section>\n")));
    out
}

/// The id of the `k`-th citation of footnote `n`.
fn ref_id(n: usize, k: usize) -> String {
    if k == 1 {
        format!("fnref-{n}")
    } else {
        format!("fnref-{n}-{k}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    fn render(md: &str) -> String {
        let events: Vec<Event<'_>> = Parser::new_ext(md, crate::note::parse::options()).collect();
        let mut out = String::new();
        html::push_html(&mut out, pass(events).into_iter());
        out
    }

    #[test]
    fn numbered_by_citation_and_collected_at_the_end() {
        let html = render(
            "[^뒤]: 뒤에 정의한 각주.\n\n첫 인용[^앞], 둘째 인용[^뒤], 다시[^앞].\n\n[^앞]: 앞 각주.\n\n[^안씀]: 아무도 인용하지 않음.\n\n끝 문단.\n",
        );
        let section = html.find("<section class=\"footnotes\"").unwrap();
        assert!(html.find("끝 문단").unwrap() < section, "{html}");
        assert!(html.contains("<a href=\"#fn-1\" id=\"fnref-1\""), "{html}");
        assert!(html.contains("<a href=\"#fn-2\" id=\"fnref-2\""), "{html}");
        assert!(html.contains("id=\"fnref-1-2\""), "{html}");
        let one = html.find("<li id=\"fn-1\">").unwrap();
        let two = html.find("<li id=\"fn-2\">").unwrap();
        assert!(one < two && html[one..two].contains("앞 각주."), "{html}");
        assert!(html[one..two].contains("href=\"#fnref-1-2\""), "{html}");
        assert!(!html.contains("아무도 인용하지"), "{html}");
    }
}
