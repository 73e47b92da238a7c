//! What a build makes of the loaded site, place by place: each output has its renderer, in a
//! module of its own (`chart_files`, `data_files`, `pdf`, `social`, `pages`), that reads a
//! [`view::PlaceView`] and adds its files to the [`Output`]; this module asks each in turn, on
//! every core, and hands what they made to the pages.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::charts::Peers;
use crate::data::Place;
use crate::error::Error;
use crate::i18n::Locale;
use crate::output::Output;
use crate::parallel;
use crate::profile;
use crate::shortcodes::Call;
use crate::site::{page_path, Site};
use crate::theme::Theme;

mod chart_files;
mod context;
mod data_files;
mod indicators;
mod keys;
mod map_files;
mod pages;
mod pdf;
mod raster;
mod record;
mod resolve;
mod search;
mod social;
mod view;

use chart_files::ChartFiles;
use context::LanguageLink;
use keys::Keys;
use map_files::{MapFiles, MapView};
use pages::{language_links, PageSetting, Pages, PlacePage};
use pdf::PdfProfile;
use raster::Raster;
use record::{DataRecord, PlaceRecord, SiteRecord};
use social::SocialImages;
use view::{Downloads, FamilyView, Link, PlaceView};

/// Where each language's list of indicators goes, below the language's root.
pub use crate::site::INDICATORS;

pub struct Renderer {
    pages: Pages,
    charts: ChartFiles,
    maps: MapFiles,
    pdf: PdfProfile,
    social: SocialImages,
    raster: Arc<Raster>,
    /// The theme's interface strings, by language code.
    i18n: BTreeMap<String, String>,
    /// Called as places are drawn (done, total), to show progress on a terminal.
    progress: Option<Box<dyn Fn(usize, usize) + Send + Sync>>,
}

/// What drawing one place made in one language.
struct PlaceDrawing {
    files: Output,
    /// Its chart figures, kept only when a page still to be rendered shows them.
    families: Vec<FamilyView>,
    charts: usize,
    /// Its maps of its regions, by indicator, for the indicators' pages.
    maps: BTreeMap<crate::data::IndicatorId, MapView>,
    downloads: Downloads,
    /// Whether its page is already written.
    page_written: bool,
}

impl PlaceDrawing {
    /// What the build's record keeps of it; `cache`: the cache entries it was made from.
    fn record(&self, cache: Vec<String>) -> PlaceRecord {
        let d = &self.downloads;
        PlaceRecord {
            charts: self.charts,
            maps: self.maps.clone(),
            pdf: d.pdf.clone(),
            csv: d.csv.clone(),
            json: d.json.clone(),
            social: d.social.clone(),
            page: self.page_written,
            cache,
        }
    }
}

/// A language's site-wide downloads: kept from the last build, or being put together from
/// the places' parts.
enum DataAll {
    Kept(DataRecord),
    Made(crate::output::Assembled, crate::output::Assembled),
}

/// One language's share of drawing the site.
struct LanguageJob<'a> {
    /// The site in the language.
    site: &'a Site,
    locale: Locale,
    peers: &'a Peers,
    /// Places drawn so far in every language, and how many there are in all.
    done: &'a AtomicUsize,
    total: usize,
    /// In a full build, which place pages to write as soon as their place is drawn, and the
    /// language switcher they show.
    early: Option<(&'a EarlyPages, &'a [LanguageLink])>,
    /// The keys of the build's units, and the language's index among them, when the output
    /// keeps records.
    keys: Option<(&'a Keys, usize)>,
    /// Whether the pages and files not made place by place are kept from the last build.
    site_kept: bool,
}

/// What [`Renderer::draw`] made that pages refer to: chart figures and download links, for
/// each language.
pub struct Drawn {
    langs: Vec<DrawnLanguage>,
    counts: Counts,
    /// Place pages written while drawing (a full build), which [`Renderer::pages`] skips.
    written: std::collections::BTreeSet<String>,
    keys: Option<Keys>,
    /// The record of the site's other pages, when they are kept from the last build.
    site_kept: Option<SiteRecord>,
    /// The cache entries the site's other files were made from.
    site_cache: Vec<String>,
}

