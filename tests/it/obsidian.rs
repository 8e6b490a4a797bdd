//! Obsidian vaults built in place: `%%comments%%` never published anywhere,
//! `==형광펜==`, block ids and `[[노트#^id]]`, `![[그림.png]]` found
//! vault-wide, `![[노트]]` / `![[노트#섹션]]` transclusion and its cycles.

use std::io::Cursor;

use crate::common::{attrs, dead_links, diagnostics, text, texts, tree, Fixture};

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// Every output file that holds `needle`, as text.
fn files_containing(f: &Fixture, needle: &str) -> Vec<String> {
    tree(&f.out())
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
        .map(|(rel, _)| rel)
        .collect()
}

#[test]
fn comments_are_never_published_anywhere() {
    let f = Fixture::new();
    f.file("notes/.obsidian/app.json", b"{}")
        .note(
            "운영체제/프로세스 (정리).md",
            "%%비밀메모 첫 줄%% 프로세스는 실행 중인 프로그램이다.\n\n\
             문맥 교환 %%면접관이름 김아무개%%비용이 크다.\n\n\
             %%\n## 숨긴절제목\n미공개초안 문단\n\n- 숨긴목록항목\n%%\n\n\
             - 목록 안 %%목록비밀%% 항목\n\n\
             코드 안은 `printf(\"%%d\")` 그대로.\n\n\
             ```c\nprintf(\"100%%\"); // %%코드속주석%%\n```\n\n\
             ## 스케줄링\n\n선점형 스케줄링 %%시험범위%%을 정리한다.\n",
        )
        .note(
            "스레드.md",
            "# 스레드\n\n[[프로세스 (정리)]]와 비교한다.\n\n%%닫지않은주석 여기부터 끝까지\n\n## 끝절제목\n",
        )
        .note("glossary.yaml", "- term: 프로세스\n  definition: 실행 중인 프로그램이다.\n");
    let report = f.build();
    assert!(report.written, "{:?}", diagnostics(&report));
    for secret in [
        "비밀메모",
        "면접관이름",
        "숨긴절제목",
        "미공개초안",
        "숨긴목록항목",
        "목록비밀",
        "시험범위",
        "닫지않은주석",
        "끝절제목",
    ] {
        assert_eq!(
            files_containing(&f, secret),
            Vec::<String>::new(),
            "{secret} published"
        );
    }
    let page = f.html("운영체제/프로세스-정리.html");
    let body = text(&page, ".note-body");
    assert!(body.contains("는 실행 중인 프로그램이다."), "{body}");
    assert!(body.contains("비용이 크다"));
    // A comment opening a line does not turn the rest into a code block.
    assert!(!texts(&page, "pre")
        .iter()
        .any(|t| t.contains("프로그램이다")));
    // `%%` in code is code.
    assert!(texts(&page, "code")
        .iter()
        .any(|t| t.contains("printf(\"%%d\")")));
    assert!(texts(&page, "pre")
        .iter()
        .any(|t| t.contains("%%코드속주석%%")));
    // The unclosed comment is reported where it opens.
    let d = diagnostics(&report);
    assert!(
        d.iter()
            .any(|d| d.contains("obsidian-comment") && d.contains("notes/스레드.md:5:1")),
        "{d:?}"
    );
}

#[test]
fn highlights_and_block_references() {
    let f = Fixture::new();
    f.note(
        "os/컨텍스트 스위칭.md",
        "# 컨텍스트 스위칭\n\n레지스터를 저장하고 ==복원하는 비용==이 든다. ^cost\n\n\
         - TLB가 비워진다 ^tlb\n- 캐시가 식는다\n\n`==코드==`는 그대로.\n",
    )
    .note(
        "면접 준비.md",
        "# 면접 준비\n\n[[컨텍스트 스위칭#^cost]]을 외운다. [목록](os/컨텍스트%20스위칭.md#^tlb)도.\n\n[[컨텍스트 스위칭#^없는블록]]\n",
    );
    let report = f.build();
    let page = f.html("os/컨텍스트-스위칭.html");
    assert_eq!(texts(&page, "article mark"), vec!["복원하는 비용"]);
    assert!(texts(&page, "code").contains(&"==코드==".to_string()));
    assert_eq!(attrs(&page, "[id^='^']", "id"), vec!["^cost", "^tlb"]);
    assert!(!text(&page, ".note-body").contains("^cost"));
    assert!(!attrs(&page, "meta[name=description]", "content")[0].contains("^cost"));

    let prep = f.html("면접-준비.html");
    let hrefs = attrs(&prep, "article a", "href");
    assert!(hrefs.iter().any(|h| h == "os/%EC%BB%A8%ED%85%8D%EC%8A%A4%ED%8A%B8-%EC%8A%A4%EC%9C%84%EC%B9%AD.html#%5Ecost" || h.ends_with(".html#%5Ecost") || h.ends_with(".html#^cost")), "{hrefs:?}");
    assert!(
        hrefs
            .iter()
            .any(|h| h.ends_with("#%5Etlb") || h.ends_with("#^tlb")),
        "{hrefs:?}"
    );
    let d = diagnostics(&report);
    let broken: Vec<&String> = d.iter().filter(|d| d.contains("broken-link")).collect();
    assert_eq!(broken.len(), 1, "{d:?}");
    assert!(broken[0].contains("없는블록") && broken[0].contains("notes/면접 준비.md:5"));
    assert_eq!(dead_links(&f.out()), Vec::<String>::new());
}

