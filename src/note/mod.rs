//! One note on its own: decoded text, front matter, the facts of its body,
//! and the URL it will have. Nothing here looks at other notes.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

pub(crate) mod front_matter;
pub(crate) mod gfm;
pub(crate) mod html;
pub(crate) mod load;
pub(crate) mod parse;

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::diagnostic::{Code, Diagnostic};
use crate::urls::slugify;
pub(crate) use front_matter::{FrontMatter, NoteDate};
pub(crate) use load::SourceFile;
pub(crate) use parse::BodyFacts;

pub(crate) use crate::ids::NoteId;

/// A note, loaded and analyzed.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Note {
    /// Path relative to the notes root (`os/process.md`), NFC.
    pub rel_path: String,
    /// Path for messages, relative to the site root (`notes/os/process.md`).
    pub display_path: String,
    pub source_path: PathBuf,
    /// The whole decoded file.
    #[serde(with = "crate::cache::notes::text")]
    pub source: String,
    /// Byte offset where the markdown body starts (after front matter).
    pub body_start: usize,
    pub front: FrontMatter,
    pub facts: BodyFacts,
    /// Output path, site-relative and unencoded: `os/프로세스-vs-스레드.html`.
    pub url: String,
    pub title: String,
    pub date: Option<NoteDate>,
    pub updated: Option<NoteDate>,
    /// Category path, e.g. `["TIL", "김희수", "2026", "02"]`.
    pub category: Vec<String>,
    pub tags: Vec<String>,
    pub description: String,
    pub draft: bool,
    /// `README.md` / `index.md`: the page of its folder.
    pub is_folder_index: bool,
    /// The notes-relative folder (`os/process`, `` at the root).
    pub folder: String,
    /// URLs the note used to have (Jekyll post URL, permalink), site-relative.
    pub old_urls: Vec<String>,
    /// A repository meta file (CONTRIBUTING.md, LICENSE, …): a page when
    /// linked, never listed among notes, recent notes or the feed.
    pub is_meta: bool,
}

impl Note {
    pub fn body(&self) -> &str {
        self.source.get(self.body_start..).unwrap_or("")
    }

    /// The file name without extension, NFC.
    pub fn stem(&self) -> &str {
        let name = self.rel_path.rsplit('/').next().unwrap_or(&self.rel_path);
        name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name)
    }

    /// Minutes to read, counting characters (Korean is read by syllable, not
    /// by word): at least 1.
    pub fn reading_minutes(&self, chars_per_minute: usize) -> usize {
        self.facts
            .char_count
            .div_ceil(chars_per_minute.max(1))
            .max(1)
    }

    /// Where a diagnostic about byte `offset` of this note points.
    pub fn diagnostic_at(&self, d: Diagnostic, offset: usize, len: usize) -> Diagnostic {
        d.with_path(self.display_path.clone())
            .at_offset(&self.source, offset, len)
    }
}

/// Whether a title shows nothing: only spaces and invisible characters
/// (zero-width space and joiners, word joiner, BOM, soft hyphen, Hangul
/// fillers).
fn is_blank(title: &str) -> bool {
    title.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{200B}'..='\u{200F}'
                    | '\u{2060}'..='\u{2064}'
                    | '\u{FEFF}'
                    | '\u{00AD}'
                    | '\u{034F}'
                    | '\u{180E}'
                    | '\u{115F}'
                    | '\u{1160}'
                    | '\u{3164}'
                    | '\u{FFA0}'
            )
    })
}

