//! HTML pages from the loaded site, through the theme's Tera templates. Every link is
//! relative to the page it is on, so the output works under any sub-path and from `file://`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use tera::{Context, Tera};

use rayon::prelude::*;

use crate::cache::PngCache;
use crate::charts::png::Rasteriser;
use crate::charts::{self, social, Chart, ChartStyle, Peers};
use crate::data::Place;
use crate::error::Error;
use crate::format;
use crate::i18n::Locale;
use crate::output::Output;
use crate::parallel;
use crate::profile::{self, pdf::Typesetter, ProfileChart};
use crate::site::Site;
use crate::theme::Theme;

mod context;
mod resolve;
mod search;

use crate::present::value_text;
use context::{base_context, home_context, nav, place_context, sources_list, LanguageLink, PageAt};

pub struct Renderer {
    tera: Tera,
    /// Called as places are drawn (done, total), to show progress on a terminal.
    progress: Option<Box<dyn Fn(usize, usize) + Send + Sync>>,
    /// Worker threads for the pages (large stacks: Tera recurses through nested templates).
    /// Places are drawn and typeset on plain threads instead: see [`parallel::map`].
    pool: rayon::ThreadPool,
    typesetter: Typesetter,
    chart_style: ChartStyle,
    rasteriser: Rasteriser,
    cache: PngCache,
    /// What a PNG depends on besides its SVG: the fonts and the scale.
    fonts_key: Vec<u8>,
    /// The theme's interface strings, by language code.
    i18n: BTreeMap<String, String>,
    /// The templates' text and the file each came from, to say where a template failed.
    sources: BTreeMap<String, String>,
    origins: BTreeMap<String, String>,
}

/// What a page says about a text shown in the main language because its translation is
/// missing.
struct Text<'a> {
    untranslated: Option<&'a str>,
    main_lang: &'a str,
}

/// What every page of one language shares: the site's languages, the navigation, and the
/// note shown over a text that is not translated.
struct PageSetting<'a> {
    languages: &'a [LanguageLink],
    nav: Vec<context::Link>,
    untranslated: Option<String>,
}

impl<'a> PageSetting<'a> {
    fn new(site: &Site, locale: &Locale, languages: &'a [LanguageLink]) -> PageSetting<'a> {
        // A translation that is missing shows the main language's text, and says so.
        let untranslated = (!locale.prefix.is_empty())
            .then(|| locale.fill("site.not_translated", &[("language", &languages[0].name)]));
        PageSetting { languages, nav: nav(site, locale), untranslated }
    }

    fn text(&self) -> Text<'_> {
        Text { untranslated: self.untranslated.as_deref(), main_lang: &self.languages[0].code }
    }
}

/// The switcher's entries: each language's code, name and folder.
fn language_links(locales: &[Locale]) -> Vec<LanguageLink> {
    locales
        .iter()
        .map(|l| LanguageLink { code: l.code.clone(), name: l.name.clone(), prefix: l.prefix.clone() })
        .collect()
}

/// Names how PNGs are encoded, so a cached PNG from other settings is never reused; change
/// it with any change to `charts::png`.
const PNG_ENCODING: &str = "png 0.18 rgb8 balanced sub";

/// PNG charts at their SVG size (720 px wide): enough for documents and slides, and cheap
/// enough to make for every chart; the SVG scales to any size.
const PNG_SCALE: f32 = 1.0;

/// What drawing one place made: its files, its chart figures, its download links.
/// What drawing one place made: its files, its chart figures (kept only when a page still to
/// be rendered shows them), how many charts, its download links, and whether its page is
/// already written.
type PlaceDrawing = (Output, Vec<FamilyView>, usize, Downloads, bool);

/// The charts offered to the PDF template, with their print-sized SVG.
type PrintCharts = Vec<(ProfileChart, String)>;

/// Where each language's list of indicators goes, below the language's root.
pub use crate::site::INDICATORS;

/// What [`Renderer::draw`] made that pages refer to: chart figures and download links, for
/// each language.
pub struct Drawn {
    langs: Vec<DrawnLanguage>,
    counts: Counts,
    /// Place pages written while drawing (a full build), which [`Renderer::pages`] skips.
    written: std::collections::BTreeSet<String>,
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
                for code in doc.shortcodes.iter().filter(|c| c.name == "chart") {
                    let target = code.arg("place").or(own).unwrap_or_default();
                    if Some(target) != own {
                        plan.quoted.insert(target.to_string());
                        plan.deferred.extend(own.map(str::to_string));
                    }
                }
            }
        }
        plan
    }
}

