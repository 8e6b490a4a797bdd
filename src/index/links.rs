//! Resolving every link of every note against the whole site: relative
//! markdown links, `[[wiki links]]`, folder links, links into the notes' own
//! GitHub repository and to the site's old URLs. Broken links and anchors
//! become warnings with `path:line:col` and a [`Target::Broken`] that the
//! renderer marks visibly.

// Raw note text reaches this module: no indexing or slicing that can panic.
// (Notes are indexed by their own ids, which are always in range.)
#![cfg_attr(not(test), deny(clippy::string_slice))]

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::ids::{NoteSlice, PerNote};
use crate::korean::nfc;
use crate::note::parse::{LinkKind, LinkRef};
use crate::note::NoteId;
use crate::urls::{
    decode, encode_path, github_heading_id, has_scheme, join_normalized, slugify, split_url,
};

/// Where a link goes, decided once for the whole site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Leaves the site; kept as written.
    External,
    /// A page of the site (site-relative URL) with an optional checked id.
    Page {
        url: String,
        fragment: Option<String>,
        /// The note behind the page, for backlinks.
        note: Option<NoteId>,
    },
    /// A non-markdown file under the notes root (copied to the output).
    Asset { rel: String, suffix: String },
    /// Leaves the site for this absolute URL: a repository file that is
    /// not a note or image (`../src/main.rs` becomes its GitHub page).
    Url(String),
    /// Nothing there: rendered as a marked span, reported as a warning.
    Broken { reason: String },
}

/// The name-to-note maps a wiki link or path resolves against.
#[derive(Debug, Default)]
pub struct Lookup {
    pub by_rel_path: HashMap<String, NoteId>,
    pub by_url: HashMap<String, NoteId>,
    /// Folder (notes-relative) → its README/index note.
    pub folder_page: HashMap<String, NoteId>,
    /// Folders that hold notes somewhere below, notes-relative.
    pub folders: HashSet<String>,
    /// Normalized title / file name / alias → notes, in path order.
    pub by_name: HashMap<String, Vec<NoteId>>,
    /// Heading ids of each note.
    pub heading_ids: PerNote<HashSet<String>>,
}

