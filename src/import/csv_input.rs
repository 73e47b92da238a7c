//! An import's CSV file read row by row, so a file of any size takes the memory of one row;
//! and the problems found in it, pointed at their line and cell.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Chain, Cursor, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::error::Error;

/// A row longer than this is a missing closing quote that swallowed the rest of the file (or
/// not a CSV file at all); real rows take a few KB at most.
const MAX_ROW_BYTES: u64 = 1024 * 1024;

/// How much of the first line is read to recognise the layout.
const FIRST_LINE_BYTES: u64 = 64 * 1024;

/// How many problems of one file are shown; the rest are counted.
const MAX_PROBLEMS: usize = 10;

type Source = QuoteWatch<Chain<Cursor<Vec<u8>>, BufReader<File>>>;

/// How a file's bytes are characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Encoding {
    /// UTF-8, with or without a byte-order mark; a byte that is not UTF-8 is shown as �.
    #[default]
    Utf8,
    /// UTF-8, and a cell that is not UTF-8 is refused (a recipe said the file is UTF-8).
    Utf8Strict,
    /// Windows-1252, which files said to be Latin-1 (ISO-8859-1) almost always are: the two
    /// differ only in 0x80-0x9F, control characters in Latin-1 and `€ ‚ ƒ „ … † ‡` and such
    /// in Windows-1252.
    Windows1252,
}

/// How to read a CSV file: its separator and its characters.
#[derive(Debug, Clone, Copy)]
pub(super) struct CsvOptions {
    pub delimiter: u8,
    pub encoding: Encoding,
}

impl Default for CsvOptions {
    fn default() -> CsvOptions {
        CsvOptions { delimiter: b',', encoding: Encoding::Utf8 }
    }
}

pub(super) struct CsvInput {
    path: PathBuf,
    /// The length of the byte-order mark, which the reader does not see.
    bom: u64,
    options: CsvOptions,
    reader: csv::Reader<Source>,
    /// A cell of the last row read that is not UTF-8 ([`Encoding::Utf8Strict`] only).
    not_utf8: Option<usize>,
}

impl CsvInput {
    /// Opens `path` and returns it with its first line (without byte-order mark), from which
    /// the layout is recognised.
    pub fn open(path: &Path) -> Result<(CsvInput, String), Error> {
        CsvInput::open_with(path, CsvOptions::default())
    }

    /// [`CsvInput::open`] with a separator and encoding other than the comma and UTF-8.
    pub fn open_with(path: &Path, options: CsvOptions) -> Result<(CsvInput, String), Error> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let mut buffered = BufReader::with_capacity(64 * 1024, file);
        let mut first = Vec::new();
        (&mut buffered).take(FIRST_LINE_BYTES).read_until(b'\n', &mut first).map_err(|e| Error::io(path, e))?;
        let bom = if first.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
        first.drain(..bom);
        let line = options.encoding.decode(&first).trim_end_matches(['\r', '\n']).to_string();
        let source = QuoteWatch::new(Cursor::new(first).chain(buffered), options.delimiter);
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(options.delimiter)
            .buffer_capacity(64 * 1024)
            .from_reader(source);
        Ok((CsvInput { path: path.to_path_buf(), bom: bom as u64, options, reader, not_utf8: None }, line))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The cell of the last row read whose bytes are not UTF-8, when the file is said to be.
    pub fn not_utf8(&self) -> Option<usize> {
        self.not_utf8
    }

    /// Reads the next row into `record`, its cells as UTF-8 whatever the file's encoding;
    /// false at the end of the file. A file that ends inside a quoted cell (a download cut
    /// short) is an error here, at its end.
    pub fn read(&mut self, record: &mut csv::ByteRecord) -> Result<bool, Error> {
        let read = self.read_raw(record)?;
        match self.options.encoding {
            Encoding::Utf8 => {}
            Encoding::Utf8Strict => {
                self.not_utf8 = record.iter().position(|cell| std::str::from_utf8(cell).is_err());
            }
            // The CSV reader splits the file's own bytes (every separator, quote and line
            // break is ASCII, the same in both), so positions stay those of the file; only
            // the cells are decoded.
            Encoding::Windows1252 if read && record.iter().any(|cell| !cell.is_ascii()) => {
                let position = record.position().cloned();
                let decoded: csv::ByteRecord =
                    record.iter().map(|cell| Encoding::Windows1252.decode(cell).into_owned()).collect();
                *record = decoded;
                record.set_position(position);
            }
            Encoding::Windows1252 => {}
        }
        Ok(read)
    }

