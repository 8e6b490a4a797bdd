//! Comparison tables: which tables and lists compare subjects aspect by
//! aspect, and the merged table of every compared pair.
//!
//! (Interface only so far: nothing is detected yet.)

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::index::glossary::Glossary;
use crate::note::Note;

#[derive(Debug, Clone, Default)]
pub struct Comparisons {}

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
}
