//! Following a note's raw HTML just well enough to know what it leaves open.
//!
//! Raw HTML in notes is kept as written (notes are the author's own). But a
//! `<script>`, `<style>`, `<textarea>`, `<title>`, … element, a `<!--`
//! comment or a start tag that never ends swallows everything after it, and
//! the page template comes after the note body: left open, it would eat the
//! page's own markup, footer and scripts. [`HtmlTracker`] reads the raw HTML
//! fragments of a note in order (the way an HTML tokenizer does, in bytes,
//! case-insensitively) and says what is still open at the end and how to
//! close it; the analysis warns about it and the render closes it.
//!
//! Some ordinary elements swallow the page too, because the page's own end
//! tags cannot close them: `<select>` (only options go in it), `<template>`
//! (its content is inert), a table and its parts (the footer would be
//! moved before the table), `<svg>`/`<math>` foreign content, and the
//! scope boundaries `<object>`, `<applet>`, `<marquee>`. The tracker keeps
//! a stack of those still open and closes them too.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

/// Elements whose content is raw text: only their own end tag ends them.
pub(crate) const RAW_TEXT_ELEMENTS: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// `<plaintext>` can never be closed: it swallows the rest of the page.
pub(crate) const UNCLOSABLE: &str = "<plaintext";

/// Elements the page's own end tags cannot close (see the module doc).
pub(crate) const SCOPE_ELEMENTS: &[&str] = &[
    "select", "template", "table", "caption", "colgroup", "thead", "tbody", "tfoot", "tr", "td",
    "th", "svg", "math", "object", "applet", "marquee",
];

/// Table parts: only open inside a table (elsewhere the parser drops them).
const TABLE_PARTS: &[&str] = &[
    "caption", "colgroup", "thead", "tbody", "tfoot", "tr", "td", "th",
];

/// Longest tag name worth remembering (longer ones are no raw-text element).
const MAX_NAME: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum State {
    #[default]
    Data,
    /// After `<`.
    Lt,
    TagName {
        name: String,
        closing: bool,
    },
    /// Inside a tag after its name; `raw` when it opens a raw-text element.
    Attrs {
        raw: Option<&'static str>,
        after_eq: bool,
        quote: Option<u8>,
    },
    /// After `<!`, counting the dashes of `<!--`.
    Bang {
        dashes: u8,
    },
    Comment {
        /// Trailing `-` seen (at most 2).
        dashes: u8,
        /// Bytes since `<!--` (at most 2): `<!-->` and `<!--->` end at once.
        len: u8,
        /// `--!` seen: `--!>` ends the comment too.
        bang: bool,
    },
    /// `<?…` or `<!…` other than a comment: ends at the next `>`.
    Bogus,
    /// Inside a raw-text element; `matched` bytes of `</tag` seen.
    RawText {
        tag: &'static str,
        matched: usize,
    },
}

/// What is still open at the end of a note's raw HTML.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpenHtml {
    /// Byte offset (as given to [`HtmlTracker::feed`]) where it starts.
    pub offset: usize,
    /// How a person would name it: `<script>`, `<!-- 주석`, `<div …` .
    pub what: String,
    /// The text that closes it.
    pub closer: String,
}

/// Reads raw HTML fragments in document order; see the module doc.
#[derive(Debug, Clone, Default)]
pub struct HtmlTracker {
    state: State,
    /// Where the construct the state is in started.
    open_at: usize,
    /// Name of the tag being read, for the message.
    tag: String,
    /// Where the first `<plaintext>` start tag is.
    plaintext: Option<usize>,
    /// Scope elements still open, innermost last, with where they start.
    open: Vec<(&'static str, usize)>,
    /// The last byte read, and the one before the current byte (`/`
    /// before `>`: self-closing).
    prev: u8,
    before: u8,
}

impl HtmlTracker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads one fragment; `base` is the offset of its first byte.
    pub fn feed(&mut self, html: &str, base: usize) {
        self.feed_bytes(html.as_bytes(), base, true);
    }

