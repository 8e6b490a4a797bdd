//! Bad inputs real note folders contain: each gets a clear diagnostic
//! (`path:line` where there is a line), the right exit code, and loses
//! nothing: the other notes are still built, a failed build leaves the
//! previous site byte for byte, and the bad file itself is never touched.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::*;
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
    #[cfg(feature = "fuzzing")]
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
    let mut t = gongbu::internals::HtmlTracker::new();
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
    std::fs::write(marked.join(gongbu::MARKER), "").unwrap();
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
        std::fs::write(dir.join(gongbu::MARKER), "").unwrap();
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
    gongbu::clean_stale(&f.out());
    assert_eq!(tree(&f.out()), before);
    assert!(!aside.exists());
}

// ── Fuzz regressions ─────────────────────────────────────────────────────

/// Inputs the fuzzer found (fuzz/), replayed as the fuzz target runs them.
/// Each left the page inside an element it opened (a `<textarea>`,
/// `<style>` or comment swallowing the page's own markup) before raw HTML
/// was closed at the end of the body.
#[cfg(feature = "fuzzing")]
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
        // As a browser parses it: the frame is still the body's.
        for (rel, bytes) in &o.files {
            let text = String::from_utf8_lossy(bytes);
            if rel.ends_with(".html") && text.contains("site-footer") {
                let doc = scraper::Html::parse_document(&text);
                if let Some(why) = frame_outside_body(&doc) {
                    panic!("{}: {rel}: {why}", case.display());
                }
            }
        }
        for xml in ["atom.xml", "sitemap.xml"] {
            if let Some(b) = o.files.get(xml) {
                let text = String::from_utf8_lossy(b);
                roxmltree::Document::parse(&text)
                    .unwrap_or_else(|e| panic!("{}: {xml}: {e}", case.display()));
            }
        }
    }
}

// ── Round two: user files, leftovers, bombs, names, environments ─────────

/// Item 1: what the user put into the output survives the next build.
#[test]
fn files_the_user_put_in_the_output_are_carried_over() {
    let f = Fixture::new();
    f.note(
        "운영체제/프로세스.md",
        "# 프로세스\n\n실행 중인 프로그램.\n",
    );
    assert_eq!(build(&f).exit_code(), 0);
    let out = f.out();
    // A deploy worktree, a custom domain, a jekyll switch, an upload.
    std::fs::create_dir_all(out.join(".git/objects/ab")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    std::fs::write(out.join(".git/objects/ab/cdef"), b"blob").unwrap();
    std::fs::write(out.join("CNAME"), "notes.example.kr\n").unwrap();
    std::fs::write(out.join(".nojekyll"), "").unwrap();
    std::fs::write(out.join(".env.deploy"), "TOKEN=none\n").unwrap();
    std::fs::create_dir_all(out.join("자료")).unwrap();
    std::fs::write(out.join("자료/운영체제 중간고사 정리.pdf"), b"%PDF-1.4").unwrap();
    std::fs::write(out.join("운영체제/필기.txt"), "손으로 쓴 필기").unwrap();

    f.note("운영체제/스레드.md", "# 스레드\n\n프로세스 안의 흐름.\n");
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    assert!(out.join("운영체제/스레드.html").is_file());
    assert_eq!(
        std::fs::read_to_string(out.join(".git/HEAD")).unwrap(),
        "ref: refs/heads/gh-pages\n"
    );
    assert_eq!(
        std::fs::read(out.join(".git/objects/ab/cdef")).unwrap(),
        b"blob"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("CNAME")).unwrap(),
        "notes.example.kr\n"
    );
    assert!(out.join(".env.deploy").is_file());
    // Other files stay too, each named in a warning.
    assert!(out.join("자료/운영체제 중간고사 정리.pdf").is_file());
    assert!(out.join("운영체제/필기.txt").is_file());
    let kept: Vec<String> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == "output-kept")
        .map(|d| d.to_string())
        .collect();
    assert_eq!(kept.len(), 2, "{kept:#?}");
    assert!(
        kept.iter().any(|k| k.contains("중간고사 정리.pdf")),
        "{kept:#?}"
    );
    assert!(kept.iter().any(|k| k.contains("필기.txt")), "{kept:#?}");
    // The manifest lists only what gongbu wrote.
    let manifest = std::fs::read_to_string(out.join(gongbu::MANIFEST)).unwrap();
    assert!(manifest.lines().any(|l| l == "운영체제/스레드.html"));
    assert!(!manifest.contains("필기.txt") && !manifest.contains(".git"));

    // A page of a deleted note is gongbu's own: it goes without a word.
    std::fs::remove_file(f.root().join("notes/운영체제/스레드.md")).unwrap();
    let r = build(&f);
    assert!(!out.join("운영체제/스레드.html").exists());
    assert_eq!(
        r.diagnostics
            .iter()
            .filter(|d| d.code == "output-kept")
            .count(),
        2,
        "{:#?}",
        diagnostics(&r)
    );

    // --clean drops the others, never the dotfiles or CNAME.
    let out_cli = f.cli(&["build", "--clean"]);
    assert_eq!(out_cli.status.code(), Some(0));
    assert!(!out.join("자료/운영체제 중간고사 정리.pdf").exists());
    assert!(!out.join("운영체제/필기.txt").exists());
    assert!(out.join(".git/HEAD").is_file());
    assert!(out.join("CNAME").is_file());
    assert!(out.join(".env.deploy").is_file());
}

