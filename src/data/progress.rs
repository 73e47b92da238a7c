//! Progress toward a target: is a place moving fast enough to reach it by its year?
//!
//! The method is UNICEF's and Countdown to 2030's average annual rate of reduction (AARR):
//! a straight line is fitted by least squares to the logarithm of the values of the last ten
//! years with data (from ten years before the latest value to the latest), and its slope `b`
//! gives the observed annual rate of change, `100 × (e^b − 1)` percent a year (the AARR is the
//! same number with the opposite sign). The rate needed to reach the target by its year from
//! the latest value is `100 × ((target / latest)^(1 / (target year − latest year)) − 1)`. A
//! place is on track when the observed rate is at least as fast, in the better direction, as
//! the rate needed.
//!
//! One source's series is measured at a time, as the tiles measure change: two sources'
//! methods differ, and mixing them would make a trend of the difference.

use super::{Better, Indicator, Observation, Place, Series, Source, SourceId, Target};

/// How many years before the latest value the fit reaches back.
pub const WINDOW_YEARS: i32 = 10;
/// The fewest values a rate is fitted on: two points always make a line, and say nothing of
/// its noise.
pub const MIN_VALUES: usize = 3;

/// From the site: how old the latest value may be, counted from the edition's year.
#[derive(Debug, Clone, Copy)]
pub struct ProgressOptions {
    pub stale_after_years: i32,
    pub edition_year: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The latest value already reaches the target.
    Met,
    /// At the observed rate, the target is reached by its year.
    OnTrack,
    /// At the observed rate, it is not (or the target's year has passed).
    OffTrack,
    /// Too few recent values to tell (see [`DataGap`]).
    NotEnoughData,
}

impl Status {
    /// Its name's key in the theme's strings (`progress.on_track`).
    pub fn key(self) -> &'static str {
        match self {
            Status::Met => "progress.met",
            Status::OnTrack => "progress.on_track",
            Status::OffTrack => "progress.off_track",
            Status::NotEnoughData => "progress.not_enough_data",
        }
    }
}

/// Why there is not enough recent data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataGap {
    /// The latest value is older than `stale_after_years`.
    Old,
    /// Fewer than [`MIN_VALUES`] values in the window.
    FewValues,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub target: Target,
    pub status: Status,
    /// Set when the status is [`Status::NotEnoughData`].
    pub gap: Option<DataGap>,
    /// The latest value measured against the target: (year, value).
    pub latest: (i32, f64),
    /// The first and last years of the values the rate was fitted on ("at 2014-2024 pace").
    pub window: (i32, i32),
    /// How many values the rate was fitted on.
    pub values: usize,
    /// The observed rate of change, in percent a year (negative: falling); None with fewer
    /// than [`MIN_VALUES`] values.
    pub observed_rate: Option<f64>,
    /// The rate of change needed to reach the target by its year from the latest value, in
    /// percent a year; None when the target is met or its year is not after the latest value's.
    pub required_rate: Option<f64>,
    /// The values at the observed rate from the latest year (the latest value itself) to the
    /// target's year, for a dotted line that is never part of the data; empty without a rate
    /// or when the target's year is not after the latest value's.
    pub projection: Vec<(i32, f64)>,
}

/// Progress of the place's total series that gives its latest value (as the tiles choose),
/// toward the indicator's target; None without a target (or a direction) or without values.
pub fn for_place<'a>(
    place: &'a Place,
    indicator: &Indicator,
    sources: &std::collections::BTreeMap<SourceId, Source>,
    options: &ProgressOptions,
) -> Option<(&'a Series, Progress)> {
    let target = indicator.target()?;
    let (series, _) = place.latest(&indicator.id, sources)?;
    Some((series, of_series(series, &target, options)?))
}

