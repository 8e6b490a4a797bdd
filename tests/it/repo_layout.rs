//! Notes where they already are: `notes_dir: .` (a repository of markdown
//! built as it is), `--notes`, `exclude:`, repository meta files, and
//! navigation that reaches every note from the home page.

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use crate::common::*;

/// A topic-per-folder interview collection kept at the repository root, the
/// way such repositories look on GitHub: a README per topic folder, nested
/// folders, Hangul names with spaces and brackets, no front matter, and the
/// files a repository also holds.
fn interview_repo() -> Fixture {
    let f = Fixture::new();
    f.config("title: 기술 면접 대비\nnotes_dir: .\nexclude:\n  - 초안/\n  - \"*.bak.md\"\n");
    f.file(
        "README.md",
        "# 기술 면접 대비 저장소\n\n주제별 폴더에 질문과 답을 모았습니다.\n\n\
         - [운영체제](운영체제/)\n- [네트워크](./네트워크/README.md)\n\n\
         기여하려면 [기여 안내](CONTRIBUTING.md)를 읽어 주세요. 라이선스는 [LICENSE](LICENSE)를 보세요.\n"
            .as_bytes(),
    );
    f.file(
        "CONTRIBUTING.md",
        "# 기여 안내\n\n오타를 고치거나 질문을 더하는 PR을 환영합니다.\n".as_bytes(),
    );
    f.file("LICENSE", b"MIT License\n");
    f.file(
        "CODE_OF_CONDUCT.md",
        "# 행동 강령\n\n서로 존중해 주세요.\n".as_bytes(),
    );
    // A topic whose README is its only note.
    f.file(
        "운영체제/README.md",
        "# 운영체제\n\n## 프로세스와 스레드의 차이는?\n\n프로세스는 자원을 따로 갖고, 스레드는 나눠 씁니다.\n\n\
         ## 교착 상태의 네 조건은?\n\n상호 배제, 점유 대기, 비선점, 순환 대기.\n"
            .as_bytes(),
    );
    f.file(
        "네트워크/README.md",
        "# 네트워크\n\nTCP와 HTTP 질문 모음입니다.\n".as_bytes(),
    );
    f.file(
        "네트워크/TCP 3-way handshake [정리].md",
        "# TCP 3-way handshake\n\nSYN, SYN-ACK, ACK 순서로 연결을 엽니다.\n".as_bytes(),
    );
    f.file(
        "네트워크/HTTP/HTTP 1.1 vs 2 (비교).md",
        "# HTTP/1.1과 HTTP/2\n\n멀티플렉싱이 가장 큰 차이입니다.\n".as_bytes(),
    );
    // Nested: a folder without README holding a folder that has only one.
    f.file(
        "자료구조/트리/README.md",
        "# 트리\n\n## 이진 탐색 트리의 시간 복잡도는?\n\n균형이 맞으면 O(log n)입니다.\n"
            .as_bytes(),
    );
    f.file(
        "자료구조/해시 테이블.md",
        "해시 충돌은 체이닝이나 개방 주소법으로 풉니다.\n".as_bytes(),
    );
    f.file(
        "데이터베이스/정규화/README.md",
        "# 정규화\n\n1NF부터 BCNF까지.\n".as_bytes(),
    );
    f.file(
        "데이터베이스/인덱스 (B-Tree).md",
        "# 인덱스\n\nB-Tree 인덱스는 범위 검색에 강합니다.\n".as_bytes(),
    );
    // Never notes: tooling, hidden folders, the theme, excluded drafts.
    f.file(
        "node_modules/markdownlint/README.md",
        b"# markdownlint\n\nA linter.\n",
    );
    f.file("target/doc/notes.md", b"# build output\n");
    f.file(
        ".github/ISSUE_TEMPLATE/질문.md",
        "# 질문 템플릿\n".as_bytes(),
    );
    f.file(".obsidian/workspace.md", b"# obsidian\n");
    f.file(".trash/지운 노트.md", "# 지운 노트\n".as_bytes());
    f.file("초안/쓰는 중.md", "# 쓰는 중\n".as_bytes());
    f.file("네트워크/옛 정리.bak.md", "# 백업\n".as_bytes());
    f
}

