//! `salud import`: indicator data from the CSV layouts publishers really ship, merged into
//! `data/places/` without ever overwriting a value.
//!
//! Recognised layouts (from their first lines):
//! - World Bank bulk download (`API_*.csv`): 4 preamble lines, one column per year, BOM;
//!   the `Metadata_Country_*.csv` beside it gives world regions and marks aggregates.
//! - World Bank long (`Country Name,Country Code,Year,Value`), as republished by datahub; the
//!   indicator code comes from the `datapackage.json` beside it.
//! - WHO Global Health Observatory export (`Id,IndicatorCode,...,NumericValue,...`); country
//!   names from `../codes/COUNTRY.csv` when present.
//! - WHO Global Health Observatory data portal export (`IndicatorCode,...,FactValueNumeric,...`),
//!   recognised by its columns' names wherever they are: any indicator, breakdowns by sex,
//!   residence and wealth, intervals and comments.
//! - Peru's ENDES department series (`año,ambito,region_codigo,...`): one column per measure,
//!   departments become regions inside `--parent`.
//!
//! Each may be a CSV file or a sheet of a workbook (.xlsx, .xls, .ods): the first sheet
//! whose first row is one of these layouts. Any other table is read by a recipe (`recipe`),
//! `salud import --recipe FILE.toml DATA...`.
//!
//! CSV files are read row by row, so their size does not matter; what is kept is the values
//! added (see `store`). Every cell is either imported, counted as "no data", or refused with
//! its line (or sheet and cell): nothing is dropped without a word.

mod apply;
mod cells;
mod csv_input;
mod input;
mod iso3166;
mod places;
mod recipe;
pub(crate) mod sheet;
mod store;
pub(crate) mod template;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use csv::ByteRecord;

use cells::{read_cell, Cell};
use csv_input::{cell, CsvInput, CsvOptions, Problems};
use input::{Input, SheetInput};
use recipe::Recipe;
pub use store::TEMP_SUFFIX;
use store::{Details, Number, PlacePlan, PlaceStore, Resolved, SeriesKey, Value, TOTAL};

use crate::data::{Conversion, Data};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::format::{shift_decimal, slugify};

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub root: PathBuf,
    pub files: Vec<PathBuf>,
    pub source: Option<String>,
    pub include_aggregates: bool,
    pub parent: Option<String>,
    /// A recipe that says how to read the files (`--recipe`), for a layout salud does not know.
    pub recipe: Option<PathBuf>,
    /// Say what would be added and what conflicts, and write nothing.
    pub dry_run: bool,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub files: usize,
    pub places_created: usize,
    pub places_changed: usize,
    pub added: usize,
    pub unchanged: usize,
    pub skipped_aggregates: usize,
    /// Numbers of observations (`n`) given to values already in the data, which had none.
    pub sizes_added: usize,
    /// Cells that are empty or mark a missing value (`..`, `n/a`); empty cells only where a
    /// row holds one value (a file with a column per year leaves most of them empty).
    pub no_data: usize,
    /// Every value that differs from the one already in the data, which was kept.
    pub conflicts: Vec<Conflict>,
    /// One line per place the files name but give no value for, which was not created.
    pub places_without_values: Vec<String>,
    /// Rows of data read (headers and blank rows not counted).
    pub rows: usize,
    /// Rows left out because a recipe lists their code under `skip`, by code.
    pub skipped_codes: BTreeMap<String, usize>,
    /// Columns left out because a recipe lists their code under `skip`.
    pub skipped_columns: Vec<String>,
    /// Rows left out because a recipe lists their place under `skip`, by place.
    pub skipped_places: BTreeMap<String, usize>,
    /// Rows left out on purpose (codes the catalogue does not map, groups salud has no name
    /// for), by why.
    pub skipped: BTreeMap<Skip, Skipped>,
    /// What was done with a value that the user should know of (an interval left out), and how
    /// to import rows that were skipped.
    pub notices: Vec<String>,
    /// For `--dry-run`: per place, what would be added and what conflicts.
    pub plan: Option<Vec<String>>,
}

/// A value of the input that differs from the one already in a place file.
#[derive(Debug)]
pub struct Conflict {
    pub place: String,
    pub what: String,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "conflict: {}: {}", self.place, self.what)
    }
}

/// Why rows were left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// Their indicator code is in no indicator's `codes`.
    Code,
    /// They are about a group salud has no name for (an age group), or two groups at once.
    Group,
    /// Their value has a prefix salud cannot say in words.
    Prefix,
}

impl Skip {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Skip::Code => ("of codes not in data/indicators.toml", ", "),
            Skip::Group => ("for groups salud does not know", "; "),
            Skip::Prefix => ("with a prefix salud cannot show", ", "),
        }
    }
}

#[derive(Debug, Default)]
pub struct Skipped {
    pub rows: usize,
    /// The codes or groups met, for the summary.
    pub what: BTreeSet<String>,
}

impl ImportReport {
    pub fn summary(&self) -> String {
        let mut summary = format!(
            "{} {} {}: {} values added, {} already present, {} conflicts kept as they were; {} places created, {} changed; {} rows of country groups skipped",
            if self.plan.is_some() { "Would import" } else { "Imported" },
            self.files,
            if self.files == 1 { "file" } else { "files" },
            self.added, self.unchanged, self.conflicts.len(), self.places_created, self.places_changed, self.skipped_aggregates
        );
        if self.no_data > 0 {
            summary.push_str(&format!("; {} cells with no data skipped", self.no_data));
        }
        if self.sizes_added > 0 {
            summary.push_str(&format!("; {} sample sizes added to values already present", self.sizes_added));
        }
        let empty = self.places_without_values.len();
        if empty > 0 {
            summary.push_str(&format!(
                "; {empty} {} with no values not created",
                if empty == 1 { "place" } else { "places" }
            ));
        }
        for (skip, skipped) in &self.skipped {
            let (why, separator) = skip.words();
            let what = shortened_list(&skipped.what, separator);
            summary.push_str(&format!("; {} rows {why} skipped ({what})", skipped.rows));
        }
        let skipped: usize = self.skipped_codes.values().chain(self.skipped_places.values()).sum();
        if skipped > 0 {
            summary.push_str(&format!("; {skipped} rows skipped as the recipe says"));
        }
        if !self.skipped_columns.is_empty() {
            summary.push_str(&format!("; {} columns skipped as the recipe says", self.skipped_columns.len()));
        }
        summary.push_str(&format!("; {} rows read", self.rows));
        match &self.plan {
            None => summary,
            Some(plan) if plan.is_empty() => {
                format!("Dry run: nothing was written. The import would change nothing.\n{summary}")
            }
            Some(plan) => {
                format!("Dry run: nothing was written. What the import would change:\n{}\n{summary}", plan.join("\n"))
            }
        }
    }

