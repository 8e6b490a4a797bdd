//! Dates from git history: a git fixture made in the test with fixed
//! author and committer dates.

use std::path::Path;
use std::process::Command;

use crate::common::*;

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "한지우")
        .env("GIT_AUTHOR_EMAIL", "jiwoo@example.com")
        .env("GIT_COMMITTER_NAME", "한지우")
        .env("GIT_COMMITTER_EMAIL", "jiwoo@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

fn commit(dir: &Path, message: &str, date: &str) {
    git(dir, &["add", "-A"], date);
    git(dir, &["commit", "-q", "-m", message], date);
}

/// A repository whose notes have a history: added, edited, renamed, one
/// with its own date in the front matter.
fn repo() -> Fixture {
    let f = Fixture::new();
    let root = f.root();
    git(
        root,
        &["init", "-q", "-b", "main"],
        "2026-01-01T00:00:00+09:00",
    );
    f.note(
        "os/프로세스 [개념].md",
        "# 프로세스\n\n실행 중인 프로그램.\n",
    );
    f.note("os/옛 이름.md", "# 스레드\n\n흐름 하나.\n");
    f.note(
        "os/날짜 있음.md",
        "---\ndate: 2025-12-25\n---\n# 날짜 있는 노트\n\n본문.\n",
    );
    commit(root, "처음", "2026-01-10T21:00:00+09:00");
    f.note(
        "os/프로세스 [개념].md",
        "# 프로세스\n\n실행 중인 프로그램. PCB를 덧붙였다.\n",
    );
    f.note(
        "os/날짜 있음.md",
        "---\ndate: 2025-12-25\n---\n# 날짜 있는 노트\n\n본문을 고쳤다.\n",
    );
    commit(root, "프로세스 보강", "2026-02-03T09:30:00+09:00");
    git(
        root,
        &["mv", "notes/os/옛 이름.md", "notes/os/스레드 (thread).md"],
        "2026-02-20T10:00:00+09:00",
    );
    commit(root, "이름 바꿈", "2026-02-20T10:00:00+09:00");
    f
}

fn page_dates(f: &Fixture, page: &str) -> (Vec<String>, Vec<String>) {
    let doc = f.html(page);
    (
        attrs(&doc, ".note-meta > time", "datetime"),
        attrs(&doc, ".note-meta .updated time", "datetime"),
    )
}

#[test]
fn notes_without_a_date_get_it_from_their_history() {
    let f = repo();
    let report = f.build();
    assert_eq!(report.exit_code(), 0, "{:?}", diagnostics(&report));

    // Added on 01-10, changed on 02-03.
    let (date, updated) = page_dates(&f, "os/프로세스-개념.html");
    assert_eq!(date, vec!["2026-01-10T21:00:00+09:00"]);
    assert_eq!(updated, vec!["2026-02-03"]);
    // The rename is followed back to the commit that added the file.
    let (date, updated) = page_dates(&f, "os/스레드-thread.html");
    assert_eq!(date, vec!["2026-01-10T21:00:00+09:00"]);
    assert_eq!(updated, vec!["2026-02-20"]);
    // The front matter wins, and a note that dates itself gets no
    // `updated` from git either.
    let (date, updated) = page_dates(&f, "os/날짜-있음.html");
    assert_eq!(date, vec!["2025-12-25T00:00:00+09:00"]);
    assert!(updated.is_empty());

    // The feed and the home page use these dates.
    let feed = f.read("atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title")))
        .filter_map(|t| t.text())
        .collect();
    assert_eq!(titles.len(), 3, "{feed}");
    assert!(!feed.contains("1970"));
    assert!(feed.contains("<updated>2026-02-20T10:00:00+09:00</updated>"));
    // Same day and time: by title.
    let home = f.html("index.html");
    assert_eq!(
        texts(&home, ".recent .note-link"),
        vec!["스레드", "프로세스", "날짜 있는 노트"]
    );
}

#[test]
fn git_dates_can_be_turned_off() {
    let f = repo();
    f.config("git_dates: false\n");
    f.build();
    let (date, updated) = page_dates(&f, "os/프로세스-개념.html");
    assert!(date.is_empty() && updated.is_empty());
}

#[test]
fn a_shallow_clone_or_no_repository_falls_back_quietly() {
    let f = repo();
    let shallow = tempfile::tempdir().unwrap();
    let url = format!("file://{}", f.root().display());
    let clone = shallow.path().join("clone");
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&clone)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let opts = gongbu::BuildOptions::new(&clone);
    let report = gongbu::build(&opts, gongbu::Mode::Build);
    assert_eq!(report.exit_code(), 0);
    assert!(report.diagnostics.is_empty(), "{:?}", diagnostics(&report));
    let page = std::fs::read_to_string(clone.join("site/os/프로세스-개념.html")).unwrap();
    assert!(!page.contains("<time"), "a shallow clone gives no dates");

    // Not a repository at all.
    let plain = Fixture::new();
    plain.note("a.md", "# 가\n");
    let report = plain.build();
    assert!(report.diagnostics.is_empty(), "{:?}", diagnostics(&report));
}
