//! Axis ticks that people read easily: steps of 1, 2 or 5 times a power of ten.

/// Ticks from 0 (or below, for negative data) to at least `max`, about `target` of them.
/// Returns the ticks; the last one is the top of the axis.
pub fn value_ticks(min: f64, max: f64, target: usize) -> Vec<f64> {
    let low = min.min(0.0);
    let high = if max > low { max } else { low + 1.0 };
    let step = nice_step((high - low) / target.max(1) as f64);
    let first = (low / step).floor();
    let last = (high / step).ceil();
    (first as i64..=last as i64).map(|i| clean(i as f64 * step)).collect()
}

/// Year ticks inside `first..=last`, on round years, at most about `target` of them.
pub fn year_ticks(first: i32, last: i32, target: usize) -> Vec<i32> {
    if last <= first {
        return vec![first];
    }
    let span = (last - first) as f64;
    let step =
        [1, 2, 5, 10, 20, 25, 50, 100].into_iter().find(|s| span / *s as f64 <= target.max(1) as f64).unwrap_or(100);
    let start = first + (step - first.rem_euclid(step)) % step;
    (start..=last).step_by(step as usize).collect()
}

fn nice_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// Removes floating-point residue such as 0.30000000000000004.
fn clean(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn familiar_cases() {
        assert_eq!(value_ticks(0.0, 87.0, 5), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(value_ticks(3.0, 9.3, 5), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(value_ticks(0.0, 0.0, 5), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(value_ticks(0.0, 0.3, 3), [0.0, 0.1, 0.2, 0.3]);
        assert_eq!(year_ticks(1990, 2024, 6), [1990, 2000, 2010, 2020]);
        assert_eq!(year_ticks(2009, 2025, 6), [2010, 2015, 2020, 2025]);
        assert_eq!(year_ticks(2011, 2011, 6), [2011]);
    }

    /// Deterministic pseudo-random numbers, enough to sweep the input space.
    fn sweep(mut f: impl FnMut(f64, f64)) {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..5000 {
            let scale = 10f64.powi((next() * 12.0) as i32 - 4);
            let a = next() * scale;
            let b = next() * scale;
            f(a.min(b), a.max(b));
        }
    }

    #[test]
    fn value_ticks_always_cover_the_data_with_round_even_steps() {
        sweep(|min, max| {
            let ticks = value_ticks(min, max, 5);
            assert!(ticks.len() >= 2 && ticks.len() <= 12, "{min} {max}: {ticks:?}");
            assert!(ticks[0] <= min.min(0.0) && *ticks.last().unwrap() >= max, "{min} {max}: {ticks:?}");
            let step = ticks[1] - ticks[0];
            let mantissa = step / 10f64.powf(step.log10().floor());
            assert!([1.0, 2.0, 5.0, 10.0].iter().any(|m| (mantissa - m).abs() < 1e-6), "step {step}");
            for w in ticks.windows(2) {
                assert!(((w[1] - w[0]) - step).abs() <= step * 1e-6);
            }
        });
    }

    #[test]
    fn year_ticks_stay_inside_and_are_few() {
        for first in 1950..2030 {
            for len in 0..80 {
                let ticks = year_ticks(first, first + len, 6);
                assert!(!ticks.is_empty());
                assert!(ticks.iter().all(|y| (first..=first + len).contains(y)), "{first} {len} {ticks:?}");
                assert!(ticks.len() <= 7, "{first} {len} {ticks:?}");
            }
        }
    }
}
