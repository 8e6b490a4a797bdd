//! `gongbu.yaml`: the site configuration. Every key is optional.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic};

/// The site configuration as written in `gongbu.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Site title, shown in the header and the feed.
    pub title: String,
    /// One sentence about the site (meta description, feed subtitle).
    pub description: String,
    /// Default author of notes that name none.
    pub author: String,
    /// Absolute URL the site is published at, e.g.
    /// `https://user.github.io/repo/`. Only used where an absolute URL is
    /// required: feed, sitemap, canonical link, Open Graph.
    pub base_url: String,
    /// `lang` of the pages.
    pub language: String,
    /// The notes' own repository on GitHub (`https://github.com/OWNER/REPO`):
    /// links into it become internal links.
    pub repo_url: String,
    /// Branch of `repo_url` the notes are on, for the "GitHub에서 보기/고치기"
    /// links (`main` when empty).
    pub repo_branch: String,
    /// Written to `CNAME` when set (custom domain on GitHub Pages).
    pub cname: String,
    /// How many notes the feed and the home page list.
    pub feed_limit: usize,
    /// Whether glossary terms are linked automatically in notes.
    pub autolink: bool,
    /// CJK-friendly emphasis (`**"따옴표"**는` is bold); false for strict
    /// CommonMark.
    pub cjk_emphasis: bool,
    /// Same-meaning aspect names for merged comparisons:
    /// `{ 메모리: [메모리 구조, 주소 공간] }`.
    pub aspect_aliases: BTreeMap<String, Vec<String>>,
    /// Image processing options.
    pub images: ImagesConfig,
    /// Characters read per minute, for the reading time.
    pub reading_speed: usize,
    /// The notes are an Obsidian vault: inline `#태그` count as tags (also
    /// on when the notes root holds `.obsidian/`).
    pub obsidian: bool,
    /// Free-form values handed to templates as `config.extra`.
    pub extra: BTreeMap<String, serde_yaml::Value>,
    /// The site's IANA time zone (`gongbu new` dates notes in it).
    pub timezone: String,
    /// Image shared (`og:image`) for pages that have none of their own.
    pub og_image: String,
    /// `summary` (default) or `full`: what the feeds carry of each note.
    pub feed_content: String,
    /// What `_config.yml` of a Jekyll blog says (not a gongbu.yaml key).
    #[serde(skip)]
    pub jekyll: Option<crate::jekyll::JekyllSite>,
    /// Where the notes are, relative to the site root: `notes` by default,
    /// `.` for the root itself (a repository of markdown as it is).
    pub notes_dir: String,
    /// Gitignore-style patterns of files and folders that are not notes.
    pub exclude: Vec<String>,
    /// Whether dates missing from front matter come from git history.
    pub git_dates: bool,
    /// Comments under notes (giscus or utterances); none by default.
    pub comments: crate::render::third_party::CommentsConfig,
    /// Analytics (GoatCounter, Plausible, Google); none by default.
    pub analytics: crate::render::third_party::AnalyticsConfig,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ImagesConfig {
    /// Raster images wider than this are downscaled into a copy.
    pub max_width: Option<u32>,
    /// Images with more pixels than this are not decoded (decompression
    /// bombs): copied as they are, without a scaled copy. None: 50 MP.
    pub max_pixels: Option<u64>,
}

/// Default of `images.max_pixels`: 50 megapixels.
pub const DEFAULT_MAX_PIXELS: u64 = 50_000_000;

impl ImagesConfig {
    /// The pixel limit in effect.
    pub fn pixel_limit(&self) -> u64 {
        self.max_pixels.unwrap_or(DEFAULT_MAX_PIXELS)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "공부 노트".to_string(),
            description: String::new(),
            author: String::new(),
            base_url: String::new(),
            language: "ko".to_string(),
            repo_url: String::new(),
            repo_branch: String::new(),
            cname: String::new(),
            feed_limit: 20,
            autolink: true,
            cjk_emphasis: true,
            aspect_aliases: BTreeMap::new(),
            images: ImagesConfig::default(),
            reading_speed: 500,
            obsidian: false,
            extra: BTreeMap::new(),
            timezone: DEFAULT_TIMEZONE.to_string(),
            og_image: String::new(),
            feed_content: String::new(),
            jekyll: None,
            notes_dir: DEFAULT_NOTES_DIR.to_string(),
            exclude: Vec::new(),
            git_dates: true,
            comments: Default::default(),
            analytics: Default::default(),
        }
    }
}

/// The notes folder when neither `notes_dir` nor `--notes` names one.
pub const DEFAULT_NOTES_DIR: &str = crate::site_files::NOTES_DIR;

pub const CONFIG_FILE: &str = "gongbu.yaml";
/// The time zone of a site that names none.
pub const DEFAULT_TIMEZONE: &str = "Asia/Seoul";

/// What `base_url` may hold in a path besides unreserved ASCII: the rest
/// (spaces, Hangul, quotes) is percent-encoded, so feeds and sitemaps stay
/// valid URLs.
const BASE_URL_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^');

