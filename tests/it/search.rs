//! Search: the index files, the search page, and the client's answers for
//! real queries. The client (`assets/search.js` of the built site) runs in
//! Node through `tests/browser/search-cli.mjs`, without a browser; the
//! browser itself is tested by `tests/browser/search.test.mjs`.

use std::path::Path;
use std::process::Command;

use crate::common::*;
use gongbu::internals::{hash, segments, SegmentKind};
use serde_json::Value;

/// One query's answer from the client.
#[derive(Debug)]
struct Answer {
    mode: String,
    total: usize,
    partial: bool,
    /// (kind, title, href, section, snippet)
    results: Vec<(String, String, String, String, String)>,
}

impl Answer {
    fn hrefs(&self) -> Vec<&str> {
        self.results.iter().map(|r| r.2.as_str()).collect()
    }

    /// Page file names of the results (href without `#anchor`).
    fn pages(&self) -> Vec<String> {
        self.results
            .iter()
            .map(|r| r.2.split('#').next().unwrap_or("").to_string())
            .collect()
    }

    fn has_page_starting(&self, prefix: &str) -> bool {
        self.pages().iter().any(|p| p.starts_with(prefix))
    }
}

fn node_available() -> bool {
    let ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        missing("node (Node.js 18+, for the search client)");
    }
    ok
}

fn cli_script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/search-cli.mjs")
}

/// Runs the built site's client on `queries`, both ways it reads the
/// index: by byte range (as over HTTP) and whole packs as scripts (as from
/// `file://`), which must answer alike. None when Node is missing.
fn ask(site: &Path, queries: &[&str]) -> Option<Vec<Answer>> {
    if !node_available() {
        return None;
    }
    let run = |scripts: bool| {
        let out = Command::new("node")
            .arg(cli_script())
            .args(scripts.then_some("--scripts"))
            .arg(site)
            .args(queries)
            .output()
            .expect("run node");
        assert!(
            out.status.success(),
            "search-cli failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let text = run(false);
    assert_eq!(text, run(true), "range reads and whole packs answer alike");
    assert_eq!(
        text.lines().count(),
        queries.len(),
        "one answer line per query:\n{text}"
    );
    let answers: Vec<Answer> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("json line");
            Answer {
                mode: v["mode"].as_str().unwrap_or("").to_string(),
                total: v["total"].as_u64().unwrap_or(0) as usize,
                partial: v["partial"].as_bool().unwrap_or(false),
                results: v["results"]
                    .as_array()
                    .expect("results")
                    .iter()
                    .map(|r| {
                        let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
                        (s("kind"), s("title"), s("href"), s("section"), s("snippet"))
                    })
                    .collect(),
            }
        })
        .collect();
    assert_eq!(answers.len(), queries.len());
    Some(answers)
}

fn ask_one(site: &Path, query: &str) -> Option<Answer> {
    ask(site, &[query]).map(|mut a| a.remove(0))
}

fn built(f: &Fixture) -> &Fixture {
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    f
}

/// The five seed notes plus a glossary naming 스레드 with its alias 쓰레드.
fn seeds_with_glossary() -> Option<Fixture> {
    let f = Fixture::new();
    seeds_into(&f)?;
    f.note(
        "glossary.yaml",
        "- term: 스레드\n  aliases: [쓰레드]\n  english: Thread\n  definition: 프로세스 안에서 실행되는 흐름의 단위\n",
    );
    built(&f);
    Some(f)
}

#[test]
fn every_page_gets_the_search_box_and_the_search_page_is_written() {
    let f = Fixture::new();
    f.note("os/process.md", "# 프로세스\n\n실행 중인 프로그램\n");
    built(&f);
    let page = f.html("os/process.html");
    assert_eq!(
        attrs(&page, "form.site-search", "action"),
        vec!["../search.html"]
    );
    assert!(attrs(&page, "script", "src").contains(&"../assets/search.js".to_string()));
    let search = f.html("search.html");
    assert_eq!(text(&search, "h1"), "검색");
    assert_eq!(search.select(&sel("#search-results")).count(), 1);
    assert_eq!(attrs(&search, ".search-page-form input", "name"), vec!["q"]);
    let meta = f.read("search/meta.js");
    assert!(meta.starts_with("gongbuSearch(\"meta\",0,\""), "{meta}");
    assert!(f.out().join("search/frags-0.js").is_file());
    assert!(f.out().join("search/shards-0.js").is_file());
    // A small site's index is three files: meta, one pack of shards, one of texts.
    assert_eq!(
        std::fs::read_dir(f.out().join("search")).unwrap().count(),
        3
    );
    assert!(f.out().join("assets/search.js").is_file());
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}

