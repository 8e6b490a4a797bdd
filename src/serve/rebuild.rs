//! The site kept in memory between edits, and what an edit re-renders.
//!
//! A changed note is read again on its own; the site index is rebuilt from
//! the notes in memory (linear and parallel); then the edited page is
//! rendered and written first, and the rest of the site is rendered with
//! every note, category and tag page left out whose page signature
//! ([`crate::signatures::page_signatures`]) did
//! not change. The other pages (home, archive, feeds, glossary, comparisons,
//! search …) are rendered again, and [`Pass`](super::served::Pass) writes
//! only the files whose bytes changed.
//!
//! A category or tag page is rendered again when the notes it lists change
//! as lists show them (title, date, description, category) or its place in
//! the category tree changes. A note page is rendered again when
//! - its own file changed;
//! - what it shows of other notes changed: the notes it links to, the notes
//!   linking to it (with the sentence that links), related notes, previous
//!   and next, a folder page's list, its tags (with their counts) and its
//!   category path, its images' sizes, merged comparisons, embedded notes;
//! - what every page shows changed in a way the pages show (the site
//!   settings and navigation, tried on a page of each kind), the glossary
//!   terms, the configuration or the templates (then all are);
//! - an image or file it refers to changed.
//!
//! A note whose new text cannot be read (broken front matter) keeps its last
//! good version in the site, and its error stays in the overlay until fixed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Config, CONFIG_FILE};
use crate::diagnostic::{self, Code, Diagnostic, Diagnostics};
use crate::index::search::MemoryChunks;
use crate::index::SiteIndex;
use crate::note::load::{discover, is_skipped, Exclusions, SourceFile};
use crate::note::{self, Note, NoteId};
use crate::render::pages::global_context;
use crate::render::templates::Theme;
use crate::signatures::{page_signatures, terms_fingerprint};
use crate::{load_config, render_with_chunks, BuildOptions, Site};

use super::served::ServedDir;

/// What one build or rebuild did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The sources that changed, as shown to the user (`notes/os/a.md`).
    pub sources: Vec<String>,
    /// Pages written ahead of the rest (the edited notes), and when.
    pub first: Vec<String>,
    pub first_after: Option<Duration>,
    /// Whether the edited pages were first drawn from the previous index
    /// (the edit changed prose only), before indexing.
    pub early: bool,
    /// Every file that changed (written or removed), site-relative.
    pub changed: Vec<String>,
    /// Pages rendered (their output paths, sorted) out of the `candidates`
    /// a rebuild may leave out (note, category and tag pages).
    pub rendered: Vec<String>,
    pub candidates: usize,
    pub notes: usize,
    /// HTML pages of the site.
    pub pages: usize,
    /// Whether every page was rendered.
    pub full: bool,
    /// Every current diagnostic.
    pub diagnostics: Vec<Diagnostic>,
    /// Those the previous build did not have.
    pub new_diagnostics: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// How long each step took.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Outcome {
    /// The errors the overlay shows.
    pub fn errors(&self) -> Vec<Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect()
    }
}

/// What the last render was made from, to tell what the next one must redo.
#[derive(Debug, Default)]
struct Rendered {
    global: tera::Context,
    terms: u64,
    /// Note rel path → signature of its page.
    pages: HashMap<String, u64>,
}

/// The loaded site and everything needed to update it.
pub(crate) struct Workspace {
    opts: BuildOptions,
    site: Option<Site>,
    /// Every markdown file under notes/, loaded or not.
    note_files: BTreeMap<PathBuf, SourceFile>,
    /// Every other file under notes/ (path → notes-relative path).
    asset_files: HashMap<PathBuf, String>,
    /// Notes whose current text does not load (rel → error).
    broken: BTreeMap<String, Diagnostic>,
    /// Warnings from reading each note (rel → warnings).
    note_warnings: HashMap<String, Vec<Diagnostic>>,
    walk_warnings: Vec<Diagnostic>,
    config_error: Option<Diagnostic>,
    theme_error: Option<Diagnostic>,
    index_diagnostics: Vec<Diagnostic>,
    render_diagnostics: Vec<Diagnostic>,
    rendered: Rendered,
    /// The last render failed somewhere: render everything next time.
    render_all_next: bool,
    /// The search index's tokenized chunks of notes: an edit tokenizes the
    /// edited note's chunk again, not every note.
    search_chunks: MemoryChunks,
    /// Diagnostics already shown, as text.
    shown: HashSet<String>,
    /// notes/ was gone at the last rebuild: walk it again when it is back.
    notes_missing: bool,
    /// What the walk of the notes folder leaves out (gongbu.yaml's `exclude`).
    exclusions: Exclusions,
    /// The notes folder as messages show it (`notes`, `` for the root).
    prefix: String,
    /// Dates from git history, read once when serving starts.
    git_dates: Option<crate::git_dates::GitDates>,
}

/// How the paths of one batch of file events concern the site.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Classified {
    pub config: bool,
    pub templates: bool,
    pub statics: bool,
    pub notes: Vec<PathBuf>,
}

impl Classified {
    pub(crate) fn is_empty(&self) -> bool {
        !self.config && !self.templates && !self.statics && self.notes.is_empty()
    }
}

/// Sorts changed paths into config, templates, static and notes (under
/// `notes`); paths the site does not read (skipped `_`/`.` names, excluded
/// or other folders) are dropped.
pub(crate) fn classify(
    root: &Path,
    notes: &Path,
    exclusions: &Exclusions,
    paths: &[PathBuf],
) -> Classified {
    let mut c = Classified::default();
    for p in paths {
        if p == &root.join(CONFIG_FILE) {
            c.config = true;
        } else if p.starts_with(root.join("templates")) {
            c.templates = true;
        } else if p.starts_with(root.join("static")) {
            c.statics = true;
        } else if let Ok(rel) = p.strip_prefix(notes) {
            let skipped = rel
                .components()
                .any(|part| is_skipped(&part.as_os_str().to_string_lossy()))
                || rel
                    .ancestors()
                    .any(|a| exclusions.excludes(a, a != rel || p.is_dir()));
            if !skipped && !c.notes.contains(p) {
                c.notes.push(p.clone());
            }
        }
    }
    c
}

