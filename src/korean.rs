//! Hangul helpers: normalization, display width, 초성 (initial consonants),
//! Korean dictionary order and particles (조사).
//!
//! Everything Korean-specific that other modules need lives here, named for
//! what it means, so the rules are written and tested once.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

const SYLLABLE_FIRST: u32 = 0xAC00;
const SYLLABLE_LAST: u32 = 0xD7A3;

/// The 19 initial consonants in dictionary order, as compatibility jamo.
pub(crate) const CHOSEONG: [char; 19] = [
    'ㄱ', 'ㄲ', 'ㄴ', 'ㄷ', 'ㄸ', 'ㄹ', 'ㅁ', 'ㅂ', 'ㅃ', 'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅉ', 'ㅊ', 'ㅋ',
    'ㅌ', 'ㅍ', 'ㅎ',
];

/// NFC form of `s` (macOS writes file names in NFD: 하 as ᄒ + ᅡ).
pub(crate) fn nfc(s: &str) -> String {
    if is_nfc_quick_yes(s) {
        s.to_string()
    } else {
        s.nfc().collect()
    }
}

/// [`nfc`] of an owned string: returned as it is (no copy) when already NFC.
pub(crate) fn nfc_owned(s: String) -> String {
    if is_nfc_quick_yes(&s) {
        s
    } else {
        s.nfc().collect()
    }
}

/// `is_nfc_quick(s) == Yes`, answered at once for ASCII and precomposed
/// Hangul syllables (most characters of a Korean note), which the quick
/// check would look up in its tables one by one. Both are starters (combining
/// class 0) that are allowed in NFC, so they reset the quick check's state:
/// the whole text passes exactly when every run of other characters does.
fn is_nfc_quick_yes(s: &str) -> bool {
    let mut run: Option<usize> = None;
    let run_passes = |start: usize, end: usize| {
        s.get(start..end)
            .is_some_and(|r| is_nfc_quick(r.chars()) == IsNormalized::Yes)
    };
    for (i, c) in s.char_indices() {
        if c.is_ascii() || is_hangul_syllable(c) {
            if let Some(start) = run.take() {
                if !run_passes(start, i) {
                    return false;
                }
            }
        } else if run.is_none() {
            run = Some(i);
        }
    }
    run.is_none_or(|start| run_passes(start, s.len()))
}

/// True for a precomposed Hangul syllable (가–힣).
pub(crate) fn is_hangul_syllable(c: char) -> bool {
    (SYLLABLE_FIRST..=SYLLABLE_LAST).contains(&(c as u32))
}

/// True for Hangul compatibility jamo consonants (ㄱ–ㅎ), what people type
/// for 초성 search.
pub(crate) fn is_compat_consonant(c: char) -> bool {
    ('\u{3131}'..='\u{314E}').contains(&c)
}

/// True for any Hangul letter: syllables, compatibility jamo, conjoining jamo.
pub(crate) fn is_hangul(c: char) -> bool {
    is_hangul_syllable(c)
        || ('\u{3131}'..='\u{318E}').contains(&c)
        || ('\u{1100}'..='\u{11FF}').contains(&c)
        || ('\u{A960}'..='\u{A97F}').contains(&c)
        || ('\u{D7B0}'..='\u{D7FF}').contains(&c)
}

/// A character that continues a word: letters (any script), digits, `_`.
pub(crate) fn is_word_char(c: char) -> bool {
    is_letter_or_digit(c) || c == '_'
}

/// `char::is_alphanumeric`, answered at once for ASCII and Hangul
/// syllables (most characters of a Korean note), which the standard
/// library looks up in its tables one by one.
#[inline]
pub(crate) fn is_letter_or_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        is_hangul_syllable(c) || c.is_alphanumeric()
    }
}

/// The initial consonant (초성) of a syllable: 프 → ㅍ. Other characters: None.
pub(crate) fn initial_consonant(c: char) -> Option<char> {
    if !is_hangul_syllable(c) {
        return None;
    }
    let index = (c as u32 - SYLLABLE_FIRST) / 588;
    CHOSEONG.get(index as usize).copied()
}

/// True when the syllable has a final consonant (받침): 산 yes, 사 no.
#[cfg(test)]
pub(crate) fn has_final_consonant(c: char) -> bool {
    is_hangul_syllable(c) && !(c as u32 - SYLLABLE_FIRST).is_multiple_of(28)
}

