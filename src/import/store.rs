//! The place files an import adds to. Only what is needed is held while the input is read:
//! the values already in the places it touches and the values it adds, both as bare numbers.
//! Each file is edited (with its comments and layout kept) only when written, one at a time.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use toml_edit::{value, ArrayOfTables, DocumentMut, InlineTable, Item, Table};

use super::{Conflict, ImportReport};
use crate::data::Conversion;
use crate::error::Error;

/// The suffix of the file a place file is written to before it replaces the place file.
pub const TEMP_SUFFIX: &str = ".salud-tmp";

/// An indicator of the catalogue and a source of data/sources.toml, by their positions in
/// the lists the store was opened with, and a group by its number in the store (0 for the
/// total): cheap to hash for every value of a large file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct SeriesKey {
    pub indicator: u32,
    pub source: u32,
    pub group: u32,
}

/// The group of the total series: none.
pub(super) const TOTAL: u32 = 0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    /// The number written as plain decimal text; integers stay integers in the file.
    pub fn parse(text: &str) -> Option<Number> {
        match text.parse::<i64>() {
            Ok(i) => Some(Number::Int(i)),
            Err(_) => text.parse::<f64>().ok().filter(|f| f.is_finite()).map(Number::Float),
        }
    }

    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    fn item(self) -> Item {
        Item::Value(self.value())
    }

    fn value(self) -> toml_edit::Value {
        match self {
            Number::Int(i) => i.into(),
            Number::Float(f) => f.into(),
        }
    }
}

/// What a value may say beside its number, as its source gives it: a qualifier ("less
/// than"), the interval around it, a note.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Details {
    pub qualifier: Option<&'static str>,
    pub bounds: Option<(Number, Number)>,
    pub note: Option<String>,
}

impl Details {
    fn is_empty(&self) -> bool {
        self.qualifier.is_none() && self.bounds.is_none() && self.note.is_none()
    }
}

/// A place file a row of the input belongs in, found or to be created.
#[derive(Debug)]
pub(super) struct Resolved {
    pub rel: String,
    /// The first lines of the place's file, when it does not exist yet; it is created with
    /// the first value it gets, so a place whose cells are all empty is not created.
    pub new: Option<Vec<(&'static str, String)>>,
    pub iso3: Option<String>,
}

/// One value to merge: where, what, how many observations it comes from (0: not said), what
/// else its source says of it, and its text for messages.
pub(super) struct Value<'a> {
    pub key: SeriesKey,
    pub conversion: Option<&'a Conversion>,
    pub year: i32,
    pub number: Number,
    pub n: u32,
    pub details: Details,
    pub text: &'a str,
}

#[derive(Default)]
struct Additions {
    /// Series in the order first met; appended in that order, but each group right after the
    /// other series of its indicator and source.
    order: Vec<SeriesKey>,
    series: HashMap<SeriesKey, NewSeries>,
    /// Numbers of observations for values already in the file, which had none: (series, year, n).
    sizes: Vec<(SeriesKey, i32, u32)>,
}

struct NewSeries {
    conversion: Option<Conversion>,
    /// By year, with the number of observations (0: not said): a sorted list takes a third
    /// of the memory of a map, and files give years in order.
    values: Vec<(i32, u32, Number)>,
    /// The details of the few values that have any, by year.
    details: BTreeMap<i32, Details>,
}

impl NewSeries {
    fn get(&self, year: i32) -> Option<(Number, u32)> {
        self.values.binary_search_by_key(&year, |(y, ..)| *y).ok().map(|i| (self.values[i].2, self.values[i].1))
    }

    fn insert(&mut self, year: i32, number: Number, n: u32, details: &Details) {
        match self.values.binary_search_by_key(&year, |(y, ..)| *y) {
            Err(i) => {
                self.values.insert(i, (year, n, number));
                if !details.is_empty() {
                    self.details.insert(year, details.clone());
                }
            }
            // The same value met again with its n.
            Ok(i) if self.values[i].1 == 0 => self.values[i].1 = n,
            Ok(_) => {}
        }
    }
}

