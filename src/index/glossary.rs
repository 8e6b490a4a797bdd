//! The glossary: terms from `notes/glossary.yaml` and from `glossary:` in
//! notes' front matter, merged by name; the matcher that finds terms in
//! prose (one Aho–Corasick automaton over every term, alias and English
//! name, built once per site); the notes that mention each term with the
//! sentence they use it in; related terms.
//!
//! Loading the terms and their diagnostics live in [`load`].

mod load;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::ids::{NoteSlice, PerNote, PerTerm};
use crate::index::links::{name_key, Lookup, Target};
use crate::korean;
use crate::note::{Note, NoteId};
use crate::urls::slugify;
use typed_index_collections::TiSlice;

pub(crate) use crate::ids::TermId;

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
    /// Where each link of `body` goes, in document order.
    pub body_links: Vec<Target>,
}

/// A note that uses a term: where the first sentence it appears in lies
/// in the note's facts (a section's text or its heading), not a copy of it:
/// a site of 10,000 notes has some 100,000 mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub note: NoteId,
    /// The section (index into the note's `facts.sections`).
    section: u32,
    /// Whether the sentence is the section's heading, not its text.
    in_heading: bool,
    /// Byte range of the sentence shown (cut to a window around the term).
    shown: Range<u32>,
    /// Byte range of the term.
    hit: Range<u32>,
    /// Whether the sentence goes on before and after what is shown.
    cut_before: bool,
    cut_after: bool,
}

/// A mention's sentence as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionText<'a> {
    /// The sentence before the term (starting with `…` where it was cut),
    /// the term, and the rest (ending with `…` where it was cut).
    pub before: String,
    pub hit: &'a str,
    pub after: String,
    /// Heading id of the section the sentence is in (None: the top of the
    /// page).
    pub anchor: Option<&'a str>,
    /// That heading's text.
    pub section: Option<&'a str>,
}

impl Mention {
    /// The sentence of this mention in `note` (the note it was found in).
    pub fn text<'a>(&self, note: &'a Note) -> MentionText<'a> {
        let shown = self.shown(note);
        let mut before = String::from(if shown.cut_before { "…" } else { "" });
        before.push_str(shown.before);
        let mut after = shown.after.to_string();
        if shown.cut_after {
            after.push('…');
        }
        MentionText {
            before,
            hit: shown.hit,
            after,
            anchor: shown.anchor,
            section: shown.section,
        }
    }

    /// [`Self::text`] as parts of the note's text, made into no string
    /// (page signatures hash it for every mention).
    pub(crate) fn shown<'a>(&self, note: &'a Note) -> Shown<'a> {
        let facts = &note.facts;
        let section = facts.sections.get(self.section as usize);
        let heading = section
            .and_then(|s| s.heading)
            .and_then(|h| facts.headings.get(h));
        let text = match (self.in_heading, section) {
            (true, _) => heading.map_or("", |h| h.text.as_str()),
            (false, Some(s)) => s.text.as_str(),
            (false, None) => "",
        };
        let title = facts.title_block.as_ref().and_then(|t| t.heading);
        let anchor = section
            .filter(|s| s.heading != title)
            .and(heading)
            .map(|h| h.id.as_str());
        let at = |r: Range<u32>| text.get(r.start as usize..r.end as usize).unwrap_or("");
        Shown {
            anchor,
            section: anchor.and(heading).map(|h| h.text.as_str()),
            cut_before: self.cut_before,
            before: at(self.shown.start..self.hit.start),
            hit: at(self.hit.clone()),
            after: at(self.hit.end..self.shown.end),
            cut_after: self.cut_after,
        }
    }
}

/// A mention's sentence as parts of its note's text ([`Mention::shown`]).
#[derive(Debug, Hash)]
pub(crate) struct Shown<'a> {
    /// Heading id of the section (None: the top of the page).
    pub anchor: Option<&'a str>,
    /// That heading's text.
    pub section: Option<&'a str>,
    pub cut_before: bool,
    pub before: &'a str,
    pub hit: &'a str,
    pub after: &'a str,
    pub cut_after: bool,
}

/// All terms of the site.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    pub terms: PerTerm<Term>,
    /// Terms each note mentions (one list per note, empty without a
    /// glossary), in term order.
    pub note_terms: PerNote<Vec<TermId>>,
    /// Notes that mention each term, newest first.
    pub mentions: PerTerm<Vec<Mention>>,
    /// Terms related to each term, most related first.
    pub related: PerTerm<Vec<TermId>>,
    /// Normalized term, alias and English name → term.
    by_name: HashMap<String, TermId>,
    matcher: Option<TermMatcher>,
}

