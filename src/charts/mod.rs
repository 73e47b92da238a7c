//! Charts: which charts a place gets, and what each one holds. A chart is a plain value
//! (titles, series, bars, with their numbers already formatted); drawing it is a pure function
//! of that value and the theme's style ([`svg::render`]), so the same data give the same bytes.

pub mod axis;
pub mod backend;
pub mod gaps;
pub mod metrics;
pub mod peers;
pub mod placement;
pub mod png;
pub mod social;
pub mod style;
pub mod svg;

use std::collections::BTreeMap;

use crate::data::progress::{ProgressOptions, Status};
use crate::data::{Category, ChartKind, Data, Indicator, IndicatorId, Place, Series};
use crate::format;
use crate::i18n::{Locale, NumberFormat};

pub use peers::Peers;
pub use style::ChartStyle;

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The file name without extension, unique within the place: `mortality-per-1-000-live-births`.
    pub id: String,
    pub title: String,
    /// Unit and years, e.g. "per 1,000 live births, 1990-2024".
    pub subtitle: String,
    pub unit: String,
    pub kind: Kind,
    /// Source names, for the source line inside the image.
    pub sources: Vec<String>,
    /// The source line as the image shows it, in the page's language: "Source: ...".
    pub source_line: String,
    /// How the page's language writes the numbers the drawing adds (axis ticks).
    pub numbers: NumberFormat,
    /// One sentence with the key numbers ([`Chart::describe`]), for `<desc>` and `alt`.
    pub description: String,
    /// Conversions and caveats readers must see with the chart.
    pub notes: Vec<String>,
    /// The indicators drawn, for shortcodes that ask for a chart by indicator.
    pub indicators: Vec<IndicatorId>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Values over time; one line per indicator and source. Only `first_year..=last_year` is
    /// drawn; the lines keep their whole series for the table.
    Lines {
        lines: Vec<Line>,
        references: Vec<Reference>,
        projections: Vec<Projection>,
        first_year: i32,
        last_year: i32,
    },
    /// One bar per place, sorted, with an optional marked value.
    Bars { bars: Vec<Bar>, marker: Option<Reference>, year: i32 },
    /// Small bar charts stacked, each with its own scale and unit (never two units on one axis).
    Panels(Vec<Panel>),
    /// Groups' values as dots on one line per place, with the gap between them written.
    Gaps(gaps::Gaps),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: String,
    /// Unit and year.
    pub subtitle: String,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    pub label: String,
    /// Year, value, the value as shown. Sorted by year; a missing year is a gap.
    pub points: Vec<(i32, f64, String)>,
    /// The country's line on a region's chart, drawn for comparison (grey, dashed).
    pub country: bool,
    /// Years whose value jumps from its neighbours ([`Series::jumps`]): the table marks them,
    /// the line draws them as they are.
    pub unusual: Vec<i32>,
    /// Years whose value comes from fewer observations than the indicator's threshold: drawn
    /// hollow, marked in the table.
    pub few: Vec<i32>,
    /// The number of observations behind each value that gives one, for the table.
    pub sizes: Vec<(i32, u32)>,
    /// The intervals the source gives around its values: drawn as bars across the points,
    /// written in the table. None is computed where the source gives none.
    pub intervals: Vec<Interval>,
}

/// A source's interval around one value (WHO's `FactValueNumericLow`/`High`).
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    pub year: i32,
    pub low: f64,
    pub high: f64,
    /// "10.1–14.5", in the page's language.
    pub text: String,
}

impl Line {
    /// A series' line, with what its values carry besides the number: a jump, few
    /// observations, a sample size, an interval.
    pub(crate) fn of_series(label: String, indicator: &Indicator, s: &Series, locale: &Locale, few: u32) -> Line {
        let number = |v: f64| locale.number(v, indicator.decimals);
        Line {
            label,
            points: s.points.iter().map(|p| (p.year, p.value, number(p.value))).collect(),
            country: false,
            unusual: s.points.iter().zip(s.jumps()).filter(|(_, j)| *j).map(|(p, _)| p.year).collect(),
            few: s.points.iter().filter(|p| p.few(few)).map(|p| p.year).collect(),
            sizes: s.points.iter().filter_map(|p| Some((p.year, p.n?.get()))).collect(),
            intervals: s
                .points
                .iter()
                .filter_map(|p| {
                    let b = p.bounds.as_deref()?;
                    Some(Interval {
                        year: p.year,
                        low: b.low,
                        high: b.high,
                        text: format!("{}–{}", number(b.low), number(b.high)),
                    })
                })
                .collect(),
        }
    }
}

