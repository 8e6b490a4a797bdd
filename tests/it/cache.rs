//! The build cache (`ROOT/.gongbu-cache`): a rebuild renders only the pages
//! whose inputs changed, and its output is byte for byte the output of a
//! build without the cache; a cache that cannot be trusted is ignored with
//! one notice.

use std::collections::BTreeMap;
use std::path::Path;

use gongbu::diagnostic::Severity;
use gongbu::{BuildReport, Mode};

use crate::common::{diagnostics, Fixture};

const CACHE: &str = ".gongbu-cache/pages.json";

/// Every file and folder under `dir`: site-relative path → bytes (a
/// folder ends in `/` and has none).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk"))
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("under dir");
            let rel = rel.to_string_lossy().replace('\\', "/");
            if e.file_type().is_dir() {
                (format!("{rel}/"), Vec::new())
            } else {
                (rel, std::fs::read(e.path()).expect("read"))
            }
        })
        .collect()
}

/// Builds `f` with the cache and checks the output against a build of the
/// same notes without it (into another folder). Returns the cached build's
/// report.
fn build_and_compare(f: &Fixture) -> BuildReport {
    let report = try_build_and_compare(f);
    assert_eq!(report.exit_code(), 0, "{:#?}", diagnostics(&report));
    report
}

/// [`build_and_compare`] for a site that may fail to build (two notes at
/// one URL): then a build without the cache fails too.
fn try_build_and_compare(f: &Fixture) -> BuildReport {
    let report = f.build();
    if report.exit_code() != 0 {
        let cold = f.build_with(|o| o.no_cache = true);
        assert_ne!(cold.exit_code(), 0, "{:#?}", diagnostics(&report));
        return report;
    }
    assert!(report.written);
    let cold_out = tempfile::tempdir().expect("tempdir");
    let cold = gongbu::build(
        &gongbu::BuildOptions {
            out: Some(cold_out.path().join("site")),
            no_cache: true,
            ..f.options()
        },
        Mode::Build,
    );
    assert_eq!(cold.exit_code(), 0, "{:#?}", diagnostics(&cold));
    let (warm, cold) = (tree(&f.out()), tree(&cold_out.path().join("site")));
    assert_eq!(
        warm.keys().collect::<Vec<_>>(),
        cold.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &warm {
        let other = &cold[path];
        if other != bytes {
            let at = bytes.iter().zip(other).take_while(|(a, b)| a == b).count();
            let near = |b: &[u8]| {
                String::from_utf8_lossy(&b[at.saturating_sub(80)..(at + 120).min(b.len())])
                    .into_owned()
            };
            panic!(
                "{path} differs from a build without the cache:\n--- cached\n{}\n--- cold\n{}",
                near(bytes),
                near(other)
            );
        }
    }
    report
}

/// A note whose description is in its front matter (otherwise the first
/// sentence is the description, which lists show).
fn note(title: &str, category: &str, tags: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2026-01-01\ncategory: {category}\ntags: [{tags}]\ndescription: {title} 설명\n---\n\n{body}\n")
}

/// Five notes: a links to b, b and c share a tag, d is alone, e embeds
/// nothing; a README introduces the site.
fn sample() -> Fixture {
    let f = Fixture::new();
    f.note("README.md", "# 공부 노트\n\n[A](os/a.md)부터 읽으세요.\n");
    f.note("os/a.md", &note("A", "os", "t1", "A는 [B](b.md)로 간다."));
    f.note("os/b.md", &note("B", "os", "t1, t2", "B 본문."));
    f.note("net/c.md", &note("C", "net", "t2", "C 본문."));
    f.note("net/d.md", &note("D", "net", "t3", "D 본문."));
    f.note("e.md", &note("E", "etc", "", "E 본문."));
    f
}

fn notices(report: &BuildReport) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "cache")
        .map(|d| {
            assert_eq!(d.severity, Severity::Notice, "{d}");
            d.to_string()
        })
        .collect()
}

#[test]
fn a_prose_edit_renders_one_page_and_gives_the_bytes_of_a_cold_build() {
    let f = sample();
    let first = build_and_compare(&f);
    assert_eq!(first.pages_cached, 0);
    assert!(f.root().join(CACHE).is_file());

    let unchanged = build_and_compare(&f);
    assert!(unchanged.pages_cached >= 5 + 3 + 3, "{unchanged:?}");
    // Only pages the cache never keeps (home, lists, glossary, search …).
    let always = unchanged.pages_rendered;

    f.note("net/d.md", &note("D", "net", "t3", "D 본문, 고쳤다."));
    let edited = build_and_compare(&f);
    assert_eq!(edited.pages_rendered, always + 1, "{edited:?}");
    assert!(std::fs::read_to_string(f.out().join("net/d.html"))
        .unwrap()
        .contains("D 본문, 고쳤다."));
}

