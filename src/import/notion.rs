//! `gongbu import notion EXPORT.zip|DIR [--into notes/SUBDIR] [--dry-run]`:
//! Notion's "Markdown & CSV" export turned into clean notes.
//!
//! Notion writes every page as `제목 <32 hex id>.md` beside a folder of the
//! same name holding its sub-pages and images, links between pages
//! percent-encoded, the page's properties as `Key: value` lines under its
//! title, and each database as `이름 <id>.csv` (or `_all.csv`) beside a
//! folder of row pages. The import drops the ids (a second page of the same
//! name gets ` (2)`), rewrites links and image paths, moves each image
//! beside the note that shows it, turns the property lines into front
//! matter and each database into a list page, and lists at the end of a note
//! the `attachment:` images the export did not contain. It never overwrites
//! a file; `--dry-run` only returns the plan.

// Raw exported text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag};

use crate::diagnostic::{Code, Diagnostic};
use crate::korean::nfc;
use crate::urls::{decode, has_scheme, join_normalized, split_url};

/// One file of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// Path inside the export.
    pub from: String,
    /// Path under `--into`, `/`-separated.
    pub to: String,
    pub bytes: Vec<u8>,
}

/// What an import did (or, with `--dry-run`, would do).
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Files written (planned), in path order.
    pub files: Vec<PlannedFile>,
    /// Destinations that already existed and were left untouched.
    pub kept: Vec<String>,
    pub notes: usize,
    pub assets: usize,
    pub databases: usize,
    /// Warnings: missing attachments, unreadable files.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the export at `export` and writes the notes under `into` (unless
/// `dry_run`). An unreadable export is an Err (a usage error).
pub fn import(export: &Path, into: &Path, dry_run: bool) -> Result<ImportReport, Diagnostic> {
    let files = read_export(export)?;
    let label = export
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| export.display().to_string());
    let mut report = plan(files, &label);
    if !dry_run {
        write(&mut report, into)?;
    }
    Ok(report)
}

/// Writes the planned files, skipping any that exist.
fn write(report: &mut ImportReport, into: &Path) -> Result<(), Diagnostic> {
    let mut written = Vec::new();
    for f in std::mem::take(&mut report.files) {
        let path = into.join(&f.to);
        let fail = |e: std::io::Error| {
            Diagnostic::error(
                Code::Usage,
                format!("`{}`를 쓸 수 없습니다: {e}", path.display()),
            )
        };
        if path.exists() {
            report.kept.push(f.to);
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        let mut file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                report.kept.push(f.to);
                continue;
            }
            Err(e) => return Err(fail(e)),
        };
        std::io::Write::write_all(&mut file, &f.bytes).map_err(fail)?;
        written.push(f);
    }
    report.files = written;
    Ok(())
}

/// Every file of the export: `/`-separated NFC path and bytes, in path
/// order. A zip may hold further zips (Notion splits big exports); their
/// files join the rest. A single folder wrapping everything is dropped.
fn read_export(export: &Path) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let fail = |what: String| {
        Diagnostic::error(Code::Usage, what).with_help(
            "Notion에서 설정 → 내보내기 → \"Markdown & CSV\"로 받은 zip이나 그것을 푼 폴더를 주세요",
        )
    };
    let mut files = Vec::new();
    if export.is_dir() {
        for entry in walkdir::WalkDir::new(export).sort_by_file_name() {
            let entry = entry.map_err(|e| fail(format!("내보낸 폴더를 읽을 수 없습니다: {e}")))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(export) else {
                continue;
            };
            let rel = nfc(&rel.to_string_lossy().replace('\\', "/"));
            let bytes = std::fs::read(entry.path())
                .map_err(|e| fail(format!("`{rel}`를 읽을 수 없습니다: {e}")))?;
            files.push((rel, bytes));
        }
    } else {
        let bytes = std::fs::read(export)
            .map_err(|e| fail(format!("`{}`를 읽을 수 없습니다: {e}", export.display())))?;
        read_zip(bytes, &mut files, 0).map_err(|e| {
            fail(format!(
                "`{}`는 zip으로 읽을 수 없습니다: {e}",
                export.display()
            ))
        })?;
    }
    files.retain(|(p, _)| {
        !p.split('/')
            .any(|s| s == "__MACOSX" || s == ".DS_Store" || s.is_empty())
    });
    files.sort_by(|a, b| a.0.cmp(&b.0));
    // One wrapping folder (`Export-…/`) is not part of the notes.
    let first_dirs: HashSet<&str> = files
        .iter()
        .map(|(p, _)| p.split_once('/').map(|(d, _)| d).unwrap_or(""))
        .collect();
    if first_dirs.len() == 1 && !first_dirs.contains("") {
        for (p, _) in &mut files {
            if let Some((_, rest)) = p.split_once('/') {
                *p = rest.to_string();
            }
        }
    }
    Ok(files)
}

