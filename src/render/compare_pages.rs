//! The comparison pages: `compare/index.html` lists every comparison of the
//! site grouped by the subjects it compares, and one page per compared pair
//! or set shows the merged table, each value citing the note section it
//! comes from.
//!
//! A pair compared in thousands of notes still makes a page of readable
//! size: a cell shows its [`MAX_VALUES_PER_CELL`] most cited values, each
//! with up to [`MAX_CITES_PER_VALUE`] citation links, and says how many
//! notes it leaves out; the list of sources stops at [`MAX_SOURCES_LISTED`]
//! (and at [`MAX_INDEX_ITEMS`] per subject set on the index).

use std::collections::HashSet;

use pulldown_cmark::{html, CowStr, Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde::Serialize;

use super::pages::base_context;
use super::{put_page, RenderEnv};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::index::compare::{ComparePage, Comparison, MergedRow, COMPARE_INDEX_URL};
use crate::index::SiteIndex;
use crate::note::parse::options;
use crate::note::NoteId;
use crate::output::Sink;
use crate::urls::{encode_fragment, encode_path};

/// Different values shown in one cell of a merged table.
pub(crate) const MAX_VALUES_PER_CELL: usize = 8;
/// Citation links after one value.
pub(crate) const MAX_CITES_PER_VALUE: usize = 5;
/// Sources listed under a merged table.
pub(crate) const MAX_SOURCES_LISTED: usize = 100;
/// Sources listed per subject set on the comparisons index.
pub(crate) const MAX_INDEX_ITEMS: usize = 20;

/// Site-relative URLs of the comparison pages, for the sitemap.
pub(crate) fn urls(index: &SiteIndex) -> Vec<String> {
    if index.comparisons.is_empty() {
        return Vec::new();
    }
    std::iter::once(COMPARE_INDEX_URL.to_string())
        .chain(index.comparisons.pages.iter().map(|p| p.url.clone()))
        .collect()
}

/// Writes the index and every merged page. Returns the number of pages.
pub(crate) fn render_all(env: &RenderEnv<'_>, sink: &dyn Sink, diags: &Diagnostics) -> usize {
    let comparisons = &env.index.comparisons;
    if comparisons.is_empty() {
        return 0;
    }
    put_page(sink, diags, COMPARE_INDEX_URL, index_page(env));
    (0..comparisons.pages.len()).into_par_iter().for_each(|p| {
        let page = &comparisons.pages[p];
        if sink.wants(&page.url) {
            put_page(sink, diags, &page.url, pair_page(env, page));
        }
    });
    1 + comparisons.pages.len()
}

#[derive(Debug, Serialize)]
struct SubjectItem {
    name: String,
    href: Option<String>,
}

/// One comparison as a source: the note and section it stands in.
#[derive(Debug, Serialize)]
struct SourceItem {
    n: usize,
    note_title: String,
    section: Option<String>,
    /// `note.html#compare-1`, site-relative.
    href: String,
    date: Option<String>,
    form: &'static str,
    rows: usize,
}

fn source_item(index: &SiteIndex, c: &Comparison, n: usize) -> SourceItem {
    let note = &index.notes[c.note];
    let title_heading = note.facts.title_block.as_ref().and_then(|t| t.heading);
    let section = c
        .found
        .heading
        .filter(|&h| Some(h) != title_heading)
        .and_then(|h| note.facts.headings.get(h))
        .map(|h| h.text.clone());
    SourceItem {
        n,
        note_title: note.title.clone(),
        section,
        href: format!("{}#{}", encode_path(&note.url), encode_fragment(&c.anchor)),
        date: note.date.map(|d| d.ymd()),
        form: match c.found.form {
            crate::index::compare::Form::Table => "표",
            crate::index::compare::Form::List => "목록",
        },
        rows: c.found.rows.len(),
    }
}

fn subject_items(index: &SiteIndex, page: &ComparePage) -> Vec<SubjectItem> {
    page.subjects
        .iter()
        .map(|s| SubjectItem {
            name: s.name.clone(),
            href: s
                .term
                .and_then(|t| index.glossary.terms.get(t))
                .map(|t| encode_path(&t.url)),
        })
        .collect()
}

fn index_page(env: &RenderEnv<'_>) -> Result<String, Diagnostic> {
    let index = env.index;
    let comparisons = &index.comparisons;
    #[derive(Serialize)]
    struct Group {
        title: String,
        href: String,
        id: String,
        subjects: Vec<SubjectItem>,
        notes: usize,
        items: Vec<SourceItem>,
        more: usize,
    }
    let groups: Vec<Group> = comparisons
        .pages
        .iter()
        .map(|p| Group {
            title: p.title.clone(),
            href: encode_path(&p.url),
            id: p
                .url
                .trim_start_matches("compare/")
                .trim_end_matches(".html")
                .to_string(),
            subjects: subject_items(index, p),
            notes: p.notes,
            items: p
                .sources
                .iter()
                .take(MAX_INDEX_ITEMS)
                .enumerate()
                .map(|(i, &c)| source_item(index, &comparisons.found[c], i + 1))
                .collect(),
            more: p.sources.len().saturating_sub(MAX_INDEX_ITEMS),
        })
        .collect();
    let notes: HashSet<NoteId> = comparisons.found.iter().map(|c| c.note).collect();
    let mut ctx = base_context(env, COMPARE_INDEX_URL, "비교", "compare-index");
    ctx.insert(
        "description",
        &format!(
            "노트 {}개에 있는 비교 {}개를 비교 대상별로 모았습니다.",
            notes.len(),
            comparisons.found.len()
        ),
    );
    ctx.insert("groups", &groups);
    ctx.insert("comparison_count", &comparisons.found.len());
    ctx.insert("note_count", &notes.len());
    env.theme.render("compare_index.html", &ctx)
}

#[derive(Debug, Serialize)]
struct Cite {
    n: usize,
    href: String,
    title: String,
}

#[derive(Debug, Serialize)]
struct ValueItem {
    html: String,
    cites: Vec<Cite>,
    /// Sources writing the same value beyond the cited ones.
    more: usize,
}

#[derive(Debug, Serialize)]
struct CellItem {
    values: Vec<ValueItem>,
    /// Notes whose values for this cell are not shown.
    hidden: usize,
}

#[derive(Debug, Serialize)]
struct RowItem {
    aspect: String,
    unnamed: bool,
    notes: usize,
    cells: Vec<CellItem>,
}

fn pair_page(env: &RenderEnv<'_>, page: &ComparePage) -> Result<String, Diagnostic> {
    let index = env.index;
    let comparisons = &index.comparisons;
    let sources: Vec<SourceItem> = page
        .sources
        .iter()
        .enumerate()
        .map(|(i, &c)| source_item(index, &comparisons.found[c], i + 1))
        .collect();
    let rows: Vec<RowItem> = page
        .rows
        .iter()
        .map(|r| row_item(index, page, r, &sources))
        .collect();
    let mut ctx = base_context(env, &page.url, &page.title, "compare");
    ctx.insert(
        "description",
        &format!(
            "노트 {}개의 {} 비교를 항목별로 합친 표입니다.",
            page.notes, page.title
        ),
    );
    ctx.insert("title", &page.title);
    ctx.insert("subjects", &subject_items(index, page));
    ctx.insert("rows", &rows);
    ctx.insert("note_count", &page.notes);
    ctx.insert("source_count", &sources.len());
    let listed: Vec<&SourceItem> = sources.iter().take(MAX_SOURCES_LISTED).collect();
    ctx.insert("sources", &listed);
    ctx.insert(
        "sources_more",
        &sources.len().saturating_sub(MAX_SOURCES_LISTED),
    );
    env.theme.render("compare_pair.html", &ctx)
}

fn row_item(
    index: &SiteIndex,
    page: &ComparePage,
    row: &MergedRow,
    sources: &[SourceItem],
) -> RowItem {
    let comparisons = &index.comparisons;
    let note_of = |s: usize| comparisons.found[page.sources[s]].note;
    let cells = row
        .cells
        .iter()
        .map(|values| {
            // The values most sources agree on first.
            let mut order: Vec<usize> = (0..values.len()).collect();
            order.sort_by(|&a, &b| values[b].sources.len().cmp(&values[a].sources.len()));
            let shown = &order[..order.len().min(MAX_VALUES_PER_CELL)];
            let shown_notes: HashSet<NoteId> = shown
                .iter()
                .flat_map(|&v| values[v].sources.iter().map(|&s| note_of(s)))
                .collect();
            let hidden: HashSet<NoteId> = order[shown.len()..]
                .iter()
                .flat_map(|&v| values[v].sources.iter().map(|&s| note_of(s)))
                .filter(|n| !shown_notes.contains(n))
                .collect();
            CellItem {
                values: shown
                    .iter()
                    .map(|&v| {
                        let value = &values[v];
                        ValueItem {
                            html: inline_html(&value.markdown),
                            cites: value
                                .sources
                                .iter()
                                .take(MAX_CITES_PER_VALUE)
                                .map(|&s| {
                                    let src = &sources[s];
                                    Cite {
                                        n: src.n,
                                        href: src.href.clone(),
                                        title: match &src.section {
                                            Some(sec) => format!("{} › {}", src.note_title, sec),
                                            None => src.note_title.clone(),
                                        },
                                    }
                                })
                                .collect(),
                            more: value.sources.len().saturating_sub(MAX_CITES_PER_VALUE),
                        }
                    })
                    .collect(),
                hidden: hidden.len(),
            }
        })
        .collect();
    RowItem {
        aspect: row.aspect.clone(),
        unnamed: row.unnamed,
        notes: row.notes,
        cells,
    }
}

/// A cell value as inline HTML. Links and images of the note keep only
/// their text (their targets are relative to the note, not this page), and
/// raw HTML shows as text except `<br>`.
pub(crate) fn inline_html(markdown: &str) -> String {
    let line = markdown.split_whitespace().collect::<Vec<_>>().join(" ");
    let source = escape_block_start(&line);
    let events = Parser::new_ext(&source, options()).filter_map(|e| match e {
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
        | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough)
        | Event::Text(_)
        | Event::Code(_)
        | Event::SoftBreak
        | Event::HardBreak => Some(e),
        Event::Html(h) | Event::InlineHtml(h) => {
            let tag = h.trim().to_ascii_lowercase();
            if matches!(tag.as_str(), "<br>" | "<br/>" | "<br />") {
                Some(Event::HardBreak)
            } else {
                Some(Event::Text(h))
            }
        }
        Event::InlineMath(m) => Some(Event::Text(CowStr::from(format!("${m}$")))),
        Event::DisplayMath(m) => Some(Event::Text(CowStr::from(format!("$${m}$$")))),
        // Block structure, links, images, footnotes: text only.
        _ => None,
    });
    let mut out = String::with_capacity(markdown.len() + 16);
    html::push_html(&mut out, events);
    out
}

