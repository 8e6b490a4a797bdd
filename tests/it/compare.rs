//! Comparison tables: detection on note pages, the comparisons index, merged
//! pages per compared pair with citations, and what bad input does.

use crate::common::*;
use scraper::Html;

/// Rows of the merged table: (aspect, [cell texts]) without citation marks.
fn merged_rows(doc: &Html) -> Vec<(String, Vec<String>)> {
    doc.select(&sel("#merged tbody tr"))
        .map(|tr| {
            let aspect = tr
                .select(&sel("th"))
                .next()
                .map(|th| {
                    th.text()
                        .collect::<String>()
                        .trim()
                        .trim_end_matches(|c: char| c.is_ascii_digit())
                        .trim()
                        .to_string()
                })
                .unwrap_or_default();
            let cells = tr
                .select(&sel("td"))
                .map(|td| {
                    td.select(&sel(".compare-values li"))
                        .map(|li| {
                            li.children()
                                .filter_map(|n| match n.value() {
                                    scraper::Node::Text(t) => Some(t.to_string()),
                                    scraper::Node::Element(e) if e.name() != "sup" => {
                                        scraper::ElementRef::wrap(n)
                                            .map(|e| e.text().collect::<String>())
                                    }
                                    _ => None,
                                })
                                .collect::<String>()
                        })
                        .collect::<Vec<_>>()
                        .join(" / ")
                })
                .collect();
            (aspect, cells)
        })
        .collect()
}

/// The note pages a row of the merged table cites (decoded hrefs without
/// fragment), sorted and deduplicated.
fn cited_pages(doc: &Html, aspect: &str) -> Vec<String> {
    let row = doc
        .select(&sel("#merged tbody tr"))
        .find(|tr| {
            tr.select(&sel("th"))
                .next()
                .is_some_and(|th| th.text().collect::<String>().trim().starts_with(aspect))
        })
        .unwrap_or_else(|| panic!("no row {aspect}"));
    let mut pages: Vec<String> = row
        .select(&sel("sup.cite a"))
        .filter_map(|a| a.value().attr("href"))
        .map(|h| decode(h.split('#').next().unwrap_or("")))
        .collect();
    pages.sort();
    pages.dedup();
    pages
}

fn decode(s: &str) -> String {
    gongbu::internals::decode(s)
}

