//! Reading order: `order:` (or `weight:`) in front matter, or an ordered
//! list of links in a folder's README, decides the order of the notes of
//! that folder's category and their previous/next; `series:` groups notes
//! into a series read in order. Categories without either keep the order
//! by date.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use super::links::Target;
use super::taxonomy::{Series, Taxonomy};
use crate::ids::{NoteSlice, PerNoteSlice};
use crate::note::{Note, NoteId};

/// `order:` or `weight:` of a note's front matter, when it is a number
/// (or a string holding one).
pub(crate) fn explicit_order(note: &Note) -> Option<f64> {
    ["order", "weight"].iter().find_map(|key| {
        let v = note.front.extra.get(*key)?;
        v.as_f64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse::<f64>().ok()))
            .filter(|f| f.is_finite())
    })
}

/// The name of a note's series (`series:` in front matter).
fn series_name(note: &Note) -> Option<String> {
    let v = note.front.extra.get("series")?;
    let name = match v {
        serde_json::Value::String(s) => s.trim().to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!name.is_empty()).then_some(name)
}

/// Whether the line holding byte `offset` of `text` is an item of an
/// ordered list (`1. `, `2) `, also inside a block quote or indented).
fn in_ordered_item(text: &str, offset: usize) -> bool {
    let start = text
        .get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line = text.get(start..offset).unwrap_or("");
    let line = line.trim_start_matches([' ', '\t', '>']);
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return false;
    }
    let mut rest = line.chars().skip(digits);
    matches!(rest.next(), Some('.') | Some(')')) && matches!(rest.next(), Some(' ') | Some('\t'))
}

/// The notes an ordered list of links in note `readme` names, in list order
/// (first mention wins).
fn listed_in_readme(
    notes: &NoteSlice,
    links: &PerNoteSlice<Vec<Target>>,
    readme: NoteId,
) -> Vec<NoteId> {
    let (Some(note), Some(targets)) = (notes.get(readme), links.get(readme)) else {
        return Vec::new();
    };
    let mut out: Vec<NoteId> = Vec::new();
    for (link, target) in note.facts.links.iter().zip(targets) {
        if let Target::Page { note: Some(n), .. } = target {
            if *n != readme && !out.contains(n) && in_ordered_item(&note.source, link.offset) {
                out.push(*n);
            }
        }
    }
    out
}

/// Oldest first, then by title and path: the reading order of notes that
/// say nothing about it.
fn by_date_asc(notes: &NoteSlice, a: NoteId, b: NoteId) -> Ordering {
    match (notes.get(a), notes.get(b)) {
        (Some(na), Some(nb)) => match (na.date, nb.date) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
        .then_with(|| na.title.cmp(&nb.title))
        .then_with(|| na.rel_path.cmp(&nb.rel_path)),
        _ => a.cmp(&b),
    }
}

/// Sorts `ids` into reading order: explicit `order:` first (ascending),
/// then the README list's order, then by date. Returns whether anything
/// explicit decided.
fn reading_order(notes: &NoteSlice, ids: &mut [NoteId], listed: &HashMap<NoteId, usize>) -> bool {
    let key = |id: NoteId| {
        let explicit = notes.get(id).and_then(explicit_order);
        (explicit, listed.get(&id).copied())
    };
    let any = ids.iter().any(|&id| {
        let (e, l) = key(id);
        e.is_some() || l.is_some()
    });
    if !any {
        return false;
    }
    ids.sort_by(|&a, &b| {
        let (ea, la) = key(a);
        let (eb, lb) = key(b);
        let rank = |e: Option<f64>, l: Option<usize>| match (e, l) {
            (Some(_), _) => 0,
            (None, Some(_)) => 1,
            (None, None) => 2,
        };
        rank(ea, la)
            .cmp(&rank(eb, lb))
            .then_with(|| match (ea, eb) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => Ordering::Equal,
            })
            .then_with(|| la.cmp(&lb))
            .then_with(|| by_date_asc(notes, a, b))
    });
    true
}

/// Applies explicit order to the categories (their lists and previous/next)
/// and collects the series.
pub(crate) fn apply(notes: &NoteSlice, links: &PerNoteSlice<Vec<Target>>, t: &mut Taxonomy) {
    for cat in t.categories.keys() {
        let Some(c) = t.categories.get(cat) else {
            continue;
        };
        let listed: HashMap<NoteId, usize> = c
            .folder_page
            .map(|r| listed_in_readme(notes, links, r))
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, id)| (id, i))
            .collect();
        let mut ids = c.notes.clone();
        if !reading_order(notes, &mut ids, &listed) {
            continue;
        }
        for (i, &id) in ids.iter().enumerate() {
            let prev = i.checked_sub(1).and_then(|j| ids.get(j)).copied();
            let next = ids.get(i + 1).copied();
            if let Some(slot) = t.neighbors.get_mut(id) {
                *slot = (prev, next);
            }
        }
        if let Some(c) = t.categories.get_mut(cat) {
            c.notes = ids;
            c.ordered = true;
        }
    }

    let mut by_name: BTreeMap<String, Vec<NoteId>> = BTreeMap::new();
    for (id, note) in notes.iter_enumerated() {
        if let Some(name) = series_name(note) {
            by_name.entry(name).or_default().push(id);
        }
    }
    t.series = by_name
        .into_iter()
        .map(|(name, mut ids)| {
            if !reading_order(notes, &mut ids, &HashMap::new()) {
                ids.sort_by(|&a, &b| by_date_asc(notes, a, b));
            }
            Series { name, notes: ids }
        })
        .collect();
    t.note_series = vec![None; notes.len()].into();
    for (s, series) in t.series.iter_enumerated() {
        for &id in &series.notes {
            if let Some(slot) = t.note_series.get_mut(id) {
                *slot = Some(s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_list_items() {
        let text = "# 목차\n\n1. [하나](a.md)\n  2) [둘](b.md)\n> 3. [셋](c.md)\n- [넷](d.md)\n10월 [다섯](e.md)\n";
        let at = |needle: &str| text.find(needle).unwrap();
        assert!(in_ordered_item(text, at("[하나]")));
        assert!(in_ordered_item(text, at("[둘]")));
        assert!(in_ordered_item(text, at("[셋]")));
        assert!(!in_ordered_item(text, at("[넷]")));
        assert!(!in_ordered_item(text, at("[다섯]")));
    }
}
