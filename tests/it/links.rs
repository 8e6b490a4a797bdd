//! Cross-linking: markdown and wiki links, folder links, links into the
//! notes' repository and to the site's old URLs, checked anchors, broken
//! links marked visibly, backlinks, previous/next and related notes.

use crate::common::*;

fn link_site() -> Fixture {
    let f = Fixture::new();
    f.config("repo_url: https://github.com/jiwoo/os-notes\nbase_url: https://jiwoo.github.io/os-notes/\n")
        .note(
            "os/process/스레드.md",
            "---\ntitle: 스레드\ndate: 2026-09-03\ncategory: os/process\ntags: [스레드, 동시성]\naliases: [Thread, 쓰레드 노트]\n---\n# 스레드\n\n## 동기화\n\n공유 자원은 동기화가 필요하다.\n\n## 🧵 쓰레드, Thread\n\n## 비용 (Cost)\n",
        )
        .note(
            "os/process/프로세스.md",
            "---\ntitle: 프로세스\ndate: 2026-09-02\ncategory: os/process\ntags: [프로세스, 동시성]\n---\n# 프로세스\n\n\
스레드가 동기화를 하려면 [동기화](스레드.md#동기화)를 보라.\n\n\
- [[스레드]] / [[스레드|쓰레드 노트 보기]] / [[Thread]] / [[thread]]\n\
- [[스레드#비용 (Cost)]] 그리고 [[스레드#-쓰레드-thread]]\n\
- [전체](../../) 와 [os](../) 폴더\n\
- [메모리](../memory/가상%20메모리.md#페이지-폴트) 링크\n\
- [저장소 링크](https://github.com/jiwoo/os-notes/blob/main/notes/os/process/%EC%8A%A4%EB%A0%88%EB%93%9C.md#동기화)\n\
- [옛 주소](https://jiwoo.github.io/os-notes/2018/09/07/hello.html)\n\
- [옛 주소 2](https://jiwoo.github.io/os-notes/2018/09/07/hello/)\n\
- [바깥](https://example.com/a.md)\n\
- [[가상 메모리#페이지 폴트]]\n",
        )
        .note("os/memory/가상 메모리.md", "---\ntitle: 가상 메모리\ndate: 2026-09-10\ncategory: os/memory\n---\n## 페이지 폴트\n\n본문\n")
        .note("os/README.md", "# 운영체제\n\n소개\n")
        .note("_posts/2018-09-07-hello.md", "# 옛 글\n\n[스레드](../os/process/스레드.md)\n")
        .note("README.md", "# 홈\n");
    f
}

#[test]
fn every_link_form_resolves_to_a_relative_href() {
    let f = link_site();
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    let doc = f.html("os/process/프로세스.html");
    let hrefs = attrs(&doc, ".note-body a:not(.heading-anchor)", "href");
    let thread = "%EC%8A%A4%EB%A0%88%EB%93%9C.html";
    let sync = format!("{thread}#%EB%8F%99%EA%B8%B0%ED%99%94");
    assert_eq!(hrefs[0], sync, "md link with Hangul anchor");
    assert_eq!(
        &hrefs[1..5],
        &[thread, thread, thread, thread],
        "wiki by title, piped, alias, case"
    );
    assert_eq!(
        hrefs[5],
        format!("{thread}#%EB%B9%84%EC%9A%A9-cost"),
        "wiki section by heading text"
    );
    assert_eq!(
        hrefs[6],
        format!("{thread}#-%EC%93%B0%EB%A0%88%EB%93%9C-thread"),
        "wiki section by id"
    );
    assert_eq!(
        hrefs[7], "../../index.html",
        "folder link to the root README"
    );
    assert_eq!(hrefs[8], "../index.html", "folder link to os/README.md");
    assert_eq!(hrefs[9], "../memory/%EA%B0%80%EC%83%81-%EB%A9%94%EB%AA%A8%EB%A6%AC.html#%ED%8E%98%EC%9D%B4%EC%A7%80-%ED%8F%B4%ED%8A%B8");
    assert_eq!(hrefs[10], sync, "repository blob link becomes internal");
    assert_eq!(
        hrefs[11], "../../2018/09/07/hello.html",
        "old site URL becomes internal"
    );
    assert_eq!(
        hrefs[12], "../../2018/09/07/hello.html",
        "Jekyll pretty URL too"
    );
    assert_eq!(hrefs[13], "https://example.com/a.md", "external kept");
    assert!(hrefs[14].ends_with("#%ED%8E%98%EC%9D%B4%EC%A7%80-%ED%8F%B4%ED%8A%B8"));
    let texts_ = texts(&doc, ".note-body li a:not(.heading-anchor)");
    assert!(
        texts_.contains(&"쓰레드 노트 보기".to_string()),
        "{texts_:?}"
    );
    // Jekyll post: URL and date from the file name.
    let post = f.html("2018/09/07/hello.html");
    assert_eq!(
        attrs(&post, ".note-meta time", "datetime")[0],
        "2018-09-07T00:00:00+09:00"
    );
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}

