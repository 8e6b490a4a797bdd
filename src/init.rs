//! `gongbu init [DIR] [--from PATH]`: a new site in one command. Writes a
//! sample note, a commented `gongbu.yaml`, the GitHub Pages workflow that
//! installs this gongbu and deploys, and `.gitignore`; with `--from`, it
//! recognises a Jekyll blog, an Obsidian vault or a plain repository of
//! markdown and writes the `gongbu.yaml` that fits it. It never overwrites a
//! file: what exists is kept and named in the report.

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;

use crate::diagnostic::{Code, Diagnostic};

/// Where gongbu's source is installed from, recorded by `build.rs` from the
/// checkout this binary was built in. Empty outside a git checkout.
const BUILT_FROM_URL: &str = env!("GONGBU_GIT_URL");
const BUILT_FROM_REV: &str = env!("GONGBU_GIT_REV");

/// What the workflow installs when the binary does not know its source.
pub const PLACEHOLDER_URL: &str = "https://github.com/OWNER/gongbu";
pub const PLACEHOLDER_REV: &str = "main";

/// What kind of notes `--from` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Source {
    /// `_config.yml` or `_posts/`.
    Jekyll,
    /// `.obsidian/`.
    Obsidian,
    /// Any other folder of markdown.
    #[default]
    Markdown,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Jekyll => "Jekyll 블로그",
            Source::Obsidian => "Obsidian 보관함",
            Source::Markdown => "마크다운 폴더",
        }
    }
}

/// What `init` did.
#[derive(Debug, Default)]
pub struct InitReport {
    /// Files written, relative to DIR.
    pub written: Vec<String>,
    /// Files that already existed and were left as they are.
    pub kept: Vec<String>,
    pub source: Option<Source>,
    /// The commands to run next.
    pub next: Vec<String>,
    /// Where the workflow installs gongbu from is a placeholder.
    pub placeholder: bool,
}

/// Creates the site in `dir`; `from` is an existing folder of notes.
pub fn init(dir: &Path, from: Option<&Path>, today: NaiveDate) -> Result<InitReport, Diagnostic> {
    let mut report = InitReport::default();
    std::fs::create_dir_all(dir).map_err(|e| {
        Diagnostic::error(
            Code::Usage,
            format!("`{}` 폴더를 만들 수 없습니다: {e}", dir.display()),
        )
    })?;
    let config = match from {
        None => {
            // A `notes/` that already holds notes needs no sample.
            let has_notes = std::fs::read_dir(dir.join("notes"))
                .map(|mut entries| entries.next().is_some())
                .unwrap_or(false);
            if !has_notes {
                let note = format!("notes/{SAMPLE_NAME}");
                put(dir, &note, &sample_note(today), &mut report)?;
            }
            config_text(&Detected::default())
        }
        Some(path) => {
            if !path.is_dir() {
                return Err(Diagnostic::error(
                    Code::Usage,
                    format!("--from `{}`는 폴더가 아닙니다", path.display()),
                ));
            }
            let detected = detect(dir, path);
            report.source = Some(detected.source);
            config_text(&detected)
        }
    };
    put(dir, crate::config::CONFIG_FILE, &config, &mut report)?;
    let (url, rev) = install_source();
    report.placeholder = url == PLACEHOLDER_URL;
    put(
        dir,
        ".github/workflows/pages.yml",
        &workflow(&url, &rev),
        &mut report,
    )?;
    put(dir, ".gitignore", GITIGNORE, &mut report)?;
    let root = if dir == Path::new(".") {
        String::new()
    } else {
        format!(" --root {}", shell_quote(&dir.display().to_string()))
    };
    report.next = vec![
        format!("gongbu serve{root} --open"),
        "git add -A && git commit -m \"gongbu 사이트\" && git push".to_string(),
    ];
    Ok(report)
}

