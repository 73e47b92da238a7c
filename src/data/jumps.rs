//! Sudden jumps in a series: a value more than three times, or less than a third of, its
//! neighbours. `salud check` warns about them and the pages mark them; the values themselves
//! are never changed, since the source may be right.

use super::Series;

/// How far a value may be from its neighbours, as a ratio, before it counts as a jump.
const JUMP: f64 = 3.0;

impl Series {
    /// For each observation, whether it jumps. Zeros count as missing: they are flagged on
    /// their own, as "not reported".
    pub fn jumps(&self) -> Vec<bool> {
        let values: Vec<Option<f64>> = self.points.iter().map(|p| (p.value > 0.0).then_some(p.value)).collect();
        (0..values.len()).map(|i| jump_at(&values, i)).collect()
    }
}

fn far(a: f64, b: f64) -> bool {
    a / b > JUMP || a / b < 1.0 / JUMP
}

/// A value far (in the same direction) from both its neighbours.
fn spike(values: &[Option<f64>], i: usize) -> bool {
    let (Some(Some(v)), Some(Some(before)), Some(Some(after))) =
        (values.get(i), i.checked_sub(1).and_then(|j| values.get(j)), values.get(i + 1))
    else {
        return false;
    };
    far(*v, *before) && far(*v, *after) && (v > before) == (v > after)
}

/// Whether the value at `i` jumps: a spike between two neighbours, or, with only one
/// neighbour, far from it when that neighbour is not itself the spike.
fn jump_at(values: &[Option<f64>], i: usize) -> bool {
    let Some(Some(v)) = values.get(i) else { return false };
    let before = i.checked_sub(1).and_then(|j| values.get(j).copied().flatten()).map(|x| (i - 1, x));
    let after = values.get(i + 1).copied().flatten().map(|x| (i + 1, x));
    match (before, after) {
        (Some(_), Some(_)) => spike(values, i),
        (Some((j, n)), None) | (None, Some((j, n))) => far(*v, n) && !spike(values, j),
        (None, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spike_is_flagged_and_its_neighbours_are_not() {
        let v = |xs: &[f64]| xs.iter().map(|x| (*x > 0.0).then_some(*x)).collect::<Vec<_>>();
        let series = v(&[0.0, 12.5, 125.0, 13.0]);
        let flagged: Vec<usize> = (0..series.len()).filter(|i| jump_at(&series, *i)).collect();
        assert_eq!(flagged, [2]);
        // A step at the end (a unit change) is flagged; a steady series is not.
        let step = v(&[10.0, 11.0, 12.0, 120.0]);
        assert_eq!((0..4).filter(|i| jump_at(&step, *i)).collect::<Vec<_>>(), [3]);
        let steady = v(&[10.0, 20.0, 35.0, 60.0]);
        assert!((0..4).all(|i| !jump_at(&steady, i)));
    }
}
