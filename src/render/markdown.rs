//! A note's body to HTML: parse the markdown again (same options as the
//! analysis, so the n-th link here is the n-th link there), run the passes,
//! then pulldown-cmark's HTML writer.

use pulldown_cmark::{html, Event, Parser};

use crate::index::SiteIndex;
use crate::note::parse::options;
use crate::note::NoteId;

/// The HTML of note `id`'s body as it appears on its page.
pub fn note_body_html(index: &SiteIndex, id: NoteId) -> String {
    let note = &index.notes[id];
    let events: Vec<Event<'_>> = Parser::new_ext(note.body(), options()).collect();
    // Images and links first: they count events by position, and the
    // headings pass drops the title block (which may hold either).
    let events = super::images::pass(events, index, id);
    let events = super::links::pass(events, &index.links[id], &note.url);
    let events = super::headings::pass(events, &note.facts);
    let events = super::callouts::pass(events);
    let events = super::glossary::pass(events, index, id);
    let events = super::tables::pass(events, index, id);
    let events = super::code_block::pass(events);
    let events = super::math::pass(events);
    let events = super::raw_html::pass(events);
    let mut out = String::with_capacity(note.body().len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}
