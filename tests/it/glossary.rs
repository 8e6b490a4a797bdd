//! The glossary: loading terms (glossary.yaml and front matter) with clear
//! diagnostics, particle-aware automatic linking with tooltips, the 초성
//! index and the term pages.

use crate::common::*;
use scraper::Html;

/// The glossary of the terms the seed notes use.
const SEED_GLOSSARY: &str = r#"# 시드 노트에 나오는 용어
- term: 프로세스
  aliases: [Process]
  english: Process
  definition: 실행 중인 프로그램의 인스턴스로, 운영체제가 자원을 할당하는 단위다.
- term: 스레드
  aliases: [쓰레드, Thread]
  english: Thread
  definition: 프로세스 안에서 실행되는 흐름의 단위다.
- term: 멀티스레드
  aliases: [멀티 스레드, 멀티 쓰레드]
  english: Multithreading
  definition: 한 프로세스 안에서 여러 스레드가 작업을 나누어 처리하는 방식이다.
- term: 멀티프로세스
  aliases: [멀티 프로세스]
  english: Multiprocessing
  definition: 여러 프로세스로 작업을 나누어 처리하는 방식이다.
- term: 컨텍스트 스위칭
  aliases: [문맥 교환]
  english: Context Switching
  definition: CPU가 실행 중인 작업의 상태를 저장하고 다른 작업의 상태를 복원하는 과정이다.
- term: IPC
  aliases: [프로세스 간 통신]
  english: Inter-Process Communication
  definition: 프로세스끼리 데이터를 주고받는 방법의 총칭이다.
- term: PCB
  english: Process Control Block
  definition: 커널이 프로세스마다 유지하는 자료구조다.
- term: GIL
  english: Global Interpreter Lock
  definition: CPython에서 한 번에 한 스레드만 바이트코드를 실행하게 하는 락이다.
- term: 뮤텍스
  english: Mutex
  definition: 한 번에 하나의 스레드만 임계 구역에 들어가게 하는 잠금이다.
- term: 세마포어
  english: Semaphore
  definition: 정수 카운터로 동시에 접근할 수 있는 수를 제한하는 동기화 도구다.
- term: 교착 상태
  aliases: [데드락]
  english: Deadlock
  definition: 서로가 가진 자원을 기다리며 어느 쪽도 진행하지 못하는 상태다.
- term: 공유 메모리
  english: Shared Memory
  definition: 여러 프로세스가 같은 물리 메모리를 나눠 쓰는 IPC 방식이다.
- term: 힙
  english: Heap
  definition: 실행 중에 동적으로 할당하는 메모리 영역이다.
- term: 스택
  english: Stack
  definition: 함수 호출마다 프레임이 쌓이는 메모리 영역이다.
- term: 동기화
  english: Synchronization
  definition: 여러 실행 흐름이 공유 자원을 안전하게 쓰도록 순서를 맞추는 일이다.
"#;

/// Term names of the automatic links in a page's body, in order.
fn linked_terms(doc: &Html) -> Vec<String> {
    attrs(doc, ".note-body a.term", "data-term")
}

/// Visible words of the automatic links in a page's body, in order.
fn linked_words(doc: &Html) -> Vec<String> {
    doc.select(&sel(".note-body a.term"))
        .map(|a| a.text().collect::<String>())
        .collect()
}

fn build_ok(f: &Fixture) -> gongbu::BuildReport {
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    r
}