/// Progress of one series toward `target`; None when it has no value to measure.
pub fn of_series(series: &Series, target: &Target, options: &ProgressOptions) -> Option<Progress> {
    // A bound ("up to 500") has no exact rate; "about" is a value as good as the source's.
    let usable: Vec<(i32, f64)> = series.points.iter().filter(|o| !is_bound(o)).map(|o| (o.year, o.value)).collect();
    let &(latest_year, latest) = usable.last()?;
    let fitted: Vec<(i32, f64)> =
        usable.iter().copied().filter(|(year, value)| latest_year - year <= WINDOW_YEARS && *value > 0.0).collect();
    let window = (fitted.first().map_or(latest_year, |p| p.0), latest_year);
    let observed_rate = (fitted.len() >= MIN_VALUES).then(|| annual_rate(&fitted)).flatten();
    let met = match target.better {
        Better::Lower => latest <= target.value,
        Better::Higher => latest >= target.value,
    };
    let years_left = target.year - latest_year;
    let required_rate = (!met && years_left > 0 && latest > 0.0 && target.value > 0.0)
        .then(|| 100.0 * ((target.value / latest).powf(1.0 / f64::from(years_left)) - 1.0));
    let (status, gap) = if options.edition_year - latest_year > options.stale_after_years {
        (Status::NotEnoughData, Some(DataGap::Old))
    } else if met {
        (Status::Met, None)
    } else {
        match (observed_rate, required_rate) {
            (None, _) => (Status::NotEnoughData, Some(DataGap::FewValues)),
            (Some(observed), Some(required)) if fast_enough(target.better, observed, required) => {
                (Status::OnTrack, None)
            }
            (Some(_), _) => (Status::OffTrack, None),
        }
    };
    let projection = match observed_rate {
        Some(rate) if years_left > 0 => (latest_year..=target.year)
            .map(|year| (year, latest * (1.0 + rate / 100.0).powi(year - latest_year)))
            .collect(),
        _ => Vec::new(),
    };
    Some(Progress {
        target: *target,
        status,
        gap,
        latest: (latest_year, latest),
        window,
        values: fitted.len(),
        observed_rate,
        required_rate,
        projection,
    })
}

fn is_bound(o: &Observation) -> bool {
    o.qualifier.as_deref().is_some_and(|q| q != "about")
}

fn fast_enough(better: Better, observed: f64, required: f64) -> bool {
    match better {
        Better::Lower => observed <= required,
        Better::Higher => observed >= required,
    }
}

