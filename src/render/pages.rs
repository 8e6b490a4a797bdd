//! One function per kind of page: each builds a small template context
//! (this page plus precomputed lists, never the whole site) and renders it.
//!
//! Links in contexts are site-relative and percent-encoded (`href`); the
//! templates put `root` (`../../`) in front, so every URL stays relative.

use serde::Serialize;
use tera::Context;

use crate::diagnostic::Diagnostic;
use crate::ids::{CategoryId, TagId};
use crate::index::taxonomy::{ARCHIVE_URL, CATEGORY_ROOT_URL, TAG_INDEX_URL};
use crate::index::SiteIndex;
use crate::note::{Note, NoteId};
use crate::render::RenderEnv;
use crate::urls::{encode_path, root_prefix};

/// A note in a list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NoteItem {
    pub title: String,
    pub href: String,
    pub date: Option<String>,
    pub description: String,
    pub category: Option<Crumb>,
    /// Front matter `cover`/`image` under the notes root (site-relative,
    /// encoded), or its absolute URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumb_href: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumb_url: Option<String>,
}

/// A named link: breadcrumbs, tags, categories.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Crumb {
    pub name: String,
    pub href: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
struct TocEntry {
    level: u8,
    text: String,
    /// The id percent-encoded for `href="#…"`.
    anchor: String,
}

#[derive(Debug, Clone, Serialize)]
struct BacklinkItem {
    title: String,
    href: String,
    context: String,
}

#[derive(Debug, Clone, Serialize)]
struct CategoryTree {
    name: String,
    href: String,
    count: usize,
    children: Vec<CategoryTree>,
}

pub(crate) fn note_item(index: &SiteIndex, id: NoteId) -> NoteItem {
    let note = &index.notes[id];
    let (thumb_href, thumb_url) = super::sharing::thumbnail(index, id);
    NoteItem {
        thumb_href,
        thumb_url,
        title: note.title.clone(),
        href: encode_path(&note.url),
        date: note.date.map(|d| d.ymd()),
        description: note.description.clone(),
        category: index.taxonomy.note_category[id]
            .filter(|&c| c != CategoryId::ROOT)
            .map(|c| category_crumb(index, c)),
    }
}

fn category_crumb(index: &SiteIndex, cat: CategoryId) -> Crumb {
    let c = &index.taxonomy.categories[cat];
    Crumb {
        name: c.path.join(" / "),
        href: encode_path(&c.url),
        count: Some(c.total),
    }
}

fn crumb(name: &str, url: &str, count: Option<usize>) -> Crumb {
    Crumb {
        name: name.to_string(),
        href: encode_path(url),
        count,
    }
}

/// The context every page starts from.
pub(crate) fn base_context(
    env: &RenderEnv<'_>,
    page_url: &str,
    title: &str,
    kind: &str,
) -> Context {
    let mut ctx = Context::new();
    ctx.insert("root", &root_prefix(page_url));
    ctx.insert("page_kind", kind);
    ctx.insert("page_title", title);
    ctx.insert("page_href", &encode_path(page_url));
    ctx.insert(
        "canonical",
        &env.index.config.absolute_url(&encode_path(page_url)),
    );
    ctx.insert("live_reload", &env.live_reload);
    ctx.insert("description", &env.index.config.description);
    ctx
}

/// The values every page shares, computed once: site settings and the
/// navigation. Inserted into Tera's global context.
pub(crate) fn global_context(index: &SiteIndex) -> Context {
    let mut ctx = Context::new();
    let c = &index.config;
    #[derive(Serialize)]
    struct SiteInfo<'a> {
        title: &'a str,
        description: &'a str,
        author: &'a str,
        language: &'a str,
        base_url: &'a str,
        generator: String,
        note_count: usize,
        has_glossary: bool,
        has_comparisons: bool,
        extra: &'a std::collections::BTreeMap<String, serde_yaml::Value>,
        og_locale: String,
    }
    ctx.insert(
        "site",
        &SiteInfo {
            title: &c.title,
            description: &c.description,
            author: &c.author,
            language: &c.language,
            base_url: &c.base_url,
            generator: format!("gongbu {}", env!("CARGO_PKG_VERSION")),
            note_count: index.taxonomy.listed.len(),
            has_glossary: !index.glossary.terms.is_empty(),
            has_comparisons: super::has_comparisons(index),
            extra: &c.extra,
            og_locale: super::sharing::og_locale(&c.language),
        },
    );
    let top: Vec<Crumb> = index.taxonomy.categories[CategoryId::ROOT]
        .children
        .iter()
        .map(|&i| category_crumb_short(index, i))
        .collect();
    ctx.insert("nav_categories", &top);
    ctx.insert(
        "analytics_html",
        &super::third_party::analytics_html(&c.analytics),
    );
    ctx.insert(
        "comments_html",
        &super::third_party::comments_html(&c.comments),
    );
    ctx
}

