//! Names in comparisons: how a subject (`**쓰레드**`, `프로세스 (Process)`)
//! and an aspect (`통신 방법:`, `메모리 구조`) written in one note are
//! matched with the same name written in another, through the glossary,
//! `aspect_aliases` in gongbu.yaml and the obvious variants of spelling.

use std::collections::HashMap;

use crate::config::{Config, CONFIG_FILE};
use crate::diagnostic::{Code, Diagnostic};
use crate::index::glossary::{Glossary, TermId};
use crate::korean::{is_hangul_syllable, nfc};

/// A subject as matched across notes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubjectName {
    /// Equal for every spelling of the same subject.
    pub key: String,
    /// The glossary term, or the name without markup and parenthetical.
    pub display: String,
    pub term: Option<TermId>,
}

/// An aspect as matched across notes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AspectName {
    /// Equal for aspects that share a row on a merged page.
    pub key: String,
    /// The name to show when it is fixed by an alias or the glossary; else
    /// the merged row shows the spelling most notes use.
    pub fixed: Option<String>,
    /// The name as written, cleaned of markup and trailing punctuation.
    pub written: String,
}

/// Matches subject and aspect names of comparisons.
#[derive(Debug)]
pub(crate) struct Names<'g> {
    glossary: &'g Glossary,
    /// Compact key of an aspect name or alias → the name to use.
    aspect_aliases: HashMap<String, String>,
}

impl<'g> Names<'g> {
    /// Reads `aspect_aliases`; an alias listed under two names is a warning
    /// and keeps the first.
    pub(crate) fn new(
        glossary: &'g Glossary,
        config: &Config,
        diags: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut aspect_aliases: HashMap<String, String> = HashMap::new();
        for name in config.aspect_aliases.keys() {
            let name = clean(name);
            if name.is_empty() {
                continue;
            }
            aspect_aliases
                .entry(aspect_compact(&name))
                .or_insert_with(|| name.clone());
        }
        for (name, aliases) in &config.aspect_aliases {
            let name = clean(name);
            if name.is_empty() {
                continue;
            }
            for alias in aliases {
                let key = aspect_compact(&clean(alias));
                if key.is_empty() {
                    continue;
                }
                match aspect_aliases.get(&key) {
                    Some(existing) if *existing != name => {
                        diags.push(
                            Diagnostic::warning(
                                Code::CompareAlias,
                                format!(
                                    "aspect_aliases: `{alias}`가 `{existing}`와 `{name}`에 모두 있습니다. `{existing}`로 모읍니다"
                                ),
                            )
                            .with_path(CONFIG_FILE)
                            .with_help("한 별칭은 한 항목에만 적으세요"),
                        );
                    }
                    Some(_) => {}
                    None => {
                        aspect_aliases.insert(key, name.clone());
                    }
                }
            }
        }
        Names {
            glossary,
            aspect_aliases,
        }
    }

    pub(crate) fn glossary(&self) -> &Glossary {
        self.glossary
    }

    /// A hash of everything names are matched with: the glossary's names
    /// and terms, and the aspect aliases.
    pub(crate) fn fingerprint(&self) -> u64 {
        let mut aliases: Vec<(&String, &String)> = self.aspect_aliases.iter().collect();
        aliases.sort_unstable();
        crate::signatures::hash_of((self.glossary.names_fingerprint(), aliases))
    }

    /// `쓰레드`, `Thread` and `스레드` are one subject when the glossary says
    /// so; `**프로세스**` and `프로세스 (Process)` are `프로세스`.
    pub(crate) fn subject(&self, written: &str) -> SubjectName {
        let cleaned = clean(written);
        let (base, paren) = split_parenthetical(&cleaned);
        let term = self
            .glossary
            .find(&cleaned)
            .or_else(|| self.glossary.find(base))
            .or_else(|| paren.and_then(|p| self.glossary.find(p)));
        match term {
            Some(t) => SubjectName {
                key: format!("\u{1}term:{}", t.index()),
                display: self.glossary.terms[t].term.clone(),
                term: Some(t),
            },
            None => {
                // `Process (프로세스)`: the Korean name is the one to show.
                let name = match paren {
                    Some(p)
                        if !base.chars().any(is_hangul_syllable)
                            && p.chars().any(is_hangul_syllable) =>
                    {
                        p
                    }
                    _ => base,
                };
                SubjectName {
                    key: compact(name),
                    display: name.to_string(),
                    term: None,
                }
            }
        }
    }