#[test]
fn index_files_are_the_same_for_the_same_notes() {
    let f = Fixture::new();
    f.note("a.md", "# 스레드\n\n## 동기화\n\n뮤텍스와 세마포어\n")
        .note(
            "b/c.md",
            "---\ntags: [OS]\n---\n# 프로세스\n\nfork로 만든다\n",
        );
    built(&f);
    let first: Vec<(String, Vec<u8>)> = tree(&f.out().join("search"));
    built(&f);
    assert_eq!(first, tree(&f.out().join("search")));
}

#[test]
fn notes_cannot_take_the_search_paths() {
    let f = Fixture::new();
    f.note("search.md", "# 검색 노트\n")
        .note("search/x.md", "# 안쪽\n");
    let r = f.build();
    assert_eq!(r.exit_code(), 1);
    let d = diagnostics(&r);
    assert_eq!(
        d.iter()
            .filter(|m| m.contains("gongbu가 만드는 페이지"))
            .count(),
        2,
        "{d:#?}"
    );
    assert!(!r.written);
}

#[test]
fn seeds_answer_what_korean_readers_type() {
    let f = Fixture::new();
    if seeds_into(&f).is_none() {
        return;
    }
    built(&f);
    let Some(a) = ask(
        &f.out(),
        &["멀티스레드", "GIL", "ㅍㄹㅅㅅ", "데드락", "스레드"],
    ) else {
        return;
    };
    // 멀티스레드: the three notes that write it; not 000 (멀티코어 … 스레드)
    // nor 002 (멀티 쓰레드).
    let mut pages = a[0].pages();
    pages.sort();
    assert_eq!(
        pages,
        vec![
            "001_790d3016bd0bd629.html",
            "003_2d607882581c34b5.html",
            "004_09b56fabdb23dc24.html"
        ]
    );
    assert_eq!(a[1].pages()[0], "003_2d607882581c34b5.html");
    assert!(
        a[1].hrefs()[0].contains("#python의-gil")
            || a[1].hrefs()[0].contains("#python%EC%9D%98-gil")
    );
    // ㅍㄹㅅㅅ: titles and headings about 프로세스.
    assert_eq!(a[2].mode, "initial");
    for seed in ["000_", "001_", "002_", "003_", "004_"] {
        assert!(a[2].has_page_starting(seed), "{seed} {:?}", a[2].hrefs());
    }
    // Title matches first.
    assert!(a[2].pages()[..3]
        .iter()
        .all(|p| !p.starts_with("002_") && !p.starts_with("004_")));
    assert!(a[3].has_page_starting("001_"), "{:?}", a[3].hrefs());
    assert!(a[3].results[0].4.contains("데드락"));
    for seed in ["000_", "001_", "003_", "004_"] {
        assert!(a[4].has_page_starting(seed), "{seed} {:?}", a[4].hrefs());
    }
}

