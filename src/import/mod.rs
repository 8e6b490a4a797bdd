//! `gongbu import`: notes written in other tools turned, once, into clean
//! gongbu notes on disk. Only Notion for now (`notion`); Jekyll blogs and
//! Obsidian vaults need no import, they build where they are.

pub mod notion;
