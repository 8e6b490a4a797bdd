//! Reading a note's markdown once for the facts the whole site needs:
//! headings and their GitHub ids, outgoing links with the sentence around
//! them, images, tables, lists and section text. No HTML is produced here.
//!
//! The render phase parses the same text with the same options again and
//! finds each link and image fact by its source byte range.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::note::gfm::{
    anchor_depth_change, bare_links_at, comment_ranges, html_anchors, merge_text,
};
use crate::note::html::{HtmlTracker, OpenHtml};
use crate::urls::{github_heading_id, HeadingIds};

/// The markdown dialect: CommonMark + GFM tables, footnotes, strikethrough,
/// task lists, heading attributes, `[[wiki links]]`, math kept as written,
/// and CJK-friendly emphasis (`cjk_emphasis` in `gongbu.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Dialect {
    /// `**"따옴표"**는` is bold (the CJK-friendly amendment); false keeps
    /// strict CommonMark.
    pub cjk_emphasis: bool,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect { cjk_emphasis: true }
    }
}

impl Dialect {
    pub fn options(self) -> Options {
        let mut o = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES
            | Options::ENABLE_WIKILINKS
            | Options::ENABLE_MATH
            | Options::ENABLE_GFM;
        if self.cjk_emphasis {
            o |= Options::ENABLE_CJK_FRIENDLY_EMPHASIS;
        }
        o
    }
}

/// The options of the default dialect.
pub(crate) fn options() -> Options {
    Dialect::default().options()
}

/// A heading of the note with its id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, Hash)]
pub struct Heading {
    pub level: u8,
    #[serde(with = "crate::cache::notes::text")]
    pub text: String,
    pub id: String,
    /// Byte offset in the whole file.
    pub offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkKind {
    /// `[text](dest)`, reference links, `<autolinks>`.
    Markdown,
    /// `[[target]]`, `[[target|label]]`, `[[target#section]]`.
    Wiki,
    /// A bare URL, `www.` address or e-mail address in text (GFM autolink).
    Bare,
    /// `<a href>` in raw HTML.
    Html,
}

/// An outgoing link, in document order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkRef {
    pub kind: LinkKind,
    pub dest: String,
    /// The link's visible text.
    #[serde(with = "crate::cache::notes::text")]
    pub text: String,
    /// Byte range in the whole file.
    pub offset: usize,
    pub len: usize,
    /// The paragraph, list item or cell the link stands in (plain text).
    #[serde(with = "crate::cache::notes::text")]
    pub context: String,
}

/// An image reference, markdown or `<img>` in raw HTML, in document order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageRef {
    pub src: String,
    pub alt: String,
    pub offset: usize,
    pub len: usize,
    /// True for `<img src>` inside raw HTML.
    pub in_html: bool,
    /// True for Obsidian's `![[그림.png]]`, found anywhere in the vault.
    pub wiki: bool,
}

/// A table cell: its plain text and its markdown source.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, Hash)]
pub struct Cell {
    #[serde(with = "crate::cache::notes::text")]
    pub text: String,
    #[serde(with = "crate::cache::notes::text")]
    pub markdown: String,
}

/// A GFM table with the heading it stands under.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, Hash)]
pub struct TableFact {
    pub offset: usize,
    pub header: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
    /// Index into `BodyFacts::headings` of the nearest heading above.
    pub under_heading: Option<usize>,
}

/// A list item: its own text (without sub-lists) and its sub-items.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, Hash)]
pub struct ListItem {
    #[serde(with = "crate::cache::notes::text")]
    pub text: String,
    #[serde(with = "crate::cache::notes::text")]
    pub markdown: String,
    pub children: Vec<ListItem>,
}

/// A top-level list (nested lists are children of its items).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, Hash)]
pub struct ListFact {
    pub offset: usize,
    pub ordered: bool,
    pub items: Vec<ListItem>,
    pub under_heading: Option<usize>,
}

/// The items a top-level list keeps in [`BodyFacts::lists`]: all of them
/// when one item has at least two sub-items (each may give one subject's
/// value, so the list may be a comparison, `index/compare/detect.rs`),
/// none otherwise. Only comparisons read the items; most lists are plain,
/// and their text is already in [`Section::text`], so the note cache and
/// memory hold it once (a sixth of the cache at 10,000 generated notes).
fn comparable_items(items: Vec<ListItem>) -> Vec<ListItem> {
    if items.iter().any(|item| item.children.len() >= 2) {
        items
    } else {
        Vec::new()
    }
}

/// The text under one heading (or before the first), for search and for
/// finding the sentence a glossary term is used in.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Section {
    /// Index into `headings`; None for the text before the first heading.
    pub heading: Option<usize>,
    #[serde(with = "crate::cache::notes::text")]
    pub text: String,
    /// Text of the code blocks in the section (diagrams, listings), one
    /// block per line group: searched, ranked below prose.
    #[serde(with = "crate::cache::notes::text")]
    pub code: String,
}

/// The first block when it names the page (`# 제목` or `<h1>제목</h1>`); it
/// is left out of the body because the page template shows the title.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TitleBlock {
    #[serde(with = "crate::cache::notes::text")]
    pub text: String,
    /// Index into `headings` when the block is a markdown heading.
    pub heading: Option<usize>,
}

