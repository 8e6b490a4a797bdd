//! The progress bar of `gongbu build` and `gongbu check`: drawn on stderr
//! only when stderr is a terminal and the build has taken longer than about
//! a second, so short builds, pipes, CI logs and tests see nothing of it.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use gongbu::{BuildOptions, BuildReport, Mode, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a build runs before the bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// Builds with a progress bar when stderr is a terminal.
pub fn build(opts: &BuildOptions, mode: Mode) -> BuildReport {
    match Bar::for_stderr() {
        Some(bar) => {
            let report = gongbu::build_with_progress(opts, mode, &bar);
            bar.bar.finish_and_clear();
            report
        }
        None => gongbu::build(opts, mode),
    }
}

/// Whether to draw a bar: only on a terminal. `GONGBU_PROGRESS=never`
/// turns it off.
fn wanted(stderr_is_terminal: bool, setting: Option<&str>) -> bool {
    stderr_is_terminal && setting != Some("never")
}

/// Delay before the bar shows: [`SHOW_AFTER`], or `GONGBU_PROGRESS_AFTER_MS`.
fn show_after(setting: Option<&str>) -> Duration {
    setting
        .and_then(|ms| ms.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(SHOW_AFTER)
}

struct Bar {
    bar: ProgressBar,
    started: Instant,
    after: Duration,
    shown: Mutex<bool>,
}

impl Bar {
    fn for_stderr() -> Option<Bar> {
        let setting = std::env::var("GONGBU_PROGRESS").ok();
        if !wanted(std::io::stderr().is_terminal(), setting.as_deref()) {
            return None;
        }
        let after = show_after(std::env::var("GONGBU_PROGRESS_AFTER_MS").ok().as_deref());
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template("{msg:<14} [{bar:32}] {pos}/{len} ({elapsed})")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Some(Bar {
            bar,
            started: Instant::now(),
            after,
            shown: Mutex::new(false),
        })
    }

    /// Starts drawing once the build has run for a while.
    fn show_if_slow(&self) {
        if self.started.elapsed() < self.after {
            return;
        }
        if let Ok(mut shown) = self.shown.lock() {
            if !*shown {
                *shown = true;
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
    }
}

impl Progress for Bar {
    fn start(&self, phase: &'static str, total: usize) {
        self.bar.set_message(phase);
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
        self.show_if_slow();
    }

    fn advance(&self, n: usize) {
        self.bar.inc(n as u64);
        if let Some(len) = self.bar.length() {
            if self.bar.position() > len {
                self.bar.set_length(self.bar.position());
            }
        }
        self.show_if_slow();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_only_on_a_terminal_and_not_when_turned_off() {
        assert!(wanted(true, None));
        assert!(!wanted(false, None));
        assert!(!wanted(true, Some("never")));
        assert!(!wanted(false, Some("always")));
    }

    #[test]
    fn delay_defaults_to_a_second() {
        assert_eq!(show_after(None), Duration::from_secs(1));
        assert_eq!(show_after(Some("0")), Duration::ZERO);
        assert_eq!(show_after(Some("abc")), Duration::from_secs(1));
    }
}
