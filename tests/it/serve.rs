//! `gongbu serve`: the real binary on a free port, fetched over HTTP while
//! notes are edited, broken and fixed; paths that try to leave the output;
//! Ctrl-C leaving nothing behind.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;

const PATIENCE: Duration = Duration::from_secs(60);

/// Polls `f` until it returns Some, or fails the test after `PATIENCE`.
fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Everything a stream produced so far, read on a thread of its own.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<String>>);

impl Captured {
    fn follow(mut from: impl Read + Send + 'static) -> Captured {
        let captured = Captured::default();
        let sink = captured.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = from.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.0
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        captured
    }

    fn text(&self) -> String {
        self.0.lock().unwrap().clone()
    }
}

struct Response {
    status: u16,
    headers: String,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

struct Server {
    child: Child,
    port: u16,
    out: PathBuf,
    stdout: Captured,
    stderr: Captured,
}

impl Server {
    fn start(root: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("gongbu"))
            .arg("serve")
            .arg("--root")
            .arg(root)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start gongbu serve");
        let stdout = Captured::follow(child.stdout.take().unwrap());
        let stderr = Captured::follow(child.stderr.take().unwrap());
        let mut server = Server {
            child,
            port: 0,
            out: PathBuf::new(),
            stdout,
            stderr,
        };
        let (port, out) = eventually("the server's address", || {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!(
                    "gongbu serve exited with {status}:\n{}",
                    server.stderr.text()
                );
            }
            let text = server.stdout.text();
            let url = text.lines().find_map(|l| {
                l.strip_prefix("미리 보기: http://127.0.0.1:")?
                    .split('/')
                    .next()?
                    .parse::<u16>()
                    .ok()
            })?;
            let out = text
                .lines()
                .find_map(|l| l.strip_prefix("임시 출력: "))
                .map(PathBuf::from)?;
            Some((url, out))
        });
        server.port = port;
        server.out = out;
        server
    }

    /// GET `target` exactly as written (no normalization on our side).
    fn get(&self, target: &str) -> Response {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("read response");
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Response {
            status,
            headers: head.to_string(),
            body: body.to_string(),
        }
    }

    /// The status line's code of a GET sent with extra header lines
    /// (`Host` among them), reading no further than the headers.
    fn status_with(&self, target: &str, headers: &str) -> u16 {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "GET {target} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n") {
            match s.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => break,
            }
        }
        String::from_utf8_lossy(&head)
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
    }

    /// The live-reload event stream, as it arrives.
    fn events(&self) -> Captured {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        write!(
            s,
            "GET /__gongbu/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let events = Captured::follow(s);
        eventually("the hello event", || {
            events.text().contains("event: hello").then_some(())
        });
        events
    }

    /// Ctrl-C, and the exit status.
    fn interrupt(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(sent.success());
        eventually("gongbu serve to stop", || self.child.try_wait().unwrap())
    }
}