    fn read_raw(&mut self, record: &mut csv::ByteRecord) -> Result<bool, Error> {
        match self.reader.read_byte_record(record) {
            Ok(true) => Ok(true),
            Ok(false) => match self.reader.get_ref().open_quote() {
                Some(open) => Err(self.located_error(
                    open,
                    "the file ends inside a quoted cell: the quote opened here is never closed",
                    "the file was probably cut short (an interrupted download or copy); download it again",
                )),
                None => Ok(false),
            },
            Err(err) => match self.reader.get_ref().too_long() {
                Some(open) => Err(self.located_error(
                    open,
                    "this row runs for more than 1 MB: a quote is probably missing",
                    "look for a cell that opens with \" and is never closed, or download the file again",
                )),
                None => Err(Error::Import(format!("{}: not a readable CSV file: {err}", self.path.display()))),
            },
        }
    }

    fn located_error(&self, at: Mark, message: &str, help: &str) -> Error {
        let line_text = self.line_text(at.line_start);
        let before = (at.offset - at.line_start) as usize;
        let column = line_text.get(..before.min(line_text.len())).map_or(1, |t| t.chars().count() + 1);
        let location = Location { line: at.line as usize, column, line_text, width: 1 };
        let mut diags = Diagnostics::default();
        diags.push(Diagnostic::error(self.shown(), message).located(&location).help(help));
        Error::Site(diags)
    }

    fn shown(&self) -> String {
        self.path.display().to_string()
    }

    /// A problem with the cell `field` of `record` (or with the whole row).
    pub fn problem(
        &self,
        record: &csv::ByteRecord,
        field: Option<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        let d = Diagnostic::error(self.shown(), message).help(help);
        let Some(position) = record.position() else { return d };
        let (skipped, line_text) = self.row_text(position.byte());
        let span = field.and_then(|f| field_span(&line_text, f, self.options.delimiter)).unwrap_or(0..0);
        let column = line_text[..span.start].chars().count() + 1;
        let width = line_text[span.clone()].chars().count().max(1);
        let line = (position.line() + skipped) as usize;
        d.located(&Location { line, column, line_text, width })
    }

    /// The first line of the row the reader places at `offset`, and how many lines before it
    /// are skipped: the reader places a row where the one before it ended, before the line
    /// break and any blank lines.
    fn row_text(&self, offset: u64) -> (u64, String) {
        let head = self.read_line(offset);
        let text = head.trim_start_matches(['\r', '\n']);
        let skipped = head[..head.len() - text.len()].matches('\n').count() as u64;
        (skipped, text.trim_end_matches(['\r', '\n']).to_string())
    }

    /// The text of the line starting at `offset` of what the reader saw, read again from the
    /// file: only for messages, so the rows need not be kept.
    fn line_text(&self, offset: u64) -> String {
        self.read_line(offset).trim_end_matches(['\r', '\n']).to_string()
    }

    /// Up to 64 KB from `offset` to the end of the first line that is not blank.
    fn read_line(&self, offset: u64) -> String {
        let read = || -> io::Result<Vec<u8>> {
            let mut file = File::open(&self.path)?;
            file.seek(SeekFrom::Start(offset + self.bom))?;
            let mut reader = BufReader::new(file).take(FIRST_LINE_BYTES);
            let mut line = Vec::new();
            while line.iter().all(|b| *b == b'\r' || *b == b'\n') {
                if reader.read_until(b'\n', &mut line)? == 0 {
                    break;
                }
            }
            Ok(line)
        };
        self.options.encoding.decode(&read().unwrap_or_default()).into_owned()
    }
}

impl Encoding {
    /// The text of `bytes`.
    pub fn decode(self, bytes: &[u8]) -> Cow<'_, str> {
        match self {
            Encoding::Utf8 | Encoding::Utf8Strict => String::from_utf8_lossy(bytes),
            Encoding::Windows1252 if bytes.is_ascii() => String::from_utf8_lossy(bytes),
            Encoding::Windows1252 => Cow::Owned(bytes.iter().map(|&b| windows_1252(b)).collect()),
        }
    }
}

/// The character a byte of Windows-1252 stands for. A table of 32 (0x80-0x9F; every other
/// byte is the Unicode character of the same number) decodes a cell where it is read, so the
/// file's byte positions, which messages point at, never change.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Cell `i` of a row as text; a missing cell is empty.
pub(super) fn cell(record: &csv::ByteRecord, i: usize) -> Cow<'_, str> {
    String::from_utf8_lossy(record.get(i).unwrap_or_default())
}

/// Where cell `field` of a CSV line is, quotes included.
fn field_span(line: &str, field: usize, delimiter: u8) -> Option<Range<usize>> {
    let mut start = 0;
    let mut index = 0;
    let mut quoted = false;
    for (i, b) in line.bytes().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b if b == delimiter && !quoted => {
                if index == field {
                    return Some(start..i);
                }
                index += 1;
                start = i + 1;
            }
            _ => {}
        }
    }
    (index == field).then_some(start..line.len())
}

/// The problems of one file: the first few in full, the rest counted.
#[derive(Default)]
pub(super) struct Problems {
    shown: Vec<Diagnostic>,
    more: usize,
}