/// How names are compared: NFC, lower-case, and `-`, `_` and runs of white
/// space treated as one space, so `[[컨텍스트-스위칭]]` finds
/// "컨텍스트 스위칭".
pub(crate) fn name_key(s: &str) -> String {
    let s = nfc(s.trim()).to_lowercase();
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '-' || c == '_' || c.is_whitespace() {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out.trim_end().to_string()
}

impl Lookup {
    pub fn build(notes: &NoteSlice) -> Lookup {
        // What each note is found by, worked out in parallel; the maps are
        // filled in note order below.
        let names: Vec<BTreeSet<String>> = notes
            .raw
            .par_iter()
            .map(|note| {
                let without_ext = note
                    .rel_path
                    .rsplit_once('.')
                    .map(|(s, _)| s)
                    .unwrap_or(&note.rel_path);
                let mut names: BTreeSet<String> = BTreeSet::new();
                names.insert(name_key(&note.title));
                names.insert(name_key(note.stem()));
                names.insert(name_key(without_ext));
                for a in &note.front.aliases {
                    names.insert(name_key(a));
                }
                names
            })
            .collect();
        let mut l = Lookup {
            heading_ids: notes
                .raw
                .par_iter()
                .map(|n| {
                    let blocks = n.facts.block_ids.iter().map(|b| format!("^{b}"));
                    n.facts
                        .headings
                        .iter()
                        .map(|h| h.id.clone())
                        .chain(blocks)
                        .collect()
                })
                .collect::<Vec<_>>()
                .into(),
            ..Default::default()
        };
        for ((id, note), names) in notes.iter_enumerated().zip(names) {
            l.by_rel_path.insert(note.rel_path.clone(), id);
            l.by_url.insert(note.url.clone(), id);
            for old in &note.old_urls {
                l.by_url.entry(old.clone()).or_insert(id);
            }
            if note.is_folder_index {
                l.folder_page.entry(note.folder.clone()).or_insert(id);
            }
            let mut folder = note.folder.as_str();
            loop {
                l.folders.insert(folder.to_string());
                match folder.rsplit_once('/') {
                    Some((up, _)) => folder = up,
                    None if !folder.is_empty() => folder = "",
                    None => break,
                }
            }
            for n in names {
                if !n.is_empty() {
                    l.by_name.entry(n).or_default().push(id);
                }
            }
        }
        l
    }

    /// The id in `note` a fragment refers to: an exact heading id, the id of
    /// the text written (`#동기화 방법`), or a heading's own text.
    pub fn find_anchor(&self, notes: &NoteSlice, note: NoteId, fragment: &str) -> Option<String> {
        let ids = self.heading_ids.get(note)?;
        let frag = nfc(&decode(fragment));
        if ids.contains(&frag) {
            return Some(frag);
        }
        let lowered = frag.to_lowercase();
        if ids.contains(&lowered) {
            return Some(lowered);
        }
        let generated = github_heading_id(&frag);
        if ids.contains(&generated) {
            return Some(generated);
        }
        notes[note]
            .facts
            .headings
            .iter()
            .find(|h| h.text == frag || name_key(&h.text) == name_key(&frag))
            .map(|h| h.id.clone())
    }
}

/// The git work tree the notes live in: links to its files that are not
/// notes keep working as links to the repository on GitHub.
#[derive(Debug, Clone)]
pub(crate) struct RepoTree {
    /// The work tree's root folder.
    pub root: PathBuf,
    /// The notes root inside it, `/`-separated (`notes`, or `` when the
    /// notes are the repository itself).
    pub notes_prefix: String,
}

impl RepoTree {
    /// The work tree holding `notes_root` (the nearest folder above it with
    /// a `.git`), if any.
    pub(crate) fn find(notes_root: &Path) -> Option<RepoTree> {
        let notes_root = notes_root.canonicalize().ok()?;
        let root = notes_root
            .ancestors()
            .find(|dir| dir.join(".git").exists())?
            .to_path_buf();
        let inside = notes_root.strip_prefix(&root).ok()?;
        let notes_prefix = inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        Some(RepoTree {
            root,
            notes_prefix: nfc(&notes_prefix),
        })
    }

    /// A notes-relative path as a repository path.
    fn repo_path(&self, notes_rel: &str) -> String {
        match (self.notes_prefix.is_empty(), notes_rel.is_empty()) {
            (true, _) => notes_rel.to_string(),
            (false, true) => self.notes_prefix.clone(),
            (false, false) => format!("{}/{notes_rel}", self.notes_prefix),
        }
    }

    /// Whether `repo_rel` is a folder (true) or a file (false) of the work
    /// tree; None when it is not there. `.git` itself does not count.
    fn kind(&self, repo_rel: &str) -> Option<bool> {
        // Only inside the work tree, never its `.git`.
        if repo_rel
            .split(['/', '\\'])
            .any(|s| s == ".git" || s == "..")
            || repo_rel.starts_with('/')
        {
            return None;
        }
        let meta = std::fs::metadata(self.root.join(repo_rel)).ok()?;
        Some(meta.is_dir())
    }
}

/// What link resolution needs besides the notes.
pub(crate) struct Resolver<'a> {
    pub notes: &'a NoteSlice,
    pub lookup: &'a Lookup,
    pub config: &'a Config,
    /// Non-markdown files under the notes root (notes-relative, NFC).
    pub assets: &'a HashMap<String, PathBuf>,
    /// Category URL for a folder's slug path (folder links without README).
    pub folder_category: &'a (dyn Fn(&[String]) -> Option<String> + Sync),
    /// Glossary term page for a name (wiki links to terms).
    pub term_page: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// The git work tree around the notes, when there is one.
    pub repo: Option<&'a RepoTree>,
}

