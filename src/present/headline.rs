//! The handful of figures a place leads with: its latest value of each headline indicator,
//! with year, source, the change over about ten years in the same source's series, and the
//! target beside it. Pages, PDF briefs, link previews and the home page all show these tiles.

use serde::Serialize;

use super::value_text;
use crate::data::progress::{self, DataGap, ProgressOptions, Status};
use crate::data::{Better, Data, Indicator, Measure, Observation, Place, Series};
use crate::i18n::Locale;

/// At most this many tiles: a reader takes in four to six numbers at a glance.
pub const MAX_TILES: usize = 6;
/// A place with fewer headline indicators than this gets its other indicators' tiles too.
const MIN_TILES: usize = 4;
/// The change is measured against the value about this many years before the latest...
const CHANGE_SPAN: i32 = 10;
/// ...and only against a value at least this many years before it: a shorter span says
/// little about a trend, and a longer one is not "about ten years".
const CHANGE_WINDOW: std::ops::RangeInclusive<i32> = 6..=14;

#[derive(Debug, Clone, Serialize)]
pub struct Tile {
    /// The indicator's id, also the anchor of its row in the page's tables.
    pub id: String,
    pub name: String,
    pub unit: String,
    pub value: String,
    pub year: i32,
    pub source: String,
    /// "World Bank", for the tile; the full name is one click away, in the page's sources.
    pub source_short: String,
    pub source_id: String,
    pub change: Option<Change>,
    /// "SDG 3.2 target for 2030: 25".
    pub reference: Option<String>,
    /// Whether the value meets the target, by the indicator's `better`; none without a target,
    /// a `better`, or an exact value.
    pub target_met: Option<bool>,
    /// "met" or "not met", in the page's language.
    pub target_text: Option<String>,
    /// "Target: 25", for narrow screens; the reference in full is read out beside it.
    pub target_short: Option<String>,
    /// The target's label and value as shown, for the lead sentence.
    #[serde(skip)]
    target: Option<(String, String)>,
    /// For a place inside another, the parent's value in the same year from the same source:
    /// "Peru: 12.1". None when the parent has no such value; a value of another year or
    /// source would not compare like with like.
    pub parent: Option<String>,
    /// The value is older than the site's `stale_after_years`, counted from its edition.
    pub old: bool,
    /// The value rests on fewer observations than the indicator's `few_observations`.
    pub few: bool,
    /// Whether the place moves fast enough to reach the target by its year; none for a
    /// target without a year (a threshold) or an indicator without a direction.
    pub progress: Option<Pace>,
}