#[test]
fn image_embeds_are_found_anywhere_in_the_vault() {
    let f = Fixture::new();
    f.file("notes/.obsidian/app.json", b"{}")
        .file("notes/첨부 파일/스케줄러 그림.png", &png(1200, 600))
        .file("notes/os/표.png", &png(40, 20))
        .file("notes/net/표.png", &png(40, 20))
        .note(
            "os/process/스케줄링.md",
            "# 스케줄링\n\n![[스케줄러 그림.png]]\n\n![[스케줄러 그림.png|300]]\n\n![[스케줄러 그림.png|라운드 로빈 그림]]\n\n\
             ![[표.png]]\n\n![[없는 그림.png]]\n",
        )
        .file("notes/자료/강의 슬라이드.pdf", b"%PDF-1.4\n%%EOF\n")
        .note("루트.md", "# 루트\n\n![[표.png]]\n\n슬라이드: ![[강의 슬라이드.pdf]]\n");
    let report = f.build();
    assert!(report.written);
    let page = f.html("os/process/스케줄링.html");
    let srcs = attrs(&page, "article img", "src");
    assert_eq!(srcs.len(), 4, "{srcs:?}");
    for s in &srcs[..3] {
        assert_eq!(s, "../../%EC%B2%A8%EB%B6%80-%ED%8C%8C%EC%9D%BC/%EC%8A%A4%EC%BC%80%EC%A4%84%EB%9F%AC%20%EA%B7%B8%EB%A6%BC.png");
    }
    // The closer `os/표.png` wins for a note under os/, without a warning.
    assert_eq!(srcs[3], "../%ED%91%9C.png");
    assert!(f.out().join("첨부-파일/스케줄러 그림.png").is_file());
    // No caption from the file name; `|300` is a width; `|설명` a caption.
    assert_eq!(texts(&page, "figcaption"), vec!["라운드 로빈 그림"]);
    assert!(attrs(&page, ".embed-sized", "style")[0].contains("width:300px"));
    let d = diagnostics(&report);
    // From the root both 표.png are as close: the warning names both.
    assert!(
        d.iter().any(|d| d.contains("obsidian-embed")
            && d.contains("notes/루트.md:3")
            && d.contains("net/표.png")
            && d.contains("os/표.png")),
        "{d:?}"
    );
    assert!(
        d.iter()
            .any(|d| d.contains("없는 그림.png") && d.contains("notes/os/process/스케줄링.md:11")),
        "{d:?}"
    );
    // A PDF is a link to the copied file, not an image.
    let root = f.html("루트.html");
    assert_eq!(texts(&root, "a.embed-file"), vec!["강의 슬라이드.pdf"]);
    assert_eq!(
        attrs(&root, "a.embed-file", "href"),
        vec!["%EC%9E%90%EB%A3%8C/%EA%B0%95%EC%9D%98%20%EC%8A%AC%EB%9D%BC%EC%9D%B4%EB%93%9C.pdf"]
    );
    assert!(f.out().join("자료/강의 슬라이드.pdf").is_file());
    assert!(!d.iter().any(|d| d.contains("image-format")), "{d:?}");
}

