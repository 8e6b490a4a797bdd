//! Search: what a reader can find (note sections and glossary terms), the
//! tokenizer the browser client shares, and the index written as script
//! files under `search/` so that search works with no server, even from
//! `file://` where `fetch()` of JSON is blocked.
//!
//! # Tokens (the same rules live in `static/assets/search.js`)
//!
//! Text is NFC. It splits into segments: runs of Hangul and CJK letters
//! ("CJK runs") and runs of other letters, digits and `_` ("words").
//! Positions count UTF-16 code units from the start of the field, as
//! JavaScript strings do.
//!
//! - A word becomes one lower-cased token (`Thread` → `thread`); queries
//!   match it by prefix.
//! - A CJK run of n letters becomes its n-1 character bigrams (`멀티스레드`
//!   → 멀티 티스 스레 레드, each at its letter), its first letter as a
//!   unigram (so one-syllable queries find words that start with it: 힙 finds
//!   힙, 힙은 and 힙정렬) and, when n ≥ 3, the whole run (whole-word
//!   matches rank higher). A query of two or more syllables matches where
//!   its bigrams stand one after another, so 스레드 is found inside
//!   멀티스레드 and 스레드가; the client looks up only the bigrams that
//!   cover the query ([`covering_bigrams`]). Unigrams and whole runs say
//!   only which fields hold them ([`keeps_positions`]).
//! - Particles right after a word (`CPU가`, `IPC를`) are not indexed.
//! - Titles, tags, headings and glossary names also get 초성 tokens: `#`
//!   and the bigrams of their initial consonants (`프로세스` → #ㅍㄹ #ㄹㅅ
//!   #ㅅㅅ) plus `#` and the first consonant, in a position space of their
//!   own.
//! - Every mention of a glossary term under any of its names (스레드, 쓰레드,
//!   Thread) becomes the token `@<term number>`, so a query for any name
//!   finds all of them with one lookup.
//!
//! # Files
//!
//! - `search/meta.js`: sizes, the documents of each note, the fragment
//!   boundaries, the glossary names and the particle list.
//! - `search/shard-XX.js`: postings, sharded by a hash of the token's shard
//!   key (the token; for words its first three letters, so prefix queries
//!   find every completion in one shard).
//! - `search/frag-XXX.js`: the documents' text (title, link, headings,
//!   sections), loaded only for the results shown.
//!
//! Each file calls `gongbuSearch(kind, number, build, data)`; `build` is a
//! hash of the whole index so the client never mixes files of two builds.
//! Output is deterministic, and `<`, `>`, `&` are escaped in every string.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::index::glossary::Glossary;
use crate::index::SiteIndex;
use crate::korean::{initial_consonants, is_hangul, nfc, PARTICLES};
use crate::note::Note;
use crate::urls::{encode_fragment, encode_path};

/// Version of the file format; the client refuses other versions.
pub const FORMAT_VERSION: u32 = 1;
/// Folder of the index in the output.
pub const SEARCH_DIR: &str = "search";
/// Longest word token kept (longer runs are hashes, base64, noise).
pub const MAX_WORD_LEN: usize = 40;
/// Latin words shard by this many leading letters: prefix queries of at
/// least this length find every completion in one shard.
pub const PREFIX_KEY_LEN: usize = 3;
/// Aimed size of one postings shard, in bytes.
const SHARD_TARGET_BYTES: usize = 12 * 1024;
const MAX_SHARDS: usize = 8192;
/// Aimed size of one text fragment, in bytes (whole notes per fragment).
const FRAGMENT_TARGET_BYTES: usize = 4 * 1024;
/// Documents tokenized per parallel work unit.
const DOCS_PER_CHUNK: usize = 1024;
/// Most letters between two words of a multi-word glossary name
/// (`컨텍스트 스위칭`, `Context-Switch`).
const NAME_WORD_GAP: u32 = 2;

/// The part of a document a token stands in. The number is what the client
/// sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Field {
    Title = 0,
    Tags = 1,
    Heading = 2,
    Body = 3,
    /// A glossary term's names (term, aliases, English name).
    Term = 4,
    /// Text of code blocks (diagrams, listings): found, ranked below prose.
    Code = 5,
}

impl Field {
    const ALL: [Field; 6] = [
        Field::Title,
        Field::Tags,
        Field::Heading,
        Field::Body,
        Field::Term,
        Field::Code,
    ];

    fn from_code(code: u32) -> Option<Field> {
        Field::ALL.get(code as usize).copied()
    }
}

// ───────────────────────────── tokenizer ─────────────────────────────

/// Letters searched by character bigrams: Hangul (syllables and jamo) and
/// CJK ideographs and kana.
pub fn is_cjk_letter(c: char) -> bool {
    is_hangul(c)
        || ('\u{3040}'..='\u{30FF}').contains(&c)
        || ('\u{3400}'..='\u{4DBF}').contains(&c)
        || ('\u{4E00}'..='\u{9FFF}').contains(&c)
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || ('\u{20000}'..='\u{2FA1F}').contains(&c)
}

/// Letters, digits and `_` that make up words (`char::is_alphanumeric`;
/// the client uses `\p{Alphabetic}` and `\p{N}`).
fn is_word_letter(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    Cjk,
    Word,
}

/// A run of letters of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    pub kind: SegmentKind,
    pub text: &'a str,
    /// UTF-16 offset in the field.
    pub pos: u32,
    /// Glued to the segment before it (no space between): `CPU가`.
    pub attached: bool,
}

/// Splits `text` into CJK runs and words.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    // (kind, byte start, UTF-16 start, attached)
    type Open = (SegmentKind, usize, u32, bool);
    fn push<'a>(out: &mut Vec<Segment<'a>>, text: &'a str, cur: Open, end: usize) {
        out.push(Segment {
            kind: cur.0,
            text: &text[cur.1..end],
            pos: cur.2,
            attached: cur.3,
        });
    }
    let mut out: Vec<Segment<'_>> = Vec::new();
    let mut pos16: u32 = 0;
    let mut current: Option<Open> = None;
    for (i, c) in text.char_indices() {
        let kind = if is_cjk_letter(c) {
            Some(SegmentKind::Cjk)
        } else if is_word_letter(c) {
            Some(SegmentKind::Word)
        } else {
            None
        };
        match (kind, current) {
            (Some(k), Some((ck, ..))) if k == ck => {}
            (Some(k), cur) => {
                if let Some(cur) = cur {
                    push(&mut out, text, cur, i);
                }
                current = Some((k, i, pos16, cur.is_some()));
            }
            (None, cur) => {
                if let Some(cur) = cur {
                    push(&mut out, text, cur, i);
                }
                current = None;
            }
        }
        pos16 += c.len_utf16() as u32;
    }
    if let Some(cur) = current {
        push(&mut out, text, cur, text.len());
    }
    out
}

