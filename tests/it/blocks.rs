//! Math, callouts, code blocks, Mermaid diagrams, comments and analytics on
//! fixture sites: the HTML they become, the warnings they give, and what a
//! site without settings asks of other hosts (nothing).

use crate::common::{attrs, diagnostics, sel, text, texts, Fixture};

/// The expressions of `tests/fixtures/math/exprs.txt`; lines starting
/// with `!` are expected to fail (shown as source with a warning).
fn expressions() -> Vec<(bool, String)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/math/exprs.txt"
    ))
    .expect("exprs.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| match l.strip_prefix('!') {
            Some(rest) => (false, rest.to_string()),
            None => (true, l.to_string()),
        })
        .collect()
}

#[test]
fn every_listed_cs_expression_becomes_mathml() {
    let exprs = expressions();
    assert!(exprs.len() >= 100, "{}", exprs.len());
    let f = Fixture::new();
    let mut body = String::from("# 수식 모음\n\n");
    for (_, e) in &exprs {
        body.push_str(&format!("$${e}$$\n\n"));
    }
    f.note("수식 모음.md", &body);
    let report = f.build();
    let doc = f.html("수식-모음.html");
    let converted = doc
        .select(&sel(".note-body span.math-display > math"))
        .count();
    let failed = texts(&doc, ".note-body code.math-error");
    let expected_failures: Vec<&String> =
        exprs.iter().filter(|(ok, _)| !ok).map(|(_, e)| e).collect();
    assert_eq!(
        converted,
        exprs.len() - expected_failures.len(),
        "failed: {failed:#?}"
    );
    assert_eq!(failed.len(), expected_failures.len(), "{failed:#?}");
    let warnings = diagnostics(&report);
    assert_eq!(
        warnings.iter().filter(|w| w.contains("수식")).count(),
        expected_failures.len(),
        "{warnings:#?}"
    );
}

#[test]
fn inline_display_and_fenced_math_and_dollar_amounts() {
    let f = Fixture::new();
    f.note(
        "알고리즘/정렬 (복습).md",
        "퀵 정렬은 평균 $O(n \\log n)$, 최악 $O(n^2)$이다.\n\n\
         점화식은\n\n$$\nT(n) = 2T(n/2) + O(n)\n$$\n\n\
         ```math\n\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}\n```\n\n\
         책값은 $5와 $10 사이였고, 배송비 $3은 따로.\n",
    );
    let report = f.build();
    assert!(
        diagnostics(&report).is_empty(),
        "{:?}",
        diagnostics(&report)
    );
    let doc = f.html("알고리즘/정렬-복습.html");
    assert_eq!(
        doc.select(&sel(".note-body span.math-inline > math"))
            .count(),
        2
    );
    assert_eq!(
        attrs(&doc, ".note-body span.math-display > math", "display"),
        vec!["block", "block"]
    );
    assert_eq!(
        doc.select(&sel(".note-body p.math-block math mfrac"))
            .count(),
        1
    );
    let para = texts(&doc, ".note-body p").join("\n");
    assert!(
        para.contains("책값은 $5와 $10 사이였고, 배송비 $3은 따로."),
        "{para}"
    );
    // No script is needed for math.
    assert!(!f.read("알고리즘/정렬-복습.html").contains("note.js"));
}

#[test]
fn an_expression_that_cannot_convert_keeps_its_source_and_warns_with_a_place() {
    let f = Fixture::new();
    f.note(
        "메모리.md",
        "---\ntitle: 메모리\n---\n# 메모리\n\n유효 접근 시간: $\\text{EAT} = \\frac{1}{\\nosuchcmd}$ 이다.\n",
    );
    let report = f.build();
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "math")
        .unwrap_or_else(|| panic!("{:?}", diagnostics(&report)));
    assert!(!d.is_error());
    assert_eq!(d.path.as_deref(), Some("notes/메모리.md"));
    assert_eq!(d.line, 6);
    let line = "유효 접근 시간: $\\text{EAT} = \\frac{1}{";
    assert_eq!(d.col, line.chars().count() + 1, "{d:?}");
    assert_eq!(report.exit_code(), 0);
    let doc = f.html("메모리.html");
    assert_eq!(
        text(&doc, ".note-body code.math-error"),
        "$\\text{EAT} = \\frac{1}{\\nosuchcmd}$"
    );
}