/// Whether values every page shares (site settings, navigation, counts)
/// changed in a way pages show: a page of each kind is rendered with the
/// new values and with `old`, and compared. The templates decide what they
/// show; a note added elsewhere changes the note count, which the default
/// theme does not print.
fn shows_global_change(site: &mut Site, old: &tera::Context) -> bool {
    let now = sample_pages(site);
    let new = std::mem::replace(site.theme.tera.global_context(), old.clone());
    let before = sample_pages(site);
    *site.theme.tera.global_context() = new;
    now != before
}

/// A page of each kind the site has (a note, a folder page, categories, a
/// tag), rendered.
fn sample_pages(site: &Site) -> Vec<Result<String, Diagnostic>> {
    let index = &site.index;
    let home = index.note_by_url("index.html");
    let pick = |folder: bool| {
        index
            .notes
            .keys()
            .find(|&i| Some(i) != home && index.notes[i].is_folder_index == folder)
    };
    let mut out: Vec<Result<String, Diagnostic>> = [pick(false), pick(true)]
        .into_iter()
        .flatten()
        .map(|id| site.note_page(id))
        .collect();
    site.with_env(|env| {
        for c in index.taxonomy.categories.keys().take(2) {
            out.push(crate::render::pages::category_page(env, c));
        }
        if !index.taxonomy.tags.is_empty() {
            out.push(crate::render::pages::tag_page(
                env,
                crate::ids::TagId::from(0),
            ));
        }
    });
    out
}

/// Notes whose text refers to a file named like the notes-relative `asset`
/// (images and links; compared by file name, so every spelling counts).
fn notes_referring_to(index: &SiteIndex, asset: &str) -> Vec<NoteId> {
    let name = asset.rsplit('/').next().unwrap_or(asset);
    let encoded = crate::urls::encode_path(name);
    index
        .notes
        .keys()
        .filter(|&id| {
            let f = &index.notes[id].facts;
            f.images
                .iter()
                .map(|i| &i.src)
                .chain(f.links.iter().map(|l| &l.dest))
                .any(|d| d.contains(name) || d.contains(&encoded))
        })
        .collect()
}

impl Workspace {
    /// Loads the whole site and renders it into `served`. Fails (with the
    /// diagnostics) only when nothing can be built: configuration, theme or
    /// notes folder.
    pub(crate) fn load(
        opts: BuildOptions,
        served: &ServedDir,
    ) -> Result<(Workspace, Outcome), Vec<Diagnostic>> {
        let started = Instant::now();
        let opts = opts.resolved();
        let config = load_config(&opts).map_err(|d| vec![d])?;
        let theme = Theme::load(&opts.root).map_err(|d| vec![d])?;
        let notes_dir = opts.notes_dir();
        if !notes_dir.is_dir() {
            return Err(vec![crate::missing_notes_dir(&notes_dir)]);
        }
        let exclusions = opts.exclusions(&config);
        let prefix = opts.display_prefix();
        let git_dates = if config.git_dates {
            crate::git_dates::GitDates::read(&notes_dir)
        } else {
            None
        };
        let mut ws = Workspace {
            exclusions,
            prefix,
            git_dates,
            opts,
            site: None,
            note_files: BTreeMap::new(),
            asset_files: HashMap::new(),
            broken: BTreeMap::new(),
            note_warnings: HashMap::new(),
            walk_warnings: Vec::new(),
            config_error: None,
            theme_error: None,
            index_diagnostics: Vec::new(),
            render_diagnostics: Vec::new(),
            rendered: Rendered::default(),
            render_all_next: true,
            search_chunks: MemoryChunks::default(),
            shown: HashSet::new(),
            notes_missing: false,
        };
        let (added, _, _) = ws.rescan();
        let mut notes = Vec::new();
        let _ = ws.load_files(&added, config.dialect(), &mut notes);
        let edit = Edit::default();
        let outcome =
            ws.reindex_and_render(notes, config, theme, &edit, served, started, &mut |_| {});
        Ok((ws, outcome))
    }

    /// Walks notes/ again; returns the note files that appeared, those that
    /// went away, and the other files that appeared or went away.
    fn rescan(&mut self) -> (Vec<PathBuf>, Vec<PathBuf>, Vec<String>) {
        let found = discover(&self.opts.notes_dir(), &self.opts.root, &self.exclusions);
        self.walk_warnings = self.exclusions.diagnostics.clone();
        self.walk_warnings.extend(found.diagnostics);
        let files: BTreeMap<PathBuf, SourceFile> = found
            .notes
            .into_iter()
            .map(|f| (f.path.clone(), f))
            .collect();
        let added = files
            .keys()
            .filter(|p| !self.note_files.contains_key(*p))
            .cloned()
            .collect();
        let gone = self
            .note_files
            .keys()
            .filter(|p| !files.contains_key(*p))
            .cloned()
            .collect();
        self.note_files = files;
        let assets: HashMap<PathBuf, String> =
            found.assets.into_iter().map(|f| (f.path, f.rel)).collect();
        let mut assets_changed: Vec<String> = assets
            .iter()
            .filter(|(p, _)| !self.asset_files.contains_key(*p))
            .chain(
                self.asset_files
                    .iter()
                    .filter(|(p, _)| !assets.contains_key(*p)),
            )
            .map(|(_, rel)| rel.clone())
            .collect();
        assets_changed.sort();
        self.asset_files = assets;
        (added, gone, assets_changed)
    }

