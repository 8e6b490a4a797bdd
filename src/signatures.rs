//! Page signatures: for every page a rebuild may leave out (note, category
//! and tag pages), a fingerprint of what the page shows of the rest of the
//! site. `gongbu serve` renders again only the pages whose signature
//! changed since the last render; the build cache (`crate::cache`) keeps a
//! page from the previous build when its signature, its note's own text and
//! everything global are the same.
//!
//! A signature hashes numbers computed once per build ([`SharedFacts`]):
//! what a list shows of each note, each category's trail and subtree, each
//! tag. Notes are identified by path, never by position, so notes added or
//! removed elsewhere leave a signature unchanged.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use typed_index_collections::{TiSlice, TiVec};

use crate::ids::{CategoryId, PerNote, TagId};
use crate::index::images::ImageTarget;
use crate::index::links::Target;
use crate::index::taxonomy::Taxonomy;
use crate::index::SiteIndex;
use crate::note::NoteId;

/// Facts about notes, categories and tags that several pages show,
/// fingerprinted once per build so that a page's signature hashes one
/// number per note it shows.
pub(crate) struct SharedFacts {
    /// What a list shows of each note: title, URL, dates, description,
    /// category, thumbnail.
    pub notes: PerNote<u64>,
    /// Each category's path from the top (names, URLs, counts).
    pub trails: TiVec<CategoryId, u64>,
    /// Each category with everything below it (names, URLs, counts).
    pub subtrees: TiVec<CategoryId, u64>,
    /// Each tag's name, URL and count.
    pub tags: TiVec<TagId, u64>,
}

/// The hasher of signatures and cache keys: XXH3, the same in every run
/// (a cache written by another gongbu binary is dropped whole, so the
/// algorithm may change between versions). It hashes the notes' text many
/// times faster than the standard library's SipHash, which took a few
/// percent of a one-note rebuild.
pub(crate) fn key_hasher() -> xxhash_rust::xxh3::Xxh3Default {
    xxhash_rust::xxh3::Xxh3Default::new()
}

/// A 64-bit hash of `value` ([`key_hasher`]).
pub(crate) fn hash_of(value: impl Hash) -> u64 {
    let mut h = key_hasher();
    value.hash(&mut h);
    h.finish()
}

impl SharedFacts {
    pub(crate) fn of(index: &SiteIndex) -> SharedFacts {
        let tax = &index.taxonomy;
        let categories: TiVec<CategoryId, u64> = tax
            .categories
            .iter()
            .map(|c| {
                // A folder page stands in for its category in breadcrumbs
                // and on the home page; its order decides its lists.
                let page = c.folder_page.map(|p| &index.notes[p].url);
                hash_of((&c.name, &c.path, &c.url, c.total, page, c.ordered))
            })
            .collect();
        let trails = tax
            .categories
            .keys()
            .map(|c| {
                let trail: Vec<u64> = tax.ancestry(c).iter().map(|&a| categories[a]).collect();
                hash_of(trail)
            })
            .collect();
        fn subtree(
            tax: &Taxonomy,
            categories: &TiSlice<CategoryId, u64>,
            c: CategoryId,
            out: &mut TiSlice<CategoryId, u64>,
        ) -> u64 {
            let children: Vec<u64> = tax.categories[c]
                .children
                .iter()
                .map(|&k| subtree(tax, categories, k, out))
                .collect();
            out[c] = hash_of((categories[c], children));
            out[c]
        }
        let mut subtrees: TiVec<CategoryId, u64> = vec![0; tax.categories.len()].into();
        if !tax.categories.is_empty() {
            subtree(tax, &categories, CategoryId::ROOT, &mut subtrees);
        }
        let tags = tax
            .tags
            .iter()
            .map(|t| hash_of((&t.name, &t.url, t.notes.len())))
            .collect();
        let notes = (0..index.notes.len())
            .into_par_iter()
            .map(NoteId::from)
            .map(|n| {
                let note = &index.notes[n];
                hash_of((
                    &note.rel_path,
                    &note.url,
                    &note.title,
                    note.date,
                    note.updated,
                    &note.description,
                    tax.note_category[n].map(|c| categories[c]),
                    // Lists show a note's cover image as a thumbnail.
                    crate::render::sharing::thumbnail(index, n),
                ))
            })
            .collect::<Vec<u64>>()
            .into();
        SharedFacts {
            notes,
            trails,
            subtrees,
            tags,
        }
    }
}

/// The signature of every page a rebuild may leave out, by output path: a
/// fingerprint of everything the page shows of the rest of the site.
///
/// - A note page: link targets, backlinks with their sentences, related
///   notes, previous and next, a series box, a folder page's list (in its
///   reading order), its tags with their counts, its category path, the
///   sizes of its images, the merged comparisons its tables link to, and
///   the notes it embeds (with everything their part of the page shows);
///   its own text is compared apart.
/// - A category page: its notes and those of the categories below it as
///   lists show them, its folder page, its path from the top and
///   everything below it.
/// - A tag page: its notes as lists show them.
pub(crate) fn page_signatures(index: &SiteIndex) -> HashMap<String, u64> {
    page_signatures_with(index, &SharedFacts::of(index))
}

