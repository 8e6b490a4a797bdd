//! Search: what a reader can find (note sections and glossary terms), the
//! tokenizer the browser client shares, and the index written as script
//! files under `search/` so that search works with no server, even from
//! `file://` where `fetch()` of JSON is blocked.
//!
//! # Tokens (the same rules live in `static/assets/search/tokenizer.js`)
//!
//! Text is NFC. It splits into segments: runs of Hangul and CJK letters
//! ("CJK runs") and runs of other letters, digits and `_` ("words").
//! Positions count UTF-16 code units from the start of the field, as
//! JavaScript strings do.
//!
//! - A word becomes one lower-cased token (`Thread` → `thread`); queries
//!   match it by prefix.
//! - A CJK run of n letters becomes its n-1 character bigrams (`멀티스레드`
//!   → 멀티 티스 스레 레드, each at its letter), its first letter as a
//!   unigram (so one-syllable queries find words that start with it: 힙 finds
//!   힙, 힙은 and 힙정렬) and, when n ≥ 3, the whole run (whole-word
//!   matches rank higher). A query of two or more syllables matches where
//!   its bigrams stand one after another, so 스레드 is found inside
//!   멀티스레드 and 스레드가; the client looks up only the bigrams that
//!   cover the query ([`covering_bigrams`]). Unigrams and whole runs say
//!   only which fields hold them ([`keeps_positions`]).
//! - Particles right after a word (`CPU가`, `IPC를`) are not indexed.
//! - Titles, tags, headings and glossary names also get 초성 tokens: `#`
//!   and the bigrams of their initial consonants (`프로세스` → #ㅍㄹ #ㄹㅅ
//!   #ㅅㅅ) plus `#` and the first consonant, in a position space of their
//!   own.
//! - Every mention of a glossary term under any of its names (스레드, 쓰레드,
//!   Thread) becomes the token `@<term number>`, so a query for any name
//!   finds all of them with one lookup.
//!
//! # Files (format 5)
//!
//! The index is made of units, each a JSON value compressed (zlib) and
//! written in base64 as a JSON string, and units stand in pack files of
//! consecutive ones, about 384 KB a file and at most 128 files of a kind:
//!
//! - `search/meta.js`: sizes, the documents of each note, the concept unit
//!   of each term, the glossary names, the particle list, and for every
//!   pack file its stamp and the length of its first line.
//! - `search/shards-N.js`: postings shards (about 4 KB of JSON each),
//!   sharded by a hash of the token's shard key (the token; for words its
//!   first three letters, so prefix queries find every completion in one
//!   shard; for CJK whole runs their first bigram, which a query for them
//!   loads anyway). Tokens without positions (unigrams, whole runs) are
//!   written as keys only: `!` and key differences (`codec::term_only`).
//! - `search/concepts-N.js`: the postings of glossary concepts (`@N`),
//!   consecutive terms in one unit, a much-mentioned term in a unit of its
//!   own, with each term's text (`=N`), so a query for a term reads its
//!   mentions and little else.
//! - `search/frags-N.js`: the text of each note (title, link, tags, and
//!   each document's anchor, heading and text), one unit per note, then one
//!   per glossary term, in number order; read only for the results shown.
//!
//! A pack file is `gongbuSearch(kind, number, stamp, lengths, units)`. From
//! `file://` a `<script>` runs a whole pack; over HTTP the client reads a
//! pack's first line (its stamp and the byte length of each unit) and then
//! only the units a query needs, by range, units standing together in one
//! read. On 10,000 generated notes this is 210 files (format 4: 2,176) and
//! a median cold query of 62 KB over HTTP (meta.js gzip plus the ranges);
//! see BENCHMARKS.md.
//!
//! `stamp` is a hash of the pack's own data (three letters) and `meta.js`
//! lists the stamp of every pack, so the client never mixes files of two
//! builds (it asks for `shards-3.js?v=<stamp>` and takes a file with
//! another stamp as stale), while a pack whose data did not change keeps
//! its bytes.
//! Output is deterministic, and `<`, `>`, `&` are escaped in every string.

mod build;
mod codec;
mod concepts;
mod files;
mod tokens;

pub(crate) use build::*;
#[cfg(test)]
use codec::*;
#[cfg(test)]
use files::*;
pub use tokens::*;

/// The browser client, `assets/search.js`: its three sources under
/// `static/assets/search/` (tokenizer, engine, UI) joined at compile time
/// into one script (they share one function scope, opened by the first and
/// closed by the last).
pub(crate) const CLIENT_JS: &str = concat!(
    include_str!("../../../static/assets/search/tokenizer.js"),
    include_str!("../../../static/assets/search/engine.js"),
    include_str!("../../../static/assets/search/ui.js"),
);
/// Where the sources of [`CLIENT_JS`] live under `static/` (not copied to
/// the output themselves).
pub(crate) const CLIENT_SOURCES: &str = "assets/search/";
/// The client's path in the output.
pub(crate) const CLIENT_PATH: &str = "assets/search.js";

