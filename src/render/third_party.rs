//! Comments and analytics, only as settings: `comments:` (giscus or
//! utterances) and `analytics:` (GoatCounter, Plausible, Google Analytics)
//! in `gongbu.yaml`. Without them no page refers to any other host. The
//! comment widget is loaded by the theme's `note.js` when the reader
//! scrolls near it, in the page's light or dark theme.

use serde::{Deserialize, Serialize};

use pulldown_cmark_escape::escape_html;

/// `comments:` in `gongbu.yaml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CommentsConfig {
    pub giscus: Option<Giscus>,
    pub utterances: Option<Utterances>,
}

/// giscus (GitHub Discussions): the values giscus.app gives for the
/// repository, without the `data-` prefix.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Giscus {
    pub repo: String,
    pub repo_id: String,
    pub category: String,
    pub category_id: String,
    /// `pathname` (default), `url`, `title`, `og:title`.
    pub mapping: String,
    pub strict: bool,
    pub reactions: bool,
    /// `bottom` (default) or `top`.
    pub input_position: String,
    pub lang: String,
}

impl Default for Giscus {
    fn default() -> Self {
        Giscus {
            repo: String::new(),
            repo_id: String::new(),
            category: String::new(),
            category_id: String::new(),
            mapping: "pathname".to_string(),
            strict: false,
            reactions: true,
            input_position: "bottom".to_string(),
            lang: "ko".to_string(),
        }
    }
}

/// utterances (GitHub issues).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Utterances {
    pub repo: String,
    /// `pathname` (default), `url`, `title`, `og:title`.
    pub issue_term: String,
    pub label: String,
}

impl Default for Utterances {
    fn default() -> Self {
        Utterances {
            repo: String::new(),
            issue_term: "pathname".to_string(),
            label: String::new(),
        }
    }
}

/// `analytics:` in `gongbu.yaml`; each service is on when its key is set.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AnalyticsConfig {
    /// GoatCounter site code (`mysite`) or its full count URL.
    pub goatcounter: String,
    /// Plausible: the site's domain as registered there.
    pub plausible: String,
    /// Plausible's script, for a self-hosted Plausible.
    pub plausible_script: String,
    /// Google Analytics 4 measurement ID (`G-XXXXXXX`).
    pub google: String,
}

fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    let _ = escape_html(&mut *out, value);
    out.push('"');
}

/// The analytics scripts for every page's `<head>`; empty without settings.
pub(crate) fn analytics_html(a: &AnalyticsConfig) -> String {
    let mut out = String::new();
    let goat = a.goatcounter.trim();
    if !goat.is_empty() {
        let url = if goat.starts_with("https://") {
            goat.to_string()
        } else {
            format!("https://{goat}.goatcounter.com/count")
        };
        out.push_str("<script");
        attr(&mut out, "data-goatcounter", &url);
        out.push_str(" async src=\"https://gc.zgo.at/count.js\"></script>\n");
    }
    let domain = a.plausible.trim();
    if !domain.is_empty() {
        let src = match a.plausible_script.trim() {
            "" => "https://plausible.io/js/script.js",
            s => s,
        };
        out.push_str("<script defer");
        attr(&mut out, "data-domain", domain);
        attr(&mut out, "src", src);
        out.push_str("></script>\n");
    }
    // The ID goes into a script: only the characters an ID has.
    let id: String = a
        .google
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if !id.is_empty() {
        out.push_str(&format!(
            "<script async src=\"https://www.googletagmanager.com/gtag/js?id={id}\"></script>\n\
             <script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}\
             gtag('js',new Date());gtag('config','{id}');</script>\n"
        ));
    }
    out
}

/// The comment box for note pages; empty without settings. The script is
/// not in it: `note.js` adds it from the `data-` attributes when the box
/// comes near the screen, with the current theme.
pub(crate) fn comments_html(c: &CommentsConfig) -> String {
    let mut out = String::new();
    if let Some(g) = c.giscus.as_ref().filter(|g| !g.repo.trim().is_empty()) {
        out.push_str("<section class=\"comments\" id=\"comments\" aria-label=\"댓글\" data-comments=\"giscus\"");
        attr(&mut out, "data-src", "https://giscus.app/client.js");
        attr(&mut out, "data-repo", g.repo.trim());
        attr(&mut out, "data-repo-id", &g.repo_id);
        attr(&mut out, "data-category", &g.category);
        attr(&mut out, "data-category-id", &g.category_id);
        attr(&mut out, "data-mapping", &g.mapping);
        attr(&mut out, "data-strict", if g.strict { "1" } else { "0" });
        attr(
            &mut out,
            "data-reactions-enabled",
            if g.reactions { "1" } else { "0" },
        );
        attr(&mut out, "data-emit-metadata", "0");
        attr(&mut out, "data-input-position", &g.input_position);
        attr(&mut out, "data-lang", &g.lang);
        out.push_str("><h2>댓글</h2><p class=\"comments-note\">댓글은 GitHub Discussions(giscus)로 불러옵니다.</p></section>\n");
    } else if let Some(u) = c.utterances.as_ref().filter(|u| !u.repo.trim().is_empty()) {
        out.push_str("<section class=\"comments\" id=\"comments\" aria-label=\"댓글\" data-comments=\"utterances\"");
        attr(&mut out, "data-src", "https://utteranc.es/client.js");
        attr(&mut out, "data-repo", u.repo.trim());
        attr(&mut out, "data-issue-term", &u.issue_term);
        if !u.label.is_empty() {
            attr(&mut out, "data-label", &u.label);
        }
        out.push_str("><h2>댓글</h2><p class=\"comments-note\">댓글은 GitHub 이슈(utterances)로 불러옵니다.</p></section>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_without_settings() {
        assert_eq!(analytics_html(&AnalyticsConfig::default()), "");
        assert_eq!(comments_html(&CommentsConfig::default()), "");
    }

    #[test]
    fn analytics_values_are_escaped() {
        let html = analytics_html(&AnalyticsConfig {
            goatcounter: "mysite".into(),
            plausible: "a.com\"><x".into(),
            google: "G-AB12');alert(1)//".into(),
            ..AnalyticsConfig::default()
        });
        assert!(html.contains("https://mysite.goatcounter.com/count"));
        assert!(
            html.contains("data-domain=\"a.com&quot;&gt;&lt;x\""),
            "{html}"
        );
        assert!(html.contains("'G-AB12alert1'"), "{html}");
    }
}
