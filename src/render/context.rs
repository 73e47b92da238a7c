//! The data each template gets: plain structs built from the site, with every number already
//! formatted, so templates only lay them out.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use crate::data::{Data, Indicator, Place, Series, Source};
use crate::format;
use crate::i18n::Locale;
use crate::present::{headline, kind_name, series_note, value_text};
use crate::site::Site;

#[derive(Serialize)]
pub struct Link {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    description: &'a str,
    publisher: &'a str,
    licence: &'a str,
    language: &'a str,
    /// The absolute address with a final slash, or "" when the site does not know it.
    base_url: String,
}

/// A language of the site, for the switcher and the `hreflang` alternates.
#[derive(Serialize, Clone)]
pub struct LanguageLink {
    pub code: String,
    pub name: String,
    pub prefix: String,
}

/// Where a page sits and what it is called; `path` is relative to its language's root
/// (`peru/index.html`), so the same path under each language's prefix is the same page.
pub struct PageAt<'a> {
    pub path: String,
    pub title: &'a str,
}

impl PageAt<'_> {
    /// The address search engines and link previews should use: the folder, not index.html.
    fn pretty(&self) -> &str {
        self.path.strip_suffix("index.html").unwrap_or(&self.path)
    }
}

/// The plain pages, as paths from the site root (the page adds its `root` prefix).
pub fn nav(site: &Site, locale: &Locale) -> Vec<Link> {
    let mut links: Vec<Link> = site
        .content
        .pages
        .iter()
        .map(|p| Link { name: p.title.clone(), url: crate::site::page_path(&locale.prefix, &p.slug) })
        .collect();
    links.push(Link {
        name: locale.t("indicators.title").to_string(),
        url: crate::site::page_path(&locale.prefix, super::INDICATORS),
    });
    links
}

/// The absolute address of the site with one final slash, when config gives one.
pub fn absolute_base(site: &Site) -> Option<String> {
    // Checked when loaded (and for --base-url): empty, or a whole http(s) address.
    let base = site.config.base_url.trim();
    (!base.is_empty()).then(|| format!("{}/", base.trim_end_matches('/')))
}

/// What every page gets: the site, the prefix back to the site root, the language and its
/// strings, the switcher, the page title and the nav.
pub fn base_context(site: &Site, locale: &Locale, languages: &[LanguageLink], page: &PageAt, nav: &[Link]) -> Context {
    let mut ctx = Context::new();
    let c = &site.config;
    let base_url = absolute_base(site).unwrap_or_default();
    ctx.insert(
        "site",
        &SiteInfo {
            title: &c.title,
            description: &c.description,
            publisher: &c.publisher,
            licence: &c.licence,
            language: &locale.code,
            base_url: base_url.clone(),
        },
    );
    let depth = format!("{}{}", locale.prefix, page.path).matches('/').count();
    ctx.insert("root", &"../".repeat(depth));
    ctx.insert("home", &format!("{}{}index.html", "../".repeat(depth), locale.prefix));
    ctx.insert("lang", &locale.code);
    ctx.insert("lang_prefix", &locale.prefix);
    ctx.insert("t", &locale.strings);
    ctx.insert("page_path", &page.path);
    ctx.insert("pretty_path", page.pretty());
    ctx.insert("languages", languages);
    ctx.insert("title", page.title);
    ctx.insert("nav", nav);
    // For the "old data" mark's explanation.
    ctx.insert("stale_after_years", &site.config.stale_after_years.to_string());
    if let Some(date) = &c.published {
        ctx.insert("published", &Published { iso: date.iso(), text: locale.date(date) });
    }
    ctx
}

/// The edition's date, for `<time datetime="2026-11-30">30 November 2026</time>`.
#[derive(Serialize)]
struct Published {
    iso: String,
    text: String,
}

fn url_of(locale: &Locale, place: &Place) -> String {
    crate::site::page_path(&locale.prefix, &place.slug)
}

#[derive(Serialize)]
pub struct SourceView<'a> {
    id: &'a str,
    name: &'a str,
    url: Option<&'a str>,
    licence: Option<&'a str>,
    licence_url: Option<&'a str>,
    citation: Option<&'a str>,
    note: Option<&'a str>,
}

fn source_view(s: &Source) -> SourceView<'_> {
    SourceView {
        id: &s.id,
        name: &s.name,
        url: s.url.as_deref(),
        licence: s.licence.as_deref(),
        licence_url: s.licence_url.as_deref(),
        citation: s.citation.as_deref(),
        note: s.note.as_deref(),
    }
}

