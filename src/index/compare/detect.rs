//! Finding the comparisons of one note: which of its tables and lists
//! compare subjects aspect by aspect, read into a grid of aspects ×
//! subjects. Everything else stays an ordinary table or list.
//!
//! A table compares when its first header cell names the aspect column
//! (`구분`, `특성`, `항목`, empty, …) and at least two subjects follow, or
//! when it stands under a heading that compares (`A vs B`, `A와 B의 차이`,
//! `A / B`, `비교 정리`). A list compares when its items are aspects whose
//! sub-items give each subject's value as `**A**: …` (or `A: …` when the
//! heading names A). A table or list whose "subjects" are all words such as
//! 장점/단점 compares its rows instead, when its heading says it compares.

use std::collections::{HashMap, HashSet};

use super::names::{self, AspectName, HeadingInfo, Names, SubjectName};
use crate::diagnostic::{Code, Diagnostic};
use crate::note::parse::{ListFact, ListItem, TableFact};
use crate::note::Note;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Form {
    Table,
    List,
}

/// A comparison as one note writes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Found {
    pub form: Form,
    /// Which of the note's tables (or top-level lists), in document order.
    pub index: usize,
    /// Byte offset in the note file.
    pub offset: usize,
    /// The heading it stands under (index into the note's headings).
    pub heading: Option<usize>,
    /// The subjects are the rows of the table (or the list's items).
    pub transposed: bool,
    pub subjects: Vec<FoundSubject>,
    pub rows: Vec<FoundRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FoundSubject {
    /// As written, plain text.
    pub written: String,
    pub name: SubjectName,
    /// The header column of a table; the body row of a table read
    /// sideways; the item of a list read sideways.
    pub position: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FoundRow {
    /// The aspect as written (plain text); empty when the row names none.
    pub aspect: String,
    /// The aspect as matched across notes; None when the row names none.
    pub name: Option<AspectName>,
    /// One value per subject, in the order of `subjects`.
    pub values: Vec<Option<Value>>,
}

/// One subject's value for one aspect.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Value {
    /// Inline markdown as written.
    pub markdown: String,
    /// Plain text.
    pub text: String,
}

/// The key [`note_comparisons`] is kept under: the note's tables, lists
/// and headings, which are all it reads of the note, and the names'
/// `fingerprint` ([`Names::fingerprint`]).
pub(crate) fn memo_key(note: &Note, fingerprint: u64) -> u128 {
    use std::hash::Hash;
    let mut h = crate::signatures::key_hasher();
    let facts = &note.facts;
    ("gongbu comparisons", fingerprint).hash(&mut h);
    (&facts.tables, &facts.lists, &facts.headings).hash(&mut h);
    h.digest128()
}

/// Every comparison in `note`, tables first then lists, each in document
/// order, with warnings for comparisons that cannot be read whole.
pub(crate) fn note_comparisons(note: &Note, names: &Names<'_>) -> (Vec<Found>, Vec<Diagnostic>) {
    let facts = &note.facts;
    let mut infos: HashMap<usize, HeadingInfo> = HashMap::new();
    let mut info = |h: Option<usize>| -> HeadingInfo {
        h.and_then(|i| {
            let text = &facts.headings.get(i)?.text;
            Some(
                infos
                    .entry(i)
                    .or_insert_with(|| names::heading_info(text))
                    .clone(),
            )
        })
        .unwrap_or_default()
    };
    let mut found = Vec::new();
    let mut diags = Vec::new();
    for (k, t) in facts.tables.iter().enumerate() {
        let hi = info(t.under_heading);
        if let Some(f) = table(note, t, k, &hi, names, &mut diags) {
            found.push(f);
        }
    }
    for (k, l) in facts.lists.iter().enumerate() {
        let hi = info(l.under_heading);
        if let Some(f) = list(l, k, &hi, names) {
            found.push(f);
        }
    }
    found.sort_by_key(|f| f.offset);
    for row in found.iter_mut().flat_map(|f| f.rows.iter_mut()) {
        if !row.aspect.trim().is_empty() {
            row.name = Some(names.aspect(&row.aspect));
        }
    }
    (found, diags)
}

