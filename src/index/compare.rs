//! Comparisons: which tables and lists of the notes compare subjects aspect
//! by aspect ([`detect`]), how subject and aspect names written in different
//! notes are matched ([`names`]), and the merged comparison of every
//! compared pair or set of subjects, one page each.
//!
//! Comparisons are grouped by their set of subjects in one hash map, so the
//! cost grows with the number of comparisons, never with pairs of notes.

pub(crate) mod detect;
pub(crate) mod names;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::ids::NoteSlice;
use crate::index::glossary::{Glossary, TermId};
use crate::index::links::name_key;
use crate::note::NoteId;
pub(crate) use detect::{Form, Found};

/// Comparisons read by earlier builds, by a key of a note's tables, lists
/// and headings and of the names they are matched with
/// ([`crate::cache::memo`]): a one-note edit reads one note again.
pub(crate) trait ComparisonMemo: Sync {
    /// The comparisons kept under `key`.
    fn comparisons(&self, key: u128) -> Option<Vec<Found>>;
    /// Keeps `found` under `key`.
    fn put_comparisons(&self, key: u128, found: &[Found]);
}
use names::Names;

/// Every comparison of the site and the merged pages.
#[derive(Debug, Clone, Default)]
pub struct Comparisons {
    /// Every comparison, in note order, then document order.
    pub found: Vec<Comparison>,
    /// One per compared set of subjects, sorted by title.
    pub pages: Vec<ComparePage>,
    /// Note → its comparisons (indices into `found`).
    by_note: HashMap<NoteId, Vec<usize>>,
    /// `name_key` of a glossary term → pages comparing it.
    by_term: HashMap<String, Vec<usize>>,
}

/// One table or list of one note that compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub note: NoteId,
    /// The id of the table's box (or the list's) on the note page.
    pub anchor: String,
    /// Index into `Comparisons::pages`.
    pub page: usize,
    pub found: Found,
}

/// The merged comparison of one set of subjects.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ComparePage {
    /// `프로세스 vs 스레드`
    pub title: String,
    /// `compare/프로세스-vs-스레드.html`
    pub url: String,
    /// In the order most notes write them.
    pub subjects: Vec<PageSubject>,
    /// The comparisons merged here (indices into `found`), in note order;
    /// a citation number is a position in this list plus one.
    pub sources: Vec<usize>,
    /// How many different notes the sources come from.
    pub notes: usize,
    /// Ordered by how many notes cover each aspect.
    pub rows: Vec<MergedRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageSubject {
    pub name: String,
    pub term: Option<TermId>,
}

/// One aspect of a merged comparison.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MergedRow {
    pub aspect: String,
    /// True for a row a note left without a name.
    pub unnamed: bool,
    /// How many notes give this aspect.
    pub notes: usize,
    /// One cell per subject of the page: the different values written.
    pub cells: Vec<Vec<MergedValue>>,
}

/// A value and every source that writes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MergedValue {
    /// Inline markdown of the first source writing it.
    pub markdown: String,
    /// Positions in `ComparePage::sources`.
    pub sources: Vec<usize>,
}

/// A comparison page a glossary term takes part in, for the term's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermComparison {
    /// `프로세스 vs 스레드`
    pub title: String,
    /// Site-relative URL of the merged page.
    pub url: String,
}

pub(crate) const COMPARE_INDEX_URL: &str = "compare/index.html";

/// What the merge of one set of subjects collects before it becomes a page.
#[derive(Default)]
struct Group {
    sources: Vec<usize>,
    /// Subject orders as written (keys) with how many sources use each.
    orders: Vec<(Vec<String>, usize)>,
}

