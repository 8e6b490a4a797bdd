//! Raw HTML is kept as the author wrote it, but it cannot take the page with
//! it: what it leaves open at the end of the body (an unclosed `<script>`,
//! `<style>`, `<textarea>`, comment or start tag) is closed there, and the
//! unclosable `<plaintext>` is written as text. See [`crate::note::html`].

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use pulldown_cmark::{CowStr, Event};

use crate::note::html::{defuse_plaintext, HtmlTracker};

pub(crate) fn pass<'a>(
    events: impl IntoIterator<Item = Event<'a>>,
) -> impl Iterator<Item = Event<'a>> {
    let mut events = events.into_iter().fuse();
    // Taken once the events run out, for the closer.
    let mut tracker = Some(HtmlTracker::new());
    std::iter::from_fn(move || match events.next() {
        Some(event) => {
            let event = match event {
                Event::Html(html) => Event::Html(defused(html)),
                Event::InlineHtml(html) => Event::InlineHtml(defused(html)),
                other => other,
            };
            if let (Event::Html(html) | Event::InlineHtml(html), Some(t)) = (&event, &mut tracker) {
                t.feed(html, 0);
            }
            Some(event)
        }
        None => {
            let open = tracker.take()?.finish()?;
            Some(Event::Html(CowStr::from(open.closer)))
        }
    })
}

fn defused(html: CowStr<'_>) -> CowStr<'_> {
    match defuse_plaintext(&html) {
        Some(text) => CowStr::from(text),
        None => html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    fn render(md: &str) -> String {
        let events: Vec<Event<'_>> = Parser::new_ext(md, crate::note::parse::options()).collect();
        let mut out = String::new();
        html::push_html(&mut out, pass(events));
        out
    }

    #[test]
    fn open_script_is_closed_at_the_end() {
        let html = render("앞\n\n<script>\nalert(1)\n\n뒤 문단\n");
        assert!(html.trim_end().ends_with("</script>"), "{html}");
        assert!(html.contains("<script>\nalert(1)"), "{html}");
    }

    #[test]
    fn closed_html_is_untouched() {
        let md = "<div class=\"x\">\n\n**굵게**\n\n</div>\n\n<!-- 주석 -->\n";
        let events: Vec<Event<'_>> = Parser::new_ext(md, crate::note::parse::options()).collect();
        let mut plain = String::new();
        html::push_html(&mut plain, events.into_iter());
        assert_eq!(render(md), plain);
    }

    #[test]
    fn comment_and_plaintext() {
        assert!(render("<!-- 끝나지 않는 주석\n\n본문\n").ends_with("-->"));
        let html = render("<plaintext>\n");
        assert!(html.contains("&lt;plaintext>"), "{html}");
    }
}
