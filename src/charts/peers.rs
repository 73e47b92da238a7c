//! Each country against the median of its world region. The medians are computed once per
//! build, from every country's values, so no page repeats the work.

use std::collections::BTreeMap;

use super::{Bar, Chart, Kind, Panel};
use crate::data::{Data, Place, PlaceKind};
use crate::format;

#[derive(Debug, Default)]
pub struct Peers {
    /// (world region, indicator, year) -> every country's value that year, sorted.
    values: BTreeMap<(String, String, i32), Vec<f64>>,
}

impl Peers {
    pub fn compute(data: &Data) -> Peers {
        let mut values: BTreeMap<(String, String, i32), Vec<f64>> = BTreeMap::new();
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

    /// The median and the number of countries it is taken over.
    pub fn median(&self, region: &str, indicator: &str, year: i32) -> Option<(f64, usize)> {
        let v = self.values.get(&(region.to_string(), indicator.to_string(), year))?;
        let n = v.len();
        let median = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
        (n >= 3).then_some((median, n))
    }

    /// One chart of small panels, one per headline indicator: the country's latest value and
    /// its region's median for the same year.
    pub fn chart(&self, data: &Data, place: &Place) -> Option<Chart> {
        let (PlaceKind::Country, Some(region)) = (place.kind, &place.world_region) else { return None };
        let mut panels = Vec::new();
        let mut sources = Vec::new();
        let mut indicators = Vec::new();
        let mut counts = Vec::new();
        for indicator in data.indicators.iter().filter(|i| i.headline) {
            let Some((series, obs)) = place.latest(&indicator.id, &data.sources) else { continue };
            let Some((median, n)) = self.median(region, &indicator.id, obs.year) else { continue };
            sources.push(data.sources.get(&series.source).map_or(series.source.clone(), |s| s.name.clone()));
            indicators.push(indicator.id.clone());
            counts.push(format!("{} {n}", indicator.short_name.to_lowercase()));
            panels.push(Panel {
                title: indicator.short_name.clone(),
                subtitle: format!("{}, {}", indicator.unit, obs.year),
                bars: vec![
                    Bar {
                        label: place.name.clone(),
                        value: obs.value,
                        text: format::number(obs.value, indicator.decimals),
                        highlight: true,
                    },
                    Bar {
                        label: "Region median".to_string(),
                        value: median,
                        text: format::number(median, indicator.decimals),
                        highlight: false,
                    },
                ],
            });
        }
        if panels.is_empty() {
            return None;
        }
        sources.sort();
        sources.dedup();
        Some(Chart {
            id: "peers".to_string(),
            title: format!("{} compared with {region}", place.name),
            subtitle: format!("Latest year for {}; median of the region's countries in the same year", place.name),
            unit: "units of each panel".to_string(),
            kind: Kind::Panels(panels),
            sources,
            notes: vec![format!(
                "Region median over the countries of {region} with a value that year ({}), each by its first-listed source.",
                counts.join(", ")
            )],
            indicators,
        })
    }
}
