//! GitHub rendering parity: bare URLs, `www.` and e-mail links, emoji
//! shortcodes, footnotes, raw HTML links checked like markdown links, HTML
//! comments left alone, `[[텍스트]](url)`, links into the notes' repository
//! and CJK-friendly emphasis.

use crate::common::*;

#[test]
fn bare_urls_www_and_emails_become_links_outside_code() {
    let f = Fixture::new();
    f.note(
        "공부/링크 모음 (정리).md",
        "# 링크 모음\n\n\
참고 자료는 https://docs.rust-lang.org/book/ 와 www.kernel.org 에 있고, 질문은 jiwoo.kim@example.com 으로 보내면 된다.\n\n\
주소 끝의 마침표는 빼야 한다: https://example.com/a_b_c.\n\n\
이스케이프 snake\\_case 와 &amp; 뒤의 주소 https://escaped.example.com/q?a=1 도 링크.\n\n\
`https://code.example.com` 은 코드라서 그대로 둔다.\n\n\
```text\nhttps://block.example.com\n```\n\n\
[이미 링크](https://already.example.com) 와 <https://angle.example.com> 은 한 번만.\n\n\
<a href=\"https://raw.example.com\">https://raw.example.com</a>\n\n\
다 끝냈다 :tada: 그리고 `:tada:` 는 코드.\n",
    );
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("공부/링크-모음-정리.html");
    let hrefs = attrs(&doc, ".note-body a", "href");
    for want in [
        "https://docs.rust-lang.org/book/",
        "http://www.kernel.org",
        "mailto:jiwoo.kim@example.com",
        "https://example.com/a_b_c",
        "https://escaped.example.com/q?a=1",
    ] {
        assert!(hrefs.iter().any(|h| h == want), "{want} not in {hrefs:?}");
    }
    for once in [
        "https://already.example.com",
        "https://angle.example.com",
        "https://raw.example.com",
    ] {
        assert_eq!(
            hrefs.iter().filter(|h| *h == once).count(),
            1,
            "{once}: {hrefs:?}"
        );
    }
    assert!(!hrefs.iter().any(|h| h.contains("code.example.com")));
    assert!(!hrefs.iter().any(|h| h.contains("block.example.com")));
    assert!(texts(&doc, ".note-body a code, .note-body pre a").is_empty());
    let body = text(&doc, ".note-body");
    assert!(body.contains("다 끝냈다 🎉"), "{body}");
    assert_eq!(texts(&doc, ".note-body p code").last().unwrap(), ":tada:");
    // External bare links are marked like written ones.
    let external = attrs(&doc, ".note-body a.external", "href");
    assert!(external.iter().any(|h| h == "http://www.kernel.org"));
}

#[test]
fn footnotes_are_numbered_and_collected_at_the_end() {
    let f = Fixture::new();
    f.note(
        "os/스케줄링.md",
        "# 스케줄링\n\n\
라운드 로빈은 시간 할당량을 쓴다[^퀀텀]. 우선순위 역전도 있다[^역전].\n\n\
[^역전]: 낮은 우선순위 작업이 자원을 쥐고 있을 때 생긴다.\n\n\
다시 할당량 이야기[^퀀텀].\n\n\
[^퀀텀]: 보통 10~100ms 정도로 잡는다.\n\n\
## 마무리\n\n끝.\n",
    );
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("os/스케줄링.html");
    assert_eq!(
        attrs(&doc, ".note-body sup a[data-footnote-ref]", "href"),
        vec!["#fn-1", "#fn-2", "#fn-1"]
    );
    let items = texts(&doc, ".note-body section.footnotes li");
    assert_eq!(items.len(), 2);
    assert!(items[0].starts_with("보통 10~100ms"), "{items:?}");
    assert!(items[1].starts_with("낮은 우선순위"), "{items:?}");
    assert_eq!(
        attrs(&doc, "#fn-1 a.footnote-backref", "href"),
        vec!["#fnref-1", "#fnref-1-2"]
    );
    // The section comes after the last section of the note.
    let html = f.read("os/스케줄링.html");
    assert!(html.find("끝.").unwrap() < html.find("class=\"footnotes\"").unwrap());
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:?}",
        dead_links(&f.out())
    );
}

