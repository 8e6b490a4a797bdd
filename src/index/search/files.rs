//! The index as script files under `search/`: `meta.js`, postings shards
//! and text fragments, each a `gongbuSearch(kind, number, stamp, data)`
//! call so search works from `file://`; JSON made safe inside scripts and
//! each file's stamp (a hash of its own data, which `meta.js` lists) filled
//! in place at the end.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::build::{DocKind, SearchIndex, LIST_SEPARATOR};
use super::codec::{keeps_positions, put_varint, term_only};
use super::tokens::*;
use crate::index::glossary::Glossary;
use crate::korean::PARTICLES;
use crate::note::Note;
use crate::urls::{encode_fragment, encode_path};

/// Version of the file format; the client refuses other versions.
pub(crate) const FORMAT_VERSION: u32 = 4;
/// Folder of the index in the output.
pub(crate) const SEARCH_DIR: &str = "search";
/// Aimed size of one postings shard (the unit of the hash), in bytes.
const SHARD_TARGET_BYTES: usize = 8 * 1024;
const MAX_SHARDS: usize = 8192;
/// Most files of one kind (postings, text): past this (sites of some
/// 40,000 notes) files grow instead of multiplying.
const MAX_PACKS: usize = 2048;
/// Aimed size of one file of packed shards, in bytes. A query loads whole
/// files, so the sizes of files trade the number of files against what a
/// cold query loads. On 10,000 generated notes (20 queries, median gzip
/// bytes of a cold query) 40 KB packs and 32 KB fragments measured 2,176
/// files and 57 KB (format 2: 3,960 files and 66 KB); simulated, 30 KB
/// packs gave about 200 files more and no fewer bytes, 45 KB packs about
/// 140 files fewer for 1.5 KB more. BENCHMARKS.md, "Search index layout,
/// format v3".
const PACK_TARGET_BYTES: usize = 40 * 1024;
/// Aimed size of one text fragment, in bytes (whole notes, one fragment per
/// file). A query loads about four, grouped by topic (see `topic_order`);
/// simulated at 10,000 notes, 24 KB fragments gave about 330 files more for
/// 2 KB less.
const FRAGMENT_TARGET_BYTES: usize = 32 * 1024;
/// Aimed size of one file of glossary concept postings (`@N`), in bytes:
/// consecutive terms share a file up to this, a much-mentioned term has one
/// of its own, so a query for a term loads its mentions and little else.
const CONCEPT_TARGET_BYTES: usize = 16 * 1024;

/// A file of the index: path under the output root and its text.
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchFile {
    pub path: String,
    pub text: String,
}

/// JSON made safe inside a script file: `<`, `>`, `&` and the JavaScript
/// line separators become escapes, so no text of a note can close or open a
/// tag.
pub(crate) fn script_safe(json: String) -> String {
    let special = |c: char| matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}');
    if !json.contains(special) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// [`script_safe`] JSON of a value.
fn to_script_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    script_safe(serde_json::to_string(value).unwrap_or_else(|_| "null".to_string()))
}

fn varint_string(values: impl IntoIterator<Item = u32>) -> String {
    let mut out = Vec::new();
    for v in values {
        put_varint(&mut out, v);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Letters of a stamp: the postings alphabet (no escaping in JSON).
const STAMP_LETTERS: &[u8; 64] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
/// Letters in a stamp (`STAMP_LEN` in the client's tokenizer.js): 18 bits,
/// so a stale file passes for the expected one about once in 260,000
/// (then a page shows a result of the previous build until it is
/// reloaded), while `meta.js`, which every cold query loads, grows by three
/// letters a file (about 5 KB gzip at 10,000 notes).
pub(super) const STAMP_LEN: usize = 3;

/// A file's stamp: FNV-1a (64 bits) of its data, as [`STAMP_LEN`] letters.
/// It depends on nothing but the file's own data, so a file whose data did
/// not change keeps its bytes from one build to the next (and the output
/// step leaves it in place), while `meta.js` lists every stamp it expects.
fn stamp(payload: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in payload.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..STAMP_LEN)
        .map(|i| char::from(STAMP_LETTERS[((h >> (6 * i)) & 63) as usize]))
        .collect()
}

/// How many postings shards for this many bytes: a power of two.
fn shard_count(total: usize) -> usize {
    total
        .div_ceil(SHARD_TARGET_BYTES)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS)
}

