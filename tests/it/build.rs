//! `gongbu build`: titles, front matter, heading ids, highlighting, relative
//! URLs, feeds, determinism, safe output, encodings.

use crate::common::*;

#[test]
fn seeds_build_with_the_right_titles_and_metadata() {
    let f = Fixture::new();
    if seeds_into(&f).is_none() {
        return;
    }
    let report = f.build();
    assert_eq!(report.exit_code(), 0, "{:#?}", diagnostics(&report));
    // 004: title, author, date and category breadcrumb from front matter.
    let doc = f.html("004_09b56fabdb23dc24.html");
    assert_eq!(text(&doc, "h1.note-title"), "2026-02-08");
    assert_eq!(text(&doc, ".note-meta .author"), "김희수");
    assert_eq!(
        attrs(&doc, ".note-meta time", "datetime")[0],
        "2026-02-08T00:00:00+09:00"
    );
    assert_eq!(
        texts(&doc, ".breadcrumbs li"),
        vec!["분류", "TIL", "김희수", "2026", "02"]
    );
    // 001: title from its first raw <h1>.
    assert_eq!(
        text(&f.html("001_790d3016bd0bd629.html"), "h1.note-title"),
        "프로세스"
    );
    // 002: emoji heading kept as the title.
    let doc = f.html("002_7742b99b9122a2d7.html");
    assert_eq!(text(&doc, "h1.note-title"), "👻 Process vs Thread");
    assert!(attrs(&doc, "h2", "id").contains(&"-쓰레드-thread".to_string()));
    assert_eq!(
        text(&f.html("000_2f1ff3e4956592af.html"), "title"),
        "프로세스 vs 스레드 · 공부 노트"
    );
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}

/// The in-repo twin of the seed test above: our own real-shaped notes.
#[test]
fn real_notes_build_with_the_right_titles_and_metadata() {
    let f = Fixture::new();
    real_into(&f);
    let report = f.build();
    assert_eq!(report.exit_code(), 0, "{:#?}", diagnostics(&report));
    // Jekyll front matter: title, author, date, category breadcrumb.
    let doc = f.html(&page_of(REAL_TIL));
    assert_eq!(text(&doc, "h1.note-title"), "2026-03-02 TIL");
    assert_eq!(text(&doc, ".note-meta .author"), "박서연");
    assert_eq!(
        attrs(&doc, ".note-meta time", "datetime")[0],
        "2026-03-02T00:00:00+09:00"
    );
    assert_eq!(
        texts(&doc, ".breadcrumbs li"),
        vec!["분류", "TIL", "박서연", "2026", "03"]
    );
    // No front matter, a raw `<h1>` as the title, brackets in the name.
    assert_eq!(page_of(REAL_OS), "os-프로세스-정리.html");
    assert_eq!(
        text(&f.html(&page_of(REAL_OS)), "h1.note-title"),
        "프로세스"
    );
    // An emoji heading stays the title; emoji drop out of heading ids.
    let doc = f.html(&page_of(REAL_GHOST));
    assert_eq!(text(&doc, "h1.note-title"), "🧵 Thread 이야기");
    let ids = attrs(&doc, "h2", "id");
    assert!(ids.contains(&"-쓰레드-thread".to_string()), "{ids:?}");
    assert!(ids.contains(&"-쓰레드-동기화".to_string()), "{ids:?}");
    assert_eq!(
        text(&f.html(&page_of(REAL_GIL)), "title"),
        "파이썬에서 프로세스 vs 스레드 · 공부 노트"
    );
    // The box diagram stays a code block, its lines intact.
    let doc = f.html(&page_of(REAL_COMPARE));
    assert!(text(&doc, ".note-body pre").contains("│ 힙 (Heap) │"));
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}

#[test]
fn title_fallbacks() {
    let f = Fixture::new();
    f.note("a.md", "---\ntitle: 앞머리 제목\n---\n# 본문 제목\n")
        .note("b.md", "# 첫 제목\n\n본문\n\n# 둘째 제목\n")
        .note("c.md", "<h1>HTML 제목</h1>\n\n본문\n")
        .note("파일 이름.md", "제목 없는 본문\n")
        .note("e.md", "앞 문단\n\n# 나중 제목\n");
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    assert_eq!(text(&f.html("a.html"), "h1.note-title"), "앞머리 제목");
    let b = f.html("b.html");
    assert_eq!(text(&b, "h1.note-title"), "첫 제목");
    // The title block is not repeated in the body, later h1s stay.
    assert_eq!(texts(&b, ".note-body h1"), vec!["둘째 제목#"]);
    assert_eq!(text(&f.html("c.html"), "h1.note-title"), "HTML 제목");
    assert!(texts(&f.html("c.html"), ".note-body h1").is_empty());
    assert_eq!(
        text(&f.html("파일-이름.html"), "h1.note-title"),
        "파일 이름"
    );
    let e = f.html("e.html");
    assert_eq!(text(&e, "h1.note-title"), "나중 제목");
    assert_eq!(
        texts(&e, ".note-body h1").len(),
        1,
        "not the first block: kept in the body"
    );
}

