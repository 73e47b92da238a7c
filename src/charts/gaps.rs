//! Gaps between groups of the population (urban and rural, the poorest and the richest
//! fifth): a dot chart of the groups' latest values with the gap written, for the place and
//! its regions or its country, and the groups' lines over time.

use std::collections::BTreeMap;

use super::{dedup_keep_order, source_line, years_subtitle, Chart, Kind, Line, Options};
use crate::data::{Category, Data, Dimension, Group, Indicator, Measure, Place, Series, SourceId};
use crate::format;
use crate::i18n::Locale;

/// Rows a chart's description reads out in full.
const SUMMARY_ABOVE: usize = 6;

/// The start of the ids of the groups' trend charts (`groups-child-stunting-area`).
pub const GROUPS_ID: &str = "groups-";

/// The groups' values of each row, with the gap between the first group and the last.
#[derive(Debug, Clone, PartialEq)]
pub struct Gaps {
    /// The groups' names in the vocabulary's order (urban before rural): the legend and the
    /// table's columns.
    pub groups: Vec<String>,
    pub rows: Vec<GapRow>,
    /// The legend's words for a hollow dot, when a value is from few observations.
    pub few: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GapRow {
    pub label: String,
    pub year: i32,
    /// One per group of the chart, in its order.
    pub dots: Vec<Dot>,
    /// "Rural 2.4 times urban (+12.3 points)".
    pub gap: String,
    /// The last group's value less the first's: rows are sorted by its size.
    pub difference: f64,
    /// The place whose page shows the chart.
    pub highlight: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub value: f64,
    pub text: String,
    pub n: Option<u32>,
    /// From fewer observations than the indicator's threshold: drawn hollow.
    pub few: bool,
}

/// One place's values of a breakdown: from one source, in the latest year every group that
/// source gives has a value, so the gap compares like with like.
struct Pick<'a> {
    source: &'a SourceId,
    year: i32,
    /// By the vocabulary's order.
    series: Vec<&'a Series>,
}

fn pick<'a>(data: &Data, place: &'a Place, indicator: &'a str, dimension: Dimension) -> Option<Pick<'a>> {
    let mut by_source: BTreeMap<&SourceId, Vec<&Series>> = BTreeMap::new();
    for s in place.groups_of(indicator).filter(|s| s.group.as_ref().is_some_and(|g| g.dimension == dimension)) {
        by_source.entry(&s.source).or_default().push(s);
    }
    let rank = |s: &SourceId| data.sources.get(s).map_or(usize::MAX, |x| x.rank);
    by_source
        .into_iter()
        .filter(|(_, series)| series.len() >= 2)
        .filter_map(|(source, mut series)| {
            series.sort_by_key(|s| s.group.as_ref().map(|g| data.groups.rank(g)));
            let year =
                series[0].points.iter().rev().map(|p| p.year).find(|y| series.iter().all(|s| s.at(*y).is_some()))?;
            Some(Pick { source, year, series })
        })
        .max_by_key(|p| (p.year, std::cmp::Reverse(rank(p.source))))
}

fn groups_of(pick: &Pick) -> Vec<Group> {
    pick.series.iter().filter_map(|s| s.group.clone()).collect()
}

/// How an indicator's numbers are written: its decimals, and whether differences are points.
#[derive(Debug, Clone, Copy)]
pub struct Shown {
    pub decimals: usize,
    pub measure: Measure,
}

/// "Rural 2.4 times urban (+12.3 points)": the last group against the first, as a ratio and
/// a difference (in points for a percentage).
pub fn gap_text(locale: &Locale, (base, base_value): (&str, f64), (group, value): (&str, f64), how: Shown) -> String {
    let difference = value - base_value;
    let sign = if difference < 0.0 { "−" } else { "+" };
    let amount = format!("{sign}{}", locale.number(difference.abs(), how.decimals));
    let difference = match how.measure {
        Measure::Percent => locale.fill("gaps.points", &[("difference", &amount)]),
        _ => amount,
    };
    let base = lower_first(base);
    if base_value > 0.0 {
        let ratio = locale.number(value / base_value, 1);
        let ratio = locale.fill("gaps.ratio", &[("group", group), ("ratio", &ratio), ("base", &base)]);
        locale.fill("gaps.gap", &[("ratio", &ratio), ("difference", &difference)])
    } else {
        locale.fill("gaps.no_ratio", &[("group", group), ("difference", &difference), ("base", &base)])
    }
}

/// A group's name inside a sentence: "urban"; a name in capitals stays ("HIV").
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if !chars.clone().next().is_some_and(char::is_uppercase) => c.to_lowercase().chain(chars).collect(),
        _ => name.to_string(),
    }
}