/// Reads, decodes and analyzes one note file. `display_prefix` is the notes
/// folder as seen from the site root (`notes`). Errors (unreadable front
/// matter, impossible dates) come back as Err; warnings go to `warnings`.
pub(crate) fn load_note(
    file: &SourceFile,
    display_prefix: &str,
    dialect: parse::Dialect,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Option<Note>, Diagnostic> {
    let display_path = display_path(file, display_prefix);
    let bytes = read(file, &display_path)?;
    note_of_bytes(file, display_path, bytes, dialect, warnings)
}

/// The bytes of `file`, or the error naming it as `display_path`.
pub(crate) fn read(file: &SourceFile, display_path: &str) -> Result<Vec<u8>, Diagnostic> {
    std::fs::read(&file.path).map_err(|e| {
        Diagnostic::error(Code::Read, format!("노트를 읽을 수 없습니다: {e}"))
            .with_path(display_path.to_string())
    })
}

/// The path of `file` in messages, with the notes folder's `display_prefix`.
pub(crate) fn display_path(file: &SourceFile, display_prefix: &str) -> String {
    if display_prefix.is_empty() {
        file.rel.clone()
    } else {
        format!("{display_prefix}/{}", file.rel)
    }
}

/// [`load_note`] of the bytes already read from `file`.
pub(crate) fn note_of_bytes(
    file: &SourceFile,
    display_path: String,
    bytes: Vec<u8>,
    dialect: parse::Dialect,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Option<Note>, Diagnostic> {
    let decoded = match load::decode(bytes, &display_path) {
        Ok(d) => d,
        Err(d) if !d.is_error() => {
            warnings.push(d);
            return Ok(None);
        }
        Err(d) => return Err(d),
    };
    warnings.extend(decoded.warnings);
    Ok(Some(from_source_with(
        file,
        display_path,
        decoded.text,
        dialect,
        warnings,
    )?))
}

/// Builds a note from already decoded text (also used by tests and fuzzing).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn from_source(
    file: &SourceFile,
    display_path: String,
    source: String,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Note, Diagnostic> {
    from_source_with(
        file,
        display_path,
        source,
        parse::Dialect::default(),
        warnings,
    )
}

/// [`from_source`] in a given markdown dialect.
pub(crate) fn from_source_with(
    file: &SourceFile,
    display_path: String,
    source: String,
    dialect: parse::Dialect,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Note, Diagnostic> {
    let source = crate::obsidian::comments::strip(source, &display_path, warnings);
    let (front, body_start) = match front_matter::split(&source) {
        Some(split) => (
            front_matter::parse(&source, split, &display_path, warnings)?,
            split.body_start,
        ),
        None => {
            if source.lines().next().is_some_and(|l| l.trim_end() == "---") {
                warnings.push(
                    Diagnostic::warning(
                        Code::FrontMatter,
                        "앞머리를 여는 `---`가 닫히지 않아 앞머리 없이 본문으로 읽었습니다",
                    )
                    .with_path(display_path.clone())
                    .at_line(&source, 1)
                    .with_help("앞머리 끝에 `---` 줄을 넣으세요"),
                );
            }
            (FrontMatter::default(), 0)
        }
    };
    let source = crate::jekyll::rewrite_source(
        source,
        body_start,
        &front,
        &file.rel,
        &display_path,
        warnings,
    );
    let body = source.get(body_start..).unwrap_or("");
    let mut facts = parse::analyze_with(body, body_start, dialect);
    facts.block_ids = crate::obsidian::blocks::ids(body);
    crate::obsidian::blocks::clean_facts(&mut facts);
    if let Some(open) = &facts.open_html {
        warnings.push(open_html_warning(open, &source, &display_path));
    }
    warnings.extend(crate::render::math::check(
        body,
        body_start,
        &source,
        &display_path,
    ));

    let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
    let stem = name
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(name)
        .to_string();
    let folder = file
        .rel
        .rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default();
    let lower_stem = stem.to_ascii_lowercase();
    let is_folder_index = lower_stem == "readme" || lower_stem == "index" || lower_stem == "_index";
    let jekyll = jekyll_post(&folder, &stem);

    let title = front
        .title
        .clone()
        .filter(|t| !is_blank(t))
        .or_else(|| facts.first_h1.clone().filter(|t| !is_blank(t)))
        .unwrap_or_else(|| {
            if is_folder_index {
                folder
                    .rsplit('/')
                    .next()
                    .filter(|s| !s.is_empty())
                    .unwrap_or("홈")
                    .to_string()
            } else {
                jekyll
                    .as_ref()
                    .map(|j| j.slug.replace('-', " "))
                    .unwrap_or_else(|| stem.clone())
            }
        })
        .trim()
        .to_string();

    let date = front
        .date
        .or_else(|| jekyll.as_ref().map(|j| NoteDate::day(j.date)))
        .or_else(|| date_from_path(&file.rel).map(NoteDate::day));

    let folder_segments: Vec<String> = folder
        .split('/')
        .filter(|s| !s.is_empty() && *s != "_posts")
        .map(str::to_string)
        .collect();
    let mut category = front
        .category
        .clone()
        .unwrap_or_else(|| folder_segments.clone());
    if category.len() > front_matter::MAX_CATEGORY_DEPTH {
        warnings.push(
            Diagnostic::warning(
                Code::Category,
                format!(
                    "폴더가 {}단계로 너무 깊어 분류는 앞의 {}단계만 씁니다",
                    category.len(),
                    front_matter::MAX_CATEGORY_DEPTH
                ),
            )
            .with_path(display_path.clone()),
        );
        category.truncate(front_matter::MAX_CATEGORY_DEPTH);
    }

    let url = if let Some(j) = &jekyll {
        let slug = front
            .slug
            .as_deref()
            .map(slugify)
            .unwrap_or_else(|| slugify(&j.slug));
        format!("{}/{slug}.html", j.date.format("%Y/%m/%d"))
    } else {
        let dir: Vec<String> = folder_segments.iter().map(|s| slugify(s)).collect();
        let file_part = if is_folder_index {
            "index".to_string()
        } else {
            front
                .slug
                .as_deref()
                .map(slugify)
                .unwrap_or_else(|| slugify(&stem))
        };
        if dir.is_empty() {
            format!("{file_part}.html")
        } else {
            format!("{}/{file_part}.html", dir.join("/"))
        }
    };

    let mut old_urls = Vec::new();
    if let Some(p) = &front.permalink {
        let p = p.trim_start_matches('/');
        if !p.is_empty() {
            old_urls.push(p.to_string());
        }
    }

    let description = [&front.description, &front.subtitle, &front.excerpt]
        .into_iter()
        .flatten()
        .find(|d| !d.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| parse::shorten_around(&facts.first_paragraph, "", 160));

    Ok(Note {
        rel_path: file.rel.clone(),
        display_path,
        source_path: file.path.clone(),
        body_start,
        date,
        updated: front.updated,
        tags: dedup_keep_order(front.tags.clone()),
        draft: front.draft,
        description,
        category,
        title,
        url,
        is_folder_index,
        folder,
        old_urls,
        is_meta: load::is_meta_file(&file.rel),
        front,
        facts,
        source,
    })
}

/// Raw HTML left open is closed at the end of the body (or, for
/// `<plaintext>`, written as text) so the page around it survives; the
/// author hears where.
fn open_html_warning(open: &html::OpenHtml, source: &str, display: &str) -> Diagnostic {
    let message = if open.closer.is_empty() {
        format!(
            "`{}`는 닫을 수 없는 HTML이라 페이지 전체를 삼킵니다; 글자로 보여 줍니다",
            open.what
        )
    } else {
        format!(
            "`{}`가 닫히지 않아 뒤의 페이지를 삼킵니다; 노트 끝에서 `{}`로 닫았습니다",
            open.what, open.closer
        )
    };
    Diagnostic::warning(Code::UnclosedHtml, message)
        .with_path(display)
        .at_offset(source, open.offset, 1)
        .with_help("노트 안의 HTML은 그대로 쓰입니다: 여는 태그마다 닫는 태그를 적어 주세요")
}

fn dedup_keep_order(items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

struct JekyllPost {
    date: NaiveDate,
    slug: String,
}

/// `_posts/2018-09-07-slug.md`: Jekyll's post naming, which fixes the date and
/// the old URL `/2018/09/07/slug.html`.
fn jekyll_post(folder: &str, stem: &str) -> Option<JekyllPost> {
    let in_posts = folder.split('/').any(|s| s == "_posts");
    if !in_posts {
        return None;
    }
    let date = NaiveDate::parse_from_str(stem.get(..10)?, "%Y-%m-%d").ok()?;
    let slug = stem.get(11..)?.to_string();
    (!slug.is_empty()).then_some(JekyllPost { date, slug })
}

/// A date written in the path: `2026-11-03.md`, `til/2026/11/03.md`,
/// `2026/11/03/note.md`, `2026-11-03-slug.md`.
pub(crate) fn date_from_path(rel: &str) -> Option<NaiveDate> {
    let stem = rel.rsplit('/').next().unwrap_or(rel);
    let stem = stem.rsplit_once('.').map(|(s, _)| s).unwrap_or(stem);
    if let Some(d) = stem
        .get(..10)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    {
        return Some(d);
    }
    let parts: Vec<&str> = rel.split('/').collect();
    let parts: Vec<&str> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| if i + 1 == parts.len() { stem } else { p })
        .collect();
    for w in parts.windows(3) {
        let [year, month, day] = w else { continue };
        if year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) {
            let day: String = day.chars().take_while(|c| c.is_ascii_digit()).collect();
            if let Some(d) = NaiveDate::from_ymd_opt(
                year.parse().ok()?,
                month.parse().unwrap_or(0),
                day.parse().unwrap_or(0),
            ) {
                return Some(d);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(rel: &str, text: &str) -> Note {
        let file = SourceFile {
            rel: rel.to_string(),
            path: PathBuf::from(rel),
        };
        from_source(
            &file,
            format!("notes/{rel}"),
            text.to_string(),
            &mut Vec::new(),
        )
        .unwrap()
    }

    #[test]
    fn title_fallbacks() {
        assert_eq!(note("a.md", "---\ntitle: 앞\n---\n# 뒤\n").title, "앞");
        assert_eq!(
            note("a.md", "# 👻 Process vs Thread\n").title,
            "👻 Process vs Thread"
        );
        assert_eq!(
            note("a.md", "<h1> 프로세스 </h1>\n\n본문\n").title,
            "프로세스"
        );
        assert_eq!(note("파일 이름.md", "본문뿐\n").title, "파일 이름");
    }

    #[test]
    fn urls_and_folder_pages() {
        assert_eq!(
            note("os/프로세스 vs 스레드.md", "x").url,
            "os/프로세스-vs-스레드.html"
        );
        assert_eq!(note("TIL/김희수/a.md", "x").url, "til/김희수/a.html");
        let readme = note("os/README.md", "# 운영체제\n");
        assert!(readme.is_folder_index);
        assert_eq!(readme.url, "os/index.html");
        assert_eq!(note("README.md", "x").url, "index.html");
        assert_eq!(
            note("os/a.md", "---\nslug: custom name\n---\n").url,
            "os/custom-name.html"
        );
    }

    #[test]
    fn jekyll_posts() {
        let n = note("_posts/2018-09-07-hello-world.md", "본문");
        assert_eq!(n.url, "2018/09/07/hello-world.html");
        assert_eq!(n.date.unwrap().ymd(), "2018-09-07");
        assert!(n.category.is_empty());
    }

    #[test]
    fn dates_from_paths() {
        assert_eq!(
            date_from_path("til/2026-11-03.md").unwrap().to_string(),
            "2026-11-03"
        );
        assert_eq!(
            date_from_path("til/2026/11/03.md").unwrap().to_string(),
            "2026-11-03"
        );
        assert_eq!(
            date_from_path("2026/02/08/note.md").unwrap().to_string(),
            "2026-02-08"
        );
        assert!(date_from_path("os/process.md").is_none());
    }

    #[test]
    fn category_from_front_matter_or_folder() {
        assert_eq!(note("os/sync/a.md", "x").category, vec!["os", "sync"]);
        assert_eq!(
            note("a.md", "---\ncategory: TIL/김희수/2026/02\n---\n").category,
            vec!["TIL", "김희수", "2026", "02"]
        );
    }
}