#[test]
fn particles_stay_outside_and_the_longest_term_wins() {
    let f = Fixture::new();
    f.note("glossary.yaml", SEED_GLOSSARY).note(
        "a.md",
        "# 노트\n\n프로세스는 실행 중인 프로그램이고, 스레드가 그 안에서 돈다.\n\
         컨텍스트 스위칭을 줄이려면 IPC를 덜 쓴다. 멀티스레드는 가볍다.\n\n\
         스레드풀이나 프로세스화 같은 말은 다른 낱말이다. 멀티프로세스 환경.\n",
    );
    build_ok(&f);
    let doc = f.html("a.html");
    assert_eq!(
        linked_words(&doc),
        vec![
            "프로세스",
            "스레드",
            "컨텍스트 스위칭",
            "IPC",
            "멀티스레드",
            "멀티프로세스"
        ]
    );
    let html = f.read("a.html");
    for (word, particle) in [
        ("프로세스", "는"),
        ("스레드", "가"),
        ("컨텍스트 스위칭", "을"),
        ("IPC", "를"),
        ("멀티스레드", "는"),
    ] {
        // The link, its tooltip, then the particle outside both.
        let pattern = format!(">{word}</a>");
        let at = html
            .find(&pattern)
            .unwrap_or_else(|| panic!("{word}: {html}"));
        let rest = &html[at + pattern.len()..];
        let after_tip = rest.find("</span></span>").expect("tooltip closes") + 14;
        assert!(
            rest[after_tip..].starts_with(particle),
            "{word}{particle}: {}",
            &rest[..after_tip + 10]
        );
    }
    // 스레드 in 스레드풀 is another word; so is 프로세스화.
    let text = text(&doc, ".note-body");
    assert!(text.contains("스레드풀이나 프로세스화"), "{text}");
}

#[test]
fn links_go_to_the_term_page_with_the_definition_as_accessible_tooltip() {
    let f = Fixture::new();
    f.note("glossary.yaml", SEED_GLOSSARY)
        .note("os/a.md", "# 노트\n\n쓰레드는 가볍다. 스레드를 쓰자.\n");
    build_ok(&f);
    let doc = f.html("os/a.html");
    // The alias links once, to 스레드's page.
    assert_eq!(linked_terms(&doc), vec!["스레드"]);
    assert_eq!(linked_words(&doc), vec!["쓰레드"]);
    let href = &attrs(&doc, ".note-body a.term", "href")[0];
    assert_eq!(href, "../glossary/%EC%8A%A4%EB%A0%88%EB%93%9C.html");
    let tip_id = &attrs(&doc, ".note-body a.term", "aria-describedby")[0];
    let tip = text(&doc, &format!("[id=\"{tip_id}\"]"));
    assert_eq!(tip, "프로세스 안에서 실행되는 흐름의 단위다.");
    assert_eq!(
        attrs(&doc, &format!("[id=\"{tip_id}\"]"), "role"),
        vec!["tooltip"]
    );
    // The link itself reads as the word only.
    assert_eq!(text(&doc, ".note-body a.term"), "쓰레드");
    let css = f.read("assets/gongbu.css");
    assert!(css.contains("/* ── 용어집 ── */"));
    assert!(css.contains(".term-ref:focus-within .term-tip"));
    assert!(f.read("assets/gongbu.js").contains("term-ref"));
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}

#[test]
fn never_inside_code_headings_links_images_or_raw_html() {
    let f = Fixture::new();
    f.note("glossary.yaml", SEED_GLOSSARY).note(
        "a.md",
        "# 노트\n\n\
         ## 프로세스와 스레드\n\n\
         `프로세스` 코드, [스레드 링크](b.md), [[IPC]], ![힙 그림](x.png), <b>뮤텍스</b>, <!-- 세마포어 -->\n\n\
         ```text\n스택 PCB GIL\n```\n\n\
         | 프로세스 | 스레드 |\n|---|---|\n| 스택 | 공유 |\n\n\
         이제 본문: 프로세스, 스레드, IPC, 힙, 뮤텍스, 세마포어, PCB, GIL.\n",
    )
    .note("b.md", "# 비\n\n본문\n");
    build_ok(&f);
    let doc = f.html("a.html");
    assert!(texts(&doc, ".note-body h2 a.term").is_empty());
    assert!(texts(&doc, ".note-body code a.term, .note-body pre a.term").is_empty());
    assert!(texts(&doc, ".note-body thead a.term").is_empty());
    assert!(texts(&doc, ".note-body b a.term").is_empty());
    // The table body cell is prose: 스택 is linked there first.
    assert_eq!(texts(&doc, ".note-body td a.term"), vec!["스택"]);
    assert_eq!(
        linked_words(&doc),
        vec![
            "스택",
            "프로세스",
            "스레드",
            "IPC",
            "힙",
            "뮤텍스",
            "세마포어",
            "PCB",
            "GIL"
        ]
    );
    // Nothing nests inside an existing link.
    assert!(texts(&doc, ".note-body a a").is_empty());
    assert!(texts(&doc, ".note-body a:not(.term) .term-ref").is_empty());
}