/// The numbers already in a place file, by series, sorted by year, with their number of
/// observations (0: not said); NaN stands for a value that is not a number (half the memory
/// of an Option).
type Existing = HashMap<SeriesKey, Vec<(i32, u32, f64)>>;

/// What an import would add to one place file.
#[derive(Debug, Default)]
pub(super) struct PlacePlan {
    pub rel: String,
    /// The place file does not exist yet.
    pub new: bool,
    /// Values added, and numbers of observations given to values already there.
    pub values: usize,
    /// The first few, as (series, `year = value`).
    pub first: Vec<(String, String)>,
}

pub(super) struct PlaceStore {
    root: PathBuf,
    indicators: Vec<String>,
    sources: Vec<String>,
    /// The groups met, by their number in [`SeriesKey`]s: (dimension, value); the first,
    /// [`TOTAL`], is none.
    groups: Vec<(String, String)>,
    /// Every place file of data/places, relative to the root.
    files: BTreeSet<String>,
    by_iso3: HashMap<String, String>,
    /// Each place file's names: its `name`, then those of `names` (other languages).
    names: BTreeMap<String, Vec<String>>,
    existing: HashMap<String, Existing>,
    created: BTreeMap<String, Vec<(&'static str, String)>>,
    added: BTreeMap<String, Additions>,
}

impl PlaceStore {
    /// Reads which place files exist and their country codes; `indicators` and `sources` are
    /// the ids [`SeriesKey`]s point into.
    pub fn open(root: &Path, indicators: Vec<String>, sources: Vec<String>) -> Result<PlaceStore, Error> {
        let mut store = PlaceStore {
            root: root.to_path_buf(),
            indicators,
            sources,
            groups: vec![(String::new(), String::new())],
            files: BTreeSet::new(),
            by_iso3: HashMap::new(),
            names: BTreeMap::new(),
            existing: HashMap::new(),
            created: BTreeMap::new(),
            added: BTreeMap::new(),
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
            let doc = store.parse(&rel)?;
            if let Some(iso3) = doc.get("iso3").and_then(Item::as_str) {
                store.by_iso3.insert(iso3.to_string(), rel.clone());
            }
            let name = doc.get("name").and_then(Item::as_str).map(str::to_string);
            let others = doc
                .get("names")
                .and_then(Item::as_table_like)
                .into_iter()
                .flat_map(|t| t.iter().filter_map(|(_, v)| v.as_str().map(str::to_string)).collect::<Vec<_>>());
            store.names.insert(rel.clone(), name.into_iter().chain(others).collect());
            store.files.insert(rel);
        }
        Ok(store)
    }

    fn parse(&self, rel: &str) -> Result<DocumentMut, Error> {
        let path = self.root.join(rel);
        let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        text.parse().map_err(|e| {
            Error::Import(format!(
                "{rel} is not valid TOML ({e}); run salud build to see where, fix it, then import again"
            ))
        })
    }

    pub fn place_file(&self, rel: &str) -> bool {
        self.files.contains(rel) || self.created.contains_key(rel)
    }

    pub fn by_iso3(&self, iso3: &str) -> Option<&String> {
        self.by_iso3.get(iso3)
    }

    /// Country codes (`iso3`) with the place file that has each.
    pub fn codes(&self) -> impl Iterator<Item = (&String, &String)> {
        self.by_iso3.iter()
    }

    /// Every place file there was when the store was opened, with its names in each language
    /// (the first is its `name`).
    pub fn names(&self) -> &BTreeMap<String, Vec<String>> {
        &self.names
    }

    /// The number [`SeriesKey`]s give the group `dimension = value`.
    pub fn group(&mut self, dimension: &str, value: &str) -> u32 {
        match self.groups.iter().position(|(d, v)| d == dimension && v == value) {
            Some(i) => i as u32,
            None => {
                self.groups.push((dimension.to_string(), value.to_string()));
                (self.groups.len() - 1) as u32
            }
        }
    }

