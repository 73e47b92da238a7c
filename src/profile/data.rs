//! The data downloads: a tidy CSV and a JSON file per place and for the whole site, with
//! values exactly as the sources gave them.

use serde::Serialize;

use crate::data::{Data, Indicator, Place, Source};
use crate::i18n::Locale;

/// The CSV's columns. The first eight are the tidy layout spreadsheets expect; the qualifier
/// ("up to", "about") follows because a value without it would say more than its source. Then
/// the group a value is about (`area`, `rural`; empty for the total), the number of
/// observations and the interval the source gives, where it gives them.
pub const CSV_HEADER: [&str; 14] = [
    "place",
    "iso3",
    "indicator",
    "name",
    "unit",
    "year",
    "value",
    "source",
    "qualifier",
    "dimension",
    "group",
    "n",
    "low",
    "high",
];

/// One place's part of the data downloads, made once and used twice: in the place's own
/// files and in the site-wide ones, which are these parts put together in place order.
pub struct PlaceData {
    /// Its CSV rows (RFC 4180, CRLF), without the header.
    pub csv_rows: Vec<u8>,
    /// Its entry in the JSON's `places` list.
    pub json_entry: Vec<u8>,
}

impl PlaceData {
    /// `locale` words the notes salud writes itself (a unit conversion).
    pub fn new(locale: &Locale, data: &Data, place: &Place) -> PlaceData {
        PlaceData { csv_rows: csv_rows(data, place), json_entry: json_entry(locale, data, place) }
    }

    /// The place's own CSV file.
    pub fn csv(&self) -> Vec<u8> {
        let mut out = csv_header();
        out.extend_from_slice(&self.csv_rows);
        out
    }

    /// The place's own JSON file.
    pub fn json(&self, data: &Data, place: &Place) -> Vec<u8> {
        let mut out = json_head(false).to_vec();
        out.extend_from_slice(&self.json_entry);
        out.extend(json_tail(data, std::iter::once(place), false));
        out
    }
}

/// The first line of every CSV download.
pub fn csv_header() -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let _ = writer.write_record(CSV_HEADER);
    writer.into_inner().unwrap_or_default()
}

/// One row per value, in a stable order: indicators in catalogue order, sources by rank, years
/// ascending (the order of the place's series).
fn csv_rows(data: &Data, place: &Place) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for series in &place.series {
        let Some(indicator) = data.indicator(&series.indicator) else { continue };
        let source = data.source_name(&series.source);
        let (dimension, group) = series.group.as_ref().map_or(("", ""), |g| (g.dimension.as_str(), g.value.as_str()));
        for obs in &series.points {
            let year = obs.year.to_string();
            let value = obs.value.to_string();
            let n = obs.n.map(|n| n.to_string()).unwrap_or_default();
            let (low, high) = obs.bounds.as_ref().map(|b| (b.low.to_string(), b.high.to_string())).unwrap_or_default();
            // Writing into memory cannot fail.
            let _ = writer.write_record([
                inert(&place.name).as_ref(),
                inert(place.iso3.as_deref().unwrap_or("")).as_ref(),
                indicator.id.as_str(),
                inert(&indicator.name).as_ref(),
                inert(&indicator.unit).as_ref(),
                year.as_str(),
                value.as_str(),
                inert(source).as_ref(),
                inert(obs.qualifier.as_deref().unwrap_or("")).as_ref(),
                dimension,
                group,
                n.as_str(),
                low.as_str(),
                high.as_str(),
            ]);
        }
    }
    writer.into_inner().unwrap_or_default()
}

/// A text cell a spreadsheet will not run: one that starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return is a formula to Excel and LibreOffice (`=HYPERLINK(...)` in a place name
/// could send a reader's data away), so it gets a leading `'`, as OWASP recommends for CSV
/// files. Numbers are written by salud itself and never need it.
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[derive(Serialize)]
struct JsonPlace<'a> {
    path: &'a str,
    name: &'a str,
    iso3: Option<&'a str>,
    kind: &'static str,
    world_region: Option<&'a str>,
    parent: Option<&'a str>,
    observations: Vec<JsonObservation<'a>>,
}

#[derive(Serialize)]
struct JsonObservation<'a> {
    indicator: &'a str,
    year: i32,
    value: f64,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    qualifier: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<std::borrow::Cow<'a, str>>,
    /// The note's language when it is not the file's: a value's note its author did not
    /// translate, as the HTML marks it.
    #[serde(skip_serializing_if = "Option::is_none")]
    note_lang: Option<&'a str>,
    /// `{"area": "rural"}`, as place files write it; left out for the total.
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<std::collections::BTreeMap<&'static str, &'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    high: Option<f64>,
}

