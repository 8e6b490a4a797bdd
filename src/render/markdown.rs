//! A note's body to HTML: parse the markdown again (same options as the
//! analysis, so a link or image here has the source range its fact has
//! there), run the passes, then pulldown-cmark's HTML writer.

use pulldown_cmark::{html, Parser};

use crate::index::SiteIndex;
use crate::note::NoteId;

/// The HTML of note `id`'s body as it appears on its page.
pub fn note_body_html(index: &SiteIndex, id: NoteId) -> String {
    let note = &index.notes[id];
    let events: Vec<_> = Parser::new_ext(note.body(), note.facts.dialect.options())
        .into_offset_iter()
        .collect();
    // Images and links first: they find their facts by source range, and
    // the headings pass drops the title block (which may hold either).
    let events = crate::obsidian::embeds::pass(events);
    let events = super::images::pass(events, index, id);
    let events = super::links::pass(
        events,
        &note.facts.links,
        &index.links[id],
        note.body_start,
        note.body(),
        &note.url,
    );
    let events = super::headings::pass(events, &note.facts);
    let events = crate::obsidian::blocks::pass(events);
    let events = if index.config.obsidian {
        crate::obsidian::tags::pass(events, &note.url)
    } else {
        events
    };
    let events = super::callouts::pass(events);
    let events = super::glossary::pass(events, index, id);
    let events = super::tables::pass(events, index, id);
    let events = super::footnotes::pass(events);
    let events = crate::obsidian::mark::pass(events);
    // Code blocks, math and raw HTML are iterator adapters: no list of
    // events between them and the writer but the one the two passes that
    // look ahead (attribute lists, embeds) need.
    let events: Vec<_> = super::math::pass(super::code_block::pass(events)).collect();
    let events = crate::jekyll::kramdown::attrs_pass(events);
    let events = crate::obsidian::embeds::expand(events, index, id);
    let mut out = String::with_capacity(note.body().len() * 3 / 2);
    html::push_html(&mut out, super::raw_html::pass(events));
    out
}