#[test]
fn first_mention_only_and_never_in_the_terms_own_note() {
    let f = Fixture::new();
    f.note(
        "glossary.yaml",
        "- term: 뮤텍스\n  definition: 잠금이다.\n  note: sync/mutex.md\n- term: 세마포어\n  definition: 카운터다.\n",
    )
    .note(
        "a.md",
        "# 가\n\n뮤텍스는 하나. 뮤텍스를 또 쓴다.\n\n- 세마포어와 뮤텍스\n- 세마포어\n",
    )
    .note(
        "sync/mutex.md",
        "# 뮤텍스\n\n뮤텍스는 잠금이다. 세마포어와 다르다. 세마포어.\n",
    );
    build_ok(&f);
    let a = f.html("a.html");
    assert_eq!(linked_terms(&a), vec!["뮤텍스", "세마포어"]);
    let home = f.html("sync/mutex.html");
    assert_eq!(linked_terms(&home), vec!["세마포어"]);
    // The term page names its home.
    let page = f.html("glossary/뮤텍스.html");
    assert_eq!(text(&page, ".term-home a"), "뮤텍스");
    assert_eq!(
        attrs(&page, ".term-home a", "href"),
        vec!["../sync/mutex.html"]
    );
}

#[test]
fn autolinking_can_be_turned_off_per_note_and_per_site() {
    let f = Fixture::new();
    f.note("glossary.yaml", SEED_GLOSSARY)
        .note("on.md", "# 켜짐\n\n프로세스와 스레드\n")
        .note(
            "off.md",
            "---\ntitle: 꺼짐\nautolink: false\n---\n\n프로세스와 스레드\n",
        );
    build_ok(&f);
    assert_eq!(linked_terms(&f.html("on.html")), vec!["프로세스", "스레드"]);
    assert!(linked_terms(&f.html("off.html")).is_empty());
    // The opted-out note still counts as using the terms.
    let page = f.html("glossary/프로세스.html");
    assert!(texts(&page, ".term-mentions li > a").contains(&"꺼짐".to_string()));

    f.config("autolink: false\n");
    build_ok(&f);
    assert!(linked_terms(&f.html("on.html")).is_empty());
    // The glossary pages are still there.
    assert_eq!(text(&f.html("glossary/스레드.html"), "h1"), "스레드 Thread");
}

#[test]
fn index_is_in_dictionary_order_grouped_by_initial_consonant() {
    let f = Fixture::new();
    let terms = [
        "힙",
        "쓰기 시 복사",
        "가상 메모리",
        "꼬리 재귀",
        "TLB",
        "짝수 패리티",
        "떠돌이 포인터",
        "경쟁 상태",
        "빨강-검정 트리",
        "데드락",
        "fork",
        "스레드",
        "3-way 핸드셰이크",
        "IPC",
        "ipc 큐",
        "프로세스",
    ];
    let yaml: String = terms
        .iter()
        .map(|t| format!("- term: {t}\n  definition: {t}의 정의\n"))
        .collect();
    f.note("glossary.yaml", &yaml)
        .note("a.md", "# 가\n\n프로세스와 스레드, 그리고 힙.\n")
        .note("b.md", "# 나\n\n프로세스 하나.\n");
    build_ok(&f);
    let doc = f.html("glossary/index.html");
    assert_eq!(
        texts(&doc, ".glossary-group h2"),
        vec![
            "ㄱ", "ㄲ", "ㄷ", "ㄸ", "ㅃ", "ㅅ", "ㅆ", "ㅉ", "ㅍ", "ㅎ", "F", "I", "T", "기타"
        ]
    );
    assert_eq!(
        texts(&doc, ".glossary-entry dt > a"),
        vec![
            "가상 메모리",
            "경쟁 상태",
            "꼬리 재귀",
            "데드락",
            "떠돌이 포인터",
            "빨강-검정 트리",
            "스레드",
            "쓰기 시 복사",
            "짝수 패리티",
            "프로세스",
            "힙",
            "fork",
            "IPC",
            "ipc 큐",
            "TLB",
            "3-way 핸드셰이크"
        ]
    );
    // The jump bar: every consonant (links where there are terms), then the
    // letters and 기타 present.
    let jump = texts(&doc, ".jump-bar a, .jump-bar .jump-empty");
    assert_eq!(jump.len(), 19 + 4);
    assert_eq!(&jump[..3], ["ㄱ", "ㄲ", "ㄴ"]);
    assert_eq!(&jump[19..], ["F", "I", "T", "기타"]);
    assert!(texts(&doc, ".jump-bar a").contains(&"ㄲ".to_string()));
    assert!(texts(&doc, ".jump-bar .jump-empty").contains(&"ㄴ".to_string()));
    assert_eq!(
        attrs(&doc, ".jump-bar a", "href")[1],
        "#group-%E3%84%B2",
        "ㄲ"
    );
    // Note counts per term.
    let counts: Vec<String> = texts(&doc, ".glossary-entry dt .count");
    assert_eq!(counts[9], "노트 2", "프로세스");
    assert_eq!(counts[6], "노트 1", "스레드");
    assert_eq!(counts[0], "노트 0", "가상 메모리");
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
    // Every glossary page is in the sitemap.
    let sitemap = f.read("sitemap.xml");
    assert!(sitemap.contains("<loc>glossary/index.html</loc>"));
    assert_eq!(sitemap.matches("<loc>glossary/").count(), terms.len() + 1);
    // And the nav shows the glossary.
    assert!(texts(&f.html("a.html"), ".site-nav a").contains(&"용어집".to_string()));
}

