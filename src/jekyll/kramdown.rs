//! kramdown syntax a Jekyll blog uses, rewritten before parsing: attribute
//! lists (`{: width="300" .class #id}`) on images (inline or on the next
//! line) and headings, `{:toc}` on a list (a table of contents), extension
//! tags (`{::options … /}`, `{::comment}…{:/comment}`) dropped, and tables
//! without a separator row given one. Only safe attributes pass (see
//! [`safe_attrs`]). Line breaks are kept, except that a table without a
//! separator row takes the blank line above it (or, without one, adds a
//! line).

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

/// Whether `body` may hold kramdown syntax (the cheap test).
pub(crate) fn has_kramdown(body: &str) -> bool {
    body.contains("{:") || body.contains("\n|") || body.starts_with('|')
}

/// Marker line for the table of contents, filled after the rest is done.
const TOC_MARK: &str = "\u{1}gongbu-toc\u{1}";

/// One attribute list: `{: .a #b key="v"}` → classes, id, pairs.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Ial {
    pub classes: Vec<String>,
    pub id: Option<String>,
    pub pairs: Vec<(String, String)>,
    pub names: Vec<String>,
}

/// Parses the inside of `{: … }`.
pub(crate) fn parse_ial(inner: &str) -> Ial {
    let mut ial = Ial::default();
    let mut rest = inner.trim();
    while !rest.is_empty() {
        rest = rest.trim_start();
        let token_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        if let Some(c) = rest.strip_prefix('.') {
            let end = c.find(char::is_whitespace).unwrap_or(c.len());
            ial.classes.push(c.get(..end).unwrap_or("").to_string());
            rest = c.get(end..).unwrap_or("");
        } else if let Some(c) = rest.strip_prefix('#') {
            let end = c.find(char::is_whitespace).unwrap_or(c.len());
            ial.id = Some(c.get(..end).unwrap_or("").to_string());
            rest = c.get(end..).unwrap_or("");
        } else if let Some(eq) = rest.get(..token_end).and_then(|t| t.find('=')) {
            let key = rest.get(..eq).unwrap_or("").to_string();
            let after = rest.get(eq + 1..).unwrap_or("");
            let (value, len) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = after.get(1..).unwrap_or("");
                    match body.find(q) {
                        Some(e) => (body.get(..e).unwrap_or("").to_string(), e + 2),
                        None => (body.to_string(), after.len()),
                    }
                }
                _ => {
                    let e = after.find(char::is_whitespace).unwrap_or(after.len());
                    (after.get(..e).unwrap_or("").to_string(), e)
                }
            };
            ial.pairs.push((key, value));
            rest = after.get(len..).unwrap_or("");
        } else {
            ial.names
                .push(rest.get(..token_end).unwrap_or("").to_string());
            rest = rest.get(token_end..).unwrap_or("");
        }
    }
    ial
}

/// The attributes that may reach the page: sizes, classes, ids, alt/title,
/// and a `style` without `url(`, `expression(` or markup. Event handlers
/// (`on…`), `src`, `href` and anything else are dropped.
pub(crate) fn safe_attrs(ial: &Ial) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == ':' || c == '.')
    };
    if let Some(id) = ial.id.as_deref().filter(|s| ident(s)) {
        out.push(("id".to_string(), id.to_string()));
    }
    let classes: Vec<&str> = ial
        .classes
        .iter()
        .map(String::as_str)
        .filter(|c| ident(c))
        .collect();
    if !classes.is_empty() {
        out.push(("class".to_string(), classes.join(" ")));
    }
    for (k, v) in &ial.pairs {
        let key = k.to_ascii_lowercase();
        let ok = match key.as_str() {
            "width" | "height" => {
                let n = v.trim_end_matches("px").trim_end_matches('%');
                !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.')
            }
            "alt" | "title" | "lang" | "loading" | "align" | "dir" => true,
            "style" => {
                let l = v.to_ascii_lowercase();
                !l.contains("url(")
                    && !l.contains("expression(")
                    && !l.contains("javascript:")
                    && !l.contains(['<', '>', '\\'])
            }
            "class" => v.split_whitespace().all(ident),
            "id" => ident(v),
            _ => false,
        };
        if ok {
            out.retain(|(ok_key, _)| ok_key != &key);
            out.push((key, v.clone()));
        }
    }
    out
}

