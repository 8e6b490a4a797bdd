//! The default theme's pages: language, description and Open Graph meta,
//! skip link, table of contents, reading time, category listings, plain
//! blocks laid out in columns, the highlighting stylesheet, the Pages
//! workflow. The same pages in a real browser: `tests/browser/`.

use crate::common::*;

fn long_note() -> String {
    let mut s = String::from(
        "---\ntitle: 프로세스 vs 스레드\ndate: 2026-09-15\ncategory: os/process\ntags: [프로세스]\n\
         description: 둘의 차이를 항목별로 정리한다.\n---\n\n첫 문단입니다.\n\n",
    );
    for h in ["메모리", "생성 비용", "컨텍스트 스위칭", "안정성"] {
        s.push_str(&format!("## {h}\n\n"));
        s.push_str(&"프로세스는 자기만의 주소 공간을 가진다. ".repeat(40));
        s.push_str("\n\n");
    }
    s.push_str("```\n┌──────┐\n│ 스택 │ → 각자\n└──────┘\n```\n\n```rust\n// 한글 주석\nfn main() {}\n```\n");
    s
}

#[test]
fn pages_are_korean_and_describe_themselves() {
    let f = Fixture::new();
    f.config("title: 공부 노트\ndescription: 운영체제 공부 기록\nbase_url: https://me.github.io/notes/\n")
        .note("os/process/vs.md", &long_note());
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("os/process/vs.html");
    assert_eq!(attrs(&doc, "html", "lang"), vec!["ko"]);
    assert_eq!(
        attrs(&doc, "meta[name=description]", "content"),
        vec!["둘의 차이를 항목별로 정리한다."]
    );
    assert_eq!(
        attrs(&doc, "meta[property='og:description']", "content"),
        vec!["둘의 차이를 항목별로 정리한다."]
    );
    assert_eq!(
        attrs(&doc, "meta[property='og:type']", "content"),
        vec!["article"]
    );
    assert_eq!(
        attrs(&doc, "meta[property='og:url']", "content"),
        vec!["https://me.github.io/notes/os/process/vs.html"]
    );
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        vec!["https://me.github.io/notes/os/process/vs.html"]
    );
    // A listing page describes itself with the site's description.
    let home = f.html("index.html");
    assert_eq!(
        attrs(&home, "meta[name=description]", "content"),
        vec!["운영체제 공부 기록"]
    );
    assert_eq!(
        attrs(&home, "meta[property='og:type']", "content"),
        vec!["website"]
    );
    // Skip link first, pointing at the focusable main.
    assert_eq!(attrs(&doc, "body > a.skip-link", "href"), vec!["#main"]);
    assert_eq!(attrs(&doc, "main#main", "tabindex"), vec!["-1"]);
    // Scripts enhance: the page marks itself `no-js` until one runs.
    assert_eq!(attrs(&doc, "html", "class"), vec!["no-js"]);
    // Every theme URL is relative.
    assert_eq!(
        attrs(&doc, "link[rel=stylesheet]", "href"),
        vec!["../../assets/gongbu.css", "../../assets/highlight.css"]
    );
    assert!(f.out().join("assets/favicon.svg").is_file());
}

#[test]
fn a_long_note_has_a_toc_reading_time_and_breadcrumbs() {
    let f = Fixture::new();
    f.note("os/process/vs.md", &long_note())
        .note("short.md", "# 짧은 노트\n\n한 줄.\n");
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("os/process/vs.html");
    assert_eq!(
        texts(&doc, ".toc li a"),
        vec!["메모리", "생성 비용", "컨텍스트 스위칭", "안정성"]
    );
    assert_eq!(text(&doc, ".toc summary"), "목차");
    assert_eq!(
        texts(&doc, ".breadcrumbs li"),
        vec!["분류", "os", "process"]
    );
    // Counted in characters (about 2,900 Hangul at 500 a minute), not in
    // words (about 800, which would make it 3 or 4 minutes).
    let minutes = text(&doc, ".note-meta .reading-time");
    let n: usize = minutes
        .strip_suffix("분 분량")
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    assert!((5..=8).contains(&n), "{minutes}");
    assert_eq!(text(&doc, ".note-meta time"), "2026년 9월 15일");
    // A short note has no table of contents.
    let short = f.html("short.html");
    assert!(texts(&short, ".toc").is_empty());
    assert_eq!(text(&short, ".note-meta .reading-time"), "1분 분량");
}

