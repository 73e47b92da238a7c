//! Where a chart's labels go. Each label lists the positions it may take, best first; it takes
//! the first one inside the plot that covers no label placed before it and no marker, and
//! among those it prefers one that crosses no line. A label with no such position is left out
//! (its value stays in the chart's data table).

/// A box in the chart's pixels, `x0..x1` by `y0..y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Rect {
    pub fn new(x0: i32, y0: i32, x1: i32, y1: i32) -> Rect {
        Rect { x0, y0, x1, y1 }
    }

    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    pub fn within(&self, outer: &Rect) -> bool {
        self.x0 >= outer.x0 && self.y0 >= outer.y0 && self.x1 <= outer.x1 && self.y1 <= outer.y1
    }

    /// Whether the segment from `a` to `b` passes through the box (Liang-Barsky clipping).
    pub fn crosses(&self, a: (i32, i32), b: (i32, i32)) -> bool {
        let (x, y) = (a.0 as f64, a.1 as f64);
        let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        let sides =
            [(-dx, x - self.x0 as f64), (dx, self.x1 as f64 - x), (-dy, y - self.y0 as f64), (dy, self.y1 as f64 - y)];
        for (p, q) in sides {
            if p == 0.0 {
                if q <= 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
                if t0 > t1 {
                    return false;
                }
            }
        }
        true
    }
}

/// A straight piece of a line, from one point to the next.
pub type Segment = ((i32, i32), (i32, i32));

/// The labels placed so far, the markers and the lines of one chart.
pub struct Placer {
    bounds: Rect,
    taken: Vec<Rect>,
    segments: Vec<Segment>,
    rules: Vec<Segment>,
}

impl Placer {
    /// Labels must stay inside `bounds`.
    pub fn new(bounds: Rect) -> Placer {
        Placer { bounds, taken: Vec::new(), segments: Vec::new(), rules: Vec::new() }
    }

    /// Something no label may cover: a marker, a label drawn elsewhere.
    pub fn block(&mut self, r: Rect) {
        self.taken.push(r);
    }

    /// A line labels should rather not cross.
    pub fn avoid_line(&mut self, points: &[(i32, i32)]) {
        self.segments.extend(points.windows(2).map(|w| (w[0], w[1])));
    }

    fn free(&self, r: &Rect) -> bool {
        r.within(&self.bounds) && !self.taken.iter().any(|t| t.overlaps(r))
    }

    /// The index of the candidate taken (and now blocked), or None when none fits.
    pub fn place(&mut self, candidates: &[Rect]) -> Option<usize> {
        self.place_on(candidates, None)
    }

    /// [`Placer::place`] for a label that may sit on its own line (`own`, a segment given to
    /// [`Placer::avoid_line`] or [`Placer::rule`]), interrupting it.
    pub fn place_on(&mut self, candidates: &[Rect], own: Option<Segment>) -> Option<usize> {
        self.take(candidates, own, false)
    }

    /// [`Placer::place_on`], but never a candidate across a rule other than `own`: a label
    /// across another target's line reads as that line's. Crossing a data line is the lesser
    /// harm, taken when nothing else is free.
    pub fn place_off_rules(&mut self, candidates: &[Rect], own: Option<Segment>) -> Option<usize> {
        self.take(candidates, own, true)
    }

    /// The first free candidate that crosses no line but `own`, else the first free one (off
    /// the rules but `own`, if `off_rules`), now taken.
    fn take(&mut self, candidates: &[Rect], own: Option<Segment>, off_rules: bool) -> Option<usize> {
        let crosses = |lines: &[Segment], r: &Rect| lines.iter().any(|s| Some(*s) != own && r.crosses(s.0, s.1));
        let best = candidates.iter().position(|r| self.free(r) && !crosses(&self.segments, r));
        let fallback = |r: &Rect| self.free(r) && !(off_rules && crosses(&self.rules, r));
        let chosen = best.or_else(|| candidates.iter().position(fallback))?;
        self.taken.push(candidates[chosen]);
        Some(chosen)
    }

    /// A line across the plot that is labelled (a target): labels should not cross it, and
    /// [`Placer::place_off_rules`] never does.
    pub fn rule(&mut self, segment: Segment) {
        self.segments.push(segment);
        self.rules.push(segment);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_takes_the_first_free_place_and_prefers_one_off_the_lines() {
        let mut p = Placer::new(Rect::new(0, 0, 100, 100));
        p.block(Rect::new(0, 0, 50, 20));
        p.avoid_line(&[(0, 50), (100, 50)]);
        let candidates = [
            Rect::new(10, 10, 40, 25),  // on the block
            Rect::new(10, 45, 40, 55),  // on the line
            Rect::new(10, 60, 40, 70),  // free
            Rect::new(90, 90, 120, 99), // outside
        ];
        assert_eq!(p.place(&candidates), Some(2));
        // The place is now taken; the line is crossed only when nothing else is left.
        assert_eq!(p.place(&candidates), Some(1));
        assert_eq!(p.place(&candidates), None);
    }

    #[test]
    fn segments_cross_boxes_they_pass_through() {
        let r = Rect::new(10, 10, 20, 20);
        assert!(r.crosses((0, 15), (30, 15)));
        assert!(r.crosses((0, 0), (30, 30)));
        assert!(!r.crosses((0, 0), (30, 5)));
        assert!(!r.crosses((25, 0), (25, 30)));
        assert!(r.crosses((12, 12), (13, 13)));
    }
}
