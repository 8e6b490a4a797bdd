//! The search page (`search.html`) and the search index files under
//! `search/` (built by [`crate::index::search`]).

use crate::diagnostic::Diagnostics;
use crate::index::search::SearchIndex;
use crate::output::Sink;
use crate::render::{pages, put, put_page, RenderEnv};

/// Output path of the search page.
pub(crate) const SEARCH_URL: &str = crate::site_files::SEARCH;

/// Writes the search index and the search page. Returns the number of HTML
/// pages written (one).
pub(crate) fn write_search(env: &RenderEnv<'_>, sink: &dyn Sink, diags: &Diagnostics) -> usize {
    let index = env.index;
    // What the steps before freed (the note pages, and in a build the
    // notes' text) goes back before the search index is made.
    crate::memory::release_free_memory();
    let t = std::time::Instant::now();
    let search = SearchIndex::build(index, env.search_chunks);
    tracing::debug!(ms = t.elapsed().as_millis() as u64, "search postings built");
    let t = std::time::Instant::now();
    let files = std::sync::atomic::AtomicUsize::new(0);
    search.write_files(
        &index.notes.raw,
        &index.glossary,
        env.search_chunks,
        &|path, text| {
            files.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            put(sink, diags, &path, text.as_bytes());
        },
        &|path, hash| {
            let kept = sink.keep_written(path, hash);
            if kept {
                files.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            kept
        },
    );
    tracing::debug!(
        ms = t.elapsed().as_millis() as u64,
        files = files.into_inner(),
        "search files made and written"
    );
    crate::memory::release_free_memory();
    let ctx = pages::base_context(env, SEARCH_URL, "검색", "search");
    put_page(
        sink,
        diags,
        SEARCH_URL,
        env.theme.render("search.html", &ctx),
    );
    1
}