    /// The lines to show below the summary: notices, places left out, what a recipe skipped,
    /// then conflicts (which a dry run lists with its places).
    pub fn into_warnings(self) -> Vec<String> {
        let skipped = |what: &str, list: BTreeMap<String, usize>| {
            let what = what.to_string();
            list.into_iter().map(move |(name, n)| {
                format!(
                    "skipped {n} {} with the {what} \"{name}\" (the recipe's skip list)",
                    if n == 1 { "row" } else { "rows" }
                )
            })
        };
        let codes = skipped("code", self.skipped_codes);
        let places = skipped("place", self.skipped_places);
        let columns =
            self.skipped_columns.into_iter().map(|c| format!("skipped the column \"{c}\" (the recipe's skip list)"));
        let conflicts = if self.plan.is_some() { Vec::new() } else { self.conflicts };
        let conflicts = conflicts.into_iter().map(|c| c.to_string());
        let notices = self.notices.into_iter().chain(self.places_without_values);
        notices.chain(codes).chain(columns).chain(places).chain(conflicts).collect()
    }
}

/// `a, b, c and 4 more`: the first few of a list for a one-line summary.
fn shortened_list(items: &BTreeSet<String>, separator: &str) -> String {
    const SHOWN: usize = 6;
    let mut text = items.iter().take(SHOWN).map(String::as_str).collect::<Vec<_>>().join(separator);
    if items.len() > SHOWN {
        text.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    text
}

/// A dry run's lines: each place's additions, then its conflicts, by place file.
fn plan_lines(plans: &[PlacePlan], conflicts: &[Conflict]) -> Vec<String> {
    let mut by_place: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for plan in plans {
        let mut shown = String::new();
        let mut last = None;
        for (series, value) in &plan.first {
            if last.is_some() {
                shown.push_str(", ");
            }
            if last != Some(series) {
                shown.push_str(series);
                shown.push(' ');
            }
            shown.push_str(value);
            last = Some(series);
        }
        let more = plan.values.saturating_sub(plan.first.len());
        if more > 0 {
            shown.push_str(&format!(" and {more} more"));
        }
        let new = if plan.new { " (new place)" } else { "" };
        let count = if plan.values == 1 { "1 value".to_string() } else { format!("{} values", plan.values) };
        by_place.entry(&plan.rel).or_default().push(format!("{}{new}: {count} to add: {shown}", plan.rel));
    }
    for c in conflicts {
        by_place.entry(&c.place).or_default().push(format!("{}: conflict: {}", c.place, c.what));
    }
    by_place.into_values().flatten().collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    WorldBankWide,
    WorldBankLong,
    WhoGho,
    WhoGhoPortal,
    EndesDepartments,
}

impl Layout {
    /// The layout whose first row is `first` (its cells, as in a CSV file or a sheet).
    fn recognise(first: &[String]) -> Option<Layout> {
        let starts =
            |cells: &[&str]| first.len() >= cells.len() && first.iter().zip(cells).all(|(a, b)| a.trim() == *b);
        // The portal's columns may come in any order, with others among them.
        let has = |name: &str| first.iter().any(|c| c.trim() == name);
        if has("IndicatorCode") && has("FactValueNumeric") {
            return Some(Layout::WhoGhoPortal);
        }
        if starts(&["Data Source"]) {
            Some(Layout::WorldBankWide)
        } else if first.len() == 4 && starts(&["Country Name", "Country Code", "Year", "Value"]) {
            Some(Layout::WorldBankLong)
        } else if starts(&["Id", "IndicatorCode", "SpatialDimension"]) {
            Some(Layout::WhoGho)
        } else if starts(&["año", "ambito", "region_codigo", "region_nombre", "area"]) {
            Some(Layout::EndesDepartments)
        } else {
            None
        }
    }

    fn default_source(self) -> &'static str {
        match self {
            Layout::WorldBankWide | Layout::WorldBankLong => "wdi",
            Layout::WhoGho => "who-ghed",
            Layout::WhoGhoPortal => "who-gho",
            Layout::EndesDepartments => "endes",
        }
    }
}

/// The refusal of a file salud has no reader for, with its first line to recognise it by.
fn unknown_layout(file: &Path, first: &str) -> Error {
    const SHOWN: usize = 100;
    let start = if first.trim().is_empty() {
        "it is empty".to_string()
    } else if first.chars().any(|c| c == '\u{FFFD}' || (c.is_control() && c != '\t')) {
        "it is not text: a spreadsheet or another kind of file, not CSV".to_string()
    } else {
        let mut shown: String = first.chars().take(SHOWN).collect();
        if first.chars().count() > SHOWN {
            shown.push('…');
        }
        format!("it starts with {shown:?}")
    };
    Error::Import(format!(
        "{}:1: salud does not recognise this file's layout ({start}). It reads, as they are published, World Bank downloads, WHO Global Health Observatory exports (API and data portal) and ENDES department series; for another layout, describe its columns in a recipe and import with salud import --recipe RECIPE.toml FILE (see \"Recipes\" under \"Importing data\" in README.md)",
        file.display()
    ))
}

/// Where a row's values belong.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Country {
        iso3: String,
        name: String,
        region: Option<String>,
        aggregate: bool,
    },
    /// The `--parent` place itself (ENDES national rows).
    Parent,
    /// A region inside `--parent`, by name.
    Child {
        name: String,
    },
}

/// Where a value is in its row: its code, year and cell, the group it is for ([`TOTAL`] for
/// everyone) and the cell that gives its number of observations, if one does.
struct Cells<'a> {
    code: &'a str,
    year: i32,
    field: usize,
    group: u32,
    n_field: Option<usize>,
    /// The cells that say more of the value, in layouts that have them.
    details: Option<DetailCells>,
}

/// The cells of a row that say more of its value than its number.
#[derive(Debug, Clone, Copy, Default)]
struct DetailCells {
    qualifier: Option<&'static str>,
    low: Option<usize>,
    high: Option<usize>,
    note: Option<usize>,
}

/// The cells of a row that name its place, for messages about them.
#[derive(Debug, Clone, Copy)]
struct PlaceCells {
    name: usize,
    code: usize,
}

/// World Bank aggregates (regions, income and lending groups, the world), read off the
/// `Metadata_Country` file of the bulk download, where they are the rows without a region.
/// Used for the long layout, which ships without that file.
const WORLD_BANK_AGGREGATES: &[&str] = &[
    "AFE", "AFW", "ARB", "CEB", "CSS", "EAP", "EAR", "EAS", "ECA", "ECS", "EMU", "EUU", "FCS", "HIC", "HPC", "IBD",
    "IBT", "IDA", "IDB", "IDX", "INX", "LAC", "LCN", "LDC", "LIC", "LMC", "LMY", "LTE", "MEA", "MIC", "MNA", "NAC",
    "OED", "OSS", "PRE", "PSS", "PST", "SAS", "SSA", "SSF", "SST", "TEA", "TEC", "TLA", "TMN", "TSA", "TSS", "UMC",
    "WLD",
];

/// What a source's code maps to: an indicator of the catalogue, the power of ten its values
/// are multiplied by, and the conversion the series records (none when the power is 0).
struct CodeInfo {
    indicator: u32,
    power: u32,
    conversion: Option<Conversion>,
}

