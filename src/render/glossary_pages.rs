//! The glossary's pages: `glossary/index.html`, every term grouped by its
//! initial consonant (ㄱ ㄲ ㄴ … ㅎ, then A–Z, then the rest) in Korean
//! dictionary order with a jump bar; and `glossary/<term>.html` for each
//! term: definition, names, long text, the defining note, the notes that
//! use it (with the sentence), its comparisons and related terms.

use pulldown_cmark::{html, Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::index::glossary::{TermId, GLOSSARY_INDEX_URL};
use crate::index::SiteIndex;
use crate::korean::{collation_key, index_group, IndexGroup, CHOSEONG};
use crate::output::Sink;
use crate::render::pages::base_context;
use crate::render::RenderEnv;
use crate::urls::{encode_fragment, encode_path, has_scheme};

#[derive(Debug, Serialize)]
struct TermItem {
    term: String,
    english: String,
    definition: String,
    href: String,
    /// Notes that use the term.
    count: usize,
}

#[derive(Debug, Serialize)]
struct Group {
    label: String,
    id: String,
    /// `#id` percent-encoded.
    anchor: String,
    terms: Vec<TermItem>,
}

#[derive(Debug, Serialize)]
struct Jump {
    label: String,
    anchor: Option<String>,
}

#[derive(Debug, Serialize)]
struct MentionItem {
    title: String,
    href: String,
    section: Option<String>,
    before: String,
    hit: String,
    after: String,
}

#[derive(Debug, Serialize)]
struct LinkItem {
    title: String,
    href: String,
}

/// The URLs of the glossary pages (for the sitemap): none when the site has
/// no terms.
pub(crate) fn urls(index: &crate::index::SiteIndex) -> Vec<String> {
    let g = &index.glossary;
    if g.terms.is_empty() {
        return Vec::new();
    }
    std::iter::once(GLOSSARY_INDEX_URL.to_string())
        .chain(g.terms.iter().map(|t| t.url.clone()))
        .collect()
}

/// Writes every glossary page; returns how many there are ([`urls`]).
/// Nothing when the site has no terms.
pub(crate) fn render(env: &RenderEnv<'_>, sink: &dyn Sink, diags: &Diagnostics) -> usize {
    let g = &env.index.glossary;
    if g.terms.is_empty() {
        return 0;
    }
    super::put_page(sink, diags, GLOSSARY_INDEX_URL, index_page(env));
    (0..g.terms.len())
        .into_par_iter()
        .map(TermId::from)
        .for_each(|t| {
            let url = &g.terms[t].url;
            if sink.wants(url) {
                super::put_page(sink, diags, url, term_page(env, t));
            }
        });
    1 + g.terms.len()
}

/// Terms in dictionary order, grouped by initial consonant, letter, other.
fn groups(index: &SiteIndex) -> Vec<(IndexGroup, Vec<TermId>)> {
    let g = &index.glossary;
    let mut order: Vec<TermId> = g.terms.keys().collect();
    order.sort_by_cached_key(|&t| {
        let term = &g.terms[t].term;
        (index_group(term), collation_key(term), t)
    });
    let mut out: Vec<(IndexGroup, Vec<TermId>)> = Vec::new();
    for t in order {
        let group = index_group(&g.terms[t].term);
        match out.last_mut() {
            Some((last, list)) if *last == group => list.push(t),
            _ => out.push((group, vec![t])),
        }
    }
    out
}

fn index_page(env: &RenderEnv<'_>) -> Result<String, Diagnostic> {
    let index = env.index;
    let g = &index.glossary;
    let groups = groups(index);
    let jump: Vec<Jump> = (0..CHOSEONG.len())
        .map(IndexGroup::Consonant)
        .chain(
            groups
                .iter()
                .map(|(group, _)| group.clone())
                .filter(|group| !matches!(group, IndexGroup::Consonant(_))),
        )
        .map(|group| Jump {
            label: group.label(),
            anchor: groups
                .iter()
                .any(|(present, _)| *present == group)
                .then(|| encode_fragment(&group.anchor())),
        })
        .collect();
    let groups: Vec<Group> = groups
        .into_iter()
        .map(|(group, terms)| Group {
            label: group.label(),
            id: group.anchor(),
            anchor: encode_fragment(&group.anchor()),
            terms: terms
                .into_iter()
                .map(|t| {
                    let term = &g.terms[t];
                    TermItem {
                        term: term.term.clone(),
                        english: term.english.clone(),
                        definition: term.definition.clone(),
                        href: encode_path(&term.url),
                        count: g.mentions[t].len(),
                    }
                })
                .collect(),
        })
        .collect();
    let mut ctx = base_context(env, GLOSSARY_INDEX_URL, "용어집", "glossary");
    ctx.insert(
        "description",
        &format!("용어 {}개를 ㄱㄴㄷ 순으로 정리한 용어집", g.terms.len()),
    );
    ctx.insert("term_count", &g.terms.len());
    ctx.insert("jump", &jump);
    ctx.insert("groups", &groups);
    env.theme.render("glossary_index.html", &ctx)
}

fn term_page(env: &RenderEnv<'_>, t: TermId) -> Result<String, Diagnostic> {
    let index = env.index;
    let g = &index.glossary;
    let term = &g.terms[t];
    let mut ctx = base_context(env, &term.url, &term.term, "glossary-term");
    if !term.definition.is_empty() {
        ctx.insert("description", &term.definition);
    }
    let group = index_group(&term.term);

    #[derive(Serialize)]
    struct TermInfo<'a> {
        term: &'a str,
        english: &'a str,
        aliases: Vec<&'a str>,
        definition: &'a str,
        group_label: String,
        group_anchor: String,
    }
    let english_key = crate::index::links::name_key(&term.english);
    ctx.insert(
        "term",
        &TermInfo {
            term: &term.term,
            english: &term.english,
            // The English name is shown beside the term already.
            aliases: term
                .aliases
                .iter()
                .filter(|a| crate::index::links::name_key(a) != english_key)
                .map(String::as_str)
                .collect(),
            definition: &term.definition,
            group_label: group.label(),
            group_anchor: encode_fragment(&group.anchor()),
        },
    );
    ctx.insert("body", &body_html(index, t));
    ctx.insert(
        "home",
        &term.home.map(|h| LinkItem {
            title: index.notes[h].title.clone(),
            href: encode_path(&index.notes[h].url),
        }),
    );
    let mentions: Vec<MentionItem> = g.mentions[t]
        .iter()
        .map(|m| {
            let note = &index.notes[m.note];
            let text = m.text(note);
            let mut href = encode_path(&note.url);
            if let Some(a) = text.anchor {
                href.push('#');
                href.push_str(&encode_fragment(a));
            }
            MentionItem {
                title: note.title.clone(),
                href,
                section: text.section.map(str::to_string),
                before: text.before,
                hit: text.hit.to_string(),
                after: text.after,
            }
        })
        .collect();
    ctx.insert("mentions", &mentions);
    let comparisons: Vec<LinkItem> = index
        .comparisons
        .for_term(&term.term)
        .into_iter()
        .map(|c| LinkItem {
            title: c.title,
            href: encode_path(&c.url),
        })
        .collect();
    ctx.insert("comparisons", &comparisons);
    let related: Vec<TermItem> = g.related[t]
        .iter()
        .map(|&u| {
            let r = &g.terms[u];
            TermItem {
                term: r.term.clone(),
                english: r.english.clone(),
                definition: r.definition.clone(),
                href: encode_path(&r.url),
                count: g.mentions[u].len(),
            }
        })
        .collect();
    ctx.insert("related", &related);
    env.theme.render("glossary_term.html", &ctx)
}

/// The long text of term `t` as HTML on its page: links resolved when the
/// glossary was built, other terms linked, local images (which have no
/// place to be copied from) shown as their alt text.
fn body_html(index: &SiteIndex, t: TermId) -> String {
    let g = &index.glossary;
    let term = &g.terms[t];
    if term.body.trim().is_empty() {
        return String::new();
    }
    let mut local_images = 0usize;
    let events: Vec<Event<'_>> = Parser::new_ext(&term.body, index.config.dialect().options())
        .filter(|e| match e {
            Event::Start(Tag::Image { dest_url, .. }) if !has_scheme(dest_url) => {
                local_images += 1;
                false
            }
            Event::End(TagEnd::Image) if local_images > 0 => {
                local_images -= 1;
                false
            }
            _ => true,
        })
        .collect();
    let events = super::links::pass_in_order(events, &term.body_links, &term.body, &term.url);
    let events = super::glossary::link_terms(events, g, &term.url, &|u| u == t);
    let events = super::tables::wrap_plain(events);
    // Raw HTML the body leaves open is closed before the page goes on.
    let events = super::raw_html::pass(super::code_block::pass(events));
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}
