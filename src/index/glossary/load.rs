//! Loading the glossary: `notes/glossary.yaml` and `glossary:` lists in
//! notes' front matter, merged by name (an alias unifies spellings: an
//! entry named 쓰레드 joins 스레드 when 스레드 lists it). Never panics on what
//! users write: YAML errors and entries of the wrong shape are errors with
//! `path:line`; conflicting definitions of one term, names two terms share
//! and dangling `note:` paths are warnings naming both places.

use std::collections::HashMap;
use std::path::Path;

use pulldown_cmark::{Event, LinkType, Parser, Tag};
use serde_yaml::Value;

use super::{Glossary, Term, TermId, GLOSSARY_FILE};
use crate::diagnostic::{Code, Diagnostic};
use crate::ids::NoteSlice;
use crate::index::links::{name_key, Lookup, Target};
use crate::korean;
use crate::note::parse::options;
use crate::note::{front_matter, Note, NoteId};
use crate::urls::{decode, has_scheme, join_normalized, split_url};
use typed_index_collections::TiVec;

/// Every term of `glossary.yaml` and of the notes' front matter, merged,
/// as a glossary with the links of their long texts resolved.
pub(super) fn load(
    notes: &NoteSlice,
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
    for (id, note) in notes.iter_enumerated() {
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
                Code::Glossary,
                format!(
                    "용어 `{}`에 `definition:`(한 줄 정의)이 없어 툴팁 없이 연결합니다",
                    d.term.term
                ),
            ),
        ));
    }
    let body_places: TiVec<TermId, BodyPlace> =
        terms.iter().map(|d| d.body_place.clone()).collect();
    let mut g = Glossary::from_terms(terms.into_iter().map(|d| d.term).collect());
    for (t, place) in body_places.iter_enumerated() {
        let links = resolve_body_links(&g, t, place, &sources, lookup, diags);
        g.terms[t].body_links = links;
    }
    g
}

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
    notes: &'a NoteSlice,
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
    terms: TiVec<TermId, Draft>,
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
                let id = self.terms.next_key();
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
                        Diagnostic::warning(Code::GlossaryConflict, msg),
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
                        Diagnostic::warning(Code::GlossaryConflict, msg),
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
                            Code::GlossaryNote,
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
                Diagnostic::error(Code::Glossary, format!("용어집을 읽을 수 없습니다: {e}"))
                    .with_path(display),
            );
            return None;
        }
    };
    match crate::note::load::decode(bytes, &display) {
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
                    Code::Glossary,
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
                        Code::Glossary,
                        format!(
                            "용어집은 `- term: …` 항목의 목록이어야 합니다 ({}이(가) 왔습니다)",
                            front_matter::kind_of(&other)
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
                        Code::Glossary,
                        format!(
                            "`glossary:`는 `- term: …` 항목의 목록이어야 합니다 ({}이(가) 왔습니다)",
                            front_matter::kind_of(other)
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
                        Code::Glossary,
                        format!(
                            "용어집 항목은 `term:`, `definition:` 등을 가진 목록이어야 합니다 ({}이(가) 왔습니다)",
                            front_matter::kind_of(item)
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
                        Code::Glossary,
                        format!(
                            "`{key}`는 {what}이어야 합니다 ({}이(가) 왔습니다)",
                            front_matter::kind_of(v)
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
                            Code::Glossary,
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
                    Diagnostic::error(
                        Code::Glossary,
                        "용어집 항목에 `term:`(용어 이름)이 없습니다",
                    ),
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
                        Code::BrokenLink,
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
                    Code::Glossary,
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