struct DrawnLanguage {
    locale: Locale,
    charts: BTreeMap<String, Vec<FamilyView>>,
    downloads: BTreeMap<String, Downloads>,
    site_downloads: Downloads,
}

/// How many pages of each kind a build rendered.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub places: usize,
    pub pages: usize,
    pub charts: usize,
    pub pdfs: usize,
}

impl Renderer {
    /// `cache_root`: the site folder whose `.salud-cache/` keeps PNGs between builds.
    pub fn new(theme: &Theme, cache_root: Option<&std::path::Path>) -> Result<Renderer, Error> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(theme.templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| template_error(&theme.templates, &theme.origins, "", &e))?;
        let chart_style = theme.chart_style()?;
        let fonts: Vec<Vec<u8>> = theme.fonts.values().cloned().collect();
        let rasteriser = Rasteriser::new(&fonts, &chart_style.font_family);
        let mut fonts_key = format!("{} {PNG_ENCODING}", env!("CARGO_PKG_VERSION")).into_bytes();
        fonts_key.extend(PNG_SCALE.to_le_bytes());
        for font in &fonts {
            fonts_key.extend((font.len() as u64).to_le_bytes());
            fonts_key.extend(font.iter().step_by(4096));
        }
        let typesetter = Typesetter::new(&theme.profile, &theme.profile_origin, &fonts);
        let pool = rayon::ThreadPoolBuilder::new()
            .stack_size(parallel::STACK_SIZE)
            .build()
            .map_err(|e| Error::Template { name: "worker threads".into(), message: e.to_string() })?;
        Ok(Renderer {
            tera,
            progress: None,
            pool,
            typesetter,
            chart_style,
            rasteriser,
            cache: PngCache::new(cache_root),
            fonts_key,
            i18n: theme.i18n.clone(),
            sources: theme.templates.clone(),
            origins: theme.origins.clone(),
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
    /// other pages.
    pub fn render_site(&self, site: &Site, output: &mut Output) -> Result<Counts, Error> {
        let drawn = self.draw_with(site, output, Some(&EarlyPages::for_site(site)))?;
        let pages = self.pages(site, &drawn, &|_| true, output)?;
        Ok(Counts { pages: pages + drawn.written.len(), places: site.data.places.len(), ..drawn.counts })
    }

    /// Everything but the HTML pages, in every language: charts, PDF profiles, data
    /// downloads, social images, the search index. Its result lets [`Renderer::pages`] run
    /// again alone when only narratives change.
    pub fn draw(&self, site: &Site, output: &mut Output) -> Result<Drawn, Error> {
        self.draw_with(site, output, None)
    }

    fn draw_with(&self, site: &Site, output: &mut Output, early: Option<&EarlyPages>) -> Result<Drawn, Error> {
        let locales = self.locales(site)?;
        let languages = language_links(&locales);
        // Medians are of values, which no language changes: computed once.
        let peers = Peers::compute(&site.data);
        let total = site.data.places.len() * locales.len();
        let done = AtomicUsize::new(0);
        let mut drawn = Drawn { langs: Vec::new(), counts: Counts::default(), written: Default::default() };
        for locale in locales {
            let local = site.localized(&locale.code);
            let early = early.map(|plan| (plan, languages.as_slice()));
            let lang = self.draw_language(&local, locale, &peers, (&done, total), early, &mut drawn, output)?;
            drawn.langs.push(lang);
        }
        self.cache.prune();
        output.add("search-index.js", search::index(site, &drawn.langs.iter().map(|l| &l.locale).collect::<Vec<_>>()));
        Ok(drawn)
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_language(
        &self,
        site: &Site,
        locale: Locale,
        peers: &Peers,
        (done, total): (&AtomicUsize, usize),
        early: Option<(&EarlyPages, &[LanguageLink])>,
        drawn_so_far: &mut Drawn,
        output: &mut Output,
    ) -> Result<DrawnLanguage, Error> {
        let counts = &mut drawn_so_far.counts;
        let setting = early.map(|(_, languages)| PageSetting::new(site, &locale, languages));
        let data = &site.data;
        let places: Vec<&Place> = data.places.values().collect();
        let sink = output.part();
        // The site-wide downloads are the places' parts in order: part 0 the head, then one
        // part per place, then (for the JSON) the tail.
        let (csv, json) =
            (format!("{}salud-data-all.csv", locale.prefix), format!("{}salud-data-all.json", locale.prefix));
        let (csv_all, json_all) = (output.assemble(&csv), output.assemble(&json));
        csv_all.put(0, profile::data::csv_header());
        json_all.put(0, profile::data::json_head(places.is_empty()).to_vec());
        let numbered: Vec<(usize, &Place)> = places.iter().copied().enumerate().collect();
        // Places draw in parallel; collecting in map order keeps the output deterministic.
        let drawn: Vec<Result<PlaceDrawing, Error>> = parallel::map(&numbered, |&(i, place)| {
            // Given first, so a place that fails cannot hold back the places after it.
            let place_data = profile::data::PlaceData::new(data, place);
            let separator = if i > 0 { profile::data::JSON_SEPARATOR } else { b"" };
            json_all.put(i + 1, [separator, &place_data.json_entry].concat());
            csv_all.put(i + 1, place_data.csv_rows.clone());
            let mut files = sink.part();
            let (families, print) = self.render_charts(site, &locale, place, peers, &mut files)?;
            let chart_count = families.iter().map(|f| f.charts.len()).sum();
            let mut downloads = self.render_downloads(site, &locale, place, &place_data, print, &mut files)?;
            downloads.social = self.render_social(site, &locale, place, &mut files)?;
            let mut kept = families;
            let mut written = false;
            if let (Some((plan, _)), Some(setting)) = (early, &setting) {
                if !plan.deferred.contains(&place.slug) {
                    let own = BTreeMap::from([(place.slug.clone(), kept)]);
                    let html = self.place_page(site, &locale, setting, place, &own, &downloads)?;
                    files.add(format!("{}{}/index.html", locale.prefix, place.slug), html);
                    kept = if plan.quoted.contains(&place.slug) {
                        own.into_values().next().unwrap_or_default()
                    } else {
                        Vec::new()
                    };
                    written = true;
                }
            }
            if let Some(report) = &self.progress {
                report(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            }
            Ok((files, kept, chart_count, downloads, written))
        });
        let mut result = DrawnLanguage {
            charts: BTreeMap::new(),
            downloads: BTreeMap::new(),
            site_downloads: Downloads::default(),
            locale: locale.clone(),
        };
        for (place, item) in places.iter().zip(drawn) {
            let (files, families, chart_count, links, written) = item?;
            counts.charts += chart_count;
            counts.pdfs += usize::from(links.pdf.is_some());
            if written {
                drawn_so_far.written.insert(format!("{}{}/index.html", locale.prefix, place.slug));
            }
            output.absorb(files);
            result.charts.insert(place.slug.clone(), families);
            result.downloads.insert(place.slug.clone(), links);
        }
        json_all.put(places.len() + 1, profile::data::json_tail(data, places.iter().copied(), places.is_empty()));
        let (csv_size, json_size) = (csv_all.finish(output), json_all.finish(output));
        result.site_downloads = Downloads {
            pdf: None,
            csv: Some(Link::new(&csv, csv_size)),
            json: Some(Link::new(&json, json_size)),
            social: None,
        };
        if site.config.social_images {
            let card = social::Card {
                site: "",
                name: &site.config.title,
                kicker: &site.config.description,
                figures: Vec::new(),
                source_line: "",
            };
            let path = format!("{}social.png", locale.prefix);
            output.add(path.clone(), self.social_png(&card, &path)?);
            result.site_downloads.social = Some(Social { url: path, alt: site.config.title.clone() });
        }
        Ok(result)
    }

    /// The HTML pages whose output path `wanted` accepts, in every language, from the loaded
    /// site and what [`Renderer::draw`] made. Returns how many pages it wrote.
    pub fn pages(
        &self,
        site: &Site,
        drawn: &Drawn,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        output: &mut Output,
    ) -> Result<usize, Error> {
        let languages = language_links(&drawn.langs.iter().map(|l| l.locale.clone()).collect::<Vec<_>>());
        let wanted = |path: &str| wanted(path) && !drawn.written.contains(path);
        let mut count = 0;
        for lang in &drawn.langs {
            let local = site.localized(&lang.locale.code);
            count += self.pages_language(&local, lang, &languages, &wanted, output)?;
        }
        let main = &drawn.langs[0].locale;
        if wanted("404.html") {
            // Served at any depth, so relative links only work from an absolute base.
            let nav = nav(site, main);
            let page = PageAt { path: "404.html".into(), title: main.t("not_found.title") };
            let mut ctx = base_context(site, main, &[], &page, &nav);
            if let Some(base) = context::absolute_base(site) {
                ctx.insert("root", &base);
                ctx.insert("home", &format!("{base}index.html"));
            }
            output.add("404.html", self.render("404.html", &ctx)?);
            count += 1;
        }
        if let Some(base) = context::absolute_base(site) {
            if wanted("sitemap.xml") {
                output.add("sitemap.xml", self.sitemap(site, &base, &languages)?);
                output.add("robots.txt", format!("User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"));
            }
        }
        Ok(count)
    }

    fn pages_language(
        &self,
        site: &Site,
        lang: &DrawnLanguage,
        languages: &[LanguageLink],
        wanted: &(dyn Fn(&str) -> bool + Sync),
        output: &mut Output,
    ) -> Result<usize, Error> {
        let data = &site.data;
        let locale = &lang.locale;
        let prefix = &locale.prefix;
        let setting = PageSetting::new(site, locale, languages);
        let (nav, text) = (&setting.nav, &setting.text());
        let (charts, downloads) = (&lang.charts, &lang.downloads);
        let places: Vec<&Place> =
            data.places.values().filter(|p| wanted(&format!("{prefix}{}/index.html", p.slug))).collect();
        let sink = output.part();
        // Each page goes to the output as soon as it is rendered (to disk when building), so
        // memory never holds every page at once.
        let rendered: Vec<Result<Output, Error>> = self.pool.install(|| {
            places
                .par_iter()
                .map(|place| {
                    let mut page = sink.part();
                    page.add(
                        format!("{prefix}{}/index.html", place.slug),
                        self.place_page(site, locale, &setting, place, charts, &downloads[&place.slug])?,
                    );
                    Ok(page)
                })
                .collect()
        });
        let mut count = 0;
        for page in rendered {
            output.absorb(page?);
            count += 1;
        }

        if wanted(&format!("{prefix}index.html")) {
            let mut ctx = home_context(site, locale, languages, nav);
            ctx.insert("downloads", &lang.site_downloads);
            insert_social(&mut ctx, &lang.site_downloads);
            self.insert_document(&mut ctx, site.content.home.as_ref(), None, site, locale, charts, text)?;
            output.add(format!("{prefix}index.html"), self.render("home.html", &ctx)?);
            count += 1;
        }
        for page in site.content.pages.iter().filter(|p| wanted(&format!("{prefix}{}/index.html", p.slug))) {
            let at = PageAt { path: format!("{}/index.html", page.slug), title: &page.title };
            let mut ctx = base_context(site, locale, languages, &at, nav);
            self.insert_document(&mut ctx, Some(&page.doc), None, site, locale, charts, text)?;
            ctx.insert("sources", &sources_list(data.sources.values()));
            output.add(format!("{prefix}{}/index.html", page.slug), self.render("page.html", &ctx)?);
            count += 1;
        }
        if wanted(&format!("{prefix}{INDICATORS}/index.html")) {
            let at = PageAt { path: format!("{INDICATORS}/index.html"), title: locale.t("indicators.title") };
            let mut ctx = base_context(site, locale, languages, &at, nav);
            ctx.insert("categories", &context::indicator_list(site, locale));
            ctx.insert("sources", &sources_list(data.sources.values()));
            output.add(format!("{prefix}{INDICATORS}/index.html"), self.render("indicators.html", &ctx)?);
            count += 1;
        }
        Ok(count)
    }

    /// Every page in every language, with its translations as `hreflang` alternates.
    fn sitemap(&self, site: &Site, base: &str, languages: &[LanguageLink]) -> Result<String, Error> {
        let mut paths: Vec<String> = vec![String::new(), format!("{INDICATORS}/")];
        paths.extend(site.content.pages.iter().map(|p| format!("{}/", p.slug)));
        paths.extend(site.data.places.keys().map(|slug| format!("{slug}/")));
        let mut ctx = Context::new();
        ctx.insert("base", base);
        ctx.insert("paths", &paths);
        ctx.insert("languages", languages);
        self.render("sitemap.xml", &ctx)
    }

    /// One place's page. `charts` holds the chart figures of the place and of every place its
    /// narrative quotes.
    fn place_page(
        &self,
        site: &Site,
        locale: &Locale,
        setting: &PageSetting,
        place: &Place,
        charts: &BTreeMap<String, Vec<FamilyView>>,
        downloads: &Downloads,
    ) -> Result<String, Error> {
        let mut ctx = place_context(site, locale, setting.languages, place, &setting.nav);
        ctx.insert("families", &charts[&place.slug]);
        ctx.insert("downloads", downloads);
        insert_social(&mut ctx, downloads);
        let doc = site.content.narratives.get(&place.slug);
        self.insert_document(&mut ctx, doc, Some(&place.slug), site, locale, charts, &setting.text())?;
        self.render("place.html", &ctx)
    }

    /// Puts a narrative (`narrative`) and its summary into the context, shortcodes filled;
    /// with `untranslated` and `narrative_lang` when it is the main language's text.
    #[allow(clippy::too_many_arguments)]
    fn insert_document(
        &self,
        ctx: &mut Context,
        doc: Option<&crate::content::Document>,
        own_place: Option<&str>,
        site: &Site,
        locale: &Locale,
        charts: &BTreeMap<String, Vec<FamilyView>>,
        text: &Text,
    ) -> Result<(), Error> {
        let Some(doc) = doc else {
            ctx.insert("narrative", &None::<String>);
            ctx.insert("summary", &None::<String>);
            return Ok(());
        };
        let root = ctx.get("root").and_then(|r| r.as_str()).unwrap_or_default().to_string();
        let chart_html = |view: &ChartView| {
            let mut c = Context::new();
            c.insert("c", view);
            c.insert("root", &root);
            c.insert("t", &locale.strings);
            self.render("chart.html", &c)
        };
        let (html, summary) = resolve::resolve(doc, own_place, &site.data, locale, charts, &chart_html)?;
        ctx.insert("narrative", &html);
        ctx.insert("summary", &summary);
        if doc.lang.is_none() {
            if let Some(note) = text.untranslated {
                ctx.insert("untranslated", note);
                ctx.insert("narrative_lang", text.main_lang);
            }
        }
        Ok(())
    }

    /// Draws every chart of a place into `{place}/charts/` (wide SVG, narrow SVG, PNG) and
    /// returns what the page shows of them.
    fn render_charts(
        &self,
        site: &Site,
        locale: &Locale,
        place: &Place,
        peers: &Peers,
        output: &mut Output,
    ) -> Result<(Vec<FamilyView>, PrintCharts), Error> {
        let mut views = Vec::new();
        let mut print = Vec::new();
        for family in charts::for_place(&site.data, place, peers, locale) {
            let mut charts = Vec::new();
            for chart in &family.charts {
                let wide = charts::svg::render(chart, &self.chart_style, self.chart_style.wide);
                let narrow = charts::svg::render(chart, &self.chart_style, self.chart_style.narrow);
                let dir = format!("{}{}/charts/{}", locale.prefix, place.slug, chart.id);
                if site.config.chart_png {
                    let png = self
                        .cache
                        .get_or_make(&[wide.as_bytes(), &self.fonts_key], || self.rasteriser.png(&wide, PNG_SCALE))
                        .map_err(|message| Error::Template { name: format!("chart {dir}.png"), message })?;
                    output.add(format!("{dir}.png"), png);
                }
                let view = ChartView::new(chart, locale, &dir, &wide, &narrow, site.config.chart_png);
                print.push((
                    ProfileChart {
                        family: family.category.as_str().to_string(),
                        kind: view.kind.to_string(),
                        file: format!("/charts/{}.svg", chart.id),
                        title: chart.title.clone(),
                        alt: view.description.clone(),
                    },
                    charts::svg::render(chart, &self.chart_style, self.chart_style.print),
                ));
                charts.push(view);
                output.add(format!("{dir}.svg"), wide);
                output.add(format!("{dir}-narrow.svg"), narrow);
            }
            views.push(FamilyView {
                id: family.category.as_str(),
                title: charts::family_title(locale, family.category),
                empty: family.empty,
                charts,
            });
        }
        Ok((views, print))
    }

    /// The place's PDF profile (when the site wants them) and its data as CSV and JSON.
    fn render_downloads(
        &self,
        site: &Site,
        locale: &Locale,
        place: &Place,
        place_data: &profile::data::PlaceData,
        print: PrintCharts,
        output: &mut Output,
    ) -> Result<Downloads, Error> {
        let name = place.slug.rsplit('/').next().unwrap_or(&place.slug);
        let base = format!("{}{}/salud-", locale.prefix, place.slug);
        let mut links = Downloads::default();
        // A place without data offers no empty data files.
        if !place.series.is_empty() {
            let (csv, json) = (place_data.csv(), place_data.json(&site.data, place));
            links.csv = Some(Link::new(&format!("{base}data-{name}.csv"), csv.len()));
            links.json = Some(Link::new(&format!("{base}data-{name}.json"), json.len()));
            output.add(format!("{base}data-{name}.csv"), csv);
            output.add(format!("{base}data-{name}.json"), json);
        }
        if site.config.pdf {
            // The summary's value shortcodes are filled in; charts have no place in it.
            let summary = site
                .content
                .narratives
                .get(&place.slug)
                .and_then(|doc| resolve::resolve_summary(doc, Some(&place.slug), &site.data, locale));
            let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
            let mut charts = Vec::new();
            for (chart, svg) in print {
                files.insert(chart.file.clone(), svg.into_bytes());
                charts.push(chart);
            }
            files.insert("/data.json".into(), profile::template_data(site, locale, place, summary, charts));
            let (pdf, _pages) = self.typesetter.pdf(files)?;
            links.pdf = Some(Link::new(&format!("{base}profile-{name}.pdf"), pdf.len()));
            output.add(format!("{base}profile-{name}.pdf"), pdf);
        }
        Ok(links)
    }

    /// The place's link-preview image, when the site makes them: its name and up to three
    /// latest key figures, headline indicators first.
    fn render_social(
        &self,
        site: &Site,
        locale: &Locale,
        place: &Place,
        output: &mut Output,
    ) -> Result<Option<Social>, Error> {
        if !site.config.social_images {
            return Ok(None);
        }
        let data = &site.data;
        let mut indicators: Vec<&crate::data::Indicator> = data.indicators.iter().filter(|i| i.headline).collect();
        indicators.extend(data.indicators.iter().filter(|i| !i.headline));
        let mut figures = Vec::new();
        let mut sources = Vec::new();
        for indicator in indicators {
            let Some((series, obs)) = place.latest(&indicator.id, &data.sources) else { continue };
            figures.push(social::Figure {
                value: value_text(locale, indicator, obs),
                label: format!("{}, {}, {}", indicator.short_name, indicator.unit, obs.year),
            });
            sources.push(data.sources.get(&series.source).map_or(series.source.clone(), |s| s.name.clone()));
            if figures.len() == 3 {
                break;
            }
        }
        sources.sort();
        sources.dedup();
        let mut kicker = crate::present::kind_name(locale, data, place);
        if let Some(region) = &place.world_region {
            kicker = format!("{kicker} · {}", locale.term("region", region));
        }
        let source_line = charts::source_line(locale, &sources);
        let alt = std::iter::once(place.name.clone())
            .chain(figures.iter().map(|f| format!("{}: {}", f.label, f.value)))
            .collect::<Vec<_>>()
            .join(". ");
        let card = social::Card {
            site: &site.config.title,
            name: &place.name,
            kicker: &kicker,
            figures,
            source_line: &source_line,
        };
        let path = format!("{}{}/social.png", locale.prefix, place.slug);
        output.add(path.clone(), self.social_png(&card, &path)?);
        Ok(Some(Social { url: path, alt }))
    }

    fn social_png(&self, card: &social::Card, path: &str) -> Result<Vec<u8>, Error> {
        let svg = social::svg(card, &self.chart_style);
        self.cache
            .get_or_make(&[svg.as_bytes(), &self.fonts_key], || self.rasteriser.png(&svg, 1.0))
            .map_err(|message| Error::Template { name: path.to_string(), message })
    }

    fn render(&self, template: &str, ctx: &Context) -> Result<String, Error> {
        self.tera.render(template, ctx).map_err(|e| template_error(&self.sources, &self.origins, template, &e))
    }
}

/// Escapes what HTML needs escaped in text and quoted attributes. Tera's default also
/// escapes `/`, which makes every link in the output unreadable for no gain.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Names the failing template by its file and line. Tera keeps the useful part of its message
/// (the line of a syntax error, the missing variable) in the error's sources, so they are all
/// joined; a render error has no line, so the line that uses the missing variable is found.
/// `texts` and `origins` are the theme's: each template's text and the file it came from.
fn template_error(
    texts: &BTreeMap<String, String>,
    origins: &BTreeMap<String, String>,
    rendering: &str,
    err: &tera::Error,
) -> Error {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    // "Failed to parse 'page.html':  --> 4:7": the template at fault, and where.
    let quoted =
        |after: &str| message.split_once(after).and_then(|(_, rest)| rest.split('\'').nth(1)).map(str::to_string);
    let name = quoted("Failed to parse").unwrap_or_else(|| rendering.to_string());
    let mut line = message
        .split_once(" --> ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|l| l.parse::<usize>().ok());
    if line.is_none() {
        if let (Some(variable), Some(text)) = (message.split('`').nth(1), texts.get(&name)) {
            line = text.lines().position(|l| l.contains(variable)).map(|i| i + 1);
        }
    }
    let file = origins.get(&name).map_or_else(|| name.clone(), String::clone);
    let name = match line {
        Some(line) => format!("{file}, line {line}"),
        None => file,
    };
    Error::Template { name, message: message.replace("  --> ", " --> ") }
}

#[derive(Serialize, Clone)]
struct FamilyView {
    id: &'static str,
    title: String,
    empty: Option<String>,
    charts: Vec<ChartView>,
}

#[derive(Serialize, Clone)]
struct ChartView {
    id: String,
    /// The chart's files without extension, from the site root: `peru/charts/peers`.
    url: String,
    indicators: Vec<String>,
    /// "trend", "regions" or "peers".
    kind: &'static str,
    title: String,
    subtitle: String,
    description: String,
    width: u32,
    height: u32,
    narrow_width: u32,
    narrow_height: u32,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    sources: Vec<String>,
    source_line: String,
    notes: Vec<String>,
    png: bool,
}

impl ChartView {
    fn new(chart: &Chart, locale: &Locale, url: &str, wide: &str, narrow: &str, png: bool) -> ChartView {
        let (headers, rows) = chart.table(locale);
        let (width, height) = view_box(wide);
        let (narrow_width, narrow_height) = view_box(narrow);
        ChartView {
            id: chart.id.clone(),
            url: url.to_string(),
            indicators: chart.indicators.clone(),
            kind: match &chart.kind {
                charts::Kind::Lines { .. } => "trend",
                charts::Kind::Bars { .. } => "regions",
                charts::Kind::Panels(_) => "peers",
            },
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
        }
    }
}

/// The size an SVG declares in its viewBox, for the `<img>` width and height that keep the
/// page from jumping while it loads.
fn view_box(svg: &str) -> (u32, u32) {
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
#[derive(Serialize, Clone)]
struct Link {
    url: String,
    size: String,
}

impl Link {
    fn new(url: &str, bytes: usize) -> Link {
        Link { url: url.to_string(), size: format::size(bytes) }
    }
}

#[derive(Serialize, Clone, Default)]
struct Downloads {
    pdf: Option<Link>,
    csv: Option<Link>,
    json: Option<Link>,
    /// The link-preview image and its text alternative; not offered as a download.
    #[serde(skip)]
    social: Option<Social>,
}

#[derive(Clone)]
struct Social {
    /// From the site root: `es/peru/social.png`.
    url: String,
    alt: String,
}

fn insert_social(ctx: &mut Context, downloads: &Downloads) {
    if let Some(social) = &downloads.social {
        ctx.insert("social_image", &social.url);
        ctx.insert("social_alt", &social.alt);
    }
}