fn category_crumb_short(index: &SiteIndex, cat: CategoryId) -> Crumb {
    let c = &index.taxonomy.categories[cat];
    crumb(&c.name, &c.url, Some(c.total))
}

/// A category as a place to go: its folder's page (README) when it has
/// one, else its category page.
fn section_crumb(index: &SiteIndex, cat: CategoryId) -> Crumb {
    let c = &index.taxonomy.categories[cat];
    let url = c
        .folder_page
        .map(|p| index.notes[p].url.as_str())
        .unwrap_or(&c.url);
    crumb(&c.name, url, Some(c.total))
}

/// The way up from a note (or a folder page): each folder above it, linked
/// to its folder page when it has one.
fn note_breadcrumbs(index: &SiteIndex, id: NoteId) -> Vec<Crumb> {
    let t = &index.taxonomy;
    if let Some(c) = t.note_category[id] {
        return t
            .ancestry(c)
            .into_iter()
            .map(|a| section_crumb(index, a))
            .collect();
    }
    match t.folder_of[id] {
        Some(c) => {
            let mut up = t.ancestry(c);
            up.pop();
            up.into_iter().map(|a| section_crumb(index, a)).collect()
        }
        None => Vec::new(),
    }
}

/// The series box of a note: where it stands, the notes before and after,
/// the whole list.
#[derive(Debug, Clone, Serialize)]
struct SeriesBox {
    name: String,
    position: usize,
    total: usize,
    prev: Option<NoteItem>,
    next: Option<NoteItem>,
    notes: Vec<SeriesEntry>,
}

#[derive(Debug, Clone, Serialize)]
struct SeriesEntry {
    title: String,
    href: String,
    current: bool,
}

fn series_box(index: &SiteIndex, id: NoteId) -> Option<SeriesBox> {
    let s = &index.taxonomy.series[index.taxonomy.note_series[id]?];
    let pos = s.notes.iter().position(|&n| n == id)?;
    Some(SeriesBox {
        name: s.name.clone(),
        position: pos + 1,
        total: s.notes.len(),
        prev: pos
            .checked_sub(1)
            .and_then(|p| s.notes.get(p))
            .map(|&p| note_item(index, p)),
        next: s.notes.get(pos + 1).map(|&n| note_item(index, n)),
        notes: s
            .notes
            .iter()
            .map(|&n| SeriesEntry {
                title: index.notes[n].title.clone(),
                href: encode_path(&index.notes[n].url),
                current: n == id,
            })
            .collect(),
    })
}

