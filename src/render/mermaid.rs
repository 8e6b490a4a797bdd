//! Mermaid diagrams: a ```` ```mermaid ```` fence becomes
//! `<pre class="mermaid">` holding its escaped source, which stays readable
//! without JavaScript; pages that have one load the vendored Mermaid
//! release (`static/assets/mermaid/`, plain `<script src>`, so it works
//! offline and from `file://`) and the theme's `code.js` draws it in the
//! light or dark theme.

use pulldown_cmark_escape::escape_html_body_text;

/// The vendored Mermaid release (`static/assets/mermaid/mermaid.min.js`,
/// from `npm pack mermaid@VERSION`, file `dist/mermaid.min.js`; its
/// LICENSE beside it). Change both together.
#[allow(dead_code)] // the pinned release; a test checks the vendored file against it
pub(crate) const MERMAID_VERSION: &str = "11.17.2";

/// Where the script is in the output, site-relative.
#[allow(dead_code)] // where the vendored release is written
pub(crate) const SCRIPT: &str = "assets/mermaid/mermaid.min.js";

/// What starts a diagram in a page's HTML.
pub(crate) const MARKER: &str = "<pre class=\"mermaid\"";

/// Whether a fence's info string makes it a diagram.
pub(crate) fn is_mermaid_fence(info: &str) -> bool {
    info.split_whitespace()
        .next()
        .is_some_and(|t| t.eq_ignore_ascii_case("mermaid"))
}

/// The diagram's markup: its source, escaped, for Mermaid to replace.
pub(crate) fn block_html(code: &str) -> String {
    let mut s = String::with_capacity(code.len() + 64);
    s.push_str(MARKER);
    s.push_str(" role=\"img\" aria-label=\"다이어그램\">");
    let _ = escape_html_body_text(&mut s, code);
    s.push_str("</pre>\n");
    s
}

/// Whether a page's body has a diagram (it then loads the script).
pub(crate) fn page_has_diagram(body_html: &str) -> bool {
    body_html.contains(MARKER)
}

/// Whether a note's markdown may hold a diagram (the script is written to
/// the output only when some note has one).
pub(crate) fn source_may_have_diagram(markdown: &str) -> bool {
    markdown.contains("mermaid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_is_escaped_and_marked() {
        let html = block_html("graph LR\n  A[\"준비\"] --> B<실행>\n");
        assert!(html.starts_with(MARKER));
        assert!(html.contains("A[\"준비\"] --&gt; B&lt;실행&gt;"), "{html}");
        assert!(page_has_diagram(&html));
        assert!(is_mermaid_fence("mermaid"));
        assert!(!is_mermaid_fence("mermaidx"));
    }

    #[test]
    fn vendored_script_is_the_pinned_release() {
        let js = include_str!("../../static/assets/mermaid/mermaid.min.js");
        assert!(js.contains(MERMAID_VERSION));
        assert!(js.contains("globalThis[\"mermaid\"]"));
    }
}