/// Builds `f` twice and returns how many pages the second build made with
/// nothing changed: those the cache never keeps.
fn pages_made_always(f: &Fixture) -> usize {
    build_and_compare(f);
    build_and_compare(f).pages_rendered
}

/// Writes `text` to note `rel`, builds, and returns how many pages the
/// build made.
fn pages_made_after(f: &Fixture, rel: &str, text: &str) -> usize {
    f.note(rel, text);
    build_and_compare(f).pages_rendered
}

#[test]
fn a_glossary_page_is_made_again_only_when_what_it_shows_changes() {
    let f = Fixture::new();
    f.note(
        "glossary.yaml",
        "- term: 프로세스\n  definition: 실행 중인 프로그램\n- term: 스레드\n  definition: 실행 흐름\n",
    );
    f.note("a.md", &note("A", "os", "t1", "프로세스는 자원을 가진다."));
    f.note("b.md", &note("B", "os", "t1", "스레드는 흐름이다."));
    f.note("c.md", &note("C", "os", "t2", "용어가 없는 문장."));
    // Pages made even when nothing changed (home, lists, search …): the
    // term pages are not among them.
    let always = pages_made_always(&f);

    // A note that mentions no term: its page alone.
    let edit = note("C", "os", "t2", "용어가 없는 문장, 고쳤다.");
    assert_eq!(pages_made_after(&f, "c.md", &edit), always + 1);

    // The sentence that mentions 프로세스 changes: the note's page and
    // 프로세스's page, which shows the new sentence; 스레드's is kept.
    let edit = note("A", "os", "t1", "프로세스는 메모리를 따로 가진다.");
    assert_eq!(pages_made_after(&f, "a.md", &edit), always + 2);
    let page = std::fs::read_to_string(f.out().join("glossary/프로세스.html")).unwrap();
    assert!(page.contains("메모리를 따로 가진다"), "{page}");

    // The same note gains a section elsewhere: the sentence 프로세스's
    // page shows is the same, so the note's page alone is made.
    let a = |body: &str| note("A", "os", "t1", body);
    let sentence = "프로세스는 메모리를 따로 가진다.";
    let edit = a(&format!("{sentence}\n\n## 덧붙임\n\n새로 쓴 절."));
    assert_eq!(pages_made_after(&f, "a.md", &edit), always + 1);

    // The section the sentence stands in gets a heading: the page shows
    // it (and links to it), so it is made again.
    let edit = a(&format!(
        "## 자원\n\n{sentence}\n\n## 덧붙임\n\n새로 쓴 절."
    ));
    assert_eq!(pages_made_after(&f, "a.md", &edit), always + 2);
    let page = std::fs::read_to_string(f.out().join("glossary/프로세스.html")).unwrap();
    assert!(page.contains("자원"), "{page}");

    // A new note mentions 스레드: its page lists it.
    f.note("d.md", &note("D", "net", "t3", "스레드를 쓴다."));
    build_and_compare(&f);
    let page = std::fs::read_to_string(f.out().join("glossary/스레드.html")).unwrap();
    assert!(page.contains("를 쓴다"), "{page}");
}