pub(crate) const GLOSSARY_INDEX_URL: &str = "glossary/index.html";
pub(crate) const GLOSSARY_FILE: &str = "glossary.yaml";

/// How many related terms a term page shows.
const MAX_RELATED: usize = 8;

impl Glossary {
    /// Loads `notes_root/glossary.yaml` and every note's `glossary:`, then
    /// finds which notes mention which terms.
    pub(crate) fn build(
        notes: &NoteSlice,
        lookup: &Lookup,
        notes_root: &Path,
        display_prefix: &str,
        memo: Option<&dyn MentionMemo>,
        diags: &mut Vec<Diagnostic>,
    ) -> Glossary {
        let step = crate::steps::Step::start("glossary");
        let mut g = load::load(notes, lookup, notes_root, display_prefix, diags);
        step.done("load terms");
        g.find_mentions(notes, memo);
        step.done("mentions");
        g.find_related();
        step.done("related terms");
        g
    }

    /// A glossary of the given terms (their URLs filled in when empty, made
    /// unique when two terms would share one).
    pub fn from_terms(terms: Vec<Term>) -> Glossary {
        let mut terms: PerTerm<Term> = terms.into();
        let mut taken: HashSet<String> = HashSet::from([GLOSSARY_INDEX_URL.to_string()]);
        for t in terms.iter_mut() {
            if t.url.is_empty() || taken.contains(&t.url) {
                t.url = unique_url(&t.term, &taken);
            }
            taken.insert(t.url.clone());
        }
        let mut by_name = HashMap::new();
        for (id, t) in terms.iter_enumerated() {
            by_name.entry(name_key(&t.term)).or_insert(id);
        }
        for (id, t) in terms.iter_enumerated() {
            for name in t.aliases.iter().chain(std::iter::once(&t.english)) {
                let key = name_key(name);
                if !key.is_empty() {
                    by_name.entry(key).or_insert(id);
                }
            }
        }
        let matcher = TermMatcher::new(&terms);
        Glossary {
            note_terms: PerNote::new(),
            mentions: vec![Vec::new(); terms.len()].into(),
            related: vec![Vec::new(); terms.len()].into(),
            terms,
            by_name,
            matcher,
        }
    }

    /// A hash of what [`Self::find`] answers and of each term's name.
    pub(crate) fn names_fingerprint(&self) -> u64 {
        let mut names: Vec<(&String, usize)> =
            self.by_name.iter().map(|(n, t)| (n, t.index())).collect();
        names.sort_unstable();
        let terms: Vec<&str> = self.terms.iter().map(|t| t.term.as_str()).collect();
        crate::signatures::hash_of((names, terms))
    }

    /// The term named `name` (its term, one of its aliases or its English
    /// name), compared as wiki links compare names.
    pub fn find(&self, name: &str) -> Option<TermId> {
        self.by_name.get(&name_key(name)).copied()
    }

    /// The automaton over every term, alias and English name; None for an
    /// empty glossary.
    pub fn matcher(&self) -> Option<&TermMatcher> {
        self.matcher.as_ref()
    }

