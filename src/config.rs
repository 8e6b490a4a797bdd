//! `gongbu.yaml`: the site configuration. Every key is optional.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;

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
    /// Written to `CNAME` when set (custom domain on GitHub Pages).
    pub cname: String,
    /// How many notes the feed and the home page list.
    pub feed_limit: usize,
    /// Whether glossary terms are linked automatically in notes.
    pub autolink: bool,
    /// Same-meaning aspect names for merged comparisons:
    /// `{ 메모리: [메모리 구조, 주소 공간] }`.
    pub aspect_aliases: BTreeMap<String, Vec<String>>,
    /// Image processing options.
    pub images: ImagesConfig,
    /// Characters read per minute, for the reading time.
    pub reading_speed: usize,
    /// Free-form values handed to templates as `config.extra`.
    pub extra: BTreeMap<String, serde_yaml::Value>,
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
            cname: String::new(),
            feed_limit: 20,
            autolink: true,
            aspect_aliases: BTreeMap::new(),
            images: ImagesConfig::default(),
            reading_speed: 500,
            extra: BTreeMap::new(),
            comments: Default::default(),
            analytics: Default::default(),
        }
    }
}

pub const CONFIG_FILE: &str = "gongbu.yaml";

impl Config {
    /// Sets `base_url`, ending it with `/` unless it is empty.
    pub fn set_base_url(&mut self, url: String) {
        self.base_url = url;
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
                    "config",
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
                "config",
                format!("gongbu.yaml을 해석할 수 없습니다: {}", yaml_message(&e)),
            )
            .with_path(CONFIG_FILE);
            match e.location() {
                Some(loc) => d.at_line(text, loc.line()),
                None => d,
            }
        })?;
        let base = std::mem::take(&mut config.base_url);
        config.set_base_url(base);
        if config.reading_speed == 0 {
            config.reading_speed = 500;
        }
        Ok(config)
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