/// Every page reached by following `<a href>` from `index.html` (search,
/// the sitemap and feeds are not followed).
fn reachable(site: &Path) -> BTreeSet<PathBuf> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([site.join("index.html")]);
    while let Some(page) = queue.pop_front() {
        let Ok(page) = page.canonicalize() else {
            continue;
        };
        if !seen.insert(page.clone()) {
            continue;
        }
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(&page).unwrap());
        for href in attrs(&doc, "a[href]", "href") {
            if href.contains("://") || href.starts_with('#') || href.starts_with("mailto:") {
                continue;
            }
            let path = href.split(['#', '?']).next().unwrap_or("");
            if !path.ends_with(".html") || path.ends_with("search.html") {
                continue;
            }
            let decoded = percent_decode(path);
            queue.push_back(page.parent().unwrap().join(decoded));
        }
    }
    seen
}

fn percent_decode(s: &str) -> String {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn html_pages(site: &Path) -> BTreeSet<PathBuf> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().canonicalize().unwrap())
        .collect()
}

#[test]
fn a_repository_built_at_its_root_reaches_every_note_from_the_home_page() {
    let f = interview_repo();
    let report = f.build();
    assert_eq!(report.exit_code(), 0, "{:?}", diagnostics(&report));
    // README, CONTRIBUTING (linked; CODE_OF_CONDUCT is not) and 8 topic
    // files; nothing from node_modules, target, dot-folders, the output or
    // excluded drafts.
    assert_eq!(report.notes, 10, "{:?}", diagnostics(&report));
    for gone in [
        "node_modules",
        "target",
        "초안",
        "네트워크/옛-정리.bak.html",
        "site",
    ] {
        assert!(!f.out().join(gone).exists(), "{gone} was built");
    }
    // Built a second time, the first output (now beside the notes) is no note.
    let again = f.build();
    assert_eq!(again.notes, 10);
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:?}",
        dead_links(&f.out())
    );

    let site = f.out().canonicalize().unwrap();
    let seen = reachable(&site);
    let skip = ["404.html", "search.html"];
    let missing: Vec<_> = html_pages(&site)
        .into_iter()
        .filter(|p| !skip.iter().any(|s| p.ends_with(s)))
        .filter(|p| !seen.contains(p))
        .map(|p| p.strip_prefix(&site).unwrap().display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "not reachable from index.html: {missing:?}"
    );

    // A folder whose README is its only note is a category of its own.
    let cats = f.html("categories/index.html");
    let names = texts(&cats, ".category-tree a");
    for topic in [
        "운영체제",
        "네트워크",
        "자료구조",
        "트리",
        "데이터베이스",
        "정규화",
    ] {
        assert!(names.iter().any(|n| n == topic), "{topic} in {names:?}");
    }
    // Its category page links its folder page.
    let os = f.html("categories/운영체제.html");
    assert_eq!(
        attrs(&os, ".folder-page-link a", "href"),
        vec!["../%EC%9A%B4%EC%98%81%EC%B2%B4%EC%A0%9C/index.html"]
    );
    // The home page shows the top-level sections with counts, linked to
    // their folder pages when they have one.
    let home = f.html("index.html");
    let sections: Vec<String> = texts(&home, ".home-sections > li > a");
    assert_eq!(
        sections,
        vec!["네트워크", "데이터베이스", "운영체제", "자료구조"]
    );
    let hrefs = attrs(&home, ".home-sections > li > a", "href");
    assert!(hrefs[0].ends_with("index.html"), "{hrefs:?}");
    assert!(hrefs[3].starts_with("categories/"), "{hrefs:?}");
    let counts = texts(&home, ".home-sections > li > .count");
    assert_eq!(counts, vec!["3", "2", "1", "2"]);
    // Breadcrumbs lead to folder pages.
    let tcp = f.html("네트워크/tcp-3-way-handshake-정리.html");
    assert_eq!(
        attrs(&tcp, ".breadcrumbs a", "href"),
        vec![
            "../categories/index.html",
            "../%EB%84%A4%ED%8A%B8%EC%9B%8C%ED%81%AC/index.html"
        ]
    );
}