/// The in-repo twin of the seed test above.
#[test]
fn real_notes_answer_what_korean_readers_type() {
    let f = Fixture::new();
    real_into(&f);
    built(&f);
    let Some(a) = ask(
        &f.out(),
        &[
            "멀티스레드",
            "GIL",
            "ㅍㄹㅅㅅ",
            "데드락",
            "쓰레드",
            "thread",
        ],
    ) else {
        return;
    };
    let page = |name: &str| gongbu::internals::encode_path(&page_of(name));
    let term = |t: &str| gongbu::internals::encode_path(&format!("glossary/{t}.html"));
    // 멀티스레드: the term, then the notes that write it or its alias
    // (멀티 쓰레드) in prose or a markdown heading.
    assert_eq!(a[0].hrefs()[0], term("멀티스레드"));
    let pages = a[0].pages();
    assert!(pages.contains(&page(REAL_GIL)), "{pages:?}");
    assert!(pages.contains(&page(REAL_GHOST)), "{pages:?}");
    // GIL: the term, then the section of the note about it.
    assert_eq!(a[1].hrefs()[0], term("gil"));
    assert_eq!(
        gongbu::internals::decode(a[1].hrefs()[1]),
        format!("{}#python의-gil", page_of(REAL_GIL))
    );
    // ㅍㄹㅅㅅ: titles and headings about 프로세스, not the 쓰레드 note.
    assert_eq!(a[2].mode, "initial");
    for note in [REAL_TIL, REAL_OS, REAL_COMPARE, REAL_GIL] {
        assert!(
            a[2].pages().contains(&page(note)),
            "{note} {:?}",
            a[2].hrefs()
        );
    }
    assert!(!a[2].pages().contains(&page(REAL_GHOST)));
    // 데드락 (an alias of 교착 상태): the term, then both notes using it.
    assert_eq!(a[3].hrefs()[0], term("교착-상태"));
    for note in [REAL_OS, REAL_GIL] {
        assert!(
            a[3].pages().contains(&page(note)),
            "{note} {:?}",
            a[3].hrefs()
        );
    }
    assert!(
        a[3].results[1].4.contains("데드락"),
        "{:?}",
        a[3].results[1]
    );
    // 쓰레드 and thread find every note, the term first.
    for answer in &a[4..] {
        assert_eq!(answer.hrefs()[0], term("스레드"));
        for note in [REAL_TIL, REAL_OS, REAL_GHOST, REAL_COMPARE, REAL_GIL] {
            assert!(
                answer.pages().contains(&page(note)),
                "{note} {:?}",
                answer.hrefs()
            );
        }
    }
}

#[test]
fn seeds_find_every_spelling_of_a_term() {
    let Some(f) = seeds_with_glossary() else {
        return;
    };
    let Some(a) = ask(&f.out(), &["스레드", "쓰레드", "thread", "쓰레드가"]) else {
        return;
    };
    for answer in &a {
        for seed in ["000_", "001_", "002_", "003_", "004_"] {
            assert!(
                answer.has_page_starting(seed),
                "{seed} missing: {:?}",
                answer.hrefs()
            );
        }
        // The glossary term itself comes first.
        assert_eq!(answer.results[0].0, "term", "{:?}", answer.results[0]);
    }
}

#[test]
fn title_and_term_first_then_headings_then_body() {
    let f = Fixture::new();
    f.note("a-body.md", "# 가\n\n세마포어를 한 번 쓴다.\n")
        .note("b-heading.md", "# 나\n\n앞\n\n## 세마포어\n\n설명\n")
        .note("c-title.md", "# 세마포어 정리\n\n내용\n")
        .note(
            "d-body-often.md",
            "# 라\n\n세마포어 세마포어 세마포어, 세마포어는 세마포어로.\n",
        )
        .note("e-none.md", "# 마\n\n뮤텍스\n");
    built(&f);
    let Some(a) = ask_one(&f.out(), "세마포어") else {
        return;
    };
    assert_eq!(
        a.pages(),
        vec![
            "c-title.html",
            "b-heading.html",
            "d-body-often.html",
            "a-body.html"
        ]
    );
    assert_eq!(
        a.hrefs()[1],
        "b-heading.html#세마포어".replace("세마포어", "%EC%84%B8%EB%A7%88%ED%8F%AC%EC%96%B4")
    );
    assert_eq!(a.results[1].3, "세마포어");
}

#[test]
fn results_link_to_the_section_of_the_match() {
    let f = Fixture::new();
    f.note(
        "os/sync.md",
        "# 동기화\n\n개요\n\n## 뮤텍스\n\n잠금 하나\n\n## 교착 상태\n\n데드락은 서로 기다리는 상태\n",
    );
    built(&f);
    let Some(a) = ask_one(&f.out(), "데드락") else {
        return;
    };
    assert_eq!(a.results.len(), 1);
    let href = &a.results[0].2;
    assert!(href.starts_with("os/sync.html#"), "{href}");
    assert_eq!(a.results[0].3, "교착 상태");
    // The anchor exists on the page.
    let doc = f.html("os/sync.html");
    let id = gongbu::internals::decode(href.split('#').nth(1).unwrap_or(""));
    assert!(attrs(&doc, "h2", "id").contains(&id), "{id}");
}