    /// Which terms each note mentions, and for each term the first sentence
    /// of each note that mentions it. Linear in the size of the notes.
    fn find_mentions(&mut self, notes: &NoteSlice, memo: Option<&dyn MentionMemo>) {
        self.note_terms = vec![Vec::new(); notes.len()].into();
        let Some(matcher) = &self.matcher else {
            return;
        };
        let term_count = self.terms.len();
        let found: Vec<Vec<(TermId, Mention)>> = notes
            .raw
            .par_iter()
            .enumerate()
            .map_init(Vec::new, |candidates, (id, note)| {
                let id = NoteId::from(id);
                let key = memo.map(|_| mention_key(matcher, note));
                if let Some(kept) = memo.zip(key).and_then(|(m, k)| m.get(k)) {
                    let valid = |&(t, ..): &StoredMention| (t as usize) < term_count;
                    if kept.iter().all(valid) {
                        return kept
                            .into_iter()
                            .map(|m| Mention::from_stored(id, m))
                            .collect();
                    }
                }
                let mut seen = vec![false; term_count];
                let mut found = Vec::new();
                for (k, section) in note.facts.sections.iter().enumerate() {
                    let heading = section.heading.and_then(|h| note.facts.headings.get(h));
                    // A heading naming the term is a use of it too.
                    let texts = heading.map(|h| (true, h.text.as_str())).into_iter();
                    for (in_heading, text) in texts.chain([(false, section.text.as_str())]) {
                        matcher.for_each_with(candidates, text, |term, range| {
                            let first = seen
                                .get_mut(term.index())
                                .is_some_and(|s| !std::mem::replace(s, true));
                            if first {
                                let s = sentence_around(text, range.clone());
                                let small = |r: Range<usize>| {
                                    let at = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
                                    at(r.start)..at(r.end)
                                };
                                found.push((
                                    term,
                                    Mention {
                                        note: id,
                                        section: u32::try_from(k).unwrap_or(u32::MAX),
                                        in_heading,
                                        shown: small(s.shown),
                                        hit: small(range),
                                        cut_before: s.cut_before,
                                        cut_after: s.cut_after,
                                    },
                                ));
                            }
                        });
                    }
                }
                if let Some((memo, key)) = memo.zip(key) {
                    memo.put(key, found.iter().map(|(t, m)| m.stored(*t)).collect());
                }
                found
            })
            .collect();
        for (id, list) in found
            .into_iter()
            .enumerate()
            .map(|(i, l)| (NoteId::from(i), l))
        {
            let mut terms: Vec<TermId> = list.iter().map(|(t, _)| *t).collect();
            terms.sort_unstable();
            self.note_terms[id] = terms;
            for (t, m) in list {
                self.mentions[t].push(m);
            }
        }
        self.mentions.raw.par_iter_mut().for_each(|list| {
            list.sort_by(|a, b| crate::index::taxonomy::by_date_desc(notes, a.note, b.note));
        });
    }

    /// Related terms: those its definition and long text mention first,
    /// then those used in the same notes (by Jaccard similarity of their
    /// note sets). Terms in more than `MAX_SHARED` notes, or notes with more
    /// than `MAX_TERMS` terms, say little and would make this quadratic.
    fn find_related(&mut self) {
        const MAX_SHARED: usize = 500;
        const MAX_TERMS: usize = 100;
        let Some(matcher) = &self.matcher else {
            return;
        };
        let related: Vec<Vec<TermId>> = (0..self.terms.len())
            .into_par_iter()
            .map(TermId::from)
            .map(|t| {
                let term = &self.terms[t];
                let mut out: Vec<TermId> = Vec::new();
                for text in [&term.definition, &term.body] {
                    matcher.for_each(text, |u, _| {
                        if u != t && !out.contains(&u) {
                            out.push(u);
                        }
                    });
                }
                let mine = &self.mentions[t];
                let mut shared: HashMap<TermId, usize> = HashMap::new();
                if mine.len() <= MAX_SHARED {
                    for m in mine {
                        let terms = &self.note_terms[m.note];
                        if terms.len() <= MAX_TERMS {
                            for &u in terms {
                                *shared.entry(u).or_default() += 1;
                            }
                        }
                    }
                }
                let mut ranked: Vec<(TermId, f64)> = shared
                    .into_iter()
                    .filter(|(u, _)| *u != t && !out.contains(u))
                    .map(|(u, both)| {
                        let union = mine.len() + self.mentions[u].len() - both;
                        (u, both as f64 / union.max(1) as f64)
                    })
                    .collect();
                ranked.sort_by(|a, b| {
                    b.1.total_cmp(&a.1).then_with(|| {
                        korean::collation_key(&self.terms[a.0].term)
                            .cmp(&korean::collation_key(&self.terms[b.0].term))
                    })
                });
                out.extend(ranked.into_iter().map(|(u, _)| u));
                out.truncate(MAX_RELATED);
                out
            })
            .collect();
        self.related = related.into();
    }
}

/// The URL of a term's page: its slug, numbered when taken.
fn unique_url(term: &str, taken: &HashSet<String>) -> String {
    let slug = slugify(term);
    let first = format!("glossary/{slug}.html");
    if !taken.contains(&first) {
        return first;
    }
    (2..)
        .map(|n| format!("glossary/{slug}-{n}.html"))
        .find(|u| !taken.contains(u))
        .unwrap_or(first)
}

/// Finds every term, alias and English name in a text at once.
#[derive(Debug, Clone)]
pub struct TermMatcher {
    automaton: AhoCorasick,
    /// The term of each pattern.
    pattern_term: Vec<TermId>,
    /// A hash of the patterns and their terms: what the matcher finds
    /// where (for [`MentionMemo`] keys).
    fingerprint: u64,
}