/// True when `s` is nothing but particles (조사): at most two, optionally
/// after the plural 들 (`를`, `에서는`, `들의`).
pub fn is_particles(s: &str) -> bool {
    !s.is_empty() && crate::korean::particle_len(s) == Some(s.len())
}

/// A token and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub pos: u32,
}

/// The tokens of one field's text, in order of position (see the module
/// documentation for the rules).
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for_each_token(text, |t, pos| {
        out.push(Token {
            text: t.to_string(),
            pos,
        })
    });
    out
}

/// Calls `emit(token, position)` for every token of `text` without
/// allocating one string per token.
pub fn for_each_token(text: &str, mut emit: impl FnMut(&str, u32)) {
    let mut buf = String::new();
    for_each_token_part(text, |part, pos| emit(part.as_str(&mut buf), pos));
}

/// A token as [`for_each_token_part`] hands it out: letters, not yet a
/// string, so the index can key one- and two-letter tokens by number.
#[derive(Debug, Clone, Copy)]
enum TokenPart<'a> {
    Unigram(char),
    Bigram(char, char),
    Text(&'a str),
}

impl<'a> TokenPart<'a> {
    fn as_str<'b>(&self, buf: &'b mut String) -> &'b str
    where
        'a: 'b,
    {
        match *self {
            TokenPart::Text(t) => t,
            TokenPart::Unigram(a) => {
                buf.clear();
                buf.push(a);
                buf
            }
            TokenPart::Bigram(a, b) => {
                buf.clear();
                buf.push(a);
                buf.push(b);
                buf
            }
        }
    }

    /// A number standing for a one- or two-letter token.
    fn key(&self) -> Option<u64> {
        match *self {
            TokenPart::Unigram(a) => Some(1 << 42 | u64::from(a)),
            TokenPart::Bigram(a, b) => Some(2 << 42 | u64::from(a) << 21 | u64::from(b)),
            TokenPart::Text(_) => None,
        }
    }
}

fn for_each_token_part(text: &str, mut emit: impl FnMut(TokenPart<'_>, u32)) {
    let mut lower = String::new();
    let mut prev_kind: Option<SegmentKind> = None;
    for seg in segments(text) {
        let after_word = seg.attached && prev_kind == Some(SegmentKind::Word);
        prev_kind = Some(seg.kind);
        match seg.kind {
            SegmentKind::Word => {
                if seg.text.chars().nth(MAX_WORD_LEN).is_some() {
                    continue;
                }
                lower.clear();
                lower.extend(seg.text.chars().flat_map(char::to_lowercase));
                emit(TokenPart::Text(&lower), seg.pos);
            }
            SegmentKind::Cjk => {
                if after_word && is_particles(seg.text) {
                    continue;
                }
                let mut chars = seg.text.chars();
                let Some(first) = chars.next() else { continue };
                emit(TokenPart::Unigram(first), seg.pos);
                let mut pos = seg.pos;
                let mut prev = first;
                let mut n = 1;
                for c in chars {
                    emit(TokenPart::Bigram(prev, c), pos);
                    pos += prev.len_utf16() as u32;
                    prev = c;
                    n += 1;
                }
                if (3..=MAX_WORD_LEN).contains(&n) {
                    emit(TokenPart::Text(seg.text), seg.pos);
                }
            }
        }
    }
}

/// The 초성 tokens of one name (a title, heading, tag or glossary name)
/// whose consonants start at `base` in the 초성 position space: `#` plus
/// the first consonant, and `#` plus each consonant bigram.
pub fn for_each_initial_token(name: &str, base: u32, mut emit: impl FnMut(&str, u32)) -> u32 {
    let cho: Vec<char> = initial_consonants(name).chars().collect();
    let mut buf = String::new();
    if let Some(&first) = cho.first() {
        buf.push('#');
        buf.push(first);
        emit(&buf, base);
    }
    for (i, w) in cho.windows(2).enumerate() {
        buf.clear();
        buf.push('#');
        buf.push(w[0]);
        buf.push(w[1]);
        emit(&buf, base + i as u32);
    }
    cho.len() as u32
}

/// The part of a token that picks its shard: the whole token, except for
/// words, which shard by their first [`PREFIX_KEY_LEN`] letters.
pub fn shard_key(token: &str) -> &str {
    let first = token.chars().next();
    let is_word = first.is_some_and(|c| c != '#' && c != '@' && !is_cjk_letter(c));
    if !is_word {
        return token;
    }
    match token.char_indices().nth(PREFIX_KEY_LEN) {
        Some((i, _)) => &token[..i],
        None => token,
    }
}

/// FNV-1a over UTF-16 code units (what the client hashes too).
pub fn hash(key: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for u in key.encode_utf16() {
        h ^= u32::from(u);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The shard holding `token` when there are `shards` shards.
pub fn shard_of(token: &str, shards: usize) -> usize {
    (hash(shard_key(token)) as usize) % shards.max(1)
}

/// How glossary names are compared with what a reader types: NFC, lower
/// case, without spaces, `-`, `_` and `·`.
pub fn name_key(name: &str) -> String {
    nfc(name)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '·'))
        .flat_map(char::to_lowercase)
        .collect()
}

// ───────────────────────────── documents ─────────────────────────────

/// What a document is: a part of a note, or a glossary term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocKind {
    /// `heading` None: the note's head (title, tags, text before the first
    /// heading); Some(i): the section under `facts.headings[i]`.
    Note {
        note: usize,
        heading: Option<usize>,
    },
    Term(usize),
}

/// One searchable unit and its fields' text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc<'a> {
    pub kind: DocKind,
    /// Texts borrowed from the notes where they stand as they are.
    pub fields: Vec<(Field, Cow<'a, str>)>,
}

impl Doc<'_> {
    pub fn field(&self, f: Field) -> Option<&str> {
        self.fields
            .iter()
            .find(|(g, _)| *g == f)
            .map(|(_, t)| t.as_ref())
    }
}

