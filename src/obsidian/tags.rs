//! Obsidian's inline tags: `#운영체제`, `#os/process` written in prose
//! become the note's tags when the notes are an Obsidian vault (a
//! `.obsidian/` folder in the notes root, or `obsidian: true` in
//! gongbu.yaml), and link to their tag pages. Not in code, headings or
//! links; not `C#` (a letter before `#`), not `#1` (digits only), not a
//! URL's `#fragment`.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::path::Path;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::config::Config;
use crate::note::parse::options;
use crate::urls::{relative_href, slugify};

/// Whether inline tags count for this site.
pub(crate) fn enabled(config: &Config, notes_root: &Path) -> bool {
    config.obsidian || notes_root.join(".obsidian").is_dir()
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '/'
}

/// The tags in one piece of prose: (byte range of `#tag`, tag).
fn tags_in(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices('#') {
        let before = text.get(..at).and_then(|b| b.chars().next_back());
        if before.is_some_and(|c| !c.is_whitespace() && !"([{,".contains(c)) {
            continue;
        }
        let rest = text.get(at + 1..).unwrap_or("");
        let len: usize = rest
            .chars()
            .take_while(|c| is_tag_char(*c))
            .map(char::len_utf8)
            .sum();
        let tag = rest.get(..len).unwrap_or("").trim_end_matches(['/', '-']);
        if tag.is_empty()
            || tag
                .chars()
                .all(|c| c.is_ascii_digit() || c == '/' || c == '-')
        {
            continue;
        }
        out.push((at..at + 1 + tag.len(), tag.to_string()));
    }
    out
}

/// Walks the prose of `body`: Text events outside code, headings and links.
fn prose<'a>(events: impl Iterator<Item = Event<'a>>, mut f: impl FnMut(Event<'a>, bool)) {
    let mut skip = 0usize;
    for e in events {
        match &e {
            Event::Start(
                Tag::CodeBlock(_) | Tag::Heading { .. } | Tag::Link { .. } | Tag::Image { .. },
            ) => skip += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Heading(_) | TagEnd::Link | TagEnd::Image) => {
                skip = skip.saturating_sub(1)
            }
            _ => {}
        }
        let in_prose = skip == 0 && matches!(e, Event::Text(_));
        f(e, in_prose);
    }
}

/// The inline tags of a note body, in order, without repeats.
pub(crate) fn inline_tags(body: &str) -> Vec<String> {
    if memchr::memchr(b'#', body.as_bytes()).is_none() {
        return Vec::new();
    }
    let mut tags: Vec<String> = Vec::new();
    prose(Parser::new_ext(body, options()), |e, in_prose| {
        if let (Event::Text(t), true) = (e, in_prose) {
            for (_, tag) in tags_in(&t) {
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        }
    });
    tags
}

/// The render pass: each inline tag links to its tag page.
pub(crate) fn pass<'a>(events: Vec<Event<'a>>, page_url: &str) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    prose(events.into_iter(), |e, in_prose| {
        let Event::Text(text) = &e else {
            out.push(e);
            return;
        };
        let found = if in_prose { tags_in(text) } else { Vec::new() };
        if found.is_empty() {
            out.push(e);
            return;
        }
        let mut at = 0;
        for (range, tag) in found {
            if let Some(before) = text.get(at..range.start).filter(|s| !s.is_empty()) {
                out.push(Event::Text(CowStr::from(before.to_string())));
            }
            let href = relative_href(page_url, &format!("tags/{}.html", slugify(&tag)));
            let mut html = String::from("<a class=\"inline-tag\" href=\"");
            let _ = escape_href(&mut html, &href);
            html.push_str("\">#");
            let _ = escape_html(&mut html, &tag);
            html.push_str("</a>");
            out.push(Event::InlineHtml(CowStr::from(html)));
            at = range.end;
        }
        if let Some(rest) = text.get(at..).filter(|s| !s.is_empty()) {
            out.push(Event::Text(CowStr::from(rest.to_string())));
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_a_tag() {
        let body = "# 제목 #아님\n\n공부 #운영체제 #os/process 정리. C# 과 #1 과 F#은 아님.\n\n\
                    `#코드` 와\n\n```\n#include\n```\n\n[링크 #아님](a.md) https://x.com/a#frag (#괄호)\n";
        assert_eq!(inline_tags(body), vec!["운영체제", "os/process", "괄호"]);
    }
}
