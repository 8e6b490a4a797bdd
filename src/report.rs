//! Terminal rendering of diagnostics with miette: the message, `path:line:col`
//! and the offending source line with a marker under it.

use std::fmt;

use gongbu::diagnostic::{Diagnostic, Severity};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

/// One source line, remembered with its real line number so miette prints
/// the line of the file rather than "line 1".
#[derive(Debug)]
struct OneLine {
    name: String,
    text: String,
    line: usize,
}

impl SourceCode for OneLine {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        _context_lines_before: usize,
        _context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        if span.offset() + span.len() > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let column = self
            .text
            .get(..span.offset())
            .map(|s| s.chars().count())
            .unwrap_or(0);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.text.as_bytes(),
            (0, self.text.len()).into(),
            self.line.saturating_sub(1),
            column,
            1,
        )))
    }
}

#[derive(Debug)]
struct Report<'a> {
    diag: &'a Diagnostic,
    source: Option<OneLine>,
    span: Option<SourceSpan>,
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.diag.location(), &self.source) {
            (Some(loc), None) => write!(f, "{} ({loc})", self.diag.message),
            _ => write!(f, "{}", self.diag.message),
        }
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diag.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Notice => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some("여기".to_string()),
            span,
        ))))
    }
}

/// The diagnostic as the terminal shows it.
pub fn render(d: &Diagnostic, color: bool) -> String {
    let (source, span) = match (&d.source_line, d.location()) {
        (Some(line), Some(_)) if d.line > 0 => {
            let start: usize = line
                .chars()
                .take(d.col.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            let len: usize = line
                .chars()
                .skip(d.col.saturating_sub(1))
                .take(d.span_len.max(1))
                .map(char::len_utf8)
                .sum();
            (
                Some(OneLine {
                    name: d.path.clone().unwrap_or_default(),
                    text: line.clone(),
                    line: d.line,
                }),
                Some(SourceSpan::from((start.min(line.len()), len))),
            )
        }
        _ => (None, None),
    };
    let report = Report {
        diag: d,
        source,
        span,
    };
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(0);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        return d.to_string();
    }
    out.trim_end().to_string()
}

/// What `gongbu serve` prints as it goes: diagnostics on stderr, the
/// address and each rebuild on stdout.
pub fn serve_event(event: &gongbu::serve::ServeEvent, color: bool, timings: bool) {
    use gongbu::serve::ServeEvent;
    let ms = |d: std::time::Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    match event {
        ServeEvent::Ready {
            url,
            out,
            port_taken,
            outcome,
        } => {
            for d in &outcome.diagnostics {
                eprintln!("{}", render(d, color));
            }
            let errors = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "노트 {}개 · 페이지 {}개 · 경고 {}개 · 오류 {}개 · {:.2}초",
                outcome.notes,
                outcome.pages,
                outcome.diagnostics.len() - errors,
                errors,
                outcome.elapsed.as_secs_f64()
            );
            if let Some(asked) = port_taken {
                println!("포트 {asked}은(는) 사용 중이라 다른 포트를 씁니다");
            }
            println!("임시 출력: {}", out.display());
            println!("미리 보기: {url}  (Ctrl-C로 멈춥니다)");
        }
        ServeEvent::Rebuilt(o) => {
            for d in &o.new_diagnostics {
                eprintln!("{}", render(d, color));
            }
            let errors = o.diagnostics.iter().filter(|d| d.is_error()).count();
            let mut line = format!(
                "다시 빌드: {} — 노트·분류·태그 페이지 {}/{}개를 다시 그렸고 파일 {}개가 바뀌었습니다",
                o.sources.join(", "),
                o.rendered.len(),
                o.candidates,
                o.changed.len()
            );
            if let Some(first) = o.first_after {
                line.push_str(&format!(" · 고친 페이지 {}", ms(first)));
            }
            line.push_str(&format!(" · 전체 {}", ms(o.elapsed)));
            if errors > 0 {
                line.push_str(&format!(" · 오류 {errors}개 (페이지 위에 표시)"));
            }
            println!("{line}");
            if timings {
                let steps: Vec<String> = o
                    .timings
                    .iter()
                    .map(|(step, t)| format!("{step} {}", ms(*t)))
                    .collect();
                println!("  {}", steps.join(" · "));
            }
        }
        ServeEvent::Problem(d) => eprintln!("{}", render(d, color)),
        ServeEvent::Stopping => println!("멈춥니다: 임시 출력을 지웁니다"),
    }
}
