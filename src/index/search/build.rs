//! Building the index: the documents of each note and glossary term, their
//! tokens' postings made in parallel chunks joined in order, and the
//! glossary concept tokens added at the end ([`super::concepts`]).

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

#[cfg(test)]
use super::codec::{decode_postings, Posting};
use super::codec::{encode_pending, keeps_positions, put_varint};
use super::concepts::concept_postings;
use super::tokens::*;
use crate::index::glossary::Glossary;
use crate::index::SiteIndex;
use crate::korean::nfc;
use crate::note::Note;

/// Documents tokenized per parallel work unit.
const DOCS_PER_CHUNK: usize = 1024;

/// What a document is: a part of a note, or a glossary term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DocKind {
    /// `heading` None: the note's head (title, tags, text before the first
    /// heading); Some(i): the section under `facts.headings[i]`.
    Note {
        note: usize,
        heading: Option<usize>,
    },
    Term(usize),
}

/// One searchable unit and its fields' text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Doc<'a> {
    pub kind: DocKind,
    /// Texts borrowed from the notes where they stand as they are.
    pub fields: Vec<(Field, Cow<'a, str>)>,
}

impl Doc<'_> {
    pub(crate) fn field(&self, f: Field) -> Option<&str> {
        self.fields
            .iter()
            .find(|(g, _)| *g == f)
            .map(|(_, t)| t.as_ref())
    }
}

/// Separator between the items of a many-valued field (tags, names).
pub(super) const LIST_SEPARATOR: &str = " · ";

/// The documents of one note: its head, then one per section with a
/// heading. Note text is NFC already (see `note::load::clean_text`). The section under the heading that is the page's title belongs
/// to the head (the page shows no such heading).
pub(crate) fn note_docs(note_id: usize, note: &Note) -> Vec<Doc<'_>> {
    let facts = &note.facts;
    let title_heading = facts.title_block.as_ref().and_then(|t| t.heading);
    let mut head_body: Cow<'_, str> = Cow::Borrowed("");
    let mut head_code: Cow<'_, str> = Cow::Borrowed("");
    let mut sections = Vec::new();
    for s in &facts.sections {
        match s.heading {
            Some(h) if Some(h) != title_heading => {
                let heading = facts.headings.get(h).map_or("", |h| h.text.as_str());
                sections.push(Doc {
                    kind: DocKind::Note {
                        note: note_id,
                        heading: Some(h),
                    },
                    fields: with_code(
                        vec![
                            (Field::Heading, Cow::Borrowed(heading)),
                            (Field::Body, Cow::Borrowed(s.text.as_str())),
                        ],
                        &Cow::Borrowed(s.code.as_str()),
                    ),
                });
            }
            _ => {
                if !s.code.is_empty() {
                    let code = head_code.to_mut();
                    if !code.is_empty() {
                        code.push('\n');
                    }
                    code.push_str(&s.code);
                }
                if head_body.is_empty() {
                    head_body = Cow::Borrowed(s.text.as_str());
                } else if !s.text.is_empty() {
                    let joined = head_body.to_mut();
                    joined.push(' ');
                    joined.push_str(&s.text);
                }
            }
        }
    }
    let mut docs = Vec::with_capacity(sections.len() + 1);
    docs.push(Doc {
        kind: DocKind::Note {
            note: note_id,
            heading: None,
        },
        fields: with_code(
            vec![
                (Field::Title, Cow::Borrowed(note.title.as_str())),
                (Field::Tags, Cow::Owned(note.tags.join(LIST_SEPARATOR))),
                (Field::Body, head_body),
            ],
            &head_code,
        ),
    });
    docs.extend(sections);
    docs
}

/// `fields` plus the code field when there is code text.
fn with_code<'a>(
    mut fields: Vec<(Field, Cow<'a, str>)>,
    code: &Cow<'a, str>,
) -> Vec<(Field, Cow<'a, str>)> {
    if !code.is_empty() {
        fields.push((Field::Code, code.clone()));
    }
    fields
}

/// The names of a term: term, aliases, English name, without repeats.
pub(crate) fn term_names(term: &crate::index::glossary::Term) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for n in std::iter::once(&term.term)
        .chain(&term.aliases)
        .chain(std::iter::once(&term.english))
    {
        let n = nfc(n.trim());
        if !n.is_empty() && !names.iter().any(|m| name_key(m) == name_key(&n)) {
            names.push(n);
        }
    }
    names
}