    /// The group of a series table as its file writes it (`group = { area = "rural" }`):
    /// [`TOTAL`] without one, None when it is not one breakdown and one group.
    fn group_of(&mut self, table: &Table) -> Option<u32> {
        let (dimension, value) = written_group(table)?;
        Some(if dimension.is_empty() { TOTAL } else { self.group(&dimension, &value) })
    }

    /// ` (rural)` after an indicator's id in messages about a group's values.
    fn group_label(&self, group: u32) -> String {
        if group == TOTAL {
            String::new()
        } else {
            format!(" ({})", self.groups[group as usize].1)
        }
    }

    /// Reads the values already in `rel` the first time a row of the input goes there.
    pub fn touch(&mut self, rel: &str) -> Result<(), Error> {
        if self.existing.contains_key(rel) || !self.files.contains(rel) {
            return Ok(());
        }
        let doc = self.parse(rel)?;
        let indicators: HashMap<&str, u32> = self.indicators.iter().zip(0..).map(|(s, i)| (s.as_str(), i)).collect();
        let sources: HashMap<&str, u32> = self.sources.iter().zip(0..).map(|(s, i)| (s.as_str(), i)).collect();
        let mut existing = Existing::new();
        let mut read = Vec::new();
        for table in doc.get("series").and_then(Item::as_array_of_tables).into_iter().flatten() {
            let id = |k: &str, ids: &HashMap<&str, u32>| {
                table.get(k).and_then(Item::as_str).and_then(|s| ids.get(s)).copied()
            };
            let (Some(indicator), Some(source)) = (id("indicator", &indicators), id("source", &sources)) else {
                continue;
            };
            read.push((indicator, source, table));
        }
        for (indicator, source, table) in read {
            let Some(group) = self.group_of(table) else { continue };
            let Some(values) = table.get("values").and_then(Item::as_table_like) else { continue };
            let series = existing.entry(SeriesKey { indicator, source, group }).or_default();
            for (year, item) in values.iter() {
                let Ok(year) = year.parse::<i32>() else { continue };
                series.push((year, n_of(item), number_of(item).unwrap_or(f64::NAN)));
            }
        }
        for series in existing.values_mut() {
            series.sort_by_key(|(year, ..)| *year);
            series.dedup_by_key(|(year, ..)| *year);
            series.shrink_to_fit();
        }
        self.existing.insert(rel.to_string(), existing);
        Ok(())
    }