fn keys_of<'a>(names: &Names<'_>, written: impl Iterator<Item = &'a str>) -> Vec<String> {
    written.map(|w| names.subject(w).key).collect()
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let sa: HashSet<&String> = a.iter().collect();
    let sb: HashSet<&String> = b.iter().collect();
    a.len() == sa.len() && sa == sb
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Orientation {
    /// Header cells are the subjects, the first column the aspects.
    Standard,
    /// First column cells are the subjects, header cells the aspects.
    Sideways,
}

fn table(
    note: &Note,
    t: &TableFact,
    k: usize,
    hi: &HeadingInfo,
    names: &Names<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Found> {
    let h = &t.header;
    if h.len() < 3 || t.rows.is_empty() {
        return None;
    }
    let first = h[0].text.as_str();
    let header_written: Vec<&str> = h[1..].iter().map(|c| c.text.as_str()).collect();
    let row_labels: Vec<&str> = t
        .rows
        .iter()
        .map(|r| r.first().map_or("", |c| c.text.as_str()))
        .collect();
    let heading_keys = keys_of(names, hi.subjects.iter().map(String::as_str));

    let mut orientation = if names::is_aspect_header(first) {
        Some(Orientation::Standard)
    } else if !heading_keys.is_empty() {
        if same_set(
            &keys_of(names, header_written.iter().copied()),
            &heading_keys,
        ) {
            Some(Orientation::Standard)
        } else if same_set(&keys_of(names, row_labels.iter().copied()), &heading_keys) {
            Some(Orientation::Sideways)
        } else {
            None
        }
    } else if hi.comparison {
        if names::is_row_kind(first) {
            Some(Orientation::Sideways)
        } else {
            Some(Orientation::Standard)
        }
    } else {
        None
    }?;
    // `| 구분 | 장점 | 단점 |`: the columns say things about the rows.
    if orientation == Orientation::Standard {
        let facets = header_written.iter().filter(|w| names::is_facet(w)).count();
        if facets == header_written.len() && hi.comparison {
            orientation = Orientation::Sideways;
        } else if facets > 0 {
            return None;
        }
    }

    let mut subjects = Vec::new();
    let mut rows = Vec::new();
    match orientation {
        Orientation::Standard => {
            let fill = hi.subjects.len() == header_written.len();
            for (j, w) in header_written.iter().enumerate() {
                let written = if w.trim().is_empty() && fill {
                    hi.subjects[j].as_str()
                } else {
                    w
                };
                if !written.trim().is_empty() {
                    subjects.push(subject(names, written, j + 1));
                }
            }
            if subjects.len() < 2 {
                return None;
            }
            duplicate_subjects(note, t, &subjects, diags)?;
            for (r, row) in t.rows.iter().enumerate() {
                let values: Vec<Option<Value>> = subjects
                    .iter()
                    .map(|s| {
                        row.get(s.position)
                            .filter(|c| !c.text.trim().is_empty() || !c.markdown.trim().is_empty())
                            .map(|c| Value {
                                markdown: c.markdown.clone(),
                                text: c.text.clone(),
                            })
                    })
                    .collect();
                let aspect = row.first().map_or("", |c| c.text.as_str());
                push_row(note, t, r, aspect, values, &mut rows, diags);
            }
        }
        Orientation::Sideways => {
            for (r, label) in row_labels.iter().enumerate() {
                if !label.trim().is_empty() {
                    subjects.push(subject(names, label, r));
                }
            }
            if subjects.len() < 2 {
                return None;
            }
            duplicate_subjects(note, t, &subjects, diags)?;
            for (j, cell) in h.iter().enumerate().skip(1) {
                let values: Vec<Option<Value>> = subjects
                    .iter()
                    .map(|s| {
                        t.rows[s.position]
                            .get(j)
                            .filter(|c| !c.text.trim().is_empty() || !c.markdown.trim().is_empty())
                            .map(|c| Value {
                                markdown: c.markdown.clone(),
                                text: c.text.clone(),
                            })
                    })
                    .collect();
                if cell.text.trim().is_empty() && values.iter().any(Option::is_some) {
                    diags.push(
                        note.diagnostic_at(
                            Diagnostic::warning(
                                Code::CompareAspect,
                                format!("비교표의 {}번째 열 머리글이 비어 있습니다: 비교 페이지에서는 `이름 없는 항목`으로 따로 보입니다", j + 1),
                            ),
                            t.offset,
                            1,
                        )
                        .with_help("머리글 칸에 비교 항목의 이름을 적으세요"),
                    );
                }
                if cell.text.trim().is_empty() && values.iter().all(Option::is_none) {
                    continue;
                }
                rows.push(FoundRow {
                    aspect: cell.text.clone(),
                    name: None,
                    values,
                });
            }
        }
    }
    if rows.is_empty() {
        return None;
    }
    Some(Found {
        form: Form::Table,
        index: k,
        offset: t.offset,
        heading: t.under_heading,
        transposed: orientation == Orientation::Sideways,
        subjects,
        rows,
    })
}

fn subject(names: &Names<'_>, written: &str, position: usize) -> FoundSubject {
    FoundSubject {
        written: names::clean(written),
        name: names.subject(written),
        position,
    }
}

/// `| 구분 | 스레드 | 쓰레드 |` names one subject twice: the table is kept as
/// an ordinary table and the author is told why.
fn duplicate_subjects(
    note: &Note,
    t: &TableFact,
    subjects: &[FoundSubject],
    diags: &mut Vec<Diagnostic>,
) -> Option<()> {
    let mut seen: HashMap<&str, &FoundSubject> = HashMap::new();
    for s in subjects {
        if let Some(first) = seen.insert(&s.name.key, s) {
            diags.push(
                note.diagnostic_at(
                    Diagnostic::warning(
                        Code::CompareSubject,
                        format!(
                            "비교표가 같은 대상을 두 번 적었습니다: `{}`와 `{}`는 모두 `{}`입니다. 이 표는 비교 페이지에 모으지 않습니다",
                            first.written, s.written, s.name.display
                        ),
                    ),
                    t.offset,
                    1,
                )
                .with_help("대상 이름을 서로 다르게 적거나, 같은 대상이면 열을 하나로 합치세요"),
            );
            return None;
        }
    }
    Some(())
}

/// A table row without an aspect name but with values is kept (as its own
/// row on the merged page) and reported; an empty row is skipped.
fn push_row(
    note: &Note,
    t: &TableFact,
    r: usize,
    aspect: &str,
    values: Vec<Option<Value>>,
    rows: &mut Vec<FoundRow>,
    diags: &mut Vec<Diagnostic>,
) {
    if aspect.trim().is_empty() {
        if values.iter().all(Option::is_none) {
            return;
        }
        // Header line, delimiter line, then one line per row.
        let offset = line_start(&note.source, t.offset, r + 2);
        diags.push(
            note.diagnostic_at(
                Diagnostic::warning(
                    Code::CompareAspect,
                    "비교표의 이 줄은 첫 칸(비교 항목)이 비어 있습니다: 비교 페이지에서는 `이름 없는 항목`으로 따로 보입니다",
                ),
                offset,
                1,
            )
            .with_help("첫 칸에 무엇을 비교하는지 적으세요 (예: 메모리, 생성 비용)"),
        );
    }
    rows.push(FoundRow {
        aspect: aspect.to_string(),
        name: None,
        values,
    });
}

/// Byte offset of the line `n` lines below the one holding `from`.
fn line_start(source: &str, from: usize, n: usize) -> usize {
    let mut at = source
        .get(..from)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |i| i + 1);
    for _ in 0..n {
        match source.get(at..).and_then(|s| s.find('\n')) {
            Some(i) => at += i + 1,
            None => break,
        }
    }
    at.min(source.len())
}

