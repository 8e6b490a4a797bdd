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

pub fn pass<'a>(events: Vec<Event<'a>>, index: &SiteIndex, id: NoteId) -> Vec<Event<'a>> {
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