    /// Adds one value to the place `at`, unless the place already has a value for that year
    /// and series: then it is counted as present, or as a conflict when it differs.
    pub fn merge(&mut self, at: &Resolved, v: &Value, file: &Path, report: &mut ImportReport) {
        let rel = at.rel.as_str();
        let added = self.added.get(rel).and_then(|a| a.series.get(&v.key)).and_then(|s| s.get(v.year));
        let (old, old_n, is_added) = match added {
            Some((number, n)) => (Some(Some(number.as_f64())), n, true),
            None => match self.existing.get(rel).and_then(|e| e.get(&v.key)).and_then(|s| {
                let i = s.binary_search_by_key(&v.year, |(y, ..)| *y).ok()?;
                Some((Some(s[i].2).filter(|n| !n.is_nan()), s[i].1))
            }) {
                Some((old, n)) => (Some(old), n, false),
                None => (None, 0, false),
            },
        };
        if let Some(old) = old {
            let (indicator, source) =
                (&self.indicators[v.key.indicator as usize], &self.sources[v.key.source as usize]);
            let label = format!("{indicator}{} {} from `{source}`", self.group_label(v.key.group), v.year);
            let keep = format!("kept the value in {rel} (change it by hand to take the new one)");
            if old != Some(v.number.as_f64()) {
                let what = format!(
                    "{label} is {} there but {} in {}; {keep}",
                    old.map_or_else(|| "not a number".to_string(), |v| v.to_string()),
                    v.text,
                    file.display()
                );
                report.conflicts.push(Conflict { place: rel.to_string(), what });
                return;
            }
            report.unchanged += 1;
            if v.n == 0 || old_n == v.n {
                return;
            }
            if old_n != 0 {
                let what =
                    format!("{label} was measured on n = {old_n} there but n = {} in {}; {keep}", v.n, file.display());
                report.conflicts.push(Conflict { place: rel.to_string(), what });
                return;
            }
            // The value as it was, now with the number of observations it comes from.
            let additions = self.added.entry(rel.to_string()).or_default();
            if is_added {
                additions.series.get_mut(&v.key).expect("met above").insert(v.year, v.number, v.n, &v.details);
            } else {
                additions.sizes.push((v.key, v.year, v.n));
                report.sizes_added += 1;
                // Met again in the same input, it is now a value with its n.
                let series = self.existing.get_mut(rel).and_then(|e| e.get_mut(&v.key));
                if let Some((_, n, _)) = series.and_then(|s| s.iter_mut().find(|(year, ..)| *year == v.year)) {
                    *n = v.n;
                }
            }
            return;
        }
        if let Some(fields) = &at.new {
            if !self.place_file(rel) {
                self.created.insert(rel.to_string(), fields.clone());
                if let Some(iso3) = &at.iso3 {
                    self.by_iso3.insert(iso3.clone(), rel.to_string());
                }
                report.places_created += 1;
            }
        }
        let additions = self.added.entry(rel.to_string()).or_default();
        let series = additions.series.entry(v.key).or_insert_with(|| {
            additions.order.push(v.key);
            NewSeries { conversion: v.conversion.cloned(), values: Vec::new(), details: BTreeMap::new() }
        });
        series.insert(v.year, v.number, v.n, &v.details);
        report.added += 1;
    }

    /// How many existing place files get values.
    pub fn changed(&self) -> usize {
        self.added.keys().filter(|rel| !self.created.contains_key(*rel)).count()
    }

    /// What [`PlaceStore::write`] would write, place by place, for `--dry-run`: how many values
    /// each place gets, and the first few.
    pub fn plan(&self, shown: usize) -> Vec<PlacePlan> {
        let mut plans = Vec::new();
        for (rel, additions) in &self.added {
            let label =
                |key: &SeriesKey| format!("{}{}", self.indicators[key.indicator as usize], self.group_label(key.group));
            let mut plan = PlacePlan { rel: rel.clone(), new: self.created.contains_key(rel), ..PlacePlan::default() };
            for key in &additions.order {
                let series = &additions.series[key];
                plan.values += series.values.len();
                for (year, _, number) in series.values.iter().take(shown.saturating_sub(plan.first.len())) {
                    let number = match number {
                        Number::Int(i) => i.to_string(),
                        Number::Float(f) => f.to_string(),
                    };
                    plan.first.push((label(key), format!("{year} = {number}")));
                }
            }
            plan.values += additions.sizes.len();
            for (key, year, n) in additions.sizes.iter().take(shown.saturating_sub(plan.first.len())) {
                plan.first.push((label(key), format!("{year}: n = {n}")));
            }
            plans.push(plan);
        }
        plans
    }

