//! Categories (hierarchical), tags, the archive by year and month, and
//! previous/next within a category. A folder's `README.md`/`index.md` is
//! that folder's page: its folder is a category even when the README is
//! its only note. Repository meta files (CONTRIBUTING.md, …) are in no list.
//! Explicit order and series are applied afterwards by `index::order`.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::{Code, Diagnostic};
use crate::ids::{CategoryId, NoteSlice, PerNote, SeriesId, TagId};
use crate::note::{Note, NoteId};
use crate::urls::slugify;
use typed_index_collections::TiVec;

/// A category and its sub-categories. [`CategoryId::ROOT`] is the root,
/// which holds the top-level categories.
#[derive(Debug, Clone)]
pub struct Category {
    pub name: String,
    /// Names from the top: `["TIL", "김희수", "2026"]`.
    pub path: Vec<String>,
    /// `categories/til/김희수/2026.html`, `categories/index.html` for the root.
    pub url: String,
    /// Notes filed directly here, newest first.
    pub notes: Vec<NoteId>,
    pub children: Vec<CategoryId>,
    /// Notes here and below, folder pages below included.
    pub total: usize,
    /// The folder's own page (its README/index note).
    pub folder_page: Option<NoteId>,
    /// `notes` is in an explicit reading order (`order:`, the README's
    /// list) instead of newest first.
    pub ordered: bool,
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub url: String,
    /// Newest first.
    pub notes: Vec<NoteId>,
}

#[derive(Debug, Clone)]
pub struct ArchiveMonth {
    pub month: u32,
    pub notes: Vec<NoteId>,
}

#[derive(Debug, Clone)]
pub struct ArchiveYear {
    pub year: i32,
    pub months: Vec<ArchiveMonth>,
}

#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    pub categories: TiVec<CategoryId, Category>,
    /// Category of each note, None for folder pages.
    pub note_category: PerNote<Option<CategoryId>>,
    /// The category whose page each folder page is (None for other notes).
    pub folder_of: PerNote<Option<CategoryId>>,
    pub tags: TiVec<TagId, Tag>,
    /// Tags of each note.
    pub note_tags: PerNote<Vec<TagId>>,
    /// Newest year first, newest month first.
    pub archive: Vec<ArchiveYear>,
    pub undated: Vec<NoteId>,
    /// Previous (older) and next (newer) note in the same category.
    pub neighbors: PerNote<(Option<NoteId>, Option<NoteId>)>,
    /// Notes that appear in lists (not folder pages, not meta files),
    /// newest first.
    pub listed: Vec<NoteId>,
    /// What the feed and the home page's recent notes draw from, newest
    /// first: the listed notes and the pages of folders whose README is
    /// their only note (a topic README is the topic's content).
    pub recent: Vec<NoteId>,
    /// Series (`series:` in front matter), in name order.
    pub series: TiVec<SeriesId, Series>,
    /// The series of each note.
    pub note_series: PerNote<Option<SeriesId>>,
    by_slug_path: HashMap<Vec<String>, CategoryId>,
    /// Tags or folders whose names differ (not only in case) but share a
    /// page: one warning naming both for each pair.
    pub warnings: Vec<Diagnostic>,
}

/// The warning for two names sharing one page.
fn collision(kind: &str, first: &str, second: &str, url: &str, note: &Note) -> Diagnostic {
    Diagnostic::warning(
        Code::NameCollision,
        format!("{kind} `{first}`와 `{second}`가 같은 페이지 `{url}`로 합쳐집니다"),
    )
    .with_path(note.display_path.clone())
    .with_help("둘 중 하나의 이름을 바꾸면 따로 된 페이지가 됩니다")
}

/// Notes grouped by `series:`, in reading order.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub notes: Vec<NoteId>,
}

pub(crate) const CATEGORY_ROOT_URL: &str = "categories/index.html";
pub(crate) const TAG_INDEX_URL: &str = crate::site_files::TAG_INDEX;
pub(crate) const ARCHIVE_URL: &str = crate::site_files::ARCHIVE;

/// Newest first; undated notes last, then by title.
pub(crate) fn by_date_desc(notes: &NoteSlice, a: NoteId, b: NoteId) -> std::cmp::Ordering {
    let (na, nb) = (&notes[a], &notes[b]);
    nb.date
        .cmp(&na.date)
        .then_with(|| na.title.cmp(&nb.title))
        .then_with(|| na.rel_path.cmp(&nb.rel_path))
}

