//! Rendering: every page of the site from the [`SiteIndex`], in parallel,
//! straight into a [`Sink`]. Markdown passes live in their own modules and
//! each does one thing; `pages` turns results into template contexts.

pub(crate) mod assets;
pub(crate) mod callouts;
pub(crate) mod code_block;
pub(crate) mod compare_pages;
pub(crate) mod footnotes;
pub(crate) mod glossary;
pub(crate) mod glossary_pages;
pub(crate) mod headings;
pub(crate) mod highlight;
pub(crate) mod images;
pub(crate) mod links;
pub(crate) mod markdown;
pub(crate) mod math;
pub(crate) mod mermaid;
pub(crate) mod pages;
pub(crate) mod raw_html;
pub(crate) mod search_pages;
pub(crate) mod sharing;
pub(crate) mod tables;
pub(crate) mod templates;
pub(crate) mod third_party;

use std::path::Path;

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ids::{CategoryId, TagId};
use crate::index::taxonomy::{ARCHIVE_URL, TAG_INDEX_URL};
use crate::index::SiteIndex;
use crate::note::NoteId;
use crate::output::Sink;
use crate::site_files;
use templates::Theme;

/// What rendering reads.
pub(crate) struct RenderEnv<'a> {
    pub index: &'a SiteIndex,
    pub theme: &'a Theme,
    pub notes_root: &'a Path,
    /// `gongbu serve` adds its live-reload script to pages.
    pub live_reload: bool,
    /// Search index chunks kept between builds (the build cache).
    pub search_chunks: Option<&'a dyn crate::index::search::ChunkStore>,
}

pub(crate) fn has_comparisons(index: &SiteIndex) -> bool {
    !index.comparisons.is_empty()
}

/// What a note page needs for its code blocks, diagrams and comments:
/// `has_code` and `has_mermaid` (the page then loads `note.js`, and the
/// Mermaid script), `show_comments` unless the note says `comments: false`.
fn note_extras_context(
    ctx: &mut tera::Context,
    index: &SiteIndex,
    note: &crate::note::Note,
    body_html: &str,
) {
    let has_mermaid = mermaid::page_has_diagram(body_html);
    let has_code = body_html.contains("<pre class=\"code");
    let comments_off = note
        .front
        .extra
        .get("comments")
        .is_some_and(|v| v.as_bool() == Some(false));
    let show_comments = !note.is_folder_index
        && !comments_off
        && (index.config.comments.giscus.is_some() || index.config.comments.utterances.is_some());
    ctx.insert("has_mermaid", &has_mermaid);
    ctx.insert("has_code", &has_code);
    ctx.insert("show_comments", &show_comments);
}

/// Writes one file, turning an I/O failure into a diagnostic.
fn put(sink: &dyn Sink, diags: &Diagnostics, rel: &str, bytes: &[u8]) {
    if let Err(e) = sink.write(rel, bytes) {
        diags.push(Diagnostic::error(
            Code::Write,
            format!("`{rel}`을 쓸 수 없습니다: {e}"),
        ));
    }
}

fn put_page(sink: &dyn Sink, diags: &Diagnostics, rel: &str, page: Result<String, Diagnostic>) {
    match page {
        Ok(html) => put(sink, diags, rel, html.as_bytes()),
        Err(d) => diags.push(d),
    }
}

/// The page of note `id` alone, exactly as [`render_site`] writes it
/// (`gongbu serve` shows an edited note before the rest is rebuilt).
pub(crate) fn note_page_html(env: &RenderEnv<'_>, id: NoteId) -> Result<String, Diagnostic> {
    pages::note_page(env, id, &markdown::note_body_html(env.index, id))
}

/// Renders and writes every page, asset and static file (note, category and
/// tag pages only where [`Sink::wants`] them). Returns the number of HTML
/// pages.
pub(crate) fn render_site(env: &RenderEnv<'_>, sink: &dyn Sink, diags: &Diagnostics) -> usize {
    let notes_done = render_note_pages(env, sink, diags);
    render_other_pages(env, sink, diags, notes_done)
}

/// What the note pages leave to the rest of the render: the home page's
/// introduction and what no longer needs the notes' text.
pub(crate) struct NotePagesDone {
    home_note: Option<NoteId>,
    intro: Option<String>,
    has_diagrams: bool,
    pages_written: usize,
    /// Note pages made (not kept from the last build by the cache).
    rendered: usize,
}