fn term_doc(id: usize, term: &crate::index::glossary::Term) -> Doc<'static> {
    Doc {
        kind: DocKind::Term(id),
        fields: vec![
            (
                Field::Term,
                Cow::Owned(term_names(term).join(LIST_SEPARATOR)),
            ),
            (Field::Body, Cow::Owned(nfc(&term.definition))),
        ],
    }
}

/// One token's postings while documents are added in order.
#[derive(Debug, Default)]
struct TokenList {
    /// Encoded entries; the first document's gap is left out so chunks
    /// built apart can be joined.
    bytes: Vec<u8>,
    first_doc: u32,
    last_doc: Option<u32>,
    /// The current document's (field, position) pairs.
    pending: Vec<(Field, u32)>,
    /// Whether positions are written (see [`keeps_positions`]).
    positions: bool,
}

/// Postings of a run of documents.
#[derive(Debug, Default)]
struct ChunkPostings {
    by_token: FxHashMap<String, usize>,
    /// One- and two-letter tokens by [`TokenPart::key`].
    by_key: FxHashMap<u64, usize>,
    buf: String,
    lists: Vec<(String, TokenList)>,
    touched: Vec<usize>,
}

impl ChunkPostings {
    fn new_list(&mut self, token: &str) -> usize {
        let i = self.lists.len();
        self.lists.push((
            token.to_string(),
            TokenList {
                positions: keeps_positions(token),
                ..TokenList::default()
            },
        ));
        i
    }

    fn add(&mut self, token: &str, field: Field, pos: u32) {
        let i = match self.by_token.get(token) {
            Some(&i) => i,
            None => {
                let i = self.new_list(token);
                self.by_token.insert(token.to_string(), i);
                i
            }
        };
        self.push(i, field, pos);
    }

    fn add_part(&mut self, part: TokenPart<'_>, field: Field, pos: u32) {
        let Some(key) = part.key() else {
            let mut buf = std::mem::take(&mut self.buf);
            self.add(part.as_str(&mut buf), field, pos);
            self.buf = buf;
            return;
        };
        let i = match self.by_key.get(&key) {
            Some(&i) => i,
            None => {
                let mut buf = std::mem::take(&mut self.buf);
                let i = self.new_list(part.as_str(&mut buf));
                self.buf = buf;
                self.by_key.insert(key, i);
                i
            }
        };
        self.push(i, field, pos);
    }

    fn push(&mut self, i: usize, field: Field, pos: u32) {
        let list = &mut self.lists[i].1;
        if list.pending.is_empty() {
            self.touched.push(i);
        }
        list.pending.push((field, pos));
    }

    /// Encodes what the current document added.
    fn finish_doc(&mut self, doc: u32) {
        for &i in &self.touched {
            let list = &mut self.lists[i].1;
            // Tokens come in field order and position order; only repeats
            // of one token at one place (none today) would need sorting.
            if !list.pending.windows(2).all(|w| w[0] < w[1]) {
                list.pending.sort_unstable();
                list.pending.dedup();
            }
            let gap = match list.last_doc {
                None => {
                    list.first_doc = doc;
                    None
                }
                Some(last) => Some(doc - last - 1),
            };
            encode_pending(&mut list.bytes, gap, &list.pending, list.positions);
            list.pending.clear();
            list.last_doc = Some(doc);
        }
        self.touched.clear();
    }
}
fn index_doc(chunk: &mut ChunkPostings, doc: &Doc<'_>) {
    let mut fields: Vec<&(Field, Cow<'_, str>)> = doc.fields.iter().collect();
    fields.sort_by_key(|(f, _)| *f);
    for (field, text) in fields {
        for_each_token_part(text, |t, pos| chunk.add_part(t, *field, pos));
        match field {
            Field::Title | Field::Heading => {
                for_each_initial_token(text, 0, |t, pos| chunk.add(t, *field, pos));
            }
            Field::Tags | Field::Term => {
                // Each item has its own consonants; a gap keeps bigrams from
                // joining two items.
                let mut base = 0;
                for item in text.split(LIST_SEPARATOR) {
                    base +=
                        for_each_initial_token(item, base, |t, pos| chunk.add(t, *field, pos)) + 1;
                }
            }
            Field::Body | Field::Code => {}
        }
    }
}

/// The search index of a site: documents and every token's postings.
#[derive(Debug, Default)]
pub(crate) struct SearchIndex<'a> {
    pub docs: Vec<Doc<'a>>,
    /// First document of each note, plus one past the last note's documents.
    pub note_starts: Vec<u32>,
    /// Token → encoded postings.
    pub postings: BTreeMap<String, Vec<u8>>,
    /// Glossary name key → term number.
    pub names: BTreeMap<String, usize>,
    /// The names of each term, for highlighting and display.
    pub term_names: Vec<Vec<String>>,
}