#[test]
fn a_comparison_page_is_made_again_only_when_a_table_it_merges_changes() {
    let f = Fixture::new();
    let table = |a: &str, b: &str, row: &str| {
        format!("| 구분 | {a} | {b} |\n|---|---|---|\n| {row} | 독립 | 공유 |\n")
    };
    f.note(
        "a.md",
        &note("A", "os", "t1", &table("프로세스", "스레드", "메모리")),
    );
    f.note(
        "b.md",
        &note("B", "net", "t2", &table("TCP", "UDP", "연결")),
    );
    f.note("c.md", &note("C", "etc", "t3", "비교가 없는 문장."));
    let always = pages_made_always(&f);

    // A note without a comparison: its page alone.
    let edit = note("C", "etc", "t3", "비교가 없는 문장, 고쳤다.");
    assert_eq!(pages_made_after(&f, "c.md", &edit), always + 1);

    // A row of the 프로세스/스레드 table changes: the note's page and that
    // comparison's page, which shows the new row; TCP/UDP's is kept.
    let edit = note("A", "os", "t1", &table("프로세스", "스레드", "주소 공간"));
    assert_eq!(pages_made_after(&f, "a.md", &edit), always + 2);
    let pages: Vec<String> = std::fs::read_dir(f.out().join("compare"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(pages.iter().any(|p| p.contains("주소 공간")), "{pages:?}");

    // The citing note's title changes: the pages that cite it show it.
    f.note(
        "a.md",
        &format!(
            "---\ntitle: 새 제목\n---\n\n{}",
            table("프로세스", "스레드", "주소 공간")
        ),
    );
    build_and_compare(&f);
}

#[test]
fn a_title_edit_renders_the_pages_that_show_it() {
    let f = sample();
    build_and_compare(&f);
    let always = build_and_compare(&f).pages_rendered;
    f.note("os/b.md", &note("새 B", "os", "t1, t2", "B 본문."));
    let r = build_and_compare(&f);
    // b itself, a (links to it, its neighbour), the category os and the
    // tags t1 and t2 list it; c shares t2 (related); d and e stay.
    assert!(r.pages_rendered >= always + 5, "{r:?}");
    assert!(r.pages_cached >= 2, "{r:?}");
    assert!(std::fs::read_to_string(f.out().join("os/a.html"))
        .unwrap()
        .contains("새 B"));
    // The archive lists every note: it shows the new title.
    assert!(std::fs::read_to_string(f.out().join("archive.html"))
        .unwrap()
        .contains("새 B"));
}

#[test]
fn template_and_config_edits_render_what_depends_on_them() {
    let f = sample();
    build_and_compare(&f);
    assert!(build_and_compare(&f).pages_cached > 0);

    f.file(
        "templates/note.html",
        b"{% extends \"base.html\" %}{% block content %}<p class=\"mine\">{{ page.title }}</p>{{ body | safe }}{% endblock content %}",
    );
    let r = build_and_compare(&f);
    assert_eq!(r.pages_cached, 0, "every page uses the templates");
    assert!(std::fs::read_to_string(f.out().join("e.html"))
        .unwrap()
        .contains("class=\"mine\""));
    assert!(build_and_compare(&f).pages_cached > 0);

    f.config("title: 새 이름\n");
    let r = build_and_compare(&f);
    assert_eq!(r.pages_cached, 0, "every page shows the site title");
    assert!(std::fs::read_to_string(f.out().join("e.html"))
        .unwrap()
        .contains("새 이름"));
    assert!(build_and_compare(&f).pages_cached > 0);
}

/// A gray PNG of `w`×`h` pixels.
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut enc = png::Encoder::new(&mut bytes, w, h);
    enc.set_color(png::ColorType::Grayscale);
    let mut writer = enc.write_header().unwrap();
    writer
        .write_image_data(&vec![0u8; (w * h) as usize])
        .unwrap();
    drop(writer);
    bytes
}

/// The one copied file under `dir` whose name ends in `ext`.
fn only_file(dir: &Path, ext: &str) -> std::path::PathBuf {
    let found: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(ext))
        .map(|e| e.into_path())
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

#[test]
fn a_settled_image_is_copied_again_only_when_its_stamp_changes() {
    let f = sample();
    let original = png(3, 2);
    f.file("notes/net/그림.png", &original);
    f.note(
        "net/c.md",
        &note("C", "net", "t2", "C 본문.\n\n![그림](그림.png)"),
    );
    build_and_compare(&f);
    age_files(&f.root().join("notes"), 3600);
    age_files(&f.out(), 3600);
    build_and_compare(&f);
    build_and_compare(&f);
    let copied = only_file(&f.out(), ".png");
    // The image rewritten in place with bytes of the same size and its
    // time set back: told unchanged by its size, time and inode, so the
    // copy in the output is kept and neither file is read (as a settled
    // note is not, see above).
    let source = f.root().join("notes/net/그림.png");
    let mut edited = original.clone();
    *edited.last_mut().unwrap() ^= 0xff;
    rewrite_keeping_time(&source, &edited);
    assert_eq!(f.build().exit_code(), 0);
    assert_eq!(std::fs::read(&copied).unwrap(), original);
    // Its time changed: copied again.
    age_files(&f.root().join("notes"), 60);
    build_and_compare(&f);
    assert_eq!(std::fs::read(&copied).unwrap(), edited);
}

#[test]
fn an_image_changing_size_renders_the_page_that_shows_it() {
    let f = sample();
    f.file("notes/net/그림.png", &png(3, 2));
    f.note(
        "net/c.md",
        &note("C", "net", "t2", "C 본문.\n\n![그림](그림.png)"),
    );
    build_and_compare(&f);
    assert!(std::fs::read_to_string(f.out().join("net/c.html"))
        .unwrap()
        .contains("width=\"3\""));
    f.file("notes/net/그림.png", &png(5, 4));
    build_and_compare(&f);
    assert!(std::fs::read_to_string(f.out().join("net/c.html"))
        .unwrap()
        .contains("width=\"5\""));
}

#[test]
fn an_unusable_cache_is_ignored_with_one_notice() {
    let f = sample();
    build_and_compare(&f);
    let good = std::fs::read_to_string(f.root().join(CACHE)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&good).unwrap();
    let with = |field: &str, value: &str| {
        let mut v = json.clone();
        v[field] = serde_json::Value::String(value.to_string());
        v.to_string()
    };
    let cases = [
        ("corrupt", "{\"format\": 1, \"pages\": [".to_string()),
        ("foreign", with("root", "/somewhere/else")),
        ("old", with("gongbu", "gongbu 0.0.1 abc")),
    ];
    for (what, text) in cases {
        f.file(CACHE, text.as_bytes());
        // An edit meanwhile, so the old output is not simply right.
        f.note("e.md", &note("E", "etc", "", &format!("E 본문 ({what}).")));
        let r = build_and_compare(&f);
        assert_eq!(notices(&r).len(), 1, "{what}: {:#?}", diagnostics(&r));
        assert_eq!(r.pages_cached, 0, "{what}");
        // The cache was written again and serves the next build.
        let next = build_and_compare(&f);
        assert!(notices(&next).is_empty(), "{what}");
        assert!(next.pages_cached > 0, "{what}");
    }
    // A notice is no warning: --strict still builds.
    f.file(CACHE, b"not json");
    let strict = f.build_with(|o| o.strict = true);
    assert_eq!(strict.exit_code(), 0, "{:#?}", diagnostics(&strict));
    assert_eq!(notices(&strict).len(), 1);
}

#[test]
fn a_page_changed_in_the_output_is_rendered_again() {
    let f = sample();
    build_and_compare(&f);
    std::fs::write(f.out().join("net/d.html"), "손으로 고친 페이지").unwrap();
    let r = build_and_compare(&f);
    assert!(r.pages_cached > 0);
    // A different output folder holds none of the pages: all rendered.
    let other = tempfile::tempdir().unwrap();
    let r = f.build_with(|o| o.out = Some(other.path().join("site")));
    assert_eq!(r.pages_cached, 0);
}

/// Writes `bytes` into the file at `path` in place (the same inode) and
/// sets its modification time back to what it was: a change its size, time
/// and inode do not show.
fn rewrite_keeping_time(path: &Path, bytes: &[u8]) {
    let then = std::fs::metadata(path).unwrap().modified().unwrap();
    std::fs::write(path, bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(then)
        .unwrap();
}

/// Sets the modification time of every file under `dir` back by `secs`.
fn age_files(dir: &Path, secs: u64) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(secs);
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let file = std::fs::File::options()
                .write(true)
                .open(entry.path())
                .unwrap();
            file.set_modified(then).unwrap();
        }
    }
}

