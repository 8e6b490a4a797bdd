//! Notes that came from a Jekyll blog: `_config.yml` read into the site
//! settings, every URL the blog used to serve computed as Jekyll computed it
//! (posts live at that URL; pages keep gongbu's URL and get a redirect), old
//! paths from `aliases:`/`redirect_from:`, and the checks that no two of
//! them claim one file. Liquid tags and kramdown syntax are rewritten before
//! parsing (`liquid.rs`, `kramdown.rs`); redirect pages are written by
//! `redirects.rs`.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

pub(crate) mod kramdown;
pub(crate) mod liquid;
pub(crate) mod permalink;
pub(crate) mod redirects;

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use serde_yaml::Value;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::note::Note;

/// What `_config.yml` says that gongbu uses beyond the site settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JekyllSite {
    /// The permalink pattern of posts (a named style already expanded).
    pub permalink: String,
    /// `baseurl` (`/blog`), without a trailing slash.
    pub baseurl: String,
    /// `excerpt_separator`.
    pub excerpt_separator: Option<String>,
    /// The zone Jekyll put post dates in, seconds east of UTC: `timezone:`
    /// when it is a zone without daylight saving, UTC without one (GitHub
    /// Pages builds in UTC), None for a zone gongbu cannot compute.
    pub utc_offset: Option<i32>,
    /// jekyll-paginate: posts per page of the home page (`paginate:`) and
    /// where the later pages were (`paginate_path:`, `/page:num/`).
    pub paginate: Option<usize>,
    pub paginate_path: String,
}

/// Seconds east of UTC of the zones without daylight saving that blogs
/// here use; None for the others.
fn fixed_zone_offset(zone: &str) -> Option<i32> {
    let hours = |h: i32| Some(h * 3600);
    match zone.trim() {
        "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT" | "Etc/Universal" | "Universal" | "Zulu" => hours(0),
        "Asia/Seoul" | "ROK" | "Asia/Tokyo" | "Japan" | "Asia/Pyongyang" => hours(9),
        "Asia/Shanghai" | "PRC" | "Asia/Hong_Kong" | "Asia/Taipei" | "Asia/Singapore"
        | "Asia/Manila" | "Asia/Kuala_Lumpur" => hours(8),
        "Asia/Ho_Chi_Minh" | "Asia/Bangkok" | "Asia/Jakarta" => hours(7),
        "Asia/Kolkata" | "Asia/Calcutta" => Some(5 * 3600 + 1800),
        _ => None,
    }
}

/// The front matter `date` as Jekyll dated the post: a date written with
/// an offset is moved into the site's zone (`2021-03-06 08:00 +0900` is
/// 2021-03-05 in UTC); one without an offset is already in it.
fn post_date_in_site_zone(
    note: &Note,
    site_offset: Option<i32>,
) -> Option<(chrono::NaiveDate, Option<chrono::NaiveTime>)> {
    let d = note.front.date?;
    let offset = site_offset.and_then(chrono::FixedOffset::east_opt);
    let written = note
        .source
        .get(..note.body_start)
        .unwrap_or("")
        .lines()
        .find_map(|l| l.strip_prefix("date:"))
        .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\''));
    let with_offset = written.and_then(|w| {
        chrono::DateTime::parse_from_rfc3339(w).ok().or_else(|| {
            [
                "%Y-%m-%d %H:%M:%S %z",
                "%Y-%m-%d %H:%M %z",
                "%Y-%m-%d %H:%M:%S%.f %z",
            ]
            .iter()
            .find_map(|f| chrono::DateTime::parse_from_str(w, f).ok())
        })
    });
    match (with_offset, offset) {
        (Some(dt), Some(zone)) => {
            let local = dt.with_timezone(&zone);
            Some((local.date_naive(), Some(local.time())))
        }
        _ => Some((d.date, d.time)),
    }
}

/// The Jekyll configuration files gongbu looks for, notes root first.
pub(crate) const CONFIG_FILES: &[&str] = &["_config.yml", "_config.yaml"];