#[test]
fn front_matter_forms() {
    let f = Fixture::new();
    f.note(
        "jekyll.md",
        "---\nlayout: post\ntitle: \"Jekyll 글\"\ncategories: TIL 2026\ntags: [운영체제, 면접]\npermalink: /old/jekyll/\nmood: 맑음\n---\n본문\n",
    )
    .note("path.md", "---\ntitle: 경로 분류\ncategory: TIL/김희수/2026/02\ntags: 프로세스, 스레드\n---\n본문\n")
    .note("os/sync/folder.md", "---\ntitle: 폴더 분류\n---\n본문\n");
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let j = f.html("jekyll.html");
    assert_eq!(texts(&j, ".breadcrumbs li"), vec!["분류", "TIL", "2026"]);
    assert_eq!(texts(&j, ".tags a"), vec!["#운영체제", "#면접"]);
    let p = f.html("path.html");
    assert_eq!(
        texts(&p, ".breadcrumbs li"),
        vec!["분류", "TIL", "김희수", "2026", "02"]
    );
    assert_eq!(texts(&p, ".tags a"), vec!["#프로세스", "#스레드"]);
    let folder = f.html("os/sync/folder.html");
    assert_eq!(
        texts(&folder, ".breadcrumbs li"),
        vec!["분류", "os", "sync"]
    );
    // Tag and category pages exist and list the notes.
    let tag = f.html("tags/운영체제.html");
    assert_eq!(texts(&tag, ".note-list .note-link"), vec!["Jekyll 글"]);
    let cat = f.html("categories/til/김희수/2026/02.html");
    assert_eq!(texts(&cat, ".note-list .note-link"), vec!["경로 분류"]);
}

#[test]
fn github_heading_ids_and_toc() {
    let f = Fixture::new();
    f.note(
        "h.md",
        "# 제목\n\n## 🧵 쓰레드, Thread\n\n## 💾 프로세스, Process\n\n### 장점\n\n### 장점\n\n## PCB (Process Control Block)\n\n## 비용 {#cost}\n",
    );
    assert_eq!(f.build().exit_code(), 0);
    let doc = f.html("h.html");
    assert_eq!(
        attrs(&doc, ".note-body h2, .note-body h3", "id"),
        vec![
            "-쓰레드-thread",
            "-프로세스-process",
            "장점",
            "장점-1",
            "pcb-process-control-block",
            "cost"
        ]
    );
    let toc = attrs(&doc, ".toc a", "href");
    assert_eq!(toc.len(), 6);
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}

#[test]
fn code_is_highlighted_with_classes() {
    let f = Fixture::new();
    f.note(
        "code.md",
        "```rust\nfn main() { let x = 1; }\n```\n\n```typescript\nconst a: number = 1;\n```\n\n```kotlin\nfun main() {}\n```\n\n```toml\n[a]\nb = 1\n```\n\n```dockerfile\nFROM rust\n```\n\n```nosuchlang\n<T> & 한글\n```\n\n```\n┌─┐ 상자\n```\n",
    );
    assert_eq!(f.build().exit_code(), 0);
    let doc = f.html("code.html");
    for lang in ["rust", "typescript", "kotlin", "toml", "dockerfile"] {
        let spans = doc
            .select(&sel(&format!("pre.code code.language-{lang} span")))
            .count();
        assert!(spans > 0, "{lang} should be highlighted");
    }
    let plain = doc
        .select(&sel("pre.code code.language-nosuchlang"))
        .next()
        .expect("block");
    assert_eq!(plain.text().collect::<String>(), "<T> & 한글\n");
    assert_eq!(plain.select(&sel("span")).count(), 0);
    assert!(texts(&doc, "pre.code code")
        .iter()
        .any(|t| t.contains("┌─┐ 상자")));
    let css = f.read("assets/highlight.css");
    assert!(css.contains(":root .hl-") && css.contains("prefers-color-scheme: dark"));
}

