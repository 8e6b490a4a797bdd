//! Snapshot tests (insta) of the markdown → HTML passes, one per feature:
//! a small site of real-looking notes, and the body HTML of one note as
//! the passes leave it (`render::markdown::note_body_html`). The
//! snapshots live in `tests/snapshots/`; a change shows as a diff to
//! review (`cargo insta review`, or `INSTA_UPDATE=always` and `git diff`).

use crate::common::*;

/// Asserts `value` against `tests/snapshots/<name>.snap`.
fn snap(name: &str, value: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, value));
}

/// The body HTML of note `rel` in the fixture's site.
fn body(f: &Fixture, rel: &str) -> String {
    bodies(f)
        .remove(rel)
        .unwrap_or_else(|| panic!("no note {rel}"))
}

/// The raw text of the first `<tag …>…</tag>` element of a built page
/// whose opening tag contains `open`.
fn raw_element(f: &Fixture, page: &str, open: &str, tag: &str) -> String {
    let text = f.read(page);
    let start = text
        .find(open)
        .unwrap_or_else(|| panic!("{page}: no {open}"));
    let close = format!("</{tag}>");
    let end = text[start..]
        .find(&close)
        .unwrap_or_else(|| panic!("{page}: {open} never closed"))
        + start
        + close.len();
    text[start..end].to_string()
}

/// Two notes to link to, with a heading each, an alias and a folder.
fn site_with_targets() -> Fixture {
    let f = Fixture::new();
    f.note(
        "운영체제/프로세스.md",
        "---\ntitle: 프로세스\naliases: [process, 프로세스 정리]\n---\n# 프로세스\n\n## 생성과 종료\n\nfork와 exit.\n",
    )
    .note(
        "운영체제/스레드 (Thread).md",
        "# 스레드\n\n## 동기화 🔒\n\n뮤텍스.\n",
    )
    .note("운영체제/README.md", "# 운영체제\n\n목차 노트.\n");
    f
}

#[test]
fn links() {
    let f = site_with_targets();
    f.note(
        "면접/질문 모음.md",
        "# 질문 모음\n\n\
         - [프로세스](../운영체제/프로세스.md)와 [생성](../운영체제/프로세스.md#생성과-종료)\n\
         - [스레드 노트](<../운영체제/스레드 (Thread).md#동기화->), [폴더](../운영체제/)\n\
         - [이 노트의 위](#질문-모음), [없는 앵커](../운영체제/프로세스.md#없는-절)\n\
         - [안 쓴 노트](../운영체제/메모리.md), [밖](https://ko.wikipedia.org/wiki/프로세스)\n\
         - <https://example.com/자동>, [메일](mailto:someone@example.com)\n",
    );
    snap("links", &body(&f, "면접/질문 모음.md"));
}

/// CommonMark's email autolink `<someone@example.com>` is a `mailto:`
/// link, not a file next to the note.
#[test]
fn email_autolinks_are_mailto_links() {
    let f = Fixture::new();
    f.note(
        "a.md",
        "# 가

메일은 <someone@example.com>로
",
    );
    let html = body(&f, "a.md");
    assert!(
        html.contains("href=\"mailto:someone@example.com\""),
        "{html}"
    );
}

#[test]
fn wiki_links() {
    let f = site_with_targets();
    f.note(
        "메모.md",
        "# 메모\n\n[[프로세스]]와 [[스레드 (Thread)|쓰레드]], [[process#생성과 종료]], \
         [[프로세스 정리]], [[운영체제]], [[아직 없는 노트]], `[[코드 안]]`\n",
    );
    snap("wiki_links", &body(&f, "메모.md"));
}

#[test]
fn glossary_autolinking() {
    let f = Fixture::new();
    f.note(
        "glossary.yaml",
        "- term: 스레드\n  aliases: [쓰레드, Thread]\n  english: Thread\n  definition: 프로세스 안의 실행 흐름이다.\n\
         - term: 교착 상태\n  aliases: [데드락]\n  english: Deadlock\n  definition: 서로 기다리며 멈춘 상태다.\n\
         - term: IPC\n  english: Inter-Process Communication\n  definition: 프로세스끼리 주고받는 방법이다.\n",
    )
    .note(
        "동시성.md",
        "# 동시성\n\n## 스레드와 데드락\n\n\
         쓰레드가 둘이면 데드락에 빠질 수 있다. 스레드는 가볍고, 스레드풀은 다른 낱말이다.\n\n\
         > Thread끼리는 IPC 없이 메모리를 나눈다.\n\n\
         | 구분 | 설명 |\n|---|---|\n| 교착 상태 | 순환 대기 |\n\n\
         `스레드`와 [스레드 링크](https://example.com)는 그대로 둔다.\n",
    )
    .note(
        "끔.md",
        "---\nautolink: false\n---\n# 끔\n\n스레드도 데드락도 링크하지 않는다.\n",
    );
    snap("glossary_autolinking", &body(&f, "동시성.md"));
    snap("glossary_autolink_off", &body(&f, "끔.md"));
}

