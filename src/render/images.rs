//! Images in note bodies: each image (markdown `![]()` or `<img>` in raw
//! HTML) gets the [`ImageTarget`] resolved for the image fact at the same
//! source range. Local files get a relative
//! `src`, `width`/`height` from their header, `loading="lazy"` and
//! `decoding="async"` (a downscaled copy links to the original); remote
//! images are kept with `referrerpolicy="no-referrer"`; missing ones become
//! a visible placeholder naming what is missing, never an `<img>` to nothing.
//! A paragraph holding only an image with alt text becomes a `<figure>`.
//!
//! Runs before the headings pass so that images in the title block, which
//! that pass drops, are still seen. Events keep their source ranges for the
//! links pass that follows.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use rayon::prelude::*;

use super::links::{self, ByRange, Spanned};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::index::images::{ImageInfo, ImageTarget};
use crate::index::SiteIndex;
use crate::note::gfm::html_anchors;
use crate::note::parse::{body_offset, html_attr, html_attr_range, html_images};
use crate::note::NoteId;
use crate::output::Sink;
use crate::urls::{asset_url, relative_href};

/// The pass over note `id`'s events.
pub(crate) fn pass<'a>(
    events: Vec<Spanned<'a>>,
    index: &SiteIndex,
    id: NoteId,
) -> Vec<Spanned<'a>> {
    let targets = index.images.get(id).map(Vec::as_slice).unwrap_or(&[]);
    let note = &index.notes[id];
    let facts = &note.facts.images;
    let mut pass = ImagePass {
        index,
        page_url: &note.url,
        targets,
        by_range: ByRange::new(facts.iter().map(|i| (i.offset, i.len))),
        link_targets: index.links.get(id).map(Vec::as_slice).unwrap_or(&[]),
        links_by_range: ByRange::new(note.facts.links.iter().map(|l| (l.offset, l.len))),
        base: note.body_start,
        link_depth: 0,
        html_anchor_depth: 0,
    };
    let mut out = Vec::with_capacity(events.len());
    let mut it = events.into_iter().peekable();
    while let Some((event, range)) = it.next() {
        match event {
            Event::Start(Tag::Paragraph)
                if matches!(it.peek(), Some((Event::Start(Tag::Image { .. }), _))) =>
            {
                let Some((
                    Event::Start(Tag::Image {
                        dest_url, title, ..
                    }),
                    img_range,
                )) = it.next()
                else {
                    continue;
                };
                let target = pass.take(&img_range);
                let alt = alt_text(&mut it);
                let alone = matches!(it.peek(), Some((Event::End(TagEnd::Paragraph), _)));
                if alone && !is_placeholder_alt(&alt, &dest_url) {
                    let end = it.next().map(|(_, r)| r.end).unwrap_or(img_range.end);
                    let mut html = String::from("<figure>");
                    html.push_str(&pass.image_html(&target, &dest_url, &alt, &title));
                    html.push_str("<figcaption>");
                    let _ = escape_html(&mut html, alt.trim());
                    html.push_str("</figcaption></figure>\n");
                    out.push((Event::Html(CowStr::from(html)), range.start..end));
                } else {
                    out.push((Event::Start(Tag::Paragraph), range));
                    let html = pass.image_html(&target, &dest_url, &alt, &title);
                    out.push((Event::InlineHtml(CowStr::from(html)), img_range));
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let target = pass.take(&range);
                let alt = alt_text(&mut it);
                let html = pass.image_html(&target, &dest_url, &alt, &title);
                out.push((Event::InlineHtml(CowStr::from(html)), range));
            }
            Event::Start(tag @ Tag::Link { .. }) => {
                pass.link_depth += 1;
                out.push((Event::Start(tag), range));
            }
            Event::End(TagEnd::Link) => {
                pass.link_depth = pass.link_depth.saturating_sub(1);
                out.push((Event::End(TagEnd::Link), range));
            }
            Event::Start(Tag::HtmlBlock) => {
                // One event per line; joined so a tag over several lines is
                // rewritten whole, as the analysis saw it. `lines` maps
                // positions in the joined text to body offsets.
                let mut joined = String::new();
                let mut lines = Vec::new();
                let mut after = None;
                let mut span = range.clone();
                for (e, r) in it.by_ref() {
                    match e {
                        Event::Html(h) => {
                            lines.push((joined.len(), r.start));
                            span.end = span.end.max(r.end);
                            joined.push_str(&h);
                        }
                        other => {
                            after = Some((other, r));
                            break;
                        }
                    }
                }
                out.push((Event::Start(Tag::HtmlBlock), range));
                let html = pass.rewrite_html(CowStr::from(joined), &lines);
                out.push((Event::Html(html), span));
                out.extend(after);
            }
            Event::Html(html) => {
                let lines = [(0, range.start)];
                out.push((Event::Html(pass.rewrite_html(html, &lines)), range));
            }
            Event::InlineHtml(html) => {
                let lines = [(0, range.start)];
                out.push((Event::InlineHtml(pass.rewrite_html(html, &lines)), range));
            }
            other => out.push((other, range)),
        }
    }
    out
}

