//! The glossary: terms from `notes/glossary.yaml` and from `glossary:` in
//! notes' front matter, the notes that mention each term, and the matcher
//! that links terms in prose.
//!
//! (Loading is not written yet: `build` finds no terms.)

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::index::links::{name_key, Lookup};
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
    /// Normalized term, alias and English name → term.
    by_name: HashMap<String, TermId>,
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
        let mut g = Glossary::from_terms(Vec::new());
        g.note_terms = vec![Vec::new(); notes.len()];
        g
    }

    /// A glossary of the given terms (their URLs filled in when empty).
    pub fn from_terms(mut terms: Vec<Term>) -> Glossary {
        let mut by_name = HashMap::new();
        for (id, t) in terms.iter_mut().enumerate() {
            if t.url.is_empty() {
                t.url = format!("glossary/{}.html", crate::urls::slugify(&t.term));
            }
            by_name.entry(name_key(&t.term)).or_insert(id);
        }
        for (id, t) in terms.iter().enumerate() {
            for name in t.aliases.iter().chain(std::iter::once(&t.english)) {
                let key = name_key(name);
                if !key.is_empty() {
                    by_name.entry(key).or_insert(id);
                }
            }
        }
        Glossary {
            terms,
            note_terms: Vec::new(),
            by_name,
        }
    }

    /// The term named `name` (its term, one of its aliases or its English
    /// name), compared as wiki links compare names.
    pub fn find(&self, name: &str) -> Option<TermId> {
        self.by_name.get(&name_key(name)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_terms_by_alias_and_english_name() {
        let g = Glossary::from_terms(vec![Term {
            term: "스레드".into(),
            aliases: vec!["쓰레드".into()],
            english: "Thread".into(),
            ..Default::default()
        }]);
        assert_eq!(g.find("스레드"), Some(0));
        assert_eq!(g.find("쓰레드"), Some(0));
        assert_eq!(g.find("thread"), Some(0));
        assert_eq!(g.find("프로세스"), None);
        assert_eq!(g.terms[0].url, "glossary/스레드.html");
    }
}