/// Reads `_config.yml` (notes root first, then the site root) into
/// `config` where `gongbu.yaml` left a key at its default. Without such a
/// file nothing changes.
pub(crate) fn merge_config(
    config: &mut Config,
    root: &Path,
    notes_dir: &Path,
) -> Result<(), Diagnostic> {
    let found = [notes_dir, root]
        .iter()
        .flat_map(|dir| CONFIG_FILES.iter().map(move |f| dir.join(f)))
        .find(|p| p.is_file());
    let Some(path) = found else {
        return Ok(());
    };
    let display = crate::diagnostic::display_path(root, &path);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Diagnostic::error(
            Code::Config,
            format!("`_config.yml`을 읽을 수 없습니다: {e}"),
        )
        .with_path(display.clone())
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let value: Value = if text.trim().is_empty() {
        Value::Null
    } else {
        crate::yaml::from_str(text).map_err(|e| {
            let d = Diagnostic::error(
                Code::Config,
                format!(
                    "`_config.yml`을 해석할 수 없습니다: {}",
                    crate::config::yaml_message(&e)
                ),
            )
            .with_path(display.clone());
            match e.location() {
                Some(loc) => d.at_line(text, loc.line()),
                None => d,
            }
        })?
    };
    let get = |key: &str| -> Option<String> {
        value
            .get(key)
            .and_then(crate::note::front_matter::scalar_string)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let defaults = Config::default();
    if config.title == defaults.title {
        if let Some(t) = get("title") {
            config.title = t;
        }
    }
    if config.description.is_empty() {
        if let Some(d) = get("description") {
            config.description = d;
        }
    }
    if config.author.is_empty() {
        // `author: 이름` or `author: { name: 이름, email: … }`.
        let author = get("author").or_else(|| {
            value
                .get("author")
                .and_then(|a| a.get("name"))
                .and_then(crate::note::front_matter::scalar_string)
        });
        if let Some(a) = author {
            config.author = a;
        }
    }
    let baseurl = get("baseurl")
        .map(|b| format!("/{}", b.trim_matches('/')))
        .filter(|b| b != "/")
        .unwrap_or_default();
    if config.base_url.is_empty() {
        if let Some(url) = get("url") {
            config.set_base_url(format!("{}{baseurl}", url.trim_end_matches('/')));
        }
    }
    if config.language == defaults.language {
        if let Some(lang) = get("lang").or_else(|| get("locale")) {
            config.language = lang;
        }
    }
    config.jekyll = Some(JekyllSite {
        permalink: permalink::style_pattern(&get("permalink").unwrap_or_default()),
        baseurl,
        excerpt_separator: get("excerpt_separator"),
        paginate: get("paginate")
            .and_then(|p| p.parse().ok())
            .filter(|&n| n > 0),
        paginate_path: get("paginate_path").unwrap_or_else(|| "/page:num/".to_string()),
        utc_offset: match get("timezone") {
            Some(zone) => fixed_zone_offset(&zone),
            None => Some(0),
        },
    });
    Ok(())
}

/// Whether the notes came from Jekyll: a `_config.yml` or a `_posts/` folder.
pub(crate) fn is_jekyll_site(config: &Config, notes: &[Note]) -> bool {
    config.jekyll.is_some() || notes.iter().any(|n| post_parts(n).is_some())
}

/// `_posts/2018-09-07-slug.md`: the folders above `_posts/`, the date and
/// the slug part of the name.
fn post_parts(note: &Note) -> Option<(Vec<String>, chrono::NaiveDate, String)> {
    let segs: Vec<&str> = note.folder.split('/').collect();
    let at = segs.iter().position(|s| *s == "_posts")?;
    let stem = note.stem();
    let date = chrono::NaiveDate::parse_from_str(stem.get(..10)?, "%Y-%m-%d").ok()?;
    let slug = stem.get(11..)?.to_string();
    if slug.is_empty() || stem.get(10..11).is_none_or(|c| c != "-") {
        return None;
    }
    let above = segs
        .get(..at)
        .unwrap_or(&[])
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.to_string())
        .collect();
    Some((above, date, slug))
}

/// Old paths from front matter: `redirect_from:` entries, and `aliases:`
/// entries that are paths (start or end with `/`, or end with `.html`;
/// other aliases are names for wiki links).
fn front_matter_old_paths(note: &Note) -> Vec<String> {
    let mut out = Vec::new();
    for a in &note.front.aliases {
        let a = a.trim();
        if a.starts_with('/') || a.ends_with('/') || a.to_ascii_lowercase().ends_with(".html") {
            out.push(a.to_string());
        }
    }
    match note.front.extra.get("redirect_from") {
        Some(serde_json::Value::String(s)) => out.push(s.clone()),
        Some(serde_json::Value::Array(items)) => {
            out.extend(items.iter().filter_map(|i| i.as_str()).map(str::to_string))
        }
        _ => {}
    }
    out
}

