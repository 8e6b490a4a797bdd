//! Code highlighting at build time with syntect (plus two-face's extra
//! syntaxes: TypeScript, TOML, Kotlin, Dockerfile, …), as CSS classes so one
//! stylesheet serves the light and the dark theme, with every token colour
//! made readable (WCAG AA) on the theme's code background.
//!
//! Plain-text blocks with Hangul or symbols in them (diagrams such as
//! `┌──┐ │ 스택 │`, aligned notes) are laid out in columns: every character
//! that is neither ASCII nor box drawing is wrapped in a span the theme
//! sizes in `ch` (two for Hangul), so what lined up in the author's editor
//! lines up in any font.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;

use pulldown_cmark_escape::escape_html_body_text;
use rustc_hash::{FxHashMap, FxHasher};
use syntect::html::{css_for_theme_with_class_style, ClassStyle};
use syntect::parsing::{
    BasicScopeStackOp, ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet,
};
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
pub(crate) fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
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
    let syntax = LINE_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        match cache.syntax_for.get(lang_token) {
            Some(&s) => s,
            None => {
                let s = find_syntax(lang_token);
                cache.syntax_for.insert(lang_token.to_string(), s);
                s
            }
        }
    });
    let class_lang: String = lang_token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '+' || *c == '_')
        .collect();
    out.push_str(PRE_OPEN);
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
        None if needs_columns(code) => {
            out.replace_range(..PRE_OPEN.len(), PRE_DIAGRAM_OPEN);
            push_diagram_text(&mut out, code);
        }
        None => {
            let _ = escape_html_body_text(&mut out, code);
        }
    }
    out.push_str("</code></pre>\n");
    out
}

const PRE_OPEN: &str = "<pre class=\"code\"";
const PRE_DIAGRAM_OPEN: &str = "<pre class=\"code aligned\"";

/// Box drawing (U+2500–257F) and block elements (U+2580–259F).
fn is_box_drawing(c: char) -> bool {
    ('\u{2500}'..='\u{259F}').contains(&c)
}

/// Whether a plain block relies on columns: it draws boxes, uses symbols
/// such as `→` or `·` (two columns wide in Korean coding fonts, one in the
/// author's editor), or pads text after Hangul with spaces to line up what
/// follows. Korean prose in a block needs none of that and keeps the
/// natural look of the coding font.
fn needs_columns(code: &str) -> bool {
    use unicode_width::UnicodeWidthChar;
    code.lines().any(|line| {
        let mut seen_wide = false;
        let mut spaces = 0;
        for c in line.chars() {
            if c.is_ascii() {
                if c == ' ' {
                    spaces += 1;
                } else {
                    if seen_wide && spaces >= 2 {
                        return true;
                    }
                    spaces = 0;
                }
                continue;
            }
            if is_box_drawing(c) || c.width() == Some(1) || (seen_wide && spaces >= 2) {
                return true;
            }
            seen_wide |= c.width() == Some(2);
            spaces = 0;
        }
        false
    })
}