/// The notes a time chart's footer needs for what its lines draw differently: hollow markers
/// for few observations, bars for the source's intervals.
pub(super) fn line_notes(lines: &[Line], locale: &Locale, few: u32) -> Vec<String> {
    let mut notes = Vec::new();
    if lines.iter().any(|l| !l.few.is_empty()) {
        notes.push(locale.fill("chart.few", &[("threshold", &few.to_string())]));
    }
    if lines.iter().any(|l| !l.intervals.is_empty()) {
        notes.push(locale.t("chart.interval").to_string());
    }
    notes
}

/// A cell of a chart's data table.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Cell {
    pub text: String,
    /// The value jumps from its neighbours in the source's series.
    pub unusual: bool,
    /// From fewer observations than the indicator's threshold.
    pub few: bool,
    /// "n = 797", where the source gives the number of observations.
    pub n: Option<String>,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell { text, ..Cell::default() }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
    pub highlight: bool,
    /// "9th of 25", beside the bar of the place whose page shows the chart.
    pub rank: Option<String>,
}

/// A series' path at its observed pace, from the year after its latest value to its target's
/// year ([`crate::data::progress`]): drawn dotted, apart from the line, and never in the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// The line it continues, by its place in `lines`.
    pub line: usize,
    /// Year and value, from the year after the latest value.
    pub points: Vec<(i32, f64)>,
    /// "at 2014–2024 pace".
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub value: f64,
    pub label: String,
    /// Shorter labels for where the whole one has no room, longest first ("SDG 3.2 (neonatal
    /// mortality)", "SDG 3.2").
    pub short: Vec<String>,
}

/// The charts of one family on a place's page, or the reason there are none.
#[derive(Debug, Clone)]
pub struct Family {
    pub category: Category,
    pub charts: Vec<Chart>,
    /// "No workforce data for Huánuco", when there are no charts.
    pub empty: Option<String>,
}

/// Families every country page shows, with a note when the data are missing.
const ALWAYS: [Category; 3] = [Category::Mortality, Category::Workforce, Category::Expenditure];

pub use crate::present::short_source;

/// How a site wants its charts drawn (from config.toml).
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Time charts start here, or at their first year if later.
    pub start_year: i32,
    /// What progress toward a target is measured against, for the dotted line of a series'
    /// pace.
    pub progress: ProgressOptions,
    /// Values from fewer observations are marked, unless the indicator sets its own threshold.
    pub few_observations: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            start_year: 1990,
            progress: ProgressOptions { stale_after_years: 10, edition_year: 2024 },
            few_observations: 50,
        }
    }
}

/// Whether the indicator has charts; the page lists the values of those without in tables.
pub fn has_chart(indicator: &Indicator) -> bool {
    indicator.category != Category::Programme
}

/// The heading of a family of charts in the page's language.
pub fn family_title(locale: &Locale, category: Category) -> String {
    locale.t(&format!("category.{}", category.as_str())).to_string()
}

impl Chart {
    /// What the chart shows, as pages, shortcodes and the PDF template name it. The groups'
    /// lines are a kind of their own, so that lists of a place's trends do not take them.
    pub fn shows(&self) -> ChartKind {
        match &self.kind {
            Kind::Lines { .. } if self.id.starts_with(gaps::GROUPS_ID) => ChartKind::Groups,
            Kind::Lines { .. } => ChartKind::Trend,
            Kind::Bars { .. } => ChartKind::Regions,
            Kind::Panels(_) => ChartKind::Peers,
            Kind::Gaps(_) => ChartKind::Gaps,
        }
    }