    /// Reads the note files at `paths` into `notes` (sorted by path,
    /// replacing earlier versions), keeping the last good version of a note
    /// that no longer loads. Returns the rel paths that changed, and those
    /// of them whose change went beyond prose (see [`same_shape`]).
    fn load_files(
        &mut self,
        paths: &[PathBuf],
        dialect: crate::note::parse::Dialect,
        notes: &mut Vec<Note>,
    ) -> (BTreeSet<String>, BTreeSet<String>) {
        let files: Vec<SourceFile> = paths
            .iter()
            .filter_map(|p| self.note_files.get(p).cloned())
            .collect();
        type Loaded = (
            SourceFile,
            Result<Option<Note>, Diagnostic>,
            Vec<Diagnostic>,
        );
        let (prefix, dates) = (&self.prefix, &self.git_dates);
        let loaded: Vec<Loaded> = files
            .into_par_iter()
            .map(|file| {
                let mut warnings = Vec::new();
                let mut result = note::load_note(&file, prefix, dialect, &mut warnings);
                if let (Ok(Some(n)), Some(dates)) = (&mut result, dates) {
                    dates.apply(n);
                }
                (file, result, warnings)
            })
            .collect();
        let mut rels = BTreeSet::new();
        let mut reshaped = BTreeSet::new();
        let mut added = Vec::new();
        for (file, result, warnings) in loaded {
            let rel = file.rel.clone();
            let pos = notes.binary_search_by(|n| n.rel_path.as_str().cmp(&rel));
            self.note_warnings.insert(rel.clone(), warnings);
            let changed = match result {
                Ok(Some(n)) if self.opts.publishes(&n) => {
                    let was_broken = self.broken.remove(&rel).is_some();
                    match pos {
                        // Touched, not changed (or put back as it was).
                        Ok(i)
                            if notes[i].source == n.source
                                && notes[i].facts.dialect == n.facts.dialect =>
                        {
                            was_broken
                        }
                        Ok(i) => {
                            if !same_shape(&notes[i], &n) {
                                reshaped.insert(rel.clone());
                            }
                            notes[i] = n;
                            true
                        }
                        Err(_) => {
                            reshaped.insert(rel.clone());
                            added.push(n);
                            true
                        }
                    }
                }
                Ok(_) => {
                    reshaped.insert(rel.clone());
                    let was_broken = self.broken.remove(&rel).is_some();
                    match pos {
                        Ok(i) => {
                            notes.remove(i);
                            true
                        }
                        Err(_) => was_broken,
                    }
                }
                Err(d) => {
                    reshaped.insert(rel.clone());
                    self.broken.insert(rel.clone(), d.clone()) != Some(d)
                }
            };
            if changed {
                rels.insert(rel);
            }
        }
        if !added.is_empty() {
            notes.append(&mut added);
            notes.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        }
        (rels, reshaped)
    }

