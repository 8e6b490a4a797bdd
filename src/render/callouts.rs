//! Callouts: GitHub alerts (`> [!NOTE]`, `TIP`, `IMPORTANT`, `WARNING`,
//! `CAUTION`, which pulldown-cmark reports as `BlockQuote(Some(kind))`)
//! and Obsidian callouts (`> [!type] 제목`, every Obsidian type and alias,
//! `+`/`-` after the type folding it into a `<details>` that works without
//! JavaScript) become a box with an icon and a Korean label (참고, 팁, 중요,
//! 주의, 경고, …) or the author's own title. Blockquotes without a marker
//! are left as they are.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::collections::HashMap;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::escape_html;

/// A callout type: its style name, its Korean label and its icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kind {
    pub(crate) class: &'static str,
    pub(crate) label: &'static str,
    icon: &'static str,
}

const INFO: &str = "<circle cx=\"8\" cy=\"8\" r=\"6.5\"/><path d=\"M8 7.2v4M8 4.8v.1\"/>";
const BULB: &str = "<path d=\"M6 12.5h4M6.7 14.5h2.6M8 1.5a4.5 4.5 0 0 0-2.6 8.2V11h5.2V9.7A4.5 4.5 0 0 0 8 1.5z\"/>";
const BUBBLE: &str = "<path d=\"M2 2.5h12v8.5H8.5L5 14v-3H2z\"/><path d=\"M8 4.8v2.8M8 9.2v.1\"/>";
const TRIANGLE: &str = "<path d=\"M8 1.8l6.6 11.7H1.4z\"/><path d=\"M8 6v3.5M8 11.4v.1\"/>";
const OCTAGON: &str = "<path d=\"M5.2 1.5h5.6l3.7 3.7v5.6l-3.7 3.7H5.2l-3.7-3.7V5.2z\"/><path d=\"M8 4.6v4M8 11v.1\"/>";
const LIST: &str = "<path d=\"M5.5 4h8M5.5 8h8M5.5 12h8M2.5 4v.1M2.5 8v.1M2.5 12v.1\"/>";
const CHECK_BOX: &str =
    "<rect x=\"2\" y=\"2\" width=\"12\" height=\"12\" rx=\"2\"/><path d=\"M5 8.2l2 2 4-4.2\"/>";
const CHECK: &str = "<circle cx=\"8\" cy=\"8\" r=\"6.5\"/><path d=\"M5 8.2l2 2 4-4.2\"/>";
const QUESTION: &str = "<circle cx=\"8\" cy=\"8\" r=\"6.5\"/><path d=\"M6.1 6.2a1.9 1.9 0 1 1 2.7 1.7c-.5.3-.8.7-.8 1.2v.3M8 11.4v.1\"/>";
const CROSS: &str =
    "<circle cx=\"8\" cy=\"8\" r=\"6.5\"/><path d=\"M5.7 5.7l4.6 4.6M10.3 5.7l-4.6 4.6\"/>";
const ZAP: &str = "<path d=\"M9 1.5L3 9h4.5L7 14.5 13 7H8.5z\"/>";
const BUG: &str = "<rect x=\"4.5\" y=\"4.5\" width=\"7\" height=\"9\" rx=\"3.5\"/><path d=\"M8 7.5v6M4.5 8.5h-3M14.5 8.5h-3M4.8 12l-2.3 1.5M11.2 12l2.3 1.5M6 4.6a2 2 0 0 1 4 0\"/>";
const QUOTE: &str =
    "<path d=\"M3 4h4v4H4.6v.8A2 2 0 0 0 6.5 11M9 4h4v4h-2.4v.8a2 2 0 0 0 1.9 2.2\"/>";

const fn kind(class: &'static str, label: &'static str, icon: &'static str) -> Kind {
    Kind { class, label, icon }
}

/// A GitHub alert kind.
pub(crate) fn github_kind(k: BlockQuoteKind) -> Kind {
    match k {
        BlockQuoteKind::Note => kind("note", "참고", INFO),
        BlockQuoteKind::Tip => kind("tip", "팁", BULB),
        BlockQuoteKind::Important => kind("important", "중요", BUBBLE),
        BlockQuoteKind::Warning => kind("warning", "주의", TRIANGLE),
        BlockQuoteKind::Caution => kind("caution", "경고", OCTAGON),
    }
}

