//! Messages about the user's files: where the problem is, what is wrong, how to fix it.
//!
//! Every problem found while loading a site becomes a [`Diagnostic`]. They are collected, not
//! thrown, so one run reports every problem at once.

use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a file, with the text of its line so the message can show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub line_text: String,
    /// How many characters of the line the caret underlines (at least one).
    pub width: usize,
}

impl Location {
    /// Turns a byte span in `text` into a 1-based line and column (columns count characters,
    /// so accented names do not shift the caret).
    pub fn from_span(text: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..start].matches('\n').count() + 1;
        Location::on_line(text, start, span.end, line, line_start)
    }

    fn on_line(text: &str, start: usize, end: usize, line: usize, line_start: usize) -> Location {
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r');
        let column = text[line_start..start].chars().count() + 1;
        // A span that starts on a line break (a CRLF line's \r) underlines one character there.
        let end = floor_char_boundary(text, end.clamp(start, (line_start + line_text.len()).max(start)));
        let width = text[start..end].chars().count().max(1);
        Location { line, column, line_text: line_text.to_string(), width }
    }
}

/// Where each line of a text starts, so that the many values of one data file are located
/// without scanning the file from the top for each (which made loading quadratic).
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        LineIndex { starts: std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect() }
    }

    /// The same as [`Location::from_span`], in logarithmic time.
    pub fn locate(&self, text: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= start).max(1);
        Location::on_line(text, start, span.end, line, self.starts[line - 1])
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How many characters of a line a message shows at most.
const WINDOW: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, relative to the site root, with `/` separators.
    pub file: String,
    pub location: Option<Location>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, file: file.into(), location: None, message: message.into(), help: None }
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, message) }
    }

    /// Points the message at `span` of `text`, the full contents of the file.
    pub fn at(mut self, text: &str, span: Range<usize>) -> Diagnostic {
        self.location = Some(Location::from_span(text, span));
        self
    }

    /// Points the message at a position found earlier.
    pub fn located(mut self, location: &Location) -> Diagnostic {
        self.location = Some(location.clone());
        self
    }

    /// The location when there is one (a file that could not be read again has none).
    pub fn with_location(mut self, location: Option<Location>) -> Diagnostic {
        self.location = location.or(self.location);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        match &self.location {
            Some(loc) => {
                let gutter = " ".repeat(loc.line.to_string().len());
                writeln!(f, "{gutter}--> {}:{}:{}", self.file, loc.line, loc.column)?;
                writeln!(f, "{gutter} |")?;
                // A very long line (minified data, a runaway value) is shown around the caret only.
                let chars: Vec<char> = loc.line_text.chars().collect();
                let from = (loc.column - 1).saturating_sub(WINDOW / 2).min(chars.len());
                let to = (from + WINDOW).min(chars.len());
                let (before, after) = (if from > 0 { "…" } else { "" }, if to < chars.len() { "…" } else { "" });
                let shown: String = chars[from..to].iter().collect();
                writeln!(f, "{} | {before}{shown}{after}", loc.line)?;
                let pad: String = before
                    .chars()
                    .chain(chars[from..(loc.column - 1).min(to)].iter().copied())
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let width = loc.width.min(to.saturating_sub(loc.column - 1)).max(1);
                write!(f, "{gutter} | {pad}{}", "^".repeat(width))?;
                if let Some(help) = &self.help {
                    write!(f, "\n{gutter} = help: {help}")?;
                }
            }
            None => {
                write!(f, " --> {}", self.file)?;
                if let Some(help) = &self.help {
                    write!(f, "\n  = help: {help}")?;
                }
            }
        }
        Ok(())
    }
}

/// Problems gathered during one run, in the order files were read.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
}

