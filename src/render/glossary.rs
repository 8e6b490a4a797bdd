//! Automatic glossary links in note prose.
//!
//! (Not handled yet: text passes through unchanged.)

use pulldown_cmark::Event;

use crate::index::SiteIndex;
use crate::note::NoteId;

pub fn pass<'a>(events: Vec<Event<'a>>, _index: &SiteIndex, _id: NoteId) -> Vec<Event<'a>> {
    events
}
