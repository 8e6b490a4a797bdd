//! The site as a whole: every fact of every note merged into lookup maps, the
//! link graph and backlinks, taxonomies, the glossary and comparisons.
//! Built once after loading; rendering only reads it.

pub(crate) mod compare;
pub(crate) mod glossary;
pub(crate) mod image_file;
pub(crate) mod images;
pub(crate) mod links;
pub(crate) mod order;
pub(crate) mod search;
pub(crate) mod taxonomy;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::ids::{NoteSlice, Notes, PerNote, TermId};
use crate::note::{Note, NoteId};
use compare::Comparisons;
use glossary::Glossary;
use images::{ImageInfo, ImageResolver, ImageTarget};
use links::{Lookup, Resolver, Target};
use taxonomy::Taxonomy;

/// A note that links to another, with the sentence that links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlink {
    pub from: NoteId,
    pub context: String,
}

pub(crate) use crate::site_files::{RESERVED_FILES, RESERVED_PREFIXES};

/// What earlier builds found in notes, kept between builds
/// ([`crate::cache::memo`]): glossary mentions and comparisons.
pub(crate) trait IndexMemo: glossary::MentionMemo + compare::ComparisonMemo {}

impl<T: glossary::MentionMemo + compare::ComparisonMemo> IndexMemo for T {}

/// Everything rendering needs to know about the site.
#[derive(Debug)]
pub struct SiteIndex {
    pub config: Config,
    pub notes: Notes,
    pub lookup: Lookup,
    /// Resolved target of each link of each note, in document order.
    pub links: PerNote<Vec<Target>>,
    pub backlinks: PerNote<Vec<Backlink>>,
    pub related: PerNote<Vec<NoteId>>,
    pub taxonomy: Taxonomy,
    pub glossary: Glossary,
    pub comparisons: Comparisons,
    /// Non-markdown files under the notes root: notes-relative NFC path →
    /// the file on disk (whose name may be NFD).
    pub assets: HashMap<String, PathBuf>,
    /// Assets some page refers to: copied to the output.
    pub assets_used: BTreeSet<String>,
    /// Resolved target of each image of each note, in document order.
    pub images: PerNote<Vec<ImageTarget>>,
    /// Size (and downscaled copy) of each image file used.
    pub image_info: BTreeMap<String, ImageInfo>,
}

impl SiteIndex {
    /// Frees what only the note pages read once they are written, for a
    /// build that renders the rest and ends: each note's backlinks and
    /// related notes, and its text and links (their facts and targets),
    /// which feeds that carry whole notes (`feed_content: full`) keep.
    /// The search index, made next, is the build's largest allocation.
    pub(crate) fn drop_note_page_facts(&mut self) {
        self.backlinks = PerNote::default();
        self.related = PerNote::default();
        if !self.config.full_feeds() {
            self.links = PerNote::default();
            self.notes.raw.par_iter_mut().for_each(|n| {
                n.source = String::new();
                n.body_start = 0;
                n.facts.links = Vec::new();
            });
        }
        crate::memory::release_free_memory();
    }

    /// Frees the facts only indexing reads (the tables and lists
    /// comparisons are found in: a tenth of a site's memory) once the index
    /// is built, for a build that renders and ends. A site indexed again
    /// from the same notes (`serve`) keeps them.
    pub(crate) fn drop_index_only_facts(&mut self) {
        self.notes.raw.par_iter_mut().for_each(|n| {
            n.facts.tables = Vec::new();
            n.facts.lists = Vec::new();
        });
    }