struct Labeled {
    label: String,
    name: SubjectName,
    value: Value,
}

struct Entry {
    item: usize,
    aspect: String,
    labeled: Vec<Labeled>,
}

fn list(l: &ListFact, k: usize, hi: &HeadingInfo, names: &Names<'_>) -> Option<Found> {
    let heading_keys: HashSet<String> = hi.subjects.iter().map(|s| names.subject(s).key).collect();
    let mut entries: Vec<Entry> = Vec::new();
    for (i, item) in l.items.iter().enumerate() {
        let mut labeled: Vec<Labeled> = Vec::new();
        for child in &item.children {
            if let Some(lab) = labeled_child(child, &heading_keys, names) {
                if !labeled.iter().any(|x| x.name.key == lab.name.key) {
                    labeled.push(lab);
                }
            }
        }
        if labeled.len() >= 2 {
            entries.push(Entry {
                item: i,
                aspect: item_aspect(item),
                labeled,
            });
        }
    }
    let q = entries.len();
    // Most items must compare, and one item alone only when the heading
    // names its subjects.
    let labels_in_heading = !heading_keys.is_empty()
        && entries
            .iter()
            .all(|e| e.labeled.iter().all(|x| heading_keys.contains(&x.name.key)));
    if q == 0 || (q < 2 && !labels_in_heading) || q * 2 < l.items.len() {
        return None;
    }
    let all_facets = entries
        .iter()
        .all(|e| e.labeled.iter().all(|x| names::is_facet(&x.label)));
    if all_facets {
        if !hi.comparison || q < 2 {
            return None;
        }
        return sideways_list(l, k, entries, names);
    }
    // Subjects: labels used by at least half the comparing items, in the
    // order they first appear.
    let mut order: Vec<(&Labeled, usize)> = Vec::new();
    for e in &entries {
        for x in &e.labeled {
            match order.iter_mut().find(|o| o.0.name.key == x.name.key) {
                Some(o) => o.1 += 1,
                None => order.push((x, 1)),
            }
        }
    }
    order.retain(|o| o.1 * 2 >= q);
    if order.len() < 2 {
        return None;
    }
    let subjects: Vec<FoundSubject> = order
        .iter()
        .enumerate()
        .map(|(i, (x, _))| FoundSubject {
            written: x.label.clone(),
            name: x.name.clone(),
            position: i,
        })
        .collect();
    let rows = entries
        .into_iter()
        .map(|e| FoundRow {
            aspect: e.aspect,
            name: None,
            values: subjects
                .iter()
                .map(|s| {
                    e.labeled
                        .iter()
                        .find(|x| x.name.key == s.name.key)
                        .map(|x| x.value.clone())
                })
                .collect(),
        })
        .collect();
    Some(Found {
        form: Form::List,
        index: k,
        offset: l.offset,
        heading: l.under_heading,
        transposed: false,
        subjects,
        rows,
    })
}