/// Separator between the items of a many-valued field (tags, names).
const LIST_SEPARATOR: &str = " · ";

/// The documents of one note: its head, then one per section with a
/// heading. Note text is NFC already (see `note::load::clean_text`). The section under the heading that is the page's title belongs
/// to the head (the page shows no such heading).
pub fn note_docs(note_id: usize, note: &Note) -> Vec<Doc<'_>> {
    let facts = &note.facts;
    let title_heading = facts.title_block.as_ref().and_then(|t| t.heading);
    let mut head_body: Cow<'_, str> = Cow::Borrowed("");
    let mut head_code: Cow<'_, str> = Cow::Borrowed("");
    let mut sections = Vec::new();
    for s in &facts.sections {
        match s.heading {
            Some(h) if Some(h) != title_heading => {
                let heading = facts.headings.get(h).map_or("", |h| h.text.as_str());
                sections.push(Doc {
                    kind: DocKind::Note {
                        note: note_id,
                        heading: Some(h),
                    },
                    fields: with_code(
                        vec![
                            (Field::Heading, Cow::Borrowed(heading)),
                            (Field::Body, Cow::Borrowed(s.text.as_str())),
                        ],
                        &Cow::Borrowed(s.code.as_str()),
                    ),
                });
            }
            _ => {
                if !s.code.is_empty() {
                    let code = head_code.to_mut();
                    if !code.is_empty() {
                        code.push('\n');
                    }
                    code.push_str(&s.code);
                }
                if head_body.is_empty() {
                    head_body = Cow::Borrowed(s.text.as_str());
                } else if !s.text.is_empty() {
                    let joined = head_body.to_mut();
                    joined.push(' ');
                    joined.push_str(&s.text);
                }
            }
        }
    }
    let mut docs = Vec::with_capacity(sections.len() + 1);
    docs.push(Doc {
        kind: DocKind::Note {
            note: note_id,
            heading: None,
        },
        fields: with_code(
            vec![
                (Field::Title, Cow::Borrowed(note.title.as_str())),
                (Field::Tags, Cow::Owned(note.tags.join(LIST_SEPARATOR))),
                (Field::Body, head_body),
            ],
            &head_code,
        ),
    });
    docs.extend(sections);
    docs
}

/// `fields` plus the code field when there is code text.
fn with_code<'a>(
    mut fields: Vec<(Field, Cow<'a, str>)>,
    code: &Cow<'a, str>,
) -> Vec<(Field, Cow<'a, str>)> {
    if !code.is_empty() {
        fields.push((Field::Code, code.clone()));
    }
    fields
}

/// The names of a term: term, aliases, English name, without repeats.
pub fn term_names(term: &crate::index::glossary::Term) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for n in std::iter::once(&term.term)
        .chain(&term.aliases)
        .chain(std::iter::once(&term.english))
    {
        let n = nfc(n.trim());
        if !n.is_empty() && !names.iter().any(|m| name_key(m) == name_key(&n)) {
            names.push(n);
        }
    }
    names
}

fn term_doc(id: usize, term: &crate::index::glossary::Term) -> Doc<'static> {
    Doc {
        kind: DocKind::Term(id),
        fields: vec![
            (
                Field::Term,
                Cow::Owned(term_names(term).join(LIST_SEPARATOR)),
            ),
            (Field::Body, Cow::Owned(nfc(&term.definition))),
        ],
    }
}

// ───────────────────────────── postings ─────────────────────────────

/// The 64 characters of the postings encoding: a number is written in
/// 5-bit groups, lowest first; a group from the second half means more
/// groups follow. All are safe in JSON and JavaScript strings.
const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 32 {
        out.push(DIGITS[32 + (v & 31) as usize]);
        v >>= 5;
    }
    out.push(DIGITS[v as usize]);
}

fn digit_value(b: u8) -> Option<u32> {
    DIGITS.iter().position(|&d| d == b).map(|p| p as u32)
}

/// Reads one number; None at the end or on a byte outside the alphabet.
fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let mut v: u32 = 0;
    let mut shift = 0u32;
    loop {
        let d = digit_value(*bytes.get(*at)?)?;
        *at += 1;
        if d < 32 {
            return Some(v | d.checked_shl(shift)?);
        }
        v |= (d - 32).checked_shl(shift)?;
        shift += 5;
        if shift > 30 {
            return None;
        }
    }
}

/// Where one token stands in one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub doc: u32,
    /// Fields in order, each with its positions in ascending order.
    pub fields: Vec<(Field, Vec<u32>)>,
}

/// Whether a token's postings carry positions. CJK unigrams (one-syllable
/// queries) and whole runs (a bonus for whole-word matches) only say which
/// fields of which documents hold them; bigrams, words, 초성 and glossary
/// tokens keep positions for matching runs, phrases and proximity.
pub fn keeps_positions(token: &str) -> bool {
    match token.chars().next() {
        Some(c) if is_cjk_letter(c) => {
            token.chars().nth(1).is_some() && token.chars().nth(2).is_none()
        }
        _ => true,
    }
}

/// Appends one document's entry. The stream is, per document: the gap to
/// the previous document (document number minus previous minus one; the
/// first counts from -1), then per field `count·16 + field·2 + more`
/// (`more` = another field follows) and the positions, the first as is and
/// the others as differences.
fn encode_doc(out: &mut Vec<u8>, gap: Option<u32>, fields: &[(Field, Vec<u32>)]) {
    if let Some(g) = gap {
        put_varint(out, g);
    }
    for (i, (field, positions)) in fields.iter().enumerate() {
        let more = u32::from(i + 1 < fields.len());
        put_varint(
            out,
            (positions.len() as u32) * 16 + (*field as u32) * 2 + more,
        );
        let mut prev = 0;
        for (j, &p) in positions.iter().enumerate() {
            put_varint(out, if j == 0 { p } else { p - prev });
            prev = p;
        }
    }
}