impl Drop for Server {
    /// Stops the server the way a user does (so it removes its output),
    /// killing it only if it does not stop.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let pid = self.child.id().to_string();
            let _ = Command::new("kill").args(["-INT", &pid]).status();
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(10) {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn enc(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%2F", "/")
        .replace("%2E", ".")
        .replace("%2D", "-")
}

fn fixture() -> Fixture {
    let f = Fixture::new();
    f.note(
        "os/프로세스.md",
        "---\ntitle: 프로세스\ndate: 2026-03-01\ntags: [운영체제]\n---\n\n실행 중인 프로그램이다.\n\n처음 문장.\n",
    )
    .note(
        "os/스레드.md",
        "---\ntitle: 스레드\ndate: 2026-03-02\ntags: [운영체제]\n---\n\n[프로세스](프로세스.md) 안의 실행 흐름.\n",
    );
    f
}

#[test]
fn serves_the_site_with_types_404_and_hangul_paths() {
    let f = fixture();
    let server = Server::start(f.root(), &["--port", "0"]);

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(home.body.contains("__gongbu/live.js"), "live reload script");

    let page = server.get(&format!("/{}", enc("os/프로세스.html")));
    assert_eq!(page.status, 200, "{}", page.headers);
    assert!(page.body.contains("처음 문장."));
    let doc = scraper::Html::parse_document(&page.body);
    assert_eq!(text(&doc, "h1.note-title"), "프로세스");
    assert_eq!(
        attrs(&doc, "script[src$='live.js']", "src"),
        vec!["../__gongbu/live.js"]
    );

    for (path, mime) in [
        ("/assets/gongbu.css", "text/css; charset=utf-8"),
        ("/assets/gongbu.js", "text/javascript; charset=utf-8"),
        ("/__gongbu/live.js", "text/javascript; charset=utf-8"),
        ("/sitemap.xml", "text/xml; charset=utf-8"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type").as_deref(), Some(mime), "{path}");
    }
    let script = server.get("/__gongbu/live.js");
    assert!(script.body.contains("EventSource"));

    let missing = server.get(&format!("/{}", enc("os/없는-노트.html")));
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("페이지를 찾을 수 없습니다"),
        "the site's 404 page"
    );
    assert_eq!(
        missing.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(missing.header("cache-control").as_deref(), Some("no-store"));
}

#[test]
fn paths_leaving_the_output_are_refused() {
    let f = fixture();
    f.file("secret.txt", b"SECRET-OUTSIDE");
    let server = Server::start(f.root(), &["--port", "0"]);
    for target in [
        "/../secret.txt",
        "/os/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/os/..%2F..%2Fsecret.txt",
        "/%2fetc%2fpasswd",
        "//etc/passwd",
        "/os%5c..%5c..%5csecret.txt",
        "/%00.html",
    ] {
        let r = server.get(target);
        assert!(
            r.status == 400 || r.status == 404,
            "{target}: {}",
            r.headers
        );
        assert!(!r.body.contains("SECRET-OUTSIDE"), "{target}");
        assert!(!r.body.contains("root:"), "{target}");
    }
    assert_eq!(server.get("/etc/passwd").status, 404);
    assert_eq!(server.get("/../secret.txt").status, 400);

    // Symlinks inside the output that lead out are not followed.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(f.root().join("secret.txt"), server.out.join("leak.txt"))
            .unwrap();
        std::os::unix::fs::symlink(f.root(), server.out.join("up")).unwrap();
        for target in ["/leak.txt", "/up/secret.txt"] {
            let r = server.get(target);
            assert_eq!(r.status, 404, "{target}");
            assert!(!r.body.contains("SECRET-OUTSIDE"), "{target}");
        }
    }
}

#[test]
fn edits_are_served_and_bad_edits_show_errors_over_the_last_good_site() {
    let f = fixture();
    let mut server = Server::start(f.root(), &["--port", "0"]);
    let events = server.events();
    let url = format!("/{}", enc("os/프로세스.html"));
    let note = f.root().join("notes/os/프로세스.md");

    // An edit is served and announced.
    let text = std::fs::read_to_string(&note).unwrap();
    std::fs::write(&note, text.replace("처음 문장.", "고친 문장.")).unwrap();
    eventually("the edited page", || {
        server.get(&url).body.contains("고친 문장.").then_some(())
    });
    eventually("a reload event for the page", || {
        events.text().contains("\"os/프로세스.html\"").then_some(())
    });
    assert!(events.text().contains("event: reload"));

    // Broken front matter: the error goes to open pages, the last good
    // page stays served.
    std::fs::write(
        &note,
        "---\ntitle: 프로세스\ndate: 2026-03-01\ntags: [운영체제\n---\n\n깨진 뒤의 <문장>.\n",
    )
    .unwrap();
    let shown = eventually("the error in the event stream", || {
        let t = events.text();
        t.contains("notes/os/프로세스.md:")
            .then(|| t[t.rfind("event: errors").unwrap()..].to_string())
    });
    assert!(
        shown.contains("\"location\":\"notes/os/프로세스.md:"),
        "{shown}"
    );
    assert!(shown.contains("front matter"), "{shown}");
    let page = server.get(&url);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("고친 문장."));
    assert!(!page.body.contains("깨진 뒤의"));
    // A page opened now is told at once.
    let late = server.events();
    assert!(late.text().contains("notes/os/프로세스.md:"));

    // Fixed: the overlay is cleared and the page updated.
    std::fs::write(&note, text.replace("처음 문장.", "다시 고친 문장.")).unwrap();
    eventually("the fixed page", || {
        server
            .get(&url)
            .body
            .contains("다시 고친 문장.")
            .then_some(())
    });
    eventually("the overlay cleared", || {
        events
            .text()
            .contains("event: errors\ndata: {\"errors\":[]}")
            .then_some(())
    });

    // New, renamed and deleted notes.
    f.note("net/소켓.md", "# 소켓\n\n[[스레드]]와 함께 쓴다.\n");
    let new_url = format!("/{}", enc("net/소켓.html"));
    eventually("the new note", || {
        (server.get(&new_url).status == 200).then_some(())
    });
    eventually("its backlink", || {
        server
            .get(&format!("/{}", enc("os/스레드.html")))
            .body
            .contains("소켓")
            .then_some(())
    });
    std::fs::rename(
        f.root().join("notes/net/소켓.md"),
        f.root().join("notes/net/웹소켓.md"),
    )
    .unwrap();
    eventually("the renamed note", || {
        (server.get(&format!("/{}", enc("net/웹소켓.html"))).status == 200
            && server.get(&new_url).status == 404)
            .then_some(())
    });
    std::fs::remove_file(f.root().join("notes/net/웹소켓.md")).unwrap();
    eventually("the deleted note gone", || {
        (server.get(&format!("/{}", enc("net/웹소켓.html"))).status == 404).then_some(())
    });

    // Ctrl-C with a page still connected: a clean stop, no output left.
    let temp = server.out.parent().unwrap().to_path_buf();
    assert!(server.out.is_dir());
    let status = server.interrupt();
    assert!(status.success(), "{status}: {}", server.stderr.text());
    assert!(!temp.exists(), "temporary output removed");
}

#[cfg(target_os = "linux")]
#[test]
fn the_output_of_a_killed_server_is_removed_by_the_next() {
    let f = fixture();
    let mut killed = Server::start(f.root(), &["--port", "0"]);
    let temp = killed.out.parent().unwrap().to_path_buf();
    killed.child.kill().unwrap();
    killed.child.wait().unwrap();
    assert!(temp.is_dir(), "SIGKILL leaves it");
    let next = Server::start(f.root(), &["--port", "0"]);
    assert!(!temp.exists());
    assert!(next.out.is_dir());
}

#[test]
fn a_template_error_shows_and_clears() {
    let f = fixture();
    let server = Server::start(f.root(), &["--port", "0"]);
    let events = server.events();
    f.file("templates/note.html", b"{% if %}");
    eventually("the template error", || {
        events.text().contains("templates/note.html").then_some(())
    });
    assert_eq!(
        server.get(&format!("/{}", enc("os/프로세스.html"))).status,
        200
    );
    f.file(
        "templates/note.html",
        "{% extends \"base.html\" %}{% block content %}<p class=\"mine\">{{ page.title }}</p>{% endblock content %}".as_bytes(),
    );
    eventually("the page in the new template", || {
        server
            .get(&format!("/{}", enc("os/프로세스.html")))
            .body
            .contains("<p class=\"mine\">프로세스</p>")
            .then_some(())
    });
    eventually("the overlay cleared", || {
        events
            .text()
            .contains("event: errors\ndata: {\"errors\":[]}")
            .then_some(())
    });
}

#[test]
fn a_taken_port_moves_to_the_next_free_one() {
    let f = fixture();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let server = Server::start(f.root(), &["--port", &port.to_string()]);
    assert_ne!(server.port, port);
    assert!(server.port > port);
    assert!(server.stdout.text().contains("사용 중"));
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_missing_notes_folder_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("gongbu"))
        .args(["serve", "--port", "0", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("노트 폴더"));
}

#[test]
fn build_output_never_has_the_live_reload_script() {
    let f = fixture();
    let out = f.cli(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = tree(&f.out());
    assert!(files.len() > 5);
    for (name, bytes) in files {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("__gongbu"), "{name}");
    }
}

/// Item 8 of issue 17: DNS rebinding. Only this machine's names and
/// addresses are served; the event stream also checks `Origin`.
#[test]
fn only_local_hosts_are_served() {
    let f = fixture();
    let server = Server::start(f.root(), &["--port", "0"]);
    let port = server.port;
    let page = format!("/{}", enc("os/프로세스.html"));
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "localhost".to_string(),
        format!("[::1]:{port}"),
    ] {
        let code = server.status_with(&page, &format!("Host: {host}\r\n"));
        assert_eq!(code, 200, "{host}");
    }
    for host in [
        format!("evil.example:{port}"),
        "attacker.example".to_string(),
        format!("127.0.0.1.nip.io:{port}"),
        format!("192.168.35.7:{port}"),
    ] {
        for target in [page.as_str(), "/", "/__gongbu/events", "/__gongbu/live.js"] {
            let code = server.status_with(target, &format!("Host: {host}\r\n"));
            assert_eq!(code, 403, "{host} {target}");
        }
    }
    let local = format!("Host: 127.0.0.1:{port}\r\n");
    let evil = server.status_with(
        "/__gongbu/events",
        &format!("{local}Origin: http://evil.example:{port}\r\n"),
    );
    assert_eq!(evil, 403);
    let null = server.status_with("/__gongbu/events", &format!("{local}Origin: null\r\n"));
    assert_eq!(null, 403);
    let ours = server.status_with(
        "/__gongbu/events",
        &format!("{local}Origin: http://localhost:{port}\r\n"),
    );
    assert_eq!(ours, 200);
}

