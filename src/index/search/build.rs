//! Building the index: the documents of each note and glossary term, their
//! tokens' postings made in parallel chunks joined in order, and the
//! glossary concept tokens added at the end ([`super::concepts`]).

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

#[cfg(test)]
use super::codec::Posting;
use super::codec::{
    decode_postings, encode_pending, get_varint, keeps_positions, put_varint, seal, unsealed, Parts,
};
use super::concepts::{concept_postings, Needles};
use super::tokens::*;
use crate::index::glossary::Glossary;
use crate::index::SiteIndex;
use crate::korean::nfc;
use crate::note::Note;

/// About how many notes make one chunk, the unit tokenized in parallel and
/// kept between builds ([`ChunkStore`]): a chunk ends before a note whose
/// URL hashes to a multiple of this, so adding or removing a note changes
/// its own chunk and no other.
const NOTES_PER_CHUNK: u64 = 128;
/// A chunk ends at this many documents whatever the URLs say.
const MAX_CHUNK_DOCS: usize = 4096;
/// About how many chunks make one group: a run of chunks whose lists a
/// build found all in the store is stored again joined, as one chunk, so
/// the next build joins one list per token for the run instead of one per
/// chunk (at 10,000 notes, 82 chunks become some 12 groups). A group ends
/// before a chunk whose first note's URL hashes to a multiple of
/// `NOTES_PER_CHUNK` times this, so an edit breaks its own group alone.
const CHUNKS_PER_GROUP: u64 = 8;
/// A group ends at this many chunks whatever the URLs say: a cold build
/// tokenizes a group's chunks together, and holds them until they are
/// joined, as it held a wave of chunks before there were groups.
const MAX_GROUP_CHUNKS: usize = 8;

/// Where tokenized chunks of notes are kept between builds (the build
/// cache, [`crate::cache::SearchChunks`]): a chunk's postings, encoded by
/// [`ChunkPostings::to_bytes`], under a hash of its documents' text. A
/// chunk found is not tokenized again; one that cannot be read is.
pub(crate) trait ChunkStore: Sync {
    fn get(&self, key: u128) -> Option<Vec<u8>>;
    fn put(&self, key: u128, bytes: &[u8]);
    /// Marks the entry under `key`, if any, as used by this build without
    /// reading it (so it is not dropped as unused).
    fn touch(&self, key: u128);
}

/// Chunks kept in memory between the rebuilds of `gongbu serve`: those a
/// build did not use are dropped after it ([`Self::keep_used`]).
#[derive(Default)]
pub(crate) struct MemoryChunks {
    pub(super) chunks: std::sync::Mutex<FxHashMap<u128, (Vec<u8>, bool)>>,
}

impl MemoryChunks {
    /// Drops the chunks no build asked for or stored since the last call.
    pub(crate) fn keep_used(&self) {
        if let Ok(mut chunks) = self.chunks.lock() {
            chunks.retain(|_, (_, used)| std::mem::take(used));
        }
    }
}

impl ChunkStore for MemoryChunks {
    fn get(&self, key: u128) -> Option<Vec<u8>> {
        let mut chunks = self.chunks.lock().ok()?;
        let (bytes, used) = chunks.get_mut(&key)?;
        *used = true;
        Some(bytes.clone())
    }

    fn put(&self, key: u128, bytes: &[u8]) {
        if let Ok(mut chunks) = self.chunks.lock() {
            chunks.insert(key, (bytes.to_vec(), true));
        }
    }

    fn touch(&self, key: u128) {
        if let Ok(mut chunks) = self.chunks.lock() {
            if let Some((_, used)) = chunks.get_mut(&key) {
                *used = true;
            }
        }
    }
}

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

/// Makes room for `more` bytes, growing by at least a quarter (not the
/// double a `Vec` grows by): the joined postings, some 36 MB at 10,000
/// notes, then hold about a tenth unused instead of about a third, for a
/// little more copying.
fn grow_by_a_quarter(bytes: &mut Vec<u8>, more: usize) {
    if bytes.capacity() - bytes.len() < more {
        bytes.reserve_exact(more.max(bytes.len() / 4));
    }
}