/// A note's page (folder pages too: they also list their folder's notes).
pub(crate) fn note_page(
    env: &RenderEnv<'_>,
    id: NoteId,
    body_html: &str,
) -> Result<String, Diagnostic> {
    let index = env.index;
    let note = &index.notes[id];
    let mut ctx = base_context(
        env,
        &note.url,
        &note.title,
        if note.is_folder_index {
            "folder"
        } else {
            "note"
        },
    );
    ctx.insert("description", &note.description);
    ctx.insert("body", body_html);

    #[derive(Serialize)]
    struct PageInfo<'a> {
        title: &'a str,
        date: Option<String>,
        date_ko: Option<String>,
        date_iso: Option<String>,
        updated: Option<String>,
        updated_ko: Option<String>,
        author: Option<&'a str>,
        reading_minutes: usize,
        tags: Vec<Crumb>,
        breadcrumbs: Vec<Crumb>,
        source_path: &'a str,
        extra: &'a std::collections::BTreeMap<String, serde_json::Value>,
        title_id: Option<&'a str>,
    }
    let breadcrumbs = note_breadcrumbs(index, id);
    let tags = index.taxonomy.note_tags[id]
        .iter()
        .map(|&t| {
            let tag = &index.taxonomy.tags[t];
            crumb(&tag.name, &tag.url, Some(tag.notes.len()))
        })
        .collect();
    let author = note
        .front
        .author
        .as_deref()
        .or_else(|| (!index.config.author.is_empty()).then_some(index.config.author.as_str()));
    let title_id = note
        .facts
        .title_block
        .as_ref()
        .and_then(|t| t.heading)
        .and_then(|h| note.facts.headings.get(h))
        .map(|h| h.id.as_str());
    ctx.insert(
        "page",
        &PageInfo {
            title: &note.title,
            date: note.date.map(|d| d.ymd()),
            date_ko: note.date.map(|d| d.korean()),
            date_iso: note.date.map(|d| d.rfc3339()),
            updated: note.updated.map(|d| d.ymd()),
            updated_ko: note.updated.map(|d| d.korean()),
            author,
            reading_minutes: note.reading_minutes(index.config.reading_speed),
            tags,
            breadcrumbs,
            source_path: &note.rel_path,
            extra: &note.front.extra,
            title_id,
        },
    );
    ctx.insert("toc", &toc(note));
    super::sharing::note_context(env, id, &mut ctx);

    let backlinks: Vec<BacklinkItem> = index.backlinks[id]
        .iter()
        .map(|b| BacklinkItem {
            title: index.notes[b.from].title.clone(),
            href: encode_path(&index.notes[b.from].url),
            context: b.context.clone(),
        })
        .collect();
    ctx.insert("backlinks", &backlinks);
    let (prev, next) = index.taxonomy.neighbors[id];
    ctx.insert("prev", &prev.map(|p| note_item(index, p)));
    ctx.insert("next", &next.map(|n| note_item(index, n)));
    let related: Vec<NoteItem> = index.related[id]
        .iter()
        .map(|&r| note_item(index, r))
        .collect();
    ctx.insert("related", &related);
    ctx.insert("series", &series_box(index, id));

    // A folder's page lists what is in the folder.
    let folder_notes: Vec<NoteItem> = if note.is_folder_index {
        folder_listing(index, note)
    } else {
        Vec::new()
    };
    ctx.insert("folder_notes", &folder_notes);
    super::note_extras_context(&mut ctx, index, note, body_html);
    env.theme.render("note.html", &ctx)
}

/// Notes in a folder and below, newest first (for README pages).
fn folder_listing(index: &SiteIndex, folder_note: &Note) -> Vec<NoteItem> {
    let prefix = if folder_note.folder.is_empty() {
        String::new()
    } else {
        format!("{}/", folder_note.folder)
    };
    let mut listed = index
        .taxonomy
        .listed
        .iter()
        .copied()
        .filter(|&i| index.notes[i].rel_path.starts_with(&prefix))
        .collect::<Vec<NoteId>>();
    // A folder in an explicit reading order lists its own notes that way.
    let t = &index.taxonomy;
    if let Some(c) = t
        .categories
        .iter()
        .find(|c| c.ordered && c.folder_page == index.note_by_url(&folder_note.url))
    {
        let rank = |i: NoteId| c.notes.iter().position(|&n| n == i).unwrap_or(usize::MAX);
        listed.sort_by_key(|&i| rank(i));
    }
    listed.into_iter().map(|i| note_item(index, i)).collect()
}

fn toc(note: &Note) -> Vec<TocEntry> {
    let skip = note.facts.title_block.as_ref().and_then(|t| t.heading);
    note.facts
        .headings
        .iter()
        .enumerate()
        .filter(|(i, h)| Some(*i) != skip && h.level <= 4)
        .map(|(_, h)| TocEntry {
            level: h.level,
            text: h.text.clone(),
            anchor: crate::urls::encode_fragment(&h.id),
        })
        .collect()
}

