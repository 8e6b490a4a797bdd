//! Records where this gongbu was built from, for `gongbu init`'s Pages
//! workflow: the commit (`git rev-parse HEAD`) and the `origin` remote as an
//! https URL. Outside a git checkout (a registry package, a tarball) both
//! stay empty and `init` writes a documented placeholder instead.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// `git@github.com:owner/repo.git` and `https://…/repo.git` as an https URL
/// `cargo install --git` takes; credentials in the URL are dropped.
fn https_url(remote: &str) -> Option<String> {
    let url = if let Some(rest) = remote.strip_prefix("git@") {
        let (host, path) = rest.split_once(':')?;
        format!("https://{host}/{path}")
    } else if let Some(rest) = remote.strip_prefix("https://") {
        let rest = rest.rsplit_once('@').map(|(_, r)| r).unwrap_or(rest);
        format!("https://{rest}")
    } else {
        return None;
    };
    Some(url.trim_end_matches(".git").to_string())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // Rebuild when HEAD moves: the worktree's HEAD and the branch it names.
    if let Some(git_dir) = git(&["rev-parse", "--git-dir"]) {
        let head = Path::new(&git_dir).join("HEAD");
        println!("cargo:rerun-if-changed={}", head.display());
        if let (Some(common), Some(branch)) = (
            git(&["rev-parse", "--git-common-dir"]),
            git(&["symbolic-ref", "-q", "HEAD"]),
        ) {
            let reference = Path::new(&common).join(branch);
            if reference.exists() {
                println!("cargo:rerun-if-changed={}", reference.display());
            }
        }
    }
    let rev = git(&["rev-parse", "HEAD"]).unwrap_or_default();
    let url = git(&["remote", "get-url", "origin"])
        .and_then(|r| https_url(&r))
        .unwrap_or_default();
    println!("cargo:rustc-env=GONGBU_GIT_REV={rev}");
    println!("cargo:rustc-env=GONGBU_GIT_URL={url}");
}
