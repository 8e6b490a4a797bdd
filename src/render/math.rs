//! Math at build time: `$…$`, `$$…$$` and ```` ```math ```` fences become
//! MathML (with `math-core`, pure Rust), so formulas show offline and from
//! `file://` with no script. An expression that cannot be converted keeps
//! its source on the page, and the analysis reports it as a warning at
//! `path:line:col` ([`check`]).
//!
//! Dollar amounts (`$5와 $10`) are left alone by pulldown-cmark's math
//! rules (GitHub's): an opening `$` must not be followed by a space, a
//! closing one must not follow a space.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::sync::OnceLock;

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_html, escape_html_body_text};

use crate::diagnostic::{Code, Diagnostic};

/// Longest expression converted (a formula in a note is a few hundred
/// bytes; this bounds the converter's work on hostile input).
const MAX_LEN: usize = 20_000;
/// Deepest `{`/`\left` nesting converted (the converter recurses).
const MAX_DEPTH: usize = 64;

fn converter() -> &'static LatexToMathML {
    static CONV: OnceLock<LatexToMathML> = OnceLock::new();
    CONV.get_or_init(|| LatexToMathML::new(MathCoreConfig::default()).unwrap_or_default())
}

/// Why an expression was not converted: a message in Korean and the byte
/// range in the expression it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MathError {
    pub(crate) message: String,
    pub(crate) at: usize,
}

/// `latex` as MathML (`<math>…</math>`, `display="block"` for display math).
pub(crate) fn to_mathml(latex: &str, display: bool) -> Result<String, MathError> {
    if latex.len() > MAX_LEN {
        return Err(MathError {
            message: format!("수식이 너무 깁니다 ({}바이트 넘음)", MAX_LEN),
            at: 0,
        });
    }
    if let Some(at) = too_deep(latex) {
        return Err(MathError {
            message: format!("괄호가 너무 깊이 겹쳐 있습니다 ({MAX_DEPTH}단계까지)"),
            at,
        });
    }
    let mode = if display {
        MathDisplay::Block
    } else {
        MathDisplay::Inline
    };
    // The converter is a third-party parser: a bug in it must not take the
    // build down, so a panic becomes an error for this one expression.
    let result = std::panic::catch_unwind(|| converter().convert_with_local_counter(latex, mode));
    match result {
        Ok(Ok(mathml)) => Ok(mathml),
        Ok(Err(e)) => Err(MathError {
            message: e.error_message(),
            at: e.0.start.min(latex.len()),
        }),
        Err(_) => Err(MathError {
            message: "수식 변환기가 이 식을 처리하지 못했습니다".to_string(),
            at: 0,
        }),
    }
}

/// Offset of the first brace or `\left` nested deeper than [`MAX_DEPTH`].
fn too_deep(latex: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = latex.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => {
                let rest = latex.get(i + 1..).unwrap_or("");
                if rest.starts_with("left") {
                    depth += 1;
                } else if rest.starts_with("right") {
                    depth = depth.saturating_sub(1);
                }
                i += 2;
                continue;
            }
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_DEPTH {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The HTML of one expression: its MathML in a `span.math`, or, when it
/// cannot be converted, its source (delimiters included) in a
/// `code.math-error` whose title says why.
pub(crate) fn math_html(latex: &str, display: bool) -> String {
    let class = if display {
        "math math-display"
    } else {
        "math math-inline"
    };
    match to_mathml(latex, display) {
        Ok(mathml) => {
            let mut s = String::with_capacity(mathml.len() + 40);
            s.push_str("<span class=\"");
            s.push_str(class);
            s.push_str("\">");
            s.push_str(&mathml);
            s.push_str("</span>");
            s
        }
        Err(e) => {
            let delim = if display { "$$" } else { "$" };
            let mut s = format!("<code class=\"{class} math-error\" title=\"");
            let _ = escape_html(
                &mut s,
                &format!("수식을 변환하지 못했습니다: {}", e.message),
            );
            s.push_str("\">");
            s.push_str(delim);
            let _ = escape_html_body_text(&mut s, latex);
            s.push_str(delim);
            s.push_str("</code>");
            s
        }
    }
}

/// The pass: inline and display math to MathML.
pub(crate) fn pass<'a>(
    events: impl IntoIterator<Item = Event<'a>>,
) -> impl Iterator<Item = Event<'a>> {
    events.into_iter().map(|e| match e {
        Event::InlineMath(m) => Event::InlineHtml(CowStr::from(math_html(&m, false))),
        Event::DisplayMath(m) => Event::InlineHtml(CowStr::from(math_html(&m, true))),
        other => other,
    })
}

