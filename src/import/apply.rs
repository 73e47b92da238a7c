//! A recipe applied to the rows of a file: its header's columns found, then each row's
//! place, year, indicator and group read, and each value cell imported, counted as no data,
//! or refused with its line (or sheet and cell).

use csv::ByteRecord;

use super::places::{Found, PlaceIndex};
use super::recipe::{fold_code, is_aggregate, Columns, IndicatorAt, Named, PlaceAt, Recipe, YearAt};
use super::store::{Resolved, TOTAL};
use super::{cell, Cells, FileImport, Input};
use crate::diagnostic::{closest, Diagnostics};
use crate::error::Error;
use crate::format::slugify;

/// What the header of a column that holds values says.
enum Key {
    /// A place's file; None for a place the recipe skips.
    Place(Option<String>),
    Year(i32),
    /// A code of the recipe (folded); None for a code it skips.
    Code(Option<String>),
}

/// Where things are in the file's rows, once its header is read.
struct Fields {
    place: Option<usize>,
    name: Option<usize>,
    year: Option<usize>,
    code: Option<usize>,
    /// The value column, when each row holds one value.
    value: Option<usize>,
    n: Option<usize>,
    groups: Vec<usize>,
    /// The columns holding values, when place, year or indicator is in the columns.
    across: Vec<(usize, Key)>,
    /// How many cells a row needs.
    needed: usize,
}

/// The header's cells, and the columns the recipe has named so far.
struct Header<'r> {
    recipe: &'r Recipe,
    shown: String,
    cells: Vec<String>,
    used: Vec<bool>,
    diags: Diagnostics,
}

impl Header<'_> {
    /// The column the recipe names: by its exact name, or else the one column whose name
    /// differs only in letter case or spaces.
    fn find(&mut self, named: &Named) -> Option<usize> {
        let wanted = named.name.trim();
        let found = self.cells.iter().position(|c| c == wanted).or_else(|| {
            let folded = fold_code(wanted);
            let same: Vec<usize> = (0..self.cells.len()).filter(|&i| fold_code(&self.cells[i]) == folded).collect();
            (same.len() == 1).then(|| same[0])
        });
        match found {
            Some(i) => {
                self.used[i] = true;
                Some(i)
            }
            None => {
                let list = self.cells.iter().filter(|c| !c.is_empty()).map(|c| format!("\"{c}\"")).collect::<Vec<_>>();
                let list = if list.len() > 40 { format!("{}, ...", list[..40].join(", ")) } else { list.join(", ") };
                let columns = format!(
                    "the columns of {} (its row {}) are {list}; correct the name in the recipe, or header_row under [read] if the header is another row",
                    self.shown, self.recipe.read.header_row
                );
                let help = match closest(wanted, self.cells.iter().map(String::as_str)) {
                    Some(c) => format!("did you mean \"{c}\"? T{}", &columns[1..]),
                    None => columns,
                };
                self.diags.push(self.recipe.problem(
                    named.span.clone(),
                    format!("{} has no column \"{wanted}\"", self.shown),
                    help,
                ));
                None
            }
        }
    }

    fn find_opt(&mut self, named: Option<&Named>) -> Option<usize> {
        named.and_then(|n| self.find(n))
    }

    /// The columns a `columns =` names, in the file's order.
    fn columns(&mut self, columns: &Columns) -> Vec<usize> {
        match columns {
            Columns::List(list) => list.iter().filter_map(|n| self.find(n)).collect(),
            Columns::Range { from, to } => match (self.find(from), self.find(to)) {
                (Some(a), Some(b)) if a <= b => {
                    (a..=b).filter(|&i| !self.cells[i].is_empty()).inspect(|&i| self.used[i] = true).collect()
                }
                (Some(_), Some(_)) => {
                    let message =
                        format!("in {}, the column \"{}\" comes after \"{}\"", self.shown, from.name, to.name);
                    self.diags.push(self.recipe.problem(
                        from.span.clone(),
                        message,
                        "write the range from the first column to the last, as the file has them",
                    ));
                    Vec::new()
                }
                _ => Vec::new(),
            },
            // Taken last, once the recipe's other columns are marked used.
            Columns::Others { .. } => {
                (0..self.cells.len()).filter(|&i| !self.used[i] && !self.cells[i].is_empty()).collect()
            }
        }
    }
}

