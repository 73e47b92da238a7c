//! The classes a choropleth colours its shapes by.
//!
//! The rule: one class per 8 places with a value, at least 5 and at most 7 (so a map of 25
//! regions has 5 and a world map 7), and never more than there are distinct values. The
//! breaks between classes are the values' quantiles, so that each class holds about as many
//! places, each rounded to the coarsest round step (1, 2 or 5 times a power of ten, and never
//! finer than the indicator's decimals) that moves it by at most a quarter of the way to the
//! quantiles beside it: 6.74 becomes 6, 15.14 becomes 15, 0.83 becomes 0.8. A break that
//! would leave the class below it empty (many equal values) moves up to the next value; one
//! that then equals the break before it is dropped, so a map may have fewer classes than the
//! rule asks for, never an empty one.

/// Classes of values: below the first break, between two breaks, from the last one up.
#[derive(Debug, Clone, PartialEq)]
pub struct Classes {
    /// Ascending; a value equal to a break belongs to the class above it.
    pub breaks: Vec<f64>,
}

impl Classes {
    /// The classes of `values` shown with at most `decimals` decimals.
    pub fn new(values: &[f64], decimals: usize) -> Classes {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let mut distinct = sorted.clone();
        distinct.dedup();
        let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
            return Classes { breaks: Vec::new() };
        };
        let wanted = (sorted.len() / 8).clamp(5, 7).min(distinct.len());
        let finest = 10f64.powi(-(decimals.min(12) as i32));
        let mut quantiles = vec![min];
        quantiles.extend((1..wanted).map(|i| quantile(&sorted, i as f64 / wanted as f64)));
        quantiles.push(max);
        let mut breaks: Vec<f64> = Vec::new();
        for w in quantiles.windows(3) {
            let room = (w[1] - w[0]).min(w[2] - w[1]) / 2.0;
            let mut b = round_to(w[1], step(room, finest));
            let below = breaks.last().copied().unwrap_or(f64::MIN);
            if !sorted.iter().any(|v| *v >= below && *v < b) {
                // Nothing below: the next value up, as the decimals show it.
                let Some(next) = distinct.iter().find(|v| **v > b.max(below)) else { continue };
                b = round_to((next / finest).floor() * finest, finest);
                if !sorted.iter().any(|v| *v >= below && *v < b) {
                    continue;
                }
            }
            if b > below && max >= b {
                breaks.push(b);
            }
        }
        Classes { breaks }
    }

    pub fn count(&self) -> usize {
        self.breaks.len() + 1
    }

    /// The class of `value`, from 0 (the lowest).
    pub fn of(&self, value: f64) -> usize {
        self.breaks.partition_point(|b| *b <= value)
    }

    /// The colour of class `class` on `ramp` (light to dark): classes spread over the whole
    /// ramp, so the highest class always takes its darkest colour.
    pub fn colour<'a>(&self, class: usize, ramp: &'a [String]) -> &'a str {
        let n = ramp.len().max(1);
        let k = self.count();
        let at = if k == 1 { n / 2 } else { (class * (n - 1) + (k - 1) / 2) / (k - 1) };
        ramp.get(at.min(n - 1)).map_or("#808080", String::as_str)
    }
}

/// The `q` quantile of sorted values, interpolated between neighbours.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let at = q * (sorted.len() - 1) as f64;
    let (i, frac) = (at.floor() as usize, at.fract());
    match sorted.get(i + 1) {
        Some(next) => sorted[i] + (next - sorted[i]) * frac,
        None => sorted[i],
    }
}

/// The largest of 1, 2 and 5 times a power of ten that is at most `room`, and at least `finest`.
fn step(room: f64, finest: f64) -> f64 {
    if room.is_nan() || room <= finest {
        return finest;
    }
    let power = 10f64.powf(room.log10().floor());
    [5.0, 2.0, 1.0].into_iter().map(|m| m * power).find(|s| *s <= room).unwrap_or(power).max(finest)
}

/// `v` rounded to a multiple of `step`, then to nine decimals so that it prints as the short
/// number it is (0.8, not 0.8000000000000002).
fn round_to(v: f64, step: f64) -> f64 {
    ((v / step).round() * step * 1e9).round() / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_five_regions_get_five_classes_at_nice_breaks() {
        // Peru's stunting by department, 2025 (ENDES), in alphabetical order.
        let values = [
            17.7, 15.1, 17.0, 6.3, 14.9, 17.4, 6.5, 11.6, 20.3, 15.4, 7.6, 14.9, 16.9, 14.3, 5.6, 20.8, 6.8, 2.1, 15.7,
            15.2, 8.5, 11.1, 2.0, 9.6, 18.1,
        ];
        let classes = Classes::new(&values, 1);
        assert_eq!(classes.breaks, vec![6.0, 11.0, 15.0, 17.0]);
        assert_eq!(classes.count(), 5);
        assert_eq!(classes.of(2.0), 0);
        assert_eq!(classes.of(15.0), 3, "a value on a break goes above it");
        assert_eq!(classes.of(20.8), 4);
        let mut sizes = [0; 5];
        for v in values {
            sizes[classes.of(v)] += 1;
        }
        assert_eq!(sizes, [3, 6, 5, 5, 6]);
    }

    #[test]
    fn a_world_of_values_gets_seven_classes_and_skewed_data_keep_them() {
        // Physicians per 10,000: most countries low, a few very high.
        let values: Vec<f64> = (0..190).map(|i| 0.3 * 1.035f64.powi(i)).collect();
        let classes = Classes::new(&values, 1);
        assert_eq!(classes.breaks, vec![0.8, 2.0, 5.0, 12.0, 30.0, 80.0]);
    }

    #[test]
    fn few_distinct_values_give_few_classes_and_none_is_empty() {
        assert_eq!(Classes::new(&[4.0, 4.0, 4.0], 1).count(), 1);
        assert_eq!(Classes::new(&[1.0, 9.0], 0).breaks, vec![6.0]);
        assert_eq!(Classes::new(&[], 1).count(), 1);
        let lumpy = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 30.0];
        let classes = Classes::new(&lumpy, 0);
        assert_eq!(classes.breaks, vec![2.0, 30.0], "the tie at 1 is a class of its own");
        for k in 0..classes.count() {
            assert!(lumpy.iter().any(|v| classes.of(*v) == k), "class {k} of {:?} is empty", classes.breaks);
        }
    }

    #[test]
    fn breaks_are_never_finer_than_the_decimals_shown() {
        // With one decimal, 0.01 to 0.08 all read "<0.1": one class.
        assert_eq!(Classes::new(&[0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08], 1).count(), 1);
        let classes = Classes::new(&[0.12, 0.13, 0.31, 0.35, 0.48, 0.52, 0.66, 0.71, 0.77, 0.93], 1);
        assert!(classes.breaks.iter().all(|b| ((b * 10.0).round() - b * 10.0).abs() < 1e-9), "{:?}", classes.breaks);
    }

    #[test]
    fn colours_spread_over_the_ramp() {
        let ramp: Vec<String> = (0..8).map(|i| format!("#00000{i}")).collect();
        let five = Classes { breaks: vec![1.0, 2.0, 3.0, 4.0] };
        let picked: Vec<&str> = (0..5).map(|k| five.colour(k, &ramp)).collect();
        assert_eq!(picked, ["#000000", "#000002", "#000004", "#000005", "#000007"]);
        assert_eq!(Classes { breaks: vec![] }.colour(0, &ramp), "#000004");
    }
}
