//! Obsidian vaults as they are: `%%comments%%` blanked before anything reads
//! a note (`comments`), `==highlights==` (`mark`), block ids `^id` as anchors
//! (`blocks`), `![[embeds]]` of images and notes (`embeds`) and inline
//! `#태그` (`tags`). Callouts belong to the callout pass, wiki links to
//! `index::links`.

pub(crate) mod blocks;
pub(crate) mod comments;
pub(crate) mod embeds;
pub(crate) mod mark;
pub(crate) mod tags;

/// Inline `#태그` join each note's tags when the notes are a vault.
pub(crate) fn add_inline_tags(
    notes: &mut [crate::note::Note],
    config: &mut crate::config::Config,
    notes_root: &std::path::Path,
) {
    if !tags::enabled(config, notes_root) {
        return;
    }
    // Rendering links the tags too; it reads the switch from the config.
    config.obsidian = true;
    for note in notes {
        for tag in tags::inline_tags(note.body()) {
            if !note.tags.contains(&tag) {
                note.tags.push(tag);
            }
        }
    }
}