#[test]
fn every_url_is_relative_and_works_from_any_subpath() {
    let f = Fixture::new();
    f.note(
        "os/process/프로세스 vs 스레드.md",
        "---\ntitle: 비교\ntags: [운영체제]\n---\n# 비교\n\n[다른 노트](../other.md)\n",
    )
    .note("os/other.md", "# 다른 노트\n")
    .note("README.md", "# 홈\n\n소개\n");
    assert_eq!(f.build().exit_code(), 0);
    assert!(f.out().join("os/process/프로세스-vs-스레드.html").is_file());
    let dead = dead_links(&f.out());
    assert!(dead.is_empty(), "{dead:#?}");
    // Hangul in hrefs is percent-encoded.
    let home = f.html("index.html");
    let hrefs = attrs(&home, "a", "href");
    assert!(
        hrefs.iter().any(|h| h.contains("%ED%94%84%EB%A1%9C")),
        "{hrefs:#?}"
    );
    assert!(hrefs.iter().all(|h| !h.starts_with('/')));
}

#[test]
fn feed_sitemap_robots_404_nojekyll_cname() {
    let f = Fixture::new();
    f.config("title: 시험 <사이트>\nbase_url: https://user.github.io/notes\ncname: notes.example.com\n")
        .note("a.md", "---\ntitle: \"<script>alert(1)</script> 제목\"\ndate: 2026-01-02\ntags: [\"<b>태그</b>\"]\n---\n본문\n")
        .note("b.md", "---\ntitle: 둘\ndate: 2026-01-03\n---\n본문\n");
    assert_eq!(f.build().exit_code(), 0);
    let feed = f.read("atom.xml");
    let doc = roxmltree::Document::parse(&feed).expect("feed is well-formed XML");
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| {
            e.children()
                .find(|c| c.has_tag_name("title"))
                .and_then(|t| t.text())
        })
        .collect();
    assert_eq!(titles, vec!["둘", "<script>alert(1)</script> 제목"]);
    assert!(feed.contains("https://user.github.io/notes/a.html"));
    let sitemap = f.read("sitemap.xml");
    roxmltree::Document::parse(&sitemap).expect("sitemap is well-formed XML");
    assert!(sitemap.contains("<loc>https://user.github.io/notes/b.html</loc>"));
    assert!(f
        .read("robots.txt")
        .contains("Sitemap: https://user.github.io/notes/sitemap.xml"));
    assert!(f.out().join(".nojekyll").is_file());
    assert_eq!(f.read("CNAME"), "notes.example.com\n");
    assert!(text(&f.html("404.html"), "h1").contains("찾을 수 없습니다"));
    // The title is escaped in pages, not executed.
    let a = f.html("a.html");
    assert_eq!(text(&a, "h1.note-title"), "<script>alert(1)</script> 제목");
    assert!(a.select(&sel("main script")).next().is_none());
    // The canonical link uses base_url.
    assert_eq!(
        attrs(&a, "link[rel=canonical]", "href"),
        vec!["https://user.github.io/notes/a.html"]
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let f = Fixture::new();
    f.note(
        "a.md",
        "---\ntitle: 가\ndate: 2026-01-01\ntags: [x, y]\n---\n[[나]] 본문 ```code```\n",
    )
    .note("b/나.md", "# 나\n\n```python\nprint(1)\n```\n")
    .note("b/README.md", "# 폴더\n");
    let a = f.root().join("out-a");
    let b = f.root().join("out-b");
    assert_eq!(f.build_with(|o| o.out = Some(a.clone())).exit_code(), 0);
    assert_eq!(f.build_with(|o| o.out = Some(b.clone())).exit_code(), 0);
    let ta = tree(&a);
    assert!(ta.len() > 10);
    assert_eq!(ta, tree(&b));
}

#[test]
fn broken_yaml_fails_naming_file_and_line_and_keeps_the_previous_site() {
    let f = Fixture::new();
    f.note("good.md", "# 좋은 노트\n");
    assert_eq!(f.build().exit_code(), 0);
    let before = tree(&f.out());
    f.note(
        "bad.md",
        "---\ntitle: 나쁜 노트\ntags: [a, b\ndate: 2026-01-01\n---\n본문\n",
    );
    let out = f.cli(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("notes/bad.md:"), "{stderr}");
    assert!(stderr.contains("front matter"), "{stderr}");
    assert!(stderr.contains("오류 1개"), "{stderr}");
    assert_eq!(tree(&f.out()), before, "previous site untouched");
    // An impossible date is an error too, with its line.
    f.note(
        "bad.md",
        "---\ntitle: 나쁜 노트\ndate: 2026-13-45\n---\n본문\n",
    );
    let out = f.cli(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("notes/bad.md:3"));
    assert_eq!(tree(&f.out()), before);
}

