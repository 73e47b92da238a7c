//! The map files: for a country with a layer of regions, a map of its regions for each
//! indicator they have values of (`{place}/maps/regions-{indicator}.svg`, `-narrow.svg`,
//! `.png`); for each indicator, a world map of the countries (`indicators/{id}/map.svg`...).
//! Their texts are in the page's language, so each language has its own files.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::chart_files::PrintChart;
use super::raster::{Raster, CHART_SCALE};
use super::view::PlaceView;
use crate::charts::{self, ChartStyle};
use crate::data::{Indicator, IndicatorId, Place, PlaceKind};
use crate::error::Error;
use crate::i18n::Locale;
use crate::maps::{self, Choropleth, Layer, MapStyle, MapText};
use crate::output::Output;
use crate::profile::ProfileChart;
use crate::site::Site;

/// The PDF's map of regions: narrower than the print charts (400 px), because the profile
/// template sets it at 62% of a column, where 12-px text still prints at 7.3 pt.
const PRINT: crate::charts::style::Size = crate::charts::style::Size { width: 256, height: 400 };

pub(super) struct MapFiles {
    pub(super) chart_style: ChartStyle,
    pub(super) style: MapStyle,
    pub(super) raster: Arc<Raster>,
}

/// A map as a page shows it: its files, its words and its data as a table.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(super) struct MapView {
    /// The files without extension, from the site root: `peru/maps/regions-child-stunting`.
    pub(super) url: String,
    pub(super) title: String,
    pub(super) subtitle: String,
    pub(super) description: String,
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) narrow_width: u32,
    pub(super) narrow_height: u32,
    /// Place, value, year, source: every place with a value, highest first.
    pub(super) rows: Vec<[String; 4]>,
    pub(super) source_line: String,
    pub(super) disclaimer: String,
    pub(super) png: bool,
    /// The indicator's page, for a world map shown elsewhere (the home page).
    pub(super) page: Option<String>,
}

/// What drawing a place's maps made: each map by indicator, and the print-sized map of the
/// indicator its PDF compares regions by.
#[derive(Default)]
pub(super) struct PlaceMaps {
    pub(super) views: BTreeMap<IndicatorId, MapView>,
    pub(super) print: Vec<(IndicatorId, PrintChart)>,
}

/// The words every map draws, in the page's language.
fn map_text(locale: &Locale) -> MapText {
    MapText {
        no_data: locale.t("map.no_data").to_string(),
        shape: locale.t("map.shape").to_string(),
        shape_no_data: locale.t("map.shape_no_data").to_string(),
        extremes: locale.t("map.extremes").to_string(),
    }
}

/// The map of `places`' values of `indicator` on `layer`, its words in `locale`'s language.
fn choropleth(
    site: &Site,
    locale: &Locale,
    indicator: &Indicator,
    places: &[&Place],
    id: String,
    title: String,
) -> Choropleth {
    let data = &site.data;
    let values = maps::latest_values(data, indicator, places.iter().copied(), locale);
    let mut sources: Vec<String> = Vec::new();
    for place in places {
        if let Some((series, _)) = place.latest(&indicator.id, &data.sources) {
            let name = data.source_name(&series.source).to_string();
            if !sources.contains(&name) {
                sources.push(name);
            }
        }
    }
    Choropleth {
        id,
        title,
        unit: indicator.unit.clone(),
        values,
        names: places.iter().map(|p| (p.slug.clone(), p.name.clone())).collect(),
        decimals: indicator.decimals,
        numbers: locale.numbers.clone(),
        source_line: charts::source_line(locale, &sources),
        disclaimer: locale.t("map.disclaimer").to_string(),
        notes: Vec::new(),
        text: map_text(locale),
        description: None,
    }
}