pub fn import(options: &ImportOptions) -> Result<ImportReport, Error> {
    if let Some(parent) = &options.parent {
        check_parent(parent)?;
    }
    let root = &options.root;
    let mut diags = Diagnostics::default();
    let catalogue = Data::load_catalogue_and_groups(root, &mut diags);
    let sources = Data::load_sources(root, &mut diags);
    let (Some((catalogue, groups)), Some(sources)) = (catalogue, sources) else {
        return Err(Error::Site(diags));
    };
    let codes: HashMap<&str, CodeInfo> = catalogue
        .iter()
        .zip(0..)
        .flat_map(|(indicator, n)| {
            indicator.codes.iter().map(move |c| {
                // Recorded as facts on the series, not as words: pages say them in each language.
                let conversion = (c.scale_power > 0)
                    .then(|| Conversion { from_unit: c.from_unit.clone(), factor: 10u32.pow(c.scale_power) });
                (c.code.as_str(), CodeInfo { indicator: n, power: c.scale_power, conversion })
            })
        })
        .collect();
    let source_ids: Vec<String> = sources.keys().map(ToString::to_string).collect();
    let indicator_ids: Vec<String> = catalogue.iter().map(|i| i.id.to_string()).collect();
    let indicator_positions: HashMap<&str, u32> = catalogue.iter().zip(0..).map(|(i, n)| (i.id.as_str(), n)).collect();
    let place_exists = |name: &str| root.join(crate::data::PLACES_DIR).join(format!("{name}.toml")).is_file();
    let vocabulary = recipe::Vocabulary {
        indicators: &indicator_ids,
        sources: &source_ids,
        groups: &groups,
        place_exists: &place_exists,
    };
    let recipe = options.recipe.as_deref().map(|path| Recipe::load(path, &vocabulary)).transpose()?;
    let recipe_codes: HashMap<&str, CodeInfo> = recipe
        .iter()
        .flat_map(|r| &r.codes)
        .map(|(folded, c)| {
            let conversion =
                (c.power > 0).then(|| Conversion { from_unit: c.from_unit.clone(), factor: 10u32.pow(c.power) });
            (folded.as_str(), CodeInfo { indicator: c.indicator, power: c.power, conversion })
        })
        .collect();
    let within = match (&options.parent, &recipe) {
        (Some(parent), Some(_)) if !place_exists(parent) => {
            return Err(Error::Import(format!("--parent {parent}: there is no place file data/places/{parent}.toml; give the file name, without .toml, of the place the file's places are inside")));
        }
        (Some(parent), _) => Some(parent.clone()),
        (None, Some(r)) => r.place.within.clone(),
        (None, None) => None,
    };
    // Two imports into one site would each write place files from what they read before the
    // other's changes: the second waits, and reads the first one's result. A dry run writes
    // nothing, not even the lock.
    let _lock = if options.dry_run {
        None
    } else {
        let cache = root.join(".salud-cache");
        std::fs::create_dir_all(&cache).map_err(|e| Error::io(&cache, e))?;
        Some(crate::lock::exclusive(&cache.join("import.lock"), &|| {
            eprintln!("Another salud import is adding data to this site; waiting for it to finish");
        })?)
    };
    let mut store = PlaceStore::open(root, indicator_ids.clone(), source_ids.clone())?;
    let places = recipe.as_ref().map(|r| places::PlaceIndex::new(&store, within.as_deref(), &r.place.aliases));
    let mut report = ImportReport::default();
    let mut without_values = BTreeMap::new();
    for file in &options.files {
        if recipe.is_none() && sheet::is_spreadsheet(file) && template::is_template(file)? {
            let source = match &options.source {
                None => None,
                Some(given) => Some(source_ids.iter().position(|s| s == given).ok_or_else(|| {
                    Error::Import(format!(
                        "{}: the source `{given}` is not in data/sources.toml; add it there with its name and licence, or choose another with --source (this site's sources: {})",
                        file.display(),
                        source_ids.join(", ")
                    ))
                })? as u32),
            };
            let indicators = &indicator_positions;
            let sources = &source_ids;
            template::import(
                file,
                &mut template::Target { store: &mut store, report: &mut report, indicators, sources, source },
            )?;
            report.files += 1;
            continue;
        }
        let (input, layout) = match &recipe {
            Some(r) => (open_for_recipe(file, r)?, None),
            None => {
                let (input, layout) = open_known(file)?;
                (input, Some(layout))
            }
        };
        let source = match (&options.source, &recipe, layout) {
            (Some(s), ..) => s.clone(),
            (None, Some(r), _) => r.source.clone(),
            (None, None, Some(layout)) => layout.default_source().to_string(),
            (None, None, None) => unreachable!("a file is read by a recipe or in a known layout"),
        };
        let Some(source) = source_ids.iter().position(|s| *s == source) else {
            return Err(Error::Import(format!(
                "{}: the source `{source}` is not in data/sources.toml; add it there with its name and licence, or choose another with --source (this site's sources: {})",
                file.display(),
                source_ids.join(", ")
            )));
        };
        if layout == Some(Layout::EndesDepartments) && options.parent.is_none() {
            return Err(Error::Import(format!(
                "{}: this file gives values by department; say which place they are inside with --parent (e.g. --parent peru)",
                file.display()
            )));
        }
        let mut run = FileImport {
            options,
            codes: if recipe.is_some() { &recipe_codes } else { &codes },
            source: source as u32,
            input,
            store: &mut store,
            report: &mut report,
            without_values: &mut without_values,
            problems: Problems::default(),
            unknown: BTreeSet::new(),
            unknown_rows: BTreeMap::new(),
            known_rows: 0,
            once: BTreeMap::new(),
            count_empty: match (&recipe, layout) {
                (Some(r), _) => r.value.is_some(),
                (None, layout) => matches!(layout, Some(Layout::WorldBankLong | Layout::WhoGho | Layout::WhoGhoPortal)),
            },
            no_data: recipe.iter().flat_map(|r| &r.read.no_data).map(|m| NoDataMark::new(m)).collect(),
        };
        match (&recipe, &places, layout) {
            (Some(r), Some(places), _) => run.recipe(r, places)?,
            (_, _, Some(Layout::WorldBankWide)) => run.world_bank_wide()?,
            (_, _, Some(Layout::WorldBankLong)) => run.world_bank_long()?,
            (_, _, Some(Layout::WhoGho)) => run.who_gho()?,
            (_, _, Some(Layout::WhoGhoPortal)) => run.who_gho_portal()?,
            (_, _, Some(Layout::EndesDepartments)) => run.endes()?,
            _ => unreachable!("a file is read by a recipe or in a known layout"),
        }
        run.finish()?;
        report.files += 1;
    }
    report.places_changed = store.changed();
    report.places_without_values =
        without_values.into_iter().filter(|(rel, _)| !store.place_file(rel)).map(|(_, line)| line).collect();
    if options.dry_run {
        report.plan = Some(plan_lines(&store.plan(3), &report.conflicts));
    } else {
        store.write()?;
    }
    Ok(report)
}