/// Consumes the events inside an image up to its end and returns their
/// text. Images nested in the alt text are not shown, as the HTML writer
/// does.
fn alt_text<'a>(it: &mut impl Iterator<Item = Spanned<'a>>) -> String {
    let mut alt = String::new();
    let mut depth = 1usize;
    for (event, _) in it.by_ref() {
        match event {
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                alt.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }
    alt
}

struct ImagePass<'i> {
    index: &'i SiteIndex,
    page_url: &'i str,
    targets: &'i [ImageTarget],
    /// Image facts by source range.
    by_range: ByRange,
    /// Link facts by source range, for `<a href>` in the same raw HTML.
    link_targets: &'i [crate::index::links::Target],
    links_by_range: ByRange,
    /// The body's offset in the file.
    base: usize,
    /// Markdown links open around the current event.
    link_depth: usize,
    /// `<a>` elements open in raw HTML.
    html_anchor_depth: usize,
}

impl ImagePass<'_> {
    /// The target of the image fact at body range `range`.
    fn take(&self, range: &Range<usize>) -> ImageTarget {
        self.target_at(self.base + range.start, range.len())
    }

    fn target_at(&self, offset: usize, len: usize) -> ImageTarget {
        match self
            .by_range
            .get(offset, len)
            .and_then(|i| self.targets.get(i))
        {
            Some(t) => t.clone(),
            // The analysis saw every image the render sees; if not, say so
            // rather than guess.
            None => ImageTarget::Missing {
                name: String::new(),
                reason: "내부 오류: 분석 단계에서 보지 못한 그림입니다".to_string(),
            },
        }
    }

    fn inside_link(&self) -> bool {
        self.link_depth > 0 || self.html_anchor_depth > 0
    }

    /// The markup for a markdown image.
    fn image_html(&self, target: &ImageTarget, written: &str, alt: &str, title: &str) -> String {
        let mut html = String::new();
        match target {
            ImageTarget::Missing { name, reason } => placeholder(&mut html, name, reason),
            ImageTarget::Remote => {
                html.push_str("<img src=\"");
                let _ = escape_href(&mut html, written);
                html.push('"');
                push_attr(&mut html, "alt", alt);
                if !title.is_empty() {
                    push_attr(&mut html, "title", title);
                }
                html.push_str(" loading=\"lazy\" decoding=\"async\"");
                if !written
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("data:")
                {
                    html.push_str(" referrerpolicy=\"no-referrer\"");
                }
                html.push('>');
            }
            ImageTarget::Local { rel } => {
                let info = self.index.image_info.get(rel);
                let original = relative_href(self.page_url, &asset_url(rel));
                let scaled = info.and_then(|i| i.scaled.as_ref());
                let wrap = scaled.is_some() && !self.inside_link();
                if wrap {
                    html.push_str("<a class=\"image-original\" href=\"");
                    let _ = escape_href(&mut html, &original);
                    html.push_str("\">");
                }
                html.push_str("<img src=\"");
                let src = match scaled {
                    Some(s) => relative_href(self.page_url, &s.url),
                    None => original,
                };
                let _ = escape_href(&mut html, &src);
                html.push('"');
                push_attr(&mut html, "alt", alt);
                if !title.is_empty() {
                    push_attr(&mut html, "title", title);
                }
                if let Some((w, h)) = shown_size(info) {
                    html.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
                }
                html.push_str(" loading=\"lazy\" decoding=\"async\">");
                if wrap {
                    html.push_str("</a>");
                }
            }
        }
        html
    }

    /// Rewrites every `<img>` and `<a href>` of one piece of raw HTML
    /// (images to their files, links as the links pass would); other markup
    /// is kept byte for byte.
    fn rewrite_html<'a>(&mut self, html: CowStr<'a>, lines: &[(usize, usize)]) -> CowStr<'a> {
        // (start, length, replacement), in order.
        let mut edits: Vec<(usize, usize, String)> = Vec::new();
        for (_, _, start, len) in html_images(&html) {
            let target = self.target_at(self.base + body_offset(lines, start), len);
            edits.push((
                start,
                len,
                self.rewrite_img_tag(&html[start..start + len], &target),
            ));
        }
        for (href, start, len) in html_anchors(&html) {
            let offset = self.base + body_offset(lines, start);
            let target = links::target_at(&self.links_by_range, self.link_targets, offset, len);
            let tag = &html[start..start + len];
            if let Some(new_tag) = links::rewrite_anchor(tag, &href, &target, self.page_url) {
                edits.push((start, len, new_tag));
            }
        }
        if edits.is_empty() {
            self.track_anchors(&html);
            return html;
        }
        edits.sort_by_key(|e| e.0);
        let mut out = String::with_capacity(html.len() + 64);
        let mut last = 0;
        for (start, len, replacement) in edits {
            if start < last {
                continue;
            }
            let before = &html[last..start];
            self.track_anchors(before);
            out.push_str(before);
            self.track_anchors(&html[start..start + len]);
            out.push_str(&replacement);
            last = start + len;
        }
        let rest = &html[last..];
        self.track_anchors(rest);
        out.push_str(rest);
        CowStr::from(out)
    }

    fn track_anchors(&mut self, html: &str) {
        let lower = html.to_ascii_lowercase();
        let opens = lower.matches("<a ").count() + lower.matches("<a>").count();
        let closes = lower.matches("</a>").count();
        self.html_anchor_depth = (self.html_anchor_depth + opens).saturating_sub(closes);
    }

    /// One raw `<img …>` tag, its other attributes kept.
    fn rewrite_img_tag(&self, tag: &str, target: &ImageTarget) -> String {
        let has = |name: &str| html_attr(tag, name).is_some();
        let mut extra = String::new();
        let mut out = String::new();
        match target {
            ImageTarget::Missing { name, reason } => {
                placeholder(&mut out, name, reason);
                return out;
            }
            ImageTarget::Remote => {
                let src = html_attr(tag, "src").unwrap_or_default();
                if !has("referrerpolicy")
                    && !src.trim_start().to_ascii_lowercase().starts_with("data:")
                {
                    extra.push_str(" referrerpolicy=\"no-referrer\"");
                }
                push_loading(&mut extra, &has);
                out.push_str(&insert_after_name(tag, &extra));
            }
            ImageTarget::Local { rel } => {
                let info = self.index.image_info.get(rel);
                let original = relative_href(self.page_url, &asset_url(rel));
                let scaled = info.and_then(|i| i.scaled.as_ref());
                let src = match scaled {
                    Some(s) => relative_href(self.page_url, &s.url),
                    None => original.clone(),
                };
                let mut new_src = String::new();
                let _ = escape_href(&mut new_src, &src);
                let mut rewritten = tag.to_string();
                if let Some(range) = html_attr_range(tag, "src") {
                    rewritten.replace_range(range, &new_src);
                }
                if !has("width") && !has("height") {
                    if let Some((w, h)) = shown_size(info) {
                        extra.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
                    }
                }
                push_loading(&mut extra, &has);
                let img = insert_after_name(&rewritten, &extra);
                if scaled.is_some() && !self.inside_link() {
                    out.push_str("<a class=\"image-original\" href=\"");
                    let _ = escape_href(&mut out, &original);
                    out.push_str("\">");
                    out.push_str(&img);
                    out.push_str("</a>");
                } else {
                    out.push_str(&img);
                }
            }
        }
        out
    }
}