    /// A note's path as messages show it (`notes/os/a.md`).
    fn shown_path(&self, rel: &str) -> String {
        if self.prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.prefix)
        }
    }

    fn forget(&mut self, rel: &str, notes: &mut Vec<Note>) {
        self.broken.remove(rel);
        self.note_warnings.remove(rel);
        if let Ok(i) = notes.binary_search_by(|n| n.rel_path.as_str().cmp(rel)) {
            notes.remove(i);
        }
    }

    /// Applies a batch of changed paths. `first_ready` is called with the
    /// edited pages as soon as they are written, before the rest. None when
    /// nothing the site reads changed.
    pub(crate) fn rebuild(
        &mut self,
        paths: &[PathBuf],
        served: &ServedDir,
        first_ready: &mut dyn FnMut(&[String]),
    ) -> Option<Outcome> {
        let started = Instant::now();
        let root = self.opts.root.clone();
        let what = classify(&root, &self.opts.notes_dir(), &self.exclusions, paths);
        if what.is_empty() && !self.notes_missing {
            return None;
        }
        let notes_dir = self.opts.notes_dir();
        if !notes_dir.is_dir() {
            // A branch switch, a sync tool or an atomic save of the folder:
            // the last good site stays served until the folder is back.
            self.notes_missing = true;
            let d = Diagnostic::error(
                Code::NotesDir,
                format!(
                    "노트 폴더 `{}`가 사라졌습니다; 돌아올 때까지 마지막으로 빌드한 사이트를 보여 줍니다",
                    notes_dir.display()
                ),
            );
            let outcome = Outcome {
                sources: vec!["notes/".to_string()],
                notes: self.site.as_ref().map_or(0, |s| s.index.notes.len()),
                diagnostics: vec![d.clone()],
                new_diagnostics: vec![d],
                elapsed: started.elapsed(),
                ..Default::default()
            };
            return Some(outcome);
        }
        let back = std::mem::take(&mut self.notes_missing);
        let mut site = self.site.take()?;
        let mut notes = std::mem::take(&mut site.index.notes).raw;
        let mut sources: BTreeSet<String> = BTreeSet::new();
        if back {
            // The overlay of the missing folder goes away with this build.
            sources.insert("notes/".to_string());
        }

        let mut new_config = None;
        if what.config {
            sources.insert(CONFIG_FILE.to_string());
            match load_config(&self.opts) {
                Ok(c) => {
                    if c != site.index.config {
                        self.render_all_next = true;
                    }
                    self.exclusions = self.opts.exclusions(&c);
                    new_config = Some(c);
                    self.config_error = None;
                }
                Err(d) => self.config_error = Some(d),
            }
        }
        let mut new_theme = None;
        if what.templates || what.statics {
            if what.templates {
                sources.insert("templates/".to_string());
            }
            if what.statics {
                sources.insert("static/".to_string());
            }
            match Theme::load(&root) {
                Ok(t) => {
                    new_theme = Some(t);
                    self.theme_error = None;
                    if what.templates {
                        self.render_all_next = true;
                    }
                }
                Err(d) => self.theme_error = Some(d),
            }
        }

        let mut edit = Edit::default();
        let mut prose_only = false;
        // `cjk_emphasis` changed: every note is read again in the new dialect.
        if let Some(c) = new_config.as_ref() {
            if c.dialect() != site.index.config.dialect() {
                let all: Vec<PathBuf> = self.note_files.keys().cloned().collect();
                let (changed, _) = self.load_files(&all, c.dialect(), &mut notes);
                for rel in changed {
                    sources.insert(self.shown_path(&rel));
                    edit.notes.insert(rel);
                }
            }
        }
        if !what.notes.is_empty() || back {
            let mut rescan = back;
            let mut reload = Vec::new();
            let mut gone = Vec::new();
            let mut assets_touched = Vec::new();
            for p in &what.notes {
                if self.note_files.contains_key(p) {
                    if p.is_file() {
                        reload.push(p.clone());
                    } else {
                        gone.push(p.clone());
                    }
                } else if let Some(rel) = self.asset_files.get(p) {
                    if p.is_file() {
                        assets_touched.push(rel.clone());
                    } else {
                        rescan = true;
                    }
                } else if p.exists()
                    || self.note_files.keys().any(|k| k.starts_with(p))
                    || self.asset_files.keys().any(|k| k.starts_with(p))
                {
                    // A new file or folder, or a folder that went away.
                    rescan = true;
                }
            }
            if rescan {
                let (added, went, assets) = self.rescan();
                reload.extend(added);
                gone = went;
                assets_touched.extend(assets);
                reload.retain(|p| self.note_files.contains_key(p));
            } else {
                for p in &gone {
                    self.note_files.remove(p);
                }
            }
            for p in &gone {
                if let Ok(rel) = p.strip_prefix(self.opts.notes_dir()) {
                    let rel = crate::korean::nfc(&rel.to_string_lossy().replace('\\', "/"));
                    self.forget(&rel, &mut notes);
                    sources.insert(self.shown_path(&rel));
                    edit.notes.insert(rel);
                }
            }
            reload.sort();
            reload.dedup();
            let dialect = new_config.as_ref().unwrap_or(&site.index.config).dialect();
            let (changed, reshaped) = self.load_files(&reload, dialect, &mut notes);
            prose_only = gone.is_empty() && assets_touched.is_empty() && reshaped.is_empty();
            for rel in changed {
                sources.insert(self.shown_path(&rel));
                edit.notes.insert(rel);
            }
            for rel in &assets_touched {
                sources.insert(self.shown_path(rel));
            }
            edit.assets = assets_touched;
        }
        if sources.is_empty() {
            // Only touched or read: nothing to do.
            site.index.notes = notes.into();
            self.site = Some(site);
            return None;
        }
        if prose_only && !edit.notes.is_empty() && sources.len() == edit.notes.len() {
            // Only prose changed: the index of the last build is right for
            // the edited pages but for what their prose feeds (related
            // notes through glossary terms), so show them now; the pages
            // from the new index follow and replace them where they differ.
            let read = started.elapsed();
            site.index.notes = notes.into();
            let early = early_pages(&site, &edit.notes, served);
            notes = std::mem::take(&mut site.index.notes).raw;
            edit.early_timings = vec![
                ("읽기", read),
                ("고친 페이지 (이전 색인)", started.elapsed() - read),
            ];
            if !early.is_empty() {
                edit.early_after = Some(started.elapsed());
                first_ready(&early);
                edit.early = early;
            }
        }
        let Site { index, theme, .. } = site;
        let config = new_config.unwrap_or(index.config);
        let theme = new_theme.unwrap_or(theme);

        let mut outcome =
            self.reindex_and_render(notes, config, theme, &edit, served, started, first_ready);
        outcome.sources = sources.into_iter().collect();
        Some(outcome)
    }

    /// Indexes `notes` and renders what changed since the last render.
    #[allow(clippy::too_many_arguments)]
    fn reindex_and_render(
        &mut self,
        notes: Vec<Note>,
        config: Config,
        theme: Theme,
        edit: &Edit,
        served: &ServedDir,
        started: Instant,
        first_ready: &mut dyn FnMut(&[String]),
    ) -> Outcome {
        let read = started.elapsed();
        let indexing = Instant::now();
        let assets: HashMap<String, PathBuf> = self
            .asset_files
            .iter()
            .map(|(path, rel)| (rel.clone(), path.clone()))
            .collect();
        let mut index_diags = Vec::new();
        let mut site = Site::from_notes(
            self.opts.clone(),
            notes,
            config,
            theme,
            assets,
            None,
            &mut index_diags,
        );
        self.index_diagnostics = index_diags;
        let index = &site.index;
        let mut outcome = Outcome {
            notes: index.notes.len(),
            ..Default::default()
        };
        let mut lap = Instant::now();
        let mut time = |outcome: &mut Outcome, step: &'static str| {
            outcome.timings.push((step, lap.elapsed()));
            lap = Instant::now();
        };
        if edit.early_timings.is_empty() {
            outcome.timings.push(("읽기", read));
        } else {
            outcome.timings.extend(edit.early_timings.iter().copied());
        }
        outcome.early = !edit.early_timings.is_empty();
        outcome.timings.push(("색인", indexing.elapsed()));
        let mut render_diags = Vec::new();

        // The edited pages first.
        let home = index.note_by_url("index.html");
        let first_ids: Vec<NoteId> = edit
            .notes
            .iter()
            .filter_map(|rel| index.lookup.by_rel_path.get(rel).copied())
            .filter(|&id| Some(id) != home)
            .take(FIRST_PAGES)
            .collect();
        let mut first_urls = HashSet::new();
        for id in first_ids {
            let url = &index.notes[id].url;
            match site.note_page(id) {
                Ok(html) => match served.write(url, html.as_bytes()) {
                    Ok(changed) => {
                        first_urls.insert(url.clone());
                        if changed {
                            outcome.first.push(url.clone());
                        }
                    }
                    Err(e) => render_diags.push(write_error(url, &e)),
                },
                Err(d) => render_diags.push(d),
            }
        }
        if !outcome.first.is_empty() {
            first_ready(&outcome.first);
        }
        outcome.first_after = edit
            .early_after
            .or((!outcome.first.is_empty()).then(|| started.elapsed()));
        for url in &edit.early {
            if !outcome.first.contains(url) {
                outcome.first.push(url.clone());
            }
        }
        time(&mut outcome, "고친 페이지");

        // Then every page whose content may have changed.
        let global = global_context(&site.index);
        let global_shows =
            global != self.rendered.global && shows_global_change(&mut site, &self.rendered.global);
        let index = &site.index;
        let terms = terms_fingerprint(index);
        let all = self.render_all_next || global_shows || terms != self.rendered.terms;
        let signatures = page_signatures(index);
        // Changed notes, and notes showing a changed file, whatever their
        // signature says.
        let mut redo: HashSet<&str> = HashSet::new();
        for rel in &edit.notes {
            if let Some(&id) = index.lookup.by_rel_path.get(rel) {
                redo.insert(&index.notes[id].url);
            }
        }
        for asset in &edit.assets {
            for id in notes_referring_to(index, asset) {
                redo.insert(&index.notes[id].url);
            }
        }
        if all {
            redo.extend(signatures.keys().map(String::as_str));
        }
        let keep: HashSet<String> = signatures
            .iter()
            .filter(|(url, sig)| {
                first_urls.contains(*url)
                    || (!redo.contains(url.as_str()) && self.rendered.pages.get(*url) == Some(sig))
            })
            .map(|(url, _)| url.clone())
            .collect();
        let mut rendered: Vec<String> = signatures
            .keys()
            .filter(|url| !keep.contains(*url) || first_urls.contains(*url))
            .cloned()
            .collect();
        rendered.sort();
        outcome.rendered = rendered;
        outcome.candidates = signatures.len();
        outcome.full = all;
        time(&mut outcome, "바뀐 페이지 찾기");
        let pass = served.pass(&keep);
        let diags = Diagnostics::new();
        outcome.pages = render_with_chunks(&site, &pass, &diags, Some(&self.search_chunks));
        self.search_chunks.keep_used();
        render_diags.extend(diags.into_sorted());
        let failed = render_diags.iter().any(Diagnostic::is_error);
        let mut changed = pass.finish(!failed);
        changed.extend(outcome.first.iter().cloned());
        changed.sort();
        changed.dedup();
        outcome.changed = changed;
        time(&mut outcome, "렌더링·쓰기");

        self.render_diagnostics = render_diags;
        self.render_all_next = failed;
        self.rendered = Rendered {
            global,
            terms,
            pages: signatures,
        };
        self.site = Some(site);
        outcome.diagnostics = self.current_diagnostics();
        let texts: Vec<String> = outcome
            .diagnostics
            .par_iter()
            .map(|d| d.to_string())
            .collect();
        outcome.new_diagnostics = outcome
            .diagnostics
            .iter()
            .zip(&texts)
            .filter(|(_, t)| !self.shown.contains(*t))
            .map(|(d, _)| d.clone())
            .collect();
        self.shown = texts.into_iter().collect();
        time(&mut outcome, "진단");
        outcome.elapsed = started.elapsed();
        outcome
    }

    /// Every diagnostic the site has now.
    fn current_diagnostics(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = Vec::new();
        all.extend(self.config_error.iter().cloned());
        all.extend(self.theme_error.iter().cloned());
        all.extend(self.walk_warnings.iter().cloned());
        all.extend(self.note_warnings.values().flatten().cloned());
        all.extend(self.broken.values().cloned());
        all.extend(self.index_diagnostics.iter().cloned());
        all.extend(self.render_diagnostics.iter().cloned());
        diagnostic::sort_diagnostics(&mut all);
        all.dedup();
        all
    }
}