#[test]
fn nearby_words_rank_above_scattered_ones() {
    let f = Fixture::new();
    let filler = "다른 이야기가 길게 이어진다. ".repeat(20);
    f.note(
        "far.md",
        &format!("# 가\n\n프로세스 이야기. {filler} 생성 이야기.\n"),
    )
    .note("near.md", "# 나\n\n프로세스 생성 비용은 크다.\n")
    .note("one.md", "# 다\n\n프로세스만 나온다.\n");
    built(&f);
    let Some(a) = ask_one(&f.out(), "프로세스 생성") else {
        return;
    };
    assert_eq!(a.pages(), vec!["near.html", "far.html"]);
    assert!(!a.partial);
    // No note has both: the notes with some of the words, marked partial.
    let Some(b) = ask_one(&f.out(), "프로세스 자바") else {
        return;
    };
    assert!(b.partial);
    assert_eq!(b.total, 3);
}

#[test]
fn words_match_by_prefix_and_hangul_by_part() {
    let f = Fixture::new();
    f.note("sched.md", "# Scheduler 정리\n\nRound-robin scheduling\n")
        .note(
            "heap.md",
            "# 자료구조\n\n힙은 완전 이진 트리. 힙정렬도 있다.\n",
        )
        .note("queue.md", "# 큐\n\n우선순위큐를 쓴다\n")
        .note("thread.md", "# 동시성\n\n스레드는 가볍다\n")
        .note("cpu.md", "# 하드웨어\n\nCPU가 명령을 실행한다\n");
    built(&f);
    let Some(a) = ask(
        &f.out(),
        &["sched", "SCHEDULING", "힙", "스레드가", "레드", "cpu", "가"],
    ) else {
        return;
    };
    assert_eq!(a[0].pages(), vec!["sched.html"]);
    assert_eq!(a[1].pages(), vec!["sched.html"]);
    assert_eq!(a[2].pages(), vec!["heap.html"]);
    // The particle of the query is dropped: 스레드가 finds 스레드는.
    assert_eq!(a[3].pages(), vec!["thread.html"]);
    assert_eq!(a[4].pages(), vec!["thread.html"]);
    assert_eq!(a[5].pages(), vec!["cpu.html"]);
    // 가 after CPU is a particle, not a word: only 가볍다 starts with 가.
    assert_eq!(a[6].pages(), vec!["thread.html"]);
}

#[test]
fn initial_consonants_match_titles_tags_and_headings_not_body() {
    let f = Fixture::new();
    f.note("a.md", "---\ntags: [동기화]\n---\n# 가\n\n본문\n")
        .note("b.md", "# 나\n\n## 교착 상태\n\n본문\n")
        .note("c.md", "# 다\n\n교착 상태와 동기화는 본문에만\n");
    built(&f);
    let Some(a) = ask(&f.out(), &["ㄷㄱㅎ", "ㄱㅊ ㅅㅌ", "ㄴ"]) else {
        return;
    };
    assert_eq!(a[0].mode, "initial");
    assert_eq!(a[0].pages(), vec!["a.html"]);
    assert_eq!(a[1].pages(), vec!["b.html"]);
    assert_eq!(a[1].results[0].3, "교착 상태");
    // One consonant: titles that start with it.
    assert_eq!(a[2].pages(), vec!["b.html"]);
}

#[test]
fn markup_in_notes_stays_text() {
    let f = Fixture::new();
    f.note(
        "x.md",
        "---\ntitle: \"<script>alert(1)</script> 스크립트\"\ntags: [\"<img src=x onerror=alert(1)>\"]\n---\n본문에 </script><b>굵게</b> 스크립트\n",
    );
    built(&f);
    for (path, bytes) in tree(&f.out().join("search")) {
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(!text.contains('<'), "{path}: {text}");
    }
    let Some(a) = ask_one(&f.out(), "스크립트") else {
        return;
    };
    assert_eq!(a.results[0].1, "<script>alert(1)</script> 스크립트");
}

