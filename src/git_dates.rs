//! Dates from git history: a note without a date (none in its front matter
//! or its path) gets the author date of the commit that added it, and
//! `updated` the author date of the last commit that changed it, renames
//! followed. Notes that date themselves keep exactly what they say.
//!
//! One `git log --name-status -M` over the notes folder reads the whole
//! history in a single pass (no process per file). A folder that is not in a
//! git work tree, a shallow clone (whose oldest commits would be wrong dates)
//! or a missing `git` fall back quietly: the notes keep the dates they have.

// Paths from git are outside text; no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, FixedOffset};

use crate::korean::nfc;
use crate::note::{Note, NoteDate};

/// When a file came into the history and when it last changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileDates {
    pub added: NoteDate,
    pub changed: NoteDate,
}

/// Dates of the files of a notes folder, by path relative to it (NFC).
#[derive(Debug, Default)]
pub(crate) struct GitDates {
    pub files: HashMap<String, FileDates>,
}

impl GitDates {
    /// Reads the history of `notes_dir`; None when it is not in a git work
    /// tree, the clone is shallow or git cannot be run.
    pub(crate) fn read(notes_dir: &Path) -> Option<GitDates> {
        let shallow = git(notes_dir, &["rev-parse", "--is-shallow-repository"])?;
        if String::from_utf8_lossy(&shallow).trim() != "false" {
            return None;
        }
        let log = git(
            notes_dir,
            &[
                "-c",
                "core.quotepath=off",
                "log",
                "-z",
                "-M",
                "--name-status",
                "--relative",
                "--no-merges",
                "--format=%x01%aI",
                "--",
                ".",
            ],
        )?;
        Some(GitDates::parse(&String::from_utf8_lossy(&log)))
    }

    /// Reads the output of `git log -z -M --name-status --format=%x01%aI`,
    /// newest commit first.
    pub(crate) fn parse(log: &str) -> GitDates {
        let mut files: HashMap<String, FileDates> = HashMap::new();
        // A path as it was in the history → the file as it is now. A file
        // is followed back through renames until the commit that added it.
        let mut names: HashMap<String, String> = HashMap::new();
        // Paths that were added (or renamed away) in a newer commit: older
        // commits touching them are about another file.
        let mut ended: std::collections::HashSet<String> = std::collections::HashSet::new();
        for commit in log.split('\u{1}').filter(|c| !c.is_empty()) {
            let mut fields = commit.split('\0');
            let Some(date) = fields.next().and_then(parse_date) else {
                continue;
            };
            let mut fields = fields.map(|f| f.trim_start_matches('\n'));
            while let Some(status) = fields.next() {
                let Some(kind) = status.chars().next() else {
                    continue;
                };
                let Some(path) = fields.next().map(nfc) else {
                    break;
                };
                match kind {
                    'R' | 'C' => {
                        let Some(new) = fields.next().map(nfc) else {
                            break;
                        };
                        let Some(current) = follow(&mut names, &ended, &new) else {
                            continue;
                        };
                        touch(&mut files, &current, date);
                        ended.insert(new.clone());
                        names.remove(&new);
                        if kind == 'R' {
                            names.insert(path, current);
                        }
                    }
                    'A' => {
                        if let Some(current) = follow(&mut names, &ended, &path) {
                            touch(&mut files, &current, date);
                        }
                        names.remove(&path);
                        ended.insert(path);
                    }
                    'D' => {
                        names.remove(&path);
                        ended.insert(path);
                    }
                    _ => {
                        if let Some(current) = follow(&mut names, &ended, &path) {
                            touch(&mut files, &current, date);
                        }
                    }
                }
            }
        }
        GitDates { files }
    }

    /// Dates a note whose own text gives none (no `date` in its front
    /// matter, none in its path): `date` from the commit that added it,
    /// `updated` (unless the front matter has one) from the last commit that
    /// changed it on a later day. A note that dates itself is left alone.
    pub(crate) fn apply(&self, note: &mut Note) {
        if note.date.is_some() {
            return;
        }
        let Some(d) = self.files.get(&note.rel_path) else {
            return;
        };
        note.date = Some(d.added);
        if note.front.updated.is_none() && d.changed.date > d.added.date {
            note.updated = Some(d.changed);
        }
    }
}

/// The file a historical path stands for now: itself, unless a newer
/// commit ended it (added or renamed it away) or a rename maps it.
fn follow(
    names: &mut HashMap<String, String>,
    ended: &std::collections::HashSet<String>,
    path: &str,
) -> Option<String> {
    if let Some(current) = names.get(path) {
        return Some(current.clone());
    }
    if ended.contains(path) {
        return None;
    }
    names.insert(path.to_string(), path.to_string());
    Some(path.to_string())
}

/// Commits come newest first: the first seen is the last change, the last
/// seen the one that added the file.
fn touch(files: &mut HashMap<String, FileDates>, current: &str, date: NoteDate) {
    files
        .entry(current.to_string())
        .and_modify(|d| d.added = date)
        .or_insert(FileDates {
            added: date,
            changed: date,
        });
}

/// An author date (`2026-03-01T10:00:00+09:00`) in Korea Standard Time, the
/// zone note dates are read in.
fn parse_date(s: &str) -> Option<NoteDate> {
    let t = DateTime::parse_from_rfc3339(s.trim()).ok()?;
    let kst = FixedOffset::east_opt(9 * 3600)?;
    let local = t.with_timezone(&kst).naive_local();
    Some(NoteDate {
        date: local.date(),
        time: Some(local.time()),
    })
}

/// Runs git in `dir`; its standard output when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(d: NoteDate) -> String {
        d.ymd()
    }

    #[test]
    fn renames_are_followed_and_re_added_paths_are_new_files() {
        // Newest first: a.md renamed to b.md, c.md deleted and added again.
        let log = "\u{1}2026-03-05T10:00:00+09:00\0\nA\0c.md\0\
                   \u{1}2026-03-04T10:00:00+09:00\0\nR100\0a.md\0b.md\0D\0c.md\0\
                   \u{1}2026-03-02T10:00:00+09:00\0\nM\0a.md\0\
                   \u{1}2026-03-01T10:00:00+09:00\0\nA\0a.md\0A\0c.md\0";
        let g = GitDates::parse(log);
        let b = g.files["b.md"];
        assert_eq!(ymd(b.added), "2026-03-01");
        assert_eq!(ymd(b.changed), "2026-03-04");
        let c = g.files["c.md"];
        assert_eq!(ymd(c.added), "2026-03-05");
        assert_eq!(ymd(c.changed), "2026-03-05");
        assert!(!g.files.contains_key("a.md"));
    }

    #[test]
    fn dates_are_read_in_korea_time() {
        let d = parse_date("2026-02-28T20:00:00Z").unwrap();
        assert_eq!(d.ymd(), "2026-03-01");
    }
}