/// A ```` ```math ```` fence: display math on its own line.
pub(crate) fn fence_html(code: &str) -> String {
    let mut s = String::from("<p class=\"math-block\">");
    s.push_str(&math_html(code.trim_end(), true));
    s.push_str("</p>\n");
    s
}

/// Whether a fence's info string makes it a math block.
pub(crate) fn is_math_fence(info: &str) -> bool {
    info.split_whitespace()
        .next()
        .is_some_and(|t| t.eq_ignore_ascii_case("math"))
}

/// Warnings for the expressions of a note body that cannot be converted,
/// pointing at the place in the file (`body` starts at byte `base` of
/// `source`, the whole file).
pub(crate) fn check(body: &str, base: usize, source: &str, display_path: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !body.contains('$') && !body.contains("```math") && !body.contains("~~~math") {
        return out;
    }
    let mut fence: Option<usize> = None;
    for (event, range) in Parser::new_ext(body, crate::note::parse::options()).into_offset_iter() {
        let found = match event {
            Event::InlineMath(m) => Some((m, range.start + 1, false)),
            Event::DisplayMath(m) => Some((m, range.start + 2, true)),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_math_fence(&info) => {
                fence = Some(range.start);
                None
            }
            Event::Text(t) if fence.is_some() => Some((t, range.start, true)),
            Event::End(TagEnd::CodeBlock) => {
                fence = None;
                None
            }
            _ => None,
        };
        let Some((latex, start, display)) = found else {
            continue;
        };
        let latex = if fence.is_some() {
            latex.trim_end()
        } else {
            &latex
        };
        if let Err(e) = to_mathml(latex, display) {
            let len = latex
                .get(e.at..)
                .map_or(1, |r| r.chars().next().map_or(1, char::len_utf8));
            out.push(
                Diagnostic::warning(
                    Code::Math,
                    format!("수식을 MathML로 바꾸지 못해 원문을 그대로 보여 줍니다: {}", e.message),
                )
                .with_path(display_path)
                .at_offset(source, base + start + e.at, len)
                .with_help("지원하는 LaTeX 명령은 README의 '수식'을 보세요. 달러 기호를 글자로 쓰려면 `\\$`로 적습니다"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_display() {
        let m = math_html("O(n \\log n)", false);
        assert!(
            m.starts_with("<span class=\"math math-inline\"><math"),
            "{m}"
        );
        assert!(m.contains("<mi>n</mi>"), "{m}");
        let m = math_html("\\frac{a}{b}", true);
        assert!(
            m.contains("display=\"block\"") && m.contains("<mfrac>"),
            "{m}"
        );
    }

    #[test]
    fn errors_keep_the_source() {
        let m = math_html("\\frac{1}{<b>", false);
        assert!(
            m.starts_with("<code class=\"math math-inline math-error\""),
            "{m}"
        );
        assert!(m.contains("$\\frac{1}{&lt;b&gt;$"), "{m}");
        assert!(to_mathml("\\nosuchcommand{x}", false).is_err());
    }

    #[test]
    fn deep_nesting_is_refused_not_recursed() {
        let deep = "{".repeat(10_000);
        assert!(to_mathml(&deep, false).is_err());
        let long = "x".repeat(MAX_LEN + 1);
        assert!(to_mathml(&long, false).is_err());
    }

    #[test]
    fn check_points_at_the_expression() {
        let body = "# 제목\n\n시간은 $O(n \\nosuch)$ 입니다.\n";
        let source = format!("---\ntitle: x\n---\n{body}");
        let base = source.len() - body.len();
        let d = check(body, base, &source, "notes/a.md");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, 6);
        assert!(d[0].col > 8, "{:?}", d[0]);
        assert!(check("$5와 $10을 냈다\n", 0, "$5와 $10을 냈다\n", "a.md").is_empty());
        let body = "# 식\n\n```math\nx = \\nosuch\n```\n";
        let d = check(body, 0, body, "notes/b.md");
        assert_eq!((d.len(), d[0].line, d[0].col), (1, 4, 5), "{d:?}");
    }
}