#[test]
fn github_alerts_and_obsidian_callouts() {
    let f = Fixture::new();
    f.note(
        "스케줄링.md",
        "# 스케줄링\n\n\
         > [!NOTE]\n> 선점형과 비선점형을 구분하자.\n\n\
         > [!TIP]\n> 팁\n\n> [!IMPORTANT]\n> 중요\n\n> [!WARNING]\n> 주의\n\n> [!CAUTION]\n> 경고\n\n\
         > [!summary] 한 줄 요약 (**RR**)\n> 시간 할당량이 핵심이다.\n\n\
         > [!faq]- 기아 상태란?\n> 우선순위가 낮은 프로세스가 계속 밀리는 것.\n\n\
         > [!example]+\n> 펼쳐진 예시\n\n\
         > [!bug]\n> 제목 없는 버그\n\n\
         > 평범한 인용문 [!tip] 은 그대로.\n",
    );
    f.build();
    let doc = f.html("스케줄링.html");
    assert_eq!(
        texts(&doc, ".note-body .markdown-alert .callout-title"),
        vec!["참고", "팁", "중요", "주의", "경고"]
    );
    assert_eq!(
        attrs(&doc, ".note-body .callout", "data-callout"),
        vec![
            "note",
            "tip",
            "important",
            "warning",
            "caution",
            "summary",
            "faq",
            "example",
            "bug"
        ]
    );
    assert_eq!(
        doc.select(&sel(".note-body .callout svg.callout-icon"))
            .count(),
        9
    );
    assert_eq!(
        texts(&doc, ".note-body div.callout-abstract > .callout-title"),
        vec!["한 줄 요약 (RR)"]
    );
    assert_eq!(
        texts(&doc, ".note-body div.callout-abstract .callout-body"),
        vec!["시간 할당량이 핵심이다."]
    );
    // Folding: a <details>, closed with `-`, open with `+`.
    let folded: Vec<_> = doc.select(&sel(".note-body details.callout")).collect();
    assert_eq!(folded.len(), 2);
    assert_eq!(folded[0].value().attr("open"), None);
    assert_eq!(
        text(&doc, "details.callout-question > summary"),
        "기아 상태란?"
    );
    assert!(folded[1].value().attr("open").is_some());
    assert_eq!(text(&doc, "details.callout-example > summary"), "예시");
    assert_eq!(text(&doc, ".callout-bug .callout-title"), "버그");
    assert_eq!(
        texts(&doc, ".note-body blockquote"),
        vec!["평범한 인용문 [!tip] 은 그대로."]
    );
}

