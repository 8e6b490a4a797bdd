//! The names of the files and folders gongbu itself reads and writes
//! beside the note pages, each in one place: the notes folder, the pages
//! and files every site gets, and the output paths a note cannot take.

/// The folder of notes under the site root.
pub(crate) const NOTES_DIR: &str = "notes";

/// The home page (a note may be it: `README.md` or `index.md` at the top).
pub(crate) const HOME: &str = "index.html";
pub(crate) const NOT_FOUND: &str = "404.html";
pub(crate) const SEARCH: &str = "search.html";
pub(crate) const ARCHIVE: &str = "archive.html";
pub(crate) const TAG_INDEX: &str = "tags/index.html";
pub(crate) const FEED: &str = "atom.xml";
pub(crate) const SITEMAP: &str = "sitemap.xml";
pub(crate) const ROBOTS: &str = "robots.txt";
pub(crate) const CNAME: &str = "CNAME";
/// Tells GitHub Pages not to run Jekyll over the site.
pub(crate) const NOJEKYLL: &str = ".nojekyll";

/// Output folders of generated pages; a note must not claim one.
pub(crate) const RESERVED_PREFIXES: &[&str] = &[
    "categories/",
    "tags/",
    "glossary/",
    "compare/",
    "assets/",
    "search/",
];

/// Output files gongbu writes itself; a note must not claim one.
pub(crate) const RESERVED_FILES: &[&str] = &[
    NOT_FOUND, SEARCH, ARCHIVE, FEED, SITEMAP, ROBOTS, CNAME, NOJEKYLL,
];
