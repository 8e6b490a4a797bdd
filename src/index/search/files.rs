//! The index as script files under `search/`: `meta.js` and pack files of
//! postings shards, glossary concepts and text fragments, each a
//! `gongbuSearch(kind, number, stamp, lengths, data)` call so search works
//! from `file://` (a `<script>` loads a whole pack), while over HTTP the
//! client reads a pack's first line (stamp and the byte length of each
//! unit) and then only the units a query needs, by HTTP range. JSON is made
//! safe inside scripts; each file's stamp is a hash of its own data, which
//! `meta.js` lists.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::build::{ChunkStore, DocKind, SearchIndex, LIST_SEPARATOR};
use super::codec::{keeps_positions, put_varint, seal, term_only, unsealed, Parts};
use super::tokens::*;
use crate::index::glossary::Glossary;
use crate::korean::PARTICLES;
use crate::note::Note;
use crate::urls::{encode_fragment, encode_path};

/// Version of the file format; the client refuses other versions.
pub(crate) const FORMAT_VERSION: u32 = 5;
/// Folder of the index in the output.
pub(crate) const SEARCH_DIR: &str = "search";
/// Aimed size of one postings shard (the unit of the hash, and what a
/// query reads for a token over HTTP), in bytes.
const SHARD_TARGET_BYTES: usize = 4 * 1024;
const MAX_SHARDS: usize = 32768;
/// Most pack files of one kind (postings, concepts, text): past this (sites
/// of some 30,000 notes) packs grow instead of multiplying.
const MAX_PACKS: usize = 128;
/// Aimed size of one pack file, in bytes. Over HTTP a query reads only the
/// units it needs (by range), so the size of packs only trades the number
/// of files against what a query loads from `file://`, where a `<script>`
/// reads a whole pack from the disk.
const PACK_TARGET_BYTES: usize = 384 * 1024;
/// Aimed size of one unit of glossary concept postings (`@N`), in bytes:
/// consecutive terms share a unit up to this, a much-mentioned term has one
/// of its own, so a query for a term loads its mentions and little else.
const CONCEPT_TARGET_BYTES: usize = 4 * 1024;

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
    stamp_of(&[payload])
}

/// [`stamp`] of parts following each other.
fn stamp_of(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.iter().flat_map(|p| p.bytes()) {
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

/// How many consecutive units (shards, concept groups or fragments) go
/// into one pack file, for `count` of them holding `total` bytes: as many
/// as fit in about [`PACK_TARGET_BYTES`], and more when that would make
/// more than [`MAX_PACKS`] files (a large site should not spend its build
/// creating thousands of index files).
fn per_pack(total: usize, count: usize) -> usize {
    let count = count.max(1);
    let by_size = PACK_TARGET_BYTES * count / total.max(1);
    let by_count = count.div_ceil(MAX_PACKS);
    by_size.max(by_count).max(1)
}

/// How hard units are compressed (zlib levels 1–9). On 10,000 generated
/// notes (zlib-rs) a median cold query was 62.0 KB at level 6, 62.1 KB at
/// level 4 (its search index step 0.1 s of CPU quicker), 63.2 KB at level
/// 2 (0.3 s quicker) and 81 KB at level 1 (a quick mode with fixed codes).
const UNIT_LEVEL: u32 = 4;

/// A unit as it stands in a pack: its JSON compressed (zlib) and written
/// in base64 as a JSON string, so a range read of a unit over HTTP (sent as
/// stored, never gzipped by the server) is about half the JSON's bytes for
/// postings and a third for text; the client inflates it
/// (`DecompressionStream`).
fn compressed_unit(json: &str) -> String {
    use base64::Engine as _;
    use std::io::Write as _;
    let mut z = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(json.len() / 2 + 64),
        flate2::Compression::new(UNIT_LEVEL),
    );
    // Writing into a Vec cannot fail.
    let bytes = z
        .write_all(json.as_bytes())
        .and_then(|()| z.finish())
        .unwrap_or_default();
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 8);
    out.push('"');
    base64::engine::general_purpose::STANDARD.encode_string(&bytes, &mut out);
    out.push('"');
    out
}