/// An Obsidian type or alias, case-insensitive; unknown types look like
/// `note` (as in Obsidian) but keep their name as the label.
pub(crate) fn obsidian_kind(name: &str) -> Kind {
    match name.to_ascii_lowercase().as_str() {
        "note" => github_kind(BlockQuoteKind::Note),
        "tip" | "hint" => github_kind(BlockQuoteKind::Tip),
        "important" => github_kind(BlockQuoteKind::Important),
        "warning" | "attention" => github_kind(BlockQuoteKind::Warning),
        "caution" => github_kind(BlockQuoteKind::Caution),
        "abstract" | "summary" | "tldr" => kind("abstract", "요약", LIST),
        "info" => kind("info", "정보", INFO),
        "todo" => kind("todo", "할 일", CHECK_BOX),
        "success" | "check" | "done" => kind("success", "성공", CHECK),
        "question" | "help" | "faq" => kind("question", "질문", QUESTION),
        "failure" | "fail" | "missing" => kind("failure", "실패", CROSS),
        "danger" | "error" => kind("danger", "위험", ZAP),
        "bug" => kind("bug", "버그", BUG),
        "example" => kind("example", "예시", LIST),
        "quote" | "cite" => kind("quote", "인용", QUOTE),
        _ => kind("note", "", INFO),
    }
}

/// How an Obsidian callout folds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fold {
    None,
    Open,
    Closed,
}

/// `[!type]`, `[!type]+`, `[!type]-` at the start of `text`: the type, the
/// fold and the marker's length in bytes.
fn marker(text: &str) -> Option<(&str, Fold, usize)> {
    let rest = text.strip_prefix("[!")?;
    let end = rest.find(']')?;
    let name = rest.get(..end)?;
    if name.is_empty()
        || name.len() > 40
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let after = rest.get(end + 1..).unwrap_or("");
    let (fold, extra) = match after.chars().next() {
        Some('+') => (Fold::Open, 1),
        Some('-') => (Fold::Closed, 1),
        _ => (Fold::None, 0),
    };
    Some((name, fold, 2 + end + 1 + extra))
}

/// An Obsidian callout found at a blockquote: what it is and how much of
/// the first paragraph's text its marker takes.
struct Found {
    name: String,
    fold: Fold,
    marker_len: usize,
}

/// The blockquotes (by event index) that open with an Obsidian marker.
fn find_obsidian(events: &[Event<'_>]) -> HashMap<usize, Found> {
    let mut found = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        if !matches!(e, Event::Start(Tag::BlockQuote(None))) {
            continue;
        }
        if !matches!(events.get(i + 1), Some(Event::Start(Tag::Paragraph))) {
            continue;
        }
        let mut text = String::new();
        for e in events.iter().skip(i + 2) {
            match e {
                Event::Text(t) if text.len() < 64 => text.push_str(t),
                _ => break,
            }
        }
        if let Some((name, fold, marker_len)) = marker(&text) {
            found.insert(
                i,
                Found {
                    name: name.to_string(),
                    fold,
                    marker_len,
                },
            );
        }
    }
    found
}

/// The opening markup up to the title text.
fn open_html(kind: Kind, name: &str, fold: Fold, github: bool) -> String {
    let mut s = String::with_capacity(512);
    let tag = if fold == Fold::None { "div" } else { "details" };
    s.push('<');
    s.push_str(tag);
    s.push_str(" class=\"callout callout-");
    s.push_str(kind.class);
    if github {
        s.push_str(" markdown-alert markdown-alert-");
        s.push_str(kind.class);
    }
    s.push_str("\" data-callout=\"");
    let _ = escape_html(&mut s, &name.to_ascii_lowercase());
    s.push('"');
    if fold == Fold::Open {
        s.push_str(" open");
    }
    s.push_str(">\n");
    s.push_str(if fold == Fold::None {
        "<p class=\"callout-title\">"
    } else {
        "<summary class=\"callout-title\">"
    });
    s.push_str(
        "<svg class=\"callout-icon\" viewBox=\"0 0 16 16\" width=\"16\" height=\"16\" \
         aria-hidden=\"true\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" \
         stroke-linecap=\"round\" stroke-linejoin=\"round\">",
    );
    s.push_str(kind.icon);
    s.push_str("</svg><span class=\"callout-label\">");
    s
}

fn title_close(fold: Fold) -> &'static str {
    if fold == Fold::None {
        "</span></p>\n<div class=\"callout-body\">\n"
    } else {
        "</span></summary>\n<div class=\"callout-body\">\n"
    }
}

fn close_html(fold: Fold) -> &'static str {
    if fold == Fold::None {
        "</div>\n</div>\n"
    } else {
        "</div>\n</details>\n"
    }
}

/// Where the title of an Obsidian callout is being read.
enum Title {
    /// Dropping the marker: bytes of it still to drop.
    Marker(usize),
    /// Reading the title's inline events (and whether any text came).
    Text(bool),
}

