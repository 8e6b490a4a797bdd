//! Diagnostics as values: every problem found while loading, indexing or
//! rendering is collected as a [`Diagnostic`] and reported together at the end.
//!
//! A diagnostic names the file relative to the site root, a 1-based line and
//! column where there is one, and carries the offending source line so the
//! report can show it without reading the file again.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::fmt;
use std::path::Path;
use std::sync::Mutex;

/// How bad a problem is. Errors make `build` exit with 1 (content) and keep
/// the previous site; warnings are printed and the build goes on; a notice
/// says something the user may want to know that is no problem of the
/// site (`--strict` leaves it alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Notice,
    Warning,
    Error,
}

/// How a run ends when a diagnostic of this kind is an error: 2 for a
/// problem with how gongbu was called or configured, 1 for the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitClass {
    /// Exit code 1: a note, link, image or template is wrong.
    Content,
    /// Exit code 2: the command line, `gongbu.yaml` or the folders are wrong.
    Usage,
}

impl ExitClass {
    pub fn exit_code(self) -> i32 {
        match self {
            ExitClass::Content => 1,
            ExitClass::Usage => 2,
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $class:ident;)*) => {
        /// The kind of problem a diagnostic reports. [`Code::as_str`] is
        /// its stable short name (shown in reports, matched by tests);
        /// [`Code::class`] decides the exit code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $(#[doc = concat!("`", $name, "`")] $variant,)*
        }

        impl Code {
            /// Every named code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable short name, e.g. `broken-link`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// Which exit code an error of this kind leads to.
            pub const fn class(self) -> ExitClass {
                match self {
                    $(Code::$variant => ExitClass::$class,)*
                }
            }
        }

    };
}

codes! {
    Usage = "usage", Usage;
    Config = "config", Usage;
    NotesDir = "notes-dir", Usage;
    OutputDir = "output-dir", Usage;
    Notes = "notes", Content;
    Walk = "walk", Content;
    Read = "read", Content;
    Binary = "binary", Content;
    Encoding = "encoding", Content;
    OutsideRoot = "outside-root", Content;
    FrontMatter = "front-matter", Content;
    Category = "category", Content;
    UnclosedHtml = "unclosed-html", Content;
    BrokenLink = "broken-link", Content;
    AmbiguousLink = "ambiguous-link", Content;
    DuplicateOutput = "duplicate-output", Content;
    ReservedOutput = "reserved-output", Content;
    Glossary = "glossary", Content;
    GlossaryConflict = "glossary-conflict", Content;
    GlossaryNote = "glossary-note", Content;
    CompareAlias = "compare-alias", Content;
    CompareAspect = "compare-aspect", Content;
    CompareSubject = "compare-subject", Content;
    ImageMissing = "image-missing", Content;
    ImageAttachment = "image-attachment", Content;
    ImageEmpty = "image-empty", Content;
    ImageFormat = "image-format", Content;
    ImageOutside = "image-outside", Content;
    ImageResize = "image-resize", Content;
    Template = "template", Usage;
    Write = "write", Content;
    Serve = "serve", Content;
    Watch = "watch", Content;
    Cache = "cache", Content;
    ImageTooLarge = "image-too-large", Content;
    Liquid = "liquid", Content;
    Math = "math", Content;
    NameCollision = "name-collision", Content;
    NotionAttachment = "notion-attachment", Content;
    NotionCsv = "notion-csv", Content;
    ObsidianComment = "obsidian-comment", Content;
    ObsidianEmbed = "obsidian-embed", Content;
    OutputKept = "output-kept", Content;
    RedirectCase = "redirect-case", Content;
    RedirectConflict = "redirect-conflict", Content;
    UnsafeLink = "unsafe-link", Content;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// One problem, with enough context to print `path:line:col` and the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The kind of problem; `code.as_str()` is its short stable name,
    /// e.g. `broken-link`.
    pub code: Code,
    pub message: String,
    /// Path relative to the site root (`notes/os/process.md`), `/`-separated.
    pub path: Option<String>,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters, 0 when unknown.
    pub col: usize,
    /// The source line the problem is on, without its line break.
    pub source_line: Option<String>,
    /// Length in characters of the offending text on that line (for the marker).
    pub span_len: usize,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            path: None,
            line: 0,
            col: 0,
            source_line: None,
            span_len: 0,
            help: None,
        }
    }

    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    pub fn notice(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Notice, code, message)
    }

    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Points the diagnostic at `offset..offset+len` (bytes) inside `source`.
    pub fn at_offset(mut self, source: &str, offset: usize, len: usize) -> Self {
        let pos = SourcePos::of(source, offset);
        self.line = pos.line;
        self.col = pos.col;
        let line_text = pos.line_text(source);
        let end = (offset + len).min(pos.line_end(source));
        self.span_len = source
            .get(offset.min(end)..end)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            .max(1);
        self.source_line = shown_line(line_text);
        self
    }

    /// Points the diagnostic at a 1-based line of `source`.
    pub fn at_line(mut self, source: &str, line: usize) -> Self {
        let text = source.lines().nth(line.saturating_sub(1)).unwrap_or("");
        self.line = line;
        self.col = 1;
        self.span_len = text.chars().count().max(1);
        self.source_line = shown_line(text.trim_end_matches('\r'));
        self
    }

    /// `path:line:col`, `path:line` or `path`, as far as it is known.
    pub fn location(&self) -> Option<String> {
        let path = self.path.as_ref()?;
        Some(match (self.line, self.col) {
            (0, _) => path.clone(),
            (l, 0) => format!("{path}:{l}"),
            (l, c) => format!("{path}:{l}:{c}"),
        })
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The exit code this diagnostic alone leads to: 0 for a warning,
    /// else its code's class (1 content, 2 usage or configuration).
    pub fn exit_code(&self) -> i32 {
        if self.is_error() {
            self.code.class().exit_code()
        } else {
            0
        }
    }
}