/// Alt text that says nothing a caption could show: empty, an editor's
/// default (`image`, `Untitled`, `download (5)`, `스크린샷 2024-01-02 …`,
/// `Screenshot …`) or the image's own file name.
fn is_placeholder_alt(alt: &str, src: &str) -> bool {
    const WORDS: &[&str] = &[
        "image",
        "img",
        "untitled",
        "download",
        "picture",
        "pic",
        "photo",
        "screenshot",
        "screen shot",
        "capture",
        "alt",
        "alt text",
        "그림",
        "이미지",
        "사진",
        "스크린샷",
        "캡처",
        "화면 캡처",
        "제목 없음",
    ];
    const PREFIXES: &[&str] = &[
        "screenshot",
        "screen shot",
        "스크린샷",
        "화면 캡처",
        "캡처",
        "capture",
        "untitled",
        "image",
        "img_",
        "img-",
        "kakaotalk_",
    ];
    let alt = alt.trim();
    if alt.is_empty() {
        return true;
    }
    let lower = alt.to_lowercase();
    // `image (3)`, `Untitled-1`, `download(5)`: a default word and a number.
    let stem = lower
        .trim_end_matches(|c: char| {
            c.is_ascii_digit() || c.is_whitespace() || matches!(c, '(' | ')' | '-' | '_' | '.')
        })
        .trim();
    if WORDS.contains(&stem) {
        return true;
    }
    // `Screenshot 2024-01-02 at 10.11.12`, `스크린샷 2024-01-02 오후 3.21.45`.
    let has_digit = lower.chars().any(|c| c.is_ascii_digit());
    if has_digit && PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    // The file's own name, with or without its extension.
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let name = crate::urls::decode(path.rsplit('/').next().unwrap_or(path)).to_lowercase();
    let name_stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&name);
    if !name.is_empty() && (lower == name || lower == name_stem) {
        return true;
    }
    // Any file name of an image (`diagram_final.png`).
    [".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp"]
        .iter()
        .any(|ext| lower.ends_with(ext) && !lower.contains(' '))
}

