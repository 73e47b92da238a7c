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
//! - Peru's ENDES department series (`año,ambito,region_codigo,...`): one column per measure,
//!   departments become regions inside `--parent`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use toml_edit::{value, ArrayOfTables, DocumentMut, Item, Table};

use crate::data::{CodeMap, Data, Indicator};
use crate::diagnostic::Diagnostics;
use crate::error::Error;
use crate::format::{shift_decimal, slugify};

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub root: PathBuf,
    pub files: Vec<PathBuf>,
    pub source: Option<String>,
    pub include_aggregates: bool,
    pub parent: Option<String>,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub files: usize,
    pub places_created: usize,
    pub places_changed: usize,
    pub added: usize,
    pub unchanged: usize,
    pub skipped_aggregates: usize,
    /// One line per value that differs from the one already in the data, which was kept.
    pub conflicts: Vec<String>,
}

impl ImportReport {
    pub fn summary(&self) -> String {
        format!(
            "Imported {} {}: {} values added, {} already present, {} conflicts kept as they were; {} places created, {} changed; {} rows of country groups skipped",
            self.files,
            if self.files == 1 { "file" } else { "files" },
            self.added, self.unchanged, self.conflicts.len(), self.places_created, self.places_changed, self.skipped_aggregates
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    WorldBankWide,
    WorldBankLong,
    WhoGho,
    EndesDepartments,
}

impl Layout {
    fn default_source(self) -> &'static str {
        match self {
            Layout::WorldBankWide | Layout::WorldBankLong => "wdi",
            Layout::WhoGho => "who-ghed",
            Layout::EndesDepartments => "endes",
        }
    }
}

/// Where a row's value belongs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
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

#[derive(Debug)]
struct Record {
    target: Target,
    code: String,
    year: i32,
    /// The number exactly as the file writes it.
    text: String,
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

pub fn import(options: &ImportOptions) -> Result<ImportReport, Error> {
    let root = &options.root;
    let mut diags = Diagnostics::default();
    let catalogue = Data::load_catalogue(root, &mut diags);
    let sources = Data::load_sources(root, &mut diags);
    let (Some(catalogue), Some(sources)) = (catalogue, sources) else {
        return Err(Error::Site(diags));
    };
    let codes: BTreeMap<&str, (&Indicator, &CodeMap)> =
        catalogue.iter().flat_map(|i| i.codes.iter().map(move |c| (c.code.as_str(), (i, c)))).collect();

    let mut store = PlaceStore::open(root)?;
    let mut report = ImportReport::default();
    let mut batches = Vec::new();
    for file in &options.files {
        let (layout, records, skipped) = read_file(file, options.include_aggregates)?;
        report.skipped_aggregates += skipped;
        let source = options.source.clone().unwrap_or_else(|| layout.default_source().to_string());
        if !sources.contains_key(&source) {
            return Err(Error::Import(format!(
                "{}: the source `{source}` is not in data/sources.toml; add it there with its name and licence, or choose another with --source",
                file.display()
            )));
        }
        let unknown: BTreeSet<&str> =
            records.iter().map(|r| r.code.as_str()).filter(|c| !codes.contains_key(c)).collect();
        if !unknown.is_empty() {
            let list = unknown.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
            return Err(Error::Import(format!(
                "{}: no indicator of data/indicators.toml has the code {list}; add it to the `codes` of the matching indicator, e.g. codes = [{}]",
                file.display(),
                unknown.iter().next().map(|c| format!("\"{c}\"")).unwrap_or_default()
            )));
        }
        if layout == Layout::EndesDepartments && options.parent.is_none() {
            return Err(Error::Import(format!(
                "{}: this file gives values by department; say which place they are inside with --parent (e.g. --parent peru)",
                file.display()
            )));
        }
        batches.push((file, source, records));
    }

    for (file, source, records) in batches {
        report.files += 1;
        for record in records {
            let (indicator, map) = codes[record.code.as_str()];
            let rel = store.resolve(&record.target, options.parent.as_deref(), &mut report)?;
            let text = match shift_decimal(&record.text, map.scale_power) {
                Some(t) => t,
                None => continue,
            };
            let note = map.from_unit.as_ref().filter(|_| map.scale_power > 0).map(|unit| {
                format!("Converted from the source's {unit} (multiplied by {}).", 10u32.pow(map.scale_power))
            });
            store.merge(&rel, &indicator.id, &source, note, record.year, &text, file, &mut report);
        }
    }
    report.places_changed = store.dirty.len() - report.places_created.min(store.dirty.len());
    store.write()?;
    Ok(report)
}

fn read_file(path: &Path, include_aggregates: bool) -> Result<(Layout, Vec<Record>, usize), Error> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let first = text.lines().next().unwrap_or("");
    let layout = if first.starts_with("\"Data Source\"") {
        Layout::WorldBankWide
    } else if first.trim() == "Country Name,Country Code,Year,Value" {
        Layout::WorldBankLong
    } else if first.starts_with("Id,IndicatorCode,SpatialDimension") {
        Layout::WhoGho
    } else if first.starts_with("año,ambito,region_codigo,region_nombre,area") {
        Layout::EndesDepartments
    } else {
        return Err(Error::Import(format!(
            "{}: salud does not recognise this file's layout (it starts with {first:?}); it reads World Bank downloads, WHO GHO exports and ENDES department series",
            path.display()
        )));
    };
    let rows = csv_rows(text, path)?;
    let bad = |what: &str| Error::Import(format!("{}: {what}", path.display()));
    let mut records = Vec::new();
    let mut skipped = 0;
    match layout {
        Layout::WorldBankWide => {
            let start = rows
                .iter()
                .position(|r| r.first().map(String::as_str) == Some("Country Name"))
                .ok_or_else(|| bad("no header row starting with \"Country Name\""))?;
            let header = &rows[start];
            let regions = world_bank_regions(path)?;
            for row in &rows[start + 1..] {
                let (Some(name), Some(iso3), Some(code)) = (row.first(), row.get(1), row.get(3)) else { continue };
                let region = regions.get(iso3).cloned();
                let aggregate = match &region {
                    Some(r) => r.is_empty(),
                    None => WORLD_BANK_AGGREGATES.contains(&iso3.as_str()),
                };
                if aggregate && !include_aggregates {
                    skipped += 1;
                    continue;
                }
                for (col, cell) in row.iter().enumerate().skip(4) {
                    let Some(year) = header.get(col).and_then(|y| y.parse::<i32>().ok()) else { continue };
                    if cell.trim().is_empty() {
                        continue;
                    }
                    records.push(Record {
                        target: Target::Country {
                            iso3: iso3.clone(),
                            name: name.clone(),
                            region: region.clone().filter(|r| !r.is_empty()),
                            aggregate,
                        },
                        code: code.clone(),
                        year,
                        text: cell.trim().to_string(),
                    });
                }
            }
        }
        Layout::WorldBankLong => {
            let code = datapackage_code(path)?;
            for row in rows.iter().skip(1) {
                let [name, iso3, year, cell] = &row[..] else { continue };
                let aggregate = WORLD_BANK_AGGREGATES.contains(&iso3.as_str());
                if aggregate && !include_aggregates {
                    skipped += 1;
                    continue;
                }
                let year = year.parse::<i32>().map_err(|_| bad(&format!("\"{year}\" is not a year")))?;
                records.push(Record {
                    target: Target::Country { iso3: iso3.clone(), name: name.clone(), region: None, aggregate },
                    code: code.clone(),
                    year,
                    text: cell.trim().to_string(),
                });
            }
        }
        Layout::WhoGho => {
            let header = &rows[0];
            let col =
                |name: &str| header.iter().position(|h| h == name).ok_or_else(|| bad(&format!("no column {name}")));
            let (c_code, c_dim, c_place, c_year, c_value) = (
                col("IndicatorCode")?,
                col("SpatialDimension")?,
                col("SpatialDimensionValueCode")?,
                col("TimeDim")?,
                col("NumericValue")?,
            );
            let names = who_country_names(path)?;
            for row in rows.iter().skip(1) {
                let get = |i: usize| row.get(i).map(String::as_str).unwrap_or("");
                let aggregate = get(c_dim) != "COUNTRY";
                if aggregate && !include_aggregates {
                    skipped += 1;
                    continue;
                }
                if get(c_value).trim().is_empty() {
                    continue;
                }
                let iso3 = get(c_place).to_string();
                let year =
                    get(c_year).parse::<i32>().map_err(|_| bad(&format!("\"{}\" is not a year", get(c_year))))?;
                records.push(Record {
                    target: Target::Country {
                        name: names.get(&iso3).cloned().unwrap_or_else(|| iso3.clone()),
                        iso3,
                        region: None,
                        aggregate,
                    },
                    code: get(c_code).to_string(),
                    year,
                    text: get(c_value).trim().to_string(),
                });
            }
        }
        Layout::EndesDepartments => {
            let header = &rows[0];
            for row in rows.iter().skip(1) {
                let get = |i: usize| row.get(i).map(String::as_str).unwrap_or("");
                if get(4) != "Total" {
                    continue;
                }
                let year = get(0).parse::<i32>().map_err(|_| bad(&format!("\"{}\" is not a year", get(0))))?;
                let target =
                    if get(1) == "Nacional" { Target::Parent } else { Target::Child { name: get(3).to_string() } };
                for (i, name) in header.iter().enumerate() {
                    if !name.ends_with("_pct") || get(i).trim().is_empty() {
                        continue;
                    }
                    records.push(Record {
                        target: target.clone(),
                        code: name.clone(),
                        year,
                        text: get(i).trim().to_string(),
                    });
                }
            }
        }
    }
    Ok((layout, records, skipped))
}

fn csv_rows(text: &str, path: &Path) -> Result<Vec<Vec<String>>, Error> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.map(|rec| rec.iter().map(str::to_string).collect()))
        .collect::<Result<_, _>>()
        .map_err(|e| Error::Import(format!("{}: not a readable CSV file: {e}", path.display())))
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
    let bytes = fs::read(meta).map_err(|e| Error::io(meta, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let rows = csv_rows(text.strip_prefix('\u{feff}').unwrap_or(&text), meta)?;
    Ok(rows.iter().skip(1).filter_map(|r| Some((r.first()?.clone(), r.get(1)?.clone()))).collect())
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
    let text = fs::read_to_string(&codes).map_err(|e| Error::io(&codes, e))?;
    let rows = csv_rows(&text, &codes)?;
    Ok(rows.iter().skip(1).filter_map(|r| Some((r.get(1)?.clone(), r.get(2)?.clone()))).collect())
}

/// The place files, edited in memory with their comments and layout kept, written at the end.
struct PlaceStore {
    root: PathBuf,
    docs: BTreeMap<String, DocumentMut>,
    by_iso3: BTreeMap<String, String>,
    dirty: BTreeSet<String>,
}

impl PlaceStore {
    fn open(root: &Path) -> Result<PlaceStore, Error> {
        let mut store = PlaceStore {
            root: root.to_path_buf(),
            docs: BTreeMap::new(),
            by_iso3: BTreeMap::new(),
            dirty: BTreeSet::new(),
        };
        let dir = root.join(crate::data::PLACES_DIR);
        if !dir.is_dir() {
            return Ok(store);
        }
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| Error::Import(e.to_string()))?;
            if !entry.file_type().is_file() || entry.path().extension().and_then(|e| e.to_str()) != Some("toml") {
                continue;
            }
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            let text = fs::read_to_string(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            let doc: DocumentMut = text.parse().map_err(|e| {
                Error::Import(format!(
                    "{rel} is not valid TOML ({e}); run salud build to see where, fix it, then import again"
                ))
            })?;
            if let Some(iso3) = doc.get("iso3").and_then(Item::as_str) {
                store.by_iso3.insert(iso3.to_string(), rel.clone());
            }
            store.docs.insert(rel, doc);
        }
        Ok(store)
    }

    /// The file a record's place lives in, creating the place when it is new.
    fn resolve(&mut self, target: &Target, parent: Option<&str>, report: &mut ImportReport) -> Result<String, Error> {
        let (rel, fields): (String, Vec<(&str, String)>) = match target {
            Target::Country { iso3, name, region, aggregate } => {
                if let Some(rel) = self.by_iso3.get(iso3) {
                    return Ok(rel.clone());
                }
                let kind = if *aggregate { "aggregate" } else { "country" };
                // Aggregate codes (WB_LMI, AMR) are not ISO 3166 codes, so they are not kept as iso3.
                let mut fields = vec![("name", name.clone())];
                if !*aggregate {
                    fields.push(("iso3", iso3.clone()));
                }
                fields.push(("kind", kind.to_string()));
                if let Some(r) = region {
                    fields.push(("region", r.clone()));
                }
                (format!("{}/{}.toml", crate::data::PLACES_DIR, slugify(name)), fields)
            }
            Target::Parent => (format!("{}/{}.toml", crate::data::PLACES_DIR, parent.unwrap_or_default()), Vec::new()),
            Target::Child { name } => (
                format!("{}/{}/{}.toml", crate::data::PLACES_DIR, parent.unwrap_or_default(), slugify(name)),
                vec![("name", name.clone()), ("kind", "region".to_string())],
            ),
        };
        if !self.docs.contains_key(&rel) {
            if fields.is_empty() {
                return Err(Error::Import(format!(
                    "the place file {rel} does not exist; create it before importing its data"
                )));
            }
            let mut doc = DocumentMut::new();
            for (key, text) in &fields {
                doc[key] = value(text.as_str());
            }
            if let Target::Country { iso3, .. } = target {
                self.by_iso3.insert(iso3.clone(), rel.clone());
            }
            self.docs.insert(rel.clone(), doc);
            self.dirty.insert(rel.clone());
            report.places_created += 1;
        }
        Ok(rel)
    }

    #[allow(clippy::too_many_arguments)]
    fn merge(
        &mut self,
        rel: &str,
        indicator: &str,
        source: &str,
        note: Option<String>,
        year: i32,
        text: &str,
        file: &Path,
        report: &mut ImportReport,
    ) {
        let Ok(number) = text.parse::<f64>() else { return };
        let doc = self.docs.get_mut(rel).expect("resolved places are loaded");
        if doc.get("series").is_none() {
            doc.insert("series", Item::ArrayOfTables(ArrayOfTables::new()));
        }
        let Some(all) = doc["series"].as_array_of_tables_mut() else { return };
        let position = all.iter().position(|t| {
            t.get("indicator").and_then(Item::as_str) == Some(indicator)
                && t.get("source").and_then(Item::as_str) == Some(source)
        });
        let series = match position {
            Some(i) => all.get_mut(i).expect("position is in range"),
            None => {
                let mut t = Table::new();
                t["indicator"] = value(indicator);
                t["source"] = value(source);
                if let Some(note) = &note {
                    t["note"] = value(note.as_str());
                }
                t.insert("values", Item::Table(Table::new()));
                all.push(t);
                all.get_mut(all.len() - 1).expect("just pushed")
            }
        };
        if series.get("values").is_none() {
            series.insert("values", Item::Table(Table::new()));
        }
        let Some(values) = series["values"].as_table_like_mut() else { return };
        let key = year.to_string();
        if let Some(existing) = values.get(&key) {
            let old =
                existing.as_value().and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64))).or_else(
                    || existing.get("value").and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64))),
                );
            if old == Some(number) {
                report.unchanged += 1;
            } else {
                report.conflicts.push(format!(
                    "conflict: {rel}: {indicator} {year} from `{source}` is {} there but {text} in {}; kept the value in {rel} (change it by hand to take the new one)",
                    old.map_or_else(|| "not a number".to_string(), |v| v.to_string()),
                    file.display()
                ));
            }
            return;
        }
        let item = match text.parse::<i64>() {
            Ok(i) => value(i),
            Err(_) => value(number),
        };
        values.insert(&key, item);
        values.sort_values();
        report.added += 1;
        self.dirty.insert(rel.to_string());
    }

    /// Each changed file is written beside itself and renamed over, so an interrupted import
    /// leaves every file either as it was or complete.
    fn write(&self) -> Result<(), Error> {
        for rel in &self.dirty {
            let path = self.root.join(rel);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            let tmp = path.with_extension("toml.salud-tmp");
            fs::write(&tmp, self.docs[rel].to_string()).map_err(|e| Error::io(&tmp, e))?;
            fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }
}