/// The 초성 string of a text: syllables become their initial consonant,
/// compatibility consonants stay, everything else is dropped.
/// `프로세스 관리` → `ㅍㄹㅅㅅㄱㄹ`.
pub(crate) fn initial_consonants(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if is_compat_consonant(c) {
                Some(c)
            } else {
                initial_consonant(c)
            }
        })
        .collect()
}

/// A query typed only in compatibility consonants (ㅍㄹㅅㅅ), ignoring spaces.
#[cfg(test)]
pub(crate) fn is_initial_consonant_query(s: &str) -> bool {
    let mut any = false;
    for c in s.chars() {
        if c.is_whitespace() {
            continue;
        }
        if !is_compat_consonant(c) {
            return false;
        }
        any = true;
    }
    any
}

/// Width of `s` on a terminal or in a monospace font where Hangul is two
/// columns wide.
pub(crate) fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// The heading a term is filed under in the glossary index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum IndexGroup {
    /// ㄱ, ㄲ, … ㅎ (index into [`CHOSEONG`]).
    Consonant(usize),
    /// A–Z.
    Latin(char),
    /// Digits, symbols, other scripts.
    Other,
}

impl IndexGroup {
    pub(crate) fn label(&self) -> String {
        match self {
            IndexGroup::Consonant(i) => CHOSEONG.get(*i).map(|c| c.to_string()).unwrap_or_default(),
            IndexGroup::Latin(c) => c.to_string(),
            IndexGroup::Other => "기타".to_string(),
        }
    }

    /// An id usable as an HTML anchor.
    pub(crate) fn anchor(&self) -> String {
        match self {
            IndexGroup::Consonant(i) => {
                format!("group-{}", CHOSEONG.get(*i).copied().unwrap_or('ㄱ'))
            }
            IndexGroup::Latin(c) => format!("group-{c}"),
            IndexGroup::Other => "group-etc".to_string(),
        }
    }
}

/// The index group of a term, from its first letter.
pub(crate) fn index_group(term: &str) -> IndexGroup {
    let Some(first) = nfc(term).chars().find(|c| !c.is_whitespace()) else {
        return IndexGroup::Other;
    };
    if let Some(i) = first_consonant_index(first) {
        return IndexGroup::Consonant(i);
    }
    if first.is_ascii_alphabetic() {
        return IndexGroup::Latin(first.to_ascii_uppercase());
    }
    IndexGroup::Other
}

fn first_consonant_index(c: char) -> Option<usize> {
    if is_hangul_syllable(c) {
        return Some(((c as u32 - SYLLABLE_FIRST) / 588) as usize);
    }
    CHOSEONG.iter().position(|&j| j == c)
}

/// A key that sorts strings in Korean dictionary order: Hangul first (the
/// order of precomposed syllables is the dictionary order, ㄲ after ㄱ),
/// then Latin letters case-insensitively, then digits, then the rest.
/// Letter case only breaks ties between otherwise equal strings (`ipc`
/// before `IPC`, both before `ipc 큐`).
pub(crate) fn collation_key(s: &str) -> Vec<(u8, u32)> {
    let s = nfc(s);
    let chars = s.chars().filter(|c| !c.is_whitespace());
    let mut key: Vec<(u8, u32)> = chars
        .clone()
        .map(|c| {
            if is_hangul_syllable(c) {
                (1, c as u32)
            } else if let Some(i) = CHOSEONG.iter().position(|&j| j == c) {
                // A bare consonant sorts before every syllable starting with it.
                (1, SYLLABLE_FIRST + i as u32 * 588 - 1)
            } else if c.is_ascii_alphabetic() {
                (2, c.to_ascii_lowercase() as u32)
            } else if c.is_ascii_digit() {
                (3, c as u32)
            } else {
                (4, c as u32)
            }
        })
        .collect();
    // The tie-breaker sorts below every character, so a prefix still
    // comes first.
    key.extend(chars.map(|c| (0, u32::from(c.is_ascii_uppercase()))));
    key
}