/// Magic at the start of a stored chunk.
const CHUNK_MAGIC: &[u8] = b"gongbu-search-chunk-1\n";

/// A chunk read from the store: its bytes, checked whole (a corrupt or
/// foreign file is None, and the chunk is tokenized again), and where each
/// list is in them. The lists are joined from these bytes: no token or
/// list is copied out of them first.
struct StoredChunk {
    bytes: Vec<u8>,
    /// Token, first and last document, entries.
    lists: Vec<(std::ops::Range<usize>, u32, u32, std::ops::Range<usize>)>,
}

impl StoredChunk {
    /// A chunk stored by [`ChunkPostings::to_bytes`].
    fn parse(bytes: Vec<u8>) -> Option<StoredChunk> {
        let base = bytes.as_ptr() as usize;
        let at = |part: &[u8]| {
            let start = part.as_ptr() as usize - base;
            start..start + part.len()
        };
        let mut lists = Vec::new();
        let mut parts = Parts::new(unsealed(&bytes, CHUNK_MAGIC)?);
        while let Some(len) = parts.u32() {
            let token = parts.take(len as usize)?;
            std::str::from_utf8(token).ok()?;
            let (first_doc, last_doc, size) = (parts.u32()?, parts.u32()?, parts.u32()?);
            let entries = parts.take(size as usize)?;
            lists.push((at(token), first_doc, last_doc, at(entries)));
        }
        if !parts.done() {
            return None;
        }
        Some(StoredChunk { bytes, lists })
    }

    /// Each list: token, first and last document, entries.
    fn lists(&self) -> impl Iterator<Item = (&str, u32, u32, &[u8])> {
        self.lists
            .iter()
            .filter_map(|(token, first, last, entries)| {
                let token = std::str::from_utf8(self.bytes.get(token.clone())?).ok()?;
                Some((token, *first, *last, self.bytes.get(entries.clone())?))
            })
    }
}

/// Appends one list to a stored chunk's bytes: the token's length and
/// letters, its first and last document and its encoded entries (lengths
/// and numbers as 4-byte little-endian).
fn put_stored_list(out: &mut Vec<u8>, token: &str, first: u32, last: u32, entries: &[u8]) {
    out.extend_from_slice(&(token.len() as u32).to_le_bytes());
    out.extend_from_slice(token.as_bytes());
    for n in [first, last, entries.len() as u32] {
        out.extend_from_slice(&n.to_le_bytes());
    }
    out.extend_from_slice(entries);
}

/// The chunks of a group, each read from the store (`start`: the group's
/// first document), joined into the bytes of one stored chunk.
fn group_bytes(members: &[(std::ops::Range<usize>, Chunk)], start: usize) -> Vec<u8> {
    let mut lists: Vec<(&str, u32, u32, Vec<u8>)> = Vec::new();
    let mut at: FxHashMap<&str, usize> = FxHashMap::default();
    for (range, chunk) in members {
        let Chunk::Stored(stored) = chunk else {
            continue;
        };
        let base = (range.start - start) as u32;
        for (token, first, last, entries) in stored.lists() {
            let (first, last) = (base + first, base + last);
            match at.get(token) {
                Some(&i) => {
                    let (_, _, prev_last, bytes) = &mut lists[i];
                    append_list(bytes, prev_last, first, last, entries);
                }
                None => {
                    at.insert(token, lists.len());
                    lists.push((token, first, last, entries.to_vec()));
                }
            }
        }
    }
    let size: usize = lists
        .iter()
        .map(|(t, _, _, b)| t.len() + b.len() + 16)
        .sum();
    let mut out = Vec::with_capacity(CHUNK_MAGIC.len() + size + 8);
    out.extend_from_slice(CHUNK_MAGIC);
    for (token, first, last, entries) in &lists {
        put_stored_list(&mut out, token, *first, *last, entries);
    }
    seal(&mut out, CHUNK_MAGIC.len());
    out
}

