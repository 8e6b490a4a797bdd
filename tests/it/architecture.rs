//! The dependency direction inside the library: `index/` and `render/`
//! use the other modules, never the items of `lib.rs` (the build driver
//! that calls them).

use std::path::Path;

/// Every `.rs` file under `src/<dir>` (`""` for all of `src/`): its path
/// and its library code (the text before its `#[cfg(test)]` module).
fn library_sources(dir: &str) -> Vec<(std::path::PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let e = e.expect("walk src");
        if e.path().extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).expect("read source");
        let library = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
        out.push((e.path().to_path_buf(), library));
    }
    out
}

/// Every `crate::NAME` that files under `src/<dir>` use, with where.
fn crate_paths(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut found = Vec::new();
    for e in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let e = e.expect("walk src");
        if e.path().extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).expect("read source");
        for (n, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("crate::") {
                rest = &rest[at + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '{')
                    .collect();
                found.push((name, format!("{}:{}", e.path().display(), n + 1)));
            }
        }
    }
    found
}

#[test]
fn index_and_render_do_not_call_into_lib_rs() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("lib.rs");
    let modules: Vec<&str> = lib
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("pub(crate) mod "))
                .or_else(|| l.strip_prefix("mod "))
        })
        .map(|l| l.trim_end_matches(';'))
        .collect();
    assert!(modules.contains(&"memory"), "{modules:?}");
    for dir in ["index", "render"] {
        let bad: Vec<_> = crate_paths(dir)
            .into_iter()
            .filter(|(name, _)| !modules.contains(&name.as_str()))
            .collect();
        assert!(bad.is_empty(), "{dir}/ reaches into lib.rs: {bad:#?}");
    }
}

/// The library reads no environment variables: settings come in through
/// `BuildOptions`, which the command (`main.rs`, `progress.rs`) fills from
/// the environment. Tests (`#[cfg(test)]` modules) may read them.
#[test]
fn only_the_command_reads_environment_variables() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut bad = Vec::new();
    for (path, library) in library_sources("") {
        let rel = path.strip_prefix(&src).expect("under src");
        if rel == Path::new("main.rs") || rel == Path::new("progress.rs") {
            continue;
        }
        for (n, line) in library.lines().enumerate() {
            if line.contains("env::var") {
                bad.push(format!("{}:{}: {}", rel.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "the library reads the environment: {bad:#?}"
    );
}

/// The index reads image headers only; decoding and scaling (the `image`
/// crate) is render's asset step (`render/assets.rs`). Tests may use it.
#[test]
fn the_index_decodes_no_images() {
    let mut bad = Vec::new();
    for (path, library) in library_sources("index") {
        for (n, line) in library.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("image::") {
                bad.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(bad.is_empty(), "index/ decodes images: {bad:#?}");
}