/// Everything the site needs to know about a note body.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BodyFacts {
    pub headings: Vec<Heading>,
    pub links: Vec<LinkRef>,
    pub images: Vec<ImageRef>,
    pub tables: Vec<TableFact>,
    /// Top-level lists in document order; the items only of those that may
    /// compare ([`comparable_items`]).
    pub lists: Vec<ListFact>,
    pub sections: Vec<Section>,
    /// The first `# ` heading or `<h1>` anywhere, for the title fallback.
    pub first_h1: Option<String>,
    /// Set when the very first block is a level-1 heading.
    pub title_block: Option<TitleBlock>,
    /// Letters and digits in prose, for the reading time.
    pub char_count: usize,
    /// Plain text of the first paragraph, for descriptions.
    #[serde(with = "crate::cache::notes::text")]
    pub first_paragraph: String,
    pub code_blocks: usize,
    /// Raw HTML the note leaves open (an unclosed `<script>`, comment, …),
    /// which the render closes at the end of the body.
    pub open_html: Option<OpenHtml>,
    /// The dialect the body was read in; the render reads it the same way.
    pub dialect: Dialect,
    /// Obsidian block ids (`^id` ending a paragraph or item), without `^`.
    pub block_ids: Vec<String>,
    /// Obsidian note embeds `![[노트]]`, in document order.
    pub embeds: Vec<crate::obsidian::embeds::NoteEmbed>,
}

/// Reads `body` (which starts at byte `base` of the file).
pub(crate) fn analyze(body: &str, base: usize) -> BodyFacts {
    analyze_with(body, base, Dialect::default())
}

/// Reads `body` in `dialect`.
pub(crate) fn analyze_with(body: &str, base: usize, dialect: Dialect) -> BodyFacts {
    let mut st = State::new(body, base);
    st.facts.dialect = dialect;
    let events = Parser::new_ext(body, dialect.options()).into_offset_iter();
    for (event, range) in merge_text(events) {
        st.event(event, range);
    }
    st.finish()
}

struct OpenLink {
    index: usize,
    start_text_len: usize,
    is_image: bool,
}

struct OpenTable {
    fact: TableFact,
    row: Vec<Cell>,
    in_head: bool,
}

struct OpenList {
    offset: usize,
    ordered: bool,
    items: Vec<ListItem>,
}

struct State<'s> {
    body: &'s str,
    base: usize,
    facts: BodyFacts,
    ids: HeadingIds,
    depth: usize,
    seen_block: bool,
    /// Text of the innermost open text block (paragraph, heading, cell, item).
    blocks: Vec<String>,
    /// Links waiting for the end of their block to learn their context:
    /// (link index, block depth, where its text starts in the block).
    pending_context: Vec<(usize, usize, usize)>,
    open_links: Vec<OpenLink>,
    heading: Option<(u8, Option<String>, usize)>,
    in_code_block: bool,
    in_paragraph_first: bool,
    table: Option<OpenTable>,
    cell: Option<(Cell, usize)>,
    lists: Vec<OpenList>,
    item_stack: Vec<(ListItem, usize)>,
    current_section: Section,
    /// The text of the first block while it is an open HTML block.
    first_html_block: Option<String>,
    /// The open HTML block's lines joined, with where each line starts
    /// (position in the joined text, byte offset in the body), so that an
    /// `<img>` tag spread over several lines is still seen.
    html_block: Option<(String, Vec<(usize, usize)>)>,
    raw_html: HtmlTracker,
    /// `<a>` elements open in inline raw HTML (no bare links inside).
    html_anchor_depth: isize,
    /// Letters and digits of the open paragraph outside links and images:
    /// a paragraph with none (a badge row, a link list) is not the
    /// description.
    paragraph_prose: usize,
}

impl<'s> State<'s> {
    fn new(body: &'s str, base: usize) -> Self {
        State {
            body,
            base,
            facts: BodyFacts::default(),
            ids: HeadingIds::new(),
            depth: 0,
            seen_block: false,
            blocks: Vec::new(),
            pending_context: Vec::new(),
            open_links: Vec::new(),
            heading: None,
            in_code_block: false,
            in_paragraph_first: false,
            table: None,
            cell: None,
            lists: Vec::new(),
            item_stack: Vec::new(),
            current_section: Section::default(),
            first_html_block: None,
            html_block: None,
            raw_html: HtmlTracker::new(),
            html_anchor_depth: 0,
            paragraph_prose: 0,
        }
    }

    fn text(&mut self, t: &str) {
        if let Some(b) = self.blocks.last_mut() {
            b.push_str(t);
        }
        if let Some((cell, _)) = self.cell.as_mut() {
            cell.text.push_str(t);
        }
        if let Some((item, _)) = self.item_stack.last_mut() {
            item.text.push_str(t);
        }
        if !self.in_code_block {
            self.facts.char_count += t
                .chars()
                .filter(|&c| crate::korean::is_letter_or_digit(c))
                .count();
            if self.heading.is_none() {
                self.current_section.text.push_str(t);
            }
        } else {
            self.current_section.code.push_str(t);
        }
    }

