//! The plane a map is drawn on: projections from longitude and latitude, the cut of rings that
//! cross the antimeridian, and the path data of the drawn shapes.
//!
//! Written by hand rather than taken from a crate: the two projections are closed formulas of a
//! few lines (no lean crate has Equal Earth: `proj` needs the C library, `proj4rs` lacks it),
//! and cutting at one meridian is clipping against a vertical line, where `geo`'s boolean
//! operations would add a dozen crates to the build for the same result.

use std::fmt::Write as _;

/// A point: longitude and latitude in degrees, or x and y once projected (y down, as in SVG).
pub type Point = (f64, f64);
/// A closed ring; its last point may repeat its first.
pub type Ring = Vec<Point>;
/// An area: its outer rings and its holes, drawn with the even-odd rule, so neither the order
/// nor the winding of the rings matters.
pub type Polygon = Vec<Ring>;

/// Equal Earth (Šavrič, Patterson and Jenny, 2018): equal-area, so a country's share of the
/// coloured ink is its share of the land, with the rounded look of Robinson's world maps. In
/// units of the earth's radius, y down.
pub fn equal_earth((lon, lat): Point) -> Point {
    const A1: f64 = 1.340264;
    const A2: f64 = -0.081106;
    const A3: f64 = 0.000893;
    const A4: f64 = 0.003796;
    let m = 3f64.sqrt() / 2.0;
    let theta = (m * lat.to_radians().sin()).asin();
    let t2 = theta * theta;
    let t6 = t2 * t2 * t2;
    let x = lon.to_radians() * theta.cos() / (m * (A1 + 3.0 * A2 * t2 + t6 * (7.0 * A3 + 9.0 * A4 * t2)));
    let y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
    (x, -y)
}

/// Lambert's azimuthal equal-area projection centred on a country: areas stay true, and near
/// its centre shapes barely change, whatever the country's latitude or size.
#[derive(Debug, Clone, Copy)]
pub struct Azimuthal {
    lon0: f64,
    sin0: f64,
    cos0: f64,
}

impl Azimuthal {
    /// Centred on the middle of the rings' extent. Longitudes are measured on the shorter way
    /// round, so a country across the antimeridian (Fiji) is centred on it, not on Greenwich.
    pub fn centred_on<'a>(rings: impl Iterator<Item = &'a Ring> + Clone) -> Azimuthal {
        let points = || rings.clone().flatten();
        let mut lons: Vec<f64> = points().map(|p| wrap(p.0)).collect();
        lons.sort_by(f64::total_cmp);
        // The middle of the widest stretch of longitude no point lies in is the far side of
        // the country; its centre is opposite.
        let mut lon0 = 0.0;
        if let (Some(first), Some(last)) = (lons.first(), lons.last()) {
            let (mut gap, mut after) = (first + 360.0 - last, *first);
            for w in lons.windows(2) {
                if w[1] - w[0] > gap {
                    (gap, after) = (w[1] - w[0], w[1]);
                }
            }
            lon0 = wrap(after + (360.0 - gap) / 2.0);
        }
        let (lat_min, lat_max) = points().fold((90.0f64, -90.0f64), |(a, b), p| (a.min(p.1), b.max(p.1)));
        let lat0 = if lat_min <= lat_max { (lat_min + lat_max) / 2.0 } else { 0.0 };
        Azimuthal { lon0, sin0: lat0.to_radians().sin(), cos0: lat0.to_radians().cos() }
    }

    /// In units of the earth's radius, y down.
    pub fn project(&self, (lon, lat): Point) -> Point {
        let dl = wrap(lon - self.lon0).to_radians();
        let (sin, cos) = (lat.to_radians().sin(), lat.to_radians().cos());
        let c = 1.0 + self.sin0 * sin + self.cos0 * cos * dl.cos();
        // The antipode has no image; a country never reaches its own antipode.
        let k = if c > 1e-12 { (2.0 / c).sqrt() } else { 0.0 };
        (k * cos * dl.sin(), -k * (self.cos0 * sin - self.sin0 * cos * dl.cos()))
    }
}

/// A longitude in [-180, 180).
fn wrap(lon: f64) -> f64 {
    (lon + 180.0).rem_euclid(360.0) - 180.0
}