pub fn sources_list<'a>(sources: impl Iterator<Item = &'a Source>) -> Vec<SourceView<'a>> {
    let mut list: Vec<&Source> = sources.collect();
    list.sort_by_key(|s| s.rank);
    list.into_iter().map(source_view).collect()
}

#[derive(Serialize)]
struct Cell {
    value: String,
    /// Invisible zeros that line the value up on the decimal mark with the column's others
    /// ("20" beside "19.2" gets ".0"): shown, they would claim a precision the source never gave.
    pad: String,
    /// The number itself, for sorting the column in the browser.
    sort: f64,
    year: i32,
    source: String,
}

fn latest_cell(locale: &Locale, data: &Data, place: &Place, indicator: &Indicator) -> Option<Cell> {
    place.latest(&indicator.id, &data.sources).map(|(series, obs)| {
        let value = value_text(locale, indicator, obs);
        Cell {
            pad: decimal_pad(&value, &locale.numbers.decimal, indicator.decimals),
            value,
            sort: obs.value,
            year: obs.year,
            source: data.source_name(&series.source).to_string(),
        }
    })
}

/// What `value` lacks of `decimals` decimals after its mark: ".0" for "20" at one decimal.
pub(super) fn decimal_pad(value: &str, mark: &str, decimals: usize) -> String {
    if decimals == 0 {
        return String::new();
    }
    match value.rsplit_once(mark) {
        Some((_, after)) => "0".repeat(decimals.saturating_sub(after.chars().filter(char::is_ascii_digit).count())),
        None => format!("{mark}{}", "0".repeat(decimals)),
    }
}

#[derive(Serialize)]
struct Column<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
}

fn column(i: &Indicator) -> Column<'_> {
    Column { id: &i.id, name: &i.short_name, unit: &i.unit }
}

#[derive(Serialize)]
struct Row {
    name: String,
    url: String,
    kind: &'static str,
    cells: Vec<Option<Cell>>,
}

/// A table of places side by side, one column per indicator any of them has.
#[derive(Serialize)]
struct Comparison<'a> {
    columns: Vec<Column<'a>>,
    rows: Vec<Row>,
}

fn comparison<'a>(locale: &Locale, data: &'a Data, places: &[&Place], indicators: &[&'a Indicator]) -> Comparison<'a> {
    let used: Vec<&Indicator> =
        indicators.iter().copied().filter(|i| places.iter().any(|p| p.series_of(&i.id).next().is_some())).collect();
    Comparison {
        columns: used.iter().map(|i| column(i)).collect(),
        rows: places
            .iter()
            .map(|p| Row {
                name: p.name.clone(),
                url: url_of(locale, p),
                kind: p.kind.as_str(),
                cells: used.iter().map(|i| latest_cell(locale, data, p, i)).collect(),
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct RegionGroup<'a> {
    region: String,
    id: String,
    table: Comparison<'a>,
}

/// A place the home page leads with: its name and headline figures.
#[derive(Serialize)]
struct Featured<'a> {
    name: &'a str,
    url: String,
    kind_name: String,
    summary: Option<String>,
    tiles: Vec<headline::Tile>,
}

pub fn home_context(site: &Site, locale: &Locale, languages: &[LanguageLink], nav: &[Link]) -> Context {
    let data = &site.data;
    let page = PageAt { path: "index.html".into(), title: &site.config.title };
    let mut ctx = base_context(site, locale, languages, &page, nav);
    let headline: Vec<&Indicator> = data.indicators.iter().filter(|i| i.headline).collect();
    let mut groups: BTreeMap<(bool, String), Vec<&Place>> = BTreeMap::new();
    for place in data.children_of("") {
        let (other, region) = match (&place.world_region, place.kind) {
            (_, crate::data::PlaceKind::Aggregate) => (true, locale.t("home.groups").to_string()),
            (Some(r), _) => (false, locale.term("region", r).to_string()),
            (None, _) => (true, locale.t("home.other").to_string()),
        };
        groups.entry((other, region)).or_default().push(place);
    }
    let mut groups: Vec<RegionGroup> = groups
        .into_iter()
        .map(|((_, region), mut places)| {
            places.sort_by_cached_key(|p| format::slugify(&p.name));
            RegionGroup { id: format::slugify(&region), table: comparison(locale, data, &places, &headline), region }
        })
        .collect();
    // Every group shows the same columns, so readers can compare across regions.
    let all_columns: Vec<Column> = headline.iter().map(|i| column(i)).collect();
    for group in &mut groups {
        let ids: Vec<&str> = group.table.columns.iter().map(|c| c.id).collect();
        for row in &mut group.table.rows {
            let mut cells = std::mem::take(&mut row.cells).into_iter();
            row.cells =
                all_columns.iter().map(|c| if ids.contains(&c.id) { cells.next().flatten() } else { None }).collect();
        }
        group.table.columns = headline.iter().map(|i| column(i)).collect();
    }
    ctx.insert("groups", &groups);
    ctx.insert("columns", &all_columns);
    let options = tile_options(site);
    let featured: Vec<Featured> = site
        .config
        .featured
        .iter()
        .filter_map(|slug| data.places.get(slug))
        .map(|place| Featured {
            name: &place.name,
            url: url_of(locale, place),
            kind_name: kind_name(locale, data, place),
            summary: site.content.narratives.get(&place.slug).and_then(|d| d.summary.clone()),
            tiles: headline::tiles(data, place, locale, &options),
        })
        .collect();
    ctx.insert("featured", &featured);
    ctx.insert("place_count", &data.children_of("").count());
    ctx.insert("sources", &sources_list(data.sources.values()));
    ctx
}

#[derive(Serialize)]
struct KeyRow<'a> {
    value: String,
    year: i32,
    /// Older than `stale_after_years` before the edition.
    old: bool,
    /// A sudden jump from its neighbours in the source's series (what `salud check` warns
    /// of), shown as the source gave it.
    unusual: bool,
    /// The number of observations the value rests on (a survey's `n`), when the source says.
    n: Option<u32>,
    /// Fewer observations than the indicator's `few_observations`: "use with caution".
    few: bool,
    source: SourceView<'a>,
    note: Option<String>,
    /// The note's language when it is not the page's (a value's note not translated).
    note_lang: Option<&'a str>,
    /// Other sources' values for the same year, shown beside it, never averaged.
    same_year: Vec<(String, SourceView<'a>)>,
}

#[derive(Serialize)]
struct KeyIndicator<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
    definition: Option<&'a str>,
    reference: Option<String>,
    rows: Vec<KeyRow<'a>>,
}

#[derive(Serialize)]
struct KeyGroup<'a> {
    id: &'static str,
    title: String,
    indicators: Vec<KeyIndicator<'a>>,
}

#[derive(Serialize)]
struct YearTable<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
    sources: Vec<&'a str>,
    notes: Vec<String>,
    rows: Vec<(i32, Vec<YearCell>)>,
}