    /// Blocks (paragraphs, items, cells) are separate lines of the section
    /// text, so a sentence found in it never runs on into the next block.
    fn block_break(&mut self) {
        let text = &mut self.current_section.text;
        if text.ends_with(' ') {
            text.pop();
        }
        if !text.ends_with('\n') && !text.is_empty() {
            text.push('\n');
        }
    }

    fn event(&mut self, event: Event<'s>, range: Range<usize>) {
        match event {
            Event::Start(tag) => {
                if self.depth == 0 {
                    self.top_level_block(&tag, &range);
                }
                self.depth += 1;
                self.start(tag, range);
            }
            Event::End(end) => {
                self.depth = self.depth.saturating_sub(1);
                self.end(end, range);
            }
            Event::Text(t) => {
                let block_at = self.blocks.last().map(String::len).unwrap_or(0);
                self.text(&t);
                if self.open_links.is_empty() {
                    self.paragraph_prose += t
                        .chars()
                        .filter(|&c| crate::korean::is_letter_or_digit(c))
                        .count();
                }
                if !self.in_code_block && self.open_links.is_empty() && self.html_anchor_depth <= 0
                {
                    self.bare_links(&t, &range, block_at);
                }
            }
            Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
            Event::SoftBreak | Event::HardBreak => self.text(" "),
            Event::Html(html) | Event::InlineHtml(html) => {
                self.raw_html.feed(&html, self.base + range.start);
                if self.html_block.is_none() {
                    self.html_anchor_depth += anchor_depth_change(&html);
                }
                if let Some(buf) = self.first_html_block.as_mut() {
                    buf.push_str(&html);
                }
                if self.facts.first_h1.is_none() {
                    if let Some(text) = html_h1_text(&html) {
                        self.facts.first_h1 = Some(text);
                    }
                }
                if let Some((text, lines)) = self.html_block.as_mut() {
                    lines.push((text.len(), range.start));
                    text.push_str(&html);
                } else {
                    self.html_images(&html, &[(0, range.start)]);
                }
            }
            Event::FootnoteReference(_) | Event::TaskListMarker(_) | Event::Rule => {}
        }
    }

    fn top_level_block(&mut self, tag: &Tag<'s>, _range: &Range<usize>) {
        if self.seen_block {
            return;
        }
        self.seen_block = true;
        if let Tag::HtmlBlock = tag {
            self.first_html_block = Some(String::new());
        }
        if let Tag::Heading {
            level: HeadingLevel::H1,
            ..
        } = tag
        {
            // Filled in when the heading ends and its text is known.
            self.facts.title_block = Some(TitleBlock {
                text: String::new(),
                heading: Some(self.facts.headings.len()),
            });
        }
    }