    /// Aspects are one when they differ only in markup, spacing, trailing
    /// punctuation, a parenthetical, separators (`생성·종료`, `생성 및 종료`)
    /// or a generic last word (`통신 방법` = `통신`); or when
    /// `aspect_aliases` or the glossary names them as one.
    pub(crate) fn aspect(&self, written: &str) -> AspectName {
        let cleaned = strip_numbering(&clean(written)).to_string();
        let (base, _) = split_parenthetical(&cleaned);
        for candidate in [cleaned.as_str(), base] {
            if let Some(name) = self.aspect_aliases.get(&aspect_compact(candidate)) {
                return AspectName {
                    key: format!("\u{1}alias:{name}"),
                    fixed: Some(name.clone()),
                    written: cleaned.clone(),
                };
            }
        }
        if let Some(t) = self
            .glossary
            .find(&cleaned)
            .or_else(|| self.glossary.find(base))
        {
            return AspectName {
                key: format!("\u{1}term:{}", t.index()),
                fixed: Some(self.glossary.terms[t].term.clone()),
                written: cleaned.clone(),
            };
        }
        AspectName {
            key: aspect_compact(base),
            fixed: None,
            written: cleaned.clone(),
        }
    }
}

/// Plain text of a name: markup characters at the edges dropped, spaces
/// collapsed, trailing `:` and sentence punctuation removed, NFC.
pub(crate) fn clean(s: &str) -> String {
    let s = nfc(s);
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = collapsed
        .trim_matches(['*', '_', '`', '~'])
        .trim_end_matches([':', '：', '.', '。', ',', ';', '?', '!'])
        .trim_matches(['*', '_', '`', '~'])
        .trim();
    trimmed.to_string()
}

/// `프로세스 (Process)` → (`프로세스`, Some(`Process`)). A name that is only
/// a parenthetical is kept whole.
pub(crate) fn split_parenthetical(s: &str) -> (&str, Option<&str>) {
    let t = s.trim_end();
    let Some(inner_end) = t.strip_suffix(')').or_else(|| t.strip_suffix('）')) else {
        return (t, None);
    };
    let open = inner_end.rfind(['(', '（']);
    match open {
        Some(i) => {
            let base = inner_end[..i].trim_end();
            let paren_start = i + inner_end[i..].chars().next().map_or(1, char::len_utf8);
            let paren = inner_end[paren_start..].trim();
            if base.is_empty() || paren.is_empty() {
                (t, None)
            } else {
                (base, Some(paren))
            }
        }
        None => (t, None),
    }
}

/// Leading list numbering: `1. 정의`, `①`, `(1)`, `Q1.`.
fn strip_numbering(s: &str) -> &str {
    let t = s
        .trim_start_matches(|c: char| ('①'..='⑳').contains(&c))
        .trim_start();
    let digits_end = t
        .char_indices()
        .find(|&(_, c)| !c.is_ascii_digit())
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    if digits_end > 0 {
        let rest = &t[digits_end..];
        if let Some(r) = rest.strip_prefix(['.', ')']) {
            if r.starts_with(' ') && !r.trim().is_empty() {
                return r.trim_start();
            }
        }
    }
    t
}