fn read_zip(
    bytes: Vec<u8>,
    files: &mut Vec<(String, Vec<u8>)>,
    depth: usize,
) -> Result<(), zip::result::ZipError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        if !entry.is_file() {
            continue;
        }
        // `enclosed_name` refuses `..` and absolute names.
        let Some(name) = entry.enclosed_name() else {
            continue;
        };
        let name = nfc(&name.to_string_lossy().replace('\\', "/"));
        let mut data = Vec::new();
        entry.read_to_end(&mut data)?;
        if name.to_ascii_lowercase().ends_with(".zip") && depth == 0 {
            read_zip(data, files, depth + 1)?;
        } else {
            files.push((name, data));
        }
    }
    Ok(())
}

/// Whether `s` is a Notion id: 32 lower-case hex digits.
fn is_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `제목 0123…cdef` → (`제목`, Some(id)).
fn split_id(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once(' ') {
        Some((title, id)) if is_id(id) && !title.trim().is_empty() => (title.trim_end(), Some(id)),
        _ => (name, None),
    }
}

/// The Notion id anywhere in a name or URL (`…/제목-0123…cdef?pvs=4`).
fn find_id(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, b) in bytes.iter().enumerate() {
        if b.is_ascii_digit() || (b'a'..=b'f').contains(b) {
            run += 1;
            let next_hex = bytes
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_digit() || (b'a'..=b'f').contains(n));
            if run == 32 && !next_hex {
                return s.get(i + 1 - 32..=i).map(str::to_string);
            }
        } else {
            run = 0;
        }
    }
    None
}

fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Clean names without ids, unique in their folder.
#[derive(Default)]
struct Namer {
    /// (source folder, raw name) → clean name.
    units: HashMap<(String, String), String>,
    /// Destination folder → names taken (lower-case).
    taken: HashMap<String, HashSet<String>>,
}

impl Namer {
    /// The clean name of `raw` (a page stem, folder or file name) in the
    /// source folder `src_dir`, whose destination is `dest_dir`. A page and
    /// its folder share a raw name, so they share the clean one.
    fn name(&mut self, src_dir: &str, dest_dir: &str, raw: &str, ext: &str) -> String {
        let key = (src_dir.to_string(), format!("{raw}\u{0}{ext}"));
        if let Some(n) = self.units.get(&key) {
            return n.clone();
        }
        let (clean, _) = split_id(raw);
        let clean = clean.replace(['/', '\\'], "-");
        let taken = self.taken.entry(dest_dir.to_string()).or_default();
        let mut candidate = clean.clone();
        let mut n = 2;
        while !taken.insert(format!("{candidate}{ext}").to_lowercase()) {
            candidate = format!("{clean} ({n})");
            n += 1;
        }
        self.units.insert(key, candidate.clone());
        candidate
    }

    /// The destination of a source folder, segment by segment.
    fn dir(&mut self, src_dir: &str) -> String {
        let mut src = String::new();
        let mut dest = String::new();
        for seg in src_dir.split('/').filter(|s| !s.is_empty()) {
            // Pages and their folders share names: `.md` is the page's ext.
            let clean = self.name(&src, &dest, seg, ".md");
            src = join(&src, seg);
            dest = join(&dest, &clean);
        }
        dest
    }

