//! Each country against the median of its world region. The medians are computed once per
//! build, from every country's values, so no page repeats the work.

use std::collections::BTreeMap;

use super::{Bar, Chart, Kind, Panel};
use crate::data::{Data, IndicatorId, Place, PlaceKind};
use crate::i18n::Locale;

#[derive(Debug, Default)]
pub struct Peers {
    /// (world region, indicator, year) -> every country's value that year, sorted.
    values: BTreeMap<(String, IndicatorId, i32), Vec<f64>>,
}

impl Peers {
    pub fn compute(data: &Data) -> Peers {
        let mut values: BTreeMap<(String, IndicatorId, i32), Vec<f64>> = BTreeMap::new();
        for place in data.places.values().filter(|p| p.kind == PlaceKind::Country) {
            let Some(region) = &place.world_region else { continue };
            for indicator in data.indicators.iter().filter(|i| i.headline) {
                // One value per country and year: the preferred source's.
                let mut series: Vec<_> = place.series_of(&indicator.id).collect();
                series.sort_by_key(|s| data.sources.get(&s.source).map_or(usize::MAX, |x| x.rank));
                let mut years = BTreeMap::new();
                for s in series.iter().rev() {
                    for p in &s.points {
                        years.insert(p.year, p.value);
                    }
                }
                for (year, value) in years {
                    values.entry((region.clone(), indicator.id.clone(), year)).or_default().push(value);
                }
            }
        }
        for v in values.values_mut() {
            v.sort_by(f64::total_cmp);
        }
        Peers { values }
    }

    /// For each world region, a hash of every value its places are compared with: what a
    /// place's chart of its peers depends on besides the place itself.
    pub fn digests(&self) -> BTreeMap<&str, u64> {
        let mut by_region: BTreeMap<&str, String> = BTreeMap::new();
        for ((region, indicator, year), values) in &self.values {
            let text = by_region.entry(region).or_default();
            text.push_str(&format!("{indicator:?} {year} {values:?}\n"));
        }
        by_region.into_iter().map(|(region, text)| (region, crate::cache::fast_hash(&[text.as_bytes()]))).collect()
    }

    /// The median and the number of countries it is taken over.
    pub fn median(&self, region: &str, indicator: &str, year: i32) -> Option<(f64, usize)> {
        let v = self.values.get(&(region.to_string(), IndicatorId::from(indicator), year))?;
        let n = v.len();
        let median = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
        (n >= 3).then_some((median, n))
    }

    /// One chart of small panels, one per headline indicator: the country's latest value and
    /// its region's median for the same year.
    pub fn chart(&self, data: &Data, place: &Place, locale: &Locale) -> Option<Chart> {
        let (PlaceKind::Country, Some(region)) = (place.kind, &place.world_region) else { return None };
        let mut panels = Vec::new();
        let mut sources = Vec::new();
        let mut indicators = Vec::new();
        let mut counts = Vec::new();
        for indicator in data.indicators.iter().filter(|i| i.headline) {
            let Some((series, obs)) = place.latest(&indicator.id, &data.sources) else { continue };
            let Some((median, n)) = self.median(region, &indicator.id, obs.year) else { continue };
            sources.push(data.source_name(&series.source).to_string());
            indicators.push(indicator.id.clone());
            counts.push(format!("{} {n}", indicator.short_name.to_lowercase()));
            panels.push(Panel {
                title: indicator.short_name.clone(),
                subtitle: format!("{}, {}", indicator.unit, obs.year),
                bars: vec![
                    Bar {
                        label: place.name.clone(),
                        value: obs.value,
                        text: locale.number(obs.value, indicator.decimals),
                        highlight: true,
                        rank: None,
                    },
                    Bar {
                        label: locale.t("chart.region_median").to_string(),
                        value: median,
                        text: locale.number(median, indicator.decimals),
                        highlight: false,
                        rank: None,
                    },
                ],
            });
        }
        if panels.is_empty() {
            return None;
        }
        sources.sort();
        sources.dedup();
        let region = locale.term("region", region);
        Some(Chart {
            id: "peers".to_string(),
            title: locale.fill("chart.compared", &[("place", &place.name), ("region", region)]),
            subtitle: locale.fill("chart.compared_subtitle", &[("place", &place.name)]),
            unit: locale.t("chart.panel_units").to_string(),
            kind: Kind::Panels(panels),
            source_line: super::source_line(locale, &sources),
            numbers: locale.numbers.clone(),
            description: String::new(),
            sources,
            notes: vec![locale.fill("chart.median_note", &[("region", region), ("counts", &counts.join(", "))])],
            indicators,
        })
    }
}