/// How many edited pages are written ahead of the rest.
const FIRST_PAGES: usize = 8;

/// What changed under notes/.
#[derive(Debug, Default)]
struct Edit {
    /// Notes read again, added or removed (rel paths).
    notes: BTreeSet<String>,
    /// Other files that changed in place (notes-relative).
    assets: Vec<String>,
    /// Pages written from the previous index, before indexing, and when.
    early: Vec<String>,
    early_after: Option<Duration>,
    early_timings: Vec<(&'static str, Duration)>,
}

/// Whether two versions of a note differ in prose only: the same front
/// matter, title, description and URL, the same headings, link
/// destinations and images in the same order, as many tables and lists.
/// Then every fact the index keeps by position (link targets, images)
/// still lines up, and the note's page can be drawn from the old index.
fn same_shape(old: &Note, new: &Note) -> bool {
    let (a, b) = (&old.facts, &new.facts);
    old.front == new.front
        && old.title == new.title
        && old.url == new.url
        && old.description == new.description
        && old.date == new.date
        && a.headings.len() == b.headings.len()
        && a.headings
            .iter()
            .zip(&b.headings)
            .all(|(x, y)| x.level == y.level && x.id == y.id && x.text == y.text)
        && a.links.len() == b.links.len()
        && a.links
            .iter()
            .zip(&b.links)
            .all(|(x, y)| x.kind == y.kind && x.dest == y.dest)
        && a.images.len() == b.images.len()
        && a.images
            .iter()
            .zip(&b.images)
            .all(|(x, y)| x.src == y.src && x.in_html == y.in_html)
        && a.tables.len() == b.tables.len()
        && a.lists.len() == b.lists.len()
}

/// Renders and writes the pages of the notes `rels` (not the home page)
/// from `site` as it is; returns the pages whose bytes changed.
fn early_pages(site: &Site, rels: &BTreeSet<String>, served: &ServedDir) -> Vec<String> {
    let index = &site.index;
    let home = index.note_by_url("index.html");
    let mut written = Vec::new();
    for rel in rels.iter().take(FIRST_PAGES) {
        let Some(&id) = index.lookup.by_rel_path.get(rel) else {
            continue;
        };
        if Some(id) == home {
            continue;
        }
        let url = &index.notes[id].url;
        if let Ok(html) = site.note_page(id) {
            if let Ok(true) = served.write(url, html.as_bytes()) {
                written.push(url.clone());
            }
        }
    }
    written
}

fn write_error(rel: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::Write, format!("`{rel}`을 쓸 수 없습니다: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    struct Site {
        _dir: tempfile::TempDir,
        root: PathBuf,
        served: ServedDir,
        _out: tempfile::TempDir,
    }

    impl Site {
        fn new(notes: &[(&str, &str)]) -> (Site, Workspace, Outcome) {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().canonicalize().unwrap();
            for (rel, text) in notes {
                let path = root.join("notes").join(rel);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(path, text).unwrap();
            }
            let out = tempfile::tempdir().unwrap();
            let served = ServedDir::new(out.path().to_path_buf());
            let mut opts = BuildOptions::new(&root);
            opts.live_reload = true;
            opts.base_url = Some("/".into());
            let (ws, outcome) = Workspace::load(opts, &served).unwrap();
            let site = Site {
                _dir: dir,
                root,
                served,
                _out: out,
            };
            (site, ws, outcome)
        }

        fn path(&self, rel: &str) -> PathBuf {
            self.root.join(rel)
        }

        fn write(&self, ws: &mut Workspace, rel: &str, text: &str) -> Outcome {
            let path = self.path(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, text).unwrap();
            ws.rebuild(&[path], &self.served, &mut |_| {}).unwrap()
        }

        fn page(&self, url: &str) -> String {
            fs::read_to_string(self.served.dir().join(url)).unwrap_or_default()
        }
    }

    #[test]
    fn switching_cjk_emphasis_reads_notes_again() {
        let (site, mut ws, _) = Site::new(&[("강조.md", "# 강조\n\n**\"따옴표\"**는 굵다.\n")]);
        assert!(site
            .page("강조.html")
            .contains("<strong>\"따옴표\"</strong>는"));
        site.write(&mut ws, "gongbu.yaml", "cjk_emphasis: false\n");
        let page = site.page("강조.html");
        assert!(!page.contains("<strong>"), "{page}");
        assert!(page.contains("**\"따옴표\"**는"), "{page}");
    }

    fn note(title: &str, date: &str, category: &str, tags: &str, body: &str) -> String {
        format!("---\ntitle: {title}\ndate: {date}\ncategory: {category}\ntags: [{tags}]\n---\n{body}\n")
    }

    /// a → b by link; a, b share category x and tag t1; c, d category y,
    /// tag t2; e alone.
    fn sample() -> Vec<(&'static str, String)> {
        vec![
            (
                "a.md",
                note(
                    "A",
                    "2026-01-01",
                    "x",
                    "t1",
                    "A 소개.\n\n[B로](b.md) 가는 문장.",
                ),
            ),
            ("b.md", note("B", "2026-01-02", "x", "t1", "B 본문.")),
            ("c.md", note("C", "2026-01-03", "y", "t2", "C 본문.")),
            ("d.md", note("D", "2026-01-04", "y", "t2", "D 본문.")),
            ("e.md", note("E", "2026-01-05", "z", "t3", "E 본문.")),
        ]
    }

    fn load_sample() -> (Site, Workspace) {
        let notes = sample();
        let refs: Vec<(&str, &str)> = notes.iter().map(|(r, t)| (*r, t.as_str())).collect();
        let (site, ws, first) = Site::new(&refs);
        assert!(first.full);
        // 5 notes, 4 categories (with the root), 3 tags.
        assert_eq!(first.rendered.len(), 12, "{:?}", first.rendered);
        assert_eq!(first.candidates, 12);
        assert!(first.errors().is_empty(), "{:?}", first.diagnostics);
        (site, ws)
    }

    #[test]
    fn a_body_edit_renders_only_its_page() {
        let (site, mut ws) = load_sample();
        let before_home = site.page("index.html");
        // The first paragraph is the description other pages show: edit
        // the second.
        let o = site.write(
            &mut ws,
            "notes/c.md",
            &note("C", "2026-01-03", "y", "t2", "C 본문.\n\nC 본문, 고쳤다."),
        );
        // Pages apart, only the search index (which holds the new words)
        // is written.
        let pages = |v: &[String]| -> Vec<String> {
            v.iter()
                .filter(|p| !p.starts_with("search/"))
                .cloned()
                .collect()
        };
        assert_eq!(pages(&o.rendered), vec!["c.html"]);
        assert_eq!(o.first, vec!["c.html"]);
        assert!(!o.full);
        assert!(site.page("c.html").contains("C 본문, 고쳤다."));
        // Listing pages were rendered again but did not change.
        assert_eq!(site.page("index.html"), before_home);
        assert_eq!(pages(&o.changed), vec!["c.html"]);
        assert!(
            o.changed.iter().any(|p| p.starts_with("search/shards-")),
            "{:?}",
            o.changed
        );
        // The index (its chunks of notes kept in memory between rebuilds)
        // is a fresh build's.
        let fresh = tempfile::tempdir().unwrap();
        let mut opts = BuildOptions::new(&site.root);
        opts.out = Some(fresh.path().join("site"));
        opts.base_url = Some("/".into());
        opts.no_cache = true;
        assert_eq!(crate::build(&opts, crate::Mode::Build).exit_code(), 0);
        let dir = fresh.path().join("site/search");
        let mut compared = 0;
        for entry in fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let built = fs::read_to_string(dir.join(&name)).unwrap();
            assert_eq!(site.page(&format!("search/{name}")), built, "{name}");
            compared += 1;
        }
        assert!(compared >= 3);
    }