/// `--parent` becomes a path under data/places/: a place's file name without `.toml`, or
/// several for a place inside another (`peru/lima`), never a way out of the folder.
fn check_parent(parent: &str) -> Result<(), Error> {
    let part =
        |s: &str| !s.is_empty() && s != "." && s != ".." && !s.chars().any(|c| c == '\\' || c == ':' || c.is_control());
    if parent.split('/').all(part) {
        return Ok(());
    }
    Err(Error::Import(format!(
        "--parent {parent:?} is not the name of a place: give the name of its file in data/places/ without .toml, e.g. --parent peru (or peru/lima for a place inside another)"
    )))
}

/// A file in a layout salud knows: a CSV file, or the first sheet of a workbook whose first
/// row is one.
fn open_known(file: &Path) -> Result<(Input, Layout), Error> {
    if !sheet::is_spreadsheet(file) {
        let (input, first) = CsvInput::open(file)?;
        return match Layout::recognise(&csv_cells(&first)) {
            Some(layout) => Ok((Input::Csv(Box::new(input)), layout)),
            None => Err(unknown_layout(file, &first)),
        };
    }
    let names = sheet::sheet_names(file)?;
    for name in &names {
        let sheet = sheet::read_sheet(file, Some(name))?;
        let first: Vec<String> =
            sheet.rows.first().map(|r| r.iter().map(|c| c.value.text()).collect()).unwrap_or_default();
        if let Some(layout) = Layout::recognise(&first) {
            return Ok((Input::Sheet(SheetInput::new(file, sheet, 1)), layout));
        }
    }
    let list = names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
    let mut diags = Diagnostics::default();
    diags.push(
        Diagnostic::error(file.display().to_string(), format!("no sheet of this workbook starts with a layout salud knows (its sheets are {list})"))
            .help("salud reads World Bank downloads, WHO GHO exports and ENDES department series from the first row of a sheet; for any other table write a recipe that names the sheet (salud import --recipe RECIPE.toml FILE; see README.md)"),
    );
    Err(Error::Site(diags))
}

/// A file read as a recipe says: the sheet it names of a workbook, or a CSV file with its
/// separator and encoding.
fn open_for_recipe(file: &Path, recipe: &Recipe) -> Result<Input, Error> {
    if sheet::is_spreadsheet(file) {
        let sheet = sheet::read_sheet(file, recipe.read.sheet.as_ref().map(|s| s.name.as_str()))?;
        let header_rows = u32::try_from(recipe.read.header_row).unwrap_or(u32::MAX);
        return Ok(Input::Sheet(SheetInput::new(file, sheet, header_rows)));
    }
    let options = CsvOptions { delimiter: recipe.read.delimiter, encoding: recipe.read.encoding };
    Ok(Input::Csv(Box::new(CsvInput::open_with(file, options)?.0)))
}

