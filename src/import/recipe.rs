//! Import recipes: a small TOML file that says how to read a table whose layout salud does
//! not know (where its places, years, indicators and values are), so staff can import it
//! without a programmer. `salud import --recipe FILE.toml DATA...`; README.md explains the
//! keys with a worked example.
//!
//! The file is read into [`Recipe`], a typed model where each of place, year and indicator
//! is found either in one column of each row or in the columns themselves (a column per
//! region, per year or per indicator); every key is checked, and every problem is reported
//! with its line in the recipe.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::csv_input::Encoding;
use crate::data::{Groups, CONVERSION_FACTORS};
use crate::diagnostic::{closest, Diagnostic, Diagnostics};
use crate::error::Error;
use crate::format::slugify;

/// The recipe as written. Every key is optional here so that a missing one is reported in
/// words, with the others' problems, rather than as the first serde error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecipeFile {
    source: Option<Spanned<String>>,
    /// For people: what the recipe reads, where the file comes from.
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    read: ReadFile,
    place: Option<Spanned<PlaceFile>>,
    year: Option<Spanned<AtFile>>,
    indicator: Option<Spanned<AtFile>>,
    value: Option<Spanned<ValueFile>>,
    #[serde(default)]
    codes: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    groups: Vec<Spanned<GroupFile>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ReadFile {
    delimiter: Option<Spanned<String>>,
    encoding: Option<Spanned<String>>,
    header_row: Option<Spanned<i64>>,
    skip_rows: Option<Spanned<i64>>,
    sheet: Option<Spanned<String>>,
    #[serde(default)]
    no_data: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceFile {
    column: Option<Spanned<String>>,
    columns: Option<Spanned<toml::Value>>,
    name_column: Option<Spanned<String>>,
    within: Option<Spanned<String>>,
    #[serde(default)]
    aggregates: Vec<String>,
    #[serde(default)]
    skip: Vec<String>,
    #[serde(default)]
    aliases: BTreeMap<String, Spanned<String>>,
}

/// Where the year or the indicator is: `column`, `columns` or `fixed`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AtFile {
    column: Option<Spanned<String>>,
    columns: Option<Spanned<toml::Value>>,
    fixed: Option<Spanned<toml::Value>>,
    /// Codes (indicator only) whose rows or columns are left out.
    #[serde(default)]
    skip: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValueFile {
    column: Spanned<String>,
    n_column: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupFile {
    column: Spanned<String>,
    dimension: Spanned<String>,
    values: BTreeMap<String, Spanned<String>>,
}

/// A column the recipe names, with where in the recipe it does.
#[derive(Debug, Clone)]
pub(super) struct Named {
    pub name: String,
    pub span: Range<usize>,
}

/// Columns that hold one of place, year or indicator in their header.
#[derive(Debug, Clone)]
pub(super) enum Columns {
    List(Vec<Named>),
    /// From one column to another, both included, in the file's order.
    Range {
        from: Named,
        to: Named,
    },
    /// Every column the recipe names nowhere else.
    Others {
        span: Range<usize>,
    },
}

#[derive(Debug, Clone)]
pub(super) enum PlaceAt {
    Column(Named),
    Columns(Columns),
}

#[derive(Debug, Clone)]
pub(super) enum YearAt {
    Column(Named),
    Columns(Columns),
    Fixed(i32),
}

#[derive(Debug, Clone)]
pub(super) enum IndicatorAt {
    Column(Named),
    Columns(Columns),
    /// The whole file is one indicator: this code of [codes].
    Fixed(String),
}

#[derive(Debug, Clone)]
pub(super) struct PlaceSpec {
    pub at: PlaceAt,
    /// A column of names tried when the place column's code matches no place.
    pub name_column: Option<Named>,
    /// The place file (without .toml) the places are inside, e.g. `tanzania`.
    pub within: Option<String>,
    /// Cells of the place column that mark a group of countries: exact, or a prefix ending in `*`.
    pub aggregates: Vec<String>,
    /// Places of the file the site does not have (folded).
    pub skip: Vec<String>,
    /// Name in the file to place file (data/places/....toml).
    pub aliases: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub(super) struct ReadSpec {
    pub delimiter: u8,
    pub encoding: Encoding,
    /// The line (CSV) or row (sheet) of the header, from 1.
    pub header_row: u64,
    pub skip_rows: u64,
    pub sheet: Option<Named>,
    pub no_data: Vec<String>,
}

/// A code of the file and the indicator it is.
#[derive(Debug, Clone)]
pub(super) struct CodeSpec {
    /// As the file writes it (for messages).
    pub code: String,
    pub indicator: u32,
    pub power: u32,
    pub from_unit: Option<String>,
}

#[derive(Debug, Clone)]
pub(super) struct GroupSpec {
    pub column: Named,
    pub dimension: String,
    /// Cell (trimmed) to group value; None for the total.
    pub values: BTreeMap<String, Option<String>>,
}

/// A recipe, checked: every name it uses exists (the indicators, the source, the places it
/// names), and place, year and indicator each have one location.
#[derive(Debug, Clone)]
pub(super) struct Recipe {
    pub path: PathBuf,
    /// The recipe's text, to point at its lines when the data file lacks a column it names.
    pub text: String,
    pub source: String,
    pub read: ReadSpec,
    pub place: PlaceSpec,
    pub year: YearAt,
    pub indicator: IndicatorAt,
    pub value: Option<(Named, Option<Named>)>,
    /// By code folded ([`fold_code`]).
    pub codes: BTreeMap<String, CodeSpec>,
    /// Codes whose rows or columns are left out, as the recipe writes them.
    pub skip_codes: Vec<String>,
    pub groups: Vec<GroupSpec>,
}

/// What a recipe is checked against.
pub(super) struct Vocabulary<'a> {
    pub indicators: &'a [String],
    pub sources: &'a [String],
    pub groups: &'a Groups,
    /// Whether `data/places/{name}.toml` is a place file.
    pub place_exists: &'a dyn Fn(&str) -> bool,
}

/// A code as compared: case and runs of spaces do not tell two codes apart (`DENSITY OF
/// DOCTORS AND  ASSISTANT` is written with two spaces one year and one the next).
pub(super) fn fold_code(code: &str) -> String {
    code.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Whether a cell of the place column marks a group of countries.
pub(super) fn is_aggregate(patterns: &[String], cell: &str) -> bool {
    let cell = cell.trim();
    patterns.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => cell.starts_with(prefix),
        None => cell == p,
    })
}

impl Recipe {
    pub fn load(path: &Path, vocabulary: &Vocabulary) -> Result<Recipe, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let shown = path.display().to_string();
        let file: RecipeFile = toml::from_str(&text).map_err(|e| {
            let mut diags = Diagnostics::default();
            diags.push(toml_problem(&shown, &text, &e));
            Error::Site(diags)
        })?;
        let mut check = Check { shown: &shown, text: &text, diags: Diagnostics::default() };
        let recipe = check.recipe(file, path, vocabulary);
        match recipe {
            Some(recipe) if !check.diags.has_errors() => Ok(recipe),
            _ => Err(Error::Site(check.diags)),
        }
    }

    /// A problem with what the recipe says at `span`.
    pub fn problem(&self, span: Range<usize>, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.path.display().to_string(), message).at(&self.text, span).help(help)
    }
}