#[test]
fn comparison_tables() {
    let f = Fixture::new();
    f.note(
        "비교.md",
        "# 뮤텍스와 세마포어\n\n## 표로 보기\n\n\
         | 구분 | 뮤텍스 | 세마포어 |\n|:---|:---:|---|\n| 소유권 | 잠근 스레드만 푼다 | 누구나 |\n| 개수 | **1** | N |\n\n\
         ## 목록으로 보기\n\n\
         1. **용도**\n    - **뮤텍스**: 임계 구역 보호\n    - **세마포어**: 자원 개수 제한\n\n\
         2. **소유권**\n    - **뮤텍스**: 있음\n    - **세마포어**: 없음\n\n\
         ## 그냥 표\n\n| 명령 | 뜻 |\n|---|---|\n| `ps` | 프로세스 목록 |\n",
    )
    .note(
        "다른 비교.md",
        "# 정리\n\n| 항목 | 뮤텍스 | 세마포어 |\n|---|---|---|\n| 소유권 | 있다 | 없다 |\n",
    );
    snap("comparison_tables", &body(&f, "비교.md"));
}

#[test]
fn images() {
    let f = Fixture::new();
    f.file(
        "notes/운영체제/그림/메모리 구조.png",
        &crate::images::png(64, 32),
    )
    .note(
        "운영체제/메모리.md",
        "# 메모리\n\n\
             ![메모리 구조](그림/메모리%20구조.png \"프로세스의 메모리\")\n\n\
             ![없는 그림](그림/없는-그림.png)\n\n\
             ![image.png](attachment:2b1c0e4f-1111-4a2b-9c3d-abcdefabcdef:image.png)\n\n\
             ![원격](https://example.com/cpu.png)\n\n\
             글 사이의 ![작은 그림](그림/메모리 구조.png) 그림\n",
    );
    snap("images", &body(&f, "운영체제/메모리.md"));
}

#[test]
fn headings_and_toc() {
    let f = Fixture::new();
    f.note(
        "제목들.md",
        "# 👻 프로세스 vs 스레드\n\n\
         ## 💾 프로세스, Process\n\n가\n\n\
         ### 🤔 왜 필요할까?\n\n나\n\n\
         ## 요약\n\n다\n\n## 요약\n\n라\n\n\
         ## 비용 {#cost}\n\n마\n\n\
         <h2> 원본 HTML 제목 </h2>\n\n바\n",
    );
    snap("headings", &body(&f, "제목들.md"));
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    snap(
        "toc",
        &raw_element(&f, "제목들.html", "<nav class=\"toc\"", "nav"),
    );
}

#[test]
fn highlighting() {
    let f = Fixture::new();
    f.note(
        "코드.md",
        "# 코드\n\n\
         ```python\ndef 제곱(n: int) -> int:\n    return n * n  # 주석\n```\n\n\
         ```rust\nfn main() {\n    println!(\"안녕 {}\", 1 + 2);\n}\n```\n\n\
         ```c\n#include <stdio.h>\nint main(void) { return 0; }\n```\n\n\
         ```\n┌──────┐\n│ 상자 │\n└──────┘\n```\n\n\
         ```모르는말\n<그대로> & 둔다\n```\n\n\
         본문의 `인라인 <코드>`.\n",
    );
    snap("highlighting", &body(&f, "코드.md"));
}

/// Code in 21 languages, with the contexts that run across lines
/// (heredocs, raw strings, nested comments, CSS and JavaScript inside
/// HTML). The snapshot was made with syntect 5.3.0 as released: it holds
/// the patched copy in `vendor/syntect` to exactly the same markup.
#[test]
fn highlighting_languages() {
    let f = Fixture::new();
    f.note(
        "languages.md",
        include_str!("../fixtures/highlight/languages.md"),
    );
    snap("highlighting_languages", &body(&f, "languages.md"));
}

#[test]
fn raw_html_closing() {
    let f = Fixture::new();
    f.note(
        "열린 div.md",
        "# 가\n\n<div class=\"메모\">\n\n닫지 않은 div 안의 글\n",
    )
    .note("주석.md", "# 나\n\n<!-- 닫히지 않은 주석\n\n본문\n")
    .note("textarea.md", "# 다\n\n<textarea>\n\n## 안쪽 제목\n")
    .note("script.md", "# 라\n\n<script>let x = \"</div>\";\n\n본문\n")
    .note("plaintext.md", "# 마\n\n<plaintext>\n\n<b>굵게</b>\n")
    .note(
        "details.md",
        "# 바\n\n<details><summary>펼치기</summary>\n\n**숨은** 내용\n\n</details>\n",
    );
    for (name, rel) in [
        ("raw_html_div", "열린 div.md"),
        ("raw_html_comment", "주석.md"),
        ("raw_html_textarea", "textarea.md"),
        ("raw_html_script", "script.md"),
        ("raw_html_plaintext", "plaintext.md"),
        ("raw_html_details", "details.md"),
    ] {
        snap(name, &body(&f, rel));
    }
}

#[test]
fn math_is_kept() {
    let f = Fixture::new();
    f.note(
        "수식.md",
        "# 수식\n\n넓이는 $\\pi r^2$ 이고, 평균 대기 시간은\n\n$$\n\\frac{1}{n}\\sum_i w_i\n$$\n\n가격은 $5와 $10.\n",
    );
    snap("math", &body(&f, "수식.md"));
}