    /// Writes every place file that gets values: first each beside itself, then, when all
    /// are written, each renamed over its place file. A failure (a full disk) removes what
    /// was written and leaves every place file as it was.
    pub fn write(&self) -> Result<(), Error> {
        self.write_with(&|path, bytes| {
            // A leftover from an interrupted import (or a link planted there) is replaced, never written through.
            match fs::remove_file(path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            fs::OpenOptions::new().write(true).create_new(true).open(path)?.write_all(bytes)
        })
    }

    /// [`PlaceStore::write`] with the function that writes a file given, so tests can make it fail.
    fn write_with(&self, write_file: &dyn Fn(&Path, &[u8]) -> io::Result<()>) -> Result<(), Error> {
        let mut written: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut folders: Vec<PathBuf> = Vec::new();
        let result = self.write_temporary(write_file, &mut written, &mut folders);
        let result = result.and_then(|()| replace_all(&written, &self.root));
        if result.is_err() {
            for (tmp, _) in &written {
                let _ = fs::remove_file(tmp);
            }
            for folder in folders.iter().rev() {
                let _ = fs::remove_dir(folder);
            }
        }
        result
    }

    fn write_temporary(
        &self,
        write_file: &dyn Fn(&Path, &[u8]) -> io::Result<()>,
        written: &mut Vec<(PathBuf, PathBuf)>,
        folders: &mut Vec<PathBuf>,
    ) -> Result<(), Error> {
        for (rel, additions) in &self.added {
            let text = self.edited(rel, additions)?;
            let path = self.root.join(rel);
            if let Some(dir) = path.parent().filter(|d| !d.is_dir()) {
                let mut missing: Vec<PathBuf> =
                    dir.ancestors().take_while(|d| !d.exists()).map(Path::to_path_buf).collect();
                fs::create_dir_all(dir).map_err(|e| self.write_error(rel, &e))?;
                missing.reverse();
                folders.extend(missing);
            }
            let tmp = PathBuf::from(format!("{}{TEMP_SUFFIX}", path.display()));
            written.push((tmp.clone(), path));
            write_file(&tmp, text.as_bytes()).map_err(|e| self.write_error(rel, &e))?;
        }
        Ok(())
    }

    fn write_error(&self, rel: &str, e: &io::Error) -> Error {
        Error::Import(format!(
            "could not write {rel}: {e}; nothing was changed (no place file is replaced until all are written). Free some disk space or fix the folder's permissions, then import again"
        ))
    }

    /// The text of `rel` with its additions: the file as it is, or the new place's first lines.
    fn edited(&self, rel: &str, additions: &Additions) -> Result<String, Error> {
        let mut doc = match self.created.get(rel) {
            Some(fields) => {
                let mut doc = DocumentMut::new();
                for (key, text) in fields {
                    doc[key] = value(text.as_str());
                }
                doc
            }
            None => self.parse(rel)?,
        };
        let not_series = || {
            Error::Import(format!(
                "{rel}: its `series` are not [[series]] tables, so salud cannot add values to them; run salud check to see where, fix it, then import again"
            ))
        };
        if doc.get("series").is_none() {
            doc.insert("series", Item::ArrayOfTables(ArrayOfTables::new()));
        }
        let all = doc["series"].as_array_of_tables_mut().ok_or_else(not_series)?;
        let mut position: HashMap<(String, String, (String, String)), usize> = HashMap::new();
        for (i, t) in all.iter().enumerate() {
            if let (Some(ind), Some(src), Some(group)) =
                (t.get("indicator").and_then(Item::as_str), t.get("source").and_then(Item::as_str), written_group(t))
            {
                position.entry((ind.to_string(), src.to_string(), group)).or_insert(i);
            }
        }
        let at = |key: &SeriesKey| {
            let (indicator, source) = (&self.indicators[key.indicator as usize], &self.sources[key.source as usize]);
            (indicator.clone(), source.clone(), self.groups[key.group as usize].clone())
        };
        for (key, year, n) in &additions.sizes {
            let Some(&i) = position.get(&at(key)) else { continue };
            let values = all.get_mut(i).and_then(|t| t.get_mut("values")).and_then(Item::as_table_like_mut);
            if let Some(item) = values.and_then(|v| v.get_mut(&year.to_string())) {
                with_n(item, *n);
            }
        }
        // Each group right after the other series of its indicator and source, in the order met.
        let mut order = additions.order.clone();
        let first_met = |key: &SeriesKey| {
            additions.order.iter().position(|k| k.indicator == key.indicator && k.source == key.source)
        };
        order.sort_by_key(|key| (first_met(key), key.group));
        for key in &order {
            let new = &additions.series[key];
            let (indicator, source, group) = at(key);
            let series = match position.get(&(indicator.clone(), source.clone(), group.clone())) {
                Some(&i) => all.get_mut(i).expect("position is in range"),
                None => {
                    let mut t = Table::new();
                    t["indicator"] = value(indicator.as_str());
                    t["source"] = value(source.as_str());
                    if key.group != TOTAL {
                        let mut written = InlineTable::new();
                        written.insert(&group.0, group.1.as_str().into());
                        t["group"] = value(written);
                    }
                    if let Some(conversion) = &new.conversion {
                        if let Some(unit) = &conversion.from_unit {
                            t["converted_from"] = value(unit.as_str());
                        }
                        t["multiplied_by"] = value(i64::from(conversion.factor));
                    }
                    t.insert("values", Item::Table(Table::new()));
                    all.push(t);
                    all.get_mut(all.len() - 1).expect("just pushed")
                }
            };
            if series.get("values").is_none() {
                series.insert("values", Item::Table(Table::new()));
            }
            let values = series["values"].as_table_like_mut().ok_or_else(not_series)?;
            for (year, n, number) in &new.values {
                let item = match new.details.get(year) {
                    Some(details) => detailed(*number, *n, details),
                    None => {
                        let mut item = number.item();
                        if *n > 0 {
                            with_n(&mut item, *n);
                        }
                        item
                    }
                };
                values.insert(&year.to_string(), item);
            }
            values.sort_values();
        }
        Ok(doc.to_string())
    }
}

/// A value with what its source says of it, as place files write it:
/// `{ value = 2.14, low = 2.01, high = 2.3, note = "..." }`.
fn detailed(number: Number, n: u32, details: &Details) -> Item {
    let mut t = InlineTable::new();
    t.insert("value", number.value());
    if let Some(q) = details.qualifier {
        t.insert("qualifier", q.into());
    }
    if let Some((low, high)) = details.bounds {
        t.insert("low", low.value());
        t.insert("high", high.value());
    }
    if n > 0 {
        t.insert("n", i64::from(n).into());
    }
    if let Some(note) = &details.note {
        t.insert("note", note.as_str().into());
    }
    t.fmt();
    value(t)
}

/// Renames each written file over its place file; if one fails, the rest are not renamed.
fn replace_all(written: &[(PathBuf, PathBuf)], root: &Path) -> Result<(), Error> {
    for (done, (tmp, path)) in written.iter().enumerate() {
        if let Err(e) = fs::rename(tmp, path) {
            let rel = path.strip_prefix(root).unwrap_or(path).display().to_string();
            let before = if done == 0 {
                "nothing was changed".to_string()
            } else {
                format!("the {done} place files before it were updated, the others left as they were")
            };
            return Err(Error::Import(format!(
                "could not replace {rel}: {e}; {before}. If a folder or another file is in its way, move it, then import again (values already imported are recognised, not added twice)"
            )));
        }
    }
    Ok(())
}

/// The group a series table is written with, ("", "") for the total; None when it is not one
/// breakdown and one group (salud build says what is wrong with it).
fn written_group(table: &Table) -> Option<(String, String)> {
    let Some(written) = table.get("group") else { return Some((String::new(), String::new())) };
    let mut entries = written.as_table_like()?.iter();
    let (dimension, value) = entries.next()?;
    let group = (dimension.to_string(), value.as_str()?.to_string());
    entries.next().is_none().then_some(group)
}

/// A value given its number of observations: `18` becomes `{ value = 18, n = 350 }`, and a
/// detailed value gets `n` after what it already says.
fn with_n(item: &mut Item, n: u32) {
    let n = toml_edit::Value::from(i64::from(n));
    match item.as_value_mut() {
        Some(toml_edit::Value::InlineTable(t)) => {
            // The space before the closing brace moves after the new key.
            let suffix = t.iter_mut().last().map(|(_, last)| {
                let suffix = last.decor().suffix().and_then(|s| s.as_str()).unwrap_or(" ").to_string();
                last.decor_mut().set_suffix("");
                suffix
            });
            t.insert("n", n.decorated(" ", suffix.as_deref().unwrap_or(" ")));
        }
        Some(number) => {
            let mut bare = number.clone();
            bare.decor_mut().clear();
            let mut t = InlineTable::new();
            t.insert("value", bare);
            t.insert("n", n);
            t.fmt();
            *number = toml_edit::Value::InlineTable(t).decorated(" ", "");
        }
        None => {}
    }
}

/// The number of observations a value of a place file says it comes from (`n = 350`), 0 if none.
fn n_of(item: &Item) -> u32 {
    item.get("n").and_then(|v| v.as_integer()).and_then(|n| u32::try_from(n).ok()).unwrap_or(0)
}

/// The number a value of a place file holds: `2011 = 18` or `2011 = { value = 18, ... }`.
fn number_of(item: &Item) -> Option<f64> {
    let number = |v: &toml_edit::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    item.as_value().and_then(number).or_else(|| item.get("value").and_then(|v| v.as_value()).and_then(number))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store for a site with Peru, getting one value for Peru and one for a new Chile.
    fn store_with_values(root: &Path) -> PlaceStore {
        fs::create_dir_all(root.join("data/places")).unwrap();
        fs::write(root.join("data/places/peru.toml"), "name = \"Peru\"\niso3 = \"PER\"\n").unwrap();
        let mut store = PlaceStore::open(root, vec!["u5".into()], vec!["wdi".into()]).unwrap();
        let key = SeriesKey { indicator: 0, source: 0, group: TOTAL };
        let mut report = ImportReport::default();
        for (rel, new) in
            [("data/places/chile.toml", Some(vec![("name", "Chile".to_string())])), ("data/places/peru.toml", None)]
        {
            let at = Resolved { rel: rel.into(), new, iso3: None };
            store.touch(rel).unwrap();
            let details = Details::default();
            let v = Value { key, conversion: None, year: 2020, number: Number::Int(7), n: 0, details, text: "7" };
            store.merge(&at, &v, Path::new("in.csv"), &mut report);
        }
        assert_eq!((report.added, report.places_created), (2, 1));
        store
    }

    #[test]
    fn a_full_disk_leaves_no_temporary_file_and_no_place_file_changed() {
        let root = std::env::temp_dir().join(format!("salud-store-full-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let store = store_with_values(&root);
        // The second file meets a full disk after its (empty) file is created, as ENOSPC leaves it.
        let full = |path: &Path, bytes: &[u8]| -> io::Result<()> {
            fs::write(path, "")?;
            if path.to_string_lossy().contains("peru") {
                return Err(io::Error::from_raw_os_error(28));
            }
            fs::write(path, bytes)
        };
        let err = store.write_with(&full).unwrap_err().to_string();
        assert!(err.contains("could not write data/places/peru.toml") && err.contains("nothing was changed"), "{err}");
        let files: Vec<String> = walkdir::WalkDir::new(root.join("data"))
            .into_iter()
            .map(|e| e.unwrap().path().strip_prefix(&root).unwrap().display().to_string())
            .collect();
        assert_eq!(files, ["data", "data/places", "data/places/peru.toml"]);
        assert_eq!(
            fs::read_to_string(root.join("data/places/peru.toml")).unwrap(),
            "name = \"Peru\"\niso3 = \"PER\"\n"
        );

        store.write().unwrap();
        assert!(fs::read_to_string(root.join("data/places/chile.toml")).unwrap().contains("2020 = 7\n"));
        fs::remove_dir_all(&root).unwrap();
    }
}