/// `1. **FIFO** - **장점**: … - **단점**: …`: the items are the subjects.
fn sideways_list(l: &ListFact, k: usize, entries: Vec<Entry>, names: &Names<'_>) -> Option<Found> {
    let mut subjects: Vec<FoundSubject> = Vec::new();
    for e in &entries {
        if e.aspect.trim().is_empty() {
            continue;
        }
        let s = FoundSubject {
            written: names::clean(&e.aspect),
            name: names.subject(&e.aspect),
            position: e.item,
        };
        if subjects.iter().any(|x| x.name.key == s.name.key) {
            return None;
        }
        subjects.push(s);
    }
    if subjects.len() < 2 {
        return None;
    }
    let mut rows: Vec<(String, String, Vec<Option<Value>>)> = Vec::new();
    for e in &entries {
        let Some(col) = subjects.iter().position(|s| s.position == e.item) else {
            continue;
        };
        for x in &e.labeled {
            let key = names::compact(&x.label);
            let at = match rows.iter().position(|r| r.0 == key) {
                Some(at) => at,
                None => {
                    rows.push((key, x.label.clone(), vec![None; subjects.len()]));
                    rows.len() - 1
                }
            };
            rows[at].2[col] = Some(x.value.clone());
        }
    }
    Some(Found {
        form: Form::List,
        index: k,
        offset: l.offset,
        heading: l.under_heading,
        transposed: true,
        subjects,
        rows: rows
            .into_iter()
            .map(|(_, aspect, values)| FoundRow {
                aspect,
                name: None,
                values,
            })
            .collect(),
    })
}

/// The aspect an item names: `**정의**`, `메모리:` or `**메모리**: 설명`.
fn item_aspect(item: &ListItem) -> String {
    let md = first_paragraph(strip_marker(&item.markdown));
    if let Some((label, _, true)) = split_label(&md) {
        return names::clean(&label);
    }
    names::clean(&item.text)
}

/// `**A**: …`, `**A:** …`, or `A: …` when the heading names A.
fn labeled_child(
    child: &ListItem,
    heading_keys: &HashSet<String>,
    names: &Names<'_>,
) -> Option<Labeled> {
    let md = first_paragraph(strip_marker(&child.markdown));
    let (label, rest, bold) = split_label(&md)?;
    if !bold && heading_keys.is_empty() {
        return None;
    }
    let name = names.subject(&label);
    if !bold && !heading_keys.contains(&name.key) {
        return None;
    }
    let markdown = rest.trim().to_string();
    let text = child
        .text
        .split_once([':', '：'])
        .map_or("", |(_, v)| v)
        .trim()
        .to_string();
    if markdown.is_empty() {
        return None;
    }
    Some(Labeled {
        label: names::clean(&label),
        name,
        value: Value { markdown, text },
    })
}