#[test]
fn broken_links_and_anchors_are_warnings_and_marked() {
    let f = Fixture::new();
    f.note("a.md", "# A\n\n## 있는 제목\n\n[없는 노트](nope.md) 와 [[없는 제목]]\n\n[없는 앵커](b.md#없는-제목) [자기 앵커](#있는-제목) [깨진 자기 앵커](#없음)\n\n[빈]()\n")
        .note("b.md", "# B\n");
    let r = f.build();
    assert_eq!(r.exit_code(), 0);
    let broken: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == "broken-link")
        .collect();
    assert_eq!(broken.len(), 5, "{:#?}", diagnostics(&r));
    let locs: Vec<String> = broken.iter().filter_map(|d| d.location()).collect();
    assert_eq!(
        locs,
        vec![
            "notes/a.md:5:1",
            "notes/a.md:5:20",
            "notes/a.md:7:1",
            "notes/a.md:7:37",
            "notes/a.md:9:1"
        ]
    );
    assert!(
        broken[2].message.contains("#없는-제목"),
        "{}",
        broken[2].message
    );
    let doc = f.html("a.html");
    let marked = texts(&doc, ".note-body .broken-link");
    assert_eq!(
        marked,
        vec![
            "없는 노트",
            "없는 제목",
            "없는 앵커",
            "깨진 자기 앵커",
            "빈"
        ]
    );
    // Never an <a> to nowhere.
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
    let ok = attrs(&doc, ".note-body p a", "href");
    assert!(
        ok.contains(&"#%EC%9E%88%EB%8A%94-%EC%A0%9C%EB%AA%A9".to_string()),
        "{ok:?}"
    );
    // --strict turns them into errors and keeps the previous site.
    let before = tree(&f.out());
    let out = f.cli(&["build", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("notes/a.md:5:1"), "{stderr}");
    assert_eq!(tree(&f.out()), before);
}

#[test]
fn backlinks_with_the_sentence_that_links() {
    let f = link_site();
    assert_eq!(f.build().exit_code(), 0);
    let doc = f.html("os/process/스레드.html");
    let titles = texts(&doc, ".backlinks li > a");
    assert_eq!(titles, vec!["프로세스", "옛 글"]);
    let contexts = texts(&doc, ".backlinks .context");
    assert!(
        contexts[0].contains("스레드가 동기화를 하려면 동기화를 보라."),
        "{contexts:?}"
    );
    // A note never lists itself.
    let p = f.html("os/process/프로세스.html");
    assert!(!texts(&p, ".backlinks li > a").contains(&"프로세스".to_string()));
}

#[test]
fn previous_and_next_within_the_category_by_date() {
    let f = Fixture::new();
    for (name, day) in [("c", 3), ("a", 1), ("b", 2)] {
        f.note(
            &format!("os/{name}.md"),
            &format!("---\ntitle: 노트 {name}\ndate: 2026-01-0{day}\ntags: [공통]\n---\n본문\n"),
        );
    }
    f.note(
        "other/x.md",
        "---\ntitle: 다른 분류\ndate: 2026-01-02\ntags: [공통]\n---\n본문\n",
    );
    assert_eq!(f.build().exit_code(), 0);
    let b = f.html("os/b.html");
    assert_eq!(texts(&b, ".prev-next .prev"), vec!["← 이전 노트노트 a"]);
    assert_eq!(texts(&b, ".prev-next .next"), vec!["다음 노트 →노트 c"]);
    let a = f.html("os/a.html");
    assert!(texts(&a, ".prev-next .prev").is_empty());
    // Related by shared tags, across categories.
    assert!(texts(&b, ".related a").contains(&"다른 분류".to_string()));
}

#[test]
fn sample_notes_have_no_dead_internal_link() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let mut opts = gongbu::BuildOptions::new(root);
    opts.out = Some(out.path().join("site"));
    opts.no_cache = true;
    let r = gongbu::build(&opts, gongbu::Mode::Build);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    assert!(
        r.diagnostics.is_empty(),
        "the sample notes build without warnings: {:#?}",
        diagnostics(&r)
    );
    let dead = dead_links(&out.path().join("site"));
    assert!(dead.is_empty(), "{dead:#?}");
}

#[test]
fn a_link_in_the_title_heading_does_not_shift_later_links() {
    let f = Fixture::new();
    f.note("a.md", "# [제목 링크](b.md)\n\n[둘째](c.md)\n")
        .note("b.md", "# B\n")
        .note("c.md", "# C\n");
    assert_eq!(f.build().exit_code(), 0);
    let doc = f.html("a.html");
    assert_eq!(
        attrs(&doc, ".note-body a:not(.heading-anchor)", "href"),
        vec!["c.html"]
    );
}