/// In a full build each place's page is written as soon as the place is drawn, and its chart
/// figures (with their data tables) are then dropped, so memory does not grow with the number
/// of places. Only the charts another page quotes are kept, and a place whose narrative quotes
/// another place's chart is rendered with the other pages, at the end.
#[derive(Default)]
struct EarlyPages {
    quoted: std::collections::BTreeSet<String>,
    deferred: std::collections::BTreeSet<String>,
}

impl EarlyPages {
    fn for_site(site: &Site) -> EarlyPages {
        let mut plan = EarlyPages::default();
        for content in std::iter::once(&site.content).chain(site.content.translated.values()) {
            let docs = content
                .home
                .iter()
                .map(|d| (d, None))
                .chain(content.pages.iter().map(|p| (&p.doc, None)))
                .chain(content.narratives.iter().map(|(slug, d)| (d, Some(slug.as_str()))));
            for (doc, own) in docs {
                for call in doc.shortcodes.iter().filter_map(|c| c.call.as_ref()) {
                    let target = call.place();
                    let figure = matches!(call, Call::Chart { .. } | Call::Map { .. }) && !target.is_empty();
                    if figure && Some(target) != own {
                        plan.quoted.insert(target.to_string());
                        plan.deferred.extend(own.map(str::to_string));
                    }
                }
            }
        }
        plan
    }
}

/// What one language's drawing made: each place's chart figures and download links, and the
/// site-wide downloads.
struct DrawnLanguage {
    locale: Locale,
    charts: BTreeMap<String, Vec<FamilyView>>,
    downloads: BTreeMap<String, Downloads>,
    site_downloads: Downloads,
    /// Each indicator's world map.
    world_maps: BTreeMap<crate::data::IndicatorId, MapView>,
    /// Each indicator's maps of the regions of a country, by country.
    region_maps: BTreeMap<crate::data::IndicatorId, BTreeMap<String, MapView>>,
}

/// How many pages of each kind a build rendered.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub places: usize,
    pub pages: usize,
    pub charts: usize,
    pub maps: usize,
    pub pdfs: usize,
}

impl Renderer {
    /// `cache_root`: the site folder whose `.salud-cache/` keeps PNGs between builds.
    pub fn new(theme: &Theme, cache_root: Option<&std::path::Path>) -> Result<Renderer, Error> {
        let style = theme.chart_style()?;
        let fonts: Vec<Vec<u8>> = theme.fonts.values().cloned().collect();
        // What every PNG and PDF depends on: the fonts, whole.
        let fonts_hash = crate::cache::fast_hash(&fonts.iter().map(Vec::as_slice).collect::<Vec<_>>()).to_le_bytes();
        let raster = Arc::new(Raster::new(&fonts, &fonts_hash, &style.font_family, cache_root));
        Ok(Renderer {
            pages: Pages::new(theme)?,
            charts: ChartFiles { style: style.clone(), raster: raster.clone() },
            maps: MapFiles {
                chart_style: style.clone(),
                style: crate::maps::MapStyle::from_theme_toml(&theme.settings)
                    .map_err(|message| Error::Template { name: "theme.toml".into(), message })?,
                raster: raster.clone(),
            },
            pdf: PdfProfile::new(theme, &fonts, &fonts_hash, cache_root),
            social: SocialImages { style, raster: raster.clone() },
            raster,
            i18n: theme.i18n.clone(),
            progress: None,
        })
    }

    pub fn on_progress(&mut self, report: impl Fn(usize, usize) + Send + Sync + 'static) {
        self.progress = Some(Box::new(report));
    }

    /// The site's languages, the main one first.
    pub fn locales(&self, site: &Site) -> Result<Vec<Locale>, Error> {
        site.config.all_languages().iter().map(|code| Locale::load(&self.i18n, code, &site.config.language)).collect()
    }

