//! salud: a static site generator for country health profiles.
//!
//! A build flows one way: files are loaded and validated into a [`site::Site`]
//! (`config`, `data`, `content`); the theme is loaded; then each place is drawn and rendered
//! (`charts`, `profile`, `render`) and its files streamed into a staging folder beside the
//! output (`output`), which replaces the output folder in one step when every file is written.
//!
//! Only what the binary, the tests and the fuzz targets use is public: the command line, the
//! parsers of the site's files, and the messages they give.

#[cfg(test)]
mod arbitrary;
mod build;
mod cache;
mod charts;
mod check;
pub mod cli;
mod clock;
mod config;
pub mod content;
pub mod data;
pub mod diagnostic;
pub mod error;
mod escape;
mod files;
mod format;
mod i18n;
mod import;
mod lock;
mod maps;
mod new;
mod output;
mod parallel;
mod present;
mod profile;
mod render;
mod serve;
pub mod shortcodes;
mod site;
mod theme;
mod url;