#[derive(Serialize, Default)]
struct YearCell {
    value: String,
    /// A sudden jump in the source's series, marked, never altered.
    unusual: bool,
}

fn key_figures<'a>(site: &'a Site, locale: &'a Locale, place: &'a Place) -> Vec<KeyGroup<'a>> {
    let (data, options) = (&site.data, tile_options(site));
    let mut groups: Vec<KeyGroup> = Vec::new();
    for indicator in &data.indicators {
        let series: Vec<&Series> = place.series_of(&indicator.id).collect();
        if series.is_empty() {
            continue;
        }
        let rows = series
            .iter()
            .filter_map(|s| {
                let obs = s.latest()?;
                let source = data.sources.get(&s.source)?;
                let unusual = s.jumps().last().copied().unwrap_or(false);
                let same_year = series
                    .iter()
                    .filter(|other| other.source != s.source)
                    .filter_map(|other| {
                        let o = other.at(obs.year)?;
                        Some((value_text(locale, indicator, o), source_view(data.sources.get(&other.source)?)))
                    })
                    .collect();
                let series_note = series_note(locale, s);
                // Marked only when it is all the note: salud's words beside it are the page's.
                let note_lang = crate::present::untranslated_note(locale, s, obs).filter(|_| series_note.is_none());
                let note = [series_note, obs.note.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ");
                Some(KeyRow {
                    value: value_text(locale, indicator, obs),
                    year: obs.year,
                    old: options.is_old(obs.year),
                    unusual,
                    n: obs.n.map(|n| n.get()),
                    few: obs.few(indicator.few_observations(site.config.few_observations)),
                    source: source_view(source),
                    note: (!note.is_empty()).then_some(note),
                    note_lang,
                    same_year,
                })
            })
            .collect();
        let item = KeyIndicator {
            id: &indicator.id,
            name: &indicator.name,
            unit: &indicator.unit,
            definition: indicator.definition.as_deref(),
            reference: indicator
                .reference
                .as_ref()
                .map(|r| format!("{}: {}", r.label, locale.number(r.value, indicator.decimals))),
            rows,
        };
        match groups.last_mut() {
            Some(g) if g.id == indicator.category.as_str() => g.indicators.push(item),
            _ => groups.push(KeyGroup {
                id: indicator.category.as_str(),
                title: locale.t(&format!("category.{}", indicator.category.as_str())).to_string(),
                indicators: vec![item],
            }),
        }
    }
    groups
}