impl fmt::Display for Diagnostic {
    /// The plain, one-block form used in logs, tests and the serve overlay.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Notice => "notice",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{sev}[{}]: {}", self.code, self.message)?;
        if let Some(loc) = self.location() {
            write!(f, "\n  --> {loc}")?;
        }
        if let Some(line) = &self.source_line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            write!(f, "\n {pad} |\n {num} | {line}")?;
            if self.col > 0 {
                let before: String = line.chars().take(self.col - 1).collect();
                let indent = " ".repeat(crate::korean::display_width(&before));
                let marked: String = line
                    .chars()
                    .skip(self.col - 1)
                    .take(self.span_len)
                    .collect();
                let carets = "^".repeat(crate::korean::display_width(&marked).max(1));
                write!(f, "\n {pad} | {indent}{carets}")?;
            }
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = 도움말: {help}")?;
        }
        Ok(())
    }
}

/// Longest source line a diagnostic carries (bytes). A note may hold a
/// line of megabytes, and every diagnostic on it would copy it; longer lines
/// are not shown (the location still names line and column).
pub const MAX_SHOWN_LINE: usize = 1000;

fn shown_line(line: &str) -> Option<String> {
    (line.len() <= MAX_SHOWN_LINE).then(|| line.to_string())
}

/// Line and column of a byte offset.
#[derive(Debug, Clone, Copy)]
pub struct SourcePos {
    pub line: usize,
    pub col: usize,
    line_start: usize,
}

impl SourcePos {
    pub fn of(source: &str, offset: usize) -> SourcePos {
        let mut offset = offset.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = source.get(..offset).unwrap_or(source);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = before.get(line_start..).unwrap_or("").chars().count() + 1;
        SourcePos {
            line,
            col,
            line_start,
        }
    }

    fn line_end(&self, source: &str) -> usize {
        source
            .get(self.line_start..)
            .and_then(|rest| rest.find('\n'))
            .map(|i| self.line_start + i)
            .unwrap_or(source.len())
    }

    fn line_text<'s>(&self, source: &'s str) -> &'s str {
        source
            .get(self.line_start..self.line_end(source))
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

/// A thread-safe collector used by the parallel phases.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&self, d: Diagnostic) {
        if let Ok(mut items) = self.items.lock() {
            items.push(d);
        }
    }

    pub fn extend(&self, ds: impl IntoIterator<Item = Diagnostic>) {
        if let Ok(mut items) = self.items.lock() {
            items.extend(ds);
        }
    }

    /// Keeps only the diagnostics for which `keep` is true.
    pub fn retain(&self, keep: impl FnMut(&Diagnostic) -> bool) {
        if let Ok(mut items) = self.items.lock() {
            items.retain(keep);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items
            .lock()
            .map(|items| items.iter().any(Diagnostic::is_error))
            .unwrap_or(false)
    }

    /// All diagnostics in a stable order: by path, line, column, message.
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut items = self.items.into_inner().unwrap_or_default();
        sort_diagnostics(&mut items);
        items
    }

    pub fn snapshot(&self) -> Vec<Diagnostic> {
        let mut items = self.items.lock().map(|i| i.clone()).unwrap_or_default();
        sort_diagnostics(&mut items);
        items
    }
}

