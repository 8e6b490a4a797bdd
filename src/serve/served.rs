//! The folder `gongbu serve` serves from: rendering passes write into it
//! through [`Pass`], which writes a file only when its bytes changed (each
//! one atomically, so the server never reads half a page), remembers what
//! changed for the live-reload message, and removes what a full pass no
//! longer produced.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::output::Sink;

/// The served folder and what is in it.
#[derive(Debug)]
pub(crate) struct ServedDir {
    dir: PathBuf,
    /// Site-relative path → stamp of what is on disk (a hash of the bytes,
    /// or of the source file's size and time for copies).
    files: Mutex<HashMap<String, u64>>,
    /// Set on Ctrl-C: writes stop, note pages are no longer wanted.
    cancelled: AtomicBool,
    temp_names: AtomicU64,
}

fn bytes_stamp(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

fn copy_stamp(from: &Path) -> io::Result<u64> {
    let meta = fs::metadata(from)?;
    let mut h = DefaultHasher::new();
    from.hash(&mut h);
    meta.len().hash(&mut h);
    meta.modified().ok().hash(&mut h);
    Ok(h.finish())
}

fn bad_path(rel: &str) -> bool {
    rel.is_empty()
        || rel.starts_with('/')
        || rel.contains('\\')
        || rel
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
}

impl ServedDir {
    pub(crate) fn new(dir: PathBuf) -> ServedDir {
        ServedDir {
            dir,
            files: Mutex::new(HashMap::new()),
            cancelled: AtomicBool::new(false),
            temp_names: AtomicU64::new(0),
        }
    }

    #[cfg(test)]
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stops all further writes (shutting down).
    pub(crate) fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    fn files(&self) -> std::sync::MutexGuard<'_, HashMap<String, u64>> {
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes `bytes` to `rel` unless the file already holds them.
    /// Returns whether the file changed.
    pub(crate) fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        let stamp = bytes_stamp(bytes);
        self.replace(rel, stamp, |tmp| fs::write(tmp, bytes))
    }

    /// Copies `from` to `rel` unless the same source was copied already.
    pub(crate) fn copy(&self, rel: &str, from: &Path) -> io::Result<bool> {
        let stamp = copy_stamp(from)?;
        self.replace(rel, stamp, |tmp| fs::copy(from, tmp).map(|_| ()))
    }

    fn replace(
        &self,
        rel: &str,
        stamp: u64,
        fill: impl FnOnce(&Path) -> io::Result<()>,
    ) -> io::Result<bool> {
        if bad_path(rel) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("bad output path {rel}"),
            ));
        }
        if self.is_cancelled() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "stopping"));
        }
        if self.files().get(rel) == Some(&stamp) {
            return Ok(false);
        }
        let target = self.dir.join(rel);
        let parent = target.parent().unwrap_or(&self.dir);
        fs::create_dir_all(parent)?;
        let n = self.temp_names.fetch_add(1, Ordering::Relaxed);
        let tmp = parent.join(format!(".gongbu-tmp-{n}"));
        if let Err(e) = fill(&tmp).and_then(|()| fs::rename(&tmp, &target)) {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        self.files().insert(rel.to_string(), stamp);
        Ok(true)
    }

    /// Removes `rel` and the folders it leaves empty.
    fn remove(&self, rel: &str) {
        let path = self.dir.join(rel);
        let _ = fs::remove_file(&path);
        let mut dir = path.parent();
        while let Some(d) = dir {
            if d == self.dir || fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }

    /// A rendering pass that leaves the pages in `keep` as they are (they
    /// are known not to change) and renders everything else.
    pub(crate) fn pass<'a>(&'a self, keep: &'a HashSet<String>) -> Pass<'a> {
        Pass {
            served: self,
            keep,
            seen: Mutex::new(HashSet::new()),
            changed: Mutex::new(Vec::new()),
            failed: AtomicBool::new(false),
            count: AtomicUsize::new(0),
        }
    }
}

/// One rendering pass into a [`ServedDir`].
#[derive(Debug)]
pub(crate) struct Pass<'a> {
    served: &'a ServedDir,
    keep: &'a HashSet<String>,
    /// Every path this pass wrote, found unchanged or chose to keep.
    seen: Mutex<HashSet<String>>,
    changed: Mutex<Vec<String>>,
    failed: AtomicBool,
    count: AtomicUsize,
}