/// Particles (조사) and copula endings that may follow a term inside the
/// same word: 프로세스는, 스레드가, IPC를, 뮤텍스와, 커널에서는.
/// Longer entries first is not required: [`particle_len`] tries them all.
pub(crate) const PARTICLES: &[&str] = &[
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "에서",
    "에게",
    "께",
    "께서",
    "한테",
    "와",
    "과",
    "로",
    "으로",
    "도",
    "만",
    "까지",
    "부터",
    "보다",
    "처럼",
    "같이",
    "마다",
    "조차",
    "마저",
    "밖에",
    "이나",
    "나",
    "이며",
    "며",
    "이고",
    "고",
    "랑",
    "이랑",
    "하고",
    "로서",
    "으로서",
    "로써",
    "으로써",
    "라고",
    "이라고",
    "라는",
    "이라는",
    "란",
    "이란",
    "야",
    "이야",
    "이다",
    "다",
    "입니다",
    "니다",
    "이에요",
    "예요",
    "이었다",
    "였다",
    "인",
    "일",
    "이면",
    "면",
    "든지",
    "이든지",
    "라도",
    "이라도",
    "라면",
    "이라면",
    "께는",
    "엔",
    "에선",
    "에도",
    "서",
    "로부터",
    "으로부터",
    "만큼",
    "대로",
    "끼리",
    "뿐",
    "이므로",
    "므로",
    "이지만",
    "지만",
    "인데",
    "이라서",
    "라서",
    "이어서",
    "여서",
];

/// Length in bytes of the particles that follow a term, when `rest` (the
/// text right after the term) starts with nothing but particles and then a
/// non-letter or the end. `Some(0)`: nothing follows the term in this word.
/// `None`: more Hangul follows that makes another word (스레드풀, 프로세스화).
pub(crate) fn particle_len(rest: &str) -> Option<usize> {
    let word_end = rest
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    let word = &rest[..word_end];
    if word.is_empty() {
        return Some(0);
    }
    if !word.chars().all(is_hangul_syllable) {
        return None;
    }
    // 들 (plural) may come before the particles: 스레드들은, 프로세스들의.
    let tail = word.strip_prefix('들').unwrap_or(word);
    // Up to two particles in a row: 에서+는, 에+도, 으로+는, 와+의.
    is_particle_run(tail, 2).then_some(word_end)
}

/// Whether `text[start..end]` (a glossary term found in prose) stands as a
/// word of its own: no letter or digit right before it, and after it only
/// particles (조사) before a non-letter. Returns the byte length of those
/// particles: `프로세스는` → `Some(len("는"))`; `멀티스레드` seen from `스레드`
/// or `스레드풀` → `None`. A term that starts or ends with a symbol
/// (`fork()`) has no boundary to keep on that side.
pub(crate) fn standalone_word(text: &str, start: usize, end: usize) -> Option<usize> {
    let word = text.get(start..end)?;
    let (first, last) = (word.chars().next()?, word.chars().next_back()?);
    if is_word_char(first) && text[..start].chars().next_back().is_some_and(is_word_char) {
        return None;
    }
    if !is_word_char(last) {
        return Some(0);
    }
    particle_len(&text[end..])
}

