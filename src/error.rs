//! The errors a run can end with. Library code returns them; only `main` prints them.

use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostics;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the site's own files, each with its place in the file.
    #[error("{}", render_problems(.0))]
    Site(Diagnostics),

    #[error("cannot use {} as the output folder: {reason}", .path.display())]
    Output { path: PathBuf, reason: String },

    #[error("cannot read or write {}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },

    /// A template of the theme or of the site (or another theme file) failed; `name` is the
    /// file and, when known, the line.
    #[error("{name}: {message}")]
    Template { name: String, message: String },

    #[error("{0}")]
    Import(String),

    /// A command-line option with a value salud cannot use.
    #[error("error: {message}\n  = help: {help}")]
    Option { message: String, help: String },

    /// A file of the site that would be published where salud writes a file of its own, or
    /// two files salud makes that have the same path.
    #[error("error: {path} would be written twice, as {first} and as {second}\n  = help: {help}")]
    Collision { path: String, first: String, second: String, help: String },

    /// `salud serve`: the port is taken.
    #[error(
        "cannot serve on port {port}: another program is already using it (perhaps another salud serve). \
         Stop that program, or choose another port, e.g. --port {}",
        other_port(*.port)
    )]
    PortInUse { port: u16 },

    /// `salud serve`: the interface is no address of this computer.
    #[error(
        "cannot serve on --interface {interface}: it is not an address of this computer ({reason}). \
         Use --interface 127.0.0.1 to preview the site on this computer"
    )]
    Interface { interface: String, reason: String },

    /// `salud serve` cannot listen for another reason (a port below 1024 needs administrator
    /// rights, too many open files...).
    #[error("cannot serve at {address}: {source}. Choose another port, e.g. --port 1111")]
    Listen { address: String, source: io::Error },
}

/// A port to suggest instead of `port`.
fn other_port(port: u16) -> u16 {
    if port == u16::MAX {
        1111
    } else {
        port + 1
    }
}

impl Error {
    pub fn io(path: &Path, source: io::Error) -> Error {
        Error::Io { path: path.to_path_buf(), source }
    }
}

fn render_problems(diags: &Diagnostics) -> String {
    let mut out = String::new();
    for d in diags.errors() {
        out.push_str(&d.to_string());
        out.push_str("\n\n");
    }
    let n = diags.errors().count();
    out.push_str(&format!("{n} {} found; nothing was written", if n == 1 { "problem" } else { "problems" }));
    out
}