#[test]
fn raw_html_links_are_checked_and_comments_left_alone() {
    let f = Fixture::new();
    f.note(
        "os/프로세스.md",
        "# 프로세스\n\n## 상태 전이\n\n준비, 실행, 대기.\n",
    )
    .note(
        "os/목차.md",
        "<p align=\"center\">\n  <a href=\"프로세스.md#상태 전이\">프로세스 상태</a> ·\n  <a href=\"없는 노트.md\">없음</a> ·\n  <a href=\"https://example.com/x\">바깥</a>\n</p>\n\n\
본문에서도 <a href=\" 프로세스.md \">공백 낀 주소</a>를 쓴다.\n\n\
<!-- <a href=\"주석 속 노트.md\">x</a> <img src=\"주석 그림.png\"> -->\n\n\
<!--\n![지운 그림](없는 그림.png)\n-->\n",
    );
    let r = f.build();
    let d = diagnostics(&r);
    assert_eq!(
        d.iter().filter(|m| m.contains("broken-link")).count(),
        1,
        "{d:#?}"
    );
    assert!(d.iter().any(|m| m.contains("없는 노트.md")), "{d:#?}");
    assert!(!d.iter().any(|m| m.contains("주석")), "{d:#?}");
    let doc = f.html("os/목차.html");
    let hrefs = attrs(&doc, ".note-body a[href]", "href");
    let process = "%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4.html";
    assert_eq!(
        hrefs,
        vec![
            format!("{process}#%EC%83%81%ED%83%9C-%EC%A0%84%EC%9D%B4"),
            "https://example.com/x".to_string(),
            process.to_string(),
        ]
    );
    let broken = attrs(&doc, ".note-body a.broken-link", "data-href");
    assert_eq!(broken, vec!["없는 노트.md"]);
    let html = f.read("os/목차.html");
    assert!(
        html.contains("<!-- <a href=\"주석 속 노트.md\">x</a> <img src=\"주석 그림.png\"> -->"),
        "comment rewritten"
    );
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:?}",
        dead_links(&f.out())
    );
}

#[test]
fn double_brackets_before_a_url_are_a_link_not_a_wiki_link() {
    let f = Fixture::new();
    f.note(
        "참고.md",
        "# 참고\n\n- [[공식 문서]](https://doc.rust-lang.org/std/) 를 보라\n- [[없는 위키]] 는 깨진 링크\n- [주소 앞뒤 공백](< https://example.com/trimmed >)\n",
    );
    let r = f.build();
    let d = diagnostics(&r);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(d[0].contains("없는 위키"), "{d:#?}");
    let doc = f.html("참고.html");
    assert_eq!(
        attrs(&doc, ".note-body a[href]", "href"),
        vec![
            "https://doc.rust-lang.org/std/",
            "https://example.com/trimmed"
        ]
    );
    assert_eq!(texts(&doc, ".note-body a[href]")[0], "[공식 문서]");
}

fn repo_fixture() -> Fixture {
    let f = Fixture::new();
    f.config("repo_url: https://github.com/jiwoo/os-notes\n")
        .file(".git/HEAD", b"ref: refs/heads/main\n")
        .file("LICENSE", b"MIT\n")
        .file("src/main.rs", b"fn main() {}\n")
        .file("docs/발표 자료.pdf", b"%PDF-1.4\n")
        .note("os/README.md", "# 운영체제\n\n목차.\n")
        .note("os/프로세스.md", "# 프로세스\n\n## 문맥 교환\n\n본문.\n")
        .note(
            "저장소 링크.md",
            "# 저장소 링크\n\n\
- [라이선스](https://github.com/jiwoo/os-notes/blob/main/LICENSE)\n\
- [발표](https://github.com/jiwoo/os-notes/blob/main/docs/%EB%B0%9C%ED%91%9C%20%EC%9E%90%EB%A3%8C.pdf)\n\
- [운영체제 폴더](https://github.com/jiwoo/os-notes/tree/main/notes/os)\n\
- [프로세스](https://github.com/jiwoo/os-notes/blob/main/notes/os/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4.md#문맥-교환)\n\
- [소스 코드](../src/main.rs) 와 [소스 폴더](../src/)\n\
- [없는 파일](https://github.com/jiwoo/os-notes/blob/main/없음.txt)\n\
- [없는 상대 경로](../없음.rs)\n\
- 본문 속 주소 https://github.com/jiwoo/os-notes/blob/main/LICENSE 도 그대로.\n",
        );
    f
}