/// (label, the markdown after the colon, whether the label was bold).
fn split_label(md: &str) -> Option<(String, String, bool)> {
    for delim in ["**", "__"] {
        if let Some(after_open) = md.strip_prefix(delim) {
            let close = after_open.find(delim)?;
            let inner = after_open[..close].trim();
            let after = &after_open[close + delim.len()..];
            if let Some(label) = inner.strip_suffix([':', '：']) {
                return valid_label(label)
                    .then(|| (label.trim().to_string(), after.to_string(), true));
            }
            let after = after.trim_start();
            let rest = after.strip_prefix([':', '：'])?;
            return valid_label(inner).then(|| (inner.to_string(), rest.to_string(), true));
        }
    }
    let pos = md.find([':', '：'])?;
    let label = md[..pos].trim();
    let colon_len = md[pos..].chars().next().map_or(1, char::len_utf8);
    let rest = &md[pos + colon_len..];
    // `12:30`, `http://…`
    if rest.starts_with('/') || label.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    (valid_label(label) && !label.contains(['`', '[', '*', '<']))
        .then(|| (label.to_string(), rest.to_string(), false))
}

fn valid_label(label: &str) -> bool {
    let n = label.trim().chars().count();
    n > 0 && n <= 40 && !label.contains('\n')
}

/// An item's markdown without its list marker (`- `, `1. `, `* [ ] `).
fn strip_marker(md: &str) -> &str {
    let t = md.trim_start();
    let t = if let Some(rest) = t.strip_prefix(['-', '*', '+']) {
        rest
    } else {
        let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        match t[digits..].strip_prefix(['.', ')']) {
            Some(rest) if digits > 0 => rest,
            _ => t,
        }
    };
    let t = t.trim_start();
    for task in ["[ ] ", "[x] ", "[X] "] {
        if let Some(rest) = t.strip_prefix(task) {
            return rest.trim_start();
        }
    }
    t
}

