//! Live reload: what open pages are told (pages to reload, errors to show
//! over the page) and the script that listens, served from memory at
//! `/__gongbu/live.js`; its messages come as server-sent events from
//! `/__gongbu/events`.

use std::sync::Mutex;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::diagnostic::Diagnostic;

/// The script pages load in serve mode (never in `gongbu build` output).
pub(crate) const SCRIPT: &str = include_str!("live.js");

/// A diagnostic as the overlay shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ErrorView {
    /// `notes/os/a.md:3:1`, or empty.
    pub location: String,
    pub message: String,
    /// The whole diagnostic with its source line.
    pub detail: String,
}

impl From<&Diagnostic> for ErrorView {
    fn from(d: &Diagnostic) -> Self {
        ErrorView {
            location: d.location().unwrap_or_default(),
            message: d.message.clone(),
            detail: d.to_string(),
        }
    }
}

/// One message to open pages.
#[derive(Debug, Clone)]
pub(crate) enum Message {
    /// These site-relative files changed; pages showing one reload.
    Reload { generation: u64, paths: Vec<String> },
    /// The current errors (empty: clear the overlay).
    Errors(Vec<ErrorView>),
}

impl Message {
    /// The SSE event name and its JSON data.
    pub(crate) fn event(&self) -> (&'static str, String) {
        match self {
            Message::Reload { generation, paths } => (
                "reload",
                serde_json::json!({ "generation": generation, "paths": paths }).to_string(),
            ),
            Message::Errors(errors) => (
                "errors",
                serde_json::json!({ "errors": errors }).to_string(),
            ),
        }
    }
}

#[derive(Debug, Default)]
struct State {
    generation: u64,
    errors: Vec<ErrorView>,
}

/// The channel to every open page, and what a page connecting now must know.
#[derive(Debug)]
pub(crate) struct Live {
    tx: broadcast::Sender<Message>,
    state: Mutex<State>,
    /// Tells a page reconnecting to a restarted server to reload.
    instance: u64,
}

impl Default for Live {
    fn default() -> Self {
        Live::new()
    }
}

impl Live {
    pub(crate) fn new() -> Live {
        let (tx, _) = broadcast::channel(64);
        let instance = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
            ^ u64::from(std::process::id());
        Live {
            tx,
            state: Mutex::new(State::default()),
            instance,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tells pages that `paths` changed.
    pub(crate) fn reload(&self, paths: &[String]) {
        if paths.is_empty() {
            return;
        }
        let mut state = self.state();
        state.generation += 1;
        let _ = self.tx.send(Message::Reload {
            generation: state.generation,
            paths: paths.to_vec(),
        });
    }

    /// Shows `errors` in every open page (or clears the overlay), when they
    /// differ from what pages show now.
    pub(crate) fn set_errors(&self, errors: &[Diagnostic]) {
        let views: Vec<ErrorView> = errors.iter().map(ErrorView::from).collect();
        let mut state = self.state();
        if state.errors != views {
            state.errors = views.clone();
            let _ = self.tx.send(Message::Errors(views));
        }
    }

    /// The greeting for a page connecting now (the current errors) and the
    /// messages that follow it.
    pub(crate) fn subscribe(&self) -> (String, broadcast::Receiver<Message>) {
        let state = self.state();
        let rx = self.tx.subscribe();
        let hello = serde_json::json!({
            "instance": self.instance.to_string(),
            "generation": state.generation,
            "errors": state.errors,
        })
        .to_string();
        (hello, rx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_sent_once_and_cleared() {
        let live = Live::new();
        let (hello, mut rx) = live.subscribe();
        assert!(hello.contains("\"errors\":[]"));
        let d = Diagnostic::error(crate::diagnostic::Code::FrontMatter, "<b>깨진</b> 앞머리")
            .with_path("notes/a.md");
        live.set_errors(std::slice::from_ref(&d));
        live.set_errors(std::slice::from_ref(&d));
        live.set_errors(&[]);
        live.reload(&["a.html".to_string()]);
        let first = rx.try_recv().unwrap().event();
        assert_eq!(first.0, "errors");
        assert!(first.1.contains("notes/a.md"), "{}", first.1);
        // Text travels as JSON strings; the page puts it in as text.
        assert!(first.1.contains("<b>깨진</b> 앞머리"), "{}", first.1);
        let cleared = rx.try_recv().unwrap().event();
        assert_eq!(cleared, ("errors", "{\"errors\":[]}".to_string()));
        let reload = rx.try_recv().unwrap().event();
        assert_eq!(reload.0, "reload");
        assert!(reload.1.contains("\"a.html\""));
        assert!(rx.try_recv().is_err());
    }
}