#[test]
fn seeds_merge_into_one_process_thread_page() {
    let f = Fixture::new();
    if seeds_into(&f).is_none() {
        return;
    }
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("compare/프로세스-vs-스레드.html");
    assert_eq!(text(&doc, "h1"), "프로세스 vs 스레드");
    let seed = |n: &str| {
        let name = std::fs::read_dir(f.root().join("notes"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|x| x.starts_with(n))
            .unwrap();
        format!("../{}", name.replace(".md", ".html"))
    };
    assert_eq!(
        cited_pages(&doc, "메모리"),
        vec![seed("003"), seed("004")],
        "메모리 row"
    );
    assert_eq!(
        cited_pages(&doc, "안정성"),
        vec![seed("000"), seed("003"), seed("004")],
        "안정성 row"
    );
    // Rows are ordered by how many notes cover them.
    let rows = merged_rows(&doc);
    let coverage: Vec<usize> = texts(&doc, "#merged tbody .coverage")
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
    assert!(coverage.windows(2).all(|w| w[0] >= w[1]), "{coverage:?}");
    let stability_row = rows
        .iter()
        .position(|r| r.0 == "안정성")
        .expect("안정성 row");
    assert_eq!(
        coverage[stability_row], coverage[0],
        "안정성 is among the best covered rows: {rows:#?}"
    );
    // 000's list form: its values arrive rendered, markup kept.
    let stability = &rows[stability_row].1;
    assert!(
        stability[0].contains("높음 (한 프로세스의 문제가 다른 프로세스에 영향 적음)"),
        "{stability:?}"
    );
    assert!(doc
        .select(&sel("#merged td strong"))
        .any(|e| e.text().collect::<String>() == "필수"));
    // The notes keep their own tables and lists, with anchors.
    let n000 = f.html(&seed("000")[3..]);
    assert_eq!(attrs(&n000, ".compare-list", "id"), vec!["compare-1"]);
    assert_eq!(texts(&n000, ".compare-list > ol > li").len(), 9);
    let n003 = f.html(&seed("003")[3..]);
    assert_eq!(attrs(&n003, ".table-wrap.compare", "id"), vec!["compare-1"]);
    assert_eq!(
        texts(&n003, ".table-wrap").len(),
        2,
        "the shared/own table stays ordinary"
    );
    assert_eq!(texts(&n003, ".table-wrap:not(.compare)").len(), 1);
    assert_eq!(
        attrs(&n003, ".compare-merged a", "href"),
        vec!["compare/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4-vs-%EC%8A%A4%EB%A0%88%EB%93%9C.html"]
    );
    // The index lists the three notes under the pair.
    let index = f.html("compare/index.html");
    assert!(texts(&index, ".compare-group h2 a").contains(&"프로세스 vs 스레드".to_string()));
    assert_eq!(
        texts(&index, "#프로세스-vs-스레드 .compare-sources-list li").len(),
        3
    );
    assert!(texts(&f.html("index.html"), ".site-nav a").contains(&"비교".to_string()));
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}

/// The in-repo twin of the seed test above: two tables and a parallel
/// list, in three of our real-shaped notes, merge into one page.
#[test]
fn real_notes_merge_into_one_process_thread_page() {
    let f = Fixture::new();
    real_into(&f);
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("compare/프로세스-vs-스레드.html");
    assert_eq!(text(&doc, "h1"), "프로세스 vs 스레드");
    let page = |name: &str| format!("../{}", page_of(name));
    let all_three = vec![page(REAL_TIL), page(REAL_COMPARE), page(REAL_GIL)];
    assert_eq!(cited_pages(&doc, "메모리"), all_three, "메모리 row");
    assert_eq!(cited_pages(&doc, "안정성"), all_three, "안정성 row");
    assert_eq!(cited_pages(&doc, "생성 비용"), vec![page(REAL_TIL)]);
    // Rows are ordered by how many notes cover them.
    let rows = merged_rows(&doc);
    let coverage: Vec<usize> = texts(&doc, "#merged tbody .coverage")
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
    assert!(coverage.windows(2).all(|w| w[0] >= w[1]), "{coverage:?}");
    assert_eq!(coverage[0], 3, "{rows:#?}");
    // The list form's values arrive rendered, markup kept.
    let stability = &rows.iter().find(|r| r.0 == "안정성").expect("안정성 row").1;
    assert!(
        stability[0].contains("높음 (하나가 죽어도 다른 프로세스는 멀쩡함)"),
        "{stability:?}"
    );
    assert!(doc
        .select(&sel("#merged td strong"))
        .any(|e| e.text().collect::<String>() == "필수"));
    // The notes keep their own tables and lists, with anchors; the
    // library table of the GIL note stays ordinary.
    let list = f.html(&page_of(REAL_COMPARE));
    assert_eq!(attrs(&list, ".compare-list", "id"), vec!["compare-1"]);
    assert_eq!(texts(&list, ".compare-list > ol > li").len(), 3);
    let gil = f.html(&page_of(REAL_GIL));
    assert_eq!(attrs(&gil, ".table-wrap.compare", "id"), vec!["compare-1"]);
    assert_eq!(texts(&gil, ".table-wrap:not(.compare)").len(), 1);
    let index = f.html("compare/index.html");
    assert_eq!(
        texts(&index, "#프로세스-vs-스레드 .compare-sources-list li").len(),
        3
    );
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}

#[test]
fn citations_link_to_existing_anchors_of_the_source_sections() {
    let f = Fixture::new();
    f.note(
        "os/a.md",
        "# A 노트\n\n## 표로 비교\n\n| 구분 | 뮤텍스 | 세마포어 |\n|---|---|---|\n| 소유권 | 있다 | 없다 |\n",
    )
    .note(
        "면접/b 노트.md",
        "# B\n\n## 뮤텍스와 세마포어의 차이\n\n1. **소유권**\n   - **뮤텍스**: 잠근 스레드만\n   - **세마포어**: 없다\n",
    );
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("compare/뮤텍스-vs-세마포어.html");
    let hrefs = attrs(&doc, "sup.cite a", "href");
    assert_eq!(
        hrefs,
        vec![
            "../os/a.html#compare-1",
            "../%EB%A9%B4%EC%A0%91/b-%EB%85%B8%ED%8A%B8.html#compare-1",
            "../os/a.html#compare-1",
            "../%EB%A9%B4%EC%A0%91/b-%EB%85%B8%ED%8A%B8.html#compare-1",
        ]
    );
    // The same value from two notes is one value with two citations.
    let rows = merged_rows(&doc);
    assert_eq!(
        rows,
        vec![(
            "소유권".to_string(),
            vec!["있다 / 잠근 스레드만".to_string(), "없다".to_string()]
        )]
    );
    assert_eq!(
        texts(&doc, "#merged tbody td:nth-child(3) sup.cite"),
        vec!["1", "2"]
    );
    // Citation titles and the legend name the note and section.
    assert_eq!(
        attrs(&doc, "sup.cite a", "title")[1],
        "B › 뮤텍스와 세마포어의 차이"
    );
    assert_eq!(
        texts(&doc, ".compare-sources li a"),
        vec!["A 노트 › 표로 비교", "B › 뮤텍스와 세마포어의 차이"]
    );
    // The anchors exist on the note pages.
    assert_eq!(
        attrs(&f.html("os/a.html"), ".table-wrap.compare", "id"),
        vec!["compare-1"]
    );
    assert_eq!(
        attrs(&f.html("면접/b-노트.html"), ".compare-list", "id"),
        vec!["compare-1"]
    );
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
    // In the sitemap.
    let sitemap = f.read("sitemap.xml");
    assert!(sitemap.contains("compare/index.html"));
    assert!(sitemap.contains(
        "compare/%EB%AE%A4%ED%85%8D%EC%8A%A4-vs-%EC%84%B8%EB%A7%88%ED%8F%AC%EC%96%B4.html"
    ));
}

#[test]
fn pages_are_named_with_hangul_and_keep_the_usual_order() {
    let f = Fixture::new();
    let t = |a: &str, b: &str| format!("| 구분 | {a} | {b} |\n|---|---|---|\n| 비용 | 1 | 2 |\n");
    f.note("a.md", &t("커널 수준 스레드", "사용자 수준 스레드"))
        .note("b.md", &t("사용자 수준 스레드", "커널 수준 스레드"))
        .note("c.md", &t("사용자 수준 스레드", "**커널 수준 스레드**"))
        .note("d.md", &t("C++", "Rust"));
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let files: Vec<String> = std::fs::read_dir(f.out().join("compare"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        files,
        vec![
            "c++-vs-rust.html",
            "index.html",
            "사용자-수준-스레드-vs-커널-수준-스레드.html"
        ]
    );
    let doc = f.html("compare/사용자-수준-스레드-vs-커널-수준-스레드.html");
    assert_eq!(
        text(&doc, "title"),
        "사용자 수준 스레드 vs 커널 수준 스레드 · 공부 노트"
    );
    // a.md's columns are the other way round; values still line up.
    assert_eq!(
        merged_rows(&doc),
        vec![(
            "비용".to_string(),
            vec!["1 / 2".to_string(), "2 / 1".to_string()]
        )]
    );
    assert_eq!(
        text(&f.html("compare/c++-vs-rust.html"), "h1"),
        "C++ vs Rust"
    );
}

#[test]
fn ordinary_tables_and_lists_stay_ordinary() {
    let f = Fixture::new();
    f.note(
        "a.md",
        "# 노트\n\n## 지표\n\n| 지표 | 뜻 | 방향 |\n|---|---|---|\n| 처리량 | 끝낸 수 | 높을수록 |\n\n| 상태 | 의미 |\n|---|---|\n| 준비 | 기다림 |\n\n## 요약\n\n- 프로세스: 실행 중인 프로그램\n- 스레드: 흐름\n",
    );
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("a.html");
    assert_eq!(texts(&doc, ".table-wrap").len(), 2);
    assert!(texts(&doc, ".table-wrap.compare, .compare-list").is_empty());
    assert!(!f.out().join("compare").exists());
    assert!(!texts(&doc, ".site-nav a").contains(&"비교".to_string()));
}

#[test]
fn aspect_aliases_from_gongbu_yaml_share_a_row() {
    let f = Fixture::new();
    f.config("aspect_aliases:\n  메모리: [메모리 구조, 주소 공간]\n")
        .note("a.md", "| 구분 | 프로세스 | 스레드 |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n| 생성 비용 | 큼 | 작음 |\n")
        .note("b.md", "| 특성 | 프로세스 | 스레드 |\n|---|---|---|\n| **메모리 구조** | 따로 | 함께 |\n| 생성비용: | 큼 | 작음 |\n")
        .note("c.md", "| 구분 | 프로세스 | 스레드 |\n|---|---|---|\n| 주소 공간 | 독립 | 공유 |\n");
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("compare/프로세스-vs-스레드.html");
    assert_eq!(
        merged_rows(&doc),
        vec![
            (
                "메모리".to_string(),
                vec!["독립 / 따로".to_string(), "공유 / 함께".to_string()]
            ),
            (
                "생성 비용".to_string(),
                vec!["큼".to_string(), "작음".to_string()]
            ),
        ]
    );
    assert_eq!(texts(&doc, "#merged tbody .coverage"), vec!["3", "2"]);
}

#[test]
fn bad_input_is_reported_and_nothing_is_lost() {
    let f = Fixture::new();
    f.config("aspect_aliases:\n  메모리: [주소 공간]\n  구조: [주소 공간]\n")
        .note(
            "a.md",
            "# A\n\n| 구분 | 스레드 | 스레드 |\n|---|---|---|\n| 메모리 | a | b |\n\n| 구분 | 프로세스 | 스레드 |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n|  | 이름 없는 값 | 다른 값 |\n",
        );
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "warnings only: {:#?}", diagnostics(&r));
    let d = diagnostics(&r);
    let find = |code: &str| {
        d.iter()
            .find(|x| x.contains(code))
            .unwrap_or_else(|| panic!("no {code} in {d:#?}"))
            .clone()
    };
    let dup = find("compare-subject");
    assert!(dup.contains("notes/a.md:3"), "{dup}");
    assert!(dup.contains("`스레드`와 `스레드`"), "{dup}");
    let unnamed = find("compare-aspect");
    assert!(unnamed.contains("notes/a.md:10"), "{unnamed}");
    let alias = find("compare-alias");
    assert!(
        alias.contains("gongbu.yaml") && alias.contains("주소 공간"),
        "{alias}"
    );
    // The duplicate table is still on the page, as an ordinary table.
    let doc = f.html("a.html");
    assert_eq!(texts(&doc, ".table-wrap").len(), 2);
    assert_eq!(texts(&doc, ".table-wrap.compare").len(), 1);
    // The unnamed row's values are on the merged page.
    let page = f.html("compare/프로세스-vs-스레드.html");
    let rows = merged_rows(&page);
    assert_eq!(
        rows[1],
        (
            "이름 없는 항목".to_string(),
            vec!["이름 없는 값".to_string(), "다른 값".to_string()]
        )
    );
    // --strict turns the warnings into errors.
    let strict = f.build_with(|o| o.strict = true);
    assert_eq!(strict.exit_code(), 1);
}

#[test]
fn values_are_escaped_and_note_links_do_not_leak() {
    let f = Fixture::new();
    f.note(
        "os/a.md",
        "| 구분 | A | B |\n|---|---|---|\n| 값 | <script>x()</script> 끝 | [링크](../b.md) 와 `코드` |\n| 줄 | 하나<br>둘 | - 목록 아님 |\n",
    )
    .note("b.md", "# B\n");
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let html = f.read("compare/a-vs-b.html");
    assert!(
        !html.contains("<script>x()"),
        "raw script in the merged page"
    );
    assert!(html.contains("&lt;script&gt;x()&lt;/script&gt; 끝"));
    let doc = f.html("compare/a-vs-b.html");
    assert_eq!(
        merged_rows(&doc),
        vec![
            (
                "값".to_string(),
                vec![
                    "<script>x()</script> 끝".to_string(),
                    "링크 와 코드".to_string()
                ]
            ),
            (
                "줄".to_string(),
                vec!["하나\n둘".to_string(), "- 목록 아님".to_string()]
            ),
        ]
    );
    assert_eq!(texts(&doc, "#merged td br").len(), 1);
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}

#[test]
fn crowded_pairs_cap_citations_per_cell() {
    let f = Fixture::new();
    for i in 0..40 {
        f.note(
            &format!("n{i:02}.md"),
            &format!(
                "| 구분 | 프로세스 | 스레드 |\n|---|---|---|\n| 메모리 | 값{} | 공유 |\n",
                i % 12
            ),
        );
    }
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("compare/프로세스-vs-스레드.html");
    // 12 different values: the 8 most cited shown, the others counted.
    assert_eq!(
        texts(&doc, "#merged td:nth-child(2) .compare-values li").len(),
        8
    );
    assert_eq!(text(&doc, "#merged td:nth-child(2) .more"), "외 12개 노트");
    // 40 notes agree on one value: 5 citations and +35.
    assert_eq!(texts(&doc, "#merged td:nth-child(3) sup.cite").len(), 5);
    assert_eq!(text(&doc, "#merged td:nth-child(3) sup.cite-more"), "+35");
    assert_eq!(texts(&doc, ".compare-sources li").len(), 40);
    // The index lists the first 20 and points to the merged page.
    let index = f.html("compare/index.html");
    assert_eq!(texts(&index, ".compare-sources-list li").len(), 20);
    assert_eq!(
        text(&index, ".compare-group .more"),
        "외 20개 — 합친 표에서 보기"
    );
}

/// Needs glossary loading from `notes/glossary.yaml` (another feature): the
/// subjects are then matched through aliases and link to their term pages.
#[test]
fn glossary_yaml_aliases_merge_subjects() {
    let f = Fixture::new();
    f.note(
        "glossary.yaml",
        "- term: 스레드\n  aliases: [쓰레드, Thread]\n  english: Thread\n  definition: 실행 흐름의 단위다.\n",
    )
    .note("a.md", "| 구분 | 프로세스 | 스레드 |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n")
    .note("b.md", "| 구분 | 프로세스 | 쓰레드 (Thread) |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n");
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let files: Vec<String> = std::fs::read_dir(f.out().join("compare"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.html")
        .collect();
    assert_eq!(files, vec!["프로세스-vs-스레드.html"]);
    let doc = f.html("compare/프로세스-vs-스레드.html");
    assert_eq!(
        attrs(&doc, "#merged thead a.compare-term", "href"),
        vec!["../glossary/%EC%8A%A4%EB%A0%88%EB%93%9C.html"]
    );
    // On the note page the header cell links to the term (by this pass or
    // by the glossary's own linking, never both).
    assert_eq!(
        attrs(&f.html("b.html"), ".table-wrap.compare thead a", "href"),
        vec!["glossary/%EC%8A%A4%EB%A0%88%EB%93%9C.html"]
    );
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}

#[test]
fn links_to_a_comparison_anchor_are_checked_like_headings() {
    let f = Fixture::new();
    f.note(
        "a.md",
        "# A\n\n| 구분 | 프로세스 | 스레드 |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n",
    )
    .note(
        "b.md",
        "# B\n\n[비교표](a.md#compare-1), [없는 비교표](a.md#compare-2)\n",
    );
    let r = f.build();
    let broken: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == "broken-link")
        .collect();
    assert_eq!(broken.len(), 1, "{:#?}", diagnostics(&r));
    assert!(broken[0].message.contains("compare-2"));
    assert_eq!(
        attrs(&f.html("b.html"), ".note-body p a", "href"),
        vec!["a.html#compare-1"]
    );
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}
