//! The HTML pages, through the theme's Tera templates: each place's page, the home page, the
//! plain pages, the list of indicators, the 404 page and the sitemap. Every link is relative to
//! the page it is on, so the output works under any sub-path and from `file://`.

use std::collections::BTreeMap;

use rayon::prelude::*;
use tera::{Context, Tera};

use super::context::{self, base_context, home_context, nav, place_context, sources_list, LanguageLink, PageAt};
use super::indicators;
use super::resolve;
use super::view::{insert_social, ChartView, Downloads, FamilyView};
use super::{Drawn, DrawnLanguage, INDICATORS};
use crate::content::Document;
use crate::data::Place;
use crate::error::Error;
use crate::i18n::Locale;
use crate::output::Output;
use crate::parallel;
use crate::site::{page_path, Site};
use crate::theme::Theme;

pub(super) struct Pages {
    tera: Tera,
    /// Worker threads for the pages (large stacks: Tera recurses through nested templates).
    /// Places are drawn and typeset on plain threads instead: see [`parallel::map`].
    pool: rayon::ThreadPool,
    /// The templates' text and the file each came from, to say where a template failed.
    sources: BTreeMap<String, String>,
    origins: BTreeMap<String, String>,
}

/// What a page says about a text shown in the main language because its translation is
/// missing.
pub(super) struct Text<'a> {
    untranslated: Option<&'a str>,
    main_lang: &'a str,
}

/// What every page of one language shares: the site's languages, the navigation, and the
/// note shown over a text that is not translated.
pub(super) struct PageSetting<'a> {
    pub(super) languages: &'a [LanguageLink],
    pub(super) nav: Vec<context::Link>,
    untranslated: Option<String>,
}

impl<'a> PageSetting<'a> {
    pub(super) fn new(site: &Site, locale: &Locale, languages: &'a [LanguageLink]) -> PageSetting<'a> {
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
pub(super) fn language_links(locales: &[Locale]) -> Vec<LanguageLink> {
    locales
        .iter()
        .map(|l| LanguageLink { code: l.code.clone(), name: l.name.clone(), prefix: l.prefix.clone() })
        .collect()
}

/// A place's page and what it shows. `charts` holds the chart figures of the place and of
/// every place its narrative quotes.
pub(super) struct PlacePage<'a> {
    pub(super) site: &'a Site,
    pub(super) locale: &'a Locale,
    pub(super) setting: &'a PageSetting<'a>,
    pub(super) place: &'a Place,
    pub(super) charts: &'a BTreeMap<String, Vec<FamilyView>>,
    pub(super) downloads: &'a Downloads,
}

/// What filling a narrative's shortcodes reads: the site in the page's language, the chart
/// figures the shortcodes may quote, and the note over an untranslated text.
struct Scope<'a> {
    site: &'a Site,
    locale: &'a Locale,
    charts: &'a BTreeMap<String, Vec<FamilyView>>,
    /// Each indicator's world map, for `map()` on a page of no place.
    world: &'a BTreeMap<crate::data::IndicatorId, super::map_files::MapView>,
    text: Text<'a>,
    /// The place whose page it is, if any: its own version of a chart it quotes is shown.
    own: Option<&'a str>,
}

impl Pages {
    pub(super) fn new(theme: &Theme) -> Result<Pages, Error> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's own escaper also escapes `/`, which makes every link in the output unreadable.
        tera.set_escape_fn(crate::escape::escape);
        tera.add_raw_templates(theme.templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| template_error(&theme.templates, &theme.origins, "", &e))?;
        let pool = rayon::ThreadPoolBuilder::new()
            .stack_size(parallel::STACK_SIZE)
            .build()
            .map_err(|e| Error::Template { name: "worker threads".into(), message: e.to_string() })?;
        Ok(Pages { tera, pool, sources: theme.templates.clone(), origins: theme.origins.clone() })
    }

