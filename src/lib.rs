//! gongbu: Korean markdown study notes to a cross-linked static site.
//!
//! The pipeline, one module per room:
//!
//! ```text
//! notes/ ─load─▶ Note ─index─▶ SiteIndex ─render─▶ pages ─output─▶ site/
//!        note::load   note::parse   index::*         render::*       output
//! ```
//!
//! [`build`] runs it all and returns a [`BuildReport`] holding every
//! diagnostic; nothing here prints or exits.

// Diagnostics are rich values returned on cold paths; boxing them buys nothing.
#![allow(clippy::result_large_err)]
// The public API is what main.rs, serve and the tests need; the rest is
// crate-private (`cargo fix` turns a `pub` nobody outside reaches into
// `pub(crate)`).
#![warn(unreachable_pub)]
// No panics on paths user input reaches.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub(crate) mod cache;
pub mod config;
pub mod diagnostic;
#[cfg(feature = "fuzzing")]
pub mod fuzz;
pub(crate) mod git_dates;
pub(crate) mod ids;
pub mod import;
pub(crate) mod index;
pub mod init;
pub(crate) mod jekyll;
pub(crate) mod korean;
pub(crate) mod memory;
pub(crate) mod note;
pub(crate) mod obsidian;
pub(crate) mod output;
pub(crate) mod readahead;
pub(crate) mod render;
pub mod serve;
pub(crate) mod signatures;
pub(crate) mod site_files;
pub(crate) mod steps;
pub(crate) mod urls;
pub(crate) mod yaml;

pub use output::{clean_stale, remove_marked, remove_on_interrupt, MANIFEST, MARKER};

/// Pieces the integration tests and benchmarks call directly: not a
/// stable API.
#[doc(hidden)]
pub mod internals {
    pub use crate::index::search::{hash, segments, SegmentKind};
    pub use crate::note::html::HtmlTracker;
    pub use crate::render::highlight::{code_block_html, memo_stats, warm_up};
    pub use crate::render::markdown::note_body_html;
    pub use crate::urls::{decode, encode_path, slugify};

    use crate::Site;

    /// Every note's body through the markdown passes: (notes-relative
    /// path, body HTML), in path order.
    pub fn note_bodies(site: &Site) -> Vec<(String, String)> {
        site.index
            .notes
            .iter_enumerated()
            .map(|(id, note)| {
                let html = crate::render::markdown::note_body_html(&site.index, id);
                (note.rel_path.clone(), html)
            })
            .collect()
    }

    /// The id of the longest note (by body length).
    pub fn longest_note(site: &Site) -> Option<usize> {
        site.index
            .notes
            .iter_enumerated()
            .max_by_key(|(_, note)| note.body().len())
            .map(|(id, _)| id.index())
    }

    /// Note `id`'s body HTML.
    pub fn note_html(site: &Site, id: usize) -> String {
        crate::render::markdown::note_body_html(&site.index, id.into())
    }

    /// The first `n` glossary terms' names.
    pub fn term_names(site: &Site, n: usize) -> Vec<String> {
        site.index
            .glossary
            .terms
            .iter()
            .take(n)
            .map(|t| t.term.clone())
            .collect()
    }

