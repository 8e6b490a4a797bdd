//! CJK-friendly emphasis (gongbu's patch of pulldown-cmark 0.13.6).
//!
//! The flanking rules of the "CommonMark CJK-friendly amendments"
//! (<https://github.com/tats-u/markdown-cjk-friendly/blob/main/specification.md>),
//! as upstream pulldown-cmark merged them in pull request 1059 behind
//! `Options::ENABLE_CJK_FRIENDLY_EMPHASIS`. Only `*` and `_` runs follow
//! them; strikethrough, smart quotes and tables keep the released rules.
//!
//! The character ranges come from the proposal's `ranges.md` (Unicode 16/17).

use crate::puncttable::is_punctuation;

/// A CJK character: East Asian Width W, F or H and not an emoji by default,
/// or a Hangul letter.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(
        c as u32,
        0x1100..=0x11ff
            | 0x20a9
            | 0x2329..=0x232a
            | 0x2630..=0x2637
            | 0x268a..=0x268f
            | 0x2e80..=0x2e99
            | 0x2e9b..=0x2ef3
            | 0x2f00..=0x2fd5
            | 0x2ff0..=0x303e
            | 0x3041..=0x3096
            | 0x3099..=0x30ff
            | 0x3105..=0x312f
            | 0x3131..=0x318e
            | 0x3190..=0x31e5
            | 0x31ef..=0x321e
            | 0x3220..=0x3247
            | 0x3250..=0xa48c
            | 0xa490..=0xa4c6
            | 0xa960..=0xa97c
            | 0xac00..=0xd7a3
            | 0xd7b0..=0xd7c6
            | 0xd7cb..=0xd7fb
            | 0xf900..=0xfaff
            | 0xfe10..=0xfe19
            | 0xfe30..=0xfe52
            | 0xfe54..=0xfe66
            | 0xfe68..=0xfe6b
            | 0xff01..=0xffbe
            | 0xffc2..=0xffc7
            | 0xffca..=0xffcf
            | 0xffd2..=0xffd7
            | 0xffda..=0xffdc
            | 0xffe0..=0xffe6
            | 0xffe8..=0xffee
            | 0x16fe0..=0x16fe4
            | 0x16ff0..=0x16ff6
            | 0x17000..=0x18cd5
            | 0x18cff..=0x18d1e
            | 0x18d80..=0x18df2
            | 0x1aff0..=0x1aff3
            | 0x1aff5..=0x1affb
            | 0x1affd..=0x1affe
            | 0x1b000..=0x1b122
            | 0x1b132
            | 0x1b150..=0x1b152
            | 0x1b155
            | 0x1b164..=0x1b167
            | 0x1b170..=0x1b2fb
            | 0x1d300..=0x1d356
            | 0x1d360..=0x1d376
            | 0x1f200
            | 0x1f202
            | 0x1f210..=0x1f219
            | 0x1f21b..=0x1f22e
            | 0x1f230..=0x1f231
            | 0x1f237
            | 0x1f23b
            | 0x1f240..=0x1f248
            | 0x1f260..=0x1f265
            | 0x20000..=0x3fffd
    )
}

/// U+FE00..U+FE0E: a variation selector that may follow a CJK character or
/// a punctuation mark without making it an emoji.
fn is_general_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xfe00..=0xfe0e)
}

/// U+E0100..U+E01EF.
fn is_ideographic_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xe0100..=0xe01ef)
}

fn is_non_cjk_punctuation(c: char) -> bool {
    is_punctuation(c) && !is_cjk(c)
}

/// What stands just before a delimiter run, read as the amendment's
/// "sequences" (a character optionally followed by a variation selector).
#[derive(Clone, Copy)]
struct Before {
    /// None at the start of the text (which counts as white space).
    last: Option<char>,
    /// The character a trailing general variation selector belongs to.
    base: Option<char>,
    /// `‘ ’ “ ”` + U+FE01: the full-width (CJK) form of a quotation mark.
    ambiguous_cjk: bool,
}