/// The size the page shows: the downscaled copy's when there is one.
fn shown_size(info: Option<&ImageInfo>) -> Option<(u32, u32)> {
    let info = info?;
    match &info.scaled {
        Some(s) => Some((s.width, s.height)),
        None => info.size,
    }
}

fn push_loading(extra: &mut String, has: &dyn Fn(&str) -> bool) {
    if !has("loading") {
        extra.push_str(" loading=\"lazy\"");
    }
    if !has("decoding") {
        extra.push_str(" decoding=\"async\"");
    }
}

/// `<img` + `extra` + the rest of the tag.
fn insert_after_name(tag: &str, extra: &str) -> String {
    let mut out = String::with_capacity(tag.len() + extra.len());
    let split = tag.len().min(4);
    out.push_str(&tag[..split]);
    out.push_str(extra);
    out.push_str(&tag[split..]);
    out
}

fn push_attr(html: &mut String, name: &str, value: &str) {
    html.push(' ');
    html.push_str(name);
    html.push_str("=\"");
    let _ = escape_html(&mut *html, value);
    html.push('"');
}

/// The box shown where an image cannot be: it names the file and says why.
fn placeholder(html: &mut String, name: &str, reason: &str) {
    html.push_str("<span class=\"image-missing\" role=\"img\" aria-label=\"그림 없음: ");
    let _ = escape_html(&mut *html, name);
    html.push_str("\" title=\"");
    let _ = escape_html(&mut *html, reason);
    html.push_str("\">그림 없음: ");
    let _ = escape_html(&mut *html, name);
    html.push_str("</span>");
}

/// Writes the downscaled copies beside their originals.
pub(crate) fn write_scaled(index: &SiteIndex, sink: &dyn Sink, diags: &Diagnostics) {
    index.image_info.par_iter().for_each(|(_, info)| {
        if let Some(s) = &info.scaled {
            if let Err(e) = sink.write(&s.url, &s.bytes) {
                diags.push(Diagnostic::error(
                    Code::Write,
                    format!("`{}`을 쓸 수 없습니다: {e}", s.url),
                ));
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_go_after_the_tag_name() {
        assert_eq!(
            insert_after_name("<img src=\"a.png\">", " loading=\"lazy\""),
            "<img loading=\"lazy\" src=\"a.png\">"
        );
    }

    #[test]
    fn placeholder_alt_text_makes_no_caption() {
        for alt in [
            "",
            "image",
            "Image (3)",
            "img",
            "Untitled",
            "Untitled-1",
            "download (5)",
            "스크린샷 2026-03-02 오후 3.21.45",
            "Screenshot 2026-03-02 at 10.11.12",
            "프로세스 구조",
            "diagram_final.png",
        ] {
            let src = "images/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4%20%EA%B5%AC%EC%A1%B0.png";
            assert!(
                is_placeholder_alt(alt, src),
                "{alt:?} should be a placeholder"
            );
        }
        for alt in [
            "프로세스 상태 전이도",
            "Process states",
            "이미지 처리 파이프라인",
        ] {
            assert!(!is_placeholder_alt(alt, "a/b.png"), "{alt:?}");
        }
    }

    #[test]
    fn placeholder_names_the_file() {
        let mut s = String::new();
        placeholder(&mut s, "그림 <1>.png", "없음");
        assert!(s.contains("그림 없음: 그림 &lt;1&gt;.png</span>"), "{s}");
    }
}