/// Largest gap first, whichever group it favours; then by name, so the order is stable.
pub fn sort_by_gap(rows: &mut [GapRow]) {
    rows.sort_by(|a, b| b.difference.abs().total_cmp(&a.difference.abs()).then_with(|| a.label.cmp(&b.label)));
}

/// What the rows of one chart share.
struct Frame<'a> {
    data: &'a Data,
    indicator: &'a Indicator,
    dimension: Dimension,
    groups: &'a [Group],
    locale: &'a Locale,
    few: u32,
}

impl Frame<'_> {
    /// The place's row, when it has a value for each of the chart's groups.
    fn row(&self, place: &Place, label: &str, highlight: bool) -> Option<(GapRow, String)> {
        let pick = pick(self.data, place, &self.indicator.id, self.dimension)?;
        if groups_of(&pick) != self.groups {
            return None;
        }
        let dots: Vec<Dot> = pick
            .series
            .iter()
            .filter_map(|s| s.at(pick.year))
            .map(|o| Dot {
                value: o.value,
                text: self.locale.number(o.value, self.indicator.decimals),
                n: o.n.map(|n| n.get()),
                few: o.few(self.few),
            })
            .collect();
        let names: Vec<String> = self.groups.iter().map(|g| self.data.groups.name(g, self.locale)).collect();
        let (first, last) = (dots.first()?, dots.last()?);
        let gap = gap_text(
            self.locale,
            (&names[0], first.value),
            (&names[names.len() - 1], last.value),
            Shown { decimals: self.indicator.decimals, measure: self.indicator.measure },
        );
        let difference = last.value - first.value;
        let source = self.data.source_name(pick.source).to_string();
        Some((GapRow { label: label.to_string(), year: pick.year, dots, gap, difference, highlight }, source))
    }
}

/// The place's groups' latest values, in a sentence for a story: "urban 8.5 (n = 329) and
/// rural 20.8 (n = 797) in 2025: rural 2.4 times urban (+12.3 points)", with the source's
/// name; none when the place has no two groups of `dimension` in one year.
pub fn sentence(
    data: &Data,
    place: &Place,
    indicator: &Indicator,
    dimension: Dimension,
    locale: &Locale,
    few: u32,
) -> Option<(String, String)> {
    let pick = pick(data, place, &indicator.id, dimension)?;
    let groups = groups_of(&pick);
    let frame = Frame { data, indicator, dimension, groups: &groups, locale, few };
    let (row, source) = frame.row(place, &place.name, false)?;
    let values: Vec<String> = frame
        .groups
        .iter()
        .zip(&row.dots)
        .map(|(group, dot)| format!("{} {}", lower_first(&data.groups.name(group, locale)), value_text(locale, dot)))
        .collect();
    let text = locale.fill(
        "gaps.sentence",
        &[("values", &values.join(locale.t("gaps.and"))), ("year", &row.year.to_string()), ("gap", &row.gap)],
    );
    Some((text, source))
}

/// For each indicator with groups at the place (or, for a country, at its regions), the gap
/// chart and the groups' trend chart, each with its family.
pub fn charts(data: &Data, place: &Place, locale: &Locale, options: Options) -> Vec<(Category, Chart)> {
    let children: Vec<&Place> = data.children_of(&place.slug).collect();
    let mut charts = Vec::new();
    for indicator in data.indicators.iter().filter(|i| super::has_chart(i)) {
        for dimension in Dimension::ALL {
            let own = pick(data, place, &indicator.id, dimension);
            let groups = match &own {
                Some(p) => groups_of(p),
                None => match children.iter().find_map(|c| pick(data, c, &indicator.id, dimension)) {
                    Some(p) => groups_of(&p),
                    None => continue,
                },
            };
            let frame = Frame {
                data,
                indicator,
                dimension,
                groups: &groups,
                locale,
                few: indicator.few_observations(options.few_observations),
            };
            if let Some(chart) = gap_chart(&frame, place, &children) {
                charts.push((indicator.category, chart));
            }
            if let Some(own) = &own {
                charts.push((indicator.category, trend_chart(&frame, place, own, options)));
            }
        }
    }
    charts
}