/// Name of the file holding pack `i` of postings shards: `shards-12.js`.
pub(crate) fn shard_pack_file(i: usize) -> String {
    format!("shards-{i}.js")
}

/// Name of the file holding text fragment `i`: `frags-12.js`.
pub(crate) fn fragment_pack_file(i: usize) -> String {
    format!("frags-{i}.js")
}

/// Name of the file holding group `i` of glossary concept postings:
/// `concepts-3.js`.
pub(crate) fn concept_file_name(i: usize) -> String {
    format!("concepts-{i}.js")
}

/// How many consecutive shards (or fragments) go into one file, for
/// `count` of them holding `total` bytes: as many as fit in about
/// [`PACK_TARGET_BYTES`] (a query loads whole files, so this bounds what
/// it loads besides what it needs), and more when that would make more
/// than [`MAX_PACKS`] files (a large site should not spend its build
/// creating thousands of index files).
fn per_pack(total: usize, count: usize) -> usize {
    let count = count.max(1);
    let by_size = PACK_TARGET_BYTES * count / total.max(1);
    let by_count = count.div_ceil(MAX_PACKS);
    by_size.max(by_count).max(1)
}

/// A file's text `gongbuSearch("kind",number,"stamp",payload);` made whole
/// before its stamp (a hash of the payload) is known: the stamp's places
/// are filled in at the end, in place.
struct UnstampedFile {
    text: String,
    /// Where the stamp stands.
    stamp_at: usize,
    /// Where the payload starts.
    payload_at: usize,
}

/// The placeholder of the stamp, as long as a stamp.
pub(super) const NO_STAMP: &str = "000";
/// What follows the payload.
const WRAP_END: &str = ");\n";

impl UnstampedFile {
    /// Starts a file whose payload will be about `payload_len` bytes.
    fn start(kind: &str, number: usize, payload_len: usize) -> UnstampedFile {
        let mut text = String::with_capacity(payload_len + kind.len() + 48);
        text.push_str("gongbuSearch(\"");
        text.push_str(kind);
        text.push_str("\",");
        text.push_str(&number.to_string());
        text.push_str(",\"");
        let stamp_at = text.len();
        text.push_str(NO_STAMP);
        text.push_str("\",");
        let payload_at = text.len();
        UnstampedFile {
            text,
            stamp_at,
            payload_at,
        }
    }

    fn of(kind: &str, number: usize, payload: &str) -> UnstampedFile {
        let mut w = UnstampedFile::start(kind, number, payload.len());
        w.push_str(payload);
        w.finish()
    }

    /// Bytes of payload so far.
    fn payload_len(&self) -> usize {
        self.text.len() - self.payload_at
    }

    fn push(&mut self, c: char) {
        self.text.push(c);
    }

    /// `"token":"postings",…` for each entry (no braces).
    fn push_postings<'a>(&mut self, entries: impl Iterator<Item = (&'a String, &'a Vec<u8>)>) {
        for (i, (token, bytes)) in entries.enumerate() {
            if i > 0 {
                self.push(',');
            }
            self.push_str(&to_script_json(token.as_str()));
            self.push_str(":\"");
            // The postings alphabet (and `!`) needs no escaping.
            self.push_str(std::str::from_utf8(bytes).unwrap_or(""));
            self.push('"');
        }
    }

    fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn finish(mut self) -> UnstampedFile {
        self.text.push_str(WRAP_END);
        self
    }

    fn payload(&self) -> &str {
        let end = self.text.len().saturating_sub(WRAP_END.len());
        self.text.get(self.payload_at..end).unwrap_or("")
    }

    /// The stamp of the payload.
    fn stamp(&self) -> String {
        stamp(self.payload())
    }

    /// The file's text with `stamp` (its [`Self::stamp`]) in place.
    fn stamped(mut self, stamp: &str) -> String {
        let range = self.stamp_at..self.stamp_at + NO_STAMP.len();
        if stamp.len() == NO_STAMP.len() && self.text.is_char_boundary(range.end) {
            self.text.replace_range(range, stamp);
        }
        self.text
    }
}

/// A note in a text fragment: title, link, tags, then its documents as
/// (anchor, heading, text).
#[derive(serde::Serialize)]
struct FragmentNote<'a>(&'a str, String, String, Vec<(String, &'a str, &'a str)>);