    /// Renders the whole site: charts, downloads and place pages place by place, then the
    /// other pages. With a streaming output that keeps records, a unit of work whose inputs
    /// are unchanged (see [`keys`]) is not made again: its files are kept.
    pub fn render_site(&self, site: &Site, output: &mut Output) -> Result<Counts, Error> {
        let mut site_files = output.unit(record::SITE);
        let drawn = self.draw_with(site, output, &mut site_files, Some(&EarlyPages::for_site(site)))?;
        let (pages, maps) = match &drawn.site_kept {
            Some(kept) => (kept.pages, kept.maps),
            None => {
                let pages = self.pages.all(site, &drawn, &|_| true, &mut site_files)?;
                let maps = drawn.langs.iter().map(|l| l.world_maps.len()).sum();
                if let Some(keys) = &drawn.keys {
                    let made = SiteRecord { pages, maps, cache: drawn.site_cache.clone() };
                    site_files.finish_unit(keys.site(), record::write(&made));
                }
                (pages, maps)
            }
        };
        output.absorb(site_files);
        let counts = drawn.counts;
        Ok(Counts {
            pages: pages + drawn.written.len(),
            places: site.data.places.len(),
            maps: counts.maps + maps,
            ..counts
        })
    }

    /// Everything but the HTML pages, in every language: charts, PDF profiles, data
    /// downloads, social images, the search index. Its result lets [`Renderer::pages`] run
    /// again alone when only narratives change.
    pub fn draw(&self, site: &Site, output: &mut Output) -> Result<Drawn, Error> {
        let mut site_files = output.part();
        let drawn = self.draw_with(site, output, &mut site_files, None)?;
        output.absorb(site_files);
        Ok(drawn)
    }

    /// Draws every place in every language into `output`, and the site's other files (world
    /// maps, the search index...) into `site_files`.
    fn draw_with(
        &self,
        site: &Site,
        output: &mut Output,
        site_files: &mut Output,
        early: Option<&EarlyPages>,
    ) -> Result<Drawn, Error> {
        let locales = self.locales(site)?;
        let languages = language_links(&locales);
        // Medians are of values, which no language changes: computed once.
        let peers = Peers::compute(&site.data);
        let keys = output.keeps_records().then(|| Keys::compute(site, &locales, &peers));
        let site_kept: Option<SiteRecord> = record::reuse(output, record::SITE, keys.as_ref().map(Keys::site))?;
        if let Some(kept) = &site_kept {
            self.keep_cached(&kept.cache);
        }
        let total = site.data.places.len() * locales.len();
        let done = AtomicUsize::new(0);
        let mut drawn = Drawn {
            langs: Vec::new(),
            counts: Counts::default(),
            written: Default::default(),
            keys: None,
            site_kept: None,
            site_cache: Vec::new(),
        };
        for (index, locale) in locales.into_iter().enumerate() {
            let local = site.localized(&locale.code);
            let job = LanguageJob {
                site: &local,
                locale,
                peers: &peers,
                done: &done,
                total,
                early: early.map(|plan| (plan, languages.as_slice())),
                keys: keys.as_ref().map(|k| (k, index)),
                site_kept: site_kept.is_some(),
            };
            let lang = self.draw_language(job, &mut drawn, output, site_files)?;
            drawn.langs.push(lang);
        }
        self.raster.prune();
        self.pdf.prune();
        if site_kept.is_none() {
            let locales: Vec<&Locale> = drawn.langs.iter().map(|l| &l.locale).collect();
            site_files.add("search-index.js", search::index(site, &locales));
        }
        (drawn.keys, drawn.site_kept) = (keys, site_kept);
        Ok(drawn)
    }

    /// Counts the cache entries of a unit not made again as used, so they stay cached.
    fn keep_cached(&self, names: &[String]) {
        self.raster.keep(names);
        self.pdf.keep(names);
    }