#[test]
fn a_settled_page_is_told_unchanged_by_its_metadata_and_rendered_again_when_rewritten() {
    let f = sample();
    build_and_compare(&f);
    // Pages written just before the cache are checked by their bytes next
    // time; pages an hour old by their size, time and inode.
    let cache = std::fs::read_to_string(f.root().join(CACHE)).unwrap();
    assert!(cache.contains("\"file\":\"\""), "{cache}");
    age_files(&f.out(), 3600);
    let r = build_and_compare(&f);
    assert!(r.pages_cached > 0);
    let cache = std::fs::read_to_string(f.root().join(CACHE)).unwrap();
    assert!(!cache.contains("\"file\":\"\""), "{cache}");
    // The same page rewritten in place with other bytes of the same size:
    // its time differs, so it is read, found changed and rendered again
    // (build_and_compare checks the output against a cold build).
    let page = f.out().join("net/d.html");
    let text = std::fs::read_to_string(&page).unwrap();
    let edited = text.replacen("<body", "<BODY", 1);
    assert_eq!(edited.len(), text.len());
    assert_ne!(edited, text);
    std::fs::write(&page, edited).unwrap();
    let r = build_and_compare(&f);
    assert!(r.pages_cached > 0);
    assert!(std::fs::read_to_string(&page).unwrap().contains("<body"));
    // So is a file made every time (the sitemap): linked from the previous
    // output when its bytes hash the same and it is told unchanged, written
    // again when it was changed in place.
    age_files(&f.out(), 3600);
    build_and_compare(&f);
    let sitemap = f.out().join("sitemap.xml");
    let text = std::fs::read_to_string(&sitemap).unwrap();
    std::fs::write(&sitemap, text.replacen("<url>", "<URL>", 1)).unwrap();
    build_and_compare(&f);
    assert_eq!(std::fs::read_to_string(&sitemap).unwrap(), text);
}

