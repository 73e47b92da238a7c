//! Downloadable profiles of a place: a PDF brief, and its data as CSV and JSON.

pub mod data;
pub mod pdf;

use serde::Serialize;

use crate::data::{Data, Place};
use crate::format;
use crate::i18n::Locale;
use crate::site::Site;

/// A chart offered to the PDF template: its family, kind and the path of its SVG.
#[derive(Serialize)]
pub struct ProfileChart {
    pub family: String,
    pub kind: String,
    pub file: String,
    pub title: String,
    pub alt: String,
}

#[derive(Serialize)]
struct Figure {
    name: String,
    unit: String,
    value: String,
    year: i32,
    source: String,
}

#[derive(Serialize)]
struct Definition {
    name: String,
    unit: String,
    definition: String,
}

#[derive(Serialize)]
struct SourceLine {
    name: String,
    licence: String,
    url: String,
    citation: String,
}

#[derive(Serialize)]
struct Regions {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Everything `profile.typ` gets, as `/data.json`.
#[derive(Serialize)]
struct ProfileData {
    /// The language code, for Typst's hyphenation and quotes.
    lang: String,
    /// The theme's `[profile]` strings in the profile's language.
    labels: toml::Value,
    /// The theme's `[table]` strings: column headers.
    table: toml::Value,
    site: SiteLine,
    paper: String,
    place: PlaceLine,
    summary: Option<String>,
    /// The span of years the profile's values come from, e.g. "2010–2025".
    data_years: String,
    figures: Vec<Figure>,
    charts: Vec<ProfileChart>,
    regions: Option<Regions>,
    definitions: Vec<Definition>,
    sources: Vec<SourceLine>,
}

#[derive(Serialize)]
struct SiteLine {
    title: String,
    url: String,
    licence: String,
    publisher: String,
}

#[derive(Serialize)]
struct PlaceLine {
    name: String,
    /// "Country · Latin America & Caribbean · PER", or "Region of Peru".
    subtitle: String,
}

/// The JSON the PDF template reads for `place`.
pub fn template_data(
    site: &Site,
    locale: &Locale,
    place: &Place,
    summary: Option<String>,
    charts: Vec<ProfileChart>,
) -> Vec<u8> {
    let data = &site.data;
    let mut figures = Vec::new();
    let mut years: Vec<i32> = Vec::new();
    let mut definitions = Vec::new();
    for indicator in &data.indicators {
        let mut used = false;
        for series in place.series_of(&indicator.id) {
            let Some(obs) = series.latest() else { continue };
            used = true;
            years.push(obs.year);
            figures.push(Figure {
                name: indicator.name.clone(),
                unit: indicator.unit.clone(),
                value: crate::present::value_text(locale, indicator, obs),
                year: obs.year,
                source: data.source_name(&series.source).to_string(),
            });
        }
        if used {
            if let Some(definition) = &indicator.definition {
                definitions.push(Definition {
                    name: indicator.name.clone(),
                    unit: indicator.unit.clone(),
                    definition: definition.clone(),
                });
            }
        }
    }
    let mut source_ids: Vec<&str> = place.series.iter().map(|s| s.source.as_str()).collect();
    source_ids.sort_by_key(|id| data.sources.get(*id).map_or(usize::MAX, |s| s.rank));
    source_ids.dedup();
    let sources = source_ids
        .iter()
        .filter_map(|id| data.sources.get(*id))
        .map(|s| SourceLine {
            name: s.name.clone(),
            licence: s.licence.clone().unwrap_or_default(),
            url: s.url.clone().unwrap_or_default(),
            citation: s.citation.clone().or_else(|| s.note.clone()).unwrap_or_default(),
        })
        .collect();
    let data_years = match (years.iter().min(), years.iter().max()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    let profile = ProfileData {
        lang: locale.code.clone(),
        labels: locale.strings.get("profile").cloned().unwrap_or(toml::Value::Table(Default::default())),
        table: locale.strings.get("table").cloned().unwrap_or(toml::Value::Table(Default::default())),
        site: SiteLine {
            title: site.config.title.clone(),
            url: site.config.base_url.clone(),
            licence: site.config.licence.clone(),
            publisher: site.config.publisher.clone(),
        },
        paper: site.config.paper.typst_name().to_string(),
        place: PlaceLine { name: place.name.clone(), subtitle: subtitle(locale, data, place) },
        summary,
        data_years,
        figures,
        charts,
        regions: regions(locale, data, place),
        definitions,
        sources,
    };
    serde_json::to_vec(&profile).unwrap_or_default()
}

fn subtitle(locale: &Locale, data: &Data, place: &Place) -> String {
    let mut parts = vec![crate::present::kind_name(locale, data, place)];
    parts.extend(place.world_region.as_deref().map(|r| locale.term("region", r).to_string()));
    parts.extend(place.iso3.clone());
    parts.join(" · ")
}

/// The places inside, with the latest value of the first four indicators they have.
fn regions(locale: &Locale, data: &Data, place: &Place) -> Option<Regions> {
    let mut children: Vec<&Place> = data.children_of(&place.slug).collect();
    if children.is_empty() {
        return None;
    }
    children.sort_by_cached_key(|p| format::slugify(&p.name));
    let indicators: Vec<_> = data
        .indicators
        .iter()
        .filter(|i| children.iter().any(|c| c.series_of(&i.id).next().is_some()))
        .take(4)
        .collect();
    let mut columns = vec![String::new()];
    columns.extend(indicators.iter().map(|i| format!("{} ({})", i.short_name, i.unit)));
    let rows = children
        .iter()
        .map(|c| {
            let mut row = vec![c.name.clone()];
            row.extend(indicators.iter().map(|i| match c.latest(&i.id, &data.sources) {
                Some((_, o)) => format!("{} ({})", crate::present::value_text(locale, i, o), o.year),
                None => "–".to_string(),
            }));
            row
        })
        .collect();
    Some(Regions { columns, rows })
}