    /// Glossary autolinking of `events` as on the page `url`.
    pub fn autolink<'a>(
        site: &Site,
        events: Vec<pulldown_cmark::Event<'a>>,
        url: &str,
    ) -> Vec<pulldown_cmark::Event<'a>> {
        crate::render::glossary::link_terms(events, &site.index.glossary, url, &|_| false)
    }

    /// The site's notes repeated to `n` notes, made once outside a
    /// benchmark's timed loop.
    pub struct RepeatedNotes(Vec<crate::note::Note>);

    /// See [`RepeatedNotes`].
    pub fn repeated_notes(site: &Site, n: usize) -> RepeatedNotes {
        RepeatedNotes(site.index.notes.iter().cycle().take(n).cloned().collect())
    }

    /// Builds the search index of `notes`; returns the bytes of its postings.
    pub fn search_index_of(site: &Site, notes: &RepeatedNotes) -> usize {
        let built = crate::index::search::SearchIndex::from_parts(&notes.0, &site.index.glossary);
        built.postings.values().map(Vec::len).sum()
    }
}

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use config::Config;
use diagnostic::{Code, Diagnostic, Diagnostics, Severity};
use index::SiteIndex;
use note::Note;
use output::{NullSink, Sink, Staging};
use render::templates::Theme;
use render::RenderEnv;

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The folder holding `notes/` (and optionally `gongbu.yaml`,
    /// `templates/`, `static/`).
    pub root: PathBuf,
    /// Output folder; `ROOT/site` when None.
    pub out: Option<PathBuf>,
    /// Overrides `base_url` of gongbu.yaml.
    pub base_url: Option<String>,
    /// Include notes with `draft: true`.
    pub drafts: bool,
    /// Warnings count as errors.
    pub strict: bool,
    /// Add the live-reload script (serve).
    pub live_reload: bool,
    /// Drop files in the output that gongbu did not write (`--clean`);
    /// top-level dotfiles and `CNAME` are kept all the same. The build
    /// cache is deleted too.
    pub clean: bool,
    /// Neither read nor write the build cache (`--no-cache`): every page
    /// is rendered.
    pub no_cache: bool,
    /// The notes folder relative to `root` (`--notes`); None reads
    /// `notes_dir` of gongbu.yaml (default `notes`). `.` is the root itself.
    pub notes: Option<PathBuf>,
    /// Reuse highlighted code lines across blocks (on by default; off only
    /// to measure what the memo buys: the markup is the same either way).
    pub line_memo: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            out: None,
            base_url: None,
            drafts: false,
            strict: false,
            live_reload: false,
            clean: false,
            notes: None,
            no_cache: false,
            line_memo: true,
        }
    }

    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.root.join("site"))
    }

    /// The notes folder: `--notes`, else `notes_dir` of gongbu.yaml, else
    /// `ROOT/notes`. `.` is the root itself.
    pub fn notes_dir(&self) -> PathBuf {
        let rel = self.notes_rel();
        if rel.as_os_str().is_empty() || rel == Path::new(".") {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }

    /// `notes` with the notes folder read from gongbu.yaml when the command
    /// line named none, so later calls need not read the file again.
    pub(crate) fn resolved(&self) -> BuildOptions {
        let mut opts = self.clone();
        opts.notes = Some(self.notes_rel());
        opts
    }

    fn notes_rel(&self) -> PathBuf {
        match &self.notes {
            Some(n) => n.clone(),
            None => {
                let configured = Config::load(&self.root)
                    .map(|c| c.notes_dir)
                    .unwrap_or_default();
                let configured = configured.trim();
                PathBuf::from(if configured.is_empty() {
                    config::DEFAULT_NOTES_DIR
                } else {
                    configured
                })
            }
        }
    }

    /// The notes folder as diagnostics show it, relative to the root
    /// (`notes`, `docs/notes`, `` when the notes are the root itself).
    pub(crate) fn display_prefix(&self) -> String {
        let dir = self.notes_dir();
        let rel = dir.strip_prefix(&self.root).unwrap_or(&dir);
        let shown = rel.to_string_lossy().replace('\\', "/");
        let shown = shown.trim_matches('/');
        if shown == "." {
            String::new()
        } else {
            shown.trim_start_matches("./").to_string()
        }
    }

    /// What the walk of the notes folder leaves out: see [`note::load::Exclusions`].
    pub(crate) fn exclusions(&self, config: &Config) -> note::load::Exclusions {
        note::load::Exclusions::new(
            &self.notes_dir(),
            &self.root,
            &self.out_dir(),
            &config.exclude,
        )
    }

    /// Whether a loaded note goes into the site (drafts only with `--drafts`).
    pub(crate) fn publishes(&self, note: &Note) -> bool {
        self.drafts || !note.draft
    }
}

/// `build` writes the site; `check` runs every step and writes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Build,
    Check,
}

/// The outcome of a build or check.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub diagnostics: Vec<Diagnostic>,
    pub notes: usize,
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    /// Whether the output folder was replaced.
    pub written: bool,
    pub out: PathBuf,
    /// How long each phase took.
    pub timings: Vec<(&'static str, Duration)>,
    /// Files the previous site already held with the same bytes; they were
    /// linked instead of written, keeping their modification time.
    pub reused: usize,
    /// Note, category and tag pages rendered (every page, home and lists
    /// included, without the cache).
    pub pages_rendered: usize,
    /// Note, category and tag pages the build cache kept from the
    /// previous output without rendering them.
    pub pages_cached: usize,
    /// Notes taken from the note cache without being read and analyzed
    /// again.
    pub notes_cached: usize,
}