/// Store entries of compressed units start with this (and end with a hash
/// of what is between).
pub(super) const UNITS_MAGIC: &[u8] = b"gongbu search units 1\n";

/// A unit's JSON, as the memo knows it: a hash and the length.
fn unit_key(json: &str) -> (u64, u32) {
    (
        crate::signatures::hash_of(json),
        u32::try_from(json.len()).unwrap_or(u32::MAX),
    )
}

/// Where the compressed units of pack `number` of `kind` are kept.
fn units_entry(kind: &str, number: usize) -> u128 {
    let half = |salt: u8| {
        crate::signatures::hash_of((salt, "gongbu search units", kind, number, UNIT_LEVEL))
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// The units of a pack compressed ([`compressed_unit`]), those whose JSON
/// the last build compressed for this pack taken from `store` instead (a
/// one-note edit changes a few units of each pack). The store's entry is
/// written again only when a unit was compressed here.
fn compress_units(
    store: Option<&dyn ChunkStore>,
    kind: &str,
    number: usize,
    jsons: Vec<String>,
) -> Vec<String> {
    let Some(store) = store else {
        return jsons.iter().map(|j| compressed_unit(j)).collect();
    };
    let entry = units_entry(kind, number);
    let known = store
        .get(entry)
        .and_then(|bytes| read_units_entry(&bytes))
        .unwrap_or_default();
    let mut fresh = false;
    let mut used = rustc_hash::FxHashSet::default();
    let keyed: Vec<((u64, u32), String)> = jsons
        .into_iter()
        .map(|json| {
            let key = unit_key(&json);
            used.insert(key);
            let unit = known.get(&key).cloned().unwrap_or_else(|| {
                fresh = true;
                compressed_unit(&json)
            });
            (key, unit)
        })
        .collect();
    if fresh || used.len() != known.len() {
        let mut body = Vec::with_capacity(
            UNITS_MAGIC.len() + keyed.iter().map(|(_, u)| u.len() + 16).sum::<usize>() + 8,
        );
        body.extend_from_slice(UNITS_MAGIC);
        for ((hash, len), unit) in &keyed {
            body.extend_from_slice(&hash.to_le_bytes());
            body.extend_from_slice(&len.to_le_bytes());
            body.extend_from_slice(&u32::try_from(unit.len()).unwrap_or(0).to_le_bytes());
            body.extend_from_slice(unit.as_bytes());
        }
        seal(&mut body, UNITS_MAGIC.len());
        store.put(entry, &body);
    }
    keyed.into_iter().map(|(_, unit)| unit).collect()
}

/// A store entry of compressed units: unit key → unit. None when it is not
/// whole (then every unit of the pack is compressed again).
fn read_units_entry(bytes: &[u8]) -> Option<rustc_hash::FxHashMap<(u64, u32), String>> {
    let mut parts = Parts::new(unsealed(bytes, UNITS_MAGIC)?);
    let mut units = rustc_hash::FxHashMap::default();
    while let Some(hash) = parts.take(8) {
        let hash = u64::from_le_bytes(hash.try_into().ok()?);
        let len = parts.u32()?;
        let size = parts.u32()? as usize;
        let unit = std::str::from_utf8(parts.take(size)?).ok()?.to_string();
        units.insert((hash, len), unit);
    }
    parts.done().then_some(units)
}

/// The numbers of the units in pack `p` of `count` units, `per` a pack.
fn pack_units(p: usize, per: usize, count: usize) -> std::ops::Range<usize> {
    p * per..count.min(p * per + per)
}

/// Store entries of known pack files start with this.
const PACK_MAGIC: &[u8] = b"gongbu search pack 1\n";

/// Where the stamp, first-line length and hash of pack `number` of `kind`
/// made from units whose inputs hash to `inputs` are kept.
fn pack_entry(kind: &str, number: usize, inputs: u64) -> u128 {
    let half =
        |salt: u8| crate::signatures::hash_of((salt, "gongbu search pack", kind, number, inputs));
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

fn pack_entry_bytes(stamp: &str, head: u32, hash: u64) -> Vec<u8> {
    let mut body = PACK_MAGIC.to_vec();
    body.extend_from_slice(&head.to_le_bytes());
    body.extend_from_slice(&hash.to_le_bytes());
    body.extend_from_slice(stamp.as_bytes());
    seal(&mut body, PACK_MAGIC.len());
    body
}

/// A known pack's stamp, first-line length and hash; None when the entry
/// is not whole.
fn read_pack_entry(bytes: &[u8]) -> Option<(String, u32, u64)> {
    let body = unsealed(bytes, PACK_MAGIC)?;
    let head = u32::from_le_bytes(body.get(..4)?.try_into().ok()?);
    let hash = u64::from_le_bytes(body.get(4..12)?.try_into().ok()?);
    let stamp = std::str::from_utf8(body.get(12..)?).ok()?;
    (stamp.len() == STAMP_LEN).then(|| (stamp.to_string(), head, hash))
}

/// What follows the data of a file.
const WRAP_END: &str = ");\n";

/// `meta.js`: `gongbuSearch("meta",0,"stamp","",payload);`.
fn meta_file(payload: &str) -> String {
    let stamp = stamp(payload);
    format!("gongbuSearch(\"meta\",0,\"{stamp}\",\"\",{payload}{WRAP_END}")
}

/// A pack file and its stamp. Its first line is
/// `gongbuSearch("kind",number,"stamp","lengths",[` with the byte length of
/// each unit (varints in the postings alphabet); then each unit (JSON
/// without a line break) followed by `,` and a line break (the last by a
/// line break alone), then `]);`. So unit `i` starts at the first line's
/// length plus the lengths of the units before it, two bytes more each:
/// what the client reads by range over HTTP. The stamp is a hash of the
/// lengths and the units.
fn pack_file(kind: &str, number: usize, units: &[String]) -> (String, String) {
    let lengths = varint_string(
        units
            .iter()
            .map(|u| u32::try_from(u.len()).unwrap_or(u32::MAX)),
    );
    let size: usize = units.iter().map(|u| u.len() + 2).sum();
    let mut text = String::with_capacity(size + lengths.len() + kind.len() + 64);
    text.push_str("gongbuSearch(\"");
    text.push_str(kind);
    text.push_str("\",");
    text.push_str(&number.to_string());
    text.push_str(",\"");
    let stamp_at = text.len();
    text.push_str(&"0".repeat(STAMP_LEN));
    text.push_str("\",\"");
    text.push_str(&lengths);
    text.push_str("\",[\n");
    let units_at = text.len();
    for (i, unit) in units.iter().enumerate() {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(unit);
    }
    text.push('\n');
    let own = stamp_of(&[&lengths, "\n", &text[units_at..]]);
    text.replace_range(stamp_at..stamp_at + STAMP_LEN, &own);
    text.push(']');
    text.push_str(WRAP_END);
    (text, own)
}

/// A pack file read back (tests): its stamp and its units' JSON text.
#[cfg(test)]
pub(crate) fn read_pack(text: &str) -> (String, Vec<String>) {
    use base64::Engine as _;
    use std::io::Read as _;
    let (head, rest) = text.split_once('\n').expect("a first line");
    let parts: Vec<&str> = head.split('"').collect();
    let mut lengths = Vec::new();
    let mut at = 0;
    while let Some(v) = super::codec::get_varint(parts[5].as_bytes(), &mut at) {
        lengths.push(v as usize);
    }
    let mut units = Vec::new();
    let mut start = 0;
    for len in lengths {
        let quoted = &rest[start..start + len];
        start += len + 2;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(quoted.trim_matches('"'))
            .expect("base64");
        let mut json = String::new();
        flate2::read::ZlibDecoder::new(&bytes[..])
            .read_to_string(&mut json)
            .expect("zlib");
        units.push(json);
    }
    assert!(rest.ends_with("\n]);\n"), "{rest}");
    (parts[3].to_string(), units)
}

/// `"token":"postings",…` for each entry (no braces).
fn push_postings<'a>(out: &mut String, entries: impl Iterator<Item = (&'a String, &'a Vec<u8>)>) {
    for (i, (token, bytes)) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&to_script_json(token.as_str()));
        out.push_str(":\"");
        // The postings alphabet (and `!`) needs no escaping.
        out.push_str(std::str::from_utf8(bytes).unwrap_or(""));
        out.push('"');
    }
}

