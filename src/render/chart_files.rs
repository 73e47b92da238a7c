//! A place's charts as files: each chart as a wide and a narrow SVG and a PNG in
//! `{place}/charts/`, and the print-sized SVGs its PDF profile takes.

use std::sync::Arc;

use super::raster::{Raster, CHART_SCALE};
use super::view::{About, ChartView, FamilyView, PlaceView};
use crate::charts::{self, ChartStyle};
use crate::error::Error;
use crate::output::Output;
use crate::profile::ProfileChart;

/// A chart as the PDF profile gets it: what the template reads of it, and its SVG.
pub(super) struct PrintChart {
    pub(super) chart: ProfileChart,
    pub(super) svg: String,
}

/// What drawing a place's charts made besides the files: what its page shows of them, and
/// what its PDF takes.
pub(super) struct PlaceCharts {
    pub(super) families: Vec<FamilyView>,
    pub(super) print: Vec<PrintChart>,
}

pub(super) struct ChartFiles {
    pub(super) style: ChartStyle,
    pub(super) raster: Arc<Raster>,
}

impl ChartFiles {
    pub(super) fn place(&self, view: &PlaceView, output: &mut Output) -> Result<PlaceCharts, Error> {
        let (site, locale, place) = (view.site, view.locale, view.place);
        let mut families = Vec::new();
        let mut print = Vec::new();
        let tiles = super::context::tile_options(site);
        let options = charts::Options {
            start_year: site.config.chart_start_year,
            progress: tiles.progress(),
            few_observations: tiles.few_observations,
        };
        for family in charts::for_place(&site.data, place, view.peers, locale, options) {
            let mut charts = Vec::new();
            for chart in &family.charts {
                let wide = charts::svg::render(chart, &self.style, self.style.wide);
                let narrow = charts::svg::render(chart, &self.style, self.style.narrow);
                let dir = format!("{}charts/{}", view.dir(), chart.id);
                if site.config.chart_png {
                    let png = self.raster.png(&wide, CHART_SCALE, &format!("chart {dir}.png"))?;
                    output.add(format!("{dir}.png"), png);
                }
                let mut shown = ChartView::new(chart, locale, &dir, &wide, &narrow, site.config.chart_png);
                shown.about = chart
                    .indicators
                    .iter()
                    .filter_map(|id| site.data.indicator(id))
                    .map(|i| About {
                        name: i.short_name.clone(),
                        url: crate::site::page_path(&locale.prefix, &super::indicators::page_slug(&i.id)),
                    })
                    .collect();
                print.push(PrintChart {
                    chart: ProfileChart {
                        family: family.category.as_str().to_string(),
                        kind: shown.kind.as_str().to_string(),
                        indicator: chart.indicators.first().map(|i| i.to_string()).unwrap_or_default(),
                        file: format!("/charts/{}.svg", chart.id),
                        title: chart.title.clone(),
                        alt: shown.description.clone(),
                    },
                    svg: charts::svg::render(chart, &self.style, self.style.print),
                });
                charts.push(shown);
                output.add(format!("{dir}.svg"), wide);
                output.add(format!("{dir}-narrow.svg"), narrow);
            }
            families.push(FamilyView {
                id: family.category.as_str(),
                title: charts::family_title(locale, family.category),
                empty: family.empty,
                charts,
            });
        }
        Ok(PlaceCharts { families, print })
    }
}