    fn feed_bytes(&mut self, bytes: &[u8], base: usize, fast: bool) {
        let mut i = 0;
        loop {
            // Text and raw-text content change nothing until the next `<`.
            if matches!(self.state, State::Data | State::RawText { matched: 0, .. }) {
                match bytes.get(i..).and_then(|rest| memchr::memchr(b'<', rest)) {
                    Some(skip) => i += skip,
                    None => return,
                }
                // An ordinary whole tag leaves the state at Data: step over
                // it without the byte machine (the rendered page is mostly
                // such tags).
                if fast && self.state == State::Data {
                    if let Some(len) = bytes.get(i..).and_then(plain_tag_len) {
                        self.open_at = base + i;
                        i += len;
                        continue;
                    }
                }
            }
            let Some(&b) = bytes.get(i) else { return };
            self.byte(b.to_ascii_lowercase(), base + i);
            i += 1;
        }
    }

    fn byte(&mut self, b: u8, at: usize) {
        self.before = std::mem::replace(&mut self.prev, b);
        let state = std::mem::take(&mut self.state);
        self.state = match state {
            State::Data => {
                if b == b'<' {
                    self.open_at = at;
                    State::Lt
                } else {
                    State::Data
                }
            }
            State::Lt => match b {
                b'!' => State::Bang { dashes: 0 },
                b'?' => State::Bogus,
                b'/' => State::TagName {
                    name: String::new(),
                    closing: true,
                },
                b'<' => {
                    self.open_at = at;
                    State::Lt
                }
                c if c.is_ascii_alphabetic() => State::TagName {
                    name: char::from(c).to_string(),
                    closing: false,
                },
                _ => State::Data,
            },
            State::TagName { mut name, closing } => match b {
                b'>' => {
                    self.tag = if closing {
                        format!("/{name}")
                    } else {
                        name.clone()
                    };
                    self.tag_end(raw_element(&name, closing))
                }
                c if c.is_ascii_whitespace() || c == b'/' => {
                    if name.is_empty() {
                        // `</ ` or `<//`: not a tag.
                        State::Bogus
                    } else {
                        self.tag = if closing {
                            format!("/{name}")
                        } else {
                            name.clone()
                        };
                        State::Attrs {
                            raw: raw_element(&name, closing),
                            after_eq: false,
                            quote: None,
                        }
                    }
                }
                c if closing && name.is_empty() && !c.is_ascii_alphabetic() => State::Bogus,
                c => {
                    if name.len() < MAX_NAME {
                        name.push(char::from(c));
                    }
                    State::TagName { name, closing }
                }
            },
            State::Attrs {
                raw,
                after_eq,
                quote,
            } => match (quote, b) {
                (Some(q), c) if c == q => State::Attrs {
                    raw,
                    after_eq: false,
                    quote: None,
                },
                (Some(_), _) => State::Attrs {
                    raw,
                    after_eq,
                    quote,
                },
                (None, b'>') => self.tag_end(raw),
                (None, b'=') => State::Attrs {
                    raw,
                    after_eq: true,
                    quote: None,
                },
                (None, c @ (b'"' | b'\'')) if after_eq => State::Attrs {
                    raw,
                    after_eq: false,
                    quote: Some(c),
                },
                (None, c) if c.is_ascii_whitespace() => State::Attrs {
                    raw,
                    after_eq,
                    quote: None,
                },
                (None, _) => State::Attrs {
                    raw,
                    after_eq: false,
                    quote: None,
                },
            },
            State::Bang { dashes } => match (dashes, b) {
                (0, b'-') => State::Bang { dashes: 1 },
                (1, b'-') => State::Comment {
                    dashes: 0,
                    len: 0,
                    bang: false,
                },
                (_, b'>') => State::Data,
                _ => State::Bogus,
            },
            State::Comment { dashes, len, bang } => {
                let len = len.saturating_add(1).min(3);
                match b {
                    // `<!-->`, `<!--->` and `-->`, `--!>`
                    b'>' if len <= 2 && dashes == len - 1 => State::Data,
                    b'>' if dashes >= 2 || bang => State::Data,
                    b'-' => State::Comment {
                        dashes: (dashes + 1).min(2),
                        len,
                        bang: false,
                    },
                    b'!' if dashes >= 2 => State::Comment {
                        dashes: 0,
                        len,
                        bang: true,
                    },
                    _ => State::Comment {
                        dashes: 0,
                        len,
                        bang: false,
                    },
                }
            }
            State::Bogus => {
                if b == b'>' {
                    State::Data
                } else {
                    State::Bogus
                }
            }
            State::RawText { tag, matched } => {
                let want = end_tag_byte(tag, matched);
                if matched == tag.len() + 2 {
                    // `</tag` seen: an end tag when a delimiter follows.
                    match b {
                        b'>' => State::Data,
                        c if c.is_ascii_whitespace() || c == b'/' => State::Attrs {
                            raw: None,
                            after_eq: false,
                            quote: None,
                        },
                        b'<' => State::RawText { tag, matched: 1 },
                        _ => State::RawText { tag, matched: 0 },
                    }
                } else if Some(b) == want {
                    State::RawText {
                        tag,
                        matched: matched + 1,
                    }
                } else if b == b'<' {
                    State::RawText { tag, matched: 1 }
                } else {
                    State::RawText { tag, matched: 0 }
                }
            }
        };
    }