fn gap_chart(frame: &Frame, place: &Place, children: &[&Place]) -> Option<Chart> {
    let Frame { data, indicator, dimension, groups, locale, few } = *frame;
    let names: Vec<String> = groups.iter().map(|g| data.groups.name(g, locale)).collect();
    let mut rows = Vec::new();
    let mut sources = Vec::new();
    let mut missing = Vec::new();
    let mut push = |row: Option<(GapRow, String)>, rows: &mut Vec<GapRow>| {
        if let Some((row, source)) = row {
            rows.push(row);
            sources.push(source);
        }
    };
    push(frame.row(place, &place.name, true), &mut rows);
    let with_regions = !children.is_empty();
    if with_regions {
        let mut regions = Vec::new();
        for child in children {
            match frame.row(child, &child.name, false) {
                Some(row) => push(Some(row), &mut regions),
                None => missing.push(child.name.clone()),
            }
        }
        sort_by_gap(&mut regions);
        rows.extend(regions);
    } else if let Some(country) = super::country_of(data, place) {
        let label = locale.fill("chart.country_line", &[("place", &country.name)]);
        push(frame.row(country, &label, false), &mut rows);
    }
    if rows.is_empty() || !rows[0].highlight && !with_regions {
        return None;
    }
    dedup_keep_order(&mut sources);
    let listed = locale.list(&names.iter().map(|n| lower_first(n)).collect::<Vec<_>>());
    let mut notes = Vec::new();
    if !missing.is_empty() {
        notes.push(locale.fill("gaps.missing", &[("groups", &listed), ("places", &missing.join(", "))]));
    }
    notes.extend(sizes_note(&rows, &names, locale));
    let years: Vec<i32> = rows.iter().map(|r| r.year).collect();
    let (first, last) = (*years.iter().min()?, *years.iter().max()?);
    let marked = rows.iter().flat_map(|r| &r.dots).any(|d| d.few);
    let title_key = if with_regions { "gaps.title_regions" } else { "gaps.title" };
    let slug = format!("{}-{}", format::slugify(&indicator.id), dimension.as_str());
    Some(Chart {
        id: format!("gaps-{slug}"),
        title: locale
            .fill(title_key, &[("indicator", &indicator.short_name), ("groups", &listed), ("place", &place.name)]),
        subtitle: years_subtitle(&indicator.unit, first, last),
        unit: indicator.unit.clone(),
        kind: Kind::Gaps(Gaps {
            groups: names,
            rows,
            few: marked.then(|| locale.fill("gaps.few", &[("threshold", &few.to_string())])),
        }),
        source_line: source_line(locale, &sources),
        sources,
        numbers: locale.numbers.clone(),
        description: String::new(),
        notes,
        indicators: vec![indicator.id.clone()],
    })
}

/// The groups' lines over time from the source of the place's gap, with its total when that
/// source gives one.
fn trend_chart(frame: &Frame, place: &Place, own: &Pick, options: Options) -> Chart {
    let Frame { data, indicator, dimension, locale, .. } = *frame;
    let few = indicator.few_observations(options.few_observations);
    let line = |label: String, s: &Series| Line::of_series(label, indicator, s, locale, few);
    let mut lines: Vec<Line> =
        own.series.iter().filter_map(|s| Some(line(data.groups.name(s.group.as_ref()?, locale), s))).collect();
    if let Some(total) = place.series_for(&indicator.id, own.source, None) {
        lines.push(line(locale.t("gaps.total").to_string(), total));
    }
    let first = lines.iter().filter_map(|l| l.points.first()).map(|p| p.0).min().unwrap_or(own.year);
    let last_year = lines.iter().filter_map(|l| l.points.last()).map(|p| p.0).max().unwrap_or(own.year);
    let first_year = options.start_year.max(first).min(own.year);
    let sources = vec![data.source_name(own.source).to_string()];
    let notes = super::line_notes(&lines, locale, few);
    Chart {
        id: format!("{GROUPS_ID}{}-{}", format::slugify(&indicator.id), dimension.as_str()),
        title: locale.fill(
            "gaps.trend_title",
            &[
                ("indicator", &indicator.short_name),
                ("dimension", &lower_first(&dimension.name(locale))),
                ("place", &place.name),
            ],
        ),
        subtitle: years_subtitle(&indicator.unit, first_year, last_year),
        unit: indicator.unit.clone(),
        kind: Kind::Lines { lines, references: Vec::new(), projections: Vec::new(), first_year, last_year },
        source_line: source_line(locale, &sources),
        sources,
        numbers: locale.numbers.clone(),
        description: String::new(),
        notes,
        indicators: vec![indicator.id.clone()],
    }
}

impl Gaps {
    /// One sentence per row: its values and its gap. Beyond a few rows, the highlighted ones
    /// and the largest and smallest gaps: an alternative text read aloud should not be the
    /// whole table, which the page gives beside it.
    pub(super) fn describe(&self, locale: &Locale) -> String {
        let sentence = |r: &GapRow| {
            let values: Vec<String> = self
                .groups
                .iter()
                .zip(&r.dots)
                .map(|(g, d)| format!("{} {}", lower_first(g), value_text(locale, d)))
                .collect();
            format!("{} ({}): {}; {}", r.label, r.year, values.join(", "), lower_first(&r.gap))
        };
        let others: Vec<&GapRow> = self.rows.iter().filter(|r| !r.highlight).collect();
        if self.rows.len() <= SUMMARY_ABOVE {
            return self.rows.iter().map(sentence).collect::<Vec<_>>().join(". ");
        }
        let mut parts: Vec<String> = self.rows.iter().filter(|r| r.highlight).map(sentence).collect();
        if let (Some(first), Some(last)) = (others.first(), others.last()) {
            parts.push(sentence(first));
            parts.push(sentence(last));
            parts.push(locale.fill(
                "gaps.summary",
                &[("first", &first.label), ("last", &last.label), ("count", &others.len().to_string())],
            ));
        }
        parts.join(". ")
    }