/// The cells of a CSV file's first line.
fn csv_cells(line: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(line.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => record.iter().map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// A cell a recipe says means "no data" (`0`, `x`): compared as text without case, and as a
/// number when it is one (`0` is also `0.0`).
struct NoDataMark {
    text: String,
    number: Option<String>,
}

impl NoDataMark {
    fn new(mark: &str) -> NoDataMark {
        let number = match read_cell(mark) {
            Cell::Number(n) => Some(n),
            _ => None,
        };
        NoDataMark { text: mark.trim().to_string(), number }
    }
}

/// ISO 3166 alpha-3, as place files hold it: three capital letters.
fn is_country_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// One input file being imported into the store.
struct FileImport<'a> {
    options: &'a ImportOptions,
    codes: &'a HashMap<&'a str, CodeInfo>,
    source: u32,
    input: Input,
    store: &'a mut PlaceStore,
    report: &'a mut ImportReport,
    /// New places met so far, with the line that says where; those that get no value are
    /// not created, and reported.
    without_values: &'a mut BTreeMap<String, String>,
    problems: Problems,
    /// Codes of the file no indicator of the catalogue has.
    unknown: BTreeSet<String>,
    /// In layouts that may hold several indicators, the rows of codes no indicator has, by
    /// code, with the indicator's name in the file: skipped, unless no code is known.
    unknown_rows: BTreeMap<String, (usize, String)>,
    /// Rows of codes an indicator has, in those layouts.
    known_rows: usize,
    /// Problems told once however many rows have them (a name that matches no place), by
    /// what they are about; added to the problems at the end.
    once: BTreeMap<String, Diagnostic>,
    /// Cells a recipe says mean "no data".
    no_data: Vec<NoDataMark>,
    /// Whether an empty cell counts as "no data": in layouts with one value per row it does;
    /// in those with a column per year, empty cells are how they leave a year out.
    count_empty: bool,
}

impl FileImport<'_> {
    fn world_bank_wide(&mut self) -> Result<(), Error> {
        let mut record = ByteRecord::new();
        let header = loop {
            if !self.input.read(&mut record)? {
                return Err(self.error("no header row starting with \"Country Name\""));
            }
            if cell(&record, 0) == "Country Name" {
                break record.clone();
            }
        };
        let years: Vec<(usize, i32)> =
            (4..header.len()).filter_map(|i| cell(&header, i).parse::<i32>().ok().map(|y| (i, y))).collect();
        let needed = years.last().map_or(4, |(i, _)| i + 1);
        let regions = world_bank_regions(self.input.path())?;
        while self.input.read(&mut record)? {
            self.report.rows += 1;
            let iso3 = cell(&record, 1).into_owned();
            let region = regions.get(&iso3).cloned();
            let aggregate = match &region {
                Some(r) => r.is_empty(),
                None => WORLD_BANK_AGGREGATES.contains(&iso3.as_str()),
            };
            if aggregate && !self.options.include_aggregates {
                self.report.skipped_aggregates += 1;
                continue;
            }
            if !self.complete(&record, needed, header.len()) {
                continue;
            }
            let name = cell(&record, 0).into_owned();
            let target = Target::Country { iso3, name, region: region.filter(|r| !r.is_empty()), aggregate };
            let Some(at) = self.place(&record, &target, PlaceCells { name: 0, code: 1 })? else { continue };
            let code = cell(&record, 3).into_owned();
            for &(field, year) in &years {
                self.value(&record, &at, &code, year, field);
            }
        }
        Ok(())
    }

    fn world_bank_long(&mut self) -> Result<(), Error> {
        let code = datapackage_code(self.input.path())?;
        let mut record = ByteRecord::new();
        self.input.read(&mut record)?;
        while self.input.read(&mut record)? {
            self.report.rows += 1;
            if record.len() != 4 {
                self.short_row(&record, 4);
                continue;
            }
            let iso3 = cell(&record, 1).into_owned();
            let aggregate = WORLD_BANK_AGGREGATES.contains(&iso3.as_str());
            if aggregate && !self.options.include_aggregates {
                self.report.skipped_aggregates += 1;
                continue;
            }
            let Some(year) = self.year(&record, 2) else { continue };
            let target = Target::Country { iso3, name: cell(&record, 0).into_owned(), region: None, aggregate };
            let Some(at) = self.place(&record, &target, PlaceCells { name: 0, code: 1 })? else { continue };
            self.value(&record, &at, &code, year, 3);
        }
        Ok(())
    }

    fn who_gho(&mut self) -> Result<(), Error> {
        let mut header = ByteRecord::new();
        self.input.read(&mut header)?;
        let col = |name: &str| (0..header.len()).find(|&i| cell(&header, i) == name);
        let columns = ["IndicatorCode", "SpatialDimension", "SpatialDimensionValueCode", "TimeDim", "NumericValue"];
        let found: Vec<usize> = columns.iter().filter_map(|c| col(c)).collect();
        let [c_code, c_dim, c_place, c_year, c_value] = found[..] else {
            let missing = columns.iter().find(|c| col(c).is_none()).copied().unwrap_or_default();
            return Err(self.error(&format!("no column {missing}")));
        };
        let needed = found.iter().max().map_or(0, |m| m + 1);
        let names = who_country_names(self.input.path())?;
        let mut record = ByteRecord::new();
        while self.input.read(&mut record)? {
            self.report.rows += 1;
            if !self.complete(&record, needed, header.len()) {
                continue;
            }
            let aggregate = cell(&record, c_dim) != "COUNTRY";
            if aggregate && !self.options.include_aggregates {
                self.report.skipped_aggregates += 1;
                continue;
            }
            let Some(year) = self.year(&record, c_year) else { continue };
            let iso3 = cell(&record, c_place).into_owned();
            let name = names.get(&iso3).cloned().unwrap_or_else(|| iso3.clone());
            let target = Target::Country { name, iso3, region: None, aggregate };
            let Some(at) = self.place(&record, &target, PlaceCells { name: c_place, code: c_place })? else {
                continue;
            };
            let code = cell(&record, c_code).into_owned();
            self.value(&record, &at, &code, year, c_value);
        }
        Ok(())
    }

    /// A WHO GHO data portal export: one row per indicator, place, year and group, with
    /// `FactValueNumeric` as the number (`Value` is display text, "11 593"), the interval in
    /// `FactValueNumericLow`/`High` and a comment in `FactComments`. Rows of codes the catalogue
    /// does not map, of groups salud has no name for, or of WHO regions are counted and left out.
    fn who_gho_portal(&mut self) -> Result<(), Error> {
        let mut header = ByteRecord::new();
        self.input.read(&mut header)?;
        let columns = PortalColumns::find(&header).map_err(|missing| {
            Error::Import(format!(
                "{}: this WHO GHO data portal export has no column {missing}; export the indicator again from the portal with all its columns (\"Export data\", CSV), without removing any",
                self.input.row_label(&header)
            ))
        })?;
        let mut record = ByteRecord::new();
        while self.input.read(&mut record)? {
            self.report.rows += 1;
            if !self.complete(&record, columns.needed, header.len()) {
                continue;
            }
            let code = cell(&record, columns.code).trim().to_string();
            if !self.codes.contains_key(code.as_str()) {
                let name = columns.indicator.map(|i| cell(&record, i).trim().to_string()).unwrap_or_default();
                self.unknown_rows.entry(code).or_insert((0, name)).0 += 1;
                continue;
            }
            self.known_rows += 1;
            let aggregate =
                columns.location_type.is_some_and(|i| !cell(&record, i).trim().eq_ignore_ascii_case("country"));
            if aggregate && !self.options.include_aggregates {
                self.report.skipped_aggregates += 1;
                continue;
            }
            let group = match columns.group(&record) {
                Ok(None) => TOTAL,
                Ok(Some((dimension, value))) => self.store.group(dimension, value),
                Err(what) => {
                    self.skip(Skip::Group, what);
                    continue;
                }
            };
            let prefix = columns.prefix.map(|i| cell(&record, i).trim().to_string()).unwrap_or_default();
            let Some(qualifier) = qualifier_of(&prefix) else {
                self.skip(Skip::Prefix, prefix);
                continue;
            };
            let Some(year) = self.year(&record, columns.year) else { continue };
            let iso3 = cell(&record, columns.place).trim().to_string();
            let name = columns.location.map(|i| cell(&record, i).trim().to_string()).filter(|n| !n.is_empty());
            let target = Target::Country { name: name.unwrap_or_else(|| iso3.clone()), iso3, region: None, aggregate };
            let cells = PlaceCells { name: columns.location.unwrap_or(columns.place), code: columns.place };
            let Some(at) = self.place(&record, &target, cells)? else { continue };
            let details = DetailCells { qualifier, low: columns.low, high: columns.high, note: columns.comments };
            let cells = Cells { code: &code, year, field: columns.value, group, n_field: None, details: Some(details) };
            self.value_of(&record, &at, cells);
        }
        Ok(())
    }

    fn skip(&mut self, why: Skip, what: String) {
        let skipped = self.report.skipped.entry(why).or_default();
        skipped.rows += 1;
        skipped.what.insert(what);
    }

    /// ENDES rows are Total, Urbano or Rural (the `area` column); each measure's number of
    /// observations is the nearest `n_` column before it (`n_dci` for `dci_menores5_pct` and
    /// `dci_severa_menores5_pct`).
    fn endes(&mut self) -> Result<(), Error> {
        let mut header = ByteRecord::new();
        self.input.read(&mut header)?;
        let names: Vec<String> = (0..header.len()).map(|i| cell(&header, i).into_owned()).collect();
        let measures: Vec<(usize, String, Option<usize>)> = names
            .iter()
            .enumerate()
            .filter(|(_, name)| name.ends_with("_pct"))
            .map(|(i, name)| (i, name.clone(), (0..i).rev().find(|&j| names[j].starts_with("n_"))))
            .collect();
        let needed = measures.last().map_or(5, |(i, ..)| i + 1);
        let (urban, rural) = (self.store.group("area", "urban"), self.store.group("area", "rural"));
        let mut record = ByteRecord::new();
        while self.input.read(&mut record)? {
            self.report.rows += 1;
            if !self.complete(&record, needed, header.len()) {
                continue;
            }
            let group = match cell(&record, 4).trim() {
                "Total" => TOTAL,
                "Urbano" => urban,
                "Rural" => rural,
                other => {
                    let d = self.input.problem(
                        &record,
                        Some(4),
                        format!("\"{other}\" is not an area ENDES gives"),
                        "the area is Total, Urbano or Rural; correct the cell, or delete the row",
                    );
                    self.problems.push(d);
                    continue;
                }
            };
            let Some(year) = self.year(&record, 0) else { continue };
            let target = if cell(&record, 1) == "Nacional" {
                Target::Parent
            } else {
                Target::Child { name: cell(&record, 3).into_owned() }
            };
            let Some(at) = self.place(&record, &target, PlaceCells { name: 3, code: 2 })? else { continue };
            for (field, code, n_field) in &measures {
                let cells = Cells { code, year, field: *field, group, n_field: *n_field, details: None };
                self.value_of(&record, &at, cells);
            }
        }
        Ok(())
    }

    fn error(&self, what: &str) -> Error {
        Error::Import(format!("{}: {what}", self.input.shown()))
    }

    /// Whether the row has the `needed` cells; a row cut short is a problem, not a row
    /// with fewer values.
    fn complete(&mut self, record: &ByteRecord, needed: usize, header: usize) -> bool {
        if record.len() >= needed {
            return true;
        }
        self.short_row(record, header);
        false
    }

    fn short_row(&mut self, record: &ByteRecord, header: usize) {
        let has = if record.len() < header { "has only" } else { "has" };
        let d = self.input.problem(
            record,
            None,
            format!("the row {has} {} cells, but the header has {header}", record.len()),
            "a file cut short (by an interrupted download or copy) ends like this: download it again; otherwise give the row its missing cells",
        );
        self.problems.push(d);
    }

    fn year(&mut self, record: &ByteRecord, field: usize) -> Option<i32> {
        if let Some(date) = self.input.date(record, field) {
            return self.year_of_date(record, field, date);
        }
        let text = cell(record, field);
        let year = text.trim().parse::<i32>().ok().filter(|y| (1000..=9999).contains(y));
        if year.is_none() {
            let message = format!("\"{text}\" is not a year");
            let d = self.input.problem(record, Some(field), message, "write the year with four digits, e.g. 2020");
            self.problems.push(d);
        }
        year
    }

    /// A year cell of a sheet shown as a date gives the date's year, unless the date is a year
    /// typed as a number and then formatted as a date (2014 shown as 1905-07-06), which is refused.
    fn year_of_date(&mut self, record: &ByteRecord, field: usize, date: sheet::SheetDate) -> Option<i32> {
        match date.serial {
            Some(serial) if serial.fract() == 0.0 && (1000.0..=9999.0).contains(&serial) => {
                let d = self.input.problem(
                    record,
                    Some(field),
                    format!("the cell shows the date {date}, which is the number {serial} formatted as a date"),
                    format!("if {serial} is the year, format the cell as a number (Format Cells > Number) so it shows {serial}, then import again"),
                );
                self.problems.push(d);
                None
            }
            _ => Some(i32::from(date.year)),
        }
    }

    /// The place file a row's values go to, after checking what the file says of the place
    /// can make one; None (with the problem noted) when it cannot.
    fn place(&mut self, record: &ByteRecord, target: &Target, cells: PlaceCells) -> Result<Option<Resolved>, Error> {
        let places = crate::data::PLACES_DIR;
        let parent = self.options.parent.as_deref().unwrap_or_default();
        let (rel, new, iso3, label) = match target {
            Target::Country { iso3, name, region, aggregate } => {
                if !aggregate && !is_country_code(iso3) {
                    let d = self.input.problem(
                        record,
                        Some(cells.code),
                        format!("\"{iso3}\" is not a country code"),
                        "a country code is three capital letters, e.g. PER; correct it, or delete the row",
                    );
                    self.problems.push(d);
                    return Ok(None);
                }
                let label = format!("{name} ({iso3})");
                if let Some(rel) = self.store.by_iso3(iso3) {
                    (rel.clone(), None, Some(iso3.clone()), label)
                } else {
                    let Some(slug) = self.slug(record, name, cells.name) else { return Ok(None) };
                    // Aggregate codes (WB_LMI, AMR) are not ISO 3166 codes, so they are not kept as iso3.
                    let mut fields = vec![("name", name.clone())];
                    if !*aggregate {
                        fields.push(("iso3", iso3.clone()));
                    }
                    fields.push(("kind", if *aggregate { "aggregate" } else { "country" }.to_string()));
                    if let Some(r) = region {
                        fields.push(("region", r.clone()));
                    }
                    (format!("{places}/{slug}.toml"), Some(fields), Some(iso3.clone()), label)
                }
            }
            Target::Parent => {
                let rel = format!("{places}/{parent}.toml");
                if !self.store.place_file(&rel) {
                    return Err(Error::Import(format!(
                        "the place file {rel} does not exist; create it before importing its data"
                    )));
                }
                (rel, None, None, String::new())
            }
            Target::Child { name } => {
                let Some(slug) = self.slug(record, name, cells.name) else { return Ok(None) };
                let fields = vec![("name", name.clone()), ("kind", "region".to_string())];
                (format!("{places}/{parent}/{slug}.toml"), Some(fields), None, name.clone())
            }
        };
        let new = new.filter(|_| !self.store.place_file(&rel));
        self.store.touch(&rel)?;
        if new.is_some() && !self.without_values.contains_key(&rel) {
            self.without_values.insert(
                rel.clone(),
                format!(
                    "{}: {label} has no values (each of its cells is empty or marks no data), so no place file was created for it",
                    self.input.row_label(record)
                ),
            );
        }
        Ok(Some(Resolved { rel, new, iso3 }))
    }

    fn slug(&mut self, record: &ByteRecord, name: &str, field: usize) -> Option<String> {
        let slug = slugify(name);
        if slug.is_empty() {
            let d = self.input.problem(
                record,
                Some(field),
                format!("the name \"{name}\" has no letters or digits to make a file name from"),
                "write the place's name in the file, e.g. Peru",
            );
            self.problems.push(d);
            return None;
        }
        Some(slug)
    }

    /// One cell: imported, counted as no data, or noted as a problem.
    fn value(&mut self, record: &ByteRecord, at: &Resolved, code: &str, year: i32, field: usize) {
        self.value_of(record, at, Cells { code, year, field, group: TOTAL, n_field: None, details: None });
    }

    /// One cell of a value for a group, or with its number of observations in another cell.
    fn value_of(&mut self, record: &ByteRecord, at: &Resolved, cells: Cells) {
        let Cells { code, year, field, group, n_field, details } = cells;
        if let Some((message, help)) = self.input.refused(record, field) {
            let d = self.input.problem(record, Some(field), message, help);
            self.problems.push(d);
            return;
        }
        let read = read_cell(&cell(record, field));
        if self.is_no_data_mark(record, field, &read) {
            self.report.no_data += 1;
            return;
        }
        let text = match read {
            Cell::Number(text) => text,
            Cell::NoData { empty } => {
                if !empty || self.count_empty {
                    self.report.no_data += 1;
                }
                return;
            }
            Cell::Bad { message, help } => {
                let d = self.input.problem(record, Some(field), message, help);
                self.problems.push(d);
                return;
            }
        };
        let Some(info) = self.codes.get(code) else {
            if !self.unknown.contains(code) {
                self.unknown.insert(code.to_string());
            }
            return;
        };
        // A file with problems is refused: its values need not be kept.
        if !self.problems.is_empty() {
            return;
        }
        let text = shift_decimal(&text, info.power).expect("read_cell gives plain decimal text");
        let Some(number) = Number::parse(&text) else {
            let d = self.input.problem(
                record,
                Some(field),
                format!("\"{text}\" is too large to be a value"),
                "check the number and the file's unit",
            );
            self.problems.push(d);
            return;
        };
        let n = match n_field.map(|f| (f, cell(record, f))) {
            None => 0,
            Some((f, written)) => match written.trim().parse::<u32>() {
                Ok(n) if n > 0 => n,
                _ => {
                    let d = self.input.problem(
                        record,
                        Some(f),
                        format!("\"{written}\" is not a number of observations for the value beside it"),
                        "the number of people, children or households a value was measured on is a whole number above 0; correct the cell, or delete the value",
                    );
                    self.problems.push(d);
                    return;
                }
            },
        };
        let details = match details {
            None => Details::default(),
            Some(cells) => match self.details(record, cells, (number, &text), info.power, year) {
                Some(details) => details,
                None => return,
            },
        };
        let key = SeriesKey { indicator: info.indicator, source: self.source, group };
        let value = Value { key, conversion: info.conversion.as_ref(), year, number, n, details, text: &text };
        self.store.merge(at, &value, self.input.path(), self.report);
    }

    /// The interval, comment and qualifier of a value whose number is read, or None (with the
    /// problem noted) when a cell is not what it should be. An interval that cannot be shown
    /// (one end missing, or not holding its value) is left out, with a word.
    fn details(
        &mut self,
        record: &ByteRecord,
        cells: DetailCells,
        (number, text): (Number, &str),
        power: u32,
        year: i32,
    ) -> Option<Details> {
        let note = cells.note.map(|i| cell(record, i).trim().to_string()).filter(|n| !n.is_empty());
        let mut end = |field: Option<usize>| -> Result<Option<(Number, String)>, ()> {
            let Some(field) = field else { return Ok(None) };
            match read_cell(&cell(record, field)) {
                Cell::Number(t) => {
                    let t = shift_decimal(&t, power).expect("read_cell gives plain decimal text");
                    Ok(Number::parse(&t).map(|n| (n, t)))
                }
                Cell::NoData { .. } => Ok(None),
                Cell::Bad { message, help } => {
                    let d = self.input.problem(record, Some(field), message, help);
                    self.problems.push(d);
                    Err(())
                }
            }
        };
        let (low, high) = (end(cells.low).ok()?, end(cells.high).ok()?);
        let at = self.input.row_label(record);
        let bounds = match (low, high) {
            (None, None) => None,
            (Some((low, l)), Some((high, h))) => {
                let value = number.as_f64();
                if low.as_f64() <= value && value <= high.as_f64() {
                    Some((low, high))
                } else {
                    self.report.notices.push(format!(
                        "{at}: the interval {l} to {h} does not hold the value {text} for {year}, so the value was imported without it"
                    ));
                    None
                }
            }
            (low, _) => {
                let given = if low.is_some() { "low" } else { "high" };
                self.report.notices.push(format!(
                    "{at}: the value {text} for {year} has only the {given} end of its interval, so it was imported without it"
                ));
                None
            }
        };
        Some(Details { qualifier: cells.qualifier, bounds, note })
    }

    /// Whether a cell is one a recipe says means "no data".
    fn is_no_data_mark(&self, record: &ByteRecord, field: usize, read: &Cell) -> bool {
        if self.no_data.is_empty() {
            return false;
        }
        let text = cell(record, field);
        let text = text.trim();
        self.no_data.iter().any(|m| {
            m.text.eq_ignore_ascii_case(text) || matches!((&m.number, read), (Some(mark), Cell::Number(n)) if mark == n)
        })
    }

    /// The file's problems, then its unknown codes, as the error that refuses it.
    fn finish(mut self) -> Result<(), Error> {
        for (_, d) in std::mem::take(&mut self.once) {
            self.problems.push(d);
        }
        let file = self.input.path();
        if let Some(err) = self.problems.into_error(file) {
            return Err(err);
        }
        if !self.unknown_rows.is_empty() {
            if self.known_rows == 0 {
                let list = self
                    .unknown_rows
                    .iter()
                    .map(|(code, (_, name))| if name.is_empty() { code.clone() } else { format!("{code} ({name})") })
                    .collect::<Vec<_>>()
                    .join(", ");
                let first = self.unknown_rows.keys().next().expect("not empty");
                return Err(Error::Import(format!(
                    "{}: no indicator of data/indicators.toml has any of its codes: {list}. To import one, add the code to the `codes` of the matching indicator in data/indicators.toml, e.g. codes = [\"{first}\"], then import again",
                    file.display()
                )));
            }
            for (code, (rows, name)) in self.unknown_rows {
                let named = if name.is_empty() { code.clone() } else { format!("{code} ({name})") };
                self.report.notices.push(format!(
                    "{}: {named}: {rows} rows skipped; to import them, add \"{code}\" to the `codes` of an indicator in data/indicators.toml",
                    file.display()
                ));
                let skipped = self.report.skipped.entry(Skip::Code).or_default();
                skipped.rows += rows;
                skipped.what.insert(code);
            }
        }
        if !self.unknown.is_empty() {
            let list = self.unknown.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
            return Err(Error::Import(format!(
                "{}: no indicator of data/indicators.toml has the code {list}; add it to the `codes` of the matching indicator, e.g. codes = [{}]",
                file.display(),
                self.unknown.iter().next().map(|c| format!("\"{c}\"")).unwrap_or_default()
            )));
        }
        Ok(())
    }
}

