//! Watching the site's sources: notes/, templates/ and static/ (recursively)
//! and the root itself (for gongbu.yaml and for those folders appearing),
//! with notify and a short debounce, so that one save is one rebuild.
//! Reads (every build opens the notes) are not changes.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

/// How long a file must be quiet before it is rebuilt: long enough for an
/// editor's write-then-rename, short enough not to be felt.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// The folders watched recursively.
pub const FOLDERS: [&str; 3] = ["notes", "templates", "static"];

/// What the watcher sends to the rebuild loop.
#[derive(Debug)]
pub enum WatchMsg {
    Changes(Vec<PathBuf>),
    Failed(String),
    Stop,
}

/// Whether an event may mean new contents: reading a file (as every build
/// does) must not start another build.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
}

impl Watcher {
    /// Starts watching `root` (canonical); events go to `tx`.
    pub fn start(root: &Path, tx: Sender<WatchMsg>) -> Result<Watcher, String> {
        let debouncer = new_debouncer(DEBOUNCE, None, move |res: DebounceEventResult| {
            let msg = match res {
                Ok(events) => {
                    let paths: Vec<PathBuf> = events
                        .into_iter()
                        .filter(|e| changes_content(&e.kind))
                        .flat_map(|e| e.event.paths)
                        .collect();
                    if paths.is_empty() {
                        return;
                    }
                    WatchMsg::Changes(paths)
                }
                Err(errors) => WatchMsg::Failed(
                    errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            };
            let _ = tx.send(msg);
        })
        .map_err(|e| e.to_string())?;
        let mut w = Watcher {
            debouncer,
            root: root.to_path_buf(),
        };
        w.debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| e.to_string())?;
        for name in FOLDERS {
            let dir = root.join(name);
            if dir.is_dir() {
                w.debouncer
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(w)
    }

    /// Watches a source folder that appeared (or came back) since the start.
    pub fn follow(&mut self, changed: &[PathBuf]) {
        for name in FOLDERS {
            let dir = self.root.join(name);
            if changed.contains(&dir) && dir.is_dir() {
                let _ = self.debouncer.watch(&dir, RecursiveMode::Recursive);
            }
        }
    }
}