    /// Destination of a page (`.md`) or database (`.csv` → `.md`).
    fn page(&mut self, src: &str) -> String {
        let dir = parent_of(src);
        let stem = file_name(src)
            .rsplit_once('.')
            .map(|(s, _)| s)
            .unwrap_or_else(|| file_name(src));
        let stem = stem.strip_suffix("_all").unwrap_or(stem);
        let dest_dir = self.dir(dir);
        let name = self.name(dir, &dest_dir, stem, ".md");
        join(&dest_dir, &format!("{name}.md"))
    }

    /// Destination of a file placed in `dest_dir`, keyed by its source path
    /// so a file shown by two notes moves once.
    fn file_in(&mut self, src: &str, dest_dir: &str) -> String {
        let key = (src.to_string(), String::from("\u{1}"));
        if let Some(n) = self.units.get(&key) {
            return n.clone();
        }
        let name = file_name(src);
        let (stem, ext) = match name.rsplit_once('.') {
            Some((s, e)) => (s.to_string(), format!(".{e}")),
            None => (name.to_string(), String::new()),
        };
        let taken = self.taken.entry(dest_dir.to_string()).or_default();
        let mut candidate = stem.clone();
        let mut n = 2;
        while !taken.insert(format!("{candidate}{ext}").to_lowercase()) {
            candidate = format!("{stem} ({n})");
            n += 1;
        }
        let dest = join(dest_dir, &format!("{candidate}{ext}"));
        self.units.insert(key, dest.clone());
        dest
    }
}

fn is_page(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".md")
}

fn is_csv(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".csv")
}

/// The import plan for the export's files; `label` names the export in
/// diagnostics.
pub fn plan(files: Vec<(String, Vec<u8>)>, label: &str) -> ImportReport {
    let mut report = ImportReport::default();
    let mut namer = Namer::default();
    let paths: HashSet<String> = files.iter().map(|(p, _)| p.clone()).collect();

    // Databases: `X.csv` and `X_all.csv` are one database; `_all` holds
    // every row, so it wins.
    let mut databases: BTreeMap<String, String> = BTreeMap::new();
    for (p, _) in &files {
        if !is_csv(p) {
            continue;
        }
        let base = p
            .get(..p.len().saturating_sub(4))
            .unwrap_or(p)
            .strip_suffix("_all")
            .map(|b| format!("{b}.csv"))
            .unwrap_or_else(|| p.clone());
        let entry = databases.entry(base).or_insert_with(|| p.clone());
        if p.ends_with("_all.csv") {
            *entry = p.clone();
        }
    }

    // Pages first, shallow before deep, so names are handed out in a
    // stable order; then every page's destination is known for links.
    let mut pages: Vec<&String> = files
        .iter()
        .map(|(p, _)| p)
        .filter(|p| is_page(p))
        .collect();
    pages.sort_by_key(|p| (p.matches('/').count(), p.to_string()));
    let mut dest_of: HashMap<String, String> = HashMap::new();
    let mut page_by_id: HashMap<String, String> = HashMap::new();
    for p in &pages {
        let dest = namer.page(p);
        if let Some(id) = find_id(file_name(p)) {
            page_by_id.insert(id, dest.clone());
        }
        dest_of.insert(p.to_string(), dest);
    }
    let mut db_pages: Vec<(String, String)> = Vec::new();
    for (base, csv) in &databases {
        let dest = namer.page(base);
        if let Some(id) = find_id(file_name(base)) {
            page_by_id.entry(id).or_insert_with(|| dest.clone());
        }
        db_pages.push((csv.clone(), dest));
    }

    let by_path: HashMap<&str, &Vec<u8>> = files.iter().map(|(p, b)| (p.as_str(), b)).collect();
    let mut out: BTreeMap<String, PlannedFile> = BTreeMap::new();
    let ctx = Context {
        paths: &paths,
        dest_of: &dest_of,
        page_by_id: &page_by_id,
    };
    for p in &pages {
        let Some(bytes) = by_path.get(p.as_str()) else {
            continue;
        };
        let Some(dest) = dest_of.get(p.as_str()) else {
            continue;
        };
        let text = String::from_utf8_lossy(bytes);
        let text = text.trim_start_matches('\u{feff}');
        let display = format!("{label}/{p}");
        let page = convert_page(
            text,
            p,
            dest,
            &ctx,
            &mut namer,
            &display,
            &mut report.diagnostics,
        );
        for (src, to) in page.moved {
            if let Some(b) = by_path.get(src.as_str()) {
                out.entry(to.clone()).or_insert_with(|| PlannedFile {
                    from: src.clone(),
                    to,
                    bytes: (*b).clone(),
                });
            }
        }
        out.insert(
            dest.clone(),
            PlannedFile {
                from: p.to_string(),
                to: dest.clone(),
                bytes: page.text.into_bytes(),
            },
        );
        report.notes += 1;
    }

    for (csv, dest) in &db_pages {
        let Some(bytes) = by_path.get(csv.as_str()) else {
            continue;
        };
        let display = format!("{label}/{csv}");
        let list = database_page(bytes, csv, dest, &ctx, &display, &mut report.diagnostics);
        // A stub page of the same name (newer exports write one) gets the
        // list appended instead of being replaced.
        match out.get_mut(dest) {
            Some(stub) => {
                let mut text = String::from_utf8_lossy(&stub.bytes).into_owned();
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push('\n');
                text.push_str(&list.body);
                stub.bytes = text.into_bytes();
            }
            None => {
                out.insert(
                    dest.clone(),
                    PlannedFile {
                        from: csv.clone(),
                        to: dest.clone(),
                        bytes: format!(
                            "---\ntitle: {}\n---\n\n{}",
                            yaml_string(&list.title),
                            list.body
                        )
                        .into_bytes(),
                    },
                );
            }
        }
        report.databases += 1;
    }

    // Files no note showed keep their place (without ids in folder names).
    for (p, bytes) in &files {
        if is_page(p) || is_csv(p) || namer.units.contains_key(&(p.clone(), "\u{1}".to_string())) {
            continue;
        }
        let dest_dir = namer.dir(parent_of(p));
        let to = namer.file_in(p, &dest_dir);
        out.entry(to.clone()).or_insert_with(|| PlannedFile {
            from: p.clone(),
            to,
            bytes: bytes.clone(),
        });
    }
    report.assets = out.values().filter(|f| !f.to.ends_with(".md")).count();
    report.files = out.into_values().collect();
    report
}