/// Item 2: SIGTERM and SIGINT remove the staging folder before exiting.
#[cfg(unix)]
#[test]
fn sigterm_and_sigint_leave_no_staging_folder() {
    let f = Fixture::new();
    big_site(&f, 400, "v1");
    assert!(gongbu_build(f.root(), "site").status().unwrap().success());
    let old = tree(&f.out());
    big_site(&f, 400, "v2");
    for signal in ["-TERM", "-INT"] {
        let mut child = gongbu_build(f.root(), "site").spawn().unwrap();
        // Wait until it writes pages, then interrupt it.
        let started = Instant::now();
        while leftovers(f.root()).is_empty() && started.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis(30));
        let pid = child.id().to_string();
        assert!(std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success());
        let status = child.wait().unwrap();
        let now = tree(&f.out());
        if now == old {
            // Interrupted before the swap: nothing of it is left.
            assert_eq!(status.code(), Some(130), "{signal}");
        }
        assert_eq!(leftovers(f.root()), Vec::<String>::new(), "{signal}");
    }
}

/// Item 2: a folder whose removal was cut short still carries the marker,
/// so the next build removes it; an empty unmarked one goes too.
#[test]
fn removal_keeps_the_marker_to_the_last() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(".site.gongbu-old-1-1");
    std::fs::create_dir_all(dir.join("a/b")).unwrap();
    std::fs::write(dir.join(gongbu::MARKER), "").unwrap();
    std::fs::write(dir.join("a/b/c.html"), "x").unwrap();
    gongbu::remove_marked(&dir);
    assert!(!dir.exists());
    // Unmarked and not empty: never ours to delete.
    let foreign = tmp.path().join(".site.gongbu-old-1-2");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("mine.txt"), "x").unwrap();
    gongbu::remove_marked(&foreign);
    assert!(foreign.join("mine.txt").is_file());
    // Empty unmarked leftovers (marker already gone) are cleaned.
    let empty = tmp.path().join(".site.gongbu-old-1-3");
    std::fs::create_dir_all(&empty).unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join(gongbu::MARKER), "").unwrap();
    gongbu::clean_stale(&site);
    assert!(!empty.exists());
    assert!(foreign.join("mine.txt").is_file());
}

/// Writes a 20000×20000 grayscale PNG (about 1 MB) without holding it.
fn bomb_png(path: &Path) {
    use std::io::Write;
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut enc = png::Encoder::new(file, 20_000, 20_000);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut w = enc.write_header().unwrap();
    let mut s = w.stream_writer().unwrap();
    let row = vec![0u8; 20_000];
    for _ in 0..20_000 {
        s.write_all(&row).unwrap();
    }
    s.finish().unwrap();
}