#[test]
fn multi_word_glossary_names_and_aliases() {
    let f = Fixture::new();
    f.note(
        "glossary.yaml",
        "- term: 컨텍스트 스위칭\n  aliases: [문맥 교환]\n  english: Context Switch\n  definition: CPU가 실행할 작업을 바꾸는 일\n",
    )
    .note("a.md", "# 가\n\n문맥 교환은 비싸다\n")
    .note("b.md", "# 나\n\nContext switching costs\n")
    .note("c.md", "# 다\n\n컨텍스트 스위칭을 줄이자\n")
    .note("d.md", "# 라\n\n컨텍스트만 있고 스위칭은 멀리 떨어져 있다\n");
    built(&f);
    let Some(a) = ask(
        &f.out(),
        &[
            "컨텍스트 스위칭",
            "문맥교환",
            "context switch",
            "컨텍스트 스위칭을",
        ],
    ) else {
        return;
    };
    for answer in &a {
        assert_eq!(answer.results[0].0, "term");
        let mut pages = answer.pages();
        pages.retain(|p| !p.starts_with("glossary/"));
        pages.sort();
        assert_eq!(
            pages,
            vec!["a.html", "b.html", "c.html"],
            "{:?}",
            answer.hrefs()
        );
    }
}

#[test]
fn client_splits_text_like_the_index() {
    if !node_available() {
        return;
    }
    let samples = [
        "👻 CPU가 멀티스레드를, thread_pool",
        "Context-Switching이 잦다 (PCB 저장)",
        "漢字와 ひらがな, Ünïcödé 123",
        "ㅋㅋ 𠀀𠀁 e\u{301}",
    ];
    let out = Command::new("node")
        .arg(cli_script())
        .arg("--segments")
        .args(samples)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(
        text.lines().count(),
        samples.len(),
        "one line per sample:\n{text}"
    );
    for (line, sample) in text.lines().zip(samples) {
        let v: Value = serde_json::from_str(line).expect("json");
        let js: Vec<(String, String, u64, bool)> = v["segments"]
            .as_array()
            .expect("segments")
            .iter()
            .map(|s| {
                (
                    s["kind"].as_str().unwrap_or("").to_string(),
                    s["text"].as_str().unwrap_or("").to_string(),
                    s["pos"].as_u64().unwrap_or(0),
                    s["attached"].as_bool().unwrap_or(false),
                )
            })
            .collect();
        let rust: Vec<(String, String, u64, bool)> = segments(sample)
            .into_iter()
            .map(|s| {
                (
                    match s.kind {
                        SegmentKind::Cjk => "cjk",
                        SegmentKind::Word => "word",
                    }
                    .to_string(),
                    s.text.to_string(),
                    u64::from(s.pos),
                    s.attached,
                )
            })
            .collect();
        assert_eq!(js, rust, "{sample}");
        let hashes: Vec<u64> = v["hash"]
            .as_array()
            .expect("hash")
            .iter()
            .map(|h| h.as_u64().unwrap_or(0))
            .collect();
        let rust_hashes: Vec<u64> = segments(sample)
            .iter()
            .map(|s| u64::from(hash(s.text)))
            .collect();
        assert_eq!(hashes, rust_hashes, "{sample}");
    }
}

#[test]
fn words_only_in_code_blocks_are_found_below_prose() {
    let f = Fixture::new();
    f.note(
        "os/메모리 구조.md",
        "# 메모리 구조\n\n프로세스의 주소 공간은 아래와 같다.\n\n```text\n+-----------+\n|   스택영역   |\n+-----------+\n|   힙영역    |\n+-----------+\n```\n",
    )
    .note("os/힙.md", "# 힙\n\n힙영역은 동적 할당에 쓰인다.\n");
    built(&f);
    // Runs the real client: Node.js is required here, not optional.
    let a = ask_one(&f.out(), "스택영역").expect("node (Node.js 18+) runs the search client");
    assert_eq!(
        a.pages(),
        vec!["os/%EB%A9%94%EB%AA%A8%EB%A6%AC-%EA%B5%AC%EC%A1%B0.html"]
    );
    let a = ask_one(&f.out(), "힙영역").expect("node runs the search client");
    assert_eq!(
        a.pages(),
        vec![
            "os/%ED%9E%99.html",
            "os/%EB%A9%94%EB%AA%A8%EB%A6%AC-%EA%B5%AC%EC%A1%B0.html"
        ],
        "prose first"
    );
}