    #[test]
    fn prose_edits_show_the_page_before_indexing() {
        let (site, mut ws) = load_sample();
        let edit = |ws: &mut Workspace, rel: &str, text: &str| {
            let path = site.path(rel);
            fs::write(&path, text).unwrap();
            let mut calls: Vec<Vec<String>> = Vec::new();
            let o = ws
                .rebuild(&[path], &site.served, &mut |first| {
                    calls.push(first.to_vec())
                })
                .unwrap();
            (o, calls)
        };
        let (o, calls) = edit(
            &mut ws,
            "notes/a.md",
            &note(
                "A",
                "2026-01-01",
                "x",
                "t1",
                "A 소개.\n\n[B로](b.md) 가는 새 문장.",
            ),
        );
        assert!(o.early);
        assert_eq!(calls, vec![vec!["a.html".to_string()]], "told once");
        assert!(site.page("a.html").contains("가는 새 문장."));
        // b quotes the new sentence after indexing.
        assert!(site.page("b.html").contains("가는 새 문장."));

        // A new link destination is not prose: the page waits for the index.
        let (o, calls) = edit(
            &mut ws,
            "notes/a.md",
            &note("A", "2026-01-01", "x", "t1", "A 소개.\n\n[C로](c.md) 간다."),
        );
        assert!(!o.early);
        assert_eq!(calls, vec![vec!["a.html".to_string()]]);
        assert!(site.page("c.html").contains("C로"), "c has its backlink");
    }