    /// Merges the notes into the site index. `notes` must be sorted by path
    /// and hold only the notes to publish.
    pub(crate) fn build(
        notes: Vec<Note>,
        mut config: Config,
        mut assets: HashMap<String, PathBuf>,
        notes_root: &Path,
        display_prefix: &str,
        memo: Option<&dyn IndexMemo>,
        diags: &mut Vec<Diagnostic>,
    ) -> SiteIndex {
        let step = crate::steps::Step::start("index");
        let mut notes: Notes = notes.into();
        crate::jekyll::apply(&mut notes.raw, &config, diags);
        step.done("jekyll apply");
        check_output_paths(&notes, diags);
        step.done("output paths");
        crate::obsidian::add_inline_tags(&mut notes.raw, &mut config, notes_root);
        step.done("inline tags");
        let mut lookup = Lookup::build(&notes);
        step.done("lookup");
        crate::obsidian::embeds::check(&notes, &lookup, diags);
        step.done("embeds check");
        // Images (their files looked up and their sizes read, mostly
        // waiting on the disk) are resolved beside the taxonomy, glossary
        // and comparisons, which need none of them; their warnings come
        // after the backlinks', as when they were resolved last.
        let image_resolver = ImageResolver {
            notes: &notes,
            assets: &assets,
            notes_root,
            max_width: config.images.max_width,
            max_pixels: config.images.pixel_limit(),
        };
        let mut image_diags = Vec::new();
        let (images, (mut taxonomy, glossary, comparisons)) = rayon::join(
            || image_resolver.resolve_all(&mut image_diags),
            || {
                let step = crate::steps::Step::start("index");
                let mut taxonomy = Taxonomy::build(&notes);
                diags.append(&mut taxonomy.warnings);
                step.done("taxonomy");
                let mentions = memo.map(|m| m as &dyn glossary::MentionMemo);
                let glossary =
                    Glossary::build(&notes, &lookup, notes_root, display_prefix, mentions, diags);
                step.done("glossary");
                let found = memo.map(|m| m as &dyn compare::ComparisonMemo);
                let comparisons = Comparisons::build(&notes, &glossary, &config, found, diags);
                step.done("comparisons");
                (taxonomy, glossary, comparisons)
            },
        );
        step.done("taxonomy, glossary and comparisons, images beside them");
        // A comparison's box has an id too (`#compare-1`): links may point at it.
        for (id, ids) in lookup.heading_ids.iter_mut_enumerated() {
            ids.extend(comparisons.in_note(id).map(|c| c.anchor.clone()));
        }

        let folder_category = |slugs: &[String]| {
            taxonomy
                .category_by_slugs(slugs)
                .map(|c| taxonomy.categories[c].url.clone())
        };
        let term_page = |name: &str| glossary.find(name).map(|t| glossary.terms[t].url.clone());
        let repo = links::RepoTree::find(notes_root);
        let resolver = Resolver {
            notes: &notes,
            lookup: &lookup,
            config: &config,
            assets: &assets,
            folder_category: &folder_category,
            term_page: &term_page,
            repo: repo.as_ref(),
        };
        let resolved: Vec<(Vec<Target>, Vec<Diagnostic>)> = (0..notes.len())
            .into_par_iter()
            .map(NoteId::from)
            .map(|id| {
                let mut d = Vec::new();
                let targets = notes[id]
                    .facts
                    .links
                    .iter()
                    .map(|l| resolver.resolve(id, l, &mut d))
                    .collect();
                (targets, d)
            })
            .collect();
        let mut links: PerNote<Vec<Target>> = PerNote::with_capacity(notes.len());
        for (targets, d) in resolved {
            links.push(targets);
            diags.extend(d);
        }
        step.done("link resolution");
        order::apply(&notes, &links, &mut taxonomy);
        step.done("reading order");

        let mut assets_used = BTreeSet::new();
        let mut backlinks: PerNote<Vec<Backlink>> = vec![Vec::new(); notes.len()].into();
        for (from, targets) in links.iter_enumerated() {
            let mut linked: HashSet<NoteId> = HashSet::new();
            for (i, t) in targets.iter().enumerate() {
                match t {
                    Target::Page { note: Some(to), .. } if *to != from && linked.insert(*to) => {
                        backlinks[*to].push(Backlink {
                            from,
                            context: notes[from].facts.links[i].context.clone(),
                        });
                    }
                    Target::Asset { rel, .. } => {
                        assets_used.insert(rel.clone());
                    }
                    _ => {}
                }
            }
        }
        for list in &mut backlinks {
            list.sort_by(|a, b| taxonomy::by_date_desc(&notes, a.from, b.from));
        }
        step.done("backlinks");

        diags.append(&mut image_diags);
        assets.extend(images.extra_assets);
        assets_used.extend(images.info.keys().cloned());
        assets_used.extend(crate::render::sharing::front_images_used(
            &notes.raw, &assets,
        ));
        step.done("images");

        let related = related_notes(&notes, &taxonomy, &glossary);
        step.done("related notes");

        SiteIndex {
            config,
            notes,
            lookup,
            links,
            backlinks,
            related,
            taxonomy,
            glossary,
            comparisons,
            assets,
            assets_used,
            images: images.targets,
            image_info: images.info,
        }
    }

    pub fn note_by_url(&self, url: &str) -> Option<NoteId> {
        self.lookup.by_url.get(url).copied()
    }
}

