//! The fill-in template: a workbook field staff type values into (`salud template`), one sheet
//! per indicator with the place and its regions as rows and years as columns; and reading it
//! back (`salud import FILE.xlsx`), which adds exactly the values typed.
//!
//! Values already in the data are written into their cells (in grey), so staff see what is
//! known; read back, they are the same numbers and count as already present, never as
//! conflicts. A value changed in such a cell is a conflict, reported and never written.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::cells::{read_cell, Cell};
use super::csv_input::Problems;
use super::sheet::{self, CellRef, Sheet};
use super::store::{Details, Number, PlaceStore, Resolved, SeriesKey, Value, TOTAL};
use super::ImportReport;
use crate::data::{Data, Indicator, Measure, Place, PlaceKind};
use crate::diagnostic::{closest, Diagnostic, Diagnostics};
use crate::error::Error;

/// The hidden sheet that marks a workbook as a salud template.
const MARKER_SHEET: &str = "salud";
const MARKER: &str = "salud fill-in template";
/// Labels in column A; salud reads the cell beside the first two back.
const INDICATOR: &str = "Indicator";
const SOURCE: &str = "Source";
/// Column B's heading over the place ids, which marks the table's header row.
const PLACE_ID: &str = "Place id";
/// How far down salud looks for the labels and the header, so rows inserted above still read.
const HEAD_ROWS: u32 = 30;
/// The table's header row and first value column (row 8, column C).
const HEADER_ROW: u32 = 7;
const FIRST_YEAR_COL: u16 = 2;
const MAX_YEARS: i32 = 100;
/// Excel's limit on a sheet's name.
const MAX_SHEET_NAME: usize = 31;
const HOW_TO_FILL: &str = "Type each value in its year's column as a number, with a point for decimals (12.5), without % or units; leave a cell empty when there is no value. Grey cells hold values already in the data: salud keeps them as they are. Do not change the ids in column B or the cells beside Indicator and Source.";

pub struct TemplateOptions {
    pub root: PathBuf,
    pub file: PathBuf,
    pub place: String,
    pub indicators: Vec<String>,
    /// `2015-2025` or `2020`; by default the ten years up to the edition's.
    pub years: Option<String>,
    /// The source the typed values are recorded under; by default that of the values already there.
    pub source: Option<String>,
}

pub struct TemplateReport {
    pub file: PathBuf,
    /// Each sheet's indicator, with the source its typed values are recorded under.
    pub indicators: Vec<(String, String)>,
    pub place: String,
    pub regions: usize,
    pub years: (i32, i32),
    /// Cells holding a value already in the data.
    pub filled: usize,
}

impl TemplateReport {
    pub fn summary(&self) -> String {
        let regions = match self.regions {
            0 => String::new(),
            1 => " and its 1 region".to_string(),
            n => format!(" and its {n} regions"),
        };
        let sheets = if self.indicators.len() == 1 { "sheet" } else { "sheets" };
        let filled = match self.filled {
            1 => "1 value already in the data is filled in (grey)".to_string(),
            n => format!("{n} values already in the data are filled in (grey)"),
        };
        let ids: Vec<&str> = self.indicators.iter().map(|(i, _)| i.as_str()).collect();
        let sources: Vec<String> = self.indicators.iter().map(|(i, s)| format!("{i} from `{s}`")).collect();
        format!(
            "Wrote {}: {} {sheets} ({}) for {}{regions}, years {}-{}; {filled}. Values typed in are recorded as {} (cell B5 of each sheet; change with --source). When it comes back filled in: salud import {}",
            self.file.display(),
            ids.len(),
            ids.join(", "),
            self.place,
            self.years.0,
            self.years.1,
            sources.join(", "),
            self.file.display()
        )
    }
}

/// One sheet to write: the indicator, the source its values are recorded under.
struct SheetPlan<'a> {
    indicator: &'a Indicator,
    source: &'a str,
    source_name: &'a str,
}