/// A glossary term in a text fragment: term, link, names, definition.
#[derive(serde::Serialize)]
struct FragmentTerm<'a>(&'a str, String, &'a [String], &'a str);

#[derive(serde::Serialize)]
struct Fragment<'a> {
    n: Vec<FragmentNote<'a>>,
    t: Vec<FragmentTerm<'a>>,
}

/// Consecutive items grouped so each group holds about `target` bytes:
/// the index where each group starts.
fn group_starts(sizes: impl Iterator<Item = usize>, target: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut size = usize::MAX;
    for (i, s) in sizes.enumerate() {
        if size >= target {
            starts.push(i);
            size = 0;
        }
        size += s;
    }
    starts
}

/// The order in which notes fill the text fragments: by topic (the
/// glossary term named earliest in the title, else the title's first word),
/// then by note number. A query's first results are mostly notes naming it
/// in their titles, and among equal scores the lower note numbers come
/// first, so they stand together in the first fragment of their topic
/// instead of one fragment each (on 1,000 and 10,000 generated notes a cold
/// query loads about four fragment files instead of about eight).
fn topic_order(notes: &[Note], term_names: &[Vec<String>]) -> Vec<usize> {
    let names: Vec<(String, usize)> = term_names
        .iter()
        .enumerate()
        .flat_map(|(t, list)| list.iter().map(move |n| (n.to_lowercase(), t)))
        .filter(|(n, _)| !n.is_empty())
        .collect();
    let keys: Vec<(usize, String)> = notes
        .par_iter()
        .map(|note| {
            let title = note.title.to_lowercase();
            // (where, name length, term): earliest, then longest.
            let mut best: Option<(usize, usize, usize)> = None;
            for (name, t) in &names {
                if let Some(at) = title.find(name.as_str()) {
                    if best.is_none_or(|(p, len, _)| at < p || (at == p && name.len() > len)) {
                        best = Some((at, name.len(), *t));
                    }
                }
            }
            match best {
                Some((_, _, t)) => (t, String::new()),
                None => (
                    usize::MAX,
                    title.split_whitespace().next().unwrap_or("").to_string(),
                ),
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..notes.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
    order
}

impl SearchIndex<'_> {
    /// The index as script files (`search/meta.js`, shards, concepts,
    /// fragments).
    /// `notes` and `glossary` are what the index was built from.
    ///
    /// Consumes the index: the postings are freed once the shards are
    /// made, the documents once the fragments are, and every file is made
    /// whole at once with a placeholder stamp filled in at the end, so
    /// no payload is ever copied (the index files are the tail of a build's
    /// memory).
    #[cfg(test)]
    pub(crate) fn files(self, notes: &[Note], glossary: &Glossary) -> Vec<SearchFile> {
        let files = std::sync::Mutex::new(Vec::new());
        self.write_files(notes, glossary, &|path, text| {
            files.lock().unwrap().push(SearchFile { path, text });
        });
        let mut files = files.into_inner().unwrap();
        // meta.js, then shards, concepts and fragments, each by number.
        let order = |f: &SearchFile| {
            let name = f.path.trim_start_matches("search/").trim_end_matches(".js");
            let (kind, n) = name.split_once('-').unwrap_or((name, "0"));
            let rank = ["meta", "shards", "concepts", "frags"]
                .iter()
                .position(|k| *k == kind);
            (rank, n.parse::<usize>().unwrap_or(0))
        };
        files.sort_by_key(order);
        files
    }

    /// Makes the index files and hands each to `emit` (path under the
    /// output root, text) as soon as it is whole, `meta.js` last: a file's
    /// stamp depends on its own data alone, so no file waits for others
    /// and the index's files are never all held at once.
    pub(crate) fn write_files(
        mut self,
        notes: &[Note],
        glossary: &Glossary,
        emit: &(dyn Fn(String, String) + Sync),
    ) {
        // Stamps a file, hands it over, returns its stamp.
        let put = |path: String, file: UnstampedFile| -> String {
            let stamp = file.stamp();
            emit(path, file.stamped(&stamp));
            stamp
        };
        // Tokens without positions take the shorter keys-only form.
        self.postings.par_iter_mut().for_each(|(token, bytes)| {
            if !keeps_positions(token) {
                if let Some(keys) = term_only(bytes) {
                    *bytes = keys.into_bytes();
                }
            }
        });
        // A glossary term as the text fragments and concept files show it.
        let term_start = self.note_starts.last().copied().unwrap_or(0);
        let term_entry = |i: usize| {
            let term = glossary.terms.raw.get(i)?;
            let doc = self.docs.get(term_start as usize + i)?;
            let names = self.term_names.get(i).map(Vec::as_slice).unwrap_or(&[]);
            Some(FragmentTerm(
                names.first().map(String::as_str).unwrap_or(&term.term),
                encode_path(&term.url),
                names,
                doc.field(Field::Body).unwrap_or(""),
            ))
        };
        // Glossary concepts (`@N`) go to files of their own, consecutive
        // terms together up to CONCEPT_TARGET_BYTES, with each term's text
        // under `=N` (a query for a term then needs no text fragment for
        // it); every other token goes to its hash shard.
        let term_count = self.term_names.len();
        let concept_of = |token: &str| {
            token
                .strip_prefix('@')
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|&n| n < term_count)
        };
        let total: usize = self
            .postings
            .iter()
            .filter(|(t, _)| concept_of(t).is_none())
            .map(|(t, b)| t.len() + b.len() + 6)
            .sum();
        let shards = shard_count(total);
        let mut members: Vec<Vec<(&String, &Vec<u8>)>> = vec![Vec::new(); shards];
        let mut concepts: Vec<Option<(&String, &Vec<u8>)>> = vec![None; term_count];
        for (token, bytes) in &self.postings {
            match concept_of(token) {
                Some(n) => concepts[n] = Some((token, bytes)),
                None => members[shard_of(token, shards)].push((token, bytes)),
            }
        }
        let concept_starts = group_starts(
            concepts
                .iter()
                .map(|c| c.map_or(0, |(t, b)| t.len() + b.len() + 6)),
            CONCEPT_TARGET_BYTES,
        );
        let mut concept_file = vec![0u32; term_count];
        let concept_stamps: Vec<String> = concept_starts
            .iter()
            .enumerate()
            .map(|(g, &start)| {
                let end = concept_starts.get(g + 1).copied().unwrap_or(term_count);
                let list = concepts.get(start..end).unwrap_or(&[]);
                for slot in concept_file.get_mut(start..end).unwrap_or(&mut []) {
                    *slot = g as u32;
                }
                let len: usize = list
                    .iter()
                    .flatten()
                    .map(|(t, b)| t.len() + b.len() + 8)
                    .sum();
                let mut out = UnstampedFile::start("concepts", g, len + 2);
                out.push('{');
                out.push_postings(list.iter().flatten().copied());
                for t in start..end {
                    if let Some(entry) = term_entry(t) {
                        if out.payload_len() > 1 {
                            out.push(',');
                        }
                        out.push_str(&format!("\"={t}\":"));
                        out.push_str(&to_script_json(&entry));
                    }
                }
                out.push('}');
                put(
                    format!("{SEARCH_DIR}/{}", concept_file_name(g)),
                    out.finish(),
                )
            })
            .collect();
        drop(concepts);
        // Every other token's postings, sharded and packed.
        let shard_pack = per_pack(total, shards);
        let shard_stamps: Vec<String> = members
            .par_chunks(shard_pack)
            .enumerate()
            .map(|(n, pack)| {
                let len: usize = pack
                    .iter()
                    .flat_map(|list| list.iter().map(|(t, b)| t.len() + b.len() + 8))
                    .sum();
                let mut out = UnstampedFile::start("shards", n, len + 2 * pack.len() + 2);
                out.push('[');
                for (k, list) in pack.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    out.push('{');
                    out.push_postings(list.iter().copied());
                    out.push('}');
                }
                out.push(']');
                put(format!("{SEARCH_DIR}/{}", shard_pack_file(n)), out.finish())
            })
            .collect();
        drop(members);
        self.postings = BTreeMap::new();

        // Text fragments: whole notes, then terms.
        let doc_range = |n: usize| {
            let start = self.note_starts.get(n).copied().unwrap_or(0) as usize;
            let end = self.note_starts.get(n + 1).copied().unwrap_or(0) as usize;
            self.docs.get(start..end).unwrap_or(&[])
        };
        let note_size = |n: usize| -> usize {
            doc_range(n)
                .iter()
                .flat_map(|d| d.fields.iter().map(|(_, t)| t.len() + 16))
                .sum::<usize>()
                + notes[n].url.len() * 3
        };
        // Notes of one topic share files (see `topic_order`); terms follow.
        let order = topic_order(notes, &self.term_names);
        // Larger fragments past MAX_PACKS of them (very large sites).
        let text_total: usize = (0..notes.len()).map(note_size).sum();
        let fragment_target = FRAGMENT_TARGET_BYTES.max(text_total / MAX_PACKS);
        let note_groups = group_starts(order.iter().map(|&n| note_size(n)), fragment_target);
        let term_groups = group_starts(
            glossary
                .terms
                .iter()
                .map(|t| t.term.len() + t.definition.len() + t.url.len() * 3 + 64),
            fragment_target,
        );
        let mut fragments: Vec<(Vec<usize>, std::ops::Range<usize>)> = Vec::new();
        // The fragment of each note, then of each term.
        let mut fragment_of = vec![0u32; notes.len() + glossary.terms.len()];
        for (g, &start) in note_groups.iter().enumerate() {
            let end = note_groups.get(g + 1).copied().unwrap_or(order.len());
            let mut members = order.get(start..end).unwrap_or(&[]).to_vec();
            members.sort_unstable();
            for &n in &members {
                fragment_of[n] = fragments.len() as u32;
            }
            fragments.push((members, 0..0));
        }
        for (g, &start) in term_groups.iter().enumerate() {
            let end = term_groups
                .get(g + 1)
                .copied()
                .unwrap_or(glossary.terms.len());
            for t in start..end {
                fragment_of[notes.len() + t] = fragments.len() as u32;
            }
            fragments.push((Vec::new(), start..end));
        }
        let fragment_stamps: Vec<String> = fragments
            .par_iter()
            .enumerate()
            .map(|(number, (note_list, term_range))| {
                let n = note_list
                    .iter()
                    .map(|&i| {
                        let note = &notes[i];
                        let docs = doc_range(i)
                            .iter()
                            .map(|d| {
                                let anchor = match d.kind {
                                    DocKind::Note {
                                        heading: Some(h), ..
                                    } => note
                                        .facts
                                        .headings
                                        .get(h)
                                        .map(|h| encode_fragment(&h.id))
                                        .unwrap_or_default(),
                                    _ => String::new(),
                                };
                                (
                                    anchor,
                                    d.field(Field::Heading).unwrap_or(""),
                                    d.field(Field::Body).unwrap_or(""),
                                )
                            })
                            .collect();
                        let title = doc_range(i)
                            .first()
                            .and_then(|d| d.field(Field::Title))
                            .unwrap_or("");
                        FragmentNote(
                            title,
                            encode_path(&note.url),
                            note.tags.join(LIST_SEPARATOR),
                            docs,
                        )
                    })
                    .collect();
                let t = term_range.clone().filter_map(term_entry).collect();
                put(
                    format!("{SEARCH_DIR}/{}", fragment_pack_file(number)),
                    UnstampedFile::of("frags", number, &to_script_json(&Fragment { n, t })),
                )
            })
            .collect();
        drop(fragments);
        self.docs = Vec::new();

        let docs_per_note = self.note_starts.windows(2).map(|w| w[1] - w[0]);
        // Every file's stamp, in file order per kind: the client asks for
        // `shards-3.js?v=<stamp>` and takes a file whose stamp differs as
        // one of another build.
        let meta = serde_json::json!({
            "v": FORMAT_VERSION,
            "shards": shards,
            "pack": shard_pack,
            "notes": notes.len(),
            "docs": varint_string(docs_per_note),
            "terms": glossary.terms.len(),
            "frags": varint_string(fragment_of),
            "concepts": varint_string(concept_file),
            "names": self.names,
            "termNames": self.term_names,
            "particles": PARTICLES,
            "prefix": PREFIX_KEY_LEN,
            "maxWord": MAX_WORD_LEN,
            "stamps": {
                "shards": shard_stamps.concat(),
                "concepts": concept_stamps.concat(),
                "frags": fragment_stamps.concat(),
            },
        });
        let meta_payload = to_script_json(&meta);

        let meta_file = UnstampedFile::of("meta", 0, &meta_payload);
        drop(meta_payload);
        put(format!("{SEARCH_DIR}/meta.js"), meta_file);
    }
}
