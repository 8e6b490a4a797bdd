//! Every table sits in its own scrolling box, so a wide table scrolls
//! inside the page on a phone instead of widening the page.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

pub fn pass(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len() + 8);
    for event in events {
        match event {
            Event::Start(Tag::Table(align)) => {
                out.push(Event::Html(CowStr::Borrowed(
                    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"표\">\n",
                )));
                out.push(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            other => out.push(other),
        }
    }
    out
}