pub fn write(options: &TemplateOptions) -> Result<TemplateReport, Error> {
    check_file(&options.file)?;
    let mut diags = Diagnostics::default();
    let Some(config) = crate::config::Config::load(&options.root, &mut diags) else {
        return Err(Error::Site(diags));
    };
    let Some(data) = Data::load(&options.root, config.stale_after_years, &mut diags) else {
        return Err(Error::Site(Diagnostics(diags.errors().cloned().collect())));
    };
    let place = find_place(&data, &options.place)?;
    if data.broken.contains(&place.slug) {
        let errors: Vec<Diagnostic> = diags.errors().filter(|d| d.file == place.file).cloned().collect();
        return Err(Error::Site(Diagnostics(errors)));
    }
    let rows: Vec<&Place> =
        std::iter::once(place).chain(data.children_of(&place.slug).filter(|p| p.kind == PlaceKind::Region)).collect();
    let edition = config.published.map_or_else(crate::clock::this_year, |p| p.year);
    let years = years(options.years.as_deref(), edition)?;
    let mut plans = Vec::new();
    let mut seen = BTreeSet::new();
    for id in &options.indicators {
        let indicator = find_indicator(&data, id)?;
        if !seen.insert(indicator.id.as_str()) {
            continue;
        }
        let source = source_for(&data, indicator, &rows, options.source.as_deref())?;
        plans.push(SheetPlan { indicator, source, source_name: data.source_name(source) });
    }
    let xlsx = |e: XlsxError| Error::Import(format!("{}: could not make the workbook: {e}", options.file.display()));
    let mut book = Workbook::new();
    let formats = Formats::new();
    let mut names = BTreeSet::new();
    let mut filled = 0;
    for plan in &plans {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&plan.indicator.id, &mut names)).map_err(xlsx)?;
        filled += write_sheet(sheet, plan, &rows, years, &formats).map_err(xlsx)?;
    }
    let marker = book.add_worksheet();
    marker.set_name(MARKER_SHEET).map_err(xlsx)?;
    marker.write_string(0, 0, MARKER).map_err(xlsx)?;
    marker.write_string(1, 0, "salud import reads the workbook back by this sheet: keep it as it is.").map_err(xlsx)?;
    marker.set_hidden(true);
    let bytes = book.save_to_buffer().map_err(xlsx)?;
    write_new(&options.file, &bytes)?;
    Ok(TemplateReport {
        file: options.file.clone(),
        indicators: plans.iter().map(|p| (p.indicator.id.to_string(), p.source.to_string())).collect(),
        place: place.name.clone(),
        regions: rows.len() - 1,
        years,
        filled,
    })
}

/// The workbook's name: an .xlsx file that does not exist yet (a template may be the only copy
/// of what someone typed).
fn check_file(file: &Path) -> Result<(), Error> {
    let xlsx = file.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !xlsx {
        return Err(Error::Option {
            message: format!("{} is not the name of an .xlsx file", file.display()),
            help: "give the workbook's name ending in .xlsx, e.g. salud template --place peru --indicators child_stunting peru.xlsx".into(),
        });
    }
    if file.exists() {
        return Err(Error::Option {
            message: format!("{} already exists", file.display()),
            help: "salud never writes over a workbook, which may hold values someone typed: give another name, or move that file away first".into(),
        });
    }
    Ok(())
}

/// Writes `bytes` to `file`, which must not exist; nothing is left behind if that fails.
fn write_new(file: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut out =
        std::fs::OpenOptions::new().write(true).create_new(true).open(file).map_err(|e| Error::io(file, e))?;
    out.write_all(bytes).map_err(|e| {
        let _ = std::fs::remove_file(file);
        Error::io(file, e)
    })
}

fn find_place<'a>(data: &'a Data, slug: &str) -> Result<&'a Place, Error> {
    data.places.get(slug).ok_or_else(|| {
        let close = closest(slug, data.places.keys().map(String::as_str));
        let example = close.map_or_else(|| "e.g. --place peru".to_string(), |c| format!("did you mean `{c}`?"));
        Error::Option {
            message: format!("there is no place `{slug}` in data/places/"),
            help: format!(
                "{example} A place is named by its file in data/places/ without .toml (peru/huanuco for a region)"
            ),
        }
    })
}

fn find_indicator<'a>(data: &'a Data, id: &str) -> Result<&'a Indicator, Error> {
    let id = id.trim();
    data.indicator(id).ok_or_else(|| {
        let close = closest(id, data.indicators.iter().map(|i| i.id.as_str()));
        let help = match close {
            Some(c) => format!("did you mean `{c}`? Indicators are named by their id in data/indicators.toml"),
            None => "indicators are named by their id in data/indicators.toml, separated by commas, e.g. --indicators child_stunting,child_anaemia".into(),
        };
        Error::Option { message: format!("no indicator `{id}` in data/indicators.toml"), help }
    })
}