/// The first half of [`render_site`]: the note (and folder) pages, the only
/// pages made from the notes' text. After it a build that ends can drop that
/// text and what only these pages show (links, backlinks, related notes:
/// `SiteIndex::drop_note_page_facts`) before [`render_other_pages`].
pub(crate) fn render_note_pages(
    env: &RenderEnv<'_>,
    sink: &dyn Sink,
    diags: &Diagnostics,
) -> NotePagesDone {
    let index = env.index;
    let step = crate::steps::Step::start("render");
    highlight::warm_up();

    // Notes (and folder pages), in parallel. The root README is the home
    // page's introduction.
    let home_note = index.note_by_url(site_files::HOME);
    let intro: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    let rendered = std::sync::atomic::AtomicUsize::new(0);
    (0..index.notes.len())
        .into_par_iter()
        .map(NoteId::from)
        .for_each(|id| {
            if Some(id) == home_note {
                let body = markdown::note_body_html(index, id);
                if let Ok(mut slot) = intro.lock() {
                    *slot = Some(body);
                }
                return;
            }
            let url = &index.notes[id].url;
            if sink.wants(url) {
                rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                put_page(sink, diags, url, note_page_html(env, id));
            }
        });
    step.done("note pages");
    highlight::forget_line_memo();
    crate::memory::release_free_memory();
    // Mermaid (a few megabytes) is copied only for a site with a diagram.
    let has_diagrams = index
        .notes
        .iter()
        .any(|n| mermaid::source_may_have_diagram(n.body()));
    NotePagesDone {
        home_note,
        intro: intro.into_inner().ok().flatten(),
        has_diagrams,
        pages_written: index.notes.len() + usize::from(home_note.is_none()),
        rendered: rendered.into_inner(),
    }
}

/// The second half of [`render_site`]: the search index, and the home,
/// list, comparison and glossary pages, feeds and files. Reads no note's
/// text.
///
/// When the note pages were made (a build without the cache, or after edits
/// to much of the site), the search index comes first and the rest after
/// it: its postings are the render's largest allocation, so nothing else is
/// held while they are. When the cache kept most note pages, little memory
/// is in use and both halves are short and partly serial (joining the
/// search postings, writing its packs), so they are made side by side.
pub(crate) fn render_other_pages(
    env: &RenderEnv<'_>,
    sink: &dyn Sink,
    diags: &Diagnostics,
    notes_done: NotePagesDone,
) -> usize {
    let side_by_side = notes_done.rendered * SIDE_BY_SIDE_BELOW < env.index.notes.len();
    if side_by_side {
        let (search, rest) = rayon::join(
            || {
                let step = crate::steps::Step::start("render");
                let pages = search_pages::write_search(env, sink, diags);
                step.done("search index (beside the other pages)");
                pages
            },
            || pages_besides_search(env, sink, diags, notes_done),
        );
        return search + rest;
    }
    let step = crate::steps::Step::start("render");
    let search = search_pages::write_search(env, sink, diags);
    step.done("search index");
    search + pages_besides_search(env, sink, diags, notes_done)
}

/// [`render_other_pages`] makes the search index beside the other pages
/// when fewer than one note page in this many was made.
const SIDE_BY_SIDE_BELOW: usize = 4;

