//! What the indicator pages show: the list of every indicator (`indicators/`), and a page per
//! indicator (`indicators/<id>/`) with its definition and every country's latest value,
//! with the median of each world region said to be one, never passed off as an estimate.

use std::collections::BTreeMap;

use serde::Serialize;

use super::context::{decimal_pad, sources_list, SourceView};
use crate::data::{Data, Indicator, Place, PlaceKind};
use crate::i18n::Locale;
use crate::present::{short_source, value_text};
use crate::site::Site;

/// A world region's median is shown when at least this many of its countries have a value.
const MEDIAN_OF_AT_LEAST: usize = 3;

/// An indicator's page, below the language's root: `indicators/child_stunting/index.html`.
pub fn page_slug(indicator: &str) -> String {
    format!("{}/{indicator}", super::INDICATORS)
}

#[derive(Serialize)]
pub struct IndicatorEntry<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
    definition: Option<&'a str>,
    reference: Option<String>,
    places: usize,
    sources: Vec<SourceView<'a>>,
}

#[derive(Serialize)]
pub struct IndicatorGroup<'a> {
    id: &'static str,
    title: String,
    indicators: Vec<IndicatorEntry<'a>>,
}

fn reference(locale: &Locale, indicator: &Indicator) -> Option<String> {
    indicator.reference.as_ref().map(|r| format!("{}: {}", r.label, locale.number(r.value, indicator.decimals)))
}

/// The sources that give values of `indicator` anywhere, in sources.toml's order.
fn sources_of<'a>(data: &'a Data, indicator: &Indicator) -> Vec<SourceView<'a>> {
    let mut ids: Vec<&str> =
        data.places.values().flat_map(|p| p.series_of(&indicator.id).map(|s| s.source.as_str())).collect();
    ids.sort_unstable();
    ids.dedup();
    sources_list(ids.into_iter().filter_map(|id| data.sources.get(id)))
}

/// The catalogue as readers see it, by family: what each indicator measures and who
/// publishes it.
pub fn indicator_list<'a>(site: &'a Site, locale: &Locale) -> Vec<IndicatorGroup<'a>> {
    let data = &site.data;
    let mut groups: Vec<IndicatorGroup> = Vec::new();
    for indicator in &data.indicators {
        let entry = IndicatorEntry {
            id: &indicator.id,
            name: &indicator.name,
            unit: &indicator.unit,
            definition: indicator.definition.as_deref(),
            reference: reference(locale, indicator),
            places: data.places.values().filter(|p| p.series_of(&indicator.id).next().is_some()).count(),
            sources: sources_of(data, indicator),
        };
        match groups.last_mut() {
            Some(g) if g.id == indicator.category.as_str() => g.indicators.push(entry),
            _ => groups.push(IndicatorGroup {
                id: indicator.category.as_str(),
                title: crate::charts::family_title(locale, indicator.category),
                indicators: vec![entry],
            }),
        }
    }
    groups
}

/// A place's latest value on an indicator's page.
#[derive(Serialize)]
struct PlaceRow {
    name: String,
    url: String,
    value: String,
    pad: String,
    sort: f64,
    year: i32,
    old: bool,
    source_id: String,
    source: String,
    region: String,
    /// Whether the place moves fast enough to reach the target by its year.
    pace: Option<crate::present::headline::Pace>,
}

/// A country's regions, beside the country's own value.
#[derive(Serialize)]
struct RegionTable {
    /// The country's slug, which its map of regions is found by.
    slug: String,
    country: String,
    country_url: String,
    country_value: Option<PlaceRow>,
    rows: Vec<PlaceRow>,
}

/// The median of a world region's latest values, with how many countries and which years it
/// rests on.
#[derive(Serialize)]
struct Median {
    region: String,
    countries: usize,
    value: String,
    years: String,
}

#[derive(Serialize)]
pub struct IndicatorPage<'a> {
    id: &'a str,
    name: String,
    unit: String,
    definition: Option<String>,
    reference: Option<String>,
    /// "Lower is better" or "Higher is better", when the catalogue says.
    better: Option<String>,
    /// "Progress toward the 2030 target", for an indicator whose target has a year.
    pace_heading: Option<String>,
    rows: Vec<PlaceRow>,
    medians: Vec<Median>,
    regions: Vec<RegionTable>,
    /// The years of the latest values: "2015–2024".
    years: String,
    pub sources: Vec<SourceView<'a>>,
}