/// `2015-2025`, or `2020` for one year; by default the ten years up to `edition`.
fn years(written: Option<&str>, edition: i32) -> Result<(i32, i32), Error> {
    let Some(written) = written else { return Ok((edition - 9, edition)) };
    let year = |s: &str| s.trim().parse::<i32>().ok().filter(|y| (1800..=2100).contains(y));
    let range = match written.split_once('-') {
        Some((from, to)) => year(from).zip(year(to)),
        None => year(written).map(|y| (y, y)),
    };
    range.filter(|(from, to)| from <= to && to - from < MAX_YEARS).ok_or_else(|| Error::Option {
        message: format!("--years {written} is not a range of years"),
        help: format!(
            "give the first and the last year, the first one first, e.g. --years 2015-2025 (at most {MAX_YEARS} years, from 1800 to 2100)"
        ),
    })
}

/// The source the values typed for `indicator` are recorded under: the one given, or the one
/// with most values of it already in the template's places.
fn source_for<'a>(
    data: &'a Data,
    indicator: &Indicator,
    rows: &[&Place],
    given: Option<&str>,
) -> Result<&'a str, Error> {
    let list = || data.sources.keys().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    if let Some(given) = given {
        return data.sources.get_key_value(given).map(|(id, _)| id.as_str()).ok_or_else(|| Error::Option {
            message: format!("--source {given} is not a source of data/sources.toml"),
            help: format!("give one of {}, or add the source to data/sources.toml with its name and licence", list()),
        });
    }
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for place in rows {
        for series in place.series_of(indicator.id.as_str()).filter(|s| s.group.is_none()) {
            if let Some(source) = data.sources.get(series.source.as_str()) {
                counts.entry(source.id.as_str()).or_insert((0, source.rank)).0 += series.points.len();
            }
        }
    }
    // The most values; on a tie, the source listed first in data/sources.toml.
    let best = counts.into_iter().max_by_key(|(_, (n, rank))| (*n, std::cmp::Reverse(*rank)));
    best.map(|(id, _)| id).ok_or_else(|| Error::Option {
        message: format!(
            "{} has no values of `{}` yet, nor have its regions, so salud cannot tell where the typed values come from",
            rows[0].name, indicator.id
        ),
        help: format!("say which source the typed values come from with --source, one of {}", list()),
    })
}

/// A sheet name Excel accepts (31 characters at most, each used once, never the marker's): the
/// indicator's id, shortened if need be; salud reads the id back from the sheet, not its name.
fn sheet_name(id: &str, used: &mut BTreeSet<String>) -> String {
    let base: String = id.chars().filter(|c| !"[]:*?/\\'".contains(*c)).take(MAX_SHEET_NAME).collect();
    let mut name = base.clone();
    let mut n = 2;
    while name.eq_ignore_ascii_case(MARKER_SHEET) || used.contains(&name.to_lowercase()) {
        let suffix = format!("~{n}");
        name = format!("{}{suffix}", base.chars().take(MAX_SHEET_NAME - suffix.len()).collect::<String>());
        n += 1;
    }
    used.insert(name.to_lowercase());
    name
}

struct Formats {
    title: Format,
    label: Format,
    wrap: Format,
    heading: Format,
    known: Format,
    blank: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new().set_border(FormatBorder::Thin).set_border_color(Color::RGB(0xA6A6A6));
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            label: Format::new().set_bold(),
            wrap: Format::new().set_text_wrap(),
            heading: Format::new().set_bold().set_background_color(Color::RGB(0xDDEBF7)).set_border(FormatBorder::Thin),
            known: cell.clone().set_background_color(Color::RGB(0xD9D9D9)),
            blank: cell,
        }
    }
}

