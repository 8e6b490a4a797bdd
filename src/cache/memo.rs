//! The index memo: `ROOT/.gongbu-cache/memo.bin` keeps, for every note,
//! what indexing found in it and what it depends on nothing else for: the
//! glossary terms found in it and where ([`MentionMemo`]), under a key of
//! the texts searched and of the terms searched for, and the comparisons
//! read from its tables and lists ([`ComparisonMemo`]), under a key of
//! those tables, lists and headings and of the names they are matched
//! with. A one-note edit searches and reads that note again; the others'
//! are taken as found (at 10,000 notes, searching every note took about
//! 0.1 s of a one-note rebuild's second, and reading comparisons about as
//! much again).
//!
//! The file is `[xxh3 of the body u64][body]`, the body the gongbu and
//! binary that wrote it and the entries (postcard). Another binary's memo
//! is dropped silently, one that does not check out with one notice; a
//! memo can only spare work, never change a page: a key not found is a
//! note searched or read.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::{binary_stamp, gongbu_stamp, CACHE_DIR};
use crate::diagnostic::{Code, Diagnostic};
use crate::index::compare::{ComparisonMemo, Found};
use crate::index::glossary::{MentionMemo, StoredMention};

/// The file in the cache folder.
pub(crate) const MEMO_FILE: &str = "memo.bin";
/// The file of the mentions alone, which earlier builds wrote: deleted.
pub(crate) const OLD_MENTIONS_FILE: &str = "mentions.bin";

#[derive(Serialize, Deserialize, Default)]
struct Entries {
    mentions: Vec<(u128, Vec<StoredMention>)>,
    /// Each note's comparisons as postcard bytes: held as found (a cold
    /// build at 100,000 notes holds them all until the memo is saved) and
    /// decoded only when taken.
    comparisons: Vec<(u128, Vec<u8>)>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    gongbu: String,
    binary: String,
    entries: Entries,
}

/// One kind of entries: what the last build kept, the keys of those this
/// one used, and what it found afresh. Keys are hashes already, so the maps
/// hash them no further than Fx does.
struct Kind<V> {
    kept: FxHashMap<u128, V>,
    used: Mutex<FxHashSet<u128>>,
    found: Mutex<FxHashMap<u128, V>>,
}

impl<V> Kind<V> {
    fn new(entries: Vec<(u128, V)>) -> Kind<V> {
        Kind {
            kept: entries.into_iter().collect(),
            used: Mutex::new(FxHashSet::default()),
            found: Mutex::new(FxHashMap::default()),
        }
    }

    /// What `read` makes of the entry kept under `key`, which this build
    /// then keeps too.
    fn get<R>(&self, key: u128, read: impl FnOnce(&V) -> R) -> Option<R> {
        let found = read(self.kept.get(&key)?);
        if let Ok(mut used) = self.used.lock() {
            used.insert(key);
        }
        Some(found)
    }

    fn put(&self, key: u128, value: V) {
        if let Ok(mut found) = self.found.lock() {
            found.insert(key, value);
        }
    }

    /// The entries used or found, sorted by key; whether any was found
    /// afresh or some kept ones went unused.
    fn used(self) -> (Vec<(u128, V)>, bool) {
        let used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        let found = self.found.into_inner().unwrap_or_else(|e| e.into_inner());
        let changed = !found.is_empty() || used.len() != self.kept.len();
        let mut entries: Vec<(u128, V)> = self
            .kept
            .into_iter()
            .filter(|(k, _)| used.contains(k) && !found.contains_key(k))
            .collect();
        entries.extend(found);
        entries.sort_unstable_by_key(|(k, _)| *k);
        (entries, changed)
    }
}

/// The memo of one build.
pub(crate) struct Memo {
    path: PathBuf,
    mentions: Kind<Vec<StoredMention>>,
    comparisons: Kind<Vec<u8>>,
}

impl Memo {
    /// Reads the memo of the site at `root`. An unreadable one is empty,
    /// with one notice when it is not whole.
    pub(crate) fn open(root: &Path) -> (Memo, Option<Diagnostic>) {
        let path = root.join(CACHE_DIR).join(MEMO_FILE);
        let (entries, notice) = match fs::read(&path) {
            Ok(bytes) => match read(&bytes) {
                Some(Some(entries)) => (entries, None),
                Some(None) => (Entries::default(), None),
                None => (
                    Entries::default(),
                    Some(
                        Diagnostic::notice(
                            Code::Cache,
                            "색인 메모 캐시가 깨져 쓰지 않았습니다; 모든 노트에서 용어와 비교를 다시 찾습니다",
                        )
                        .with_path(path.display().to_string()),
                    ),
                ),
            },
            Err(_) => (Entries::default(), None),
        };
        let memo = Memo {
            path,
            mentions: Kind::new(entries.mentions),
            comparisons: Kind::new(entries.comparisons),
        };
        (memo, notice)
    }