/// Everything [`render_other_pages`] writes but the search index; returns
/// the number of pages, the note pages' included.
fn pages_besides_search(
    env: &RenderEnv<'_>,
    sink: &dyn Sink,
    diags: &Diagnostics,
    notes_done: NotePagesDone,
) -> usize {
    let index = env.index;
    let step = crate::steps::Step::start("render");
    let NotePagesDone {
        home_note,
        intro,
        has_diagrams,
        pages_written,
        rendered: _,
    } = notes_done;
    // The pages and files below do not depend on one another; the large
    // single pages (home, archive, sitemap) are each one task, so no core
    // waits while one of them is made.
    let written = std::sync::atomic::AtomicUsize::new(0);
    let count = |n: usize| {
        written.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    };
    rayon::scope(|s| {
        s.spawn(|_| {
            put_page(
                sink,
                diags,
                site_files::HOME,
                pages::home_page(env, intro.as_deref(), home_note),
            );
        });
        s.spawn(|_| {
            if sink.wants(ARCHIVE_URL) {
                put_page(sink, diags, ARCHIVE_URL, pages::archive_page(env));
            }
            count(1);
        });
        s.spawn(|_| {
            put_page(sink, diags, TAG_INDEX_URL, pages::tag_index_page(env));
            put_page(
                sink,
                diags,
                site_files::NOT_FOUND,
                pages::not_found_page(env),
            );
            count(2);
        });
        // Taxonomies.
        s.spawn(|_| {
            let categories: Vec<CategoryId> = index.taxonomy.categories.keys().collect();
            categories.par_iter().for_each(|&c| {
                let url = &index.taxonomy.categories[c].url;
                if sink.wants(url) {
                    put_page(sink, diags, url, pages::category_page(env, c));
                }
                if c != CategoryId::ROOT {
                    let feed = pages::feed_url(url);
                    put_page(sink, diags, &feed, pages::category_feed(env, c));
                }
            });
            count(categories.len());
        });
        s.spawn(|_| {
            (0..index.taxonomy.tags.len())
                .into_par_iter()
                .map(TagId::from)
                .for_each(|t| {
                    let url = &index.taxonomy.tags[t].url;
                    if sink.wants(url) {
                        put_page(sink, diags, url, pages::tag_page(env, t));
                    }
                    put_page(sink, diags, &pages::feed_url(url), pages::tag_feed(env, t));
                });
            count(index.taxonomy.tags.len());
        });
        s.spawn(|_| count(compare_pages::render_all(env, sink, diags)));
        s.spawn(|_| count(glossary_pages::render(env, sink, diags)));
        // Feeds and files for hosts.
        s.spawn(|_| {
            put_page(sink, diags, site_files::FEED, pages::feed(env));
            count(crate::jekyll::redirects::write_all(index, sink, diags));
            if crate::jekyll::is_jekyll_site(&index.config, &index.notes.raw) {
                put_page(sink, diags, crate::jekyll::FEED_COPY, pages::feed(env));
            }
        });
        s.spawn(|_| {
            let mut sitemap_urls: Vec<(String, Option<String>)> = index
                .notes
                .iter()
                .map(|n| (n.url.clone(), n.updated.or(n.date).map(|d| d.ymd())))
                .collect();
            if home_note.is_none() {
                sitemap_urls.push((site_files::HOME.to_string(), None));
            }
            sitemap_urls.extend(pages::category_urls(index).into_iter().map(|u| (u, None)));
            sitemap_urls.extend(index.taxonomy.tags.iter().map(|t| (t.url.clone(), None)));
            sitemap_urls.push((ARCHIVE_URL.to_string(), None));
            sitemap_urls.extend(glossary_pages::urls(index).into_iter().map(|u| (u, None)));
            sitemap_urls.extend(compare_pages::urls(index).into_iter().map(|u| (u, None)));
            sitemap_urls.sort();
            put_page(
                sink,
                diags,
                site_files::SITEMAP,
                pages::sitemap(env, &sitemap_urls),
            );
            let mut robots = String::from("User-agent: *\nAllow: /\n");
            if let Some(url) = index.config.absolute_url(site_files::SITEMAP) {
                robots.push_str(&format!("Sitemap: {url}\n"));
            }
            put(sink, diags, site_files::ROBOTS, robots.as_bytes());
            put(sink, diags, site_files::NOJEKYLL, b"");
            if !index.config.cname.trim().is_empty() {
                put(
                    sink,
                    diags,
                    site_files::CNAME,
                    format!("{}\n", index.config.cname.trim()).as_bytes(),
                );
            }
        });
        // Theme files, highlighting stylesheet, referenced assets (Mermaid
        // only for a site with a diagram).
        s.spawn(|_| {
            for (rel, bytes) in &env.theme.static_files {
                if !has_diagrams && rel.starts_with("assets/mermaid/") {
                    continue;
                }
                put(sink, diags, rel, bytes);
            }
            put(
                sink,
                diags,
                "assets/highlight.css",
                highlight::stylesheet().as_bytes(),
            );
        });
        s.spawn(|_| {
            index.assets_used.par_iter().for_each(|rel| {
                let from = match index.assets.get(rel) {
                    Some(path) => path.clone(),
                    None => env.notes_root.join(rel),
                };
                if let Err(e) = sink.copy(&crate::urls::asset_url(rel), &from) {
                    diags.push(Diagnostic::error(
                        Code::Write,
                        format!("`{rel}`을 복사할 수 없습니다: {e}"),
                    ));
                }
            });
            images::write_scaled(index, sink, diags);
        });
    });
    step.done("home, list, comparison and glossary pages, feeds and files");
    pages_written + written.into_inner()
}
