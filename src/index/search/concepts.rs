//! Glossary concepts: every mention of a term under any of its names
//! (스레드, 쓰레드, Thread), found in the word and bigram postings, becomes
//! the token `@<term number>`, so a query for any name finds all of them.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::codec::{decode_postings, encode_doc, Posting};
use super::tokens::*;

/// Most letters between two words of a multi-word glossary name
/// (`컨텍스트 스위칭`, `Context-Switch`).
const NAME_WORD_GAP: u32 = 2;
/// The tokens a name is looked up by: for each segment, the words (by
/// prefix) or the covering bigrams (or the unigram).
fn name_segments(name: &str) -> Vec<Segment<'_>> {
    let mut prev: Option<SegmentKind> = None;
    segments(name)
        .into_iter()
        .filter(|s| {
            let skip = s.attached
                && prev == Some(SegmentKind::Word)
                && s.kind == SegmentKind::Cjk
                && is_particles(s.text);
            prev = Some(s.kind);
            !skip
        })
        .collect()
}

/// Tokens of a CJK segment with their UTF-16 offsets from its start.
fn segment_grams(text: &str) -> Vec<(String, u32)> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() == 1 {
        return vec![(text.to_string(), 0)];
    }
    let mut offsets = Vec::with_capacity(chars.len());
    let mut off = 0u32;
    for c in &chars {
        offsets.push(off);
        off += c.len_utf16() as u32;
    }
    covering_bigrams(chars.len())
        .into_iter()
        .map(|i| ([chars[i], chars[i + 1]].iter().collect(), offsets[i]))
        .collect()
}

/// Encoded postings decoded at once while glossary mentions are matched
/// (a batch of terms at a time).
const DECODE_BATCH_BYTES: usize = 256 << 10;

/// Decoded postings of the tokens glossary names need, each decoded once.
pub(super) type Decoded = FxHashMap<String, Vec<Posting>>;