    /// Writes the entries this build used when it found any afresh or
    /// left some unused (aside, then renamed). A failure is a notice.
    pub(crate) fn save(self) -> Option<Diagnostic> {
        let (mentions, mentions_changed) = self.mentions.used();
        let (comparisons, comparisons_changed) = self.comparisons.used();
        if let Some(dir) = self.path.parent() {
            let _ = fs::remove_file(dir.join(OLD_MENTIONS_FILE));
        }
        if !mentions_changed && !comparisons_changed {
            return None;
        }
        let stored = Stored {
            gongbu: gongbu_stamp(),
            binary: binary_stamp(),
            entries: Entries {
                mentions,
                comparisons,
            },
        };
        let written = postcard::to_stdvec(&stored)
            .map_err(std::io::Error::other)
            .and_then(|body| {
                let mut bytes = Vec::with_capacity(body.len() + 8);
                bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&body).to_le_bytes());
                bytes.extend_from_slice(&body);
                if let Some(dir) = self.path.parent() {
                    fs::create_dir_all(dir)?;
                }
                let tmp = self
                    .path
                    .with_file_name(format!(".{MEMO_FILE}.{}", std::process::id()));
                fs::write(&tmp, bytes)?;
                fs::rename(&tmp, &self.path).inspect_err(|_| {
                    let _ = fs::remove_file(&tmp);
                })
            });
        written.err().map(|e| {
            Diagnostic::notice(Code::Cache, format!("색인 메모 캐시를 쓸 수 없습니다: {e}"))
                .with_path(self.path.display().to_string())
        })
    }
}

/// The entries of a memo file: None when it does not check out,
/// Some(None) when another gongbu wrote it.
fn read(bytes: &[u8]) -> Option<Option<Entries>> {
    let (sum, body) = bytes.split_at_checked(8)?;
    if u64::from_le_bytes(sum.try_into().ok()?) != xxhash_rust::xxh3::xxh3_64(body) {
        return None;
    }
    let stored: Stored = postcard::from_bytes(body).ok()?;
    if stored.gongbu != gongbu_stamp() || stored.binary != binary_stamp() {
        return Some(None);
    }
    Some(Some(stored.entries))
}

impl MentionMemo for Memo {
    fn get(&self, key: u128) -> Option<Vec<StoredMention>> {
        self.mentions.get(key, Vec::clone)
    }

    fn put(&self, key: u128, found: Vec<StoredMention>) {
        self.mentions.put(key, found);
    }
}

impl ComparisonMemo for Memo {
    fn comparisons(&self, key: u128) -> Option<Vec<Found>> {
        self.comparisons
            .get(key, |bytes| postcard::from_bytes(bytes).ok())
            .flatten()
    }

    fn put_comparisons(&self, key: u128, found: &[Found]) {
        if let Ok(bytes) = postcard::to_stdvec(found) {
            self.comparisons.put(key, bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_entries_come_back_and_a_broken_file_is_a_notice() {
        let tmp = tempfile::tempdir().unwrap();
        let (memo, notice) = Memo::open(tmp.path());
        assert!(notice.is_none() && memo.get(7).is_none());
        let m: StoredMention = (1, 2, false, 3, 9, 4, 6, true, false);
        memo.put(7, vec![m]);
        let found = Found {
            form: crate::index::compare::Form::Table,
            index: 0,
            offset: 12,
            heading: Some(1),
            transposed: false,
            subjects: Vec::new(),
            rows: Vec::new(),
        };
        assert!(memo.comparisons(8).is_none());
        memo.put_comparisons(8, std::slice::from_ref(&found));
        assert!(memo.save().is_none());
        let (memo, notice) = Memo::open(tmp.path());
        assert!(notice.is_none());
        assert_eq!(memo.get(7), Some(vec![m]));
        assert_eq!(memo.comparisons(8), Some(vec![found.clone()]));
        // Nothing new and nothing dropped: the file is not written (here,
        // deleted after it was read, it stays away).
        let path = tmp.path().join(CACHE_DIR).join(MEMO_FILE);
        let bytes = fs::read(&path).unwrap();
        fs::remove_file(&path).unwrap();
        assert!(memo.save().is_none());
        assert!(!path.exists());
        fs::write(&path, bytes).unwrap();
        // An entry not used is dropped at the next save.
        let (memo, _) = Memo::open(tmp.path());
        assert_eq!(memo.get(7), Some(vec![m]));
        assert!(memo.save().is_none());
        let (memo, _) = Memo::open(tmp.path());
        assert!(memo.comparisons(8).is_none());
        assert_eq!(memo.get(7), Some(vec![m]));
        memo.put_comparisons(8, &[found]);
        assert!(memo.save().is_none());

        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&path, &bytes).unwrap();
        let (memo, notice) = Memo::open(tmp.path());
        assert!(notice.is_some_and(|d| d.code == "cache"));
        assert!(memo.get(7).is_none());
    }
}
