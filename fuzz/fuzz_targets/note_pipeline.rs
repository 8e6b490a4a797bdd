//! The whole note pipeline on arbitrary bytes: decode → front matter →
//! markdown facts → site index (links, backlinks, glossary, comparisons) →
//! every page rendered. Besides not panicking, the output must keep its
//! shape: no page left inside an element a note opened, the page's footer
//! and scripts children of `<body>` when parsed as a browser parses it
//! (html5ever), and the feed and sitemap well-formed XML.
//!
//! Input: see `gongbu::fuzz::build_input`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scraper::{Html, Selector};

/// The footer and both scripts are children of `<body>`.
fn frame_in_body(doc: &Html) -> bool {
    let one = |css: &str| Selector::parse(css).map_or(0, |s| doc.select(&s).count()) == 1;
    one("body > footer.site-footer")
        && one("body > script[src$=\"assets/gongbu.js\"]")
        && one("body > script[src$=\"assets/search.js\"]")
}

fuzz_target!(|data: &[u8]| {
    let outcome = gongbu::fuzz::build_input(data);
    let swallowed = outcome.swallowed_pages();
    assert!(swallowed.is_empty(), "page swallowed: {swallowed:?}");
    for (rel, bytes) in &outcome.files {
        let text = String::from_utf8_lossy(bytes);
        if rel.ends_with(".html") && text.contains("site-footer") {
            let doc = Html::parse_document(&text);
            assert!(frame_in_body(&doc), "{rel}: the page's frame left <body>");
        }
    }
    for xml in ["atom.xml", "sitemap.xml"] {
        if let Some(bytes) = outcome.files.get(xml) {
            let text = std::str::from_utf8(bytes).expect("XML is UTF-8");
            if let Err(e) = roxmltree::Document::parse(text) {
                panic!("{xml} is not well-formed: {e}\n{text}");
            }
        }
    }
});
