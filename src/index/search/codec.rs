//! The postings encoding: varints in a 64-letter alphabet safe in
//! JavaScript strings, per document its fields and positions (decoded by
//! the client, and here for glossary mentions and tests).

use super::tokens::{is_cjk_letter, Field};

/// The 64 characters of the postings encoding: a number is written in
/// 5-bit groups, lowest first; a group from the second half means more
/// groups follow. All are safe in JSON and JavaScript strings.
pub(super) const DIGITS: &[u8; 64] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// Ends bytes kept in the build cache's store: a hash of everything after
/// the first `magic_len` bytes (the magic line), so [`unsealed`] can tell a
/// whole entry from a corrupt or foreign one.
pub(super) fn seal(out: &mut Vec<u8>, magic_len: usize) {
    let check = crate::signatures::hash_of(out.get(magic_len..).unwrap_or(&[]));
    out.extend_from_slice(&check.to_le_bytes());
}

/// The body of sealed bytes (between `magic` and the hash); None when they
/// are not one whole entry.
pub(super) fn unsealed<'a>(bytes: &'a [u8], magic: &[u8]) -> Option<&'a [u8]> {
    let body = bytes.strip_prefix(magic)?;
    let (body, check) = body.split_at_checked(body.len().checked_sub(8)?)?;
    (crate::signatures::hash_of(body).to_le_bytes() == check).then_some(body)
}

/// Reads a sealed body a part at a time.
pub(super) struct Parts<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Parts<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Parts<'a> {
        Parts { bytes, at: 0 }
    }

    /// The next `n` bytes; None past the end.
    pub(super) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let part = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(part)
    }

    /// Whether every byte was taken.
    pub(super) fn done(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// The next 4-byte little-endian number.
    pub(super) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

pub(super) fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 32 {
        out.push(DIGITS[32 + (v & 31) as usize]);
        v >>= 5;
    }
    out.push(DIGITS[v as usize]);
}

/// Each byte's place in [`DIGITS`], or 255 for a byte outside it: a table,
/// since whole postings lists are decoded byte by byte when they are
/// joined and converted.
const DIGIT_VALUES: [u8; 256] = {
    let mut table = [255u8; 256];
    let mut i = 0;
    while i < DIGITS.len() {
        table[DIGITS[i] as usize] = i as u8;
        i += 1;
    }
    table
};

pub(super) fn digit_value(b: u8) -> Option<u32> {
    match DIGIT_VALUES[usize::from(b)] {
        255 => None,
        d => Some(u32::from(d)),
    }
}

/// Reads one number; None at the end or on a byte outside the alphabet.
pub(super) fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u32> {
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
pub(crate) struct Posting {
    pub doc: u32,
    /// Fields in order, each with its positions in ascending order.
    pub fields: Vec<(Field, Vec<u32>)>,
}

/// Whether a token's postings carry positions. CJK unigrams (one-syllable
/// queries) and whole runs (a bonus for whole-word matches) only say which
/// fields of which documents hold them; bigrams, words, 초성 and glossary
/// tokens keep positions for matching runs, phrases and proximity.
pub(crate) fn keeps_positions(token: &str) -> bool {
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
pub(super) fn encode_doc(out: &mut Vec<u8>, gap: Option<u32>, fields: &[(Field, Vec<u32>)]) {
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
pub(crate) fn decode_postings(bytes: &[u8]) -> Vec<Posting> {
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

/// Marks postings written as keys only (see [`term_only`]).
pub(crate) const KEYS_ONLY: char = '!';

/// Postings of a token without positions (see [`keeps_positions`]) as the
/// files carry them: [`KEYS_ONLY`], then per (document, field) entry its key
/// `document·8 + field`, the first as is and the others as the difference
/// from the previous key minus one. Dense lists take one letter an entry
/// instead of two (a gap and a field head). None when `bytes` holds
/// positions or cannot be read (the caller then writes them as they are).
pub(crate) fn term_only(bytes: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(bytes.len() + 1);
    out.push(KEYS_ONLY as u8);
    let mut at = 0;
    let mut doc: i64 = -1;
    let mut prev: Option<u64> = None;
    while at < bytes.len() {
        doc += i64::from(get_varint(bytes, &mut at)?) + 1;
        loop {
            let head = get_varint(bytes, &mut at)?;
            if head / 16 != 0 {
                return None;
            }
            let key = u64::try_from(doc).ok()? * 8 + u64::from((head / 2) % 8);
            let delta = match prev {
                None => key,
                Some(p) => key.checked_sub(p + 1)?,
            };
            put_varint(&mut out, u32::try_from(delta).ok()?);
            prev = Some(key);
            if head % 2 == 0 {
                break;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Reads [`term_only`] postings back (tests).
#[cfg(test)]
pub(crate) fn decode_term_only(text: &str) -> Vec<Posting> {
    let mut out: Vec<Posting> = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 1;
    let mut key: Option<u32> = None;
    while at < bytes.len() {
        let Some(v) = get_varint(bytes, &mut at) else {
            break;
        };
        let k = key.map_or(v, |k| k + v + 1);
        key = Some(k);
        let Some(field) = Field::from_code(k % 8) else {
            break;
        };
        match out.last_mut() {
            Some(p) if p.doc == k / 8 => p.fields.push((field, Vec::new())),
            _ => out.push(Posting {
                doc: k / 8,
                fields: vec![(field, Vec::new())],
            }),
        }
    }
    out
}

/// [`encode_doc`] for (field, position) pairs sorted by field and position.
pub(super) fn encode_pending(
    out: &mut Vec<u8>,
    gap: Option<u32>,
    pending: &[(Field, u32)],
    positions: bool,
) {
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