/// The annual rate of change, in percent, of the exponential curve fitted by least squares to
/// the logarithm of the (positive) values; None for fewer than two distinct years.
pub fn annual_rate(points: &[(i32, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    let mean_year = points.iter().map(|p| f64::from(p.0)).sum::<f64>() / n;
    let mean_log = points.iter().map(|p| p.1.ln()).sum::<f64>() / n;
    let spread: f64 = points.iter().map(|p| (f64::from(p.0) - mean_year).powi(2)).sum();
    if spread == 0.0 {
        return None;
    }
    let slope = points.iter().map(|p| (f64::from(p.0) - mean_year) * (p.1.ln() - mean_log)).sum::<f64>() / spread;
    Some(100.0 * slope.exp_m1())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(points: &[(i32, f64)]) -> Series {
        Series {
            indicator: "x".into(),
            source: "s".into(),
            group: None,
            note: None,
            conversion: None,
            note_translations: Vec::new(),
            points: points.iter().map(|&(year, value)| Observation::new(year, value)).collect(),
        }
    }

    const OPTIONS: ProgressOptions = ProgressOptions { stale_after_years: 10, edition_year: 2025 };

    fn lower(value: f64) -> Target {
        Target { value, year: 2030, better: Better::Lower }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_target_already_met_is_met_whatever_the_pace() {
        let p = of_series(&series(&[(2014, 15.0), (2019, 13.0), (2024, 10.0)]), &lower(12.0), &OPTIONS).unwrap();
        assert_eq!((p.status, p.gap, p.latest), (Status::Met, None, (2024, 10.0)));
        assert_eq!(p.required_rate, None);
        // The pace is still measured: ln 15, ln 13, ln 10 over 2014, 2019, 2024 fall by
        // (ln 10 - ln 15) / 10 a year, as the middle point sits on the mean.
        let slope = ((10f64).ln() - (15f64).ln()) / 10.0;
        assert!(close(p.observed_rate.unwrap(), 100.0 * (slope.exp() - 1.0)), "{p:?}");
        // Reached exactly is reached.
        let p = of_series(&series(&[(2022, 14.0), (2023, 13.0), (2024, 12.0)]), &lower(12.0), &OPTIONS).unwrap();
        assert_eq!(p.status, Status::Met);
    }

    #[test]
    fn a_higher_is_better_indicator_is_on_track_when_it_rises_fast_enough() {
        // Coverage rising exactly 5% a year from 50 in 2020: 57.88125 in 2023.
        let points = [(2020, 50.0), (2021, 52.5), (2022, 55.125), (2023, 57.88125)];
        let target = Target { value: 80.0, year: 2030, better: Better::Higher };
        let p = of_series(&series(&points), &target, &OPTIONS).unwrap();
        assert!(close(p.observed_rate.unwrap(), 5.0), "{p:?}");
        // (80 / 57.88125)^(1/7) - 1 = 4.7320...%: less than the 5% done.
        let required = 100.0 * ((80.0f64 / 57.88125).powf(1.0 / 7.0) - 1.0);
        assert!(close(p.required_rate.unwrap(), required) && (4.73..4.74).contains(&required), "{required}");
        assert_eq!(p.status, Status::OnTrack);
        assert_eq!((p.window, p.values), ((2020, 2023), 4));
        // The projection starts at the latest value and reaches 57.88125 x 1.05^7 in 2030.
        assert_eq!(p.projection.len(), 8);
        assert_eq!(p.projection[0], (2023, 57.88125));
        assert!(close(p.projection[7].1, 57.88125 * 1.05f64.powi(7)) && p.projection[7].1 > 80.0);
        // Slower than needed: off track.
        let slow = [(2020, 50.0), (2021, 51.0), (2022, 52.02), (2023, 53.0604)];
        assert_eq!(of_series(&series(&slow), &target, &OPTIONS).unwrap().status, Status::OffTrack);
    }

    #[test]
    fn a_series_with_gaps_is_fitted_on_the_years_it_has_within_ten_years_of_the_latest() {
        // 3% less a year from 40 in 2012, given in 2012, 2015, 2016, 2020 and 2024 only.
        let value = |year: i32| 40.0 * 0.97f64.powi(year - 2012);
        let points: Vec<(i32, f64)> = [2012, 2015, 2016, 2020, 2024].iter().map(|&y| (y, value(y))).collect();
        let p = of_series(&series(&points), &lower(20.0), &OPTIONS).unwrap();
        assert_eq!((p.window, p.values), ((2015, 2024), 4), "2012 is more than ten years before 2024");
        assert!(close(p.observed_rate.unwrap(), -3.0), "{p:?}");
        // 40 x 0.97^12 = 27.75 in 2024 needs (20 / 27.75)^(1/6) - 1 = -5.31% a year to reach 20 by 2030.
        let required = p.required_rate.unwrap();
        assert!(close(required, 100.0 * ((20.0 / value(2024)).powf(1.0 / 6.0) - 1.0)), "{required}");
        assert!((-5.32..-5.30).contains(&required), "{required}");
        assert_eq!(p.status, Status::OffTrack, "-3% a year is slower than the -5.31% needed");
    }

    #[test]
    fn a_rising_series_of_a_lower_is_better_indicator_is_off_track() {
        let p = of_series(&series(&[(2022, 10.0), (2023, 11.0), (2024, 12.1)]), &lower(8.0), &OPTIONS).unwrap();
        assert!(close(p.observed_rate.unwrap(), 10.0), "{p:?}");
        assert!(p.required_rate.unwrap() < 0.0);
        assert_eq!(p.status, Status::OffTrack);
        assert!(p.projection.last().unwrap().1 > 12.1, "the projection keeps rising");
    }

    #[test]
    fn too_few_or_too_old_values_are_not_enough_data() {
        let two = of_series(&series(&[(2023, 20.0), (2024, 19.0)]), &lower(12.0), &OPTIONS).unwrap();
        assert_eq!((two.status, two.gap), (Status::NotEnoughData, Some(DataGap::FewValues)));
        assert_eq!((two.observed_rate, two.projection.len()), (None, 0));
        // Three values, but one is more than ten years before the latest.
        let spread = of_series(&series(&[(2010, 30.0), (2020, 20.0), (2024, 19.0)]), &lower(12.0), &OPTIONS).unwrap();
        assert_eq!((spread.status, spread.values), (Status::NotEnoughData, 2));
        // The latest value is more than stale_after_years before the edition.
        let old = of_series(&series(&[(2010, 30.0), (2012, 28.0), (2014, 26.0)]), &lower(12.0), &OPTIONS).unwrap();
        assert_eq!((old.status, old.gap), (Status::NotEnoughData, Some(DataGap::Old)));
        // A bound is no value to fit ("up to 15").
        let mut bound = series(&[(2022, 20.0), (2023, 18.0), (2024, 15.0)]);
        bound.points[2].qualifier = Some("up to".into());
        let p = of_series(&bound, &lower(12.0), &OPTIONS).unwrap();
        assert_eq!((p.latest, p.status), ((2023, 18.0), Status::NotEnoughData));
    }

    #[test]
    fn a_passed_target_year_is_off_track_unless_met() {
        let target = Target { value: 12.0, year: 2015, better: Better::Lower };
        let p = of_series(&series(&[(2022, 20.0), (2023, 18.0), (2024, 16.0)]), &target, &OPTIONS).unwrap();
        assert_eq!((p.status, p.required_rate, p.projection.len()), (Status::OffTrack, None, 0));
    }

    /// Peru's neonatal mortality from the repository's data, the rate computed here a second
    /// way (the closed form of the least-squares slope) from the file's text.
    #[test]
    fn peru_neonatal_mortality_end_to_end() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("data/places/peru.toml")).unwrap();
        let file: toml::Table = toml::from_str(&text).unwrap();
        let wdi = file["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["indicator"].as_str() == Some("neonatal_mortality") && s["source"].as_str() == Some("wdi"))
            .unwrap();
        let mut values: Vec<(i32, f64)> = wdi["values"]
            .as_table()
            .unwrap()
            .iter()
            .map(|(year, v)| (year.parse().unwrap(), v.as_float().or(v.as_integer().map(|i| i as f64)).unwrap()))
            .collect();
        values.sort_by_key(|v| v.0);
        let latest = *values.last().unwrap();
        let window: Vec<(f64, f64)> =
            values.iter().filter(|(y, _)| latest.0 - y <= 10).map(|&(y, v)| (f64::from(y), v.ln())).collect();
        let n = window.len() as f64;
        let (sx, sy) = (window.iter().map(|p| p.0).sum::<f64>(), window.iter().map(|p| p.1).sum::<f64>());
        let sxy = window.iter().map(|p| p.0 * p.1).sum::<f64>();
        let sxx = window.iter().map(|p| p.0 * p.0).sum::<f64>();
        let slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        let observed = 100.0 * (slope.exp() - 1.0);
        let required = 100.0 * ((12.0 / latest.1).powf(1.0 / f64::from(2030 - latest.0)) - 1.0);
        let expected = if latest.1 <= 12.0 {
            Status::Met
        } else if observed <= required {
            Status::OnTrack
        } else {
            Status::OffTrack
        };

        let mut diags = crate::diagnostic::Diagnostics::default();
        let data = super::super::Data::load(root, 10, &mut diags).unwrap();
        let peru = &data.places["peru"];
        let indicator = data.indicator("neonatal_mortality").unwrap();
        let options = ProgressOptions { stale_after_years: 10, edition_year: 2026 };
        let (series, p) = for_place(peru, indicator, &data.sources, &options).unwrap();
        assert_eq!(series.source, "wdi");
        assert_eq!(p.target, Target { value: 12.0, year: 2030, better: Better::Lower });
        assert_eq!((p.latest, p.values, p.window), (latest, window.len(), (latest.0 - 10, latest.0)));
        assert!((p.observed_rate.unwrap() - observed).abs() < 1e-9, "{p:?} {observed}");
        assert_eq!(p.status, expected);
        // Peru's 6.5 per 1,000 in 2024 is below 12: met, falling about 2.5% a year since 2014.
        assert_eq!((latest, expected), ((2024, 6.5), Status::Met));
        assert!((-2.6..-2.4).contains(&observed), "{observed}");
    }
}