/// A note in a text fragment: title, link, tags, then its documents as
/// (anchor, heading, text).
#[derive(serde::Serialize, Hash)]
struct FragmentNote<'a>(&'a str, String, String, Vec<(String, &'a str, &'a str)>);

/// A glossary term in a text fragment: term, link, names, definition.
#[derive(serde::Serialize, Hash)]
struct FragmentTerm<'a>(&'a str, String, &'a [String], &'a str);

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

impl SearchIndex<'_> {
    /// The index as script files (`search/meta.js`, shards, concepts,
    /// fragments).
    /// `notes` and `glossary` are what the index was built from.
    ///
    /// Consumes the index: the postings are freed once the shards are
    /// made, the documents once the fragments are, and only the packs being
    /// made (their units, then their text) are held besides (the index
    /// files are the tail of a build's memory).
    #[cfg(test)]
    pub(crate) fn files(self, notes: &[Note], glossary: &Glossary) -> Vec<SearchFile> {
        self.files_stored(notes, glossary, None)
    }

    /// [`Self::files`] with compressed units kept in `store`.
    #[cfg(test)]
    pub(crate) fn files_stored(
        self,
        notes: &[Note],
        glossary: &Glossary,
        store: Option<&dyn ChunkStore>,
    ) -> Vec<SearchFile> {
        let files = std::sync::Mutex::new(Vec::new());
        self.write_files(
            notes,
            glossary,
            store,
            &|path, text| {
                files.lock().unwrap().push(SearchFile { path, text });
            },
            &|_, _| false,
        );
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
    ///
    /// A postings or text fragment pack whose postings, notes and terms are
    /// what they were when `store` last saw that pack is not made at all
    /// when `keep` (path, hash of the file's bytes then) keeps the file
    /// written then.
    pub(crate) fn write_files(
        mut self,
        notes: &[Note],
        glossary: &Glossary,
        store: Option<&dyn ChunkStore>,
        emit: &(dyn Fn(String, String) + Sync),
        keep: &(dyn Fn(&str, u64) -> bool + Sync),
    ) {
        // Pack `number` of `kind` from its units' JSON (compressed, or
        // taken from the store as the last build compressed them): its
        // text, stamp and first-line length.
        let make = |kind: &str, number: usize, units: Vec<String>| -> (String, String, u32) {
            let units = compress_units(store, kind, number, units);
            let (text, stamp) = pack_file(kind, number, &units);
            drop(units);
            let head = text.find('\n').map_or(0, |at| at + 1);
            (text, stamp, u32::try_from(head).unwrap_or(u32::MAX))
        };
        // [`make`], then hands the pack over; returns its stamp and
        // first-line length.
        let put = |kind: &str, number: usize, units: Vec<String>| -> (String, u32) {
            let (text, stamp, head) = make(kind, number, units);
            emit(format!("{SEARCH_DIR}/{kind}-{number}.js"), text);
            (stamp, head)
        };
        // [`put`], for a pack whose units' inputs hash to `inputs`: the
        // file the last build made from the same inputs is kept when the
        // store knows it and the sink still holds it; otherwise made, and
        // its stamp, head and hash noted for the next build.
        let put_known =
            |kind: &str, number: usize, inputs: u64, units: &dyn Fn() -> Vec<String>| {
                let path = format!("{SEARCH_DIR}/{kind}-{number}.js");
                let entry = pack_entry(kind, number, inputs);
                let known = store
                    .and_then(|s| s.get(entry))
                    .and_then(|b| read_pack_entry(&b));
                if let Some((stamp, head, hash)) = known.clone() {
                    if keep(&path, hash) {
                        // Its compressed units stay for when it changes.
                        if let Some(store) = store {
                            store.touch(units_entry(kind, number));
                        }
                        return (stamp, head);
                    }
                }
                let (text, stamp, head) = make(kind, number, units());
                if let Some(store) = store {
                    let hash = crate::signatures::hash_of(text.as_bytes());
                    if known != Some((stamp.clone(), head, hash)) {
                        store.put(entry, &pack_entry_bytes(&stamp, head, hash));
                    }
                }
                emit(path, text);
                (stamp, head)
            };
        // The packs of `count` units of `kind`, `per` a pack, unit `i` made
        // by `unit(i)` when its pack is.
        let packs =
            |kind: &str, count: usize, per: usize, unit: &(dyn Fn(usize) -> String + Sync)| {
                (0..count.div_ceil(per))
                    .into_par_iter()
                    .map(|p| put(kind, p, pack_units(p, per, count).map(unit).collect()))
                    .collect::<Vec<(String, u32)>>()
            };
        // Stamps and first-line lengths of the packs of a kind.
        let listed = |packs: Vec<(String, u32)>| -> (String, String) {
            let heads = varint_string(packs.iter().map(|(_, h)| *h));
            (packs.into_iter().map(|(s, _)| s).collect(), heads)
        };
        let step = crate::steps::Step::start("search");
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
        for (g, &start) in concept_starts.iter().enumerate() {
            let end = concept_starts.get(g + 1).copied().unwrap_or(term_count);
            for slot in concept_file.get_mut(start..end).unwrap_or(&mut []) {
                *slot = g as u32;
            }
        }
        // One unit per group of terms: their postings and texts.
        let concept_unit = |g: usize| -> String {
            let start = concept_starts[g];
            let end = concept_starts.get(g + 1).copied().unwrap_or(term_count);
            let list = concepts.get(start..end).unwrap_or(&[]);
            let len: usize = list
                .iter()
                .flatten()
                .map(|(t, b)| t.len() + b.len() + 8)
                .sum();
            let mut out = String::with_capacity(len + 2);
            out.push('{');
            push_postings(&mut out, list.iter().flatten().copied());
            for t in start..end {
                if let Some(entry) = term_entry(t) {
                    if out.len() > 1 {
                        out.push(',');
                    }
                    out.push_str(&format!("\"={t}\":"));
                    out.push_str(&to_script_json(&entry));
                }
            }
            out.push('}');
            out
        };
        let concept_total: usize = concepts
            .iter()
            .flatten()
            .map(|(t, b)| t.len() + b.len() + 8)
            .sum::<usize>()
            + glossary
                .terms
                .iter()
                .map(|t| t.term.len() + t.definition.len() + 64)
                .sum::<usize>();
        let concept_pack = per_pack(concept_total, concept_starts.len());
        let concept_packs = packs(
            "concepts",
            concept_starts.len(),
            concept_pack,
            &concept_unit,
        );
        drop(concepts);
        // Every other token's postings, sharded and packed.
        let shard_pack = per_pack(total, shards);
        let shard_packs: Vec<(String, u32)> = members
            .par_chunks(shard_pack)
            .enumerate()
            .map(|(n, pack)| {
                // A pack's postings, hashed: a one-note edit changes the
                // postings of a few tokens, so most packs stay as they were.
                let mut h = xxhash_rust::xxh3::Xxh3Default::new();
                h.update(&FORMAT_VERSION.to_le_bytes());
                h.update(&(shards as u64).to_le_bytes());
                h.update(&(shard_pack as u64).to_le_bytes());
                for list in pack {
                    h.update(&(list.len() as u64).to_le_bytes());
                    for (t, b) in list {
                        h.update(&(t.len() as u64).to_le_bytes());
                        h.update(t.as_bytes());
                        h.update(&(b.len() as u64).to_le_bytes());
                        h.update(b);
                    }
                }
                put_known("shards", n, h.digest(), &|| {
                    pack.iter()
                        .map(|list| {
                            let len: usize = list.iter().map(|(t, b)| t.len() + b.len() + 8).sum();
                            let mut out = String::with_capacity(len + 2);
                            out.push('{');
                            push_postings(&mut out, list.iter().copied());
                            out.push('}');
                            out
                        })
                        .collect()
                })
            })
            .collect();
        drop(members);
        self.postings = BTreeMap::new();
        step.done("concept and shard files");

        // Text fragments: one unit per note, then one per term, in number
        // order (unit `i` is document owner `i`: the client needs no table).
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
        let note_parts = |i: usize| -> FragmentNote<'_> {
            let note = &notes[i];
            let docs: Vec<(String, &str, &str)> = doc_range(i)
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
        };
        let note_unit = |i: usize| -> String { to_script_json(&note_parts(i)) };
        // What fragment unit `i` is made from, hashed.
        let fragment_input = |i: usize| -> u64 {
            if i < notes.len() {
                crate::signatures::hash_of(note_parts(i))
            } else {
                crate::signatures::hash_of(term_entry(i - notes.len()))
            }
        };
        let fragment_unit = |i: usize| -> String {
            if i < notes.len() {
                note_unit(i)
            } else {
                term_entry(i - notes.len())
                    .map(|t| to_script_json(&t))
                    .unwrap_or_else(|| "null".to_string())
            }
        };
        let text_total: usize = (0..notes.len()).map(note_size).sum::<usize>()
            + glossary
                .terms
                .iter()
                .map(|t| t.term.len() + t.definition.len() + t.url.len() * 3 + 64)
                .sum::<usize>();
        let fragment_count = notes.len() + glossary.terms.len();
        let fragment_pack = per_pack(text_total, fragment_count);
        let fragment_packs: Vec<(String, u32)> = (0..fragment_count.div_ceil(fragment_pack))
            .into_par_iter()
            .map(|p| {
                let range = pack_units(p, fragment_pack, fragment_count);
                let inputs = crate::signatures::hash_of((
                    FORMAT_VERSION,
                    fragment_pack,
                    range.clone().map(fragment_input).collect::<Vec<u64>>(),
                ));
                put_known("frags", p, inputs, &|| {
                    range.clone().map(fragment_unit).collect()
                })
            })
            .collect();
        self.docs = Vec::new();
        step.done("text fragment files");

        let (shard_stamps, shard_heads) = listed(shard_packs);
        let (concept_stamps, concept_heads) = listed(concept_packs);
        let (fragment_stamps, fragment_heads) = listed(fragment_packs);
        let docs_per_note = self.note_starts.windows(2).map(|w| w[1] - w[0]);
        // Every file's stamp, in file order per kind: the client asks for
        // `shards-3.js?v=<stamp>` and takes a file whose stamp differs as
        // one of another build. `per`: units in each pack file of a kind.
        let meta = serde_json::json!({
            "v": FORMAT_VERSION,
            "shards": shards,
            "per": {
                "shards": shard_pack,
                "concepts": concept_pack,
                "frags": fragment_pack,
            },
            "notes": notes.len(),
            "docs": varint_string(docs_per_note),
            "terms": glossary.terms.len(),
            "concepts": varint_string(concept_file),
            "names": self.names,
            "termNames": self.term_names,
            "particles": PARTICLES,
            "prefix": PREFIX_KEY_LEN,
            "maxWord": MAX_WORD_LEN,
            "stamps": {
                "shards": shard_stamps,
                "concepts": concept_stamps,
                "frags": fragment_stamps,
            },
            "heads": {
                "shards": shard_heads,
                "concepts": concept_heads,
                "frags": fragment_heads,
            },
        });
        emit(
            format!("{SEARCH_DIR}/meta.js"),
            meta_file(&to_script_json(&meta)),
        );
    }
}