impl Problems {
    pub fn push(&mut self, d: Diagnostic) {
        if self.shown.len() < MAX_PROBLEMS {
            self.shown.push(d);
        } else {
            self.more += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }

    pub fn into_error(self, file: &Path) -> Option<Error> {
        if self.shown.is_empty() {
            return None;
        }
        let mut diags = Diagnostics(self.shown);
        if self.more > 0 {
            diags.push(
                Diagnostic::error(file.display().to_string(), format!("and {} more problems in this file", self.more))
                    .help("fix the ones above, then import again to see the rest"),
            );
        }
        Some(Error::Site(diags))
    }
}

/// A place in what the reader saw: byte offset, its 1-based line and where that line starts.
#[derive(Debug, Clone, Copy, Default)]
struct Mark {
    offset: u64,
    line: u64,
    line_start: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a cell.
    Start,
    Unquoted,
    Quoted,
    /// After a quote inside a quoted cell: its end, or the first half of a doubled quote.
    QuoteInQuoted,
}

/// Follows the bytes the CSV reader reads with the reader's own rules (those of csv-core),
/// to learn what the reader does not tell: whether the file ended inside a quoted cell, which
/// the reader silently closes. It also stops a row that grows past [`MAX_ROW_BYTES`].
struct QuoteWatch<R> {
    inner: R,
    state: State,
    here: Mark,
    /// Where the open quoted cell starts, while the state is `Quoted`.
    open: Mark,
    row_start: Mark,
    too_long: Option<Mark>,
    delimiter: u8,
}

impl<R> QuoteWatch<R> {
    fn new(inner: R, delimiter: u8) -> QuoteWatch<R> {
        let start = Mark { offset: 0, line: 1, line_start: 0 };
        QuoteWatch { inner, state: State::Start, here: start, open: start, row_start: start, too_long: None, delimiter }
    }

    fn open_quote(&self) -> Option<Mark> {
        (self.state == State::Quoted).then_some(self.open)
    }

    fn too_long(&self) -> Option<Mark> {
        self.too_long
    }

    fn follow(&mut self, bytes: &[u8]) {
        for &b in bytes {
            let end_of_line = b == b'\n' || b == b'\r';
            self.state = match (self.state, b) {
                (State::Start, b'"') => {
                    self.open = self.here;
                    State::Quoted
                }
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, _) => State::Quoted,
                (State::QuoteInQuoted, b'"') => State::Quoted,
                (_, b) if b == self.delimiter => State::Start,
                (_, _) if end_of_line => State::Start,
                _ => State::Unquoted,
            };
            self.here.offset += 1;
            if b == b'\n' {
                self.here.line += 1;
                self.here.line_start = self.here.offset;
            }
            if end_of_line && self.state == State::Start {
                self.row_start = self.here;
            }
        }
    }
}

impl<R: Read> Read for QuoteWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.follow(&buf[..n]);
        if self.here.offset - self.row_start.offset > MAX_ROW_BYTES {
            let at = if self.state == State::Quoted { self.open } else { self.row_start };
            self.too_long = Some(at);
            return Err(io::Error::other("a row is too long"));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watch(text: &str) -> QuoteWatch<&[u8]> {
        let mut w = QuoteWatch::new(text.as_bytes(), b',');
        w.follow(text.as_bytes());
        w
    }

    #[test]
    fn an_unclosed_quote_is_seen_where_it_opens() {
        let w = watch("\"a\",\"b\"\n\"c\",\"6");
        let open = w.open_quote().expect("the last quote is open");
        assert_eq!((open.line, open.offset - open.line_start), (2, 4));
        // Doubled quotes, quotes inside unquoted cells and line breaks inside quotes are text.
        for closed in ["\"a\"\"b\"", "ab\"c,d\n", "\"x\ny\",z", "\"\"", "a,\"b\"c\n", "\"6.8\"\r\n\r\n"] {
            assert!(watch(closed).open_quote().is_none(), "{closed:?}");
        }
        for open in ["\"a\"\"", "x,\"", "\"a\nb\n"] {
            assert!(watch(open).open_quote().is_some(), "{open:?}");
        }
    }

    #[test]
    fn windows_1252_is_decoded_with_its_own_characters_in_0x80_to_0x9f() {
        let bytes = b"Hu\xe1nuco \x80 \x93Jun\xedn\x94 \xc1";
        assert_eq!(Encoding::Windows1252.decode(bytes), "Huánuco € “Junín” Á");
        assert_eq!(Encoding::Utf8.decode("Huánuco".as_bytes()), "Huánuco");
    }

    #[test]
    fn a_cell_is_found_in_its_line() {
        let line = "\"Chile\",\"CHL\",\"1,234.5\",";
        assert_eq!(field_span("a;\"b;c\";d", 2, b';').map(|r| &"a;\"b;c\";d"[r]), Some("d"));
        assert_eq!(field_span(line, 2, b',').map(|r| &line[r]), Some("\"1,234.5\""));
        assert_eq!(field_span(line, 3, b',').map(|r| &line[r]), Some(""));
        assert_eq!(field_span(line, 4, b','), None);
    }
}