    fn start(&mut self, tag: Tag<'s>, range: Range<usize>) {
        if matches!(
            tag,
            Tag::Paragraph
                | Tag::Item
                | Tag::List(_)
                | Tag::TableCell
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::FootnoteDefinition(_)
        ) {
            self.block_break();
        }
        match tag {
            Tag::Paragraph => {
                self.blocks.push(String::new());
                self.in_paragraph_first =
                    self.facts.first_paragraph.is_empty() && self.item_stack.is_empty();
                self.paragraph_prose = 0;
            }
            Tag::Heading { level, id, .. } => {
                self.blocks.push(String::new());
                self.heading = Some((level as u8, id.map(|s| s.to_string()), range.start));
            }
            Tag::CodeBlock(kind) => {
                self.in_code_block = true;
                self.facts.code_blocks += 1;
                let _ = matches!(kind, CodeBlockKind::Fenced(_));
            }
            Tag::Table(_) => {
                self.table = Some(OpenTable {
                    fact: TableFact {
                        offset: self.base + range.start,
                        header: Vec::new(),
                        rows: Vec::new(),
                        under_heading: self.facts.headings.len().checked_sub(1),
                    },
                    row: Vec::new(),
                    in_head: false,
                });
            }
            Tag::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = true;
                }
            }
            Tag::TableCell => {
                let markdown = self
                    .body
                    .get(range.clone())
                    .unwrap_or("")
                    .trim()
                    .to_string();
                self.cell = Some((
                    Cell {
                        text: String::new(),
                        markdown,
                    },
                    self.blocks.len(),
                ));
                self.blocks.push(String::new());
            }
            Tag::List(start) => {
                if self.lists.is_empty() {
                    self.facts_list_open(range.start, start.is_some());
                } else {
                    self.lists.push(OpenList {
                        offset: self.base + range.start,
                        ordered: start.is_some(),
                        items: Vec::new(),
                    });
                }
            }
            Tag::Item => {
                let markdown = self.body.get(range.clone()).unwrap_or("").to_string();
                self.item_stack.push((
                    ListItem {
                        text: String::new(),
                        markdown,
                        children: Vec::new(),
                    },
                    self.lists.len(),
                ));
                self.blocks.push(String::new());
            }
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                let index = self.facts.links.len();
                let kind = match link_type {
                    LinkType::WikiLink { .. } => LinkKind::Wiki,
                    _ => LinkKind::Markdown,
                };
                // `<someone@example.com>`: CommonMark's email autolink.
                let dest = match link_type {
                    LinkType::Email => format!("mailto:{}", dest_url.trim()),
                    _ => dest_url.trim().to_string(),
                };
                self.facts.links.push(LinkRef {
                    kind,
                    dest,
                    text: String::new(),
                    offset: self.base + range.start,
                    len: range.len(),
                    context: String::new(),
                });
                let start_text_len = self.blocks.last().map(String::len).unwrap_or(0);
                self.open_links.push(OpenLink {
                    index,
                    start_text_len,
                    is_image: false,
                });
                self.pending_context
                    .push((index, self.blocks.len(), start_text_len));
            }
            Tag::Image {
                dest_url,
                link_type,
                ..
            } => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                let index = if wiki && crate::obsidian::embeds::is_note_embed(&dest_url) {
                    // `![[노트]]`: not an image (the images pass never sees it).
                    self.facts.embeds.push(crate::obsidian::embeds::NoteEmbed {
                        dest: dest_url.to_string(),
                        offset: self.base + range.start,
                        len: range.len(),
                    });
                    usize::MAX
                } else {
                    self.facts.images.push(ImageRef {
                        src: dest_url.to_string(),
                        alt: String::new(),
                        offset: self.base + range.start,
                        len: range.len(),
                        in_html: false,
                        wiki,
                    });
                    self.facts.images.len() - 1
                };
                self.open_links.push(OpenLink {
                    index,
                    start_text_len: self.blocks.last().map(String::len).unwrap_or(0),
                    is_image: true,
                });
            }
            Tag::HtmlBlock => self.html_block = Some((String::new(), Vec::new())),
            Tag::BlockQuote(_) | Tag::FootnoteDefinition(_) => {}
            _ => {}
        }
    }

    /// Records the `<img>` tags of raw HTML; `lines` maps positions in
    /// `html` to body offsets.
    fn html_images(&mut self, html: &str, lines: &[(usize, usize)]) {
        for (src, alt, start, len) in html_images(html) {
            self.facts.images.push(ImageRef {
                src,
                alt,
                offset: self.base + body_offset(lines, start),
                len,
                in_html: true,
                wiki: false,
            });
        }
        for (href, start, len) in html_anchors(html) {
            let index = self.facts.links.len();
            self.facts.links.push(LinkRef {
                kind: LinkKind::Html,
                dest: href.trim().to_string(),
                text: String::new(),
                offset: self.base + body_offset(lines, start),
                len,
                context: String::new(),
            });
            if !self.blocks.is_empty() {
                let at = self.blocks.last().map(String::len).unwrap_or(0);
                self.pending_context.push((index, self.blocks.len(), at));
            }
        }
    }

    /// Records the bare URLs and addresses of a text event that starts at
    /// position `block_at` of its block's text.
    fn bare_links(&mut self, text: &str, range: &Range<usize>, block_at: usize) {
        for link in bare_links_at(text, range, self.body) {
            let index = self.facts.links.len();
            self.facts.links.push(LinkRef {
                kind: LinkKind::Bare,
                dest: link.dest,
                text: text.get(link.range.clone()).unwrap_or("").to_string(),
                offset: self.base + range.start + link.source_start,
                len: link.range.len(),
                context: String::new(),
            });
            self.pending_context
                .push((index, self.blocks.len(), block_at + link.range.start));
        }
    }

    fn facts_list_open(&mut self, start: usize, ordered: bool) {
        self.lists.push(OpenList {
            offset: self.base + start,
            ordered,
            items: Vec::new(),
        });
    }

    fn end(&mut self, end: TagEnd, _range: Range<usize>) {
        match end {
            TagEnd::Paragraph => {
                let text = self.close_block();
                // The first real paragraph: prose, not a row of badges or
                // links, not an `작성자 :` / `출처 :` line.
                if self.in_paragraph_first
                    && !text.trim().is_empty()
                    && self.paragraph_prose > 0
                    && !is_byline(&text)
                {
                    self.facts.first_paragraph = text.trim().to_string();
                }
                self.in_paragraph_first = false;
                self.block_break();
            }
            TagEnd::Heading(_) => {
                let text = self.close_block();
                let text = text.trim().to_string();
                if let Some((level, custom, offset)) = self.heading.take() {
                    let id = match custom {
                        Some(id) => {
                            self.ids.reserve(&id);
                            id
                        }
                        None => self.ids.unique(&github_heading_id(&text)),
                    };
                    if level == 1 && self.facts.first_h1.is_none() {
                        self.facts.first_h1 = Some(text.clone());
                    }
                    let index = self.facts.headings.len();
                    if let Some(tb) = self.facts.title_block.as_mut() {
                        if tb.heading == Some(index) {
                            tb.text = text.clone();
                        }
                    }
                    self.facts.headings.push(Heading {
                        level,
                        text,
                        id,
                        offset: self.base + offset,
                    });
                    let finished = std::mem::replace(
                        &mut self.current_section,
                        Section {
                            heading: Some(index),
                            ..Section::default()
                        },
                    );
                    if finished.heading.is_some()
                        || !finished.text.trim().is_empty()
                        || !finished.code.trim().is_empty()
                    {
                        self.facts.sections.push(finished);
                    }
                }
            }
            TagEnd::HtmlBlock => {
                if let Some((text, lines)) = self.html_block.take() {
                    self.html_images(&text, &lines);
                }
                if let Some(html) = self.first_html_block.take() {
                    if let Some(text) = html_only_h1_text(&html) {
                        self.facts.title_block = Some(TitleBlock {
                            text,
                            heading: None,
                        });
                    }
                }
            }
            TagEnd::CodeBlock => {
                self.in_code_block = false;
                let code = &mut self.current_section.code;
                if !code.is_empty() && !code.ends_with('\n') {
                    code.push('\n');
                }
                self.block_break();
            }
            TagEnd::TableCell => {
                self.close_block();
                if let Some((mut cell, _)) = self.cell.take() {
                    cell.text = cell.text.trim().to_string();
                    if let Some(t) = self.table.as_mut() {
                        t.row.push(cell);
                    }
                }
                self.block_break();
            }
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.fact.header = std::mem::take(&mut t.row);
                    t.in_head = false;
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    let row = std::mem::take(&mut t.row);
                    t.fact.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.facts.tables.push(t.fact);
                }
            }
            TagEnd::Item => {
                self.close_block();
                if let Some((mut item, _)) = self.item_stack.pop() {
                    item.text = item.text.trim().to_string();
                    if let Some(list) = self.lists.last_mut() {
                        list.items.push(item);
                    }
                }
                self.block_break();
            }
            TagEnd::List(_) => {
                if let Some(list) = self.lists.pop() {
                    match self.item_stack.last_mut() {
                        // A nested list belongs to the item it is in.
                        Some((parent, _)) => parent.children.extend(list.items),
                        None => self.facts.lists.push(ListFact {
                            offset: list.offset,
                            ordered: list.ordered,
                            items: comparable_items(list.items),
                            under_heading: self.facts.headings.len().checked_sub(1),
                        }),
                    }
                }
            }
            TagEnd::Link | TagEnd::Image => {
                if let Some(open) = self.open_links.pop() {
                    let text = self
                        .blocks
                        .last()
                        .and_then(|b| b.get(open.start_text_len..))
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    if open.is_image {
                        if let Some(img) = self.facts.images.get_mut(open.index) {
                            img.alt = text;
                        }
                    } else if let Some(link) = self.facts.links.get_mut(open.index) {
                        link.text = text;
                    }
                }
            }
            _ => {}
        }
    }

    /// Closes the innermost text block, handing its text to links in it.
    fn close_block(&mut self) -> String {
        let depth = self.blocks.len();
        let text = self.blocks.pop().unwrap_or_default();
        let mut i = 0;
        while let Some(&(link, d, at)) = self.pending_context.get(i) {
            if d >= depth {
                if let Some(l) = self.facts.links.get_mut(link) {
                    // Only the text near the link: a paragraph may hold
                    // thousands of links and megabytes of text.
                    l.context = shorten_around(near(&text, at, 200), &l.text, 200);
                }
                self.pending_context.swap_remove(i);
            } else {
                i += 1;
            }
        }
        // The text also belongs to the enclosing block (a list item holding
        // a paragraph), so an item's context includes its paragraph.
        if let Some(outer) = self.blocks.last_mut() {
            outer.push_str(&text);
            outer.push(' ');
        }
        text
    }

    fn finish(mut self) -> BodyFacts {
        self.facts.open_html = match self.raw_html.plaintext_at() {
            Some(offset) => Some(OpenHtml {
                offset,
                what: "<plaintext>".to_string(),
                closer: String::new(),
            }),
            None => self.raw_html.finish(),
        };
        let last = std::mem::take(&mut self.current_section);
        if last.heading.is_some() || !last.text.trim().is_empty() || !last.code.trim().is_empty() {
            self.facts.sections.push(last);
        }
        for s in &mut self.facts.sections {
            let trimmed = s.text.trim().to_string();
            s.text = trimmed;
            let code = s.code.trim_end().to_string();
            s.code = code;
        }
        self.facts
    }
}