/// What converting a page needs to know about the others.
struct Context<'a> {
    paths: &'a HashSet<String>,
    dest_of: &'a HashMap<String, String>,
    page_by_id: &'a HashMap<String, String>,
}

struct ConvertedPage {
    text: String,
    /// (source file, destination) of the images and files it shows.
    moved: Vec<(String, String)>,
}

/// A link or image destination as the note writes it: relative to the note,
/// spaces and parentheses percent-encoded, Hangul kept.
fn href(from_dest: &str, to_dest: &str, fragment: Option<&str>) -> String {
    let from_dir: Vec<&str> = parent_of(from_dest)
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let to: Vec<&str> = to_dest.split('/').collect();
    let common = from_dir
        .iter()
        .zip(to.iter())
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_string(); from_dir.len() - common];
    parts.extend(to.iter().skip(common).map(|s| s.to_string()));
    let mut s = parts
        .join("/")
        .replace('%', "%25")
        .replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('<', "%3C")
        .replace('>', "%3E");
    if let Some(f) = fragment {
        s.push('#');
        s.push_str(f);
    }
    s
}

/// Property names Notion writes and the front matter key each becomes.
fn property_key(name: &str) -> Option<&'static str> {
    let n = name.trim().to_lowercase();
    Some(match n.as_str() {
        "tags" | "tag" | "태그" | "키워드" | "keywords" | "multi-select" => "tags",
        "created" | "created time" | "date" | "날짜" | "작성일" | "작성 일시" | "생성일"
        | "생성 일시" | "만든 날짜" | "만든 일시" | "date created" => "date",
        "last edited time"
        | "last edited"
        | "updated"
        | "수정일"
        | "최종 편집 일시"
        | "마지막 편집"
        | "마지막 편집 일시"
        | "최종 수정일" => "updated",
        "category" | "categories" | "카테고리" | "분류" => "category",
        "description" | "설명" | "요약" | "summary" => "description",
        "author" | "글쓴이" | "작성자" | "created by" => "author",
        _ => return None,
    })
}

