//! Test harness: fixture sites in temp dirs, builds through the library or
//! the binary, and parsed-HTML helpers.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Output;

use gongbu::{BuildOptions, BuildReport, Mode};
use scraper::{Html, Selector};

/// A site root in a temp dir: `notes/`, optional `gongbu.yaml`, output `site/`.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("notes")).expect("notes dir");
        Fixture { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("site")
    }

    /// Writes `notes/<rel>`.
    pub fn note(&self, rel: &str, text: &str) -> &Fixture {
        self.file(&format!("notes/{rel}"), text.as_bytes())
    }

    /// Writes `<rel>` under the root (any bytes).
    pub fn file(&self, rel: &str, bytes: &[u8]) -> &Fixture {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
        self
    }

    pub fn config(&self, yaml: &str) -> &Fixture {
        self.file("gongbu.yaml", yaml.as_bytes())
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions::new(self.root())
    }

    /// Builds through the library.
    pub fn build(&self) -> BuildReport {
        gongbu::build(&self.options(), Mode::Build)
    }

    pub fn build_with(&self, f: impl FnOnce(&mut BuildOptions)) -> BuildReport {
        let mut o = self.options();
        f(&mut o);
        gongbu::build(&o, Mode::Build)
    }

    /// Runs the `gongbu` binary with `args` (plus `--root ROOT` when asked).
    pub fn cli(&self, args: &[&str]) -> Output {
        assert_cmd::Command::cargo_bin("gongbu")
            .expect("binary")
            .current_dir(self.root())
            .args(args)
            .output()
            .expect("run gongbu")
    }

    /// Parses `site/<rel>`.
    pub fn html(&self, rel: &str) -> Html {
        let path = self.out().join(rel);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Html::parse_document(&text)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

/// Whether the tests run in CI (`CI` set, and not to `false` or `0`):
/// there a missing tool or seed folder fails the test instead of
/// skipping it, so a green run always asserted something.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A test cannot run here because `what` is missing: fails in CI, else
/// says so on stderr (the caller then returns).
pub fn missing(what: &str) {
    assert!(
        !in_ci(),
        "{what} is missing and CI is set: this test would assert nothing"
    );
    eprintln!("{what} is missing; test skipped (it fails when CI is set)");
}

/// Copies our own sample notes, shaped like real ones (Jekyll front matter
/// or none, `<h1>` titles, Notion `attachment:` images, missing images,
/// emoji headings, box diagrams, 스레드/쓰레드, names with spaces and
/// brackets), from `tests/fixtures/real/notes/` into `notes/`, glossary
/// included. Always there: the in-repo twin of [`seeds_into`].
pub fn real_into(f: &Fixture) -> &Fixture {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/notes");
    for e in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let e = e.expect("walk tests/fixtures/real");
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&dir).expect("under the fixture");
            let text = std::fs::read(e.path()).expect("read fixture");
            f.file(&format!("notes/{}", rel.display()), &text);
        }
    }
    f
}

/// Notes of `tests/fixtures/real/notes/` (notes-relative, no `.md`).
pub const REAL_TIL: &str = "2026-03-02-til";
pub const REAL_OS: &str = "[OS] 프로세스 정리";
pub const REAL_GHOST: &str = "👻 쓰레드 이야기";
pub const REAL_COMPARE: &str = "운영체제/프로세스 vs 스레드 비교";
pub const REAL_GIL: &str = "파이썬 GIL 메모";

/// The page of note `name` (notes-relative, without `.md`): each path
/// segment slugified the way gongbu names pages.
pub fn page_of(name: &str) -> String {
    let segments: Vec<String> = name.split('/').map(gongbu::internals::slugify).collect();
    format!("{}.html", segments.join("/"))
}

/// Copies the five seed notes (shared with the project, not part of it)
/// into `notes/` as `.md`. None when the seeds are not on this machine;
/// a failure instead when `CI` is set.
pub fn seeds_into(f: &Fixture) -> Option<()> {
    let dir = seeds_dir()?;
    let mut entries: Vec<_> = std::fs::read_dir(&dir).ok()?.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".txt") {
            let text = std::fs::read(e.path()).ok()?;
            f.file(&format!("notes/{stem}.md"), &text);
        }
    }
    Some(())
}

/// Where the seed notes are: `GONGBU_SEEDS`, or `../shared/seeds` beside
/// the repository.
pub fn seeds_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("GONGBU_SEEDS").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds")),
    ];
    let found = candidates.into_iter().flatten().find(|p| p.is_dir());
    if found.is_none() {
        missing("the seed notes folder (../shared/seeds or GONGBU_SEEDS)");
    }
    found
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