/// Sets each note's URL and old URLs as its Jekyll blog served them: a
/// post lives at its Jekyll URL; a page keeps gongbu's URL and its Jekyll
/// URL (and every `redirect_from`/path alias) becomes an old URL, written
/// as a redirect. Recomputed from the notes' own facts on every call.
pub(crate) fn apply(notes: &mut [Note], config: &Config, diags: &mut Vec<Diagnostic>) {
    set_urls(notes, config);
    drop_case_twins(notes, diags);
    apply_descriptions(notes, config);
    let mut generated = vec!["index.html"];
    if is_jekyll_site(config, notes) {
        generated.push(FEED_COPY);
    }
    check_old_urls(notes, &generated, diags);
}

/// An old URL that differs from a page's URL only in case would overwrite
/// that page on a case-insensitive disk (macOS, Windows): it is not
/// written, with a warning.
fn drop_case_twins(notes: &mut [Note], diags: &mut Vec<Diagnostic>) {
    let pages: HashMap<String, String> = notes
        .iter()
        .map(|n| (n.url.to_lowercase(), n.url.clone()))
        .collect();
    for note in notes.iter_mut() {
        let mut dropped = Vec::new();
        note.old_urls.retain(|old| {
            match pages.get(&old.to_lowercase()).filter(|page| *page != old) {
                Some(page) => {
                    dropped.push((old.clone(), page.clone()));
                    false
                }
                None => true,
            }
        });
        for (old, page) in dropped {
            diags.push(at_old_url_line(
                Diagnostic::warning(
                    Code::RedirectCase,
                    format!(
                        "옛 주소 `{old}`는 페이지 `{page}`와 대소문자만 달라 쓰지 않습니다 (대소문자를 가리지 않는 디스크에서 페이지를 덮어씁니다)"
                    ),
                ),
                note,
            ));
        }
    }
}

/// The later pages of a paginated Jekyll home (`/page2/` …), which now
/// lead to the home page: their files, none that a note already holds.
pub(crate) fn pagination_files(config: &Config, notes: &[Note]) -> Vec<String> {
    let Some(site) = config.jekyll.as_ref() else {
        return Vec::new();
    };
    let Some(per_page) = site.paginate else {
        return Vec::new();
    };
    let posts = notes.iter().filter(|n| post_parts(n).is_some()).count();
    let pages = posts.div_ceil(per_page);
    let taken: std::collections::HashSet<&str> = notes
        .iter()
        .flat_map(|n| std::iter::once(n.url.as_str()).chain(n.old_urls.iter().map(String::as_str)))
        .collect();
    (2..=pages)
        .filter_map(|k| permalink::url_to_file(&site.paginate_path.replace(":num", &k.to_string())))
        .filter(|f| !taken.contains(f.as_str()) && f != "index.html")
        .collect()
}

/// The feed's second name when the notes came from Jekyll (jekyll-feed's).
pub(crate) const FEED_COPY: &str = "feed.xml";

fn set_urls(notes: &mut [Note], config: &Config) {
    let jekyll = is_jekyll_site(config, notes);
    let default_site = JekyllSite {
        permalink: permalink::style_pattern("date"),
        ..Default::default()
    };
    let site = config.jekyll.as_ref().unwrap_or(&default_site);
    // Each note on its own: in parallel.
    notes.par_iter_mut().for_each(|note| {
        let mut old: Vec<String> = Vec::new();
        if let Some(p) = &note.front.permalink {
            if jekyll || !p.contains(':') {
                old.push(p.clone());
            }
        }
        if let Some((above, date, file_slug)) = post_parts(note) {
            let mut categories = above;
            for c in note.front.category.iter().flatten() {
                if !categories.contains(c) {
                    categories.push(c.clone());
                }
            }
            let (date, time) =
                post_date_in_site_zone(note, site.utc_offset).unwrap_or((date, None));
            let slug = note.front.slug.clone();
            let facts = permalink::PostFacts {
                date,
                time,
                categories: &categories,
                slug: slug.as_deref().unwrap_or(&file_slug),
                slug_from_front: slug.is_some(),
                basename: note.stem(),
            };
            let pattern = note
                .front
                .permalink
                .clone()
                .unwrap_or_else(|| site.permalink.clone());
            let url = permalink::expand(&pattern, &facts);
            if let Some(file) = permalink::url_to_file(&url) {
                note.url = file;
            }
        } else if jekyll && !note.is_folder_index {
            // A page: `/:path/:basename:output_ext`, or its permalink.
            let page = match &note.front.permalink {
                Some(p) => p.clone(),
                None => {
                    let base = note.stem().to_string();
                    if note.folder.is_empty() {
                        format!("/{base}.html")
                    } else {
                        format!("/{}/{base}.html", note.folder)
                    }
                }
            };
            if let Some(file) = permalink::url_to_file(&page) {
                if note.front.permalink.is_some() || file.to_lowercase() == note.url.to_lowercase()
                {
                    // A permalink is where the page lives; and a URL that
                    // differs only in case cannot have a redirect beside the
                    // page on a case-insensitive disk.
                    note.url = file;
                } else {
                    old.push(page);
                }
            }
        }
        old.extend(front_matter_old_paths(note));
        let mut files: Vec<String> = Vec::new();
        for o in old {
            if let Some(f) = permalink::url_to_file(&o) {
                if f != note.url && !files.contains(&f) {
                    files.push(f);
                }
            }
        }
        note.old_urls = files;
    });
}