/// What a group of chunks is stored under: a hash of its chunks' keys
/// (which cover their documents, and so where each starts in the group).
fn group_key(members: &[u128]) -> u128 {
    use std::hash::Hash;
    let mut h = crate::signatures::key_hasher();
    ("gongbu search group", members).hash(&mut h);
    h.digest128()
}

/// The groups of chunks (ranges of `chunks`), see [`CHUNKS_PER_GROUP`]:
/// a chunk that is not kept between builds (the glossary terms') is a
/// group of its own.
pub(super) fn chunk_groups(
    notes: &[Note],
    note_starts: &[u32],
    chunks: &[(std::ops::Range<usize>, bool)],
) -> Vec<std::ops::Range<usize>> {
    use std::hash::{Hash, Hasher};
    let mut groups = Vec::new();
    let mut start = 0usize;
    for (i, (range, kept)) in chunks.iter().enumerate().skip(1) {
        let note = note_starts.partition_point(|&s| (s as usize) < range.start);
        let mut h = rustc_hash::FxHasher::default();
        if let Some(n) = notes.get(note) {
            n.url.hash(&mut h);
        }
        let boundary = h
            .finish()
            .is_multiple_of(NOTES_PER_CHUNK * CHUNKS_PER_GROUP);
        if boundary || !kept || !chunks[i - 1].1 || i - start >= MAX_GROUP_CHUNKS {
            groups.push(start..i);
            start = i;
        }
    }
    if start < chunks.len() {
        groups.push(start..chunks.len());
    }
    groups
}

/// A chunk's lists, read from the store or just tokenized.
enum Chunk {
    Stored(StoredChunk),
    Fresh(ChunkPostings),
}

/// Appends a chunk's list of `token` (documents `first` to `last`, counted
/// from the site's first) to the joined postings.
fn join_list(
    postings: &mut FxHashMap<String, (Vec<u8>, u32)>,
    token: &str,
    first: u32,
    last: u32,
    entries: &[u8],
) {
    match postings.get_mut(token) {
        Some((bytes, prev_last)) => {
            grow_by_a_quarter(bytes, entries.len() + 5);
            append_list(bytes, prev_last, first, last, entries);
        }
        None => {
            let mut bytes = Vec::with_capacity(entries.len() + 4);
            put_varint(&mut bytes, first);
            bytes.extend_from_slice(entries);
            postings.insert(token.to_string(), (bytes, last));
        }
    }
}

/// Appends the entries of a later list of the same token (documents
/// `first` to `last`) to `bytes`, whose last document is `prev_last`: the
/// gap from it, then the entries as they are.
fn append_list(bytes: &mut Vec<u8>, prev_last: &mut u32, first: u32, last: u32, entries: &[u8]) {
    put_varint(bytes, first - *prev_last - 1);
    bytes.extend_from_slice(entries);
    *prev_last = last;
}

/// The joined postings are held in this many parts, by a hash of the
/// token ([`join_part`]), so a wave's lists are joined on every core: each
/// part takes its tokens' lists in chunk order, as one map would.
pub(super) const JOIN_PARTS: usize = 16;

/// The part of the joined postings that holds `token`.
fn join_part(token: &str) -> usize {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    token.hash(&mut h);
    // The high bits of an Fx hash are its best mixed.
    (h.finish() >> 59) as usize % JOIN_PARTS
}

/// A list of a chunk: token, first and last document, encoded entries.
type ListRef<'c> = (&'c str, u32, u32, &'c [u8]);

/// Joined postings: token → encoded list and its last document, in
/// [`JOIN_PARTS`] parts.
type JoinedParts = Vec<FxHashMap<String, (Vec<u8>, u32)>>;