/// Checks that `url` is an absolute http(s) URL with a host, or empty.
pub fn check_base_url(url: &str) -> Result<(), Diagnostic> {
    if url.is_empty() {
        return Ok(());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    let ok = host.is_some_and(|h| {
        !h.is_empty()
            && h.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_')
            })
    });
    if ok {
        Ok(())
    } else {
        Err(Diagnostic::error(
            Code::Config,
            format!("base_url `{url}`은 http(s) 주소가 아닙니다"),
        )
        .with_path(CONFIG_FILE)
        .with_help("예: base_url: https://user.github.io/repo/ (한글 도메인은 punycode로)"))
    }
}

impl Config {
    /// Whether the feeds carry each note's whole HTML (`feed_content: full`),
    /// not its summary.
    pub(crate) fn full_feeds(&self) -> bool {
        self.feed_content.trim() == "full"
    }

    /// The markdown dialect notes are read in.
    pub fn dialect(&self) -> crate::note::parse::Dialect {
        crate::note::parse::Dialect {
            cjk_emphasis: self.cjk_emphasis,
        }
    }

    /// Sets `base_url`, ending it with `/` unless it is empty.
    pub fn set_base_url(&mut self, url: String) {
        self.base_url =
            percent_encoding::utf8_percent_encode(url.trim(), BASE_URL_ESCAPES).to_string();
        if !self.base_url.is_empty() && !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
    }

    /// Reads `ROOT/gongbu.yaml` when it exists; a missing file is the defaults.
    /// A file that does not parse is a config error (exit code 2).
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(Diagnostic::error(
                    Code::Config,
                    format!("설정 파일을 읽을 수 없습니다: {e}"),
                )
                .with_path(CONFIG_FILE))
            }
        };
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        let text = text.trim_start_matches('\u{feff}');
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let mut config: Config = crate::yaml::from_str(text).map_err(|e| {
            let d = Diagnostic::error(
                Code::Config,
                format!("gongbu.yaml을 해석할 수 없습니다: {}", yaml_message(&e)),
            )
            .with_path(CONFIG_FILE);
            match e.location() {
                Some(loc) => d.at_line(text, loc.line()),
                None => d,
            }
        })?;
        let base = std::mem::take(&mut config.base_url);
        check_base_url(base.trim()).map_err(|d| match find_key(text, "base_url") {
            Some(line) => d.at_line(text, line),
            None => d,
        })?;
        config.set_base_url(base);
        config
            .time_zone()
            .map_err(|d| match find_key(text, "timezone") {
                Some(line) => d.at_line(text, line),
                None => d,
            })?;
        if config.reading_speed == 0 {
            config.reading_speed = 500;
        }
        Ok(config)
    }

    /// The site's time zone (`timezone:`, default Asia/Seoul).
    pub fn time_zone(&self) -> Result<chrono_tz::Tz, Diagnostic> {
        let name = if self.timezone.trim().is_empty() {
            DEFAULT_TIMEZONE
        } else {
            self.timezone.trim()
        };
        name.parse::<chrono_tz::Tz>().map_err(|_| {
            Diagnostic::error(Code::Config, format!("알 수 없는 시간대 `{name}`입니다"))
                .with_path(CONFIG_FILE)
                .with_help("IANA 이름을 쓰세요 (예: Asia/Seoul, America/New_York, UTC)")
        })
    }

    /// Today's date in the site's time zone.
    pub fn today(&self) -> Result<chrono::NaiveDate, Diagnostic> {
        let tz = self.time_zone()?;
        Ok(chrono::Utc::now().with_timezone(&tz).date_naive())
    }

    /// `base_url` joined with a site-relative URL, or None without base_url.
    pub fn absolute_url(&self, site_relative: &str) -> Option<String> {
        if self.base_url.is_empty() {
            None
        } else {
            Some(format!("{}{}", self.base_url, site_relative))
        }
    }
}

/// The 1-based line where the top-level `key:` is written, if it is.
fn find_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// serde_yaml's message without its trailing location (we print our own).
pub fn yaml_message(e: &serde_yaml::Error) -> String {
    let msg = e.to_string();
    let msg = match msg.find(" at line ") {
        Some(i) => msg.get(..i).unwrap_or(&msg).to_string(),
        None => msg,
    };
    // serde_yaml's own guards, in the words of the rest of the messages.
    if msg.starts_with("repetition limit exceeded") {
        crate::yaml::TOO_LARGE.to_string()
    } else if msg.starts_with("recursion limit exceeded") {
        "목록·키가 너무 깊이 겹쳐 있습니다 (128단계까지)".to_string()
    } else {
        msg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_default() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
    }

    #[test]
    fn base_url_gets_a_slash() {
        let c = Config::parse("base_url: https://a.github.io/notes\ntitle: 노트").unwrap();
        assert_eq!(c.base_url, "https://a.github.io/notes/");
        assert_eq!(
            c.absolute_url("os/a.html").unwrap(),
            "https://a.github.io/notes/os/a.html"
        );
    }

    #[test]
    fn unknown_key_is_an_error_with_a_line() {
        let e = Config::parse("title: x\ntitel: y\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("titel"), "{}", e.message);
    }
}
