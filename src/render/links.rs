//! Links become relative hrefs to the pages they resolved to; broken ones
//! become a marked `<span>` that keeps the text, never an `<a>` to nowhere.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::index::links::Target;
use crate::urls::{encode_fragment, relative_href};

/// The href for `target` on the page at `page_url`; None for broken links.
pub fn href_for(target: &Target, page_url: &str, original: &str) -> Option<String> {
    match target {
        Target::External => Some(original.to_string()),
        Target::Page { url, fragment, .. } => {
            let mut href = if url == page_url && fragment.is_some() {
                String::new()
            } else {
                relative_href(page_url, url)
            };
            if let Some(f) = fragment {
                href.push('#');
                href.push_str(&encode_fragment(f));
            }
            Some(href)
        }
        Target::Asset { rel, suffix } => {
            let mut href = relative_href(page_url, &crate::urls::asset_url(rel));
            href.push_str(suffix);
            Some(href)
        }
        Target::Broken { .. } => None,
    }
}

/// The pass: the n-th link of the note gets the n-th resolved target.
pub fn pass<'a>(events: Vec<Event<'a>>, targets: &[Target], page_url: &str) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut index = 0;
    // For each open link: the closing markup it needs.
    let mut closers: Vec<&'static str> = Vec::new();
    for event in events {
        match event {
            Event::Start(Tag::Link {
                link_type: _,
                dest_url,
                title,
                id: _,
            }) => {
                let target = targets.get(index).cloned().unwrap_or(Target::External);
                index += 1;
                let mut html = String::new();
                match href_for(&target, page_url, &dest_url) {
                    Some(href) => {
                        html.push_str("<a href=\"");
                        let _ = escape_href(&mut html, &href);
                        html.push('"');
                        if !title.is_empty() {
                            html.push_str(" title=\"");
                            let _ = escape_html(&mut html, &title);
                            html.push('"');
                        }
                        if matches!(target, Target::External) && crate::urls::has_scheme(&dest_url)
                        {
                            html.push_str(" class=\"external\" rel=\"noopener\"");
                        }
                        html.push('>');
                        closers.push("</a>");
                    }
                    None => {
                        let reason = match &target {
                            Target::Broken { reason } => reason.as_str(),
                            _ => "",
                        };
                        html.push_str("<span class=\"broken-link\" title=\"깨진 링크: ");
                        let _ = escape_html(&mut html, reason);
                        html.push_str("\" data-href=\"");
                        let _ = escape_html(&mut html, &dest_url);
                        html.push_str("\">");
                        closers.push("</span>");
                    }
                }
                out.push(Event::InlineHtml(CowStr::from(html)));
            }
            Event::End(TagEnd::Link) => {
                let closer = closers.pop().unwrap_or("</a>");
                out.push(Event::InlineHtml(CowStr::Borrowed(closer)));
            }
            other => out.push(other),
        }
    }
    out
}