/// Where the columns of a WHO GHO data portal export are.
struct PortalColumns {
    code: usize,
    place: usize,
    year: usize,
    value: usize,
    /// How many cells a row needs to hold all the columns above.
    needed: usize,
    indicator: Option<usize>,
    location_type: Option<usize>,
    location: Option<usize>,
    prefix: Option<usize>,
    low: Option<usize>,
    high: Option<usize>,
    comments: Option<usize>,
    /// `Dim1 type` and `Dim1ValueCode`, then `Dim2...`.
    dimensions: Vec<(Option<usize>, usize)>,
}

impl PortalColumns {
    /// The columns, or the name of one salud cannot do without.
    fn find(header: &ByteRecord) -> Result<PortalColumns, &'static str> {
        let col = |name: &str| (0..header.len()).find(|&i| cell(header, i).trim() == name);
        let needed = |name: &'static str| col(name).ok_or(name);
        let (code, place) = (needed("IndicatorCode")?, needed("SpatialDimValueCode")?);
        let (year, value) = (needed("Period")?, needed("FactValueNumeric")?);
        let dimensions =
            (1..).map_while(|i| col(&format!("Dim{i}ValueCode")).map(|v| (col(&format!("Dim{i} type")), v))).collect();
        Ok(PortalColumns {
            code,
            place,
            year,
            value,
            needed: [code, place, year, value].into_iter().max().map_or(0, |m| m + 1),
            indicator: col("Indicator"),
            location_type: col("Location type"),
            location: col("Location"),
            prefix: col("FactValueNumericPrefix"),
            low: col("FactValueNumericLow"),
            high: col("FactValueNumericHigh"),
            comments: col("FactComments"),
            dimensions,
        })
    }

    /// The group a row's value is for: None for everyone, or what salud cannot name (an
    /// unknown breakdown, or two at once) for the report.
    fn group(&self, record: &ByteRecord) -> Result<Option<(&'static str, &'static str)>, String> {
        let mut found = Vec::new();
        for (i, &(kind, code)) in self.dimensions.iter().enumerate() {
            let code = cell(record, code);
            let code = code.trim();
            if code.is_empty() {
                continue;
            }
            let kind = kind.map(|k| cell(record, k).trim().to_string()).filter(|k| !k.is_empty());
            let kind = kind.unwrap_or_else(|| format!("Dim{}", i + 1));
            match who_group(code) {
                Some(Some(group)) => found.push((group, kind)),
                Some(None) => {}
                None => return Err(format!("{kind}: {code}")),
            }
        }
        match found.as_slice() {
            [] => Ok(None),
            [(group, _)] => Ok(Some(*group)),
            [(_, a), (_, b), ..] => Err(format!("two groups at once: {a} and {b}")),
        }
    }
}