/// `![alt](src "title")` at the start of `s`: (alt, src, title, length).
fn image_at(s: &str) -> Option<(String, String, String, usize)> {
    let rest = s.strip_prefix("![")?;
    let close = rest.find("](")?;
    let alt = rest.get(..close)?.to_string();
    let after = rest.get(close + 2..)?;
    let end = after.find(')')?;
    let inside = after.get(..end)?.trim();
    let (src, title) = match inside.find([' ', '\t']) {
        Some(sp) => {
            let t = inside.get(sp..)?.trim();
            let t = t
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .or_else(|| t.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))
                .unwrap_or(t);
            (inside.get(..sp)?.to_string(), t.to_string())
        }
        None => (inside.to_string(), String::new()),
    };
    let src = src
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(&src)
        .to_string();
    Some((alt, src, title, 2 + close + 2 + end + 1))
}

/// An image as raw HTML with the attribute list applied (the images pass
/// still resolves, sizes and checks it like any `<img>`).
fn image_html(alt: &str, src: &str, title: &str, attrs: &[(String, String)]) -> String {
    let mut h = String::from("<img src=\"");
    let _ = escape_href(&mut h, src);
    h.push_str("\" alt=\"");
    let alt = attrs
        .iter()
        .find(|(k, _)| k == "alt")
        .map(|(_, v)| v.as_str())
        .unwrap_or(alt);
    let _ = escape_html(&mut h, alt);
    h.push('"');
    if !title.is_empty() && !attrs.iter().any(|(k, _)| k == "title") {
        h.push_str(" title=\"");
        let _ = escape_html(&mut h, title);
        h.push('"');
    }
    for (k, v) in attrs.iter().filter(|(k, _)| k != "alt") {
        h.push(' ');
        h.push_str(k);
        h.push_str("=\"");
        let _ = escape_html(&mut h, v);
        h.push('"');
    }
    h.push('>');
    h
}

/// Chirpy's `media_subpath:` (formerly `img_path:`): relative image paths
/// of markdown images are under it. Lines keep their count.
pub(crate) fn prefix_images(body: &str, subpath: &str) -> Option<String> {
    let prefix = subpath.trim().trim_end_matches('/');
    if prefix.is_empty() || !body.contains("![") {
        return None;
    }
    let mut out = String::with_capacity(body.len() + 64);
    let mut changed = false;
    let mut fence: Option<(char, usize)> = None;
    for line in body.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(c) = t.chars().next().filter(|c| *c == '`' || *c == '~') {
            let n = t.chars().take_while(|x| *x == c).count();
            if n >= 3 {
                fence = match fence {
                    None => Some((c, n)),
                    Some((oc, on)) if oc == c && n >= on && t.trim().len() == n => None,
                    other => other,
                };
            }
        }
        if fence.is_some() || !line.contains("![") {
            out.push_str(line);
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("![") {
            out.push_str(rest.get(..i).unwrap_or(""));
            let at = rest.get(i..).unwrap_or("");
            let relative = |src: &str| {
                !src.is_empty()
                    && !src.starts_with('/')
                    && !src.starts_with('#')
                    && !crate::urls::has_scheme(src)
            };
            match (image_at(at), at.find("](")) {
                (Some((_, src, _, len)), Some(head)) if relative(&src) && head + 2 <= len => {
                    let dest = at.get(head + 2..len).unwrap_or("");
                    let ws = dest.len() - dest.trim_start().len();
                    out.push_str(at.get(..head + 2 + ws).unwrap_or(""));
                    let dest = dest.get(ws..).unwrap_or("");
                    let (lt, dest) = match dest.strip_prefix('<') {
                        Some(d) => ("<", d),
                        None => ("", dest),
                    };
                    out.push_str(lt);
                    out.push_str(prefix);
                    out.push('/');
                    out.push_str(dest.strip_prefix("./").unwrap_or(dest));
                    rest = at.get(len..).unwrap_or("");
                    changed = true;
                }
                _ => {
                    out.push_str("![");
                    rest = at.get(2..).unwrap_or("");
                }
            }
        }
        out.push_str(rest);
    }
    changed.then_some(out)
}