/// The indexed tokens glossary names are looked up by.
pub(super) fn tokens_for_names<'p>(
    postings: &'p BTreeMap<String, Vec<u8>>,
    names: &[String],
) -> Vec<&'p String> {
    let mut wanted: Vec<&String> = Vec::new();
    for name in names {
        for seg in name_segments(name) {
            match seg.kind {
                SegmentKind::Word => {
                    let word: String = seg.text.chars().flat_map(char::to_lowercase).collect();
                    if word.chars().count() >= PREFIX_KEY_LEN {
                        wanted.extend(
                            postings
                                .range(word.clone()..)
                                .take_while(|(t, _)| t.starts_with(&word))
                                .map(|(t, _)| t),
                        );
                    } else if let Some((t, _)) = postings.get_key_value(&word) {
                        wanted.push(t);
                    }
                }
                SegmentKind::Cjk => {
                    for (g, _) in segment_grams(seg.text) {
                        if let Some((t, _)) = postings.get_key_value(&g) {
                            wanted.push(t);
                        }
                    }
                }
            }
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    wanted
}

pub(super) fn decode_tokens(postings: &BTreeMap<String, Vec<u8>>, wanted: Vec<&String>) -> Decoded {
    wanted
        .par_iter()
        .map(|t| {
            let bytes = postings.get(*t).map(Vec::as_slice).unwrap_or(&[]);
            ((*t).clone(), decode_postings(bytes))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// Matches of one segment: (document, field) → (start, end) spans, sorted
/// by document and field. An empty span list: matched by a token without
/// positions.
type Spans = Vec<((u32, Field), Vec<(u32, u32)>)>;

fn segment_matches(decoded: &Decoded, seg: &Segment<'_>) -> Spans {
    match seg.kind {
        SegmentKind::Word => {
            let word: String = seg.text.chars().flat_map(char::to_lowercase).collect();
            let prefix = word.chars().count() >= PREFIX_KEY_LEN;
            let mut found: BTreeMap<(u32, Field), Vec<(u32, u32)>> = BTreeMap::new();
            for (token, list) in decoded {
                if !(token == &word || (prefix && token.starts_with(&word))) {
                    continue;
                }
                if token.starts_with('#') || token.starts_with('@') {
                    continue;
                }
                let len = token.encode_utf16().count() as u32;
                for p in list {
                    for (f, ps) in &p.fields {
                        found
                            .entry((p.doc, *f))
                            .or_default()
                            .extend(ps.iter().map(|&s| (s, s + len)));
                    }
                }
            }
            found
                .into_iter()
                .map(|(k, mut v)| {
                    v.sort_unstable();
                    v.dedup();
                    (k, v)
                })
                .collect()
        }
        SegmentKind::Cjk => {
            let grams = segment_grams(seg.text);
            let len = seg.text.encode_utf16().count() as u32;
            let empty = Vec::new();
            let lists: Vec<&Vec<Posting>> = grams
                .iter()
                .map(|(g, _)| decoded.get(g).unwrap_or(&empty))
                .collect();
            let Some((first, rest)) = lists.split_first() else {
                return Vec::new();
            };
            let mut cursors = vec![0usize; rest.len()];
            let mut out = Vec::new();
            'docs: for p in first.iter() {
                // The same document in every other list (all sorted by doc).
                let mut others = Vec::with_capacity(rest.len());
                for (k, list) in rest.iter().enumerate() {
                    while cursors[k] < list.len() && list[cursors[k]].doc < p.doc {
                        cursors[k] += 1;
                    }
                    match list.get(cursors[k]) {
                        Some(q) if q.doc == p.doc => others.push(q),
                        _ => continue 'docs,
                    }
                }
                for (field, starts) in &p.fields {
                    if rest.is_empty() {
                        // A one-letter segment: unigrams keep no positions.
                        out.push(((p.doc, *field), Vec::new()));
                        continue;
                    }
                    let spans: Vec<(u32, u32)> = starts
                        .iter()
                        .copied()
                        .filter(|&s| {
                            others.iter().enumerate().all(|(k, q)| {
                                q.fields.iter().any(|(g, ps)| {
                                    g == field && ps.binary_search(&(s + grams[k + 1].1)).is_ok()
                                })
                            })
                        })
                        .map(|s| (s, s + len))
                        .collect();
                    if !spans.is_empty() {
                        out.push(((p.doc, *field), spans));
                    }
                }
            }
            out
        }
    }
}

/// Every (document, field, start) where `name` occurs; no start when the
/// name is matched by tokens without positions.
pub(super) fn phrase_matches(decoded: &Decoded, name: &str) -> Vec<(u32, Field, Option<u32>)> {
    let segs = name_segments(name);
    let Some((first, rest)) = segs.split_first() else {
        return Vec::new();
    };
    let mut current = segment_matches(decoded, first);
    for seg in rest {
        let next = segment_matches(decoded, seg);
        let mut joined: Spans = Vec::new();
        let mut j = 0;
        for (key, spans) in current {
            while j < next.len() && next[j].0 < key {
                j += 1;
            }
            let Some((_, follow)) = next.get(j).filter(|(k, _)| *k == key) else {
                continue;
            };
            if spans.is_empty() || follow.is_empty() {
                // Without positions on one side, being in the same field
                // has to do.
                joined.push((key, Vec::new()));
                continue;
            }
            let kept: Vec<(u32, u32)> = spans
                .iter()
                .filter_map(|&(s, e)| {
                    follow
                        .iter()
                        .find(|&&(fs, _)| fs >= e && fs - e <= NAME_WORD_GAP)
                        .map(|&(_, fe)| (s, fe))
                })
                .collect();
            if !kept.is_empty() {
                joined.push((key, kept));
            }
        }
        current = joined;
    }
    let mut out: Vec<(u32, Field, Option<u32>)> = Vec::new();
    for ((doc, f), spans) in current {
        if spans.is_empty() {
            out.push((doc, f, None));
        }
        out.extend(spans.into_iter().map(|(s, _)| (doc, f, Some(s))));
    }
    out.sort_unstable();
    out
}

/// Where any of `names` is mentioned: each name's tokens must stand one
/// after another (words of a name may be apart by a space or hyphen).
fn mentions(decoded: &Decoded, names: &[String]) -> Vec<Posting> {
    let mut found: BTreeMap<(u32, Field), Vec<u32>> = BTreeMap::new();
    for name in names {
        for (doc, field, pos) in phrase_matches(decoded, name) {
            found.entry((doc, field)).or_default().extend(pos);
        }
    }
    let mut out: Vec<Posting> = Vec::new();
    for ((doc, field), mut positions) in found {
        positions.sort_unstable();
        positions.dedup();
        match out.last_mut() {
            Some(p) if p.doc == doc => p.fields.push((field, positions)),
            _ => out.push(Posting {
                doc,
                fields: vec![(field, positions)],
            }),
        }
    }
    out
}

/// What glossary names are looked up by ([`tokens_for_names`]): CJK
/// grams exactly, words by their first [`PREFIX_KEY_LEN`] letters. A token
/// that [`Needles::may_match`] none of is never needed.
#[derive(Debug, Default)]
pub(super) struct Needles(rustc_hash::FxHashSet<String>);

/// A token's first [`PREFIX_KEY_LEN`] letters, or all of it.
fn word_key(token: &str) -> &str {
    first_letters(token, PREFIX_KEY_LEN)
}

impl Needles {
    pub(super) fn of(all_names: &[Vec<String>]) -> Needles {
        let mut set = rustc_hash::FxHashSet::default();
        for name in all_names.iter().flatten() {
            for seg in name_segments(name) {
                match seg.kind {
                    SegmentKind::Word => {
                        let word: String = seg.text.chars().flat_map(char::to_lowercase).collect();
                        set.insert(word_key(&word).to_string());
                    }
                    SegmentKind::Cjk => {
                        set.extend(segment_grams(seg.text).into_iter().map(|(g, _)| g));
                    }
                }
            }
        }
        Needles(set)
    }

    /// Whether a glossary name could be looked up by `token`.
    pub(super) fn may_match(&self, token: &str) -> bool {
        self.0.contains(token) || self.0.contains(word_key(token))
    }
}

/// The postings of every glossary term's concept token (`@<term number>`):
/// each mention of the term under any of its names (`names[i]` are the
/// names of term `i`), found in the word and bigram postings.
pub(super) fn concept_postings(
    postings: &BTreeMap<String, Vec<u8>>,
    all_names: &[Vec<String>],
) -> Vec<(String, Vec<u8>)> {
    // Terms are matched in batches whose postings, decoded, stay small:
    // decoded postings take several times their encoded size, and all
    // of them at once would be the build's peak of memory.
    let mut concept_postings: Vec<(String, Vec<u8>)> = Vec::new();
    let mut start = 0;
    while start < all_names.len() {
        let mut wanted: Vec<&String> = Vec::new();
        let mut seen: rustc_hash::FxHashSet<&String> = Default::default();
        let mut bytes = 0usize;
        let mut end = start;
        while let Some(list) = all_names.get(end) {
            let tokens = tokens_for_names(postings, list);
            let add: usize = tokens
                .iter()
                .filter(|t| !seen.contains(*t))
                .map(|t| postings.get(*t).map_or(0, Vec::len))
                .sum();
            if end > start && bytes + add > DECODE_BATCH_BYTES {
                break;
            }
            for t in tokens {
                if seen.insert(t) {
                    wanted.push(t);
                }
            }
            bytes += add;
            end += 1;
        }
        let decoded = decode_tokens(postings, wanted);
        let batch = all_names.get(start..end).unwrap_or(&[]);
        concept_postings.par_extend(batch.par_iter().enumerate().filter_map(|(k, list)| {
            let i = start + k;
            let found = mentions(&decoded, list);
            (!found.is_empty()).then(|| {
                let mut bytes = Vec::new();
                let mut prev: i64 = -1;
                for p in &found {
                    encode_doc(
                        &mut bytes,
                        Some((i64::from(p.doc) - prev - 1) as u32),
                        &p.fields,
                    );
                    prev = i64::from(p.doc);
                }
                (format!("@{i}"), bytes)
            })
        }));
        start = end;
    }
    concept_postings
}