/// Escaped text of a plain block, with every character that is neither
/// ASCII nor box drawing in a span of its width in columns: `w2` for
/// Hangul, CJK and other wide characters, `w1` for narrow ones (arrows,
/// `·`, `※`). The theme gives the spans that many `ch`, so a diagram
/// written in an editor where Hangul is two columns lines up in any font
/// (Korean coding fonts draw `→` and `─` two columns wide).
fn push_diagram_text(out: &mut String, code: &str) {
    use unicode_width::UnicodeWidthChar;
    let mut buf = [0u8; 4];
    for c in code.chars() {
        if c.is_ascii() || is_box_drawing(c) {
            let _ = escape_html_body_text(&mut *out, c.encode_utf8(&mut buf));
            continue;
        }
        let class = match c.width() {
            Some(2) => "w2",
            Some(1) => "w1",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str("<span class=\"");
        out.push_str(class);
        out.push_str("\">");
        out.push(c);
        out.push_str("</span>");
    }
}

fn highlight_lines(code: &str, syntax: &'static SyntaxReference) -> Option<String> {
    LINE_CACHE.with(|cache| cache.borrow_mut().highlight(code, syntax))
}

/// Forgets the memo of highlighted lines on every thread (the calling one
/// and rayon's): called once the note pages are written, so the steps after
/// them do not carry the memo's memory (up to [`MAX_CACHED_BYTES`] a
/// thread) on top of their own.
pub(crate) fn forget_line_memo() {
    let forget = || LINE_CACHE.with(|cache| cache.borrow_mut().forget_lines());
    forget();
    rayon::broadcast(|_| forget());
}

thread_local! {
    static LINE_CACHE: RefCell<LineCache> = RefCell::new(LineCache::default());
}

/// Highlighting state between two lines: the parser's and the stack of
/// open scopes (spans).
#[derive(Clone, PartialEq, Eq)]
struct LineState {
    parse: ParseState,
    scopes: ScopeStack,
}

/// One line highlighted from one state.
struct LineEntry {
    from: u32,
    line: Box<str>,
    html: Box<str>,
    span_delta: isize,
    to: u32,
}

/// Memo of highlighted lines, one per thread. Parsing a line is a search of
/// many regular expressions and by far the dearest step of a build; code in
/// notes repeats lines (`}`, `import …`, `#include <stdio.h>`, blank lines,
/// a snippet varied in one place), and a line parsed from the same state
/// always gives the same markup and the same next state. States are
/// interned so a line's key is (state number, text); the entry is checked
/// in full on every hit, so the output is exactly the same as without the
/// memo.
#[derive(Default)]
struct LineCache {
    states: Vec<LineState>,
    state_ids: FxHashMap<u64, Vec<u32>>,
    initial: FxHashMap<usize, u32>,
    lines: FxHashMap<u64, LineEntry>,
    /// Bytes the entries of `lines` hold (text, markup and bookkeeping).
    bytes: usize,
    /// [`find_syntax`] of each fence language seen.
    syntax_for: FxHashMap<String, Option<&'static SyntaxReference>>,
    /// The class attribute of each scope met (`hl-source hl-rust`), made
    /// once per thread instead of once per token (syntect makes it under a
    /// global lock every time).
    classes: ClassNames,
}

/// Class attributes of scopes, per thread.
#[derive(Default)]
struct ClassNames(FxHashMap<Scope, Box<str>>);

impl ClassNames {
    fn get(&mut self, scope: Scope) -> &str {
        self.0.entry(scope).or_insert_with(|| {
            // `Scope::build_string` joins the atoms with dots; the class
            // attribute is each atom with the prefix, joined with spaces
            // (what syntect's `ClassStyle::SpacedPrefixed` writes).
            let dotted = scope.build_string();
            let mut class = String::with_capacity(dotted.len() + 16);
            for (i, atom) in dotted.split('.').enumerate() {
                if i > 0 {
                    class.push(' ');
                }
                class.push_str(CLASS_PREFIX);
                class.push_str(atom);
            }
            class.into_boxed_str()
        })
    }
}

const CLASS_PREFIX: &str = "hl-";

/// One parsed line as `<span class="hl-…">` markup appended to `out`, the
/// scopes in `stack` carried over; returns how many spans the line left
/// open (negative: closed). The same markup as syntect's
/// `line_tokens_to_classed_spans` with [`CLASS_STYLE`], written straight
/// into `out` with class names from `classes`.
fn push_classed_spans(
    out: &mut String,
    line: &str,
    ops: &[(usize, ScopeStackOp)],
    stack: &mut ScopeStack,
    classes: &mut ClassNames,
) -> Option<isize> {
    let mut at = 0;
    let mut delta = 0isize;
    // An opened span with nothing in it yet is taken back when it closes.
    let mut empty = false;
    let mut span_start = 0;
    for (i, op) in ops {
        let i = *i;
        if i > at {
            empty = false;
            push_escaped(out, line.get(at..i)?);
            at = i;
        }
        stack
            .apply_with_hook(op, |basic, _| match basic {
                BasicScopeStackOp::Push(scope) => {
                    span_start = out.len();
                    empty = true;
                    out.push_str("<span class=\"");
                    out.push_str(classes.get(scope));
                    out.push_str("\">");
                    delta += 1;
                }
                BasicScopeStackOp::Pop => {
                    if empty {
                        out.truncate(span_start);
                    } else {
                        out.push_str("</span>");
                    }
                    delta -= 1;
                    empty = false;
                }
            })
            .ok()?;
    }
    push_escaped(out, line.get(at..)?);
    Some(delta)
}

/// `text` escaped as syntect escapes highlighted text: `<`, `>`, `&`, `'`
/// and `"`.
fn push_escaped(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let esc = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'\'' => "&#39;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(text.get(last..i).unwrap_or(""));
        out.push_str(esc);
        last = i + 1;
    }
    out.push_str(text.get(last..).unwrap_or(""));
}