/// [`page_signatures`] from facts computed already.
pub(crate) fn page_signatures_with(index: &SiteIndex, facts: &SharedFacts) -> HashMap<String, u64> {
    let tax = &index.taxonomy;
    let own: PerNote<u64> = (0..index.notes.len())
        .into_par_iter()
        .map(|id| page_signature(index, facts, NoteId::from(id)))
        .collect::<Vec<u64>>()
        .into();
    let mut signatures: HashMap<String, u64> = (0..index.notes.len())
        .into_par_iter()
        .map(NoteId::from)
        .map(|id| {
            let embedded = crate::obsidian::embeds::embedded_notes(index, id);
            let sig = if embedded.is_empty() {
                own[id]
            } else {
                // The embedded notes' HTML is part of the page: their text
                // and what it shows of the rest of the site.
                let parts: Vec<(u64, &str, &str)> = embedded
                    .iter()
                    .map(|&t| {
                        let n = &index.notes[t];
                        (own[t], n.rel_path.as_str(), n.source.as_str())
                    })
                    .collect();
                hash_of((own[id], parts))
            };
            (index.notes[id].url.clone(), sig)
        })
        .collect();
    let list = |notes: &[NoteId]| notes.iter().map(|&n| facts.notes[n]).collect::<Vec<u64>>();
    let categories: Vec<(String, u64)> = tax
        .categories
        .raw
        .par_iter()
        .enumerate()
        .map(|(c, cat)| (CategoryId::from(c), cat))
        .map(|(c, cat)| {
            // The notes of the sub-categories are listed too (not on the
            // root page), and the folder page.
            let below = if c == CategoryId::ROOT {
                Vec::new()
            } else {
                crate::render::pages::notes_below(index, c)
            };
            let sig = hash_of((
                facts.trails[c],
                facts.subtrees[c],
                list(&cat.notes),
                list(&below),
                cat.folder_page.map(|p| facts.notes[p]),
            ));
            (cat.url.clone(), sig)
        })
        .collect();
    signatures.extend(categories);
    for tag in &tax.tags {
        let sig = hash_of((&tag.name, &tag.url, list(&tag.notes)));
        signatures.insert(tag.url.clone(), sig);
    }
    signatures
}

/// The signature of the archive page: its years and months, and each
/// note as lists show it.
pub(crate) fn archive_signature(index: &SiteIndex, facts: &SharedFacts) -> u64 {
    let tax = &index.taxonomy;
    let mut h = key_hasher();
    for year in &tax.archive {
        year.year.hash(&mut h);
        for month in &year.months {
            month.month.hash(&mut h);
            let notes: Vec<u64> = month.notes.iter().map(|&n| facts.notes[n]).collect();
            notes.hash(&mut h);
        }
    }
    let undated: Vec<u64> = tax.undated.iter().map(|&n| facts.notes[n]).collect();
    undated.hash(&mut h);
    h.finish()
}

/// The signature of each glossary term's page, by its URL: what the page
/// shows (the term, its long text and where its links go, its defining
/// note, each note that mentions it with that note's title and URL and the
/// sentence and section shown, the comparisons it takes part in, the
/// related terms and their counts). The glossary as note pages
/// use it is in every key already ([`terms_fingerprint`]).
pub(crate) fn term_page_signatures(index: &SiteIndex, notes: &PerNote<u64>) -> Vec<(String, u64)> {
    let g = &index.glossary;
    g.terms
        .raw
        .par_iter()
        .enumerate()
        .map(|(t, term)| {
            let t = crate::ids::TermId::from(t);
            let mut h = key_hasher();
            (
                &term.term,
                &term.aliases,
                &term.english,
                &term.definition,
                &term.body,
                &term.url,
            )
                .hash(&mut h);
            for target in &term.body_links {
                hash_target(target, |n| notes[n], &mut h);
            }
            term.home.map(|n| notes[n]).hash(&mut h);
            // Each mention as the page shows it: the note's title and
            // URL, the section and the sentence (an edit elsewhere in the
            // note leaves the page as it was).
            for m in &g.mentions[t] {
                let note = &index.notes[m.note];
                (&note.url, &note.title, m.shown(note)).hash(&mut h);
            }
            for c in index.comparisons.for_term(&term.term) {
                (c.title, c.url).hash(&mut h);
            }
            for &u in &g.related[t] {
                let r = &g.terms[u];
                (
                    &r.term,
                    &r.english,
                    &r.definition,
                    &r.url,
                    g.mentions[u].len(),
                )
                    .hash(&mut h);
            }
            (term.url.clone(), h.finish())
        })
        .collect()
}

/// Each note as the glossary and comparison pages show it (URL, title,
/// dates, and its text, from which its sentences, sections and tables
/// come), hashed once: a note may stand on many of those pages.
pub(crate) fn notes_as_cited(index: &SiteIndex) -> PerNote<u64> {
    index
        .notes
        .raw
        .par_iter()
        .map(|n| hash_of((&n.url, &n.title, n.date, n.updated, &n.source)))
        .collect::<Vec<u64>>()
        .into()
}

