//! Tables and comparisons on a note page. Every table sits in its own
//! scrolling box, so a wide table scrolls inside the page on a phone
//! instead of widening the page. A comparison table's box gets its own
//! class and an anchor, its subjects link to their glossary pages, and a
//! link below leads to the merged comparison; a list that compares stays a
//! list inside an anchored box.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::index::compare::Comparison;
use crate::index::SiteIndex;
use crate::note::NoteId;
use crate::urls::relative_href;

const PLAIN_OPEN: &str =
    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"표\">\n";

/// Tables outside notes (a glossary term's long text): only the scrolling box.
pub(crate) fn wrap_plain(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len() + 8);
    for event in events {
        match event {
            Event::Start(Tag::Table(align)) => {
                out.push(Event::Html(CowStr::Borrowed(PLAIN_OPEN)));
                out.push(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            other => out.push(other),
        }
    }
    out
}

pub(crate) fn pass<'a>(events: Vec<Event<'a>>, index: &SiteIndex, id: NoteId) -> Vec<Event<'a>> {
    let comparisons = &index.comparisons;
    let has_any = comparisons.in_note(id).next().is_some();
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut tables = 0;
    let mut lists = 0;
    let mut list_depth = 0usize;
    let mut open_list: Option<&Comparison> = None;
    let mut table: Option<&Comparison> = None;
    let mut in_head = false;
    let mut body_row: Option<usize> = None;
    let mut column = 0;
    // A subject cell being collected: (its link, the cell's events).
    let mut cell: Option<(String, Vec<Event<'a>>)> = None;
    for event in events {
        if let Some((_, buf)) = cell.as_mut() {
            if !matches!(event, Event::End(TagEnd::TableCell)) {
                buf.push(event);
                continue;
            }
        }
        match event {
            Event::Start(Tag::Table(align)) => {
                table = if has_any {
                    comparisons.table(id, tables)
                } else {
                    None
                };
                tables += 1;
                body_row = None;
                match table {
                    Some(c) => out.push(Event::Html(CowStr::from(compare_open(index, c)))),
                    None => out.push(Event::Html(CowStr::Borrowed(PLAIN_OPEN))),
                }
                out.push(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html(CowStr::Borrowed("</div>\n")));
                if let Some(c) = table.take() {
                    push_merged_link(&mut out, index, id, c);
                }
            }
            Event::Start(Tag::TableHead) => {
                in_head = true;
                column = 0;
                out.push(Event::Start(Tag::TableHead));
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                out.push(Event::End(TagEnd::TableHead));
            }
            Event::Start(Tag::TableRow) => {
                body_row = Some(body_row.map_or(0, |r| r + 1));
                column = 0;
                out.push(Event::Start(Tag::TableRow));
            }
            Event::Start(Tag::TableCell) => {
                let at = column;
                column += 1;
                out.push(Event::Start(Tag::TableCell));
                if let Some(c) = table {
                    if let Some(href) = subject_link(index, id, c, in_head, body_row, at) {
                        cell = Some((href, Vec::new()));
                    }
                }
            }
            Event::End(TagEnd::TableCell) => {
                if let Some((link, buf)) = cell.take() {
                    // A cell that already links (by hand or by the glossary
                    // pass) is left as it is: links do not nest.
                    let linked = buf.iter().any(|e| match e {
                        Event::Start(Tag::Link { .. }) => true,
                        Event::InlineHtml(h) | Event::Html(h) => h.contains("<a "),
                        _ => false,
                    });
                    if !linked && !buf.is_empty() {
                        out.push(Event::InlineHtml(CowStr::from(link)));
                        out.extend(buf);
                        out.push(Event::InlineHtml(CowStr::Borrowed("</a>")));
                    } else {
                        out.extend(buf);
                    }
                }
                out.push(Event::End(TagEnd::TableCell));
            }
            Event::Start(Tag::List(start)) => {
                if list_depth == 0 {
                    open_list = if has_any {
                        comparisons.list(id, lists)
                    } else {
                        None
                    };
                    lists += 1;
                    if let Some(c) = open_list {
                        out.push(Event::Html(CowStr::from(format!(
                            "<div class=\"compare-list\" id=\"{}\" role=\"group\" aria-label=\"{}\">\n",
                            attr(&c.anchor),
                            attr(&format!("비교: {}", comparisons.page_of(c).title))
                        ))));
                    }
                }
                list_depth += 1;
                out.push(Event::Start(Tag::List(start)));
            }
            Event::End(TagEnd::List(ordered)) => {
                list_depth = list_depth.saturating_sub(1);
                out.push(Event::End(TagEnd::List(ordered)));
                if list_depth == 0 {
                    if let Some(c) = open_list.take() {
                        out.push(Event::Html(CowStr::Borrowed("</div>\n")));
                        push_merged_link(&mut out, index, id, c);
                    }
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = escape_html(&mut out, s);
    out
}

fn compare_open(index: &SiteIndex, c: &Comparison) -> String {
    let page = index.comparisons.page_of(c);
    format!(
        "<div class=\"table-wrap compare\" id=\"{}\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n",
        attr(&c.anchor),
        attr(&format!("비교표: {}", page.title))
    )
}

/// The link of a subject cell to its glossary term page, as an opening tag.
fn subject_link(
    index: &SiteIndex,
    id: NoteId,
    c: &Comparison,
    in_head: bool,
    body_row: Option<usize>,
    column: usize,
) -> Option<String> {
    let subject = if c.found.transposed {
        if in_head || column != 0 {
            return None;
        }
        let row = body_row?;
        c.found.subjects.iter().find(|s| s.position == row)?
    } else {
        if !in_head {
            return None;
        }
        c.found.subjects.iter().find(|s| s.position == column)?
    };
    let term = &index.glossary.terms[subject.name.term?];
    let href = relative_href(&index.notes[id].url, &term.url);
    let mut tag = String::from("<a class=\"compare-term\" href=\"");
    let _ = escape_href(&mut tag, &href);
    tag.push('"');
    if !term.definition.is_empty() {
        tag.push_str(" title=\"");
        let _ = escape_html(&mut tag, &term.definition);
        tag.push('"');
    }
    tag.push('>');
    Some(tag)
}

/// Below a comparison that other notes also make: a link to the merged page.
fn push_merged_link<'a>(out: &mut Vec<Event<'a>>, index: &SiteIndex, id: NoteId, c: &Comparison) {
    let page = index.comparisons.page_of(c);
    if page.notes < 2 {
        return;
    }
    let mut html = String::from("<p class=\"compare-merged\"><a href=\"");
    let _ = escape_href(&mut html, &relative_href(&index.notes[id].url, &page.url));
    html.push_str("\">");
    let _ = escape_html(&mut html, &page.title);
    html.push_str(&format!(
        " — 노트 {}개의 비교 모아 보기</a></p>\n",
        page.notes
    ));
    out.push(Event::Html(CowStr::from(html)));
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::Config;
    use crate::index::compare::Comparisons;
    use crate::index::glossary::{Glossary, Term};
    use crate::index::SiteIndex;
    use crate::note::load::SourceFile;
    use crate::note::NoteId;

    /// A site of the given notes whose glossary knows 스레드 (alias 쓰레드).
    fn site(notes: &[(&str, &str)]) -> SiteIndex {
        let notes = notes
            .iter()
            .map(|(rel, text)| {
                let file = SourceFile {
                    rel: rel.to_string(),
                    path: format!("notes/{rel}").into(),
                };
                crate::note::from_source(
                    &file,
                    format!("notes/{rel}"),
                    text.to_string(),
                    &mut Vec::new(),
                )
                .expect("note")
            })
            .collect();
        let mut diags = Vec::new();
        let mut index = SiteIndex::build(
            notes,
            Config::default(),
            std::collections::HashMap::new(),
            // No glossary.yaml here: the test sets its own glossary below.
            Path::new("/nonexistent/gongbu-test-notes"),
            "notes",
            None,
            &mut diags,
        );
        let mut glossary = Glossary::from_terms(vec![Term {
            term: "스레드".into(),
            aliases: vec!["쓰레드".into()],
            english: "Thread".into(),
            definition: "실행 흐름의 \"단위\"".into(),
            ..Default::default()
        }]);
        glossary.note_terms = vec![Vec::new(); index.notes.len()].into();
        index.glossary = glossary;
        index.comparisons = Comparisons::build(
            &index.notes,
            &index.glossary,
            &index.config,
            None,
            &mut diags,
        );
        assert!(diags.is_empty(), "{diags:?}");
        index
    }

    #[test]
    fn comparison_tables_get_a_class_an_anchor_and_term_links() {
        let index = site(&[
            (
                "os/a.md",
                "| 표 | 하나 |\n|---|---|\n| 1 | 2 |\n\n| 구분 | 프로세스 | **쓰레드** |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n",
            ),
            ("b.md", "| 구분 | 프로세스 | 스레드 |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n"),
        ]);
        let html = crate::render::markdown::note_body_html(&index, NoteId::from(0));
        assert!(
            html.contains(
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"표\">"
            ),
            "{html}"
        );
        assert!(html.contains("<div class=\"table-wrap compare\" id=\"compare-1\" tabindex=\"0\" role=\"region\" aria-label=\"비교표: 프로세스 vs 스레드\">"), "{html}");
        assert!(
            html.contains("<th><a class=\"compare-term\" href=\"../glossary/%EC%8A%A4%EB%A0%88%EB%93%9C.html\" title=\"실행 흐름의 &quot;단위&quot;\"><strong>쓰레드</strong></a></th>"),
            "{html}"
        );
        assert!(html.contains("<th>프로세스</th>"), "not a term: {html}");
        // The body cell saying 공유 is not a subject.
        assert!(html.contains("<td>공유</td>"), "{html}");
        assert!(
            html.contains("<p class=\"compare-merged\"><a href=\"../compare/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4-vs-%EC%8A%A4%EB%A0%88%EB%93%9C.html\">프로세스 vs 스레드 — 노트 2개의 비교 모아 보기</a></p>"),
            "{html}"
        );
    }

    #[test]
    fn a_subject_cell_that_links_already_is_left_alone() {
        let index = site(&[
            (
                "a.md",
                "| 구분 | 프로세스 | [스레드](b.md) |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n",
            ),
            ("b.md", "# B\n"),
        ]);
        let html = crate::render::markdown::note_body_html(&index, NoteId::from(0));
        assert!(!html.contains("compare-term"), "{html}");
        assert!(!html.contains("compare-merged"), "one note only: {html}");
    }

    #[test]
    fn sideways_tables_link_their_row_subjects() {
        let index = site(&[(
            "a.md",
            "## 장단점 비교\n\n| 구분 | 장점 | 단점 |\n|---|---|---|\n| 프로세스 | 안정 | 무거움 |\n| 스레드 | 가벼움 | 위험 |\n",
        )]);
        let html = crate::render::markdown::note_body_html(&index, NoteId::from(0));
        // The row subject links to its term page: the glossary pass got there
        // first (its first mention in prose), so the tables pass leaves it.
        assert!(
            html.contains("<td><span class=\"term-ref\"><a class=\"term\" href=\"glossary/%EC%8A%A4%EB%A0%88%EB%93%9C.html\""),
            "{html}"
        );
        assert!(!html.contains("compare-term"), "not linked twice: {html}");
        assert!(html.contains("<th>장점</th>"), "{html}");
    }

    #[test]
    fn comparing_lists_stay_lists_in_an_anchored_box() {
        let index = site(&[(
            "a.md",
            "- 그냥 목록\n\n## 프로세스 vs 스레드\n\n1. **메모리**\n   - **프로세스**: 독립\n   - **스레드**: 공유\n2. **비용**\n   - **프로세스**: 큼\n   - **스레드**: 작음\n\n- 다른 목록\n",
        )]);
        let html = crate::render::markdown::note_body_html(&index, NoteId::from(0));
        assert!(html.contains("<div class=\"compare-list\" id=\"compare-1\" role=\"group\" aria-label=\"비교: 프로세스 vs 스레드\">\n<ol>"), "{html}");
        assert_eq!(html.matches("compare-list").count(), 1, "{html}");
        assert!(html.contains("</ol>\n</div>"), "{html}");
    }
}
