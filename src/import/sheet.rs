//! Spreadsheets (`.xlsx`, `.xls`, `.ods`) read into rows of typed cells, each knowing its
//! A1 reference, so that messages name the sheet and cell a person can go to.
//!
//! A sheet is read whole (the formats are zip or binary containers that cannot be streamed
//! row by row with calamine); a health table is at most some thousands of rows. Big data
//! comes as CSV, which stays streamed.

use std::fmt;
use std::path::Path;

use calamine::{Data, Dimensions, Reader, Sheets};

use crate::diagnostic::{closest, Diagnostic, Diagnostics};
use crate::error::Error;

/// The extensions read as spreadsheets; anything else is read as CSV.
pub(crate) const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "ods"];

/// Whether `path` is a spreadsheet, by its extension (any letter case).
pub(crate) fn is_spreadsheet(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// A cell's place in its sheet, from 0: `CellRef { row: 13, col: 5 }` is `F14`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct CellRef {
    pub row: u32,
    pub col: u32,
}

impl CellRef {
    /// The column's letters: A, Z, AA, XFD.
    pub fn column_name(col: u32) -> String {
        let mut n = col + 1;
        let mut letters = Vec::new();
        while n > 0 {
            let rem = (n - 1) % 26;
            letters.push(b'A' + rem as u8);
            n = (n - 1) / 26;
        }
        letters.reverse();
        String::from_utf8(letters).expect("ASCII letters")
    }
}

/// `F14`, as spreadsheets show it.
impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", CellRef::column_name(self.col), self.row + 1)
    }
}

/// A date (or date and time) as the spreadsheet stores it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SheetDate {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    /// Seconds after midnight (0 for a date alone).
    pub seconds: u32,
    /// The number behind the date in Excel's count of days (None in .ods files, which store
    /// the date as text): a year typed as a number and then shown as a date is 2014 here and
    /// 1905 in `year`.
    pub serial: Option<f64>,
}

impl fmt::Display for SheetDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)?;
        if self.seconds > 0 {
            let (h, m, s) = (self.seconds / 3600, self.seconds / 60 % 60, self.seconds % 60);
            write!(f, " {h:02}:{m:02}:{s:02}")?;
        }
        Ok(())
    }
}

/// What a cell holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum CellValue {
    #[default]
    Empty,
    /// Text as typed (a number typed as text stays text here: `"12.5"`).
    Text(String),
    Number(f64),
    /// A number shown as a percentage: 0.195 shown as 19.5% (only .xlsx says so).
    Percent(f64),
    Date(SheetDate),
    /// A formula's error as the spreadsheet shows it: `#DIV/0!`, `#N/A`.
    Error(String),
    /// A cell covered by merged cells that start at another cell, which holds the value.
    Merged(CellRef),
}

impl CellValue {
    /// The cell as text, as a CSV export of the sheet writes it: numbers in their shortest
    /// exact form (`9184`, `19.5`), dates as `2014-07-01`, percentages as the number shown
    /// (0.195 shown as 19.5% is `19.5`), errors as shown (`#DIV/0!`), empty and merged cells
    /// as nothing.
    pub fn text(&self) -> String {
        match self {
            CellValue::Empty | CellValue::Merged(_) => String::new(),
            CellValue::Text(t) => t.clone(),
            CellValue::Number(n) => number_text(*n),
            // The number the cell shows, exactly: 0.195 shown as 19.5% is 19.5, as a person
            // reading the sheet reads it (and as the indicators' units, "% of ...", mean it).
            CellValue::Percent(p) => {
                crate::format::shift_decimal(&number_text(*p), 2).unwrap_or_else(|| number_text(p * 100.0))
            }
            CellValue::Date(d) => d.to_string(),
            CellValue::Error(e) => e.clone(),
        }
    }
}

