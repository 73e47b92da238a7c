//! What a place's renderers read and what pages show of their work: the read-only view of a
//! place in one language, the chart figures, and the download links.

use serde::{Deserialize, Serialize};
use tera::Context;

use crate::charts::{self, Chart, Peers};
use crate::data::{ChartKind, Place};
use crate::format;
use crate::i18n::Locale;
use crate::site::Site;

/// One place as one language's readers see it, with what its charts compare it to: the one
/// input of every renderer of a place's files.
#[derive(Clone, Copy)]
pub(super) struct PlaceView<'a> {
    /// The site in the place's language.
    pub(super) site: &'a Site,
    pub(super) locale: &'a Locale,
    pub(super) place: &'a Place,
    pub(super) peers: &'a Peers,
}

impl PlaceView<'_> {
    /// Where the place's files go: `es/peru/`.
    pub(super) fn dir(&self) -> String {
        format!("{}{}/", self.locale.prefix, self.place.slug)
    }
}

#[derive(Serialize, Clone)]
pub(super) struct FamilyView {
    pub(super) id: &'static str,
    pub(super) title: String,
    pub(super) empty: Option<String>,
    pub(super) charts: Vec<ChartView>,
}

#[derive(Serialize, Clone)]
pub(super) struct ChartView {
    pub(super) id: String,
    /// The chart's files without extension, from the site root: `peru/charts/peers`.
    pub(super) url: String,
    pub(super) indicators: Vec<crate::data::IndicatorId>,
    /// "trend", "regions", "peers", "gaps" or "groups".
    pub(super) kind: ChartKind,
    pub(super) title: String,
    pub(super) subtitle: String,
    pub(super) description: String,
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) narrow_width: u32,
    pub(super) narrow_height: u32,
    pub(super) headers: Vec<String>,
    pub(super) rows: Vec<Vec<charts::Cell>>,
    pub(super) sources: Vec<String>,
    pub(super) source_line: String,
    pub(super) notes: Vec<String>,
    pub(super) png: bool,
    /// The pages of the indicators drawn, for their definitions.
    pub(super) about: Vec<About>,
    /// A bar chart of regions has their map beside it, when the site has their boundaries.
    pub(super) map: Option<super::map_files::MapView>,
}

/// A link to an indicator's page.
#[derive(Serialize, Clone)]
pub(super) struct About {
    pub(super) name: String,
    /// From the site's root: `es/indicators/child_stunting/index.html`.
    pub(super) url: String,
}

impl ChartView {
    pub(super) fn new(chart: &Chart, locale: &Locale, url: &str, wide: &str, narrow: &str, png: bool) -> ChartView {
        let (headers, rows) = chart.table(locale);
        let (width, height) = view_box(wide);
        let (narrow_width, narrow_height) = view_box(narrow);
        ChartView {
            id: chart.id.clone(),
            url: url.to_string(),
            indicators: chart.indicators.clone(),
            kind: chart.shows(),
            title: chart.title.clone(),
            subtitle: chart.subtitle.clone(),
            description: chart.description.clone(),
            width,
            height,
            narrow_width,
            narrow_height,
            headers,
            rows,
            sources: chart.sources.clone(),
            source_line: chart.source_line.clone(),
            notes: chart.notes.clone(),
            png,
            about: Vec::new(),
            map: None,
        }
    }
}

/// The size an SVG declares in its viewBox, for the `<img>` width and height that keep the
/// page from jumping while it loads.
pub(super) fn view_box(svg: &str) -> (u32, u32) {
    let numbers: Vec<u32> = svg
        .split_once("viewBox=\"")
        .and_then(|(_, rest)| rest.split('"').next())
        .map(|v| v.split(' ').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_default();
    match numbers[..] {
        [_, _, w, h] => (w, h),
        _ => (0, 0),
    }
}

/// A download offered on a page: its path from the site root and its size in words.
#[derive(Serialize, Deserialize, Clone)]
pub(super) struct Link {
    pub(super) url: String,
    pub(super) size: String,
}

impl Link {
    pub(super) fn new(url: &str, bytes: usize) -> Link {
        Link { url: url.to_string(), size: format::size(bytes) }
    }
}

#[derive(Serialize, Clone, Default)]
pub(super) struct Downloads {
    pub(super) pdf: Option<Link>,
    pub(super) csv: Option<Link>,
    pub(super) json: Option<Link>,
    /// The link-preview image and its text alternative; not offered as a download.
    #[serde(skip)]
    pub(super) social: Option<Social>,
}

#[derive(Clone, Serialize, Deserialize)]
pub(super) struct Social {
    /// From the site root: `es/peru/social.png`.
    pub(super) url: String,
    pub(super) alt: String,
}

pub(super) fn insert_social(ctx: &mut Context, downloads: &Downloads) {
    if let Some(social) = &downloads.social {
        ctx.insert("social_image", &social.url);
        ctx.insert("social_alt", &social.alt);
    }
}
