//! Code highlighting at build time with syntect (plus two-face's extra
//! syntaxes: TypeScript, TOML, Kotlin, Dockerfile, …), as CSS classes so one
//! stylesheet serves the light and the dark theme.

use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::escape_html_body_text;
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// Loads the syntax definitions now (they load lazily otherwise), so the
/// first highlighted block does not pay for it inside a parallel phase.
pub fn warm_up() {
    let _ = syntaxes();
}

/// The syntax for a fence's language token (`rust`, `py`, `ts`, `Dockerfile`,
/// `sh`, `kt`, …); None for unknown languages and plain text.
pub fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let token = lang.trim().to_ascii_lowercase();
    let token = match token.as_str() {
        "" | "text" | "plain" | "plaintext" | "txt" | "none" | "nohighlight" | "output" => {
            return None
        }
        "shell" | "console" | "zsh" | "shell-session" | "terminal" => "bash",
        "c++" => "cpp",
        "golang" => "go",
        "kt" | "kts" => "kotlin",
        "yml" => "yaml",
        "py3" | "python3" => "python",
        "js" | "node" | "mjs" => "javascript",
        "ts" => "typescript",
        "dockerfile" | "docker" => "Dockerfile",
        "jsonc" | "json5" => "json",
        "asm" | "nasm" => "assembly",
        other => other,
    };
    let set = syntaxes();
    set.find_syntax_by_token(token)
        .or_else(|| set.find_syntax_by_name(token))
        .or_else(|| {
            set.syntaxes()
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(token))
        })
}

/// HTML of a code block: `<pre class="code"><code class="language-x">` with
/// `hl-*` spans when the language is known, escaped plain text otherwise.
pub fn code_block_html(code: &str, lang: &str) -> String {
    let lang_token = lang
        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .unwrap_or("");
    let mut out = String::with_capacity(code.len() * 2 + 64);
    let syntax = find_syntax(lang_token);
    let class_lang: String = lang_token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '+' || *c == '_')
        .collect();
    out.push_str("<pre class=\"code\"");
    if !class_lang.is_empty() {
        out.push_str(" data-lang=\"");
        out.push_str(&class_lang);
        out.push('"');
    }
    out.push_str("><code");
    if !class_lang.is_empty() {
        out.push_str(" class=\"language-");
        out.push_str(&class_lang);
        out.push('"');
    }
    out.push('>');
    match syntax.and_then(|s| highlight_lines(code, s)) {
        Some(html) => out.push_str(&html),
        None => {
            let _ = escape_html_body_text(&mut out, code);
        }
    }
    out.push_str("</code></pre>\n");
    out
}

fn highlight_lines(code: &str, syntax: &SyntaxReference) -> Option<String> {
    let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        gen.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(gen.finalize())
}

/// The stylesheet for highlighted code: a light theme by default, a dark
/// one when the system asks for it (unless the reader chose light) or the
/// reader chose dark. Built once per process (every build and every
/// `serve` rebuild writes it).
pub fn stylesheet() -> String {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(build_stylesheet).clone()
}

fn build_stylesheet() -> String {
    use two_face::theme::EmbeddedThemeName;
    let themes = two_face::theme::extra();
    let light =
        css_for_theme_with_class_style(themes.get(EmbeddedThemeName::InspiredGithub), CLASS_STYLE)
            .unwrap_or_default();
    let dark =
        css_for_theme_with_class_style(themes.get(EmbeddedThemeName::OneHalfDark), CLASS_STYLE)
            .unwrap_or_default();
    let mut css =
        String::from("/* 코드 강조: 밝은 테마 InspiredGitHub, 어두운 테마 OneHalfDark */\n");
    css.push_str(&scope_css(&light, ":root"));
    css.push_str(&scope_css(&dark, ":root[data-theme=\"dark\"]"));
    css.push_str("@media (prefers-color-scheme: dark) {\n");
    css.push_str(&scope_css(&dark, ":root:not([data-theme=\"light\"])"));
    css.push_str("}\n");
    css
}

/// Prefixes every selector of a flat stylesheet with `scope`, and keeps the
/// theme's background off `pre` (the site's own CSS styles the box).
fn scope_css(css: &str, scope: &str) -> String {
    let mut out = String::with_capacity(css.len() * 2);
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let selectors = &rest[..open];
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let body = &rest[open..open + close + 1];
        let selectors: Vec<String> = strip_comments(selectors)
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("{scope} {s}"))
            .collect();
        if !selectors.is_empty() {
            out.push_str(&selectors.join(", "));
            out.push(' ');
            out.push_str(body);
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out
}

fn strip_comments(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start..].find("*/") {
            Some(end) => rest = &rest[start + end + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// The pass: fenced and indented code blocks become highlighted HTML.
pub fn pass<'a>(events: Vec<Event<'a>>) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut code: Option<(String, String)> = None;
    for event in events {
        match (&mut code, event) {
            (None, Event::Start(Tag::CodeBlock(kind))) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            (Some((_, buf)), Event::Text(t)) => buf.push_str(&t),
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                if let Some((lang, buf)) = code.take() {
                    out.push(Event::Html(CowStr::from(code_block_html(&buf, &lang))));
                }
            }
            (Some(_), _) => {}
            (None, e) => out.push(e),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes() {
        let html = code_block_html("fn main() {}\n", "rust");
        assert!(html
            .starts_with("<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\">"));
        assert!(html.contains("hl-"), "{html}");
        for lang in [
            "ts",
            "toml",
            "kotlin",
            "Dockerfile",
            "python",
            "c",
            "java",
            "bash",
            "yaml",
            "sh",
        ] {
            assert!(find_syntax(lang).is_some(), "{lang}");
        }
    }

    #[test]
    fn unknown_and_plain_are_escaped_text() {
        let html = code_block_html("<T> & 한글\n", "nosuchlang");
        assert!(html.contains("&lt;T&gt; &amp; 한글"));
        assert!(!html.contains("hl-"));
        let html = code_block_html("┌──┐\n", "");
        assert_eq!(html, "<pre class=\"code\"><code>┌──┐\n</code></pre>\n");
    }

    #[test]
    fn stylesheet_has_both_themes() {
        let css = stylesheet();
        assert!(css.contains(":root .hl-"));
        assert!(css.contains(":root[data-theme=\"dark\"] .hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
