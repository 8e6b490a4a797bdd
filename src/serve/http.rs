//! The HTTP side of `gongbu serve`: the output folder through tower-http's
//! `ServeDir` (the site's 404.html for missing files), the live-reload
//! script and event stream, and a guard in front that refuses any path that
//! could leave the output folder: `..` (also percent-encoded), absolute
//! paths, backslashes, NUL, and symlinks that resolve outside. Requests
//! whose `Host` (and, on the event stream, `Origin`) is not this machine
//! by an IP address or `localhost` get 403, so a web page cannot reach the
//! server through DNS rebinding.

use std::convert::Infallible;
use std::net::IpAddr;
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
pub(crate) const LIVE_JS: &str = "/__gongbu/live.js";
pub(crate) const EVENTS: &str = "/__gongbu/events";

#[derive(Clone)]
struct App {
    /// The output folder, canonical.
    out: Arc<PathBuf>,
    live: Arc<Live>,
    stop: watch::Receiver<bool>,
    bind: IpAddr,
}

/// The whole service. `out` must be canonical; `bind` is the address the
/// server listens on (a `Host` naming it is accepted).
pub(crate) fn router(
    out: PathBuf,
    live: Arc<Live>,
    stop: watch::Receiver<bool>,
    bind: IpAddr,
) -> Router {
    let files = ServeDir::new(&out)
        .append_index_html_on_directories(true)
        .not_found_service(ServeFile::new(out.join(crate::site_files::NOT_FOUND)));
    let app = App {
        out: Arc::new(out),
        live,
        stop,
        bind,
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
pub(crate) enum Refused {
    /// Not a path into the site at all: 400.
    BadRequest,
}

/// Decodes a request path and checks that it stays inside the site: no
/// `..` or `.` segment (also percent-encoded), no absolute path after the
/// leading `/`, no backslash or NUL, valid UTF-8. Returns the decoded
/// site-relative path (`os/프로세스.html`, empty for the root).
pub(crate) fn site_path(raw: &str) -> Result<String, Refused> {
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

/// Whether a `Host` value (`name[:port]`) names this server: `localhost`,
/// `127.0.0.1`, `[::1]` or the bound address; any IP address when bound to
/// all of them (`--bind 0.0.0.0`: a phone on the network uses the
/// machine's address). Names other than `localhost` are refused: only they
/// can be rebound to us by a foreign DNS.
pub(crate) fn host_allowed(host: &str, bind: IpAddr) -> bool {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((v6, port)) if port.is_empty() || port.starts_with(':') => v6,
            _ => return false,
        }
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == bind || bind.is_unspecified(),
        Err(_) => false,
    }
}

/// The host part of an `Origin` (`http://localhost:1111`); None for
/// `null` and anything not http(s).
fn origin_host(origin: &str) -> Option<&str> {
    let rest = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))?;
    Some(rest.split('/').next().unwrap_or(rest))
}

fn forbidden() -> Response {
    finish(
        (
            StatusCode::FORBIDDEN,
            "이 주소로는 볼 수 없습니다 (forbidden host)\n",
        )
            .into_response(),
    )
}

async fn guard(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .map(|h| h.to_str().map(str::to_string))
        .or_else(|| req.uri().authority().map(|a| Ok(a.to_string())));
    match host {
        Some(Ok(h)) if host_allowed(&h, app.bind) => {}
        None => {}
        _ => return forbidden(),
    }
    if req.uri().path() == EVENTS {
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let ok = origin
                .to_str()
                .ok()
                .and_then(origin_host)
                .is_some_and(|h| host_allowed(h, app.bind));
            if !ok {
                return forbidden();
            }
        }
    }
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
    fn only_this_machine_is_a_host() {
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        for ok in [
            "localhost",
            "localhost:1111",
            "LOCALHOST.",
            "127.0.0.1:1111",
            "127.0.0.1",
            "[::1]:1111",
            "[::1]",
        ] {
            assert!(host_allowed(ok, local), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "127.0.0.1.nip.io",
            "192.168.0.5:1111",
            "[::1",
            "",
            "localhost.evil.example",
        ] {
            assert!(!host_allowed(bad, local), "{bad}");
        }
        let lan: IpAddr = "192.168.0.5".parse().unwrap();
        assert!(host_allowed("192.168.0.5:1111", lan));
        let all: IpAddr = "0.0.0.0".parse().unwrap();
        assert!(host_allowed("10.0.0.7:1111", all));
        assert!(!host_allowed("rebind.example:1111", all));
        assert_eq!(origin_host("http://localhost:1111"), Some("localhost:1111"));
        assert_eq!(origin_host("null"), None);
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