/// A TOML error of a recipe; an unknown key gets the key it probably is.
fn toml_problem(shown: &str, text: &str, err: &toml::de::Error) -> Diagnostic {
    let d = crate::files::toml_error(shown, text, err);
    let message = err.message();
    let Some(rest) = message.strip_prefix("unknown field `") else { return d };
    let Some((wrong, expected)) = rest.split_once('`') else { return d };
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let list = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    let help = match closest(wrong, known.iter().copied()) {
        Some(close) => format!("did you mean `{close}`? The keys allowed here are {list}; README.md explains each"),
        None => format!("the keys allowed here are {list}; README.md explains each"),
    };
    Diagnostic { help: Some(help), ..d }
}

struct Check<'a> {
    shown: &'a str,
    text: &'a str,
    diags: Diagnostics,
}

impl Check<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>, help: impl Into<String>) {
        self.diags.push(Diagnostic::error(self.shown, message).at(self.text, span).help(help));
    }

    fn missing(&mut self, key: &str, help: &str) {
        self.diags.push(Diagnostic::error(self.shown, format!("the recipe has no {key}")).help(help));
    }

    fn recipe(&mut self, file: RecipeFile, path: &Path, vocabulary: &Vocabulary) -> Option<Recipe> {
        let source = self.source(file.source, vocabulary);
        let read = self.read(file.read);
        let place = match file.place {
            Some(p) => self.place(p, vocabulary),
            None => {
                self.missing("[place]", "add a [place] table saying which column holds the places (column = \"...\") or that the columns are places (columns = [...])");
                None
            }
        };
        let year = match file.year {
            Some(y) => self.year(y),
            None => {
                self.missing("[year]", "add a [year] table: column = \"...\", columns = [...] or fixed = 2020");
                None
            }
        };
        let (codes, skip_codes) = self.codes(
            file.codes,
            file.indicator.as_ref().map(|i| i.get_ref().skip.clone()).unwrap_or_default(),
            vocabulary,
        );
        let indicator = match file.indicator {
            Some(i) => self.indicator(i, &codes),
            None => {
                self.missing("[indicator]", "add an [indicator] table: column = \"...\" (a column of codes), columns = \"others\" (a column per indicator) or fixed = \"CODE\"");
                None
            }
        };
        let value = file.value.map(|v| {
            let v = v.into_inner();
            (named(v.column), v.n_column.map(named))
        });
        let groups = file.groups.into_iter().filter_map(|g| self.group(g, vocabulary)).collect();
        let (place, year, indicator) = (place?, year?, indicator?);
        self.one_across(&place, &year, &indicator, value.as_ref());
        Some(Recipe {
            path: path.to_path_buf(),
            text: self.text.to_string(),
            source: source?,
            read: read?,
            place,
            year,
            indicator,
            value,
            codes,
            skip_codes,
            groups,
        })
    }

    fn source(&mut self, source: Option<Spanned<String>>, vocabulary: &Vocabulary) -> Option<String> {
        let Some(source) = source else {
            self.missing(
                "source",
                "add source = \"...\" at the top, the id of the source in data/sources.toml the values come from",
            );
            return None;
        };
        if vocabulary.sources.iter().any(|s| s == source.get_ref()) {
            return Some(source.into_inner());
        }
        let help = match closest(source.get_ref(), vocabulary.sources.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`? A source is one of data/sources.toml; add it there with its name and licence if it is new"),
            None => "add the source to data/sources.toml with its name, publisher and licence, and write its id here".to_string(),
        };
        self.error(source.span(), format!("the source `{}` is not in data/sources.toml", source.get_ref()), help);
        None
    }

    fn read(&mut self, read: ReadFile) -> Option<ReadSpec> {
        let mut ok = true;
        let delimiter = match read.delimiter {
            None => b',',
            Some(d) => match d.get_ref().as_str() {
                "tab" | "\t" => b'\t',
                one if one.len() == 1 && one.is_ascii() && !one.contains(['"', '\n', '\r']) => one.as_bytes()[0],
                _ => {
                    self.error(
                        d.span(),
                        format!("{:?} is not a separator salud can use", d.get_ref()),
                        "write one character, e.g. delimiter = \";\", or delimiter = \"tab\"",
                    );
                    ok = false;
                    b','
                }
            },
        };
        let encoding = match read.encoding {
            None => Encoding::Utf8Strict,
            Some(e) => match e.get_ref().to_lowercase().replace('_', "-").as_str() {
                "utf-8" | "utf8" | "utf-8-bom" | "utf-8 with bom" => Encoding::Utf8Strict,
                "latin-1" | "latin1" | "iso-8859-1" | "windows-1252" | "cp1252" => Encoding::Windows1252,
                other => {
                    self.error(e.span(), format!("salud does not read the encoding `{other}`"), "write encoding = \"utf-8\" (with or without a byte-order mark) or encoding = \"windows-1252\" (also called Latin-1); a spreadsheet program can save a file in either");
                    ok = false;
                    Encoding::Utf8Strict
                }
            },
        };
        let mut row = |value: Option<Spanned<i64>>, key: &str, least: i64, default: u64| match value {
            None => Some(default),
            Some(v) if *v.get_ref() >= least => Some(*v.get_ref() as u64),
            Some(v) => {
                self.error(
                    v.span(),
                    format!("{key} = {} is not a row", v.get_ref()),
                    format!("{key} counts rows as the file shows them, from {least}"),
                );
                None
            }
        };
        let header_row = row(read.header_row, "header_row", 1, 1);
        let skip_rows = row(read.skip_rows, "skip_rows", 0, 0);
        Some(ReadSpec {
            delimiter,
            encoding,
            header_row: header_row?,
            skip_rows: skip_rows?,
            sheet: read.sheet.map(named),
            no_data: read.no_data,
        })
        .filter(|_| ok)
    }

    fn columns(&mut self, value: Spanned<toml::Value>) -> Option<Columns> {
        let span = value.span();
        let at = |text: &str| Named { name: text.to_string(), span: span.clone() };
        let columns = match value.get_ref() {
            toml::Value::String(s) if s.eq_ignore_ascii_case("others") => Some(Columns::Others { span: span.clone() }),
            toml::Value::Array(items) => {
                let names: Option<Vec<Named>> = items.iter().map(|i| i.as_str().map(at)).collect();
                names.filter(|n| !n.is_empty()).map(Columns::List)
            }
            toml::Value::Table(t) if t.len() == 2 => {
                match (t.get("from").and_then(|v| v.as_str()), t.get("to").and_then(|v| v.as_str())) {
                    (Some(from), Some(to)) => Some(Columns::Range { from: at(from), to: at(to) }),
                    _ => None,
                }
            }
            _ => None,
        };
        if columns.is_none() {
            self.error(span, "this is not a way to name columns", "write a list of column names, columns = [\"ARUSHA\", \"DODOMA\"]; a range, columns = { from = \"ARUSHA\", to = \"SIMIYU\" }; or columns = \"others\" for every column not named elsewhere in the recipe");
        }
        columns
    }

    /// `column` or `columns`, exactly one.
    fn column_or_columns(
        &mut self,
        table: &str,
        span: Range<usize>,
        column: Option<Spanned<String>>,
        columns: Option<Spanned<toml::Value>>,
        fixed: bool,
    ) -> Option<Result<Named, Columns>> {
        match (column, columns) {
            (Some(c), None) => Some(Ok(named(c))),
            (None, Some(c)) => self.columns(c).map(Err),
            (Some(c), Some(_)) => {
                self.error(c.span(), format!("[{table}] has both column and columns"), format!("the {table} is either in one column of each row (column = \"...\") or in the columns' names (columns = [...]): keep one"));
                None
            }
            (None, None) if fixed => None,
            (None, None) => {
                self.error(span, format!("[{table}] says neither column nor columns"), format!("write column = \"...\" for a column that holds the {table} of each row, or columns = [...] when each column is one {table}"));
                None
            }
        }
    }

    fn place(&mut self, place: Spanned<PlaceFile>, vocabulary: &Vocabulary) -> Option<PlaceSpec> {
        let span = place.span();
        let place = place.into_inner();
        let at = match self.column_or_columns("place", span, place.column, place.columns, false)? {
            Ok(column) => PlaceAt::Column(column),
            Err(columns) => PlaceAt::Columns(columns),
        };
        let within = match place.within {
            Some(w) if (vocabulary.place_exists)(w.get_ref()) => Some(w.into_inner()),
            Some(w) => {
                self.error(w.span(), format!("there is no place file data/places/{}.toml", w.get_ref()), "within is the file name, without .toml, of the place the file's places are inside, e.g. within = \"tanzania\"");
                return None;
            }
            None => None,
        };
        let mut aliases = BTreeMap::new();
        for (alias, target) in place.aliases {
            let relative = match &within {
                Some(w) if !target.get_ref().contains('/') => format!("{w}/{}", target.get_ref()),
                _ => target.get_ref().clone(),
            };
            if !(vocabulary.place_exists)(&relative) {
                let help = format!(
                    "an alias names a place by its file in data/places/ without .toml{}",
                    if within.is_some() { ", inside the place of `within`" } else { "" }
                );
                self.error(target.span(), format!("there is no place file data/places/{relative}.toml"), help);
                continue;
            }
            aliases.insert(alias, format!("{}/{relative}.toml", crate::data::PLACES_DIR));
        }
        Some(PlaceSpec {
            at,
            name_column: place.name_column.map(named),
            within,
            aggregates: place.aggregates,
            skip: place.skip.iter().map(|s| slugify(s)).collect(),
            aliases,
        })
    }

    fn year(&mut self, year: Spanned<AtFile>) -> Option<YearAt> {
        let span = year.span();
        let year = year.into_inner();
        if let Some(s) = year.skip.first() {
            self.error(
                span.clone(),
                format!("[year] has skip = [\"{s}\", ...]"),
                "skip lists codes under [indicator] and places under [place]",
            );
        }
        let fixed = year.fixed.map(|f| {
            let y = f.get_ref().as_integer().filter(|y| (1000..=9999).contains(y));
            (f.span(), y)
        });
        let at = self.column_or_columns("year", span.clone(), year.column, year.columns, fixed.is_some());
        match (at, fixed) {
            (Some(_), Some((span, _))) => {
                self.error(
                    span,
                    "[year] gives both a fixed year and where the years are",
                    "keep fixed = YEAR if the whole file is one year, or the column(s) if it says its years",
                );
                None
            }
            (None, Some((_, Some(y)))) => Some(YearAt::Fixed(y as i32)),
            (None, Some((span, None))) => {
                self.error(
                    span,
                    "fixed is not a year",
                    "write the year with four digits, without quotes: fixed = 2014",
                );
                None
            }
            (Some(Ok(column)), None) => Some(YearAt::Column(column)),
            (Some(Err(columns)), None) => Some(YearAt::Columns(columns)),
            (None, None) => None,
        }
    }

    fn indicator(&mut self, indicator: Spanned<AtFile>, codes: &BTreeMap<String, CodeSpec>) -> Option<IndicatorAt> {
        let span = indicator.span();
        let indicator = indicator.into_inner();
        let fixed = indicator.fixed.map(|f| (f.span(), f.get_ref().as_str().map(str::to_string)));
        let at = self.column_or_columns("indicator", span, indicator.column, indicator.columns, fixed.is_some());
        match (at, fixed) {
            (Some(_), Some((span, _))) => {
                self.error(span, "[indicator] gives both a fixed code and where the codes are", "keep fixed = \"CODE\" if the whole file is one indicator, or the column(s) if it names its indicators");
                None
            }
            (None, Some((span, Some(code)))) if codes.contains_key(&fold_code(&code)) => {
                let _ = span;
                Some(IndicatorAt::Fixed(fold_code(&code)))
            }
            (None, Some((span, code))) => {
                self.error(
                    span,
                    format!(
                        "fixed = {} is not a code of [codes]",
                        code.map_or("this".to_string(), |c| format!("\"{c}\""))
                    ),
                    "write the code in quotes and give it its indicator under [codes]",
                );
                None
            }
            (Some(Ok(column)), None) => Some(IndicatorAt::Column(column)),
            (Some(Err(columns)), None) => Some(IndicatorAt::Columns(columns)),
            (None, None) => None,
        }
    }

    fn codes(
        &mut self,
        codes: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
        skip: Vec<String>,
        vocabulary: &Vocabulary,
    ) -> (BTreeMap<String, CodeSpec>, Vec<String>) {
        let mut out = BTreeMap::new();
        let mut entries: Vec<_> = codes.into_iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        for (code, spec) in entries {
            let span = spec.span();
            let (indicator, multiply, from_unit) = match spec.get_ref() {
                toml::Value::String(s) => (Some(s.clone()), Some(1), None),
                toml::Value::Table(t) => {
                    let unknown: Vec<&String> =
                        t.keys().filter(|k| !["indicator", "multiply", "from_unit"].contains(&k.as_str())).collect();
                    if let Some(k) = unknown.first() {
                        let help = match closest(k, ["indicator", "multiply", "from_unit"].into_iter()) {
                            Some(close) => format!("did you mean `{close}`? A code is given as {{ indicator = \"...\", multiply = 10, from_unit = \"per 1,000 people\" }}"),
                            None => "a code is given as { indicator = \"...\", multiply = 10, from_unit = \"per 1,000 people\" }".to_string(),
                        };
                        self.error(
                            span.clone(),
                            format!("unknown key `{k}` for the code \"{}\"", code.get_ref()),
                            help,
                        );
                        continue;
                    }
                    (
                        t.get("indicator").and_then(|v| v.as_str()).map(str::to_string),
                        t.get("multiply").map_or(Some(1), |m| m.as_integer()),
                        t.get("from_unit").and_then(|v| v.as_str()).map(str::to_string),
                    )
                }
                _ => (None, Some(1), None),
            };
            let Some(indicator) = indicator else {
                self.error(span, format!("the code \"{}\" names no indicator", code.get_ref()), "write \"CODE\" = \"indicator_id\", or \"CODE\" = { indicator = \"indicator_id\", multiply = 10, from_unit = \"per 1,000 people\" }");
                continue;
            };
            let Some(n) = vocabulary.indicators.iter().position(|i| *i == indicator) else {
                let help = match closest(&indicator, vocabulary.indicators.iter().map(String::as_str)) {
                    Some(close) => format!("did you mean `{close}`? Codes map to indicators of data/indicators.toml"),
                    None => "codes map to indicators of data/indicators.toml: add the indicator there with its definition if it is new".to_string(),
                };
                self.error(span, format!("no indicator `{indicator}` in data/indicators.toml"), help);
                continue;
            };
            let power = match multiply {
                Some(1) => 0,
                Some(m) => match CONVERSION_FACTORS.iter().position(|f| i64::from(*f) == m) {
                    Some(i) => i as u32 + 1,
                    None => {
                        self.error(span, format!("multiply = {m} is not a factor salud converts by"), "values are converted exactly by 10, 100, 1000 or 10000 (e.g. per 1,000 people to per 10,000); leave multiply out when the file's unit is the indicator's");
                        continue;
                    }
                },
                None => {
                    self.error(
                        span,
                        "multiply is not a whole number",
                        "write multiply = 10, 100, 1000 or 10000, without quotes",
                    );
                    continue;
                }
            };
            if power > 0 && from_unit.is_none() {
                self.error(span, format!("the code \"{}\" is multiplied but says not from which unit", code.get_ref()), "add from_unit = \"...\", the file's unit (e.g. \"per 1,000 people\"), which pages show beside the converted values");
                continue;
            }
            let folded = fold_code(code.get_ref());
            if out.contains_key(&folded) {
                self.error(
                    code.span(),
                    format!("the code \"{}\" is given twice", code.get_ref()),
                    "codes are compared without letter case or repeated spaces; keep one",
                );
                continue;
            }
            out.insert(folded, CodeSpec { code: code.into_inner(), indicator: n as u32, power, from_unit });
        }
        (out, skip)
    }

    fn group(&mut self, group: Spanned<GroupFile>, vocabulary: &Vocabulary) -> Option<GroupSpec> {
        let group = group.into_inner();
        let dimension = group.dimension.get_ref().clone();
        let mut values = BTreeMap::new();
        let mut ok = true;
        for (cell, value) in group.values {
            if value.get_ref() == "total" {
                values.insert(cell.trim().to_string(), None);
                continue;
            }
            match vocabulary.groups.parse(&dimension, value.get_ref()) {
                Ok(g) => {
                    values.insert(cell.trim().to_string(), Some(g.value));
                }
                Err(problem) => {
                    let help = format!("{}; write \"total\" for the rows about everyone", problem.help);
                    let known = crate::data::Dimension::parse(&dimension).is_some();
                    let span = if known { value.span() } else { group.dimension.span() };
                    self.error(span, problem.message, help);
                    ok = false;
                    if !known {
                        break;
                    }
                }
            }
        }
        ok.then(|| GroupSpec { column: named(group.column), dimension, values })
    }

    /// One of place, year and indicator may be in the columns, and then the values are in
    /// those columns; otherwise [value] says which column holds them.
    fn one_across(
        &mut self,
        place: &PlaceSpec,
        year: &YearAt,
        indicator: &IndicatorAt,
        value: Option<&(Named, Option<Named>)>,
    ) {
        let across: Vec<(&str, Range<usize>)> = [
            match &place.at {
                PlaceAt::Columns(c) => Some(("place", columns_span(c))),
                PlaceAt::Column(_) => None,
            },
            match year {
                YearAt::Columns(c) => Some(("year", columns_span(c))),
                _ => None,
            },
            match indicator {
                IndicatorAt::Columns(c) => Some(("indicator", columns_span(c))),
                _ => None,
            },
        ]
        .into_iter()
        .flatten()
        .collect();
        match (across.as_slice(), value) {
            ([], None) => self.missing("[value]", "say which column holds the values: [value] column = \"...\" (or, when each column is a place, a year or an indicator, say so with columns = under [place], [year] or [indicator])"),
            ([(what, _)], Some((v, _))) => self.error(v.span.clone(), format!("the values are in the {what} columns, so [value] has nothing to say"), format!("remove [value], or say where the {what} is with column = instead of columns =")),
            ([_, (second, span), ..], _) => self.error(span.clone(), format!("the {second} is in the columns too"), "only one of place, year and indicator can be in the columns' names: the values are in those columns; say where the others are with column = \"...\""),
            _ => {}
        }
    }
}

fn columns_span(columns: &Columns) -> Range<usize> {
    match columns {
        Columns::List(list) => list.first().map(|n| n.span.clone()).unwrap_or(0..0),
        Columns::Range { from, .. } => from.span.clone(),
        Columns::Others { span } => span.clone(),
    }
}

fn named(s: Spanned<String>) -> Named {
    let span = s.span();
    Named { name: s.into_inner(), span }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Recipe, String> {
        let path = std::env::temp_dir().join(format!("salud-recipe-{}-{}.toml", std::process::id(), text.len()));
        std::fs::write(&path, text).unwrap();
        let indicators = ["physicians_density".to_string(), "under5_mortality".to_string()];
        let sources = ["wdi".to_string(), "tnbs".to_string()];
        let groups = Groups::default();
        let exists = |p: &str| p == "tanzania" || p == "tanzania/arusha";
        let vocabulary =
            Vocabulary { indicators: &indicators, sources: &sources, groups: &groups, place_exists: &exists };
        let result = Recipe::load(&path, &vocabulary).map_err(|e| e.to_string());
        std::fs::remove_file(&path).unwrap();
        result
    }

    const GOOD: &str = "source = \"tnbs\"\n\n[read]\nno_data = [\"0\"]\n\n[place]\ncolumns = { from = \"ARUSHA\", to = \"SIMIYU\" }\nwithin = \"tanzania\"\n\n[year]\ncolumn = \"YEAR\"\n\n[indicator]\ncolumn = \"HEALTH WORKERS\"\nskip = [\"TOTAL POPULATION\"]\n\n[codes]\n\"DENSITY OF DOCTORS\" = \"physicians_density\"\n\"Per 1000\" = { indicator = \"physicians_density\", multiply = 10, from_unit = \"per 1,000 people\" }\n";

    #[test]
    fn a_recipe_is_read_into_its_typed_model() {
        let recipe = load(GOOD).unwrap();
        assert!(matches!(recipe.place.at, PlaceAt::Columns(Columns::Range { .. })));
        assert!(matches!(&recipe.year, YearAt::Column(c) if c.name == "YEAR"));
        assert!(matches!(&recipe.indicator, IndicatorAt::Column(c) if c.name == "HEALTH WORKERS"));
        assert_eq!(recipe.codes["density of doctors"].power, 0);
        assert_eq!(recipe.codes["per 1000"].power, 1);
        assert_eq!(recipe.skip_codes, ["TOTAL POPULATION"]);
        assert_eq!(recipe.read.encoding, Encoding::Utf8Strict);
    }

    #[test]
    fn unknown_keys_are_errors_with_their_line_and_the_key_meant() {
        let err = load(&GOOD.replace("[read]\n", "[read]\ndelimitter = \";\"\n")).unwrap_err();
        assert!(err.contains("unknown field `delimitter`"), "{err}");
        assert!(err.contains(":4:1"), "{err}");
        assert!(err.contains("did you mean `delimiter`?"), "{err}");
    }

    #[test]
    fn mistakes_are_reported_together_with_their_lines() {
        let bad = GOOD
            .replace("source = \"tnbs\"", "source = \"tnb\"")
            .replace("= \"physicians_density\"\n", "= \"physician_density\"\n")
            .replace("within = \"tanzania\"", "within = \"tanzana\"");
        let err = load(&bad).unwrap_err();
        assert!(
            err.contains("the source `tnb` is not in data/sources.toml") && err.contains("did you mean `tnbs`?"),
            "{err}"
        );
        assert!(
            err.contains("no indicator `physician_density`") && err.contains("did you mean `physicians_density`?"),
            "{err}"
        );
        assert!(err.contains("there is no place file data/places/tanzana.toml"), "{err}");
        let err = load(
            &GOOD
                .replace("[value]", "")
                .replace("columns = { from = \"ARUSHA\", to = \"SIMIYU\" }", "column = \"Region\""),
        )
        .unwrap_err();
        assert!(err.contains("the recipe has no [value]"), "{err}");
        let err = load(&GOOD.replace("column = \"YEAR\"", "columns = \"others\"")).unwrap_err();
        assert!(err.contains("the year is in the columns too"), "{err}");
        let err = load(&GOOD.replace("multiply = 10", "multiply = 12")).unwrap_err();
        assert!(err.contains("multiply = 12 is not a factor"), "{err}");
    }

    #[test]
    fn aggregates_are_codes_or_prefixes() {
        let patterns = ["OWID_*".to_string(), String::new()];
        assert!(is_aggregate(&patterns, "OWID_WRL"));
        assert!(is_aggregate(&patterns, ""));
        assert!(!is_aggregate(&patterns, "PER"));
        assert_eq!(fold_code("DENSITY OF  DOCTORS "), "density of doctors");
    }
}