#[test]
fn a_rebuild_starts_from_the_site_it_swapped_out() {
    use std::os::unix::fs::MetadataExt;
    let spare = ".gongbu-cache/previous-site";
    let f = sample();
    build_and_compare(&f);
    let first = std::fs::metadata(f.out()).unwrap().ino();
    age_files(&f.out(), 3600);
    build_and_compare(&f);
    assert!(f.root().join(spare).join(".gongbu-spare-files").is_file());
    // The third build writes into the first site's folder: the pages the
    // cache keeps are in it already, the rest is written over it.
    f.note("os/b.md", &note("B", "os", "t1, t2", "B 고침."));
    let r = build_and_compare(&f);
    assert!(r.pages_cached > 0);
    assert_eq!(std::fs::metadata(f.out()).unwrap().ino(), first);
    for text in ["B 또 고침.", "B 본문."] {
        f.note("os/b.md", &note("B", "os", "t1", text));
        std::fs::remove_file(f.root().join("notes/e.md")).ok();
        build_and_compare(&f);
    }
    // `--clean` deletes it with the rest of the cache; `--no-cache` leaves
    // it alone and starts from a new folder.
    let r = f.build_with(|o| o.no_cache = true);
    assert_eq!(r.exit_code(), 0);
    assert!(f.root().join(spare).exists());
    let swapped_out = std::fs::metadata(f.out()).unwrap().ino();
    let out = f.cli(&["build", "--clean"]);
    assert!(out.status.success());
    let kept = std::fs::metadata(f.root().join(spare)).unwrap().ino();
    assert_eq!(
        kept, swapped_out,
        "a new spare: the site --clean swapped out"
    );
    build_and_compare(&f);
}

#[test]
fn pages_kept_after_a_build_into_another_folder_get_their_stamps_anew() {
    let f = sample();
    build_and_compare(&f);
    age_files(&f.out(), 3600);
    build_and_compare(&f);
    // The cache now describes another output folder's files.
    let other = tempfile::tempdir().unwrap();
    let r = f.build_with(|o| o.out = Some(other.path().join("site")));
    assert_eq!(r.exit_code(), 0);
    // Back to the first folder: its pages are read, found the same and
    // kept, and their own stamps recorded, so the build after tells them
    // unchanged without reading them: a page rewritten in place with the
    // same size and time is not noticed (as git would not).
    let r = build_and_compare(&f);
    assert!(r.pages_cached > 0);
    let page = f.out().join("net/d.html");
    let text = std::fs::read_to_string(&page).unwrap();
    let edited = text.replacen("<body", "<BODY", 1);
    rewrite_keeping_time(&page, edited.as_bytes());
    assert_eq!(f.build().exit_code(), 0);
    assert_eq!(std::fs::read_to_string(&page).unwrap(), edited);
}

const CHUNKS: &str = ".gongbu-cache/search";

/// The search chunk files in the cache, by name (not the entries that
/// note which text pack file the last build made from which notes).
fn chunk_files(f: &Fixture) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(f.root().join(CHUNKS))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let bytes = std::fs::read(p).unwrap();
            !bytes.starts_with(b"gongbu search pack")
        })
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".bin"))
        .collect()
}

/// A site of `n` notes in a few folders, enough for several search chunks.
fn many_notes(n: usize) -> Fixture {
    let f = Fixture::new();
    let topics = ["프로세스", "스레드", "메모리", "파일", "소켓"];
    for i in 0..n {
        let t = topics[i % topics.len()];
        f.note(
            &format!("{}/n{i:03}.md", ["os", "net", "db"][i % 3]),
            &format!("# {t} {i}\n\n{t}와 낱말{i} 이야기.\n\n## 더 보기 {i}\n\n둘째 절 {i}\n"),
        );
    }
    f
}

#[test]
fn a_one_note_edit_tokenizes_one_search_chunk_again() {
    let f = many_notes(400);
    build_and_compare(&f);
    let before = chunk_files(&f);
    assert!(before.len() >= 2, "{before:?}");
    f.note("net/n010.md", "# 고친 노트\n\n은행원 알고리즘\n");
    build_and_compare(&f);
    let after = chunk_files(&f);
    // The edited note's chunk is stored under a new key, the old one gone.
    assert_eq!(before.difference(&after).count(), 1, "{before:?} {after:?}");
    assert_eq!(after.difference(&before).count(), 1, "{before:?} {after:?}");
    // A new note changes its own chunk and no other.
    f.note("db/n500.md", "# 새 노트\n\n교착 상태\n");
    build_and_compare(&f);
    let added = chunk_files(&f);
    assert_eq!(after.difference(&added).count(), 1, "{after:?} {added:?}");
}

