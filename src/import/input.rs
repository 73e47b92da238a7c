//! The rows of an imported file, from a CSV file or a sheet of a workbook: each row's cells
//! as text, and its position (a CSV line, or a sheet's row), so a problem is pointed at the
//! line and cell, or the sheet and cell (`sheet "Base_series", cell F14`), it is in.

use std::path::Path;

use csv::ByteRecord;

use super::csv_input::CsvInput;
use super::sheet::{CellRef, CellValue, Sheet, SheetDate};
use crate::diagnostic::Diagnostic;
use crate::error::Error;

pub(super) enum Input {
    // Boxed: a CSV reader holds its buffers inline, five times a sheet reader's size.
    Csv(Box<CsvInput>),
    Sheet(SheetInput),
}

/// A sheet read row by row as a CSV file would be.
pub(super) struct SheetInput {
    path: std::path::PathBuf,
    sheet: Sheet,
    /// The next row to read, from 0.
    next: usize,
}

impl SheetInput {
    /// `header_rows` is how many rows from the top are headers, where cells merged across
    /// columns name every column they cover.
    pub fn new(path: &Path, mut sheet: Sheet, header_rows: u32) -> SheetInput {
        if header_rows > 0 {
            sheet.spread_merged(header_rows - 1);
        }
        SheetInput { path: path.to_path_buf(), sheet, next: 0 }
    }
}

impl Input {
    pub fn path(&self) -> &Path {
        match self {
            Input::Csv(c) => c.path(),
            Input::Sheet(s) => &s.path,
        }
    }

    /// The file as messages name it: its path, and for a workbook the sheet.
    pub fn shown(&self) -> String {
        match self {
            Input::Csv(c) => c.path().display().to_string(),
            Input::Sheet(s) => format!("{}, sheet \"{}\"", s.path.display(), s.sheet.name),
        }
    }

    /// Where a row is, for messages about the whole row: `file.csv:12` or
    /// `file.xlsx, sheet "Data", row 12`.
    pub fn row_label(&self, record: &ByteRecord) -> String {
        let line = record.position().map_or(0, |p| p.line());
        match self {
            Input::Csv(c) => format!("{}:{line}", c.path().display()),
            Input::Sheet(_) => format!("{}, row {line}", self.shown()),
        }
    }

    /// Reads the next row into `record`; false at the end.
    pub fn read(&mut self, record: &mut ByteRecord) -> Result<bool, Error> {
        match self {
            Input::Csv(c) => c.read(record),
            Input::Sheet(s) => {
                let Some(row) = s.sheet.rows.get(s.next) else { return Ok(false) };
                record.clear();
                // Every row as wide as the sheet's used cells, as a CSV export writes it.
                for cell in row {
                    record.push_field(cell.value.text().as_bytes());
                }
                let mut position = csv::Position::new();
                position.set_line(s.next as u64 + 1).set_record(s.next as u64);
                record.set_position(Some(position));
                s.next += 1;
                Ok(true)
            }
        }
    }

    /// A problem with the cell `field` of `record` (or with the whole row).
    pub fn problem(
        &self,
        record: &ByteRecord,
        field: Option<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        match self {
            Input::Csv(c) => c.problem(record, field, message, help),
            Input::Sheet(_) => {
                let at = match (field, self.cell_ref(record, field.unwrap_or(0))) {
                    (Some(_), Some(at)) => format!("{}, cell {at}", self.shown()),
                    _ => self.row_label(record),
                };
                Diagnostic::error(at, message).help(help)
            }
        }
    }

    fn cell_ref(&self, record: &ByteRecord, field: usize) -> Option<CellRef> {
        let row = record.position()?.line().checked_sub(1)?;
        Some(CellRef { row: u32::try_from(row).ok()?, col: u32::try_from(field).ok()? })
    }

    /// What a sheet's cell holds beyond its text; None in a CSV file.
    fn typed(&self, record: &ByteRecord, field: usize) -> Option<&CellValue> {
        let Input::Sheet(s) = self else { return None };
        Some(s.sheet.get(self.cell_ref(record, field)?))
    }

    /// The date of a sheet's cell shown as a date.
    pub fn date(&self, record: &ByteRecord, field: usize) -> Option<SheetDate> {
        match self.typed(record, field) {
            Some(CellValue::Date(d)) => Some(*d),
            _ => None,
        }
    }

    /// Why the cell `field` cannot hold a value whatever its text says: in a CSV file, bytes
    /// that are not UTF-8 in a file said to be; in a sheet, a formula's error, a date, or a
    /// cell covered by merged cells. None when its text is all there is to read.
    pub fn refused(&self, record: &ByteRecord, field: usize) -> Option<(String, String)> {
        if let Input::Csv(c) = self {
            return (c.not_utf8() == Some(field)).then(|| {
                (
                    "this cell has characters that are not UTF-8".to_string(),
                    "the file is probably in Latin-1 (Windows-1252): say so in the recipe with encoding = \"windows-1252\" under [read]".to_string(),
                )
            });
        }
        match self.typed(record, field)? {
            CellValue::Error(e) => Some((
                format!("the cell holds the spreadsheet error {e}, not a value"),
                "correct the formula in the spreadsheet, or clear the cell if there is no value".to_string(),
            )),
            CellValue::Date(d) => Some((
                format!("the cell holds the date {d}, not a number"),
                "format the cell as a number (Format Cells > Number) and check the value it holds".to_string(),
            )),
            CellValue::Merged(from) => Some((
                format!("the cell is merged with {from}, so salud cannot tell which value it holds"),
                "unmerge the cells and write the value in each of them".to_string(),
            )),
            _ => None,
        }
    }
}