/// Where a note names its old paths, for diagnostics.
fn old_url_line(note: &Note) -> Option<usize> {
    let end = note.body_start;
    let head = note.source.get(..end).unwrap_or("");
    head.lines()
        .position(|l| {
            ["redirect_from", "aliases", "alias", "permalink"]
                .iter()
                .any(|k| l.trim_start().starts_with(k))
        })
        .map(|i| i + 1)
}

fn at_old_url_line(d: Diagnostic, note: &Note) -> Diagnostic {
    let d = d.with_path(note.display_path.clone());
    match old_url_line(note) {
        Some(line) => d.at_line(&note.source, line),
        None => d,
    }
}

/// Two redirects on one path, or a redirect where a page or a generated
/// file is: an error naming both.
pub(crate) fn check_old_urls(notes: &[Note], generated: &[&str], diags: &mut Vec<Diagnostic>) {
    let pages: HashMap<&str, &Note> = notes.iter().map(|n| (n.url.as_str(), n)).collect();
    let mut redirects: HashMap<&str, &Note> = HashMap::new();
    for note in notes {
        for old in &note.old_urls {
            if let Some(page) = pages.get(old.as_str()) {
                diags.push(at_old_url_line(
                    Diagnostic::error(
                        Code::RedirectConflict,
                        format!(
                            "`{}`의 옛 주소 `{old}`에 이미 `{}`의 페이지가 있습니다",
                            note.display_path, page.display_path
                        ),
                    )
                    .with_help("옛 주소(redirect_from·aliases·permalink)를 고치거나 둘 중 한 노트의 주소를 바꾸세요"),
                    note,
                ));
            } else if let Some(other) = redirects.get(old.as_str()) {
                if other.display_path != note.display_path {
                    diags.push(at_old_url_line(
                        Diagnostic::error(
                            Code::RedirectConflict,
                            format!(
                                "옛 주소 `{old}`를 `{}`와 `{}`가 함께 씁니다; 한 주소는 한 곳으로만 옮길 수 있습니다",
                                other.display_path, note.display_path
                            ),
                        ),
                        note,
                    ));
                }
            } else if generated.contains(&old.as_str())
                || crate::index::RESERVED_FILES.contains(&old.as_str())
                || crate::index::RESERVED_PREFIXES
                    .iter()
                    .any(|p| old.starts_with(p))
            {
                diags.push(at_old_url_line(
                    Diagnostic::error(
                        Code::RedirectConflict,
                        format!(
                            "`{}`의 옛 주소 `{old}`는 gongbu가 만드는 페이지와 겹칩니다",
                            note.display_path
                        ),
                    ),
                    note,
                ));
            } else {
                redirects.insert(old, note);
            }
        }
    }
}

/// Whether a note is written for Jekyll: a post under `_posts/`, or a page
/// with a `layout:` or `permalink:`. Only these get Liquid and kramdown
/// rewriting, so every other note renders exactly as GitHub shows it.
pub(crate) fn is_jekyll_note(rel: &str, front: &crate::note::FrontMatter) -> bool {
    rel.split('/').any(|s| s == "_posts") || front.layout.is_some() || front.permalink.is_some()
}

