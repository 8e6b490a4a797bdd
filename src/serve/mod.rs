//! `gongbu serve`: builds the site into a temporary folder of its own,
//! serves it on 127.0.0.1, watches notes/, templates/, static/ and
//! gongbu.yaml, rebuilds what an edit changed (the edited page first) and
//! tells open pages to reload, or to show a bad edit's errors over the last
//! good page. Ctrl-C stops it and removes the temporary folder.
//!
//! Rooms: `rebuild` (the site in memory, what an edit re-renders), `served`
//! (the output folder, written only where bytes change), `http` (axum,
//! path guard), `live` (reload messages, overlay script), `watch` (notify).

pub(crate) mod http;
pub(crate) mod live;
pub(crate) mod rebuild;
pub(crate) mod served;
pub(crate) mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch as signal_watch;

use crate::diagnostic::{Code, Diagnostic};
use crate::BuildOptions;
use live::Live;
use rebuild::{Outcome, Workspace};
use served::ServedDir;
use watch::{WatchMsg, Watcher};

/// The port tried first.
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports after the asked one are tried when it is taken.
const PORT_TRIES: u16 = 100;
/// Serve's temporary folders: `gongbu-serve-XXXX/site` is served, and
/// `gongbu-serve-XXXX/lock` is locked by the process that owns it.
const TEMP_PREFIX: &str = "gongbu-serve-";
const LOCK_FILE: &str = "lock";
/// Marks a temporary folder as serve's own: start-up removes only folders
/// that carry it (and whose lock is free).
const SERVE_MARKER: &str = ".gongbu-serve";
const SERVE_MARKER_TEXT: &str = "gongbu serve의 임시 출력입니다. gongbu serve temporary output.\n";

/// Marks a temporary folder as in use for as long as the value lives.
struct Owner {
    #[cfg(target_os = "linux")]
    _lock: std::fs::File,
}

impl Owner {
    fn claim(dir: &std::path::Path) -> std::io::Result<Owner> {
        // Locked before it gets its name, so no one sees it unlocked.
        let unnamed = dir.join(format!("{LOCK_FILE}.new"));
        let file = std::fs::File::create(&unnamed)?;
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{flock, FlockOperation};
            flock(&file, FlockOperation::NonBlockingLockExclusive)?;
            std::fs::rename(&unnamed, dir.join(LOCK_FILE))?;
            Ok(Owner { _lock: file })
        }
        #[cfg(not(target_os = "linux"))]
        {
            drop(file);
            std::fs::rename(&unnamed, dir.join(LOCK_FILE))?;
            Ok(Owner {})
        }
    }
}

/// Removes the temporary folders of servers that were killed before they
/// could: their lock is free (Linux; elsewhere they are left alone).
fn clean_stale_outputs() {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{flock, FlockOperation};
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            if !entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                continue;
            }
            let marked = std::fs::read_to_string(entry.path().join(SERVE_MARKER))
                .is_ok_and(|t| t == SERVE_MARKER_TEXT);
            if !marked {
                continue;
            }
            let Ok(file) = std::fs::File::open(entry.path().join(LOCK_FILE)) else {
                continue;
            };
            if flock(&file, FlockOperation::NonBlockingLockExclusive).is_ok() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site (root, drafts); output, base URL and live reload are
    /// serve's own.
    pub site: BuildOptions,
    /// 0 lets the system choose.
    pub port: u16,
    pub bind: IpAddr,
    /// Open the site in the browser once it is built.
    pub open: bool,
}

impl ServeOptions {
    pub fn new(root: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            site: BuildOptions::new(root),
            port: DEFAULT_PORT,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            open: false,
        }
    }
}