/// The home page: the root README's text if there is one, recent notes,
/// categories, tags and the entry points.
pub(crate) fn home_page(
    env: &RenderEnv<'_>,
    intro_html: Option<&str>,
    intro_note: Option<NoteId>,
) -> Result<String, Diagnostic> {
    let index = env.index;
    let title = intro_note
        .map(|i| index.notes[i].title.clone())
        .unwrap_or_else(|| index.config.title.clone());
    let mut ctx = base_context(env, "index.html", &title, "home");
    ctx.insert("intro", &intro_html);
    if let (Some(html), Some(id)) = (intro_html, intro_note) {
        super::note_extras_context(&mut ctx, index, &index.notes[id], html);
    }
    // Without any date, "recent" would be a made-up order: the notes are
    // listed by section instead.
    let t = &index.taxonomy;
    let dated = t.recent.iter().any(|&i| index.notes[i].date.is_some());
    let recent: Vec<NoteItem> = if dated {
        t.recent
            .iter()
            .filter(|&&i| index.notes[i].date.is_some())
            .take(index.config.feed_limit.max(1))
            .map(|&i| note_item(index, i))
            .collect()
    } else {
        Vec::new()
    };
    ctx.insert("recent", &recent);
    #[derive(Serialize)]
    struct Section {
        #[serde(flatten)]
        link: Crumb,
        category_href: String,
        children: Vec<CategoryTree>,
        notes: Vec<NoteItem>,
    }
    let root = &t.categories[CategoryId::ROOT];
    let sections: Vec<Section> = root
        .children
        .iter()
        .map(|&c| Section {
            link: section_crumb(index, c),
            category_href: encode_path(&t.categories[c].url),
            children: category_tree(index, c).children,
            notes: if dated {
                Vec::new()
            } else {
                let mut ids: Vec<NoteId> = t.categories[c].folder_page.into_iter().collect();
                ids.extend(t.categories[c].notes.iter().copied());
                ids.extend(notes_below(index, c));
                ids.into_iter().map(|i| note_item(index, i)).collect()
            },
        })
        .collect();
    ctx.insert("sections", &sections);
    let loose: Vec<NoteItem> = if dated {
        Vec::new()
    } else {
        root.notes.iter().map(|&i| note_item(index, i)).collect()
    };
    ctx.insert("loose_notes", &loose);
    ctx.insert(
        "categories",
        &category_tree(index, CategoryId::ROOT).children,
    );
    let mut tags: Vec<Crumb> = index
        .taxonomy
        .tags
        .iter()
        .map(|t| crumb(&t.name, &t.url, Some(t.notes.len())))
        .collect();
    tags.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    tags.truncate(30);
    ctx.insert("tags", &tags);
    ctx.insert("note_count", &index.taxonomy.listed.len());
    env.theme.render("index.html", &ctx)
}

fn category_tree(index: &SiteIndex, cat: CategoryId) -> CategoryTree {
    let c = &index.taxonomy.categories[cat];
    CategoryTree {
        name: c.name.clone(),
        href: encode_path(&c.url),
        count: c.total,
        children: c
            .children
            .iter()
            .map(|&k| category_tree(index, k))
            .collect(),
    }
}

/// A category page: its notes, its sub-categories, the way up.
pub(crate) fn category_page(env: &RenderEnv<'_>, cat: CategoryId) -> Result<String, Diagnostic> {
    let index = env.index;
    let c = &index.taxonomy.categories[cat];
    let title = if cat == CategoryId::ROOT {
        "분류".to_string()
    } else {
        c.path.join(" / ")
    };
    let mut ctx = base_context(env, &c.url, &title, "category");
    if cat != CategoryId::ROOT {
        ctx.insert("feed_href", &encode_path(&feed_url(&c.url)));
    }
    let breadcrumbs: Vec<Crumb> = index
        .taxonomy
        .ancestry(cat)
        .into_iter()
        .map(|a| category_crumb_short(index, a))
        .collect();
    ctx.insert("breadcrumbs", &breadcrumbs);
    ctx.insert("category_name", &c.name);
    ctx.insert("is_root", &(cat == CategoryId::ROOT));
    ctx.insert("children", &category_tree(index, cat).children);
    let notes: Vec<NoteItem> = c.notes.iter().map(|&i| note_item(index, i)).collect();
    ctx.insert("notes", &notes);
    ctx.insert("total", &c.total);
    let below: Vec<NoteItem> = if cat == CategoryId::ROOT {
        Vec::new()
    } else {
        notes_below(index, cat)
            .into_iter()
            .map(|i| note_item(index, i))
            .collect()
    };
    ctx.insert("notes_below", &below);
    ctx.insert("ordered", &c.ordered);
    ctx.insert("folder_page", &c.folder_page.map(|p| note_item(index, p)));
    env.theme.render("category.html", &ctx)
}