    /// One sentence with the key numbers, for `<desc>` and the image's alternative text.
    pub fn describe(&self, locale: &Locale) -> String {
        match &self.kind {
            Kind::Lines { lines, references, .. } => {
                let parts: Vec<String> = lines
                    .iter()
                    .filter_map(|l| {
                        let (y0, _, t0) = l.points.first()?;
                        let (y1, _, t1) = l.points.last()?;
                        let at = |value: &str, year: &i32| {
                            locale.fill("chart.in_year", &[("value", value), ("year", &year.to_string())])
                        };
                        Some(if y0 == y1 {
                            format!("{}: {}", l.label, at(t1, y1))
                        } else {
                            format!("{}: {}, {}", l.label, at(t0, y0), at(t1, y1))
                        })
                    })
                    .collect();
                let mut text = format!("{} ({}). {}.", self.title, self.unit, parts.join("; "));
                for r in references {
                    text.push_str(&format!(" {}: {}.", r.label, locale.number(r.value, 1)));
                }
                text
            }
            Kind::Bars { bars, marker, year } => {
                let parts: Vec<String> = bars
                    .iter()
                    .map(|b| match &b.rank {
                        Some(rank) => format!("{} {} ({rank})", b.label, b.text),
                        None => format!("{} {}", b.label, b.text),
                    })
                    .collect();
                let mut text = format!("{} ({}, {year}): {}.", self.title, self.unit, parts.join(", "));
                if let Some(m) = marker {
                    text.push_str(&format!(" {}.", m.label));
                }
                text
            }
            Kind::Panels(panels) => {
                let parts: Vec<String> = panels
                    .iter()
                    .map(|p| {
                        let bars: Vec<String> = p.bars.iter().map(|b| format!("{} {}", b.label, b.text)).collect();
                        format!("{} ({}): {}", p.title, p.subtitle, bars.join(", "))
                    })
                    .collect();
                format!("{}. {}.", self.title, parts.join("; "))
            }
            Kind::Gaps(g) => {
                let mut text = format!("{} ({}). {}.", self.title, self.subtitle, g.describe(locale));
                if let Some(few) = &g.few {
                    text.push_str(&format!(" {few}."));
                }
                text
            }
        }
    }

    /// The chart's data as a table: column headers, then rows of cells.
    pub fn table(&self, locale: &Locale) -> (Vec<String>, Vec<Vec<Cell>>) {
        match &self.kind {
            Kind::Lines { lines, .. } => {
                let mut headers = vec![locale.t("chart.year").to_string()];
                headers.extend(lines.iter().map(|l| l.label.clone()));
                let mut years: Vec<i32> = lines.iter().flat_map(|l| l.points.iter().map(|p| p.0)).collect();
                years.sort_unstable();
                years.dedup();
                let rows = years
                    .into_iter()
                    .rev()
                    .map(|y| {
                        let mut row = vec![Cell::from(y.to_string())];
                        row.extend(lines.iter().map(|l| {
                            let value = l.points.iter().find(|p| p.0 == y).map(|p| p.2.clone()).unwrap_or_default();
                            Cell {
                                text: match l.intervals.iter().find(|i| i.year == y) {
                                    Some(i) => format!("{value} ({})", i.text),
                                    None => value,
                                },
                                unusual: l.unusual.contains(&y),
                                few: l.few.contains(&y),
                                n: l.sizes.iter().find(|s| s.0 == y).map(|s| crate::present::n_text(locale, s.1)),
                            }
                        }));
                        row
                    })
                    .collect();
                (headers, rows)
            }
            Kind::Bars { bars, .. } => (
                vec!["".to_string(), self.unit.clone()],
                bars.iter()
                    .map(|b| match &b.rank {
                        Some(rank) => vec![format!("{} ({rank})", b.label).into(), b.text.clone().into()],
                        None => vec![b.label.clone().into(), b.text.clone().into()],
                    })
                    .collect(),
            ),
            Kind::Panels(panels) => {
                let mut headers = vec![locale.t("chart.indicator").to_string()];
                headers.extend(
                    panels
                        .first()
                        .map(|p| p.bars.iter().map(|b| b.label.clone()).collect::<Vec<_>>())
                        .unwrap_or_default(),
                );
                let rows = panels
                    .iter()
                    .map(|p| {
                        let mut row = vec![Cell::from(format!("{} ({})", p.title, p.subtitle))];
                        row.extend(p.bars.iter().map(|b| Cell::from(b.text.clone())));
                        row
                    })
                    .collect();
                (headers, rows)
            }
            Kind::Gaps(g) => g.table(locale),
        }
    }
}