impl Taxonomy {
    pub fn build(notes: &NoteSlice) -> Taxonomy {
        let mut t = Taxonomy {
            categories: vec![Category {
                name: "분류".to_string(),
                path: Vec::new(),
                url: CATEGORY_ROOT_URL.to_string(),
                notes: Vec::new(),
                children: Vec::new(),
                total: 0,
                folder_page: None,
                ordered: false,
            }]
            .into(),
            note_category: vec![None; notes.len()].into(),
            folder_of: vec![None; notes.len()].into(),
            note_series: vec![None; notes.len()].into(),
            note_tags: vec![Vec::new(); notes.len()].into(),
            ..Default::default()
        };
        t.by_slug_path.insert(Vec::new(), CategoryId::ROOT);

        let mut listed: Vec<NoteId> = notes
            .iter_enumerated()
            .filter(|(_, n)| !n.is_folder_index && !n.is_meta)
            .map(|(i, _)| i)
            .collect();
        listed.sort_by(|&a, &b| by_date_desc(notes, a, b));

        // Folder pages make their folder a category (notes are sorted by
        // path: the first README/index of a folder is its page).
        for (id, note) in notes.iter_enumerated() {
            if note.is_folder_index && !note.is_meta {
                let cat = t.category_for(&note.category, note);
                if t.categories[cat].folder_page.is_none() {
                    t.categories[cat].folder_page = Some(id);
                    t.folder_of[id] = Some(cat);
                }
            }
        }

        let mut tag_by_slug: HashMap<String, TagId> = HashMap::new();
        // Each tag's spellings with how many notes use each, in order seen.
        let mut spellings: TiVec<TagId, Vec<(String, usize)>> = TiVec::new();
        let mut warned: std::collections::HashSet<(String, String)> = Default::default();
        // The category of a path as written, found once: a second note
        // with the same path would find the same category and no new
        // warning.
        let mut category_of: HashMap<&[String], CategoryId> = HashMap::new();
        let mut slug_of: HashMap<&str, String> = HashMap::new();
        for &id in &listed {
            let note = &notes[id];
            let cat = match category_of.get(note.category.as_slice()) {
                Some(&cat) => cat,
                None => {
                    let cat = t.category_for(&note.category, note);
                    category_of.insert(&note.category, cat);
                    cat
                }
            };
            t.categories[cat].notes.push(id);
            t.note_category[id] = Some(cat);
            for name in &note.tags {
                let slug = slug_of
                    .entry(name.as_str())
                    .or_insert_with(|| slugify(name))
                    .clone();
                let tag = *tag_by_slug.entry(slug.clone()).or_insert_with(|| {
                    spellings.push(Vec::new());
                    t.tags.push_and_get_key(Tag {
                        name: name.clone(),
                        url: format!("tags/{slug}.html"),
                        notes: Vec::new(),
                    })
                });
                let seen = &mut spellings[tag];
                match seen.iter_mut().find(|(n, _)| n == name) {
                    Some((_, count)) => *count += 1,
                    None => {
                        if let Some((first, _)) = seen
                            .iter()
                            .find(|(n, _)| n.to_lowercase() != name.to_lowercase())
                        {
                            if warned.insert((first.clone(), name.clone())) {
                                t.warnings.push(collision(
                                    "태그",
                                    first,
                                    name,
                                    &t.tags[tag].url,
                                    note,
                                ));
                            }
                        }
                        seen.push((name.clone(), 1));
                    }
                }
                if !t.note_tags[id].contains(&tag) {
                    t.note_tags[id].push(tag);
                    t.tags[tag].notes.push(id);
                }
            }
        }
        // Tags differing only in case are one tag under the most used
        // spelling (the first seen on a tie).
        for (tag, seen) in t.tags.iter_mut().zip(&spellings) {
            let mut best: Option<&(String, usize)> = None;
            for s in seen {
                if best.is_none_or(|b| s.1 > b.1) {
                    best = Some(s);
                }
            }
            if let Some((name, _)) = best {
                tag.name = name.clone();
            }
        }
        t.count_totals(CategoryId::ROOT);
        t.sort_children(CategoryId::ROOT);
        let mut recent = listed.clone();
        recent.extend(
            t.categories
                .iter()
                .skip(1)
                .filter(|c| c.notes.is_empty() && c.children.is_empty())
                .filter_map(|c| c.folder_page),
        );
        recent.sort_by(|&a, &b| by_date_desc(notes, a, b));
        t.recent = recent;

        // Tags in Korean dictionary order.
        let mut order: Vec<TagId> = t.tags.keys().collect();
        order.sort_by_key(|&i| crate::korean::collation_key(&t.tags[i].name));
        let mut remap: TiVec<TagId, TagId> = vec![TagId::default(); t.tags.len()].into();
        for (new, &old) in order.iter().enumerate() {
            remap[old] = TagId::from(new);
        }
        let mut tags: TiVec<TagId, Option<Tag>> = t.tags.drain(..).map(Some).collect();
        t.tags = order.iter().filter_map(|&old| tags[old].take()).collect();
        for list in &mut t.note_tags {
            for tag in list.iter_mut() {
                *tag = remap[*tag];
            }
        }

        // Archive.
        let mut years: BTreeMap<i32, BTreeMap<u32, Vec<NoteId>>> = BTreeMap::new();
        for &id in &listed {
            match notes[id].date {
                Some(d) => {
                    use chrono::Datelike;
                    years
                        .entry(d.date.year())
                        .or_default()
                        .entry(d.date.month())
                        .or_default()
                        .push(id)
                }
                None => t.undated.push(id),
            }
        }
        t.archive = years
            .into_iter()
            .rev()
            .map(|(year, months)| ArchiveYear {
                year,
                months: months
                    .into_iter()
                    .rev()
                    .map(|(month, notes)| ArchiveMonth { month, notes })
                    .collect(),
            })
            .collect();

        // Previous/next: within each category, oldest to newest.
        t.neighbors = vec![(None, None); notes.len()].into();
        for cat in &t.categories {
            let chronological: Vec<NoteId> = cat.notes.iter().rev().copied().collect();
            for (i, &id) in chronological.iter().enumerate() {
                let prev = i.checked_sub(1).map(|j| chronological[j]);
                let next = chronological.get(i + 1).copied();
                t.neighbors[id] = (prev, next);
            }
        }
        t.listed = listed;
        t
    }

