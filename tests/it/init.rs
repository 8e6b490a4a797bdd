//! `gongbu init [DIR] [--from PATH]`: a new site that builds at once, a
//! Pages workflow with one marked install place, never an overwritten file,
//! and the `gongbu.yaml` that fits a Jekyll blog or an Obsidian vault.

use std::path::Path;
use std::process::{Command, Output};

fn gongbu(dir: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("gongbu")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run gongbu")
}

fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn init_then_build_in_an_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = gongbu(tmp.path(), &["init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for f in [
        "notes/첫 노트.md",
        "gongbu.yaml",
        ".github/workflows/pages.yml",
        ".gitignore",
    ] {
        assert!(tmp.path().join(f).is_file(), "{f}");
        assert!(stdout.contains(f), "{stdout}");
    }
    // The next two commands.
    assert!(stdout.contains("gongbu serve --open"), "{stdout}");
    assert!(stdout.contains("git push"), "{stdout}");

    let workflow = read(tmp.path().join(".github/workflows/pages.yml"));
    assert!(workflow.contains(
        "run: cargo install --git \"$GONGBU_GIT\" --rev \"$GONGBU_REV\" --locked gongbu"
    ));
    assert_eq!(workflow.matches("GONGBU_GIT: ").count(), 1);
    assert_eq!(workflow.matches("GONGBU_REV: ").count(), 1);
    assert!(workflow.contains("cargo install gongbu --locked"));
    assert!(workflow.contains("actions/cache@") && workflow.contains("~/.cargo/bin/gongbu"));
    assert!(workflow.contains("actions/deploy-pages@"));
    let config = read(tmp.path().join("gongbu.yaml"));
    assert!(config.contains("title: 공부 노트") && config.contains("# base_url:"));
    assert!(read(tmp.path().join(".gitignore")).contains("/site/"));

    let build = gongbu(tmp.path(), &["build", "--strict"]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let page = read(tmp.path().join("site/첫-노트.html"));
    assert!(page.contains("<table"));

    // Again: nothing is overwritten.
    std::fs::write(tmp.path().join("gongbu.yaml"), "title: 내 노트\n").unwrap();
    let again = gongbu(tmp.path(), &["init"]);
    assert!(again.status.success());
    assert_eq!(read(tmp.path().join("gongbu.yaml")), "title: 내 노트\n");
    assert!(String::from_utf8_lossy(&again.stdout).contains("이미 있어 둠"));
}

#[test]
fn init_into_a_new_folder_names_it_in_the_next_commands() {
    let tmp = tempfile::tempdir().unwrap();
    let out = gongbu(tmp.path(), &["init", "내 공부"]);
    assert!(out.status.success());
    assert!(tmp.path().join("내 공부/notes/첫 노트.md").is_file());
    assert!(String::from_utf8_lossy(&out.stdout).contains("gongbu serve --root '내 공부' --open"));
    let build = gongbu(tmp.path(), &["build", "--root", "내 공부"]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("git")
        .status
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn from_a_jekyll_blog() {
    let tmp = tempfile::tempdir().unwrap();
    let blog = tmp.path();
    std::fs::write(
        blog.join("_config.yml"),
        "title: 김개발의 TIL\ndescription: 매일 배운 것\nurl: \"https://kimdev.github.io\"\nbaseurl: \"/til\"\nauthor:\n  name: 김개발\n",
    )
    .unwrap();
    std::fs::create_dir_all(blog.join("_posts/OS")).unwrap();
    std::fs::write(
        blog.join("_posts/OS/2023-04-01-Process[2].md"),
        "---\ntitle: 프로세스\n---\n본문\n",
    )
    .unwrap();
    git(blog, &["init", "-q"]);
    git(
        blog,
        &["remote", "add", "origin", "git@github.com:kimdev/til.git"],
    );
    let out = gongbu(blog, &["init", "--from", "."]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Jekyll 블로그"));
    let config = read(blog.join("gongbu.yaml"));
    for line in [
        "title: 김개발의 TIL\n",
        "description: 매일 배운 것\n",
        "author: 김개발\n",
        "base_url: https://kimdev.github.io/til/\n",
        "repo_url: https://github.com/kimdev/til\n",
        "notes_dir: .\n",
    ] {
        assert!(config.contains(line), "{line:?} in\n{config}");
    }
    // An existing blog gets no sample note.
    assert!(!blog.join("notes").exists());
    assert!(blog.join(".github/workflows/pages.yml").is_file());
}

#[test]
fn from_an_obsidian_vault() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("공부 보관함");
    std::fs::create_dir_all(vault.join(".obsidian")).unwrap();
    std::fs::write(vault.join("프로세스.md"), "# 프로세스\n#운영체제\n").unwrap();
    let out = gongbu(tmp.path(), &["init", "--from", "공부 보관함"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Obsidian 보관함"));
    let config = read(tmp.path().join("gongbu.yaml"));
    assert!(config.contains("title: 공부 보관함\n"), "{config}");
    assert!(config.contains("notes_dir: 공부 보관함\n"), "{config}");
    assert!(config.contains("obsidian: true\n"));
    assert!(config.contains("# repo_url:"));
}