/// Every chart of a place, grouped by family in catalogue order.
pub fn for_place(data: &Data, place: &Place, peers: &Peers, locale: &Locale, options: Options) -> Vec<Family> {
    let mut by_category: BTreeMap<Category, Vec<Chart>> = BTreeMap::new();
    let mut groups: Vec<(Category, &str, Vec<&Indicator>)> = Vec::new();
    for indicator in &data.indicators {
        if !has_chart(indicator) || place.series_of(&indicator.id).next().is_none() {
            continue;
        }
        match groups.iter_mut().find(|(c, u, _)| *c == indicator.category && *u == indicator.unit) {
            Some(g) => g.2.push(indicator),
            None => groups.push((indicator.category, &indicator.unit, vec![indicator])),
        }
    }
    for (category, unit, indicators) in groups {
        let group = Group { category, unit, indicators: &indicators };
        by_category.entry(category).or_default().push(time_chart(data, place, &group, locale, options));
    }
    // A region's page also shows where it stands among its country's regions.
    let standing = place
        .parent
        .as_deref()
        .and_then(|p| data.places.get(p))
        .map(|parent| region_charts(data, parent, Some(place), locale));
    for chart in region_charts(data, place, None, locale).into_iter().chain(standing.into_iter().flatten()) {
        let category = data.indicator(&chart.indicators[0]).map_or(Category::Coverage, |i| i.category);
        by_category.entry(category).or_default().push(chart);
    }
    for (category, chart) in gaps::charts(data, place, locale, options) {
        by_category.entry(category).or_default().push(chart);
    }
    let mut families = Vec::new();
    let shows_all = place.kind != crate::data::PlaceKind::Site;
    for category in ALWAYS {
        if !by_category.contains_key(&category) && shows_all {
            families.push(Family {
                category,
                charts: Vec::new(),
                empty: Some(locale.fill(
                    "chart.no_data",
                    &[("family", &family_title(locale, category).to_lowercase()), ("place", &place.name)],
                )),
            });
        }
    }
    for (category, charts) in by_category {
        families.push(Family { category, charts, empty: None });
    }
    families.sort_by_key(|f| f.category);
    if let Some(chart) = peers.chart(data, place, locale) {
        families.push(Family { category: Category::Peers, charts: vec![chart], empty: None });
    }
    for chart in families.iter_mut().flat_map(|f| &mut f.charts) {
        chart.description = chart.describe(locale);
    }
    families
}

/// The indicators one time chart draws: of one family and one unit.
struct Group<'a> {
    category: Category,
    unit: &'a str,
    indicators: &'a [&'a Indicator],
}

/// The place a region's charts compare it with: the country it lies in (the top of its
/// parents).
fn country_of<'a>(data: &'a Data, place: &Place) -> Option<&'a Place> {
    let mut country = data.places.get(place.parent.as_deref()?)?;
    while let Some(up) = country.parent.as_deref().and_then(|p| data.places.get(p)) {
        country = up;
    }
    Some(country)
}