/// The header block, then the table; returns how many cells hold values already in the data.
fn write_sheet(
    sheet: &mut Worksheet,
    plan: &SheetPlan,
    rows: &[&Place],
    (first, last): (i32, i32),
    formats: &Formats,
) -> Result<usize, XlsxError> {
    let indicator = plan.indicator;
    sheet.write_string_with_format(0, 0, &indicator.name, &formats.title)?;
    let definition = indicator.definition.as_deref().unwrap_or_default();
    for (row, label, value) in [
        (1, INDICATOR, indicator.id.as_str()),
        (2, "Unit", indicator.unit.as_str()),
        (3, "Definition", definition),
        (4, SOURCE, plan.source),
        (5, "How to fill", HOW_TO_FILL),
    ] {
        sheet.write_string_with_format(row, 0, label, &formats.label)?;
        sheet.write_string(row, 1, value)?;
    }
    sheet.write_string(4, 2, plan.source_name)?;
    sheet.write_string_with_format(HEADER_ROW, 0, "Place", &formats.heading)?;
    sheet.write_string_with_format(HEADER_ROW, 1, PLACE_ID, &formats.heading)?;
    let years: Vec<i32> = (first..=last).collect();
    for (i, year) in years.iter().enumerate() {
        sheet.write_number_with_format(HEADER_ROW, FIRST_YEAR_COL + i as u16, f64::from(*year), &formats.heading)?;
    }
    let mut filled = 0;
    for (i, place) in rows.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        sheet.write_string(row, 0, &place.name)?;
        sheet.write_string(row, 1, &place.slug)?;
        let series = place.series_for(indicator.id.as_str(), plan.source, None);
        for (j, year) in years.iter().enumerate() {
            let col = FIRST_YEAR_COL + j as u16;
            match series.and_then(|s| s.at(*year)) {
                Some(known) => {
                    sheet.write_number_with_format(row, col, known.value, &formats.known)?;
                    filled += 1;
                }
                None => {
                    sheet.write_blank(row, col, &formats.blank)?;
                }
            }
        }
    }
    let last_row = HEADER_ROW + rows.len() as u32;
    let last_col = FIRST_YEAR_COL + years.len() as u16 - 1;
    let rule = match indicator.measure {
        Measure::Percent => DataValidationRule::Between(0.0, 100.0),
        Measure::Rate | Measure::Count => DataValidationRule::GreaterThanOrEqualTo(0.0),
    };
    let range = match indicator.measure {
        Measure::Percent => "a number from 0 to 100",
        Measure::Rate | Measure::Count => "a number, 0 or more",
    };
    let validation = DataValidation::new()
        .allow_decimal_number(rule)
        .set_error_title("A number only")?
        .set_error_message(format!(
            "Type the value as {range}, with a point for decimals (12.5), without % or units; or leave the cell empty."
        ))?;
    sheet.add_data_validation(HEADER_ROW + 1, FIRST_YEAR_COL, last_row, last_col, &validation)?;
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 22)?;
    sheet.set_column_range_width(FIRST_YEAR_COL, last_col, 10)?;
    sheet.set_row_format(5, &formats.wrap)?;
    sheet.set_freeze_panes(HEADER_ROW + 1, FIRST_YEAR_COL)?;
    Ok(filled)
}

/// Where the values of a template go: the store and report of the import, the catalogue's
/// indicators and the sources by their positions, and `--source` if given.
pub(super) struct Target<'a> {
    pub store: &'a mut PlaceStore,
    pub report: &'a mut ImportReport,
    pub indicators: &'a HashMap<&'a str, u32>,
    pub sources: &'a [String],
    pub source: Option<u32>,
}

/// Whether the workbook is a salud template: it has the marker sheet, saying so.
pub(super) fn is_template(path: &Path) -> Result<bool, Error> {
    if !sheet::sheet_names(path)?.iter().any(|n| n == MARKER_SHEET) {
        return Ok(false);
    }
    Ok(sheet::read_sheet(path, Some(MARKER_SHEET))?.get(CellRef { row: 0, col: 0 }).text() == MARKER)
}

/// Adds the values typed into a template (see [`is_template`]).
pub(super) fn import(path: &Path, target: &mut Target) -> Result<(), Error> {
    let names = sheet::sheet_names(path)?;
    let mut problems = Problems::default();
    for name in names.iter().filter(|n| *n != MARKER_SHEET) {
        let sheet = sheet::read_sheet(path, Some(name))?;
        SheetImport { path, sheet: &sheet, problems: &mut problems }.run(target)?;
    }
    problems.into_error(path).map_or(Ok(()), Err)
}

struct SheetImport<'a> {
    path: &'a Path,
    sheet: &'a Sheet,
    problems: &'a mut Problems,
}

