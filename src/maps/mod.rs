//! Maps: boundary files read once per build ([`Boundaries::load`]), and choropleths drawn from
//! them as SVG ([`render_svg`]), the regions of a country or the countries of the world.
//!
//! A map is a plain value ([`Choropleth`]): its title, its values with their years and
//! sources, and every text it shows already in the page's language; drawing it is a pure
//! function of that value, a layer and the theme's style, so the same data give the same
//! bytes. Its PNG goes through the charts' [`crate::charts::png::Rasteriser`].

mod classes;
mod geometry;
mod layer;
mod read;
mod svg;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::data::{Data, Indicator, Place};
use crate::i18n::{Locale, NumberFormat};

pub use classes::Classes;
pub use layer::{Boundaries, Layer};
pub use svg::render as render_svg;

/// A choropleth: places coloured by their value of one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Choropleth {
    /// Unique on a page ("regions-child-stunting"): it names the map's hatching, so that two
    /// maps inlined in one page each keep their own.
    pub id: String,
    pub title: String,
    pub unit: String,
    /// One per place that has a value; places without are drawn hatched.
    pub values: Vec<MapValue>,
    /// Every place's name as readers know it, by slug, for the shapes' titles.
    pub names: BTreeMap<String, String>,
    /// The most decimals the indicator's values are shown with (the class limits' too).
    pub decimals: usize,
    /// How the page's language writes the class limits.
    pub numbers: NumberFormat,
    /// "Source: A; B." in the page's language.
    pub source_line: String,
    /// "Boundaries are not an official endorsement...", in the page's language.
    pub disclaimer: String,
    /// Conversions and caveats readers must see with the map.
    pub notes: Vec<String>,
    pub text: MapText,
    /// The text alternative; when none, one is made from the data ([`Choropleth::describe`]).
    pub description: Option<String>,
}

/// One place's value on a map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapValue {
    /// The place's slug: `peru`, `peru/huanuco`.
    pub place: String,
    pub value: f64,
    /// The value as the page writes it: "10.8".
    pub text: String,
    pub year: i32,
    /// The source's short name: "ENDES".
    pub source: String,
}

/// The words a map draws, in the page's language; `{place}`, `{value}`, `{year}`, `{source}`,
/// `{highest}` and `{lowest}` are filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct MapText {
    /// The legend's entry for places without a value: "No data".
    pub no_data: String,
    /// A shape's title: "{place}: {value} in {year} ({source})".
    pub shape: String,
    /// The title of a shape without a value: "{place}: no data".
    pub shape_no_data: String,
    /// The end of the text alternative: "Highest: {highest}; lowest: {lowest}."
    pub extremes: String,
}

impl Default for MapText {
    /// English as the default theme writes it (`map.*` in i18n/en.toml), for tests.
    fn default() -> MapText {
        MapText {
            no_data: "No data".into(),
            shape: "{place}: {value} in {year} ({source})".into(),
            shape_no_data: "{place}: no data".into(),
            extremes: "Highest: {highest}; lowest: {lowest}.".into(),
        }
    }
}

fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut text = template.to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

impl Choropleth {
    /// The classes its values fall in.
    pub fn classes(&self) -> Classes {
        Classes::new(&self.values.iter().map(|v| v.value).collect::<Vec<_>>(), self.decimals)
    }

    /// The unit and the years of the values: "% of children under 5, 2019–2025".
    pub fn subtitle(&self) -> String {
        let years = self.values.iter().map(|v| v.year);
        match (years.clone().min(), years.max()) {
            (Some(a), Some(b)) if a != b => format!("{}, {a}–{b}", self.unit),
            (Some(a), _) => format!("{}, {a}", self.unit),
            _ => self.unit.clone(),
        }
    }

    /// A place's name: as readers know it, else the slug.
    fn name<'a>(&'a self, place: &'a str) -> &'a str {
        self.names.get(place).map_or(place, String::as_str)
    }

    /// The text alternative: the given one, or the title, unit and years, and the places with
    /// the highest and the lowest value.
    pub fn describe(&self) -> String {
        if let Some(d) = &self.description {
            return d.clone();
        }
        let head = format!("{} ({}).", self.title, self.subtitle());
        let one = |v: &MapValue| format!("{} {} ({})", self.name(&v.place), v.text, v.year);
        let mut sorted: Vec<&MapValue> = self.values.iter().collect();
        sorted.sort_by(|a, b| a.value.total_cmp(&b.value).then_with(|| self.name(&a.place).cmp(self.name(&b.place))));
        // Of tied places, the first by name, so the text does not depend on the values' order.
        let top = sorted.last().map(|v| v.value);
        let highest = sorted.iter().find(|v| Some(v.value) == top);
        let lowest = sorted.first();
        match (highest, lowest) {
            (Some(h), Some(l)) if h.place != l.place => {
                format!("{head} {}", fill(&self.text.extremes, &[("highest", &one(h)), ("lowest", &one(l))]))
            }
            (Some(h), _) => format!("{head} {}.", one(h)),
            _ => format!("{head} {}.", self.text.no_data),
        }
    }
}

/// Each place's latest value of `indicator`: its most recent year, from the source listed
/// first in sources.toml on a tie (as its page's figures show it).
pub fn latest_values<'a>(
    data: &Data,
    indicator: &Indicator,
    places: impl IntoIterator<Item = &'a Place>,
    locale: &Locale,
) -> Vec<MapValue> {
    places
        .into_iter()
        .filter_map(|p| {
            let (series, obs) = p.latest(&indicator.id, &data.sources)?;
            Some(MapValue {
                place: p.slug.clone(),
                value: obs.value,
                text: locale.number(obs.value, indicator.decimals),
                year: obs.year,
                source: crate::present::short_source(data.source_name(&series.source)).to_string(),
            })
        })
        .collect()
}

/// How maps look, from the `[maps]` table of the theme's `theme.toml` (text, sizes and the
/// background are the charts').
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MapStyle {
    /// Light to dark, one hue; classes take colours spread over it.
    pub ramp: Vec<String>,
    /// The background of the hatching of places without a value, and its lines.
    pub no_data: String,
    pub hatch: String,
    /// The lines between shapes.
    pub border: String,
}

impl Default for MapStyle {
    /// ColorBrewer's "Blues" (Cynthia Brewer, Pennsylvania State University) without its
    /// near-white first step: one hue, so the classes read in order with the common forms of
    /// colour blindness and in grey print.
    fn default() -> MapStyle {
        let ramp = ["#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"];
        MapStyle {
            ramp: ramp.iter().map(|c| c.to_string()).collect(),
            no_data: "#f3f4f6".into(),
            hatch: "#8c959f".into(),
            border: "#ffffff".into(),
        }
    }
}

impl MapStyle {
    /// The `[maps]` table of `theme.toml`, or the default when the theme has none.
    pub fn from_theme_toml(text: &str) -> Result<MapStyle, String> {
        #[derive(Deserialize)]
        struct ThemeFile {
            maps: Option<MapStyle>,
        }
        let file: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let style = file.maps.unwrap_or_default();
        let colours = [&style.no_data, &style.hatch, &style.border].into_iter().chain(&style.ramp);
        if let Some(bad) = colours.into_iter().find(|c| crate::charts::style::parse_hex(c).is_none()) {
            return Err(format!("\"{bad}\" is not a colour; write colours as \"#rrggbb\""));
        }
        if style.ramp.len() < 2 {
            return Err("the map ramp needs at least two colours, light to dark".into());
        }
        Ok(style)
    }
}
