//! The data downloads: a tidy CSV and a JSON file per place and for the whole site, with
//! values exactly as the sources gave them.

use serde::Serialize;

use crate::data::{Data, Indicator, Place, Source};

/// The CSV's columns. The first eight are the tidy layout spreadsheets expect; the qualifier
/// ("up to", "about") follows because a value without it would say more than its source.
pub const CSV_HEADER: [&str; 9] = ["place", "iso3", "indicator", "name", "unit", "year", "value", "source", "qualifier"];

/// RFC 4180 CSV of the places' observations, one row per value, in a stable order.
pub fn csv<'a>(data: &Data, places: impl Iterator<Item = &'a Place>) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = write_csv(data, places, &mut out);
    out
}

/// [`csv`], written as it goes, so a site-wide file never sits in memory whole.
pub fn write_csv<'a>(data: &Data, places: impl Iterator<Item = &'a Place>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    writer.write_record(CSV_HEADER)?;
    for place in places {
        for series in &place.series {
            let Some(indicator) = data.indicator(&series.indicator) else { continue };
            let source = data.sources.get(&series.source).map_or(series.source.as_str(), |s| s.name.as_str());
            for obs in &series.points {
                let year = obs.year.to_string();
                let value = obs.value.to_string();
                writer.write_record([
                    place.name.as_str(),
                    place.iso3.as_deref().unwrap_or(""),
                    indicator.id.as_str(),
                    indicator.name.as_str(),
                    indicator.unit.as_str(),
                    year.as_str(),
                    value.as_str(),
                    source,
                    obs.qualifier.as_deref().unwrap_or(""),
                ])?;
            }
        }
    }
    writer.flush()
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
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonIndicator<'a> {
    name: &'a str,
    unit: &'a str,
    category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    definition: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    places: Places<'a>,
    /// The catalogue entries the observations use, by id.
    indicators: std::collections::BTreeMap<&'a str, JsonIndicator<'a>>,
    /// The sources the observations cite, by id, with their licences.
    sources: std::collections::BTreeMap<&'a str, &'a Source>,
}

/// The places, each turned into its JSON form only while it is written, so a site-wide file
/// holds one place's observations in memory at a time.
struct Places<'a> {
    data: &'a Data,
    places: Vec<&'a Place>,
}

impl Serialize for Places<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.places.len()))?;
        for place in &self.places {
            seq.serialize_element(&json_place(self.data, place))?;
        }
        seq.end()
    }
}

fn json_place<'a>(data: &'a Data, place: &'a Place) -> JsonPlace<'a> {
    let mut observations = Vec::new();
    for series in &place.series {
        let Some(indicator): Option<&Indicator> = data.indicator(&series.indicator) else { continue };
        for obs in &series.points {
            observations.push(JsonObservation {
                indicator: &indicator.id,
                year: obs.year,
                value: obs.value,
                source: &series.source,
                qualifier: obs.qualifier.as_deref(),
                note: obs.note.as_deref().or(series.note.as_deref()),
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

/// The same content as [`csv`], plus the catalogue entries and sources it uses.
pub fn json<'a>(data: &'a Data, places: impl Iterator<Item = &'a Place>) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = write_json(data, places, &mut out);
    out
}

/// [`json`], written as it goes.
pub fn write_json<'a>(data: &'a Data, places: impl Iterator<Item = &'a Place>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let places: Vec<&Place> = places.collect();
    let mut indicators = std::collections::BTreeMap::new();
    let mut sources = std::collections::BTreeMap::new();
    for series in places.iter().flat_map(|p| &p.series) {
        if let Some(indicator) = data.indicator(&series.indicator) {
            indicators.entry(indicator.id.as_str()).or_insert(JsonIndicator {
                name: &indicator.name,
                unit: &indicator.unit,
                category: indicator.category.as_str(),
                definition: indicator.definition.as_deref(),
            });
            if let Some(source) = data.sources.get(&series.source) {
                sources.insert(source.id.as_str(), source);
            }
        }
    }
    let file = JsonFile { places: Places { data, places }, indicators, sources };
    let mut out = std::io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, &file).map_err(std::io::Error::other)?;
    std::io::Write::write_all(&mut out, b"\n")?;
    std::io::Write::flush(&mut out)
}
