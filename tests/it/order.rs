//! Reading order (`order:`/`weight:`, a README's ordered list of links) and
//! series (`series:`).

use crate::common::*;

fn neighbors(f: &Fixture, page: &str) -> (Vec<String>, Vec<String>) {
    let doc = f.html(page);
    (
        texts(&doc, ".prev-next .prev")
            .into_iter()
            .map(|t| t.replace("← 이전 노트", ""))
            .collect(),
        texts(&doc, ".prev-next .next")
            .into_iter()
            .map(|t| t.replace("다음 노트 →", ""))
            .collect(),
    )
}

#[test]
fn a_readme_list_orders_its_folder() {
    let f = Fixture::new();
    // Dates say the opposite of the reading order on purpose.
    f.note(
        "운영체제/README.md",
        "# 운영체제 차례\n\n교재 순서대로 읽으세요.\n\n\
         1. [프로세스](1장%20프로세스.md)\n\
         2. [스레드](<2장 스레드 (Thread).md>)\n\
         3. [[3장 동기화]]\n\n\
         참고: [스레드](<2장 스레드 (Thread).md>)는 두 번 나옵니다.\n",
    );
    f.note(
        "운영체제/1장 프로세스.md",
        "---\ndate: 2026-03-03\n---\n# 프로세스\n",
    );
    f.note(
        "운영체제/2장 스레드 (Thread).md",
        "---\ndate: 2026-03-02\n---\n# 스레드\n",
    );
    f.note(
        "운영체제/3장 동기화.md",
        "---\ndate: 2026-03-01\n---\n# 동기화\n",
    );
    f.note("운영체제/부록.md", "---\ndate: 2026-01-01\n---\n# 부록\n");
    let report = f.build();
    assert_eq!(report.exit_code(), 0, "{:?}", diagnostics(&report));

    let cat = f.html("categories/운영체제.html");
    assert_eq!(
        texts(&cat, ".note-list.ordered .note-link"),
        vec!["프로세스", "스레드", "동기화", "부록"]
    );
    let readme = f.html("운영체제/index.html");
    assert_eq!(
        texts(&readme, ".folder-notes .note-link"),
        vec!["프로세스", "스레드", "동기화", "부록"]
    );
    assert_eq!(
        neighbors(&f, "운영체제/2장-스레드-thread.html"),
        (vec!["프로세스".to_string()], vec!["동기화".to_string()])
    );
    assert_eq!(
        neighbors(&f, "운영체제/1장-프로세스.html"),
        (vec![], vec!["스레드".to_string()])
    );
    // Unlisted notes come after the list, oldest first.
    assert_eq!(
        neighbors(&f, "운영체제/부록.html"),
        (vec!["동기화".to_string()], vec![])
    );
}

#[test]
fn order_and_weight_in_front_matter_come_first() {
    let f = Fixture::new();
    f.note("알고리즘/정렬.md", "---\norder: 2\n---\n# 정렬\n");
    f.note("알고리즘/탐색.md", "---\nweight: 1\n---\n# 탐색\n");
    f.note("알고리즘/그래프.md", "---\norder: \"3\"\n---\n# 그래프\n");
    f.note("알고리즘/잡담.md", "# 잡담\n");
    // A folder without any order keeps the date order (newest first).
    f.note("일기/a.md", "---\ndate: 2026-01-01\n---\n# 첫날\n");
    f.note("일기/b.md", "---\ndate: 2026-01-02\n---\n# 둘째 날\n");
    f.build();
    let cat = f.html("categories/알고리즘.html");
    assert_eq!(
        texts(&cat, ".note-list.ordered .note-link"),
        vec!["탐색", "정렬", "그래프", "잡담"]
    );
    let diary = f.html("categories/일기.html");
    assert!(diary.select(&sel(".note-list.ordered")).next().is_none());
    assert_eq!(texts(&diary, ".note-link"), vec!["둘째 날", "첫날"]);
    assert_eq!(
        neighbors(&f, "일기/b.html"),
        (vec!["첫날".to_string()], vec![])
    );
}

#[test]
fn a_series_has_a_box_on_each_note() {
    let f = Fixture::new();
    for (file, title, order) in [
        ("memory/가상 메모리.md", "가상 메모리", 2),
        ("memory/페이징 [기초].md", "페이징", 1),
        ("etc/페이지 교체.md", "페이지 교체", 3),
    ] {
        f.note(
            file,
            &format!("---\ntitle: {title}\nseries: 메모리 관리\norder: {order}\n---\n\n본문.\n"),
        );
    }
    f.note("memory/따로.md", "# 시리즈 아님\n");
    let report = f.build();
    assert_eq!(report.exit_code(), 0, "{:?}", diagnostics(&report));

    let mid = f.html("memory/가상-메모리.html");
    assert_eq!(text(&mid, ".series-box #series-title"), "메모리 관리");
    assert_eq!(text(&mid, ".series-position"), "2/3");
    assert_eq!(
        texts(&mid, ".series-box ol li"),
        vec!["페이징", "가상 메모리", "페이지 교체"]
    );
    assert_eq!(
        texts(&mid, ".series-box [aria-current]"),
        vec!["가상 메모리"]
    );
    assert_eq!(
        attrs(&mid, ".series-nav a", "href"),
        vec![
            "../memory/%ED%8E%98%EC%9D%B4%EC%A7%95-%EA%B8%B0%EC%B4%88.html",
            "../etc/%ED%8E%98%EC%9D%B4%EC%A7%80-%EA%B5%90%EC%B2%B4.html"
        ]
    );
    let first = f.html("memory/페이징-기초.html");
    assert_eq!(text(&first, ".series-position"), "1/3");
    assert_eq!(texts(&first, ".series-nav .prev").len(), 0);
    let other = f.html("memory/따로.html");
    assert!(other.select(&sel(".series-box")).next().is_none());
    assert!(dead_links(&f.out()).is_empty());
}