/// Item 3: a decompression bomb is copied as it is, with a warning at the
/// line using it, and the build stays small.
#[cfg(target_os = "linux")]
#[test]
fn decompression_bombs_are_not_decoded() {
    let f = Fixture::new();
    f.config("images:\n  max_width: 800\n");
    f.note(
        "그림/큰 그림.md",
        "# 큰 그림\n\n설명 문단.\n\n![메모리 지도](지도.png)\n",
    );
    bomb_png(&f.root().join("notes/그림/지도.png"));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gongbu"))
        .current_dir(f.root())
        .arg("build")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(peak_kb < 200 * 1024, "peak {peak_kb} kB\n{stderr}");
    assert!(
        stderr.contains("notes/그림/큰 그림.md:5") && stderr.contains("max_pixels"),
        "{stderr}"
    );
    let copied = f.out().join("그림/지도.png");
    assert_eq!(
        std::fs::metadata(&copied).unwrap().len(),
        std::fs::metadata(f.root().join("notes/그림/지도.png"))
            .unwrap()
            .len()
    );
    let scaled: Vec<_> = std::fs::read_dir(f.out().join("그림"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("800w"))
        .collect();
    assert!(scaled.is_empty());
    let doc = f.html("그림/큰-그림.html");
    assert_eq!(
        attrs(&doc, ".note-body img", "src"),
        vec!["%EC%A7%80%EB%8F%84.png"]
    );
}

/// Item 5: the page's frame as a browser builds it: the footer and both
/// scripts are children of `<body>` whatever a note leaves open.
fn assert_frame_in_body(f: &Fixture, page: &str) {
    let doc = f.html(page);
    assert!(
        frame_outside_body(&doc).is_none(),
        "{page}: {:?}",
        frame_outside_body(&doc)
    );
}

#[test]
fn no_element_can_swallow_the_page() {
    let f = Fixture::new();
    let cases = [
        (
            "select",
            "## 선택\n\n<select name=\"장치\">\n<option>디스크</option>\n\n이후 문단\n",
        ),
        ("template", "<template>\n<p>틀</p>\n\n본문 계속\n"),
        ("table", "<table>\n<tr><td>셀 하나\n\n뒤 문단\n"),
        ("td", "<table><tr><td>\n\n**굵게** 그리고 계속\n"),
        (
            "svg",
            "그림: <svg viewBox=\"0 0 10 10\"><circle r=\"4\"/>\n\n설명 계속\n",
        ),
        ("math", "<math><mi>x</mi>\n\n수식 뒤 글\n"),
        ("object", "<object data=\"없는.swf\">\n\n대체 글\n"),
        ("marquee", "<marquee>흐르는 글\n"),
        ("xmp", "<xmp>\n<b>그대로</b>\n"),
        ("iframe", "<iframe>\n안쪽\n"),
        ("noembed", "<noembed>\n안쪽\n"),
        ("noframes", "<noframes>\n안쪽\n"),
        ("noscript", "<noscript>\n스크립트 없음\n"),
        (
            "nested",
            "<select><option>하나\n\n<table><tr><td><svg><g>\n끝\n",
        ),
    ];
    for (name, text) in cases {
        f.note(&format!("열린 {name}.md"), text);
    }
    f.note("닫힌 것.md", "<svg/> <select><option>가</option></select>\n\n<table><tr><td>셀</td></tr></table>\n\n<svg><rect/></svg>\n");
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    for (name, _) in cases {
        let page = format!("열린-{name}.html");
        expect_diag(&r, "unclosed-html", &format!("notes/열린 {name}.md:"));
        assert_page_whole(&f, &page);
        assert_frame_in_body(&f, &page);
    }
    assert!(
        !diagnostics(&r).iter().any(|d| d.contains("닫힌 것")),
        "{:#?}",
        diagnostics(&r)
    );
    assert_frame_in_body(&f, "닫힌-것.html");
    // The author's select is still a select.
    let doc = f.html("열린-select.html");
    assert_eq!(doc.select(&sel(".note-body select option")).count(), 1);
}

/// Item 6: `C`, `C++`, `C#`, `c--` and two emoji are six tags and four
/// category folders stay four; case variants merge under the most used
/// spelling; what still collides is named.
#[test]
fn distinct_tags_and_categories_stay_distinct() {
    let f = Fixture::new();
    let langs = [("C", "c"), ("C++", "cpp"), ("C#", "cs"), ("c--", "cmm")];
    for (folder, file) in langs {
        f.note(
            &format!("{folder}/{file} 기초.md"),
            &format!("---\ntags: [{folder:?}, \"🍎\", 언어]\n---\n# {folder} 기초\n"),
        );
    }
    f.note("잡담.md", "---\ntags: [\"🍊\", rust, Rust]\n---\n# 잡담\n")
        .note("러스트.md", "---\ntags: [Rust, \"a b\"]\n---\n# 러스트\n")
        .note("러스트 2.md", "---\ntags: [Rust, a-b]\n---\n# 러스트 둘\n");
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    for page in [
        "tags/c.html",
        "tags/c++.html",
        "tags/c#.html",
        "tags/c-.html",
        "tags/🍎.html",
        "tags/🍊.html",
        "categories/c.html",
        "categories/c++.html",
        "categories/c#.html",
        "categories/c-.html",
    ] {
        assert!(f.out().join(page).is_file(), "{page}");
    }
    assert_eq!(
        text(&f.html("tags/c#.html"), "h1"),
        text(&f.html("tags/c#.html"), "h1")
    );
    assert!(text(&f.html("tags/c++.html"), "h1").contains("C++"));
    assert!(text(&f.html("categories/c#.html"), "h1").contains("C#"));
    // Links to them are percent-encoded and resolve.
    let tags = f.html("tags/index.html");
    let hrefs = attrs(&tags, "main a", "href");
    assert!(hrefs.iter().any(|h| h.ends_with("/c%23.html")), "{hrefs:?}");
    assert!(
        hrefs.iter().any(|h| h.ends_with("/c%2B%2B.html")),
        "{hrefs:?}"
    );
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
    // `rust` ×1 and `Rust` ×3: one tag called Rust.
    assert!(text(&f.html("tags/rust.html"), "h1").contains("Rust"));
    assert!(!text(&f.html("tags/rust.html"), "h1").contains("rust"));
    // `a b` and `a-b` share `tags/a-b.html`: a warning naming both.
    let w = expect_diag(&r, "name-collision", "notes/");
    assert!(w.contains("`a b`") && w.contains("`a-b`"), "{w}");
}

/// Item 7: an output inside static/ or templates/ is refused.
#[test]
fn out_inside_static_or_templates_is_refused() {
    let f = Fixture::new();
    f.note("a.md", "# 가\n")
        .file("static/assets/my.css", b"body{}")
        .file("templates/.keep", b"");
    for out_dir in ["static", "static/site", "templates/out"] {
        let before = tree(f.root());
        let out = f.cli(&["build", "--out", out_dir]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{out_dir}: {stderr}");
        assert!(stderr.contains("output-dir"), "{stderr}");
        assert_eq!(tree(f.root()), before, "{out_dir}");
    }
}

/// Runs `script` as root in a mount namespace of its own (`$1` is the
/// fixture root, `$2` the gongbu binary). CI runs as root; a machine where
/// this cannot mount fails the test rather than skipping it.
#[cfg(target_os = "linux")]
fn in_mount_namespace(root: &Path, script: &str) -> std::process::Output {
    let out = std::process::Command::new("unshare")
        .args(["-m", "sh", "-c", script, "sh"])
        .arg(root)
        .arg(env!("CARGO_BIN_EXE_gongbu"))
        .output()
        .expect("unshare (util-linux) must be installed");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("MOUNT FAILED"),
        "cannot mount a tmpfs (the test needs root): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Item 9: an output that is a mount point (a tmpfs, a Docker volume) is
/// built by swapping its children; a later build replaces the site whole.
#[cfg(target_os = "linux")]
#[test]
fn output_on_a_mount_point_is_built() {
    let f = Fixture::new();
    f.note("운영체제/프로세스.md", "# 프로세스\n\n본문 하나\n");
    std::fs::create_dir_all(f.root().join("site")).unwrap();
    let out = in_mount_namespace(
        f.root(),
        r#"cd "$1" && mount -t tmpfs -o size=32m gongbu-test site || { echo MOUNT FAILED >&2; exit 99; }
"$2" build || exit 1
echo 'notes.example.kr' > site/CNAME
cat > notes/운영체제/스레드.md <<'N'
# 스레드

둘째 노트
N
rm notes/운영체제/프로세스.md
"$2" build || exit 2
ls -A site > "$1/listing.txt"
ls -A site/운영체제 >> "$1/listing.txt"
cat site/CNAME >> "$1/listing.txt"
"#,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let listing = std::fs::read_to_string(f.root().join("listing.txt")).unwrap();
    assert!(listing.contains("스레드.html"), "{listing}");
    assert!(!listing.contains("프로세스.html"), "{listing}");
    assert!(listing.contains("notes.example.kr"), "{listing}");
    assert!(listing.contains(".gongbu-output"), "{listing}");
    assert!(
        !listing.contains(".gongbu-tmp") && !listing.contains(".gongbu-old"),
        "{listing}"
    );
}

/// Item 9: a bind mount (same file system, still not renamable) falls
/// back to staging inside it after the swap is refused.
#[cfg(target_os = "linux")]
#[test]
fn output_on_a_bind_mount_is_built() {
    let f = Fixture::new();
    f.note("운영체제/프로세스.md", "# 프로세스\n\n본문 하나\n");
    std::fs::create_dir_all(f.root().join("site")).unwrap();
    std::fs::create_dir_all(f.root().join("volume")).unwrap();
    let out = in_mount_namespace(
        f.root(),
        r#"cd "$1" && mount --bind volume site || { echo MOUNT FAILED >&2; exit 99; }
"$2" build || exit 1
echo '# 스레드' > notes/운영체제/스레드.md
"$2" build || exit 2
ls -A site site/운영체제 > "$1/listing.txt"
"#,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let listing = std::fs::read_to_string(f.root().join("listing.txt")).unwrap();
    assert!(
        listing.contains("스레드.html") && listing.contains("프로세스.html"),
        "{listing}"
    );
    assert!(
        !listing.contains(".gongbu-tmp") && !listing.contains(".gongbu-old"),
        "{listing}"
    );
    let beside: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // The build cache is meant to stay beside the output.
        .filter(|n| n.contains("gongbu-") && n != ".gongbu-cache")
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

/// Item 10: a full disk is one error naming the path, exit code 2, and
/// the previous site stays.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_one_error_with_exit_code_2() {
    let f = Fixture::new();
    for i in 0..60 {
        f.note(
            &format!("노트/긴 노트 {i:02}.md"),
            &format!("# 긴 노트 {i}\n\n{}\n", "채우는 문장입니다. ".repeat(400)),
        );
    }
    let out = in_mount_namespace(
        f.root(),
        r#"cd "$1" && mkdir -p disk && mount -t tmpfs -o size=600k gongbu-test disk || { echo MOUNT FAILED >&2; exit 99; }
mkdir -p keep && mv notes keep/ && mkdir -p notes && echo '# 작은 노트' > notes/작은.md
"$2" build --out disk/site || exit 1
rm -r notes && mv keep/notes notes
"$2" build --out disk/site
code=$?
ls disk/site > "$1/listing.txt"
ls -a disk > "$1/beside.txt"
exit $code
"#,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let errors = stderr.matches("쓸 수 없어").count();
    assert_eq!(errors, 1, "{stderr}");
    assert!(stderr.contains("disk/site"), "{stderr}");
    assert!(
        !stderr.contains("`노트/"),
        "one error, not one per page: {stderr}"
    );
    let listing = std::fs::read_to_string(f.root().join("listing.txt")).unwrap();
    assert!(
        listing.contains("작은.html"),
        "previous site kept: {listing}"
    );
    let beside = std::fs::read_to_string(f.root().join("beside.txt")).unwrap();
    assert!(!beside.contains("gongbu-"), "{beside}");
}

/// Item 11: the smaller ones.
#[test]
fn unclosed_front_matter_is_a_warning_at_line_1() {
    let f = Fixture::new();
    f.note(
        "열린 앞머리.md",
        "---\ntitle: 끝없는 앞머리\ntags: [os]\n\n# 본문 제목\n\n내용\n",
    );
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    expect_diag(&r, "front-matter", "notes/열린 앞머리.md:1");
}

#[test]
fn an_invisible_title_falls_back_like_an_empty_one() {
    let f = Fixture::new();
    f.note(
        "보이지 않는 제목.md",
        "---\ntitle: \"\u{200B}\u{200B} \u{FEFF}\"\n---\n본문\n",
    )
    .note("빈 제목줄.md", "# \u{200B}\n\n본문\n");
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    assert_eq!(
        text(&f.html("보이지-않는-제목.html"), "h1.note-title"),
        "보이지 않는 제목"
    );
    assert_eq!(
        text(&f.html("빈-제목줄.html"), "h1.note-title"),
        "빈 제목줄"
    );
}

#[test]
fn base_url_must_be_http_and_is_encoded_in_feed_and_sitemap() {
    let f = Fixture::new();
    f.note(
        "프로세스.md",
        "---\ntitle: 프로세스\ndate: 2026-03-01\n---\n본문\n",
    );
    for bad in [
        "notes.example.kr",
        "ftp://example.kr/",
        "javascript:alert(1)",
        "https://",
    ] {
        f.config(&format!("title: 노트\nbase_url: \"{bad}\"\n"));
        let out = f.cli(&["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("gongbu.yaml:2"), "{bad}: {stderr}");
    }
    f.config("title: 노트\n");
    let out = f.cli(&["build", "--base-url", "example.kr"]);
    assert_eq!(out.status.code(), Some(2));
    f.config("title: 노트\nbase_url: https://example.github.io/공부 노트\n");
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let base = "https://example.github.io/%EA%B3%B5%EB%B6%80%20%EB%85%B8%ED%8A%B8/";
    for xml in ["atom.xml", "sitemap.xml"] {
        let text = f.read(xml);
        roxmltree::Document::parse(&text).unwrap();
        assert!(text.contains(base), "{xml}: {text}");
        assert!(!text.contains("공부 노트/"), "{xml}: {text}");
    }
}

#[cfg(unix)]
#[test]
fn gongbu_new_refuses_to_write_through_a_symlink_out_of_the_notes() {
    let f = Fixture::new();
    f.note("a.md", "# 가\n");
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), f.root().join("notes/바깥")).unwrap();
    let out = f.cli(&["new", "새 노트", "--category", "바깥/하위"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    // A dangling symlink where the new note would go is not followed.
    let target = outside.path().join("몰래.md");
    std::os::unix::fs::symlink(&target, f.root().join("notes/새-노트.md")).unwrap();
    let out = f.cli(&["new", "새 노트"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!target.exists());
}

#[test]
fn gongbu_new_dates_notes_in_the_site_time_zone() {
    let f = Fixture::new();
    f.note("a.md", "# 가\n");
    // The date in Seoul (default) and on Kiritimati (UTC+14) and Niue
    // (UTC-11) differ from UTC's at some hour of every day.
    for (zone, yaml) in [
        ("Asia/Seoul", ""),
        ("Pacific/Kiritimati", "timezone: Pacific/Kiritimati\n"),
        ("Pacific/Niue", "timezone: Pacific/Niue\n"),
    ] {
        f.config(yaml);
        let title = format!("시간대 {}", zone.replace('/', " "));
        let out = f.cli(&["new", &title]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let tz: chrono_tz::Tz = zone.parse().unwrap();
        let today = chrono::Utc::now().with_timezone(&tz).date_naive();
        let file = f
            .root()
            .join(format!("notes/{}.md", gongbu::internals::slugify(&title)));
        let text = std::fs::read_to_string(file).unwrap();
        assert!(
            text.contains(&format!("date: {}", today.format("%Y-%m-%d"))),
            "{zone}: {text}"
        );
    }
    f.config("timezone: Mars/Olympus\n");
    let out = f.cli(&["new", "화성"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn nfc_nfd_duplicates_show_their_code_points() {
    use unicode_normalization::UnicodeNormalization;
    let f = Fixture::new();
    let nfd: String = "가".nfd().collect();
    f.note("가.md", "# 하나\n")
        .note(&format!("{nfd}.md"), "# 둘\n");
    let r = build(&f);
    if std::fs::read_dir(f.root().join("notes")).unwrap().count() < 2 {
        panic!("this file system normalizes names; the test needs one that does not");
    }
    assert_eq!(r.exit_code(), 1, "{:#?}", diagnostics(&r));
    let e = expect_diag(&r, "duplicate-output", "notes/");
    assert!(e.contains("U+AC00") && e.contains("U+1100 U+1161"), "{e}");
}

#[test]
fn template_errors_exit_with_2() {
    let f = Fixture::new();
    f.note("a.md", "# 가\n")
        .file("templates/note.html", b"{% extends \"base.html\" %}{% block content %}{{ page.title | no_such_filter }}{% endblock %}");
    let out = f.cli(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("templates/"), "{stderr}");
}

#[test]
fn script_links_render_as_text_with_a_warning() {
    let f = Fixture::new();
    f.note(
        "위험한 링크.md",
        "# 링크\n\n[누르지 마](javascript:alert(1)) 그리고 [이것도]( JaVaScRiPt:alert(2))\n\n[vb](vbscript:msgbox) [데이터](data:text/html;base64,PHNjcmlwdD4=)\n\n<a href=\"javascript:void(0)\">작성자의 HTML</a> [보통](https://example.kr)\n",
    );
    let r = build(&f);
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let unsafe_links = r
        .diagnostics
        .iter()
        .filter(|d| d.code == "unsafe-link")
        .count();
    assert_eq!(unsafe_links, 4, "{:#?}", diagnostics(&r));
    expect_diag(&r, "unsafe-link", "notes/위험한 링크.md:3");
    let doc = f.html("위험한-링크.html");
    let hrefs = attrs(&doc, ".note-body a", "href");
    assert_eq!(
        hrefs,
        vec!["javascript:void(0)", "https://example.kr"],
        "{hrefs:?}"
    );
    let body = text(&doc, ".note-body");
    assert!(
        body.contains("누르지 마") && body.contains("데이터"),
        "{body}"
    );
}