/// The signature of each merged comparison page, by its URL: the merged
/// table (subjects, rows, values, which sources write them), and where
/// each source comparison stands in its note, with the note
/// ([`notes_as_cited`]). Subjects link to glossary terms, which every key
/// holds already.
pub(crate) fn compare_page_signatures(
    index: &SiteIndex,
    notes: &PerNote<u64>,
) -> Vec<(String, u64)> {
    let comparisons = &index.comparisons;
    comparisons
        .pages
        .par_iter()
        .map(|page| {
            let mut h = key_hasher();
            page.hash(&mut h);
            // What the page shows of each source besides the merged rows:
            // where it stands in its note, and the note. The rest of the
            // source comparison is read from the note's text.
            for &c in &page.sources {
                if let Some(c) = comparisons.found.get(c) {
                    let found = &c.found;
                    (&c.anchor, found.heading, found.form, found.rows.len()).hash(&mut h);
                    notes[c.note].hash(&mut h);
                }
            }
            (page.url.clone(), h.finish())
        })
        .collect()
}

/// Hashes where a link goes: a page by its URL and fragment and the
/// target note as `note` hashes it, anything else as written.
fn hash_target(target: &Target, note: impl Fn(NoteId) -> u64, h: &mut impl Hasher) {
    match target {
        Target::Page {
            url,
            fragment,
            note: to,
        } => (1u8, url, fragment, to.map(note)).hash(h),
        other => format!("{other:?}").hash(h),
    }
}

/// The signature of the page of note `id`, without the notes it embeds.
fn page_signature(index: &SiteIndex, facts: &SharedFacts, id: NoteId) -> u64 {
    let mut h = key_hasher();
    let tax = &index.taxonomy;
    for t in &index.links[id] {
        hash_target(t, |n| facts.notes[n], &mut h);
    }
    2u8.hash(&mut h);
    for b in &index.backlinks[id] {
        (facts.notes[b.from], &b.context).hash(&mut h);
    }
    3u8.hash(&mut h);
    for &r in &index.related[id] {
        facts.notes[r].hash(&mut h);
    }
    let (prev, next) = tax.neighbors[id];
    (
        4u8,
        prev.map(|n| facts.notes[n]),
        next.map(|n| facts.notes[n]),
    )
        .hash(&mut h);
    5u8.hash(&mut h);
    let note = &index.notes[id];
    if note.is_folder_index {
        let prefix = if note.folder.is_empty() {
            String::new()
        } else {
            format!("{}/", note.folder)
        };
        for &n in &tax.listed {
            if index.notes[n].rel_path.starts_with(&prefix) {
                facts.notes[n].hash(&mut h);
            }
        }
        // A folder in a reading order lists its notes in that order.
        for c in tax
            .categories
            .iter()
            .filter(|c| c.ordered && c.folder_page == Some(id))
        {
            (5u8, &c.notes).hash(&mut h);
            for &n in &c.notes {
                index.notes[n].rel_path.hash(&mut h);
            }
        }
    }
    // The series box: the series and its notes in order.
    if let Some(series) = tax.note_series[id].and_then(|s| tax.series.get(s)) {
        (5u16, &series.name).hash(&mut h);
        for &n in &series.notes {
            facts.notes[n].hash(&mut h);
        }
    }
    // A folder page's breadcrumbs: the folders above it.
    tax.folder_of[id].map(|c| facts.trails[c]).hash(&mut h);
    6u8.hash(&mut h);
    for &t in &tax.note_tags[id] {
        facts.tags[t].hash(&mut h);
    }
    (7u8, tax.note_category[id].map(|c| facts.trails[c])).hash(&mut h);
    // Images: what each shows, with the size (and scaled copy) of the file.
    8u8.hash(&mut h);
    for target in index.images.get(id).into_iter().flatten() {
        match target {
            ImageTarget::Local { rel } => {
                (rel, format!("{:?}", index.image_info.get(rel))).hash(&mut h)
            }
            other => format!("{other:?}").hash(&mut h),
        }
    }
    // A table that other notes also make links to the merged page, with
    // its title and the number of notes merged there.
    9u8.hash(&mut h);
    for c in index.comparisons.in_note(id) {
        let page = index.comparisons.page_of(c);
        (&c.anchor, &page.title, &page.url, page.notes).hash(&mut h);
    }
    // Its own cover image, whose file may come or go.
    (10u8, crate::render::sharing::thumbnail(index, id)).hash(&mut h);
    h.finish()
}

/// A fingerprint of the glossary terms as note pages use them (names,
/// definitions, pages, defining note).
pub(crate) fn terms_fingerprint(index: &SiteIndex) -> u64 {
    let mut h = key_hasher();
    for t in &index.glossary.terms {
        (&t.term, &t.aliases, &t.english, &t.definition, &t.url).hash(&mut h);
        t.home
            .and_then(|n| index.notes.get(n))
            .map(|n| &n.rel_path)
            .hash(&mut h);
    }
    h.finish()
}