/// `2024년 3월 5일 오후 3:12`, `March 5, 2024 3:12 PM`, `2024/03/05`,
/// `2024-03-05`, `2024.03.05` → `2024-03-05 15:12`.
fn notion_date(value: &str) -> Option<String> {
    use chrono::{NaiveDate, NaiveDateTime};
    let v = value.trim();
    // Korean: `2024년 3월 5일 (화) 오후 3:12`.
    if v.contains('년') {
        let digits: Vec<u32> = v
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        let (y, m, d) = (*digits.first()?, *digits.get(1)?, *digits.get(2)?);
        let date = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
        let mut out = date.format("%Y-%m-%d").to_string();
        if let (Some(&h), Some(&min)) = (digits.get(3), digits.get(4)) {
            let h = if v.contains("오후") && h < 12 {
                h + 12
            } else if v.contains("오전") && h == 12 {
                0
            } else {
                h
            };
            if h < 24 && min < 60 {
                out.push_str(&format!(" {h:02}:{min:02}"));
            }
        }
        return Some(out);
    }
    for f in [
        "%B %d, %Y %I:%M %p",
        "%b %d, %Y %I:%M %p",
        "%Y/%m/%d %H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(v, f) {
            return Some(t.format("%Y-%m-%d %H:%M").to_string());
        }
    }
    for f in ["%B %d, %Y", "%b %d, %Y", "%Y/%m/%d", "%Y-%m-%d", "%Y.%m.%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(v, f) {
            return Some(d.format("%Y-%m-%d").to_string());
        }
    }
    None
}

/// A YAML string that reads back as `s` (JSON strings are YAML).
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// `Key: value` lines right under the title: Notion's page properties.
/// Returns them and the byte length of the block (blank lines after it
/// included); nothing when the lines do not all look like properties.
fn properties(text: &str) -> (Vec<(String, String)>, usize) {
    let mut props = Vec::new();
    let mut len = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_end();
        if t.is_empty() {
            if props.is_empty() {
                len += line.len();
                continue;
            }
            len += line.len();
            break;
        }
        let Some((key, value)) = t.split_once(": ") else {
            return (Vec::new(), 0);
        };
        let key_ok = !key.is_empty()
            && key.chars().count() <= 40
            && !key.starts_with(['#', '-', '*', '>', '`', '[', '!', '|', '<', ' '])
            && !key.contains(['[', ']', '(', ')', '`', '*']);
        if !key_ok {
            return (Vec::new(), 0);
        }
        props.push((key.to_string(), value.trim().to_string()));
        len += line.len();
    }
    (props, len)
}

fn front_matter(title: &str, props: &[(String, String)]) -> String {
    let mut fm = format!("---\ntitle: {}\n", yaml_string(title));
    let mut seen = HashSet::new();
    let mut extra = Vec::new();
    for (key, value) in props {
        if value.is_empty() {
            continue;
        }
        let mapped = property_key(key).filter(|k| seen.insert(*k));
        match mapped {
            Some("tags") => {
                let tags: Vec<String> = value
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(yaml_string)
                    .collect();
                fm.push_str(&format!("tags: [{}]\n", tags.join(", ")));
            }
            Some(k @ ("date" | "updated")) => match notion_date(value) {
                Some(d) => fm.push_str(&format!("{k}: {d}\n")),
                None => extra.push((key, value)),
            },
            Some(k) => fm.push_str(&format!("{k}: {}\n", yaml_string(value))),
            None => extra.push((key, value)),
        }
    }
    for (key, value) in extra {
        fm.push_str(&format!("{}: {}\n", yaml_string(key), yaml_string(value)));
    }
    fm.push_str("---\n");
    fm
}