/// Two notes, or a note and a generated page, claiming one output file is an
/// error naming both.
fn check_output_paths(notes: &NoteSlice, diags: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, &Note> = HashMap::new();
    for note in notes {
        if let Some(other) = seen.get(note.url.as_str()) {
            let mut message = format!(
                "`{}`와 `{}`가 같은 출력 파일 `{}`을 만듭니다",
                other.display_path, note.display_path, note.url
            );
            if other.display_path == note.display_path {
                // Same name once NFC: one is decomposed (NFD) on disk.
                message.push_str(&format!(
                    "; 두 파일 이름은 유니코드 정규화만 다릅니다: {} / {}",
                    code_points(&other.source_path),
                    code_points(&note.source_path)
                ));
            }
            diags.push(
                Diagnostic::error(Code::DuplicateOutput, message)
                    .with_path(note.display_path.clone())
                    .with_help(
                        "둘 중 하나의 파일 이름을 바꾸거나 front matter에 `slug:`를 지정하세요",
                    ),
            );
        } else {
            seen.insert(&note.url, note);
        }
        let reserved = RESERVED_FILES.contains(&note.url.as_str())
            || RESERVED_PREFIXES.iter().any(|p| note.url.starts_with(p));
        if reserved {
            diags.push(
                Diagnostic::error(
                    Code::ReservedOutput,
                    format!(
                        "`{}`는 gongbu가 만드는 페이지 `{}`와 겹칩니다",
                        note.display_path, note.url
                    ),
                )
                .with_path(note.display_path.clone())
                .with_help("파일이나 폴더 이름을 바꾸거나 front matter에 `slug:`를 지정하세요"),
            );
        }
    }
}

/// A file name with its code points: `가.md (U+AC00 U+002E U+006D U+0064)`.
fn code_points(path: &std::path::Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let points: Vec<String> = name
        .chars()
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    format!("`{name}` ({})", points.join(" "))
}

/// Up to five notes sharing the most tags and glossary terms. Tags or terms
/// that almost every note has say nothing and would make this quadratic, so
/// those with more than `MAX_SHARED` notes are skipped.
fn related_notes(
    notes: &NoteSlice,
    taxonomy: &Taxonomy,
    glossary: &Glossary,
) -> PerNote<Vec<NoteId>> {
    const MAX_SHARED: usize = 200;
    let mut term_notes: HashMap<TermId, Vec<NoteId>> = HashMap::new();
    for (id, terms) in glossary.note_terms.iter_enumerated() {
        for &t in terms {
            term_notes.entry(t).or_default().push(id);
        }
    }
    // Scores per note in a dense array each thread keeps (all zero between
    // notes), with the notes it touched: no hashing per shared tag.
    struct Scores {
        score: PerNote<u32>,
        touched: Vec<NoteId>,
    }
    (0..notes.len())
        .into_par_iter()
        .map(NoteId::from)
        .map_init(
            || Scores {
                score: vec![0; notes.len()].into(),
                touched: Vec::new(),
            },
            |s, id| {
                if notes[id].is_folder_index {
                    return Vec::new();
                }
                let mut add = |other: NoteId, points: u32| {
                    if s.score[other] == 0 {
                        s.touched.push(other);
                    }
                    s.score[other] += points;
                };
                for &tag in &taxonomy.note_tags[id] {
                    let members = &taxonomy.tags[tag].notes;
                    if members.len() <= MAX_SHARED {
                        for &other in members {
                            add(other, 2);
                        }
                    }
                }
                for t in glossary.note_terms.get(id).into_iter().flatten() {
                    if let Some(members) = term_notes.get(t).filter(|m| m.len() <= MAX_SHARED) {
                        for &other in members {
                            add(other, 1);
                        }
                    }
                }
                let mut ranked: Vec<(NoteId, u32)> = Vec::with_capacity(s.touched.len());
                for other in s.touched.drain(..) {
                    let points = std::mem::take(&mut s.score[other]);
                    if other != id && !notes[other].is_folder_index {
                        ranked.push((other, points));
                    }
                }
                ranked.sort_by(|a, b| {
                    b.1.cmp(&a.1)
                        .then_with(|| taxonomy::by_date_desc(notes, a.0, b.0))
                });
                // Not `into_iter().collect()`: that would reuse `ranked`'s
                // buffer (hundreds of candidates) for five ids, per note.
                ranked.iter().take(5).map(|&(n, _)| n).collect()
            },
        )
        .collect::<Vec<_>>()
        .into()
}