fn time_chart<'a>(data: &'a Data, place: &'a Place, group: &Group<'a>, locale: &Locale, options: Options) -> Chart {
    let Group { category, unit, indicators } = *group;
    let series: Vec<(&Indicator, &Series)> =
        indicators.iter().flat_map(|i| place.series_of(&i.id).map(move |s| (*i, s))).collect();
    let several_sources = {
        let mut ids: Vec<&str> = series.iter().map(|(_, s)| s.source.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len() > 1
    };
    fn source_name<'a>(data: &'a Data, s: &'a Series) -> &'a str {
        data.source_name(&s.source)
    }
    let source_name = |s: &'a Series| source_name(data, s);
    let few = |indicator: &Indicator| indicator.few_observations(options.few_observations);
    let mut lines: Vec<Line> = series
        .iter()
        .map(|(indicator, s)| {
            let label = match (several_sources, indicators.len() > 1) {
                (true, true) => format!("{} ({})", indicator.short_name, short_source(source_name(s))),
                (true, false) => short_source(source_name(s)).to_string(),
                (false, _) => indicator.short_name.clone(),
            };
            Line::of_series(label, indicator, s, locale, few(indicator))
        })
        .collect();
    let mut series_used: Vec<&Series> = series.iter().map(|(_, s)| *s).collect();
    // A region's chart carries its country's line (its first-ranked source) to compare with.
    if let Some(country) = country_of(data, place) {
        for indicator in indicators {
            let mut theirs: Vec<&Series> = country.series_of(&indicator.id).collect();
            theirs.sort_by_key(|s| data.sources.get(&s.source).map_or(usize::MAX, |x| x.rank));
            if let Some(s) = theirs.into_iter().find(|s| !s.points.is_empty()) {
                let label = if indicators.len() > 1 {
                    locale.fill(
                        "chart.country_line_of",
                        &[("place", &country.name), ("indicator", &indicator.short_name)],
                    )
                } else {
                    locale.fill("chart.country_line", &[("place", &country.name)])
                };
                lines.push(Line { country: true, ..Line::of_series(label, indicator, s, locale, few(indicator)) });
                series_used.push(s);
            }
        }
    }
    let series_first = lines.iter().filter_map(|l| l.points.first()).map(|p| p.0).min().unwrap_or(0);
    let last_year = lines.iter().filter_map(|l| l.points.last()).map(|p| p.0).max().unwrap_or(0);
    // From the start year on, so the recent trend fills the plot; never so late that a line
    // would have nothing to draw.
    let first_year = options
        .start_year
        .max(series_first)
        .min(lines.iter().filter_map(|l| l.points.last()).map(|p| p.0).min().unwrap_or(last_year));
    let mut references: Vec<Reference> = Vec::new();
    for i in indicators {
        if let Some(r) = &i.reference {
            if !references.iter().any(|x| x.value == r.value) {
                // With several indicators on one chart, each line says whose target it is, as
                // long as there is room.
                let whose = |label: &str| match indicators.len() {
                    1 => label.to_string(),
                    _ => format!("{label} ({})", i.short_name.to_lowercase()),
                };
                let mut short: Vec<String> = r.short.iter().flat_map(|s| [whose(s), s.clone()]).collect();
                short.dedup();
                references.push(Reference { value: r.value, label: whose(&r.label), short });
            }
        }
    }
    let mut sources: Vec<String> = series_used.iter().map(|s| source_name(s).to_string()).collect();
    dedup_keep_order(&mut sources);
    let mut notes: Vec<String> = series_used
        .iter()
        .filter_map(|s| {
            crate::present::series_note(locale, s).map(|n| format!("{}: {n}", short_source(source_name(s))))
        })
        .collect();
    dedup_keep_order(&mut notes);
    notes.extend(line_notes(&lines, locale, indicators.first().map_or(options.few_observations, |i| few(i))));
    // Two names read well in a title; beyond that the family's name says it better.
    let title = if indicators.len() > 2 {
        family_title(locale, category)
    } else {
        join_names(locale, indicators.iter().map(|i| i.short_name.as_str()))
    };
    let subtitle = years_subtitle(unit, first_year, last_year);
    // The series the tiles measure progress by, continued at its pace to its target's year.
    let mut projections: Vec<Projection> = Vec::new();
    for (line, (indicator, s)) in series.iter().enumerate() {
        let (Some(target), Some((main, _))) = (indicator.target(), place.latest(&indicator.id, &data.sources)) else {
            continue;
        };
        if !std::ptr::eq(main, *s) {
            continue;
        }
        let Some(p) = crate::data::progress::of_series(s, &target, &options.progress) else { continue };
        let points: Vec<(i32, f64)> = p.projection.iter().copied().filter(|(year, _)| *year > p.latest.0).collect();
        if points.len() < 2 || !matches!(p.status, Status::OnTrack | Status::OffTrack | Status::Met) {
            continue;
        }
        let label = locale.fill("progress.pace", &[("from", &p.window.0.to_string()), ("to", &p.window.1.to_string())]);
        projections.push(Projection { line, points, label });
    }
    let last_year = projections.iter().flat_map(|p| p.points.last()).map(|p| p.0).fold(last_year, i32::max);
    Chart {
        source_line: source_line(locale, &sources),
        numbers: locale.numbers.clone(),
        description: String::new(),
        id: format!("{}-{}", category.as_str(), indicators.first().map_or(String::new(), |i| i.unit_slug.clone())),
        title: format!("{title}, {}", place.name),
        subtitle,
        unit: unit.to_string(),
        kind: Kind::Lines { lines, references, projections, first_year, last_year },
        sources,
        notes,
        indicators: indicators.iter().map(|i| i.id.clone()).collect(),
    }
}

fn years_subtitle(unit: &str, first: i32, last: i32) -> String {
    if first == last {
        format!("{unit}, {first}")
    } else {
        format!("{unit}, {first}–{last}")
    }
}

/// "Source: A; B." in the page's language.
pub fn source_line(locale: &Locale, sources: &[String]) -> String {
    locale.fill("chart.source", &[("sources", &sources.join("; "))])
}

/// "Under-five mortality and neonatal mortality".
fn join_names<'a>(locale: &Locale, names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names
        .enumerate()
        .map(|(i, n)| {
            let mut chars = n.chars();
            match chars.next() {
                // Keep capitals of acronyms ("GDP"); lower the first letter of a later name.
                Some(c) if i > 0 && !chars.clone().next().is_some_and(char::is_uppercase) => {
                    c.to_lowercase().chain(chars).collect()
                }
                _ => n.to_string(),
            }
        })
        .collect();
    locale.list(&names)
}

