//! Search tokens: how text becomes the tokens the index keys on and the
//! browser client looks up (the same rules live in
//! `static/assets/search/tokenizer.js`): segments, CJK bigrams, words,
//! 초성 tokens, shard keys and the hash both sides share.

use crate::korean::{initial_consonants, is_hangul, nfc};

/// Longest word token kept (longer runs are hashes, base64, noise).
pub(crate) const MAX_WORD_LEN: usize = 40;
/// Latin words shard by this many leading letters: prefix queries of at
/// least this length find every completion in one shard.
pub(crate) const PREFIX_KEY_LEN: usize = 3;

/// The part of a document a token stands in. The number is what the client
/// sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub(crate) enum Field {
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

    pub(super) fn from_code(code: u32) -> Option<Field> {
        Field::ALL.get(code as usize).copied()
    }
}

/// Letters searched by character bigrams: Hangul (syllables and jamo) and
/// CJK ideographs and kana.
pub(crate) fn is_cjk_letter(c: char) -> bool {
    is_hangul(c)
        || ('\u{3040}'..='\u{30FF}').contains(&c)
        || ('\u{3400}'..='\u{4DBF}').contains(&c)
        || ('\u{4E00}'..='\u{9FFF}').contains(&c)
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || ('\u{20000}'..='\u{2FA1F}').contains(&c)
}

/// Letters, digits and `_` that make up words (`char::is_alphanumeric`;
/// the client uses `\p{Alphabetic}` and `\p{N}`).
pub(super) fn is_word_letter(c: char) -> bool {
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
pub(crate) fn is_particles(s: &str) -> bool {
    !s.is_empty() && crate::korean::particle_len(s) == Some(s.len())
}

/// A token and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg(test)]
pub(crate) struct Token {
    pub text: String,
    pub pos: u32,
}

/// The tokens of one field's text, in order of position (see the module
/// documentation for the rules).
#[cfg(test)]
pub(crate) fn tokens(text: &str) -> Vec<Token> {
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
#[cfg(test)]
pub(crate) fn for_each_token(text: &str, mut emit: impl FnMut(&str, u32)) {
    let mut buf = String::new();
    for_each_token_part(text, |part, pos| emit(part.as_str(&mut buf), pos));
}

/// A token as [`for_each_token_part`] hands it out: letters, not yet a
/// string, so the index can key one- and two-letter tokens by number.
#[derive(Debug, Clone, Copy)]
pub(super) enum TokenPart<'a> {
    Unigram(char),
    Bigram(char, char),
    Text(&'a str),
}

impl<'a> TokenPart<'a> {
    pub(super) fn as_str<'b>(&self, buf: &'b mut String) -> &'b str
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
    pub(super) fn key(&self) -> Option<u64> {
        match *self {
            TokenPart::Unigram(a) => Some(1 << 42 | u64::from(a)),
            TokenPart::Bigram(a, b) => Some(2 << 42 | u64::from(a) << 21 | u64::from(b)),
            TokenPart::Text(_) => None,
        }
    }
}

pub(super) fn for_each_token_part(text: &str, mut emit: impl FnMut(TokenPart<'_>, u32)) {
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
pub(crate) fn for_each_initial_token(
    name: &str,
    base: u32,
    mut emit: impl FnMut(&str, u32),
) -> u32 {
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
/// words, which shard by their first [`PREFIX_KEY_LEN`] letters (a prefix
/// query finds every completion in one shard), and CJK whole runs, which
/// shard by their first two letters (with the bigram a query for them
/// loads anyway).
pub(crate) fn shard_key(token: &str) -> &str {
    let first = token.chars().next();
    if first.is_some_and(is_cjk_letter) {
        // A whole run (three letters or more) goes with its first bigram,
        // which a query for it looks up too: one file less to load.
        return first_letters(token, 2);
    }
    let is_word = first.is_some_and(|c| c != '#' && c != '@');
    if !is_word {
        return token;
    }
    first_letters(token, PREFIX_KEY_LEN)
}

/// The first `n` letters of `token`, or all of it.
pub(super) fn first_letters(token: &str, n: usize) -> &str {
    match token.char_indices().nth(n) {
        Some((i, _)) => token.get(..i).unwrap_or(token),
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
pub(crate) fn shard_of(token: &str, shards: usize) -> usize {
    (hash(shard_key(token)) as usize) % shards.max(1)
}

/// How glossary names are compared with what a reader types: NFC, lower
/// case, without spaces, `-`, `_` and `·`.
pub(crate) fn name_key(name: &str) -> String {
    nfc(name)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '·'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Starts of the bigrams that cover `n` letters: 0, 2, 4, … and n-2.
/// Bigrams standing at those places spell the whole run, so the ones in
/// between need not be looked up (the client does the same).
pub(crate) fn covering_bigrams(n: usize) -> Vec<usize> {
    let mut out: Vec<usize> = (0..n.saturating_sub(1)).step_by(2).collect();
    if n >= 3 && n % 2 == 1 {
        out.push(n - 2);
    }
    out
}