impl Before {
    fn new(prefix: &str) -> Before {
        let mut rev = prefix.chars().rev();
        let last = rev.next();
        let (base, ambiguous_cjk) = match last {
            Some(vs) if is_general_variation_selector(vs) => {
                let base = rev.next();
                let ambiguous = vs == '\u{fe01}'
                    && matches!(base, Some('\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}'));
                (base, ambiguous)
            }
            other => (other, false),
        };
        Before {
            last,
            base,
            ambiguous_cjk,
        }
    }

    fn is_whitespace(&self) -> bool {
        self.last.map_or(true, char::is_whitespace)
    }

    fn is_non_cjk_punctuation_sequence(&self) -> bool {
        !self.ambiguous_cjk && self.base.is_some_and(is_non_cjk_punctuation)
    }

    fn is_cjk_sequence(&self) -> bool {
        self.ambiguous_cjk || self.base.is_some_and(is_cjk)
    }

    fn is_punctuation_sequence(&self) -> bool {
        self.base.is_some_and(is_punctuation)
    }

    fn is_ideographic_variation_selector(&self) -> bool {
        self.last.is_some_and(is_ideographic_variation_selector)
    }
}

/// Left-flanking as amended: not followed by white space, and either not
/// followed by a non-CJK punctuation character, or preceded by white space,
/// a non-CJK punctuation sequence, a CJK sequence or an ideographic
/// variation selector.
fn left_flanking(before: &Before, next: Option<char>) -> bool {
    let Some(next) = next else { return false };
    if next.is_whitespace() {
        return false;
    }
    !is_non_cjk_punctuation(next)
        || before.is_whitespace()
        || before.is_non_cjk_punctuation_sequence()
        || before.is_cjk_sequence()
        || before.is_ideographic_variation_selector()
}

/// Right-flanking as amended: not preceded by white space, and either not
/// preceded by a non-CJK punctuation sequence, or followed by white space,
/// a non-CJK punctuation character or a CJK character.
fn right_flanking(before: &Before, next: Option<char>) -> bool {
    if before.is_whitespace() {
        return false;
    }
    !before.is_non_cjk_punctuation_sequence()
        || next.map_or(true, |c| {
            c.is_whitespace() || is_non_cjk_punctuation(c) || is_cjk(c)
        })
}

/// Whether a `*` or `_` run can open emphasis; `prefix` is the text before
/// the run, `next` the character after it.
pub(crate) fn can_open(delim: u8, prefix: &str, next: Option<char>) -> bool {
    let before = Before::new(prefix);
    let left = left_flanking(&before, next);
    if delim == b'*' {
        return left;
    }
    // `_` (rules 2 and 6): not inside a word.
    left && (!right_flanking(&before, next) || before.is_punctuation_sequence())
}

/// Whether a `*` or `_` run can close emphasis.
pub(crate) fn can_close(delim: u8, prefix: &str, next: Option<char>) -> bool {
    let before = Before::new(prefix);
    let right = right_flanking(&before, next);
    if delim == b'*' {
        return right;
    }
    // `_` (rules 4 and 8, unchanged by the amendment).
    right && (!left_flanking(&before, next) || next.is_some_and(is_punctuation))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hangul_and_punctuation() {
        assert!(is_cjk('가'));
        assert!(is_cjk('。'));
        assert!(!is_cjk('a'));
        assert!(!is_cjk('"'));
        // `**"따옴표"**는`: the closing run follows `"` and precedes `는`.
        assert!(can_close(b'*', "**\"따옴표\"", Some('는')));
        assert!(!can_close(b'*', "a\"", Some('b')));
        assert!(can_open(b'*', "", Some('"')));
        // English intraword `*` is unchanged.
        assert!(can_open(b'*', "foo", Some('b')));
        assert!(can_close(b'*', "foo", Some('b')));
        // `_` inside a word stays literal, Hangul or not.
        assert!(!can_open(b'_', "변수", Some('이')));
        assert!(!can_open(b'_', "snake", Some('c')));
    }
}