fn dedup_keep_order(items: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    items.retain(|i| seen.insert(i.clone()));
}

/// For each indicator the places inside `place` have, a bar chart comparing them in the year
/// most of them share, with the place's own value marked. With a `focus` (one of those
/// places, on whose page the charts go), its bar is highlighted and given its rank.
fn region_charts<'a>(data: &'a Data, place: &'a Place, focus: Option<&Place>, locale: &Locale) -> Vec<Chart> {
    let children: Vec<&Place> = data.children_of(&place.slug).collect();
    if children.len() < 2 {
        return Vec::new();
    }
    let mut charts = Vec::new();
    for indicator in &data.indicators {
        let latest: Vec<i32> =
            children.iter().filter_map(|c| c.latest(&indicator.id, &data.sources).map(|(_, o)| o.year)).collect();
        if latest.len() < 2 {
            continue;
        }
        let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
        for y in latest {
            *counts.entry(y).or_default() += 1;
        }
        let year = counts.iter().max_by_key(|(y, n)| (**n, **y)).map(|(y, _)| *y).unwrap_or_default();
        let value_at = |p: &'a Place| -> Option<(&'a Series, f64)> {
            let mut s: Vec<&Series> = p.series_of(&indicator.id).collect();
            s.sort_by_key(|s| data.sources.get(&s.source).map_or(usize::MAX, |x| x.rank));
            s.into_iter().find_map(|s| s.at(year).map(|o| (s, o.value)))
        };
        let mut bars = Vec::new();
        let mut missing = Vec::new();
        let mut sources = Vec::new();
        for child in &children {
            match value_at(child) {
                Some((s, v)) => {
                    sources.push(data.source_name(&s.source).to_string());
                    bars.push(Bar {
                        label: child.name.clone(),
                        value: v,
                        text: locale.number(v, indicator.decimals),
                        highlight: focus.is_some_and(|f| f.slug == child.slug),
                        rank: None,
                    });
                }
                None => missing.push(child.name.clone()),
            }
        }
        bars.sort_by(|a, b| b.value.total_cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
        let count = bars.len();
        match bars.iter().position(|b| b.highlight) {
            Some(k) => bars[k].rank = Some(rank_text(locale, k + 1, count)),
            // A focus without a value that year has no chart of where it stands.
            None if focus.is_some() => continue,
            None => {}
        }
        let marker = value_at(place).map(|(s, v)| {
            sources.push(data.source_name(&s.source).to_string());
            let label = format!("{}: {}", place.name, locale.number(v, indicator.decimals));
            Reference { value: v, label, short: Vec::new() }
        });
        dedup_keep_order(&mut sources);
        let mut notes = Vec::new();
        if !missing.is_empty() {
            notes.push(locale.fill("chart.no_value", &[("year", &year.to_string()), ("places", &missing.join(", "))]));
        }
        charts.push(Chart {
            id: match focus {
                Some(_) => format!("standing-{}", format::slugify(&indicator.id)),
                None => format!("regions-{}", format::slugify(&indicator.id)),
            },
            title: locale.fill("chart.inside", &[("indicator", &indicator.short_name), ("place", &place.name)]),
            source_line: source_line(locale, &sources),
            numbers: locale.numbers.clone(),
            description: String::new(),
            subtitle: format!("{}, {year}", indicator.unit),
            unit: indicator.unit.clone(),
            kind: Kind::Bars { bars, marker, year },
            sources,
            notes,
            indicators: vec![indicator.id.clone()],
        });
    }
    charts
}