/// The payload of `meta.js` (`gongbuSearch("meta", 0, stamp, "", payload);`).
fn index_payload(text: &str) -> Value {
    let payload = text.splitn(5, ',').nth(4).expect("five arguments");
    serde_json::from_str(payload.strip_suffix(");\n").expect("ends the call")).expect("json")
}

/// The units of a pack file, read the way the client reads them over HTTP:
/// the first line's lengths, then each unit at its place (a JSON string of
/// base64 zlib data).
fn pack_units(text: &str) -> Vec<Value> {
    use base64::Engine as _;
    use std::io::Read as _;
    let head_len = text.find('\n').expect("a first line") + 1;
    let lengths = varints(text[..head_len].split('"').nth(5).expect("lengths"));
    let mut at = head_len;
    let mut units = Vec::new();
    for len in lengths {
        let unit: String = serde_json::from_str(&text[at..at + len]).expect("a JSON string");
        at += len + 2;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(unit)
            .expect("base64");
        let mut json = String::new();
        flate2::read::ZlibDecoder::new(&bytes[..])
            .read_to_string(&mut json)
            .expect("zlib");
        units.push(serde_json::from_str(&json).expect("JSON"));
    }
    assert!(text.ends_with("]);\n"));
    units
}

/// Every unit of the pack files of `kind`, in unit order.
fn all_units(f: &Fixture, kind: &str) -> Vec<Value> {
    let mut packs: Vec<(usize, String)> = std::fs::read_dir(f.out().join("search"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            let n = name
                .strip_prefix(&format!("{kind}-"))?
                .strip_suffix(".js")?;
            Some((n.parse().ok()?, name))
        })
        .collect();
    packs.sort();
    packs
        .iter()
        .flat_map(|(_, name)| pack_units(&f.read(&format!("search/{name}"))))
        .collect()
}

/// A varint string of the index (the postings alphabet) as numbers.
fn varints(s: &str) -> Vec<usize> {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
    let mut out = Vec::new();
    let (mut v, mut shift) = (0usize, 0u32);
    for b in s.bytes() {
        let d = DIGITS
            .iter()
            .position(|&x| x == b)
            .expect("postings letter");
        if d < 32 {
            out.push(v | (d << shift));
            (v, shift) = (0, 0);
        } else {
            v |= (d - 32) << shift;
            shift += 5;
        }
    }
    assert_eq!(shift, 0, "a number runs past the end of {s}");
    out
}

/// Notes on a few topics, with a glossary naming them: enough text for an
/// index of several files of each kind.
fn topic_site(notes: usize) -> Fixture {
    let f = Fixture::new();
    let topics = ["스레드", "프로세스", "세마포어", "가상 메모리", "소켓"];
    let mut glossary = String::new();
    for (i, t) in topics.iter().enumerate() {
        glossary.push_str(&format!(
            "- term: {t}\n  english: Topic{i}\n  definition: {t}에 대한 정의 {i}\n"
        ));
    }
    f.note("glossary.yaml", &glossary);
    let filler =
        "메모리와 스케줄러가 만나는 긴 설명 문장입니다. 코드와 그림도 나옵니다. ".repeat(30);
    for n in 0..notes {
        let topic = topics[n % topics.len()];
        let other = topics[(n / topics.len()) % topics.len()];
        f.note(
            &format!("part{}/note-{n:03}.md", n % 7),
            &format!(
                "# {topic} 정리 {n}\n\n{topic}와 {other}를 함께 본다. 낱말{n} {filler}\n\n## 예제 {n}\n\n{filler}\n"
            ),
        );
    }
    built(&f);
    f
}