/// Entries kept before the memo starts afresh.
const MAX_CACHED_LINES: usize = 200_000;
/// Bytes of entries kept before the memo starts afresh: the memo's memory
/// per thread stays under this however many distinct lines a site has. On
/// 10,000 generated notes (290,264 lines) 24 MB a thread answered 57.4 % of
/// the lines, 12 MB 57.1 %, 8 MB 56.9 %, 4 MB 56.4 %: lines repeat close
/// together (in one note, in notes of one topic), so a small memo keeps
/// nearly all of its use. At 4 MB (about 5,000 lines: an entry's markup is
/// some 700 bytes of class names) the note pages no longer set the build's
/// peak memory (BENCHMARKS.md, round five).
const MAX_CACHED_BYTES: usize = 4 << 20;
/// What an entry costs besides its text and markup (the map slot, the
/// entry, two allocations).
const ENTRY_OVERHEAD: usize = 96;
const MAX_CACHED_STATES: usize = 50_000;

/// Lines answered by the memo and lines parsed, over the whole process.
static MEMO_HITS: AtomicU64 = AtomicU64::new(0);
static MEMO_MISSES: AtomicU64 = AtomicU64::new(0);

/// How many highlighted lines the memo answered and how many were parsed,
/// since the process started (for `--timings` and the benchmark notes).
pub fn memo_stats() -> (u64, u64) {
    (
        MEMO_HITS.load(Ordering::Relaxed),
        MEMO_MISSES.load(Ordering::Relaxed),
    )
}

/// Whether the memo is used (`BuildOptions::line_memo`, set by
/// each render): off only to measure what it buys (the markup is the same
/// either way, so renders running side by side may disagree harmlessly).
static MEMO_ON: AtomicBool = AtomicBool::new(true);

/// Turns the memo of highlighted lines on or off for the renders that follow.
pub(crate) fn set_line_memo(on: bool) {
    MEMO_ON.store(on, Ordering::Relaxed);
}

fn memo_on() -> bool {
    MEMO_ON.load(Ordering::Relaxed)
}

impl LineCache {
    /// Drops the lines and states met so far, keeping the syntaxes and
    /// class names found.
    fn forget_lines(&mut self) {
        let syntax_for = std::mem::take(&mut self.syntax_for);
        let classes = std::mem::take(&mut self.classes);
        *self = LineCache {
            syntax_for,
            classes,
            ..LineCache::default()
        };
    }

    fn highlight(&mut self, code: &str, syntax: &'static SyntaxReference) -> Option<String> {
        if !memo_on() {
            return highlight_direct(code, syntax, &mut self.classes);
        }
        if self.lines.len() > MAX_CACHED_LINES
            || self.states.len() > MAX_CACHED_STATES
            || self.bytes > MAX_CACHED_BYTES
        {
            self.forget_lines();
        }
        let (mut hits, mut misses) = (0u64, 0u64);
        let key = syntax as *const SyntaxReference as usize;
        let mut state = match self.initial.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.intern(LineState {
                    parse: ParseState::new(syntax),
                    scopes: ScopeStack::new(),
                });
                self.initial.insert(key, id);
                id
            }
        };
        let mut html = String::with_capacity(code.len() * 4);
        let mut open_spans: isize = 0;
        for line in LinesWithEndings::from(code) {
            let h = line_key(state, line);
            let hit = self
                .lines
                .get(&h)
                .filter(|e| e.from == state && *e.line == *line);
            let entry = match hit {
                Some(e) => {
                    hits += 1;
                    e
                }
                None => {
                    misses += 1;
                    let mut next = self.states[state as usize].clone();
                    let ops = next.parse.parse_line(line, syntaxes()).ok()?;
                    let mut line_html = String::with_capacity(line.len() + ops.len() * 16);
                    let span_delta = push_classed_spans(
                        &mut line_html,
                        line,
                        &ops,
                        &mut next.scopes,
                        &mut self.classes,
                    )?;
                    let to = self.intern(next);
                    self.bytes += line.len() + line_html.len() + ENTRY_OVERHEAD;
                    self.lines.insert(
                        h,
                        LineEntry {
                            from: state,
                            line: line.into(),
                            html: line_html.into(),
                            span_delta,
                            to,
                        },
                    );
                    self.lines.get(&h)?
                }
            };
            html.push_str(&entry.html);
            open_spans += entry.span_delta;
            state = entry.to;
        }
        for _ in 0..open_spans {
            html.push_str("</span>");
        }
        MEMO_HITS.fetch_add(hits, Ordering::Relaxed);
        MEMO_MISSES.fetch_add(misses, Ordering::Relaxed);
        Some(html)
    }

    /// The number of `state`, adding it when it is new.
    fn intern(&mut self, state: LineState) -> u32 {
        let h = state_key(&state);
        let ids = self.state_ids.entry(h).or_default();
        if let Some(&id) = ids.iter().find(|&&id| self.states[id as usize] == state) {
            return id;
        }
        let id = self.states.len() as u32;
        ids.push(id);
        self.states.push(state);
        id
    }
}

