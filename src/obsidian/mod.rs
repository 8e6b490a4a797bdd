//! Obsidian vaults as they are: `%%comments%%` blanked before anything reads
//! a note (`comments`), `==highlights==` (`mark`), block ids `^id` as anchors
//! (`blocks`), `![[embeds]]` of images and notes (`embeds`) and inline
//! `#태그` (`tags`). Callouts belong to the callout pass, wiki links to
//! `index::links`.

pub(crate) mod blocks;
pub(crate) mod comments;
pub mod embeds;
pub(crate) mod mark;
