//! gongbu's integration tests, linked as one binary (`cargo test --test
//! it`): one module per area, all sharing the fixture harness in
//! `tests/common/mod.rs`. One binary links the library and its
//! dependencies once instead of once per file.
//!
//! The harness stays at `tests/common/mod.rs` (pulled in by path) so a
//! test file added on its own at `tests/<name>.rs` with `mod common;`
//! still builds; move such files here as modules.

#[path = "../common/mod.rs"]
mod common;

mod architecture;
mod bad_inputs;
mod blocks;
mod build;
mod build_speed;
mod cache;
mod compare;
mod gfm;
mod git_dates;
mod glossary;
mod images;
mod init;
mod jekyll;
mod links;
mod notion;
mod obsidian;
mod order;
mod repo_layout;
mod search;
mod serve;
mod snapshots;
mod spec;
mod theme;
