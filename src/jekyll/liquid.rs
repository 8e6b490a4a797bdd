//! The Liquid a Jekyll post commonly holds, rewritten before parsing:
//! `{% highlight lang [linenos] %}…{% endhighlight %}` becomes a fence,
//! `{% raw %}` keeps its text as written, `{% post_url %}` and `{% link %}`
//! become paths the link resolver finds, `{{ site.baseurl }}`,
//! `{{ site.url }}` and `{{ '/x' | relative_url }}` become root paths,
//! `{% comment %}` is dropped. Any other tag stays as text; the note gets
//! one warning naming those tags. Line breaks are kept exactly, so every
//! later diagnostic points at the line the author wrote.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

/// A Liquid tag gongbu left as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unknown {
    /// Byte offset in the original body.
    pub offset: usize,
    pub len: usize,
    /// `include`, `assign`, `page.title`, …
    pub name: String,
}

/// The body rewritten, and the tags left as they were.
#[derive(Debug, Default)]
pub(crate) struct Rewritten {
    pub text: String,
    pub unknown: Vec<Unknown>,
}

/// Whether `body` may hold Liquid at all (the cheap test before rewriting).
pub(crate) fn has_liquid(body: &str) -> bool {
    body.contains("{%") || body.contains("{{")
}

/// Rewrites the Liquid of `body`. `report_output_tags`: whether unknown
/// `{{ … }}` count as Liquid (in a Jekyll post they do; elsewhere they are
/// likely a template language the note is about).
pub(crate) fn rewrite(body: &str, report_output_tags: bool) -> Rewritten {
    let mut out = Rewritten {
        text: String::with_capacity(body.len()),
        unknown: Vec::new(),
    };
    let fences = fence_ranges(body);
    let in_code = |pos: usize| fences.iter().any(|&(s, e)| pos >= s && pos < e);
    let mut pos = 0;
    while pos < body.len() {
        let rest = body.get(pos..).unwrap_or("");
        let next = match (rest.find("{%"), rest.find("{{")) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => {
                out.text.push_str(rest);
                break;
            }
        };
        out.text.push_str(rest.get(..next).unwrap_or(""));
        let start = pos + next;
        let tail = body.get(start..).unwrap_or("");
        let is_tag = tail.starts_with("{%");
        let close = if is_tag { "%}" } else { "}}" };
        let Some(end_rel) = tail.find(close) else {
            out.text.push_str(tail);
            break;
        };
        let end = start + end_rel + 2;
        let inner_raw = tail.get(2..end_rel).unwrap_or("");
        // A tag never spans a paragraph: `{{` in text followed much later
        // by `}}` is not Liquid.
        if inner_raw.contains("\n\n") {
            out.text.push_str(tail.get(..2).unwrap_or(""));
            pos = start + 2;
            continue;
        }
        let inner = inner_raw.trim_matches(|c: char| c == '-' || c.is_whitespace());
        let whole = body.get(start..end).unwrap_or("");
        if is_tag {
            let mut words = inner.split_whitespace();
            let name = words.next().unwrap_or("");
            let args: Vec<&str> = words.collect();
            match name {
                "raw" => {
                    let after = body.get(end..).unwrap_or("");
                    let (content, skip) = match find_end_tag(after, "endraw") {
                        Some((s, e)) => (after.get(..s).unwrap_or(""), e),
                        None => (after, after.len()),
                    };
                    out.text.push_str(content);
                    pos = end + skip;
                    continue;
                }
                "comment" => {
                    let after = body.get(end..).unwrap_or("");
                    let skip = find_end_tag(after, "endcomment")
                        .map(|(_, e)| e)
                        .unwrap_or(after.len());
                    let dropped = after.get(..skip).unwrap_or("");
                    keep_newlines(&mut out.text, whole);
                    keep_newlines(&mut out.text, dropped);
                    pos = end + skip;
                    continue;
                }
                "highlight" => {
                    let after = body.get(end..).unwrap_or("");
                    let (code, skip) = match find_end_tag(after, "endhighlight") {
                        Some((s, e)) => (after.get(..s).unwrap_or(""), e),
                        None => (after, after.len()),
                    };
                    let lang = args.first().copied().unwrap_or("");
                    let linenos = args.iter().any(|a| a.starts_with("linenos"));
                    let ticks = "`".repeat(longest_run(code, '`').max(2) + 1);
                    out.text.push_str(&ticks);
                    out.text.push_str(lang);
                    if linenos {
                        out.text.push_str(" linenos");
                    }
                    keep_newlines(&mut out.text, whole);
                    if !code.starts_with('\n') && !code.starts_with("\r\n") {
                        out.text.push('\n');
                    }
                    out.text.push_str(code);
                    if !out.text.ends_with('\n') {
                        out.text.push('\n');
                    }
                    out.text.push_str(&ticks);
                    pos = end + skip;
                    continue;
                }
                "post_url" => {
                    // The whole argument: post names may hold spaces.
                    let name = inner
                        .get(name.len()..)
                        .unwrap_or("")
                        .trim()
                        .trim_start_matches('/');
                    out.text
                        .push_str(&format!("/_posts/{}.md", link_escape(name)));
                }
                "link" => {
                    let path = inner
                        .get(name.len()..)
                        .unwrap_or("")
                        .trim()
                        .trim_start_matches('/');
                    out.text.push('/');
                    out.text.push_str(&link_escape(path));
                }
                _ => {
                    if !in_code(start) {
                        out.unknown.push(Unknown {
                            offset: start,
                            len: end - start,
                            name: name.to_string(),
                        });
                    }
                    out.text.push_str(whole);
                }
            }
        } else {
            match output_value(inner) {
                Some(v) => out.text.push_str(&v),
                None => {
                    if report_output_tags && !in_code(start) {
                        let name = inner
                            .split(|c: char| c.is_whitespace() || c == '|')
                            .next()
                            .unwrap_or("")
                            .to_string();
                        out.unknown.push(Unknown {
                            offset: start,
                            len: end - start,
                            name,
                        });
                    }
                    out.text.push_str(whole);
                }
            }
        }
        pos = end;
    }
    out
}