/// The pass.
pub(crate) fn pass(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    if !events
        .iter()
        .any(|e| matches!(e, Event::Start(Tag::BlockQuote(_))))
    {
        return events;
    }
    let obsidian = find_obsidian(&events);
    let mut out = Vec::with_capacity(events.len() + 8);
    // For every open blockquote: the closing markup of its callout, if any.
    let mut stack: Vec<Option<&'static str>> = Vec::new();
    // The callout whose title is being read: its fold, label and state.
    let mut title: Option<(Fold, String, Title)> = None;
    for (i, event) in events.into_iter().enumerate() {
        if let Some((fold, label, state)) = &mut title {
            match (state, event) {
                (Title::Marker(_), Event::Start(Tag::Paragraph)) => {}
                (Title::Marker(left), Event::Text(t)) => {
                    if t.len() <= *left {
                        *left -= t.len();
                    } else {
                        let rest = t.get(*left..).unwrap_or("").trim_start().to_string();
                        let (fold, label) = (*fold, std::mem::take(label));
                        title = Some((fold, label, Title::Text(!rest.is_empty())));
                        if !rest.is_empty() {
                            out.push(Event::Text(CowStr::from(rest)));
                        }
                    }
                }
                (Title::Marker(_), other) => {
                    // The marker ended exactly at an event boundary.
                    let (fold, label) = (*fold, std::mem::take(label));
                    title = Some((fold, label, Title::Text(false)));
                    finish_or_push_title(&mut title, &mut out, other);
                }
                (Title::Text(_), other) => finish_or_push_title(&mut title, &mut out, other),
            }
            continue;
        }
        match event {
            Event::Start(Tag::BlockQuote(Some(k))) => {
                let kind = github_kind(k);
                let mut html = open_html(kind, kind.class, Fold::None, true);
                html.push_str(kind.label);
                html.push_str(title_close(Fold::None));
                out.push(Event::Html(CowStr::from(html)));
                stack.push(Some(close_html(Fold::None)));
            }
            Event::Start(Tag::BlockQuote(None)) => match obsidian.get(&i) {
                Some(found) => {
                    let kind = obsidian_kind(&found.name);
                    out.push(Event::Html(CowStr::from(open_html(
                        kind,
                        &found.name,
                        found.fold,
                        false,
                    ))));
                    let label = if kind.label.is_empty() {
                        // Unknown type: its own name, as Obsidian shows it.
                        capitalized(&found.name)
                    } else {
                        kind.label.to_string()
                    };
                    stack.push(Some(close_html(found.fold)));
                    title = Some((found.fold, label, Title::Marker(found.marker_len)));
                }
                None => {
                    stack.push(None);
                    out.push(Event::Start(Tag::BlockQuote(None)));
                }
            },
            Event::End(TagEnd::BlockQuote(k)) => match stack.pop().flatten() {
                Some(close) => out.push(Event::Html(CowStr::Borrowed(close))),
                None => out.push(Event::End(TagEnd::BlockQuote(k))),
            },
            other => out.push(other),
        }
    }
    out
}

fn capitalized(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One event while a callout's title is read: the title ends at the first
/// line break or at the end of the first paragraph.
fn finish_or_push_title<'a>(
    title: &mut Option<(Fold, String, Title)>,
    out: &mut Vec<Event<'a>>,
    event: Event<'a>,
) {
    let Some((fold, label, Title::Text(had_text))) = title else {
        return;
    };
    let (fold, had_text) = (*fold, *had_text);
    let ends = matches!(
        event,
        Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph)
    );
    if !ends {
        if let Some((_, _, Title::Text(t))) = title {
            *t = true;
        }
        out.push(event);
        return;
    }
    if !had_text {
        out.push(Event::Text(CowStr::from(std::mem::take(label))));
    }
    out.push(Event::Html(CowStr::Borrowed(title_close(fold))));
    if !matches!(event, Event::End(TagEnd::Paragraph)) {
        // The rest of the first paragraph is the body's first paragraph.
        out.push(Event::Start(Tag::Paragraph));
    }
    *title = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(marker("[!tip] 제목"), Some(("tip", Fold::None, 6)));
        assert_eq!(marker("[!FAQ]- 접힘"), Some(("FAQ", Fold::Closed, 7)));
        assert_eq!(marker("[!note]+"), Some(("note", Fold::Open, 8)));
        assert_eq!(marker("[!]"), None);
        assert_eq!(marker("[!a b]"), None);
        assert_eq!(marker("[링크](x)"), None);
    }

    #[test]
    fn every_obsidian_alias_has_a_korean_label() {
        for name in [
            "note",
            "abstract",
            "summary",
            "tldr",
            "info",
            "todo",
            "tip",
            "hint",
            "important",
            "success",
            "check",
            "done",
            "question",
            "help",
            "faq",
            "warning",
            "caution",
            "attention",
            "failure",
            "fail",
            "missing",
            "danger",
            "error",
            "bug",
            "example",
            "quote",
            "cite",
        ] {
            let k = obsidian_kind(name);
            assert!(!k.label.is_empty(), "{name}");
            assert!(k
                .label
                .chars()
                .all(|c| ('가'..='힣').contains(&c) || c == ' '));
        }
        assert_eq!(obsidian_kind("TLDR").class, "abstract");
        assert_eq!(obsidian_kind("whatever").class, "note");
    }
}