/// One note's mentions as [`MentionMemo`] keeps them: the term's number,
/// then the [`Mention`] without the note's.
pub(crate) type StoredMention = (u32, u32, bool, u32, u32, u32, u32, bool, bool);

/// Mentions found by earlier builds, by a key of the texts searched and the
/// terms searched for ([`crate::cache::mentions`]): a one-note edit
/// searches one note again, not every note.
pub(crate) trait MentionMemo: Sync {
    /// The mentions kept under `key`.
    fn get(&self, key: u128) -> Option<Vec<StoredMention>>;
    /// Keeps `found` under `key`.
    fn put(&self, key: u128, found: Vec<StoredMention>);
}

impl Mention {
    fn stored(&self, term: TermId) -> StoredMention {
        (
            u32::try_from(term.index()).unwrap_or(u32::MAX),
            self.section,
            self.in_heading,
            self.shown.start,
            self.shown.end,
            self.hit.start,
            self.hit.end,
            self.cut_before,
            self.cut_after,
        )
    }

    fn from_stored(note: NoteId, m: StoredMention) -> (TermId, Mention) {
        let (term, section, in_heading, s0, s1, h0, h1, cut_before, cut_after) = m;
        (
            TermId::from(term as usize),
            Mention {
                note,
                section,
                in_heading,
                shown: s0..s1,
                hit: h0..h1,
                cut_before,
                cut_after,
            },
        )
    }
}

/// The key of a note's mentions: the matcher's fingerprint and every text
/// of the note it searches (section headings and texts), in order.
fn mention_key(matcher: &TermMatcher, note: &Note) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&matcher.fingerprint.to_le_bytes());
    for section in &note.facts.sections {
        let heading = section.heading.and_then(|i| note.facts.headings.get(i));
        for text in heading.map(|h| h.text.as_str()).into_iter() {
            h.update(&[1]);
            h.update(&(text.len() as u64).to_le_bytes());
            h.update(text.as_bytes());
        }
        h.update(&[2]);
        h.update(&(section.text.len() as u64).to_le_bytes());
        h.update(section.text.as_bytes());
    }
    h.digest128()
}

impl TermMatcher {
    /// None when there is nothing to find.
    pub fn new(terms: &TiSlice<TermId, Term>) -> Option<TermMatcher> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_term = Vec::new();
        for (id, t) in terms.iter_enumerated() {
            for form in surface_forms(t) {
                // Patterns match ASCII case-insensitively: the first term
                // to claim a spelling keeps it.
                if seen.insert(form.to_ascii_lowercase()) {
                    patterns.push(form);
                    pattern_term.push(id);
                }
            }
        }
        if patterns.is_empty() {
            return None;
        }
        // Korean text starts almost every character with one of a few
        // bytes, so prefilters don't help; a full DFA scans about three
        // times faster than the NFA and stays small for glossaries of up to
        // thousands of terms.
        const DFA_MAX_PATTERNS: usize = 5000;
        let mut builder = AhoCorasick::builder();
        builder
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true);
        if patterns.len() <= DFA_MAX_PATTERNS {
            builder.kind(Some(AhoCorasickKind::DFA));
        }
        let automaton = builder
            .build(&patterns)
            .or_else(|_| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(true)
                    .build(&patterns)
            })
            .ok()?;
        let fingerprint = crate::signatures::hash_of((
            &patterns,
            pattern_term.iter().map(|t| t.index()).collect::<Vec<_>>(),
        ));
        Some(TermMatcher {
            automaton,
            pattern_term,
            fingerprint,
        })
    }

    /// Calls `found(term, byte range)` for each mention of a term in `text`,
    /// in order. At each place the longest term that stands as a word of
    /// its own wins (멀티스레드 before 스레드; 프로세스는 yes, 프로세스화 no,
    /// see [`korean::standalone_word`]); mentions never overlap and never
    /// lie inside a bare URL.
    pub fn for_each(&self, text: &str, found: impl FnMut(TermId, Range<usize>)) {
        self.for_each_with(&mut Vec::new(), text, found);
    }

    /// [`TermMatcher::for_each`] with a buffer for the candidates that one
    /// caller reuses across many texts.
    pub(crate) fn for_each_with(
        &self,
        candidates: &mut Vec<(usize, usize, TermId)>,
        text: &str,
        mut found: impl FnMut(TermId, Range<usize>),
    ) {
        let Ok(matches) = self.automaton.try_find_overlapping_iter(text) else {
            return;
        };
        candidates.clear();
        candidates.extend(matches.map(|m| {
            (
                m.start(),
                m.end(),
                self.pattern_term[m.pattern().as_usize()],
            )
        }));
        if candidates.is_empty() {
            return;
        }
        candidates.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let urls = bare_urls(text);
        let mut pos = 0;
        for &(start, end, term) in candidates.iter() {
            if start < pos || korean::standalone_word(text, start, end).is_none() {
                continue;
            }
            let i = urls.partition_point(|u| u.end <= start);
            if urls.get(i).is_some_and(|u| u.start <= start) {
                continue;
            }
            found(term, start..end);
            pos = end;
        }
    }
}