/// Highlighting without the memo: every line parsed.
fn highlight_direct(
    code: &str,
    syntax: &'static SyntaxReference,
    classes: &mut ClassNames,
) -> Option<String> {
    let mut parse = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    let mut html = String::with_capacity(code.len() * 4);
    let mut open_spans: isize = 0;
    let mut lines = 0;
    for line in LinesWithEndings::from(code) {
        let ops = parse.parse_line(line, syntaxes()).ok()?;
        open_spans += push_classed_spans(&mut html, line, &ops, &mut scopes, classes)?;
        lines += 1;
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    MEMO_MISSES.fetch_add(lines, Ordering::Relaxed);
    Some(html)
}

fn line_key(state: u32, line: &str) -> u64 {
    let mut h = FxHasher::default();
    state.hash(&mut h);
    line.hash(&mut h);
    h.finish()
}

/// A hash of a state; equal states hash equally. The parser state is
/// hashed through its debug form (it has no `Hash`), the scopes directly.
fn state_key(state: &LineState) -> u64 {
    struct HashWriter<'a>(&'a mut FxHasher);
    impl std::fmt::Write for HashWriter<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut h = FxHasher::default();
    let _ = write!(HashWriter(&mut h), "{:?}", state.parse);
    state.scopes.scopes.hash(&mut h);
    h.finish()
}

/// Background of code blocks in the light theme (`--bg-code` in
/// `gongbu.css`): token colours are made readable against it.
pub(crate) const CODE_BG_LIGHT: Rgb = Rgb(0xf6, 0xf8, 0xfa);
/// Background of code blocks in the dark theme.
pub(crate) const CODE_BG_DARK: Rgb = Rgb(0x16, 0x1b, 0x22);
/// Contrast every token colour reaches (WCAG AA for normal text is 4.5).
const MIN_CONTRAST: f64 = 4.6;

/// The stylesheet for highlighted code: InspiredGitHub for the light theme,
/// OneHalfDark for the dark one, each applying only while its theme is
/// shown (the reader's choice in `data-theme`, else the system's), and the
/// light one on paper. Token colours are adjusted to reach AA contrast.
/// Built once per process (every build and every `serve` rebuild writes it).
pub(crate) fn stylesheet() -> String {
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
    let light = readable_rules(&light, CODE_BG_LIGHT);
    let dark = readable_rules(&dark, CODE_BG_DARK);
    let mut css = String::from(
        "/* 코드 강조: 밝은 테마 InspiredGitHub, 어두운 테마 OneHalfDark (글자 대비 4.5:1 이상으로 보정) */\n",
    );
    css.push_str(&scoped(&light, ":root[data-theme=\"light\"]"));
    css.push_str("@media not all and (prefers-color-scheme: dark) {\n");
    css.push_str(&scoped(&light, ":root:not([data-theme=\"dark\"])"));
    css.push_str("}\n@media print {\n");
    css.push_str(&scoped(&light, ":root"));
    css.push_str("}\n@media screen {\n");
    css.push_str(&scoped(&dark, ":root[data-theme=\"dark\"]"));
    css.push_str("}\n@media screen and (prefers-color-scheme: dark) {\n");
    css.push_str(&scoped(&dark, ":root:not([data-theme=\"light\"])"));
    css.push_str("}\n");
    css
}

