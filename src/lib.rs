//! salud: a static site generator for country health profiles.
//!
//! A build flows one way: files are loaded and validated into a [`site::Site`]
//! (`config`, `data`, `content`), rendered through the theme (`render`) into an in-memory
//! [`output::Output`], and written to disk at once.

#[cfg(test)]
mod arbitrary;
pub mod build;
mod cache;
pub mod charts;
pub mod check;
pub mod cli;
mod clock;
pub mod config;
pub mod content;
pub mod data;
pub mod diagnostic;
pub mod error;
pub mod format;
pub mod i18n;
pub mod import;
pub mod new;
pub mod output;
mod parallel;
pub mod profile;
pub mod render;
pub mod serve;
pub mod shortcodes;
pub mod site;
pub mod theme;
pub mod url;
