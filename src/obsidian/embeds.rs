//! Obsidian embeds. `![[그림.png]]`, `![[그림.png|300]]` (width) and
//! `![[그림.png|설명]]` find their file anywhere in the vault by name (the
//! one closest to the note wins; several equally close are a warning naming
//! them). `![[노트]]` and `![[노트#섹션]]` show that note's body, or one of
//! its sections, inside the page with a link to its source; an embed that
//! leads back to itself is cut with a warning.
//!
//! Rendering in two steps keeps the images pass counting right: before it,
//! a note embed becomes a marker; after every pass, the marker becomes the
//! embedded HTML (which may hold images of its own).

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::ops::Range;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use crate::diagnostic::{Code, Diagnostic};
use crate::ids::{NoteSlice, PerNote, PerNoteSlice};
use crate::index::links::{name_key, Lookup};
use crate::index::SiteIndex;
use crate::korean::nfc;
use crate::note::{Note, NoteId};
use crate::urls::{decode, has_scheme, join_normalized, parent, relative_href, split_url};

/// A `![[노트]]` or `![[노트#섹션]]` in a note, in document order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoteEmbed {
    /// As written: `노트#섹션`.
    pub dest: String,
    /// Byte range in the whole file.
    pub offset: usize,
    pub len: usize,
}

/// Whether a wiki embed names a note rather than a file: no extension, or
/// `.md`. (`v1.2 정리` has no extension: `2 정리` is not one.)
pub(crate) fn is_note_embed(dest: &str) -> bool {
    let (path, _, _) = split_url(dest);
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        None => true,
        Some((_, ext)) => {
            let is_ext =
                (1..=5).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric());
            !is_ext || ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown")
        }
    }
}

/// File types a browser shows as an image.
const IMAGE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "svg", "avif", "bmp", "ico", "apng",
];

/// `![[문서.pdf]]`, `![[녹음.m4a]]`: an embed of a file no `<img>` shows,
/// rendered as a link to the file.
pub(crate) fn is_file_link(img: &crate::note::parse::ImageRef) -> bool {
    img.wiki && !is_note_embed(&img.src) && !is_image_name(&img.src)
}

fn is_image_name(dest: &str) -> bool {
    let (path, _, _) = split_url(dest);
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| IMAGE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

const FILE_OPEN: &str = "<span class=\"embed-file\">";

/// Files of the vault by name, for `![[그림.png]]`.
pub(crate) struct FileNames<'a> {
    by_name: HashMap<String, Vec<&'a str>>,
}

/// The file an embed found, and the other candidates as close as it when
/// the name was ambiguous.
pub(crate) struct FoundFile {
    pub rel: String,
    pub also: Vec<String>,
}

impl<'a> FileNames<'a> {
    pub(crate) fn new(assets: &'a HashMap<String, PathBuf>) -> Self {
        let mut by_name: HashMap<String, Vec<&str>> = HashMap::new();
        for rel in assets.keys() {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            by_name.entry(name.to_lowercase()).or_default().push(rel);
        }
        for list in by_name.values_mut() {
            list.sort();
        }
        FileNames { by_name }
    }

    /// The file `written` (`그림.png` or `images/그림.png`) names for a note
    /// in `folder`: the candidate sharing the most folders with the note,
    /// then the shortest path.
    pub(crate) fn find(&self, folder: &str, written: &str) -> Option<FoundFile> {
        let written = nfc(&decode(written.trim()));
        let written = written.trim_start_matches('/');
        let name = written.rsplit('/').next().unwrap_or(written).to_lowercase();
        let suffix = format!("/{}", written.to_lowercase());
        let candidates: Vec<&str> = self
            .by_name
            .get(&name)?
            .iter()
            .copied()
            .filter(|rel| {
                let lower = rel.to_lowercase();
                lower == written.to_lowercase() || lower.ends_with(&suffix)
            })
            .collect();
        let closeness = |rel: &str| {
            let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            let shared = folder
                .split('/')
                .zip(dir.split('/'))
                .take_while(|(a, b)| a == b && !a.is_empty())
                .count();
            (
                shared,
                usize::MAX - dir.split('/').filter(|s| !s.is_empty()).count(),
            )
        };
        let best = candidates.iter().map(|c| closeness(c)).max()?;
        let mut tied: Vec<&str> = candidates
            .into_iter()
            .filter(|c| closeness(c) == best)
            .collect();
        tied.sort();
        let rel = tied.first()?.to_string();
        let also = tied.iter().skip(1).map(|s| s.to_string()).collect();
        Some(FoundFile { rel, also })
    }
}

