//! YAML front matter between `---` lines (Jekyll style): splitting it off the
//! note, reading the known keys with clear messages for wrong types, keeping
//! unknown keys as `extra`.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_yaml::Value;

use crate::config::yaml_message;
use crate::diagnostic::{Code, Diagnostic};

/// The front matter of one note. Every key is optional.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<NoteDate>,
    pub updated: Option<NoteDate>,
    pub author: Option<String>,
    /// `category: a/b/c` split on `/`, or `categories: [a, b]`.
    pub category: Option<Vec<String>>,
    pub tags: Vec<String>,
    pub description: Option<String>,
    /// `subtitle:` and `excerpt:`, descriptions when `description` is not
    /// given.
    pub subtitle: Option<String>,
    pub excerpt: Option<String>,
    pub draft: bool,
    pub slug: Option<String>,
    pub aliases: Vec<String>,
    /// Raw `glossary:` entries; the glossary reads them. Not in the note
    /// cache: a note with them is read again every build.
    #[serde(skip)]
    pub glossary: Option<Value>,
    /// `autolink: false` turns glossary linking off for this note.
    pub autolink: Option<bool>,
    pub layout: Option<String>,
    pub permalink: Option<String>,
    /// Keys gongbu does not know, handed to templates as `page.extra`.
    #[serde(with = "extra_as_json")]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// `extra` in the note cache, as JSON text: the cache's format cannot read
/// a value that names its own type.
mod extra_as_json {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(
        extra: &BTreeMap<String, serde_json::Value>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        serde_json::to_string(extra)
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<String, serde_json::Value>, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// Levels a category path may have. Each level is a page that lists the
/// levels above it, so deeper paths cost pages × depth² and nest templates;
/// real notes use four or five (`TIL/김희수/2026/02`).
pub(crate) const MAX_CATEGORY_DEPTH: usize = 16;

/// A date with an optional time of day, as notes write them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct NoteDate {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
}

impl NoteDate {
    pub fn day(date: NaiveDate) -> Self {
        NoteDate { date, time: None }
    }

    /// `2026-02-08`
    pub fn ymd(&self) -> String {
        self.date.format("%Y-%m-%d").to_string()
    }

    /// RFC 3339 in Korea Standard Time (the zone notes are written in).
    pub fn rfc3339(&self) -> String {
        let t = self.time.unwrap_or(NaiveTime::MIN);
        format!("{}T{}+09:00", self.ymd(), t.format("%H:%M:%S"))
    }

    /// `2026년 2월 8일`
    pub fn korean(&self) -> String {
        use chrono::Datelike;
        format!(
            "{}년 {}월 {}일",
            self.date.year(),
            self.date.month(),
            self.date.day()
        )
    }

    /// Parses the forms notes use: `2026-02-08`, `2026-02-08 10:30`,
    /// `2026-02-08 10:30:00 +0900`, `2026-02-08T10:30:00+09:00`, `2026.02.08`.
    pub fn parse(s: &str) -> Option<NoteDate> {
        let s = s.trim();
        if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
            return Some(NoteDate {
                date: dt.date_naive(),
                time: Some(dt.time()),
            });
        }
        for fmt in ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z"] {
            if let Ok(dt) = chrono::DateTime::parse_from_str(s, fmt) {
                return Some(NoteDate {
                    date: dt.date_naive(),
                    time: Some(dt.time()),
                });
            }
        }
        for fmt in [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
        ] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
                return Some(NoteDate {
                    date: dt.date(),
                    time: Some(dt.time()),
                });
            }
        }
        for fmt in ["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y. %m. %d."] {
            if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
                return Some(NoteDate::day(d));
            }
        }
        None
    }
}

/// Where the front matter is in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split {
    /// Byte range of the YAML text (between the fences).
    pub yaml_start: usize,
    pub yaml_end: usize,
    /// Byte offset where the markdown body starts.
    pub body_start: usize,
}

/// Finds a front matter block: the file starts with a `---` line and a later
/// line is `---` or `...`. Without a closing fence there is no front matter
/// (a lone `---` at the top is a thematic break).
pub(crate) fn split(source: &str) -> Option<Split> {
    let (first, _) = source.split_once('\n')?;
    if first.trim_end() != "---" {
        return None;
    }
    let yaml_start = first.len() + 1;
    let mut pos = yaml_start;
    while pos <= source.len() {
        let rest = source.get(pos..)?;
        let line_end = rest.find('\n').map(|i| pos + i).unwrap_or(source.len());
        let line = rest.get(..line_end - pos)?.trim_end();
        if line == "---" || line == "..." {
            let body_start = (line_end + 1).min(source.len());
            return Some(Split {
                yaml_start,
                yaml_end: pos,
                body_start,
            });
        }
        if line_end >= source.len() {
            break;
        }
        pos = line_end + 1;
    }
    None
}