/// A paragraph that only says who wrote it, where it comes from or when:
/// `작성자 : 김지우`, `출처: …`, `Author: …`.
fn is_byline(text: &str) -> bool {
    const KEYS: &[&str] = &[
        "작성자",
        "글쓴이",
        "출처",
        "참고",
        "참고 자료",
        "작성일",
        "날짜",
        "수정일",
        "author",
        "source",
        "sources",
        "date",
        "written by",
        "reference",
        "references",
    ];
    let Some((key, _)) = text.trim().split_once([':', '：']) else {
        return false;
    };
    let key = key
        .trim()
        .trim_matches(|c: char| c == '*' || c == '_')
        .trim();
    KEYS.contains(&key.to_lowercase().as_str())
}

/// The body offset of position `pos` of joined HTML lines (each line: its
/// position in the joined text, its body offset).
pub(crate) fn body_offset(lines: &[(usize, usize)], pos: usize) -> usize {
    lines
        .iter()
        .rev()
        .find(|(p, _)| *p <= pos)
        .or(lines.first())
        .map(|&(p, at)| at + pos - p.min(pos))
        .unwrap_or(0)
}

/// The part of `text` within a few times `max` characters of byte `at`
/// (all of it when short), cut at character boundaries.
fn near(text: &str, at: usize, max: usize) -> &str {
    let mut start = at.saturating_sub(max * 3).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = at.saturating_add(max * 8).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    text.get(start..end).unwrap_or(text)
}