/// Reads a postings stream back (for building glossary tokens and tests).
pub fn decode_postings(bytes: &[u8]) -> Vec<Posting> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut doc: i64 = -1;
    while at < bytes.len() {
        let Some(gap) = get_varint(bytes, &mut at) else {
            break;
        };
        doc += i64::from(gap) + 1;
        let mut fields = Vec::new();
        loop {
            let Some(head) = get_varint(bytes, &mut at) else {
                return out;
            };
            let count = head / 16;
            let Some(field) = Field::from_code((head / 2) % 8) else {
                return out;
            };
            let mut positions = Vec::with_capacity(count as usize);
            let mut p = 0u32;
            for j in 0..count {
                let Some(v) = get_varint(bytes, &mut at) else {
                    return out;
                };
                p = if j == 0 { v } else { p + v };
                positions.push(p);
            }
            fields.push((field, positions));
            if head % 2 == 0 {
                break;
            }
        }
        out.push(Posting {
            doc: doc as u32,
            fields,
        });
    }
    out
}

/// One token's postings while documents are added in order.
#[derive(Debug, Default)]
struct TokenList {
    /// Encoded entries; the first document's gap is left out so chunks
    /// built apart can be joined.
    bytes: Vec<u8>,
    first_doc: u32,
    last_doc: Option<u32>,
    /// The current document's (field, position) pairs.
    pending: Vec<(Field, u32)>,
    /// Whether positions are written (see [`keeps_positions`]).
    positions: bool,
}

/// Postings of a run of documents.
#[derive(Debug, Default)]
struct ChunkPostings {
    by_token: FxHashMap<String, usize>,
    /// One- and two-letter tokens by [`TokenPart::key`].
    by_key: FxHashMap<u64, usize>,
    buf: String,
    lists: Vec<(String, TokenList)>,
    touched: Vec<usize>,
}

impl ChunkPostings {
    fn new_list(&mut self, token: &str) -> usize {
        let i = self.lists.len();
        self.lists.push((
            token.to_string(),
            TokenList {
                positions: keeps_positions(token),
                ..TokenList::default()
            },
        ));
        i
    }

    fn add(&mut self, token: &str, field: Field, pos: u32) {
        let i = match self.by_token.get(token) {
            Some(&i) => i,
            None => {
                let i = self.new_list(token);
                self.by_token.insert(token.to_string(), i);
                i
            }
        };
        self.push(i, field, pos);
    }

    fn add_part(&mut self, part: TokenPart<'_>, field: Field, pos: u32) {
        let Some(key) = part.key() else {
            let mut buf = std::mem::take(&mut self.buf);
            self.add(part.as_str(&mut buf), field, pos);
            self.buf = buf;
            return;
        };
        let i = match self.by_key.get(&key) {
            Some(&i) => i,
            None => {
                let mut buf = std::mem::take(&mut self.buf);
                let i = self.new_list(part.as_str(&mut buf));
                self.buf = buf;
                self.by_key.insert(key, i);
                i
            }
        };
        self.push(i, field, pos);
    }

    fn push(&mut self, i: usize, field: Field, pos: u32) {
        let list = &mut self.lists[i].1;
        if list.pending.is_empty() {
            self.touched.push(i);
        }
        list.pending.push((field, pos));
    }

    /// Encodes what the current document added.
    fn finish_doc(&mut self, doc: u32) {
        for &i in &self.touched {
            let list = &mut self.lists[i].1;
            // Tokens come in field order and position order; only repeats
            // of one token at one place (none today) would need sorting.
            if !list.pending.windows(2).all(|w| w[0] < w[1]) {
                list.pending.sort_unstable();
                list.pending.dedup();
            }
            let gap = match list.last_doc {
                None => {
                    list.first_doc = doc;
                    None
                }
                Some(last) => Some(doc - last - 1),
            };
            encode_pending(&mut list.bytes, gap, &list.pending, list.positions);
            list.pending.clear();
            list.last_doc = Some(doc);
        }
        self.touched.clear();
    }
}

/// [`encode_doc`] for (field, position) pairs sorted by field and position.
fn encode_pending(out: &mut Vec<u8>, gap: Option<u32>, pending: &[(Field, u32)], positions: bool) {
    if let Some(g) = gap {
        put_varint(out, g);
    }
    let mut i = 0;
    while i < pending.len() {
        let field = pending[i].0;
        let end = pending[i..]
            .iter()
            .position(|(f, _)| *f != field)
            .map_or(pending.len(), |n| i + n);
        let more = u32::from(end < pending.len());
        let count = if positions { (end - i) as u32 } else { 0 };
        put_varint(out, count * 16 + (field as u32) * 2 + more);
        if positions {
            let mut prev = 0;
            for (k, &(_, p)) in pending[i..end].iter().enumerate() {
                put_varint(out, if k == 0 { p } else { p - prev });
                prev = p;
            }
        }
        i = end;
    }
}

fn index_doc(chunk: &mut ChunkPostings, doc: &Doc<'_>) {
    let mut fields: Vec<&(Field, Cow<'_, str>)> = doc.fields.iter().collect();
    fields.sort_by_key(|(f, _)| *f);
    for (field, text) in fields {
        for_each_token_part(text, |t, pos| chunk.add_part(t, *field, pos));
        match field {
            Field::Title | Field::Heading => {
                for_each_initial_token(text, 0, |t, pos| chunk.add(t, *field, pos));
            }
            Field::Tags | Field::Term => {
                // Each item has its own consonants; a gap keeps bigrams from
                // joining two items.
                let mut base = 0;
                for item in text.split(LIST_SEPARATOR) {
                    base +=
                        for_each_initial_token(item, base, |t, pos| chunk.add(t, *field, pos)) + 1;
                }
            }
            Field::Body | Field::Code => {}
        }
    }
}

// ───────────────────────────── the index ─────────────────────────────

/// The search index of a site: documents and every token's postings.
#[derive(Debug, Default)]
pub struct SearchIndex<'a> {
    pub docs: Vec<Doc<'a>>,
    /// First document of each note, plus one past the last note's documents.
    pub note_starts: Vec<u32>,
    /// Token → encoded postings.
    pub postings: BTreeMap<String, Vec<u8>>,
    /// Glossary name key → term number.
    pub names: BTreeMap<String, usize>,
    /// The names of each term, for highlighting and display.
    pub term_names: Vec<Vec<String>>,
}