pub fn sort_diagnostics(items: &mut Vec<Diagnostic>) {
    items.sort_by(|a, b| {
        (&a.path, a.line, a.col, &a.message, a.code.as_str()).cmp(&(
            &b.path,
            b.line,
            b.col,
            &b.message,
            b.code.as_str(),
        ))
    });
    items.dedup();
}

/// Path of `path` relative to `root`, `/`-separated, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    crate::korean::nfc(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let src = "첫 줄\n둘째 [링크](x.md) 줄\n";
        let off = src.find("[링크]").unwrap();
        let d = Diagnostic::warning(Code::BrokenLink, "깨진 링크")
            .with_path("notes/a.md")
            .at_offset(src, off, "[링크](x.md)".len());
        assert_eq!(d.line, 2);
        assert_eq!(d.col, 4);
        assert_eq!(d.location().unwrap(), "notes/a.md:2:4");
        assert_eq!(d.source_line.as_deref(), Some("둘째 [링크](x.md) 줄"));
        let text = d.to_string();
        assert!(text.contains("notes/a.md:2:4"), "{text}");
        // Hangul is two columns wide: the caret line starts under `[`.
        assert!(
            text.contains("|      ^^^^^^^^^^^^\n") || text.ends_with("|      ^^^^^^^^^^^^"),
            "{text}"
        );
    }

    #[test]
    fn huge_lines_are_not_copied_but_located() {
        let src = format!("첫 줄\n{}[링크](x.md)\n", "가".repeat(5000));
        let off = src.find("[링크]").unwrap();
        let d = Diagnostic::warning(Code::BrokenLink, "깨진 링크")
            .with_path("notes/a.md")
            .at_offset(&src, off, 4);
        assert_eq!(d.location().unwrap(), "notes/a.md:2:5001");
        assert_eq!(d.source_line, None);
        assert!(d.to_string().contains("notes/a.md:2:5001"));
    }

    #[test]
    fn codes_decide_the_exit_code() {
        let usage: Vec<&str> = Code::ALL
            .iter()
            .filter(|c| c.class() == ExitClass::Usage)
            .map(|c| c.as_str())
            .collect();
        assert_eq!(
            usage,
            ["usage", "config", "notes-dir", "output-dir", "template"]
        );
        assert_eq!(Diagnostic::error(Code::Config, "x").exit_code(), 2);
        assert_eq!(Diagnostic::error(Code::BrokenLink, "x").exit_code(), 1);
        assert_eq!(Diagnostic::warning(Code::Config, "x").exit_code(), 0);
        assert_eq!(Diagnostic::error(Code::BrokenLink, "x").code, "broken-link");
    }

    /// The printed names are part of the interface (reports, tests, CI
    /// greps): none may change, and every code is listed here.
    #[test]
    fn every_code_keeps_its_printed_name() {
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "usage",
                "config",
                "notes-dir",
                "output-dir",
                "notes",
                "walk",
                "read",
                "binary",
                "encoding",
                "outside-root",
                "front-matter",
                "category",
                "unclosed-html",
                "broken-link",
                "ambiguous-link",
                "duplicate-output",
                "reserved-output",
                "glossary",
                "glossary-conflict",
                "glossary-note",
                "compare-alias",
                "compare-aspect",
                "compare-subject",
                "image-missing",
                "image-attachment",
                "image-empty",
                "image-format",
                "image-outside",
                "image-resize",
                "template",
                "write",
                "serve",
                "watch",
                "cache",
                "image-too-large",
                "liquid",
                "math",
                "name-collision",
                "notion-attachment",
                "notion-csv",
                "obsidian-comment",
                "obsidian-embed",
                "output-kept",
                "redirect-case",
                "redirect-conflict",
                "unsafe-link",
            ]
        );
        for &code in Code::ALL {
            assert_eq!(code.to_string(), code.as_str());
            assert_eq!(
                Diagnostic::warning(code, "x").to_string(),
                format!("warning[{}]: x", code.as_str())
            );
        }
    }

    #[test]
    fn sorted_and_deduplicated() {
        let ds = Diagnostics::new();
        let a = Diagnostic::warning(Code::Notes, "b").with_path("b.md");
        let b = Diagnostic::warning(Code::Notes, "a").with_path("a.md");
        ds.push(a.clone());
        ds.push(b.clone());
        ds.push(a.clone());
        assert_eq!(ds.into_sorted(), vec![b, a]);
    }
}