/// Lower case, NFC, without spaces and separators: `멀티 스레드` and
/// `멀티스레드`, `생성·종료` and `생성 및 종료` compare equal.
pub(crate) fn compact(s: &str) -> String {
    let s = nfc(s).to_lowercase();
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if word == "및" || word == "and" || word == "&" {
            continue;
        }
        for c in word.chars() {
            // `+` and `#` tell C, C++ and C# apart.
            if c.is_alphanumeric() || matches!(c, '+' | '#') || (!c.is_ascii() && !is_separator(c))
            {
                out.push(c);
            }
        }
    }
    out
}

fn is_separator(c: char) -> bool {
    matches!(
        c,
        '·' | '‧'
            | '・'
            | '／'
            | '，'
            | '、'
            | '：'
            | '（'
            | '）'
            | '「'
            | '」'
            | '“'
            | '”'
            | '‘'
            | '’'
    ) || c.is_whitespace()
}

/// The compact key of an aspect without a generic last word.
fn aspect_compact(s: &str) -> String {
    const GENERIC: &[&str] = &["방법", "방식", "측면", "여부"];
    let key = compact(s);
    for g in GENERIC {
        if let Some(stem) = key.strip_suffix(g) {
            if stem.chars().count() >= 2 {
                return stem.to_string();
            }
        }
    }
    key
}

/// Values equal up to spacing, case and final punctuation are one value.
pub(crate) fn value_key(text: &str) -> String {
    clean(text).to_lowercase()
}

/// The first header cell of a comparison table names the aspect column.
const ASPECT_HEADERS: &[&str] = &[
    "구분",
    "특성",
    "특징",
    "항목",
    "항목명",
    "비교",
    "비교항목",
    "비교기준",
    "비교내용",
    "기준",
    "차이",
    "차이점",
    "관점",
    "분류",
    "속성",
    "요소",
    "측면",
    "범주",
    "aspect",
    "aspects",
    "feature",
    "features",
    "property",
    "properties",
    "category",
    "criteria",
    "criterion",
    "item",
    "items",
    "comparison",
    "attribute",
    "attributes",
    "dimension",
    "vs",
    "versus",
];

/// `구분`, `비교 항목`, `구분 \ 대상`, an empty cell or only symbols.
pub(crate) fn is_aspect_header(text: &str) -> bool {
    let t = clean(text);
    if t.chars().all(|c| !c.is_alphanumeric()) {
        return true;
    }
    if ASPECT_HEADERS.contains(&compact(&t).as_str()) {
        return true;
    }
    let first = t
        .split(|c: char| c.is_whitespace() || matches!(c, '/' | '\\' | '|' | '(' | '＼'))
        .find(|w| !w.is_empty())
        .unwrap_or("");
    ASPECT_HEADERS.contains(&compact(first).as_str())
}

/// Words that name what a row or column says about a subject rather than a
/// subject: a table or list whose "subjects" are all such words compares
/// its rows instead.
const FACETS: &[&str] = &[
    "장점",
    "단점",
    "특징",
    "예",
    "예시",
    "예제",
    "정의",
    "설명",
    "용도",
    "원인",
    "해결",
    "해결책",
    "결과",
    "의미",
    "뜻",
    "주의",
    "주의점",
    "참고",
    "한계",
    "개념",
    "문제",
    "문제점",
    "요약",
    "핵심",
    "사례",
    "비고",
    "값",
    "단위",
    "역할",
    "pros",
    "cons",
    "advantages",
    "disadvantages",
    "example",
    "examples",
    "description",
    "meaning",
    "note",
    "notes",
    "value",
];

pub(crate) fn is_facet(text: &str) -> bool {
    FACETS.contains(&compact(&clean(text)).as_str())
}

/// First header cells that name the kind of thing each row is
/// (`| 알고리즘 | 선점 | 장점 |`): such a table compares its rows.
const ROW_KINDS: &[&str] = &[
    "알고리즘",
    "방식",
    "방법",
    "종류",
    "유형",
    "이름",
    "도구",
    "기법",
    "명령어",
    "명령",
    "함수",
    "자료구조",
    "언어",
    "프로토콜",
    "모델",
    "기술",
    "구현",
    "패턴",
    "타입",
    "대상",
    "algorithm",
    "method",
    "tool",
    "name",
    "type",
];