/// Appends the lists of a wave of chunks, in order, to the joined
/// postings: the lists sorted into their parts (in chunk order), then the
/// parts joined in parallel.
fn join_wave(parts: &mut JoinedParts, tokenized: Vec<(std::ops::Range<usize>, Chunk)>) {
    let mut by_part: Vec<Vec<ListRef<'_>>> = vec![Vec::new(); JOIN_PARTS];
    for (range, chunk) in &tokenized {
        let base = range.start as u32;
        let lists: Box<dyn Iterator<Item = ListRef<'_>>> = match chunk {
            Chunk::Stored(stored) => Box::new(stored.lists()),
            Chunk::Fresh(chunk) => Box::new(chunk.lists.iter().filter_map(|(token, list)| {
                Some((
                    token.as_str(),
                    list.first_doc,
                    list.last_doc?,
                    &list.bytes[..],
                ))
            })),
        };
        for (token, first, last, entries) in lists {
            by_part[join_part(token)].push((token, base + first, base + last, entries));
        }
    }
    parts
        .par_iter_mut()
        .zip(by_part)
        .for_each(|(postings, lists)| {
            for (token, first, last, entries) in lists {
                join_list(postings, token, first, last, entries);
            }
        });
}

impl ChunkPostings {
    /// The finished lists as bytes: for each token its length, letters,
    /// first and last document and encoded entries (lengths and numbers as
    /// 4-byte little-endian), then a hash of all that.
    fn to_bytes(&self) -> Vec<u8> {
        let size: usize = self
            .lists
            .iter()
            .map(|(t, l)| t.len() + l.bytes.len() + 16)
            .sum();
        let mut out = Vec::with_capacity(CHUNK_MAGIC.len() + size + 8);
        out.extend_from_slice(CHUNK_MAGIC);
        for (token, list) in &self.lists {
            let Some(last) = list.last_doc else { continue };
            put_stored_list(&mut out, token, list.first_doc, last, &list.bytes);
        }
        seal(&mut out, CHUNK_MAGIC.len());
        out
    }