    fn tag_end(&mut self, raw: Option<&'static str>) -> State {
        if self.tag == "plaintext" && self.plaintext.is_none() {
            self.plaintext = Some(self.open_at);
        }
        self.track_scope();
        match raw {
            Some(tag) => State::RawText { tag, matched: 0 },
            None => State::Data,
        }
    }

    /// Keeps the stack of open scope elements after a whole tag.
    fn track_scope(&mut self) {
        let (name, closing) = match self.tag.strip_prefix('/') {
            Some(n) => (n, true),
            None => (self.tag.as_str(), false),
        };
        let Some(name) = SCOPE_ELEMENTS.iter().copied().find(|&t| t == name) else {
            return;
        };
        if closing {
            if let Some(i) = self.open.iter().rposition(|(t, _)| *t == name) {
                self.open.truncate(i);
            }
            return;
        }
        // `<svg/>` and `<math/>` are whole; `/>` means nothing on the rest.
        if self.before == b'/' && matches!(name, "svg" | "math") {
            return;
        }
        if TABLE_PARTS.contains(&name) && !self.open.iter().any(|(t, _)| *t == "table") {
            return;
        }
        self.open.push((name, self.open_at));
    }

    /// Where the first `<plaintext>` start tag is: it cannot be closed, so
    /// the render writes it as text.
    pub fn plaintext_at(&self) -> Option<usize> {
        self.plaintext
    }

    /// What is left open, if anything, and how to close it: the tag,
    /// comment or raw text being read, then the open scope elements.
    pub fn finish(&self) -> Option<OpenHtml> {
        let token = self.finish_token();
        if self.open.is_empty() {
            return token;
        }
        let mut closer = token.as_ref().map(|t| t.closer.clone()).unwrap_or_default();
        for (tag, _) in self.open.iter().rev() {
            closer.push_str("</");
            closer.push_str(tag);
            closer.push('>');
        }
        let (first, at) = self.open.first().copied().unwrap_or(("", 0));
        Some(match token {
            Some(t) if t.offset < at => OpenHtml { closer, ..t },
            _ => OpenHtml {
                offset: at,
                what: format!("<{first}>"),
                closer,
            },
        })
    }

