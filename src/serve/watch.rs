//! Watching the site's sources: the notes folder, templates/ and static/
//! (recursively) and the root itself (for gongbu.yaml and for those folders
//! appearing); when the notes are the root itself, each of its folders that
//! may hold notes (not `.`/`_` names, `target/`, `node_modules/`),
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
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(30);

/// The theme folders watched recursively (besides the notes folder).
pub(crate) const FOLDERS: [&str; 2] = ["templates", "static"];

/// Root folders never watched when the notes are the root itself: they
/// are large and hold no notes.
const NOT_WATCHED: [&str; 2] = ["target", "node_modules"];

/// What the watcher sends to the rebuild loop.
#[derive(Debug)]
pub(crate) enum WatchMsg {
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

pub(crate) struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    /// Folders watched recursively.
    folders: Vec<PathBuf>,
    /// The notes are the root itself: every new folder of the root is watched.
    notes_at_root: bool,
}

/// Whether a folder of the root is watched when the notes are the root.
fn watched_root_folder(dir: &Path) -> bool {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !crate::note::load::is_skipped(&name) && !NOT_WATCHED.contains(&name.as_str())
}

impl Watcher {
    /// Starts watching `root` (canonical) and the notes folder `notes`;
    /// events go to `tx`.
    pub(crate) fn start(
        root: &Path,
        notes: &Path,
        tx: Sender<WatchMsg>,
    ) -> Result<Watcher, String> {
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
        let notes_at_root = notes == root;
        let mut folders: Vec<PathBuf> = FOLDERS.iter().map(|n| root.join(n)).collect();
        if notes_at_root {
            if let Ok(entries) = std::fs::read_dir(root) {
                for e in entries.flatten() {
                    let dir = e.path();
                    if dir.is_dir() && watched_root_folder(&dir) && !folders.contains(&dir) {
                        folders.push(dir);
                    }
                }
            }
        } else {
            folders.push(notes.to_path_buf());
        }
        let mut w = Watcher {
            debouncer,
            root: root.to_path_buf(),
            folders,
            notes_at_root,
        };
        w.debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| e.to_string())?;
        for dir in &w.folders {
            if dir.is_dir() {
                w.debouncer
                    .watch(dir, RecursiveMode::Recursive)
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(w)
    }

    /// Watches a source folder that appeared (or came back) since the start.
    pub(crate) fn follow(&mut self, changed: &[PathBuf]) {
        for dir in changed {
            let known = self.folders.contains(dir);
            let new_root_folder = self.notes_at_root
                && dir.parent() == Some(self.root.as_path())
                && watched_root_folder(dir);
            if (known || new_root_folder) && dir.is_dir() {
                if !known {
                    self.folders.push(dir.clone());
                }
                let _ = self.debouncer.watch(dir, RecursiveMode::Recursive);
            }
        }
    }
}