/// A polygon cut at the antimeridian into polygons that each lie within [-180, 180]: a ring
/// that crosses it (a step of more than half the globe between two points, as in Fiji and in
/// Russia's Chukotka) would otherwise be drawn as a band across the whole map. A ring around a
/// pole (Antarctica) is closed along the pole first.
pub fn cut_at_antimeridian(polygon: &Polygon) -> Vec<Polygon> {
    let crosses = |r: &Ring| r.windows(2).any(|w| (w[1].0 - w[0].0).abs() > 180.0);
    if !polygon.iter().any(crosses) {
        return vec![polygon.clone()];
    }
    // Each ring made continuous, then one copy per 360° window it reaches, shifted back and
    // clipped to the window.
    let rings: Vec<Ring> = polygon.iter().map(unwrap).collect();
    let windows = |r: &Ring| {
        let (lo, hi) = r.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
        ((lo + 180.0) / 360.0).floor() as i32..=((hi + 180.0) / 360.0).ceil() as i32 - 1
    };
    let (mut first, mut last) = (i32::MAX, i32::MIN);
    for r in &rings {
        let w = windows(r);
        (first, last) = (first.min(*w.start()), last.max(*w.end()));
    }
    let mut out = Vec::new();
    for k in first..=last {
        let shift = f64::from(k) * 360.0;
        let parts: Polygon = rings
            .iter()
            .map(|r| {
                let moved: Ring = r.iter().map(|p| (p.0 - shift, p.1)).collect();
                clip(&clip(&moved, 180.0, true), -180.0, false)
            })
            .filter(|r| r.len() >= 3)
            .collect();
        if !parts.is_empty() {
            out.push(parts);
        }
    }
    out
}

/// The ring with longitudes made continuous (no step over 180°); a ring around a pole, which
/// then ends a full turn from where it started, is closed by a detour along the pole.
fn unwrap(ring: &Ring) -> Ring {
    let mut out: Ring = Vec::with_capacity(ring.len() + 4);
    let mut offset = 0.0;
    for (i, p) in ring.iter().enumerate() {
        if i > 0 {
            let step = p.0 - ring[i - 1].0;
            if step > 180.0 {
                offset -= 360.0;
            } else if step < -180.0 {
                offset += 360.0;
            }
        }
        out.push((p.0 + offset, p.1));
    }
    if offset != 0.0 {
        let (start, end) = (out[0], out[out.len() - 1]);
        let pole = if ring.iter().map(|p| p.1).sum::<f64>() < 0.0 { -90.0 } else { 90.0 };
        out.extend([(end.0, pole), (start.0, pole), start]);
    }
    out
}

/// Sutherland-Hodgman clipping of a ring to the side of the meridian `x` that `below` names.
/// A ring that leaves and comes back is joined along the meridian, which is the map's edge, so
/// the joins are never seen.
fn clip(ring: &Ring, x: f64, below: bool) -> Ring {
    let inside = |p: &Point| if below { p.0 <= x } else { p.0 >= x };
    let cross = |a: &Point, b: &Point| (x, a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0));
    let mut out = Vec::with_capacity(ring.len() + 4);
    for (i, cur) in ring.iter().enumerate() {
        let prev = &ring[(i + ring.len() - 1) % ring.len()];
        match (inside(prev), inside(cur)) {
            (true, true) => out.push(*cur),
            (true, false) => out.push(cross(prev, cur)),
            (false, true) => {
                out.push(cross(prev, cur));
                out.push(*cur);
            }
            (false, false) => {}
        }
    }
    out
}

/// Extent of projected points: `(x0, y0, x1, y1)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Bounds {
    pub const EMPTY: Bounds = Bounds { x0: f64::MAX, y0: f64::MAX, x1: f64::MIN, y1: f64::MIN };

    pub fn add(&mut self, p: Point) {
        self.x0 = self.x0.min(p.0);
        self.y0 = self.y0.min(p.1);
        self.x1 = self.x1.max(p.0);
        self.y1 = self.y1.max(p.1);
    }

    pub fn width(&self) -> f64 {
        (self.x1 - self.x0).max(0.0)
    }

    pub fn height(&self) -> f64 {
        (self.y1 - self.y0).max(0.0)
    }
}

/// How projected points become the drawing's pixels: `x * scale + dx`.
#[derive(Debug, Clone, Copy)]
pub struct Fit {
    pub scale: f64,
    pub dx: f64,
    pub dy: f64,
}

/// Points nearer than this to the last one kept are dropped: at 720 px a world map's coastlines
/// lose nothing one can see, and the file a third of its points.
const MIN_STEP: i64 = 6;