/// Applies span attribute lists written right after an image on one line.
fn inline_image_ials(line: &str) -> Option<String> {
    if !line.contains("){:") {
        return None;
    }
    let mut out = String::with_capacity(line.len() + 32);
    let mut rest = line;
    let mut changed = false;
    while let Some(i) = rest.find("![") {
        out.push_str(rest.get(..i).unwrap_or(""));
        let at = rest.get(i..).unwrap_or("");
        match image_at(at) {
            Some((alt, src, title, len)) => {
                let after = at.get(len..).unwrap_or("");
                let ial_end = after
                    .strip_prefix("{:")
                    .filter(|a| !a.starts_with(':'))
                    .and_then(|a| a.find('}'));
                match ial_end {
                    Some(e) => {
                        let inner = after.get(2..2 + e).unwrap_or("");
                        let attrs = safe_attrs(&parse_ial(inner));
                        out.push_str(&image_html(&alt, &src, &title, &attrs));
                        rest = after.get(2 + e + 1..).unwrap_or("");
                        changed = true;
                    }
                    None => {
                        out.push_str(at.get(..len).unwrap_or(""));
                        rest = after;
                    }
                }
            }
            None => {
                out.push_str("![");
                rest = at.get(2..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

fn block_ial(line: &str) -> Option<&str> {
    let t = line.trim();
    let inner = t.strip_prefix("{:")?.strip_suffix('}')?;
    if inner.starts_with(':') || inner.starts_with('/') {
        return None;
    }
    Some(inner)
}

/// `{::options … /}`, `{::comment}`, `{:/comment}`, `{::nomarkdown}`, `{:/}`.
fn is_extension_line(line: &str) -> bool {
    let t = line.trim();
    (t.starts_with("{::") || t.starts_with("{:/")) && t.ends_with('}')
}

/// `* TOC`, `- 목차`, `1. 차례`: the list `{:toc}` replaces.
fn is_list_item(line: &str) -> bool {
    let t = line.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let rest = t.get(digits..).unwrap_or("");
    if digits > 0 {
        rest.starts_with(". ") || rest.starts_with(") ")
    } else {
        t.starts_with("* ") || t.starts_with("- ") || t.starts_with("+ ")
    }
}

fn is_table_row(line: &str) -> bool {
    let t = line.trim_start();
    line.len() - t.len() < 4 && t.starts_with('|')
}

fn is_separator_row(line: &str) -> bool {
    let t = line.trim();
    t.contains('-')
        && t.chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t' | '='))
}

fn cell_count(row: &str) -> usize {
    let t = row.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    let mut n = 1;
    let mut escaped = false;
    for c in t.chars() {
        match c {
            '\\' => escaped = !escaped,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
    }
    n
}

/// Rewrites the kramdown of `body`; None when there was nothing to do.
pub(crate) fn rewrite(body: &str) -> Option<String> {
    if !has_kramdown(body) {
        return None;
    }
    let mut lines: Vec<String> = body.split_inclusive('\n').map(str::to_string).collect();
    let mut changed = false;
    let mut toc = false;
    let mut fence: Option<(char, usize)> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines.get(i).cloned().unwrap_or_default();
        let t = line.trim_start();
        let fc = t.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(c) = fc {
            let n = t.chars().take_while(|x| *x == c).count();
            if n >= 3 {
                fence = match fence {
                    None => Some((c, n)),
                    Some((oc, on)) if oc == c && n >= on && t.trim().len() == n => None,
                    other => other,
                };
                i += 1;
                continue;
            }
        }
        if fence.is_some() {
            i += 1;
            continue;
        }
        let nl = if line.ends_with('\n') { "\n" } else { "" };
        if is_extension_line(&line) {
            set(&mut lines, i, nl.to_string());
            changed = true;
        } else if let Some(inner) = block_ial(&line) {
            let ial = parse_ial(inner);
            let prev = i.checked_sub(1).and_then(|p| lines.get(p)).cloned();
            let prev_t = prev.as_deref().map(str::trim).unwrap_or("");
            if ial.names.iter().any(|n| n == "toc") {
                // The list above becomes the table of contents.
                let mut start = i;
                while start > 0 && lines.get(start - 1).is_some_and(|l| is_list_item(l)) {
                    start -= 1;
                }
                if start < i {
                    set(&mut lines, start, format!("{TOC_MARK}\n"));
                    for k in start + 1..i {
                        set(&mut lines, k, "\n".to_string());
                    }
                    toc = true;
                }
            } else if prev_t.starts_with('#') {
                let attrs = safe_attrs(&ial);
                let mut spec = String::new();
                for (k, v) in &attrs {
                    match k.as_str() {
                        "id" => spec.push_str(&format!(" #{v}")),
                        "class" => {
                            for c in v.split_whitespace() {
                                spec.push_str(&format!(" .{c}"));
                            }
                        }
                        _ => {}
                    }
                }
                if !spec.is_empty() {
                    let p = prev.unwrap_or_default();
                    let pnl = if p.ends_with('\n') { "\n" } else { "" };
                    let heading = p.trim_end().trim_end_matches('#').trim_end().to_string();
                    set(
                        &mut lines,
                        i - 1,
                        format!("{heading} {{{}}}{pnl}", spec.trim()),
                    );
                }
            } else if let Some((alt, src, title, _)) =
                image_at(prev_t).filter(|(_, _, _, len)| *len == prev_t.len())
            {
                {
                    let p = prev.unwrap_or_default();
                    let indent_len = p.len() - p.trim_start().len();
                    let indent = p.get(..indent_len).unwrap_or("").to_string();
                    let pnl = if p.ends_with('\n') { "\n" } else { "" };
                    let html = image_html(&alt, &src, &title, &safe_attrs(&ial));
                    set(&mut lines, i - 1, format!("{indent}{html}{pnl}"));
                }
            } else if !prev_t.is_empty() {
                // A paragraph or table: the attributes travel in a marker
                // on the blank line below, for `attrs_pass` to apply.
                let attrs = safe_attrs(&ial);
                let next_blank = lines.get(i + 1).is_none_or(|l| l.trim().is_empty());
                if !attrs.is_empty() && next_blank {
                    let mut mark = String::from(ATTRS_MARK);
                    for (k, v) in &attrs {
                        mark.push_str(&format!(" {k}=\"{}\"", marker_escape(v)));
                    }
                    mark.push_str("-->\n");
                    if i + 1 < lines.len() {
                        set(&mut lines, i + 1, mark);
                    } else {
                        lines.push(format!("{nl}{mark}"));
                    }
                }
            }
            set(&mut lines, i, nl.to_string());
            changed = true;
        } else if let Some(new) = inline_image_ials(&line) {
            set(&mut lines, i, new);
            changed = true;
        } else if is_table_row(&line)
            && i.checked_sub(1)
                .and_then(|p| lines.get(p))
                .is_none_or(|p| p.trim().is_empty())
        {
            let mut end = i;
            while lines.get(end).is_some_and(|l| is_table_row(l)) {
                end += 1;
            }
            let second = lines.get(i + 1).map(String::as_str).unwrap_or("");
            if end - i >= 2 && !is_separator_row(second) {
                let sep = format!("|{}\n", "---|".repeat(cell_count(&line)));
                let first = if line.ends_with('\n') {
                    line.clone()
                } else {
                    format!("{line}\n")
                };
                let can_shift = i >= 2
                    && lines.get(i - 1).is_some_and(|l| l.trim().is_empty())
                    && lines.get(i - 2).is_some_and(|l| l.trim().is_empty());
                if can_shift {
                    set(&mut lines, i - 1, first);
                    set(&mut lines, i, sep);
                } else {
                    set(&mut lines, i, format!("{first}{sep}"));
                }
                changed = true;
            }
            i = end;
            continue;
        }
        i += 1;
    }
    if !changed {
        return None;
    }
    let mut text: String = lines.concat();
    if toc {
        let facts = crate::note::parse::analyze(&text, 0);
        let mut html = String::from("<ul class=\"kramdown-toc\">");
        for h in &facts.headings {
            html.push_str(&format!("<li class=\"toc-level-{}\"><a href=\"#", h.level));
            html.push_str(&crate::urls::encode_fragment(&h.id));
            html.push_str("\">");
            let _ = escape_html(&mut html, &h.text);
            html.push_str("</a></li>");
        }
        html.push_str("</ul>");
        text = text.replace(TOC_MARK, &html);
    }
    Some(text)
}

/// Starts the marker that carries a block's attributes to the render.
const ATTRS_MARK: &str = "<!--gongbu:attrs";

/// Applies the attribute markers `rewrite` left after paragraphs and
/// tables: `<p class="notice">`, a `<div>` with the attributes around a
/// table. Runs last among the passes, so the others see plain blocks.
pub(crate) fn attrs_pass(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let has_mark = events
        .iter()
        .any(|e| matches!(e, Event::Html(h) if h.starts_with(ATTRS_MARK)));
    if !has_mark {
        return events;
    }
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut depth = 0usize;
    let mut block_start: Option<usize> = None;
    // The last top-level block: (start index in `out`, end index).
    let mut last: Option<(usize, usize)> = None;
    let mut it = events.into_iter().peekable();
    while let Some(event) = it.next() {
        if matches!(event, Event::Start(Tag::HtmlBlock))
            && matches!(it.peek(), Some(Event::Html(h)) if h.starts_with(ATTRS_MARK))
        {
            let Some(Event::Html(mark)) = it.next() else {
                continue;
            };
            if matches!(it.peek(), Some(Event::End(TagEnd::HtmlBlock))) {
                it.next();
            }
            if let Some((s, e)) = last.take() {
                apply_marker(&mut out, s, e, &mark);
            }
            continue;
        }
        match &event {
            Event::Start(_) => {
                if depth == 0 {
                    block_start = Some(out.len());
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    last = block_start.take().map(|s| (s, out.len()));
                }
            }
            _ if depth == 0 => last = None,
            _ => {}
        }
        out.push(event);
    }
    out
}

/// A value inside the marker comment: no `"`, `-` or `>` that could end
/// the attribute or the comment.
fn marker_escape(v: &str) -> String {
    v.replace('%', "%25")
        .replace('"', "%22")
        .replace('-', "%2D")
        .replace('>', "%3E")
}

/// `class="a" id="b"` of a marker, checked again.
fn marker_attrs(mark: &str) -> String {
    let inner = mark
        .trim()
        .trim_start_matches(ATTRS_MARK)
        .trim_end_matches("-->");
    let mut ial = Ial::default();
    for (k, v) in parse_ial(inner).pairs {
        ial.pairs.push((k, crate::urls::decode(&v)));
    }
    let mut html = String::new();
    for (k, v) in safe_attrs(&ial) {
        html.push(' ');
        html.push_str(&k);
        html.push_str("=\"");
        let _ = escape_html(&mut html, &v);
        html.push('"');
    }
    html
}

fn apply_marker(out: &mut Vec<Event<'_>>, start: usize, end: usize, mark: &str) {
    let attrs = marker_attrs(mark);
    if attrs.is_empty() {
        return;
    }
    match out.get(start) {
        Some(Event::Start(Tag::Paragraph)) => {
            if let Some(slot) = out.get_mut(start) {
                *slot = Event::Html(CowStr::from(format!("<p{attrs}>")));
            }
            if let Some(slot) = out.get_mut(end) {
                *slot = Event::Html(CowStr::from("</p>\n"));
            }
        }
        Some(Event::Start(Tag::BlockQuote(None))) => {
            // Chirpy's `{: .prompt-info }` under a quote.
            if let Some(slot) = out.get_mut(start) {
                *slot = Event::Html(CowStr::from(format!("<blockquote{attrs}>\n")));
            }
            if let Some(slot) = out.get_mut(end) {
                *slot = Event::Html(CowStr::from("</blockquote>\n"));
            }
        }
        Some(Event::Start(Tag::Table(_))) if end < out.len() => {
            out.insert(end + 1, Event::Html(CowStr::from("</div>\n")));
            out.insert(start, Event::Html(CowStr::from(format!("<div{attrs}>\n"))));
        }
        _ => {}
    }
}

fn set(lines: &mut [String], i: usize, value: String) {
    if let Some(l) = lines.get_mut(i) {
        *l = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_attributes_next_line_and_inline() {
        let r = rewrite("![구조](a.png)\n{: width=\"300\" height=\"200\" onload=\"x()\"}\n\n끝\n")
            .unwrap();
        assert_eq!(
            r,
            "<img src=\"a.png\" alt=\"구조\" width=\"300\" height=\"200\">\n\n\n끝\n"
        );
        let r = rewrite("앞 ![b](b.png){: .w-50 style=\"background:url(x)\"} 뒤\n").unwrap();
        assert_eq!(r, "앞 <img src=\"b.png\" alt=\"b\" class=\"w-50\"> 뒤\n");
    }

    #[test]
    fn heading_attributes_and_extensions() {
        let r =
            rewrite("## 개요\n{: #intro .lead}\n{::options parse_block_html=\"true\" /}\n본문\n")
                .unwrap();
        assert_eq!(r, "## 개요 {#intro .lead}\n\n\n본문\n");
    }

    #[test]
    fn tables_without_separator() {
        let r = rewrite("앞\n\n\n| a | b |\n| c | d |\n").unwrap();
        assert_eq!(r, "앞\n\n| a | b |\n|---|---|\n| c | d |\n");
        assert_eq!(r.matches('\n').count(), 5);
        assert!(rewrite("| a | b |\n|---|---|\n| c | d |\n").is_none());
    }

    #[test]
    fn paragraph_and_table_attributes_reach_the_html() {
        let src = "알림 문단\n{: .notice--info onclick=\"x\"}\n\n| a | b |\n|---|---|\n| c | d |\n{: #t1 .wide}\n\n끝\n";
        let text = rewrite(src).unwrap();
        assert_eq!(text.matches('\n').count(), src.matches('\n').count());
        let events: Vec<Event<'_>> =
            pulldown_cmark::Parser::new_ext(&text, crate::note::parse::options()).collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, attrs_pass(events).into_iter());
        assert!(
            html.contains("<p class=\"notice--info\">알림 문단</p>"),
            "{html}"
        );
        assert!(
            html.contains("<div id=\"t1\" class=\"wide\">\n<table>"),
            "{html}"
        );
        assert!(html.contains("</table>\n</div>"), "{html}");
        assert!(
            !html.contains("gongbu:attrs") && !html.contains("onclick"),
            "{html}"
        );
        let text = rewrite("> 팁입니다\n{: .prompt-tip }\n\n끝\n").unwrap();
        let events: Vec<Event<'_>> =
            pulldown_cmark::Parser::new_ext(&text, crate::note::parse::options()).collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, attrs_pass(events).into_iter());
        assert!(
            html.contains("<blockquote class=\"prompt-tip\">\n<p>팁입니다</p>\n</blockquote>"),
            "{html}"
        );
    }

    #[test]
    fn media_subpath_prefixes_relative_images() {
        let r = prefix_images(
            "![a](one.png) ![b](/abs.png) ![c](<two 2.png> \"t\"){: width=\"9\"}\n```\n![d](x.png)\n```\n",
            "/assets/img/posts/",
        )
        .unwrap();
        assert_eq!(
            r,
            "![a](/assets/img/posts/one.png) ![b](/abs.png) ![c](</assets/img/posts/two 2.png> \"t\"){: width=\"9\"}\n```\n![d](x.png)\n```\n"
        );
    }

    #[test]
    fn toc_replaces_the_list() {
        let r = rewrite("이 글의 차례\n* 목차\n{:toc}\n\n## 가 나\n\n## 다\n").unwrap();
        let r = r.strip_prefix("이 글의 차례\n").unwrap();
        assert!(
            r.starts_with("<ul class=\"kramdown-toc\"><li class=\"toc-level-2\">"),
            "{r}"
        );
        assert!(r.contains("\">가 나</a></li>"), "{r}");
        assert_eq!(r.matches('\n').count(), 6);
        assert!(rewrite("본문\n{:toc}\n").is_some_and(|r| r.starts_with("본문\n")));
    }
}
