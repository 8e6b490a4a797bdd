//! The `gongbu` command: parses arguments, calls the library, prints the
//! diagnostics and the summary, exits with 0 (success), 1 (content errors)
//! or 2 (usage or configuration errors).

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
// Diagnostics are rich values returned on cold paths; boxing them buys nothing.
#![allow(clippy::result_large_err)]

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use gongbu::{BuildOptions, BuildReport, Mode};

mod progress;
mod report;

#[derive(Parser, Debug)]
#[command(
    name = "gongbu",
    version,
    about = "한국어 공부 노트를 서로 연결된 정적 사이트로 만듭니다"
)]
struct Cli {
    /// 단계별 진행(읽기, 색인, 렌더링, 쓰기)과 개수를 stderr에 기록합니다 (RUST_LOG로 더 자세히)
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Debug, Clone)]
struct SiteArgs {
    /// notes/ 폴더를 담은 폴더 (gongbu.yaml, templates/, static/도 여기서 찾습니다)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// 초안(draft: true)도 포함합니다
    #[arg(long)]
    drafts: bool,
    /// 경고도 오류로 취급합니다 (CI용)
    #[arg(long)]
    strict: bool,
    /// base_url을 덮어씁니다 (예: https://user.github.io/repo/)
    #[arg(long)]
    base_url: Option<String>,
    /// 단계별 소요 시간을 보여 줍니다
    #[arg(long)]
    timings: bool,
    /// 노트 폴더 (ROOT 기준; 기본값은 gongbu.yaml의 notes_dir, 없으면 notes; `.`은 ROOT 자체)
    #[arg(long)]
    notes: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// notes/를 정적 사이트로 빌드합니다 (기본 출력: ROOT/site)
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// 출력 폴더
        #[arg(long)]
        out: Option<PathBuf>,
        /// 출력 폴더에서 gongbu가 만들지 않은 파일을 옮기지 않고 지웁니다 (맨 위의 점 파일·CNAME은 남깁니다)
        #[arg(long)]
        clean: bool,
        /// 빌드 캐시(ROOT/.gongbu-cache)를 읽지도 쓰지도 않고 모든 페이지를 새로 만듭니다
        #[arg(long)]
        no_cache: bool,
    },
    /// 빌드의 모든 검사를 하되 아무것도 쓰지 않습니다 (CI용)
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// 사이트를 빌드해 127.0.0.1에서 보여 주고, 고칠 때마다 바뀐 것만 다시 빌드해 열린 페이지를 새로 고칩니다
    Serve {
        /// notes/ 폴더를 담은 폴더
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 포트 (사용 중이면 다음 빈 포트; 0은 아무 빈 포트)
        #[arg(long, default_value_t = gongbu::serve::DEFAULT_PORT)]
        port: u16,
        /// 빌드가 끝나면 브라우저로 엽니다
        #[arg(long)]
        open: bool,
        /// 초안(draft: true)도 포함합니다
        #[arg(long)]
        drafts: bool,
        /// 기다릴 주소 (예: 0.0.0.0이면 같은 네트워크의 휴대폰에서도 볼 수 있습니다)
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// 다시 빌드할 때마다 단계별 소요 시간을 보여 줍니다
        #[arg(long)]
        timings: bool,
        /// 노트 폴더 (ROOT 기준; 기본값은 gongbu.yaml의 notes_dir, 없으면 notes; `.`은 ROOT 자체)
        #[arg(long)]
        notes: Option<PathBuf>,
    },
    /// 앞머리(front matter)를 채운 새 노트를 만듭니다
    New {
        /// 노트 제목
        title: String,
        /// 분류 (폴더), 예: os/process
        #[arg(long)]
        category: Option<String>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 노트 폴더 (ROOT 기준; 기본값은 gongbu.yaml의 notes_dir, 없으면 notes)
        #[arg(long)]
        notes: Option<PathBuf>,
    },
    /// 새 사이트를 만듭니다: 예시 노트, gongbu.yaml, GitHub Pages 워크플로, .gitignore (있는 파일은 건드리지 않음)
    Init {
        /// 사이트 폴더 (기본: 지금 폴더)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// 이미 있는 노트 폴더 (Jekyll 블로그, Obsidian 보관함, 마크다운 저장소)에 맞춘 설정을 씁니다
        #[arg(long)]
        from: Option<PathBuf>,
    },
    /// 다른 도구의 노트를 가져옵니다
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
}

