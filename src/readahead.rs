//! Asking the kernel for the notes before they are parsed. A leaf module.
//!
//! A build reads every note once, two threads at a time, and when the
//! files are not in the page cache (a fresh checkout, a machine that just
//! booted, the benchmark's dropped caches) each read waits for the disk
//! alone: on 10,000 notes reading took as long as parsing. A background
//! thread opens each file and advises the kernel that it will be needed
//! (`posix_fadvise(WILLNEED)`), which queues its pages to be read without
//! waiting for them, so the disk works on many files at once while the
//! parsers take what has arrived. Nothing is read into gongbu's memory; a
//! file the thread cannot open is left to the parser, which reports it.
//!
//! The advice follows the order the parsers go in: rayon splits the list of
//! notes among its threads, each starting at its own share, so the files
//! are advised a share at a time in turn (the first of every share, then
//! the second, …).
//!
//! Only on Linux; elsewhere [`Readahead::start`] does nothing.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// The background thread advising files; stopped and joined when dropped.
pub(crate) struct Readahead {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Readahead {
    /// Starts advising `paths` (in the order the parsers will read them)
    /// split among `shares` parallel readers.
    pub(crate) fn start(paths: Vec<PathBuf>, shares: usize) -> Readahead {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = if cfg!(target_os = "linux") && paths.len() > 1 {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("gongbu-readahead".into())
                .spawn(move || {
                    for path in interleaved(&paths, shares) {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        advise(path);
                    }
                })
                .ok()
        } else {
            None
        };
        Readahead { stop, thread }
    }
}

impl Drop for Readahead {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `items` split into `shares` runs, taken one from each run in turn.
fn interleaved<T>(items: &[T], shares: usize) -> impl Iterator<Item = &T> {
    let per = items.len().div_ceil(shares.max(1)).max(1);
    (0..per).flat_map(move |i| items.iter().skip(i).step_by(per))
}

#[cfg(target_os = "linux")]
fn advise(path: &std::path::Path) {
    if let Ok(file) = std::fs::File::open(path) {
        let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::WillNeed);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_path: &std::path::Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_taken_in_turn_and_every_item_once() {
        let items: Vec<u32> = (0..10).collect();
        let order: Vec<u32> = interleaved(&items, 2).copied().collect();
        assert_eq!(order, [0, 5, 1, 6, 2, 7, 3, 8, 4, 9]);
        let order: Vec<u32> = interleaved(&items, 3).copied().collect();
        assert_eq!(order, [0, 4, 8, 1, 5, 9, 2, 6, 3, 7]);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, items);
        assert_eq!(interleaved(&items, 0).count(), 10);
        assert_eq!(interleaved(&[] as &[u32], 4).count(), 0);
    }

    #[test]
    fn advising_missing_and_real_files_reads_nothing_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("a.md");
        std::fs::write(&real, "# 가\n").unwrap();
        let ahead = Readahead::start(vec![dir.path().join("없음.md"), real.clone()], 2);
        drop(ahead);
        assert_eq!(std::fs::read_to_string(real).unwrap(), "# 가\n");
    }
}