/// A WHO dimension value as salud's group: `Some(None)` for everyone (both sexes, all areas),
/// None for one salud has no name for.
fn who_group(code: &str) -> Option<Option<(&'static str, &'static str)>> {
    let group = match code {
        "SEX_BTSX" | "RESIDENCEAREATYPE_TOTL" | "WEALTHQUINTILE_TOTL" => return Some(None),
        "SEX_FMLE" => ("sex", "female"),
        "SEX_MLE" => ("sex", "male"),
        "RESIDENCEAREATYPE_URB" => ("area", "urban"),
        "RESIDENCEAREATYPE_RUR" => ("area", "rural"),
        "WEALTHQUINTILE_WQ1" => ("wealth", "q1"),
        "WEALTHQUINTILE_WQ2" => ("wealth", "q2"),
        "WEALTHQUINTILE_WQ3" => ("wealth", "q3"),
        "WEALTHQUINTILE_WQ4" => ("wealth", "q4"),
        "WEALTHQUINTILE_WQ5" => ("wealth", "q5"),
        _ => return None,
    };
    Some(Some(group))
}

/// A value's prefix in a WHO export (`<`) as a qualifier place files know: `Some(None)`
/// without one, None for a prefix salud cannot say.
fn qualifier_of(prefix: &str) -> Option<Option<&'static str>> {
    Some(match prefix {
        "" => None,
        "<" => Some("less than"),
        ">" => Some("more than"),
        "<=" | "≤" => Some("up to"),
        ">=" | "≥" => Some("at least"),
        "~" | "≈" => Some("about"),
        _ => return None,
    })
}