/// The spellings a term is found by: term, aliases, English name, and the
/// same without spaces for Korean names (컨텍스트 스위칭 → 컨텍스트스위칭).
fn surface_forms(t: &Term) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in std::iter::once(&t.term)
        .chain(t.aliases.iter())
        .chain(std::iter::once(&t.english))
    {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        out.push(name.to_string());
        if name.contains(char::is_whitespace) && name.chars().any(korean::is_hangul) {
            out.push(name.split_whitespace().collect());
        }
    }
    out
}

/// Byte ranges of the whitespace-separated words that look like URLs
/// (`https://…`, `www.…`), sorted.
fn bare_urls(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut from = 0;
    loop {
        let rest = &text[from..];
        let rel = match (rest.find("://"), rest.find("www.")) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => break,
        };
        let at = from + rel;
        let start = text[..at]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(0);
        let end = text[at..]
            .find(char::is_whitespace)
            .map(|i| at + i)
            .unwrap_or(text.len());
        if out.last().is_none_or(|last| last.end <= start) {
            out.push(start..end);
        }
        from = end.max(at + 1);
        while !text.is_char_boundary(from) {
            from += 1;
        }
    }
    out
}

/// The sentence of `text` that holds `hit`, and where the hit is in it.
/// Sentences end at `.`, `!`, `?` before a space, and at line ends (the
/// section text puts each block on its own line). Long sentences are cut
/// around the hit.
/// The sentence of `text` around `hit`, cut to a window around it.
struct Sentence {
    /// Byte range in `text` of what is shown.
    shown: Range<usize>,
    /// Whether the sentence goes on before and after it.
    cut_before: bool,
    cut_after: bool,
}