#[test]
fn foreign_output_folder_is_left_untouched() {
    let f = Fixture::new();
    f.note("a.md", "# a\n");
    f.file("mine/keep.txt", b"precious");
    let out = f.cli(&["build", "--out", "mine"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gongbu가 만들지 않은 파일"));
    assert_eq!(
        std::fs::read(f.root().join("mine/keep.txt")).unwrap(),
        b"precious"
    );
    assert_eq!(std::fs::read_dir(f.root().join("mine")).unwrap().count(), 1);
    // --out equal to the root or inside notes/ is refused too.
    assert_eq!(f.cli(&["build", "--out", "."]).status.code(), Some(2));
    assert_eq!(
        f.cli(&["build", "--out", "notes/site"]).status.code(),
        Some(2)
    );
    assert!(!f.root().join("notes/site").exists());
}

#[test]
fn bom_crlf_euc_kr_and_nfd_inputs() {
    use unicode_normalization::UnicodeNormalization;
    let f = Fixture::new();
    f.file(
        "notes/bom.md",
        "\u{feff}---\r\ntitle: BOM 노트\r\n---\r\n# 본문\r\n\r\n[링크](crlf.md)\r\n".as_bytes(),
    );
    f.file(
        "notes/crlf.md",
        b"# CRLF \xEB\x85\xB8\xED\x8A\xB8\r\n\r\n- a\r\n- b\r\n",
    );
    let (euc, _, _) = encoding_rs::EUC_KR.encode("# 옛 인코딩 노트\n\n프로세스와 스레드\n");
    f.file("notes/euckr.md", &euc);
    let nfd_name: String = "한글 파일.md".nfd().collect();
    f.file(
        &format!("notes/{nfd_name}"),
        "# 자소 분리된 이름\n".nfd().collect::<String>().as_bytes(),
    );
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    assert_eq!(text(&f.html("bom.html"), "h1.note-title"), "BOM 노트");
    assert_eq!(text(&f.html("crlf.html"), "h1.note-title"), "CRLF 노트");
    assert_eq!(
        text(&f.html("euckr.html"), "h1.note-title"),
        "옛 인코딩 노트"
    );
    let warn = r
        .diagnostics
        .iter()
        .find(|d| d.code == "encoding")
        .expect("EUC-KR warning");
    assert_eq!(warn.path.as_deref(), Some("notes/euckr.md"));
    // NFD names and text come out NFC.
    let nfc_page = f.out().join("한글-파일.html");
    assert!(nfc_page.is_file());
    assert_eq!(
        text(&f.html("한글-파일.html"), "h1.note-title"),
        "자소 분리된 이름"
    );
    assert!(dead_links(&f.out()).is_empty());
}

#[test]
fn folder_readme_is_the_folder_page() {
    let f = Fixture::new();
    f.note("os/README.md", "# 운영체제\n\n이 폴더의 소개.\n")
        .note(
            "os/a.md",
            "---\ntitle: 노트 A\ndate: 2026-01-01\n---\n본문\n",
        )
        .note(
            "os/sub/b.md",
            "---\ntitle: 노트 B\ndate: 2026-01-02\n---\n본문\n",
        )
        .note("README.md", "# 환영합니다\n\n홈 소개 문단.\n");
    assert_eq!(f.build().exit_code(), 0);
    let os = f.html("os/index.html");
    assert_eq!(text(&os, "h1.note-title"), "운영체제");
    assert_eq!(
        texts(&os, ".folder-notes .note-link"),
        vec!["노트 B", "노트 A"]
    );
    let home = f.html("index.html");
    assert!(text(&home, ".home-intro").contains("홈 소개 문단"));
    assert_eq!(texts(&home, ".recent .note-link"), vec!["노트 B", "노트 A"]);
}

#[test]
fn new_creates_a_note_with_front_matter() {
    let f = Fixture::new();
    let out = f.cli(&["new", "컨텍스트 스위칭", "--category", "os/process"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = f.root().join("notes/os/process/컨텍스트-스위칭.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("---\ntitle: 컨텍스트 스위칭\ndate: "),
        "{text}"
    );
    assert!(text.contains("category: os/process"));
    // Never overwrites.
    assert_eq!(
        f.cli(&["new", "컨텍스트 스위칭", "--category", "os/process"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(f.build().exit_code(), 0);
}

#[test]
fn check_writes_nothing() {
    let f = Fixture::new();
    f.note("a.md", "# a\n\n[없는 노트](nope.md)\n");
    let out = f.cli(&["check"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("notes/a.md:3:1"));
    assert!(!f.out().exists());
    let strict = f.cli(&["check", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(!f.out().exists());
    let names: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 1, "only notes/: {names:?}");
}

#[test]
fn missing_notes_folder_is_a_usage_error() {
    let f = Fixture::new();
    std::fs::remove_dir_all(f.root().join("notes")).unwrap();
    let out = f.cli(&["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("노트 폴더"));
    let out = f.cli(&["build", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_config_is_a_usage_error_with_a_line() {
    let f = Fixture::new();
    f.note("a.md", "# a\n").config("title: x\ntitel: y\n");
    let out = f.cli(&["build"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("gongbu.yaml:2"), "{stderr}");
}