impl MapFiles {
    /// Writes the map's SVGs (and PNG) at `dir` and returns what its page shows.
    fn write(
        &self,
        map: &Choropleth,
        layer: &Layer,
        dir: &str,
        png: bool,
        output: &mut Output,
    ) -> Result<MapView, Error> {
        let wide = maps::render_svg(map, layer, &self.chart_style, &self.style, self.chart_style.wide);
        let narrow = maps::render_svg(map, layer, &self.chart_style, &self.style, self.chart_style.narrow);
        if png {
            output.add(format!("{dir}.png"), self.raster.png(&wide, CHART_SCALE, &format!("map {dir}.png"))?);
        }
        let (width, height) = super::view::view_box(&wide);
        let (narrow_width, narrow_height) = super::view::view_box(&narrow);
        let mut values: Vec<&maps::MapValue> = map.values.iter().collect();
        values.sort_by(|a, b| b.value.total_cmp(&a.value).then_with(|| a.place.cmp(&b.place)));
        let view = MapView {
            url: dir.to_string(),
            title: map.title.clone(),
            subtitle: map.subtitle(),
            description: map.describe(),
            width,
            height,
            narrow_width,
            narrow_height,
            rows: values
                .iter()
                .map(|v| {
                    let name = map.names.get(&v.place).cloned().unwrap_or_else(|| v.place.clone());
                    [name, v.text.clone(), v.year.to_string(), v.source.clone()]
                })
                .collect(),
            source_line: map.source_line.clone(),
            disclaimer: map.disclaimer.clone(),
            png,
            page: None,
        };
        output.add(format!("{dir}.svg"), wide);
        output.add(format!("{dir}-narrow.svg"), narrow);
        Ok(view)
    }

    /// A country's maps of its regions, one per indicator they have values of; none for a
    /// place without a layer of regions.
    pub(super) fn place(&self, view: &PlaceView, output: &mut Output) -> Result<PlaceMaps, Error> {
        let (site, locale, place) = (view.site, view.locale, view.place);
        let Some(layer) = site.boundaries.regions_of(&place.slug) else { return Ok(PlaceMaps::default()) };
        let regions: Vec<&Place> = site
            .data
            .children_of(&place.slug)
            .filter(|p| p.kind == PlaceKind::Region && p.parent.as_deref() == Some(place.slug.as_str()))
            .collect();
        let mut maps = PlaceMaps::default();
        for indicator in &site.data.indicators {
            if !regions.iter().any(|r| r.series_of(&indicator.id).next().is_some()) {
                continue;
            }
            let id = format!("regions-{}", crate::format::slugify(&indicator.id));
            let title = locale.fill("map.regions_title", &[("indicator", &indicator.name), ("place", &place.name)]);
            let map = choropleth(site, locale, indicator, &regions, id.clone(), title);
            let dir = format!("{}maps/{id}", view.dir());
            let shown = self.write(&map, layer, &dir, site.config.chart_png, output)?;
            maps.print.push((
                indicator.id.clone(),
                PrintChart {
                    chart: ProfileChart {
                        family: indicator.category.as_str().to_string(),
                        kind: "map".to_string(),
                        indicator: indicator.id.to_string(),
                        file: format!("/maps/{id}.svg"),
                        title: shown.title.clone(),
                        alt: shown.description.clone(),
                    },
                    svg: maps::render_svg(&map, layer, &self.chart_style, &self.style, PRINT),
                },
            ));
            maps.views.insert(indicator.id.clone(), shown);
        }
        Ok(maps)
    }

    /// The world map of `indicator`'s latest value in each country, or none when the site has
    /// no world layer or no country has a value.
    pub(super) fn world(
        &self,
        site: &Site,
        locale: &Locale,
        indicator: &Indicator,
        output: &mut Output,
    ) -> Result<Option<MapView>, Error> {
        let Some(layer) = &site.boundaries.world else { return Ok(None) };
        let countries: Vec<&Place> = site.data.places.values().filter(|p| p.kind == PlaceKind::Country).collect();
        if !countries.iter().any(|p| p.series_of(&indicator.id).next().is_some()) {
            return Ok(None);
        }
        let id = format!("world-{}", crate::format::slugify(&indicator.id));
        let title = locale.fill("map.world_title", &[("indicator", &indicator.name)]);
        let map = choropleth(site, locale, indicator, &countries, id, title);
        let slug = super::indicators::page_slug(&indicator.id);
        let dir = format!("{}{slug}/map", locale.prefix);
        let mut view = self.write(&map, layer, &dir, site.config.chart_png, output)?;
        view.page = Some(crate::site::page_path(&locale.prefix, &slug));
        Ok(Some(view))
    }
}