#[test]
fn term_page_shows_everything_about_the_term() {
    let f = Fixture::new();
    f.note(
        "glossary.yaml",
        "- term: 스레드\n  aliases: [쓰레드, Thread]\n  english: Thread\n  definition: 실행 흐름의 단위다.\n  \
         body: |\n    **같은 프로세스**의 스레드는 힙을 공유한다. [[동기화 노트]]와 [다른 글](os/b.md#둘째)을 보라.\n  \
         note: os/thread.md\n\
         - term: 힙\n  definition: 동적 할당 영역이다.\n\
         - term: 뮤텍스\n  definition: 잠금이다.\n",
    )
    .note(
        "os/thread.md",
        "# 스레드\n\n스레드는 가볍다.\n\n## 공유\n\n스레드끼리 힙을 공유한다.\n",
    )
    .note(
        "os/b.md",
        "---\ntitle: 동기화 노트\ndate: 2026-01-02\n---\n\n머리말.\n\n## 둘째\n\n여러 쓰레드가 뮤텍스로 힙을 지킨다. 끝.\n",
    );
    build_ok(&f);
    let doc = f.html("glossary/스레드.html");
    assert_eq!(text(&doc, "h1"), "스레드 Thread");
    assert_eq!(text(&doc, ".term-aliases"), "다른 이름: 쓰레드");
    assert_eq!(text(&doc, ".term-definition"), "실행 흐름의 단위다.");
    // The long text is markdown, its links resolved, other terms linked.
    assert_eq!(text(&doc, ".term-body strong"), "같은 프로세스");
    let body_links = attrs(&doc, ".term-body a:not(.term)", "href");
    assert_eq!(
        body_links,
        vec!["../os/b.html", "../os/b.html#%EB%91%98%EC%A7%B8"]
    );
    assert_eq!(texts(&doc, ".term-body a.term"), vec!["힙"]);
    assert_eq!(text(&doc, ".term-home a"), "스레드");
    // Notes using it, newest first, with the sentence and the section.
    assert_eq!(
        texts(&doc, ".term-mentions li > a"),
        vec!["동기화 노트", "스레드"]
    );
    assert_eq!(
        attrs(&doc, ".term-mentions li > a", "href")[0],
        "../os/b.html#%EB%91%98%EC%A7%B8"
    );
    assert_eq!(
        texts(&doc, ".term-mentions .context")[0],
        "여러 쓰레드가 뮤텍스로 힙을 지킨다."
    );
    assert_eq!(texts(&doc, ".term-mentions mark")[0], "쓰레드");
    assert_eq!(texts(&doc, ".term-section"), vec!["› 둘째"]);
    // Related: the term its text mentions, then those used alongside it.
    assert_eq!(texts(&doc, ".term-related li > a"), vec!["힙", "뮤텍스"]);
    // A wiki link to a term with no note of that name goes to its page.
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}

