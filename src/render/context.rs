//! The data each template gets: plain structs built from the site, with every number already
//! formatted, so templates only lay them out.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use crate::data::{Data, Indicator, Observation, Place, Series, Source};
use crate::format;
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
}

/// The plain pages, as paths from the site root (the page adds its `root` prefix).
pub fn nav(site: &Site) -> Vec<Link> {
    site.content
        .pages
        .iter()
        .map(|p| Link { name: p.title.clone(), url: format!("{}/index.html", p.slug) })
        .collect()
}

/// What every page gets: the site, the prefix back to the site root, the page title, the nav.
pub fn base_context(site: &Site, depth: usize, title: &str, nav: &[Link]) -> Context {
    let mut ctx = Context::new();
    let c = &site.config;
    ctx.insert(
        "site",
        &SiteInfo {
            title: &c.title,
            description: &c.description,
            publisher: &c.publisher,
            licence: &c.licence,
            language: &c.language,
        },
    );
    ctx.insert("root", &"../".repeat(depth));
    ctx.insert("title", title);
    ctx.insert("nav", nav);
    ctx
}

fn url_of(place: &Place) -> String {
    format!("{}/index.html", place.slug)
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

/// A value as readers see it: "up to 500", "21.9".
pub fn value_text(indicator: &Indicator, obs: &Observation) -> String {
    let number = format::number(obs.value, indicator.decimals);
    match &obs.qualifier {
        Some(q) => format!("{q} {number}"),
        None => number,
    }
}

#[derive(Serialize)]
struct Cell {
    value: String,
    year: i32,
    source: String,
}

fn latest_cell(data: &Data, place: &Place, indicator: &Indicator) -> Option<Cell> {
    place.latest(&indicator.id, &data.sources).map(|(series, obs)| Cell {
        value: value_text(indicator, obs),
        year: obs.year,
        source: data.sources.get(&series.source).map(|s| s.name.clone()).unwrap_or_default(),
    })
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

fn comparison<'a>(data: &'a Data, places: &[&Place], indicators: &[&'a Indicator]) -> Comparison<'a> {
    let used: Vec<&Indicator> = indicators
        .iter()
        .copied()
        .filter(|i| places.iter().any(|p| p.series_of(&i.id).next().is_some()))
        .collect();
    Comparison {
        columns: used.iter().map(|i| column(i)).collect(),
        rows: places
            .iter()
            .map(|p| Row {
                name: p.name.clone(),
                url: url_of(p),
                kind: p.kind.as_str(),
                cells: used.iter().map(|i| latest_cell(data, p, i)).collect(),
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

pub fn home_context(site: &Site, nav: &[Link]) -> Context {
    let data = &site.data;
    let mut ctx = base_context(site, 0, &site.config.title, nav);
    let headline: Vec<&Indicator> = data.indicators.iter().filter(|i| i.headline).collect();
    let mut groups: BTreeMap<(bool, String), Vec<&Place>> = BTreeMap::new();
    for place in data.children_of("") {
        let (other, region) = match (&place.world_region, place.kind) {
            (_, crate::data::PlaceKind::Aggregate) => (true, "Groups of countries".to_string()),
            (Some(r), _) => (false, r.clone()),
            (None, _) => (true, "Other places".to_string()),
        };
        groups.entry((other, region)).or_default().push(place);
    }
    let mut groups: Vec<RegionGroup> = groups
        .into_iter()
        .map(|((_, region), mut places)| {
            places.sort_by_cached_key(|p| format::slugify(&p.name));
            RegionGroup { id: format::slugify(&region), table: comparison(data, &places, &headline), region }
        })
        .collect();
    // Every group shows the same columns, so readers can compare across regions.
    let all_columns: Vec<Column> = headline.iter().map(|i| column(i)).collect();
    for group in &mut groups {
        let ids: Vec<&str> = group.table.columns.iter().map(|c| c.id).collect();
        for row in &mut group.table.rows {
            let mut cells = std::mem::take(&mut row.cells).into_iter();
            row.cells = all_columns.iter().map(|c| if ids.contains(&c.id) { cells.next().flatten() } else { None }).collect();
        }
        group.table.columns = headline.iter().map(|i| column(i)).collect();
    }
    ctx.insert("groups", &groups);
    ctx.insert("columns", &all_columns);
    ctx.insert("place_count", &data.children_of("").count());
    ctx.insert("sources", &sources_list(data.sources.values()));
    ctx
}

#[derive(Serialize)]
struct KeyRow<'a> {
    value: String,
    year: i32,
    source: SourceView<'a>,
    note: Option<String>,
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
    title: &'static str,
    indicators: Vec<KeyIndicator<'a>>,
}

#[derive(Serialize)]
struct YearTable<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
    sources: Vec<&'a str>,
    notes: Vec<String>,
    rows: Vec<(i32, Vec<String>)>,
}

fn key_figures<'a>(data: &'a Data, place: &'a Place) -> Vec<KeyGroup<'a>> {
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
                let same_year = series
                    .iter()
                    .filter(|other| other.source != s.source)
                    .filter_map(|other| {
                        let o = other.at(obs.year)?;
                        Some((value_text(indicator, o), source_view(data.sources.get(&other.source)?)))
                    })
                    .collect();
                let note = [s.note.clone(), obs.note.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ");
                Some(KeyRow {
                    value: value_text(indicator, obs),
                    year: obs.year,
                    source: source_view(source),
                    note: (!note.is_empty()).then_some(note),
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
                .map(|r| format!("{}: {}", r.label, format::number(r.value, indicator.decimals))),
            rows,
        };
        match groups.last_mut() {
            Some(g) if g.id == indicator.category.as_str() => g.indicators.push(item),
            _ => groups.push(KeyGroup {
                id: indicator.category.as_str(),
                title: indicator.category.title(),
                indicators: vec![item],
            }),
        }
    }
    groups
}

fn year_tables<'a>(data: &'a Data, place: &'a Place) -> Vec<YearTable<'a>> {
    data.indicators
        .iter()
        .filter_map(|indicator| {
            let series: Vec<&Series> = place.series_of(&indicator.id).collect();
            if series.is_empty() {
                return None;
            }
            let mut years: Vec<i32> = series.iter().flat_map(|s| s.points.iter().map(|p| p.year)).collect();
            years.sort_unstable();
            years.dedup();
            years.reverse();
            Some(YearTable {
                id: &indicator.id,
                name: &indicator.name,
                unit: &indicator.unit,
                sources: series.iter().map(|s| data.sources.get(&s.source).map_or("", |x| x.name.as_str())).collect(),
                notes: series.iter().filter_map(|s| s.note.clone()).collect(),
                rows: years
                    .into_iter()
                    .map(|y| {
                        let cells = series.iter().map(|s| s.at(y).map(|o| value_text(indicator, o)).unwrap_or_default()).collect();
                        (y, cells)
                    })
                    .collect(),
            })
        })
        .collect()
}

pub fn place_context(site: &Site, place: &Place, nav: &[Link]) -> Context {
    let data = &site.data;
    let depth = place.depth();
    let mut ctx = base_context(site, depth, &place.name, nav);
    let mut crumbs = Vec::new();
    let mut parent = place.parent.as_deref();
    while let Some(slug) = parent {
        let p = &data.places[slug];
        crumbs.push(Link { name: p.name.clone(), url: url_of(p) });
        parent = p.parent.as_deref();
    }
    crumbs.reverse();
    ctx.insert("breadcrumbs", &crumbs);
    ctx.insert(
        "place",
        &PlaceView {
            name: &place.name,
            kind: place.kind.as_str(),
            iso3: place.iso3.as_deref(),
            world_region: place.world_region.as_deref(),
            file: &place.file,
        },
    );
    ctx.insert("key_figures", &key_figures(data, place));
    ctx.insert("year_tables", &year_tables(data, place));
    let children: Vec<&Place> = {
        let mut c: Vec<&Place> = data.children_of(&place.slug).collect();
        c.sort_by_cached_key(|p| format::slugify(&p.name));
        c
    };
    let all: Vec<&Indicator> = data.indicators.iter().collect();
    let sub = comparison(data, &children, &all);
    ctx.insert("children", &sub);
    let used = place.series.iter().map(|s| s.source.as_str());
    let mut ids: Vec<&str> = used.collect();
    ids.sort_unstable();
    ids.dedup();
    ctx.insert("sources", &sources_list(ids.into_iter().filter_map(|id| data.sources.get(id))));
    ctx
}

#[derive(Serialize)]
struct PlaceView<'a> {
    name: &'a str,
    kind: &'static str,
    iso3: Option<&'a str>,
    world_region: Option<&'a str>,
    file: &'a str,
}