#[test]
fn repository_links_stay_working() {
    let f = repo_fixture();
    let r = f.build();
    let d = diagnostics(&r);
    let broken: Vec<&String> = d.iter().filter(|m| m.contains("broken-link")).collect();
    assert_eq!(broken.len(), 2, "{d:#?}");
    assert!(broken.iter().any(|m| m.contains("없음.txt")), "{d:#?}");
    assert!(broken.iter().any(|m| m.contains("없음.rs")), "{d:#?}");
    let doc = f.html("저장소-링크.html");
    let hrefs = attrs(&doc, ".note-body a[href]", "href");
    assert_eq!(
        hrefs,
        vec![
            "https://github.com/jiwoo/os-notes/blob/main/LICENSE".to_string(),
            "https://github.com/jiwoo/os-notes/blob/main/docs/%EB%B0%9C%ED%91%9C%20%EC%9E%90%EB%A3%8C.pdf".to_string(),
            "os/index.html".to_string(),
            "os/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4.html#%EB%AC%B8%EB%A7%A5-%EA%B5%90%ED%99%98".to_string(),
            "https://github.com/jiwoo/os-notes/blob/HEAD/src/main.rs".to_string(),
            "https://github.com/jiwoo/os-notes/tree/HEAD/src".to_string(),
            "https://github.com/jiwoo/os-notes/blob/main/LICENSE".to_string(),
        ]
    );
    assert_eq!(
        attrs(&doc, ".note-body a.external", "href").len(),
        5,
        "repository files leave the site"
    );
    assert_eq!(texts(&doc, ".note-body .broken-link").len(), 2);
}

#[test]
fn korean_emphasis_with_punctuation() {
    let src = "# 강조\n\n\
**\"따옴표\"**는 굵게.\n\n\
**괄호(A)**를 굵게.\n\n\
*강조*를 기울여.\n\n\
**C++**와 **C#**은 언어.\n\n\
**이 별표는 강조 표시로 인식되어야 한다(이 괄호 때문에)**이 문장 때문에.\n\n\
**このアスタリスクは強調記号として認識されます。**この文。\n\n\
영어 안의 foo*bar*baz 와 snake_case_name 은 그대로.\n\n\
`**\"코드\"**는` 과 $**\"수식\"**는$ 은 글자 그대로.\n\n\
[**\"링크\"**는](https://example.com/) 링크 안에서도.\n";
    let f = Fixture::new();
    f.note("강조.md", src);
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("강조.html");
    assert_eq!(
        texts(&doc, ".note-body strong"),
        vec![
            "\"따옴표\"",
            "괄호(A)",
            "C++",
            "C#",
            "이 별표는 강조 표시로 인식되어야 한다(이 괄호 때문에)",
            "このアスタリスクは強調記号として認識されます。",
            "\"링크\"",
        ]
    );
    assert_eq!(texts(&doc, ".note-body em"), vec!["강조", "bar"]);
    assert!(text(&doc, ".note-body").contains("snake_case_name"));
    assert_eq!(texts(&doc, ".note-body code")[0], "**\"코드\"**는");
    // Math is math: no emphasis inside it.
    assert_eq!(doc.select(&sel(".note-body .math")).count(), 1);
    assert_eq!(doc.select(&sel(".note-body .math strong")).count(), 0);

    // Strict CommonMark on request: the asterisks stay.
    let strict = Fixture::new();
    strict.config("cjk_emphasis: false\n").note("강조.md", src);
    let r = strict.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = strict.html("강조.html");
    let strong = texts(&doc, ".note-body strong");
    assert!(!strong.iter().any(|s| s.contains("따옴표")), "{strong:?}");
    assert!(text(&doc, ".note-body").contains("**\"따옴표\"**는"));
}

#[test]
fn placeholder_alt_text_makes_no_caption_and_descriptions_skip_boilerplate() {
    let f = Fixture::new();
    let png = include_bytes!("../../static/assets/favicon.svg");
    f.file("notes/os/images/스케줄러 구조.svg", png)
        .file("notes/os/images/Untitled.svg", png)
        .note(
            "os/스케줄러.md",
            "[![빌드](https://img.shields.io/badge/build-passing-green.svg)](https://ci.example.com)\n\n\
작성자 : 김지우\n\n\
**출처**: 운영체제 수업\n\n\
스케줄러는 다음에 실행할 프로세스를 고른다.\n\n\
![image](images/Untitled.svg)\n\n\
![스케줄러 구조](images/스케줄러%20구조.svg)\n\n\
![Screenshot 2026-03-02 at 10.11.12](images/Untitled.svg)\n\n\
![준비 큐와 실행 상태](images/스케줄러%20구조.svg)\n",
        )
        .note(
            "os/부제.md",
            "---\ntitle: 부제 노트\nsubtitle: 부제가 설명이 된다\n---\n본문 첫 문단.\n",
        );
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("os/스케줄러.html");
    assert_eq!(
        texts(&doc, ".note-body figcaption"),
        vec!["준비 큐와 실행 상태"]
    );
    assert_eq!(
        doc_meta(&doc),
        "스케줄러는 다음에 실행할 프로세스를 고른다."
    );
    assert_eq!(doc_meta(&f.html("os/부제.html")), "부제가 설명이 된다");
}

fn doc_meta(doc: &scraper::Html) -> String {
    attrs(doc, "meta[name=description]", "content")
        .into_iter()
        .next()
        .unwrap_or_default()
}