#[test]
fn wiki_links_to_terms_and_aliases_reach_the_term_page() {
    let f = Fixture::new();
    f.note("glossary.yaml", SEED_GLOSSARY)
        .note("a.md", "# 가\n\n[[쓰레드]]와 [[Mutex]]를 보라.\n");
    let r = build_ok(&f);
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    let doc = f.html("a.html");
    assert_eq!(
        attrs(&doc, ".note-body a:not(.term)", "href"),
        vec![
            "glossary/%EC%8A%A4%EB%A0%88%EB%93%9C.html",
            "glossary/%EB%AE%A4%ED%85%8D%EC%8A%A4.html"
        ]
    );
}

#[test]
fn front_matter_terms_merge_with_the_glossary_file() {
    let f = Fixture::new();
    f.note(
        "glossary.yaml",
        "- term: 스레드\n  aliases: [Thread]\n  definition: 실행 흐름의 단위다.\n",
    )
    .note(
        "sync.md",
        "---\ntitle: 동기화\nglossary:\n  - term: 경쟁 상태\n    aliases: [레이스 컨디션]\n    english: Race Condition\n    definition: 실행 순서에 따라 결과가 달라지는 상황이다.\n  \
         - term: 쓰레드\n    aliases: [스레드]\n    body: 긴 설명.\n---\n\n경쟁 상태는 위험하다. 스레드가 많으면.\n",
    )
    .note("a.md", "# 가\n\n레이스 컨디션과 쓰레드\n");
    let r = build_ok(&f);
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    // 경쟁 상태: defined by sync.md, which is its home and does not link it.
    let page = f.html("glossary/경쟁-상태.html");
    assert_eq!(text(&page, ".term-home a"), "동기화");
    // 쓰레드 merged into 스레드 (its alias), adding its long text; the
    // note that wrote it is now its home too.
    assert!(f.out().join("glossary/스레드.html").exists());
    assert!(!f.out().join("glossary/쓰레드.html").exists());
    let page = f.html("glossary/스레드.html");
    assert_eq!(text(&page, ".term-body"), "긴 설명.");
    assert_eq!(text(&page, ".term-aliases"), "다른 이름: Thread, 쓰레드");
    assert_eq!(text(&page, ".term-home a"), "동기화");
    assert!(linked_terms(&f.html("sync.html")).is_empty());
    assert_eq!(linked_terms(&f.html("a.html")), vec!["경쟁 상태", "스레드"]);
}

#[test]
fn conflicting_definitions_are_a_warning_naming_both_places() {
    let f = Fixture::new();
    f.note(
        "glossary.yaml",
        "# 용어집\n- term: 스레드\n  aliases: [쓰레드]\n  definition: 실행 흐름의 단위다.\n",
    )
    .note(
        "a.md",
        "---\ntitle: 가\nglossary:\n  - term: 쓰레드\n    definition: 프로세스보다 가벼운 것.\n---\n\n스레드 이야기\n",
    );
    let r = build_ok(&f);
    let d = diagnostics(&r);
    assert_eq!(r.warnings(), 1, "{d:#?}");
    let w = &r.diagnostics[0];
    assert_eq!(w.code, "glossary-conflict");
    assert!(
        w.message.contains("`notes/glossary.yaml:2`"),
        "{}",
        w.message
    );
    assert!(w.message.contains("`notes/a.md:4`"), "{}", w.message);
    assert!(w.message.contains("정의"), "{}", w.message);
    assert_eq!(w.location().as_deref(), Some("notes/a.md:4:1"));
    // The first definition is kept; nothing is lost.
    let page = f.html("glossary/스레드.html");
    assert_eq!(text(&page, ".term-definition"), "실행 흐름의 단위다.");
}

#[test]
fn yaml_errors_point_at_the_line() {
    let f = Fixture::new();
    f.note(
        "glossary.yaml",
        "- term: 스레드\n  definition: 실행 흐름\n- term: [잘못\n  definition: x\n",
    )
    .note("a.md", "# 가\n\n스레드\n");
    let r = f.build();
    assert_eq!(r.exit_code(), 1, "{:#?}", diagnostics(&r));
    let e = r
        .diagnostics
        .iter()
        .find(|d| d.code == "glossary")
        .expect("glossary error");
    assert!(e.is_error());
    assert!(e.message.contains("해석할 수 없습니다"), "{}", e.message);
    assert_eq!(e.path.as_deref(), Some("notes/glossary.yaml"));
    assert!(e.line >= 3 && e.line <= 4, "{e}");
    // The previous site is not replaced by a half glossary.
    assert!(!f.out().join("a.html").exists());
}

