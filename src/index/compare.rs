//! Comparison tables: which tables and lists compare subjects aspect by
//! aspect, and the merged table of every compared pair.
//!
//! (Detection is not written yet: no comparisons are found.)

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::index::glossary::Glossary;
use crate::note::Note;

#[derive(Debug, Clone, Default)]
pub struct Comparisons {}

/// A comparison page a glossary term takes part in, for the term's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermComparison {
    /// `프로세스 vs 스레드`
    pub title: String,
    /// Site-relative URL of the merged page.
    pub url: String,
}

pub const COMPARE_INDEX_URL: &str = "compare/index.html";

impl Comparisons {
    pub fn build(
        _notes: &[Note],
        _glossary: &Glossary,
        _config: &Config,
        _diags: &mut Vec<Diagnostic>,
    ) -> Comparisons {
        Comparisons {}
    }

    /// True when the site has at least one comparison (the nav links them).
    pub fn is_empty(&self) -> bool {
        true
    }

    /// The merged comparison pages whose subjects include the glossary term
    /// `term` (its canonical name).
    pub fn for_term(&self, _term: &str) -> Vec<TermComparison> {
        Vec::new()
    }
}
