//! The theme: Tera templates and static files embedded in the binary, each
//! overridable by a file of the same name in the site's own `templates/` or
//! `static/` folder.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use include_dir::{include_dir, Dir};
use tera::Tera;
use walkdir::WalkDir;

use crate::diagnostic::{Code, Diagnostic};
use crate::index::search;

static DEFAULT_TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static DEFAULT_STATIC: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// Templates plus the static files to copy to the output root.
pub(crate) struct Theme {
    pub tera: Tera,
    /// Output path (site-relative) → contents.
    pub static_files: BTreeMap<String, Cow<'static, [u8]>>,
    /// A hash of every template and static file (the build cache keys
    /// pages by it).
    pub fingerprint: u64,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field(
                "static_files",
                &self.static_files.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn embedded_files(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for file in dir.files() {
        out.push((
            file.path().to_string_lossy().replace('\\', "/"),
            file.contents(),
        ));
    }
    for sub in dir.dirs() {
        embedded_files(sub, out);
    }
}

/// Files under `dir` as (relative path, bytes), sorted.
fn user_files(dir: &Path) -> Vec<(String, Vec<u8>, String)> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return files;
    }
    for entry in WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel = crate::korean::nfc(&rel.to_string_lossy().replace('\\', "/"));
        if let Ok(bytes) = std::fs::read(entry.path()) {
            files.push((rel, bytes, entry.path().display().to_string()));
        }
    }
    files
}

impl Theme {
    /// The default theme with `root/templates` and `root/static` laid over it.
    pub(crate) fn load(root: &Path) -> Result<Theme, Diagnostic> {
        let mut templates: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut embedded = Vec::new();
        embedded_files(&DEFAULT_TEMPLATES, &mut embedded);
        for (name, bytes) in embedded {
            let text = String::from_utf8_lossy(bytes).into_owned();
            templates.insert(
                name.clone(),
                (text, format!("(기본 테마) templates/{name}")),
            );
        }
        for (name, bytes, _) in user_files(&root.join("templates")) {
            let text = String::from_utf8(bytes).map_err(|_| {
                Diagnostic::error(Code::Template, "템플릿이 UTF-8이 아닙니다")
                    .with_path(format!("templates/{name}"))
            })?;
            templates.insert(name.clone(), (text, format!("templates/{name}")));
        }

        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let pairs: Vec<(String, String)> = templates
            .iter()
            .map(|(n, (t, _))| (n.clone(), t.clone()))
            .collect();
        let templates_hash = crate::signatures::hash_of(&pairs);
        if let Err(e) = tera.add_raw_templates(pairs) {
            let text = e.to_string();
            // Name the template the error is about when the message says.
            let path = templates
                .iter()
                .find(|(name, _)| text.contains(name.as_str()))
                .map(|(_, (_, p))| p.clone())
                .unwrap_or_else(|| "templates/".to_string());
            return Err(
                Diagnostic::error(Code::Template, format!("템플릿 오류:\n{text}")).with_path(path),
            );
        }

        let mut static_files: BTreeMap<String, Cow<'static, [u8]>> = BTreeMap::new();
        let mut embedded = Vec::new();
        embedded_files(&DEFAULT_STATIC, &mut embedded);
        for (name, bytes) in embedded {
            if !name.starts_with(search::CLIENT_SOURCES) {
                static_files.insert(name, Cow::Borrowed(bytes));
            }
        }
        static_files.insert(
            search::CLIENT_PATH.to_string(),
            Cow::Borrowed(search::CLIENT_JS.as_bytes()),
        );
        // The client's sources are joined into `assets/search.js` above; a
        // theme folder holding them (this repository's own `static/`) does
        // not publish them a second time.
        for (name, bytes, _) in user_files(&root.join("static")) {
            if !name.starts_with(search::CLIENT_SOURCES) {
                static_files.insert(name, Cow::Owned(bytes));
            }
        }
        let fingerprint = crate::signatures::hash_of((templates_hash, &static_files));
        Ok(Theme {
            tera,
            static_files,
            fingerprint,
        })
    }

    /// Renders `template`; a template error names the template.
    pub(crate) fn render(
        &self,
        template: &str,
        context: &tera::Context,
    ) -> Result<String, Diagnostic> {
        self.tera.render(template, context).map_err(|e| {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                text.push_str("\n  ");
                text.push_str(&s.to_string());
                source = s.source();
            }
            Diagnostic::error(
                Code::Template,
                format!("`{template}`을 그리는 중 오류:\n{text}"),
            )
            .with_path(format!("templates/{template}"))
        })
    }
}