#[test]
fn wrong_shapes_are_errors_and_unknown_keys_warnings_with_lines() {
    let f = Fixture::new();
    f.note(
        "glossary.yaml",
        "- term: 스레드\n  definition: 실행 흐름\n\
         - 그냥 글자\n\
         - definition: 이름 없음\n\
         - term: 뮤텍스\n  definition: [목록]\n\
         - term: 힙\n  alias: [Heap]\n  definition: 영역\n\
         - term: 스택\n",
    )
    .note("a.md", "# 가\n\n스레드\n");
    let r = f.build();
    assert_eq!(r.exit_code(), 1);
    let found: Vec<(bool, String, String)> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == "glossary")
        .map(|d| {
            (
                d.is_error(),
                d.location().unwrap_or_default(),
                d.message.clone(),
            )
        })
        .collect();
    let at = |loc: &str| {
        found
            .iter()
            .find(|(_, l, _)| l == loc)
            .unwrap_or_else(|| panic!("no diagnostic at {loc}: {found:#?}"))
    };
    assert!(at("notes/glossary.yaml:3:1").0, "not a mapping");
    assert!(at("notes/glossary.yaml:4:1").2.contains("`term:`"));
    let def = at("notes/glossary.yaml:6:1");
    assert!(def.0 && def.2.contains("`definition`"), "{def:?}");
    let unknown = at("notes/glossary.yaml:8:1");
    assert!(!unknown.0 && unknown.2.contains("`alias`"), "{unknown:?}");
    let missing = at("notes/glossary.yaml:10:1");
    assert!(
        !missing.0 && missing.2.contains("definition"),
        "{missing:?}"
    );
    assert_eq!(found.len(), 5, "{found:#?}");
}

#[test]
fn dangling_note_paths_and_broken_body_links_are_warnings() {
    let f = Fixture::new();
    f.note(
        "glossary.yaml",
        "- term: 스레드\n  definition: 실행 흐름\n  note: os/없는-노트.md\n  body: |\n    [없는 글](nope.md) 참고\n",
    )
    .note("a.md", "# 가\n\n스레드\n");
    let r = build_ok(&f);
    let d = diagnostics(&r);
    assert_eq!(r.warnings(), 2, "{d:#?}");
    let note = r
        .diagnostics
        .iter()
        .find(|d| d.code == "glossary-note")
        .expect("note warning");
    assert_eq!(note.location().as_deref(), Some("notes/glossary.yaml:3:1"));
    let link = r
        .diagnostics
        .iter()
        .find(|d| d.code == "broken-link")
        .expect("link warning");
    assert_eq!(link.location().as_deref(), Some("notes/glossary.yaml:4:1"));
    // Rendered as a marked span, never a dead link.
    let page = f.html("glossary/스레드.html");
    assert_eq!(text(&page, ".term-body .broken-link"), "없는 글");
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}

#[test]
fn front_matter_glossary_errors_point_into_the_note() {
    let f = Fixture::new();
    f.note(
        "a.md",
        "---\ntitle: 가\nglossary:\n  - term: 경쟁 상태\n    definition: 위험\n  - 글자만\n---\n\n본문\n",
    );
    let r = f.build();
    assert_eq!(r.exit_code(), 1);
    let e = r
        .diagnostics
        .iter()
        .find(|d| d.code == "glossary")
        .expect("error");
    assert_eq!(e.location().as_deref(), Some("notes/a.md:6:1"));
}

#[test]
fn without_a_glossary_there_are_no_glossary_pages() {
    let f = Fixture::new();
    f.note("a.md", "# 가\n\n프로세스\n");
    build_ok(&f);
    assert!(!f.out().join("glossary").exists());
    assert!(!texts(&f.html("a.html"), ".site-nav a").contains(&"용어집".to_string()));
}