/// Reads the YAML of a front matter block. `source` is the whole file and
/// `display` its path for messages; errors point at the line in the file.
/// Warnings (wrong but usable types) are pushed to `warnings`.
pub(crate) fn parse(
    source: &str,
    split: Split,
    display: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<FrontMatter, Diagnostic> {
    let yaml = source.get(split.yaml_start..split.yaml_end).unwrap_or("");
    let first_line = source.get(..split.yaml_start).unwrap_or("").lines().count() + 1;
    if yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    let value: Value = crate::yaml::value_from_str(yaml).map_err(|e| {
        let line = e
            .location()
            .map(|l| first_line + l.line() - 1)
            .unwrap_or(first_line);
        Diagnostic::error(
            Code::FrontMatter,
            format!("front matter를 해석할 수 없습니다: {}", yaml_message(&e)),
        )
        .with_path(display)
        .at_line(source, line)
    })?;
    let map = match value {
        Value::Mapping(m) => m,
        Value::Null => return Ok(FrontMatter::default()),
        other => {
            return Err(Diagnostic::error(
                Code::FrontMatter,
                format!(
                    "front matter는 `키: 값` 목록이어야 합니다 ({}이(가) 왔습니다)",
                    kind_of(&other)
                ),
            )
            .with_path(display)
            .at_line(source, first_line))
        }
    };

    let key_line = |key: &str| -> usize {
        yaml.lines()
            .position(|l| {
                l.strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            })
            .map(|i| first_line + i)
            .unwrap_or(first_line)
    };
    let err = |key: &str, msg: String| -> Diagnostic {
        Diagnostic::error(Code::FrontMatter, msg)
            .with_path(display)
            .at_line(source, key_line(key))
    };
    let mut warn = |key: &str, msg: String| {
        warnings.push(
            Diagnostic::warning(Code::FrontMatter, msg)
                .with_path(display)
                .at_line(source, key_line(key)),
        );
    };

    let mut fm = FrontMatter::default();
    for (k, v) in map {
        let key = match &k {
            Value::String(s) => s.clone(),
            other => scalar_string(other).unwrap_or_default(),
        };
        match key.as_str() {
            "title" => fm.title = Some(expect_scalar(&key, &v).map_err(|m| err(&key, m))?),
            "author" => fm.author = expect_scalar_or_null(&key, &v).map_err(|m| err(&key, m))?,
            "description" | "summary" => {
                fm.description = expect_scalar_or_null(&key, &v).map_err(|m| err(&key, m))?
            }
            // Jekyll themes' one-line summaries; `description` wins.
            "subtitle" => {
                fm.subtitle = expect_scalar_or_null(&key, &v).map_err(|m| err(&key, m))?
            }
            "excerpt" => fm.excerpt = expect_scalar_or_null(&key, &v).map_err(|m| err(&key, m))?,
            "slug" => fm.slug = expect_scalar_or_null(&key, &v).map_err(|m| err(&key, m))?,
            "layout" => fm.layout = expect_scalar_or_null(&key, &v).map_err(|m| err(&key, m))?,
            "permalink" => {
                fm.permalink = expect_scalar_or_null(&key, &v).map_err(|m| err(&key, m))?
            }
            "date" | "updated" | "last_modified_at" | "lastmod" => {
                let Some(text) = expect_scalar_or_null(&key, &v).map_err(|m| err(&key, m))? else {
                    continue;
                };
                let d = NoteDate::parse(&text).ok_or_else(|| {
                    err(
                        &key,
                        format!("`{key}`의 날짜 `{text}`를 읽을 수 없습니다 (있을 수 없는 날짜이거나 형식이 다릅니다)"),
                    )
                    .with_help("2026-02-08 또는 2026-02-08 14:30 처럼 적어 주세요")
                })?;
                if key == "date" {
                    fm.date = Some(d);
                } else {
                    fm.updated = Some(d);
                }
            }
            "category" | "categories" => {
                let mut segs = match &v {
                    Value::Null => continue,
                    Value::Sequence(items) => {
                        let mut segs = Vec::new();
                        for item in items {
                            match scalar_string(item) {
                                Some(s) => segs.extend(split_category(&s)),
                                None => {
                                    return Err(err(
                                        &key,
                                        format!("`{key}`의 항목은 글자여야 합니다"),
                                    ))
                                }
                            }
                        }
                        segs
                    }
                    other => match scalar_string(other) {
                        // Jekyll: `categories: TIL 2026` is a space-separated list.
                        Some(s) if key == "categories" && !s.contains('/') => {
                            s.split_whitespace().map(str::to_string).collect()
                        }
                        Some(s) => split_category(&s),
                        None => {
                            return Err(err(
                                &key,
                                format!("`{key}`은(는) 글자나 목록이어야 합니다"),
                            ))
                        }
                    },
                };
                if segs.len() > MAX_CATEGORY_DEPTH {
                    warn(
                        &key,
                        format!(
                            "`{key}`가 {}단계로 너무 깊습니다; 앞의 {MAX_CATEGORY_DEPTH}단계만 씁니다",
                            segs.len()
                        ),
                    );
                    segs.truncate(MAX_CATEGORY_DEPTH);
                }
                // `category` wins over `categories` when both are present.
                if key == "category" || fm.category.is_none() {
                    fm.category = Some(segs);
                }
            }
            "tags" | "tag" | "keywords" => match &v {
                Value::Null => {}
                Value::Sequence(items) => {
                    for item in items {
                        match scalar_string(item) {
                            Some(s) if !s.trim().is_empty() => fm.tags.push(s.trim().to_string()),
                            Some(_) => {}
                            None => warn(
                                &key,
                                format!("`{key}`의 항목 중 글자가 아닌 것은 건너뜁니다"),
                            ),
                        }
                    }
                }
                Value::String(s) => {
                    let s = crate::note::load::clean_text(s);
                    let sep = if s.contains(',') { ',' } else { ' ' };
                    fm.tags.extend(
                        s.split(sep)
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                            .map(str::to_string),
                    );
                }
                other => {
                    let s = scalar_string(other).unwrap_or_default();
                    warn(
                        &key,
                        format!("`{key}`은(는) 목록이어야 합니다 (`{key}: [{s}]`처럼); 값 `{s}`를 태그 하나로 씁니다"),
                    );
                    if !s.is_empty() {
                        fm.tags.push(s);
                    }
                }
            },
            "aliases" | "alias" => match &v {
                Value::Null => {}
                Value::Sequence(items) => fm.aliases.extend(items.iter().filter_map(scalar_string)),
                other => match scalar_string(other) {
                    Some(s) => fm.aliases.push(s),
                    None => {
                        return Err(err(
                            &key,
                            "`aliases`는 글자나 목록이어야 합니다".to_string(),
                        ))
                    }
                },
            },
            "draft" | "published" => {
                let b = match &v {
                    Value::Bool(b) => *b,
                    Value::String(s) if matches!(s.as_str(), "true" | "yes" | "예") => true,
                    Value::String(s) if matches!(s.as_str(), "false" | "no" | "아니오") => false,
                    Value::Null => false,
                    _ => return Err(err(&key, format!("`{key}`는 true 또는 false여야 합니다"))),
                };
                fm.draft = if key == "published" { !b } else { b };
            }
            "autolink" => match &v {
                Value::Bool(b) => fm.autolink = Some(*b),
                _ => {
                    return Err(err(
                        &key,
                        "`autolink`는 true 또는 false여야 합니다".to_string(),
                    ))
                }
            },
            "glossary" => fm.glossary = Some(v),
            _ => {
                if let Ok(json) = serde_json::to_value(&v) {
                    fm.extra.insert(key, json);
                }
            }
        }
    }
    Ok(fm)
}

fn split_category(s: &str) -> Vec<String> {
    s.split('/')
        .map(str::trim)
        .filter(|seg| !seg.is_empty())
        .map(str::to_string)
        .collect()
}

/// A YAML scalar as text: strings, numbers, booleans. Dates written bare
/// (`title: 2026-02-08`) arrive as strings already.
///
/// YAML escapes (`"\b"`, `"\u1112\u1161"`) can put back what decoding took
/// out, so strings are cleaned again: no control characters, NFC.
pub(crate) fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(crate::note::load::clean_text(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_string(&t.value),
        _ => None,
    }
}

fn expect_scalar(key: &str, v: &Value) -> Result<String, String> {
    scalar_string(v).ok_or_else(|| {
        format!(
            "`{key}`은(는) 글자여야 합니다 ({}이(가) 왔습니다)",
            kind_of(v)
        )
    })
}

fn expect_scalar_or_null(key: &str, v: &Value) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        other => expect_scalar(key, other).map(Some),
    }
}