/// What happens while serving, for the command line to print.
#[derive(Debug)]
pub enum ServeEvent {
    /// The first build is served.
    Ready {
        url: String,
        /// The temporary output folder.
        out: PathBuf,
        /// The port asked for, when it was taken and another is used.
        port_taken: Option<u16>,
        outcome: Outcome,
    },
    /// Sources changed and the site was updated.
    Rebuilt(Outcome),
    /// Something went wrong that does not stop the server.
    Problem(Diagnostic),
    /// Ctrl-C: stopping.
    Stopping,
}

/// Serves until Ctrl-C. Fails with diagnostics when nothing can be served
/// (no notes folder, broken configuration or theme at start, no port).
pub fn serve(
    opts: ServeOptions,
    report: impl Fn(ServeEvent) + Send + Sync + 'static,
) -> Result<(), Vec<Diagnostic>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            vec![Diagnostic::error(
                Code::Serve,
                format!("서버를 시작할 수 없습니다: {e}"),
            )]
        })?;
    runtime.block_on(run(opts, Arc::new(report)))
}

type Report = Arc<dyn Fn(ServeEvent) + Send + Sync>;

async fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, Diagnostic> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_TRIES)
    };
    let mut error = None;
    for p in port..=last {
        match TcpListener::bind(SocketAddr::new(ip, p)).await {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => error = Some(e),
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    let e = error.map(|e| e.to_string()).unwrap_or_default();
    Err(Diagnostic::error(
        Code::Usage,
        format!("{ip}:{port}에서 기다릴 수 없습니다: {e}"),
    )
    .with_help("--port로 다른 포트를, --bind로 다른 주소를 지정하세요"))
}

/// Resolves on Ctrl-C (or SIGTERM).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn url_of(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
        ip => ip.to_string(),
    };
    format!("http://{host}:{}/", addr.port())
}