impl SheetImport<'_> {
    fn problem(&mut self, at: CellRef, message: impl Into<String>, help: impl Into<String>) {
        let file = format!("{}, sheet \"{}\", cell {at}", self.path.display(), self.sheet.name);
        self.problems.push(Diagnostic::error(file, message).help(help));
    }

    fn text(&self, row: u32, col: u32) -> String {
        self.sheet.get(CellRef { row, col }).text().trim().to_string()
    }

    /// The row of the first cell of column `col` above the table that says `label`.
    fn find(&self, col: u32, label: &str) -> Option<u32> {
        (0..HEAD_ROWS.min(self.sheet.rows.len() as u32)).find(|&row| self.text(row, col) == label)
    }

    /// The position of the id written beside `label` in `ids`, or None (with the problem noted).
    fn id_beside(&mut self, label: &str, ids: impl Fn(&str) -> Option<u32>, what: &str) -> Option<u32> {
        let Some(row) = self.find(0, label) else {
            self.problem(
                CellRef { row: 0, col: 0 },
                format!("this sheet has no row \"{label}\" with the {what}'s id beside it, so salud cannot tell what its values are"),
                "the sheets of a template keep the rows salud wrote above the table: make the template again with salud template, or delete this sheet if it is not one of them",
            );
            return None;
        };
        let id = self.text(row, 1);
        let found = ids(&id);
        if found.is_none() {
            let file = if what == "indicator" { "data/indicators.toml" } else { "data/sources.toml" };
            self.problem(
                CellRef { row, col: 1 },
                format!("\"{id}\" is not an {what} of {file}"),
                format!("this cell holds the id salud wrote: put it back as it was, or add the {what} to {file}"),
            );
        }
        found
    }

    fn run(mut self, target: &mut Target) -> Result<(), Error> {
        let indicator = self.id_beside(INDICATOR, |id| target.indicators.get(id).copied(), "indicator");
        let source = match target.source {
            Some(given) => Some(given),
            None => {
                self.id_beside(SOURCE, |id| target.sources.iter().position(|s| s == id).map(|p| p as u32), "source")
            }
        };
        let Some(header) = self.find(1, PLACE_ID) else {
            self.problem(
                CellRef { row: 0, col: 1 },
                format!("this sheet has no header row with \"{PLACE_ID}\" in column B"),
                "the table of a template starts with the row Place, Place id, then the years: make the template again with salud template",
            );
            return Ok(());
        };
        let (Some(indicator), Some(source)) = (indicator, source) else { return Ok(()) };
        let years = self.years(header);
        let key = SeriesKey { indicator, source, group: TOTAL };
        for row in header + 1..self.sheet.rows.len() as u32 {
            self.row(row, &years, key, target)?;
        }
        Ok(())
    }

    /// The year of each column of the header row after the place id.
    fn years(&mut self, header: u32) -> Vec<(u32, i32)> {
        let width = self.sheet.rows.get(header as usize).map_or(0, Vec::len) as u32;
        let mut years = Vec::new();
        for col in u32::from(FIRST_YEAR_COL)..width {
            let text = self.text(header, col);
            if text.is_empty() {
                continue;
            }
            match text.parse::<i32>().ok().filter(|y| (1000..=9999).contains(y)) {
                Some(year) => years.push((col, year)),
                None => self.problem(
                    CellRef { row: header, col },
                    format!("\"{text}\" is not a year"),
                    "the header row gives each column's year with four digits, as salud wrote it; put it back",
                ),
            }
        }
        years
    }

    fn row(&mut self, row: u32, years: &[(u32, i32)], key: SeriesKey, target: &mut Target) -> Result<(), Error> {
        let typed: Vec<(u32, i32, String)> = years
            .iter()
            .map(|&(col, year)| (col, year, self.text(row, col)))
            .filter(|(.., text)| !text.is_empty())
            .collect();
        let id = self.text(row, 1);
        if !id.is_empty() || !typed.is_empty() {
            target.report.rows += 1;
        }
        if typed.is_empty() {
            return Ok(());
        }
        let id_cell = CellRef { row, col: 1 };
        if id.is_empty() {
            self.problem(
                id_cell,
                "this row has values but no place id in column B",
                "put back the place id salud wrote for the row (e.g. peru/lima), or delete the row's values",
            );
            return Ok(());
        }
        let rel = format!("{}/{id}.toml", crate::data::PLACES_DIR);
        let safe = id.split('/').all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains('\\'));
        if !safe || !target.store.place_file(&rel) {
            self.problem(
                id_cell,
                format!("\"{id}\" is not a place of data/places/"),
                "column B holds the id salud wrote for the row's place (e.g. peru/lima): put it back as it was",
            );
            return Ok(());
        }
        target.store.touch(&rel)?;
        let at = Resolved { rel, new: None, iso3: None };
        for (col, year, text) in typed {
            let cell = CellRef { row, col };
            let plain = match read_cell(&text) {
                Cell::Number(plain) => plain,
                Cell::NoData { .. } => {
                    target.report.no_data += 1;
                    continue;
                }
                Cell::Bad { message, help } => {
                    self.problem(cell, message, help);
                    continue;
                }
            };
            let Some(number) = Number::parse(&plain) else {
                self.problem(cell, format!("\"{text}\" is too large to be a value"), "check the number");
                continue;
            };
            let value = Value { key, conversion: None, year, number, n: 0, details: Details::default(), text: &plain };
            target.store.merge(&at, &value, self.path, target.report);
        }
        Ok(())
    }
}