/// SVG path data of `polygons`, in tenths of a pixel: the first point of each ring absolute,
/// the others relative, so most numbers take two or three characters. Rounding is done on
/// absolute positions, so the relative steps add up without drift.
pub fn path_data(polygons: &[&Polygon], fit: Fit, out: &mut String) {
    for ring in polygons.iter().flat_map(|p| p.iter()) {
        let tenths: Vec<(i64, i64)> = ring
            .iter()
            .map(|p| {
                (((p.0 * fit.scale + fit.dx) * 10.0).round() as i64, ((p.1 * fit.scale + fit.dy) * 10.0).round() as i64)
            })
            .collect();
        let kept = simplify(&thin(&tenths, MIN_STEP), TOLERANCE);
        // A ring smaller than a pixel or two keeps all its points: a small island or country
        // stays on the map.
        let kept = if kept.len() >= 4 { kept } else { thin(&tenths, 1) };
        if kept.len() < 3 {
            continue;
        }
        let (mut x, mut y) = kept[0];
        out.push('M');
        push_tenths(out, x);
        out.push(' ');
        push_tenths(out, y);
        out.push('l');
        let mut first = true;
        for &(px, py) in &kept[1..] {
            for (k, d) in [px - x, py - y].into_iter().enumerate() {
                if (!first || k > 0) && d >= 0 {
                    out.push(' ');
                }
                push_tenths(out, d);
            }
            first = false;
            (x, y) = (px, py);
        }
        out.push('z');
    }
}

/// The points at least `step` tenths (in x or y) from the last point kept; the closing point
/// that repeats the first is left out (`z` closes the ring).
fn thin(points: &[(i64, i64)], step: i64) -> Vec<(i64, i64)> {
    let mut kept: Vec<(i64, i64)> = Vec::with_capacity(points.len());
    for &p in points {
        match kept.last() {
            Some(&(x, y)) if (p.0 - x).abs() < step && (p.1 - y).abs() < step => {}
            _ => kept.push(p),
        }
    }
    while kept.len() > 1 && kept.last() == kept.first() {
        kept.pop();
    }
    kept
}

/// Points closer than this (in tenths of a pixel) to the line between the points kept around
/// them are dropped: a pixel of the 720-px drawing, which no reader sees at the sizes pages and
/// prints show it, and half of a region map's bytes (Peru's: 27.7 KB -> 13.7 KB).
const TOLERANCE: i64 = 10;

/// A closed ring with the points that bend it less than `tolerance` left out (Douglas and
/// Peucker's algorithm, 1973), each half of the ring apart, so its first and farthest points
/// stay.
fn simplify(ring: &[(i64, i64)], tolerance: i64) -> Vec<(i64, i64)> {
    if ring.len() < 4 {
        return ring.to_vec();
    }
    let far =
        (1..ring.len()).max_by_key(|&i| (ring[i].0 - ring[0].0).pow(2) + (ring[i].1 - ring[0].1).pow(2)).unwrap_or(1);
    let mut keep = vec![false; ring.len() + 1];
    let (n, at) = (ring.len(), |i: usize| ring[i % ring.len()]);
    keep[0] = true;
    keep[far] = true;
    let mut stack = vec![(0, far), (far, n)];
    while let Some((a, b)) = stack.pop() {
        let (p, q) = (at(a), at(b));
        let (dx, dy) = ((q.0 - p.0) as f64, (q.1 - p.1) as f64);
        let length = (dx * dx + dy * dy).sqrt();
        let distance = |i: usize| {
            let r = at(i);
            let (rx, ry) = ((r.0 - p.0) as f64, (r.1 - p.1) as f64);
            if length == 0.0 {
                (rx * rx + ry * ry).sqrt()
            } else {
                (rx * dy - ry * dx).abs() / length
            }
        };
        if let Some((i, d)) = (a + 1..b).map(|i| (i, distance(i))).max_by(|x, y| x.1.total_cmp(&y.1)) {
            if d > tolerance as f64 {
                keep[i] = true;
                stack.push((a, i));
                stack.push((i, b));
            }
        }
    }
    (0..n).filter(|&i| keep[i]).map(|i| ring[i]).collect()
}

