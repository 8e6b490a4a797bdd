//! The whole note pipeline on arbitrary bytes: decode → front matter →
//! markdown facts → site index (links, backlinks, glossary, comparisons) →
//! every page rendered. Besides not panicking, the output must keep its
//! shape: no page left inside an element a note opened, and the feed and
//! sitemap well-formed XML.
//!
//! Input: see `gongbu::fuzz::build_input`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let outcome = gongbu::fuzz::build_input(data);
    let swallowed = outcome.swallowed_pages();
    assert!(swallowed.is_empty(), "page swallowed: {swallowed:?}");
    for xml in ["atom.xml", "sitemap.xml"] {
        if let Some(bytes) = outcome.files.get(xml) {
            let text = std::str::from_utf8(bytes).expect("XML is UTF-8");
            if let Err(e) = roxmltree::Document::parse(text) {
                panic!("{xml} is not well-formed: {e}\n{text}");
            }
        }
    }
});