/// The file `![[그림.png]]` in `note` names, vault-wide; several equally
/// close candidates are a warning naming them all.
pub(crate) fn find_file(
    names: &FileNames<'_>,
    note: &Note,
    img: &crate::note::parse::ImageRef,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let found = names.find(&note.folder, &img.src)?;
    if !found.also.is_empty() {
        let d = Diagnostic::warning(
            Code::ObsidianEmbed,
            format!(
                "`{}`라는 파일이 여럿이라 `{}`를 씁니다 (다른 후보: {})",
                img.src,
                found.rel,
                found.also.join(", ")
            ),
        )
        .with_help("폴더까지 적어 `![[폴더/그림.png]]`처럼 하나를 고르세요");
        diags.push(note.diagnostic_at(d, img.offset, img.len));
    }
    Some(found.rel)
}

/// The note and section `![[dest]]` names, resolved like a wiki link.
fn embedded(lookup: &Lookup, notes: &NoteSlice, dest: &str) -> Option<(NoteId, Option<String>)> {
    let (name, section) = match dest.split_once('#') {
        Some((n, s)) => (n, Some(s)),
        None => (dest, None),
    };
    let name = name.trim().trim_end_matches(".md");
    let id = *lookup.by_name.get(&name_key(name))?.first()?;
    let section = match section.filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(lookup.find_anchor(notes, id, s.trim())?),
        None => None,
    };
    Some((id, section))
}

/// Checks every note embed once for the whole site: a name that finds no
/// note or section, and an embed that leads back to its own note, are
/// warnings with `path:line:col`.
pub(crate) fn check(notes: &NoteSlice, lookup: &Lookup, diags: &mut Vec<Diagnostic>) {
    let targets: PerNote<Vec<Option<NoteId>>> = notes
        .iter()
        .map(|n| {
            n.facts
                .embeds
                .iter()
                .map(|e| embedded(lookup, notes, &e.dest).map(|(id, _)| id))
                .collect()
        })
        .collect();
    for (id, note) in notes.iter_enumerated() {
        for (i, embed) in note.facts.embeds.iter().enumerate() {
            let target = targets.get(id).and_then(|t| t.get(i)).copied().flatten();
            let message = match target {
                None => format!("`![[{}]]`: 그런 노트나 절이 없습니다", embed.dest),
                Some(to) if reaches(&targets, to, id) => format!(
                    "`![[{}]]`가 돌고 돌아 이 노트를 다시 넣습니다; 그 자리에서 끊고 링크만 둡니다",
                    embed.dest
                ),
                Some(_) => continue,
            };
            let d = Diagnostic::warning(Code::ObsidianEmbed, message);
            diags.push(note.diagnostic_at(d, embed.offset, embed.len));
        }
    }
}

/// Whether embedding `from` leads (through its own embeds) to `goal`.
fn reaches(targets: &PerNoteSlice<Vec<Option<NoteId>>>, from: NoteId, goal: NoteId) -> bool {
    let mut seen: PerNote<bool> = vec![false; targets.len()].into();
    let mut stack = vec![from];
    while let Some(n) = stack.pop() {
        if n == goal {
            return true;
        }
        if std::mem::replace(seen.get_mut(n).unwrap_or(&mut true), true) {
            continue;
        }
        stack.extend(targets.get(n).into_iter().flatten().flatten());
    }
    false
}

/// The notes note `id`'s page shows through embeds (nested ones too), for
/// the page signatures (`crate::signatures`) to know the page changes when
/// one of them does.
pub(crate) fn embedded_notes(index: &SiteIndex, id: NoteId) -> Vec<NoteId> {
    let mut seen = vec![id];
    let mut stack = vec![id];
    let mut out = Vec::new();
    while let Some(n) = stack.pop() {
        let Some(note) = index.notes.get(n) else {
            continue;
        };
        for e in &note.facts.embeds {
            if let Some((t, _)) = embedded(&index.lookup, &index.notes, &e.dest) {
                if !seen.contains(&t) {
                    seen.push(t);
                    stack.push(t);
                    out.push(t);
                }
            }
        }
    }
    out
}

const MARKER: &str = "<!--gongbu-embed-->";