pub(crate) fn is_row_kind(text: &str) -> bool {
    ROW_KINDS.contains(&compact(&clean(text)).as_str())
}

/// What a heading says about the tables and lists under it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HeadingInfo {
    /// Subjects the heading names (`A vs B`, `A와 B의 차이`, `A / B`, and
    /// also a plain `A와 B`).
    pub subjects: Vec<String>,
    /// The heading says it compares (`vs`, `차이`, `비교`, `A / B`).
    pub comparison: bool,
}

const MARKERS: &[&str] = &[
    "차이점",
    "차이",
    "비교",
    "다른 점",
    "다른점",
    "다른가",
    "다를까",
    "다른지",
    "다르다",
    "구별",
    "대조",
];

/// Reads a heading such as `프로세스 vs 스레드`, `Q1. 프로세스와 스레드의
/// 차이는 무엇인가요?`, `멀티프로세스 / 멀티스레드` or `비교 정리`.
pub(crate) fn heading_info(text: &str) -> HeadingInfo {
    let t = strip_heading_prefix(text);
    let t = t.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '?' | '？' | '!' | '.' | ':' | '：')
    });
    if let Some(parts) = split_vs(t) {
        return HeadingInfo {
            subjects: parts,
            comparison: true,
        };
    }
    if let Some(pos) = MARKERS.iter().filter_map(|m| t.find(m)).min() {
        let subjects = split_korean_list(&t[..pos]);
        return HeadingInfo {
            subjects: if subjects.len() >= 2 {
                subjects
            } else {
                Vec::new()
            },
            comparison: true,
        };
    }
    if t.contains('/') {
        let parts: Vec<String> = t.split('/').map(clean).collect();
        if parts.len() >= 2
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().count() <= 30)
        {
            return HeadingInfo {
                subjects: parts,
                comparison: true,
            };
        }
    }
    let subjects = split_korean_list(t);
    HeadingInfo {
        subjects: if subjects.len() >= 2 {
            subjects
        } else {
            Vec::new()
        },
        comparison: false,
    }
}

/// Emoji, symbols and numbering (`1.`, `Q1.`) before the words of a heading.
fn strip_heading_prefix(text: &str) -> &str {
    let t = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let rest = t.strip_prefix(['Q', 'q']).unwrap_or(t);
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 {
        let after = &rest[digits..];
        if let Some(after) = after.strip_prefix(['.', ')']) {
            if after.starts_with(' ') {
                return after.trim_start();
            }
        }
    }
    t
}