impl<'a> SearchIndex<'a> {
    /// Builds the index of every note and glossary term of the site.
    pub fn build(index: &'a SiteIndex) -> SearchIndex<'a> {
        Self::from_parts(&index.notes, &index.glossary)
    }

    pub fn from_parts(notes: &'a [Note], glossary: &Glossary) -> SearchIndex<'a> {
        let per_note: Vec<Vec<Doc<'a>>> = notes
            .par_iter()
            .enumerate()
            .map(|(i, n)| note_docs(i, n))
            .collect();
        let mut note_starts = Vec::with_capacity(notes.len() + 1);
        let mut docs = Vec::new();
        for d in per_note {
            note_starts.push(docs.len() as u32);
            docs.extend(d);
        }
        note_starts.push(docs.len() as u32);
        for (i, t) in glossary.terms.iter().enumerate() {
            docs.push(term_doc(i, t));
        }

        // Chunks are tokenized in parallel a wave at a time and joined in
        // order, so only one wave of chunk postings is held besides the
        // joined ones.
        let wave = DOCS_PER_CHUNK * 2 * rayon::current_num_threads().max(1);
        let mut postings: FxHashMap<String, (Vec<u8>, u32)> = FxHashMap::default();
        for (w, wave_docs) in docs.chunks(wave).enumerate() {
            let chunks: Vec<ChunkPostings> = wave_docs
                .par_chunks(DOCS_PER_CHUNK)
                .enumerate()
                .map(|(c, chunk_docs)| {
                    let first = w * wave + c * DOCS_PER_CHUNK;
                    let mut chunk = ChunkPostings::default();
                    for (j, doc) in chunk_docs.iter().enumerate() {
                        index_doc(&mut chunk, doc);
                        chunk.finish_doc((first + j) as u32);
                    }
                    chunk
                })
                .collect();
            for chunk in chunks {
                for (token, list) in chunk.lists {
                    let Some(last) = list.last_doc else { continue };
                    match postings.get_mut(&token) {
                        Some((bytes, prev_last)) => {
                            put_varint(bytes, list.first_doc - *prev_last - 1);
                            bytes.extend_from_slice(&list.bytes);
                            *prev_last = last;
                        }
                        None => {
                            let mut bytes = Vec::with_capacity(list.bytes.len() + 4);
                            put_varint(&mut bytes, list.first_doc);
                            bytes.extend_from_slice(&list.bytes);
                            postings.insert(token, (bytes, last));
                        }
                    }
                }
            }
        }
        for (bytes, _) in postings.values_mut() {
            bytes.shrink_to_fit();
        }
        let mut postings: BTreeMap<String, Vec<u8>> =
            postings.into_iter().map(|(t, (b, _))| (t, b)).collect();

        let mut names = BTreeMap::new();
        let mut all_names = Vec::with_capacity(glossary.terms.len());
        for (i, t) in glossary.terms.iter().enumerate() {
            let list = term_names(t);
            for n in &list {
                names.entry(name_key(n)).or_insert(i);
            }
            all_names.push(list);
        }
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
                let tokens = tokens_for_names(&postings, list);
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
            let decoded = decode_tokens(&postings, wanted);
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
        postings.extend(concept_postings);
        // What the batches and chunks freed goes back to the system before
        // the index files are made.
        crate::release_free_memory();

        SearchIndex {
            docs,
            note_starts,
            postings,
            names,
            term_names: all_names,
        }
    }

    /// Decoded postings of `token`.
    pub fn postings_of(&self, token: &str) -> Vec<Posting> {
        self.postings
            .get(token)
            .map(|b| decode_postings(b))
            .unwrap_or_default()
    }
}

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
type Decoded = FxHashMap<String, Vec<Posting>>;

/// The indexed tokens glossary names are looked up by.
fn tokens_for_names<'p>(
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

fn decode_tokens(postings: &BTreeMap<String, Vec<u8>>, wanted: Vec<&String>) -> Decoded {
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
fn phrase_matches(decoded: &Decoded, name: &str) -> Vec<(u32, Field, Option<u32>)> {
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

/// Starts of the bigrams that cover `n` letters: 0, 2, 4, … and n-2.
/// Bigrams standing at those places spell the whole run, so the ones in
/// between need not be looked up (the client does the same).
pub fn covering_bigrams(n: usize) -> Vec<usize> {
    let mut out: Vec<usize> = (0..n.saturating_sub(1)).step_by(2).collect();
    if n >= 3 && n % 2 == 1 {
        out.push(n - 2);
    }
    out
}

// ───────────────────────────── files ─────────────────────────────

/// A file of the index: path under the output root and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFile {
    pub path: String,
    pub text: String,
}

/// JSON made safe inside a script file: `<`, `>`, `&` and the JavaScript
/// line separators become escapes, so no text of a note can close or open a
/// tag.
pub fn script_safe(json: String) -> String {
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

/// FNV-1a, 64 bits: the build id of the index files.
fn fnv64(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// How many postings shards for this many bytes: a power of two.
fn shard_count(total: usize) -> usize {
    total
        .div_ceil(SHARD_TARGET_BYTES)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS)
}

fn hex_width(count: usize) -> usize {
    let mut width = 1;
    while 16usize.pow(width as u32) < count {
        width += 1;
    }
    width
}

/// Name of shard `i` of `count`: `shard-0a.js`.
pub fn shard_file(i: usize, count: usize) -> String {
    format!("shard-{:0w$x}.js", i, w = hex_width(count))
}

/// Name of fragment `i`: `frag-12.js`.
pub fn fragment_file(i: usize) -> String {
    format!("frag-{i}.js")
}

/// A file's text `gongbuSearch("kind",number,"build",payload);` made whole
/// before the build id (a hash of every payload) is known: the id's 16
/// places are filled in at the end, in place.
struct Wrapped {
    text: String,
    /// Where the build id stands.
    build_at: usize,
    /// Where the payload starts.
    payload_at: usize,
}

/// The placeholder of the build id, as long as the id.
const NO_BUILD: &str = "0000000000000000";
/// What follows the payload.
const WRAP_END: &str = ");\n";

impl Wrapped {
    /// Starts a file whose payload will be about `payload_len` bytes.
    fn start(kind: &str, number: usize, payload_len: usize) -> Wrapped {
        let mut text = String::with_capacity(payload_len + kind.len() + 48);
        text.push_str("gongbuSearch(\"");
        text.push_str(kind);
        text.push_str("\",");
        text.push_str(&number.to_string());
        text.push_str(",\"");
        let build_at = text.len();
        text.push_str(NO_BUILD);
        text.push_str("\",");
        let payload_at = text.len();
        Wrapped {
            text,
            build_at,
            payload_at,
        }
    }

    fn of(kind: &str, number: usize, payload: &str) -> Wrapped {
        let mut w = Wrapped::start(kind, number, payload.len());
        w.push_str(payload);
        w.finish()
    }

    fn push(&mut self, c: char) {
        self.text.push(c);
    }

    fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn finish(mut self) -> Wrapped {
        self.text.push_str(WRAP_END);
        self
    }

    fn payload(&self) -> &str {
        let end = self.text.len().saturating_sub(WRAP_END.len());
        self.text.get(self.payload_at..end).unwrap_or("")
    }

    fn with_build(mut self, build: &str) -> String {
        let range = self.build_at..self.build_at + NO_BUILD.len();
        if build.len() == NO_BUILD.len() && self.text.is_char_boundary(range.end) {
            self.text.replace_range(range, build);
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

impl SearchIndex<'_> {
    /// The index as script files (`search/meta.js`, shards, fragments).
    /// `notes` and `glossary` are what the index was built from.
    ///
    /// Consumes the index: the postings are freed once the shards are
    /// made, the documents once the fragments are, and every file is made
    /// whole at once with a placeholder build id filled in at the end, so
    /// no payload is ever copied (the index files are the tail of a build's
    /// memory).
    pub fn files(mut self, notes: &[Note], glossary: &Glossary) -> Vec<SearchFile> {
        // Postings, sharded.
        let total: usize = self
            .postings
            .iter()
            .map(|(t, b)| t.len() + b.len() + 6)
            .sum();
        let shards = shard_count(total);
        let mut members: Vec<Vec<(&String, &Vec<u8>)>> = vec![Vec::new(); shards];
        for (token, bytes) in &self.postings {
            members[shard_of(token, shards)].push((token, bytes));
        }
        let shard_files: Vec<Wrapped> = members
            .par_iter()
            .enumerate()
            .map(|(n, list)| {
                let mut out = Wrapped::start(
                    "shard",
                    n,
                    list.iter()
                        .map(|(t, b)| t.len() + b.len() + 8)
                        .sum::<usize>()
                        + 2,
                );
                out.push('{');
                for (i, (token, bytes)) in list.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&to_script_json(token.as_str()));
                    out.push_str(":\"");
                    // The postings alphabet needs no escaping.
                    out.push_str(std::str::from_utf8(bytes).unwrap_or(""));
                    out.push('"');
                }
                out.push('}');
                out.finish()
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
        let term_start = self.note_starts.last().copied().unwrap_or(0);
        let note_groups = group_starts((0..notes.len()).map(note_size), FRAGMENT_TARGET_BYTES);
        let term_groups = group_starts(
            glossary
                .terms
                .iter()
                .map(|t| t.term.len() + t.definition.len() + t.url.len() * 3 + 64),
            FRAGMENT_TARGET_BYTES,
        );
        let mut fragments: Vec<(u32, std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
        for (g, &start) in note_groups.iter().enumerate() {
            let end = note_groups.get(g + 1).copied().unwrap_or(notes.len());
            let first = self.note_starts.get(start).copied().unwrap_or(0);
            fragments.push((first, start..end, 0..0));
        }
        for (g, &start) in term_groups.iter().enumerate() {
            let end = term_groups
                .get(g + 1)
                .copied()
                .unwrap_or(glossary.terms.len());
            fragments.push((term_start + start as u32, 0..0, start..end));
        }
        let fragment_files: Vec<Wrapped> = fragments
            .par_iter()
            .enumerate()
            .map(|(fi, (_, note_range, term_range))| {
                let n = note_range
                    .clone()
                    .map(|i| {
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
                let t = term_range
                    .clone()
                    .filter_map(|i| {
                        let term = glossary.terms.get(i)?;
                        let doc = self.docs.get(term_start as usize + i)?;
                        let names = self.term_names.get(i).map(Vec::as_slice).unwrap_or(&[]);
                        Some(FragmentTerm(
                            names.first().map(String::as_str).unwrap_or(&term.term),
                            encode_path(&term.url),
                            names,
                            doc.field(Field::Body).unwrap_or(""),
                        ))
                    })
                    .collect();
                Wrapped::of("frag", fi, &to_script_json(&Fragment { n, t }))
            })
            .collect();
        self.docs = Vec::new();

        let docs_per_note = self.note_starts.windows(2).map(|w| w[1] - w[0]);
        let mut prev = 0;
        let fragment_gaps = fragments.iter().map(|f| {
            let g = f.0 - prev;
            prev = f.0;
            g
        });
        let meta = serde_json::json!({
            "v": FORMAT_VERSION,
            "shards": shards,
            "notes": notes.len(),
            "docs": varint_string(docs_per_note),
            "terms": glossary.terms.len(),
            "frags": varint_string(fragment_gaps),
            "names": self.names,
            "termNames": self.term_names,
            "particles": PARTICLES,
            "prefix": PREFIX_KEY_LEN,
            "maxWord": MAX_WORD_LEN,
        });
        let meta_payload = to_script_json(&meta);

        let meta_file = Wrapped::of("meta", 0, &meta_payload);
        drop(meta_payload);

        let mut parts: Vec<&str> = vec![meta_file.payload()];
        parts.extend(shard_files.iter().map(Wrapped::payload));
        parts.extend(fragment_files.iter().map(Wrapped::payload));
        let build = fnv64(&parts);

        let mut files = Vec::with_capacity(1 + shard_files.len() + fragment_files.len());
        files.push(SearchFile {
            path: format!("{SEARCH_DIR}/meta.js"),
            text: meta_file.with_build(&build),
        });
        for (i, w) in shard_files.into_iter().enumerate() {
            files.push(SearchFile {
                path: format!("{SEARCH_DIR}/{}", shard_file(i, shards)),
                text: w.with_build(&build),
            });
        }
        for (i, w) in fragment_files.into_iter().enumerate() {
            files.push(SearchFile {
                path: format!("{SEARCH_DIR}/{}", fragment_file(i)),
                text: w.with_build(&build),
            });
        }
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::glossary::Term;
    use crate::note::{from_source, SourceFile};

    fn token_texts(text: &str) -> Vec<(String, u32)> {
        tokens(text).into_iter().map(|t| (t.text, t.pos)).collect()
    }

    fn pairs(list: &[(&str, u32)]) -> Vec<(String, u32)> {
        list.iter().map(|(t, p)| (t.to_string(), *p)).collect()
    }

    fn note(rel: &str, text: &str) -> Note {
        let file = SourceFile {
            rel: rel.to_string(),
            path: rel.into(),
        };
        from_source(
            &file,
            format!("notes/{rel}"),
            text.to_string(),
            &mut Vec::new(),
        )
        .unwrap()
    }

    fn thread_glossary() -> Glossary {
        Glossary::from_terms(vec![
            Term {
                term: "스레드".into(),
                aliases: vec!["쓰레드".into()],
                english: "Thread".into(),
                definition: "프로세스 안의 실행 흐름".into(),
                ..Default::default()
            },
            Term {
                term: "컨텍스트 스위칭".into(),
                aliases: vec!["문맥 교환".into()],
                english: "Context Switch".into(),
                definition: "CPU가 작업을 바꾸는 일".into(),
                ..Default::default()
            },
        ])
    }

    /// Documents (by note number and heading) holding `token`.
    fn docs_with(index: &SearchIndex<'_>, token: &str) -> Vec<DocKind> {
        index
            .postings_of(token)
            .into_iter()
            .map(|p| index.docs[p.doc as usize].kind.clone())
            .collect()
    }

    #[test]
    fn segments_split_hangul_from_words_and_count_utf16() {
        let segs = segments("👻 CPU가 멀티스레드를, thread_pool");
        let got: Vec<(&str, SegmentKind, u32, bool)> = segs
            .iter()
            .map(|s| (s.text, s.kind, s.pos, s.attached))
            .collect();
        assert_eq!(
            got,
            vec![
                ("CPU", SegmentKind::Word, 3, false),
                ("가", SegmentKind::Cjk, 6, true),
                ("멀티스레드를", SegmentKind::Cjk, 8, false),
                ("thread_pool", SegmentKind::Word, 16, false),
            ]
        );
    }

    #[test]
    fn hangul_runs_become_bigrams_first_letter_and_whole_run() {
        assert_eq!(
            token_texts("멀티스레드"),
            pairs(&[
                ("멀", 0),
                ("멀티", 0),
                ("티스", 1),
                ("스레", 2),
                ("레드", 3),
                ("멀티스레드", 0)
            ])
        );
        // Two letters: the bigram is the whole run.
        assert_eq!(token_texts("힙은"), pairs(&[("힙", 0), ("힙은", 0)]));
        assert_eq!(token_texts("큐"), pairs(&[("큐", 0)]));
    }

    #[test]
    fn words_are_lower_cased_and_particles_after_them_dropped() {
        assert_eq!(
            token_texts("Thread와 IPC를 GIL"),
            pairs(&[("thread", 0), ("ipc", 8), ("gil", 13)])
        );
        // Not a particle: 언어 after C stays.
        assert_eq!(
            token_texts("C언어"),
            pairs(&[("c", 0), ("언", 1), ("언어", 1)])
        );
        let long = "a".repeat(MAX_WORD_LEN + 1);
        assert!(tokens(&long).is_empty());
    }

    #[test]
    fn nfd_text_is_searched_as_nfc() {
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = "스레드".nfd().collect();
        let doc_tokens = tokens(&nfc(&nfd));
        assert_eq!(doc_tokens, tokens("스레드"));
    }

    #[test]
    fn initial_consonant_tokens() {
        let mut got = Vec::new();
        let n = for_each_initial_token("프로세스 vs 스레드", 0, |t, p| {
            got.push((t.to_string(), p))
        });
        assert_eq!(n, 7);
        assert_eq!(
            got,
            pairs(&[
                ("#ㅍ", 0),
                ("#ㅍㄹ", 0),
                ("#ㄹㅅ", 1),
                ("#ㅅㅅ", 2),
                ("#ㅅㅅ", 3),
                ("#ㅅㄹ", 4),
                ("#ㄹㄷ", 5)
            ])
        );
    }

    #[test]
    fn covering_bigrams_spell_the_whole_run() {
        assert_eq!(covering_bigrams(1), Vec::<usize>::new());
        assert_eq!(covering_bigrams(2), vec![0]);
        assert_eq!(covering_bigrams(3), vec![0, 1]);
        assert_eq!(covering_bigrams(4), vec![0, 2]);
        assert_eq!(covering_bigrams(5), vec![0, 2, 3]);
    }

    #[test]
    fn shard_keys_and_hash() {
        assert_eq!(shard_key("threading"), "thr");
        assert_eq!(shard_key("os"), "os");
        assert_eq!(shard_key("스레"), "스레");
        assert_eq!(shard_key("#ㅍㄹ"), "#ㅍㄹ");
        assert_eq!(shard_key("@3"), "@3");
        // FNV-1a of "a": 0xe40c292c.
        assert_eq!(hash("a"), 0xe40c_292c);
        assert_eq!(shard_of("thread", 16), shard_of("threads", 16));
    }

    #[test]
    fn name_keys_ignore_case_spaces_and_hyphens() {
        assert_eq!(name_key("Context-Switch"), "contextswitch");
        assert_eq!(name_key(" 컨텍스트 스위칭 "), "컨텍스트스위칭");
    }

    #[test]
    fn varints_and_postings_round_trip() {
        let mut bytes = Vec::new();
        for v in [0, 31, 32, 1023, 1024, 1 << 20, u32::MAX >> 2] {
            bytes.clear();
            put_varint(&mut bytes, v);
            let mut at = 0;
            assert_eq!(get_varint(&bytes, &mut at), Some(v));
            assert_eq!(at, bytes.len());
        }
        let postings = vec![
            Posting {
                doc: 0,
                fields: vec![(Field::Title, vec![0, 7]), (Field::Body, vec![3])],
            },
            Posting {
                doc: 40,
                fields: vec![(Field::Body, vec![])],
            },
        ];
        let mut out = Vec::new();
        encode_doc(&mut out, Some(0), &postings[0].fields);
        encode_doc(&mut out, Some(39), &postings[1].fields);
        assert_eq!(decode_postings(&out), postings);
        // Garbage ends decoding instead of panicking.
        assert!(decode_postings(b"!!").is_empty());
    }

    #[test]
    fn positions_are_kept_for_bigrams_words_and_initials_only() {
        assert!(keeps_positions("스레"));
        assert!(keeps_positions("thread"));
        assert!(keeps_positions("#ㅍㄹ"));
        assert!(keeps_positions("@0"));
        assert!(!keeps_positions("스"));
        assert!(!keeps_positions("스레드"));
    }

    #[test]
    fn notes_become_head_and_section_documents() {
        let n = note(
            "a.md",
            "---\ntags: [OS, 동기화]\n---\n# 스레드 정리\n\n머리말\n\n## 데드락\n\n본문\n\n```\n코드\n```\n",
        );
        let docs = note_docs(0, &n);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].field(Field::Title), Some("스레드 정리"));
        assert_eq!(docs[0].field(Field::Tags), Some("OS · 동기화"));
        assert_eq!(docs[0].field(Field::Body), Some("머리말"));
        assert_eq!(
            docs[1].kind,
            DocKind::Note {
                note: 0,
                heading: Some(1)
            }
        );
        assert_eq!(docs[1].field(Field::Heading), Some("데드락"));
        assert_eq!(docs[1].field(Field::Body), Some("본문"));
    }

    #[test]
    fn bigrams_find_words_inside_longer_words() {
        let notes = vec![
            note("a.md", "# 가\n\n멀티스레드 프로그램\n"),
            note("b.md", "# 나\n\n스레드가 하나\n"),
            note("c.md", "# 다\n\n스프레드시트\n"),
        ];
        let index = SearchIndex::from_parts(&notes, &Glossary::default());
        // 스레 and 레드 stand one after the other in a and b only.
        let with_both: Vec<DocKind> = docs_with(&index, "스레");
        assert_eq!(with_both.len(), 2);
        assert_eq!(docs_with(&index, "레드").len(), 3);
        let names = ["스레드".to_string()];
        let decoded = decode_tokens(&index.postings, tokens_for_names(&index.postings, &names));
        let matches = phrase_matches(&decoded, "스레드");
        let notes_found: Vec<u32> = matches.iter().map(|m| m.0).collect();
        assert_eq!(notes_found, vec![0, 1]);
        assert_eq!(matches[0].2, Some(2));
    }

    #[test]
    fn glossary_names_become_one_concept_token_both_ways() {
        let notes = vec![
            note("a.md", "# 가\n\n쓰레드는 가볍다.\n"),
            note("b.md", "# 나\n\nThreads share memory.\n"),
            note("c.md", "# 다\n\n멀티스레드 서버\n"),
            note("d.md", "# 라\n\n프로세스만 있다.\n"),
            note(
                "e.md",
                "# 마\n\n## 문맥 교환\n\ncontext switching은 비싸다.\n",
            ),
        ];
        let glossary = thread_glossary();
        let index = SearchIndex::from_parts(&notes, &glossary);
        assert_eq!(index.names.get("쓰레드"), Some(&0));
        assert_eq!(index.names.get("thread"), Some(&0));
        assert_eq!(index.names.get("스레드"), Some(&0));
        assert_eq!(index.names.get("contextswitch"), Some(&1));
        let found: Vec<DocKind> = docs_with(&index, "@0");
        let note_ids: Vec<usize> = found
            .iter()
            .filter_map(|k| match k {
                DocKind::Note { note, .. } => Some(*note),
                DocKind::Term(_) => None,
            })
            .collect();
        assert_eq!(note_ids, vec![0, 1, 2]);
        // The term's own document holds its names.
        assert!(found.contains(&DocKind::Term(0)));
        // Multi-word names: heading 문맥 교환 and "context switching".
        let switching = index.postings_of("@1");
        let e_head = index.note_starts[4] as u32;
        let fields: Vec<Field> = switching
            .iter()
            .filter(|p| p.doc >= e_head && p.doc < index.note_starts[5])
            .flat_map(|p| p.fields.iter().map(|f| f.0))
            .collect();
        assert_eq!(fields, vec![Field::Heading, Field::Body]);
    }

    #[test]
    fn files_are_deterministic_and_escape_markup() {
        let notes = vec![
            note(
                "a.md",
                "---\ntitle: \"<script>alert(1)</script>\"\ntags: [\"<b>태그</b>\"]\n---\n본문 </script> & 끝\n",
            ),
            note("b.md", "# 스레드\n\n## 동기화\n\n뮤텍스\n"),
        ];
        let glossary = thread_glossary();
        let index = SearchIndex::from_parts(&notes, &glossary);
        let files = index.files(&notes, &glossary);
        let again = SearchIndex::from_parts(&notes, &glossary).files(&notes, &glossary);
        assert_eq!(files, again);
        assert_eq!(files[0].path, "search/meta.js");
        for f in &files {
            assert!(!f.text.contains('<') && !f.text.contains('>'), "{}", f.text);
            assert!(f.text.starts_with("gongbuSearch(\""), "{}", f.path);
        }
        let all: String = files.iter().map(|f| f.text.as_str()).collect();
        assert!(all.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
        // One build id in every file.
        let build = files[0].text.split('"').nth(3).unwrap();
        assert_eq!(build.len(), 16);
        assert!(files
            .iter()
            .all(|f| f.text.contains(&format!("\"{build}\""))));
    }

    #[test]
    fn fragments_hold_whole_notes() {
        let body = "긴 문장입니다. ".repeat(400);
        let notes: Vec<Note> = (0..6)
            .map(|i| {
                note(
                    &format!("n{i}.md"),
                    &format!("# 노트 {i}\n\n{body}\n\n## 둘\n\n끝\n"),
                )
            })
            .collect();
        let index = SearchIndex::from_parts(&notes, &Glossary::default());
        let files = index.files(&notes, &Glossary::default());
        let frags: Vec<&SearchFile> = files.iter().filter(|f| f.path.contains("frag-")).collect();
        assert!(frags.len() >= 2, "{}", frags.len());
        let meta = &files[0].text;
        // Every note has two documents; fragments start at note boundaries.
        let start = meta.find("\"frags\":\"").unwrap() + 9;
        let gaps: Vec<u32> = {
            let s = &meta[start..];
            let s = &s[..s.find('"').unwrap()];
            let mut at = 0;
            let mut out = Vec::new();
            while let Some(v) = get_varint(s.as_bytes(), &mut at) {
                out.push(v);
            }
            out
        };
        assert_eq!(gaps.len(), frags.len());
        assert!(gaps.iter().skip(1).all(|g| g % 2 == 0), "{gaps:?}");
    }
}