impl Comparisons {
    pub(crate) fn build(
        notes: &NoteSlice,
        glossary: &Glossary,
        config: &Config,
        memo: Option<&dyn ComparisonMemo>,
        diags: &mut Vec<Diagnostic>,
    ) -> Comparisons {
        let step = crate::steps::Step::start("comparisons");
        let names = Names::new(glossary, config, diags);
        let fingerprint = memo.map(|_| names.fingerprint());
        step.done("names");
        // A note's comparisons depend on its tables, lists and headings
        // and on the names: those of a note whose key the memo knows are
        // taken from it. A note that gave warnings is read every build, so
        // its warnings are given again.
        let per_note: Vec<(Vec<Found>, Vec<Diagnostic>)> = notes
            .raw
            .par_iter()
            .map(|n| {
                let key = fingerprint.map(|f| detect::memo_key(n, f));
                if let Some(found) = memo.zip(key).and_then(|(m, k)| m.comparisons(k)) {
                    return (found, Vec::new());
                }
                let (found, diags) = detect::note_comparisons(n, &names);
                if let Some((m, k)) = memo.zip(key).filter(|_| diags.is_empty()) {
                    m.put_comparisons(k, &found);
                }
                (found, diags)
            })
            .collect();
        step.done("detect");

        let mut found: Vec<Comparison> = Vec::new();
        let mut by_note: HashMap<NoteId, Vec<usize>> = HashMap::new();
        let mut group_of: HashMap<String, usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        for (note, (list, d)) in per_note.into_iter().enumerate() {
            let note = NoteId::from(note);
            diags.extend(d);
            if list.is_empty() {
                continue;
            }
            let taken: HashSet<&str> = notes[note]
                .facts
                .headings
                .iter()
                .map(|h| h.id.as_str())
                .collect();
            let mut n = 0;
            for f in list {
                let anchor = loop {
                    n += 1;
                    let id = format!("compare-{n}");
                    if !taken.contains(id.as_str()) {
                        break id;
                    }
                };
                let order: Vec<String> = f.subjects.iter().map(|s| s.name.key.clone()).collect();
                let mut set = order.clone();
                set.sort();
                let g = *group_of.entry(set.join("\u{0}")).or_insert_with(|| {
                    groups.push(Group::default());
                    groups.len() - 1
                });
                let group = &mut groups[g];
                group.sources.push(found.len());
                match group.orders.iter_mut().find(|(o, _)| *o == order) {
                    Some((_, count)) => *count += 1,
                    None => group.orders.push((order, 1)),
                }
                by_note.entry(note).or_default().push(found.len());
                found.push(Comparison {
                    note,
                    anchor,
                    page: g,
                    found: f,
                });
            }
        }

        step.done("group");
        let mut pages: Vec<ComparePage> = groups
            .par_iter()
            .map(|g| merge(g, &found, &names))
            .collect();
        step.done("merge");

        // Pages sorted by title in dictionary order; comparisons follow.
        let mut order: Vec<usize> = (0..pages.len()).collect();
        let keys: Vec<_> = pages
            .iter()
            .map(|p| crate::korean::collation_key(&p.title))
            .collect();
        order.sort_by(|&a, &b| {
            keys[a]
                .cmp(&keys[b])
                .then_with(|| pages[a].title.cmp(&pages[b].title))
        });
        let mut new_index = vec![0; pages.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        for c in &mut found {
            c.page = new_index[c.page];
        }
        let mut slots: Vec<Option<ComparePage>> = pages.drain(..).map(Some).collect();
        let mut pages: Vec<ComparePage> =
            order.iter().filter_map(|&old| slots[old].take()).collect();

        // URLs: distinct names may make the same slug (`C++`, `C`).
        let mut used: HashSet<String> = HashSet::new();
        for p in &mut pages {
            let base = page_slug(&p.subjects);
            let mut url = format!("compare/{base}.html");
            let mut n = 1;
            while !used.insert(url.clone()) {
                n += 1;
                url = format!("compare/{base}-{n}.html");
            }
            p.url = url;
        }

        let mut by_term: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in pages.iter().enumerate() {
            for s in &p.subjects {
                if s.term.is_some() {
                    by_term.entry(name_key(&s.name)).or_default().push(i);
                }
            }
        }

        step.done("pages");
        Comparisons {
            found,
            pages,
            by_note,
            by_term,
        }
    }

    /// True when the site has no comparison (the nav then hides 비교).
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// The merged comparison pages whose subjects include the glossary term
    /// `term` (its canonical name).
    pub fn for_term(&self, term: &str) -> Vec<TermComparison> {
        self.by_term
            .get(&name_key(term))
            .into_iter()
            .flatten()
            .map(|&p| TermComparison {
                title: self.pages[p].title.clone(),
                url: self.pages[p].url.clone(),
            })
            .collect()
    }

    /// The comparisons of note `note`, in document order.
    pub fn in_note(&self, note: NoteId) -> impl Iterator<Item = &Comparison> {
        self.by_note
            .get(&note)
            .into_iter()
            .flatten()
            .map(|&i| &self.found[i])
    }

    /// The comparison that is the `k`-th table of note `note`, if it is one.
    pub fn table(&self, note: NoteId, k: usize) -> Option<&Comparison> {
        self.in_note(note)
            .find(|c| c.found.form == Form::Table && c.found.index == k)
    }

    /// The comparison that is the `k`-th top-level list of note `note`.
    pub fn list(&self, note: NoteId, k: usize) -> Option<&Comparison> {
        self.in_note(note)
            .find(|c| c.found.form == Form::List && c.found.index == k)
    }

    pub fn page_of(&self, c: &Comparison) -> &ComparePage {
        &self.pages[c.page]
    }
}

/// `프로세스-vs-스레드`, at most about 150 bytes so it stays a valid file
/// name on every system.
fn page_slug(subjects: &[PageSubject]) -> String {
    let slug = subjects
        .iter()
        .map(|s| crate::urls::slugify(&s.name))
        .collect::<Vec<_>>()
        .join("-vs-");
    if slug.len() <= 150 {
        return slug;
    }
    let mut cut = 150;
    while !slug.is_char_boundary(cut) {
        cut -= 1;
    }
    slug[..cut].trim_end_matches('-').to_string()
}

/// The most used of several spellings; on a tie the one with the fewest
/// letters (`통신` before `통신 방법`), then the first seen.
fn most_voted(votes: &[(String, usize)]) -> Option<&str> {
    let letters = |s: &str| names::compact(s).chars().count();
    let mut best: Option<&(String, usize)> = None;
    for v in votes {
        if best.is_none_or(|b| v.1 > b.1 || (v.1 == b.1 && letters(&v.0) < letters(&b.0))) {
            best = Some(v);
        }
    }
    best.map(|b| b.0.as_str())
}

fn vote(votes: &mut Vec<(String, usize)>, name: &str) {
    match votes.iter_mut().find(|(n, _)| n == name) {
        Some((_, c)) => *c += 1,
        None => votes.push((name.to_string(), 1)),
    }
}

struct RowBuild {
    fixed: Option<String>,
    votes: Vec<(String, usize)>,
    unnamed: bool,
    notes: usize,
    last_note: Option<NoteId>,
    cells: Vec<Vec<MergedValue>>,
}

/// Unites the rows of every comparison of one set of subjects.
fn merge(group: &Group, found: &[Comparison], names: &Names<'_>) -> ComparePage {
    let glossary = names.glossary();
    // Subject order: the one most sources use (the first seen on a tie).
    let mut best = &group.orders[0];
    for o in &group.orders {
        if o.1 > best.1 {
            best = o;
        }
    }
    let order = &best.0;
    let mut spellings: Vec<Vec<(String, usize)>> = vec![Vec::new(); order.len()];
    let mut terms: Vec<Option<TermId>> = vec![None; order.len()];
    let col_of: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();

    let mut rows: Vec<RowBuild> = Vec::new();
    let mut row_of: HashMap<String, usize> = HashMap::new();
    let mut value_of: HashMap<(usize, usize, String), usize> = HashMap::new();
    for (pos, &ci) in group.sources.iter().enumerate() {
        let c = &found[ci];
        let cols: Vec<usize> = c
            .found
            .subjects
            .iter()
            .map(|s| col_of.get(s.name.key.as_str()).copied().unwrap_or(0))
            .collect();
        for (s, &col) in c.found.subjects.iter().zip(&cols) {
            vote(&mut spellings[col], &s.name.display);
            terms[col] = s.name.term;
        }
        for (r, row) in c.found.rows.iter().enumerate() {
            let (key, fixed, written, unnamed) = match &row.name {
                Some(a) => (a.key.clone(), a.fixed.clone(), a.written.as_str(), false),
                None => (format!("\u{2}unnamed:{ci}:{r}"), None, "", true),
            };
            let at = *row_of.entry(key).or_insert_with(|| {
                rows.push(RowBuild {
                    fixed,
                    votes: Vec::new(),
                    unnamed,
                    notes: 0,
                    last_note: None,
                    cells: vec![Vec::new(); order.len()],
                });
                rows.len() - 1
            });
            let rb = &mut rows[at];
            if rb.last_note != Some(c.note) {
                rb.notes += 1;
                rb.last_note = Some(c.note);
            }
            if !written.is_empty() {
                vote(&mut rb.votes, written);
            }
            for (v, &col) in row.values.iter().zip(&cols) {
                let Some(v) = v else { continue };
                let text = if v.text.trim().is_empty() {
                    &v.markdown
                } else {
                    &v.text
                };
                let vkey = (at, col, names::value_key(text));
                let cell = &mut rb.cells[col];
                match value_of.get(&vkey) {
                    Some(&i) => {
                        if cell[i].sources.last() != Some(&pos) {
                            cell[i].sources.push(pos);
                        }
                    }
                    None => {
                        value_of.insert(vkey, cell.len());
                        cell.push(MergedValue {
                            markdown: v.markdown.clone(),
                            sources: vec![pos],
                        });
                    }
                }
            }
        }
    }
    // Rows covered by more notes first; first seen first on a tie.
    rows.sort_by_key(|r| std::cmp::Reverse(r.notes));
    let subjects: Vec<PageSubject> = (0..order.len())
        .map(|i| PageSubject {
            name: match terms[i] {
                Some(t) => glossary.terms[t].term.clone(),
                None => most_voted(&spellings[i]).unwrap_or_default().to_string(),
            },
            term: terms[i],
        })
        .collect();
    let mut notes_seen: Vec<NoteId> = group.sources.iter().map(|&c| found[c].note).collect();
    notes_seen.dedup();
    ComparePage {
        title: subjects
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(" vs "),
        url: String::new(),
        subjects,
        sources: group.sources.clone(),
        notes: notes_seen.len(),
        rows: rows
            .into_iter()
            .map(|r| MergedRow {
                aspect: if r.unnamed {
                    "이름 없는 항목".to_string()
                } else {
                    r.fixed
                        .clone()
                        .or_else(|| most_voted(&r.votes).map(str::to_string))
                        .unwrap_or_default()
                },
                unnamed: r.unnamed,
                notes: r.notes,
                cells: r.cells,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::glossary::Term;
    use crate::note::load::SourceFile;
    use crate::note::Note;
    use typed_index_collections::TiSlice;

    fn note(rel: &str, text: &str) -> Note {
        let file = SourceFile {
            rel: rel.into(),
            path: format!("notes/{rel}").into(),
        };
        crate::note::from_source(&file, format!("notes/{rel}"), text.into(), &mut Vec::new())
            .expect("note")
    }

    fn thread_glossary() -> Glossary {
        Glossary::from_terms(vec![Term {
            term: "스레드".into(),
            aliases: vec!["쓰레드".into()],
            english: "Thread".into(),
            ..Default::default()
        }])
    }

    fn build(notes: &[Note], glossary: &Glossary, config: &Config) -> Comparisons {
        let mut diags = Vec::new();
        let c = Comparisons::build(TiSlice::from_ref(notes), glossary, config, None, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        c
    }

    fn row<'a>(p: &'a ComparePage, aspect: &str) -> &'a MergedRow {
        p.rows
            .iter()
            .find(|r| r.aspect == aspect)
            .unwrap_or_else(|| panic!("no row {aspect}: {:?}", p.rows))
    }

    /// The notes each row's values cite.
    /// The notes cited in row `r`, by index.
    fn cited(c: &Comparisons, p: &ComparePage, r: &MergedRow) -> Vec<usize> {
        let mut ids: Vec<usize> = r
            .cells
            .iter()
            .flatten()
            .flat_map(|v| {
                v.sources
                    .iter()
                    .map(|&s| c.found[p.sources[s]].note.index())
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    #[test]
    fn aliases_of_a_term_make_one_page() {
        let notes = vec![
            note(
                "a.md",
                "| 구분 | 프로세스 | 스레드 |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n| 안정성 | 높음 | 낮음 |\n",
            ),
            note(
                "b.md",
                "| 특성 | 쓰레드 | Process (프로세스) |\n|---|---|---|\n| **메모리** | 공유 | 독립. |\n| 통신 방법 | 직접 | IPC |\n",
            ),
            note(
                "c.md",
                "## 프로세스와 쓰레드의 차이\n\n1. **통신**\n   - **프로세스**: `IPC`\n   - **Thread**: 메모리\n2. 안정성\n   - 프로세스: 높다\n   - 쓰레드: 낮다\n",
            ),
        ];
        let c = build(&notes, &thread_glossary(), &Config::default());
        assert_eq!(c.pages.len(), 1, "{:?}", c.pages);
        let p = &c.pages[0];
        assert_eq!(p.title, "프로세스 vs 스레드");
        assert_eq!(p.url, "compare/프로세스-vs-스레드.html");
        assert_eq!(p.notes, 3);
        let memory = row(p, "메모리");
        assert_eq!(cited(&c, p, memory), vec![0, 1]);
        // `독립` and `독립.` are one value cited twice.
        assert_eq!(memory.cells[0].len(), 1);
        assert_eq!(memory.cells[0][0].sources, vec![0, 1]);
        assert_eq!(cited(&c, p, row(p, "통신")), vec![1, 2]);
        assert_eq!(cited(&c, p, row(p, "안정성")), vec![0, 2]);
        // Rows ordered by how many notes cover them, ties in first-seen order.
        assert_eq!(
            p.rows.iter().map(|r| r.notes).collect::<Vec<_>>(),
            vec![2, 2, 2]
        );
        assert_eq!(c.for_term("스레드").len(), 1);
        assert_eq!(c.for_term("스레드")[0].url, p.url);
        assert!(c.for_term("프로세스").is_empty(), "not a glossary term");
        // Anchors on the note pages, in document order.
        let (first, third) = (NoteId::from(0), NoteId::from(2));
        assert_eq!(
            c.table(first, 0).map(|x| x.anchor.as_str()),
            Some("compare-1")
        );
        assert_eq!(
            c.list(third, 0).map(|x| x.anchor.as_str()),
            Some("compare-1")
        );
        assert!(c.table(third, 0).is_none());
    }

    #[test]
    fn without_the_glossary_spellings_stay_apart() {
        let notes = vec![
            note(
                "a.md",
                "| 구분 | 프로세스 | 스레드 |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n",
            ),
            note(
                "b.md",
                "| 구분 | 프로세스 | 쓰레드 |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n",
            ),
        ];
        let c = build(&notes, &Glossary::default(), &Config::default());
        let titles: Vec<&str> = c.pages.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, vec!["프로세스 vs 스레드", "프로세스 vs 쓰레드"]);
    }

    #[test]
    fn aspect_aliases_from_config_share_a_row() {
        let notes = vec![
            note(
                "a.md",
                "| 구분 | A | B |\n|---|---|---|\n| 메모리 | 1 | 2 |\n",
            ),
            note(
                "b.md",
                "| 구분 | A | B |\n|---|---|---|\n| 메모리 구조 | 3 | 4 |\n",
            ),
            note(
                "c.md",
                "| 구분 | A | B |\n|---|---|---|\n| 주소 공간 | 5 | 6 |\n| 메모리 구조 | 7 | 8 |\n",
            ),
        ];
        let plain = build(&notes, &Glossary::default(), &Config::default());
        assert_eq!(plain.pages[0].rows.len(), 3);
        let mut config = Config::default();
        config.aspect_aliases.insert(
            "메모리".into(),
            vec!["메모리 구조".into(), "주소 공간".into()],
        );
        let c = build(&notes, &Glossary::default(), &config);
        let p = &c.pages[0];
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].aspect, "메모리");
        assert_eq!(p.rows[0].notes, 3);
        // Every value kept, note c's two rows both in the one row.
        assert_eq!(p.rows[0].cells[0].len(), 4);
    }

    #[test]
    fn subject_order_is_the_one_most_notes_write() {
        let t = |a: &str, b: &str| format!("| 구분 | {a} | {b} |\n|---|---|---|\n| x | 1 | 2 |\n");
        let notes = vec![
            note("a.md", &t("세마포어", "뮤텍스")),
            note("b.md", &t("뮤텍스", "세마포어")),
            note("c.md", &t("뮤텍스", "세마포어")),
        ];
        let c = build(&notes, &Glossary::default(), &Config::default());
        assert_eq!(c.pages[0].title, "뮤텍스 vs 세마포어");
        assert_eq!(c.pages[0].url, "compare/뮤텍스-vs-세마포어.html");
        // Values land in the right column whatever the note's order.
        let cell = &c.pages[0].rows[0].cells[0];
        assert_eq!(
            cell.iter().map(|v| v.markdown.as_str()).collect::<Vec<_>>(),
            vec!["2", "1"]
        );
    }

    #[test]
    fn same_slug_for_different_subjects_gets_a_number() {
        let t = |a: &str| format!("| 구분 | {a} | Java |\n|---|---|---|\n| x | 1 | 2 |\n");
        let notes = vec![note("a.md", &t("C™")), note("b.md", &t("C"))];
        let c = build(&notes, &Glossary::default(), &Config::default());
        let mut urls: Vec<&str> = c.pages.iter().map(|p| p.url.as_str()).collect();
        urls.sort();
        assert_eq!(
            urls,
            vec!["compare/c-vs-java-2.html", "compare/c-vs-java.html"]
        );
    }

    #[test]
    fn anchors_avoid_heading_ids() {
        let notes = vec![note(
            "a.md",
            "## compare 1\n\n| 구분 | A | B |\n|---|---|---|\n| x | 1 | 2 |\n",
        )];
        let c = build(&notes, &Glossary::default(), &Config::default());
        assert_eq!(c.found[0].anchor, "compare-2");
    }

    #[test]
    fn many_notes_merge_in_linear_time() {
        let notes: Vec<Note> = (0..3000)
            .map(|i| {
                note(
                    &format!("n{i}.md"),
                    &format!("| 구분 | 프로세스 | 스레드 |\n|---|---|---|\n| 메모리 | 값{} | 공유 |\n| 항목{i} | a | b |\n", i % 7),
                )
            })
            .collect();
        let started = std::time::Instant::now();
        let c = build(&notes, &Glossary::default(), &Config::default());
        let p = &c.pages[0];
        assert_eq!(p.sources.len(), 3000);
        assert_eq!(p.rows[0].aspect, "메모리");
        assert_eq!(p.rows[0].notes, 3000);
        assert_eq!(p.rows[0].cells[0].len(), 7);
        assert_eq!(p.rows[0].cells[1].len(), 1);
        assert_eq!(p.rows[0].cells[1][0].sources.len(), 3000);
        assert_eq!(p.rows.len(), 3001);
        assert!(started.elapsed().as_secs() < 5);
    }
}