async fn run(opts: ServeOptions, report: Report) -> Result<(), Vec<Diagnostic>> {
    let root = opts.site.root.canonicalize().map_err(|e| {
        vec![Diagnostic::error(
            Code::NotesDir,
            format!("`{}`를 열 수 없습니다: {e}", opts.site.root.display()),
        )]
    })?;
    let mut site = opts.site.clone();
    site.root = root.clone();
    site.out = None;
    site.strict = false;
    site.live_reload = true;
    // Pages are relative; the 404 page, served at any depth, links from "/".
    site.base_url = Some("/".to_string());

    let listener = bind(opts.bind, opts.port).await.map_err(|d| vec![d])?;
    let addr = listener
        .local_addr()
        .map_err(|e| vec![Diagnostic::error(Code::Serve, e.to_string())])?;
    clean_stale_outputs();
    let temp_error = |e: std::io::Error| {
        vec![Diagnostic::error(
            Code::OutputDir,
            format!("임시 출력 폴더를 만들 수 없습니다: {e}"),
        )]
    };
    let temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempdir()
        .map_err(temp_error)?;
    let owner = Owner::claim(temp.path()).map_err(temp_error)?;
    std::fs::write(temp.path().join(SERVE_MARKER), SERVE_MARKER_TEXT).map_err(temp_error)?;
    let out = temp.path().join("site");
    std::fs::create_dir(&out).map_err(temp_error)?;
    let out = out.canonicalize().unwrap_or(out);
    let served = Arc::new(ServedDir::new(out.clone()));
    let live = Arc::new(Live::new());
    let (stop_tx, stop_rx) = signal_watch::channel(false);
    tokio::spawn(async move {
        stop_signal().await;
        let _ = stop_tx.send(true);
    });

    // Watching starts before the first build reads anything, so that no
    // edit made meanwhile is missed.
    let (tx, rx) = mpsc::channel();
    let notes_dir = site.resolved().notes_dir();
    let watcher = match Watcher::start(&root, &notes_dir, tx.clone()) {
        Ok(w) => Some(w),
        Err(e) => {
            report(ServeEvent::Problem(
                Diagnostic::warning(
                    Code::Watch,
                    format!(
                        "파일 변경을 지켜볼 수 없습니다 (자동으로 다시 빌드하지 않습니다): {e}"
                    ),
                )
                .with_help("Linux라면 fs.inotify.max_user_watches를 늘려 보세요"),
            ));
            None
        }
    };

    // The first build, which Ctrl-C may cut short.
    let mut load = tokio::task::spawn_blocking({
        let served = served.clone();
        move || Workspace::load(site, &served)
    });
    let mut stopped = stop_rx.clone();
    let loaded = tokio::select! {
        r = &mut load => r,
        _ = stopped.wait_for(|s| *s) => {
            served.cancel();
            let _ = load.await;
            return Ok(());
        }
    };
    let (workspace, outcome) = match loaded {
        Ok(Ok(x)) => x,
        Ok(Err(diags)) => return Err(diags),
        Err(e) => {
            return Err(vec![Diagnostic::error(
                Code::Serve,
                format!("빌드가 중단되었습니다: {e}"),
            )])
        }
    };
    live.set_errors(&outcome.errors());

    // Rebuilding on a thread of its own, serving on the runtime.
    let rebuilder = std::thread::Builder::new()
        .name("gongbu-rebuild".into())
        .spawn({
            let served = served.clone();
            let live = live.clone();
            let report = report.clone();
            move || rebuild_loop(workspace, watcher, rx, &served, &live, &report)
        })
        .map_err(|e| vec![Diagnostic::error(Code::Serve, e.to_string())])?;
    let app = http::router(out.clone(), live, stop_rx.clone(), opts.bind);
    let mut stopped = stop_rx.clone();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|s| *s).await;
            })
            .await
    });

    let url = url_of(addr);
    let port_taken = (opts.port != 0 && addr.port() != opts.port).then_some(opts.port);
    report(ServeEvent::Ready {
        url: url.clone(),
        out,
        port_taken,
        outcome,
    });
    if opts.open {
        if let Err(e) = open::that_detached(&url) {
            report(ServeEvent::Problem(Diagnostic::warning(
                Code::Serve,
                format!("브라우저를 열 수 없습니다: {e}"),
            )));
        }
    }

    let mut stopped = stop_rx;
    let _ = stopped.wait_for(|s| *s).await;
    report(ServeEvent::Stopping);
    let _ = tokio::time::timeout(Duration::from_secs(3), server).await;
    served.cancel();
    let _ = tx.send(WatchMsg::Stop);
    let _ = tokio::task::spawn_blocking(move || rebuilder.join()).await;
    drop(temp);
    drop(owner);
    Ok(())
}

fn rebuild_loop(
    mut workspace: Workspace,
    mut watcher: Option<Watcher>,
    rx: mpsc::Receiver<WatchMsg>,
    served: &ServedDir,
    live: &Live,
    report: &Report,
) {
    while let Ok(msg) = rx.recv() {
        let mut paths = match msg {
            WatchMsg::Changes(p) => p,
            WatchMsg::Stop => return,
            WatchMsg::Failed(e) => {
                report(ServeEvent::Problem(Diagnostic::warning(
                    Code::Watch,
                    format!("파일 변경 감시 오류: {e}"),
                )));
                continue;
            }
        };
        // Whatever else arrived meanwhile goes into the same rebuild.
        while let Ok(more) = rx.try_recv() {
            match more {
                WatchMsg::Changes(p) => paths.extend(p),
                WatchMsg::Stop => return,
                WatchMsg::Failed(_) => {}
            }
        }
        if let Some(w) = watcher.as_mut() {
            w.follow(&paths);
        }
        let Some(outcome) = workspace.rebuild(&paths, served, &mut |first| live.reload(first))
        else {
            continue;
        };
        live.set_errors(&outcome.errors());
        let rest: Vec<String> = outcome
            .changed
            .iter()
            .filter(|c| !outcome.first.contains(c))
            .cloned()
            .collect();
        live.reload(&rest);
        report(ServeEvent::Rebuilt(outcome));
    }
}
