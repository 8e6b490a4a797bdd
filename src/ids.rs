//! Typed ids: a note, glossary term, tag, category or series is named by
//! its index in the site index's list of them, and per-note (per-term, …)
//! facts live in collections indexed by that id (`typed-index-collections`),
//! so a tag id cannot index the notes nor a note id the terms.

use typed_index_collections::{TiSlice, TiVec};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
            serde::Serialize, serde::Deserialize,
        )]
        pub struct $name(usize);

        impl From<usize> for $name {
            fn from(index: usize) -> Self {
                $name(index)
            }
        }

        impl From<$name> for usize {
            fn from(id: $name) -> usize {
                id.0
            }
        }

        impl $name {
            /// The position in its list.
            pub const fn index(self) -> usize {
                self.0
            }
        }
    )*};
}

ids! {
    /// A note: its index in `SiteIndex::notes` (notes sorted by path).
    NoteId;
    /// A glossary term: its index in `Glossary::terms`.
    TermId;
    /// A tag: its index in `Taxonomy::tags`.
    TagId;
    /// A category: its index in `Taxonomy::categories`.
    CategoryId;
    /// A series: its index in `Taxonomy::series`.
    SeriesId;
}

impl CategoryId {
    /// The root of the category tree (`categories/index.html`).
    pub const ROOT: CategoryId = CategoryId(0);
}

/// The site's notes, by id.
pub(crate) type Notes = TiVec<NoteId, crate::note::Note>;
/// The site's notes as a slice, by id.
pub(crate) type NoteSlice = TiSlice<NoteId, crate::note::Note>;
/// One value per note.
pub(crate) type PerNote<T> = TiVec<NoteId, T>;
/// One value per note, as a slice.
pub(crate) type PerNoteSlice<T> = TiSlice<NoteId, T>;
/// One value per glossary term.
pub(crate) type PerTerm<T> = TiVec<TermId, T>;