    fn category_for(&mut self, path: &[String], note: &Note) -> CategoryId {
        let mut current = CategoryId::ROOT;
        for depth in 1..=path.len() {
            let slugs: Vec<String> = path[..depth].iter().map(|s| slugify(s)).collect();
            current = match self.by_slug_path.get(&slugs) {
                Some(&i) => {
                    let (known, name) = (&self.categories[i].name, &path[depth - 1]);
                    if known.to_lowercase() != name.to_lowercase()
                        && !self
                            .warnings
                            .iter()
                            .any(|w| w.message.contains(&format!("`{known}`와 `{name}`")))
                    {
                        let d = collision("분류", known, name, &self.categories[i].url, note);
                        self.warnings.push(d);
                    }
                    i
                }
                None => {
                    let i = self.categories.push_and_get_key(Category {
                        name: path[depth - 1].clone(),
                        path: path[..depth].to_vec(),
                        url: format!("categories/{}.html", slugs.join("/")),
                        notes: Vec::new(),
                        children: Vec::new(),
                        total: 0,
                        folder_page: None,
                        ordered: false,
                    });
                    self.categories[current].children.push(i);
                    self.by_slug_path.insert(slugs, i);
                    i
                }
            };
        }
        current
    }

    fn count_totals(&mut self, i: CategoryId) -> usize {
        let children = self.categories[i].children.clone();
        let own_page = i != CategoryId::ROOT && self.categories[i].folder_page.is_some();
        let mut total = self.categories[i].notes.len() + usize::from(own_page);
        for c in children {
            total += self.count_totals(c);
        }
        self.categories[i].total = total;
        total
    }

    fn sort_children(&mut self, i: CategoryId) {
        let mut children = std::mem::take(&mut self.categories[i].children);
        children.sort_by_key(|&c| crate::korean::collation_key(&self.categories[c].name));
        for &c in &children {
            self.sort_children(c);
        }
        self.categories[i].children = children;
    }

    /// The category whose folder-slug path is `slugs` (for folder links).
    pub fn category_by_slugs(&self, slugs: &[String]) -> Option<CategoryId> {
        self.by_slug_path.get(slugs).copied()
    }

    /// The categories from the top down to `cat` (root excluded).
    pub fn ancestry(&self, cat: CategoryId) -> Vec<CategoryId> {
        let Some(c) = self.categories.get(cat) else {
            return Vec::new();
        };
        (1..=c.path.len())
            .filter_map(|d| {
                let slugs: Vec<String> = c.path[..d].iter().map(|s| slugify(s)).collect();
                self.category_by_slugs(&slugs)
            })
            .collect()
    }
}