#[test]
fn meta_files_are_pages_but_never_listed() {
    let f = interview_repo();
    f.build();
    assert!(f.out().join("contributing.html").is_file());
    // Linked from nowhere, a meta file is no page at all.
    assert!(!f.out().join("code_of_conduct.html").exists());
    let home = f.read("index.html");
    let feed = f.read("atom.xml");
    let cats = f.read("categories/index.html");
    for page in [&home, &feed, &cats] {
        assert!(!page.contains("기여 안내") || page == &home);
        assert!(!page.contains("행동 강령"));
    }
    // Linked from the README (the home page's text), never as a list item.
    let doc = f.html("index.html");
    assert!(texts(&doc, ".note-list a").iter().all(|t| t != "기여 안내"));
    // The LICENSE file keeps working as a link.
    assert!(dead_links(&f.out()).is_empty());
}

#[test]
fn without_any_date_the_home_page_lists_notes_by_section_and_the_feed_is_not_from_1970() {
    let f = interview_repo();
    f.config("notes_dir: .\ngit_dates: false\n");
    f.build();
    let home = f.html("index.html");
    assert!(texts(&home, "h2").iter().all(|h| h != "최근 노트"));
    let listed = texts(&home, ".home-sections .note-list .note-link");
    assert!(
        listed.iter().any(|t| t == "TCP 3-way handshake"),
        "{listed:?}"
    );
    let feed = f.read("atom.xml");
    assert!(!feed.contains("1970"), "{feed}");
    roxmltree::Document::parse(&feed).unwrap();
}