/// Where a build is, for a progress display. The library only reports;
/// `main` decides whether and how to draw it.
pub trait Progress: Sync {
    /// A phase starts with about `total` steps.
    fn start(&self, phase: &'static str, total: usize);
    /// `n` more steps of the current phase are done.
    fn advance(&self, n: usize);
}

/// Reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _phase: &'static str, _total: usize) {}
    fn advance(&self, _n: usize) {}
}

/// The phase of reading notes, for [`Progress::start`].
pub const PHASE_LOAD: &str = "노트 읽는 중";
/// The phase of rendering and writing pages, for [`Progress::start`].
pub const PHASE_RENDER: &str = "페이지 쓰는 중";

/// A sink that passes everything on and reports each written page.
struct ProgressSink<'a> {
    inner: &'a dyn Sink,
    progress: &'a dyn Progress,
}

impl Sink for ProgressSink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let result = self.inner.write(rel, bytes);
        if rel.ends_with(".html") {
            self.progress.advance(1);
        }
        result
    }
    fn copy(&self, rel: &str, from: &Path) -> std::io::Result<()> {
        self.inner.copy(rel, from)
    }
    fn count(&self) -> usize {
        self.inner.count()
    }
    fn wants(&self, rel: &str) -> bool {
        self.inner.wants(rel)
    }
    fn keep_written(&self, rel: &str, hash: u64) -> bool {
        self.inner.keep_written(rel, hash)
    }
}

impl BuildReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// 0 success (warnings allowed), 1 content errors, 2 usage/config
    /// errors: the worst class among the errors' codes.
    pub fn exit_code(&self) -> i32 {
        self.diagnostics
            .iter()
            .map(Diagnostic::exit_code)
            .max()
            .unwrap_or(0)
    }

    fn fail(mut self, d: Diagnostic, started: Instant) -> BuildReport {
        self.diagnostics.push(d);
        self.elapsed = started.elapsed();
        self
    }
}

/// A loaded and indexed site, ready to render.
pub struct Site {
    pub(crate) options: BuildOptions,
    pub(crate) index: SiteIndex,
    pub(crate) theme: Theme,
}