    fn draw_language(
        &self,
        job: LanguageJob,
        drawn_so_far: &mut Drawn,
        output: &mut Output,
        site_files: &mut Output,
    ) -> Result<DrawnLanguage, Error> {
        let LanguageJob { site, ref locale, peers, done, total, early, keys, site_kept } = job;
        let setting = early.map(|(_, languages)| PageSetting::new(site, locale, languages));
        let data = &site.data;
        let places: Vec<&Place> = data.places.values().collect();
        let sink = output.part();
        // The site-wide downloads are the places' parts in order: part 0 the head, then one
        // part per place, then (for the JSON) the tail. Unchanged, they are kept as they are.
        let (csv, json) =
            (format!("{}salud-data-all.csv", locale.prefix), format!("{}salud-data-all.json", locale.prefix));
        let data_unit = record::data_unit(&locale.prefix);
        let data_kept: Option<DataRecord> = record::reuse(output, &data_unit, keys.map(|(k, i)| k.data_all(i)))?;
        let mut data_files = output.unit(&data_unit);
        let data_all = match data_kept {
            Some(kept) => DataAll::Kept(kept),
            None => {
                let (csv_all, json_all) = (data_files.assemble(&csv), data_files.assemble(&json));
                csv_all.put(0, profile::data::csv_header());
                json_all.put(0, profile::data::json_head(places.is_empty()).to_vec());
                DataAll::Made(csv_all, json_all)
            }
        };
        let numbered: Vec<(usize, &Place)> = places.iter().copied().enumerate().collect();
        // Places draw in parallel; collecting in map order keeps the output deterministic.
        let drawn: Vec<Result<PlaceDrawing, Error>> = parallel::map(&numbered, |&(i, place)| {
            let unit = record::place_unit(&locale.prefix, &place.slug);
            let key = keys.map(|(k, index)| k.place(index, &place.slug));
            // A place another page quotes a chart of, or whose narrative quotes one, is drawn
            // whenever those pages are: they show its figures.
            let quoting =
                early.is_some_and(|(p, _)| p.quoted.contains(&place.slug) || p.deferred.contains(&place.slug));
            let reused: Option<PlaceRecord> = record::reuse(&sink, &unit, key.filter(|_| site_kept || !quoting))?;
            // Its parts of the site-wide downloads are given first, so a place that fails
            // cannot hold back the places after it.
            let assembling = matches!(data_all, DataAll::Made(..));
            let place_data =
                (assembling || reused.is_none()).then(|| profile::data::PlaceData::new(locale, data, place));
            if let (DataAll::Made(csv_all, json_all), Some(place_data)) = (&data_all, &place_data) {
                let separator = if i > 0 { profile::data::JSON_SEPARATOR } else { b"" };
                json_all.put(i + 1, [separator, &place_data.json_entry].concat());
                csv_all.put(i + 1, place_data.csv_rows.clone());
            }
            let drawing = match reused {
                Some(kept) => {
                    self.keep_cached(&kept.cache);
                    let downloads = kept.downloads();
                    let files = Output::default();
                    let (charts, maps, page_written) = (kept.charts, kept.maps, kept.page);
                    PlaceDrawing { files, families: Vec::new(), charts, maps, downloads, page_written }
                }
                None => {
                    let place_data = place_data.unwrap_or_else(|| profile::data::PlaceData::new(locale, data, place));
                    let view = PlaceView { site, locale, place, peers };
                    let page = early.zip(setting.as_ref()).map(|((plan, _), setting)| (plan, setting));
                    let (drawing, cache) =
                        crate::cache::recording(|| self.draw_place(&view, &place_data, sink.unit(&unit), page));
                    let drawing = drawing?;
                    if let Some(key) = key {
                        drawing.files.finish_unit(key, record::write(&drawing.record(cache)));
                    }
                    drawing
                }
            };
            if let Some(report) = &self.progress {
                report(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            }
            Ok(drawing)
        });
        let mut result = DrawnLanguage {
            charts: BTreeMap::new(),
            downloads: BTreeMap::new(),
            site_downloads: Downloads::default(),
            world_maps: BTreeMap::new(),
            region_maps: BTreeMap::new(),
            locale: locale.clone(),
        };
        let counts = &mut drawn_so_far.counts;
        for (place, item) in places.iter().zip(drawn) {
            let place_drawing = item?;
            counts.charts += place_drawing.charts;
            counts.pdfs += usize::from(place_drawing.downloads.pdf.is_some());
            counts.maps += place_drawing.maps.len();
            for (indicator, map) in place_drawing.maps {
                result.region_maps.entry(indicator).or_default().insert(place.slug.clone(), map);
            }
            if place_drawing.page_written {
                drawn_so_far.written.insert(page_path(&locale.prefix, &place.slug));
            }
            output.absorb(place_drawing.files);
            result.charts.insert(place.slug.clone(), place_drawing.families);
            result.downloads.insert(place.slug.clone(), place_drawing.downloads);
        }
        let (csv_link, json_link) = match data_all {
            DataAll::Kept(kept) => (kept.csv, kept.json),
            DataAll::Made(csv_all, json_all) => {
                json_all
                    .put(places.len() + 1, profile::data::json_tail(data, places.iter().copied(), places.is_empty()));
                let (csv_size, json_size) = (csv_all.finish(&mut data_files), json_all.finish(&mut data_files));
                let links = DataRecord { csv: Link::new(&csv, csv_size), json: Link::new(&json, json_size) };
                if let Some((k, i)) = keys {
                    data_files.finish_unit(k.data_all(i), record::write(&links));
                }
                output.absorb(data_files);
                (links.csv, links.json)
            }
        };
        result.site_downloads = Downloads { pdf: None, csv: Some(csv_link), json: Some(json_link), social: None };
        if !site_kept {
            // The world maps and the site's link preview, with the cache entries they use.
            let (made, cache) = crate::cache::recording(|| -> Result<_, Error> {
                for indicator in &data.indicators {
                    if let Some(map) = self.maps.world(site, locale, indicator, site_files)? {
                        result.world_maps.insert(indicator.id.clone(), map);
                    }
                }
                result.site_downloads.social = self.social.site(site, locale, site_files)?;
                Ok(())
            });
            made?;
            drawn_so_far.site_cache.extend(cache);
        }
        Ok(result)
    }

    /// Draws one place's charts, maps, downloads and PDF, and in a full build its page (see
    /// [`EarlyPages`]), into `files`.
    fn draw_place(
        &self,
        view: &PlaceView,
        place_data: &profile::data::PlaceData,
        mut files: Output,
        page: Option<(&EarlyPages, &PageSetting)>,
    ) -> Result<PlaceDrawing, Error> {
        let PlaceView { site, locale, place, .. } = *view;
        let mut charts = self.charts.place(view, &mut files)?;
        let maps = self.maps.place(view, &mut files)?;
        // Each bar chart of the regions has their map beside it.
        for chart in charts.families.iter_mut().flat_map(|f| f.charts.iter_mut()) {
            if chart.kind == crate::data::ChartKind::Regions {
                chart.map = chart.indicators.first().and_then(|i| maps.views.get(i)).cloned();
            }
        }
        charts.print.extend(maps.print.into_iter().map(|(_, print)| print));
        let chart_count = charts.families.iter().map(|f| f.charts.len()).sum();
        let data_links = data_files::place(view, place_data, &mut files);
        let downloads = Downloads {
            pdf: self.pdf.place(view, charts.print, &mut files)?,
            csv: data_links.csv,
            json: data_links.json,
            social: self.social.place(view, &mut files)?,
        };
        let mut kept = charts.families;
        let mut page_written = false;
        if let Some((plan, setting)) = page {
            if !plan.deferred.contains(&place.slug) {
                let own = BTreeMap::from([(place.slug.clone(), kept)]);
                let page = PlacePage { site, locale, setting, place, charts: &own, downloads: &downloads };
                files.add(page_path(&locale.prefix, &place.slug), self.pages.place_page(&page)?);
                kept = if plan.quoted.contains(&place.slug) {
                    own.into_values().next().unwrap_or_default()
                } else {
                    Vec::new()
                };
                page_written = true;
            }
        }
        Ok(PlaceDrawing { files, families: kept, charts: chart_count, maps: maps.views, downloads, page_written })
    }

    /// The pages alone, from what [`Renderer::draw`] made: `serve` renders them again when only
    /// narratives changed. Returns how many it wrote.
    pub fn pages(
        &self,
        site: &Site,
        drawn: &Drawn,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        output: &mut Output,
    ) -> Result<usize, Error> {
        self.pages.all(site, drawn, wanted, output)
    }
}
