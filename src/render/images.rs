//! Images in note bodies.
//!
//! (Not handled yet: images render as pulldown-cmark writes them.)

use pulldown_cmark::Event;

use crate::index::SiteIndex;
use crate::note::NoteId;

pub fn pass<'a>(events: Vec<Event<'a>>, _index: &SiteIndex, _id: NoteId) -> Vec<Event<'a>> {
    events
}
