//! The mention memo: `ROOT/.gongbu-cache/mentions.bin` keeps, for every
//! note, the glossary terms found in it and where
//! ([`crate::index::glossary::MentionMemo`]), under a key of the texts
//! searched and of the terms searched for. A one-note edit searches that
//! note again; the others' mentions are taken as found (at 10,000 notes,
//! searching every note took about 0.1 s of a one-note rebuild's second).
//!
//! The file is `[xxh3 of the body u64][body]`, the body the gongbu and
//! binary that wrote it and the entries (postcard). Another binary's memo
//! is dropped silently, one that does not check out with one notice; a
//! memo can only spare work, never change a page: a key not found is a
//! note searched.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::{binary_stamp, gongbu_stamp, CACHE_DIR};
use crate::diagnostic::{Code, Diagnostic};
use crate::index::glossary::{MentionMemo, StoredMention};

/// The file in the cache folder.
pub(crate) const MENTIONS_FILE: &str = "mentions.bin";

#[derive(Serialize, Deserialize)]
struct Stored {
    gongbu: String,
    binary: String,
    entries: Vec<(u128, Vec<StoredMention>)>,
}

/// The memo of one build: what the last build kept, and what this one
/// used and found.
pub(crate) struct Mentions {
    path: PathBuf,
    kept: HashMap<u128, Vec<StoredMention>>,
    used: Mutex<HashMap<u128, Vec<StoredMention>>>,
    fresh: AtomicBool,
}

impl Mentions {
    /// Reads the memo of the site at `root`. An unreadable one is empty,
    /// with one notice when it is not whole.
    pub(crate) fn open(root: &Path) -> (Mentions, Option<Diagnostic>) {
        let path = root.join(CACHE_DIR).join(MENTIONS_FILE);
        let (kept, notice) = match fs::read(&path) {
            Ok(bytes) => match read(&bytes) {
                Some(Some(kept)) => (kept, None),
                Some(None) => (HashMap::new(), None),
                None => (
                    HashMap::new(),
                    Some(
                        Diagnostic::notice(
                            Code::Cache,
                            "용어 언급 캐시가 깨져 쓰지 않았습니다; 모든 노트에서 용어를 다시 찾습니다",
                        )
                        .with_path(path.display().to_string()),
                    ),
                ),
            },
            Err(_) => (HashMap::new(), None),
        };
        let memo = Mentions {
            path,
            kept,
            used: Mutex::new(HashMap::new()),
            fresh: AtomicBool::new(false),
        };
        (memo, notice)
    }

    /// Writes the entries this build used when it found any afresh or
    /// left some unused (aside, then renamed). A failure is a notice.
    pub(crate) fn save(self) -> Option<Diagnostic> {
        let used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        if !self.fresh.load(Ordering::Relaxed) && used.len() == self.kept.len() {
            return None;
        }
        let mut entries: Vec<(u128, Vec<StoredMention>)> = used.into_iter().collect();
        entries.sort_unstable_by_key(|(k, _)| *k);
        let stored = Stored {
            gongbu: gongbu_stamp(),
            binary: binary_stamp(),
            entries,
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
                    .with_file_name(format!(".{MENTIONS_FILE}.{}", std::process::id()));
                fs::write(&tmp, bytes)?;
                fs::rename(&tmp, &self.path).inspect_err(|_| {
                    let _ = fs::remove_file(&tmp);
                })
            });
        written.err().map(|e| {
            Diagnostic::notice(Code::Cache, format!("용어 언급 캐시를 쓸 수 없습니다: {e}"))
                .with_path(self.path.display().to_string())
        })
    }
}

/// The entries of a memo file: None when it does not check out,
/// Some(None) when another gongbu wrote it.
fn read(bytes: &[u8]) -> Option<Option<HashMap<u128, Vec<StoredMention>>>> {
    let (sum, body) = bytes.split_at_checked(8)?;
    if u64::from_le_bytes(sum.try_into().ok()?) != xxhash_rust::xxh3::xxh3_64(body) {
        return None;
    }
    let stored: Stored = postcard::from_bytes(body).ok()?;
    if stored.gongbu != gongbu_stamp() || stored.binary != binary_stamp() {
        return Some(None);
    }
    Some(Some(stored.entries.into_iter().collect()))
}

impl MentionMemo for Mentions {
    fn get(&self, key: u128) -> Option<Vec<StoredMention>> {
        let found = self.kept.get(&key)?.clone();
        if let Ok(mut used) = self.used.lock() {
            used.insert(key, found.clone());
        }
        Some(found)
    }

    fn put(&self, key: u128, found: Vec<StoredMention>) {
        self.fresh.store(true, Ordering::Relaxed);
        if let Ok(mut used) = self.used.lock() {
            used.insert(key, found);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_mentions_come_back_and_a_broken_file_is_a_notice() {
        let tmp = tempfile::tempdir().unwrap();
        let (memo, notice) = Mentions::open(tmp.path());
        assert!(notice.is_none() && memo.get(7).is_none());
        let m: StoredMention = (1, 2, false, 3, 9, 4, 6, true, false);
        memo.put(7, vec![m]);
        assert!(memo.save().is_none());
        let (memo, notice) = Mentions::open(tmp.path());
        assert!(notice.is_none());
        assert_eq!(memo.get(7), Some(vec![m]));
        // Nothing new and nothing dropped: the file is left as it is.
        assert!(memo.save().is_none());

        let path = tmp.path().join(CACHE_DIR).join(MENTIONS_FILE);
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&path, &bytes).unwrap();
        let (memo, notice) = Mentions::open(tmp.path());
        assert!(notice.is_some_and(|d| d.code == "cache"));
        assert!(memo.get(7).is_none());
    }
}
