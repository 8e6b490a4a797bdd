//! The glossary: terms from `notes/glossary.yaml` and from `glossary:` in
//! notes' front matter, merged by name; the matcher that finds terms in
//! prose (one Aho–Corasick automaton over every term, alias and English
//! name, built once per site); the notes that mention each term with the
//! sentence they use it in; related terms.
//!
//! Loading never panics on what users write: YAML errors and entries of the
//! wrong shape are errors with `path:line`, conflicting definitions of one
//! term and dangling `note:` paths are warnings naming both places.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use pulldown_cmark::{Event, LinkType, Parser, Tag};
use rayon::prelude::*;
use serde_yaml::Value;

use crate::diagnostic::Diagnostic;
use crate::index::links::{name_key, Lookup, Target};
use crate::korean;
use crate::note::parse::options;
use crate::note::{front_matter, Note, NoteId};
use crate::urls::{decode, has_scheme, join_normalized, slugify, split_url};

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
    /// Where each link of `body` goes, in document order.
    pub body_links: Vec<Target>,
}

/// A note that uses a term: the first sentence it appears in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub note: NoteId,
    pub sentence: String,
    /// Byte range of the term inside `sentence`.
    pub hit: Range<usize>,
    /// Heading id of the section the sentence is in (None: the top of the
    /// page).
    pub anchor: Option<String>,
}

/// All terms of the site.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    pub terms: Vec<Term>,
    /// Terms each note mentions (by note id), in term order.
    pub note_terms: Vec<Vec<TermId>>,
    /// Notes that mention each term (by term id), newest first.
    pub mentions: Vec<Vec<Mention>>,
    /// Terms related to each term, most related first.
    pub related: Vec<Vec<TermId>>,
    /// Normalized term, alias and English name → term.
    by_name: HashMap<String, TermId>,
    matcher: Option<TermMatcher>,
}

pub const GLOSSARY_INDEX_URL: &str = "glossary/index.html";
pub const GLOSSARY_FILE: &str = "glossary.yaml";

/// How many related terms a term page shows.
const MAX_RELATED: usize = 8;