/// Notes filed in the sub-categories of `cat` (not in `cat` itself),
/// newest first.
pub(crate) fn notes_below(index: &SiteIndex, cat: CategoryId) -> Vec<NoteId> {
    let cats = &index.taxonomy.categories;
    let mut below = std::collections::HashSet::new();
    let mut stack: Vec<CategoryId> = cats[cat].children.clone();
    let mut folder_pages = Vec::new();
    while let Some(k) = stack.pop() {
        below.extend(cats[k].notes.iter().copied());
        folder_pages.extend(cats[k].folder_page);
        stack.extend(cats[k].children.iter().copied());
    }
    let mut ids: Vec<NoteId> = index
        .taxonomy
        .listed
        .iter()
        .copied()
        .filter(|i| below.contains(i))
        .collect();
    // Folder pages below (a folder whose README is its only note too).
    folder_pages.sort_by(|&a, &b| index.notes[a].rel_path.cmp(&index.notes[b].rel_path));
    ids.extend(folder_pages);
    ids
}

pub(crate) fn tag_page(env: &RenderEnv<'_>, tag: TagId) -> Result<String, Diagnostic> {
    let index = env.index;
    let t = &index.taxonomy.tags[tag];
    let mut ctx = base_context(env, &t.url, &format!("#{}", t.name), "tag");
    ctx.insert("feed_href", &encode_path(&feed_url(&t.url)));
    ctx.insert("tag_name", &t.name);
    let notes: Vec<NoteItem> = t.notes.iter().map(|&i| note_item(index, i)).collect();
    ctx.insert("notes", &notes);
    env.theme.render("tag.html", &ctx)
}

pub(crate) fn tag_index_page(env: &RenderEnv<'_>) -> Result<String, Diagnostic> {
    let index = env.index;
    let mut ctx = base_context(env, TAG_INDEX_URL, "태그", "tags");
    let tags: Vec<Crumb> = index
        .taxonomy
        .tags
        .iter()
        .map(|t| crumb(&t.name, &t.url, Some(t.notes.len())))
        .collect();
    ctx.insert("tags", &tags);
    env.theme.render("tags.html", &ctx)
}

pub(crate) fn archive_page(env: &RenderEnv<'_>) -> Result<String, Diagnostic> {
    let index = env.index;
    #[derive(Serialize)]
    struct Month {
        month: u32,
        id: String,
        notes: Vec<NoteItem>,
    }
    #[derive(Serialize)]
    struct Year {
        year: i32,
        count: usize,
        months: Vec<Month>,
    }
    let years: Vec<Year> = index
        .taxonomy
        .archive
        .iter()
        .map(|y| Year {
            year: y.year,
            count: y.months.iter().map(|m| m.notes.len()).sum(),
            months: y
                .months
                .iter()
                .map(|m| Month {
                    month: m.month,
                    id: format!("{}-{:02}", y.year, m.month),
                    notes: m.notes.iter().map(|&i| note_item(index, i)).collect(),
                })
                .collect(),
        })
        .collect();
    let undated: Vec<NoteItem> = index
        .taxonomy
        .undated
        .iter()
        .map(|&i| note_item(index, i))
        .collect();
    let mut ctx = base_context(env, ARCHIVE_URL, "날짜별 보관함", "archive");
    ctx.insert("years", &years);
    ctx.insert("undated", &undated);
    env.theme.render("archive.html", &ctx)
}

pub(crate) fn not_found_page(env: &RenderEnv<'_>) -> Result<String, Diagnostic> {
    // 404.html is served for any missing path, so its links start from
    // base_url (or the Pages path of repo_url) when known; else they stay
    // relative and a script in the page's head sets <base> to the root it
    // finds in the path, knowing the site's top-level names.
    let mut ctx = base_context(env, "404.html", "페이지를 찾을 수 없습니다", "404");
    let (root, guess) = not_found_root(&env.index.config);
    ctx.insert("root", if guess { "" } else { root.as_str() });
    ctx.insert("root_guess", &guess);
    if guess {
        let mut top: std::collections::BTreeSet<&str> = env
            .index
            .notes
            .iter()
            .map(|n| n.url.split('/').next().unwrap_or(""))
            .collect();
        top.extend(crate::site_files::RESERVED_FILES.iter().copied());
        top.extend(
            crate::site_files::RESERVED_PREFIXES
                .iter()
                .map(|p| p.trim_end_matches('/')),
        );
        top.insert("index.html");
        top.remove("");
        // In a script: `<` escaped so no name can close it.
        let json = serde_json::to_string(&top)
            .unwrap_or_else(|_| "[]".to_string())
            .replace('<', "\\u003c");
        ctx.insert("early_head", &not_found_base_script(&json));
    }
    env.theme.render("404.html", &ctx)
}