/// Rewrites the Liquid and kramdown of a Jekyll note's body (see
/// `liquid.rs`, `kramdown.rs`), keeping the front matter and every line
/// break, so diagnostics still name the author's lines. Liquid left as text
/// gets one warning naming its tags.
pub(crate) fn rewrite_source(
    source: String,
    body_start: usize,
    front: &crate::note::FrontMatter,
    rel: &str,
    display: &str,
    warnings: &mut Vec<Diagnostic>,
) -> String {
    if !is_jekyll_note(rel, front) {
        return source;
    }
    let body = source.get(body_start..).unwrap_or("");
    let mut text: Option<String> = None;
    if liquid::has_liquid(body) {
        let r = liquid::rewrite(body, true);
        if let Some(first) = r.unknown.first() {
            let mut names: Vec<&str> = Vec::new();
            for u in &r.unknown {
                if !names.contains(&u.name.as_str()) {
                    names.push(&u.name);
                }
            }
            let shown: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            warnings.push(
                Diagnostic::warning(
                    Code::Liquid,
                    format!(
                        "Jekyll의 Liquid 태그 {}는 gongbu가 처리하지 않아 글자 그대로 둡니다 ({}곳)",
                        shown.join(", "),
                        r.unknown.len()
                    ),
                )
                .with_path(display)
                .at_offset(&source, body_start + first.offset, first.len)
                .with_help("highlight, raw, post_url, link, site.baseurl, site.url만 바뀝니다; 나머지는 지우거나 {% raw %}로 감싸세요"),
            );
        }
        if r.text != body {
            text = Some(r.text);
        }
    }
    if let Some(sub) = media_subpath(front) {
        if let Some(p) = kramdown::prefix_images(text.as_deref().unwrap_or(body), sub) {
            text = Some(p);
        }
    }
    if let Some(k) = kramdown::rewrite(text.as_deref().unwrap_or(body)) {
        text = Some(k);
    }
    match text {
        Some(t) => {
            let mut s = source.get(..body_start).unwrap_or("").to_string();
            s.push_str(&t);
            s
        }
        None => source,
    }
}

/// The excerpt of a body cut at `separator`, as plain text.
fn excerpt(body: &str, separator: &str) -> Option<String> {
    let (head, _) = body.split_once(separator)?;
    let mut text = String::new();
    for event in pulldown_cmark::Parser::new_ext(head, crate::note::parse::options()) {
        match event {
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => text.push_str(&t),
            pulldown_cmark::Event::SoftBreak
            | pulldown_cmark::Event::HardBreak
            | pulldown_cmark::Event::End(_)
                if !text.ends_with(' ') =>
            {
                text.push(' ')
            }
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// Chirpy's folder for a post's images: `media_subpath:` or `img_path:`.
fn media_subpath(front: &crate::note::FrontMatter) -> Option<&str> {
    ["media_subpath", "img_path"]
        .iter()
        .find_map(|k| front.extra.get(*k).and_then(|v| v.as_str()))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A front matter value that is a path or URL: `image: a.png` or
/// `image: { path: a.png }` (Chirpy), under `media_subpath` when relative.
pub(crate) fn front_image(note: &Note) -> Option<String> {
    let image = front_image_written(note)?;
    match media_subpath(&note.front) {
        Some(sub) if !image.starts_with('/') && !crate::urls::has_scheme(&image) => Some(format!(
            "{}/{}",
            sub.trim_end_matches('/'),
            image.trim_start_matches("./")
        )),
        _ => Some(image),
    }
}

fn front_image_written(note: &Note) -> Option<String> {
    ["cover", "image", "thumbnail"].iter().find_map(|k| {
        let v = note.front.extra.get(*k)?;
        let s = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Object(m) => m
                .get("path")
                .or_else(|| m.get("src"))
                .and_then(|p| p.as_str())?
                .to_string(),
            _ => return None,
        };
        let s = s.trim().to_string();
        (!s.is_empty()).then_some(s)
    })
}

/// `subtitle:` of the front matter.
pub(crate) fn subtitle(note: &Note) -> Option<&str> {
    note.front
        .subtitle
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Descriptions from what Jekyll notes have: `subtitle:`, else the text
/// before `<!--more-->` (or `_config.yml`'s `excerpt_separator`).
pub(crate) fn apply_descriptions(notes: &mut [Note], config: &Config) {
    let site_sep = config
        .jekyll
        .as_ref()
        .and_then(|j| j.excerpt_separator.clone());
    // Each note on its own: in parallel.
    notes.par_iter_mut().for_each(|note| {
        if note.front.description.is_some() {
            return;
        }
        if let Some(s) = subtitle(note) {
            note.description = s.to_string();
            return;
        }
        let body = note.body();
        let found = site_sep
            .as_deref()
            .and_then(|sep| excerpt(body, sep))
            .or_else(|| excerpt(body, "<!--more-->"))
            .or_else(|| excerpt(body, "<!-- more -->"));
        if let Some(text) = found {
            note.description = crate::note::parse::shorten_around(&text, "", 160);
        }
    });
}