/// "9th of 25": the place's position in the sorted bars, in the page's language.
fn rank_text(locale: &Locale, rank: usize, count: usize) -> String {
    // English ordinal endings by CLDR's rule; a language whose ordinals do not vary gives the
    // same text for every key.
    let key = match (rank % 10, rank % 100) {
        (1, r) if r != 11 => "chart.ordinal_one",
        (2, r) if r != 12 => "chart.ordinal_two",
        (3, r) if r != 13 => "chart.ordinal_few",
        _ => "chart.ordinal_other",
    };
    let ordinal = locale.fill(key, &[("n", &rank.to_string())]);
    locale.fill("chart.rank", &[("rank", &ordinal), ("count", &count.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_join_as_a_sentence() {
        let en = Locale::default();
        assert_eq!(
            join_names(&en, ["Under-five mortality", "Neonatal mortality"].into_iter()),
            "Under-five mortality and neonatal mortality"
        );
        assert_eq!(
            join_names(&en, ["Physicians", "Nurses", "GDP share"].into_iter()),
            "Physicians, nurses and GDP share"
        );
        assert_eq!(join_names(&en, ["A", "GDP"].into_iter()), "A and GDP");
    }

    #[test]
    fn ranks_read_as_ordinals_in_each_language() {
        let en = Locale::default();
        let texts: Vec<String> =
            [1, 2, 3, 4, 9, 11, 12, 13, 21, 22, 23, 111].iter().map(|r| rank_text(&en, *r, 25)).collect();
        assert_eq!(
            texts,
            [
                "1st of 25",
                "2nd of 25",
                "3rd of 25",
                "4th of 25",
                "9th of 25",
                "11th of 25",
                "12th of 25",
                "13th of 25",
                "21st of 25",
                "22nd of 25",
                "23rd of 25",
                "111th of 25"
            ]
        );
        let files: std::collections::BTreeMap<String, String> = [
            ("en".to_string(), include_str!("../../themes/default/i18n/en.toml").to_string()),
            ("es".to_string(), include_str!("../../themes/default/i18n/es.toml").to_string()),
        ]
        .into();
        let es = Locale::load(&files, "es", "en").unwrap();
        assert_eq!(rank_text(&es, 9, 25), "9.º de 25");
        assert_eq!(rank_text(&es, 1, 25), "1.º de 25");
    }
}