    #[test]
    fn a_count_every_page_shows_renders_every_page() {
        let (site, mut ws) = load_sample();
        site.write(
            &mut ws,
            "templates/base.html",
            "{% block content %}{% endblock content %}<footer>노트 {{ site.note_count }}개</footer>",
        );
        assert!(site.page("e.html").contains("노트 5개"));
        let o = site.write(
            &mut ws,
            "notes/f.md",
            &note("F", "2026-01-06", "w", "t9", "새 노트."),
        );
        assert!(o.full);
        assert!(site.page("e.html").contains("노트 6개"));
        assert!(site.page("tags/t1.html").contains("노트 6개"));
    }

    #[test]
    fn a_new_title_renders_the_pages_that_show_it() {
        let (site, mut ws) = load_sample();
        let o = site.write(
            &mut ws,
            "notes/b.md",
            &note("새 B", "2026-01-02", "x", "t1", "B 본문."),
        );
        // a links to b, is its neighbour in x and shares t1; x and t1 list b.
        assert_eq!(
            o.rendered,
            vec!["a.html", "b.html", "categories/x.html", "tags/t1.html"]
        );
        assert!(site.page("a.html").contains("새 B"));
        assert!(o.changed.contains(&"index.html".to_string()));
        assert!(o.changed.contains(&"tags/t1.html".to_string()));
    }

    #[test]
    fn a_changed_link_sentence_renders_the_linked_page() {
        let (site, mut ws) = load_sample();
        let o = site.write(
            &mut ws,
            "notes/a.md",
            &note(
                "A",
                "2026-01-01",
                "x",
                "t1",
                "A 소개.\n\n고친 문장에서 [B로](b.md) 간다.",
            ),
        );
        // b's backlinks quote the sentence.
        assert_eq!(o.rendered, vec!["a.html", "b.html"]);
        assert!(site.page("b.html").contains("고친 문장에서"));
    }

    #[test]
    fn new_tags_render_the_pages_of_both_tags() {
        let (site, mut ws) = load_sample();
        let o = site.write(
            &mut ws,
            "notes/c.md",
            &note("C", "2026-01-03", "y", "t1", "C 본문."),
        );
        // t1 and t2 counts and lists change, and related lists; lists of
        // notes do not show tags, so category y stays; e is untouched.
        assert_eq!(
            o.rendered,
            vec![
                "a.html",
                "b.html",
                "c.html",
                "d.html",
                "tags/t1.html",
                "tags/t2.html"
            ]
        );
    }