fn convert_page(
    text: &str,
    src: &str,
    dest: &str,
    ctx: &Context<'_>,
    namer: &mut Namer,
    display: &str,
    diags: &mut Vec<Diagnostic>,
) -> ConvertedPage {
    // The title: Notion's first line `# 제목`, else the file name.
    let (title, body_start) = match text.split_inclusive('\n').next() {
        Some(first) if first.starts_with("# ") => (
            first.trim_start_matches("# ").trim().to_string(),
            first.len(),
        ),
        _ => (
            split_id(file_name(src).trim_end_matches(".md"))
                .0
                .to_string(),
            0,
        ),
    };
    let rest = text.get(body_start..).unwrap_or("");
    let (props, props_len) = properties(rest);
    let body_offset = body_start + props_len;
    let body = text.get(body_offset..).unwrap_or("");

    let src_dir = parent_of(src);
    let dest_dir = parent_of(dest).to_string();
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut moved = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    for (event, range) in Parser::new_ext(body, crate::note::parse::options()).into_offset_iter() {
        let (dest_url, is_image) = match &event {
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url.to_string(), false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url.to_string(), true),
            _ => continue,
        };
        let written = body.get(range.clone()).unwrap_or("");
        // Where the destination sits in the link's source text.
        let Some(at) = written
            .rfind(dest_url.as_str())
            .filter(|_| !dest_url.is_empty())
        else {
            continue;
        };
        let url_range = range.start + at..range.start + at + dest_url.len();
        let missing_image = is_image
            && (dest_url.starts_with("attachment:")
                || !has_scheme(&dest_url) && {
                    let (path, _, _) = split_url(&dest_url);
                    let joined = join_normalized(src_dir, &nfc(&decode(path)));
                    joined.is_none_or(|j| !ctx.paths.contains(&j))
                });
        if missing_image {
            let name = dest_url
                .rsplit([':', '/'])
                .next()
                .map(decode)
                .unwrap_or_default();
            diags.push(
                Diagnostic::warning(
                    Code::NotionAttachment,
                    format!("그림 `{name}`이 내보내기에 없어 옮기지 못했습니다; 노트 끝에 적어 두었습니다"),
                )
                .with_path(display.to_string())
                .at_offset(text, body_offset + range.start, range.len()),
            );
            edits.push((range.clone(), format!("*(그림 없음: {name})*")));
            missing.push(name);
            continue;
        }
        if has_scheme(&dest_url) {
            // `https://www.notion.so/제목-<id>`: a page of this export.
            let notion = dest_url.contains("notion.so") || dest_url.contains("notion.site");
            if let Some(to) = notion
                .then(|| find_id(&dest_url))
                .flatten()
                .and_then(|id| ctx.page_by_id.get(&id))
            {
                edits.push((url_range, href(dest, to, None)));
            }
            continue;
        }
        let (path, _, fragment) = split_url(&dest_url);
        if path.is_empty() {
            continue;
        }
        let Some(target) = join_normalized(src_dir, &nfc(&decode(path))) else {
            continue;
        };
        if let Some(to) = ctx.dest_of.get(&target) {
            edits.push((url_range, href(dest, to, fragment)));
        } else if is_csv(&target) {
            let base = target
                .strip_suffix("_all.csv")
                .map(|b| format!("{b}.csv"))
                .unwrap_or(target);
            let to = namer.page(&base);
            edits.push((url_range, href(dest, &to, fragment)));
        } else if ctx.paths.contains(&target) {
            // An image or file: beside the note that shows it.
            let to = namer.file_in(&target, &dest_dir);
            edits.push((url_range, href(dest, &to, fragment)));
            moved.push((target, to));
        }
    }
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&front_matter(&title, &props));
    out.push('\n');
    let mut at = 0;
    edits.sort_by_key(|(r, _)| r.start);
    for (range, replacement) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(body.get(at..range.start).unwrap_or(""));
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(body.get(at..).unwrap_or(""));
    if !missing.is_empty() {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(
            "\n## 옮기지 못한 첨부 파일\n\nNotion 내보내기에 들어 있지 않은 그림입니다. Notion에서 내려받아 이 노트 옆에 두고 \
             본문의 자리에 다시 넣으세요.\n\n",
        );
        for name in missing {
            out.push_str(&format!("- `{name}`\n"));
        }
    }
    ConvertedPage { text: out, moved }
}

struct DatabaseList {
    title: String,
    body: String,
}