/// The first paragraph of an item, its lines joined: up to a blank line or
/// a nested list.
fn first_paragraph(md: &str) -> String {
    let mut out = String::new();
    for (i, line) in md.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            break;
        }
        if i > 0 && starts_list_item(t) {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

fn starts_list_item(t: &str) -> bool {
    if let Some(rest) = t.strip_prefix(['-', '*', '+']) {
        return rest.is_empty() || rest.starts_with(' ');
    }
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    digits > 0
        && t[digits..]
            .strip_prefix(['.', ')'])
            .is_some_and(|r| r.is_empty() || r.starts_with(' '))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::index::glossary::{Glossary, Term};
    use crate::note::load::SourceFile;

    pub(super) fn note(text: &str) -> Note {
        let file = SourceFile {
            rel: "a.md".into(),
            path: "notes/a.md".into(),
        };
        crate::note::from_source(&file, "notes/a.md".into(), text.into(), &mut Vec::new())
            .expect("note")
    }

    fn find(text: &str) -> (Vec<Found>, Vec<Diagnostic>) {
        let g = Glossary::from_terms(vec![Term {
            term: "스레드".into(),
            aliases: vec!["쓰레드".into()],
            english: "Thread".into(),
            ..Default::default()
        }]);
        let names = Names::new(&g, &Config::default(), &mut Vec::new());
        note_comparisons(&note(text), &names)
    }

    fn subjects(f: &Found) -> Vec<&str> {
        f.subjects.iter().map(|s| s.name.display.as_str()).collect()
    }

    fn aspects(f: &Found) -> Vec<&str> {
        f.rows.iter().map(|r| r.aspect.as_str()).collect()
    }

    #[test]
    fn aspect_column_tables_compare() {
        let (f, d) = find(
            "| 구분 | **프로세스** | 쓰레드 (Thread) |\n|---|---|---|\n| 메모리 | 독립 | **공유** |\n| 안정성 | 높음 | |\n",
        );
        assert!(d.is_empty());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].form, Form::Table);
        assert_eq!(subjects(&f[0]), vec!["프로세스", "스레드"]);
        assert_eq!(aspects(&f[0]), vec!["메모리", "안정성"]);
        let v = f[0].rows[0].values[1].as_ref().unwrap();
        assert_eq!(v.markdown, "**공유**");
        assert_eq!(v.text, "공유");
        assert_eq!(f[0].rows[1].values[1], None);
        // An empty first header cell names the aspect column too.
        let (f, _) = find("| | A | B |\n|---|---|---|\n| x | 1 | 2 |\n");
        assert_eq!(subjects(&f[0]), vec!["A", "B"]);
    }

    #[test]
    fn tables_under_comparing_headings() {
        // The heading names the subjects the header names.
        let (f, _) = find("## 프로세스 vs 스레드\n\n| 항목명칭 | 프로세스 | 스레드 |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n");
        assert_eq!(f.len(), 1);
        // A generic comparing heading.
        let (f, _) = find("## 비교 정리\n\n| 성질 | 뮤텍스 | 세마포어 |\n|---|---|---|\n| 소유권 | 있다 | 없다 |\n");
        assert_eq!(subjects(&f[0]), vec!["뮤텍스", "세마포어"]);
        // Header subjects empty: taken from the heading.
        let (f, _) = find("## A vs B\n\n| 구분 | | |\n|---|---|---|\n| x | 1 | 2 |\n");
        assert_eq!(subjects(&f[0]), vec!["A", "B"]);
    }

    #[test]
    fn ordinary_tables_stay_ordinary() {
        for text in [
            // Two columns: a list of pairs, not subjects by aspect.
            "## 스레드가 공유하는 것 / 고유한 것\n\n| 공유 | 고유 |\n|---|---|\n| 코드 | 스택 |\n",
            // First header is no aspect column, heading compares nothing.
            "## 무엇을 기준으로 좋다고 할까\n\n| 지표 | 뜻 | 방향 |\n|---|---|---|\n| 처리량 | 끝낸 수 | 높을수록 |\n",
            "## 예제\n\n| 프로세스 | 도착 시간 | 실행 시간 |\n|---|---|---|\n| P1 | 0 | 5 |\n",
            // Headers that describe rather than name subjects.
            "| 항목 | 설명 | 비고 |\n|---|---|---|\n| host | 주소 | 없음 |\n",
            // Heading names other subjects than the header.
            "## TCP/IP\n\n| 계층 | 프로토콜 | 하는 일 |\n|---|---|---|\n| 4 | TCP | 전송 |\n",
        ] {
            let (f, d) = find(text);
            assert!(f.is_empty(), "{text}: {f:?}");
            assert!(d.is_empty(), "{text}: {d:?}");
        }
    }

    #[test]
    fn sideways_tables_compare_their_rows() {
        let (f, _) = find(
            "## 한눈에 비교\n\n| 알고리즘 | 선점 | 장점 |\n|---|---|---|\n| FCFS | 비선점 | 단순 |\n| RR | 선점 | 공평 |\n",
        );
        assert!(f[0].transposed);
        assert_eq!(subjects(&f[0]), vec!["FCFS", "RR"]);
        assert_eq!(aspects(&f[0]), vec!["선점", "장점"]);
        assert_eq!(f[0].rows[1].values[1].as_ref().unwrap().text, "공평");
        let (f, _) = find(
            "## 장단점 비교\n\n| 구분 | 장점 | 단점 |\n|---|---|---|\n| 멀티스레드 | 빠름 | 동기화 |\n| 멀티프로세스 | 안정 | 무거움 |\n",
        );
        assert_eq!(subjects(&f[0]), vec!["멀티스레드", "멀티프로세스"]);
        assert_eq!(aspects(&f[0]), vec!["장점", "단점"]);
    }

    #[test]
    fn same_subject_twice_is_a_warning_and_an_ordinary_table() {
        let text = "# 제목\n\n| 구분 | 스레드 | 쓰레드 |\n|---|---|---|\n| 메모리 | a | b |\n";
        let (f, d) = find(text);
        assert!(f.is_empty());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "compare-subject");
        assert_eq!(d[0].line, 3);
        assert!(
            d[0].message.contains("`스레드`와 `쓰레드`"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn a_row_without_aspect_is_kept_and_reported() {
        let text = "| 구분 | A | B |\n|---|---|---|\n| x | 1 | 2 |\n|  | 3 | 4 |\n|  |  |  |\n";
        let (f, d) = find(text);
        assert_eq!(aspects(&f[0]), vec!["x", ""]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "compare-aspect");
        assert_eq!(d[0].line, 4);
    }

    #[test]
    fn list_form_with_bold_subjects() {
        let text = "# 프로세스 vs 스레드\n\n1. **정의**\n    - **프로세스**: 실행 중인 **프로그램**\n    - **스레드**: 더 작은 단위\n\n\n2. **메모리 구조**\n    - **프로세스**: 독립\n      이어지는 줄\n    - **스레드:** `스택` 제외 공유\n\n3. 동시성과 병렬성:\n   \"설명 문단\"\n";
        let (f, d) = find(text);
        assert!(d.is_empty());
        assert_eq!(f.len(), 1);
        let c = &f[0];
        assert_eq!(c.form, Form::List);
        assert_eq!(c.index, 0);
        assert_eq!(subjects(c), vec!["프로세스", "스레드"]);
        assert_eq!(aspects(c), vec!["정의", "메모리 구조"]);
        let v = c.rows[0].values[0].as_ref().unwrap();
        assert_eq!(v.markdown, "실행 중인 **프로그램**");
        assert_eq!(v.text, "실행 중인 프로그램");
        assert_eq!(
            c.rows[1].values[0].as_ref().unwrap().markdown,
            "독립 이어지는 줄"
        );
        assert_eq!(
            c.rows[1].values[1].as_ref().unwrap().markdown,
            "`스택` 제외 공유"
        );
    }

    #[test]
    fn list_form_with_plain_subjects_named_by_the_heading() {
        let text = "## 프로세스와 스레드의 차이\n\n- 메모리\n  - 프로세스: 독립\n  - 쓰레드: 공유\n- 비용\n  - 프로세스: 큼\n  - 쓰레드: 작음\n";
        let (f, _) = find(text);
        assert_eq!(f.len(), 1);
        assert_eq!(subjects(&f[0]), vec!["프로세스", "스레드"]);
        // The same list under a heading that names no subjects.
        let (f, _) = find(&text.replace("## 프로세스와 스레드의 차이", "## 메모"));
        assert!(f.is_empty());
    }

    #[test]
    fn lists_that_do_not_compare() {
        for text in [
            // Flat list of subjects: no aspects.
            "## 요약\n\n- 프로세스: 실행중인 프로그램\n- 스레드: 실행 흐름\n",
            // Subject first, features below without labels.
            "## 멀티프로세스 / 멀티스레드\n\n- 멀티프로세스\n  - 여러 프로세스\n  - 메모리 큼\n- 멀티스레드\n  - 한 프로세스\n",
            // One item with bold labels, heading names nothing.
            "## 설정\n\n- 서버\n  - **host**: a\n  - **port**: 1\n",
            // 장점/단점 labels under a heading that does not compare.
            "## 스레드 풀\n\n- 고정 풀\n  - **장점**: 단순\n  - **단점**: 낭비\n- 캐시 풀\n  - **장점**: 유연\n  - **단점**: 폭주\n",
            // Bold item with a colon but no sub-items.
            "1. **응답성**: 빠르다\n2. **자원 공유**: 쉽다\n",
        ] {
            let (f, _) = find(text);
            assert!(f.is_empty(), "{text}: {f:?}");
        }
    }

    #[test]
    fn sideways_lists() {
        let text = "## 페이지 교체 알고리즘 비교\n\n1. **FIFO**\n   - **장점**: 단순\n   - **단점**: 벨라디\n2. **LRU**\n   - **장점**: 좋음\n   - **단점**: 비쌈\n";
        let (f, _) = find(text);
        assert_eq!(f.len(), 1);
        assert!(f[0].transposed);
        assert_eq!(subjects(&f[0]), vec!["FIFO", "LRU"]);
        assert_eq!(aspects(&f[0]), vec!["장점", "단점"]);
        assert_eq!(f[0].rows[1].values[1].as_ref().unwrap().text, "비쌈");
    }

    #[test]
    fn labels() {
        assert_eq!(
            split_label("**A**: x"),
            Some(("A".into(), " x".into(), true))
        );
        assert_eq!(
            split_label("**A:** x"),
            Some(("A".into(), " x".into(), true))
        );
        assert_eq!(split_label("A : x"), Some(("A".into(), " x".into(), false)));
        assert_eq!(split_label("**A** x"), None);
        assert_eq!(split_label("시각 12:30"), None);
        assert_eq!(split_label("https://a.b"), None);
        assert_eq!(strip_marker("1. **A**"), "**A**");
        assert_eq!(strip_marker("- [ ] 할 일"), "할 일");
    }
}
