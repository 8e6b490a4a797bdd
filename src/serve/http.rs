//! The HTTP side of `gongbu serve`: the output folder through tower-http's
//! `ServeDir` (the site's 404.html for missing files), the live-reload
//! script and event stream, and a guard in front that refuses any path that
//! could leave the output folder: `..` (also percent-encoded), absolute
//! paths, backslashes, NUL, and symlinks that resolve outside.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, StreamExt};
use percent_encoding::percent_decode_str;
use tokio::sync::{broadcast, watch};
use tower_http::services::{ServeDir, ServeFile};

use super::live::{Live, SCRIPT};

/// The paths of the server's own resources.
pub const LIVE_JS: &str = "/__gongbu/live.js";
pub const EVENTS: &str = "/__gongbu/events";

#[derive(Clone)]
struct App {
    /// The output folder, canonical.
    out: Arc<PathBuf>,
    live: Arc<Live>,
    stop: watch::Receiver<bool>,
}

/// The whole service. `out` must be canonical.
pub fn router(out: PathBuf, live: Arc<Live>, stop: watch::Receiver<bool>) -> Router {
    let files = ServeDir::new(&out)
        .append_index_html_on_directories(true)
        .not_found_service(ServeFile::new(out.join(crate::site_files::NOT_FOUND)));
    let app = App {
        out: Arc::new(out),
        live,
        stop,
    };
    Router::new()
        .route(LIVE_JS, get(live_js))
        .route(EVENTS, get(events))
        .fallback_service(files)
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

async fn live_js() -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        )],
        SCRIPT,
    )
}

async fn events(State(app): State<App>) -> impl IntoResponse {
    let (hello, rx) = app.live.subscribe();
    let first =
        stream::once(
            async move { Ok::<_, Infallible>(Event::default().event("hello").data(hello)) },
        );
    let rest = stream::unfold(rx, |mut rx| async move {
        match rx.recv().await {
            Ok(msg) => {
                let (name, data) = msg.event();
                Some((Ok(Event::default().event(name).data(data)), rx))
            }
            // A page that fell behind reconnects and starts afresh.
            Err(broadcast::error::RecvError::Lagged(_) | broadcast::error::RecvError::Closed) => {
                None
            }
        }
    });
    let mut stop = app.stop.clone();
    let stream = first.chain(rest).take_until(async move {
        let _ = stop.wait_for(|s| *s).await;
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Why a request path is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not a path into the site at all: 400.
    BadRequest,
}

/// Decodes a request path and checks that it stays inside the site: no
/// `..` or `.` segment (also percent-encoded), no absolute path after the
/// leading `/`, no backslash or NUL, valid UTF-8. Returns the decoded
/// site-relative path (`os/프로세스.html`, empty for the root).
pub fn site_path(raw: &str) -> Result<String, Refused> {
    let rest = raw.strip_prefix('/').ok_or(Refused::BadRequest)?;
    let decoded = percent_decode_str(rest)
        .decode_utf8()
        .map_err(|_| Refused::BadRequest)?;
    if decoded.contains(['\\', '\0'])
        || decoded.starts_with('/')
        || decoded.split('/').any(|s| s == ".." || s == ".")
    {
        return Err(Refused::BadRequest);
    }
    Ok(crate::korean::nfc(&decoded))
}

fn is_inside(out: &Path, file: &Path) -> bool {
    match file.canonicalize() {
        Ok(real) => real.starts_with(out),
        // Missing: ServeDir answers with the 404 page.
        Err(_) => true,
    }
}

async fn not_found(out: &Path) -> Response {
    let body = tokio::fs::read(out.join(crate::site_files::NOT_FOUND))
        .await
        .unwrap_or_default();
    let mut res = (StatusCode::NOT_FOUND, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}

async fn guard(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let raw = req.uri().path().to_string();
    let rel = match site_path(&raw) {
        Ok(rel) => rel,
        Err(Refused::BadRequest) => {
            return finish(
                (StatusCode::BAD_REQUEST, "잘못된 경로입니다 (bad path)\n").into_response(),
            )
        }
    };
    if !raw.starts_with("/__gongbu/") {
        let out = app.out.clone();
        let file = out.join(&rel);
        let inside = tokio::task::spawn_blocking(move || is_inside(&out, &file))
            .await
            .unwrap_or(false);
        if !inside {
            return finish(not_found(&app.out).await);
        }
        // Ask for the file by its NFC name (macOS sends NFD Hangul).
        // Encoded the way gongbu writes its hrefs (one set: `urls`).
        let encoded = format!("/{}", crate::urls::encode_path(&rel));
        if encoded != raw {
            let mut parts = req.uri().clone().into_parts();
            let query = req
                .uri()
                .query()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            if let Ok(pq) = format!("{encoded}{query}").parse() {
                parts.path_and_query = Some(pq);
                if let Ok(uri) = Uri::from_parts(parts) {
                    *req.uri_mut() = uri;
                }
            }
        }
    }
    // Pages change between two requests in the same second: never answer
    // "not modified" from a time stamp.
    let headers = req.headers_mut();
    headers.remove(header::IF_MODIFIED_SINCE);
    headers.remove(header::IF_NONE_MATCH);
    headers.remove(header::IF_RANGE);
    headers.remove(header::IF_UNMODIFIED_SINCE);
    finish(next.run(req).await)
}

/// No caching, and UTF-8 named on every text type.
fn finish(mut res: Response<Body>) -> Response<Body> {
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let with_charset = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.contains("charset") && is_text(t))
        .and_then(|t| HeaderValue::from_str(&format!("{t}; charset=utf-8")).ok());
    if let Some(v) = with_charset {
        headers.insert(header::CONTENT_TYPE, v);
    }
    res
}

fn is_text(mime: &str) -> bool {
    let essence = mime.split(';').next().unwrap_or("").trim();
    essence.starts_with("text/")
        || matches!(
            essence,
            "application/javascript"
                | "application/json"
                | "application/xml"
                | "application/atom+xml"
                | "application/rss+xml"
                | "application/manifest+json"
                | "image/svg+xml"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_inside_the_site_are_decoded() {
        assert_eq!(site_path("/").unwrap(), "");
        assert_eq!(
            site_path("/os/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4.html").unwrap(),
            "os/프로세스.html"
        );
        // NFD Hangul (as macOS may send it) comes out NFC.
        let nfd = "/%E1%84%91%E1%85%B3%E1%84%85%E1%85%A9.html";
        assert_eq!(site_path(nfd).unwrap(), "프로.html");
        assert_eq!(site_path("/a%20b/c.html").unwrap(), "a b/c.html");
        assert_eq!(site_path("/categories/").unwrap(), "categories/");
    }

    #[test]
    fn paths_leaving_the_site_are_refused() {
        for raw in [
            "/../x",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/..%2fx",
            "/..%2Fetc%2Fpasswd",
            "/%2fetc/passwd",
            "//etc/passwd",
            "/a\\..\\x",
            "/a%5c..%5cx",
            "/a%00.html",
            "/./x",
            "/%ff.html",
            "x",
        ] {
            assert_eq!(site_path(raw), Err(Refused::BadRequest), "{raw}");
        }
    }

    #[test]
    fn text_types_get_a_charset() {
        for t in [
            "text/html",
            "text/css",
            "text/javascript",
            "application/xml",
            "image/svg+xml",
        ] {
            assert!(is_text(t), "{t}");
        }
        assert!(!is_text("image/png"));
        let res = finish(
            (
                [(header::CONTENT_TYPE, HeaderValue::from_static("text/html"))],
                "x",
            )
                .into_response(),
        );
        assert_eq!(
            res.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    }
}