impl Pass<'_> {
    fn see(&self, rel: &str) {
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string());
    }

    fn record(&self, rel: &str, result: io::Result<bool>) -> io::Result<()> {
        match result {
            Ok(changed) => {
                self.see(rel);
                self.count.fetch_add(1, Ordering::Relaxed);
                if changed {
                    self.changed
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(rel.to_string());
                }
                Ok(())
            }
            Err(e) => {
                self.failed.store(true, Ordering::Relaxed);
                Err(e)
            }
        }
    }

    /// Ends the pass and returns the paths that changed, sorted. With
    /// `complete` (the pass rendered without errors), files it did not
    /// produce and was not told to keep are removed: pages of deleted notes,
    /// tags nobody uses any more.
    pub(crate) fn finish(self, complete: bool) -> Vec<String> {
        let seen = self.seen.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut changed = self.changed.into_inner().unwrap_or_else(|e| e.into_inner());
        if complete && !self.failed.into_inner() && !self.served.is_cancelled() {
            let stale: Vec<String> = {
                let mut files = self.served.files();
                let stale: Vec<String> = files
                    .keys()
                    .filter(|rel| !seen.contains(*rel))
                    .cloned()
                    .collect();
                for rel in &stale {
                    files.remove(rel);
                }
                stale
            };
            for rel in stale {
                self.served.remove(&rel);
                changed.push(rel);
            }
        }
        changed.sort();
        changed.dedup();
        changed
    }
}

impl Sink for Pass<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.record(rel, self.served.write(rel, bytes))
    }

    fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        self.record(rel, self.served.copy(rel, from))
    }

    fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    fn wants(&self, rel: &str) -> bool {
        if self.served.is_cancelled() {
            return false;
        }
        if self.keep.contains(rel) {
            // Kept as it is: not stale.
            self.see(rel);
            false
        } else {
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_changed_files_and_removes_stale_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let served = ServedDir::new(tmp.path().to_path_buf());
        let none = HashSet::new();
        let pass = served.pass(&none);
        pass.write("a.html", b"one").unwrap();
        pass.write("dir/b.html", b"two").unwrap();
        pass.write("dir/c.html", b"three").unwrap();
        assert_eq!(
            pass.finish(true),
            vec!["a.html", "dir/b.html", "dir/c.html"]
        );

        let keep: HashSet<String> = ["a.html", "dir/b.html"].map(String::from).into();
        let pass = served.pass(&keep);
        assert!(!pass.wants("a.html"));
        assert!(!pass.wants("dir/b.html"));
        assert!(pass.wants("tags/x.html"));
        pass.write("dir/c.html", b"three").unwrap();
        pass.write("tags/x.html", b"new").unwrap();
        assert_eq!(pass.finish(true), vec!["tags/x.html"]);
        assert!(tmp.path().join("a.html").is_file());

        // A full pass that no longer produces dir/ removes it.
        let pass = served.pass(&none);
        pass.write("a.html", b"one!").unwrap();
        pass.write("tags/x.html", b"new").unwrap();
        assert_eq!(
            pass.finish(true),
            vec!["a.html", "dir/b.html", "dir/c.html"]
        );
        assert!(!tmp.path().join("dir").exists());
        assert_eq!(fs::read(tmp.path().join("a.html")).unwrap(), b"one!");
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with(".gongbu-tmp")),
            "{names:?}"
        );
    }

    #[test]
    fn an_incomplete_pass_removes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let served = ServedDir::new(tmp.path().to_path_buf());
        let none = HashSet::new();
        let pass = served.pass(&none);
        pass.write("a.html", b"one").unwrap();
        pass.finish(true);
        let pass = served.pass(&none);
        assert!(pass.finish(false).is_empty());
        assert!(tmp.path().join("a.html").is_file());
    }

    #[test]
    fn refuses_paths_leaving_the_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let served = ServedDir::new(tmp.path().join("out"));
        for rel in ["../x.html", "/etc/x", "a//b", "a\\..\\b", ""] {
            assert!(served.write(rel, b"x").is_err(), "{rel}");
        }
        assert!(!tmp.path().join("x.html").exists());
    }

    #[test]
    fn copies_again_only_when_the_source_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("img.png");
        fs::write(&src, b"png").unwrap();
        let served = ServedDir::new(tmp.path().join("out"));
        assert!(served.copy("img.png", &src).unwrap());
        assert!(!served.copy("img.png", &src).unwrap());
        fs::write(&src, b"png, larger").unwrap();
        assert!(served.copy("img.png", &src).unwrap());
        assert_eq!(
            fs::read(tmp.path().join("out/img.png")).unwrap(),
            b"png, larger"
        );
    }

    #[test]
    fn cancelled_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let served = ServedDir::new(tmp.path().to_path_buf());
        served.cancel();
        let none = HashSet::new();
        let pass = served.pass(&none);
        assert!(!pass.wants("a.html"));
        assert!(pass.write("a.html", b"x").is_err());
    }
}