/// `text` safe to print on a terminal: control characters other than line breaks and tabs
/// (an escape sequence in a place name could clear the screen or retitle the window) and the
/// invisible marks that reorder text are written as `\u001b`, a form that also keeps JSON
/// valid and meaning the same.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The known name nearest to a misspelt one, if it is near enough to be the likely intent.
pub fn closest<'a>(wrong: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    // Letter case ("ENDES" for `endes`) is the likeliest slip, and never what tells two names apart.
    let wrong = wrong.to_lowercase();
    known
        .map(|k| (edit_distance(&wrong, &k.to_lowercase()), k))
        .filter(|(d, k)| *d <= 3.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_becomes_line_and_character_column() {
        let text = "name = \"Huánuco\"\nvalue = oops\n";
        let at = text.find("oops").unwrap();
        let loc = Location::from_span(text, at..at + 4);
        assert_eq!((loc.line, loc.column, loc.width), (2, 9, 4));
        assert_eq!(loc.line_text, "value = oops");

        let accent = text.find("nuco").unwrap();
        let loc = Location::from_span(text, accent..accent + 4);
        assert_eq!((loc.line, loc.column), (1, 12));
    }

    #[test]
    fn message_shows_the_line_with_a_caret() {
        let text = "a = 1\nb = nope\n";
        let d = Diagnostic::error("data/x.toml", "`nope` is not a number")
            .at(text, 10..14)
            .help("write a number such as 12.5");
        assert_eq!(
            d.to_string(),
            "error: `nope` is not a number\n --> data/x.toml:2:5\n  |\n2 | b = nope\n  |     ^^^^\n  = help: write a number such as 12.5"
        );
    }

    #[test]
    fn typos_find_their_intended_name() {
        let known = ["neonatal_mortality", "under5_mortality", "maternal_mortality"];
        assert_eq!(closest("neonatal_mortalty", known.into_iter()), Some("neonatal_mortality"));
        assert_eq!(closest("gdp", known.into_iter()), None);
        assert_eq!(closest("ENDES", ["wdi", "endes", "who-ghed"].into_iter()), Some("endes"));
    }

    #[test]
    fn a_long_line_is_shown_around_the_caret() {
        let text = format!("v = {}oops{}\n", "[".repeat(500), "]".repeat(500));
        let at = text.find("oops").unwrap();
        let shown = Diagnostic::error("x.toml", "bad").at(&text, at..at + 4).to_string();
        let line = shown.lines().nth(3).unwrap();
        assert!(line.starts_with("1 | …[[[") && line.ends_with("]]]…") && line.contains("oops"), "{line}");
        assert!(line.chars().count() < 110);
        let caret = shown.lines().nth(4).unwrap();
        assert_eq!(caret.find('^'), line.find("oops").map(|b| line[..b].chars().count()));
        assert!(shown.contains(" --> x.toml:1:505"));
    }

    #[test]
    fn the_line_index_locates_as_a_scan_does() {
        let text = "a = 1\r\nname = \"Huánuco\"\n\n[[series]]\n2020 = 5\nlast";
        let index = LineIndex::new(text);
        for start in 0..=text.len() + 2 {
            for end in [start, start + 1, start + 7] {
                assert_eq!(index.locate(text, start..end), Location::from_span(text, start..end), "{start}..{end}");
            }
        }
    }

    #[test]
    fn control_characters_are_shown_not_sent_to_the_terminal() {
        assert_eq!(printable("Evil\u{1b}]0;PWNED\u{7}\u{1b}[2J"), "Evil\\u001b]0;PWNED\\u0007\\u001b[2J");
        assert_eq!(printable("a\u{9b}b\u{202e}c\r"), "a\\u009bb\\u202ec\\u000d");
        assert_eq!(printable("Huánuco\n\tline two"), "Huánuco\n\tline two");
        let json = serde_json::to_string("x\u{9b}\u{7f}y").unwrap();
        let shown = printable(&json);
        assert_eq!(serde_json::from_str::<String>(&shown).unwrap(), "x\u{9b}\u{7f}y", "{shown}");
    }

    #[test]
    fn span_past_the_end_is_clamped() {
        let loc = Location::from_span("abc", 10..20);
        assert_eq!((loc.line, loc.column, loc.width), (1, 4, 1));
    }
}