    /// The HTML pages whose output path `wanted` accepts, in every language, from the loaded
    /// site and what [`super::Renderer::draw`] made. Returns how many pages it wrote.
    pub(super) fn all(
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
            count += self.language(&local, lang, &languages, &wanted, output)?;
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

    fn language(
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
        let nav = &setting.nav;
        let (charts, downloads) = (&lang.charts, &lang.downloads);
        let scope = Scope { site, locale, charts, world: &lang.world_maps, text: setting.text(), own: None };
        let places: Vec<&Place> = data.places.values().filter(|p| wanted(&page_path(prefix, &p.slug))).collect();
        let sink = output.part();
        // Each page goes to the output as soon as it is rendered (to disk when building), so
        // memory never holds every page at once.
        let rendered: Vec<Result<Output, Error>> = self.pool.install(|| {
            places
                .par_iter()
                .map(|place| {
                    let mut page = sink.part();
                    page.add(
                        page_path(prefix, &place.slug),
                        self.place_page(&PlacePage {
                            site,
                            locale,
                            setting: &setting,
                            place,
                            charts,
                            downloads: &downloads[&place.slug],
                        })?,
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

        if wanted(&page_path(prefix, "")) {
            let mut ctx = home_context(site, locale, languages, nav);
            // The configured indicator's world map, or the first headline indicator's.
            let home_map = match &site.config.home_map {
                Some(id) => lang.world_maps.get(id.as_str()),
                None => data.indicators.iter().filter(|i| i.headline).find_map(|i| lang.world_maps.get(&i.id)),
            };
            ctx.insert("home_map", &home_map);
            ctx.insert("downloads", &lang.site_downloads);
            insert_social(&mut ctx, &lang.site_downloads);
            self.insert_document(&mut ctx, site.content.home.as_ref(), &scope)?;
            output.add(page_path(prefix, ""), self.render("home.html", &ctx)?);
            count += 1;
        }
        for page in site.content.pages.iter().filter(|p| wanted(&page_path(prefix, &p.slug))) {
            let at = PageAt { path: page_path("", &page.slug), title: &page.title };
            let mut ctx = base_context(site, locale, languages, &at, nav);
            self.insert_document(&mut ctx, Some(&page.doc), &scope)?;
            ctx.insert("sources", &sources_list(data.sources.values()));
            output.add(page_path(prefix, &page.slug), self.render("page.html", &ctx)?);
            count += 1;
        }
        if wanted(&page_path(prefix, INDICATORS)) {
            let at = PageAt { path: page_path("", INDICATORS), title: locale.t("indicators.title") };
            let mut ctx = base_context(site, locale, languages, &at, nav);
            ctx.insert("categories", &indicators::indicator_list(site, locale));
            ctx.insert("sources", &sources_list(data.sources.values()));
            output.add(page_path(prefix, INDICATORS), self.render("indicators.html", &ctx)?);
            count += 1;
        }
        for indicator in &data.indicators {
            let slug = indicators::page_slug(&indicator.id);
            if !wanted(&page_path(prefix, &slug)) {
                continue;
            }
            let at = PageAt { path: page_path("", &slug), title: &indicator.name };
            let mut ctx = base_context(site, locale, languages, &at, nav);
            let page = indicators::indicator_page(site, locale, indicator);
            ctx.insert("sources", &page.sources);
            ctx.insert("indicator", &page);
            ctx.insert("world_map", &lang.world_maps.get(&indicator.id));
            ctx.insert("region_maps", &lang.region_maps.get(&indicator.id));
            output.add(page_path(prefix, &slug), self.render("indicator.html", &ctx)?);
            count += 1;
        }
        Ok(count)
    }

    /// Every page in every language, with its translations as `hreflang` alternates.
    fn sitemap(&self, site: &Site, base: &str, languages: &[LanguageLink]) -> Result<String, Error> {
        let mut paths: Vec<String> = vec![String::new(), format!("{INDICATORS}/")];
        paths.extend(site.data.indicators.iter().map(|i| format!("{}/", indicators::page_slug(&i.id))));
        paths.extend(site.content.pages.iter().map(|p| format!("{}/", p.slug)));
        paths.extend(site.data.places.keys().map(|slug| format!("{slug}/")));
        let mut ctx = Context::new();
        ctx.insert("base", base);
        ctx.insert("paths", &paths);
        ctx.insert("languages", languages);
        self.render("sitemap.xml", &ctx)
    }

    pub(super) fn place_page(&self, page: &PlacePage) -> Result<String, Error> {
        let PlacePage { site, locale, setting, place, charts, downloads } = *page;
        let mut ctx = place_context(site, locale, setting.languages, place, &setting.nav);
        ctx.insert("families", &charts[&place.slug]);
        ctx.insert("downloads", downloads);
        insert_social(&mut ctx, downloads);
        let narrative = site.content.narratives.get(&place.slug);
        self.insert_document(
            &mut ctx,
            narrative,
            &Scope { site, locale, charts, world: &BTreeMap::new(), text: setting.text(), own: Some(&place.slug) },
        )?;
        self.render("place.html", &ctx)
    }

    /// Puts a narrative and its summary into the context, shortcodes filled; with
    /// `untranslated` and `narrative_lang` when it is the main language's text.
    fn insert_document(&self, ctx: &mut Context, doc: Option<&Document>, scope: &Scope) -> Result<(), Error> {
        let Some(doc) = doc else {
            ctx.insert("narrative", &None::<String>);
            ctx.insert("summary", &None::<String>);
            return Ok(());
        };
        let locale = scope.locale;
        let root = ctx.get("root").and_then(|r| r.as_str()).unwrap_or_default().to_string();
        let chart_html = |view: &ChartView| {
            let mut c = Context::new();
            c.insert("c", view);
            c.insert("root", &root);
            c.insert("t", &locale.strings);
            self.render("chart.html", &c)
        };
        let map_html = |view: &super::map_files::MapView| {
            let mut c = Context::new();
            c.insert("mp", view);
            c.insert("root", &root);
            c.insert("t", &locale.strings);
            self.render("map.html", &c)
        };
        let (html, summary) = resolve::resolve(
            doc,
            &scope.site.data,
            locale,
            resolve::Quoted {
                all: scope.charts,
                world: scope.world,
                tiles: super::context::tile_options(scope.site),
                own: scope.own,
            },
            resolve::Figures { chart: &chart_html, map: &map_html },
        )?;
        ctx.insert("narrative", &html);
        ctx.insert("summary", &summary);
        if doc.lang.is_none() {
            if let Some(note) = scope.text.untranslated {
                ctx.insert("untranslated", note);
                ctx.insert("narrative_lang", scope.text.main_lang);
            }
        }
        Ok(())
    }

    fn render(&self, template: &str, ctx: &Context) -> Result<String, Error> {
        self.tera.render(template, ctx).map_err(|e| template_error(&self.sources, &self.origins, template, &e))
    }
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