/// A value is one line of inline text: a start that markdown would read as
/// a list, heading, quote, rule or fence is escaped.
fn escape_block_start(line: &str) -> String {
    let t = line.trim_start();
    let first = t.chars().next();
    let second = t.chars().nth(1);
    let rule = t.chars().filter(|c| !c.is_whitespace()).count() >= 3
        && t.chars()
            .filter(|c| !c.is_whitespace())
            .all(|c| c == '-' || c == '*' || c == '_')
        && {
            let mut kinds: Vec<char> = t.chars().filter(|c| !c.is_whitespace()).collect();
            kinds.dedup();
            kinds.len() == 1
        };
    let list_or_heading = matches!(first, Some('-' | '+' | '*' | '#'))
        && matches!(second, None | Some(' ') | Some('#'));
    let fence = t.starts_with("```") || t.starts_with("~~~");
    if rule || list_or_heading || fence || first == Some('>') {
        return format!("\\{t}");
    }
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 && digits <= 9 {
        let rest = &t[digits..];
        if (rest.starts_with(". ") || rest.starts_with(") ") || rest == "." || rest == ")")
            && !rest.is_empty()
        {
            return format!("{}\\{}", &t[..digits], rest);
        }
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_render_inline_and_safely() {
        assert_eq!(
            inline_html("**필수** (Race)"),
            "<strong>필수</strong> (Race)"
        );
        assert_eq!(inline_html("`IPC` 사용"), "<code>IPC</code> 사용");
        assert_eq!(inline_html("a<br>b"), "a<br />\nb");
        assert_eq!(
            inline_html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(inline_html("[링크](../a.md) 참고"), "링크 참고");
        assert_eq!(inline_html("![그림](a.png)"), "그림");
        assert_eq!(inline_html("- 있음"), "- 있음");
        assert_eq!(inline_html("1. 단계"), "1. 단계");
        assert_eq!(inline_html("# 제목"), "# 제목");
        assert_eq!(inline_html("> 인용"), "&gt; 인용");
        assert_eq!(inline_html("---"), "---");
        assert_eq!(inline_html("A \\| B"), "A | B");
        assert_eq!(inline_html("2.5배"), "2.5배");
        assert_eq!(inline_html("O(n) & <T>"), "O(n) &amp; &lt;T&gt;");
    }
}
