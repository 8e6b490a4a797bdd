//! Runs `tests/spec/dialect.md`, gongbu's markdown dialect written as
//! examples (CommonMark's spec.txt format): every example becomes a note of
//! one site, beside the spec's `note` blocks, and its body HTML must match.
//! `GONGBU_BLESS=1` rewrites the expected HTML with what gongbu renders.

use std::path::PathBuf;

use crate::common::*;

const FENCE: &str = "````````````````````````````````";

/// One `example` block: its number, the spec line it starts on, and where
/// its expected HTML sits in the file's lines.
struct Example {
    number: usize,
    line: usize,
    markdown: String,
    expected: String,
    expected_lines: std::ops::Range<usize>,
}

struct Spec {
    lines: Vec<String>,
    notes: Vec<(String, String)>,
    examples: Vec<Example>,
}

fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/spec/dialect.md")
}

fn parse(text: &str) -> Spec {
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut notes = Vec::new();
    let mut examples = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].strip_prefix(FENCE) else {
            i += 1;
            continue;
        };
        let info = info.trim().to_string();
        let start = i;
        let end = (i + 1..lines.len())
            .find(|&j| lines[j] == FENCE)
            .unwrap_or_else(|| panic!("dialect.md:{}: block never closed", start + 1));
        let body = &lines[start + 1..end];
        if let Some(path) = info.strip_prefix("note ") {
            notes.push((path.trim().to_string(), join(body)));
        } else if info == "example" {
            let dot = body
                .iter()
                .position(|l| l == ".")
                .unwrap_or_else(|| panic!("dialect.md:{}: example without `.`", start + 1));
            examples.push(Example {
                number: examples.len() + 1,
                line: start + 1,
                markdown: join(&body[..dot]),
                expected: join(&body[dot + 1..]),
                expected_lines: start + 2 + dot..end,
            });
        } else {
            panic!("dialect.md:{}: unknown block `{info}`", start + 1);
        }
        i = end + 1;
    }
    Spec {
        lines,
        notes,
        examples,
    }
}

fn join(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn dialect_spec() {
    let path = spec_path();
    let text = std::fs::read_to_string(&path).expect("tests/spec/dialect.md");
    let spec = parse(&text);
    assert!(
        spec.examples.len() >= 15,
        "{} examples",
        spec.examples.len()
    );
    let f = Fixture::new();
    for (rel, text) in &spec.notes {
        f.note(rel, text);
    }
    let name = |e: &Example| format!("예제-{}.md", e.number);
    for e in &spec.examples {
        f.note(&name(e), &e.markdown);
    }
    let bodies = bodies(&f);
    let mut failures = Vec::new();
    let mut blessed = spec.lines.clone();
    // Replace from the end so earlier line numbers stay right.
    for e in spec.examples.iter().rev() {
        let got = bodies
            .get(&name(e))
            .unwrap_or_else(|| panic!("example {} was not rendered", e.number));
        if got.trim_end() != e.expected.trim_end() {
            failures.push(format!(
                "example {} (dialect.md:{}):\n--- markdown\n{}--- expected\n{}--- got\n{}",
                e.number, e.line, e.markdown, e.expected, got
            ));
            blessed.splice(
                e.expected_lines.clone(),
                got.trim_end().lines().map(str::to_string),
            );
        }
    }
    if failures.is_empty() {
        return;
    }
    if std::env::var_os("GONGBU_BLESS").is_some() {
        std::fs::write(&path, join(&blessed)).expect("write dialect.md");
        eprintln!("rewrote {} examples of {}", failures.len(), path.display());
        return;
    }
    failures.reverse();
    panic!(
        "{} of {} examples differ (GONGBU_BLESS=1 rewrites them):\n\n{}",
        failures.len(),
        spec.examples.len(),
        failures.join("\n")
    );
}