#[derive(Subcommand, Debug)]
enum ImportSource {
    /// Notion의 "Markdown & CSV" 내보내기(zip 또는 푼 폴더)를 깔끔한 노트로 바꿉니다
    Notion {
        /// 내보낸 zip 파일이나 그것을 푼 폴더
        export: PathBuf,
        /// 노트를 넣을 폴더
        #[arg(long, default_value = "notes")]
        into: PathBuf,
        /// 아무것도 쓰지 않고 계획만 보여 줍니다
        #[arg(long)]
        dry_run: bool,
    },
}

fn options(site: &SiteArgs, out: Option<PathBuf>) -> BuildOptions {
    BuildOptions {
        root: site.root.clone(),
        out,
        base_url: site.base_url.clone(),
        drafts: site.drafts,
        strict: site.strict,
        live_reload: false,
        clean: false,
        notes: site.notes.clone(),
        no_cache: false,
        line_memo: line_memo(),
    }
}

/// `GONGBU_LINE_MEMO=0` turns the memo of highlighted lines off, to measure
/// what it buys (the benchmark script does).
fn line_memo() -> bool {
    std::env::var("GONGBU_LINE_MEMO").map_or(true, |v| v != "0")
}

/// With `-v`, the library's phase events (`tracing`) go to stderr: `info`
/// for gongbu, or what `RUST_LOG` says. Without it nothing is installed and
/// the output is unchanged.
fn init_tracing(verbose: bool) {
    if !verbose {
        return;
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("gongbu=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let color = std::io::stderr().is_terminal();
    let code = match cli.command {
        Command::Build {
            site,
            out,
            clean,
            no_cache,
        } => {
            // Ctrl-C or SIGTERM: the staging folder goes before we exit.
            let _ = ctrlc::set_handler(|| {
                gongbu::remove_on_interrupt();
                std::process::exit(130);
            });
            let mut opts = options(&site, out);
            opts.clean = clean;
            opts.no_cache = no_cache;
            let report = progress::build(&opts, Mode::Build);
            print_report(&report, Mode::Build, site.timings, color);
            report.exit_code()
        }
        Command::Check { site } => {
            let opts = options(&site, None);
            let report = progress::build(&opts, Mode::Check);
            print_report(&report, Mode::Check, site.timings, color);
            report.exit_code()
        }
        Command::Serve {
            root,
            port,
            open,
            drafts,
            bind,
            timings,
            notes,
        } => {
            let mut opts = gongbu::serve::ServeOptions::new(root);
            opts.site.line_memo = line_memo();
            opts.site.drafts = drafts;
            opts.site.notes = notes;
            opts.port = port;
            opts.bind = bind;
            opts.open = open;
            match gongbu::serve::serve(opts, move |event| {
                report::serve_event(&event, color, timings)
            }) {
                Ok(()) => 0,
                Err(diagnostics) => {
                    for d in &diagnostics {
                        eprintln!("{}", report::render(d, color));
                    }
                    BuildReport {
                        diagnostics,
                        ..Default::default()
                    }
                    .exit_code()
                }
            }
        }
        Command::New {
            title,
            category,
            root,
            notes,
        } => {
            // The date in the site's time zone (`timezone:`, Asia/Seoul).
            let today = gongbu::config::Config::load(&root).and_then(|c| c.today());
            let mut opts = BuildOptions::new(root);
            opts.notes = notes;
            match today
                .and_then(|today| gongbu::new_note_in(&opts, &title, category.as_deref(), today))
            {
                Ok(path) => {
                    println!("새 노트: {}", path.display());
                    0
                }
                Err(d) => {
                    eprintln!("{}", report::render(&d, color));
                    2
                }
            }
        }
        Command::Init { dir, from } => init(&dir, from.as_deref(), color),
        Command::Import {
            source:
                ImportSource::Notion {
                    export,
                    into,
                    dry_run,
                },
        } => import_notion(&export, &into, dry_run, color),
    };
    ExitCode::from(code as u8)
}

fn init(dir: &std::path::Path, from: Option<&std::path::Path>, color: bool) -> i32 {
    let today = chrono::Local::now().date_naive();
    match gongbu::init::init(dir, from, today) {
        Ok(report) => {
            if let Some(source) = report.source {
                println!("알아본 폴더: {}", source.label());
            }
            for f in &report.written {
                println!("  썼습니다      {}", dir.join(f).display());
            }
            for f in &report.kept {
                println!("  이미 있어 둠  {}", dir.join(f).display());
            }
            if report.placeholder {
                println!(
                    "주의: 이 gongbu는 어느 저장소에서 빌드됐는지 몰라 .github/workflows/pages.yml의 \
                     GONGBU_GIT에 자리표시자({})를 넣었습니다. gongbu 저장소 주소로 고치세요.",
                    gongbu::init::PLACEHOLDER_URL
                );
            }
            println!("다음:");
            for c in &report.next {
                println!("  {c}");
            }
            0
        }
        Err(d) => {
            eprintln!("{}", report::render(&d, color));
            2
        }
    }
}

fn import_notion(
    export: &std::path::Path,
    into: &std::path::Path,
    dry_run: bool,
    color: bool,
) -> i32 {
    match gongbu::import::notion::import(export, into, dry_run) {
        Ok(report) => {
            for d in &report.diagnostics {
                eprintln!("{}", report::render(d, color));
            }
            let verb = if dry_run {
                "쓸 파일"
            } else {
                "썼습니다"
            };
            for f in &report.files {
                println!("  {verb}  {}  ← {}", into.join(&f.to).display(), f.from);
            }
            for f in &report.kept {
                println!("  이미 있어 건너뜀  {}", into.join(f).display());
            }
            println!(
                "노트 {}개 · 그림·파일 {}개 · 목록 페이지 {}개{}",
                report.notes,
                report.assets,
                report.databases,
                if dry_run {
                    " — --dry-run이라 아무것도 쓰지 않았습니다"
                } else {
                    ""
                }
            );
            i32::from(report.diagnostics.iter().any(|d| d.is_error()))
        }
        Err(d) => {
            eprintln!("{}", report::render(&d, color));
            2
        }
    }
}

fn print_report(report: &BuildReport, mode: Mode, timings: bool, color: bool) {
    for d in &report.diagnostics {
        eprintln!("{}", report::render(d, color));
    }
    if timings {
        for (phase, t) in &report.timings {
            eprintln!("  {phase:<12} {:>8.1} ms", t.as_secs_f64() * 1000.0);
        }
        let (hits, misses) = gongbu::internals::memo_stats();
        if hits + misses > 0 {
            eprintln!(
                "  코드 줄 {}개 중 {}개({:.1}%)는 앞서 강조한 줄을 다시 썼습니다",
                hits + misses,
                hits,
                hits as f64 * 100.0 / (hits + misses) as f64
            );
        }
        if mode == Mode::Build {
            eprintln!(
                "  바이트가 같아 다시 쓰지 않은 파일 {}개 / {}개",
                report.reused, report.files
            );
            eprintln!(
                "  캐시에서 읽은 노트 {}개 / {}개",
                report.notes_cached, report.notes
            );
            eprintln!(
                "  캐시에서 그대로 둔 페이지 {}개 · 새로 만든 페이지 {}개",
                report.pages_cached, report.pages_rendered
            );
        }
    }
    let outcome = match (mode, report.written) {
        (Mode::Check, _) => "검사만 했고 아무것도 쓰지 않았습니다".to_string(),
        (Mode::Build, true) => format!("{}에 썼습니다", report.out.display()),
        (Mode::Build, false) => {
            "오류 때문에 쓰지 않았습니다 (이전 사이트는 그대로입니다)".to_string()
        }
    };
    let summary = format!(
        "노트 {}개 · 페이지 {}개 · 경고 {}개 · 오류 {}개 · {:.2}초 — {}",
        report.notes,
        report.pages,
        report.warnings(),
        report.errors(),
        report.elapsed.as_secs_f64(),
        outcome
    );
    eprintln!("{summary}");
}
