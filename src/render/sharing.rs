//! What a note's page tells the places it is shared on and the people who
//! read it: `og:image` (front matter `cover`/`image`, else the note's first
//! image, else the site's `og_image`), `og:locale` from `language`, a
//! JSON-LD `Article`, the `subtitle` under the title, and links to the
//! note's source on GitHub when `repo_url` is set.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Serialize;
use tera::Context;

use crate::index::images::ImageTarget;
use crate::index::SiteIndex;
use crate::note::{Note, NoteId};
use crate::render::RenderEnv;
use crate::urls::{asset_url, encode_path, join_normalized, root_prefix};

/// `ko` → `ko_KR`, `en-US` → `en_US`, `ja` → `ja_JP`.
pub(crate) fn og_locale(language: &str) -> String {
    let lang = language.trim().replace('-', "_");
    if lang.contains('_') {
        return lang;
    }
    let region = match lang.as_str() {
        "" | "ko" => return "ko_KR".to_string(),
        "en" => "US",
        "ja" => "JP",
        "zh" => "CN",
        "de" => "DE",
        "fr" => "FR",
        "es" => "ES",
        other => return other.to_string(),
    };
    format!("{lang}_{region}")
}

/// The notes-relative file a front matter `cover`/`image` names, when it is
/// a file under the notes root.
fn front_image_file(note: &Note, assets: &HashMap<String, PathBuf>) -> Option<String> {
    let written = crate::jekyll::front_image(note)?;
    if crate::urls::has_scheme(&written) {
        return None;
    }
    let path = crate::urls::decode(written.split(['?', '#']).next().unwrap_or(""));
    let rel = join_normalized(&note.folder, &path)?;
    assets.contains_key(&rel).then_some(rel)
}

/// Files named by `cover`/`image` in front matter: copied with the site.
pub(crate) fn front_images_used(notes: &[Note], assets: &HashMap<String, PathBuf>) -> Vec<String> {
    notes
        .iter()
        .filter_map(|n| front_image_file(n, assets))
        .collect()
}

/// A note's thumbnail in lists: its front matter `cover`/`image` only (a
/// file under the notes root, site-relative and encoded; or an absolute URL).
pub(crate) fn thumbnail(index: &SiteIndex, id: NoteId) -> (Option<String>, Option<String>) {
    let note = &index.notes[id];
    let Some(written) = crate::jekyll::front_image(note) else {
        return (None, None);
    };
    if written.starts_with("https://") || written.starts_with("http://") {
        return (None, Some(written));
    }
    (
        front_image_file(note, &index.assets).map(|rel| encode_path(&asset_url(&rel))),
        None,
    )
}

/// The image a page is shared with: a site-relative URL or an absolute one.
fn note_image(index: &SiteIndex, id: NoteId) -> Option<String> {
    let note = &index.notes[id];
    if let Some(written) = crate::jekyll::front_image(note) {
        if crate::urls::has_scheme(&written) {
            return Some(written);
        }
        if let Some(rel) = front_image_file(note, &index.assets) {
            return Some(asset_url(&rel));
        }
    }
    for (i, target) in index.images.get(id).into_iter().flatten().enumerate() {
        match target {
            ImageTarget::Local { rel } => return Some(asset_url(rel)),
            ImageTarget::Remote => {
                if let Some(img) = note.facts.images.get(i) {
                    if img.src.starts_with("https://") || img.src.starts_with("http://") {
                        return Some(img.src.clone());
                    }
                }
            }
            ImageTarget::Missing { .. } => {}
        }
    }
    let site = index.config.og_image.trim();
    (!site.is_empty()).then(|| site.trim_start_matches('/').to_string())
}

/// Adds `og_image`, `json_ld`, `subtitle` and `source_links` to a note
/// page's context.
pub(crate) fn note_context(env: &RenderEnv<'_>, id: NoteId, ctx: &mut Context) {
    let index = env.index;
    let note = &index.notes[id];
    let config = &index.config;
    let image = note_image(index, id).map(|u| {
        if crate::urls::has_scheme(&u) {
            u
        } else {
            config
                .absolute_url(&encode_path(&u))
                .unwrap_or_else(|| format!("{}{}", root_prefix(&note.url), encode_path(&u)))
        }
    });
    ctx.insert("og_image", &image);
    ctx.insert("subtitle", &crate::jekyll::subtitle(note));

    if !note.is_folder_index {
        #[derive(Serialize)]
        struct Person<'a> {
            #[serde(rename = "@type")]
            kind: &'static str,
            name: &'a str,
        }
        #[derive(Serialize)]
        struct Article<'a> {
            #[serde(rename = "@context")]
            context: &'static str,
            #[serde(rename = "@type")]
            kind: &'static str,
            headline: &'a str,
            #[serde(skip_serializing_if = "str::is_empty")]
            description: &'a str,
            #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
            date_published: Option<String>,
            #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
            date_modified: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            author: Option<Person<'a>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            image: Option<&'a str>,
            #[serde(rename = "mainEntityOfPage", skip_serializing_if = "Option::is_none")]
            url: Option<String>,
            #[serde(rename = "inLanguage")]
            language: &'a str,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            keywords: Vec<&'a str>,
        }
        let author = note
            .front
            .author
            .as_deref()
            .or_else(|| (!config.author.is_empty()).then_some(config.author.as_str()));
        let article = Article {
            context: "https://schema.org",
            kind: "Article",
            headline: &note.title,
            description: &note.description,
            date_published: note.date.map(|d| d.rfc3339()),
            date_modified: note.updated.or(note.date).map(|d| d.rfc3339()),
            author: author.map(|name| Person {
                kind: "Person",
                name,
            }),
            image: image.as_deref().filter(|i| crate::urls::has_scheme(i)),
            url: config.absolute_url(&encode_path(&note.url)),
            language: if config.language.is_empty() {
                "ko"
            } else {
                &config.language
            },
            keywords: note.tags.iter().map(String::as_str).collect(),
        };
        if let Ok(json) = serde_json::to_string(&article) {
            // Inside <script>: no `</script>` or `<!--` can appear.
            let json = json
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026");
            ctx.insert("json_ld", &json);
        }
    }

    let repo = config.repo_url.trim().trim_end_matches('/');
    if !repo.is_empty() {
        #[derive(Serialize)]
        struct SourceLinks {
            view: String,
            edit: String,
        }
        let branch = if config.repo_branch.trim().is_empty() {
            "main"
        } else {
            config.repo_branch.trim()
        };
        let path = encode_path(&note.display_path);
        ctx.insert(
            "source_links",
            &SourceLinks {
                view: format!("{repo}/blob/{branch}/{path}"),
                edit: format!("{repo}/edit/{branch}/{path}"),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales() {
        assert_eq!(og_locale("ko"), "ko_KR");
        assert_eq!(og_locale("en"), "en_US");
        assert_eq!(og_locale("en-GB"), "en_GB");
        assert_eq!(og_locale(""), "ko_KR");
    }
}
