//! Headings get the ids computed when the note was analyzed (GitHub's rule),
//! and the block that names the page (`# 제목` or `<h1>` first) is left out
//! because the page template shows the title.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use crate::note::parse::BodyFacts;

pub(crate) fn pass<'a>(events: Vec<Event<'a>>, facts: &BodyFacts) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut heading_index = 0;
    let mut skipping = false;
    let mut depth = 0usize;
    let mut first_block = true;
    let mut open_heading: Option<String> = None;
    let title = facts.title_block.as_ref();
    for event in events {
        match event {
            Event::Start(tag) => {
                let top = depth == 0;
                depth += 1;
                if skipping {
                    continue;
                }
                let is_first = top && std::mem::replace(&mut first_block, false);
                match tag {
                    Tag::Heading {
                        level,
                        id: _,
                        classes,
                        attrs,
                    } => {
                        let i = heading_index;
                        heading_index += 1;
                        if is_first && title.is_some_and(|t| t.heading == Some(i)) {
                            skipping = true;
                            continue;
                        }
                        let id = facts.headings.get(i).map(|h| CowStr::from(h.id.clone()));
                        open_heading = id.as_ref().map(|s| s.to_string());
                        out.push(Event::Start(Tag::Heading {
                            level,
                            id,
                            classes,
                            attrs,
                        }));
                    }
                    Tag::HtmlBlock if is_first && title.is_some_and(|t| t.heading.is_none()) => {
                        skipping = true;
                    }
                    other => out.push(Event::Start(other)),
                }
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if skipping {
                    if depth == 0 {
                        skipping = false;
                    }
                    continue;
                }
                if let (TagEnd::Heading(_), Some(id)) = (&end, open_heading.take()) {
                    out.push(Event::InlineHtml(CowStr::from(format!(
                        "<a class=\"heading-anchor\" href=\"#{}\" aria-label=\"이 제목으로 가는 링크\">#</a>",
                        crate::urls::encode_fragment(&id)
                    ))));
                }
                out.push(Event::End(end));
            }
            other => {
                if !skipping {
                    out.push(other);
                }
            }
        }
    }
    out
}