/// Country code to World Bank region ("" for aggregates), from `Metadata_Country_*.csv`.
fn world_bank_regions(path: &Path) -> Result<BTreeMap<String, String>, Error> {
    let Some(dir) = path.parent() else { return Ok(BTreeMap::new()) };
    let Ok(entries) = fs::read_dir(dir) else { return Ok(BTreeMap::new()) };
    let mut meta: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("Metadata_Country_")))
        .collect();
    meta.sort();
    let Some(meta) = meta.first() else { return Ok(BTreeMap::new()) };
    pairs(meta, 0, 1)
}

fn datapackage_code(path: &Path) -> Result<String, Error> {
    let package = path.with_file_name("datapackage.json");
    let missing = || {
        Error::Import(format!(
            "{}: a World Bank long file names no indicator; salud reads it from the datapackage.json beside it, which is missing or has no worldbank.indicator",
            path.display()
        ))
    };
    let text = fs::read_to_string(&package).map_err(|_| missing())?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|_| missing())?;
    let code = json.pointer("/worldbank/indicator").and_then(|v| v.as_str()).ok_or_else(missing)?;
    Ok(code.to_uppercase())
}

fn who_country_names(path: &Path) -> Result<BTreeMap<String, String>, Error> {
    let codes = path.parent().and_then(Path::parent).map(|d| d.join("codes").join("COUNTRY.csv"));
    let Some(codes) = codes.filter(|c| c.is_file()) else { return Ok(BTreeMap::new()) };
    pairs(&codes, 1, 2)
}

/// Cells `key` and `value` of every row of a small CSV file after its header.
fn pairs(path: &Path, key: usize, value: usize) -> Result<BTreeMap<String, String>, Error> {
    let (mut input, _) = CsvInput::open(path)?;
    let mut record = ByteRecord::new();
    let mut pairs = BTreeMap::new();
    input.read(&mut record)?;
    while input.read(&mut record)? {
        if record.len() > key.max(value) {
            pairs.insert(cell(&record, key).into_owned(), cell(&record, value).into_owned());
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_portal_export_is_recognised_by_its_columns_in_any_order() {
        let real = "IndicatorCode,Indicator,ValueType,ParentLocationCode,ParentLocation,Location type,SpatialDimValueCode,Location,Period type,Period,IsLatestYear,Dim1 type,Dim1,Dim1ValueCode,Dim2 type,Dim2,Dim2ValueCode,Dim3 type,Dim3,Dim3ValueCode,DataSourceDimValueCode,DataSource,FactValueNumericPrefix,FactValueNumeric,FactValueUoM,FactValueNumericLowPrefix,FactValueNumericLow,FactValueNumericHighPrefix,FactValueNumericHigh,Value,FactValueTranslationID,FactComments,Language,DateModified";
        for header in [real, "\"FactValueNumeric\",\"Period\",Notes,\"SpatialDimValueCode\",\"IndicatorCode\""] {
            assert_eq!(Layout::recognise(&csv_cells(header)), Some(Layout::WhoGhoPortal), "{header}");
        }
        // The API's export has neither column name.
        let api = "Id,IndicatorCode,SpatialDimension,SpatialDimensionValueCode,TimeDimension,TimeDim,NumericValue";
        assert_eq!(Layout::recognise(&csv_cells(api)), Some(Layout::WhoGho));
        assert_eq!(Layout::recognise(&csv_cells("IndicatorCode,Value")), None);
    }

    #[test]
    fn who_groups_and_prefixes_become_salud_words() {
        assert_eq!(who_group("SEX_FMLE"), Some(Some(("sex", "female"))));
        assert_eq!(who_group("RESIDENCEAREATYPE_RUR"), Some(Some(("area", "rural"))));
        assert_eq!(who_group("WEALTHQUINTILE_WQ5"), Some(Some(("wealth", "q5"))));
        for everyone in ["SEX_BTSX", "RESIDENCEAREATYPE_TOTL", "WEALTHQUINTILE_TOTL"] {
            assert_eq!(who_group(everyone), Some(None), "{everyone}");
        }
        assert_eq!(who_group("AGEGROUP_YEARS15-19"), None);
        assert_eq!(qualifier_of(""), Some(None));
        assert_eq!(qualifier_of("<"), Some(Some("less than")));
        assert_eq!(qualifier_of("≥"), Some(Some("at least")));
        assert_eq!(qualifier_of("*"), None);
    }

    #[test]
    fn a_parent_is_a_place_name_never_a_way_out() {
        for good in ["peru", "peru/lima", "côte-d-ivoire"] {
            assert!(check_parent(good).is_ok(), "{good}");
        }
        for bad in ["", "..", "peru/../..", "/etc", "peru\\x", "c:x", "a//b", "peru/", "a\0b", "a\nb", "./peru"] {
            assert!(check_parent(bad).is_err(), "{bad:?}");
        }
    }
}