#[test]
fn broken_or_foreign_search_chunks_are_tokenized_again() {
    let f = many_notes(300);
    build_and_compare(&f);
    let names = chunk_files(&f);
    let mut names = names.iter();
    // One cut short, one with a flipped byte, one emptied, one not ours.
    let dir = f.root().join(CHUNKS);
    let first = dir.join(names.next().unwrap());
    let bytes = std::fs::read(&first).unwrap();
    std::fs::write(&first, &bytes[..bytes.len() / 2]).unwrap();
    let second = dir.join(names.next().unwrap());
    let mut bytes = std::fs::read(&second).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&second, bytes).unwrap();
    if let Some(third) = names.next() {
        std::fs::write(dir.join(third), b"").unwrap();
    }
    if let Some(fourth) = names.next() {
        std::fs::write(dir.join(fourth), "gongbu-search-chunk-1\nnot a chunk").unwrap();
    }
    // build_and_compare: byte-identical to a build without the cache.
    f.note("os/n000.md", "# 고친 노트\n\n다시\n");
    let r = build_and_compare(&f);
    assert!(notices(&r).is_empty(), "{:?}", notices(&r));
    // Another gongbu's chunks are all dropped.
    std::fs::write(dir.join("stamp"), "gongbu 0.0.0\n").unwrap();
    std::fs::write(dir.join("0123.bin"), "stale").unwrap();
    build_and_compare(&f);
    assert!(!chunk_files(&f).contains("0123.bin"));
}