/// `{{ site.baseurl }}` and friends: what they stand for in a site whose
/// every link is relative (a root path, resolved like any other).
fn output_value(inner: &str) -> Option<String> {
    let mut parts = inner.split('|').map(str::trim);
    let head = parts.next().unwrap_or("");
    let filters: Vec<&str> = parts.collect();
    let value = match head {
        "site.baseurl" | "site.url" | "site.base_url" => String::new(),
        quoted
            if (quoted.starts_with('\'') && quoted.ends_with('\'') && quoted.len() >= 2)
                || (quoted.starts_with('"') && quoted.ends_with('"') && quoted.len() >= 2) =>
        {
            let s = quoted.get(1..quoted.len() - 1).unwrap_or("");
            if filters.is_empty() {
                return None;
            }
            s.to_string()
        }
        _ => return None,
    };
    for f in &filters {
        let name = f.split(':').next().unwrap_or("").trim();
        if !matches!(name, "relative_url" | "absolute_url" | "prepend_baseurl") {
            return None;
        }
    }
    if filters.is_empty() || value.is_empty() || value.starts_with('/') || value.contains("://") {
        Some(value)
    } else {
        Some(format!("/{value}"))
    }
}

/// A path made safe inside a markdown link destination.
fn link_escape(path: &str) -> String {
    path.replace('%', "%25")
        .replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('<', "%3C")
        .replace('>', "%3E")
}

/// Finds `{% end… %}` (any spacing, `-` trims); returns the start of the
/// tag and the end after it, relative to `text`.
fn find_end_tag(text: &str, name: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = text.get(from..)?.find("{%") {
        let s = from + i;
        let rest = text.get(s + 2..)?;
        let close = rest.find("%}")?;
        let inner = rest
            .get(..close)?
            .trim_matches(|c: char| c == '-' || c.is_whitespace());
        if inner == name {
            return Some((s, s + 2 + close + 2));
        }
        from = s + 2;
    }
    None
}

fn keep_newlines(out: &mut String, dropped: &str) {
    for _ in dropped.matches('\n') {
        out.push('\n');
    }
}