    #[test]
    fn a_broken_note_keeps_its_last_good_page_until_fixed() {
        let (site, mut ws) = load_sample();
        let good = site.page("c.html");
        let o = site.write(&mut ws, "notes/c.md", "---\ntitle: [깨진\n---\n본문\n");
        let errors = o.errors();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path.as_deref(), Some("notes/c.md"));
        assert!(errors[0].line > 0);
        assert_eq!(site.page("c.html"), good);
        // Another edit meanwhile: applied, and the error stays.
        let o = site.write(
            &mut ws,
            "notes/e.md",
            &note("E", "2026-01-05", "z", "t3", "E 본문.\n\nE 고침."),
        );
        assert_eq!(o.rendered, vec!["e.html"]);
        assert_eq!(o.errors().len(), 1);
        let o = site.write(
            &mut ws,
            "notes/c.md",
            &note("C", "2026-01-03", "y", "t2", "C 고침."),
        );
        assert!(o.errors().is_empty());
        assert!(site.page("c.html").contains("C 고침."));
        assert!(o.new_diagnostics.is_empty());
    }

    #[test]
    fn added_and_removed_notes() {
        let (site, mut ws) = load_sample();
        let o = site.write(
            &mut ws,
            "notes/sub/f.md",
            &note("F", "2026-01-06", "z", "t3", "[[A]]로 간다."),
        );
        assert!(site.page("sub/f.html").contains("F"));
        assert!(
            site.page("a.html").contains("F"),
            "backlink from the new note"
        );
        assert_eq!(o.notes, 6);
        let path = site.path("notes/sub/f.md");
        fs::remove_file(&path).unwrap();
        let o = ws.rebuild(&[path], &site.served, &mut |_| {}).unwrap();
        assert_eq!(o.notes, 5);
        assert!(o.changed.contains(&"sub/f.html".to_string()));
        assert!(!site.served.dir().join("sub/f.html").exists());
        assert!(!site.page("a.html").contains("F로"));
    }

    #[test]
    fn a_template_edit_renders_everything_and_a_bad_one_keeps_the_site() {
        let (site, mut ws) = load_sample();
        let o = site.write(
            &mut ws,
            "templates/404.html",
            "{% extends \"base.html\" %}{% block content %}없음{% endblock content %}",
        );
        assert!(o.full);
        assert_eq!(o.rendered.len(), o.candidates);
        assert!(site.page("404.html").contains("없음"));
        let before = site.page("a.html");
        let o = site.write(&mut ws, "templates/note.html", "{% if %}");
        let errors = o.errors();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, "template");
        assert_eq!(site.page("a.html"), before);
        fs::remove_file(site.path("templates/note.html")).unwrap();
        let o = ws
            .rebuild(
                &[site.path("templates/note.html")],
                &site.served,
                &mut |_| {},
            )
            .unwrap();
        assert!(o.errors().is_empty());
    }

    #[test]
    fn reading_or_touching_is_not_a_change() {
        let (site, mut ws) = load_sample();
        let path = site.path("notes/a.md");
        assert!(ws.rebuild(&[path], &site.served, &mut |_| {}).is_none());
        let skipped = site.path("notes/.a.md.swp");
        fs::write(&skipped, "x").unwrap();
        assert!(ws.rebuild(&[skipped], &site.served, &mut |_| {}).is_none());
        assert!(ws
            .rebuild(&[site.path("site/index.html")], &site.served, &mut |_| {})
            .is_none());
    }

    #[test]
    fn signatures_follow_paths_not_positions() {
        let build = |extra: bool| {
            let mut notes = Vec::new();
            let mut files: Vec<(String, String)> = sample()
                .into_iter()
                .map(|(r, t)| (r.to_string(), t))
                .collect();
            if extra {
                files.push(("0.md".into(), note("0", "2020-01-01", "w", "t9", "")));
            }
            files.sort();
            for (rel, text) in files {
                let file = SourceFile {
                    rel: rel.clone(),
                    path: PathBuf::from(&rel),
                };
                notes.push(note::from_source(&file, rel, text, &mut Vec::new()).unwrap());
            }
            SiteIndex::build(
                notes,
                Config::default(),
                HashMap::new(),
                Path::new("notes"),
                "notes",
                None,
                &mut Vec::new(),
            )
        };
        let (without, with) = (build(false), build(true));
        let (sig_without, sig_with) = (page_signatures(&without), page_signatures(&with));
        for rel in ["a.md", "b.md", "c.md", "e.md"] {
            let a = without.lookup.by_rel_path[rel];
            let b = with.lookup.by_rel_path[rel];
            assert_ne!(a, b, "the extra note shifts positions");
            let url = &without.notes[a].url;
            assert_eq!(sig_without[url], sig_with[url], "{rel}");
        }
        for url in ["categories/x.html", "tags/t1.html", "tags/t2.html"] {
            assert_eq!(sig_without[url], sig_with[url], "{url}");
        }
        // The root category shows the new category w.
        let root = "categories/index.html";
        assert_ne!(sig_without[root], sig_with[root]);
    }

    fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                (rel, fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn edits_end_in_the_same_site_as_a_fresh_build() {
        let (site, mut ws) = load_sample();
        // Notes added and removed: the note count changes, which the
        // default theme does not show, so only the pages concerned.
        let o = site.write(
            &mut ws,
            "notes/y/g.md",
            &note("G", "2026-02-01", "y", "t2", "[D](../d.md) 참고."),
        );
        assert!(!o.full);
        let gone = site.path("notes/a.md");
        fs::remove_file(&gone).unwrap();
        assert!(!ws.rebuild(&[gone], &site.served, &mut |_| {}).unwrap().full);
        let edits: Vec<(&str, String)> = vec![
            (
                "notes/b.md",
                note("새 B", "2026-01-02", "x", "t1", "B 본문."),
            ),
            (
                "notes/c.md",
                note("C", "2026-01-03", "y", "t1, t2", "[[새 B]]를 본다."),
            ),
            (
                "notes/e.md",
                note("E", "2025-12-31", "z", "t1", "날짜와 태그가 바뀌었다."),
            ),
            (
                "notes/d.md",
                note("D", "2026-01-04", "y", "", "태그가 없어졌다."),
            ),
            (
                "notes/y/g.md",
                note("G", "2026-02-01", "y", "t2", "다른 문장의 [D](../d.md)."),
            ),
            (
                "notes/README.md",
                "# 공부 노트\n\n[B](b.md)부터 읽으세요.\n".to_string(),
            ),
        ];
        for (rel, text) in &edits {
            let o = site.write(&mut ws, rel, text);
            assert!(o.errors().is_empty(), "{rel}: {:?}", o.errors());
            assert!(!o.full, "{rel}");
            assert!(o.rendered.len() < o.candidates, "{rel}: {:?}", o.rendered);
        }

        let fresh_out = tempfile::tempdir().unwrap();
        let fresh = ServedDir::new(fresh_out.path().to_path_buf());
        let (_, o) = Workspace::load(ws.opts.clone(), &fresh).unwrap();
        assert!(o.errors().is_empty());
        let (incremental, full) = (tree(site.served.dir()), tree(fresh_out.path()));
        let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&incremental), names(&full));
        for ((name, a), (_, b)) in incremental.iter().zip(&full) {
            assert!(a == b, "{name} differs from a fresh build");
        }
    }

    #[test]
    fn an_edit_to_an_embedded_note_renders_the_page_that_embeds_it() {
        let (site, mut ws, first) = Site::new(&[
            ("a.md", "# A\n\n![[b]]\n"),
            ("b.md", "# B\n\nB의 첫 문장.\n\nB 본문.\n"),
        ]);
        assert!(first.errors().is_empty(), "{:?}", first.diagnostics);
        assert!(site.page("a.html").contains("B 본문."));
        let o = site.write(
            &mut ws,
            "notes/b.md",
            "# B\n\nB의 첫 문장.\n\nB 본문, 고쳤다.\n",
        );
        assert!(
            o.rendered.contains(&"a.html".to_string()),
            "{:?}",
            o.rendered
        );
        assert!(site.page("a.html").contains("B 본문, 고쳤다."));
    }

    #[test]
    fn classifies_paths() {
        let root = Path::new("/r");
        let c = classify(
            root,
            &root.join("notes"),
            &Exclusions::default(),
            &[
                root.join("gongbu.yaml"),
                root.join("templates/note.html"),
                root.join("notes/a.md"),
                root.join("notes/_drafts/b.md"),
                root.join("notes/.git/index"),
                root.join("site/index.html"),
            ],
        );
        assert!(c.config && c.templates && !c.statics);
        assert_eq!(c.notes, vec![root.join("notes/a.md")]);
    }

    #[test]
    fn classifies_paths_with_the_notes_at_the_root() {
        let root = Path::new("/r");
        let ex = Exclusions::new(root, root, &root.join("site"), &["초안/".to_string()]);
        let c = classify(
            root,
            root,
            &ex,
            &[
                root.join("README.md"),
                root.join("운영체제/README.md"),
                root.join("site/index.html"),
                root.join("target/debug/x.md"),
                root.join("초안/메모.md"),
                root.join("a/node_modules/b.md"),
                root.join("templates/note.html"),
            ],
        );
        assert!(c.templates);
        assert_eq!(
            c.notes,
            vec![root.join("README.md"), root.join("운영체제/README.md")]
        );
    }
}