/// A number in the shortest text that reads back as the same number, never with an exponent.
pub(crate) fn number_text(n: f64) -> String {
    // Rust writes floats in full (1e21 as 1000000000000000000000) and integers without `.0`.
    let text = n.to_string();
    if text == "-0" {
        "0".to_string()
    } else {
        text
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SheetCell {
    pub at: CellRef,
    pub value: CellValue,
}

/// One sheet of a workbook: its name and its rows from row 1, each row's cells from column
/// A (rows and columns before the first used one are there, empty), so `rows[13][5]` is F14.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<SheetCell>>,
}

impl Sheet {
    /// The cell at `at`; a cell past the end of its row is empty.
    pub fn get(&self, at: CellRef) -> &CellValue {
        static EMPTY: CellValue = CellValue::Empty;
        self.rows.get(at.row as usize).and_then(|r| r.get(at.col as usize)).map_or(&EMPTY, |c| &c.value)
    }

    /// Gives the cells covered by merged cells in rows up to `last_row` (from 0) the value of
    /// the cell they are merged into: a header written once over three columns names all
    /// three. Below, covered cells stay [`CellValue::Merged`], and a value needed from one is
    /// refused rather than guessed.
    pub fn spread_merged(&mut self, last_row: u32) {
        for r in 0..self.rows.len().min(last_row as usize + 1) {
            for c in 0..self.rows[r].len() {
                if let CellValue::Merged(from) = self.rows[r][c].value {
                    self.rows[r][c].value = self.get(from).clone();
                }
            }
        }
    }
}

/// The names of the sheets of a workbook, in order.
pub(crate) fn sheet_names(path: &Path) -> Result<Vec<String>, Error> {
    Ok(open(path)?.sheet_names())
}

/// Reads the sheet called `sheet` of the workbook at `path`, or its first sheet.
pub(crate) fn read_sheet(path: &Path, sheet: Option<&str>) -> Result<Sheet, Error> {
    let mut book = open(path)?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => match names.iter().find(|n| n.as_str() == wanted) {
            Some(n) => n.clone(),
            None => return Err(no_such_sheet(path, wanted, &names)),
        },
        None => match names.first() {
            Some(n) => n.clone(),
            None => {
                return Err(problem(
                    path,
                    "this workbook has no sheets",
                    "open it in a spreadsheet program and check it holds the data",
                ))
            }
        },
    };
    let range = book.worksheet_range(&name).map_err(|e| unreadable(path, &name, &e))?;
    let merged = match &mut book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        _ => Vec::new(),
    };
    // Only .xlsx files say which numbers are shown as percentages; reading the styles is
    // best effort (a workbook without them reads as plain numbers).
    let styles = match &mut book {
        Sheets::Xlsx(x) => x.worksheet_style(&name).ok(),
        _ => None,
    };
    let percent = |row: u32, col: u32| {
        styles.as_ref().and_then(|s| s.get((row, col))).and_then(|s| s.number_format.as_ref()).is_some_and(|f| {
            // A % outside quotes and brackets: `0.0%` is a percentage, `"%"` literal text is not.
            let mut quoted = false;
            f.format_code.chars().any(|c| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '%' && !quoted
            })
        })
    };
    let mut rows: Vec<Vec<SheetCell>> = Vec::new();
    if let (Some(start), Some(end)) = (range.start(), range.end()) {
        rows.reserve(end.0 as usize + 1);
        for r in 0..=end.0 {
            let mut row = Vec::with_capacity(end.1 as usize + 1);
            for c in 0..=end.1 {
                let inside = r >= start.0 && c >= start.1;
                let value = if inside { range.get_value((r, c)) } else { None };
                let value = value.map_or(CellValue::Empty, |v| cell_value(v, percent(r, c)));
                row.push(SheetCell { at: CellRef { row: r, col: c }, value });
            }
            rows.push(row);
        }
    }
    for Dimensions { start, end } in merged {
        for r in start.0..=end.0 {
            for c in start.1..=end.1 {
                if (r, c) == start {
                    continue;
                }
                let cell = rows.get_mut(r as usize).and_then(|row| row.get_mut(c as usize));
                if let Some(cell) = cell.filter(|cell| cell.value == CellValue::Empty) {
                    cell.value = CellValue::Merged(CellRef { row: start.0, col: start.1 });
                }
            }
        }
    }
    Ok(Sheet { name, rows })
}

fn open(path: &Path) -> Result<Sheets<std::io::BufReader<std::fs::File>>, Error> {
    if let Err(e) = std::fs::metadata(path) {
        return Err(Error::io(path, e));
    }
    calamine::open_workbook_auto(path).map_err(|e| {
        problem(
            path,
            &format!("cannot read this file as a spreadsheet: {e}"),
            "open it in a spreadsheet program and save it again as .xlsx (or export the sheet as CSV)",
        )
    })
}