/// Item 4 of issue 17: notes/ gone for a moment (a branch switch, a sync
/// tool) shows the error and keeps serving the last good site; when the
/// folder is back the error clears and edits work again.
#[test]
fn a_vanished_notes_folder_keeps_the_last_good_site() {
    let f = fixture();
    let server = Server::start(f.root(), &["--port", "0"]);
    let events = server.events();
    let files = |dir: &Path| {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .count()
    };
    let served_before = files(&server.out);
    let url = format!("/{}", enc("os/프로세스.html"));
    let notes = f.root().join("notes");
    let away = f.root().join("notes-잠시");
    std::fs::rename(&notes, &away).unwrap();
    eventually("the error in the event stream", || {
        events.text().contains("사라졌습니다").then_some(())
    });
    // Give a wrong prune the time it would take.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(server.get(&url).status, 200);
    assert!(server.get(&url).body.contains("처음 문장."));
    assert_eq!(files(&server.out), served_before);

    std::fs::rename(&away, &notes).unwrap();
    eventually("the overlay cleared", || {
        let t = events.text();
        let last = t.rfind("event: errors")?;
        t[last..]
            .starts_with("event: errors\ndata: {\"errors\":[]}")
            .then_some(())
    });
    assert_eq!(server.get(&url).status, 200);
    let note = notes.join("os/프로세스.md");
    let text = std::fs::read_to_string(&note).unwrap();
    std::fs::write(&note, text.replace("처음 문장.", "돌아온 뒤 고친 문장.")).unwrap();
    eventually("an edit after the folder came back", || {
        server
            .get(&url)
            .body
            .contains("돌아온 뒤 고친 문장.")
            .then_some(())
    });
}

/// Item 11 of issue 17: start-up cleans only temporary folders serve
/// marked as its own, never another program's of a similar name.
#[cfg(target_os = "linux")]
#[test]
fn start_up_cleans_only_folders_serve_marked() {
    let foreign = std::env::temp_dir().join(format!("gongbu-serve-남의-것-{}", std::process::id()));
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("lock"), "").unwrap();
    std::fs::write(foreign.join("작업.txt"), "다른 프로그램의 파일").unwrap();
    let f = fixture();
    let server = Server::start(f.root(), &["--port", "0"]);
    assert!(server.out.is_dir());
    let kept = std::fs::read_to_string(foreign.join("작업.txt"));
    std::fs::remove_dir_all(&foreign).unwrap();
    assert_eq!(kept.unwrap(), "다른 프로그램의 파일");
}