#[test]
fn fence_info_titles_line_numbers_highlights_and_diff() {
    let f = Fixture::new();
    f.note(
        "코드.md",
        "# 코드\n\n\
         ```c title=\"fork 예제.c\" {2-3} linenos\n#include <unistd.h>\nint main(void) {\n    fork();\n}\n```\n\n\
         ```python:sched.py\nprint('rr')\n```\n\n\
         ```java hl_lines=\"1\"\nclass A {}\n```\n\n\
         ```diff\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-int x = 0;\n+int x = 1;\n```\n\n\
         ```\n┌──────┐\n│ 커널 │\n└──────┘\n```\n\n\
         ```rust\nfn main() {}\n```\n",
    );
    f.build();
    let doc = f.html("코드.html");
    assert_eq!(
        texts(&doc, ".note-body figure.code-block > figcaption.code-title"),
        vec!["fork 예제.c", "sched.py"]
    );
    let numbered: Vec<_> = doc.select(&sel("figure.code-block.linenos")).collect();
    assert_eq!(numbered.len(), 1);
    assert_eq!(doc.select(&sel("figure.linenos .line")).count(), 4);
    assert_eq!(
        texts(&doc, "figure.linenos .line.hl"),
        vec!["int main(void) {", "fork();"]
    );
    assert_eq!(texts(&doc, ".note-body .line.hl").len(), 3);
    assert_eq!(texts(&doc, "figure.diff .line.add"), vec!["+int x = 1;"]);
    assert_eq!(texts(&doc, "figure.diff .line.del"), vec!["-int x = 0;"]);
    assert_eq!(doc.select(&sel("figure.diff .line.meta")).count(), 2);
    // The code's text is unchanged by the wrapping (what the copy button copies).
    let code: String = doc
        .select(&sel("figure.linenos code"))
        .next()
        .map(|c| c.text().collect())
        .unwrap_or_default();
    assert_eq!(
        code,
        "#include <unistd.h>\nint main(void) {\n    fork();\n}\n"
    );
    // Box drawing keeps its columns; a plain fence keeps its plain markup.
    assert_eq!(doc.select(&sel(".note-body pre.code.aligned")).count(), 1);
    let html = f.read("코드.html");
    assert!(html.contains(
        "<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\"><span class=\"hl-source hl-rust\">"
    ));
    // Pages with code load the copy button's script, only them.
    assert!(html.contains("assets/note.js"));
    assert!(f.out().join("assets/note.js").is_file());
    assert!(!f.read("index.html").contains("note.js"));
    // The home page's introduction (the root README) too.
    f.note("README.md", "# 홈\n\n```sh\ngongbu build\n```\n");
    f.build();
    assert!(f
        .read("index.html")
        .contains("<script src=\"assets/note.js\" defer>"));
}

#[test]
fn mermaid_is_escaped_source_and_the_script_only_where_needed() {
    let f = Fixture::new();
    f.note(
        "os/프로세스 상태.md",
        "# 프로세스 상태\n\n```mermaid\nstateDiagram-v2\n  준비 --> 실행: 디스패치\n  실행 --> 대기: I/O <요청>\n```\n",
    );
    f.note("os/그냥 노트.md", "# 그냥\n\n코드 없음.\n");
    f.build();
    let doc = f.html("os/프로세스-상태.html");
    assert_eq!(doc.select(&sel(".note-body pre.mermaid")).count(), 1);
    let html = f.read("os/프로세스-상태.html");
    assert!(
        html.contains("실행 --&gt; 대기: I/O &lt;요청&gt;"),
        "{html}"
    );
    assert_eq!(
        attrs(&doc, "script[src*=mermaid]", "src"),
        vec!["../assets/mermaid/mermaid.min.js"]
    );
    let plain = f.read("os/그냥-노트.html");
    assert!(!plain.contains("mermaid") && !plain.contains("note.js"));
    assert!(f.out().join("assets/mermaid/mermaid.min.js").is_file());
    assert!(f.out().join("assets/mermaid/LICENSE").is_file());

    // A site without diagrams does not carry the script.
    let g = Fixture::new();
    g.note("a.md", "# a\n");
    g.build();
    assert!(!g.out().join("assets/mermaid").exists());
}

/// Hosts of external `src`/`href` on scripts, iframes, links and images.
fn external_hosts(site: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for e in walkdir::WalkDir::new(site).into_iter().flatten() {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(p).unwrap_or_default());
        for (selector, attr) in [
            ("script[src]", "src"),
            ("iframe[src]", "src"),
            ("link[href]", "href"),
            ("img[src]", "src"),
            ("[data-src]", "data-src"),
        ] {
            for v in attrs(&doc, selector, attr) {
                if v.starts_with("http:") || v.starts_with("https:") || v.starts_with("//") {
                    found.push(format!("{}: {v}", p.display()));
                }
            }
        }
        // No inline script loads anything from elsewhere either.
        // (JSON-LD is data, not a script: its schema.org URL loads nothing.)
        for s in texts(&doc, "script:not([src]):not([type='application/ld+json'])") {
            assert!(!s.contains("http"), "{}: {s}", p.display());
        }
    }
    found
}