    /// Tokenizes `docs`, numbered from 0 within the chunk, and adds the
    /// glossary concepts they mention (`@N`, see [`concept_postings`]):
    /// a mention is found in one document's tokens, so the concepts of the
    /// chunks joined are those of all documents.
    fn of(docs: &[Doc<'_>], names: &[Vec<String>], needles: &Needles) -> ChunkPostings {
        let mut chunk = ChunkPostings::default();
        for (j, doc) in docs.iter().enumerate() {
            index_doc(&mut chunk, doc);
            chunk.finish_doc(j as u32);
        }
        chunk.by_token = FxHashMap::default();
        chunk.by_key = FxHashMap::default();
        // The lists names may be looked up by, whole (first document
        // included), as the concept search reads them.
        let wanted: BTreeMap<String, Vec<u8>> = chunk
            .lists
            .iter()
            .filter(|(token, list)| list.last_doc.is_some() && needles.may_match(token))
            .map(|(token, list)| {
                let mut bytes = Vec::with_capacity(list.bytes.len() + 4);
                put_varint(&mut bytes, list.first_doc);
                bytes.extend_from_slice(&list.bytes);
                (token.clone(), bytes)
            })
            .collect();
        for (token, bytes) in concept_postings(&wanted, names) {
            let mut at = 0;
            let Some(first_doc) = get_varint(&bytes, &mut at) else {
                continue;
            };
            let last_doc = decode_postings(&bytes).last().map(|p| p.doc);
            chunk.lists.push((
                token,
                TokenList {
                    bytes: bytes.get(at..).unwrap_or(&[]).to_vec(),
                    first_doc,
                    last_doc,
                    ..TokenList::default()
                },
            ));
        }
        chunk
    }

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

/// The chunks of documents: runs of whole notes (a run ends before a note
/// whose URL hashes to a multiple of [`NOTES_PER_CHUNK`], or at
/// [`MAX_CHUNK_DOCS`]), each with whether it may be kept between builds,
/// then the glossary terms' documents (never kept: few, and they change
/// with the glossary).
pub(super) fn note_chunks(
    notes: &[Note],
    note_starts: &[u32],
    doc_count: usize,
) -> Vec<(std::ops::Range<usize>, bool)> {
    use std::hash::{Hash, Hasher};
    let mut chunks = Vec::new();
    let mut start = 0usize;
    for (i, note) in notes.iter().enumerate().skip(1) {
        let at = note_starts.get(i).copied().unwrap_or(0) as usize;
        let mut h = rustc_hash::FxHasher::default();
        note.url.hash(&mut h);
        if at > start
            && (h.finish().is_multiple_of(NOTES_PER_CHUNK) || at - start >= MAX_CHUNK_DOCS)
        {
            chunks.push((start..at, true));
            start = at;
        }
    }
    let notes_end = note_starts.last().copied().unwrap_or(0) as usize;
    if notes_end > start {
        chunks.push((start..notes_end, true));
    }
    if doc_count > notes_end {
        chunks.push((notes_end..doc_count, false));
    }
    chunks
}

/// What a chunk is stored under: a 128-bit hash of its documents' fields
/// and of the glossary's names (`names_hash`: its concepts depend on them).
fn chunk_key(docs: &[Doc<'_>], names_hash: u64) -> u128 {
    use std::hash::Hash;
    let mut h = crate::signatures::key_hasher();
    ("gongbu search chunk", names_hash).hash(&mut h);
    docs.len().hash(&mut h);
    for doc in docs {
        doc.fields.len().hash(&mut h);
        for (field, text) in &doc.fields {
            (*field as u8).hash(&mut h);
            text.as_ref().hash(&mut h);
        }
    }
    h.digest128()
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
    /// Chunks of notes already tokenized are taken from `store`, and the
    /// others put there.
    pub(crate) fn build(index: &'a SiteIndex, store: Option<&dyn ChunkStore>) -> SearchIndex<'a> {
        Self::from_parts_with(&index.notes.raw, &index.glossary, store)
    }

    pub(crate) fn from_parts(notes: &'a [Note], glossary: &Glossary) -> SearchIndex<'a> {
        Self::from_parts_with(notes, glossary, None)
    }

    pub(crate) fn from_parts_with(
        notes: &'a [Note],
        glossary: &Glossary,
        store: Option<&dyn ChunkStore>,
    ) -> SearchIndex<'a> {
        let step = crate::steps::Step::start("search");
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

        // Chunks (runs of notes, then the glossary terms) are tokenized in
        // parallel a wave at a time, or read from the store, and joined in
        // order, so at most two waves of chunk postings are held besides
        // the joined ones. Joined, the postings are the same however the
        // documents are chunked.
        let mut names = BTreeMap::new();
        let mut all_names = Vec::with_capacity(glossary.terms.len());
        for (i, t) in glossary.terms.iter().enumerate() {
            let list = term_names(t);
            for n in &list {
                names.entry(name_key(n)).or_insert(i);
            }
            all_names.push(list);
        }
        let needles = Needles::of(&all_names);
        let names_hash = crate::signatures::hash_of(&all_names);

        step.done("documents");
        let chunks = note_chunks(notes, &note_starts, docs.len());
        let groups = chunk_groups(notes, &note_starts, &chunks);
        // A chunk's lists from the store, or tokenized (and stored); the
        // key it is stored under (None when it is not kept), and whether
        // it was tokenized.
        let chunk_of = |(range, cached): &(std::ops::Range<usize>, bool), key: Option<u128>| {
            let chunk_docs = docs.get(range.clone()).unwrap_or(&[]);
            let key = key.or_else(|| {
                store
                    .filter(|_| *cached)
                    .map(|_| chunk_key(chunk_docs, names_hash))
            });
            let found = store
                .zip(key)
                .and_then(|(s, key)| s.get(key).and_then(StoredChunk::parse))
                .map(Chunk::Stored);
            let fresh = found.is_none();
            let chunk = found.unwrap_or_else(|| {
                let chunk = ChunkPostings::of(chunk_docs, &all_names, &needles);
                if let Some((s, key)) = store.zip(key) {
                    s.put(key, &chunk.to_bytes());
                }
                Chunk::Fresh(chunk)
            });
            ((range.clone(), chunk), key, fresh)
        };
        // A group's lists: the group from the store (its chunks kept
        // there, unread); else its chunks, and when all of them came from
        // the store, the group stored for the next build.
        let group_of = |group: &std::ops::Range<usize>| {
            let members = chunks.get(group.clone()).unwrap_or(&[]);
            let docs_range =
                members.first().map_or(0, |c| c.0.start)..members.last().map_or(0, |c| c.0.end);
            let keys: Option<Vec<u128>> = store
                .filter(|_| members.len() > 1 && members.iter().all(|(_, kept)| *kept))
                .map(|_| {
                    members
                        .par_iter()
                        .map(|(range, _)| {
                            chunk_key(docs.get(range.clone()).unwrap_or(&[]), names_hash)
                        })
                        .collect()
                });
            if let Some((s, keys)) = store.zip(keys.as_ref()) {
                if let Some(stored) = s.get(group_key(keys)).and_then(StoredChunk::parse) {
                    for &key in keys {
                        s.touch(key);
                    }
                    return (vec![(docs_range, Chunk::Stored(stored))], false);
                }
            }
            let made: Vec<_> = members
                .par_iter()
                .enumerate()
                .map(|(i, c)| chunk_of(c, keys.as_ref().and_then(|k| k.get(i).copied())))
                .collect();
            let fresh = made.iter().any(|(_, _, fresh)| *fresh);
            let lists: Vec<(std::ops::Range<usize>, Chunk)> =
                made.into_iter().map(|(lists, _, _)| lists).collect();
            if let Some((s, keys)) = store.zip(keys.as_ref()).filter(|_| !fresh) {
                s.put(group_key(keys), &group_bytes(&lists, docs_range.start));
            }
            (lists, fresh)
        };
        // Groups are read (or tokenized) a wave of some chunks at a time.
        let wave = 4 * rayon::current_num_threads().max(1);
        let mut waves: Vec<&[std::ops::Range<usize>]> = Vec::new();
        let mut rest = &groups[..];
        while !rest.is_empty() {
            let mut n = 0;
            let mut size = 0;
            while n < rest.len() && (n == 0 || size + rest[n].len() <= wave) {
                size += rest[n].len();
                n += 1;
            }
            let (this, after) = rest.split_at(n);
            waves.push(this);
            rest = after;
        }
        let tokenize = |wave_groups: &[std::ops::Range<usize>]| {
            let made: Vec<_> = wave_groups.par_iter().map(group_of).collect();
            let fresh = made.iter().any(|(_, fresh)| *fresh);
            let lists: Vec<(std::ops::Range<usize>, Chunk)> =
                made.into_iter().flat_map(|(lists, _)| lists).collect();
            (lists, fresh)
        };
        // Each wave is joined while the next is tokenized (or read), so
        // joining leaves no core idle; two waves of chunk postings are held
        // at a time besides the joined ones.
        let mut postings: JoinedParts = vec![FxHashMap::default(); JOIN_PARTS];
        let mut waves = waves.into_iter();
        let mut pending = waves.next().map(tokenize);
        while let Some((tokenized, fresh)) = pending.take() {
            let next = waves.next();
            let ((), tokenized_next) = rayon::join(
                || join_wave(&mut postings, tokenized),
                || next.map(tokenize),
            );
            // The joined lists outgrow their blocks wave after wave: the
            // blocks they left, and what tokenizing took, go back now, not
            // at the end. A wave read whole from the store left little.
            if fresh {
                crate::memory::release_free_memory();
            }
            pending = tokenized_next;
        }
        step.done("postings");
        tracing::debug!(
            tokens = postings.iter().map(|p| p.len()).sum::<usize>(),
            len = postings
                .iter()
                .flat_map(|p| p.values())
                .map(|(b, _)| b.len())
                .sum::<usize>(),
            cap = postings
                .iter()
                .flat_map(|p| p.values())
                .map(|(b, _)| b.capacity())
                .sum::<usize>(),
            "search tokens"
        );
        postings.par_iter_mut().for_each(|part| {
            for (bytes, _) in part.values_mut() {
                bytes.shrink_to_fit();
            }
        });
        let postings: BTreeMap<String, Vec<u8>> = postings
            .into_iter()
            .flatten()
            .map(|(t, (b, _))| (t, b))
            .collect();
        step.done("sorted");
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