#[test]
fn note_embeds_show_the_note_or_one_section() {
    let f = Fixture::new();
    f.file("notes/os/images/pcb.png", &png(40, 20))
        .note(
            "os/프로세스.md",
            "# 프로세스\n\n프로세스 소개 문단.\n\n## PCB\n\nPCB에는 [[스레드]] 정보도 있다.\n\n![PCB 그림](images/pcb.png)\n\n### 필드\n\n레지스터 값.\n\n## 상태\n\n준비, 실행, 대기. ^states\n",
        )
        .note("스레드.md", "# 스레드\n\n가벼운 실행 흐름.\n")
        .note(
            "til/2026/정리.md",
            "# 정리\n\n![[프로세스#PCB]]\n\n전체:\n\n![[스레드]]\n\n블록 하나: ![[프로세스#^states]]\n",
        );
    let report = f.build();
    assert!(report.written, "{:?}", diagnostics(&report));
    let page = f.html("til/2026/정리.html");
    let embeds = texts(&page, ".embed");
    assert_eq!(embeds.len(), 3, "{embeds:?}");
    // `![[노트#^id]]`: just that block.
    assert!(embeds[2].contains("준비, 실행, 대기.") && !embeds[2].contains("PCB에는"));
    assert!(embeds[0].contains("PCB에는") && embeds[0].contains("레지스터 값"));
    assert!(!embeds[0].contains("준비, 실행") && !embeds[0].contains("프로세스 소개"));
    assert!(embeds[1].contains("가벼운 실행 흐름"));
    let sources = attrs(&page, ".embed-source a", "href");
    assert_eq!(
        sources[0],
        "../../os/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4.html#pcb"
    );
    // Links and images inside the embed work from this page.
    assert_eq!(dead_links(&f.out()), Vec::<String>::new());
    assert!(attrs(&page, ".embed img", "src")[0].starts_with("../../os/images/pcb.png"));
}

#[test]
fn embed_cycles_are_cut_with_a_warning() {
    let f = Fixture::new();
    f.note("가.md", "# 가\n\n가의 본문.\n\n![[나]]\n")
        .note("나.md", "# 나\n\n나의 본문.\n\n![[가]]\n")
        .note("자기.md", "# 자기\n\n![[자기]]\n")
        .note("다.md", "# 다\n\n![[없는 노트]]\n");
    let report = f.build();
    assert!(report.written);
    let d = diagnostics(&report);
    for at in ["notes/가.md:5", "notes/나.md:5", "notes/자기.md:3"] {
        assert!(
            d.iter()
                .any(|d| d.contains("obsidian-embed") && d.contains(at)),
            "{at}: {d:?}"
        );
    }
    assert!(
        d.iter()
            .any(|d| d.contains("없는 노트") && d.contains("notes/다.md:3")),
        "{d:?}"
    );
    let ga = f.html("가.html");
    assert!(text(&ga, ".embed").contains("나의 본문"));
    // Inside 나 the way back to 가 is a link, not 가 again.
    assert_eq!(texts(&ga, ".embed .embed").len(), 0);
    assert_eq!(texts(&ga, ".embed-cut a"), vec!["가"]);
}

#[test]
fn inline_tags_count_in_a_vault() {
    let f = Fixture::new();
    f.file("notes/.obsidian/workspace.json", b"{}")
        .file("notes/.trash/지운 노트.md", "# 지운 노트\n".as_bytes())
        .note(
            "프로세스.md",
            "# 프로세스\n\n#운영체제 #면접/기초 공부. C# 과 #1 은 태그가 아니다.\n\n```\n#include <stdio.h>\n```\n",
        );
    let report = f.build();
    assert!(report.written, "{:?}", diagnostics(&report));
    let page = f.html("프로세스.html");
    assert_eq!(
        texts(&page, ".note-body a.inline-tag"),
        vec!["#운영체제", "#면접/기초"]
    );
    assert!(f.out().join("tags/운영체제.html").is_file());
    assert!(!f.out().join(".trash").exists() && !f.out().join("trash/지운-노트.html").exists());
    assert!(texts(&page, ".tags a").contains(&"#운영체제".to_string()));
    assert!(!texts(&page, ".tags a")
        .iter()
        .any(|t| t.contains("include") || t == "#1"));
    assert_eq!(dead_links(&f.out()), Vec::<String>::new());

    // Without `.obsidian/` (and without `obsidian: true`) `#` is just text.
    let plain = Fixture::new();
    plain.note("a.md", "# 가\n\n#운영체제 공부\n");
    assert!(plain.build().written);
    assert!(texts(&plain.html("a.html"), "a.inline-tag").is_empty());
    plain.config("obsidian: true\n");
    assert!(plain.build().written);
    assert_eq!(
        texts(&plain.html("a.html"), "a.inline-tag"),
        vec!["#운영체제"]
    );
}