/// About `max` characters of `text` around the first place `needle` appears.
pub(crate) fn shorten_around(text: &str, needle: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = text.chars().count();
    if count <= max {
        return text;
    }
    let at = text
        .find(needle)
        .and_then(|b| text.get(..b))
        .map(|before| before.chars().count())
        .unwrap_or(0);
    let start = at.saturating_sub(max / 3);
    let end = (start + max).min(count);
    let mut out: String = text.chars().skip(start).take(end - start).collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if end < count {
        out.push('…');
    }
    out
}

/// The text of `<h1>…</h1>` when a raw HTML block starts with one.
pub(crate) fn html_h1_text(html: &str) -> Option<String> {
    let trimmed = html.trim_start();
    let lower_head: String = trimmed
        .chars()
        .take(3)
        .collect::<String>()
        .to_ascii_lowercase();
    if lower_head != "<h1" {
        return None;
    }
    let after_open = trimmed.find('>')? + 1;
    let close = trimmed.to_ascii_lowercase().find("</h1")?;
    let inner = trimmed.get(after_open..close)?;
    let text = strip_tags(inner);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// The text of the h1 when an HTML block is nothing but `<h1>…</h1>`.
pub(crate) fn html_only_h1_text(html: &str) -> Option<String> {
    let text = html_h1_text(html)?;
    let lower = html.to_ascii_lowercase();
    let close = lower.find("</h1")?;
    let after = lower.get(close..)?.find('>')? + close + 1;
    html.get(after..)?.trim().is_empty().then_some(text)
}

/// Text with `<…>` tags removed and HTML entities decoded (`html-escape`;
/// `&nbsp;` becomes a plain space, as titles and alt texts want it).
pub(crate) fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&nbsp;", " ");
    html_escape::decode_html_entities(&out).into_owned()
}