#[test]
fn notes_dir_and_the_notes_flag_follow_the_folder_everywhere() {
    let f = Fixture::new();
    f.file(
        "docs/공부/프로세스 [1].md",
        "# 프로세스\n\n[없는 노트](없음.md)로 갑니다.\n".as_bytes(),
    );
    // From gongbu.yaml.
    f.config("notes_dir: docs\n");
    let report = f.build();
    assert_eq!(report.notes, 1);
    let warning = diagnostics(&report).join("\n");
    assert!(warning.contains("docs/공부/프로세스 [1].md:3"), "{warning}");
    assert!(f.out().join("공부/프로세스-1.html").is_file());

    // From the command line, which wins over gongbu.yaml.
    f.config("notes_dir: nowhere\n");
    let out = f.cli(&["check", "--notes", "docs"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", out);
    let out = f.cli(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nowhere"), "{stderr}");

    // `new` writes into the notes folder.
    let out = f.cli(&[
        "new",
        "스레드 정리",
        "--notes",
        "docs",
        "--category",
        "공부",
    ]);
    assert_eq!(out.status.code(), Some(0), "{:?}", out);
    assert!(f.root().join("docs/공부/스레드-정리.md").is_file());
}

#[test]
fn exclude_patterns_work_in_the_notes_folder_too() {
    let f = Fixture::new();
    f.config("exclude:\n  - \"비공개/\"\n  - \"**/*.draft.md\"\n  - \"!os/보일 것.draft.md\"\n");
    f.note("os/프로세스.md", "# 프로세스\n\n본문.\n");
    f.note("os/스레드.draft.md", "# 스레드 초안\n");
    f.note("os/보일 것.draft.md", "# 보일 것\n");
    f.note("비공개/일기.md", "# 일기\n");
    let report = f.build();
    assert_eq!(report.notes, 2, "{:?}", diagnostics(&report));
    assert!(!f.out().join("비공개").exists());
    assert!(f.out().join("os/보일-것.draft.html").is_file());
}

#[test]
fn the_404_page_links_from_the_site_root_at_any_depth() {
    let f = Fixture::new();
    f.note("a.md", "# 가\n");
    // With base_url: absolute.
    f.config("base_url: https://jiwoo.github.io/os-notes/\n");
    f.build();
    let doc = f.html("404.html");
    assert!(attrs(&doc, "a", "href")
        .iter()
        .any(|h| h == "https://jiwoo.github.io/os-notes/index.html"));
    assert!(attrs(&doc, "link[rel=stylesheet]", "href")
        .iter()
        .all(|h| h.starts_with("https://jiwoo.github.io/os-notes/assets/")));
    // With only repo_url: the Pages path of the repository.
    f.config("repo_url: https://github.com/jiwoo/os-notes\n");
    f.build();
    let doc = f.html("404.html");
    assert!(attrs(&doc, "a.site-title", "href") == vec!["/os-notes/index.html"]);
    assert!(!f.read("404.html").contains("github\\.io"));
    // With nothing: links relative to the site root (which the page is in:
    // right from disk and without scripts), and a script in <head> that
    // sets <base> to the root found in the path, before any stylesheet.
    f.config("title: 노트\n");
    f.build();
    let page = f.read("404.html");
    let doc = f.html("404.html");
    assert_eq!(attrs(&doc, "a.site-title", "href"), vec!["index.html"]);
    let script = page.find("<base href=").expect("base script");
    assert!(script < page.find("assets/gongbu.css").expect("stylesheet"));
    assert!(page.contains("github\\.io"));
    assert!(page.contains("\"a.html\""), "the site's top-level names");
    assert!(doc.select(&sel(".not-found-search input")).next().is_some());
}

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "김희수")
        .env("GIT_AUTHOR_EMAIL", "heesoo@example.com")
        .env("GIT_COMMITTER_NAME", "김희수")
        .env("GIT_COMMITTER_EMAIL", "heesoo@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

#[test]
fn a_repository_in_git_has_a_feed_with_real_dates() {
    let f = interview_repo();
    let root = f.root();
    std::fs::write(root.join(".gitignore"), "site/\nnode_modules/\ntarget/\n").unwrap();
    git(
        root,
        &["init", "-q", "-b", "main"],
        "2025-03-01T09:00:00+09:00",
    );
    git(root, &["add", "-A"], "2025-03-01T09:00:00+09:00");
    git(
        root,
        &["commit", "-q", "-m", "질문 모음"],
        "2025-03-01T09:00:00+09:00",
    );
    f.file(
        "운영체제/README.md",
        "# 운영체제\n\n## 페이징이란?\n\n메모리를 같은 크기로 나눠 씁니다.\n".as_bytes(),
    );
    git(root, &["add", "-A"], "2025-04-02T20:00:00+09:00");
    git(
        root,
        &["commit", "-q", "-m", "운영체제 질문 추가"],
        "2025-04-02T20:00:00+09:00",
    );
    let report = f.build();
    assert_eq!(report.exit_code(), 0, "{:?}", diagnostics(&report));

    let feed = f.read("atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let entries: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .map(|e| {
            let child = |name: &str| {
                e.children()
                    .find(|c| c.has_tag_name(name))
                    .and_then(|c| c.text())
                    .unwrap_or_default()
                    .to_string()
            };
            (child("title"), child("updated"))
        })
        .collect();
    assert!(!feed.contains("1970"));
    // Topic READMEs that are their folder's only note are content too;
    // meta files and folder tables of contents are not.
    assert!(
        entries.contains(&(
            "운영체제".to_string(),
            "2025-04-02T20:00:00+09:00".to_string()
        )),
        "{entries:?}"
    );
    assert!(entries
        .iter()
        .any(|(t, u)| t == "TCP 3-way handshake" && u == "2025-03-01T09:00:00+09:00"));
    assert!(entries
        .iter()
        .all(|(t, _)| t != "기여 안내" && t != "네트워크"));
    let home = f.html("index.html");
    let recent = texts(&home, ".recent .note-link");
    assert!(recent.iter().any(|t| t == "운영체제"), "{recent:?}");
    assert!(recent.iter().all(|t| t != "기여 안내"), "{recent:?}");
}