/// True when `s` splits into at most `max` particles (any decomposition).
/// Called for every term found in prose, so particles are looked up by
/// their first up to four syllables in a set rather than tried one by one.
fn is_particle_run(s: &str, max: usize) -> bool {
    static SET: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| PARTICLES.iter().copied().collect());
    if s.is_empty() {
        return true;
    }
    if max == 0 {
        return false;
    }
    s.char_indices()
        .skip(1)
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()))
        .take(4)
        .any(|end| SET.contains(&s[..end]) && is_particle_run(&s[end..], max - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_or_digit_agrees_with_the_standard_library_everywhere() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn nfd_becomes_nfc() {
        let nfd: String = "프로세스".nfd().collect();
        assert_ne!(nfd, "프로세스");
        assert_eq!(nfc(&nfd), "프로세스");
    }

    #[test]
    fn initial_consonants_of_words() {
        assert_eq!(initial_consonants("프로세스"), "ㅍㄹㅅㅅ");
        assert_eq!(initial_consonants("컨텍스트 스위칭"), "ㅋㅌㅅㅌㅅㅇㅊ");
        assert_eq!(initial_consonants("꼬리 ㄲ"), "ㄲㄹㄲ");
        assert_eq!(initial_consonants("IPC"), "");
        assert!(is_initial_consonant_query("ㅍㄹㅅㅅ"));
        assert!(is_initial_consonant_query("ㅋㅌ ㅅㅇ"));
        assert!(!is_initial_consonant_query("ㅍ로"));
        assert!(!is_initial_consonant_query("  "));
    }

    #[test]
    fn final_consonants() {
        assert!(has_final_consonant('산'));
        assert!(!has_final_consonant('사'));
        assert!(!has_final_consonant('a'));
    }

    #[test]
    fn dictionary_order_with_double_consonants_and_latin() {
        let mut words = vec![
            "TLB",
            "힙",
            "까치",
            "가상 메모리",
            "fork",
            "나",
            "따옴표",
            "다음",
            "3-way",
            "ㄱ",
            "커널",
        ];
        words.sort_by_key(|w| collation_key(w));
        assert_eq!(
            words,
            vec![
                "ㄱ",
                "가상 메모리",
                "까치",
                "나",
                "다음",
                "따옴표",
                "커널",
                "힙",
                "fork",
                "TLB",
                "3-way"
            ]
        );
        let mut latin = vec!["ipc 큐", "IPC", "Ipc", "ipc", "fork"];
        latin.sort_by_key(|w| collation_key(w));
        assert_eq!(latin, vec!["fork", "ipc", "Ipc", "IPC", "ipc 큐"]);
    }

    #[test]
    fn index_groups() {
        assert_eq!(index_group("까치").label(), "ㄲ");
        assert_eq!(index_group("쓰기 시 복사").label(), "ㅆ");
        assert_eq!(index_group("프로세스").label(), "ㅍ");
        assert_eq!(index_group("fork").label(), "F");
        assert_eq!(index_group("3-way").label(), "기타");
        assert!(IndexGroup::Consonant(0) < IndexGroup::Consonant(1));
        assert!(IndexGroup::Consonant(18) < IndexGroup::Latin('A'));
        assert!(IndexGroup::Latin('Z') < IndexGroup::Other);
    }

    #[test]
    fn particles_after_terms() {
        assert_eq!(particle_len("는 실행"), Some("는".len()));
        assert_eq!(particle_len("가"), Some("가".len()));
        assert_eq!(particle_len("을 줄인다"), Some("을".len()));
        assert_eq!(particle_len("에서는 "), Some("에서는".len()));
        assert_eq!(particle_len("들의 차이"), Some("들의".len()));
        assert_eq!(particle_len("(process)"), Some(0));
        assert_eq!(particle_len(""), Some(0));
        assert_eq!(particle_len(", 그리고"), Some(0));
        assert_eq!(particle_len("입니다."), Some("입니다".len()));
        // More Hangul that makes another word: no match.
        assert_eq!(particle_len("풀을"), None);
        assert_eq!(particle_len("화"), None);
        assert_eq!(particle_len("s"), None);
    }

    #[test]
    fn standalone_words_with_particles() {
        let fits = |text: &str, word: &str| {
            let start = text.find(word).unwrap();
            standalone_word(text, start, start + word.len())
        };
        assert_eq!(fits("프로세스는 실행 중", "프로세스"), Some("는".len()));
        assert_eq!(fits("스레드가 많다", "스레드"), Some("가".len()));
        assert_eq!(
            fits("컨텍스트 스위칭을 줄인다", "컨텍스트 스위칭"),
            Some("을".len())
        );
        assert_eq!(fits("IPC를 쓴다", "IPC"), Some("를".len()));
        assert_eq!(fits("OS로부터 받는다", "OS"), Some("로부터".len()));
        assert_eq!(fits("(스레드)", "스레드"), Some(0));
        assert_eq!(fits("**뮤텍스**와", "뮤텍스"), Some(0));
        // Inside another word: letters before or non-particles after.
        assert_eq!(fits("멀티스레드", "스레드"), None);
        assert_eq!(fits("스레드풀을", "스레드"), None);
        assert_eq!(fits("macOS", "OS"), None);
        assert_eq!(fits("IPCs", "IPC"), None);
        assert_eq!(fits("IPC통신", "IPC"), None);
        // A term ending in a symbol keeps no boundary after it.
        assert_eq!(fits("fork()를 부른다", "fork()"), Some(0));
    }

    #[test]
    fn widths() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("스택"), 4);
    }
}