#[derive(Serialize)]
struct JsonIndicator<'a> {
    name: &'a str,
    unit: &'a str,
    category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    definition: Option<&'a str>,
}

/// What the JSON holds after the places.
#[derive(Serialize)]
struct JsonRest<'a> {
    /// The catalogue entries the observations use, by id.
    indicators: std::collections::BTreeMap<&'a str, JsonIndicator<'a>>,
    /// The sources the observations cite, by id, with their licences.
    sources: std::collections::BTreeMap<&'a str, &'a Source>,
}

fn json_place<'a>(locale: &'a Locale, data: &'a Data, place: &'a Place) -> JsonPlace<'a> {
    let mut observations = Vec::new();
    for series in &place.series {
        let Some(indicator): Option<&Indicator> = data.indicator(&series.indicator) else { continue };
        let series_note = crate::present::series_note(locale, series);
        let group =
            series.group.as_ref().map(|g| std::collections::BTreeMap::from([(g.dimension.as_str(), g.value.as_str())]));
        for obs in &series.points {
            observations.push(JsonObservation {
                indicator: &indicator.id,
                year: obs.year,
                value: obs.value,
                source: &series.source,
                qualifier: obs.qualifier.as_deref(),
                note: obs.note.as_deref().map(Into::into).or_else(|| series_note.clone().map(Into::into)),
                note_lang: crate::present::untranslated_note(locale, series, obs),
                group: group.clone(),
                n: obs.n.map(|n| n.get()),
                low: obs.bounds.as_ref().map(|b| b.low),
                high: obs.bounds.as_ref().map(|b| b.high),
            });
        }
    }
    JsonPlace {
        path: &place.slug,
        name: &place.name,
        iso3: place.iso3.as_deref(),
        kind: place.kind.as_str(),
        world_region: place.world_region.as_deref(),
        parent: place.parent.as_deref(),
        observations,
    }
}

/// The JSON download is `{"places":[...],"indicators":{...},"sources":{...}}`, compact (about
/// half the size of an indented file; any JSON viewer indents it). This is its text up to the
/// first place's entry (`empty`: there is none).
pub fn json_head(empty: bool) -> &'static [u8] {
    if empty {
        b"{\"places\":[]"
    } else {
        b"{\"places\":["
    }
}

/// Between two places' entries.
pub const JSON_SEPARATOR: &[u8] = b",";

/// The JSON download's text after the last place's entry: the catalogue entries and sources
/// the places use.
pub fn json_tail<'a>(data: &'a Data, places: impl Iterator<Item = &'a Place>, empty: bool) -> Vec<u8> {
    let mut rest = JsonRest { indicators: Default::default(), sources: Default::default() };
    for series in places.flat_map(|p| &p.series) {
        if let Some(indicator) = data.indicator(&series.indicator) {
            rest.indicators.entry(indicator.id.as_str()).or_insert(JsonIndicator {
                name: &indicator.name,
                unit: &indicator.unit,
                category: indicator.category.as_str(),
                definition: indicator.definition.as_deref(),
            });
            if let Some(source) = data.sources.get(&series.source) {
                rest.sources.insert(source.id.as_str(), source);
            }
        }
    }
    let mut out: Vec<u8> = if empty { Vec::new() } else { b"]".to_vec() };
    out.push(b',');
    // `{` + the fields + `}`: its fields follow the places.
    let fields = serde_json::to_vec(&rest).unwrap_or_default();
    out.extend_from_slice(fields.strip_prefix(b"{").unwrap_or(&fields));
    out.push(b'\n');
    out
}

/// The place's entry in the `places` list.
fn json_entry(locale: &Locale, data: &Data, place: &Place) -> Vec<u8> {
    serde_json::to_vec(&json_place(locale, data, place)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_without_places_has_a_valid_empty_json() {
        let data = Data::new(Vec::new(), Default::default(), Default::default(), Default::default());
        let mut text = json_head(true).to_vec();
        text.extend(json_tail(&data, std::iter::empty(), true));
        assert_eq!(String::from_utf8(text).unwrap(), "{\"places\":[],\"indicators\":{},\"sources\":{}}\n");
    }
}
