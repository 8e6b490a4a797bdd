//! `gongbu import notion`: a Notion "Markdown & CSV" export laid out as
//! Notion writes it (`제목 <32 hex>.md` beside a folder of the same name,
//! percent-encoded links, property lines, a database CSV and its folder),
//! imported from a folder and from a zip, then built.

use std::io::{Cursor, Write};
use std::path::Path;

use crate::common::{attrs, dead_links, texts, Fixture};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

const OS: &str = "3f1c9a2b7d4e4f6a8b0c1d2e3f4a5b6c";
const PROC: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const IPC1: &str = "11112222333344445555666677778888";
const IPC2: &str = "9999aaaabbbbccccddddeeeeffff0000";
const DB: &str = "5d6e7f8091a2b3c4d5e6f708192a3b4c";
const ROW: &str = "c0ffee00c0ffee00c0ffee00c0ffee00";

/// Notion percent-encodes everything but letters, digits and `. - _ /`.
fn enc(s: &str) -> String {
    const SET: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'.')
        .remove(b'-')
        .remove(b'_')
        .remove(b'/');
    utf8_percent_encode(s, SET).to_string()
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| image::Rgb([(x % 256) as u8, 10, 200]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// The export's files: (path, bytes), inside the `Export-…` folder.
fn export_files() -> Vec<(String, Vec<u8>)> {
    let os_dir = format!("운영체제 공부 {OS}");
    let proc_dir = format!("{os_dir}/프로세스와 스레드 {PROC}");
    let db_dir = format!("면접 질문 {DB}");
    let root = format!(
        "# 운영체제 공부\n\nTags: OS, 면접\nCreated: 2024년 3월 5일 오후 3:12\n상태: 진행 중\n\n\
         운영체제 수업을 들으며 정리한 페이지다.\n\n\
         [프로세스와 스레드]({})\n\n[IPC 정리]({})\n\n[IPC 정리]({})\n\n[면접 질문]({})\n",
        enc(&format!("{os_dir}/프로세스와 스레드 {PROC}.md")),
        enc(&format!("{os_dir}/IPC 정리 {IPC1}.md")),
        enc(&format!("{os_dir}/IPC 정리 {IPC2}.md")),
        enc(&format!("면접 질문 {DB}.csv")),
    );
    let process = format!(
        "# 프로세스와 스레드\n\n태그: 프로세스, 스레드\n날짜: 2024/03/06\n최종 편집 일시: March 7, 2024 9:05 PM\n\n\
         프로세스는 자원을 할당받는 단위이고 스레드는 실행 흐름이다.\n\n\
         ![Untitled]({})\n\n![스케줄링 다이어그램]({})\n\n\
         ![화면 캡처](attachment:6b1c2f4e-2a7d-4e0b-9c3d-5f6a7b8c9d0e:screen.png)\n\n\
         자세한 통신 방법은 [IPC 정리](https://www.notion.so/IPC-{IPC1}?pvs=4)에.\n",
        enc(&format!("프로세스와 스레드 {PROC}/Untitled.png")),
        enc(&format!("프로세스와 스레드 {PROC}/스케줄링 다이어그램.png")),
    );
    let ipc1 = format!(
        "# IPC 정리\n\n파이프와 공유 메모리를 비교한다.\n\n[돌아가기]({})\n",
        enc(&format!("../운영체제 공부 {OS}.md"))
    );
    let ipc2 = "# IPC 정리\n\n두 번째로 만든 같은 이름의 페이지: 소켓 편.\n".to_string();
    let row = "# 컨텍스트 스위칭이란\n\n난이도: 중\n\nCPU가 실행하던 문맥을 저장하고 다른 문맥을 불러오는 일.\n".to_string();
    let csv = "\u{feff}이름,난이도,태그\n컨텍스트 스위칭이란,중,\"OS, 면접\"\n데드락 조건,상,OS\n"
        .to_string();
    let csv_partial = "\u{feff}이름,난이도\n컨텍스트 스위칭이란,중\n".to_string();
    vec![
        (format!("{os_dir}.md"), root.into_bytes()),
        (format!("{proc_dir}.md"), process.into_bytes()),
        (format!("{proc_dir}/Untitled.png"), png(30, 20)),
        (format!("{proc_dir}/스케줄링 다이어그램.png"), png(60, 20)),
        (format!("{os_dir}/IPC 정리 {IPC1}.md"), ipc1.into_bytes()),
        (format!("{os_dir}/IPC 정리 {IPC2}.md"), ipc2.into_bytes()),
        (format!("면접 질문 {DB}.csv"), csv_partial.into_bytes()),
        (format!("면접 질문 {DB}_all.csv"), csv.into_bytes()),
        (
            format!("{db_dir}/컨텍스트 스위칭이란 {ROW}.md"),
            row.into_bytes(),
        ),
    ]
}

fn write_export_dir(dir: &Path) {
    for (rel, bytes) in export_files() {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

fn write_export_zip(path: &Path) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (rel, bytes) in export_files() {
        zip.start_file(format!("Export-2b7c1e9a/{rel}"), options)
            .unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap();
}

fn read(f: &Fixture, rel: &str) -> String {
    std::fs::read_to_string(f.root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn check_imported(f: &Fixture) {
    let base = "notes/notion";
    let root = read(f, &format!("{base}/운영체제 공부.md"));
    assert!(
        root.starts_with("---\ntitle: \"운영체제 공부\"\n"),
        "{root}"
    );
    assert!(root.contains("tags: [\"OS\", \"면접\"]\n"));
    assert!(root.contains("date: 2024-03-05 15:12\n"));
    assert!(root.contains("\"상태\": \"진행 중\"\n"));
    assert!(!root.contains("Tags:") && !root.contains(OS));
    assert!(
        root.contains("[프로세스와 스레드](운영체제%20공부/프로세스와%20스레드.md)"),
        "{root}"
    );
    // Two pages named "IPC 정리": the second gets a clear suffix.
    assert!(root.contains("[IPC 정리](운영체제%20공부/IPC%20정리.md)"));
    assert!(root.contains("[IPC 정리](운영체제%20공부/IPC%20정리%20%282%29.md)"));
    assert!(f
        .root()
        .join(format!("{base}/운영체제 공부/IPC 정리 (2).md"))
        .is_file());
    assert!(root.contains("[면접 질문](면접%20질문.md)"));

    let process = read(f, &format!("{base}/운영체제 공부/프로세스와 스레드.md"));
    assert!(
        process.contains(
            "tags: [\"프로세스\", \"스레드\"]\ndate: 2024-03-06\nupdated: 2024-03-07 21:05\n"
        ),
        "{process}"
    );
    // Images beside their note; the Notion mention link points at the page.
    assert!(process.contains("![Untitled](Untitled.png)"), "{process}");
    assert!(process.contains("![스케줄링 다이어그램](스케줄링%20다이어그램.png)"));
    assert!(f
        .root()
        .join(format!("{base}/운영체제 공부/스케줄링 다이어그램.png"))
        .is_file());
    assert!(process.contains("[IPC 정리](IPC%20정리.md)"), "{process}");
    // The attachment the export lacks is named at the end.
    assert!(process.contains("*(그림 없음: screen.png)*"));
    assert!(process.contains("## 옮기지 못한 첨부 파일") && process.contains("- `screen.png`"));

    let ipc = read(f, &format!("{base}/운영체제 공부/IPC 정리.md"));
    assert!(ipc.contains("[돌아가기](../운영체제%20공부.md)"), "{ipc}");

    // The database: a list page from `_all.csv`, rows linked to their pages.
    let db = read(f, &format!("{base}/면접 질문.md"));
    assert!(db.contains("항목 2개"), "{db}");
    assert!(db.contains("- [컨텍스트 스위칭이란](면접%20질문/컨텍스트%20스위칭이란.md) — 난이도: 중 · 태그: OS, 면접"), "{db}");
    assert!(db.contains("- 데드락 조건 — 난이도: 상 · 태그: OS"));
    let row = read(f, &format!("{base}/면접 질문/컨텍스트 스위칭이란.md"));
    assert!(row.contains("\"난이도\": \"중\""));

    // The imported notes build without a dead link.
    let build = f.cli(&["build"]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert_eq!(dead_links(&f.out()), Vec::<String>::new());
    let page = f.html("notion/운영체제-공부/프로세스와-스레드.html");
    assert_eq!(attrs(&page, ".note-body img", "src").len(), 2);
    assert!(texts(&page, ".tag, .tags a")
        .iter()
        .any(|t| t.contains("스레드")));
}

#[test]
fn a_notion_folder_becomes_clean_notes_that_build() {
    let f = Fixture::new();
    write_export_dir(&f.root().join("export"));
    let out = f.cli(&["import", "notion", "export", "--into", "notes/notion"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("notion-attachment")
            && stderr.contains(&format!("프로세스와 스레드 {PROC}.md:13")),
        "{stderr}"
    );
    check_imported(&f);
}

#[test]
fn a_notion_zip_imports_the_same_and_never_overwrites() {
    let f = Fixture::new();
    write_export_zip(&f.root().join("Export-2b7c1e9a.zip"));
    // --dry-run prints the plan and writes nothing.
    let dry = f.cli(&[
        "import",
        "notion",
        "Export-2b7c1e9a.zip",
        "--into",
        "notes/notion",
        "--dry-run",
    ]);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let plan = String::from_utf8_lossy(&dry.stdout);
    assert!(plan.contains("운영체제 공부/IPC 정리 (2).md"), "{plan}");
    assert!(!f.root().join("notes/notion").exists());

    // A note the user already has is kept as it is.
    f.note("notion/운영체제 공부/IPC 정리.md", "# 내가 고친 IPC\n");
    let out = f.cli(&[
        "import",
        "notion",
        "Export-2b7c1e9a.zip",
        "--into",
        "notes/notion",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        read(&f, "notes/notion/운영체제 공부/IPC 정리.md"),
        "# 내가 고친 IPC\n"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("이미 있어 건너뜀"));
    std::fs::remove_file(f.root().join("notes/notion/운영체제 공부/IPC 정리.md")).unwrap();
    let again = f.cli(&[
        "import",
        "notion",
        "Export-2b7c1e9a.zip",
        "--into",
        "notes/notion",
    ]);
    assert!(again.status.success());
    check_imported(&f);
}

#[test]
fn a_file_that_is_not_an_export_is_a_usage_error() {
    let f = Fixture::new();
    f.file("not-a-zip.zip", b"hello");
    let out = f.cli(&["import", "notion", "not-a-zip.zip"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("zip"));
}