/// Trimmed text of every element matching `selector`.
pub fn texts(doc: &Html, selector: &str) -> Vec<String> {
    doc.select(&sel(selector))
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

pub fn text(doc: &Html, selector: &str) -> String {
    texts(doc, selector)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

pub fn attrs(doc: &Html, selector: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(selector))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// Every diagnostic as text, for assertions.
pub fn diagnostics(report: &BuildReport) -> Vec<String> {
    report.diagnostics.iter().map(|d| d.to_string()).collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Walks every HTML page of `site` and resolves every relative `href` and
/// `src` (and `#fragment`) against the files and ids really there. Returns
/// the dead ones as `page: url (why)`. Root-absolute URLs count as dead:
/// the site must work under any sub-path and from file://.
pub fn dead_links(site: &Path) -> Vec<String> {
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(site)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect();
    pages.sort();
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut ids_of = |p: &Path| -> HashSet<String> {
        ids.entry(p.to_path_buf())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(p).unwrap_or_default();
                let doc = Html::parse_document(&text);
                doc.select(&sel("[id], a[name]"))
                    .filter_map(|e| {
                        e.value()
                            .attr("id")
                            .or_else(|| e.value().attr("name"))
                            .map(str::to_string)
                    })
                    .collect()
            })
            .clone()
    };
    let mut dead = Vec::new();
    for page in &pages {
        if page.file_name().is_some_and(|n| n == "404.html") {
            continue; // served for any path; its links are root-based on purpose
        }
        let text = std::fs::read_to_string(page).unwrap_or_default();
        let doc = Html::parse_document(&text);
        let rel_page = page
            .strip_prefix(site)
            .unwrap_or(page)
            .display()
            .to_string();
        for (selector, attr) in [
            ("a[href]", "href"),
            ("link[href]", "href"),
            ("img[src]", "src"),
            ("script[src]", "src"),
        ] {
            for url in attrs(&doc, selector, attr) {
                if url.starts_with("//")
                    || url.contains("://")
                    || url.starts_with("mailto:")
                    || url.starts_with("data:")
                    || url.starts_with("tel:")
                    || url.starts_with("javascript:")
                {
                    continue;
                }
                if url.starts_with('/') {
                    dead.push(format!("{rel_page}: {url} (root-absolute)"));
                    continue;
                }
                let (path_part, frag) = match url.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (url.as_str(), None),
                };
                let path_part = path_part.split('?').next().unwrap_or("");
                let target = if path_part.is_empty() {
                    page.clone()
                } else {
                    let decoded = percent_decode(path_part);
                    let joined = page.parent().unwrap_or(site).join(&decoded);
                    match joined.canonicalize() {
                        Ok(p) => p,
                        Err(_) => {
                            dead.push(format!("{rel_page}: {url} (no file)"));
                            continue;
                        }
                    }
                };
                if target.is_dir() {
                    dead.push(format!("{rel_page}: {url} (a folder, not a file)"));
                    continue;
                }
                if let Some(f) = frag.filter(|f| !f.is_empty()) {
                    if target.extension().is_some_and(|x| x == "html") {
                        let id = percent_decode(f);
                        let canonical = target.canonicalize().unwrap_or(target.clone());
                        if !ids_of(&canonical).contains(&id) {
                            dead.push(format!("{rel_page}: {url} (no id #{id})"));
                        }
                    }
                }
            }
        }
    }
    dead
}

/// Every file under `dir` with its bytes, for comparing two builds.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap_or(e.path())
                .display()
                .to_string();
            (rel, std::fs::read(e.path()).unwrap_or_default())
        })
        .collect();
    files.sort();
    files
}

/// The fuzz oracle's HTML5 check: parsed the way a browser parses it
/// (html5ever), the page's footer and its scripts (`gongbu.js`,
/// `search.js`) are children of `<body>`. None when they are; otherwise
/// what is out of place.
pub fn frame_outside_body(doc: &Html) -> Option<String> {
    let footers = doc.select(&sel("body > footer.site-footer")).count();
    if footers != 1 {
        return Some(format!(
            "{footers} footers are children of <body> (all: {})",
            doc.select(&sel("footer.site-footer")).count()
        ));
    }
    for script in ["assets/gongbu.js", "assets/search.js"] {
        let in_body = attrs(doc, "body > script[src]", "src")
            .iter()
            .filter(|s| s.ends_with(script))
            .count();
        if in_body != 1 {
            return Some(format!("{script}: {in_body} in <body>"));
        }
    }
    None
}

/// Loads the fixture's site and renders every note's body through the
/// markdown passes (`render::markdown::note_body_html`), without the page
/// template: notes-relative path → body HTML. Panics when loading fails.
pub fn bodies(f: &Fixture) -> std::collections::BTreeMap<String, String> {
    let mut timings = Vec::new();
    let (site, diags) = gongbu::load_site(&f.options(), &mut timings);
    let site = site.unwrap_or_else(|| panic!("the site did not load: {diags:#?}"));
    gongbu::internals::note_bodies(&site).into_iter().collect()
}