    pub(super) fn table(&self, locale: &Locale) -> (Vec<String>, Vec<Vec<super::Cell>>) {
        let mut headers = vec![String::new(), locale.t("chart.year").to_string()];
        headers.extend(self.groups.iter().cloned());
        headers.push(locale.t("gaps.gap_column").to_string());
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![super::Cell::from(r.label.clone()), r.year.to_string().into()];
                row.extend(r.dots.iter().map(|d| super::Cell::from(value_text(locale, d))));
                row.push(r.gap.clone().into());
                row
            })
            .collect();
        (headers, rows)
    }
}

/// The numbers of observations behind the dots, in the image itself so that a chart seen
/// without its table (in the PDF, downloaded) still says how many were measured: every row of
/// a small chart, only the highlighted one of a chart of regions (whose table lists them all).
fn sizes_note(rows: &[GapRow], names: &[String], locale: &Locale) -> Option<String> {
    let few_rows = rows.len() <= 3;
    let listed: Vec<String> = rows
        .iter()
        .filter(|r| few_rows || r.highlight)
        .filter_map(|r| {
            let sizes: Vec<String> = names
                .iter()
                .zip(&r.dots)
                .filter_map(|(name, dot)| {
                    Some(format!("{} {}", lower_first(name), locale.number(f64::from(dot.n?), 0)))
                })
                .collect();
            (!sizes.is_empty()).then(|| format!("{}: {}", r.label, sizes.join(", ")))
        })
        .collect();
    (!listed.is_empty()).then(|| locale.fill("gaps.sizes", &[("sizes", &listed.join("; "))]))
}

/// "8.5 (n = 329)", and "(n = 12, few observations)" for a value marked.
fn value_text(locale: &Locale, dot: &Dot) -> String {
    match dot.n {
        None => dot.text.clone(),
        Some(n) => {
            let n = crate::present::n_text(locale, n);
            if dot.few {
                format!("{} ({n}, {})", dot.text, locale.t("gaps.few_short"))
            } else {
                format!("{} ({n})", dot.text)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stunting() -> Shown {
        Shown { decimals: 1, measure: Measure::Percent }
    }

    fn es() -> Locale {
        let files: BTreeMap<String, String> = [
            ("en".to_string(), include_str!("../../themes/default/i18n/en.toml").to_string()),
            ("es".to_string(), include_str!("../../themes/default/i18n/es.toml").to_string()),
        ]
        .into();
        Locale::load(&files, "es", "en").unwrap()
    }

    fn en() -> Locale {
        Locale::default()
    }

    #[test]
    fn the_gap_reads_as_a_ratio_and_a_difference() {
        let i = stunting();
        assert_eq!(gap_text(&en(), ("Urban", 9.4), ("Rural", 22.7), i), "Rural 2.4 times urban (+13.3 points)");
        assert_eq!(gap_text(&en(), ("Urban", 30.0), ("Rural", 24.0), i), "Rural 0.8 times urban (−6 points)");
        assert_eq!(gap_text(&es(), ("Urbano", 9.4), ("Rural", 22.7), i), "Rural: 2,4 veces urbano (+13,3 puntos)");
        // No ratio to nothing; a rate's difference is in its unit, not in points.
        assert_eq!(gap_text(&en(), ("Urban", 0.0), ("Rural", 3.0), i), "Rural +3 points against urban");
        let mut rate = stunting();
        rate.measure = Measure::Rate;
        assert_eq!(gap_text(&en(), ("Female", 10.0), ("Male", 13.0), rate), "Male 1.3 times female (+3)");
    }

    #[test]
    fn rows_go_largest_gap_first_whichever_way_it_goes() {
        let row = |label: &str, difference: f64| GapRow {
            label: label.into(),
            year: 2025,
            dots: Vec::new(),
            gap: String::new(),
            difference,
            highlight: false,
        };
        let mut rows = vec![row("Lima", 2.0), row("Huánuco", 12.3), row("Callao", -5.0), row("Ica", 2.0)];
        sort_by_gap(&mut rows);
        let order: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(order, ["Huánuco", "Callao", "Ica", "Lima"]);
    }
}