#[test]
fn plain_blocks_are_laid_out_in_columns_and_code_is_highlighted() {
    let f = Fixture::new();
    f.note("vs.md", &long_note());
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("vs.html");
    assert_eq!(
        texts(&doc, "pre.code.aligned .w2"),
        vec!["스", "택", "각", "자"]
    );
    assert_eq!(texts(&doc, "pre.code.aligned .w1"), vec!["→"]);
    assert_eq!(
        text(&doc, "pre.code.aligned"),
        "┌──────┐ │ 스택 │ → 각자 └──────┘"
    );
    // Highlighted code keeps its Hangul comment as text, in the coding font.
    assert!(texts(&doc, "pre.code[data-lang=rust] .w2").is_empty());
    assert!(texts(&doc, "pre.code[data-lang=rust]")[0].contains("// 한글 주석"));
    let css = f.read("assets/highlight.css");
    assert!(css.contains(":root[data-theme=\"dark\"] .hl-"));
    assert!(css.contains(":root[data-theme=\"light\"] .hl-"));
}

#[test]
fn a_category_lists_the_notes_of_its_sub_categories() {
    let f = Fixture::new();
    f.note(
        "a.md",
        "---\ntitle: 메모리 노트\ncategory: os/memory\ndate: 2026-10-01\n---\n본문\n",
    )
    .note(
        "b.md",
        "---\ntitle: 프로세스 노트\ncategory: os/process\ndate: 2026-10-02\n---\n본문\n",
    )
    .note(
        "c.md",
        "---\ntitle: 운영체제 노트\ncategory: os\ndate: 2026-09-01\n---\n본문\n",
    );
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let os = f.html("categories/os.html");
    assert_eq!(texts(&os, ".category-tree a"), vec!["memory", "process"]);
    assert_eq!(
        texts(&os, "section[aria-labelledby=notes-here-title] .note-link"),
        vec!["운영체제 노트"]
    );
    // Newest first.
    assert_eq!(
        texts(&os, "section[aria-labelledby=notes-below-title] .note-link"),
        vec!["프로세스 노트", "메모리 노트"]
    );
    // A leaf lists only its own notes; the root lists the tree only.
    let leaf = f.html("categories/os/memory.html");
    assert_eq!(texts(&leaf, ".note-list .note-link"), vec!["메모리 노트"]);
    let root = f.html("categories/index.html");
    assert!(texts(&root, ".note-list .note-link").is_empty());
}

#[test]
fn the_home_page_has_a_heading_when_the_readme_has_none() {
    let f = Fixture::new();
    f.note(
        "README.md",
        "---\ntitle: 나의 공부 노트\n---\n\n안녕하세요.\n",
    )
    .note("a.md", "# 노트\n\n본문\n");
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let home = f.html("index.html");
    assert_eq!(texts(&home, "main h1"), vec!["나의 공부 노트"]);
}

#[test]
fn the_pages_workflow_builds_with_the_pages_url_and_deploys() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/pages.yml"),
    )
    .expect("workflow");
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).expect("valid YAML");
    let build = &yaml["jobs"]["build"]["steps"];
    let steps: Vec<String> = build
        .as_sequence()
        .expect("steps")
        .iter()
        .map(|s| {
            s["uses"]
                .as_str()
                .or_else(|| s["run"].as_str())
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert!(steps.iter().any(|s| s.starts_with("actions/checkout@")));
    // The binary is compiled only when its sources changed, else restored
    // from the cache keyed by Cargo.lock and the sources.
    assert!(steps.iter().any(|s| s.starts_with("actions/cache@")));
    assert!(text.contains("hashFiles('Cargo.lock'") && text.contains("'src/**'"));
    assert!(steps
        .iter()
        .any(|s| s.contains("cargo build --release --locked")));
    assert!(steps
        .iter()
        .any(|s| s.contains(".gongbu-bin/gongbu build") && s.contains("--base-url")));
    assert!(steps
        .iter()
        .any(|s| s.starts_with("actions/upload-pages-artifact@")));
    let deploy = yaml["jobs"]["deploy"]["steps"][0]["uses"]
        .as_str()
        .unwrap_or("");
    assert!(deploy.starts_with("actions/deploy-pages@"), "{deploy}");
    assert_eq!(yaml["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(yaml["permissions"]["id-token"].as_str(), Some("write"));
    assert!(text.contains("github.io"));
}