#[cfg(test)]
mod tests {
    use super::concepts::{decode_tokens, phrase_matches, tokens_for_names};
    use super::*;
    use crate::index::glossary::{Glossary, Term};
    use crate::korean::nfc;
    use crate::note::Note;
    use crate::note::{from_source, SourceFile};
    use std::collections::BTreeMap;

    fn token_texts(text: &str) -> Vec<(String, u32)> {
        tokens(text).into_iter().map(|t| (t.text, t.pos)).collect()
    }

    fn pairs(list: &[(&str, u32)]) -> Vec<(String, u32)> {
        list.iter().map(|(t, p)| (t.to_string(), *p)).collect()
    }

    fn note(rel: &str, text: &str) -> Note {
        let file = SourceFile {
            rel: rel.to_string(),
            path: rel.into(),
        };
        from_source(
            &file,
            format!("notes/{rel}"),
            text.to_string(),
            &mut Vec::new(),
        )
        .unwrap()
    }

    fn thread_glossary() -> Glossary {
        Glossary::from_terms(vec![
            Term {
                term: "스레드".into(),
                aliases: vec!["쓰레드".into()],
                english: "Thread".into(),
                definition: "프로세스 안의 실행 흐름".into(),
                ..Default::default()
            },
            Term {
                term: "컨텍스트 스위칭".into(),
                aliases: vec!["문맥 교환".into()],
                english: "Context Switch".into(),
                definition: "CPU가 작업을 바꾸는 일".into(),
                ..Default::default()
            },
        ])
    }

    /// Documents (by note number and heading) holding `token`.
    fn docs_with(index: &SearchIndex<'_>, token: &str) -> Vec<DocKind> {
        index
            .postings_of(token)
            .into_iter()
            .map(|p| index.docs[p.doc as usize].kind.clone())
            .collect()
    }

    #[test]
    fn segments_split_hangul_from_words_and_count_utf16() {
        let segs = segments("👻 CPU가 멀티스레드를, thread_pool");
        let got: Vec<(&str, SegmentKind, u32, bool)> = segs
            .iter()
            .map(|s| (s.text, s.kind, s.pos, s.attached))
            .collect();
        assert_eq!(
            got,
            vec![
                ("CPU", SegmentKind::Word, 3, false),
                ("가", SegmentKind::Cjk, 6, true),
                ("멀티스레드를", SegmentKind::Cjk, 8, false),
                ("thread_pool", SegmentKind::Word, 16, false),
            ]
        );
    }

    #[test]
    fn hangul_runs_become_bigrams_first_letter_and_whole_run() {
        assert_eq!(
            token_texts("멀티스레드"),
            pairs(&[
                ("멀", 0),
                ("멀티", 0),
                ("티스", 1),
                ("스레", 2),
                ("레드", 3),
                ("멀티스레드", 0)
            ])
        );
        // Two letters: the bigram is the whole run.
        assert_eq!(token_texts("힙은"), pairs(&[("힙", 0), ("힙은", 0)]));
        assert_eq!(token_texts("큐"), pairs(&[("큐", 0)]));
    }

    #[test]
    fn words_are_lower_cased_and_particles_after_them_dropped() {
        assert_eq!(
            token_texts("Thread와 IPC를 GIL"),
            pairs(&[("thread", 0), ("ipc", 8), ("gil", 13)])
        );
        // Not a particle: 언어 after C stays.
        assert_eq!(
            token_texts("C언어"),
            pairs(&[("c", 0), ("언", 1), ("언어", 1)])
        );
        let long = "a".repeat(MAX_WORD_LEN + 1);
        assert!(tokens(&long).is_empty());
    }

    #[test]
    fn nfd_text_is_searched_as_nfc() {
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = "스레드".nfd().collect();
        let doc_tokens = tokens(&nfc(&nfd));
        assert_eq!(doc_tokens, tokens("스레드"));
    }

    #[test]
    fn initial_consonant_tokens() {
        let mut got = Vec::new();
        let n = for_each_initial_token("프로세스 vs 스레드", 0, |t, p| {
            got.push((t.to_string(), p))
        });
        assert_eq!(n, 7);
        assert_eq!(
            got,
            pairs(&[
                ("#ㅍ", 0),
                ("#ㅍㄹ", 0),
                ("#ㄹㅅ", 1),
                ("#ㅅㅅ", 2),
                ("#ㅅㅅ", 3),
                ("#ㅅㄹ", 4),
                ("#ㄹㄷ", 5)
            ])
        );
    }