/// "2015–2024", or "2024" for one year.
fn year_range(years: impl Iterator<Item = i32>) -> String {
    let (lo, hi) = years.fold((i32::MAX, i32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    match (lo, hi) {
        (i32::MAX, _) => String::new(),
        (lo, hi) if lo == hi => lo.to_string(),
        (lo, hi) => format!("{lo}–{hi}"),
    }
}

/// The middle value; with an even count, halfway between the two middle ones.
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// A place's latest value as a row of an indicator's page.
fn row(site: &Site, locale: &Locale, indicator: &Indicator, place: &Place) -> Option<PlaceRow> {
    let data = &site.data;
    let (series, obs) = place.latest(&indicator.id, &data.sources)?;
    let value = value_text(locale, indicator, obs);
    let options = super::context::tile_options(site);
    Some(PlaceRow {
        name: place.name.clone(),
        url: crate::site::page_path(&locale.prefix, &place.slug),
        pad: decimal_pad(&value, &locale.numbers.decimal, indicator.decimals),
        value,
        sort: obs.value,
        year: obs.year,
        old: options.is_old(obs.year),
        source_id: series.source.to_string(),
        source: short_source(data.source_name(&series.source)).to_string(),
        region: place.world_region.as_deref().map(|r| locale.term("region", r).to_string()).unwrap_or_default(),
        pace: crate::present::headline::pace(series, indicator, locale, &options),
    })
}

/// Highest first, so a table reads as a ranking without JavaScript; ties by name.
fn ranked(mut rows: Vec<PlaceRow>) -> Vec<PlaceRow> {
    rows.sort_by(|a, b| b.sort.total_cmp(&a.sort).then_with(|| a.name.cmp(&b.name)));
    rows
}

/// An indicator's page: every country's latest value, each world region's median, and the
/// regions of each country that has them.
pub fn indicator_page<'a>(site: &'a Site, locale: &Locale, indicator: &'a Indicator) -> IndicatorPage<'a> {
    let data = &site.data;
    let countries = data.places.values().filter(|p| p.kind == PlaceKind::Country);
    let rows = ranked(countries.clone().filter_map(|p| row(site, locale, indicator, p)).collect());
    let regions: Vec<RegionTable> = countries
        .filter_map(|country| {
            let inside = data
                .children_of(&country.slug)
                .filter(|p| p.kind == PlaceKind::Region && p.parent.as_deref() == Some(country.slug.as_str()))
                .filter_map(|p| row(site, locale, indicator, p))
                .collect::<Vec<_>>();
            (!inside.is_empty()).then(|| RegionTable {
                slug: country.slug.clone(),
                country: country.name.clone(),
                country_url: crate::site::page_path(&locale.prefix, &country.slug),
                country_value: row(site, locale, indicator, country),
                rows: ranked(inside),
            })
        })
        .collect();
    let mut by_region: BTreeMap<&str, Vec<&PlaceRow>> = BTreeMap::new();
    for row in rows.iter().filter(|r| !r.region.is_empty()) {
        by_region.entry(&row.region).or_default().push(row);
    }
    let medians = by_region
        .into_iter()
        // Fewer than three values have no middle worth the name.
        .filter(|(_, rows)| rows.len() >= MEDIAN_OF_AT_LEAST)
        .filter_map(|(region, rows)| {
            let mut values: Vec<f64> = rows.iter().map(|r| r.sort).collect();
            let value = median(&mut values)?;
            Some(Median {
                region: region.to_string(),
                countries: rows.len(),
                value: locale.number(value, indicator.decimals),
                years: year_range(rows.iter().map(|r| r.year)),
            })
        })
        .collect();
    let better = match indicator.better {
        Some(crate::data::Better::Lower) => Some(locale.t("indicators.lower_better").to_string()),
        Some(crate::data::Better::Higher) => Some(locale.t("indicators.higher_better").to_string()),
        None => None,
    };
    IndicatorPage {
        id: &indicator.id,
        name: indicator.name.clone(),
        unit: indicator.unit.clone(),
        definition: indicator.definition.clone(),
        reference: reference(locale, indicator),
        better,
        pace_heading: indicator.target().map(|t| locale.fill("indicators.pace", &[("year", &t.year.to_string())])),
        years: year_range(rows.iter().map(|r| r.year)),
        rows,
        medians,
        regions,
        sources: sources_of(data, indicator),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_value_or_halfway_between_the_two() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
        assert_eq!(year_range([2019, 2015, 2024].into_iter()), "2015–2024");
        assert_eq!(year_range([2020].into_iter()), "2020");
    }
}
