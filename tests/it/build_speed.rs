//! Rebuilds write only what changed (unchanged files are reused from the
//! previous site, keeping their inode and mtime, while the swap stays
//! atomic), and the progress bar never reaches non-terminal output.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::SystemTime;

use crate::common::*;

fn stamp(path: &Path) -> (u64, SystemTime) {
    let m = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (m.ino(), m.modified().expect("mtime"))
}

fn site_fixture() -> Fixture {
    let f = Fixture::new();
    f.note(
        "os/프로세스.md",
        "---\ntitle: 프로세스\n---\n\n프로세스는 실행 중인 프로그램입니다.\n\n![그림](그림.png)\n\n```rust\nfn main() {}\n```\n",
    )
    .note(
        "os/스레드.md",
        "---\ntitle: 스레드\n---\n\n스레드는 [프로세스](프로세스.md) 안의 실행 흐름입니다.\n",
    )
    .note(
        "db/인덱스.md",
        "---\ntitle: 인덱스\n---\n\n인덱스는 찾기를 빠르게 합니다.\n\n![그림](../os/그림.png)\n",
    )
    .file("notes/os/그림.png", &png());
    f
}

/// PNG bytes of a small image.
fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(8, 4, |x, y| image::Rgb([x as u8 * 30, y as u8 * 60, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

#[test]
fn a_rebuild_keeps_unchanged_files_and_replaces_changed_ones() {
    let f = site_fixture();
    let first = f.build();
    assert_eq!(first.exit_code(), 0, "{:?}", diagnostics(&first));
    assert!(first.written);
    assert_eq!(first.reused, 0, "nothing to reuse on the first build");
    let out = f.out();
    let unchanged = out.join("db/인덱스.html");
    let changed = out.join("os/스레드.html");
    let image = out.join("os/그림.png");
    let before_unchanged = stamp(&unchanged);
    let before_changed = stamp(&changed);
    let before_image = stamp(&image);
    assert!(image.is_file());

    std::thread::sleep(std::time::Duration::from_millis(20));
    f.note(
        "os/스레드.md",
        "---\ntitle: 스레드\n---\n\n스레드는 [프로세스](프로세스.md) 안의 가벼운 실행 흐름입니다.\n",
    );
    let second = f.build();
    assert_eq!(second.exit_code(), 0, "{:?}", diagnostics(&second));
    assert!(second.written);
    assert!(second.reused > 0, "unchanged files reused");
    assert!(second.reused < second.files, "changed files written");

    assert_eq!(
        stamp(&unchanged),
        before_unchanged,
        "unchanged page untouched"
    );
    assert_eq!(stamp(&image), before_image, "unchanged image untouched");
    let after_changed = stamp(&changed);
    assert_ne!(
        after_changed.0, before_changed.0,
        "changed page is a new file"
    );
    assert!(text(&f.html("os/스레드.html"), "main").contains("가벼운 실행 흐름"));

    // The reused site is byte for byte what a build from nothing gives.
    let fresh = f.root().join("fresh");
    let cold = f.build_with(|o| o.out = Some(fresh.clone()));
    assert_eq!(cold.exit_code(), 0);
    assert_eq!(tree(&out), tree(&fresh));
}

#[test]
fn a_rebuild_with_nothing_changed_writes_nothing_new() {
    let f = site_fixture();
    assert_eq!(f.build().exit_code(), 0);
    let before = tree_stamps(&f.out());
    let again = f.build();
    assert_eq!(again.exit_code(), 0);
    assert_eq!(again.reused, again.files, "every file reused");
    let after = tree_stamps(&f.out());
    // The marker and the manifest beside it are written anew; every other
    // file keeps its inode.
    let strip = |v: Vec<(String, (u64, SystemTime))>| -> Vec<_> {
        v.into_iter()
            .filter(|(rel, _)| rel != gongbu::MARKER && rel != gongbu::MANIFEST)
            .collect()
    };
    assert_eq!(strip(before), strip(after));
}

fn tree_stamps(dir: &Path) -> Vec<(String, (u64, SystemTime))> {
    tree(dir)
        .into_iter()
        .map(|(rel, _)| {
            let s = stamp(&dir.join(&rel));
            (rel, s)
        })
        .collect()
}

#[test]
fn a_failed_rebuild_leaves_the_previous_site_and_its_files_whole() {
    let f = site_fixture();
    assert_eq!(f.build().exit_code(), 0);
    let before = tree(&f.out());
    // A broken configuration fails the build before anything is swapped.
    f.config("title: [unclosed\n");
    let failed = f.build();
    assert_ne!(failed.exit_code(), 0);
    assert!(!failed.written);
    assert_eq!(tree(&f.out()), before);
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let f = site_fixture();
    let out = assert_cmd::Command::cargo_bin("gongbu")
        .expect("binary")
        .current_dir(f.root())
        .env("GONGBU_PROGRESS_AFTER_MS", "0")
        .env("TERM", "xterm-256color")
        .args(["build"])
        .output()
        .expect("run gongbu");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains(gongbu::PHASE_RENDER), "{stderr}");
    assert!(!stderr.contains(gongbu::PHASE_LOAD), "{stderr}");
    assert!(
        !stderr.contains('\r') && !stderr.contains('\u{1b}'),
        "{stderr:?}"
    );
    assert!(stderr.contains("노트 3개"), "{stderr}");
}

/// Under a pseudo-terminal (`script`), the bar is drawn once the build has
/// run longer than the delay (zero here).
#[test]
fn progress_bar_on_a_terminal() {
    let Ok(script) = which_script() else {
        missing("`script` (util-linux, for the terminal check)");
        return;
    };
    let f = site_fixture();
    let bin = assert_cmd::cargo::cargo_bin("gongbu");
    let cmd = format!("'{}' build --root '{}'", bin.display(), f.root().display());
    let run = |after_ms: &str| {
        let out = std::process::Command::new(&script)
            .args(["-qec", &cmd, "/dev/null"])
            .env("GONGBU_PROGRESS_AFTER_MS", after_ms)
            .env("TERM", "xterm-256color")
            .output()
            .expect("run script");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = run("0");
    assert!(
        shown.contains(gongbu::PHASE_RENDER) || shown.contains(gongbu::PHASE_LOAD),
        "{shown:?}"
    );
    // A build shorter than the delay shows no bar.
    let quick = run("60000");
    assert!(!quick.contains(gongbu::PHASE_RENDER), "{quick:?}");
    assert!(quick.contains("노트 3개"), "{quick:?}");
}

fn which_script() -> Result<std::path::PathBuf, ()> {
    ["/usr/bin/script", "/bin/script"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.is_file())
        .ok_or(())
}

/// `-v` logs each phase with its counts on stderr (tracing); without it the
/// output is the usual summary alone, and the pages are the same either way.
#[test]
fn verbose_logs_the_phases_and_changes_nothing_else() {
    let f = site_fixture();
    let quiet = f.cli(&["build"]);
    assert!(quiet.status.success());
    let quiet_err = String::from_utf8_lossy(&quiet.stderr);
    assert!(!quiet_err.contains("notes loaded"), "{quiet_err}");
    assert_eq!(quiet_err.lines().count(), 1, "{quiet_err}");
    let before = std::fs::read(f.out().join("os/프로세스.html")).expect("page");

    let loud = f.cli(&["-v", "build"]);
    assert!(loud.status.success());
    let err = String::from_utf8_lossy(&loud.stderr);
    for event in [
        "load",
        "notes loaded",
        "notes=3",
        "index",
        "site indexed",
        "render",
        "pages rendered",
        "output swapped in",
    ] {
        assert!(err.contains(event), "{event} missing: {err}");
    }
    // Not a terminal: no colour codes.
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(
        err.lines().last().unwrap_or("").contains("노트 3개"),
        "{err}"
    );
    assert!(loud.stdout.is_empty());
    let after = std::fs::read(f.out().join("os/프로세스.html")).expect("page");
    assert_eq!(before, after);

    // `--verbose` is global: it goes after the subcommand too.
    let check = f.cli(&["check", "--verbose"]);
    assert!(check.status.success());
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(err.contains("site indexed"), "{err}");
    assert!(!err.contains("output swapped in"), "{err}");
}

/// `GONGBU_LINE_MEMO=0` (read by the command, passed as
/// `BuildOptions::line_memo`) parses every code line anew: same pages.
#[test]
fn line_memo_off_writes_the_same_pages() {
    let f = site_fixture();
    f.note(
        "code.md",
        "# 코드\n\n```rust\nfn main() {\n    println!(\"안녕\");\n}\n```\n\n```rust\nfn main() {\n    println!(\"안녕\");\n}\n```\n",
    );
    let on = f.build_with(|o| o.line_memo = true);
    assert_eq!(on.exit_code(), 0);
    let with_memo = std::fs::read(f.out().join("code.html")).expect("page");
    let off = f.build_with(|o| o.line_memo = false);
    assert_eq!(off.exit_code(), 0);
    let without = std::fs::read(f.out().join("code.html")).expect("page");
    assert_eq!(with_memo, without);
    assert!(String::from_utf8_lossy(&without).contains("println"));
    let out = assert_cmd::Command::cargo_bin("gongbu")
        .expect("binary")
        .current_dir(f.root())
        .env("GONGBU_LINE_MEMO", "0")
        .args(["build"])
        .output()
        .expect("run gongbu");
    assert!(out.status.success());
    assert_eq!(
        std::fs::read(f.out().join("code.html")).expect("page"),
        with_memo
    );
}