/// Every seed note links the terms it uses (first mention in prose, with
/// particles), and every term page lists the seeds that use it.
/// The in-repo twin of the seed test below: our real-shaped notes with
/// their glossary.yaml link the first use of each term in prose (list
/// items, table cells, quotes), never in headings, raw HTML headings or
/// code; aliases and English names link to the term.
#[test]
fn real_notes_link_their_terms_and_term_pages_list_them() {
    let f = Fixture::new();
    real_into(&f);
    let r = build_ok(&f);
    assert!(
        r.diagnostics
            .iter()
            .all(|d| !d.code.as_str().starts_with("glossary")),
        "{:#?}",
        diagnostics(&r)
    );
    let expected: &[(&str, &[(&str, &str)])] = &[
        (
            REAL_TIL,
            &[
                ("프로세스", "프로세스"),
                ("스레드", "스레드"),
                ("뮤텍스", "뮤텍스"),
                ("세마포어", "세마포어"),
                ("컨텍스트 스위칭", "컨텍스트 스위칭"),
            ],
        ),
        (
            // `<h2> 멀티스레드 </h2>` and `Context Switching` are headings.
            REAL_OS,
            &[
                ("프로세스", "프로세스"),
                ("스레드", "스레드"),
                ("교착 상태", "데드락"),
            ],
        ),
        (
            // `### … 멀티 쓰레드 …` is a heading.
            REAL_GHOST,
            &[
                ("스레드", "쓰레드"),
                ("프로세스", "프로세스"),
                ("뮤텍스", "뮤텍스"),
                ("세마포어", "세마포어"),
            ],
        ),
        (
            REAL_COMPARE,
            &[("프로세스", "프로세스"), ("스레드", "스레드")],
        ),
        (
            // 프로세스 first in a body cell: the table's header row and
            // the Python code do not count.
            REAL_GIL,
            &[
                ("GIL", "GIL"),
                ("스레드", "스레드"),
                ("멀티스레드", "멀티스레드"),
                ("프로세스", "프로세스"),
                ("교착 상태", "데드락"),
            ],
        ),
    ];
    for (note, links) in expected {
        let doc = f.html(&page_of(note));
        let want_terms: Vec<&str> = links.iter().map(|(t, _)| *t).collect();
        let want_words: Vec<&str> = links.iter().map(|(_, w)| *w).collect();
        assert_eq!(linked_terms(&doc), want_terms, "{note}");
        assert_eq!(linked_words(&doc), want_words, "{note}");
    }
    // The term page of 스레드 lists every note (its headings count too).
    let page = f.html("glossary/스레드.html");
    assert_eq!(
        attrs(&page, ".term-mentions li > a", "href").len(),
        5,
        "{:?}",
        attrs(&page, ".term-mentions li > a", "href")
    );
    let dead: Vec<String> = dead_links(&f.out())
        .into_iter()
        .filter(|d| d.contains("glossary"))
        .collect();
    assert!(dead.is_empty(), "{dead:#?}");
}