impl<'a> SearchIndex<'a> {
    /// Builds the index of every note and glossary term of the site.
    pub(crate) fn build(index: &'a SiteIndex) -> SearchIndex<'a> {
        Self::from_parts(&index.notes.raw, &index.glossary)
    }

    pub(crate) fn from_parts(notes: &'a [Note], glossary: &Glossary) -> SearchIndex<'a> {
        let per_note: Vec<Vec<Doc<'a>>> = notes
            .par_iter()
            .enumerate()
            .map(|(i, n)| note_docs(i, n))
            .collect();
        let mut note_starts = Vec::with_capacity(notes.len() + 1);
        let mut docs = Vec::new();
        for d in per_note {
            note_starts.push(docs.len() as u32);
            docs.extend(d);
        }
        note_starts.push(docs.len() as u32);
        for (i, t) in glossary.terms.iter().enumerate() {
            docs.push(term_doc(i, t));
        }

        // Chunks are tokenized in parallel a wave at a time and joined in
        // order, so only one wave of chunk postings is held besides the
        // joined ones.
        let wave = DOCS_PER_CHUNK * 2 * rayon::current_num_threads().max(1);
        let mut postings: FxHashMap<String, (Vec<u8>, u32)> = FxHashMap::default();
        for (w, wave_docs) in docs.chunks(wave).enumerate() {
            let chunks: Vec<ChunkPostings> = wave_docs
                .par_chunks(DOCS_PER_CHUNK)
                .enumerate()
                .map(|(c, chunk_docs)| {
                    let first = w * wave + c * DOCS_PER_CHUNK;
                    let mut chunk = ChunkPostings::default();
                    for (j, doc) in chunk_docs.iter().enumerate() {
                        index_doc(&mut chunk, doc);
                        chunk.finish_doc((first + j) as u32);
                    }
                    chunk
                })
                .collect();
            for chunk in chunks {
                for (token, list) in chunk.lists {
                    let Some(last) = list.last_doc else { continue };
                    match postings.get_mut(&token) {
                        Some((bytes, prev_last)) => {
                            put_varint(bytes, list.first_doc - *prev_last - 1);
                            bytes.extend_from_slice(&list.bytes);
                            *prev_last = last;
                        }
                        None => {
                            let mut bytes = Vec::with_capacity(list.bytes.len() + 4);
                            put_varint(&mut bytes, list.first_doc);
                            bytes.extend_from_slice(&list.bytes);
                            postings.insert(token, (bytes, last));
                        }
                    }
                }
            }
        }
        for (bytes, _) in postings.values_mut() {
            bytes.shrink_to_fit();
        }
        let mut postings: BTreeMap<String, Vec<u8>> =
            postings.into_iter().map(|(t, (b, _))| (t, b)).collect();

        let mut names = BTreeMap::new();
        let mut all_names = Vec::with_capacity(glossary.terms.len());
        for (i, t) in glossary.terms.iter().enumerate() {
            let list = term_names(t);
            for n in &list {
                names.entry(name_key(n)).or_insert(i);
            }
            all_names.push(list);
        }
        let concept_postings = concept_postings(&postings, &all_names);
        postings.extend(concept_postings);
        // What the batches and chunks freed goes back to the system before
        // the index files are made.
        crate::memory::release_free_memory();

        SearchIndex {
            docs,
            note_starts,
            postings,
            names,
            term_names: all_names,
        }
    }

    /// Decoded postings of `token`.
    #[cfg(test)]
    pub(crate) fn postings_of(&self, token: &str) -> Vec<Posting> {
        self.postings
            .get(token)
            .map(|b| decode_postings(b))
            .unwrap_or_default()
    }
}