impl FileImport<'_> {
    pub(super) fn recipe(&mut self, recipe: &Recipe, places: &PlaceIndex) -> Result<(), Error> {
        let mut record = ByteRecord::new();
        loop {
            if !self.input.read(&mut record)? {
                return Err(self.error(&format!(
                    "the file ends before its row {}, which the recipe says is the header (header_row under [read] in {})",
                    recipe.read.header_row,
                    recipe.path.display()
                )));
            }
            if record.position().map_or(0, |p| p.line()) >= recipe.read.header_row {
                break;
            }
        }
        let header_record = record.clone();
        let fields = self.fields(recipe, places, &header_record)?;
        for _ in 0..recipe.read.skip_rows {
            if !self.input.read(&mut record)? {
                return Ok(());
            }
        }
        while self.input.read(&mut record)? {
            if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            self.report.rows += 1;
            if !self.complete(&record, fields.needed, header_record.len()) {
                continue;
            }
            self.recipe_row(recipe, places, &fields, &record)?;
        }
        Ok(())
    }

    fn fields(&mut self, recipe: &Recipe, places: &PlaceIndex, header: &ByteRecord) -> Result<Fields, Error> {
        // A header that is not UTF-8 says the file's encoding is not the recipe's.
        let csv = matches!(self.input, Input::Csv(_));
        if let Some(field) = (0..header.len()).find(|&f| csv && self.input.refused(header, f).is_some()) {
            let (message, help) = self.input.refused(header, field).expect("found above");
            let mut diags = Diagnostics::default();
            diags.push(self.input.problem(header, Some(field), format!("in the header: {message}"), help));
            return Err(Error::Site(diags));
        }
        let cells: Vec<String> = header.iter().map(|c| String::from_utf8_lossy(c).trim().to_string()).collect();
        let used = vec![false; cells.len()];
        let mut h = Header { recipe, shown: self.input.shown(), cells, used, diags: Diagnostics::default() };
        let place = match &recipe.place.at {
            PlaceAt::Column(c) => h.find(c),
            PlaceAt::Columns(_) => None,
        };
        let name = h.find_opt(recipe.place.name_column.as_ref());
        let year = match &recipe.year {
            YearAt::Column(c) => h.find(c),
            _ => None,
        };
        let code = match &recipe.indicator {
            IndicatorAt::Column(c) => h.find(c),
            _ => None,
        };
        let value = h.find_opt(recipe.value.as_ref().map(|(v, _)| v));
        let n = h.find_opt(recipe.value.as_ref().and_then(|(_, n)| n.as_ref()));
        let groups: Vec<usize> = recipe.groups.iter().filter_map(|g| h.find(&g.column)).collect();
        let across_columns = match (&recipe.place.at, &recipe.year, &recipe.indicator) {
            (PlaceAt::Columns(c), ..) | (_, YearAt::Columns(c), _) | (.., IndicatorAt::Columns(c)) => h.columns(c),
            _ => Vec::new(),
        };
        if h.diags.has_errors() {
            return Err(Error::Site(h.diags));
        }
        let mut across = Vec::new();
        for field in across_columns {
            let text = h.cells[field].clone();
            let key = match (&recipe.place.at, &recipe.year) {
                (PlaceAt::Columns(_), _) => match self.place_of(recipe, places, header, field, &text, None) {
                    Some(found) => Key::Place(found),
                    None => continue,
                },
                (_, YearAt::Columns(_)) => match self.year(header, field) {
                    Some(y) => Key::Year(y),
                    None => continue,
                },
                _ => match self.code_of(recipe, header, field, &text, true) {
                    Some(found) => Key::Code(found),
                    None => continue,
                },
            };
            across.push((field, key));
        }
        let all = [place, name, year, code, value, n].into_iter().flatten().chain(groups.iter().copied());
        let needed = all.chain(across.iter().map(|(f, _)| *f)).max().map_or(0, |m| m + 1);
        Ok(Fields { place, name, year, code, value, n, groups, across, needed })
    }

    fn recipe_row(
        &mut self,
        recipe: &Recipe,
        places: &PlaceIndex,
        fields: &Fields,
        record: &ByteRecord,
    ) -> Result<(), Error> {
        let place = match fields.place {
            None => None,
            Some(field) => {
                let text = cell(record, field).trim().to_string();
                if is_aggregate(&recipe.place.aggregates, &text) && !self.options.include_aggregates {
                    self.report.skipped_aggregates += 1;
                    return Ok(());
                }
                let name = fields.name.map(|f| cell(record, f).trim().to_string());
                match self.place_of(recipe, places, record, field, &text, name.as_deref()) {
                    Some(Some(rel)) => Some(rel),
                    _ => return Ok(()),
                }
            }
        };
        let year = match (&recipe.year, fields.year) {
            (YearAt::Fixed(y), _) => Some(*y),
            (_, Some(field)) => match self.year(record, field) {
                Some(y) => Some(y),
                None => return Ok(()),
            },
            _ => None,
        };
        let code = match (&recipe.indicator, fields.code) {
            (IndicatorAt::Fixed(c), _) => Some(c.clone()),
            (_, Some(field)) => {
                let text = cell(record, field).trim().to_string();
                match self.code_of(recipe, record, field, &text, false) {
                    Some(Some(code)) => Some(code),
                    _ => return Ok(()),
                }
            }
            _ => None,
        };
        let Some(group) = self.row_group(recipe, fields, record) else { return Ok(()) };
        if let Some(field) = fields.value {
            let (Some(rel), Some(year), Some(code)) = (place, year, code) else { return Ok(()) };
            return self.recipe_value(
                record,
                &rel,
                Cells { code: &code, year, field, group, n_field: fields.n, details: None },
            );
        }
        for (field, key) in &fields.across {
            let (rel, year, code) = match key {
                Key::Place(None) | Key::Code(None) => continue,
                Key::Place(Some(rel)) => (Some(rel), year, code.as_deref()),
                Key::Year(y) => (place.as_ref(), Some(*y), code.as_deref()),
                Key::Code(Some(c)) => (place.as_ref(), year, Some(c.as_str())),
            };
            let (Some(rel), Some(year), Some(code)) = (rel, year, code) else { continue };
            self.recipe_value(
                record,
                rel,
                Cells { code, year, field: *field, group, n_field: fields.n, details: None },
            )?;
        }
        Ok(())
    }

    fn recipe_value(&mut self, record: &ByteRecord, rel: &str, cells: Cells) -> Result<(), Error> {
        self.store.touch(rel)?;
        let at = Resolved { rel: rel.to_string(), new: None, iso3: None };
        self.value_of(record, &at, cells);
        Ok(())
    }

    /// The place a cell names: Some(Some(file)), Some(None) for a place the recipe skips, or
    /// None (and a problem told once) for a name that matches no place.
    fn place_of(
        &mut self,
        recipe: &Recipe,
        places: &PlaceIndex,
        record: &ByteRecord,
        field: usize,
        text: &str,
        name: Option<&str>,
    ) -> Option<Option<String>> {
        if let Some((message, help)) = self.input.refused(record, field) {
            let d = self.input.problem(record, Some(field), message, help);
            self.problems.push(d);
            return None;
        }
        let skipped = |t: &str| recipe.place.skip.contains(&slugify(t));
        if skipped(text) || name.is_some_and(skipped) {
            *self
                .report
                .skipped_places
                .entry(name.filter(|n| !n.is_empty()).unwrap_or(text).to_string())
                .or_default() += 1;
            return Some(None);
        }
        let mut found = places.find(text);
        if let (Found::None, Some(name)) = (&found, name) {
            found = places.find(name);
        }
        // A row without a code is told by its name.
        let text = match name {
            Some(name) if text.is_empty() => name,
            _ => text,
        };
        let shown = match name {
            Some(name) if !name.is_empty() && name != text => format!("\"{text}\" ({name})"),
            _ => format!("\"{text}\""),
        };
        let inside = recipe.place.within.as_deref().or(self.options.parent.as_deref());
        let inside = inside.map(|p| format!(" inside {p}")).unwrap_or_default();
        let (message, help) = match found {
            Found::Place(rel) => return Some(Some(rel)),
            Found::Ambiguous(files) => (
                format!("{shown} is the name of {} places{inside}: {}", files.len(), files.join(", ")),
                format!("say which one it is in the recipe, under [place.aliases]: \"{text}\" = \"FILE\" (the place's file name without .toml)"),
            ),
            Found::None => {
                let mean = places.did_you_mean(name.filter(|n| !n.is_empty()).unwrap_or(text)).or_else(|| places.did_you_mean(text));
                let mean = mean.map(|m| format!("did you mean \"{m}\"? ")).unwrap_or_default();
                (
                    format!("{shown} matches no place{inside}"),
                    format!(
                        "{mean}places are matched by country code and by name (in any of the site's languages), never guessed: if it is a place of the site, add \"{text}\" = \"FILE\" (the place's file name without .toml) under [place.aliases] in {}; if the site does not have it, add \"{text}\" to skip under [place]",
                        recipe.path.display()
                    ),
                )
            }
        };
        if !self.once.contains_key(&format!("place {text}")) {
            let d = self.input.problem(record, Some(field), message, help);
            self.once.insert(format!("place {text}"), d);
        }
        None
    }

    /// The code of a cell: Some(Some(folded)) for a code of [codes], Some(None) for one the
    /// recipe skips, None (and a problem told once) for another.
    fn code_of(
        &mut self,
        recipe: &Recipe,
        record: &ByteRecord,
        field: usize,
        text: &str,
        column: bool,
    ) -> Option<Option<String>> {
        let folded = fold_code(text);
        if recipe.codes.contains_key(&folded) {
            return Some(Some(folded));
        }
        if recipe.skip_codes.iter().any(|s| fold_code(s) == folded) {
            if column {
                self.report.skipped_columns.push(text.to_string());
            } else {
                *self.report.skipped_codes.entry(text.to_string()).or_default() += 1;
            }
            return Some(None);
        }
        if !self.once.contains_key(&format!("code {folded}")) {
            let known =
                recipe.codes.values().map(|c| c.code.as_str()).chain(recipe.skip_codes.iter().map(String::as_str));
            let mean = closest(text, known).map(|c| format!("did you mean \"{c}\"? ")).unwrap_or_default();
            let d = self.input.problem(
                record,
                Some(field),
                format!("the recipe does not say what \"{text}\" is"),
                format!(
                    "{mean}add it under [codes] in {} with the indicator it is (\"{text}\" = \"indicator_id\"), or to skip under [indicator] if the site does not use it",
                    recipe.path.display()
                ),
            );
            self.once.insert(format!("code {folded}"), d);
        }
        None
    }

    /// The group a row is about ([`TOTAL`] for everyone); None (with the problem noted) when a
    /// group cell is not one the recipe names.
    fn row_group(&mut self, recipe: &Recipe, fields: &Fields, record: &ByteRecord) -> Option<u32> {
        let mut group = TOTAL;
        for (spec, &field) in recipe.groups.iter().zip(&fields.groups) {
            let text = cell(record, field).trim().to_string();
            let value = match spec.values.get(&text) {
                Some(value) => value,
                None => {
                    let list = spec.values.keys().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ");
                    let d = self.input.problem(
                        record,
                        Some(field),
                        format!("\"{text}\" is not one of the groups the recipe names for the column \"{}\"", spec.column.name),
                        format!("the recipe names {list}; add \"{text}\" under values of that [[groups]] in {} (\"total\" for everyone)", recipe.path.display()),
                    );
                    self.problems.push(d);
                    return None;
                }
            };
            let Some(value) = value else { continue };
            if group != TOTAL {
                let d = self.input.problem(
                    record,
                    None,
                    "the row is about two groups at once",
                    "a series is about one group (e.g. rural, or women); keep one [[groups]] with a group for this row, and \"total\" in the others",
                );
                self.problems.push(d);
                return None;
            }
            group = self.store.group(&spec.dimension, value);
        }
        Some(group)
    }
}