    #[test]
    fn covering_bigrams_spell_the_whole_run() {
        assert_eq!(covering_bigrams(1), Vec::<usize>::new());
        assert_eq!(covering_bigrams(2), vec![0]);
        assert_eq!(covering_bigrams(3), vec![0, 1]);
        assert_eq!(covering_bigrams(4), vec![0, 2]);
        assert_eq!(covering_bigrams(5), vec![0, 2, 3]);
    }

    #[test]
    fn shard_keys_and_hash() {
        assert_eq!(shard_key("threading"), "thr");
        assert_eq!(shard_key("os"), "os");
        assert_eq!(shard_key("스레"), "스레");
        // A whole run goes with its first bigram.
        assert_eq!(shard_key("스레드"), "스레");
        assert_eq!(shard_key("힙"), "힙");
        assert_eq!(shard_key("#ㅍㄹ"), "#ㅍㄹ");
        assert_eq!(shard_key("@3"), "@3");
        // FNV-1a of "a": 0xe40c292c.
        assert_eq!(hash("a"), 0xe40c_292c);
        assert_eq!(shard_of("thread", 16), shard_of("threads", 16));
    }

    #[test]
    fn name_keys_ignore_case_spaces_and_hyphens() {
        assert_eq!(name_key("Context-Switch"), "contextswitch");
        assert_eq!(name_key(" 컨텍스트 스위칭 "), "컨텍스트스위칭");
    }

    #[test]
    fn varints_and_postings_round_trip() {
        let mut bytes = Vec::new();
        for v in [0, 31, 32, 1023, 1024, 1 << 20, u32::MAX >> 2] {
            bytes.clear();
            put_varint(&mut bytes, v);
            let mut at = 0;
            assert_eq!(get_varint(&bytes, &mut at), Some(v));
            assert_eq!(at, bytes.len());
        }
        let postings = vec![
            Posting {
                doc: 0,
                fields: vec![(Field::Title, vec![0, 7]), (Field::Body, vec![3])],
            },
            Posting {
                doc: 40,
                fields: vec![(Field::Body, vec![])],
            },
        ];
        let mut out = Vec::new();
        encode_doc(&mut out, Some(0), &postings[0].fields);
        encode_doc(&mut out, Some(39), &postings[1].fields);
        assert_eq!(decode_postings(&out), postings);
        // Garbage ends decoding instead of panicking.
        assert!(decode_postings(b"!!").is_empty());
    }

    #[test]
    fn positions_are_kept_for_bigrams_words_and_initials_only() {
        assert!(keeps_positions("스레"));
        assert!(keeps_positions("thread"));
        assert!(keeps_positions("#ㅍㄹ"));
        assert!(keeps_positions("@0"));
        assert!(!keeps_positions("스"));
        assert!(!keeps_positions("스레드"));
    }