/// `-12` tenths as "-1.2", `5` as ".5", `30` as "3".
fn push_tenths(out: &mut String, t: i64) {
    if t < 0 {
        out.push('-');
    }
    let (int, frac) = (t.abs() / 10, t.abs() % 10);
    if int > 0 || frac == 0 {
        let _ = write!(out, "{int}");
    }
    if frac > 0 {
        let _ = write!(out, ".{frac}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Point, b: Point) -> bool {
        (a.0 - b.0).abs() < 1e-6 && (a.1 - b.1).abs() < 1e-6
    }

    #[test]
    fn equal_earth_matches_the_published_values() {
        // The projection's extremes: 2.7066 R from the centre at the equator's ends, 1.3174 R
        // at the poles (Šavrič et al. 2018: a width-to-height ratio of 2.05).
        let (x, y) = equal_earth((180.0, 0.0));
        assert!((x - 2.706_630).abs() < 1e-5 && y.abs() < 1e-12, "{x} {y}");
        let (x, y) = equal_earth((0.0, 90.0));
        assert!(x.abs() < 1e-12 && (y + 1.317_362).abs() < 1e-5, "{x} {y}");
        assert!(close(equal_earth((-30.0, -40.0)), (-equal_earth((30.0, 40.0)).0, -equal_earth((30.0, 40.0)).1)));
    }

    #[test]
    fn the_azimuthal_projection_centres_a_country_across_the_antimeridian() {
        let fiji: Ring = vec![(177.0, -16.0), (-179.0, -16.0), (-179.0, -19.0), (177.0, -19.0), (177.0, -16.0)];
        let p = Azimuthal::centred_on([&fiji].into_iter());
        assert!((p.lon0 - 179.0).abs() < 1e-9, "{}", p.lon0);
        let xs: Vec<f64> = fiji.iter().map(|q| p.project(*q).0).collect();
        // Both sides of the antimeridian lie next to each other, around the centre.
        assert!(xs.iter().all(|x| x.abs() < 0.04), "{xs:?}");
        assert!(close(p.project((179.0, -17.5)), (0.0, 0.0)));
    }

    #[test]
    fn a_ring_across_the_antimeridian_is_cut_into_one_ring_per_side() {
        let fiji: Polygon =
            vec![vec![(178.0, -16.0), (-179.0, -16.0), (-179.0, -18.0), (178.0, -18.0), (178.0, -16.0)]];
        let parts = cut_at_antimeridian(&fiji);
        assert_eq!(parts.len(), 2, "{parts:?}");
        for part in &parts {
            let (lo, hi) = part[0].iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
            assert!(hi - lo <= 2.0 + 1e-9, "{part:?}");
            assert!(part[0].iter().any(|p| p.0.abs() == 180.0), "each side reaches the antimeridian: {part:?}");
        }
        // A ring that does not cross is left alone.
        let peru: Polygon = vec![vec![(-80.0, -5.0), (-70.0, -5.0), (-70.0, -15.0), (-80.0, -5.0)]];
        assert_eq!(cut_at_antimeridian(&peru), vec![peru.clone()]);
    }

    #[test]
    fn a_ring_around_a_pole_is_closed_along_it() {
        let around: Polygon =
            vec![vec![(-180.0, -70.0), (-60.0, -65.0), (60.0, -68.0), (179.0, -70.0), (-180.0, -70.0)]];
        let parts = cut_at_antimeridian(&around);
        assert_eq!(parts.len(), 1, "{parts:?}");
        let ring = &parts[0][0];
        assert!(ring.iter().any(|p| p.1 == -90.0), "{ring:?}");
        assert!(ring.iter().all(|p| p.0 >= -180.0 && p.0 <= 180.0), "{ring:?}");
    }

    #[test]
    fn simplifying_drops_the_points_that_barely_bend_a_ring() {
        // A square with a point 0.8 px off its top edge and one 3 px off its right edge.
        let ring = [(0, 0), (50, 8), (100, 0), (130, 50), (100, 100), (0, 100)];
        assert_eq!(simplify(&ring, TOLERANCE), [(0, 0), (100, 0), (130, 50), (100, 100), (0, 100)]);
        // A triangle keeps its corners.
        assert_eq!(simplify(&[(0, 0), (10, 0), (0, 10)], TOLERANCE), [(0, 0), (10, 0), (0, 10)]);
    }

    #[test]
    fn path_data_is_compact_and_rounded_without_drift() {
        let square: Polygon = vec![vec![(0.0, 0.0), (10.04, 0.0), (10.04, 5.55), (0.0, 5.55), (0.0, 0.0)]];
        let mut d = String::new();
        path_data(&[&square], Fit { scale: 1.0, dx: 0.5, dy: -0.25 }, &mut d);
        assert_eq!(d, "M.5 -.3l10 0 0 5.6-10 0z");
        let mut tiny = String::new();
        let dot: Polygon = vec![vec![(0.0, 0.0), (0.2, 0.0), (0.2, 0.2), (0.0, 0.0)]];
        path_data(&[&dot], Fit { scale: 1.0, dx: 0.0, dy: 0.0 }, &mut tiny);
        assert_eq!(tiny, "M0 0l.2 0 0 .2z", "a speck keeps its points");
    }
}