/// Loads the notes and builds the site index. Returns the site (None when a
/// fatal problem stopped loading) and the diagnostics so far.
pub fn load_site(
    opts: &BuildOptions,
    timings: &mut Vec<(&'static str, Duration)>,
) -> (Option<Site>, Vec<Diagnostic>) {
    load_site_with(opts, timings, &NoProgress, None)
}

/// [`load_site`] reporting to `progress`; with `note_cache`, notes whose
/// files are unchanged come from the note cache ([`cache::notes`]), which
/// is brought up to date, and their number goes there.
fn load_site_with(
    opts: &BuildOptions,
    timings: &mut Vec<(&'static str, Duration)>,
    progress: &dyn Progress,
    note_cache: Option<&mut usize>,
) -> (Option<Site>, Vec<Diagnostic>) {
    let opts = &opts.resolved();
    let mut diags = Vec::new();
    let t = Instant::now();
    let config = match load_config(opts) {
        Ok(c) => c,
        Err(d) => return (None, vec![d]),
    };
    let theme = match Theme::load(&opts.root) {
        Ok(t) => t,
        Err(d) => return (None, vec![d]),
    };
    let notes_dir = opts.notes_dir();
    if !notes_dir.is_dir() {
        return (None, vec![missing_notes_dir(&notes_dir)]);
    }
    timings.push(("설정·테마", t.elapsed()));

    let t = Instant::now();
    let load_span = tracing::info_span!("load").entered();
    let step = steps::Step::start("load");
    let prefix = opts.display_prefix();
    let dialect = config.dialect();
    // The note cache is read while the notes folder is walked.
    let opening = note_cache.is_some().then(|| {
        let (root, prefix) = (opts.root.clone(), prefix.clone());
        std::thread::spawn(move || cache::notes::NoteCache::open(&root, &prefix, dialect))
    });
    let memo = note_cache.is_some().then(|| {
        let root = opts.root.clone();
        std::thread::spawn(move || cache::memo::Memo::open(&root))
    });
    let exclusions = opts.exclusions(&config);
    diags.extend(exclusions.diagnostics.iter().cloned());
    let found = note::load::discover(&notes_dir, &opts.root, &exclusions);
    diags.extend(found.diagnostics);
    step.done("walk");
    progress.start(PHASE_LOAD, found.notes.len());
    let cache = opening.and_then(|t| t.join().ok()).map(|(cache, notice)| {
        diags.extend(notice);
        cache
    });
    // With the cache, every file's stamp first: the notes it keeps are
    // not read at all. Each file: its kept note, or the stamp to record
    // for it (empty when not settled); None without the cache.
    let now = std::time::SystemTime::now();
    let kept: Vec<Option<Result<Note, String>>> = found
        .notes
        .par_iter()
        .map(|file| {
            let cache = cache.as_ref()?;
            let (stamp, settled) = cache::notes::note_stamp(&file.path, now);
            Some(
                cache
                    .kept(file, &stamp)
                    .ok_or(if settled { stamp } else { String::new() }),
            )
        })
        .collect();
    step.done("note cache");
    let to_read: Vec<PathBuf> = found
        .notes
        .iter()
        .zip(&kept)
        .filter(|(_, k)| !matches!(k, Some(Ok(_))))
        .map(|(f, _)| f.path.clone())
        .collect();
    let ahead = readahead::Readahead::start(to_read, rayon::current_num_threads());
    let mut loaded: Vec<cache::notes::Loaded> = found
        .notes
        .par_iter()
        .zip(kept)
        .map(|(file, kept)| {
            let loaded = match (kept, &cache) {
                (Some(Ok(note)), _) => cache::notes::Loaded {
                    result: Ok(Some(note)),
                    warnings: Vec::new(),
                    how: cache::notes::How::Kept,
                },
                (Some(Err(stamp)), Some(cache)) => cache.load(file, &prefix, dialect, stamp),
                _ => {
                    let mut warnings = Vec::new();
                    let result = note::load_note(file, &prefix, dialect, &mut warnings);
                    cache::notes::Loaded {
                        result,
                        warnings,
                        how: cache::notes::How::Uncached,
                    }
                }
            };
            progress.advance(1);
            loaded
        })
        .collect();
    drop(ahead);
    step.done("read and analyze");
    if let Some(cached) = note_cache {
        *cached = loaded
            .iter()
            .filter(|l| {
                matches!(
                    l.how,
                    cache::notes::How::Kept | cache::notes::How::Restamped { .. }
                )
            })
            .count();
    }
    let saving = cache.map(|cache| cache.save(&found.notes, &mut loaded));
    let mut notes = Vec::with_capacity(loaded.len());
    for cache::notes::Loaded {
        result, warnings, ..
    } in loaded
    {
        diags.extend(warnings);
        match result {
            Ok(Some(n)) if opts.publishes(&n) => notes.push(n),
            Ok(_) => {}
            Err(d) => diags.push(d),
        }
    }
    step.done("collect");
    memory::release_free_memory();
    step.done("release memory");
    tracing::info!(
        files = found.notes.len(),
        notes = notes.len(),
        assets = found.assets.len(),
        ms = t.elapsed().as_millis() as u64,
        "notes loaded"
    );
    drop(load_span);
    timings.push(("노트 읽기·분석", t.elapsed()));

    if config.git_dates {
        let t = Instant::now();
        if let Some(dates) = git_dates::GitDates::read(&notes_dir) {
            for n in &mut notes {
                dates.apply(n);
            }
        }
        timings.push(("git 날짜", t.elapsed()));
    }

    let t = Instant::now();
    let index_span = tracing::info_span!("index").entered();
    let assets: HashMap<String, PathBuf> =
        found.assets.into_iter().map(|f| (f.rel, f.path)).collect();
    let memo = memo.and_then(|t| t.join().ok()).map(|(memo, notice)| {
        diags.extend(notice);
        memo
    });
    let site = Site::from_notes(
        opts.clone(),
        notes,
        config,
        theme,
        assets,
        memo.as_ref().map(|m| m as &dyn index::IndexMemo),
        &mut diags,
    );
    tracing::info!(
        notes = site.index.notes.len(),
        categories = site.index.taxonomy.categories.len(),
        tags = site.index.taxonomy.tags.len(),
        terms = site.index.glossary.terms.len(),
        comparisons = site.index.comparisons.found.len(),
        ms = t.elapsed().as_millis() as u64,
        "site indexed"
    );
    drop(index_span);
    diags.extend(memo.and_then(cache::memo::Memo::save));
    if let Some(saving) = saving {
        diags.extend(saving.finish());
        // The records written go back to the system before the render.
        memory::release_free_memory();
    }
    timings.push(("사이트 색인", t.elapsed()));
    (Some(site), diags)
}

/// The error for a notes folder that is not there (exit code 2).
pub(crate) fn missing_notes_dir(notes_dir: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::NotesDir,
        format!("노트 폴더 `{}`가 없습니다", notes_dir.display()),
    )
    .with_help(
        "--root로 노트 폴더를 담은 폴더를, --notes나 gongbu.yaml의 `notes_dir`로 노트 폴더를 지정하세요 (`.`은 루트 자체)",
    )
}

/// `gongbu.yaml` with the command line's overrides applied.
pub(crate) fn load_config(opts: &BuildOptions) -> Result<Config, Diagnostic> {
    let mut config = Config::load(&opts.root)?;
    jekyll::merge_config(&mut config, &opts.root, &opts.notes_dir())?;
    if let Some(base) = &opts.base_url {
        // `/` is serve's own: pages relative to the server's root.
        if base != "/" {
            config::check_base_url(base.trim()).map_err(|d| {
                Diagnostic::error(Code::Usage, format!("--base-url: {}", d.message))
                    .with_help("예: --base-url https://user.github.io/repo/")
            })?;
        }
        config.set_base_url(base.clone());
    }
    Ok(config)
}

impl Site {
    /// Indexes loaded notes (sorted by path, holding only the notes to
    /// publish) into a site ready to render.
    pub(crate) fn from_notes(
        options: BuildOptions,
        notes: Vec<Note>,
        config: Config,
        mut theme: Theme,
        assets: HashMap<String, PathBuf>,
        memo: Option<&dyn index::IndexMemo>,
        diags: &mut Vec<Diagnostic>,
    ) -> Site {
        let step = steps::Step::start("index");
        let mut notes = notes;
        note::load::keep_linked_meta(&mut notes);
        let options = options.resolved();
        let notes_dir = options.notes_dir();
        let prefix = options.display_prefix();
        step.done("meta files");
        let mut index = SiteIndex::build(notes, config, assets, &notes_dir, &prefix, memo, diags);
        let step = steps::Step::start("index");
        render::assets::scale_images(&mut index, &prefix, diags);
        step.done("scale images");
        // Values every page shares go into Tera's global context once.
        *theme.tera.global_context() = render::pages::global_context(&index);
        step.done("global context");
        Site {
            options,
            index,
            theme,
        }
    }

    /// Renders with the environment of this site.
    pub(crate) fn with_env<R>(&self, f: impl FnOnce(&RenderEnv<'_>) -> R) -> R {
        self.with_chunks(None, f)
    }

    /// [`Self::with_env`], keeping search index chunks in `search_chunks`.
    fn with_chunks<R>(
        &self,
        search_chunks: Option<&dyn index::search::ChunkStore>,
        f: impl FnOnce(&RenderEnv<'_>) -> R,
    ) -> R {
        let notes_dir = self.options.notes_dir();
        let env = RenderEnv {
            index: &self.index,
            theme: &self.theme,
            notes_root: &notes_dir,
            live_reload: self.options.live_reload,
            search_chunks,
        };
        f(&env)
    }

    /// The page of note `id` alone, as a build writes it.
    pub(crate) fn note_page(&self, id: note::NoteId) -> Result<String, Diagnostic> {
        self.with_env(|env| render::note_page_html(env, id))
    }
}

/// Renders a loaded site into `sink`, keeping all of it. Returns the number
/// of pages.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn render_into(site: &Site, sink: &dyn Sink, diags: &Diagnostics) -> usize {
    render_with_chunks(site, sink, diags, None)
}

/// Renders a loaded site into `sink`, keeping search index chunks in
/// `search_chunks`. Returns the number of pages.
pub(crate) fn render_with_chunks(
    site: &Site,
    sink: &dyn Sink,
    diags: &Diagnostics,
    search_chunks: Option<&dyn index::search::ChunkStore>,
) -> usize {
    render::highlight::set_line_memo(site.options.line_memo);
    site.with_chunks(search_chunks, |env| render::render_site(env, sink, diags))
}

/// [`render_with_chunks`] for a build that ends after it: the facts only
/// indexing reads are dropped first, and each note's text, links, backlinks
/// and related notes once the note pages are written
/// (`SiteIndex::drop_note_page_facts`), so the search index and the other
/// pages are made without them.
fn render_and_drop(
    site: &mut Site,
    sink: &dyn Sink,
    diags: &Diagnostics,
    search_chunks: Option<&dyn index::search::ChunkStore>,
) -> usize {
    site.index.drop_index_only_facts();
    render::highlight::set_line_memo(site.options.line_memo);
    let notes_done = site.with_chunks(search_chunks, |env| {
        render::render_note_pages(env, sink, diags)
    });
    site.index.drop_note_page_facts();
    site.with_chunks(search_chunks, |env| {
        render::render_other_pages(env, sink, diags, notes_done)
    })
}

/// Builds (or checks) the site described by `opts`.
pub fn build(opts: &BuildOptions, mode: Mode) -> BuildReport {
    build_with_progress(opts, mode, &NoProgress)
}

/// [`build`], reporting its progress to `progress`.
pub fn build_with_progress(
    opts: &BuildOptions,
    mode: Mode,
    progress: &dyn Progress,
) -> BuildReport {
    let started = Instant::now();
    let opts = &opts.resolved();
    let out = opts.out_dir();
    let mut report = BuildReport {
        out: out.clone(),
        ..Default::default()
    };
    if mode == Mode::Build {
        if let Err(d) = output::check_out_dir(&out, &opts.root, &opts.notes_dir()) {
            return report.fail(d, started);
        }
    }
    if mode == Mode::Build && opts.clean {
        cache::delete(&opts.root);
    }
    let mut notes_cached = 0;
    let note_cache = (mode == Mode::Build && !opts.no_cache).then_some(&mut notes_cached);
    let (site, mut diags) = load_site_with(opts, &mut report.timings, progress, note_cache);
    report.notes_cached = notes_cached;
    let Some(mut site) = site else {
        report.diagnostics = diags;
        report.elapsed = started.elapsed();
        return report;
    };
    report.notes = site.index.notes.len();
    if opts.strict {
        promote_warnings(&mut diags);
    }
    if diags.iter().any(Diagnostic::is_error) {
        report.diagnostics = finish(diags);
        report.elapsed = started.elapsed();
        return report;
    }

    let t = Instant::now();
    let render_span = tracing::info_span!("render").entered();
    let collected = Diagnostics::new();
    progress.start(PHASE_RENDER, expected_pages(&site.index));
    let (pages, files, written) = match mode {
        Mode::Check => {
            let sink = NullSink::default();
            let sink = ProgressSink {
                inner: &sink,
                progress,
            };
            let pages = render_and_drop(&mut site, &sink, &collected, None);
            tracing::info!(
                pages,
                files = sink.count(),
                ms = t.elapsed().as_millis() as u64,
                "pages rendered (check: nothing written)"
            );
            (pages, sink.count(), false)
        }
        Mode::Build => {
            let staging = match Staging::create(&out) {
                Ok(s) if opts.no_cache => s,
                Ok(s) => s.reusing_spare(&cache::spare_dir(&site.options.root)),
                Err(d) => {
                    diags.push(d);
                    report.diagnostics = finish(diags);
                    return report;
                }
            };
            let step = steps::Step::start("cache");
            let cache = (!opts.no_cache).then(|| {
                let (cache, notice) = cache::BuildCache::open(&site);
                diags.extend(notice);
                cache
            });
            step.done("keys and last build read");
            let kept = cache
                .as_ref()
                .map(|c| c.keep_unchanged(&staging))
                .unwrap_or_default();
            step.done("unchanged pages linked");
            progress.advance(kept.len());
            report.pages_cached = kept.len();
            let recording = cache.as_ref().map(|c| c.recording(&staging, &kept));
            let sink: &dyn Sink = match &recording {
                Some(r) => r,
                None => &staging,
            };
            let pages = render_and_drop(
                &mut site,
                &ProgressSink {
                    inner: sink,
                    progress,
                },
                &collected,
                cache
                    .as_ref()
                    .map(|c| c.search_chunks() as &dyn index::search::ChunkStore),
            );
            let outputs = recording.map(cache::Recording::into_outputs);
            let files = staging.count();
            report.reused = staging.reused();
            tracing::info!(
                pages,
                files,
                ms = t.elapsed().as_millis() as u64,
                "pages rendered"
            );
            let _output = tracing::info_span!("output").entered();
            let step = steps::Step::start("output");
            if let Some(failure) = staging.failure() {
                // One error for a full disk, not one per page.
                collected.retain(|d| d.code != "write");
                collected.push(failure);
            } else if !collected.has_errors() {
                match staging.carry_over(opts.clean) {
                    Ok(kept) => collected.extend(kept),
                    Err(d) => collected.push(d),
                }
            }
            step.done("carried over");
            let mut render_diags = collected.snapshot();
            if opts.strict {
                promote_warnings(&mut render_diags);
            }
            if render_diags.iter().any(Diagnostic::is_error) {
                drop(staging);
                (pages, files, false)
            } else {
                match staging.commit() {
                    Ok(()) => {
                        step.done("swapped in");
                        if let (Some(cache), Some(outputs)) = (&cache, outputs) {
                            diags.extend(cache.save(&out, &kept, outputs));
                        }
                        step.done("cache saved");
                        (pages, files, true)
                    }
                    Err(d) => {
                        collected.push(d);
                        (pages, files, false)
                    }
                }
            }
        }
    };
    drop(render_span);
    if written {
        tracing::info!(
            out = %out.display(),
            files,
            reused = report.reused,
            "output swapped in"
        );
    }
    report.timings.push(("렌더링·쓰기", t.elapsed()));
    // Freeing a large site takes a while and nobody waits for it.
    std::thread::spawn(move || drop(site));
    diags.extend(collected.into_sorted());
    if opts.strict {
        promote_warnings(&mut diags);
    }
    report.pages = pages;
    report.pages_rendered = pages - report.pages_cached.min(pages);
    report.files = files;
    report.written = written;
    report.diagnostics = finish(diags);
    report.elapsed = started.elapsed();
    report
}

/// About how many HTML pages a site has (for the progress display).
fn expected_pages(index: &SiteIndex) -> usize {
    index.notes.len()
        + index.taxonomy.categories.len()
        + index.taxonomy.tags.len()
        + render::compare_pages::urls(index).len()
        + index.glossary.terms.len()
        + 8
}

fn promote_warnings(diags: &mut [Diagnostic]) {
    for d in diags {
        if d.severity == Severity::Warning {
            d.severity = Severity::Error;
        }
    }
}

fn finish(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostic::sort_diagnostics(&mut diags);
    diags
}

/// Writes a new note with its front matter filled in, in the notes folder
/// of `opts` (`--notes` or `notes_dir`); returns its path.
pub fn new_note_in(
    opts: &BuildOptions,
    title: &str,
    category: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<PathBuf, Diagnostic> {
    write_new_note(&opts.notes_dir(), title, category, today)
}

/// Writes a new note under `ROOT`'s notes folder (`notes_dir` of its
/// gongbu.yaml); returns its path.
pub fn new_note(
    root: &Path,
    title: &str,
    category: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<PathBuf, Diagnostic> {
    new_note_in(&BuildOptions::new(root), title, category, today)
}

fn write_new_note(
    notes: &Path,
    title: &str,
    category: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<PathBuf, Diagnostic> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Diagnostic::error(Code::Usage, "제목이 비어 있습니다"));
    }
    let mut dir = notes.to_path_buf();
    if let Some(cat) = category {
        for seg in cat.split('/').filter(|s| !s.trim().is_empty()) {
            if seg == ".." || seg == "." {
                return Err(Diagnostic::error(
                    Code::Usage,
                    "분류에 `..`나 `.`을 쓸 수 없습니다",
                ));
            }
            dir.push(urls::slugify(seg));
        }
    }
    let file = dir.join(format!("{}.md", urls::slugify(title)));
    if std::fs::symlink_metadata(&file).is_ok() {
        return Err(Diagnostic::error(
            Code::Usage,
            format!("`{}`가 이미 있습니다; 덮어쓰지 않습니다", file.display()),
        ));
    }
    std::fs::create_dir_all(notes)
        .map_err(|e| Diagnostic::error(Code::Usage, format!("폴더를 만들 수 없습니다: {e}")))?;
    // A symlinked folder on the way must not lead the new file out of the
    // notes: check the part of the path that exists, before creating more.
    let notes_real = notes.canonicalize().unwrap_or_else(|_| notes.to_path_buf());
    let mut existing = dir.clone();
    while std::fs::symlink_metadata(&existing).is_err() {
        if !existing.pop() {
            break;
        }
    }
    let escapes = existing
        .canonicalize()
        .map_or(true, |real| !real.starts_with(&notes_real));
    if escapes {
        return Err(Diagnostic::error(
            Code::Usage,
            format!(
                "`{}`는 심볼릭 링크를 거쳐 notes/ 밖을 가리킵니다; 쓰지 않습니다",
                existing.display()
            ),
        ));
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| Diagnostic::error(Code::Usage, format!("폴더를 만들 수 없습니다: {e}")))?;
    let yaml_title = serde_yaml::to_string(title).unwrap_or_else(|_| format!("\"{title}\"\n"));
    let mut text = format!(
        "---\ntitle: {}date: {}\n",
        yaml_title,
        today.format("%Y-%m-%d")
    );
    if let Some(cat) = category {
        text.push_str(&format!(
            "category: {}",
            serde_yaml::to_string(cat).unwrap_or_default()
        ));
    }
    text.push_str("tags: []\ndescription: \"\"\n---\n\n## 정리\n\n");
    // `create_new` refuses anything already there, a dangling symlink too.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|e| Diagnostic::error(Code::Usage, format!("노트를 쓸 수 없습니다: {e}")))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `dir`, by path relative to it.
    fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
                let rel = rel.to_string_lossy().replace('\\', "/");
                (rel, std::fs::read(e.path()).unwrap_or_default())
            })
            .filter(|(rel, _)| !rel.starts_with(".gongbu"))
            .collect()
    }

    /// A build drops the facts only indexing reads and each note's text once
    /// the note pages are written (`render_and_drop`); on the sample notes
    /// (every feature: glossary, comparisons, diagrams, a README home page,
    /// feeds) it writes byte for byte what a render keeping everything, as
    /// `serve` renders, writes.
    #[test]
    fn dropping_note_texts_after_the_note_pages_changes_no_byte() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = tempfile::tempdir().expect("temp dir");
        let mut opts = BuildOptions::new(root);
        opts.out = Some(out.path().join("site"));
        opts.no_cache = true;
        let report = build(&opts, Mode::Build);
        assert!(
            !report.diagnostics.iter().any(Diagnostic::is_error),
            "{:#?}",
            report.diagnostics
        );
        let built = tree(&out.path().join("site"));

        let (site, _) = load_site(&opts, &mut Vec::new());
        let site = site.expect("site");
        assert!(site.index.notes.iter().all(|n| !n.source.is_empty()));
        let sink = output::MemorySink::default();
        render_into(&site, &sink, &Diagnostics::new());
        let kept = sink.into_files();

        assert!(built.len() > 50, "{}", built.len());
        let built_paths: Vec<&String> = built.keys().collect();
        let kept_paths: Vec<&String> = kept.keys().collect();
        assert_eq!(built_paths, kept_paths);
        for (path, bytes) in &built {
            assert!(kept[path] == *bytes, "{path} differs");
        }
    }

    #[test]
    fn note_texts_and_links_are_dropped_unless_feeds_carry_whole_notes() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let opts = BuildOptions::new(root);
        let (site, _) = load_site(&opts, &mut Vec::new());
        let mut site = site.expect("site");
        let linking = |site: &Site| site.index.notes.iter().any(|n| !n.facts.links.is_empty());
        assert!(linking(&site) && site.index.backlinks.iter().any(|b| !b.is_empty()));
        site.index.config.feed_content = "full".to_string();
        site.index.drop_note_page_facts();
        // Whole notes in the feed: their text and links stay; what only
        // the note pages show goes.
        assert!(site.index.notes.iter().all(|n| !n.source.is_empty()));
        assert!(linking(&site) && site.index.links.len() == site.index.notes.len());
        assert!(site.index.backlinks.is_empty() && site.index.related.is_empty());
        site.index.config.feed_content = String::new();
        site.index.drop_note_page_facts();
        assert!(site.index.notes.iter().all(|n| n.source.is_empty()));
        assert!(!linking(&site) && site.index.links.is_empty());
    }
}