#[test]
fn without_settings_no_page_asks_another_host() {
    let f = Fixture::new();
    f.note(
        "모든 기능.md",
        "# 모든 기능\n\n$x^2$\n\n> [!TIP]\n> 팁\n\n```mermaid\ngraph LR\nA-->B\n```\n\n```rust title=\"a.rs\"\nfn a() {}\n```\n",
    );
    f.build();
    let hosts = external_hosts(&f.out());
    assert!(hosts.is_empty(), "{hosts:#?}");

    // The sample notes of this repository, built as they are.
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("tempdir");
    let mut o = gongbu::BuildOptions::new(repo);
    o.out = Some(out.path().join("site"));
    o.no_cache = true;
    let report = gongbu::build(&o, gongbu::Mode::Build);
    assert_eq!(report.exit_code(), 0, "{:?}", diagnostics(&report));
    let hosts = external_hosts(&out.path().join("site"));
    assert!(hosts.is_empty(), "{hosts:#?}");
}

#[test]
fn comments_and_analytics_come_from_settings() {
    let f = Fixture::new();
    f.config(
        "comments:\n  giscus:\n    repo: jiwoo/os-notes\n    repo_id: R_abc\n    category: 댓글\n    category_id: DIC_x\n\
         analytics:\n  goatcounter: jiwoo\n",
    );
    f.note("노트.md", "# 노트\n\n본문\n");
    f.note(
        "조용한 노트.md",
        "---\ncomments: false\n---\n# 조용한 노트\n",
    );
    let report = f.build();
    assert_eq!(report.exit_code(), 0, "{:?}", diagnostics(&report));
    let doc = f.html("노트.html");
    assert_eq!(
        attrs(&doc, "section.comments", "data-comments"),
        vec!["giscus"]
    );
    assert_eq!(
        attrs(&doc, "section.comments", "data-repo"),
        vec!["jiwoo/os-notes"]
    );
    assert_eq!(
        attrs(&doc, "section.comments", "data-category"),
        vec!["댓글"]
    );
    // Loaded lazily by note.js, not by a script tag in the page.
    assert!(attrs(&doc, "script[src]", "src")
        .iter()
        .all(|s| !s.contains("giscus")));
    assert!(attrs(&doc, "script[src]", "src")
        .iter()
        .any(|s| s.ends_with("assets/note.js")));
    assert_eq!(
        attrs(&doc, "script[data-goatcounter]", "data-goatcounter"),
        vec!["https://jiwoo.goatcounter.com/count"]
    );
    let quiet = f.html("조용한-노트.html");
    assert_eq!(quiet.select(&sel("section.comments")).count(), 0);
    // Analytics is on every page, the home page too.
    assert_eq!(
        f.html("index.html")
            .select(&sel("script[data-goatcounter]"))
            .count(),
        1
    );

    let u = Fixture::new();
    u.config("comments:\n  utterances:\n    repo: jiwoo/os-notes\n    label: 💬 댓글\nanalytics:\n  plausible: jiwoo.github.io\n  google: G-ABC123\n");
    u.note("노트.md", "# 노트\n");
    u.build();
    let doc = u.html("노트.html");
    assert_eq!(
        attrs(&doc, "section.comments", "data-comments"),
        vec!["utterances"]
    );
    assert_eq!(
        attrs(&doc, "section.comments", "data-issue-term"),
        vec!["pathname"]
    );
    assert_eq!(
        attrs(&doc, "script[data-domain]", "data-domain"),
        vec!["jiwoo.github.io"]
    );
    assert!(u.read("노트.html").contains("gtag('config','G-ABC123')"));

    // A misspelt key is a config error.
    let bad = Fixture::new();
    bad.config("comments:\n  giscuss:\n    repo: a/b\n");
    bad.note("a.md", "# a\n");
    assert_eq!(bad.build().exit_code(), 2);
}