/// The index files under `search/` by name, with their bytes.
fn index_files(f: &Fixture) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(f.out().join("search"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn editing_one_note_rewrites_few_index_files() {
    // Each file's stamp is a hash of its own data, so a file whose data
    // did not change keeps its bytes (and the output step its inode).
    let f = topic_site(250);
    let before = index_files(&f);
    let note = "part3/note-010.md";
    let text = std::fs::read_to_string(f.root().join("notes").join(note)).unwrap();
    f.note(
        note,
        &text.replace("함께 본다.", "함께 본다. 은행원 알고리즘도 덧붙인다."),
    );
    built(&f);
    let after = index_files(&f);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let changed: Vec<&String> = after
        .iter()
        .filter(|(name, bytes)| before.get(*name) != Some(*bytes))
        .map(|(name, _)| name)
        .collect();
    assert!(changed.contains(&&"meta.js".to_string()), "{changed:?}");
    // The pack with the note's text and no other; the postings of its new
    // words (in a site this small most shard files hold some of them); no
    // glossary concept.
    let frags = after.keys().filter(|n| n.starts_with("frags-")).count();
    assert!(frags >= 3, "{frags} text packs");
    assert_eq!(
        changed.iter().filter(|n| n.starts_with("frags-")).count(),
        1,
        "{changed:?}"
    );
    assert!(
        !changed.iter().any(|n| n.starts_with("concepts-")),
        "{changed:?}"
    );
    // The new words are found: the changed shards hold them.
    if let Some(found) = ask_one(&f.out(), "은행원") {
        assert!(
            found.results.iter().any(|r| r.2.contains("note-010.html")),
            "{:?}",
            found.results
        );
    }
}

#[test]
fn the_index_is_few_files_and_every_file_it_names_exists() {
    let f = topic_site(250);
    let dir = f.out().join("search");
    let names: std::collections::BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let total: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    let meta = index_payload(&f.read("search/meta.js"));
    assert_eq!(meta["v"], 5);
    let shards = meta["shards"].as_u64().unwrap() as usize;
    let per = |kind: &str| meta["per"][kind].as_u64().unwrap() as usize;
    let concept_of = varints(meta["concepts"].as_str().unwrap());
    assert_eq!(concept_of.len(), 5);
    let concept_units = concept_of.iter().max().unwrap() + 1;
    // What the meta names is exactly what is there.
    let mut named: std::collections::BTreeSet<String> = ["meta.js".to_string()].into();
    named.extend((0..shards.div_ceil(per("shards"))).map(|i| format!("shards-{i}.js")));
    named.extend((0..(250 + 5usize).div_ceil(per("frags"))).map(|i| format!("frags-{i}.js")));
    named.extend((0..concept_units.div_ceil(per("concepts"))).map(|i| format!("concepts-{i}.js")));
    assert_eq!(named, names);
    // Each pack's first line is as long as meta.js says.
    for kind in ["shards", "concepts", "frags"] {
        let heads = varints(meta["heads"][kind].as_str().unwrap());
        for (i, len) in heads.iter().enumerate() {
            let text = f.read(&format!("search/{kind}-{i}.js"));
            assert_eq!(text.find('\n').unwrap() + 1, *len, "{kind}-{i}");
        }
    }
    // meta.js lists each file's stamp (three letters, in file order per
    // kind), and each file carries the stamp listed for it.
    for name in names.iter().filter(|n| *n != "meta.js") {
        let (kind, number) = name
            .strip_suffix(".js")
            .and_then(|n| n.split_once('-'))
            .unwrap();
        let number: usize = number.parse().unwrap();
        let listed = meta["stamps"][kind].as_str().unwrap();
        let own = f
            .read(&format!("search/{name}"))
            .split('"')
            .nth(3)
            .unwrap()
            .to_string();
        assert_eq!(
            listed.get(number * 3..number * 3 + 3),
            Some(own.as_str()),
            "{name}"
        );
    }
    for kind in ["shards", "concepts", "frags"] {
        let count = names
            .iter()
            .filter(|n| n.starts_with(&format!("{kind}-")))
            .count();
        assert_eq!(
            meta["stamps"][kind].as_str().unwrap().len(),
            3 * count,
            "{kind}"
        );
    }
    // Few, larger files: packs of about 384 KB of JSON each (compressed,
    // the whole index here is some 130 KB): meta.js, one or two packs of
    // postings and of concepts, four of text.
    assert!(
        (4..=10).contains(&names.len()),
        "{} files for {total} bytes: {names:?}",
        names.len()
    );
    // A text unit per note, then per term, in number order.
    let frags = all_units(&f, "frags");
    assert_eq!(frags.len(), 250 + 5);
    let numbers: std::collections::BTreeSet<usize> = frags[..250]
        .iter()
        .map(|u| {
            u[0].as_str()
                .unwrap()
                .rsplit(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(numbers.len(), 250, "each note once");
    assert_eq!(frags[250][0], "스레드");
    // Concept units hold the postings and the text of their terms.
    let concepts = all_units(&f, "concepts");
    for (t, c) in concept_of.iter().enumerate() {
        let unit = &concepts[*c];
        assert!(
            unit[format!("@{t}")].is_string(),
            "@{t} in concept unit {c}"
        );
        assert!(unit[format!("={t}")].is_array(), "={t} in concept unit {c}");
    }
    assert_eq!(all_units(&f, "shards").len(), shards);
    // A query finds every note of its topic, shown from the fragments.
    let Some(a) = ask(&f.out(), &["세마포어", "낱말17", "정리"]) else {
        return;
    };
    assert_eq!(a[0].results[0].0, "term");
    assert!(a[0].total > 50, "{}", a[0].total);
    assert!(a[0]
        .results
        .iter()
        .skip(1)
        .all(|r| r.1.contains("세마포어") || r.4.contains("세마포어")));
    assert_eq!(a[1].pages(), vec!["part3/note-017.html"]);
    assert_eq!(a[2].total, 250);
}

#[test]
fn one_syllable_and_whole_word_queries_read_keys_only_postings() {
    let f = Fixture::new();
    for n in 0..40 {
        let text = if n % 3 == 0 {
            format!("# 자료구조 {n}\n\n힙은 완전 이진 트리다.\n\n## 정렬\n\n힙정렬도 있다.\n")
        } else if n % 3 == 1 {
            format!("# 힙 정리 {n}\n\n우선순위 큐\n")
        } else {
            format!("# 다른 {n}\n\n스택과 큐\n")
        };
        f.note(&format!("n{n:02}.md"), &text);
    }
    built(&f);
    // 힙 (a one-letter run) and 이진트리... keep no positions: their
    // postings are written as keys only ("!…").
    let mut keys_only = Vec::new();
    for shard in all_units(&f, "shards") {
        for (token, postings) in shard.as_object().unwrap() {
            if postings.as_str().unwrap().starts_with('!') {
                keys_only.push(token.clone());
            }
        }
    }
    assert!(keys_only.contains(&"힙".to_string()), "{keys_only:?}");
    assert!(keys_only.contains(&"힙정렬도".to_string()), "{keys_only:?}");
    let Some(a) = ask(&f.out(), &["힙", "힙정렬도", "힙 정리"]) else {
        return;
    };
    // Every note with 힙: title matches first, then bodies.
    assert_eq!(a[0].total, 27, "{:?}", a[0].hrefs());
    assert!(
        a[0].results[0].1.starts_with("힙 정리"),
        "{:?}",
        a[0].results[0]
    );
    assert!(a[0].results.iter().any(|r| r.1.starts_with("자료구조")));
    // The whole run (keys only) and its bigrams (positions) together.
    assert_eq!(a[1].total, 14, "{:?}", a[1].hrefs());
    assert!(
        a[1].results.iter().all(|r| r.3 == "정렬"),
        "{:?}",
        a[1].results
    );
    assert_eq!(a[2].total, 13);
}

#[test]
fn long_postings_lists_are_read_to_the_end() {
    // 힙 keeps no positions, so its concept's entries take one or two
    // letters each (a title and a body entry share their document's gap):
    // the client once sized its arrays for two letters an entry and read
    // the entries past that as document 0, a note without 힙.
    let f = Fixture::new();
    f.note(
        "glossary.yaml",
        "- term: 힙\n  english: Heap\n  definition: 우선순위 큐의 자료구조\n",
    )
    .note("a00.md", "# 머리말\n\n다른 이야기\n");
    for n in 1..=60 {
        f.note(&format!("n{n:02}.md"), &format!("# 힙 {n}\n\n힙 본문\n"));
    }
    built(&f);
    let Some(a) = ask_one(&f.out(), "힙") else {
        return;
    };
    assert_eq!(a.total, 61, "{:?}", a.hrefs());
    assert!(a.results.iter().all(|r| r.1 != "머리말"), "{:?}", a.hrefs());
    assert_eq!(a.results.len(), 50);
}