/// Before the images pass: file embeds lose their file name as alt text
/// (Obsidian shows none) and take a width from `|300`; note embeds become
/// markers for [`expand`].
pub(crate) fn pass(events: Vec<(Event<'_>, Range<usize>)>) -> Vec<(Event<'_>, Range<usize>)> {
    if !events.iter().any(|(e, _)| {
        matches!(
            e,
            Event::Start(Tag::Image {
                link_type: LinkType::WikiLink { .. },
                ..
            })
        )
    }) {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut it = events.into_iter();
    while let Some((event, range)) = it.next() {
        let Event::Start(Tag::Image {
            link_type: LinkType::WikiLink { has_pothole },
            dest_url,
            title,
            id,
        }) = event
        else {
            out.push((event, range));
            continue;
        };
        let mut inner = Vec::new();
        let mut depth = 1usize;
        for (e, r) in it.by_ref() {
            match &e {
                Event::Start(Tag::Image { .. }) => depth += 1,
                Event::End(TagEnd::Image) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            inner.push((e, r));
        }
        // Every event made here carries the embed's source range: the
        // images pass finds the image's fact by it.
        let at = |e: Event<'static>| (e, range.clone());
        if is_note_embed(&dest_url) {
            out.push(at(Event::InlineHtml(CowStr::Borrowed(MARKER))));
            continue;
        }
        let label: String = inner
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Text(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        if !is_image_name(&dest_url) {
            // Marked for `expand`, which turns the `<img>` into a link.
            out.push(at(Event::InlineHtml(CowStr::Borrowed(FILE_OPEN))));
            let start = Event::Start(Tag::Image {
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                title,
                id,
            });
            out.push((start, range.clone()));
            out.push(at(Event::End(TagEnd::Image)));
            out.push(at(Event::InlineHtml(CowStr::Borrowed("</span>"))));
            continue;
        }
        let width = size(&label);
        let start = Event::Start(Tag::Image {
            link_type: LinkType::WikiLink { has_pothole },
            dest_url,
            title,
            id,
        });
        match width {
            Some(w) => {
                out.push(at(Event::InlineHtml(CowStr::from(format!(
                    "<span class=\"embed-sized\" style=\"display:inline-block;max-width:100%;width:{w}px\">"
                )))));
                out.push((start, range.clone()));
                out.push(at(Event::End(TagEnd::Image)));
                out.push(at(Event::InlineHtml(CowStr::Borrowed("</span>"))));
            }
            None => {
                out.push((start, range.clone()));
                if has_pothole {
                    out.extend(inner);
                }
                out.push(at(Event::End(TagEnd::Image)));
            }
        }
    }
    out
}

/// `300` or `300x200` → 300.
fn size(label: &str) -> Option<u32> {
    let label = label.trim();
    let width = label.split_once('x').map(|(w, _)| w).unwrap_or(label);
    let ok = !width.is_empty()
        && width.chars().all(|c| c.is_ascii_digit())
        && label.chars().all(|c| c.is_ascii_digit() || c == 'x');
    ok.then(|| width.parse().ok()).flatten().filter(|&w| w > 0)
}

thread_local! {
    /// Notes being embedded on this thread, outermost first.
    static EMBEDDING: RefCell<Vec<NoteId>> = const { RefCell::new(Vec::new()) };
}

/// Nested embeds deeper than this are links only.
const MAX_DEPTH: usize = 4;

/// After every pass: each marker of note `id` becomes the embedded note's
/// HTML (URLs made relative to this page) under a link to its source. A
/// paragraph holding only the embed gives way to the embed's block.
pub(crate) fn expand<'a>(events: Vec<Event<'a>>, index: &SiteIndex, id: NoteId) -> Vec<Event<'a>> {
    if !events.iter().any(
        |e| matches!(e, Event::InlineHtml(h) if h.as_ref() == MARKER || h.as_ref() == FILE_OPEN),
    ) {
        return events;
    }
    let Some(note) = index.notes.get(id) else {
        return events;
    };
    let mut embeds = note.facts.embeds.iter();
    let mut out: Vec<Event<'a>> = Vec::with_capacity(events.len());
    let mut it = events.into_iter().peekable();
    while let Some(event) = it.next() {
        if matches!(&event, Event::InlineHtml(h) if h.as_ref() == FILE_OPEN) {
            // `<span class="embed-file"><img src="문서.pdf" …></span>` → a link.
            if let Some(Event::InlineHtml(img)) = it.peek() {
                if let Some(src) = crate::note::parse::html_attr(img, "src") {
                    let name = decode(src.rsplit('/').next().unwrap_or(&src));
                    let mut html = String::from("<a class=\"embed-file\" href=\"");
                    let _ = pulldown_cmark_escape::escape_href(&mut html, &src);
                    html.push_str("\">");
                    let _ = pulldown_cmark_escape::escape_html(&mut html, &name);
                    html.push_str("</a>");
                    it.next();
                    out.push(Event::InlineHtml(CowStr::from(html)));
                    // The closing `</span>` goes with the span.
                    it.next_if(|e| matches!(e, Event::InlineHtml(h) if h.as_ref() == "</span>"));
                    continue;
                }
            }
            out.push(event);
            continue;
        }
        if !matches!(&event, Event::InlineHtml(h) if h.as_ref() == MARKER) {
            out.push(event);
            continue;
        }
        let Some(embed) = embeds.next() else {
            continue;
        };
        let html = embed_html(index, id, &embed.dest);
        let alone = matches!(out.last(), Some(Event::Start(Tag::Paragraph)))
            && matches!(it.peek(), Some(Event::End(TagEnd::Paragraph)));
        if alone {
            out.pop();
            it.next();
            out.push(Event::Html(CowStr::from(html)));
        } else {
            out.push(Event::InlineHtml(CowStr::from(html)));
        }
    }
    out
}

fn embed_html(index: &SiteIndex, id: NoteId, dest: &str) -> String {
    let page_url = index.notes.get(id).map(|n| n.url.as_str()).unwrap_or("");
    let Some((target, section)) = embedded(&index.lookup, &index.notes, dest) else {
        let mut s = String::from(
            "<span class=\"broken-link\" title=\"깨진 링크: 그런 노트나 절이 없습니다\">",
        );
        let _ = pulldown_cmark_escape::escape_html(&mut s, dest);
        s.push_str("</span>");
        return s;
    };
    let Some(note) = index.notes.get(target) else {
        return String::new();
    };
    let mut href = relative_href(page_url, &note.url);
    let mut label = note.title.clone();
    if let Some(s) = &section {
        href.push('#');
        href.push_str(&crate::urls::encode_fragment(s));
        if let Some(h) = note.facts.headings.iter().find(|h| &h.id == s) {
            label = format!("{} › {}", note.title, h.text);
        }
    }
    let mut link = String::from("<a href=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut link, &href);
    link.push_str("\">");
    let _ = pulldown_cmark_escape::escape_html(&mut link, &label);
    link.push_str("</a>");

    let cycle = EMBEDDING.with(|s| {
        let s = s.borrow();
        s.contains(&target) || target == id || s.len() >= MAX_DEPTH
    });
    if cycle {
        return format!("<span class=\"embed-cut\">{link}</span>");
    }
    EMBEDDING.with(|s| s.borrow_mut().push(id));
    let body = crate::render::markdown::note_body_html(index, target);
    EMBEDDING.with(|s| {
        s.borrow_mut().pop();
    });
    let body = match &section {
        Some(s) if s.starts_with('^') => match section_html(&body, s) {
            Some(b) if b.starts_with("<li>") => format!("<ul>{b}</ul>"),
            Some(b) => b.to_string(),
            None => body,
        },
        Some(s) => section_html(&body, s).unwrap_or(&body).to_string(),
        None => body,
    };
    let body = rebase(&body, &note.url, page_url);
    format!("<div class=\"embed\"><div class=\"embed-source\">{link}</div>\n{body}</div>\n")
}

/// The paragraph or list item a block id `^id` names.
fn block_html<'h>(html: &'h str, id: &str) -> Option<&'h str> {
    let at = html.find(&format!("<span class=\"block-id\" id=\"{id}\">"))?;
    let before = html.get(..at)?;
    let (start, close) = match (before.rfind("<p>"), before.rfind("<li>")) {
        (Some(p), Some(li)) if li > p => (li, "</li>"),
        (Some(p), _) => (p, "</p>"),
        (None, Some(li)) => (li, "</li>"),
        (None, None) => return None,
    };
    let end = html.get(at..)?.find(close)? + at + close.len();
    html.get(start..end)
}

/// The part of `html` from the heading with id `id` to the next heading of
/// the same or a higher level.
fn section_html<'h>(html: &'h str, id: &str) -> Option<&'h str> {
    if id.starts_with('^') {
        return block_html(html, id);
    }
    let needle = format!(" id=\"{id}\"");
    let at = html.find(&needle)?;
    let start = html.get(..at)?.rfind("<h")?;
    let level = html.get(start + 2..start + 3)?.parse::<u8>().ok()?;
    let rest = html.get(start + 4..)?;
    let end = (1..=level)
        .filter_map(|l| rest.find(&format!("<h{l}")))
        .min()
        .map(|e| start + 4 + e)
        .unwrap_or(html.len());
    html.get(start..end)
}