/// The script at the top of the 404 page's `<head>` (before any relative
/// URL) that sets `<base>` to the site root found in the path. `top` is the
/// JSON list of the site's top-level names.
fn not_found_base_script(top: &str) -> String {
    format!(
        r#"<script>
/* 404.html is served for any missing path, at any depth. Its links are
   relative to the site root; on a server this finds the root in the path
   (the folder before the first of the site's own top-level names; on a
   *.github.io project site the first folder; else the page's folder) and
   sets <base> to it. From disk and without scripts the links stay relative. */
(function(){{if(location.protocol==="file:")return;var t={top},p=location.pathname.split("/").slice(1),r=null,i;
for(i=0;i<p.length;i++){{var s;try{{s=decodeURIComponent(p[i]);}}catch(e){{s=p[i];}}if(t.indexOf(s)>=0){{r=p.slice(0,i);break;}}}}
if(r===null)r=/\.github\.io$/.test(location.hostname)&&p.length>1?p.slice(0,1):p.slice(0,p.length-1);
var h="/"+r.join("/")+(r.length?"/":"");document.write('<base href="'+h.replace(/"/g,"%22")+'">');}})();
</script>"#
    )
}

/// Where the 404 page's links start, and whether a script should guess
/// better: `base_url` when known; on a custom domain `/`; with `repo_url`
/// the GitHub Pages path of that repository (`/REPO/`, `/` for a
/// `OWNER.github.io` repository); else `/`, which a small script moves one
/// folder down on a `*.github.io` project site.
pub(crate) fn not_found_root(config: &crate::config::Config) -> (String, bool) {
    if !config.base_url.is_empty() {
        return (config.base_url.clone(), false);
    }
    if !config.cname.trim().is_empty() {
        return ("/".to_string(), false);
    }
    let repo = config
        .repo_url
        .trim()
        .trim_end_matches('/')
        .trim_end_matches(".git");
    if let Some(path) = repo
        .strip_prefix("https://github.com/")
        .or_else(|| repo.strip_prefix("http://github.com/"))
    {
        if let Some((owner, name)) = path.split_once('/') {
            if !name.is_empty() && !name.contains('/') {
                if name.eq_ignore_ascii_case(&format!("{owner}.github.io")) {
                    return ("/".to_string(), false);
                }
                return (format!("/{}/", encode_path(name)), false);
            }
        }
    }
    ("/".to_string(), true)
}

/// Atom feed of the newest notes.
pub(crate) fn feed(env: &RenderEnv<'_>) -> Result<String, Diagnostic> {
    let index = env.index;
    feed_of(
        env,
        &index.taxonomy.recent,
        &index.config.title,
        "atom.xml",
        "index.html",
    )
}

/// The feed beside a category or tag page: `tags/운영체제.html` →
/// `tags/운영체제.atom.xml`.
pub(crate) fn feed_url(page_url: &str) -> String {
    let stem = page_url.strip_suffix(".html").unwrap_or(page_url);
    format!("{stem}.atom.xml")
}

/// The feed of a category (its notes and those below it).
pub(crate) fn category_feed(env: &RenderEnv<'_>, cat: CategoryId) -> Result<String, Diagnostic> {
    let index = env.index;
    let c = &index.taxonomy.categories[cat];
    let mut ids: std::collections::HashSet<NoteId> = c.notes.iter().copied().collect();
    ids.extend(notes_below(index, cat));
    let ordered: Vec<NoteId> = index
        .taxonomy
        .listed
        .iter()
        .copied()
        .filter(|i| ids.contains(i))
        .collect();
    let title = format!("{} · {}", c.path.join(" / "), index.config.title);
    feed_of(env, &ordered, &title, &feed_url(&c.url), &c.url)
}

/// The feed of a tag.
pub(crate) fn tag_feed(env: &RenderEnv<'_>, tag: TagId) -> Result<String, Diagnostic> {
    let index = env.index;
    let t = &index.taxonomy.tags[tag];
    let title = format!("#{} · {}", t.name, index.config.title);
    feed_of(env, &t.notes, &title, &feed_url(&t.url), &t.url)
}

/// An Atom feed of `ids` (newest first), at `self_url`, about the page
/// `page_url`. With `feed_content: full` each entry carries the note's HTML.
fn feed_of(
    env: &RenderEnv<'_>,
    ids: &[NoteId],
    title: &str,
    self_url: &str,
    page_url: &str,
) -> Result<String, Diagnostic> {
    let index = env.index;
    #[derive(Serialize)]
    struct Entry {
        title: String,
        href: String,
        id: String,
        updated: String,
        published: String,
        summary: String,
        author: String,
        categories: Vec<String>,
        content: Option<String>,
    }
    let base = &index.config.base_url;
    let full = index.config.full_feeds();
    let entries: Vec<Entry> = ids
        .iter()
        .filter(|&&i| index.notes[i].date.is_some())
        .take(index.config.feed_limit.max(1))
        .map(|&i| {
            let n = &index.notes[i];
            let href = format!("{base}{}", encode_path(&n.url));
            let published = n.date.map(|d| d.rfc3339()).unwrap_or_default();
            Entry {
                title: xml_text(&n.title),
                id: if base.is_empty() {
                    format!("urn:gongbu:{}", encode_path(&n.url))
                } else {
                    href.clone()
                },
                href,
                updated: n
                    .updated
                    .map(|d| d.rfc3339())
                    .unwrap_or_else(|| published.clone()),
                published,
                summary: xml_text(&n.description),
                author: xml_text(n.front.author.as_deref().unwrap_or(&index.config.author)),
                categories: n.tags.iter().map(|t| xml_text(t)).collect(),
                content: full.then(|| xml_text(&super::markdown::note_body_html(index, i))),
            }
        })
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated.clone())
        .max()
        .unwrap_or_else(|| newest_source_time(index));
    let mut ctx = Context::new();
    ctx.insert("site_title", &xml_text(title));
    ctx.insert("site_description", &xml_text(&index.config.description));
    ctx.insert("base_url", base);
    ctx.insert("updated", &updated);
    ctx.insert("entries", &entries);
    ctx.insert("self_href", &encode_path(self_url));
    ctx.insert("page_href", &encode_path(page_url));
    env.theme.render("atom.xml", &ctx)
}

/// The feed's own date when no note has one: the newest modification time
/// of a note file (never 1970).
fn newest_source_time(index: &SiteIndex) -> String {
    let newest = index
        .notes
        .iter()
        .filter_map(|n| std::fs::metadata(&n.source_path).ok()?.modified().ok())
        .max()
        .unwrap_or_else(std::time::SystemTime::now);
    chrono::DateTime::<chrono::Utc>::from(newest)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// sitemap.xml: every page, absolute when `base_url` is set.
pub(crate) fn sitemap(
    env: &RenderEnv<'_>,
    urls: &[(String, Option<String>)],
) -> Result<String, Diagnostic> {
    #[derive(Serialize)]
    struct Url {
        loc: String,
        lastmod: Option<String>,
    }
    let base = &env.index.config.base_url;
    let list: Vec<Url> = urls
        .iter()
        .map(|(u, lastmod)| Url {
            loc: format!("{base}{}", encode_path(u)),
            lastmod: lastmod.clone(),
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert("urls", &list);
    env.theme.render("sitemap.xml", &ctx)
}

/// Text for XML: characters XML 1.0 forbids (most control characters) are
/// dropped; escaping is the template's job.
pub(crate) fn xml_text(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

pub(crate) fn category_urls(index: &SiteIndex) -> Vec<String> {
    let mut urls: Vec<String> = index
        .taxonomy
        .categories
        .iter()
        .map(|c| c.url.clone())
        .collect();
    urls.retain(|u| {
        u != CATEGORY_ROOT_URL
            || !index.taxonomy.categories[CategoryId::ROOT]
                .children
                .is_empty()
    });
    urls
}
