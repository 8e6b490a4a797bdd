//! The glossary: terms from `notes/glossary.yaml` and from `glossary:` in
//! notes' front matter, the notes that mention each term, and the matcher
//! that links terms in prose.
//!
//! (Interface only so far: terms are not loaded yet.)

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::index::links::Lookup;
use crate::note::{Note, NoteId};

pub type TermId = usize;

/// One glossary term.
#[derive(Debug, Clone, Default)]
pub struct Term {
    pub term: String,
    pub aliases: Vec<String>,
    pub english: String,
    pub definition: String,
    /// Long text, markdown.
    pub body: String,
    /// The note that defines the term.
    pub home: Option<NoteId>,
    /// `glossary/스레드.html`
    pub url: String,
}

/// All terms of the site.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    pub terms: Vec<Term>,
    /// Terms each note mentions (by note id).
    pub note_terms: Vec<Vec<TermId>>,
}

pub const GLOSSARY_INDEX_URL: &str = "glossary/index.html";

impl Glossary {
    pub fn build(
        notes: &[Note],
        _lookup: &Lookup,
        _notes_root: &Path,
        _display_prefix: &str,
        _diags: &mut Vec<Diagnostic>,
    ) -> Glossary {
        Glossary {
            terms: Vec::new(),
            note_terms: vec![Vec::new(); notes.len()],
        }
    }

    /// The term named `name` (its term or one of its aliases).
    pub fn find(&self, _name: &str) -> Option<TermId> {
        None
    }
}