#[test]
fn no_cache_neither_reads_nor_writes_it_and_clean_deletes_it() {
    let f = sample();
    let out = f.cli(&["build", "--no-cache"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!f.root().join(".gongbu-cache").exists());

    let out = f.cli(&["build"]);
    assert!(out.status.success());
    let written = std::fs::read(f.root().join(CACHE)).unwrap();
    f.note("e.md", &note("E", "etc", "", "E 고침."));
    let r = f.build_with(|o| o.no_cache = true);
    assert_eq!(r.pages_cached, 0);
    assert_eq!(std::fs::read(f.root().join(CACHE)).unwrap(), written);

    // The cache of a build the output no longer matches keeps nothing
    // wrong: e changed since.
    build_and_compare(&f);

    let r = f.build_with(|o| o.clean = true);
    assert_eq!(r.pages_cached, 0, "--clean starts over");
    assert!(f.root().join(CACHE).is_file(), "and writes a new cache");
    assert!(!f.out().join(".gongbu-cache").exists());
}

const NOTE_CACHE: &str = ".gongbu-cache/notes.bin";

#[test]
fn unchanged_notes_come_from_the_note_cache_and_an_edit_reads_one_note() {
    let f = sample();
    let first = build_and_compare(&f);
    assert_eq!(first.notes_cached, 0);
    assert!(f.root().join(NOTE_CACHE).is_file());
    // Notes written a moment ago are told unchanged by their bytes (their
    // time could be shared by a second edit)…
    let r = build_and_compare(&f);
    assert_eq!(r.notes_cached, 6, "{:#?}", diagnostics(&r));
    // …and, an hour old, by their size, time and inode without being read.
    age_files(&f.root().join("notes"), 3600);
    build_and_compare(&f);
    f.note("net/d.md", &note("D", "net", "t3", "D 본문을 고쳤다."));
    let r = build_and_compare(&f);
    assert_eq!(r.notes_cached, 5);
    assert!(std::fs::read_to_string(f.out().join("net/d.html"))
        .unwrap()
        .contains("D 본문을 고쳤다."));
    // A new note, a renamed one and a deleted one.
    f.note("net/new.md", &note("N", "net", "t3", "새 노트."));
    std::fs::rename(
        f.root().join("notes/os/b.md"),
        f.root().join("notes/os/bb.md"),
    )
    .unwrap();
    std::fs::remove_file(f.root().join("notes/e.md")).unwrap();
    let r = build_and_compare(&f);
    assert_eq!(r.notes_cached, 4, "README, a, c, d");
    assert!(f.out().join("os/bb.html").is_file());
    assert!(!f.out().join("e.html").exists());

    // Proof that a settled note is not read: rewritten in place with other
    // bytes of the same size and its time set back, it keeps its old page,
    // as git keeps such a file (nobody edits that way by accident).
    age_files(&f.root().join("notes"), 3600);
    build_and_compare(&f);
    let path = f.root().join("notes/net/c.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let forged = text.replace("C 본문.", "X 본문.");
    assert_eq!(forged.len(), text.len());
    rewrite_keeping_time(&path, forged.as_bytes());
    let r = f.build();
    assert_eq!(r.notes_cached, 6);
    assert!(std::fs::read_to_string(f.out().join("net/c.html"))
        .unwrap()
        .contains("C 본문."));
}

#[test]
fn a_note_with_diagnostics_or_a_glossary_is_read_every_build() {
    let f = sample();
    // A broken link and an unclosed front matter give warnings.
    f.note(
        "os/w.md",
        "---\ntitle: 닫히지 않음\n\n[없는 노트](없음.md)\n",
    );
    f.note(
        "os/g.md",
        "---\ntitle: 용어 노트\nglossary:\n  - term: 교착 상태\n    definition: 서로 기다림\n---\n\n교착 상태 이야기.\n",
    );
    let first = build_and_compare(&f);
    let warnings = first.warnings();
    assert!(warnings >= 2, "{:#?}", diagnostics(&first));
    age_files(&f.root().join("notes"), 3600);
    let r = build_and_compare(&f);
    assert_eq!(r.notes_cached, 6, "all but the two");
    assert_eq!(r.warnings(), warnings, "every warning again");
    assert!(std::fs::read_to_string(f.out().join("glossary/교착-상태.html")).is_ok());
}

#[test]
fn a_comparison_that_gave_a_warning_is_read_again_every_build() {
    let f = sample();
    // One subject written twice: a warning from the comparisons, not from
    // reading the note, so the note itself comes from the note cache.
    f.note(
        "os/t.md",
        &note(
            "T",
            "os",
            "t1",
            "| 구분 | 프로세스 | **프로세스** |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n",
        ),
    );
    let first = build_and_compare(&f);
    let subject_warnings = |r: &BuildReport| {
        r.diagnostics
            .iter()
            .filter(|d| d.message.contains("같은 대상을 두 번"))
            .count()
    };
    assert_eq!(subject_warnings(&first), 1, "{:#?}", diagnostics(&first));
    age_files(&f.root().join("notes"), 3600);
    let again = build_and_compare(&f);
    assert_eq!(again.notes_cached, 7, "{again:?}");
    assert_eq!(subject_warnings(&again), 1, "the warning again");
}

#[test]
fn an_unusable_note_cache_is_ignored_with_one_notice() {
    let f = sample();
    build_and_compare(&f);
    age_files(&f.root().join("notes"), 3600);
    build_and_compare(&f);
    let good = std::fs::read(f.root().join(NOTE_CACHE)).unwrap();
    let mut flipped = good.clone();
    let at = good.len() - 40;
    flipped[at] ^= 0x55;
    let mut other_root = good.clone();
    let root = f.root().display().to_string();
    let at = good
        .windows(root.len())
        .position(|w| w == root.as_bytes())
        .expect("the header names the root");
    other_root[at] ^= 0x01;
    let cases: [(&str, Vec<u8>, usize); 5] = [
        ("garbage", b"not a cache".to_vec(), 0),
        ("empty", Vec::new(), 0),
        // The older record of the note cut off still serves.
        ("cut short", good[..good.len() - 10].to_vec(), 6),
        ("a flipped byte", flipped, 5),
        ("another site's", other_root, 0),
    ];
    for (what, bytes, kept) in cases {
        f.file(NOTE_CACHE, &bytes);
        let r = build_and_compare(&f);
        assert_eq!(notices(&r).len(), 1, "{what}: {:#?}", diagnostics(&r));
        assert_eq!(r.notes_cached, kept, "{what}");
        // Mended by that build: the next one uses it again, silently.
        let next = build_and_compare(&f);
        assert!(notices(&next).is_empty(), "{what}: {:?}", notices(&next));
        assert_eq!(next.notes_cached, 6, "{what}");
    }
    // Another dialect (a setting the reading depends on): a fresh cache,
    // without a notice.
    f.config("cjk_emphasis: false\n");
    let r = build_and_compare(&f);
    assert!(notices(&r).is_empty(), "{:?}", notices(&r));
    assert_eq!(r.notes_cached, 0);
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A random note of a small site: a title from a few, a folder, tags,
/// links to other titles (wiki and markdown), sometimes an embed, a
/// comparison table, a glossary term, a series or a reading order.
fn random_note(rng: &mut Rng, titles: &[String]) -> String {
    let title = rng.pick(titles).clone();
    let tags = ["t1", "t2", "t3", ""];
    let mut front = format!("---\ntitle: {title}\n");
    if rng.below(4) > 0 {
        front.push_str(&format!("date: 2026-01-{:02}\n", 1 + rng.below(28)));
    }
    if rng.below(3) == 0 {
        front.push_str(&format!("updated: 2026-02-{:02}\n", 1 + rng.below(28)));
    }
    front.push_str(&format!(
        "tags: [{}]\n",
        (0..rng.below(3))
            .map(|_| *rng.pick(&tags))
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if rng.below(3) == 0 {
        front.push_str(&format!("description: 설명 {}\n", rng.below(5)));
    }
    if rng.below(4) == 0 {
        front.push_str("series: 연재\n");
    }
    if rng.below(5) == 0 {
        front.push_str(&format!("order: {}\n", rng.below(4)));
    }
    if rng.below(6) == 0 {
        // A cover (listed as a thumbnail) that may or may not exist.
        front.push_str(&format!("cover: /img/{}.png\n", rng.below(3)));
    }
    if rng.below(6) == 0 {
        front.push_str(&format!(
            "glossary:\n  - term: 메모리\n    definition: 기억 {}\n",
            rng.below(3)
        ));
    }
    front.push_str("---\n\n");
    let mut body = String::new();
    for _ in 0..1 + rng.below(3) {
        match rng.below(9) {
            7 => body.push_str(&format!("![그림](/img/{}.png)\n\n", rng.below(3))),
            8 => body.push_str(&format!(
                "[[{}#절 {}]]로 간다.\n\n",
                rng.pick(titles),
                rng.below(3)
            )),
            0 => body.push_str(&format!("[[{}]]를 본다.\n\n", rng.pick(titles))),
            1 => body.push_str(&format!(
                "프로세스와 스레드를 {} 번 말한다.\n\n",
                rng.below(9)
            )),
            2 => body.push_str(&format!("![[{}]]\n\n", rng.pick(titles))),
            3 => body.push_str(
                "| 구분 | 프로세스 | 스레드 |\n|---|---|---|\n| 메모리 | 독립 | 공유 |\n\n",
            ),
            4 => body.push_str(&format!(
                "## 절 {}\n\n본문 {}.\n\n",
                rng.below(3),
                rng.below(9)
            )),
            5 => body.push_str("```rust\nfn main() {}\n```\n\n"),
            _ => body.push_str(&format!("그냥 문장 {}.\n\n", rng.below(100))),
        }
    }
    front + &body
}

#[test]
fn random_edits_give_the_bytes_of_a_cold_build() {
    let titles: Vec<String> = ["프로세스", "스레드", "메모리", "파일", "소켓", "락"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let folders = ["", "os/", "os/deep/", "net/"];
    let cases: u64 = std::env::var("CACHE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    for case in 0..cases {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (case + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
        let f = Fixture::new();
        f.note(
            "glossary.yaml",
            "- term: 프로세스\n  definition: 실행 중인 프로그램\n",
        );
        let mut files: Vec<String> = Vec::new();
        for i in 0..3 + rng.below(4) {
            let rel = format!("{}n{i}.md", rng.pick(&folders));
            if !files.contains(&rel) {
                f.note(&rel, &random_note(&mut rng, &titles));
                files.push(rel);
            }
        }
        if rng.below(2) == 0 {
            f.note("os/README.md", "# 운영체제\n\n1. [n0](n0.md)\n");
        }
        let report = try_build_and_compare(&f);
        assert_eq!(report.pages_cached, 0, "case {case}");
        for step in 0..4 {
            let what = rng.below(10);
            match what {
                // Edit a note.
                0..=4 if !files.is_empty() => {
                    let rel = rng.pick(&files).clone();
                    f.note(&rel, &random_note(&mut rng, &titles));
                }
                // Rename (move) a note.
                5 | 6 if !files.is_empty() => {
                    let i = rng.below(files.len());
                    let to = format!("{}m{case}{step}.md", rng.pick(&folders));
                    let from = f.root().join("notes").join(&files[i]);
                    let dest = f.root().join("notes").join(&to);
                    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
                    std::fs::rename(from, dest).unwrap();
                    files[i] = to;
                }
                // Delete a note.
                7 if files.len() > 1 => {
                    let i = rng.below(files.len());
                    std::fs::remove_file(f.root().join("notes").join(&files[i])).unwrap();
                    files.remove(i);
                }
                // The glossary or the settings.
                8 => {
                    f.note(
                        "glossary.yaml",
                        &format!("- term: 스레드\n  definition: 흐름 {}\n", rng.below(3)),
                    );
                }
                9 if rng.below(2) == 0 => {
                    f.config(&format!("title: 사이트 {}\n", rng.below(3)));
                }
                // An image file appears, changes size or goes.
                9 => {
                    let path = f.root().join(format!("notes/img/{}.png", rng.below(3)));
                    if rng.below(3) == 0 {
                        let _ = std::fs::remove_file(&path);
                    } else {
                        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                        std::fs::write(&path, png(1 + rng.below(4) as u32, 2)).unwrap();
                    }
                }
                // A new note.
                _ => {
                    let rel = format!("{}new{step}.md", rng.pick(&folders));
                    f.note(&rel, &random_note(&mut rng, &titles));
                    if !files.contains(&rel) {
                        files.push(rel);
                    }
                }
            }
            // A random site may be invalid (two notes at one URL): then
            // nothing is written, and the next step goes on.
            eprintln!("case {case} step {step}: {what}");
            // Every other build starts from an output an hour old, so the
            // cache it writes tells its pages unchanged by their metadata
            // and the next build keeps them without reading them.
            if step % 2 == 0 && f.out().is_dir() {
                age_files(&f.out(), 3600);
                age_files(&f.root().join("notes"), 3600);
            }
            try_build_and_compare(&f);
        }
    }
}