/// One rule of a flat stylesheet.
struct Rule {
    selectors: Vec<String>,
    declarations: Vec<(String, String)>,
}

/// Parses a flat stylesheet (no at-rules, as syntect writes it), drops the
/// theme's background for the whole block (the site styles the box) and
/// italics, and makes every colour readable on the background it is drawn
/// on.
fn readable_rules(css: &str, code_bg: Rgb) -> Vec<Rule> {
    let mut rules = Vec::new();
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let selectors: Vec<String> = strip_comments(&rest[..open])
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let body = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        if selectors.is_empty() {
            continue;
        }
        let whole_block = selectors.iter().all(|s| s == ".hl-code");
        let declarations: Vec<(String, String)> = body
            .split(';')
            .filter_map(|d| {
                let (k, v) = d.split_once(':')?;
                Some((k.trim().to_string(), v.trim().to_string()))
            })
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .filter(|(k, _)| !(whole_block && k.starts_with("background")))
            // Hangul has no italic: a slanted comment in Korean is hard to read.
            .filter(|(k, v)| !(k == "font-style" && v == "italic"))
            .collect();
        let bg = declarations
            .iter()
            .find(|(k, _)| k == "background-color")
            .and_then(|(_, v)| Rgb::parse(v, code_bg))
            .unwrap_or(code_bg);
        let declarations = declarations
            .into_iter()
            .map(|(k, v)| match (k.as_str(), Rgb::parse(&v, bg)) {
                ("color", Some(fg)) => (k, fg.readable_on(bg, MIN_CONTRAST).hex()),
                ("background-color", Some(c)) => (k, c.hex()),
                _ => (k, v),
            })
            .collect();
        rules.push(Rule {
            selectors,
            declarations,
        });
    }
    rules
}

/// The rules with every selector inside `scope`.
fn scoped(rules: &[Rule], scope: &str) -> String {
    let mut out = String::new();
    for rule in rules.iter().filter(|r| !r.declarations.is_empty()) {
        let selectors: Vec<String> = rule
            .selectors
            .iter()
            .map(|s| format!("{scope} {s}"))
            .collect();
        out.push_str(&selectors.join(", "));
        out.push_str(" {");
        for (k, v) in &rule.declarations {
            out.push_str(&format!(" {k}: {v};"));
        }
        out.push_str(" }\n");
    }
    out
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rgb`, `#rrggbb` or `#rrggbbaa` (alpha blended over `under`).
    pub(crate) fn parse(value: &str, under: Rgb) -> Option<Rgb> {
        let hex = value.trim().strip_prefix('#')?;
        let byte = |i: usize, len: usize| -> Option<u8> {
            let v = u8::from_str_radix(hex.get(i..i + len)?, 16).ok()?;
            Some(if len == 1 { v * 17 } else { v })
        };
        let (r, g, b, a) = match hex.len() {
            3 => (byte(0, 1)?, byte(1, 1)?, byte(2, 1)?, 255),
            6 => (byte(0, 2)?, byte(2, 2)?, byte(4, 2)?, 255),
            8 => (byte(0, 2)?, byte(2, 2)?, byte(4, 2)?, byte(6, 2)?),
            _ => return None,
        };
        let alpha = f64::from(a) / 255.0;
        Some(Rgb(
            channel(f64::from(r) * alpha + f64::from(under.0) * (1.0 - alpha)),
            channel(f64::from(g) * alpha + f64::from(under.1) * (1.0 - alpha)),
            channel(f64::from(b) * alpha + f64::from(under.2) * (1.0 - alpha)),
        ))
    }

    pub(crate) fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2).
    pub(crate) fn luminance(self) -> f64 {
        let f = |c: u8| {
            let v = f64::from(c) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * f(self.0) + 0.7152 * f(self.1) + 0.0722 * f(self.2)
    }

    /// Contrast ratio (WCAG 2), from 1 to 21.
    pub(crate) fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// This colour if it reaches `min` contrast on `bg`, else the nearest
    /// mix of it towards black or white (whichever stands out more on
    /// `bg`) that does.
    pub(crate) fn readable_on(self, bg: Rgb, min: f64) -> Rgb {
        if self.contrast(bg) >= min {
            return self;
        }
        let black = Rgb(0, 0, 0);
        let white = Rgb(255, 255, 255);
        let target = if black.contrast(bg) >= white.contrast(bg) {
            0.0
        } else {
            255.0
        };
        let mix = |c: u8, t: f64| channel(f64::from(c) + (target - f64::from(c)) * t);
        let mut best = self;
        for step in 1..=100 {
            let t = f64::from(step) / 100.0;
            best = Rgb(mix(self.0, t), mix(self.1, t), mix(self.2, t));
            if best.contrast(bg) >= min {
                break;
            }
        }
        best
    }
}