/// `href`/`src` values of HTML rendered for the page `from` rewritten for
/// the page `to`.
fn rebase(html: &str, from: &str, to: &str) -> String {
    if parent(from) == parent(to) && from == to {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    loop {
        let next = [" href=\"", " src=\""]
            .iter()
            .filter_map(|n| rest.find(n).map(|i| (i, n.len())))
            .min();
        let Some((i, n)) = next else {
            out.push_str(rest);
            break;
        };
        let (head, tail) = rest.split_at(i + n);
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        let (value, after) = tail.split_at(end);
        out.push_str(&rebase_url(value, from, to));
        rest = after;
    }
    out
}

fn rebase_url(value: &str, from: &str, to: &str) -> String {
    if value.starts_with('#') {
        return format!("{}{value}", relative_href(to, from));
    }
    if value.is_empty() || has_scheme(value) || value.starts_with('/') {
        return value.to_string();
    }
    let (path, query, fragment) = split_url(value);
    let Some(site) = join_normalized(parent(from), &decode(path)) else {
        return value.to_string();
    };
    let mut s = relative_href(to, &site);
    s.push_str(query);
    if let Some(f) = fragment {
        s.push('#');
        s.push_str(f);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_or_file() {
        assert!(is_note_embed("컨텍스트 스위칭"));
        assert!(is_note_embed("컨텍스트 스위칭#비용"));
        assert!(is_note_embed("v1.2 정리"));
        assert!(is_note_embed("노트.md"));
        assert!(!is_note_embed("그림.png"));
        assert!(!is_note_embed("자료/발표.pdf"));
    }

    #[test]
    fn closest_file_wins() {
        let mut assets = HashMap::new();
        for rel in [
            "os/images/그림.png",
            "net/그림.png",
            "첨부/표.png",
            "a/표.png",
        ] {
            assets.insert(rel.to_string(), PathBuf::from(rel));
        }
        let names = FileNames::new(&assets);
        let f = names.find("os/process", "그림.png").unwrap();
        assert_eq!(f.rel, "os/images/그림.png");
        assert!(f.also.is_empty());
        let f = names.find("os", "표.png").unwrap();
        assert_eq!(f.rel, "a/표.png");
        assert_eq!(f.also, vec!["첨부/표.png"]);
        assert!(names.find("", "없는.png").is_none());
    }

    #[test]
    fn sizes() {
        assert_eq!(size("300"), Some(300));
        assert_eq!(size("300x200"), Some(300));
        assert_eq!(size("설명"), None);
        assert_eq!(size("0"), None);
    }

    #[test]
    fn urls_follow_the_embedding_page() {
        let html = "<a href=\"#비용\">x</a><img src=\"images/a.png\"><a href=\"../net/b.html\">";
        let out = rebase(html, "os/a.html", "til/2026/b.html");
        assert!(out.contains("href=\"../../os/a.html#비용\""), "{out}");
        assert!(out.contains("src=\"../../os/images/a.png\""), "{out}");
        assert!(out.contains("href=\"../../net/b.html\""), "{out}");
    }

    #[test]
    fn blocks() {
        let html = "<p>a</p><p><span class=\"block-id\" id=\"^x\"></span>문장</p><ul><li><span class=\"block-id\" id=\"^y\"></span>항목</li></ul>";
        assert_eq!(
            section_html(html, "^x"),
            Some("<p><span class=\"block-id\" id=\"^x\"></span>문장</p>")
        );
        assert_eq!(
            section_html(html, "^y"),
            Some("<li><span class=\"block-id\" id=\"^y\"></span>항목</li>")
        );
    }

    #[test]
    fn sections() {
        let html =
            "<p>a</p><h2 id=\"x\">X</h2><p>b</p><h3 id=\"y\">Y</h3><p>c</p><h2 id=\"z\">Z</h2>";
        assert_eq!(
            section_html(html, "x"),
            Some("<h2 id=\"x\">X</h2><p>b</p><h3 id=\"y\">Y</h3><p>c</p>")
        );
    }
}