/// Progress toward a target with a year, as the tiles and shortcodes word it.
#[derive(Debug, Clone, Serialize)]
pub struct Pace {
    pub status: Status,
    /// "On track", in the page's language.
    pub text: String,
    /// "needs −1.2% a year to reach 12 by 2030; has done −3.4% a year (2014–2024)".
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// "Down 7.0 since 2014", in the page's language.
    pub text: String,
    /// "was 19.9": the earlier value, for readers with room to read it.
    pub from: String,
    pub direction: Direction,
    /// Whether the change is for the better, by the indicator's `better`; none when the
    /// catalogue does not say which way is better, or the value did not move.
    pub judgement: Option<Judgement>,
    /// "better" or "worse", in the page's language.
    pub judgement_text: Option<String>,
    /// The earlier value's year, and the value as shown, for the page's lead sentence.
    #[serde(skip)]
    earlier: (i32, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
    Flat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Judgement {
    Better,
    Worse,
}

/// What the tiles are measured against.
#[derive(Debug, Clone, Copy)]
pub struct TileOptions {
    /// Values older than this many years before `edition_year` are marked old.
    pub stale_after_years: i32,
    /// The year of the edition: `published`'s, or the newest year of the site's data, so that
    /// the marks do not depend on the day of the build.
    pub edition_year: i32,
    /// Values from fewer observations are marked, unless the indicator sets its own threshold.
    pub few_observations: u32,
}

impl TileOptions {
    /// What progress toward a target is measured against: the same edition and age limit.
    pub fn progress(&self) -> ProgressOptions {
        ProgressOptions { stale_after_years: self.stale_after_years, edition_year: self.edition_year }
    }

    /// Whether a value of `year` is old data for this edition.
    pub fn is_old(&self, year: i32) -> bool {
        self.edition_year - year > self.stale_after_years
    }
}

/// The place's tiles: headline indicators in catalogue order, then, when that makes fewer
/// than four, its other indicators, up to six.
pub fn tiles(data: &Data, place: &Place, locale: &Locale, options: &TileOptions) -> Vec<Tile> {
    let headline = data.indicators.iter().filter(|i| i.headline);
    let others = data.indicators.iter().filter(|i| !i.headline);
    let mut tiles: Vec<Tile> = headline.filter_map(|i| tile(data, place, i, locale, options)).take(MAX_TILES).collect();
    if tiles.len() < MIN_TILES {
        tiles.extend(others.filter_map(|i| tile(data, place, i, locale, options)).take(MIN_TILES - tiles.len()));
    }
    tiles
}

fn tile(data: &Data, place: &Place, indicator: &Indicator, locale: &Locale, options: &TileOptions) -> Option<Tile> {
    let (series, latest) = place.latest(&indicator.id, &data.sources)?;
    let target_met = target_met(indicator, latest);
    let target = indicator.reference.as_ref().map(|r| (r.label.clone(), locale.number(r.value, indicator.decimals)));
    Some(Tile {
        target_met,
        target_text: target_met
            .map(|met| locale.t(if met { "change.target_met" } else { "change.target_not_met" }).to_string()),
        id: indicator.id.to_string(),
        name: indicator.short_name.clone(),
        unit: indicator.unit.clone(),
        value: value_text(locale, indicator, latest),
        year: latest.year,
        source: data.source_name(&series.source).to_string(),
        source_short: super::short_source(data.source_name(&series.source)).to_string(),
        source_id: series.source.to_string(),
        change: change(series, indicator, locale),
        reference: target.as_ref().map(|(label, value)| format!("{label}: {value}")),
        target_short: target.as_ref().map(|(_, value)| locale.fill("change.target_short", &[("value", value)])),
        target,
        old: options.is_old(latest.year),
        few: latest.few(indicator.few_observations(options.few_observations)),
        parent: parent_value(data, place, series, latest.year, indicator, locale),
        progress: pace(series, indicator, locale, options),
    })
}

/// `series`' progress toward the indicator's target, worded: the status, and the rates it
/// rests on (or why there are none).
pub fn pace(series: &Series, indicator: &Indicator, locale: &Locale, options: &TileOptions) -> Option<Pace> {
    let target = indicator.target()?;
    let p = progress::of_series(series, &target, &options.progress())?;
    let rate = |r: f64| {
        let sign = if r < 0.0 {
            "−"
        } else if r > 0.0 {
            "+"
        } else {
            ""
        };
        format!("{sign}{}%", locale.number(r.abs(), 1))
    };
    let target_value = locale.number(target.value, indicator.decimals);
    let detail = match (p.status, p.gap, p.observed_rate, p.required_rate) {
        (Status::NotEnoughData, Some(DataGap::Old), ..) => {
            Some(locale.fill("progress.old", &[("year", &p.latest.0.to_string())]))
        }
        (Status::NotEnoughData, ..) => Some(locale.fill(
            "progress.few_values",
            &[("count", &p.values.to_string()), ("from", &p.window.0.to_string()), ("to", &p.window.1.to_string())],
        )),
        (Status::Met, _, Some(observed), _) => Some(locale.fill(
            "progress.met_rates",
            &[
                ("target", &target_value),
                ("year", &target.year.to_string()),
                ("observed", &rate(observed)),
                ("from", &p.window.0.to_string()),
                ("to", &p.window.1.to_string()),
            ],
        )),
        (Status::Met, ..) => {
            Some(locale.fill("progress.met_target", &[("target", &target_value), ("year", &target.year.to_string())]))
        }
        (_, _, Some(observed), Some(required)) => Some(locale.fill(
            "progress.rates",
            &[
                ("required", &rate(required)),
                ("target", &target_value),
                ("year", &target.year.to_string()),
                ("observed", &rate(observed)),
                ("from", &p.window.0.to_string()),
                ("to", &p.window.1.to_string()),
            ],
        )),
        // The target's year has passed without it being met.
        _ => Some(locale.fill("progress.passed", &[("target", &target_value), ("year", &target.year.to_string())])),
    };
    Some(Pace { status: p.status, text: locale.t(p.status.key()).to_string(), detail })
}

fn target_met(indicator: &Indicator, latest: &Observation) -> Option<bool> {
    let target = indicator.reference.as_ref()?.value;
    if latest.qualifier.is_some() {
        return None;
    }
    match indicator.better? {
        Better::Lower => Some(latest.value <= target),
        Better::Higher => Some(latest.value >= target),
    }
}

/// One sentence that says what the headline figures show, from the first tile with a change
/// (the first with a target too, when there is one): "Under-five mortality fell from 17.2 in
/// 2014 to 12.9 per 1,000 live births in 2024, within the SDG 3.2 target for 2030 of 25
/// (World Bank)."
pub fn lead_sentence(tiles: &[Tile], locale: &Locale) -> Option<String> {
    let tile = tiles
        .iter()
        .find(|t| t.change.is_some() && t.target_met.is_some())
        .or_else(|| tiles.iter().find(|t| t.change.is_some()))?;
    let change = tile.change.as_ref()?;
    let key = match change.direction {
        Direction::Up => "story.rose",
        Direction::Down => "story.fell",
        Direction::Flat => "story.flat",
    };
    let (from_year, earlier) = &change.earlier;
    let mut sentence = locale.fill(
        key,
        &[
            ("name", &tile.name),
            ("earlier", earlier),
            ("from", &from_year.to_string()),
            ("value", &tile.value),
            ("unit", &tile.unit),
            ("year", &tile.year.to_string()),
        ],
    );
    if let (Some(met), Some((label, value))) = (tile.target_met, &tile.target) {
        let key = if met { "story.met" } else { "story.not_met" };
        sentence.push_str(&locale.fill(key, &[("target", label), ("target_value", value)]));
    }
    Some(locale.fill("story.sentence", &[("sentence", &sentence), ("source", &tile.source_short)]))
}

fn parent_value(
    data: &Data,
    place: &Place,
    series: &Series,
    year: i32,
    indicator: &Indicator,
    locale: &Locale,
) -> Option<String> {
    let parent = data.places.get(place.parent.as_deref()?)?;
    let obs = parent.series_of(&indicator.id).find(|s| s.source == series.source)?.at(year)?;
    Some(locale.fill("change.parent", &[("place", &parent.name), ("value", &value_text(locale, indicator, obs))]))
}

/// The change since the value closest to ten years before the latest, in the same series:
/// two sources' values are never compared, since their methods differ.
fn change(series: &Series, indicator: &Indicator, locale: &Locale) -> Option<Change> {
    let latest = series.latest()?;
    let earlier = series
        .points
        .iter()
        .filter(|p| CHANGE_WINDOW.contains(&(latest.year - p.year)))
        .min_by_key(|p| ((latest.year - p.year - CHANGE_SPAN).abs(), std::cmp::Reverse(latest.year - p.year)))?;
    // Qualified values ("up to 500") have no exact difference.
    if latest.qualifier.is_some() || earlier.qualifier.is_some() {
        return None;
    }
    let delta = latest.value - earlier.value;
    // A rate or count moves by a share of itself ("down 25%"); a percentage by points, since
    // a percent of a percent misleads.
    let (shown, key_suffix) = match indicator.measure {
        Measure::Rate | Measure::Count if earlier.value > 0.0 => {
            (format!("{}%", locale.number((delta / earlier.value * 100.0).abs(), 0)), "")
        }
        Measure::Percent => (locale.number(delta.abs(), indicator.decimals), "_points"),
        _ => (locale.number(delta.abs(), indicator.decimals), ""),
    };
    let moved = shown.bytes().any(|b| (b'1'..=b'9').contains(&b)) && !shown.starts_with('<');
    let direction = match (moved, delta > 0.0) {
        (false, _) => Direction::Flat,
        (true, true) => Direction::Up,
        (true, false) => Direction::Down,
    };
    let earlier_text = value_text(locale, indicator, earlier);
    let year = earlier.year.to_string();
    let key = match direction {
        Direction::Up => format!("change.up{key_suffix}"),
        Direction::Down => format!("change.down{key_suffix}"),
        Direction::Flat => "change.flat".to_string(),
    };
    let text = locale.fill(&key, &[("delta", &shown), ("year", &year)]);
    let from = locale.fill("change.from", &[("earlier", &earlier_text)]);
    let judgement = match (direction, indicator.better) {
        (Direction::Flat, _) | (_, None) => None,
        (Direction::Down, Some(Better::Lower)) | (Direction::Up, Some(Better::Higher)) => Some(Judgement::Better),
        _ => Some(Judgement::Worse),
    };
    let judgement_text = judgement.map(|j| {
        locale
            .t(match j {
                Judgement::Better => "change.better",
                Judgement::Worse => "change.worse",
            })
            .to_string()
    });
    Some(Change { text, from, direction, judgement, judgement_text, earlier: (earlier.year, earlier_text) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Observation;

    fn series(points: &[(i32, f64)]) -> Series {
        Series {
            indicator: "u5".into(),
            source: "wb".into(),
            group: None,
            note: None,
            conversion: None,
            note_translations: Vec::new(),
            points: points.iter().map(|(year, value)| Observation::new(*year, *value)).collect(),
        }
    }

    fn indicator(better: Option<Better>) -> Indicator {
        let mut i = crate::data::parse_catalogue(
            "[u5]\nname = \"Under-five mortality\"\nunit = \"per 1,000 live births\"\ncategory = \"mortality\"\nmeasure = \"rate\"\ndecimals = 1\n",
            &mut crate::diagnostic::Diagnostics::default(),
        )
        .unwrap()
        .remove(0);
        i.better = better;
        i
    }

    #[test]
    fn the_change_is_against_the_value_closest_to_ten_years_before_in_the_same_series() {
        let en = Locale::default();
        let s = series(&[(2010, 30.0), (2013, 22.5), (2014, 19.9), (2015, 18.0), (2024, 12.9)]);
        let c = change(&s, &indicator(Some(Better::Lower)), &en).unwrap();
        // A rate moves by a share of itself: 12.9 is 35% below 19.9.
        assert_eq!((c.text.as_str(), c.from.as_str()), ("Down 35% since 2014", "was 19.9"));
        assert_eq!((c.direction, c.judgement), (Direction::Down, Some(Judgement::Better)));
        let c = change(&s, &indicator(Some(Better::Higher)), &en).unwrap();
        assert_eq!(c.judgement, Some(Judgement::Worse));
        assert_eq!(change(&s, &indicator(None), &en).unwrap().judgement, None);
    }

    #[test]
    fn no_change_is_shown_without_a_value_six_to_fourteen_years_before() {
        let en = Locale::default();
        let i = indicator(Some(Better::Lower));
        assert!(change(&series(&[(2020, 10.0), (2024, 9.0)]), &i, &en).is_none());
        assert!(change(&series(&[(2000, 10.0), (2024, 9.0)]), &i, &en).is_none());
        assert!(change(&series(&[(2024, 9.0)]), &i, &en).is_none());
        let flat = change(&series(&[(2014, 9.03), (2024, 9.0)]), &i, &en).unwrap();
        assert_eq!((flat.direction, flat.judgement), (Direction::Flat, None));
        assert_eq!(flat.text, "About the same as in 2014");
    }

    #[test]
    fn a_percentage_moves_by_points() {
        let mut i = indicator(Some(Better::Lower));
        i.measure = Measure::Percent;
        let c = change(&series(&[(2015, 24.2), (2025, 15.4)]), &i, &Locale::default()).unwrap();
        assert_eq!(c.text, "Down 8.8 points since 2015");
    }

    #[test]
    fn the_lead_sentence_says_the_change_and_whether_the_target_is_met() {
        let en = Locale::default();
        let mut i = indicator(Some(Better::Lower));
        i.reference = Some(crate::data::Reference {
            value: 25.0,
            label: "SDG 3.2 target for 2030".into(),
            short: None,
            year: Some(2030),
        });
        let place = Place {
            slug: "p".into(),
            name: "P".into(),
            iso3: None,
            kind: crate::data::PlaceKind::Country,
            world_region: None,
            parent: None,
            file: "p.toml".into(),
            series: vec![series(&[(2014, 19.9), (2024, 12.9)])],
            source: 0,
            names: Default::default(),
        };
        let data = Data::new(vec![i], Default::default(), Default::default(), Default::default());
        let options = TileOptions { stale_after_years: 10, edition_year: 2024, few_observations: 50 };
        let tiles = tiles(&data, &place, &en, &options);
        assert_eq!(tiles[0].target_met, Some(true));
        assert_eq!(
            lead_sentence(&tiles, &en).unwrap(),
            "Under-five mortality fell from 19.9 in 2014 to 12.9 per 1,000 live births in 2024, within the SDG 3.2 target for 2030 of 25 (wb)."
        );
    }
}