impl Glossary {
    /// Loads `notes_root/glossary.yaml` and every note's `glossary:`, then
    /// finds which notes mention which terms.
    pub fn build(
        notes: &[Note],
        lookup: &Lookup,
        notes_root: &Path,
        display_prefix: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Glossary {
        let file = read_glossary_file(notes_root, display_prefix, diags);
        let sources = Sources {
            file: file.as_ref(),
            notes,
        };
        let mut builder = Builder::default();
        if let Some(f) = &file {
            for entry in file_entries(f, diags) {
                builder.add(entry, &sources, lookup, diags);
            }
        }
        for (id, note) in notes.iter().enumerate() {
            if let Some(value) = &note.front.glossary {
                for entry in note_entries(id, note, value, diags) {
                    builder.add(entry, &sources, lookup, diags);
                }
            }
        }
        let Builder { terms, .. } = builder;
        for d in terms.iter().filter(|d| d.term.definition.is_empty()) {
            diags.push(sources.at(
                d.origin,
                d.line,
                Diagnostic::warning(
                    "glossary",
                    format!(
                        "용어 `{}`에 `definition:`(한 줄 정의)이 없어 툴팁 없이 연결합니다",
                        d.term.term
                    ),
                ),
            ));
        }
        let body_places: Vec<BodyPlace> = terms.iter().map(|d| d.body_place.clone()).collect();
        let mut g = Glossary::from_terms(terms.into_iter().map(|d| d.term).collect());
        for (t, place) in body_places.iter().enumerate() {
            let links = resolve_body_links(&g, t, place, &sources, lookup, diags);
            g.terms[t].body_links = links;
        }
        g.find_mentions(notes);
        g.find_related();
        g
    }

    /// A glossary of the given terms (their URLs filled in when empty, made
    /// unique when two terms would share one).
    pub fn from_terms(mut terms: Vec<Term>) -> Glossary {
        let mut taken: HashSet<String> = HashSet::from([GLOSSARY_INDEX_URL.to_string()]);
        for t in terms.iter_mut() {
            if t.url.is_empty() || taken.contains(&t.url) {
                t.url = unique_url(&t.term, &taken);
            }
            taken.insert(t.url.clone());
        }
        let mut by_name = HashMap::new();
        for (id, t) in terms.iter().enumerate() {
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
        let matcher = TermMatcher::new(&terms);
        Glossary {
            note_terms: Vec::new(),
            mentions: vec![Vec::new(); terms.len()],
            related: vec![Vec::new(); terms.len()],
            terms,
            by_name,
            matcher,
        }
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
    fn find_mentions(&mut self, notes: &[Note]) {
        self.note_terms = vec![Vec::new(); notes.len()];
        let Some(matcher) = &self.matcher else {
            return;
        };
        let found: Vec<Vec<(TermId, Mention)>> = notes
            .par_iter()
            .enumerate()
            .map(|(id, note)| {
                let mut seen = HashSet::new();
                let mut found = Vec::new();
                let title = note.facts.title_block.as_ref().and_then(|t| t.heading);
                for section in &note.facts.sections {
                    let heading = section.heading.and_then(|h| note.facts.headings.get(h));
                    let anchor = heading
                        .filter(|_| section.heading != title)
                        .map(|h| h.id.clone());
                    // A heading naming the term is a use of it too.
                    let texts = heading.map(|h| h.text.as_str()).into_iter();
                    for text in texts.chain(std::iter::once(section.text.as_str())) {
                        matcher.for_each(text, |term, range| {
                            if seen.insert(term) {
                                let (sentence, hit) = sentence_around(text, range);
                                found.push((
                                    term,
                                    Mention {
                                        note: id,
                                        sentence,
                                        hit,
                                        anchor: anchor.clone(),
                                    },
                                ));
                            }
                        });
                    }
                }
                found
            })
            .collect();
        for (id, list) in found.into_iter().enumerate() {
            let mut terms: Vec<TermId> = list.iter().map(|(t, _)| *t).collect();
            terms.sort_unstable();
            self.note_terms[id] = terms;
            for (t, m) in list {
                self.mentions[t].push(m);
            }
        }
        for list in &mut self.mentions {
            list.sort_by(|a, b| crate::index::taxonomy::by_date_desc(notes, a.note, b.note));
        }
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
        self.related = related;
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
}

impl TermMatcher {
    /// None when there is nothing to find.
    pub fn new(terms: &[Term]) -> Option<TermMatcher> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_term = Vec::new();
        for (id, t) in terms.iter().enumerate() {
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
        Some(TermMatcher {
            automaton,
            pattern_term,
        })
    }

    /// Calls `found(term, byte range)` for each mention of a term in `text`,
    /// in order. At each place the longest term that stands as a word of
    /// its own wins (멀티스레드 before 스레드; 프로세스는 yes, 프로세스화 no,
    /// see [`korean::standalone_word`]); mentions never overlap and never
    /// lie inside a bare URL.
    pub fn for_each(&self, text: &str, mut found: impl FnMut(TermId, Range<usize>)) {
        let Ok(matches) = self.automaton.try_find_overlapping_iter(text) else {
            return;
        };
        let mut candidates: Vec<(usize, usize, TermId)> = matches
            .map(|m| {
                (
                    m.start(),
                    m.end(),
                    self.pattern_term[m.pattern().as_usize()],
                )
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        candidates.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let urls = bare_urls(text);
        let mut pos = 0;
        for (start, end, term) in candidates {
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
fn sentence_around(text: &str, hit: Range<usize>) -> (String, Range<usize>) {
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
    let mut prefix = "";
    let mut suffix = "";
    let before_chars = text[start..hit.start].chars().count();
    if before_chars > BEFORE {
        let skip = before_chars - BEFORE;
        start += text[start..]
            .char_indices()
            .nth(skip)
            .map(|(i, _)| i)
            .unwrap_or(0);
        prefix = "…";
    }
    let after_chars = text[hit.end..end].chars().count();
    if after_chars > AFTER {
        end = hit.end
            + text[hit.end..]
                .char_indices()
                .nth(AFTER)
                .map(|(i, _)| i)
                .unwrap_or(end - hit.end);
        suffix = "…";
    }
    let sentence = format!("{prefix}{}{suffix}", text[start..end].trim_end());
    let at = prefix.len() + hit.start - start;
    (sentence, at..at + hit.len())
}

// ── Loading ───────────────────────────────────────────────────────────────

/// `notes/glossary.yaml` as read: its path for messages and its text.
struct GlossaryFile {
    display: String,
    text: String,
}

/// Where an entry was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    File,
    Note(NoteId),
}

/// The texts diagnostics point into.
struct Sources<'a> {
    file: Option<&'a GlossaryFile>,
    notes: &'a [Note],
}

impl Sources<'_> {
    fn display(&self, origin: Origin) -> &str {
        match origin {
            Origin::File => self.file.map(|f| f.display.as_str()).unwrap_or(""),
            Origin::Note(id) => self.notes[id].display_path.as_str(),
        }
    }

    fn text(&self, origin: Origin) -> &str {
        match origin {
            Origin::File => self.file.map(|f| f.text.as_str()).unwrap_or(""),
            Origin::Note(id) => self.notes[id].source.as_str(),
        }
    }

    fn place(&self, origin: Origin, line: usize) -> String {
        format!("{}:{line}", self.display(origin))
    }

    fn at(&self, origin: Origin, line: usize, d: Diagnostic) -> Diagnostic {
        d.with_path(self.display(origin).to_string())
            .at_line(self.text(origin), line)
    }
}

/// One entry as written, before merging.
#[derive(Debug, Clone)]
struct Entry {
    term: String,
    aliases: Vec<String>,
    english: String,
    definition: String,
    body: String,
    /// `note:` and the line it is on.
    note: Option<(String, usize)>,
    origin: Origin,
    /// Line of the entry (its `-`).
    line: usize,
    body_line: usize,
}

/// Where a term's long text came from: links in it are relative to `folder`.
#[derive(Debug, Clone, Default)]
struct BodyPlace {
    origin: Option<Origin>,
    line: usize,
    folder: String,
}

/// A term being merged from its entries.
struct Draft {
    term: Term,
    origin: Origin,
    line: usize,
    body_place: BodyPlace,
}

#[derive(Default)]
struct Builder {
    terms: Vec<Draft>,
    by_name: HashMap<String, TermId>,
}

impl Builder {
    /// Adds an entry: a new term, or merged into the term it names.
    fn add(
        &mut self,
        entry: Entry,
        sources: &Sources<'_>,
        lookup: &Lookup,
        diags: &mut Vec<Diagnostic>,
    ) {
        let home = self.home_of(&entry, sources, lookup, diags);
        let term_key = name_key(&entry.term);
        let names: Vec<String> = std::iter::once(&entry.term)
            .chain(entry.aliases.iter())
            .chain(std::iter::once(&entry.english))
            .map(|n| name_key(n))
            .filter(|k| !k.is_empty())
            .collect();
        // The same term: its name is a name of an earlier term, or an
        // earlier term's name is one of its names.
        let same = self.by_name.get(&term_key).copied().or_else(|| {
            names.iter().find_map(|k| {
                self.by_name
                    .get(k)
                    .copied()
                    .filter(|&t| name_key(&self.terms[t].term.term) == *k)
            })
        });
        let id = match same {
            Some(t) => {
                self.merge(t, entry, home, sources, diags);
                t
            }
            None => {
                let id = self.terms.len();
                let folder = match entry.origin {
                    Origin::File => String::new(),
                    Origin::Note(n) => sources.notes[n].folder.clone(),
                };
                let body_place = if entry.body.trim().is_empty() {
                    BodyPlace::default()
                } else {
                    BodyPlace {
                        origin: Some(entry.origin),
                        line: entry.body_line,
                        folder,
                    }
                };
                let mut aliases: Vec<String> = Vec::new();
                for a in &entry.aliases {
                    let key = name_key(a);
                    if key != term_key && !aliases.iter().any(|x| name_key(x) == key) {
                        aliases.push(a.clone());
                    }
                }
                self.terms.push(Draft {
                    term: Term {
                        term: entry.term.clone(),
                        aliases,
                        english: entry.english.clone(),
                        definition: entry.definition.clone(),
                        body: entry.body.clone(),
                        home,
                        url: String::new(),
                        body_links: Vec::new(),
                    },
                    origin: entry.origin,
                    line: entry.line,
                    body_place,
                });
                id
            }
        };
        // Names now pointing to this term; a name another term already has
        // stays with that term.
        let term = &self.terms[id].term;
        let all: Vec<(String, String)> = std::iter::once(&term.term)
            .chain(term.aliases.iter())
            .chain(std::iter::once(&term.english))
            .filter(|n| !name_key(n).is_empty())
            .map(|n| (name_key(n), n.clone()))
            .collect();
        for (key, name) in all {
            match self.by_name.get(&key) {
                None => {
                    self.by_name.insert(key, id);
                }
                Some(&other) if other != id => {
                    let (o, d) = (&self.terms[other], &self.terms[id]);
                    let msg = format!(
                        "이름 `{name}`을 용어 `{}`({})와 `{}`({})가 함께 씁니다; `{}`로 연결합니다",
                        o.term.term,
                        sources.place(o.origin, o.line),
                        d.term.term,
                        sources.place(d.origin, d.line),
                        o.term.term
                    );
                    let at = sources.at(
                        d.origin,
                        d.line,
                        Diagnostic::warning("glossary-conflict", msg),
                    );
                    if !diags.contains(&at) {
                        diags.push(at);
                    }
                }
                Some(_) => {}
            }
        }
    }

    fn merge(
        &mut self,
        t: TermId,
        entry: Entry,
        home: Option<NoteId>,
        sources: &Sources<'_>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let draft = &mut self.terms[t];
        let mut differs: Vec<&str> = Vec::new();
        let mut fill = |mine: &mut String, theirs: &str, what: &'static str| {
            if theirs.trim().is_empty() {
            } else if mine.trim().is_empty() {
                *mine = theirs.to_string();
            } else if !same_text(mine, theirs) {
                differs.push(what);
            }
        };
        fill(&mut draft.term.definition, &entry.definition, "정의");
        fill(&mut draft.term.english, &entry.english, "영어 이름");
        let had_body = !draft.term.body.trim().is_empty();
        fill(&mut draft.term.body, &entry.body, "긴 설명");
        if !had_body && !entry.body.trim().is_empty() {
            draft.body_place = BodyPlace {
                origin: Some(entry.origin),
                line: entry.body_line,
                folder: match entry.origin {
                    Origin::File => String::new(),
                    Origin::Note(n) => sources.notes[n].folder.clone(),
                },
            };
        }
        match (draft.term.home, home) {
            (None, Some(h)) => draft.term.home = Some(h),
            (Some(a), Some(b)) if a != b => differs.push("정의한 노트"),
            _ => {}
        }
        let term_key = name_key(&draft.term.term);
        for name in std::iter::once(&entry.term).chain(entry.aliases.iter()) {
            let key = name_key(name);
            if key != term_key && !draft.term.aliases.iter().any(|a| name_key(a) == key) {
                draft.term.aliases.push(name.clone());
            }
        }
        if !differs.is_empty() {
            let first = sources.place(draft.origin, draft.line);
            let msg = format!(
                "용어 `{}`가 두 곳에서 다르게 정의되었습니다 ({}): `{first}`와 `{}`; 먼저 나온 `{first}`의 것을 씁니다",
                draft.term.term,
                differs.join(", "),
                sources.place(entry.origin, entry.line),
            );
            diags.push(
                sources
                    .at(
                        entry.origin,
                        entry.line,
                        Diagnostic::warning("glossary-conflict", msg),
                    )
                    .with_help("한 곳에만 정의하거나 두 정의를 같게 맞추세요"),
            );
        }
    }

    /// The note an entry names with `note:`, or the note whose front matter
    /// holds it.
    fn home_of(
        &self,
        entry: &Entry,
        sources: &Sources<'_>,
        lookup: &Lookup,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<NoteId> {
        let own = match entry.origin {
            Origin::Note(id) => Some(id),
            Origin::File => None,
        };
        let Some((path, line)) = &entry.note else {
            return own;
        };
        let p = korean::nfc(path.trim());
        let p = p.trim_start_matches("./").trim_start_matches('/');
        let p = p.strip_prefix("notes/").unwrap_or(p);
        let found = [p.to_string(), format!("{p}.md"), format!("{p}.markdown")]
            .into_iter()
            .find_map(|c| lookup.by_rel_path.get(&c).copied());
        if found.is_none() {
            diags.push(
                sources
                    .at(
                        entry.origin,
                        *line,
                        Diagnostic::warning(
                            "glossary-note",
                            format!(
                                "용어 `{}`의 `note: {path}`가 가리키는 노트가 없습니다",
                                entry.term
                            ),
                        ),
                    )
                    .with_help("notes/ 폴더 기준 경로를 적으세요 (예: os/process/스레드.md)"),
            );
            return own;
        }
        found
    }
}

/// Equal up to white space.
fn same_text(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// Reads `glossary.yaml` (or `glossary.yml`) from the notes root.
fn read_glossary_file(
    notes_root: &Path,
    display_prefix: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<GlossaryFile> {
    let name = [GLOSSARY_FILE, "glossary.yml"]
        .into_iter()
        .find(|n| notes_root.join(n).is_file())?;
    let display = if display_prefix.is_empty() {
        name.to_string()
    } else {
        format!("{display_prefix}/{name}")
    };
    let bytes = match std::fs::read(notes_root.join(name)) {
        Ok(b) => b,
        Err(e) => {
            diags.push(
                Diagnostic::error("glossary", format!("용어집을 읽을 수 없습니다: {e}"))
                    .with_path(display),
            );
            return None;
        }
    };
    match crate::note::load::decode(&bytes, &display) {
        Ok(decoded) => {
            diags.extend(decoded.warnings);
            Some(GlossaryFile {
                display,
                text: decoded.text,
            })
        }
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// The entries of `glossary.yaml`: a YAML list of mappings.
fn file_entries(file: &GlossaryFile, diags: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let at = |line: usize, d: Diagnostic| {
        d.with_path(file.display.clone())
            .at_line(&file.text, line.max(1))
    };
    let value: Value = match serde_yaml::from_str(&file.text) {
        Ok(v) => v,
        Err(e) => {
            let line = e.location().map(|l| l.line()).unwrap_or(1);
            diags.push(at(
                line,
                Diagnostic::error(
                    "glossary",
                    format!(
                        "용어집을 해석할 수 없습니다: {}",
                        crate::config::yaml_message(&e)
                    ),
                ),
            ));
            return Vec::new();
        }
    };
    let lines: Vec<&str> = file.text.lines().collect();
    let items = match value {
        Value::Null => return Vec::new(),
        Value::Sequence(items) => items,
        other => {
            diags.push(
                at(
                    first_content_line(&lines),
                    Diagnostic::error(
                        "glossary",
                        format!(
                            "용어집은 `- term: …` 항목의 목록이어야 합니다 ({}이(가) 왔습니다)",
                            kind_of(&other)
                        ),
                    ),
                )
                .with_help("각 용어를 `- term: 스레드` 로 시작하는 항목으로 적으세요"),
            );
            return Vec::new();
        }
    };
    let item_lines = item_lines(&lines, 0);
    read_items(&items, &lines, &item_lines, 1, 1, Origin::File, diags, &at)
}

/// The entries of a note's `glossary:` front matter key.
fn note_entries(id: NoteId, note: &Note, value: &Value, diags: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let source = note.source.as_str();
    let (yaml, first_line) = match front_matter::split(source) {
        Some(s) => (
            &source[s.yaml_start..s.yaml_end],
            source[..s.yaml_start].matches('\n').count() + 1,
        ),
        None => ("", 1),
    };
    let lines: Vec<&str> = yaml.lines().collect();
    let key_index = lines
        .iter()
        .position(|l| {
            l.strip_prefix("glossary")
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .unwrap_or(0);
    let key_line = first_line + key_index;
    let at = |line: usize, d: Diagnostic| {
        d.with_path(note.display_path.clone())
            .at_line(source, line.max(1))
    };
    let items: Vec<Value> = match value {
        Value::Null => return Vec::new(),
        Value::Sequence(items) => items.clone(),
        Value::Mapping(_) => vec![value.clone()],
        other => {
            diags.push(
                at(
                    key_line,
                    Diagnostic::error(
                        "glossary",
                        format!(
                            "`glossary:`는 `- term: …` 항목의 목록이어야 합니다 ({}이(가) 왔습니다)",
                            kind_of(other)
                        ),
                    ),
                )
                .with_help("glossary:\n  - term: 경쟁 상태\n    definition: …"),
            );
            return Vec::new();
        }
    };
    let item_lines = item_lines(&lines, key_index + 1);
    read_items(
        &items,
        &lines,
        &item_lines,
        first_line,
        key_line,
        Origin::Note(id),
        diags,
        &at,
    )
}

const KNOWN_KEYS: &[&str] = &["term", "aliases", "english", "definition", "body", "note"];

/// Reads entries. `item_lines` are the indexes into `lines` where each
/// item's `-` is (when the YAML is written in block style); `first_line`
/// is the file line of `lines[0]`; `fallback_line` is used when an item's
/// line is not known.
#[allow(clippy::too_many_arguments)]
fn read_items(
    items: &[Value],
    lines: &[&str],
    item_lines: &[usize],
    first_line: usize,
    fallback_line: usize,
    origin: Origin,
    diags: &mut Vec<Diagnostic>,
    at: &dyn Fn(usize, Diagnostic) -> Diagnostic,
) -> Vec<Entry> {
    let lines_known = item_lines.len() == items.len();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let span = lines_known.then(|| {
            let from = item_lines[i];
            (from, item_lines.get(i + 1).copied().unwrap_or(lines.len()))
        });
        let line = span
            .map(|(from, _)| first_line + from)
            .unwrap_or(fallback_line);
        // The line of `key:` inside this item.
        let key_line = |key: &str| -> usize {
            let Some((from, to)) = span else {
                return fallback_line;
            };
            lines[from..to]
                .iter()
                .position(|l| {
                    let l = l.trim_start();
                    let l = l.strip_prefix('-').map(str::trim_start).unwrap_or(l);
                    l.strip_prefix(key)
                        .is_some_and(|r| r.trim_start().starts_with(':'))
                })
                .map(|p| first_line + from + p)
                .unwrap_or(line)
        };
        let Value::Mapping(map) = item else {
            diags.push(
                at(
                    line,
                    Diagnostic::error(
                        "glossary",
                        format!(
                            "용어집 항목은 `term:`, `definition:` 등을 가진 목록이어야 합니다 ({}이(가) 왔습니다)",
                            kind_of(item)
                        ),
                    ),
                )
                .with_help("- term: 스레드\n  definition: 프로세스 안의 실행 흐름"),
            );
            continue;
        };
        let mut entry = Entry {
            term: String::new(),
            aliases: Vec::new(),
            english: String::new(),
            definition: String::new(),
            body: String::new(),
            note: None,
            origin,
            line,
            body_line: line,
        };
        let mut ok = true;
        for (k, v) in map {
            let key = scalar(k).unwrap_or_default();
            let wrong_type = |what: &str| {
                at(
                    key_line(&key),
                    Diagnostic::error(
                        "glossary",
                        format!(
                            "`{key}`는 {what}이어야 합니다 ({}이(가) 왔습니다)",
                            kind_of(v)
                        ),
                    ),
                )
            };
            match key.as_str() {
                "term" | "english" | "definition" | "body" | "note" => {
                    let Some(text) = scalar(v) else {
                        diags.push(wrong_type("글자"));
                        ok = false;
                        continue;
                    };
                    let text = if key == "body" {
                        text
                    } else {
                        text.split_whitespace().collect::<Vec<_>>().join(" ")
                    };
                    match key.as_str() {
                        "term" => entry.term = text,
                        "english" => entry.english = text,
                        "definition" => entry.definition = text,
                        "body" => {
                            entry.body = text;
                            entry.body_line = key_line("body");
                        }
                        _ => {
                            if !text.is_empty() {
                                entry.note = Some((text, key_line("note")));
                            }
                        }
                    }
                }
                "aliases" => match v {
                    Value::Null => {}
                    Value::Sequence(list) => {
                        for a in list {
                            match scalar(a) {
                                Some(s) if !s.trim().is_empty() => {
                                    entry.aliases.push(s.trim().to_string())
                                }
                                Some(_) => {}
                                None => {
                                    diags.push(wrong_type("글자의 목록"));
                                    ok = false;
                                }
                            }
                        }
                    }
                    // `aliases: 쓰레드, Thread` written as one string.
                    other => match scalar(other) {
                        Some(s) => entry.aliases.extend(
                            s.split(',')
                                .map(str::trim)
                                .filter(|a| !a.is_empty())
                                .map(str::to_string),
                        ),
                        None => {
                            diags.push(wrong_type("글자의 목록"));
                            ok = false;
                        }
                    },
                },
                _ => {
                    let mut d = at(
                        key_line(&key),
                        Diagnostic::warning(
                            "glossary",
                            format!("용어집 항목의 `{key}` 키는 알 수 없어 무시합니다"),
                        ),
                    );
                    d = d.with_help(format!("쓸 수 있는 키: {}", KNOWN_KEYS.join(", ")));
                    diags.push(d);
                }
            }
        }
        if !ok {
            continue;
        }
        if entry.term.trim().is_empty() {
            diags.push(
                at(
                    line,
                    Diagnostic::error("glossary", "용어집 항목에 `term:`(용어 이름)이 없습니다"),
                )
                .with_help("- term: 스레드"),
            );
            continue;
        }
        out.push(entry);
    }
    out
}

/// Indexes of the lines holding the items (`- …`) of the block sequence
/// that starts at or after `from`. Empty when the list is not written in
/// block style.
fn item_lines(lines: &[&str], from: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut indent: Option<usize> = None;
    for (i, line) in lines.iter().enumerate().skip(from) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let ind = line.len() - trimmed.len();
        let is_item = trimmed == "-" || trimmed.starts_with("- ") || trimmed.starts_with("-\t");
        match indent {
            None if is_item => {
                indent = Some(ind);
                out.push(i);
            }
            None => break,
            Some(k) if ind < k || (ind == k && !is_item) => break,
            Some(k) if ind == k => out.push(i),
            Some(_) => {}
        }
    }
    out
}

fn first_content_line(lines: &[&str]) -> usize {
    lines
        .iter()
        .position(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#') && t != "---"
        })
        .map(|i| i + 1)
        .unwrap_or(1)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "빈 값",
        Value::Bool(_) => "참/거짓",
        Value::Number(_) => "숫자",
        Value::String(_) => "글자",
        Value::Sequence(_) => "목록",
        Value::Mapping(_) => "키-값 묶음",
        Value::Tagged(_) => "태그 붙은 값",
    }
}

/// Where each link in a term's long text goes. Wiki links resolve by note
/// title, file name or alias, then by term; relative links are relative to
/// the folder the text was written in (the notes root for glossary.yaml).
fn resolve_body_links(
    g: &Glossary,
    t: TermId,
    place: &BodyPlace,
    sources: &Sources<'_>,
    lookup: &Lookup,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Target> {
    let body = &g.terms[t].body;
    if body.trim().is_empty() {
        return Vec::new();
    }
    let notes = sources.notes;
    let page = |id: NoteId, section: Option<&str>| -> Target {
        let url = notes[id].url.clone();
        match section.filter(|s| !s.is_empty()) {
            None => Target::Page {
                url,
                fragment: None,
                note: Some(id),
            },
            Some(s) => match lookup.find_anchor(notes, id, s) {
                Some(anchor) => Target::Page {
                    url,
                    fragment: Some(anchor),
                    note: Some(id),
                },
                None => Target::Broken {
                    reason: format!("`{}`에 `#{s}` 제목이 없습니다", notes[id].display_path),
                },
            },
        }
    };
    let mut out = Vec::new();
    let mut warn = |d: Diagnostic| {
        if let Some(origin) = place.origin {
            diags.push(sources.at(origin, place.line, d));
        }
    };
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let dest = dest_url.trim();
                let target = if matches!(link_type, LinkType::WikiLink { .. }) {
                    let (name, section) = match dest.split_once('#') {
                        Some((n, s)) => (n.trim(), Some(s.trim())),
                        None => (dest, None),
                    };
                    if let Some(&id) = lookup.by_name.get(&name_key(name)).and_then(|v| v.first()) {
                        page(id, section)
                    } else if let Some(u) = g.find(name).filter(|_| section.is_none()) {
                        Target::Page {
                            url: g.terms[u].url.clone(),
                            fragment: None,
                            note: None,
                        }
                    } else {
                        Target::Broken {
                            reason: format!(
                                "제목·파일 이름·별칭이 `{name}`인 노트나 용어가 없습니다"
                            ),
                        }
                    }
                } else if dest.is_empty() {
                    Target::Broken {
                        reason: "링크 주소가 비어 있습니다".to_string(),
                    }
                } else if has_scheme(dest) {
                    Target::External
                } else if dest.starts_with('#') {
                    Target::Broken {
                        reason: "용어 설명 안의 `#…` 링크는 가리킬 제목이 없습니다".to_string(),
                    }
                } else {
                    let (path, _query, fragment) = split_url(dest);
                    let path = korean::nfc(&decode(path));
                    let joined = if let Some(rooted) = path.strip_prefix('/') {
                        Some(rooted.to_string())
                    } else {
                        join_normalized(&place.folder, &path)
                    };
                    let found = joined.as_ref().and_then(|j| {
                        [j.clone(), format!("{j}.md"), format!("{j}.markdown")]
                            .into_iter()
                            .find_map(|c| lookup.by_rel_path.get(&c).copied())
                    });
                    match found {
                        Some(id) => page(id, fragment),
                        None => Target::Broken {
                            reason: format!(
                                "노트 `{}`가 없습니다",
                                joined.unwrap_or_else(|| path.clone())
                            ),
                        },
                    }
                };
                if let Target::Broken { reason } = &target {
                    warn(Diagnostic::warning(
                        "broken-link",
                        format!(
                            "용어 `{}`의 설명에 깨진 링크 `{dest}`: {reason}",
                            g.terms[t].term
                        ),
                    ));
                }
                out.push(target);
            }
            Event::Start(Tag::Image { dest_url, .. }) if !has_scheme(&dest_url) => {
                warn(Diagnostic::warning(
                    "glossary",
                    format!(
                        "용어 `{}`의 설명에는 인터넷 주소(https://…)의 이미지만 넣을 수 있어 `{dest_url}`는 대체 글로 보입니다",
                        g.terms[t].term
                    ),
                ));
            }
            _ => {}
        }
    }
    out
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
        assert_eq!(g.find("스레드"), Some(0));
        assert_eq!(g.find("쓰레드"), Some(0));
        assert_eq!(g.find("thread"), Some(0));
        assert_eq!(g.find("프로세스"), None);
        assert_eq!(g.terms[0].url, "glossary/스레드.html");
    }

    #[test]
    fn urls_are_unique() {
        let g = Glossary::from_terms(vec![
            term("C++", &[], ""),
            term("C", &[], ""),
            term("index", &[], ""),
        ]);
        assert_eq!(g.terms[0].url, "glossary/c.html");
        assert_eq!(g.terms[1].url, "glossary/c-2.html");
        assert_eq!(g.terms[2].url, "glossary/index-2.html");
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
        let (s, hit) = sentence_around(text, at..at + "스레드".len());
        assert_eq!(s, "스레드는 가볍다.");
        assert_eq!(&s[hit], "스레드");
        let long = format!("{}스레드{}", "가".repeat(100), "나".repeat(200));
        let at = long.find("스레드").unwrap();
        let (s, hit) = sentence_around(&long, at..at + "스레드".len());
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert_eq!(&s[hit], "스레드");
        assert_eq!(s.chars().count(), 60 + 3 + 100 + 2);
    }

    #[test]
    fn item_lines_of_block_lists() {
        let yaml = "# 주석\n- term: a\n  body: |\n    - 목록\n    # 제목\n-   term: b\nnext: 1\n";
        let lines: Vec<&str> = yaml.lines().collect();
        assert_eq!(item_lines(&lines, 0), vec![1, 5]);
        let fm = "title: x\nglossary:\n- term: a\n- term: b\ntags: []\n";
        let lines: Vec<&str> = fm.lines().collect();
        assert_eq!(item_lines(&lines, 2), vec![2, 3]);
        assert!(item_lines(&["[{term: a}]"], 0).is_empty());
    }
}