/// `A vs B`, `A vs. B vs C`, `A ↔ B` → the parts, with `비교`/`차이` and a
/// trailing `의` dropped from the last one.
fn split_vs(t: &str) -> Option<Vec<String>> {
    let spaced = t.replace(['↔', '⇔'], " vs ").replace("<->", " vs ");
    let mut parts: Vec<Vec<&str>> = vec![Vec::new()];
    let mut seen = false;
    for word in spaced.split_whitespace() {
        let lower = word.to_lowercase();
        if lower == "vs" || lower == "vs." || lower == "versus" {
            seen = true;
            parts.push(Vec::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(word);
        }
    }
    if !seen {
        return None;
    }
    let mut out: Vec<String> = parts.iter().map(|p| clean(&p.join(" "))).collect();
    if let Some(last) = out.last_mut() {
        *last = strip_comparison_tail(last);
    }
    (out.len() >= 2 && out.iter().all(|p| !p.is_empty())).then_some(out)
}

/// `스레드 비교`, `스레드의 차이점`, `스레드 비교 정리` → `스레드`.
fn strip_comparison_tail(s: &str) -> String {
    let mut t = s.trim().to_string();
    loop {
        let before = t.clone();
        for tail in ["정리", "차이점", "차이", "비교", "간의", "사이의", "의"] {
            if let Some(stem) = t.strip_suffix(tail) {
                // `의` only as a particle right after a word.
                if tail == "의" && stem.ends_with(char::is_whitespace) {
                    continue;
                }
                let stem = stem.trim_end();
                if !stem.is_empty() {
                    t = stem.to_string();
                }
            }
        }
        if t == before {
            return clean(&t);
        }
    }
}

/// `프로세스와 스레드의` → [프로세스, 스레드]; `A, B와 C` → [A, B, C].
fn split_korean_list(s: &str) -> Vec<String> {
    let s = strip_comparison_tail(s);
    let mut parts: Vec<String> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let words: Vec<&str> = s.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let last = i + 1 == words.len();
        if matches!(*word, "및" | "그리고" | "&" | "and") {
            if !current.is_empty() {
                parts.push(current.join(" "));
                current.clear();
            }
            continue;
        }
        if let Some(w) = word.strip_suffix([',', '，', '、']) {
            current.push(w.to_string());
            parts.push(current.join(" "));
            current.clear();
            continue;
        }
        let particle = word
            .strip_suffix('와')
            .or_else(|| word.strip_suffix('과'))
            .filter(|w| !w.is_empty() && !last);
        match particle {
            Some(w) => {
                current.push(w.to_string());
                parts.push(current.join(" "));
                current.clear();
            }
            None => current.push(word.to_string()),
        }
    }
    if !current.is_empty() {
        parts.push(current.join(" "));
    }
    let parts: Vec<String> = parts.iter().map(|p| clean(p)).collect();
    if parts.len() >= 2 && parts.iter().all(|p| !p.is_empty()) {
        parts
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::glossary::Term;

    fn glossary() -> Glossary {
        Glossary::from_terms(vec![
            Term {
                term: "스레드".into(),
                aliases: vec!["쓰레드".into()],
                english: "Thread".into(),
                ..Default::default()
            },
            Term {
                term: "컨텍스트 스위칭".into(),
                aliases: vec!["문맥 교환".into()],
                english: "Context Switching".into(),
                ..Default::default()
            },
        ])
    }

    #[test]
    fn subjects_match_through_glossary_markup_and_parenthetical() {
        let g = glossary();
        let n = Names::new(&g, &Config::default(), &mut Vec::new());
        let thread = n.subject("스레드");
        assert_eq!(thread.term, Some(TermId::from(0)));
        assert_eq!(n.subject("쓰레드").key, thread.key);
        assert_eq!(n.subject("**Thread**").key, thread.key);
        assert_eq!(n.subject("쓰레드 (Thread)").display, "스레드");
        let process = n.subject("프로세스");
        assert_eq!(process.term, None);
        assert_eq!(n.subject("**프로세스**").key, process.key);
        assert_eq!(n.subject("프로세스 (Process)").key, process.key);
        assert_eq!(n.subject("프로세스(Process)").display, "프로세스");
        assert_eq!(n.subject("Process (프로세스)").key, process.key);
        assert_eq!(
            n.subject("멀티 프로세스").key,
            n.subject("멀티프로세스").key
        );
        assert_ne!(process.key, thread.key);
    }

    #[test]
    fn aspects_merge_obvious_variants_aliases_and_terms() {
        let g = glossary();
        let mut config = Config::default();
        config.aspect_aliases.insert(
            "메모리".into(),
            vec!["메모리 구조".into(), "주소 공간".into()],
        );
        let mut diags = Vec::new();
        let n = Names::new(&g, &config, &mut diags);
        assert!(diags.is_empty());
        let key = |s: &str| n.aspect(s).key;
        assert_eq!(key("생성 비용"), key("**생성 비용**"));
        assert_eq!(key("생성 비용"), key("생성비용:"));
        assert_eq!(key("생성 및 종료 시간"), key("생성·종료 시간"));
        assert_eq!(key("통신 방법"), key("통신"));
        assert_eq!(key("1. 안정성"), key("안정성"));
        assert_eq!(key("안정성 (Reliability)"), key("안정성"));
        assert_ne!(key("생성 비용"), key("전환 비용"));
        // Aliases from gongbu.yaml.
        assert_eq!(key("메모리 구조"), key("메모리"));
        assert_eq!(key("주소 공간"), key("메모리"));
        assert_eq!(n.aspect("주소 공간").fixed.as_deref(), Some("메모리"));
        // Glossary aliases.
        assert_eq!(key("문맥 교환"), key("컨텍스트 스위칭"));
        assert_eq!(key("Context Switching"), key("컨텍스트 스위칭"));
    }

    #[test]
    fn without_aliases_memory_structure_is_its_own_aspect() {
        let g = Glossary::default();
        let n = Names::new(&g, &Config::default(), &mut Vec::new());
        assert_ne!(n.aspect("메모리 구조").key, n.aspect("메모리").key);
    }

    #[test]
    fn an_alias_under_two_names_is_a_warning() {
        let g = Glossary::default();
        let mut config = Config::default();
        config
            .aspect_aliases
            .insert("메모리".into(), vec!["주소 공간".into()]);
        config
            .aspect_aliases
            .insert("구조".into(), vec!["주소 공간".into()]);
        let mut diags = Vec::new();
        let n = Names::new(&g, &config, &mut diags);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "compare-alias");
        assert!(
            diags[0].message.contains("주소 공간"),
            "{}",
            diags[0].message
        );
        assert_eq!(diags[0].path.as_deref(), Some("gongbu.yaml"));
        // The first name (in file order of the map) keeps it.
        assert_eq!(n.aspect("주소 공간").fixed.as_deref(), Some("구조"));
    }

    #[test]
    fn headings() {
        let h = heading_info("프로세스 vs 스레드");
        assert_eq!(h.subjects, vec!["프로세스", "스레드"]);
        assert!(h.comparison);
        assert_eq!(
            heading_info("👻 Process vs. Thread 비교").subjects,
            vec!["Process", "Thread"]
        );
        let h = heading_info("Q1. 프로세스와 스레드의 차이는 무엇인가요?");
        assert_eq!(h.subjects, vec!["프로세스", "스레드"]);
        assert!(h.comparison);
        assert_eq!(
            heading_info("사용자 수준 스레드와 커널 수준 스레드 비교").subjects,
            vec!["사용자 수준 스레드", "커널 수준 스레드"]
        );
        assert_eq!(
            heading_info("멀티프로세스 / 멀티스레드").subjects,
            vec!["멀티프로세스", "멀티스레드"]
        );
        assert_eq!(
            heading_info("FIFO, LRU와 OPT의 차이").subjects,
            vec!["FIFO", "LRU", "OPT"]
        );
        let h = heading_info("비교 정리");
        assert!(h.comparison && h.subjects.is_empty());
        let h = heading_info("한눈에 보는 비교");
        assert!(h.comparison && h.subjects.is_empty());
        let h = heading_info("선점형과 비선점형");
        assert!(!h.comparison);
        assert_eq!(h.subjects, vec!["선점형", "비선점형"]);
        assert_eq!(heading_info("메모리 구조"), HeadingInfo::default());
        assert_eq!(heading_info("정의와 구조").subjects, vec!["정의", "구조"]);
    }

    #[test]
    fn aspect_headers() {
        for yes in [
            "구분",
            "특성",
            "항목",
            "비교 항목",
            "",
            "-",
            "구분 \\ 대상",
            "Feature",
        ] {
            assert!(is_aspect_header(yes), "{yes}");
        }
        for no in ["지표", "알고리즘", "상황", "프로세스", "참조열 `1 2 3`"] {
            assert!(!is_aspect_header(no), "{no}");
        }
    }

    #[test]
    fn parentheticals() {
        assert_eq!(
            split_parenthetical("프로세스 (Process)"),
            ("프로세스", Some("Process"))
        );
        assert_eq!(split_parenthetical("(Process)"), ("(Process)", None));
        assert_eq!(split_parenthetical("스레드"), ("스레드", None));
    }
}