    #[test]
    fn notes_become_head_and_section_documents() {
        let n = note(
            "a.md",
            "---\ntags: [OS, 동기화]\n---\n# 스레드 정리\n\n머리말\n\n## 데드락\n\n본문\n\n```\n코드\n```\n",
        );
        let docs = note_docs(0, &n);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].field(Field::Title), Some("스레드 정리"));
        assert_eq!(docs[0].field(Field::Tags), Some("OS · 동기화"));
        assert_eq!(docs[0].field(Field::Body), Some("머리말"));
        assert_eq!(
            docs[1].kind,
            DocKind::Note {
                note: 0,
                heading: Some(1)
            }
        );
        assert_eq!(docs[1].field(Field::Heading), Some("데드락"));
        assert_eq!(docs[1].field(Field::Body), Some("본문"));
    }

    #[test]
    fn bigrams_find_words_inside_longer_words() {
        let notes = vec![
            note("a.md", "# 가\n\n멀티스레드 프로그램\n"),
            note("b.md", "# 나\n\n스레드가 하나\n"),
            note("c.md", "# 다\n\n스프레드시트\n"),
        ];
        let index = SearchIndex::from_parts(&notes, &Glossary::default());
        // 스레 and 레드 stand one after the other in a and b only.
        let with_both: Vec<DocKind> = docs_with(&index, "스레");
        assert_eq!(with_both.len(), 2);
        assert_eq!(docs_with(&index, "레드").len(), 3);
        let names = ["스레드".to_string()];
        let decoded = decode_tokens(&index.postings, tokens_for_names(&index.postings, &names));
        let matches = phrase_matches(&decoded, "스레드");
        let notes_found: Vec<u32> = matches.iter().map(|m| m.0).collect();
        assert_eq!(notes_found, vec![0, 1]);
        assert_eq!(matches[0].2, Some(2));
    }

    #[test]
    fn glossary_names_become_one_concept_token_both_ways() {
        let notes = vec![
            note("a.md", "# 가\n\n쓰레드는 가볍다.\n"),
            note("b.md", "# 나\n\nThreads share memory.\n"),
            note("c.md", "# 다\n\n멀티스레드 서버\n"),
            note("d.md", "# 라\n\n프로세스만 있다.\n"),
            note(
                "e.md",
                "# 마\n\n## 문맥 교환\n\ncontext switching은 비싸다.\n",
            ),
        ];
        let glossary = thread_glossary();
        let index = SearchIndex::from_parts(&notes, &glossary);
        assert_eq!(index.names.get("쓰레드"), Some(&0));
        assert_eq!(index.names.get("thread"), Some(&0));
        assert_eq!(index.names.get("스레드"), Some(&0));
        assert_eq!(index.names.get("contextswitch"), Some(&1));
        let found: Vec<DocKind> = docs_with(&index, "@0");
        let note_ids: Vec<usize> = found
            .iter()
            .filter_map(|k| match k {
                DocKind::Note { note, .. } => Some(*note),
                DocKind::Term(_) => None,
            })
            .collect();
        assert_eq!(note_ids, vec![0, 1, 2]);
        // The term's own document holds its names.
        assert!(found.contains(&DocKind::Term(0)));
        // Multi-word names: heading 문맥 교환 and "context switching".
        let switching = index.postings_of("@1");
        let e_head = index.note_starts[4] as u32;
        let fields: Vec<Field> = switching
            .iter()
            .filter(|p| p.doc >= e_head && p.doc < index.note_starts[5])
            .flat_map(|p| p.fields.iter().map(|f| f.0))
            .collect();
        assert_eq!(fields, vec![Field::Heading, Field::Body]);
    }

    #[test]
    fn files_are_deterministic_and_escape_markup() {
        let notes = vec![
            note(
                "a.md",
                "---\ntitle: \"<script>alert(1)</script>\"\ntags: [\"<b>태그</b>\"]\n---\n본문 </script> & 끝\n",
            ),
            note("b.md", "# 스레드\n\n## 동기화\n\n뮤텍스\n"),
        ];
        let glossary = thread_glossary();
        let index = SearchIndex::from_parts(&notes, &glossary);
        let files = index.files(&notes, &glossary);
        let again = SearchIndex::from_parts(&notes, &glossary).files(&notes, &glossary);
        assert_eq!(files, again);
        assert_eq!(files[0].path, "search/meta.js");
        for f in &files {
            assert!(!f.text.contains('<') && !f.text.contains('>'), "{}", f.text);
            assert!(f.text.starts_with("gongbuSearch(\""), "{}", f.path);
        }
        let all: String = files[1..]
            .iter()
            .flat_map(|f| read_pack(&f.text).1)
            .collect();
        assert!(all.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
        // Each file's stamp is a hash of its own data, and meta.js lists
        // every other file's stamp in file order per kind.
        let meta = payload(&files[0]);
        for f in &files[1..] {
            let (kind, number) = f
                .path
                .strip_prefix("search/")
                .and_then(|n| n.strip_suffix(".js"))
                .and_then(|n| n.split_once('-'))
                .unwrap();
            let number: usize = number.parse().unwrap();
            let own = f.text.split('"').nth(3).unwrap();
            assert_eq!(own.len(), 3, "{}", f.path);
            let listed = meta["stamps"][kind].as_str().unwrap();
            assert_eq!(&listed[number * 3..number * 3 + 3], own, "{}", f.path);
        }
    }

    /// A chunk store in memory, counting what it is asked.
    #[derive(Default)]
    struct MemoryStore {
        chunks: std::sync::Mutex<std::collections::HashMap<u128, Vec<u8>>>,
        puts: std::sync::atomic::AtomicUsize,
        gets: std::sync::atomic::AtomicUsize,
    }

    impl ChunkStore for MemoryStore {
        fn get(&self, key: u128) -> Option<Vec<u8>> {
            let found = self.chunks.lock().unwrap().get(&key).cloned();
            if found.is_some() {
                self.gets.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            found
        }
        fn put(&self, key: u128, bytes: &[u8]) {
            self.puts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.chunks.lock().unwrap().insert(key, bytes.to_vec());
        }
        fn touch(&self, _key: u128) {}
    }

    fn many(n: usize, edited: Option<usize>) -> Vec<Note> {
        (0..n)
            .map(|i| {
                let body = if Some(i) == edited {
                    "고친 본문 은행원"
                } else {
                    "본문"
                };
                note(
                    &format!("d{}/n{i:04}.md", i % 4),
                    &format!("# 스레드 {i}\n\n{body} 낱말{i}\n\n## 절 {i}\n\n뮤텍스 {i}\n"),
                )
            })
            .collect()
    }

    #[test]
    fn chunks_from_the_store_give_the_same_index() {
        let glossary = thread_glossary();
        let store = MemoryStore::default();
        let puts = || store.puts.load(std::sync::atomic::Ordering::Relaxed);
        let notes = many(700, None);
        let starts = SearchIndex::from_parts(&notes, &glossary).note_starts;
        let chunks = note_chunks(&notes, &starts, 0);
        assert!(chunks.len() >= 3, "{chunks:?}");
        let plain = SearchIndex::from_parts(&notes, &glossary).files(&notes, &glossary);
        let multi = chunk_groups(&notes, &starts, &chunks)
            .iter()
            .filter(|g| g.len() > 1)
            .count();
        let first = SearchIndex::from_parts_with(&notes, &glossary, Some(&store));
        assert_eq!(first.files(&notes, &glossary), plain);
        assert_eq!(puts(), chunks.len());
        // Again: every chunk from the store, and each group of several
        // chunks stored joined.
        let again = SearchIndex::from_parts_with(&notes, &glossary, Some(&store));
        assert_eq!(again.files(&notes, &glossary), plain);
        let joined = puts() - chunks.len();
        assert_eq!(joined, multi);
        // One note edited: its chunk alone is tokenized again.
        let edited = many(700, Some(321));
        let plain = SearchIndex::from_parts(&edited, &glossary).files(&edited, &glossary);
        let cached = SearchIndex::from_parts_with(&edited, &glossary, Some(&store));
        assert_eq!(cached.files(&edited, &glossary), plain);
        assert_eq!(puts(), chunks.len() + joined + 1);
        // A stored chunk that is not whole is tokenized again.
        for bytes in store.chunks.lock().unwrap().values_mut() {
            bytes.truncate(bytes.len() - 1);
        }
        let broken = SearchIndex::from_parts_with(&edited, &glossary, Some(&store));
        assert_eq!(broken.files(&edited, &glossary), plain);
    }

    #[test]
    fn compressed_units_from_the_store_give_the_same_files() {
        let glossary = thread_glossary();
        let store = MemoryStore::default();
        let puts = || store.puts.load(std::sync::atomic::Ordering::Relaxed);
        let files = |notes: &[Note]| {
            SearchIndex::from_parts(notes, &glossary).files_stored(notes, &glossary, Some(&store))
        };
        let notes = many(700, None);
        let plain = SearchIndex::from_parts(&notes, &glossary).files(&notes, &glossary);
        assert_eq!(files(&notes), plain);
        let packs = puts();
        let frags = plain
            .iter()
            .filter(|f| f.path.contains("frags-") || f.path.contains("shards-"))
            .count();
        assert_eq!(
            packs,
            plain.len() - 1 + frags,
            "an entry per pack, and one per postings or text pack for the file"
        );
        // Again: every unit from the store, no entry written.
        assert_eq!(files(&notes), plain);
        assert_eq!(puts(), packs);
        // A postings or text pack made from the same notes is not made at
        // all when the sink still holds the file: everything else is as
        // before.
        let emitted = std::sync::Mutex::new(Vec::new());
        let kept = std::sync::Mutex::new(Vec::new());
        SearchIndex::from_parts(&notes, &glossary).write_files(
            &notes,
            &glossary,
            Some(&store),
            &|path, text| emitted.lock().unwrap().push(SearchFile { path, text }),
            &|path, hash| {
                let file = plain.iter().find(|f| f.path == path).unwrap();
                assert_eq!(hash, crate::signatures::hash_of(file.text.as_bytes()));
                kept.lock().unwrap().push(path.to_string());
                true
            },
        );
        let (emitted, kept) = (emitted.into_inner().unwrap(), kept.into_inner().unwrap());
        assert_eq!(kept.len(), frags);
        assert!(kept
            .iter()
            .all(|p| p.contains("frags-") || p.contains("shards-")));
        assert_eq!(emitted.len(), plain.len() - frags);
        assert!(emitted.iter().all(|f| plain.contains(f)));
        assert_eq!(puts(), packs);
        // One note edited: the same files as without the store; the packs
        // with a changed unit get their entries written again.
        let edited = many(700, Some(321));
        let plain = SearchIndex::from_parts(&edited, &glossary).files(&edited, &glossary);
        assert_eq!(files(&edited), plain);
        assert!(
            puts() > packs && puts() < 2 * packs,
            "{} of {packs}",
            puts() - packs
        );
        // Entries that are not whole, or another unit's bytes under a key,
        // are not used.
        for bytes in store.chunks.lock().unwrap().values_mut() {
            bytes.truncate(bytes.len() - 1);
        }
        assert_eq!(files(&edited), plain);
        for bytes in store.chunks.lock().unwrap().values_mut() {
            let at = UNITS_MAGIC.len() + 20;
            bytes[at] ^= 1;
        }
        assert_eq!(files(&edited), plain);
    }

    #[test]
    fn concepts_found_chunk_by_chunk_are_those_found_in_the_whole_index() {
        // Mentions are found in one document's tokens, so finding them in
        // each chunk of notes and joining gives what the whole index gives.
        let glossary = thread_glossary();
        let bodies = [
            "스레드와 쓰레드, 그리고 Thread와 threads",
            "컨텍스트 스위칭은 문맥 교환이다. Context-Switch, context  switching",
            "컨텍스트 스위칭이 잦으면 스레드가 느리다",
            "스레",
            "문맥 교환 비용",
        ];
        let notes: Vec<Note> = (0..600)
            .map(|i| {
                note(
                    &format!("d{}/n{i:04}.md", i % 5),
                    &format!(
                        "# 노트 {i}\n\n{}\n\n## 절\n\n{}\n",
                        bodies[i % 5],
                        bodies[(i / 5) % 5]
                    ),
                )
            })
            .collect();
        let index = SearchIndex::from_parts(&notes, &glossary);
        assert!(note_chunks(&notes, &index.note_starts, 0).len() >= 3);
        let (concepts, words): (BTreeMap<_, _>, BTreeMap<_, _>) = index
            .postings
            .clone()
            .into_iter()
            .partition(|(t, _)| t.starts_with('@'));
        let names: Vec<Vec<String>> = glossary.terms.iter().map(term_names).collect();
        let whole: BTreeMap<String, Vec<u8>> = concepts::concept_postings(&words, &names)
            .into_iter()
            .collect();
        assert_eq!(concepts.len(), 2);
        assert_eq!(concepts, whole);
    }

    #[test]
    fn groups_of_chunks_are_stored_joined_and_read_whole() {
        use std::sync::atomic::Ordering::Relaxed;
        let glossary = thread_glossary();
        let store = MemoryStore::default();
        let notes = many(2500, None);
        let starts = SearchIndex::from_parts(&notes, &glossary).note_starts;
        let chunks = note_chunks(&notes, &starts, 0);
        let groups = chunk_groups(&notes, &starts, &chunks);
        assert!(groups.iter().any(|g| g.len() > 1), "{groups:?}");
        assert!(groups.iter().all(|g| g.len() <= 8), "{groups:?}");
        let multi = groups.iter().filter(|g| g.len() > 1).count();
        let plain = SearchIndex::from_parts(&notes, &glossary).files(&notes, &glossary);
        let build = |notes: &[Note]| {
            SearchIndex::from_parts_with(notes, &glossary, Some(&store)).files(notes, &glossary)
        };
        // Cold: chunks stored, no group (they were tokenized).
        assert_eq!(build(&notes), plain);
        assert_eq!(store.puts.load(Relaxed), chunks.len());
        // Warm: every chunk read, each group of several stored joined.
        assert_eq!(build(&notes), plain);
        assert_eq!(store.puts.load(Relaxed), chunks.len() + multi);
        // Then: one read per group, nothing stored.
        store.gets.store(0, Relaxed);
        assert_eq!(build(&notes), plain);
        assert_eq!(store.gets.load(Relaxed), groups.len());
        assert_eq!(store.puts.load(Relaxed), chunks.len() + multi);
        // An edit breaks its group: its chunks are read one by one, the
        // edited one tokenized, and the group is not stored until all of
        // its chunks come from the store again.
        let (at, _) = notes
            .iter()
            .enumerate()
            .find(|(i, _)| {
                let doc = starts[*i] as usize;
                groups.iter().any(|g| {
                    g.len() > 1 && chunks[g.start].0.start <= doc && doc < chunks[g.end - 1].0.end
                })
            })
            .unwrap();
        let edited = many(2500, Some(at));
        let plain = SearchIndex::from_parts(&edited, &glossary).files(&edited, &glossary);
        assert_eq!(build(&edited), plain);
        assert_eq!(store.puts.load(Relaxed), chunks.len() + multi + 1);
        assert_eq!(build(&edited), plain);
        assert_eq!(store.puts.load(Relaxed), chunks.len() + multi + 2);
        // A group that is not whole is read as its chunks.
        for bytes in store.chunks.lock().unwrap().values_mut() {
            if bytes.starts_with(b"gongbu-search-chunk") && bytes.len() > 4096 {
                bytes.truncate(bytes.len() - 1);
            }
        }
        assert_eq!(build(&edited), plain);
    }

    #[test]
    fn memory_chunks_keep_what_the_last_build_used() {
        let glossary = thread_glossary();
        let store = MemoryChunks::default();
        let notes = many(300, None);
        let plain = SearchIndex::from_parts(&notes, &glossary).files(&notes, &glossary);
        let cached = SearchIndex::from_parts_with(&notes, &glossary, Some(&store));
        assert_eq!(cached.files(&notes, &glossary), plain);
        store.keep_used();
        let count = || store.chunks.lock().unwrap().len();
        let all = count();
        assert!(all >= 2, "{all}");
        // Again: the chunks stay, and their groups are stored beside.
        let again = SearchIndex::from_parts_with(&notes, &glossary, Some(&store));
        assert_eq!(again.files(&notes, &glossary), plain);
        store.keep_used();
        let starts = SearchIndex::from_parts(&notes, &glossary).note_starts;
        let chunks = note_chunks(&notes, &starts, 0);
        let groups = chunk_groups(&notes, &starts, &chunks);
        let multi: Vec<_> = groups.iter().filter(|g| g.len() > 1).collect();
        assert_eq!(count(), all + multi.len());
        // An edit: the note's old chunk is not used and goes, the new one
        // stays; so does every other chunk, read or kept with its group.
        // The edited chunk's group is not used and goes.
        let edited = many(300, Some(7));
        let plain = SearchIndex::from_parts(&edited, &glossary).files(&edited, &glossary);
        let cached = SearchIndex::from_parts_with(&edited, &glossary, Some(&store));
        assert_eq!(cached.files(&edited, &glossary), plain);
        store.keep_used();
        let doc = starts[7] as usize;
        let chunk = chunks.iter().position(|c| c.0.contains(&doc)).unwrap();
        let broken = usize::from(multi.iter().any(|g| g.contains(&chunk)));
        assert_eq!(count(), all + multi.len() - broken);
        store.keep_used();
        assert_eq!(count(), 0, "nothing used since");
    }

    #[test]
    fn the_client_reads_the_format_and_stamps_the_files_have() {
        assert!(CLIENT_JS.contains(&format!("const FORMAT_VERSION = {FORMAT_VERSION};")));
        assert!(CLIENT_JS.contains(&format!("const STAMP_LEN = {STAMP_LEN};")));
    }

    #[test]
    fn a_file_keeps_its_bytes_when_its_data_does_not_change() {
        let glossary = thread_glossary();
        let before = vec![
            note("a.md", "# 스레드\n\n뮤텍스와 세마포어\n"),
            note("b.md", "# 프로세스\n\n주소 공간\n"),
        ];
        let after = vec![
            note("a.md", "# 스레드\n\n뮤텍스와 세마포어\n"),
            note("b.md", "# 프로세스\n\n주소 공간과 페이지\n"),
        ];
        let old = SearchIndex::from_parts(&before, &glossary).files(&before, &glossary);
        let new = SearchIndex::from_parts(&after, &glossary).files(&after, &glossary);
        assert_eq!(old.len(), new.len());
        let changed: Vec<&str> = old
            .iter()
            .zip(&new)
            .filter(|(o, n)| o.text != n.text)
            .map(|(_, n)| n.path.as_str())
            .collect();
        // The text fragment, the postings and meta.js (listing their new
        // stamps) change; the concept file of 스레드, whose data is the
        // same, keeps its bytes.
        assert!(changed.contains(&"search/meta.js"), "{changed:?}");
        assert!(changed.contains(&"search/frags-0.js"), "{changed:?}");
        assert!(!changed.contains(&"search/concepts-0.js"), "{changed:?}");
    }

    /// The payload of `meta.js` as JSON.
    fn payload(file: &SearchFile) -> serde_json::Value {
        let text = file.text.splitn(5, ',').nth(4).unwrap();
        serde_json::from_str(text.strip_suffix(");\n").unwrap()).unwrap()
    }

    /// The units of every pack file of `kind`, in unit order.
    fn units_of(files: &[SearchFile], kind: &str) -> Vec<serde_json::Value> {
        let mut packs: Vec<(usize, Vec<String>)> = files
            .iter()
            .filter_map(|f| {
                let n = f.path.strip_prefix(&format!("search/{kind}-"))?;
                let n: usize = n.strip_suffix(".js")?.parse().ok()?;
                Some((n, read_pack(&f.text).1))
            })
            .collect();
        packs.sort_by_key(|(n, _)| *n);
        packs
            .into_iter()
            .flat_map(|(_, units)| units)
            .map(|u| serde_json::from_str(&u).unwrap())
            .collect()
    }

    /// A varint string of the meta file as numbers.
    fn meta_varints(meta: &serde_json::Value, key: &str) -> Vec<u32> {
        let s = meta[key].as_str().unwrap();
        let mut at = 0;
        let mut out = Vec::new();
        while let Some(v) = get_varint(s.as_bytes(), &mut at) {
            out.push(v);
        }
        assert_eq!(at, s.len(), "{key}");
        out
    }

    #[test]
    fn fragments_are_whole_notes_then_terms_in_number_order() {
        let body = "긴 문장입니다. ".repeat(4000);
        let notes: Vec<Note> = (0..12)
            .map(|i| {
                note(
                    &format!("n{i:02}.md"),
                    &format!("# 스레드 정리 {i}\n\n{body}\n\n## 둘\n\n끝\n"),
                )
            })
            .collect();
        let glossary = thread_glossary();
        let index = SearchIndex::from_parts(&notes, &glossary);
        let files = index.files(&notes, &glossary);
        let meta = payload(&files[0]);
        assert_eq!(meta["v"], 5);
        // Large notes fill several pack files.
        let per = meta["per"]["frags"].as_u64().unwrap() as usize;
        let packs = files.iter().filter(|f| f.path.contains("/frags-")).count();
        assert_eq!(packs, (notes.len() + 2).div_ceil(per));
        assert!(packs >= 2, "{packs} packs of {per}");
        let frags = units_of(&files, "frags");
        assert_eq!(frags.len(), notes.len() + 2);
        for (i, note) in notes.iter().enumerate() {
            // Unit i is note i, whole: title, head and one section.
            assert_eq!(frags[i][0], note.title.as_str());
            assert_eq!(frags[i][3].as_array().unwrap().len(), 2);
        }
        assert_eq!(frags[notes.len()][0], "스레드");
        assert_eq!(frags[notes.len() + 1][0], "컨텍스트 스위칭");
        // Each pack's first line is as long as meta.js says, and the units
        // stand where the lengths on it put them.
        let heads = meta_varints(&serde_json::json!({ "h": meta["heads"]["frags"] }), "h");
        for f in files.iter().filter(|f| f.path.contains("/frags-")) {
            let n: usize = f.path["search/frags-".len()..f.path.len() - 3]
                .parse()
                .unwrap();
            assert_eq!(
                f.text.find('\n').unwrap() + 1,
                heads[n] as usize,
                "{}",
                f.path
            );
        }
    }

    #[test]
    fn concepts_have_files_of_their_own_and_unigrams_only_keys() {
        let notes = vec![
            note("a.md", "# 가\n\n쓰레드는 가볍다. 힙 힙\n"),
            note("b.md", "# 나\n\nThreads share memory. 힙\n"),
        ];
        let glossary = thread_glossary();
        let index = SearchIndex::from_parts(&notes, &glossary);
        let heap = index.postings_of("힙");
        let files = index.files(&notes, &glossary);
        let meta = payload(&files[0]);
        let concept_file = meta_varints(&meta, "concepts");
        assert_eq!(concept_file.len(), 2);
        let concepts = units_of(&files, "concepts");
        assert!(concepts[concept_file[0] as usize]["@0"].is_string());
        assert!(concepts[concept_file[0] as usize]["=0"].is_array());
        // No shard holds a concept; the unigram 힙 is written as keys.
        let mut found = None;
        let shards = units_of(&files, "shards");
        assert_eq!(shards.len() as u64, meta["shards"].as_u64().unwrap());
        for shard in &shards {
            let map = shard.as_object().unwrap();
            assert!(map.keys().all(|k| !k.starts_with('@')), "{map:?}");
            if let Some(v) = map.get("힙") {
                found = Some(v.as_str().unwrap().to_string());
            }
        }
        let keys = found.expect("힙 in a shard");
        assert!(keys.starts_with(KEYS_ONLY), "{keys}");
        assert_eq!(decode_term_only(&keys), heap);
    }

    #[test]
    fn term_only_postings_round_trip() {
        let postings = vec![
            Posting {
                doc: 0,
                fields: vec![(Field::Title, vec![]), (Field::Body, vec![])],
            },
            Posting {
                doc: 3,
                fields: vec![(Field::Body, vec![])],
            },
            Posting {
                doc: 5000,
                fields: vec![(Field::Heading, vec![]), (Field::Code, vec![])],
            },
        ];
        let mut bytes = Vec::new();
        encode_doc(&mut bytes, Some(0), &postings[0].fields);
        encode_doc(&mut bytes, Some(2), &postings[1].fields);
        encode_doc(&mut bytes, Some(4996), &postings[2].fields);
        let keys = term_only(&bytes).unwrap();
        assert!(keys.len() < bytes.len() + 1, "{keys}");
        assert_eq!(decode_term_only(&keys), postings);
        // Postings with positions are left as they are.
        let mut with_positions = Vec::new();
        encode_doc(&mut with_positions, Some(0), &[(Field::Body, vec![4])]);
        assert_eq!(term_only(&with_positions), None);
        assert_eq!(term_only(b"!!"), None);
    }
}