fn cell_value(data: &Data, percent: bool) -> CellValue {
    match data {
        Data::Empty => CellValue::Empty,
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Float(f) if percent => CellValue::Percent(*f),
        Data::Float(f) => CellValue::Number(*f),
        Data::Int(i) if percent => CellValue::Percent(*i as f64),
        Data::Int(i) => CellValue::Number(*i as f64),
        Data::Bool(b) => CellValue::Text(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Data::DateTime(d) if d.is_datetime() => {
            let (year, month, day, h, m, s, _) = d.to_ymd_hms_milli();
            let seconds = u32::from(h) * 3600 + u32::from(m) * 60 + u32::from(s);
            CellValue::Date(SheetDate { year, month, day, seconds, serial: Some(d.as_f64()) })
        }
        // A duration (`[h]:mm`) is no health figure; shown as the number of days it is.
        Data::DateTime(d) => CellValue::Text(number_text(d.as_f64())),
        Data::DateTimeIso(text) => iso_date(text).map_or_else(|| CellValue::Text(text.clone()), CellValue::Date),
        Data::DurationIso(text) => CellValue::Text(text.clone()),
        Data::Error(e) => CellValue::Error(e.to_string()),
    }
}

/// `2014-07-01` or `2014-07-01T10:30:00`, as .ods files store dates.
fn iso_date(text: &str) -> Option<SheetDate> {
    let (date, time) = text.split_once('T').unwrap_or((text, ""));
    let mut parts = date.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    let mut hms = time.split(':').map(|p| p.split('.').next().unwrap_or("").parse::<u32>().unwrap_or(0));
    let seconds = hms.next().unwrap_or(0) * 3600 + hms.next().unwrap_or(0) * 60 + hms.next().unwrap_or(0);
    Some(SheetDate { year, month, day, seconds, serial: None })
}

fn problem(path: &Path, message: &str, help: &str) -> Error {
    let mut diags = Diagnostics::default();
    diags.push(Diagnostic::error(path.display().to_string(), message).help(help));
    Error::Site(diags)
}

fn unreadable(path: &Path, sheet: &str, e: &calamine::Error) -> Error {
    problem(
        path,
        &format!("cannot read the sheet \"{sheet}\": {e}"),
        "open the workbook in a spreadsheet program and save it again as .xlsx (or export the sheet as CSV)",
    )
}

fn no_such_sheet(path: &Path, wanted: &str, names: &[String]) -> Error {
    let list = names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
    let help = match closest(wanted, names.iter().map(String::as_str)) {
        Some(close) => format!("did you mean \"{close}\"? The sheets of this workbook are {list}"),
        None => format!("the sheets of this workbook are {list}; give one of them"),
    };
    problem(path, &format!("this workbook has no sheet called \"{wanted}\""), &help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_are_written_as_spreadsheets_show_them() {
        let at = |row, col| CellRef { row, col }.to_string();
        assert_eq!(at(13, 5), "F14");
        assert_eq!(at(0, 0), "A1");
        assert_eq!(at(0, 25), "Z1");
        assert_eq!(at(0, 26), "AA1");
        assert_eq!(at(9, 27), "AB10");
        assert_eq!(at(0, 16383), "XFD1");
    }

    #[test]
    fn cells_read_as_text_as_a_csv_export_writes_them() {
        assert_eq!(CellValue::Number(9184.0).text(), "9184");
        assert_eq!(CellValue::Number(19.5).text(), "19.5");
        assert_eq!(CellValue::Number(-0.0).text(), "0");
        assert_eq!(CellValue::Number(1e21).text(), "1000000000000000000000");
        assert_eq!(CellValue::Percent(0.195).text(), "19.5");
        assert_eq!(CellValue::Percent(-0.0005).text(), "-0.05");
        assert_eq!(CellValue::Error("#DIV/0!".into()).text(), "#DIV/0!");
        let date = SheetDate { year: 2014, month: 7, day: 1, seconds: 0, serial: Some(41821.0) };
        assert_eq!(CellValue::Date(date).text(), "2014-07-01");
        assert_eq!(iso_date("2014-07-01T10:30:00").map(|d| d.to_string()).as_deref(), Some("2014-07-01 10:30:00"));
    }

    fn workbook() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import/endes-workbook/ENDES_REGIONES_2009_2025.xlsx")
    }

    #[test]
    fn a_sheet_is_read_with_each_cell_where_the_spreadsheet_shows_it() {
        let sheet = read_sheet(&workbook(), Some("Base_series")).unwrap();
        assert_eq!(sheet.name, "Base_series");
        assert_eq!(sheet.rows.len(), 1327);
        assert_eq!(sheet.get(CellRef { row: 0, col: 0 }), &CellValue::Text("año".into()));
        let f14 = &sheet.rows[13][5];
        assert_eq!(f14.at.to_string(), "F14");
        assert!(matches!(f14.value, CellValue::Number(_)), "{f14:?}");
        // The first sheet when none is named.
        assert_eq!(read_sheet(&workbook(), None).unwrap().name, sheet_names(&workbook()).unwrap()[0]);
    }

    #[test]
    fn a_sheet_that_does_not_exist_is_named_with_those_there_are() {
        let err = read_sheet(&workbook(), Some("Base_serie")).unwrap_err().to_string();
        assert!(err.contains("ENDES_REGIONES_2009_2025.xlsx"), "{err}");
        assert!(err.contains("this workbook has no sheet called \"Base_serie\""), "{err}");
        assert!(err.contains("did you mean \"Base_series\"?"), "{err}");
        assert!(err.contains("\"Notas_metodologia\""), "{err}");
        let err = read_sheet(Path::new("Cargo.toml"), None).unwrap_err().to_string();
        assert!(err.contains("cannot read this file as a spreadsheet"), "{err}");
    }
}