/// `<img>` tags in raw HTML: (src, alt, byte offset of the tag, tag length).
pub(crate) fn html_images(html: &str) -> Vec<(String, String, usize, usize)> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let comments = comment_ranges(html);
    let mut from = 0;
    while let Some(rel) = lower.get(from..).and_then(|rest| rest.find("<img")) {
        let start = from + rel;
        let after = lower.as_bytes().get(start + 4).copied();
        if !matches!(after, Some(b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>'))
            || comments.iter().any(|r| r.contains(&start))
        {
            from = start + 4;
            continue;
        }
        let Some(rest) = html.get(start..) else {
            break;
        };
        let end = match rest.find('>') {
            Some(e) => start + e + 1,
            None => html.len(),
        };
        let tag = rest.get(..end - start).unwrap_or(rest);
        if let Some(src) = html_attr(tag, "src") {
            let alt = html_attr(tag, "alt").unwrap_or_default();
            out.push((src, alt, start, end - start));
        }
        from = end;
    }
    out
}

/// The value of attribute `name` in one HTML start tag.
pub(crate) fn html_attr(tag: &str, name: &str) -> Option<String> {
    html_attr_range(tag, name).map(|r| strip_tags(tag.get(r).unwrap_or("")))
}

/// Where the value of attribute `name` stands in one HTML start tag (quotes
/// excluded), for rewriting it in place.
pub(crate) fn html_attr_range(tag: &str, name: &str) -> Option<Range<usize>> {
    let lower = tag.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut from = 0;
    let skip_space = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    while let Some(rel) = lower.get(from..).and_then(|rest| rest.find(name)) {
        let at = from + rel;
        from = at + name.len();
        let before_ok = at
            .checked_sub(1)
            .and_then(|b| bytes.get(b))
            .is_some_and(u8::is_ascii_whitespace);
        let i = skip_space(at + name.len());
        if !before_ok || bytes.get(i) != Some(&b'=') {
            continue;
        }
        // ASCII lowercasing keeps byte positions, so they index `tag` too.
        let i = skip_space(i + 1);
        return Some(match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let rest = tag.get(i + 1..).unwrap_or("");
                let end = rest.find(char::from(q)).unwrap_or(rest.len());
                i + 1..i + 1 + end
            }
            Some(_) => {
                let rest = tag.get(i..).unwrap_or("");
                let end = rest
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(rest.len());
                let value = rest.get(..end).unwrap_or("").trim_end_matches('/');
                i..i + value.len()
            }
            None => i..i,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_go_and_entities_are_decoded_once() {
        assert_eq!(
            strip_tags("<b>&lt;T&gt;</b> &amp;lt; &quot;a&quot; &#39;b&#x27; caf&eacute;&nbsp;끝"),
            "<T> &lt; \"a\" 'b' café 끝"
        );
        // Without its `;` an entity stays as written (as before html-escape).
        assert_eq!(strip_tags("A &amp B & C"), "A &amp B & C");
        assert_eq!(strip_tags("<img alt=\"x\">그림"), "그림");
    }

    #[test]
    fn headings_get_github_ids_and_repeats_are_numbered() {
        let f = analyze(
            "# 👻 Process vs Thread\n\n## 🧵 쓰레드, Thread\n\n### 장점\n\n### 장점\n",
            0,
        );
        let ids: Vec<_> = f.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            vec!["-process-vs-thread", "-쓰레드-thread", "장점", "장점-1"]
        );
        assert_eq!(f.first_h1.as_deref(), Some("👻 Process vs Thread"));
        assert_eq!(f.title_block.unwrap().text, "👻 Process vs Thread");
    }

    #[test]
    fn custom_heading_ids() {
        let f = analyze("## 비용 {#cost}\n", 0);
        assert_eq!(f.headings[0].id, "cost");
        assert_eq!(f.headings[0].text, "비용");
    }

    #[test]
    fn html_h1_is_a_title() {
        let f = analyze(
            "<h1> 프로세스 </h1>\n\n- 실행 중인 프로그램\n\n<h1> 스레드 </h1>\n",
            0,
        );
        assert_eq!(f.first_h1.as_deref(), Some("프로세스"));
        assert_eq!(
            f.title_block.as_ref().map(|t| t.text.as_str()),
            Some("프로세스")
        );
    }

    #[test]
    fn links_with_context_and_offsets() {
        let src = "앞 문장.\n\n자세한 내용은 [동기화](thread.md#동기화)를 보라.\n\n- [[프로세스|프로세스 노트]] 참고\n";
        let f = analyze(src, 10);
        assert_eq!(f.links.len(), 2);
        let a = &f.links[0];
        assert_eq!(a.kind, LinkKind::Markdown);
        assert_eq!(a.dest, "thread.md#동기화");
        assert_eq!(a.text, "동기화");
        assert_eq!(a.context, "자세한 내용은 동기화를 보라.");
        assert_eq!(a.offset, 10 + src.find("[동기화]").unwrap());
        let b = &f.links[1];
        assert_eq!(b.kind, LinkKind::Wiki);
        assert_eq!(b.dest, "프로세스");
        assert_eq!(b.text, "프로세스 노트");
        assert!(b.context.contains("참고"));
    }

    #[test]
    fn images_markdown_and_html() {
        let src = "![그림 설명](<images/그림 파일.png>)\n\n<p><img src=\"a.png\" alt='에이'></p>\n";
        let f = analyze(src, 0);
        assert_eq!(f.images.len(), 2);
        assert_eq!(f.images[0].src, "images/그림 파일.png");
        assert_eq!(f.images[0].alt, "그림 설명");
        assert!(!f.images[0].in_html);
        assert_eq!(f.images[1].src, "a.png");
        assert_eq!(f.images[1].alt, "에이");
        assert!(f.images[1].in_html);
        assert_eq!(&src[f.images[1].offset..f.images[1].offset + 4], "<img");
        // A tag spread over lines of an HTML block, inside a quote.
        let src = "> <div>\n> <img\n>   src=\"b.png\">\n> </div>\n";
        let f = analyze(src, 0);
        assert_eq!(f.images.len(), 1);
        assert_eq!(f.images[0].src, "b.png");
        assert_eq!(&src[f.images[0].offset..f.images[0].offset + 4], "<img");
    }

    #[test]
    fn tables_and_lists() {
        let src = "## 비교\n\n| 구분 | 프로세스 | 스레드 |\n|---|---|---|\n| **메모리** | 독립 | 공유 |\n\n1. **정의**\n    - **프로세스**: 실행 단위\n    - **스레드**: 흐름\n";
        let f = analyze(src, 0);
        let t = &f.tables[0];
        assert_eq!(
            t.header.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(),
            vec!["구분", "프로세스", "스레드"]
        );
        assert_eq!(t.rows[0][0].text, "메모리");
        assert_eq!(t.rows[0][0].markdown, "**메모리**");
        assert_eq!(t.under_heading, Some(0));
        let l = &f.lists[0];
        assert!(l.ordered);
        assert_eq!(l.items[0].text, "정의");
        assert_eq!(l.items[0].children.len(), 2);
        assert_eq!(l.items[0].children[0].text, "프로세스: 실행 단위");
    }

    #[test]
    fn plain_lists_keep_their_place_but_not_their_items() {
        // A list whose items have fewer than two sub-items each cannot
        // compare: counted (the comparisons number lists in order), its
        // text only in the section.
        let src =
            "- 하나\n- 둘\n    - 하위\n\n문단\n\n- **기준**\n    - **A**: 1\n    - **B**: 2\n";
        let f = analyze(src, 0);
        assert_eq!(f.lists.len(), 2);
        assert!(f.lists[0].items.is_empty());
        assert_eq!(f.lists[0].offset, 0);
        assert_eq!(f.lists[1].items.len(), 1);
        assert_eq!(f.lists[1].items[0].children.len(), 2);
        assert!(f.sections[0].text.contains("하위"));
    }

    #[test]
    fn sections_split_at_headings() {
        let f = analyze(
            "머리말\n\n## 하나\n\n본문 `code`\n\n```\n코드 블록\n```\n\n## 둘\n\n끝\n",
            0,
        );
        assert_eq!(f.sections.len(), 3);
        assert_eq!(f.sections[0].heading, None);
        assert_eq!(f.sections[0].text, "머리말");
        assert_eq!(f.sections[1].heading, Some(0));
        assert_eq!(f.sections[1].text, "본문 code");
        assert_eq!(f.sections[2].text, "끝");
        assert_eq!(f.first_paragraph, "머리말");
    }

    #[test]
    fn section_blocks_are_lines() {
        let f = analyze(
            "1. **정의**\n    - **프로세스**: 실행 단위\n    - **스레드**: 흐름\n\n문단 하나,\n이어지는 줄.\n\n| 가 | 나 |\n|---|---|\n| 다 | 라 |\n",
            0,
        );
        assert_eq!(
            f.sections[0].text,
            "정의\n프로세스: 실행 단위\n스레드: 흐름\n문단 하나, 이어지는 줄.\n가\n나\n다\n라"
        );
    }

    #[test]
    fn description_is_the_first_real_paragraph() {
        let f = analyze(
            "[![빌드](https://img.shields.io/b.svg)](https://ci.example.com) [![라이선스](l.svg)](LICENSE)\n\n작성자 : 김지우\n\n**출처**: 운영체제 강의\n\n[개요](#개요) | [본문](#본문)\n\n- 목차 하나\n- 목차 둘\n\n프로세스는 실행 중인 프로그램이다.\n",
            0,
        );
        assert_eq!(f.first_paragraph, "프로세스는 실행 중인 프로그램이다.");
    }

    #[test]
    fn code_block_text_is_kept_apart_from_prose() {
        let f = analyze(
            "## 구조\n\n설명 문단.\n\n```text\n+--------+\n| 커널영역 |\n+--------+\n```\n",
            0,
        );
        assert_eq!(f.sections[0].text, "설명 문단.");
        assert!(
            f.sections[0].code.contains("커널영역"),
            "{:?}",
            f.sections[0]
        );
    }

    fn inline_html(md: &str, cjk_emphasis: bool) -> String {
        let mut out = String::new();
        let opts = Dialect { cjk_emphasis }.options();
        pulldown_cmark::html::push_html(&mut out, Parser::new_ext(md, opts));
        out.trim()
            .trim_start_matches("<p>")
            .trim_end_matches("</p>")
            .to_string()
    }

    #[test]
    fn cjk_friendly_emphasis_follows_the_amendment() {
        let cases = [
            // The proposal's motivating examples (Japanese, Chinese, Korean).
            (
                "**このアスタリスクは強調記号として認識されず、そのまま表示されます。**この文のせいで。",
                "<strong>このアスタリスクは強調記号として認識されず、そのまま表示されます。</strong>この文のせいで。",
            ),
            (
                "**该星号不会被识别，而是直接显示。**这是因为它没有被识别为强调符号。",
                "<strong>该星号不会被识别，而是直接显示。</strong>这是因为它没有被识别为强调符号。",
            ),
            (
                "**이 별표는 강조 표시로 인식되지 않고 그대로 표시됩니다(이 괄호 때문에)**이 문장 때문에.",
                "<strong>이 별표는 강조 표시로 인식되지 않고 그대로 표시됩니다(이 괄호 때문에)</strong>이 문장 때문에.",
            ),
            ("**\"따옴표\"**는", "<strong>\"따옴표\"</strong>는"),
            ("**괄호(A)**를", "<strong>괄호(A)</strong>를"),
            ("**C++**와", "<strong>C++</strong>와"),
            ("문장**「인용」**이다", "문장<strong>「인용」</strong>이다"),
        ];
        for (md, want) in cases {
            assert_eq!(inline_html(md, true), want, "{md}");
            assert_ne!(inline_html(md, false), want, "strict CommonMark: {md}");
        }
        // Already emphasis in CommonMark, and still.
        assert_eq!(inline_html("*강조*를", true), "<em>강조</em>를");
        // Unchanged: Latin text, intraword `_`, code, links, math, HTML.
        for md in [
            "**Hello.**World",
            "a**\"b\"**c",
            "foo*bar*baz",
            "snake_case_name 과 변수_이름_입니다",
            "`**\"코드\"**는`",
            "[**링크**](a.md)는",
            "$**\"x\"**는$",
            "<b>**굵게**</b>",
        ] {
            assert_eq!(inline_html(md, true), inline_html(md, false), "{md}");
        }
    }

    #[test]
    fn attributes() {
        assert_eq!(
            html_attr("<img alt=\"x\" src=a.png>", "src").as_deref(),
            Some("a.png")
        );
        assert_eq!(
            html_attr("<img data-src=\"b\" src='c'>", "src").as_deref(),
            Some("c")
        );
        assert_eq!(html_attr("<img>", "src"), None);
    }
}