/// A colour channel from a float, rounded and clamped to 0–255.
fn channel(v: f64) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
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

    /// The markup syntect's own generator writes for `code`.
    fn reference_html(code: &str, lang: &str) -> String {
        let syntax = find_syntax(lang).unwrap();
        let mut gen = syntect::html::ClassedHTMLGenerator::new_with_class_style(
            syntax,
            syntaxes(),
            CLASS_STYLE,
        );
        for line in LinesWithEndings::from(code) {
            gen.parse_html_for_line_which_includes_newline(line)
                .unwrap();
        }
        gen.finalize()
    }

    #[test]
    fn memoized_lines_give_the_same_markup_as_syntect() {
        let samples = [
            ("rust", "use std::sync::{Arc, Mutex};\n\n// 한글 주석\nfn main() {\n    let s = r#\"raw \"str\"#;\n    println!(\"{}\", s);\n}\n"),
            ("python", "def f(x):\n    \"\"\"doc\n    string\"\"\"\n    return x  # 주석\n\n}\n"),
            ("bash", "cat <<EOF\n$HOME }\nEOF\necho \"done\" # 끝\ncat <<END\nEOF\nEND\n}\n"),
            ("c", "/* 여러 줄\n   주석 */\n#include <stdio.h>\nint main(void) {\n    return 0;\n}\n"),
            ("html", "<script>\nlet a = 1;\n</script>\n<p>}</p>\n"),
            ("java", "class A {\n    String s = \"\"\"\n    }\n    \"\"\";\n}\n"),
            ("js", "const a = '<b>' && \"&\" > 1; // <주석 & '따옴표'>\n"),
        ];
        // Twice each, and mixed, so later blocks reuse the memo of earlier
        // ones across languages and states.
        for round in 0..3 {
            for (lang, code) in samples {
                let expected = reference_html(code, lang);
                let got = LINE_CACHE
                    .with(|c| c.borrow_mut().highlight(code, find_syntax(lang).unwrap()))
                    .unwrap();
                assert_eq!(got, expected, "{lang}, round {round}");
            }
        }
        for (lang, code) in samples {
            let direct =
                highlight_direct(code, find_syntax(lang).unwrap(), &mut ClassNames::default())
                    .unwrap();
            assert_eq!(
                direct,
                reference_html(code, lang),
                "{lang} without the memo"
            );
        }
        // An unterminated block closes its spans.
        let code = "/* 끝나지 않는 주석\n}\n";
        let got = code_block_html(code, "c");
        assert!(got.contains(&reference_html(code, "c")), "{got}");
    }

    #[test]
    fn unknown_and_plain_are_escaped_text() {
        let html = code_block_html("<T> & 한글\n", "nosuchlang");
        assert!(html.contains("&lt;T&gt; &amp; 한글"));
        assert!(!html.contains("hl-"));
        let html = code_block_html("a < b\n", "");
        assert_eq!(html, "<pre class=\"code\"><code>a &lt; b\n</code></pre>\n");
    }

    #[test]
    fn plain_blocks_size_non_ascii_characters_in_columns() {
        let html = code_block_html("┌──┐\n│가→│ <x>\n└──┘\n", "");
        assert_eq!(
            html,
            "<pre class=\"code aligned\"><code>┌──┐\n│<span class=\"w2\">가</span>\
             <span class=\"w1\">→</span>│ &lt;x&gt;\n└──┘\n</code></pre>\n"
        );
        let html = code_block_html("fork() → clone()  한\n", "text");
        assert!(html.starts_with("<pre class=\"code aligned\" data-lang=\"text\">"));
        assert!(html.contains("<span class=\"w1\">→</span>"));
        // Highlighted code is laid out by its font, even with Hangul in it.
        let html = code_block_html("// ┌──┐ 한글\nfn main() {}\n", "rust");
        assert!(!html.contains("aligned") && !html.contains("w2"), "{html}");
        // Hangul padded with spaces to line up what follows.
        let html = code_block_html("이름    값\nPID     1234\n", "");
        assert!(html.starts_with("<pre class=\"code aligned\">"), "{html}");
        // Korean prose keeps the coding font's natural look.
        let html = code_block_html("프로세스 = 실행 중인 프로그램 + 자원\n", "");
        assert_eq!(
            html,
            "<pre class=\"code\"><code>프로세스 = 실행 중인 프로그램 + 자원\n</code></pre>\n"
        );
        // Pure ASCII stays plain escaped text.
        let html = code_block_html("+--+\n|  |\n", "");
        assert_eq!(
            html,
            "<pre class=\"code\"><code>+--+\n|  |\n</code></pre>\n"
        );
        // Zero-width characters (combining marks) are kept without a span.
        let html = code_block_html("e\u{301}\n", "");
        assert!(
            html.contains("e\u{301}") && !html.contains("span"),
            "{html}"
        );
    }

    #[test]
    fn stylesheet_has_both_themes_each_only_when_shown() {
        let css = stylesheet();
        assert!(css.contains(":root[data-theme=\"light\"] .hl-comment"));
        assert!(css.contains(":root:not([data-theme=\"dark\"]) .hl-comment"));
        assert!(css.contains(":root[data-theme=\"dark\"] .hl-comment"));
        assert!(css.contains(":root:not([data-theme=\"light\"]) .hl-comment"));
        assert!(css.contains("@media print"));
        // No bare `:root .hl-…` outside print: it would leak into the other theme.
        let before_print = &css[..css.find("@media print").unwrap_or(0)];
        assert!(!before_print.contains(":root .hl-"));
        assert!(!css.contains("font-style: italic"));
        // The themes' own block background is dropped.
        assert!(
            !css.lines()
                .any(|l| l.contains(".hl-code {") && l.contains("background")),
            "{css}"
        );
    }

    #[test]
    fn every_token_colour_reaches_aa_on_the_code_background() {
        let css = stylesheet();
        let (light, dark) = css.split_at(css.find("@media screen {").unwrap_or(css.len()));
        let mut checked = 0;
        for (part, bg) in [(light, CODE_BG_LIGHT), (dark, CODE_BG_DARK)] {
            for rule in part.split('}') {
                if rule.contains("background") {
                    continue;
                }
                for decl in rule.split(['{', ';']) {
                    if let Some(v) = decl.trim().strip_prefix("color:") {
                        let c = Rgb::parse(v, bg).expect(v);
                        assert!(c.contrast(bg) >= 4.5, "{v} on {} in {rule}", bg.hex());
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 50, "{checked}");
    }

    #[test]
    fn colours_are_adjusted_only_as_much_as_needed() {
        let bg = CODE_BG_LIGHT;
        let dark_enough = Rgb(0x18, 0x36, 0x91);
        assert_eq!(dark_enough.readable_on(bg, 4.6), dark_enough);
        let grey = Rgb(0x96, 0x98, 0x96);
        let fixed = grey.readable_on(bg, 4.6);
        assert!(fixed.contrast(bg) >= 4.6);
        assert!(fixed.0 < grey.0 && fixed.contrast(bg) < 5.2, "{fixed:?}");
        let dim = Rgb(0x5c, 0x63, 0x70);
        let lifted = dim.readable_on(CODE_BG_DARK, 4.6);
        assert!(lifted.0 > dim.0 && lifted.contrast(CODE_BG_DARK) >= 4.6);
        assert_eq!(Rgb::parse("#fff", bg), Some(Rgb(255, 255, 255)));
        assert_eq!(
            Rgb::parse("#00000080", Rgb(255, 255, 255)),
            Some(Rgb(127, 127, 127))
        );
        assert_eq!(Rgb::parse("red", bg), None);
    }
}