fn longest_run(s: &str, ch: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == ch {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// Byte ranges of fenced code blocks and inline code spans (roughly: a
/// backtick run to the next run of the same length on the line).
fn fence_ranges(body: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut open: Option<(usize, char, usize)> = None;
    let mut pos = 0;
    for line in body.split_inclusive('\n') {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let fence_char = t.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(c) = fence_char.filter(|_| indent < 4) {
            let n = t.chars().take_while(|x| *x == c).count();
            if n >= 3 {
                match open {
                    Some((start, oc, on)) if oc == c && n >= on && t.trim().len() == n => {
                        ranges.push((start, pos + line.len()));
                        open = None;
                    }
                    None => open = Some((pos, c, n)),
                    _ => {}
                }
                pos += line.len();
                continue;
            }
        }
        if open.is_none() {
            // Inline code spans on this line.
            let mut i = 0;
            let bytes: Vec<(usize, char)> = line.char_indices().collect();
            while i < bytes.len() {
                if bytes.get(i).map(|b| b.1) == Some('`') {
                    let run = bytes.iter().skip(i).take_while(|b| b.1 == '`').count();
                    let s = bytes.get(i).map(|b| b.0).unwrap_or(0);
                    let mut j = i + run;
                    let mut closed = None;
                    while j < bytes.len() {
                        if bytes.get(j).map(|b| b.1) == Some('`') {
                            let r = bytes.iter().skip(j).take_while(|b| b.1 == '`').count();
                            if r == run {
                                closed = Some(j + r);
                                break;
                            }
                            j += r;
                        } else {
                            j += 1;
                        }
                    }
                    match closed {
                        Some(c) => {
                            let e = bytes.get(c).map(|b| b.0).unwrap_or(line.len());
                            ranges.push((pos + s, pos + e));
                            i = c;
                        }
                        None => i += run,
                    }
                } else {
                    i += 1;
                }
            }
        }
        pos += line.len();
    }
    if let Some((start, _, _)) = open {
        ranges.push((start, body.len()));
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> usize {
        s.matches('\n').count()
    }

    #[test]
    fn highlight_becomes_a_fence_with_the_same_lines() {
        let src = "앞\n\n{% highlight rust linenos %}\nfn main() {}\n{% endhighlight %}\n\n뒤\n";
        let r = rewrite(src, true);
        assert_eq!(r.text, "앞\n\n```rust linenos\nfn main() {}\n```\n\n뒤\n");
        assert_eq!(lines(&r.text), lines(src));
        assert!(r.unknown.is_empty());
    }

    #[test]
    fn raw_keeps_its_text() {
        let src = "```\n{% raw %}\n{{ page.title }} {% if x %}\n{% endraw %}\n```\n";
        let r = rewrite(src, true);
        assert_eq!(r.text, "```\n\n{{ page.title }} {% if x %}\n\n```\n");
        assert!(r.unknown.is_empty());
    }

    #[test]
    fn links_and_site_values() {
        let r = rewrite(
            "[a]({% post_url 2020-01-02-Hello[2] %}) [b]({{ site.baseurl }}/about/) [c]({% link _posts/x.md %}) ![d]({{ '/assets/그림.png' | relative_url }})\n",
            true,
        );
        assert_eq!(
            r.text,
            "[a](/_posts/2020-01-02-Hello[2].md) [b](/about/) [c](/_posts/x.md) ![d](/assets/그림.png)\n"
        );
    }

    #[test]
    fn unknown_tags_stay_and_are_named() {
        let src = "{% include note.html %}\n\n{{ page.title }}\n\n`{% if %}`\n";
        let r = rewrite(src, true);
        assert_eq!(r.text, src);
        let names: Vec<&str> = r.unknown.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, vec!["include", "page.title"]);
        assert_eq!(r.unknown[0].offset, 0);
        let r = rewrite("Vue: {{ message }}\n", false);
        assert!(r.unknown.is_empty());
    }

    #[test]
    fn comments_are_dropped() {
        let r = rewrite("a {% comment %}숨김\n줄{% endcomment %} b\n", true);
        assert_eq!(r.text, "a \n b\n");
    }
}