#[test]
fn seeds_link_their_terms_and_term_pages_list_the_seeds() {
    let f = Fixture::new();
    if seeds_into(&f).is_none() {
        return;
    }
    f.note("glossary.yaml", SEED_GLOSSARY);
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    assert!(
        r.diagnostics
            .iter()
            .all(|d| !d.code.as_str().starts_with("glossary")),
        "{:#?}",
        diagnostics(&r)
    );
    // What each seed links, checked by reading the seeds: the first use in
    // prose (list items, table body cells, quotes), never in headings, raw
    // HTML headings or code; aliases and English names link to the term.
    let expected: &[(&str, &[(&str, &str)])] = &[
        (
            "000_2f1ff3e4956592af",
            &[
                ("프로세스", "프로세스"),
                ("스레드", "스레드"),
                ("힙", "힙"),
                ("스택", "스택"),
                ("IPC", "IPC"),
                ("공유 메모리", "공유 메모리"),
                ("컨텍스트 스위칭", "컨텍스트 스위칭"),
                ("동기화", "동기화"),
                ("뮤텍스", "뮤텍스"),
                ("세마포어", "세마포어"),
            ],
        ),
        (
            "001_790d3016bd0bd629",
            &[
                ("프로세스", "프로세스"),
                ("스레드", "스레드"),
                ("멀티스레드", "멀티스레드"),
                ("컨텍스트 스위칭", "Context Switching"),
                ("스택", "스택"),
                ("힙", "힙"),
                ("동기화", "동기화"),
                ("교착 상태", "데드락"),
                ("멀티프로세스", "멀티 프로세스"),
            ],
        ),
        (
            "002_7742b99b9122a2d7",
            &[
                ("프로세스", "프로세스"),
                ("스레드", "쓰레드"),
                ("스택", "Stack"),
                ("힙", "Heap"),
                ("IPC", "IPC"),
                ("멀티프로세스", "멀티 프로세스"),
                ("멀티스레드", "멀티 쓰레드"),
                ("컨텍스트 스위칭", "Context Switching"),
                ("공유 메모리", "Shared Memory"),
                ("세마포어", "Semaphore"),
                ("동기화", "동기화"),
            ],
        ),
        (
            "003_2d607882581c34b5",
            &[
                ("스택", "스택"),
                ("힙", "힙"),
                ("스레드", "스레드"),
                ("IPC", "IPC"),
                ("공유 메모리", "공유 메모리"),
                ("프로세스", "프로세스"),
                ("동기화", "동기화"),
                ("GIL", "GIL"),
            ],
        ),
        (
            "004_09b56fabdb23dc24",
            &[
                ("프로세스", "프로세스"),
                ("힙", "힙"),
                ("스택", "스택"),
                ("스레드", "스레드"),
                ("컨텍스트 스위칭", "컨텍스트 스위칭"),
                ("IPC", "IPC"),
                ("공유 메모리", "공유 메모리"),
                ("멀티프로세스", "멀티프로세스"),
                ("멀티스레드", "멀티스레드"),
                ("동기화", "동기화"),
                ("뮤텍스", "Mutex"),
                ("세마포어", "Semaphore"),
            ],
        ),
    ];
    for (seed, links) in expected {
        let doc = f.html(&format!("{seed}.html"));
        let want_terms: Vec<&str> = links.iter().map(|(t, _)| *t).collect();
        let want_words: Vec<&str> = links.iter().map(|(_, w)| *w).collect();
        assert_eq!(linked_terms(&doc), want_terms, "{seed}");
        assert_eq!(linked_words(&doc), want_words, "{seed}");
        // Every link goes to the page of its term, which exists.
        for href in attrs(&doc, ".note-body a.term", "href") {
            assert!(href.starts_with("glossary/"), "{seed}: {href}");
        }
    }
    // Every term page lists exactly the seeds that use it: those that link
    // it and those whose headings name it.
    for term in [
        "프로세스",
        "스레드",
        "멀티스레드",
        "멀티프로세스",
        "컨텍스트 스위칭",
        "IPC",
        "PCB",
        "GIL",
        "뮤텍스",
        "세마포어",
        "교착 상태",
        "공유 메모리",
        "힙",
        "스택",
        "동기화",
    ] {
        let slug = term.replace(' ', "-").to_lowercase();
        let page = f.html(&format!("glossary/{slug}.html"));
        let listed: Vec<String> = attrs(&page, ".term-mentions li > a", "href")
            .into_iter()
            .map(|h| {
                h.trim_start_matches("../")
                    .split(['.', '#'])
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        let mut want: Vec<&str> = expected
            .iter()
            .filter(|(_, links)| links.iter().any(|(t, _)| *t == term))
            .map(|(seed, _)| *seed)
            .collect();
        // 003 names these only in its headings (`## 멀티프로세스 vs
        // 멀티스레드`, `### PCB (Process Control Block)`).
        if ["PCB", "멀티스레드", "멀티프로세스"].contains(&term) {
            want.push("003_2d607882581c34b5");
        }
        for seed in &want {
            assert!(
                listed.iter().any(|l| l == seed),
                "{term}: {seed} not in {listed:?}"
            );
        }
        assert!(!want.is_empty(), "{term} is used by some seed");
        assert_eq!(listed.len(), want.len(), "{term}: {listed:?}");
    }
    let dead: Vec<String> = dead_links(&f.out())
        .into_iter()
        .filter(|d| d.contains("glossary"))
        .collect();
    assert!(dead.is_empty(), "{dead:#?}");
}