    fn finish_token(&self) -> Option<OpenHtml> {
        let (what, closer) = match &self.state {
            State::Data | State::Lt => return None,
            State::TagName { name, closing } => {
                let closer = match raw_element(name, *closing) {
                    Some(tag) => format!("></{tag}>"),
                    None => ">".to_string(),
                };
                (
                    format!("<{}{name} …", if *closing { "/" } else { "" }),
                    closer,
                )
            }
            State::Attrs { raw, quote, .. } => {
                let mut closer = String::new();
                if let Some(q) = quote {
                    closer.push(char::from(*q));
                }
                closer.push('>');
                if let Some(tag) = raw {
                    closer.push_str(&format!("</{tag}>"));
                }
                (format!("<{} …", self.tag), closer)
            }
            State::Bang { .. } | State::Bogus => ("<!…".to_string(), ">".to_string()),
            State::Comment { .. } => ("<!-- 주석".to_string(), "-->".to_string()),
            State::RawText { tag, matched } => {
                let closer = if *matched == tag.len() + 2 {
                    ">".to_string()
                } else {
                    format!("</{tag}>")
                };
                (format!("<{tag}>"), closer)
            }
        };
        Some(OpenHtml {
            offset: self.open_at,
            what,
            closer,
        })
    }
}

/// The length of the tag `bytes` starts with when it is whole and
/// ordinary: a start or end tag whose name starts with an ASCII letter, is
/// ASCII, is not a raw-text element or `plaintext`, and whose `>` is in
/// `bytes`. The byte machine reads such a tag from Data back to Data with
/// nothing else to remember; None sends every other case to it.
fn plain_tag_len(bytes: &[u8]) -> Option<usize> {
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    if !bytes.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    let mut name = [0u8; MAX_NAME];
    let mut len = 0;
    let after_name = loop {
        let b = bytes.get(i)?.to_ascii_lowercase();
        i += 1;
        if b == b'>' || b.is_ascii_whitespace() || b == b'/' {
            break b;
        }
        if !b.is_ascii() {
            return None;
        }
        if let Some(slot) = name.get_mut(len) {
            *slot = b;
            len += 1;
        }
    };
    let name = std::str::from_utf8(name.get(..len)?).ok()?;
    if name == "plaintext" || raw_element(name, closing).is_some() || SCOPE_ELEMENTS.contains(&name)
    {
        return None;
    }
    if after_name == b'>' {
        return Some(i);
    }
    let mut after_eq = false;
    let mut quote: Option<u8> = None;
    loop {
        let b = *bytes.get(i)?;
        i += 1;
        match (quote, b) {
            (Some(q), c) if c == q => {
                quote = None;
                after_eq = false;
            }
            (Some(_), _) => {}
            (None, b'>') => return Some(i),
            (None, b'=') => after_eq = true,
            (None, c @ (b'"' | b'\'')) if after_eq => {
                quote = Some(c);
                after_eq = false;
            }
            (None, c) if c.is_ascii_whitespace() => {}
            (None, _) => after_eq = false,
        }
    }
}

fn raw_element(name: &str, closing: bool) -> Option<&'static str> {
    if closing {
        return None;
    }
    RAW_TEXT_ELEMENTS.iter().copied().find(|&t| t == name)
}

/// The `n`-th byte of `</tag`.
fn end_tag_byte(tag: &str, n: usize) -> Option<u8> {
    match n {
        0 => Some(b'<'),
        1 => Some(b'/'),
        n => tag.as_bytes().get(n - 2).copied(),
    }
}