/// The scheme of a link that would run code or smuggle a document when
/// followed (`javascript:`, `vbscript:`, `data:`), read the way browsers
/// read it: leading spaces and controls, tabs and line breaks ignored,
/// any case.
pub(crate) fn script_scheme(dest: &str) -> Option<&'static str> {
    let cleaned: String = dest
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript", "vbscript", "data"]
        .into_iter()
        .find(|s| cleaned.strip_prefix(s).is_some_and(|r| r.starts_with(':')))
}

impl Resolver<'_> {
    /// Resolves one link of note `from`; warnings for broken links go to `diags`.
    pub(crate) fn resolve(
        &self,
        from: NoteId,
        link: &LinkRef,
        diags: &mut Vec<Diagnostic>,
    ) -> Target {
        if link.kind == LinkKind::Markdown {
            if let Some(scheme) = script_scheme(&link.dest) {
                // Rendered as its text, never as a link that runs code.
                let d = Diagnostic::warning(
                    Code::UnsafeLink,
                    format!("`{scheme}:` 주소는 링크로 만들지 않고 글자로 둡니다"),
                )
                .with_help("코드를 실행하는 링크가 필요하면 raw HTML로 쓰세요");
                diags.push(self.notes[from].diagnostic_at(d, link.offset, link.len));
                return Target::Broken {
                    reason: format!("{scheme}: 주소는 링크로 만들지 않습니다"),
                };
            }
        }
        let target = match link.kind {
            LinkKind::Wiki => self.resolve_wiki(from, &link.dest, diags, link),
            LinkKind::Markdown | LinkKind::Bare | LinkKind::Html => {
                self.resolve_markdown(from, &link.dest)
            }
        };
        if let Target::Broken { reason } = &target {
            let note = &self.notes[from];
            let shown = if link.dest.is_empty() {
                "(빈 주소)".to_string()
            } else {
                link.dest.clone()
            };
            let d = Diagnostic::warning(Code::BrokenLink, format!("깨진 링크 `{shown}`: {reason}"));
            diags.push(note.diagnostic_at(d, link.offset, link.len));
        }
        target
    }

    fn resolve_markdown(&self, from: NoteId, dest: &str) -> Target {
        let dest = dest.trim();
        if dest.is_empty() {
            return broken("링크 주소가 비어 있습니다");
        }
        if let Some(frag) = dest.strip_prefix('#') {
            return self.page_with_fragment(from, Some(frag), "");
        }
        if has_scheme(dest) {
            return self.resolve_absolute(dest).unwrap_or(Target::External);
        }
        let (path, query, fragment) = split_url(dest);
        if path.is_empty() {
            return Target::External;
        }
        let path = nfc(&decode(path));
        let note = &self.notes[from];
        if path.starts_with('/') {
            // Root-absolute: the notes root, then the site's own URLs.
            if let Some(t) = self.resolve_site_path(path.trim_start_matches('/'), fragment, query) {
                return t;
            }
        }
        let Some(joined) = join_normalized(&note.folder, &path) else {
            return self
                .repo_file(&note.folder, &path, query, fragment)
                .unwrap_or_else(|| broken("노트 폴더 밖을 가리킵니다"));
        };
        let is_dir_link = path.ends_with('/') || path == "." || path == "..";
        if !is_dir_link {
            if let Some(&id) = self.lookup.by_rel_path.get(&joined) {
                return self.page_with_fragment(id, fragment, query);
            }
            // `[글](thread)` without the extension, as wikis write.
            for ext in ["md", "markdown"] {
                if let Some(&id) = self.lookup.by_rel_path.get(&format!("{joined}.{ext}")) {
                    return self.page_with_fragment(id, fragment, query);
                }
            }
            if self.assets.contains_key(&joined) {
                let mut suffix = query.to_string();
                if let Some(f) = fragment {
                    suffix.push('#');
                    suffix.push_str(f);
                }
                return Target::Asset {
                    rel: joined,
                    suffix,
                };
            }
        }
        if let Some(t) = self.folder_target(&joined, fragment) {
            return t;
        }
        // A link to an output page (`../os/a.html`): the site's own URL.
        let joined_slug = slug_path(&joined);
        for candidate in [joined.clone(), joined_slug] {
            if let Some(&id) = self.lookup.by_url.get(&candidate) {
                return self.page_with_fragment(id, fragment, query);
            }
        }
        if let Some(t) = self.repo_file(&note.folder, &path, query, fragment) {
            return t;
        }
        if path.to_ascii_lowercase().ends_with(".md")
            || path.to_ascii_lowercase().ends_with(".markdown")
        {
            broken(format!("노트 `{joined}`가 없습니다"))
        } else {
            broken(format!("파일 `{joined}`가 없습니다"))
        }
    }

    fn folder_target(&self, folder: &str, fragment: Option<&str>) -> Option<Target> {
        let folder = folder.trim_end_matches('/');
        if let Some(&id) = self.lookup.folder_page.get(folder) {
            return Some(self.page_with_fragment(id, fragment, ""));
        }
        if self.lookup.folders.contains(folder) {
            let slugs: Vec<String> = folder
                .split('/')
                .filter(|s| !s.is_empty())
                .map(slugify)
                .collect();
            if let Some(url) = (self.folder_category)(&slugs) {
                return Some(Target::Page {
                    url,
                    fragment: None,
                    note: None,
                });
            }
        }
        None
    }

    /// Links into the notes' GitHub repository or to the site's published
    /// URL are internal when they name a page we build.
    fn resolve_absolute(&self, dest: &str) -> Option<Target> {
        let (path, query, fragment) = split_url(dest);
        let repo = self.config.repo_url.trim_end_matches('/');
        if !repo.is_empty() {
            let repo_http = repo.replacen("http://", "https://", 1);
            let normalized = path.replacen("http://", "https://", 1);
            if let Some(rest) = normalized.strip_prefix(&repo_http) {
                // /blob/BRANCH/path or /tree/BRANCH/path
                let mut parts = rest.trim_start_matches('/').splitn(3, '/');
                let kind = parts.next().unwrap_or("");
                let _branch = parts.next();
                let inner = parts.next().unwrap_or("");
                if kind == "blob" || kind == "tree" {
                    let inner = nfc(&decode(inner));
                    let inner = inner.trim_end_matches('/');
                    // The notes root inside the repository: known from the
                    // work tree, else `notes/` or the root itself.
                    let notes_rel = match self.repo {
                        Some(repo) if repo.notes_prefix.is_empty() => Some(inner.to_string()),
                        Some(repo) => {
                            if inner == repo.notes_prefix {
                                Some(String::new())
                            } else {
                                inner
                                    .strip_prefix(&format!("{}/", repo.notes_prefix))
                                    .map(str::to_string)
                            }
                        }
                        None => None,
                    };
                    let candidates = match (&notes_rel, self.repo) {
                        (Some(rel), _) => vec![rel.clone()],
                        (None, Some(_)) => Vec::new(),
                        (None, None) => [
                            inner.strip_prefix("notes/").map(str::to_string),
                            Some(inner.to_string()),
                        ]
                        .into_iter()
                        .flatten()
                        .collect(),
                    };
                    for c in candidates {
                        if let Some(t) = self.resolve_site_path(&c, fragment, query) {
                            return Some(t);
                        }
                    }
                    // A repository file that is not a page (LICENSE, source
                    // code, a PDF, a folder outside the notes): the link
                    // worked on GitHub and keeps working there. Only a path
                    // the work tree does not have is broken.
                    return match self.repo {
                        Some(repo) if repo.kind(inner).is_none() && !inner.is_empty() => {
                            Some(broken(format!("저장소에 `{inner}`가 없습니다")))
                        }
                        _ => Some(Target::External),
                    };
                }
            }
        }
        let base = self.config.base_url.trim_end_matches('/');
        if !base.is_empty() {
            let base_https = base.replacen("http://", "https://", 1);
            let normalized = path.replacen("http://", "https://", 1);
            if let Some(rest) = normalized.strip_prefix(&base_https) {
                if rest.is_empty() || rest.starts_with('/') {
                    let rest = nfc(&decode(rest.trim_start_matches('/')));
                    return Some(
                        self.resolve_site_path(&rest, fragment, query)
                            .unwrap_or_else(|| {
                                broken(format!("사이트에 `{rest}` 페이지가 없습니다"))
                            }),
                    );
                }
            }
        }
        None
    }

    /// A relative link (from notes folder `folder`) to a file or folder of
    /// the repository that is not part of the site: its page on GitHub, when
    /// `repo_url` is set and the work tree has it.
    fn repo_file(
        &self,
        folder: &str,
        path: &str,
        query: &str,
        fragment: Option<&str>,
    ) -> Option<Target> {
        let repo = self.repo?;
        let base = self.config.repo_url.trim_end_matches('/');
        if base.is_empty() || path.starts_with('/') {
            return None;
        }
        let repo_rel = join_normalized(&repo.repo_path(folder), path)?;
        if repo_rel.is_empty() {
            return None;
        }
        let is_dir = repo.kind(&repo_rel)?;
        let kind = if is_dir { "tree" } else { "blob" };
        let mut url = format!("{base}/{kind}/HEAD/{}{query}", encode_path(&repo_rel));
        if let Some(f) = fragment {
            url.push('#');
            url.push_str(f);
        }
        Some(Target::Url(url))
    }

    /// A path from the site or notes root: a note file, a folder, a page URL,
    /// a Jekyll-style URL without `.html`, or an asset.
    fn resolve_site_path(&self, path: &str, fragment: Option<&str>, query: &str) -> Option<Target> {
        let path = path.trim_start_matches('/');
        if path.is_empty() {
            return self
                .lookup
                .by_url
                .get("index.html")
                .map(|&id| self.page_with_fragment(id, fragment, query));
        }
        if let Some(&id) = self.lookup.by_rel_path.get(path) {
            return Some(self.page_with_fragment(id, fragment, query));
        }
        let trimmed = path.trim_end_matches('/');
        let candidates = [
            path.to_string(),
            format!("{trimmed}.html"),
            format!("{trimmed}/index.html"),
            slug_path(path),
            format!("{}.html", slug_path(trimmed)),
        ];
        for c in candidates {
            if let Some(&id) = self.lookup.by_url.get(&c) {
                return Some(self.page_with_fragment(id, fragment, query));
            }
        }
        if let Some(t) = self.folder_target(trimmed, fragment) {
            return Some(t);
        }
        if self.assets.contains_key(path) {
            return Some(Target::Asset {
                rel: path.to_string(),
                suffix: fragment
                    .map(|f| format!("{query}#{f}"))
                    .unwrap_or_else(|| query.to_string()),
            });
        }
        self.jekyll_site_path(path, fragment, query)
    }

    /// Jekyll leftovers (old URLs themselves are in `by_url`): a root path
    /// that still carries `baseurl` (`/blog/2020/…`), and the paths
    /// `{% post_url NAME %}` becomes (`_posts/NAME.md`) for a post that sits
    /// in a sub-folder of `_posts/` or under a category folder.
    fn jekyll_site_path(&self, path: &str, fragment: Option<&str>, query: &str) -> Option<Target> {
        let base = self
            .config
            .jekyll
            .as_ref()
            .map(|j| j.baseurl.trim_matches('/'));
        if let Some(rest) = base
            .filter(|b| !b.is_empty())
            .and_then(|b| path.strip_prefix(b))
            .and_then(|r| r.strip_prefix('/'))
        {
            return self.resolve_site_path(rest, fragment, query);
        }
        let name = path.strip_prefix("_posts/")?;
        let name = name.strip_suffix(".md").unwrap_or(name);
        let (sub, stem) = name.rsplit_once('/').unwrap_or(("", name));
        let id = self.notes.position(|n| {
            n.stem() == stem
                && n.folder.split('/').any(|s| s == "_posts")
                && (sub.is_empty() || n.folder.ends_with(sub))
        })?;
        Some(self.page_with_fragment(id, fragment, query))
    }

    fn page_with_fragment(&self, id: NoteId, fragment: Option<&str>, _query: &str) -> Target {
        let url = self.notes[id].url.clone();
        match fragment.filter(|f| !f.is_empty()) {
            None => Target::Page {
                url,
                fragment: None,
                note: Some(id),
            },
            Some(f) => match self.lookup.find_anchor(self.notes, id, f) {
                Some(anchor) => Target::Page {
                    url,
                    fragment: Some(anchor),
                    note: Some(id),
                },
                // Footnotes and raw HTML ids are not headings; leave those be.
                None if f.starts_with("fn") || f.starts_with("user-content-") => Target::Page {
                    url,
                    fragment: Some(f.to_string()),
                    note: Some(id),
                },
                None => broken(format!(
                    "`{}`에 `#{}` 제목이 없습니다",
                    self.notes[id].display_path,
                    decode(f)
                )),
            },
        }
    }

    fn resolve_wiki(
        &self,
        from: NoteId,
        dest: &str,
        diags: &mut Vec<Diagnostic>,
        link: &LinkRef,
    ) -> Target {
        let (name, section) = match dest.split_once('#') {
            Some((n, s)) => (n.trim(), Some(s.trim())),
            None => (dest.trim(), None),
        };
        if name.is_empty() {
            return self.page_with_fragment(from, section, "");
        }
        let key = name_key(name);
        if let Some(ids) = self.lookup.by_name.get(&key) {
            // A note's own title matching beats the same word elsewhere.
            let id = ids.iter().copied().find(|&i| i != from).unwrap_or(from);
            let distinct: Vec<NoteId> = ids.iter().copied().filter(|&i| i != from).collect();
            if distinct.len() > 1 {
                let others: Vec<&str> = distinct
                    .iter()
                    .map(|&i| self.notes[i].display_path.as_str())
                    .collect();
                let d = Diagnostic::warning(
                    Code::AmbiguousLink,
                    format!(
                        "`[[{name}]]`에 맞는 노트가 여럿입니다 ({}); 첫 번째로 연결합니다",
                        others.join(", ")
                    ),
                );
                diags.push(self.notes[from].diagnostic_at(d, link.offset, link.len));
            }
            return self.page_with_fragment(id, section, "");
        }
        if section.is_none() {
            if let Some(url) = (self.term_page)(name) {
                return Target::Page {
                    url,
                    fragment: None,
                    note: None,
                };
            }
        }
        broken(format!("제목·파일 이름·별칭이 `{name}`인 노트가 없습니다"))
    }
}

fn broken(reason: impl Into<String>) -> Target {
    Target::Broken {
        reason: reason.into(),
    }
}

/// A notes-relative path with every folder and the file stem slugified,
/// i.e. the output URL it would have.
fn slug_path(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut out: Vec<String> = Vec::with_capacity(parts.len());
    for (i, p) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            match p.rsplit_once('.') {
                Some((stem, ext)) => {
                    out.push(format!("{}.{}", slugify(stem), ext.to_ascii_lowercase()))
                }
                None => out.push(slugify(p)),
            }
        } else {
            out.push(slugify(p));
        }
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_keys() {
        assert_eq!(name_key("컨텍스트-스위칭"), "컨텍스트 스위칭");
        assert_eq!(name_key("  Context_Switching "), "context switching");
        assert_eq!(slug_path("os/Process Notes.md"), "os/process-notes.md");
    }
}
