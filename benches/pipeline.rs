//! Benchmarks of the hot functions of a build, on the repository's sample
//! notes (`notes/`): a note's markdown to HTML with every pass, highlighting
//! one code block, glossary autolinking of one paragraph, and building the
//! search index over N notes. Whole builds are measured by
//! `scripts/bench.sh`.
//!
//! `cargo bench --bench pipeline`

use std::sync::OnceLock;

use divan::{black_box, Bencher};
use gongbu::internals as gi;
use gongbu::{BuildOptions, Site};
use pulldown_cmark::{Event, Parser};

fn main() {
    divan::main();
}

/// The repository's sample site, loaded once.
fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let opts = BuildOptions::new(env!("CARGO_MANIFEST_DIR"));
        let (site, _) = gongbu::load_site(&opts, &mut Vec::new());
        site.expect("the sample notes load")
    })
}

/// The longest sample note (most code blocks, links and terms).
fn longest_note() -> usize {
    gi::longest_note(site()).expect("sample notes exist")
}

#[divan::bench]
fn note_markdown_to_html(bencher: Bencher) {
    let id = longest_note();
    gi::warm_up();
    bencher.bench(|| gi::note_html(site(), black_box(id)));
}

const RUST_BLOCK: &str = r#"use std::collections::HashMap;

/// 단어 수를 셉니다.
fn count_words(text: &str) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    for word in text.split_whitespace() {
        *counts.entry(word).or_insert(0) += 1;
    }
    counts
}

fn main() {
    let counts = count_words("프로세스 스레드 프로세스");
    println!("{:?}", counts.get("프로세스"));
}
"#;

/// The same block every time: after the first iteration the per-thread
/// line memo answers every line (the best case).
#[divan::bench]
fn highlight_code_block_repeated(bencher: Bencher) {
    gi::warm_up();
    bencher.bench(|| gi::code_block_html(black_box(RUST_BLOCK), "rust"));
}

/// A block whose every line is new (the memo never hits: the worst case).
#[divan::bench]
fn highlight_code_block_unique(bencher: Bencher) {
    gi::warm_up();
    let n = std::sync::atomic::AtomicU64::new(0);
    bencher
        .with_inputs(|| {
            let n = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            RUST_BLOCK
                .lines()
                .map(|l| format!("{l} // {n}\n"))
                .collect::<String>()
        })
        .bench_refs(|code| gi::code_block_html(code, "rust"));
}

/// A paragraph naming several glossary terms of the sample site.
fn paragraph() -> String {
    let mut text = String::from("운영체제에서 ");
    for term in gi::term_names(site(), 8) {
        text.push_str(&term);
        text.push_str("는 중요한 개념이고, 다시 ");
    }
    text.push_str("정리하면 끝입니다.");
    text
}

#[divan::bench]
fn glossary_autolink_paragraph(bencher: Bencher) {
    let text = paragraph();
    bencher.bench(|| {
        let events: Vec<Event<'_>> = Parser::new(&text).collect();
        gi::autolink(site(), events, "os/note.html")
    });
}

/// The search index over N notes (the sample notes repeated).
#[divan::bench(args = [100, 1000])]
fn search_index_build(bencher: Bencher, n: usize) {
    let notes = gi::repeated_notes(site(), n);
    bencher.bench(|| gi::search_index_of(site(), black_box(&notes)));
}