/// `html` with every `<plaintext` start tag written as text, so it shows
/// instead of swallowing the page. None when there is none.
pub(crate) fn defuse_plaintext(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    if !lower.contains(UNCLOSABLE) {
        return None;
    }
    let mut out = String::with_capacity(html.len() + 8);
    let mut rest = 0;
    for (at, _) in lower.match_indices(UNCLOSABLE) {
        out.push_str(html.get(rest..at)?);
        out.push_str("&lt;");
        rest = at + 1;
    }
    out.push_str(html.get(rest..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path over whole ordinary tags ends in the same place as
    /// the byte machine alone, on generated fragments full of tags, quotes,
    /// comments and raw-text elements.
    #[test]
    fn fast_path_agrees_with_the_byte_machine() {
        const PIECES: &[&str] = &[
            "<span class=\"hl-k\">",
            "</span>",
            "<a href=\"x.html\" title='t'>",
            "</a>",
            "<br/>",
            "<div ",
            "class=",
            "\"",
            "'",
            ">",
            "<",
            "/",
            "<!--",
            "-->",
            "<script>",
            "</script>",
            "<style",
            "<plaintext>",
            "<title>",
            "</ti",
            "tle>",
            "<img src=x>",
            "텍스트",
            " ",
            "\n",
            "=",
            "<a\tb=\"c>d\">",
            "</b >",
            "<!x>",
            "<?p>",
            "<A HREF=\"Q\">",
            "<xmp>",
            "<noscript >",
            "<textarea/>",
            "<verylongtagnamethatgoesonandon>",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let mut fast = HtmlTracker::new();
            let mut slow = HtmlTracker::new();
            let mut base = 0;
            for _ in 0..(next() % 4 + 1) {
                let mut fragment = String::new();
                for _ in 0..(next() % 12) {
                    fragment.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
                }
                fast.feed_bytes(fragment.as_bytes(), base, true);
                slow.feed_bytes(fragment.as_bytes(), base, false);
                assert_eq!(fast.state, slow.state, "{fragment:?}");
                assert_eq!(fast.open_at, slow.open_at, "{fragment:?}");
                assert_eq!(fast.plaintext_at(), slow.plaintext_at(), "{fragment:?}");
                assert_eq!(fast.finish(), slow.finish(), "{fragment:?}");
                base += fragment.len();
            }
        }
    }

    fn open(fragments: &[&str]) -> Option<OpenHtml> {
        let mut t = HtmlTracker::new();
        let mut base = 0;
        for f in fragments {
            t.feed(f, base);
            base += f.len();
        }
        t.finish()
    }

    #[test]
    fn balanced_html_leaves_nothing_open() {
        assert_eq!(open(&["<div class=\"a>b\">x</div>"]), None);
        assert_eq!(open(&["<script>if (a < b) {}</script>"]), None);
        assert_eq!(
            open(&[
                "<SCRIPT type='x'>",
                "var s = '</scr' + 'ipt>';",
                "</Script >"
            ]),
            None
        );
        assert_eq!(
            open(&["<!-- 주석 -->", "<!---->", "<!-->", "<!--->", "<!-- a --!>"]),
            None
        );
        assert_eq!(open(&["<?xml version=\"1.0\"?>", "<!DOCTYPE html>"]), None);
        assert_eq!(
            open(&["a < b", "<br/>", "<img src=x alt=\"<script>\">"]),
            None
        );
        assert_eq!(open(&["<style>p { color: red }</style>"]), None);
    }

    #[test]
    fn open_script_comment_and_tags_are_found() {
        let o = open(&["앞 ", "<script>", "alert(1)\n"]).unwrap();
        assert_eq!((o.offset, o.what.as_str()), ("앞 ".len(), "<script>"));
        assert_eq!(o.closer, "</script>");
        // An end tag for another element does not end it.
        assert_eq!(
            open(&["<textarea>", "</div>"]).unwrap().closer,
            "</textarea>"
        );
        assert_eq!(open(&["<!-- 여기부터"]).unwrap().closer, "-->");
        assert_eq!(open(&["<div class=\"x"]).unwrap().closer, "\">");
        assert_eq!(open(&["<div"]).unwrap().closer, ">");
        assert_eq!(open(&["<script src=a.js"]).unwrap().closer, "></script>");
        assert_eq!(open(&["<style>", "a</style"]).unwrap().closer, ">");
        assert_eq!(open(&["<!DOCTYPE"]).unwrap().closer, ">");
    }

    #[test]
    fn plaintext_is_written_as_text() {
        assert_eq!(
            defuse_plaintext("a<PlainText>b").as_deref(),
            Some("a&lt;PlainText>b")
        );
        assert_eq!(defuse_plaintext("<p>x</p>"), None);
    }
}