/// Writes `dir/rel` unless it exists.
fn put(dir: &Path, rel: &str, text: &str, report: &mut InitReport) -> Result<(), Diagnostic> {
    let path = dir.join(rel);
    if path.exists() {
        report.kept.push(rel.to_string());
        return Ok(());
    }
    let fail = |e: std::io::Error| {
        Diagnostic::error(
            Code::Usage,
            format!("`{}`를 쓸 수 없습니다: {e}", path.display()),
        )
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    // `create_new`: a file that appeared meanwhile is still never overwritten.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(fail)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(fail)?;
    report.written.push(rel.to_string());
    Ok(())
}

/// The source URL and commit the workflow installs: this binary's own when
/// it knows them, else the placeholder.
fn install_source() -> (String, String) {
    let url = if BUILT_FROM_URL.is_empty() {
        PLACEHOLDER_URL
    } else {
        BUILT_FROM_URL
    };
    let rev = if BUILT_FROM_REV.is_empty() {
        PLACEHOLDER_REV
    } else {
        BUILT_FROM_REV
    };
    (url.to_string(), rev.to_string())
}

/// What `--from` found out about a folder.
#[derive(Debug, Default)]
struct Detected {
    source: Source,
    title: Option<String>,
    description: Option<String>,
    author: Option<String>,
    base_url: Option<String>,
    repo_url: Option<String>,
    /// The notes folder relative to DIR (`.`, `notes`, `../vault`).
    notes_dir: Option<String>,
}

fn detect(dir: &Path, from: &Path) -> Detected {
    let source = if from.join(".obsidian").is_dir() {
        Source::Obsidian
    } else if from.join("_config.yml").is_file() || from.join("_posts").is_dir() {
        Source::Jekyll
    } else {
        Source::Markdown
    };
    let mut d = Detected {
        source,
        notes_dir: Some(relative_dir(dir, from)),
        repo_url: git_remote(from),
        ..Default::default()
    };
    if source == Source::Jekyll {
        if let Ok(text) = std::fs::read_to_string(from.join("_config.yml")) {
            read_jekyll_config(&text, &mut d);
        }
    }
    if source == Source::Obsidian {
        d.title = std::fs::canonicalize(from)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
    }
    d
}

/// `title`, `description`, `author` and `url` + `baseurl` of a Jekyll
/// `_config.yml`.
fn read_jekyll_config(text: &str, d: &mut Detected) {
    let Ok(value) = crate::yaml::from_str::<serde_yaml::Value>(text) else {
        return;
    };
    let get = |key: &str| {
        value
            .get(key)
            .and_then(crate::note::front_matter::scalar_string)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    d.title = get("title");
    d.description = get("description");
    d.author = get("author").or_else(|| {
        value
            .get("author")
            .and_then(|a| a.get("name"))
            .and_then(crate::note::front_matter::scalar_string)
    });
    if let Some(url) = get("url") {
        let base = get("baseurl").unwrap_or_default();
        let mut full = format!("{}/{}", url.trim_end_matches('/'), base.trim_matches('/'));
        if !full.ends_with('/') {
            full.push('/');
        }
        d.base_url = Some(full);
    }
}

/// `from` as seen from `dir`: `.` when they are the same folder, a relative
/// path when `from` is inside `dir`, else `from` as given.
fn relative_dir(dir: &Path, from: &Path) -> String {
    let (Ok(dir), Ok(from_abs)) = (std::fs::canonicalize(dir), std::fs::canonicalize(from)) else {
        return from.display().to_string();
    };
    match from_abs.strip_prefix(&dir) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
        Err(_) => from_abs.display().to_string(),
    }
}

/// The GitHub page of the folder's `origin` remote, when there is one.
fn git_remote(from: &Path) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(from)
        .args(["remote", "get-url", "origin"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let remote = String::from_utf8(out.stdout).ok()?;
    let remote = remote.trim();
    let url = if let Some(rest) = remote.strip_prefix("git@") {
        let (host, path) = rest.split_once(':')?;
        format!("https://{host}/{path}")
    } else if let Some(rest) = remote.strip_prefix("https://") {
        format!(
            "https://{}",
            rest.rsplit_once('@').map(|(_, r)| r).unwrap_or(rest)
        )
    } else {
        return None;
    };
    Some(url.trim_end_matches(".git").to_string())
}

fn shell_quote(s: &str) -> String {
    if s.chars().all(|c| c.is_alphanumeric() || "-_./".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A YAML scalar, quoted when it needs to be.
fn yaml_value(s: &str) -> String {
    serde_yaml::to_string(s)
        .map(|y| y.trim_end().to_string())
        .unwrap_or_else(|_| format!("{s:?}"))
}

/// A key line: written when known, commented out with an example otherwise.
fn key_line(out: &mut String, key: &str, value: Option<&str>, example: &str) {
    match value {
        Some(v) => out.push_str(&format!("{key}: {}\n", yaml_value(v))),
        None => out.push_str(&format!("# {key}: {example}\n")),
    }
}

fn config_text(d: &Detected) -> String {
    let mut out = String::from(
        "# gongbu 사이트 설정. 모든 키는 선택이고, 지우면 기본값을 씁니다.\n\
         # 키마다 뜻은 README의 \"설정 (gongbu.yaml)\" 표에 있습니다.\n\n",
    );
    if let Some(source) = d.source_note() {
        out.push_str(&format!(
            "# `gongbu init --from`이 {source}에서 읽은 값입니다.\n\n"
        ));
    }
    out.push_str("# 사이트 제목 (머리글, 피드)\n");
    out.push_str(&format!(
        "title: {}\n",
        yaml_value(d.title.as_deref().unwrap_or("공부 노트"))
    ));
    out.push_str("# 한 줄 소개 (검색 엔진, 피드)\n");
    key_line(
        &mut out,
        "description",
        d.description.as_deref(),
        "운영체제와 네트워크를 공부하며 정리한 노트",
    );
    out.push_str("# 노트에 글쓴이가 없을 때 쓰는 이름\n");
    key_line(&mut out, "author", d.author.as_deref(), "홍길동");
    out.push_str(
        "\n# 게시 주소. 피드·사이트맵·canonical에만 쓰고, 페이지 안의 링크는 모두 상대 주소입니다.\n\
         # GitHub Actions는 저장소의 Pages 주소로 채워 빌드하므로 비워 둬도 됩니다.\n",
    );
    key_line(
        &mut out,
        "base_url",
        d.base_url.as_deref(),
        "https://계정.github.io/저장소/",
    );
    out.push_str(
        "# 노트 저장소 (그 안의 노트를 가리키는 github.com 링크를 사이트 안 링크로 바꿉니다)\n",
    );
    key_line(
        &mut out,
        "repo_url",
        d.repo_url.as_deref(),
        "https://github.com/계정/저장소",
    );
    out.push_str("# 노트 폴더 (기본 notes, `.`이면 이 폴더 전체)\n");
    key_line(&mut out, "notes_dir", d.notes_dir.as_deref(), "notes");
    if d.source == Source::Obsidian {
        out.push_str("# Obsidian 문법: 본문의 #태그를 태그로 씁니다 (.obsidian/ 폴더가 있으면 저절로 켜집니다)\n");
        out.push_str("obsidian: true\n");
    }
    out.push_str(
        "\n# 용어 자동 링크 (false면 끕니다)\n# autolink: true\n\
         # 사용자 도메인 (CNAME 파일을 씁니다)\n# cname: notes.example.com\n",
    );
    out
}

impl Detected {
    fn source_note(&self) -> Option<&'static str> {
        self.notes_dir.as_ref().map(|_| self.source.label())
    }
}

const SAMPLE_NAME: &str = "첫 노트.md";

fn sample_note(today: NaiveDate) -> String {
    format!(
        "---\n\
         title: 첫 노트\n\
         date: {}\n\
         tags: [시작하기]\n\
         ---\n\n\
         gongbu로 만든 공부 노트입니다. `notes/` 폴더에 마크다운 파일을 더하면 페이지가 하나씩 늘어납니다.\n\n\
         ## 이렇게 씁니다\n\n\
         - 다른 노트는 `[[노트 제목]]`처럼 위키 링크로 부르거나 `[글](다른-노트.md)`처럼 상대 경로로 잇습니다.\n\
         - 그림은 노트 옆에 두고 `![설명](그림.png)`으로 넣습니다.\n\
         - 용어는 `notes/glossary.yaml`에 적으면 본문에 처음 나올 때마다 용어 페이지로 이어집니다.\n\n\
         ## 비교는 표로\n\n\
         | 구분 | 프로세스 | 스레드 |\n\
         | --- | --- | --- |\n\
         | 메모리 | 따로 가짐 | 힙을 나눠 씀 |\n\
         | 만드는 비용 | 크다 | 작다 |\n\n\
         이 노트는 지워도 됩니다. `gongbu serve --open`으로 띄워 두고 고치면 바로 보입니다.\n",
        today.format("%Y-%m-%d")
    )
}

const GITIGNORE: &str = "# gongbu의 빌드 결과 (GitHub Actions가 빌드해 올립니다)\n\
/site/\n\
*.gongbu-tmp-*\n\
*.gongbu-old-*\n\
# gongbu build의 캐시 (한 노트만 고쳤을 때 빠르게 다시 빌드합니다)\n\
/.gongbu-cache/\n";

/// The Pages workflow. The install step takes gongbu from the one marked
/// place, the `env` block at the top.
fn workflow(url: &str, rev: &str) -> String {
    WORKFLOW
        .replace("@GONGBU_GIT@", url)
        .replace("@GONGBU_REV@", rev)
}

const WORKFLOW: &str = r#"# notes/를 gongbu로 빌드해 GitHub Pages에 올립니다 (`gongbu init`이 썼습니다).
# 처음 한 번: 저장소 Settings → Pages → Build and deployment → Source를 "GitHub Actions"로.
# 사이트 주소는 저장소의 Pages 주소(https://계정.github.io/저장소/)이고, 저장소 변수
# GONGBU_BASE_URL을 두면 그 주소를 씁니다 (사용자 도메인).
name: Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

# ─── gongbu를 어디서 설치하나: 이 두 줄만 고치면 됩니다 ────────────────────
# gongbu는 아직 crates.io에 없어서 소스 저장소의 한 커밋을 설치합니다.
# `gongbu init`이 자신을 빌드한 저장소와 커밋으로 채웠습니다. OWNER가 보이면
# gongbu 저장소 주소로 바꾸세요. 버전을 올리려면 GONGBU_REV를 새 커밋으로.
# crates.io에 나오면 아래 "gongbu 설치" 단계의 명령을
# `cargo install gongbu --locked`로 바꾸면 됩니다.
env:
  GONGBU_GIT: @GONGBU_GIT@
  GONGBU_REV: @GONGBU_REV@
# ────────────────────────────────────────────────────────────────────────

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
        with:
          fetch-depth: 0 # 노트의 날짜를 git 기록에서 읽습니다

      # 설치한 gongbu를 커밋별로 보관해 두 번째 빌드부터는 설치를 건너뜁니다.
      - name: gongbu 캐시
        id: cache
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/gongbu
          key: gongbu-${{ runner.os }}-${{ env.GONGBU_GIT }}-${{ env.GONGBU_REV }}

      - name: gongbu 설치
        if: steps.cache.outputs.cache-hit != 'true'
        run: cargo install --git "$GONGBU_GIT" --rev "$GONGBU_REV" --locked gongbu

      - name: 사이트 주소
        id: url
        env:
          OVERRIDE: ${{ vars.GONGBU_BASE_URL }}
          OWNER: ${{ github.repository_owner }}
          REPO: ${{ github.event.repository.name }}
        run: |
          owner=$(printf '%s' "$OWNER" | tr '[:upper:]' '[:lower:]')
          repo_lower=$(printf '%s' "$REPO" | tr '[:upper:]' '[:lower:]')
          if [ -n "$OVERRIDE" ]; then
            url="$OVERRIDE"
          elif [ "$repo_lower" = "$owner.github.io" ]; then
            url="https://$owner.github.io/"
          else
            url="https://$owner.github.io/$REPO/"
          fi
          echo "base_url=$url" >> "$GITHUB_OUTPUT"

      - name: 빌드
        env:
          BASE_URL: ${{ steps.url.outputs.base_url }}
        run: ~/.cargo/bin/gongbu build --out site --base-url "$BASE_URL"

      - uses: actions/upload-pages-artifact@v5
        with:
          path: site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v5
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jekyll_config_gives_base_url_and_title() {
        let mut d = Detected::default();
        read_jekyll_config(
            "title: 김개발의 공부 블로그\nurl: https://kim.github.io\nbaseurl: /blog\nauthor:\n  name: 김개발\n",
            &mut d,
        );
        assert_eq!(d.title.as_deref(), Some("김개발의 공부 블로그"));
        assert_eq!(d.base_url.as_deref(), Some("https://kim.github.io/blog/"));
        assert_eq!(d.author.as_deref(), Some("김개발"));
    }

    #[test]
    fn workflow_has_one_install_place() {
        let w = workflow("https://github.com/a/gongbu", "0123abc");
        assert_eq!(w.matches("https://github.com/a/gongbu").count(), 1);
        assert_eq!(w.matches("0123abc").count(), 1);
        assert!(w.contains("cargo install gongbu --locked"));
    }
}
