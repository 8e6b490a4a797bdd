//! Redirect pages at old URLs: a small HTML file at each old path that
//! sends the reader on to the page (meta refresh, plus a script that keeps
//! the `#fragment`), names the new page as canonical and shows a visible
//! link. Every href is relative, so it works under a sub-path and from
//! `file://`.

use pulldown_cmark_escape::{escape_href, escape_html};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::index::SiteIndex;
use crate::output::Sink;
use crate::urls::{encode_path, relative_href};

/// The redirect page at `old` for the page at `new`.
pub(crate) fn redirect_html(old: &str, new: &str, title: &str, absolute: Option<&str>) -> String {
    let href = relative_href(old, new);
    let mut h = String::new();
    let mut esc_href = String::new();
    let _ = escape_href(&mut esc_href, &href);
    let mut esc_title = String::new();
    let _ = escape_html(&mut esc_title, title);
    h.push_str("<!doctype html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str(&format!(
        "<title>{esc_title} · 주소가 바뀌었습니다</title>\n"
    ));
    h.push_str(&format!(
        "<meta http-equiv=\"refresh\" content=\"0; url={esc_href}\">\n"
    ));
    let canonical = match absolute {
        Some(a) => {
            let mut s = String::new();
            let _ = escape_href(&mut s, a);
            s
        }
        None => esc_href.clone(),
    };
    h.push_str(&format!("<link rel=\"canonical\" href=\"{canonical}\">\n"));
    h.push_str("<meta name=\"robots\" content=\"noindex\">\n");
    h.push_str(&format!(
        "<script>location.replace(\"{}\"+location.hash)</script>\n",
        js_string(&href)
    ));
    h.push_str("</head>\n<body>\n");
    h.push_str(&format!(
        "<p>이 글은 <a href=\"{esc_href}\">{esc_title}</a>(으)로 옮겨졌습니다.</p>\n"
    ));
    h.push_str("</body>\n</html>\n");
    h
}

/// A string for inside a double-quoted script literal (inside HTML).
fn js_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Writes a redirect page at every old URL of every note. Returns how many.
pub(crate) fn write_all(index: &SiteIndex, sink: &dyn Sink, diags: &Diagnostics) -> usize {
    let mut n = 0;
    for note in &index.notes {
        for old in &note.old_urls {
            let abs = index.config.absolute_url(&encode_path(&note.url));
            let html = redirect_html(old, &note.url, &note.title, abs.as_deref());
            if let Err(e) = sink.write(old, html.as_bytes()) {
                diags.push(Diagnostic::error(
                    Code::Write,
                    format!("`{old}`을 쓸 수 없습니다: {e}"),
                ));
            }
            n += 1;
        }
    }
    let home = index.config.absolute_url("");
    for old in super::pagination_files(&index.config, &index.notes.raw) {
        let html = redirect_html(&old, "index.html", &index.config.title, home.as_deref());
        if let Err(e) = sink.write(&old, html.as_bytes()) {
            diags.push(Diagnostic::error(
                Code::Write,
                format!("`{old}`을 쓸 수 없습니다: {e}"),
            ));
        }
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_redirect() {
        let h = redirect_html(
            "os/2020/01/02/Old-Name.html",
            "2020/01/02/새-이름.html",
            "새 <이름>",
            None,
        );
        assert!(h.contains("url=../../../../2020/01/02/%EC%83%88-%EC%9D%B4%EB%A6%84.html"));
        assert!(h.contains("새 &lt;이름&gt;"));
        assert!(h.contains("rel=\"canonical\""));
    }
}