/// Every value by year of the indicators no chart shows (the charts' data tables hold the
/// others, so the page carries each number once).
fn year_tables<'a>(locale: &Locale, data: &'a Data, place: &'a Place) -> Vec<YearTable<'a>> {
    data.indicators
        .iter()
        .filter(|i| !crate::charts::has_chart(i))
        .filter_map(|indicator| {
            let series: Vec<&Series> = place.series_of(&indicator.id).collect();
            if series.is_empty() {
                return None;
            }
            let mut years: Vec<i32> = series.iter().flat_map(|s| s.points.iter().map(|p| p.year)).collect();
            years.sort_unstable();
            years.dedup();
            years.reverse();
            let jumps: Vec<Vec<bool>> = series.iter().map(|s| s.jumps()).collect();
            Some(YearTable {
                id: &indicator.id,
                name: &indicator.name,
                unit: &indicator.unit,
                sources: series.iter().map(|s| data.source_name(&s.source)).collect(),
                notes: series.iter().filter_map(|s| series_note(locale, s)).collect(),
                rows: years
                    .into_iter()
                    .map(|y| {
                        let cells = series
                            .iter()
                            .zip(&jumps)
                            .map(|(s, jumps)| {
                                let at = s.points.binary_search_by_key(&y, |p| p.year).ok();
                                at.map(|i| YearCell {
                                    value: value_text(locale, indicator, &s.points[i]),
                                    unusual: jumps[i],
                                })
                                .unwrap_or_default()
                            })
                            .collect();
                        (y, cells)
                    })
                    .collect(),
            })
        })
        .collect()
}

pub fn place_context(site: &Site, locale: &Locale, languages: &[LanguageLink], place: &Place, nav: &[Link]) -> Context {
    let data = &site.data;
    let page = PageAt { path: crate::site::page_path("", &place.slug), title: &place.name };
    let mut ctx = base_context(site, locale, languages, &page, nav);
    let mut crumbs = Vec::new();
    let mut parent = place.parent.as_deref();
    while let Some(slug) = parent {
        let p = &data.places[slug];
        crumbs.push(Link { name: p.name.clone(), url: url_of(locale, p) });
        parent = p.parent.as_deref();
    }
    crumbs.reverse();
    ctx.insert("breadcrumbs", &crumbs);
    ctx.insert(
        "place",
        &PlaceView {
            name: &place.name,
            kind: place.kind.as_str(),
            kind_name: kind_name(locale, data, place),
            iso3: place.iso3.as_deref(),
            world_region: place.world_region.as_deref().map(|r| locale.term("region", r).to_string()),
            file: &place.file,
        },
    );
    let options = tile_options(site);
    let tiles = headline::tiles(data, place, locale, &options);
    ctx.insert("lead", &headline::lead_sentence(&tiles, locale));
    ctx.insert("tiles", &tiles);
    ctx.insert("key_figures", &key_figures(site, locale, place));
    ctx.insert("year_tables", &year_tables(locale, data, place));
    let children: Vec<&Place> = {
        let mut c: Vec<&Place> = data.children_of(&place.slug).collect();
        c.sort_by_cached_key(|p| format::slugify(&p.name));
        c
    };
    let all: Vec<&Indicator> = data.indicators.iter().collect();
    let sub = comparison(locale, data, &children, &all);
    ctx.insert("children", &sub);
    let used = place.series.iter().map(|s| s.source.as_str());
    let mut ids: Vec<&str> = used.collect();
    ids.sort_unstable();
    ids.dedup();
    ctx.insert("sources", &sources_list(ids.into_iter().filter_map(|id| data.sources.get(id))));
    ctx
}

/// How old a value may be before its tile says so.
pub fn tile_options(site: &Site) -> headline::TileOptions {
    headline::TileOptions {
        stale_after_years: site.config.stale_after_years,
        edition_year: site.edition_year,
        few_observations: site.config.few_observations,
    }
}

#[derive(Serialize)]
struct PlaceView<'a> {
    name: &'a str,
    kind: &'static str,
    kind_name: String,
    iso3: Option<&'a str>,
    world_region: Option<String>,
    file: &'a str,
}

#[cfg(test)]
mod tests {
    use super::decimal_pad;

    #[test]
    fn values_are_padded_to_the_decimal_mark_of_their_column() {
        assert_eq!(decimal_pad("20", ".", 1), ".0");
        assert_eq!(decimal_pad("19.2", ".", 1), "");
        assert_eq!(decimal_pad("6,1", ",", 2), "0");
        assert_eq!(decimal_pad("1,234", ".", 1), ".0");
        assert_eq!(decimal_pad("up to 500", ".", 0), "");
        assert_eq!(decimal_pad("<0.1", ".", 1), "");
    }
}