fn sentence_around(text: &str, hit: Range<usize>) -> Sentence {
    const BEFORE: usize = 60;
    const AFTER: usize = 100;
    let is_end = |c: char| matches!(c, '.' | '!' | '?' | '。' | '！' | '？');
    let line_start = text[..hit.start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = text[hit.end..]
        .find('\n')
        .map(|i| hit.end + i)
        .unwrap_or(text.len());
    let mut start = line_start;
    for (i, c) in text[line_start..hit.start].char_indices() {
        let after = line_start + i + c.len_utf8();
        if is_end(c) && text[after..].starts_with(char::is_whitespace) {
            start = after;
        }
    }
    let mut end = line_end;
    for (i, c) in text[hit.end..line_end].char_indices() {
        let after = hit.end + i + c.len_utf8();
        if is_end(c) && (after == line_end || text[after..].starts_with(char::is_whitespace)) {
            end = after;
            break;
        }
    }
    while let Some(c) = text[start..hit.start].chars().next() {
        if !c.is_whitespace() {
            break;
        }
        start += c.len_utf8();
    }
    // Cut long sentences to a window around the hit.
    let mut cut_before = false;
    let mut cut_after = false;
    let before_chars = text[start..hit.start].chars().count();
    if before_chars > BEFORE {
        let skip = before_chars - BEFORE;
        start += text[start..]
            .char_indices()
            .nth(skip)
            .map(|(i, _)| i)
            .unwrap_or(0);
        cut_before = true;
    }
    let after_chars = text[hit.end..end].chars().count();
    if after_chars > AFTER {
        end = hit.end
            + text[hit.end..]
                .char_indices()
                .nth(AFTER)
                .map(|(i, _)| i)
                .unwrap_or(end - hit.end);
        cut_after = true;
    }
    let end = start + text[start..end].trim_end().len();
    Sentence {
        shown: start..end.max(hit.end),
        cut_before,
        cut_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(name: &str, aliases: &[&str], english: &str) -> Term {
        Term {
            term: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            english: english.into(),
            definition: format!("{name}의 정의"),
            ..Default::default()
        }
    }

    fn sample() -> Glossary {
        Glossary::from_terms(vec![
            term("스레드", &["쓰레드"], "Thread"),
            term("멀티스레드", &["멀티 스레드"], "Multithreading"),
            term("프로세스", &[], "Process"),
            term("컨텍스트 스위칭", &[], "Context Switching"),
            term("IPC", &["프로세스 간 통신"], "Inter-Process Communication"),
            term("fork", &["fork()"], ""),
        ])
    }

    fn found(g: &Glossary, text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        g.matcher().unwrap().for_each(text, |t, r| {
            out.push((g.terms[t].term.clone(), text[r].to_string()));
        });
        out
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn finds_terms_by_alias_and_english_name() {
        let g = Glossary::from_terms(vec![Term {
            term: "스레드".into(),
            aliases: vec!["쓰레드".into()],
            english: "Thread".into(),
            ..Default::default()
        }]);
        assert_eq!(g.find("스레드"), Some(TermId::from(0)));
        assert_eq!(g.find("쓰레드"), Some(TermId::from(0)));
        assert_eq!(g.find("thread"), Some(TermId::from(0)));
        assert_eq!(g.find("프로세스"), None);
        assert_eq!(g.terms.raw[0].url, "glossary/스레드.html");
    }

    #[test]
    fn urls_are_unique() {
        let g = Glossary::from_terms(vec![
            term("C++", &[], ""),
            term("C", &[], ""),
            term("index", &[], ""),
            term("가상 메모리", &[], ""),
            term("가상-메모리", &[], ""),
        ]);
        // `+` is kept: C and C++ are two pages.
        assert_eq!(g.terms.raw[0].url, "glossary/c++.html");
        assert_eq!(g.terms.raw[1].url, "glossary/c.html");
        assert_eq!(g.terms.raw[2].url, "glossary/index-2.html");
        assert_eq!(g.terms.raw[3].url, "glossary/가상-메모리.html");
        assert_eq!(g.terms.raw[4].url, "glossary/가상-메모리-2.html");
    }

    #[test]
    fn longest_standalone_term_wins() {
        let g = sample();
        assert_eq!(
            found(&g, "멀티스레드는 스레드가 여럿이다"),
            vec![pair("멀티스레드", "멀티스레드"), pair("스레드", "스레드")]
        );
        assert_eq!(
            found(&g, "멀티 스레드와 쓰레드"),
            vec![pair("멀티스레드", "멀티 스레드"), pair("스레드", "쓰레드")]
        );
        assert_eq!(
            found(&g, "컨텍스트 스위칭을 줄인다. 컨텍스트스위칭"),
            vec![
                pair("컨텍스트 스위칭", "컨텍스트 스위칭"),
                pair("컨텍스트 스위칭", "컨텍스트스위칭")
            ]
        );
        assert_eq!(
            found(&g, "ipc를 쓴다, thread와 Context switching"),
            vec![
                pair("IPC", "ipc"),
                pair("스레드", "thread"),
                pair("컨텍스트 스위칭", "Context switching")
            ]
        );
        // Not a word of its own: no mention.
        assert!(found(&g, "스레드풀 프로세스화 비스레드").is_empty());
        // A longer term that does not fit gives way to a shorter one.
        assert_eq!(
            found(&g, "프로세스 간 통신망을 쓰는 프로세스"),
            vec![pair("프로세스", "프로세스"), pair("프로세스", "프로세스")]
        );
        assert_eq!(found(&g, "fork()를 부른다"), vec![pair("fork", "fork()")]);
    }

    #[test]
    fn no_mentions_inside_bare_urls() {
        let g = sample();
        assert_eq!(
            found(&g, "https://example.com/IPC/thread 참고, IPC"),
            vec![pair("IPC", "IPC")]
        );
    }

    #[test]
    fn sentences_around_a_hit() {
        let text = "첫 문장이다. 스레드는 가볍다. 끝.\n다음 줄";
        let at = text.find("스레드").unwrap();
        let s = sentence_around(text, at..at + "스레드".len());
        assert_eq!(&text[s.shown], "스레드는 가볍다.");
        assert!(!s.cut_before && !s.cut_after);
        let long = format!("{}스레드{}", "가".repeat(100), "나".repeat(200));
        let at = long.find("스레드").unwrap();
        let s = sentence_around(&long, at..at + "스레드".len());
        assert!(s.cut_before && s.cut_after);
        assert_eq!(long[s.shown].chars().count(), 60 + 3 + 100);
    }
}
