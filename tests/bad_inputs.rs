//! Bad inputs real note folders contain: each gets a clear diagnostic
//! (`path:line` where there is a line), the right exit code, and loses
//! nothing: the other notes are still built, a failed build leaves the
//! previous site byte for byte, and the bad file itself is never touched.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use gongbu::BuildReport;

/// One diagnostic with `code` whose text names `location`; panics listing
/// every diagnostic otherwise.
fn expect_diag(report: &BuildReport, code: &str, location: &str) -> String {
    let all = diagnostics(report);
    report
        .diagnostics
        .iter()
        .find(|d| d.code == code && d.location().is_some_and(|l| l.starts_with(location)))
        .map(|d| d.to_string())
        .unwrap_or_else(|| panic!("no `{code}` diagnostic at {location}: {all:#?}"))
}

/// Builds through the library and checks that `notes/` is byte for byte
/// what it was: a build reads notes, it never writes them.
fn build(f: &Fixture) -> BuildReport {
    let before = tree(&f.root().join("notes"));
    let r = f.build();
    assert_eq!(
        tree(&f.root().join("notes")),
        before,
        "the build changed notes/"
    );
    r
}

fn bytes_of(f: &Fixture, rel: &str) -> Vec<u8> {
    std::fs::read(f.root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A site built from one good note, and its files, for "the previous site
/// is untouched" checks.
fn previous_site(f: &Fixture) -> Vec<(String, Vec<u8>)> {
    f.note(
        "good.md",
        "---\ntitle: 멀쩡한 노트\ndate: 2026-01-02\n---\n본문\n",
    );
    let r = build(f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    tree(&f.out())
}

/// Adds `notes/<rel>` holding `bytes`, builds, and checks the build failed
/// with exit code 1, kept the previous site and left the file as it was.
fn fails_keeping_previous_site(f: &Fixture, rel: &str, bytes: &[u8]) -> BuildReport {
    let before = previous_site(f);
    f.file(&format!("notes/{rel}"), bytes);
    let r = build(f);
    assert_eq!(r.exit_code(), 1, "{:#?}", diagnostics(&r));
    assert!(!r.written);
    assert_eq!(tree(&f.out()), before, "previous site changed");
    assert_eq!(
        bytes_of(f, &format!("notes/{rel}")),
        bytes,
        "bad file changed"
    );
    r
}

// ── Encodings ────────────────────────────────────────────────────────────

#[test]
fn invalid_utf8_is_replaced_and_named_with_its_line() {
    let f = Fixture::new();
    let bytes = b"# \xEB\xA9\x80\xEC\xA9\xA1\n\n\xEC\xB2\xAB \xEC\xA4\x84\n\xEA\xB9\xA8\xEC\xA7\x84 \xFF\xFE \xEA\xB8\x80\xEC\x9E\x90\n".to_vec();
    f.file("notes/broken.md", &bytes);
    f.note("other.md", "# 다른 노트\n");
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let d = expect_diag(&r, "encoding", "notes/broken.md:4");
    assert!(d.contains('�'), "{d}");
    let doc = f.html("broken.html");
    assert_eq!(text(&doc, "h1.note-title"), "멀쩡");
    assert!(text(&doc, ".note-body").contains("깨진 �� 글자"));
    assert!(f.out().join("other.html").is_file());
    assert_eq!(bytes_of(&f, "notes/broken.md"), bytes);
}

#[test]
fn binary_file_named_md_is_skipped_with_a_warning() {
    let f = Fixture::new();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
    f.file("notes/그림.md", &png);
    f.note("other.md", "# 다른 노트\n");
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let d = expect_diag(&r, "binary", "notes/그림.md");
    assert!(d.contains("바이너리"), "{d}");
    assert!(!f.out().join("그림.html").exists());
    assert!(f.out().join("other.html").is_file());
    assert_eq!(bytes_of(&f, "notes/그림.md"), png);
}

#[test]
fn euc_kr_and_cp949_notes_are_decoded_with_a_warning() {
    let f = Fixture::new();
    // 똠 and 햏 are CP949 extensions, outside EUC-KR proper.
    let (euc, _, bad) = encoding_rs::EUC_KR
        .encode("---\ntitle: 프로세스와 스레드\ntags: [운영체제]\n---\n똠방각하 햏 문서\n");
    assert!(!bad);
    f.file("notes/euc.md", &euc);
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let d = expect_diag(&r, "encoding", "notes/euc.md");
    assert!(d.contains("EUC-KR"), "{d}");
    let doc = f.html("euc.html");
    assert_eq!(text(&doc, "h1.note-title"), "프로세스와 스레드");
    assert!(text(&doc, ".note-body").contains("똠방각하 햏 문서"));
    assert!(f.out().join("tags/운영체제.html").is_file());
    assert_eq!(bytes_of(&f, "notes/euc.md"), euc.into_owned());
}

#[test]
fn utf16_with_a_bom_is_read_with_a_warning() {
    let f = Fixture::new();
    let mut bytes = vec![0xFF, 0xFE];
    for u in "# 유티에프 십육\r\n\r\n본문\r\n".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    f.file("notes/utf16.md", &bytes);
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    expect_diag(&r, "encoding", "notes/utf16.md");
    assert_eq!(
        text(&f.html("utf16.html"), "h1.note-title"),
        "유티에프 십육"
    );
}

#[test]
fn bom_and_crlf_change_nothing() {
    let f = Fixture::new();
    let src = "\u{feff}---\r\ntitle: 윈도 노트\r\ntags: [a, b]\r\ndate: 2026-03-04\r\n---\r\n## 첫 절\r\n\r\n문장 하나\r\n둘째 줄\r\n\r\n```rust\r\nfn main() {}\r\n```\r\n";
    f.note("win.md", src);
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    let doc = f.html("win.html");
    assert_eq!(text(&doc, "h1.note-title"), "윈도 노트");
    assert_eq!(attrs(&doc, ".note-body h2", "id"), vec!["첫-절"]);
    assert_eq!(texts(&doc, ".tags a").len(), 2);
    let page = f.read("win.html");
    assert!(!page.contains('\u{feff}'));
    assert!(
        !page.contains("\r\n---"),
        "front matter leaked into the page"
    );
    assert_eq!(bytes_of(&f, "notes/win.md"), src.as_bytes());
}

#[test]
fn nfd_file_and_folder_names_become_nfc_urls_and_links() {
    use unicode_normalization::UnicodeNormalization;
    let f = Fixture::new();
    let folder: String = "운영체제".nfd().collect();
    let file: String = "프로세스".nfd().collect();
    assert_ne!(folder, "운영체제");
    f.note(
        &format!("{folder}/{file}.md"),
        "프로세스는 실행 중인 프로그램\n",
    );
    f.note(
        "index.md",
        "# 홈\n\n[[프로세스]]와 [상대 링크](운영체제/프로세스.md)\n",
    );
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    assert!(f.out().join("운영체제/프로세스.html").is_file());
    let home = f.html("index.html");
    let hrefs = attrs(&home, ".note-body a, main a", "href");
    let encoded = "%EC%9A%B4%EC%98%81%EC%B2%B4%EC%A0%9C/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4.html";
    assert!(
        hrefs.iter().filter(|h| h.as_str() == encoded).count() >= 2,
        "{hrefs:#?}"
    );
    assert_eq!(
        text(&f.html("운영체제/프로세스.html"), "h1.note-title"),
        "프로세스"
    );
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
}

#[test]
fn empty_and_almost_empty_files_become_pages() {
    let f = Fixture::new();
    f.note("빈 노트.md", "")
        .note("spaces.md", "  \n\n\t\n")
        .note("only-front.md", "---\n---\n")
        .note("empty-yaml.md", "---\n\n---\n")
        .file("notes/bom-only.md", b"\xEF\xBB\xBF")
        .note("empty-h1.md", "#\n\n본문\n")
        .note("blank-title.md", "---\ntitle: \"  \"\n---\n# \n");
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    for (page, title) in [
        ("빈-노트.html", "빈 노트"),
        ("spaces.html", "spaces"),
        ("only-front.html", "only-front"),
        ("empty-yaml.html", "empty-yaml"),
        ("bom-only.html", "bom-only"),
        ("empty-h1.html", "empty-h1"),
        ("blank-title.html", "blank-title"),
    ] {
        assert_eq!(text(&f.html(page), "h1.note-title"), title, "{page}");
    }
    assert_eq!(bytes_of(&f, "notes/빈 노트.md"), b"");
}

// ── Front matter ─────────────────────────────────────────────────────────

#[test]
fn front_matter_that_is_not_a_mapping_is_an_error_with_its_line() {
    for (name, yaml) in [
        ("list.md", "---\n- 가\n- 나\n---\n본문\n"),
        ("sentence.md", "---\n그냥 문장입니다\n---\n본문\n"),
        ("number.md", "---\n42\n---\n본문\n"),
    ] {
        let f = Fixture::new();
        let r = fails_keeping_previous_site(&f, name, yaml.as_bytes());
        let d = expect_diag(&r, "front-matter", &format!("notes/{name}:2"));
        assert!(d.contains("키: 값"), "{d}");
    }
}

#[test]
fn wrong_tags_type_is_a_warning_and_the_value_kept() {
    let f = Fixture::new();
    f.note("a.md", "---\ntitle: 태그가 숫자\ntags: 3\n---\n본문\n");
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let d = expect_diag(&r, "front-matter", "notes/a.md:3");
    assert!(d.contains("tags"), "{d}");
    assert_eq!(texts(&f.html("a.html"), ".tags a"), vec!["#3"]);
}

#[test]
fn list_title_is_an_error_with_its_line() {
    let f = Fixture::new();
    let r = fails_keeping_previous_site(&f, "a.md", b"---\ndate: 2026-01-01\ntitle: [a]\n---\n");
    let d = expect_diag(&r, "front-matter", "notes/a.md:3");
    assert!(d.contains("title") && d.contains("목록"), "{d}");
}

#[test]
fn draft_maybe_is_an_error_with_its_line() {
    let f = Fixture::new();
    let r = fails_keeping_previous_site(&f, "a.md", b"---\ntitle: x\ndraft: maybe\n---\n");
    let d = expect_diag(&r, "front-matter", "notes/a.md:3");
    assert!(d.contains("true 또는 false"), "{d}");
}

#[test]
fn impossible_date_is_an_error_with_its_line() {
    let f = Fixture::new();
    let r = fails_keeping_previous_site(&f, "a.md", b"---\ntitle: x\ndate: 2026-13-45\n---\n");
    let d = expect_diag(&r, "front-matter", "notes/a.md:3");
    assert!(d.contains("2026-13-45"), "{d}");
}

#[test]
fn yaml_escapes_cannot_smuggle_control_characters_or_nfd() {
    let f = Fixture::new();
    f.note(
        "a.md",
        "---\ntitle: \"\\u1112\\u1161\\u11AB\\b글\\v\\0\"\ntags: \"x\\by\"\ndate: 2026-01-01\n---\n",
    );
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    assert_eq!(text(&f.html("a.html"), "h1.note-title"), "한글");
    let feed = f.read("atom.xml");
    roxmltree::Document::parse(&feed).unwrap_or_else(|e| panic!("{e}\n{feed}"));
    assert!(feed.contains("<title>한글</title>"), "{feed}");
    assert!(f.out().join("tags/xy.html").is_file());
}

/// The "billion laughs" document and a wide fan-out (one big anchored list
/// repeated by thousands of aliases). Run as a child process under a 1 GiB
/// address-space limit: expanding either would need gigabytes.
#[test]
fn yaml_alias_bombs_are_refused_quickly_with_bounded_memory() {
    let f = Fixture::new();
    let before = previous_site(&f);
    let mut laughs = String::from("---\ntitle: 웃음\na0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(",");
        laughs.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    laughs.push_str("---\n본문\n");
    let items = vec!["x"; 3000].join(",");
    let refs = vec!["*a"; 3000].join(",");
    let fan = format!("---\ntitle: 부채\nlist: &a [{items}]\nmore: [{refs}]\n---\n본문\n");
    f.note("laughs.md", &laughs).note("fan.md", &fan);

    let started = Instant::now();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" build")
        .arg(env!("CARGO_BIN_EXE_gongbu"))
        .current_dir(f.root())
        .output()
        .expect("run gongbu");
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(took < Duration::from_secs(20), "took {took:?}");
    assert!(stderr.contains("notes/laughs.md:"), "{stderr}");
    assert!(stderr.contains("notes/fan.md:"), "{stderr}");
    assert!(stderr.contains("별칭"), "{stderr}");
    assert_eq!(tree(&f.out()), before);

    // In process too, to time the guard alone.
    let t = Instant::now();
    let r = build(&f);
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    expect_diag(&r, "front-matter", "notes/laughs.md:");
    expect_diag(&r, "front-matter", "notes/fan.md:");
}

// ── The notes folder ─────────────────────────────────────────────────────

#[test]
fn two_notes_claiming_one_output_is_an_error_naming_both() {
    let f = Fixture::new();
    let before = previous_site(&f);
    f.note("a b.md", "# 하나\n")
        .note("a-b.md", "# 둘\n")
        .note("Case.md", "# 대문자\n")
        .note("case.md", "# 소문자\n")
        .note("tags/index.md", "# 태그 목록과 겹침\n")
        .note("c.md", "---\nslug: good\n---\n# 셋\n");
    let r = build(&f);
    assert_eq!(r.exit_code(), 1, "{:#?}", diagnostics(&r));
    let d = expect_diag(&r, "duplicate-output", "notes/a");
    assert!(
        d.contains("notes/a b.md") && d.contains("notes/a-b.md"),
        "{d}"
    );
    let d = expect_diag(&r, "duplicate-output", "notes/good.md");
    assert!(d.contains("notes/c.md") && d.contains("good.html"), "{d}");
    // Names that differ only in case would overwrite each other on macOS.
    let d = expect_diag(&r, "duplicate-output", "notes/case.md");
    assert!(d.contains("notes/Case.md"), "{d}");
    expect_diag(&r, "reserved-output", "notes/tags/index.md");
    assert_eq!(tree(&f.out()), before);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_notes_folder_are_skipped() {
    use std::os::unix::fs::symlink;
    let f = Fixture::new();
    f.note("os/process.md", "# 프로세스\n");
    f.file("secret.md", "# 비밀\n\nTOP-SECRET-TEXT\n".as_bytes());
    f.file("outside/more.md", "# 밖\n\nOUTSIDE-TEXT\n".as_bytes());
    let notes = f.root().join("notes");
    symlink(&notes, notes.join("os/loop")).unwrap();
    symlink("../secret.md", notes.join("secret.md")).unwrap();
    symlink(f.root().join("outside"), notes.join("outside")).unwrap();
    symlink("os/process.md", notes.join("alias.md")).unwrap();
    symlink("nowhere.md", notes.join("dangling.md")).unwrap();
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    expect_diag(&r, "walk", "notes/os/loop");
    expect_diag(&r, "outside-root", "notes/secret.md");
    expect_diag(&r, "outside-root", "notes/outside/more.md");
    expect_diag(&r, "walk", "notes/dangling.md");
    assert!(f.out().join("os/process.html").is_file());
    // A link inside the folder is a note like any other.
    assert!(f.out().join("alias.html").is_file());
    for (rel, bytes) in tree(&f.out()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("TOP-SECRET-TEXT"), "{rel}");
        assert!(!text.contains("OUTSIDE-TEXT"), "{rel}");
    }
}

#[test]
fn a_five_megabyte_line_builds() {
    let f = Fixture::new();
    let hangul = "가나다라마바사아자차카타파하".repeat(5 * 1024 * 1024 / 42);
    let ascii = "x".repeat(5 * 1024 * 1024);
    f.note("hangul.md", &format!("# 긴 줄\n\n{hangul}\n"))
        .note("ascii.md", &format!("{ascii}\n"))
        .note("other.md", "# 다른 노트\n");
    let t = Instant::now();
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    assert!(t.elapsed() < Duration::from_secs(60), "{:?}", t.elapsed());
    let page = f.read("hangul.html");
    assert!(page.contains(&hangul));
    assert!(f.read("ascii.html").contains(&ascii));
    assert!(f.out().join("other.html").is_file());
    // Descriptions and the feed stay short.
    assert!(f.read("atom.xml").len() < 64 * 1024);
}

/// Runs `f` on a thread with the default 2 MiB stack of test threads.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("thread")
        .join()
        .unwrap_or_else(|_| panic!("panicked (or overflowed its stack)"))
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    const DEPTH: usize = 3000;
    let quotes = format!("{}깊은 인용\n", "> ".repeat(DEPTH));
    let lists = format!("{}깊은 목록\n", "- ".repeat(DEPTH));
    let ordered = format!("{}깊은 번호\n", "1. ".repeat(DEPTH));
    let mixed = format!("{}섞임\n", "> - ".repeat(DEPTH / 2));
    let brackets = format!("{}괄호{}\n", "[".repeat(DEPTH), "](x.md)".repeat(DEPTH));
    let emphasis = format!("{}강조{}\n", "*_".repeat(DEPTH), "_*".repeat(DEPTH));
    let divs = format!("<div>\n{}\n</div>\n", "<div>".repeat(DEPTH));
    let f = Fixture::new();
    for (name, text) in [
        ("quotes.md", &quotes),
        ("lists.md", &lists),
        ("ordered.md", &ordered),
        ("mixed.md", &mixed),
        ("brackets.md", &brackets),
        ("emphasis.md", &emphasis),
        ("divs.md", &divs),
    ] {
        f.note(name, text);
    }
    f.note("other.md", "# 다른 노트\n");
    let opts = f.options();
    let r = on_small_stack(move || gongbu::build(&opts, gongbu::Mode::Build));
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("quotes.html");
    assert!(doc.select(&sel("blockquote")).count() >= DEPTH);
    assert!(text(&doc, ".note-body").contains("깊은 인용"));
    assert!(f.html("lists.html").select(&sel("li")).count() >= DEPTH);
    assert!(f.out().join("other.html").is_file());
    // The whole pipeline in memory, pages and all, on the small stack too.
    for text in [quotes, lists, ordered, mixed, brackets, emphasis, divs] {
        let o = on_small_stack(move || gongbu::fuzz::build_one(text.as_bytes()));
        assert!(!o.has_errors(), "{:#?}", o.diagnostics);
        assert!(o.files.contains_key("퍼즈/노트.html"));
    }
}

#[test]
fn a_3000_level_category_is_capped_with_a_warning() {
    let f = Fixture::new();
    let path: Vec<String> = (0..3000).map(|i| format!("c{i}")).collect();
    f.note(
        "deep.md",
        &format!(
            "---\ntitle: 깊은 분류\ncategory: {}\n---\n본문\n",
            path.join("/")
        ),
    );
    let deep_folder: Vec<String> = (0..40).map(|i| format!("d{i}")).collect();
    f.note(
        &format!("{}/folder.md", deep_folder.join("/")),
        "# 깊은 폴더\n",
    );
    let opts = f.options();
    let t = Instant::now();
    let r = on_small_stack(move || gongbu::build(&opts, gongbu::Mode::Build));
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
    let d = expect_diag(&r, "front-matter", "notes/deep.md:3");
    assert!(d.contains("3000단계"), "{d}");
    expect_diag(&r, "category", "notes/d0/");
    let crumbs = texts(&f.html("deep.html"), ".breadcrumbs li");
    assert_eq!(crumbs.len(), 1 + 16, "{crumbs:?}");
}

// ── The output folder ────────────────────────────────────────────────────

#[test]
fn out_equal_to_the_root_is_refused_and_nothing_is_deleted() {
    let f = Fixture::new();
    f.note("a.md", "# 가\n").file("keep.txt", b"mine");
    let before = tree(f.root());
    let out = f.cli(&["build", "--out", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("output-dir") && stderr.contains("루트"),
        "{stderr}"
    );
    assert_eq!(tree(f.root()), before);
}

#[test]
fn out_inside_the_notes_folder_is_refused() {
    let f = Fixture::new();
    f.note("a.md", "# 가\n");
    for out_dir in ["notes", "notes/site", "notes/a/b"] {
        let before = tree(f.root());
        let out = f.cli(&["build", "--out", out_dir]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{out_dir}: {stderr}");
        assert!(stderr.contains("notes/"), "{stderr}");
        assert_eq!(tree(f.root()), before, "{out_dir}");
        assert!(!f.root().join("notes/site").exists());
    }
}

#[test]
fn out_holding_the_notes_or_a_file_is_refused() {
    let f = Fixture::new();
    f.note("a.md", "# 가\n").file("file.txt", b"mine");
    let before = tree(f.root());
    let parent = f.root().parent().unwrap().display().to_string();
    for out_dir in [parent.as_str(), "file.txt"] {
        let out = f.cli(&["build", "--out", out_dir]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{out_dir}: {stderr}");
        assert!(stderr.contains("output-dir"), "{stderr}");
    }
    assert_eq!(tree(f.root()), before);
}

#[test]
fn foreign_non_empty_out_folder_is_left_untouched() {
    let f = Fixture::new();
    f.note("a.md", "# 가\n")
        .file("mine/index.html", b"<p>my own page</p>")
        .file("mine/.hidden", b"x");
    let before = tree(&f.root().join("mine"));
    let out = f.cli(&["build", "--out", "mine"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(".gongbu-output"), "{stderr}");
    assert_eq!(tree(&f.root().join("mine")), before);
    // Nothing was left beside it either.
    let leftovers: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("gongbu-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

// ── Escaping ─────────────────────────────────────────────────────────────

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "<img src=x onerror=alert(2)>";

/// No output file lets a note's text run as markup: HTML pages hold no
/// element with an `on…` handler and no script but ours; XML files parse and
/// hold no such element; other text files (JSON, JS) hold no raw `<script`
/// or `<img` at all (data loaded as a script must write `<` as `\u003c`).
fn assert_no_markup_injection(site: &Path) {
    for (rel, bytes) in tree(site) {
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        assert!(!text.contains(SCRIPT), "{rel}: raw {SCRIPT}");
        assert!(!text.contains(IMG), "{rel}: raw {IMG}");
        if rel.ends_with(".html") {
            let doc = scraper::Html::parse_document(&text);
            for el in doc.select(&sel("*")) {
                for (name, value) in el.value().attrs() {
                    assert!(
                        !name.starts_with("on"),
                        "{rel}: <{} {name}={value}>",
                        el.value().name()
                    );
                }
                if el.value().name() == "script" {
                    let body: String = el.text().collect();
                    if el.value().attr("type") == Some("application/ld+json") {
                        // Data, never run: it must parse and hold no `<`.
                        assert!(!body.contains('<'), "{rel}: JSON-LD {body}");
                        assert!(serde_json::from_str::<serde_json::Value>(&body).is_ok());
                        continue;
                    }
                    assert!(!body.contains("alert("), "{rel}: script {body}");
                }
            }
        } else if rel.ends_with(".xml") {
            let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            for node in doc.descendants().filter(|n| n.is_element()) {
                let name = node.tag_name().name();
                assert!(name != "script" && name != "img", "{rel}: <{name}>");
            }
        } else if [".js", ".json", ".txt"].iter().any(|x| rel.ends_with(x)) {
            let lower = text.to_ascii_lowercase();
            for needle in ["<script>alert", "<img src=x"] {
                assert!(!lower.contains(needle), "{rel}: {needle}");
            }
        }
    }
}

#[test]
fn titles_tags_and_names_holding_markup_are_escaped_everywhere() {
    let f = Fixture::new();
    let yaml_str = |s: &str| format!("\"{}\"", s.replace('"', "\\\""));
    f.config(&format!(
        "title: {}\ndescription: {}\nauthor: {}\nbase_url: https://example.github.io/notes/\n",
        yaml_str(SCRIPT),
        yaml_str(IMG),
        yaml_str(SCRIPT)
    ));
    f.note(
        "xss.md",
        &format!(
            "---\ntitle: {}\ntags: [{}, {}]\ncategory: {}\nauthor: {}\ndescription: {}\naliases: [{}]\ndate: 2026-02-03\n---\n## {}\n\n본문 `{}` 그리고 [[{}]]\n",
            yaml_str(SCRIPT),
            yaml_str(SCRIPT),
            yaml_str(IMG),
            yaml_str(IMG),
            yaml_str(SCRIPT),
            yaml_str(IMG),
            yaml_str(IMG),
            "&lt;script&gt;alert(3)&lt;/script&gt;",
            SCRIPT,
            "없는 &lt;img src=x onerror=alert(4)&gt;"
        ),
    );
    // A file whose name is markup: the title comes from it.
    f.note(&format!("{IMG}.md"), "본문\n\n[[xss]]\n");
    f.note(
        "linker.md",
        &format!("---\ndate: 2026-02-04\n---\n[{}](xss.md)\n", "링크"),
    );
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    // The title is shown as text.
    let doc = f.html("xss.html");
    assert_eq!(text(&doc, "h1.note-title"), SCRIPT);
    assert!(texts(&doc, ".tags a").iter().any(|t| t.contains(IMG)));
    assert!(f
        .read("atom.xml")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_no_markup_injection(&f.out());
    // The checker itself catches an injection.
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("x.html"), format!("<p>{IMG}</p>")).unwrap();
    assert!(std::panic::catch_unwind(|| assert_no_markup_injection(bad.path())).is_err());
}

// ── Control characters and decomposed Jamo ───────────────────────────────

#[test]
fn control_characters_and_decomposed_jamo_are_cleaned_and_xml_stays_valid() {
    let f = Fixture::new();
    f.config("base_url: https://example.github.io/notes/\n");
    // 한글 as conjoining Jamo, then backspace, vertical tab, form feed,
    // escape, DEL and a C1 control.
    let jamo = "\u{1112}\u{1161}\u{11AB}\u{1100}\u{1173}\u{11AF}";
    let controls = "\u{8}\u{b}\u{c}\u{1b}\u{7f}\u{85}";
    f.note(
        "ctl.md",
        &format!(
            "---\ntitle: {jamo}{controls} 제목\ntags: [{jamo}]\ndescription: 설명{controls}\ndate: 2026-01-05\n---\n본문 {jamo}{controls} 끝\n"
        ),
    );
    // A NUL after the first 8 KiB (the binary check looks at the start).
    f.note(
        "late-nul.md",
        &format!(
            "---\ndate: 2026-01-06\n---\n{}\n\n뒤\u{0}쪽\n",
            "가".repeat(4000)
        ),
    );
    // A control character in a file name becomes the title.
    f.note("벨\u{7}소리.md", "---\ndate: 2026-01-07\n---\n본문\n");
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("ctl.html");
    assert_eq!(text(&doc, "h1.note-title"), "한글 제목");
    assert!(text(&doc, ".note-body").contains("본문 한글 끝"));
    assert!(f.out().join("tags/한글.html").is_file());
    assert!(text(&f.html("late-nul.html"), ".note-body").contains("뒤쪽"));
    let bell_title = texts(&f.html("벨소리.html"), "h1.note-title");
    assert_eq!(bell_title, vec!["벨소리"]);
    for (rel, bytes) in tree(&f.out()) {
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            .collect();
        assert!(bad.is_empty(), "{rel}: {bad:?}");
        assert!(!text.contains('\u{1112}'), "{rel}: decomposed Jamo");
    }
    for xml in ["atom.xml", "sitemap.xml"] {
        let text = f.read(xml);
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{xml}: {e}\n{text}"));
    }
    let feed = f.read("atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title") && n.parent().is_some_and(|p| p.has_tag_name("entry")))
        .filter_map(|n| n.text())
        .collect();
    assert!(titles.contains(&"한글 제목"), "{titles:?}");
    assert!(titles.contains(&"벨소리"), "{titles:?}");
}

// ── Broken markdown ──────────────────────────────────────────────────────

/// The page's own frame survived the note: the footer and our script are
/// there and nothing from the note is left open at the end of the file.
fn assert_page_whole(f: &Fixture, page: &str) {
    let html = f.read(page);
    let mut t = gongbu::note::html::HtmlTracker::new();
    t.feed(&html, 0);
    assert_eq!(t.finish(), None, "{page} ends inside note markup");
    let doc = f.html(page);
    assert_eq!(
        doc.select(&sel("body > footer.site-footer")).count(),
        1,
        "{page}"
    );
    assert!(
        attrs(&doc, "body > script[src]", "src")
            .iter()
            .any(|s| s.ends_with("assets/gongbu.js")),
        "{page}"
    );
}

#[test]
fn unclosed_and_mixed_code_fences() {
    let f = Fixture::new();
    f.note(
        "open.md",
        "# 열린 펜스\n\n```rust\nfn main() {\n// 닫히지 않음 <script>\n",
    )
    .note(
        "mixed.md",
        "```\n안쪽 ~~~\n~~~\n여전히 코드\n```\n\n~~~python\n```\nprint(1)\n~~~\n\n밖 문단\n",
    );
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let open = f.html("open.html");
    assert!(text(&open, "pre").contains("닫히지 않음 <script>"));
    assert_page_whole(&f, "open.html");
    let mixed = f.html("mixed.html");
    let blocks = texts(&mixed, "pre");
    assert_eq!(blocks.len(), 2, "{blocks:#?}");
    assert!(blocks[0].contains("안쪽 ~~~") && blocks[0].contains("여전히 코드"));
    assert!(blocks[1].contains("```") && blocks[1].contains("print(1)"));
    assert_eq!(texts(&mixed, ".note-body > p"), vec!["밖 문단"]);
    assert_page_whole(&f, "mixed.html");
}

#[test]
fn empty_links_and_images() {
    let f = Fixture::new();
    f.note(
        "empty.md",
        "앞 ![]() 가운데 []() 뒤 [빈]() ![대체 글]() [[]] [[|]] <>\n\n[ref]: <>\n",
    );
    let r = build(&f);
    assert!(r.exit_code() == 0, "{:#?}", diagnostics(&r));
    let doc = f.html("empty.html");
    assert!(text(&doc, ".note-body").contains("가운데"));
    assert_page_whole(&f, "empty.html");
}

#[test]
fn template_syntax_and_angle_brackets_in_text_stay_text() {
    let f = Fixture::new();
    f.config("title: 사이트 제목\n");
    f.note(
        "tera.md",
        "---\ntitle: \"{{ site.title }} {% if true %}예{% endif %}\"\n---\n중괄호 {{ site.title }}, {% for x in y %}반복{% endfor %}, {# 주석 #}.\n\n`Vec<T>` 와 Option&lt;T&gt; 그리고 a < b > c\n\n{{ page.title | safe }}\n",
    );
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("tera.html");
    assert_eq!(
        text(&doc, "h1.note-title"),
        "{{ site.title }} {% if true %}예{% endif %}"
    );
    let body = text(&doc, ".note-body");
    assert!(body.contains("중괄호 {{ site.title }}"), "{body}");
    assert!(body.contains("{% for x in y %}반복{% endfor %}"), "{body}");
    assert!(body.contains("{# 주석 #}"), "{body}");
    assert!(
        body.contains("Vec<T>") && body.contains("Option<T>"),
        "{body}"
    );
    assert!(body.contains("a < b > c"), "{body}");
    assert!(body.contains("{{ page.title | safe }}"), "{body}");
    assert_page_whole(&f, "tera.html");
}

/// Raw HTML is kept (notes are the author's own), but what it leaves open is
/// closed at the end of the note, with a warning naming the line.
#[test]
fn unclosed_raw_html_is_kept_but_cannot_swallow_the_page() {
    let f = Fixture::new();
    f.note(
        "script.md",
        "# 스크립트\n\n문단\n\n<script>\nconsole.log('작성자의 스크립트');\n\n이후 문단\n",
    )
    .note(
        "comment.md",
        "앞 문단\n\n<!-- 끝나지 않는 주석\n\n뒤 문단\n",
    )
    .note("style.md", "<style>\np { color: red }\n")
    .note("attr.md", "<div class=\"열린 따옴표\n\n본문\n")
    .note("plaintext.md", "앞\n\n<plaintext>\n뒤\n")
    .note(
        "closed.md",
        "<script>console.log(1)</script>\n\n<div class=\"box\">\n\n**굵게**\n\n</div>\n",
    );
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    expect_diag(&r, "unclosed-html", "notes/script.md:5");
    expect_diag(&r, "unclosed-html", "notes/comment.md:3");
    expect_diag(&r, "unclosed-html", "notes/style.md:1");
    expect_diag(&r, "unclosed-html", "notes/attr.md:1");
    expect_diag(&r, "unclosed-html", "notes/plaintext.md:3");
    assert!(
        !diagnostics(&r).iter().any(|d| d.contains("closed.md")),
        "{:#?}",
        diagnostics(&r)
    );
    for page in [
        "script.html",
        "comment.html",
        "style.html",
        "attr.html",
        "plaintext.html",
        "closed.html",
    ] {
        assert_page_whole(&f, page);
    }
    // Kept as written: the author's script is a script.
    let doc = f.html("script.html");
    let scripts: Vec<String> = doc
        .select(&sel(".note-body script"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(scripts.len(), 1);
    assert!(scripts[0].contains("작성자의 스크립트"));
    assert!(text(&f.html("plaintext.html"), ".note-body").contains("<plaintext>"));
    assert_eq!(
        f.html("closed.html")
            .select(&sel(".note-body .box strong"))
            .count(),
        1
    );
}

// ── Atomic output ────────────────────────────────────────────────────────

/// Folders beside the output that builds leave while they run.
fn leftovers(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site.gongbu-"))
        .collect();
    names.sort();
    names
}

fn big_site(f: &Fixture, notes: usize, version: &str) {
    for i in 0..notes {
        let folder = format!("분류{:02}", i % 20);
        f.note(
            &format!("{folder}/노트 {i:04}.md"),
            &format!(
                "---\ntitle: 노트 {i} {version}\ndate: 2026-01-{:02}\ntags: [태그{}, 공통]\n---\n\
                 ## 개요\n\n프로세스와 스레드에 대한 {i}번째 노트. [[노트 {} {version}]]을 보라.\n\n\
                 | 구분 | 프로세스 | 스레드 |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n\n\
                 ```rust\nfn main() {{ let x = {i}; println!(\"{{x}}\"); }}\n```\n\n\
                 ## 정리\n\n{}\n",
                i % 28 + 1,
                i % 7,
                (i + 1) % notes,
                "긴 문장을 채운다. ".repeat(40)
            ),
        );
    }
}

fn gongbu_build(root: &Path, out: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_gongbu"));
    cmd.current_dir(root)
        .args(["build", "--out", out])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    cmd
}

/// Kills `gongbu build` with SIGKILL at moments spread over a build and
/// checks each time that the output is a whole site, the previous one or
/// (killed after the swap) the new one, never a mix; the next normal run
/// removes what the killed builds left beside it.
#[cfg(unix)]
#[test]
fn a_build_killed_at_any_moment_leaves_a_whole_site() {
    const NOTES: usize = 600;
    let f = Fixture::new();
    big_site(&f, NOTES, "v1");
    let t = Instant::now();
    let status = gongbu_build(f.root(), "site").status().unwrap();
    let full = t.elapsed();
    assert!(status.success());
    let old = tree(&f.out());

    // The next version, and the site it builds (built elsewhere).
    big_site(&f, NOTES, "v2");
    let t = Instant::now();
    assert!(gongbu_build(f.root(), "site-v2")
        .status()
        .unwrap()
        .success());
    // Kills spread over the longer of the two builds: one that lands after
    // the end still checks the swapped-in site.
    let full = full.max(t.elapsed());
    let new = tree(&f.root().join("site-v2"));
    assert_ne!(old, new);
    std::fs::remove_dir_all(f.root().join("site-v2")).unwrap();

    let mut previous = old.clone();
    let mut killed_mid_write = 0;
    const KILLS: u32 = 6;
    for k in 1..=KILLS {
        let mut child = gongbu_build(f.root(), "site").spawn().unwrap();
        std::thread::sleep(full * k / (KILLS + 1));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = tree(&f.out());
        assert!(
            now == previous || now == new,
            "kill {k}: the output is neither the previous nor the new site"
        );
        if now == previous && !leftovers(f.root()).is_empty() {
            killed_mid_write += 1;
        }
        previous = now;
    }
    eprintln!("full build {full:?}; {killed_mid_write} of {KILLS} kills landed mid-write");
    assert!(
        killed_mid_write > 0,
        "no kill landed while pages were written (full build took {full:?})"
    );

    let r = gongbu_build(f.root(), "site").status().unwrap();
    assert!(r.success());
    assert_eq!(tree(&f.out()), new);
    assert_eq!(leftovers(f.root()), Vec::<String>::new());
}

#[test]
fn only_marked_leftovers_are_cleaned() {
    let f = Fixture::new();
    f.note("a.md", "# 가\n");
    let marked = f.root().join(".site.gongbu-tmp-999999999-1");
    std::fs::create_dir_all(marked.join("sub")).unwrap();
    std::fs::write(marked.join(gongbu::output::MARKER), "").unwrap();
    std::fs::write(marked.join("sub/page.html"), "half").unwrap();
    let empty = f.root().join(".site.gongbu-tmp-999999999-2");
    std::fs::create_dir_all(&empty).unwrap();
    let foreign = f.root().join(".site.gongbu-tmp-999999999-3");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("mine.txt"), "not gongbu's").unwrap();
    let foreign_old = f.root().join(".site.gongbu-old-999999999-4");
    std::fs::create_dir_all(&foreign_old).unwrap();
    std::fs::write(foreign_old.join("mine.txt"), "not gongbu's").unwrap();
    // The staging folder of another build still running is left alone.
    #[cfg(target_os = "linux")]
    let mut running = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    #[cfg(target_os = "linux")]
    let in_progress = {
        let dir = f
            .root()
            .join(format!(".site.gongbu-tmp-{}-5", running.id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(gongbu::output::MARKER), "").unwrap();
        dir
    };
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    #[cfg(target_os = "linux")]
    {
        assert!(in_progress.exists());
        running.kill().unwrap();
        running.wait().unwrap();
        // Once that build is gone, its folder is a leftover like any other.
        assert_eq!(build(&f).exit_code(), 0);
        assert!(!in_progress.exists());
    }
    assert!(!marked.exists());
    assert!(!empty.exists());
    assert_eq!(
        std::fs::read(foreign.join("mine.txt")).unwrap(),
        b"not gongbu's"
    );
    assert_eq!(
        std::fs::read(foreign_old.join("mine.txt")).unwrap(),
        b"not gongbu's"
    );
    assert!(f.out().join("a.html").is_file());
}

#[test]
fn an_interrupted_swap_puts_the_previous_site_back() {
    // Killed between the two renames of the fallback swap: the output is
    // gone and the previous site waits aside, marked.
    let f = Fixture::new();
    let before = previous_site(&f);
    let aside = f.root().join(".site.gongbu-old-1-1");
    std::fs::rename(f.out(), &aside).unwrap();
    gongbu::output::clean_stale(&f.out());
    assert_eq!(tree(&f.out()), before);
    assert!(!aside.exists());
}

// ── Fuzz regressions ─────────────────────────────────────────────────────

/// Inputs the fuzzer found (fuzz/), replayed as the fuzz target runs them.
/// Each left the page inside an element it opened (a `<textarea>`,
/// `<style>` or comment swallowing the page's own markup) before raw HTML
/// was closed at the end of the body.
#[test]
fn fuzz_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    cases.sort();
    assert!(cases.len() >= 5, "{}: {cases:?}", dir.display());
    for case in cases {
        let bytes = std::fs::read(&case).unwrap();
        let o = gongbu::fuzz::build_input(&bytes);
        assert!(
            !o.files.is_empty(),
            "{}: {:#?}",
            case.display(),
            o.diagnostics
        );
        assert!(
            o.swallowed_pages().is_empty(),
            "{}: {:?}",
            case.display(),
            o.swallowed_pages()
        );
        for xml in ["atom.xml", "sitemap.xml"] {
            if let Some(b) = o.files.get(xml) {
                let text = String::from_utf8_lossy(b);
                roxmltree::Document::parse(&text)
                    .unwrap_or_else(|e| panic!("{}: {xml}: {e}", case.display()));
            }
        }
    }
}