/// The kind of a YAML value, as diagnostics name it.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "빈 값",
        Value::Bool(_) => "참/거짓",
        Value::Number(_) => "숫자",
        Value::String(_) => "글자",
        Value::Sequence(_) => "목록",
        Value::Mapping(_) => "키-값 묶음",
        Value::Tagged(_) => "태그된 값",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(src: &str) -> (Result<FrontMatter, Diagnostic>, Vec<Diagnostic>) {
        let mut w = Vec::new();
        let s = split(src).expect("front matter");
        (parse(src, s, "notes/a.md", &mut w), w)
    }

    #[test]
    fn splits_jekyll_front_matter() {
        let src = "---\ntitle: 가\n---\n# 본문\n";
        let s = split(src).unwrap();
        assert_eq!(&src[s.yaml_start..s.yaml_end], "title: 가\n");
        assert_eq!(&src[s.body_start..], "# 본문\n");
        assert!(split("# 제목\n---\n").is_none());
        assert!(split("---\n제목 없이 끝나지 않는 줄\n").is_none());
        let crlf = "---\r\ntitle: x\r\n---\r\nbody";
        let s = split(crlf).unwrap();
        assert_eq!(&crlf[s.body_start..], "body");
    }

    #[test]
    fn reads_seed_style_keys() {
        let (fm, w) = parse_str(
            "---\ntitle: 2026-02-08\nauthor: 김희수\ndate: 2026-02-08\ncategory: TIL/김희수/2026/02\nlayout: post\nmood: 좋음\n---\n",
        );
        let fm = fm.unwrap();
        assert!(w.is_empty());
        assert_eq!(fm.title.as_deref(), Some("2026-02-08"));
        assert_eq!(fm.author.as_deref(), Some("김희수"));
        assert_eq!(fm.date.unwrap().ymd(), "2026-02-08");
        assert_eq!(fm.category.unwrap(), vec!["TIL", "김희수", "2026", "02"]);
        assert_eq!(fm.layout.as_deref(), Some("post"));
        assert_eq!(fm.extra["mood"], serde_json::json!("좋음"));
    }

    #[test]
    fn categories_and_tags_forms() {
        let (fm, _) = parse_str("---\ncategories: TIL 2026\ntags: a, b\n---\n");
        let fm = fm.unwrap();
        assert_eq!(fm.category.unwrap(), vec!["TIL", "2026"]);
        assert_eq!(fm.tags, vec!["a", "b"]);
        let (fm, _) = parse_str("---\ncategories: [os, process]\ntags: [프로세스, 2026]\n---\n");
        let fm = fm.unwrap();
        assert_eq!(fm.category.unwrap(), vec!["os", "process"]);
        assert_eq!(fm.tags, vec!["프로세스", "2026"]);
    }

    #[test]
    fn wrong_tag_type_is_a_warning_and_kept() {
        let (fm, w) = parse_str("---\ntitle: x\ntags: 3\n---\n");
        assert_eq!(fm.unwrap().tags, vec!["3"]);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, 3);
    }

    #[test]
    fn impossible_date_is_an_error_with_line() {
        let (fm, _) = parse_str("---\ntitle: x\ndate: 2026-13-45\n---\n");
        let e = fm.unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("2026-13-45"));
    }

    #[test]
    fn not_a_mapping_is_an_error() {
        let (fm, _) = parse_str("---\n그냥 문장\n---\n");
        assert!(fm.unwrap_err().message.contains("키: 값"));
    }

    #[test]
    fn broken_yaml_points_at_its_line() {
        let (fm, _) = parse_str("---\ntitle: x\ntags: [a, b\ndate: 2026-01-01\n---\n");
        let e = fm.unwrap_err();
        assert!(e.line >= 3, "{e}");
        assert_eq!(e.path.as_deref(), Some("notes/a.md"));
    }

    #[test]
    fn date_forms() {
        assert!(NoteDate::parse("2026-02-08 10:30:00 +0900").is_some());
        assert!(NoteDate::parse("2026-02-08T10:30:00+09:00").is_some());
        assert!(NoteDate::parse("2026.02.08").is_some());
        assert!(NoteDate::parse("2026-02-30").is_none());
        assert_eq!(
            NoteDate::parse("2026-02-08").unwrap().korean(),
            "2026년 2월 8일"
        );
    }
}