/// A database CSV as a list page: one item per row, linked to the row's
/// page when the export holds it, with the row's other non-empty columns.
fn database_page(
    bytes: &[u8],
    csv_path: &str,
    dest: &str,
    ctx: &Context<'_>,
    display: &str,
    diags: &mut Vec<Diagnostic>,
) -> DatabaseList {
    let raw_name = file_name(csv_path).trim_end_matches(".csv");
    let raw_name = raw_name.strip_suffix("_all").unwrap_or(raw_name);
    let title = split_id(raw_name).0.to_string();
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(|s| s.trim().to_string()).collect())
        .unwrap_or_default();
    // Row pages live in the database's folder: `이름 <id>/행 제목 <id>.md`.
    let folder = join(parent_of(csv_path), raw_name);
    let mut rows_by_title: HashMap<String, Vec<&String>> = HashMap::new();
    for (src, to) in ctx.dest_of {
        if parent_of(src) == folder || parent_of(src) == split_id(&folder).0 {
            let stem = file_name(src).trim_end_matches(".md");
            rows_by_title
                .entry(split_id(stem).0.to_string())
                .or_default()
                .push(to);
        }
    }
    for list in rows_by_title.values_mut() {
        list.sort();
    }
    let mut items = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                diags.push(
                    Diagnostic::warning(
                        Code::NotionCsv,
                        format!("CSV {}번째 행을 읽을 수 없습니다: {e}", i + 1),
                    )
                    .with_path(display.to_string()),
                );
                continue;
            }
        };
        let name = record.get(0).unwrap_or("").trim().to_string();
        let label = if name.is_empty() {
            "(제목 없음)".to_string()
        } else {
            name.clone()
        };
        let mut line = match rows_by_title.get_mut(&name).and_then(|l| {
            if l.is_empty() {
                None
            } else {
                Some(l.remove(0))
            }
        }) {
            Some(to) => format!("- [{}]({})", escape_label(&label), href(dest, to, None)),
            None => format!("- {}", escape_label(&label)),
        };
        let extras: Vec<String> = headers
            .iter()
            .zip(record.iter())
            .skip(1)
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(h, v)| format!("{h}: {}", escape_label(v.trim())))
            .collect();
        if !extras.is_empty() {
            line.push_str(" — ");
            line.push_str(&extras.join(" · "));
        }
        items.push(line);
    }
    let mut body = format!(
        "Notion 데이터베이스 **{}**의 항목 {}개입니다.\n\n",
        escape_label(&title),
        items.len()
    );
    for item in items {
        body.push_str(&item);
        body.push('\n');
    }
    DatabaseList { title, body }
}

/// Text safe inside a markdown list item or link label.
fn escape_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '[' | ']' | '*' | '_' | '`' | '<' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_and_dropped() {
        assert_eq!(
            split_id("프로세스 vs 스레드 0123456789abcdef0123456789abcdef"),
            (
                "프로세스 vs 스레드",
                Some("0123456789abcdef0123456789abcdef")
            )
        );
        assert_eq!(split_id("그냥 제목"), ("그냥 제목", None));
        assert_eq!(
            find_id("https://www.notion.so/IPC-0123456789abcdef0123456789abcdef?pvs=4").as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            notion_date("2024년 3월 5일 오후 3:12").as_deref(),
            Some("2024-03-05 15:12")
        );
        assert_eq!(notion_date("2024년 3월 5일").as_deref(), Some("2024-03-05"));
        assert_eq!(
            notion_date("March 5, 2024 3:12 PM").as_deref(),
            Some("2024-03-05 15:12")
        );
        assert_eq!(notion_date("2024/03/05").as_deref(), Some("2024-03-05"));
        assert_eq!(notion_date("언젠가"), None);
    }

    #[test]
    fn property_block() {
        let (props, len) = properties("\nTags: OS, 면접\n날짜: 2024년 3월 5일\n\n본문\n");
        assert_eq!(props.len(), 2);
        assert_eq!(len, "\nTags: OS, 면접\n날짜: 2024년 3월 5일\n\n".len());
        let (props, _) = properties("\n프로세스란: 실행 중인 프로그램\n- 목록\n");
        assert!(props.is_empty());
    }

    #[test]
    fn relative_hrefs() {
        assert_eq!(href("os/a.md", "os/b c.md", None), "b%20c.md");
        assert_eq!(href("os/a.md", "net/b.md", Some("x")), "../net/b.md#x");
        assert_eq!(href("a.md", "a/그림 (1).png", None), "a/그림%20%281%29.png");
    }
}
