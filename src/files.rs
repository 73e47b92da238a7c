//! Reading the site's own files: every text and TOML file a site is made of goes through here,
//! so each is refused the same way when it is too large, not UTF-8, not a regular file or a
//! link, and every TOML error is told the same way, at its line.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics};

/// Reads a TOML file of the site and deserializes it, turning a parse error into a
/// message that points at the line.
pub(crate) fn read_toml<T: serde::de::DeserializeOwned>(
    root: &Path,
    rel: &str,
    diags: &mut Diagnostics,
) -> Option<(T, String)> {
    let text = read_text(root, rel, diags)?;
    match toml::from_str::<T>(&text) {
        Ok(value) => Some((value, text)),
        Err(err) => {
            diags.push(toml_error(rel, &text, &err));
            None
        }
    }
}

/// What [`walk`] finds in a folder of the site, with paths relative to the site's folder and
/// `/` separators.
pub(crate) enum Walked {
    File(String),
    Folder(String),
    /// A link (skipped: salud never follows a link out of the site), or a folder that cannot
    /// be read.
    Problem(Diagnostic),
}

/// Everything below `dir` (e.g. `data/places`), in name order so that the order of pages and
/// messages never depends on the file system.
pub(crate) fn walk<'a>(root: &'a Path, dir: &'a str) -> impl Iterator<Item = Walked> + 'a {
    walkdir::WalkDir::new(root.join(dir)).sort_by_file_name().min_depth(1).into_iter().map(move |entry| {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => return Walked::Problem(Diagnostic::error(dir, format!("cannot read a folder: {err}"))),
        };
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        if entry.path_is_symlink() {
            Walked::Problem(
                Diagnostic::warning(&rel, "this is a symbolic link; salud does not follow links, so it was skipped")
                    .help("copy the file here instead of linking to it"),
            )
        } else if entry.file_type().is_dir() {
            Walked::Folder(rel)
        } else if entry.file_type().is_file() {
            Walked::File(rel)
        } else {
            Walked::Problem(not_a_file(&rel))
        }
    })
}

/// The largest text file salud reads. A place's data take a few KB and the largest narrative
/// a few hundred; a bigger file is a mistake (a data dump saved in the wrong place), and
/// reading it whole could exhaust the machine's memory.
pub const MAX_TEXT_BYTES: u64 = 16 * 1024 * 1024;

/// A named pipe, socket or device where a file should be: reading it could wait for ever.
fn not_a_file(rel: &str) -> Diagnostic {
    Diagnostic::error(
        rel,
        "this is not a regular file (it is a named pipe, a socket or a device), so salud cannot read it",
    )
    .help("replace it with an ordinary text file, or remove it")
}

/// Reads a file of the site as UTF-8 text, without a byte-order mark.
pub(crate) fn read_text(root: &Path, rel: &str, diags: &mut Diagnostics) -> Option<String> {
    let bytes = read_limited(root, rel, "text files", diags)?;
    match String::from_utf8(bytes) {
        Ok(text) => Some(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text)),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            diags.push(
                Diagnostic::error(rel, "this file is not valid UTF-8 text")
                    .at(&text, at..at + 1)
                    .help("save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\")"),
            );
            None
        }
    }
}

/// Reads a file of the site (a text, a font, an image of the theme) whole, once it is known to
/// be a regular file of a size salud reads.
pub(crate) fn read_bytes(root: &Path, rel: &str, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    read_limited(root, rel, "files", diags)
}

fn read_limited(root: &Path, rel: &str, what: &str, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    if let Ok(meta) = std::fs::metadata(root.join(rel)) {
        if !meta.is_file() {
            diags.push(not_a_file(rel));
            return None;
        }
        if meta.len() > MAX_TEXT_BYTES {
            diags.push(
                Diagnostic::error(rel, format!("this file is {}; salud reads {what} of up to 16 MB", crate::format::size(meta.len() as usize)))
                    .help("a place's data fit in a few KB: move a raw data file to data/raw/ and bring its values in with salud import"),
            );
            return None;
        }
    }
    match std::fs::read(root.join(rel)) {
        Ok(bytes) => Some(bytes),
        Err(err) => {
            diags.push(Diagnostic::error(rel, format!("cannot read this file: {err}")));
            None
        }
    }
}

/// The number written with a decimal comma (`17,5`) where a TOML error points at its comma:
/// the likeliest slip of Spanish- and French-speaking staff.
fn decimal_comma(text: &str, span: Option<std::ops::Range<usize>>) -> Option<String> {
    let at = span?.start;
    let (before, after) = (text.get(..at)?, text.get(at..)?);
    let after = after.strip_prefix(',')?;
    let int: String =
        before.chars().rev().take_while(char::is_ascii_digit).collect::<Vec<_>>().into_iter().rev().collect();
    let frac: String = after.chars().take_while(char::is_ascii_digit).collect();
    (!int.is_empty() && !frac.is_empty()).then(|| format!("{int},{frac}"))
}

/// A TOML syntax or shape error, in words a non-programmer can act on.
pub(crate) fn toml_error(rel: &str, text: &str, err: &toml::de::Error) -> Diagnostic {
    let message = err.message().trim().trim_end_matches('.').to_string();
    let (message, help) = if message.starts_with("unknown field") {
        (message, "check the spelling of this key; the keys this file accepts are listed above")
    } else if message.starts_with("missing field") {
        (message, "add the missing key to this table")
    } else if message.starts_with("duplicate key") {
        (message, "each key may appear only once in a table; remove or merge the repeated one")
    } else if message.contains("recurs") {
        (
            format!("this is not valid TOML: {message}"),
            "tables or lists nest deeper than any salud data file needs; this is not indicator data (was the wrong file saved here?)",
        )
    } else if message.starts_with("invalid type") {
        (message, "write the value in the expected form: text in \"quotes\", numbers without quotes")
    } else {
        (
            format!("this is not valid TOML: {message}"),
            "check for a missing `=`, quote or bracket at the caret or just before it",
        )
    };
    if let Some(comma) = decimal_comma(text, err.span()) {
        return Diagnostic::error(rel, format!("{comma} is not a number: TOML writes decimals with a point"))
            .at(text, err.span().unwrap_or(0..0))
            .help(format!("write {}, with a point", comma.replace(',', ".")));
    }
    let d = Diagnostic::error(rel, message).help(help);
    match err.span() {
        Some(span) => d.at(text, span),
        None => d,
    }
}
