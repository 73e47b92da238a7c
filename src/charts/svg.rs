//! Drawing a [`Chart`] as SVG with plotters, on salud's own backend ([`super::backend`]).
//! Layout is computed here (plotters is asked only to draw text, lines and shapes at pixel
//! positions), so axis ticks, labels and gaps are exactly what the data hold. The result
//! scales to any width through its viewBox.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use plotters::coord::Shift;
use plotters::element::{Circle, PathElement, Rectangle, Text, TriangleMarker};
use plotters::prelude::{DrawingArea, IntoFont};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontStyle, RGBColor, ShapeStyle, TextStyle};
use plotters_backend::BackendColor;

use super::axis::{value_ticks, year_ticks};
use super::backend::{CompactSvg, Dashed};
use super::metrics::advance;
use super::placement::{Placer, Rect};
use super::style::{parse_hex, ChartStyle, Size};
use super::{Chart, Kind};
use crate::format;

const PAD: i32 = 16;

/// The chart as a standalone SVG document, at the given layout size.
pub fn render(chart: &Chart, style: &ChartStyle, size: Size) -> String {
    let mut layout = Layout::new(chart, style, size);
    let height = layout.height();
    let backend = Rc::new(RefCell::new(CompactSvg::new((size.width, height))));
    let mut pen = Pen { area: &DrawingArea::from(&backend), backend: &backend, style };
    pen.fill(size.width, height);
    layout.draw(&mut pen);
    let (body, text_defaults) = backend.borrow_mut().finish_hoisted();
    // `role`, `<title>` and `<desc>` for screen readers; no fixed width or height, so the
    // chart scales to the page.
    let mut svg = format!(
        "<svg viewBox=\"0 0 {} {height}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" font-family=\"{}, sans-serif\"{text_defaults}>\n<title>{}</title>\n<desc>{}</desc>",
        size.width,
        crate::escape::escape(&style.font_family),
        crate::escape::escape(&chart.title),
        crate::escape::escape(&chart.description)
    );
    svg.reserve(body.len() + 8);
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}

/// The advance width of text in the theme's font (DejaVu Sans), as browsers and resvg draw
/// it: labels are placed from it.
pub(crate) fn text_width(text: &str, size: u32) -> i32 {
    width_of(text, size, false)
}

/// [`text_width`] of bold text.
pub(crate) fn bold_width(text: &str, size: u32) -> i32 {
    width_of(text, size, true)
}

fn width_of(text: &str, size: u32, bold: bool) -> i32 {
    to_px(text.chars().map(|c| u64::from(advance(c, bold))).sum(), size)
}

/// Thousandths of an em at `size` px, rounded up to whole pixels.
fn to_px(milli_em: u64, size: u32) -> i32 {
    (milli_em * u64::from(size)).div_ceil(1000) as i32
}

/// The most characters a line at `size` px can show across `width` px in any font: no text
/// averages less than a fifth of an em per character.
pub(crate) fn max_visible_chars(width: i32, size: u32) -> usize {
    width.max(0) as usize * 5 / size.max(1) as usize + 1
}

/// `text` without the characters that could never show in a drawing `width` px wide: the
/// end of text that starts at its position, the start of text that ends there, both ends of
/// centred text. They must go before the text is drawn, because resvg lays a text out in
/// time that grows with the square of its length (usvg 0.47 counts characters from the
/// start of the text for each glyph): a 100 KB name took seconds in each PNG and PDF.
/// Text that can show is returned whole, so what a reader sees does not change.
pub(crate) fn clip_to(text: &str, width: i32, size: u32, anchor: Anchor) -> Cow<'_, str> {
    let max = max_visible_chars(width, size);
    // Only a text with more bytes than `max` can have more characters.
    if text.len() <= max {
        return Cow::Borrowed(text);
    }
    let head = |n: usize| text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
    let tail = |n: usize| text.char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i);
    Cow::Borrowed(match anchor {
        Anchor::Start => &text[..head(max)],
        Anchor::End => &text[tail(max)..],
        Anchor::Middle => {
            let chars = text.chars().count();
            if chars <= max {
                text
            } else {
                let from = head((chars - max) / 2);
                let rest = &text[from..];
                &rest[..rest.char_indices().nth(max).map_or(rest.len(), |(i, _)| i)]
            }
        }
    })
}

/// Splits `text` into lines no wider than `width` px, at spaces; a word wider than that has
/// a line of its own. Widths are counted as the lines grow, so the time is linear in the
/// text's length.
pub(crate) fn wrap(text: &str, size: u32, width: i32) -> Vec<String> {
    wrap_styled(text, size, width, false)
}

/// [`wrap`], of bold text when `bold`.
pub(crate) fn wrap_styled(text: &str, size: u32, width: i32, bold: bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_m: u64 = 0;
    let space = u64::from(advance(' ', bold));
    for word in text.split_whitespace() {
        let word_m: u64 = word.chars().map(|c| u64::from(advance(c, bold))).sum();
        if line.is_empty() {
            line.push_str(word);
            line_m = word_m;
        } else if to_px(line_m + space + word_m, size) > width {
            lines.push(std::mem::replace(&mut line, word.to_string()));
            line_m = word_m;
        } else {
            line.push(' ');
            line.push_str(word);
            line_m += space + word_m;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` cut to at most `width` px with an ellipsis, or whole when it fits.
pub(crate) fn ellipsize(text: &str, size: u32, bold: bool, width: i32) -> String {
    if width_of(text, size, bold) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = u64::from(advance('…', bold));
    for c in text.chars() {
        used += u64::from(advance(c, bold));
        if to_px(used, size) > width {
            break;
        }
        out.push(c);
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    out
}

struct Pen<'a> {
    area: &'a DrawingArea<CompactSvg, Shift>,
    backend: &'a Rc<RefCell<CompactSvg>>,
    style: &'a ChartStyle,
}

#[derive(Clone, Copy)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

fn colour(hex: &str) -> RGBColor {
    let (r, g, b) = parse_hex(hex).unwrap_or((0, 0, 0));
    RGBColor(r, g, b)
}

/// How a label is written: its size, colour and weight, and which of its points is at `x`.
#[derive(Clone, Copy)]
struct Label<'a> {
    size: u32,
    fill: &'a str,
    bold: bool,
    anchor: Anchor,
}

impl Pen<'_> {
    fn tag_last(&mut self, element: &str, class: &str) {
        self.backend.borrow_mut().tag_last(element, class);
    }

    /// A placed label: a background-coloured box (so it reads over grid lines), then its
    /// lines from `(x, y)` down, the last one tagged `class` when given.
    fn placed(&mut self, text: &[String], (x, y): (i32, i32), label: Label, halo: Rect, class: Option<&str>) {
        // Not quite opaque: a line the label has to cross still shows faintly through it.
        if halo.x1 > halo.x0 {
            let bg = colour(&self.style.background).mix(0.8).filled();
            let _ = self.area.draw(&Rectangle::new([(halo.x0, halo.y0), (halo.x1, halo.y1)], bg));
        }
        for (k, line) in text.iter().enumerate() {
            self.text(line, (x, y + k as i32 * line_height(label.size)), label);
            if let Some(class) = class {
                let class = if k + 1 == text.len() { class.to_string() } else { format!("{class}-more") };
                self.tag_last("text", &class);
            }
        }
    }

    fn fill(&mut self, w: u32, h: u32) {
        let bg = colour(&self.style.background);
        let _ = self.area.draw(&Rectangle::new([(0, 0), (w as i32, h as i32)], bg.filled()));
    }

    fn text(&mut self, text: &str, (x, y): (i32, i32), label: Label) {
        let Label { size, fill, bold, anchor } = label;
        let (width, height) = self.area.dim_in_pixel();
        // A line above or below the drawing could never show (a title of thousands of lines
        // pushes the lines chart's footer up out of it), and would cost as much as one that does.
        if y >= height as i32 || y + 2 * size as i32 <= 0 {
            return;
        }
        let text = clip_to(text, width as i32, size, anchor);
        let family = self.style.font_family.as_str();
        let font = (family, size as f64).into_font();
        let font = if bold { font.style(FontStyle::Bold) } else { font };
        let h = match anchor {
            Anchor::Start => HPos::Left,
            Anchor::Middle => HPos::Center,
            Anchor::End => HPos::Right,
        };
        let fill = colour(fill);
        let style = TextStyle::from(font).color(&fill).pos(Pos::new(h, VPos::Top));
        let _ = self.area.draw(&Text::new(text.into_owned(), (x, y), style));
    }

    fn line(&mut self, points: Vec<(i32, i32)>, stroke: &str, width: u32, dash: Option<(u32, u32)>) {
        let style = ShapeStyle { color: colour(stroke).into(), filled: false, stroke_width: width };
        match dash {
            None => {
                let _ = self.area.draw(&PathElement::new(points, style));
            }
            Some(dash) => {
                let color = BackendColor { alpha: 1.0, rgb: parse_hex(stroke).unwrap_or((0, 0, 0)) };
                let _ = self.area.draw(&Dashed { points, color, width, dash });
            }
        }
    }

    fn rect(&mut self, from: (i32, i32), to: (i32, i32), fill: &str) {
        let _ = self.area.draw(&Rectangle::new([from, to], colour(fill).filled()));
    }

    /// A marker with a hole: a value from few observations.
    fn hollow(&mut self, at: (i32, i32), shape: usize, fill: &str) {
        self.marker(at, shape, fill);
        let style = colour(&self.style.background).filled();
        let _ = match shape % 3 {
            0 => self.area.draw(&Circle::new(at, 2, style)),
            1 => self.area.draw(&TriangleMarker::new(at, 2, style)),
            _ => self.area.draw(&Rectangle::new([(at.0 - 2, at.1 - 2), (at.0 + 2, at.1 + 2)], style)),
        };
    }

    /// A faint band of `fill` behind a row.
    fn tint(&mut self, from: (i32, i32), to: (i32, i32), fill: &str) {
        let _ = self.area.draw(&Rectangle::new([from, to], colour(fill).mix(0.1).filled()));
    }

    fn marker(&mut self, at: (i32, i32), shape: usize, fill: &str) {
        let style = colour(fill).filled();
        let _ = match shape % 3 {
            0 => self.area.draw(&Circle::new(at, 4, style)),
            1 => self.area.draw(&TriangleMarker::new(at, 6, style)),
            _ => self.area.draw(&Rectangle::new([(at.0 - 4, at.1 - 4), (at.0 + 4, at.1 + 4)], style)),
        };
    }
}

/// Dash patterns by series, so lines differ without colour (solid first).
const DASHES: [Option<(u32, u32)>; 4] = [None, Some((9, 5)), Some((3, 4)), Some((14, 4))];

struct Layout<'a> {
    chart: &'a Chart,
    style: &'a ChartStyle,
    size: Size,
    title: Vec<String>,
    subtitle: Vec<String>,
    footer: Vec<String>,
    legend_rows: Vec<Vec<(usize, String)>>,
}

impl<'a> Layout<'a> {
    fn new(chart: &'a Chart, style: &'a ChartStyle, size: Size) -> Layout<'a> {
        let inner = size.width as i32 - 2 * PAD;
        let title = wrap_styled(&chart.title, style.title_size, inner, true);
        let subtitle = wrap(&chart.subtitle, style.text_size, inner);
        let mut footer = wrap(&chart.source_line, style.small_size, inner);
        for note in &chart.notes {
            footer.extend(wrap(note, style.small_size, inner));
        }
        let mut legend_rows: Vec<Vec<(usize, String)>> = Vec::new();
        if let Kind::Lines { lines, .. } = &chart.kind {
            let mut row: Vec<(usize, String)> = Vec::new();
            let mut used = 0;
            for (i, line) in lines.iter().enumerate() {
                let w = 34 + text_width(&line.label, style.small_size).min(inner - 34) + 18;
                if used + w > inner && !row.is_empty() {
                    legend_rows.push(std::mem::take(&mut row));
                    used = 0;
                }
                // A label wider than the chart is cut short; the table has it whole.
                row.push((i, ellipsize(&line.label, style.small_size, false, inner - 34)));
                used += w;
            }
            if !row.is_empty() {
                legend_rows.push(row);
            }
        }
        Layout { chart, style, size, title, subtitle, footer, legend_rows }
    }

    fn title_height(&self) -> i32 {
        let s = self.style;
        PAD + self.title.len() as i32 * line_height(s.title_size)
            + self.subtitle.len().max(1) as i32 * line_height(s.text_size)
            + 4
    }

    fn footer_height(&self) -> i32 {
        self.footer.len() as i32 * line_height(self.style.small_size) + PAD
    }

    fn bar_row(&self) -> i32 {
        line_height(self.style.text_size) + 8
    }

    /// Height of a block of bars: the marker's label above, the rows, the axis below.
    fn block_height(&self, rows: usize, marker: bool, axis: bool) -> i32 {
        let small = line_height(self.style.small_size);
        let above = if marker { small + 6 } else { 4 };
        let below = if axis { small + 12 } else { 4 };
        above + rows as i32 * self.bar_row() + below
    }

    fn height(&mut self) -> u32 {
        match &self.chart.kind {
            Kind::Lines { .. } => self.size.height,
            Kind::Bars { bars, marker, .. } => {
                let band = band(bars, marker.as_ref());
                (self.title_height() + self.block_height(bars.len(), band, true) + self.footer_height()) as u32
            }
            Kind::Gaps(gaps) => (self.title_height() + self.gaps_height(gaps) + self.footer_height()) as u32,
            Kind::Panels(panels) => {
                let blocks: i32 = panels
                    .iter()
                    .map(|p| line_height(self.style.text_size) + self.block_height(p.bars.len(), false, false) + 8)
                    .sum();
                (self.title_height() + blocks + self.footer_height()) as u32
            }
        }
    }

    fn draw(&mut self, pen: &mut Pen) {
        let s = self.style;
        let mut y = PAD;
        for line in &self.title {
            pen.text(line, (PAD, y), Label { size: s.title_size, fill: &s.ink, bold: true, anchor: Anchor::Start });
            y += line_height(s.title_size);
        }
        for line in &self.subtitle {
            pen.text(line, (PAD, y), Label { size: s.text_size, fill: &s.muted, bold: false, anchor: Anchor::Start });
            y += line_height(s.text_size);
        }
        let height = self.height() as i32;
        let mut fy = height - self.footer_height() + 6;
        for line in &self.footer {
            pen.text(line, (PAD, fy), Label { size: s.small_size, fill: &s.muted, bold: false, anchor: Anchor::Start });
            fy += line_height(s.small_size);
        }
        match &self.chart.kind {
            Kind::Lines { .. } => self.draw_lines(pen),
            Kind::Gaps(gaps) => self.draw_gaps(pen, gaps),
            Kind::Bars { bars, marker, .. } => {
                let labels = bars.iter().map(|b| label_width(b, s.text_size)).max().unwrap_or(0);
                self.draw_bar_block(pen, self.title_height(), bars, marker.as_ref(), labels, true);
            }
            Kind::Panels(panels) => {
                let labels =
                    panels.iter().flat_map(|p| p.bars.iter().map(|b| label_width(b, s.text_size))).max().unwrap_or(0);
                let mut top = self.title_height();
                for panel in panels {
                    pen.text(
                        &panel.title,
                        (PAD, top),
                        Label { size: s.text_size, fill: &s.ink, bold: true, anchor: Anchor::Start },
                    );
                    let x = PAD + bold_width(&panel.title, s.text_size) + 8;
                    // The unit after the title, cut short if the line is full; the table has it whole.
                    let room = self.size.width as i32 - PAD - x;
                    pen.text(
                        &ellipsize(&panel.subtitle, s.small_size, false, room),
                        (x, top + 1),
                        Label { size: s.small_size, fill: &s.muted, bold: false, anchor: Anchor::Start },
                    );
                    top += line_height(s.text_size);
                    top = self.draw_bar_block(pen, top, &panel.bars, None, labels, false) + 8;
                }
            }
        }
    }

    /// How line `i` is drawn: colour, stroke width and dash, and whether each point gets a
    /// marker. The country's lines on a region's chart are grey and dashed, without markers,
    /// each with its own dash so the legend tells them apart.
    fn look(&self, line: &super::Line, i: usize) -> (&'a str, u32, Option<(u32, u32)>, bool) {
        const COUNTRY_DASHES: [(u32, u32); 3] = [(6, 4), (2, 3), (12, 4)];
        let s = self.style;
        if line.country {
            let k = self.lines_before(i).filter(|l| l.country).count();
            (&s.reference, 2, Some(COUNTRY_DASHES[k % COUNTRY_DASHES.len()]), false)
        } else {
            (&s.palette[i % s.palette.len()], 3, DASHES[i % DASHES.len()], line.points.len() <= 25)
        }
    }

    fn lines_before(&self, i: usize) -> impl Iterator<Item = &super::Line> {
        let lines = match &self.chart.kind {
            Kind::Lines { lines, .. } => &lines[..i.min(lines.len())],
            _ => &[],
        };
        lines.iter()
    }

    fn draw_lines(&self, pen: &mut Pen) {
        let Kind::Lines { lines, references, projections, first_year, last_year } = &self.chart.kind else { return };
        let s = self.style;
        let width = self.size.width as i32;
        let height = self.size.height as i32;
        let small = s.small_size;
        let lh = line_height(small);

        let mut ly = self.title_height();
        for row in &self.legend_rows {
            let mut x = PAD;
            for (i, label) in row {
                let (c, stroke, dash, _) = self.look(&lines[*i], *i);
                let mid = ly + lh / 2 - 1;
                pen.line(vec![(x, mid), (x + 26, mid)], c, stroke, dash);
                if !lines[*i].country {
                    pen.marker((x + 13, mid), *i, c);
                }
                pen.text(
                    label,
                    (x + 34, ly + 1),
                    Label { size: small, fill: &s.ink, bold: false, anchor: Anchor::Start },
                );
                x += 34 + text_width(label, small) + 18;
            }
            ly += lh;
        }

        // Only the years from `first_year` are drawn; the table keeps the whole series.
        let drawn: Vec<Vec<&(i32, f64, String)>> = lines
            .iter()
            .map(|l| l.points.iter().filter(|p| p.0 >= *first_year && p.0 <= *last_year).collect())
            .collect();
        let intervals: Vec<Vec<&super::Interval>> = lines
            .iter()
            .map(|l| l.intervals.iter().filter(|i| i.year >= *first_year && i.year <= *last_year).collect())
            .collect();
        let values = drawn
            .iter()
            .flatten()
            .map(|p| p.1)
            .chain(intervals.iter().flatten().flat_map(|i| [i.low, i.high]))
            .chain(references.iter().map(|r| r.value))
            .chain(projections.iter().flat_map(|p| p.points.iter().map(|q| q.1)));
        let (min, max) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let ticks = value_ticks(min, max, 5);
        let (y_lo, y_hi) = (ticks[0], *ticks.last().unwrap_or(&1.0));
        let tick_texts: Vec<String> = ticks.iter().map(|t| self.chart.numbers.apply(&format::number(*t, 3))).collect();
        let label_w = tick_texts.iter().map(|t| text_width(t, small)).max().unwrap_or(0);

        let left = PAD + label_w + 8;
        let end_w = lines
            .iter()
            .filter_map(|l| l.points.last().map(|p| bold_width(&p.2, small)))
            .max()
            .unwrap_or(0)
            .max(text_width("00.0", small));
        let right = width - PAD - end_w - 6;
        let top = ly + 10;
        let bottom = height - self.footer_height() - lh - 10;
        let span = (*last_year - *first_year).max(1) as f64;
        let (x0, x1) = (*first_year as f64 - span * 0.02 - 0.5, *last_year as f64 + span * 0.02 + 0.5);
        let px = |year: f64| left + ((year - x0) / (x1 - x0) * (right - left) as f64).round() as i32;
        let py = |v: f64| bottom - ((v - y_lo) / (y_hi - y_lo) * (bottom - top) as f64).round() as i32;

        for (t, text) in ticks.iter().zip(&tick_texts) {
            let y = py(*t);
            pen.line(vec![(left, y), (right, y)], if *t == 0.0 { &s.ink } else { &s.grid }, 1, None);
            pen.text(
                text,
                (left - 6, y - lh / 2 + 1),
                Label { size: small, fill: &s.muted, bold: false, anchor: Anchor::End },
            );
        }
        for year in year_ticks(*first_year, *last_year, ((right - left) / 70).max(2) as usize) {
            let x = px(year as f64);
            pen.line(vec![(x, bottom), (x, bottom + 5)], &s.ink, 1, None);
            pen.text(
                &year.to_string(),
                (x, bottom + 7),
                Label { size: small, fill: &s.muted, bold: false, anchor: Anchor::Middle },
            );
        }

        // Labels stay inside the plot and the margin at its right, below the legend.
        let mut placer = Placer::new(Rect::new(left + 1, top - 8, width - 2, bottom - 1));
        let mut refs: Vec<(i32, &super::Reference)> = references.iter().map(|r| (py(r.value), r)).collect();
        refs.sort_by_key(|r| r.0);
        for (y, _) in &refs {
            pen.line(vec![(left, *y), (right, *y)], &s.reference, 2, Some((6, 4)));
            pen.tag_last("polyline", "reference");
            placer.rule(((left, *y), (right, *y)));
        }
        // Each line's last drawn point: where, its text, and whether the series goes on to the
        // chart's last year.
        let mut ends: Vec<(usize, (i32, i32), &str, bool)> = Vec::new();
        // A source's interval: a thin bar with caps across its point, under the markers.
        for (i, line_intervals) in intervals.iter().enumerate() {
            let (c, ..) = self.look(&lines[i], i);
            for interval in line_intervals {
                let (x, lo, hi) = (px(interval.year as f64), py(interval.low), py(interval.high));
                let bar = vec![(x - 4, hi), (x + 4, hi), (x, hi), (x, lo), (x - 4, lo), (x + 4, lo)];
                placer.avoid_line(&[(x, hi), (x, lo)]);
                pen.line(bar, c, 1, None);
                pen.tag_last("polyline", "interval");
            }
        }
        for (i, (line, points)) in lines.iter().zip(&drawn).enumerate() {
            let (c, stroke, dash, marks) = self.look(line, i);
            // A value from few observations is always marked, hollow, even on a line too
            // dense for markers.
            let mark = |pen: &mut Pen, at: (i32, i32), year: i32| {
                if line.few.contains(&year) {
                    pen.hollow(at, i, c);
                } else {
                    pen.marker(at, i, c);
                }
            };
            // Consecutive years are joined; a missing year breaks the line.
            let mut runs: Vec<Vec<(i32, i32)>> = Vec::new();
            let mut previous: Option<i32> = None;
            for (year, value, _) in points.iter().copied() {
                let at = (px(*year as f64), py(*value));
                if previous.is_none_or(|p| p + 1 != *year) {
                    runs.push(Vec::new());
                }
                if let Some(run) = runs.last_mut() {
                    run.push(at);
                }
                if marks || line.few.contains(year) {
                    mark(pen, at, *year);
                    placer.block(marker_box(at));
                }
                previous = Some(*year);
            }
            for run in runs {
                placer.avoid_line(&run);
                if run.len() > 1 {
                    pen.line(run, c, stroke, dash);
                }
            }
            if let Some((year, value, text)) = points.last().copied() {
                let at = (px(*year as f64), py(*value));
                if !marks {
                    mark(pen, at, *year);
                    placer.block(marker_box(at));
                }
                ends.push((i, at, text, year == last_year));
            }
        }
        // Each pace, dotted and thinner, a year apart from its line's last value, so it never
        // reads as data; labelled at its end when there is room.
        let mut paces: Vec<(usize, (i32, i32), &str)> = Vec::new();
        for p in projections {
            let (c, ..) = self.look(&lines[p.line], p.line);
            let path: Vec<(i32, i32)> = p.points.iter().map(|(year, value)| (px(*year as f64), py(*value))).collect();
            placer.avoid_line(&path);
            pen.line(path.clone(), c, 2, Some((2, 4)));
            pen.tag_last("polyline", "pace");
            if let Some(end) = path.last() {
                paces.push((p.line, *end, &p.label));
            }
        }
        // Latest values at the right of their lines, top to bottom, each as near its point as
        // the labels above it allow; a series that ends earlier is labelled beside its last point.
        ends.sort_by_key(|e| (!e.3, e.1 .1));
        for (i, at, text, at_end) in ends {
            let (c, ..) = self.look(&lines[i], i);
            let w = bold_width(text, small);
            let mut spots: Vec<(i32, i32)> = Vec::new();
            let beside = at.1 - (small as i32 * 41 / 100);
            let above = at.1 - 9 - small as i32;
            let below = at.1 + 8 + ascent(small);
            if at_end {
                for d in [0, -4, 4, -8, 8, -12, 12, -16, 16, -20, 20, -24, 24, -28, 28] {
                    spots.push((at.0 + 9, beside + d));
                }
                spots.extend([(at.0 - w / 2, above), (at.0 - w / 2, below)]);
            } else {
                spots.extend([
                    (at.0 - w / 2, above),
                    (at.0 - w / 2, below),
                    (at.0 + 9, beside),
                    (at.0 - 9 - w, beside),
                ]);
                for d in [lh / 2, lh, 2 * lh] {
                    spots.extend([(at.0 + 9, beside - d), (at.0 + 9, beside + d), (at.0 - 9 - w, beside - d)]);
                    spots.extend([(at.0 - 9 - w, beside + d), (at.0 - w / 2, above - d), (at.0 - w / 2, below + d)]);
                }
            }
            let boxes: Vec<Rect> = spots.iter().map(|(x, y)| text_box(*x, *y, w, 1, small)).collect();
            if let Some(k) = placer.place(&boxes) {
                let label = Label { size: small, fill: c, bold: true, anchor: Anchor::Start };
                pen.placed(&[text.to_string()], spots[k], label, boxes[k], None);
            }
        }
        for (i, end, text) in paces {
            let (c, ..) = self.look(&lines[i], i);
            let w = text_width(text, small);
            let spots = [
                (end.0 - w, end.1 - 6 - small as i32),
                (end.0 - w, end.1 + 6),
                (end.0 - w, end.1 - 6 - small as i32 - lh),
                (end.0 - w, end.1 + 6 + lh),
            ];
            let boxes: Vec<Rect> = spots.iter().map(|(x, y)| text_box(*x, *y, w, 1, small)).collect();
            if let Some(k) = placer.place(&boxes) {
                let label = Label { size: small, fill: c, bold: false, anchor: Anchor::Start };
                pen.placed(&[text.to_string()], spots[k], label, boxes[k], Some("pace"));
            }
        }
        // Reference labels keep their number. A label goes beside its line if it can: whole,
        // else wrapped onto a few narrower lines (which fit between markers), else with its
        // name cut short before the number, else the number alone; failing that (two targets a
        // few pixels apart) a line or more off it.
        let room = right - left - 8;
        for (y, r) in &refs {
            let number = self.chart.numbers.apply(&format::number(r.value, 1));
            let whole = format!("{}: {number}", r.label);
            let mut variants = vec![vec![whole.clone()]];
            // `text` wrapped onto two lines or more (at most `lines`) that fit beside the line.
            let push_wrapped = |variants: &mut Vec<Vec<String>>, text: &str, narrowers: &[i32], lines: usize| {
                for &narrower in narrowers {
                    let wrapped = wrap(text, small, narrower);
                    let fits = wrapped.iter().all(|l| text_width(l, small) <= room);
                    if fits && (2..=lines).contains(&wrapped.len()) && !variants.contains(&wrapped) {
                        variants.push(wrapped);
                    }
                }
            };
            push_wrapped(&mut variants, &whole, &[room, room * 2 / 3, room / 2], 3);
            // The short forms the catalogue gives, whole or on two lines, before a cut name.
            for short in &r.short {
                let short = format!("{short}: {number}");
                variants.push(vec![short.clone()]);
                push_wrapped(&mut variants, &short, &[room * 2 / 3], 2);
            }
            let tail = format!(": {number}");
            for narrower in [room, room / 2] {
                let name = ellipsize(&r.label, small, false, (narrower - text_width(&tail, small)).max(0));
                variants.push(vec![format!("{name}{tail}")]);
            }
            // At worst the number alone marks its line; the chart's description names it.
            variants.push(vec![number.clone()]);
            let spots_of = |text: &Vec<String>, away: i32| {
                let w = text.iter().map(|t| text_width(t, small)).max().unwrap_or(0);
                let n = text.len() as i32;
                let above = y - (n - 1) * lh - small as i32 - 3 - away * lh;
                let below = y + ascent(small) + 3 + away * lh;
                // On the line itself, interrupting it, when nothing else is beside it.
                let on = y - ((n - 1) * lh + small as i32 * 41 / 50) / 2;
                let rows = if away == 0 { vec![above, on, below] } else { vec![above, below] };
                // At the left, at the right, then anywhere along the line.
                let span = (right - left - 8 - w).max(0);
                rows.into_iter()
                    .flat_map(move |ty| {
                        [0, 8, 4, 2, 6, 1, 3, 5, 7].into_iter().map(move |k| (left + 4 + span * k / 8, ty))
                    })
                    .map(move |(x, ty)| (x, ty, text_box(x, ty, w, n, small)))
                    .collect::<Vec<_>>()
            };
            // Far from its line, only a label with its name says which line it is. Any place
            // off the other targets' lines goes first, then one across them.
            let named = variants.len() - 1;
            let own = Some(((left, *y), (right, *y)));
            let tries = [true, false].into_iter().flat_map(|strict| (0..10).map(move |away| (away, strict)));
            'away: for (away, strict) in tries {
                for text in &variants[..if away < 4 { variants.len() } else { named }] {
                    let spots = spots_of(text, away);
                    let boxes: Vec<Rect> = spots.iter().map(|(_, _, b)| *b).collect();
                    let placed =
                        if strict { placer.place_off_rules(&boxes, own) } else { placer.place_on(&boxes, own) };
                    if let Some(k) = placed {
                        let (x, ty, b) = spots[k];
                        let label = Label { size: small, fill: &s.reference, bold: false, anchor: Anchor::Start };
                        pen.placed(text, (x, ty), label, b, Some("reference"));
                        break 'away;
                    }
                }
            }
        }
    }

    /// Horizontal bars from `top`, labels on the left, values at the bar ends; returns the
    /// bottom of the block.
    fn draw_bar_block(
        &self,
        pen: &mut Pen,
        top: i32,
        bars: &[super::Bar],
        marker: Option<&super::Reference>,
        label_width: i32,
        axis: bool,
    ) -> i32 {
        let s = self.style;
        let width = self.size.width as i32;
        let size = s.text_size;
        let left = PAD + label_width.min(width * 2 / 5) + 10;
        let value_w = |b: &super::Bar| if b.highlight { bold_width(&b.text, size) } else { text_width(&b.text, size) };
        let values_w = bars.iter().map(value_w).max().unwrap_or(0);
        let right = width - PAD - values_w - 8;
        let rows_top = top + if band(bars, marker) { line_height(s.small_size) + 6 } else { 4 };
        let row = self.bar_row();
        let bottom = rows_top + bars.len() as i32 * row;
        let max = bars.iter().map(|b| b.value).chain(marker.map(|m| m.value)).fold(0.0, f64::max);
        // The scale ends at the largest value, so the longest bar fills the width; ticks stop
        // at the last round number below it.
        let (ticks, scale) = bar_ticks(max, ((right - left) / 80).max(2) as usize);
        let px = |v: f64| left + (v / scale * (right - left) as f64).round() as i32;

        let mut placer = Placer::new(Rect::new(2, top - 4, width - 2, bottom));
        if axis {
            for t in &ticks {
                let x = px(*t);
                pen.line(vec![(x, rows_top), (x, bottom)], &s.grid, 1, None);
                pen.text(
                    &self.chart.numbers.apply(&format::number(*t, 3)),
                    (x, bottom + 6),
                    Label { size: s.small_size, fill: &s.muted, bold: false, anchor: Anchor::Middle },
                );
            }
        }
        let marker_x = marker.map(|m| px(m.value));
        for (k, bar) in bars.iter().enumerate() {
            let y = rows_top + k as i32 * row;
            let fill = if bar.highlight { &s.highlight } else { &s.bar };
            pen.rect((left, y + 4), (px(bar.value).max(left + 1), y + row - 4), fill);
        }
        pen.line(vec![(left, rows_top), (left, bottom)], &s.ink, 1, None);
        if let Some(x) = marker_x {
            pen.line(vec![(x, rows_top - 4), (x, bottom)], &s.reference, 2, Some((6, 4)));
            pen.tag_last("polyline", "reference");
        }
        let mut ranks = Vec::new();
        for (k, bar) in bars.iter().enumerate() {
            let y = rows_top + k as i32 * row;
            let ty = y + (row - line_height(size)) / 2 + 2;
            let label = ellipsize(&bar.label, size, bar.highlight, left - PAD - 10);
            let lw = if bar.highlight { bold_width(&label, size) } else { text_width(&label, size) };
            pen.text(&label, (left - 8, ty), Label { size, fill: &s.ink, bold: bar.highlight, anchor: Anchor::End });
            placer.block(text_box(left - 8 - lw, ty, lw, 1, size));
            let x = px(bar.value) + 6;
            let vbox = text_box(x, ty, value_w(bar), 1, size);
            let label = Label { size, fill: &s.ink, bold: bar.highlight, anchor: Anchor::Start };
            // The marker's dashed line passes behind the value, not through it.
            let halo = if marker_x.is_some() { vbox } else { Rect::new(x, ty, x, ty) };
            pen.placed(std::slice::from_ref(&bar.text), (x, ty), label, halo, None);
            placer.block(vbox);
            if let Some(rank) = &bar.rank {
                ranks.push((rank, &bar.label, x + value_w(bar) + 8, ty));
            }
        }
        // The marker's label above the bars, beside its line, on no other label; then each
        // rank beside its value, or above the bars.
        let small = s.small_size;
        if let (Some(m), Some(x)) = (marker, marker_x) {
            let w = bold_width(&m.label, small);
            let spots = [(x - w, top), (x + 4, top), (left, top), (width - PAD - w, top)];
            let boxes: Vec<Rect> = spots.iter().map(|(x, y)| text_box(*x, *y, w, 1, small)).collect();
            if let Some(k) = placer.place(&boxes) {
                let label = Label { size: small, fill: &s.reference, bold: true, anchor: Anchor::Start };
                pen.placed(std::slice::from_ref(&m.label), spots[k], label, boxes[k], Some("reference"));
            }
        }
        for (rank, name, x, ty) in ranks {
            let named = format!("{name}: {rank}");
            let (w, wn) = (bold_width(rank, small), bold_width(&named, small));
            // Beside its value; else above the bars with its place's name; else there alone (its
            // bar is the one highlighted).
            let mut options = vec![(rank.clone(), (x, ty + 1), w)];
            for (text, tw) in [(&named, wn), (rank, w)] {
                let span = (width - PAD - tw - left).max(0);
                options.extend((0..=8).map(|k| (text.clone(), (left + span * (8 - k) / 8, top), tw)));
            }
            let boxes: Vec<Rect> = options.iter().map(|(_, (x, y), w)| text_box(*x, *y, *w, 1, small)).collect();
            if let Some(k) = placer.place(&boxes) {
                let label = Label { size: small, fill: &s.ink, bold: true, anchor: Anchor::Start };
                pen.placed(std::slice::from_ref(&options[k].0), options[k].1, label, boxes[k], None);
            }
        }
        if axis {
            bottom + line_height(s.small_size) + 12
        } else {
            bottom + 4
        }
    }
}

/// How a gap chart's parts stack: its legend, then each row's name line, its gap text (on the
/// name's line when both fit), and its line of dots.
struct GapLayout {
    /// Rows of the legend: the groups, by their index.
    legend: Vec<Vec<(usize, String)>>,
    /// The words for a hollow dot, wrapped.
    few: Vec<String>,
    rows: Vec<GapRowLayout>,
}

struct GapRowLayout {
    name: String,
    /// The gap's lines: one beside the name, or its own lines below it.
    gap: Vec<String>,
    inline: bool,
}

/// The height of a row's line of dots.
const TRACK: i32 = 22;
/// The air between rows.
const ROW_GAP: i32 = 6;

impl Layout<'_> {
    fn gap_layout(&self, gaps: &super::gaps::Gaps) -> GapLayout {
        let s = self.style;
        let inner = self.size.width as i32 - 2 * PAD;
        let mut legend: Vec<Vec<(usize, String)>> = Vec::new();
        let mut row: Vec<(usize, String)> = Vec::new();
        let mut used = 0;
        for (i, name) in gaps.groups.iter().enumerate() {
            let name = ellipsize(name, s.small_size, false, inner - 20);
            let w = 20 + text_width(&name, s.small_size) + 16;
            if used + w > inner && !row.is_empty() {
                legend.push(std::mem::take(&mut row));
                used = 0;
            }
            row.push((i, name));
            used += w;
        }
        if !row.is_empty() {
            legend.push(row);
        }
        let few = gaps.few.as_deref().map(|f| wrap(f, s.small_size, inner - 20)).unwrap_or_default();
        let rows = gaps
            .rows
            .iter()
            .map(|r| {
                let name = ellipsize(&r.label, s.text_size, r.highlight, inner);
                let name_w = width_of(&name, s.text_size, r.highlight);
                let inline = name_w + 12 + text_width(&r.gap, s.small_size) <= inner;
                let gap = if inline { vec![r.gap.clone()] } else { wrap(&r.gap, s.small_size, inner) };
                GapRowLayout { name, gap, inline }
            })
            .collect();
        GapLayout { legend, few, rows }
    }

    fn gap_row_height(&self, row: &GapRowLayout) -> i32 {
        let below = if row.inline { 0 } else { row.gap.len() as i32 * line_height(self.style.small_size) };
        line_height(self.style.text_size) + below + TRACK + ROW_GAP
    }

    /// The legend, the rows and the axis below them.
    fn gaps_height(&self, gaps: &super::gaps::Gaps) -> i32 {
        let layout = self.gap_layout(gaps);
        let small = line_height(self.style.small_size);
        let legend = (layout.legend.len() + layout.few.len()) as i32 * small + 8;
        let rows: i32 = layout.rows.iter().map(|r| self.gap_row_height(r)).sum();
        legend + rows + small + 12
    }

    fn draw_gaps(&self, pen: &mut Pen, gaps: &super::gaps::Gaps) {
        let s = self.style;
        let layout = self.gap_layout(gaps);
        let width = self.size.width as i32;
        let (small, lh) = (s.small_size, line_height(s.small_size));
        let colour_of = |i: usize| s.palette[i % s.palette.len()].as_str();

        let mut y = self.title_height();
        for row in &layout.legend {
            let mut x = PAD;
            for (i, name) in row {
                pen.marker((x + 6, y + lh / 2 - 1), *i, colour_of(*i));
                pen.text(
                    name,
                    (x + 20, y + 1),
                    Label { size: small, fill: &s.ink, bold: false, anchor: Anchor::Start },
                );
                x += 20 + text_width(name, small) + 16;
            }
            y += lh;
        }
        for (k, line) in layout.few.iter().enumerate() {
            if k == 0 {
                pen.hollow((PAD + 6, y + lh / 2 - 1), 0, &s.ink);
            }
            pen.text(line, (PAD + 20, y + 1), Label { size: small, fill: &s.ink, bold: false, anchor: Anchor::Start });
            y += lh;
        }
        y += 8;
        let rows_top = y;
        let rows_bottom = rows_top + layout.rows.iter().map(|r| self.gap_row_height(r)).sum::<i32>();

        // Room for a value beside the dots at either end of the scale.
        let values_w = gaps.rows.iter().flat_map(|r| &r.dots).map(|d| text_width(&d.text, small)).max().unwrap_or(0);
        let left = PAD + values_w + 12;
        let right = width - PAD - values_w - 12;
        let max = gaps.rows.iter().flat_map(|r| &r.dots).map(|d| d.value).fold(0.0, f64::max);
        let (ticks, scale) = bar_ticks(max, ((right - left) / 70).max(2) as usize);
        let px = |v: f64| left + (v / scale * (right - left) as f64).round() as i32;
        let mut placer = Placer::new(Rect::new(2, rows_top - 4, width - 2, rows_bottom + lh + 12));

        let mut top = rows_top;
        let mut tracks = Vec::new();
        for (row, shown) in gaps.rows.iter().zip(&layout.rows) {
            let height = self.gap_row_height(shown);
            if row.highlight {
                pen.tint((PAD - 6, top - 2), (width - PAD + 6, top + height - ROW_GAP + 2), &s.highlight);
            }
            tracks.push(top + height - ROW_GAP - TRACK / 2);
            top += height;
        }
        for t in &ticks {
            let x = px(*t);
            pen.line(vec![(x, rows_top), (x, rows_bottom)], &s.grid, 1, None);
            let text = self.chart.numbers.apply(&format::number(*t, 3));
            pen.text(
                &text,
                (x, rows_bottom + 6),
                Label { size: small, fill: &s.muted, bold: false, anchor: Anchor::Middle },
            );
        }

        let mut top = rows_top;
        for ((row, shown), mid) in gaps.rows.iter().zip(&layout.rows).zip(tracks) {
            let size = s.text_size;
            let name_w = width_of(&shown.name, size, row.highlight);
            pen.text(&shown.name, (PAD, top), Label { size, fill: &s.ink, bold: row.highlight, anchor: Anchor::Start });
            placer.block(text_box(PAD, top, name_w, 1, size));
            let gap_label = Label { size: small, fill: &s.ink, bold: false, anchor: Anchor::Start };
            if shown.inline {
                let x = PAD + name_w + 12;
                pen.text(&shown.gap[0], (x, top + 2), gap_label);
                placer.block(text_box(x, top + 2, text_width(&shown.gap[0], small), 1, small));
            } else {
                for (k, line) in shown.gap.iter().enumerate() {
                    let ty = top + line_height(size) + k as i32 * lh;
                    pen.text(line, (PAD, ty), gap_label);
                    placer.block(text_box(PAD, ty, text_width(line, small), 1, small));
                }
            }
            top += self.gap_row_height(shown);

            let xs: Vec<i32> = row.dots.iter().map(|d| px(d.value)).collect();
            let (lo, hi) = (xs.iter().copied().min().unwrap_or(left), xs.iter().copied().max().unwrap_or(left));
            pen.line(vec![(lo, mid), (hi, mid)], &s.muted, 3, None);
            placer.avoid_line(&[(lo, mid), (hi, mid)]);
            for (i, (dot, x)) in row.dots.iter().zip(&xs).enumerate() {
                if dot.few {
                    pen.hollow((*x, mid), i, colour_of(i));
                } else {
                    pen.marker((*x, mid), i, colour_of(i));
                }
                placer.block(marker_box((*x, mid)));
            }
            // Each value beside its dot, outward first: the lowest to the left, the others to
            // the right; a value with no room is left to the table.
            let ty = mid - (small as i32 * 41 / 100);
            let lowest = xs.iter().position(|x| *x == lo);
            for (i, (dot, x)) in row.dots.iter().zip(&xs).enumerate() {
                let w = text_width(&dot.text, small);
                let (out, inward) = ((x - 9 - w, ty), (x + 9, ty));
                let spots = if Some(i) == lowest && xs.len() > 1 { [out, inward] } else { [inward, out] };
                let boxes: Vec<Rect> = spots.iter().map(|(x, y)| text_box(*x, *y, w, 1, small)).collect();
                if let Some(k) = placer.place(&boxes) {
                    let label = Label { size: small, fill: &s.ink, bold: false, anchor: Anchor::Start };
                    pen.placed(std::slice::from_ref(&dot.text), spots[k], label, boxes[k], None);
                }
            }
        }
    }
}

/// The width of a bar's name as drawn (bold when highlighted).
fn label_width(bar: &super::Bar, size: u32) -> i32 {
    if bar.highlight {
        bold_width(&bar.label, size)
    } else {
        text_width(&bar.label, size)
    }
}

/// Whether a block of bars has a band above its rows, for the marker's label or a rank.
fn band(bars: &[super::Bar], marker: Option<&super::Reference>) -> bool {
    marker.is_some() || bars.iter().any(|b| b.rank.is_some())
}

/// Ticks of a bar axis that ends at `max`: round numbers up to it, at least two; and the
/// value the axis ends at.
fn bar_ticks(max: f64, target: usize) -> (Vec<f64>, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (value_ticks(0.0, 1.0, target), 1.0);
    }
    for t in target..=target + 8 {
        let ticks: Vec<f64> = value_ticks(0.0, max, t).into_iter().filter(|v| *v <= max * (1.0 + 1e-9)).collect();
        if ticks.len() >= 2 {
            return (ticks, max);
        }
    }
    (vec![0.0], max)
}

/// The height above a text's top (plotters' `VPos::Top`, drawn with `dy="0.76em"`) that its
/// glyphs' box reaches: DejaVu Sans ascends 0.93 em above a baseline 0.76 em down.
fn ascent(size: u32) -> i32 {
    (size as i32 * 17 + 99) / 100
}

/// The box a label of `lines` lines of `size` px, `w` px wide, takes with its top-left at
/// `(x, y)`, with a pixel or two of air; its background is drawn over the same box.
fn text_box(x: i32, y: i32, w: i32, lines: i32, size: u32) -> Rect {
    Rect::new(x - 2, y - ascent(size) - 1, x + w + 2, y + (lines - 1) * line_height(size) + size as i32 + 2)
}

/// The room a marker takes (the largest, the triangle, reaches 6 px from its point).
fn marker_box(at: (i32, i32)) -> Rect {
    Rect::new(at.0 - 7, at.1 - 7, at.0 + 7, at.1 + 7)
}

pub(crate) fn line_height(size: u32) -> i32 {
    (size as f64 * 1.35).round() as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::{Bar, Line, Reference};

    pub fn style() -> ChartStyle {
        ChartStyle::from_theme_toml(include_str!("../../themes/default/theme.toml")).unwrap()
    }

    /// Compares with `tests/golden/NAME`; `SALUD_BLESS=1` rewrites the file after a
    /// deliberate change (then look at it before committing).
    fn assert_golden(name: &str, svg: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
        if std::env::var_os("SALUD_BLESS").is_some() {
            std::fs::write(&path, svg).unwrap();
        }
        let golden = std::fs::read_to_string(&path).unwrap();
        assert_eq!(svg, golden, "{name} differs; run with SALUD_BLESS=1 to accept a deliberate change");
    }

    pub fn sample_lines() -> Chart {
        let mut chart = Chart {
            id: "mortality-per-1-000-live-births".into(),
            title: "Under-five mortality and neonatal mortality, Testland".into(),
            subtitle: "per 1,000 live births, 2000–2006".into(),
            unit: "per 1,000 live births".into(),
            kind: Kind::Lines {
                lines: vec![
                    Line {
                        label: "Under-five mortality".into(),
                        points: vec![
                            (2000, 40.0, "40".into()),
                            (2001, 38.5, "38.5".into()),
                            (2004, 30.0, "30".into()),
                            (2005, 28.0, "28".into()),
                        ],
                        country: false,
                        ..Default::default()
                    },
                    Line {
                        label: "Neonatal mortality".into(),
                        points: vec![(2003, 15.0, "15".into()), (2006, 12.5, "12.5".into())],
                        country: false,
                        ..Default::default()
                    },
                ],
                references: vec![Reference { value: 25.0, label: "SDG 3.2 target for 2030".into(), short: Vec::new() }],
                projections: vec![],
                first_year: 2000,
                last_year: 2006,
            },
            sources: vec!["World Bank, World Development Indicators & others".into()],
            source_line: "Source: World Bank, World Development Indicators & others.".into(),
            numbers: Default::default(),
            description: String::new(),
            notes: vec!["A note.".into()],
            indicators: vec!["under5_mortality".into()],
        };
        chart.description = chart.describe(&crate::i18n::Locale::default());
        chart
    }

    #[test]
    fn lines_chart_matches_its_golden_file() {
        let svg = render(&sample_lines(), &style(), style().wide);
        assert_golden("chart-lines.svg", &svg);
    }

    /// Two country lines (a region's chart of two indicators) are told apart by their dash,
    /// in the legend as on the plot.
    #[test]
    fn intervals_are_drawn_and_few_observations_hollow_and_both_are_in_the_table() {
        let mut chart = sample_lines();
        if let Kind::Lines { lines, .. } = &mut chart.kind {
            lines[0].few = vec![2001];
            lines[0].sizes = vec![(2001, 12)];
            lines[0].intervals =
                vec![super::super::Interval { year: 2004, low: 26.0, high: 52.0, text: "26–52".into() }];
        }
        let svg = render(&chart, &style(), style().wide);
        assert_eq!(svg.matches("class=\"interval\"").count(), 1, "{svg}");
        // The axis reaches the interval's top, which is above every value.
        assert!(svg.contains(">60<") || svg.contains(">55<"), "{svg}");
        assert_eq!(svg.matches("r=\"2\"").count(), 1, "one hollow marker: {svg}");

        let (_, rows) = chart.table(&crate::i18n::Locale::default());
        let cell = |year: &str| rows.iter().find(|r| r[0].text == year).map(|r| r[1].clone()).unwrap();
        assert_eq!(cell("2004").text, "30 (26–52)");
        assert!(cell("2001").few && !cell("2000").few);
        assert_eq!(cell("2001").n.as_deref(), Some("n = 12"));
        assert_eq!(cell("2000").n, None);
    }

    #[test]
    fn each_country_line_has_its_own_dash() {
        let mut chart = sample_lines();
        if let Kind::Lines { lines, .. } = &mut chart.kind {
            for (label, value) in [("Under-five, Testland (national)", 35.0), ("Neonatal, Testland (national)", 14.0)] {
                let points = vec![(2000, value, value.to_string()), (2006, value - 4.0, (value - 4.0).to_string())];
                lines.push(Line { label: label.into(), points, country: true, ..Default::default() });
            }
        }
        let svg = render(&chart, &style(), style().wide);
        let reference = format!("stroke=\"{}\"", style().reference.to_uppercase());
        let mut dashes: Vec<&str> = svg
            .lines()
            .filter(|l| l.starts_with("<polyline fill") && l.contains(&reference))
            .filter_map(|l| l.split("stroke-dasharray=\"").nth(1)?.split('"').next())
            .collect();
        dashes.sort_unstable();
        dashes.dedup();
        assert_eq!(dashes, ["2 3", "6 4"], "{svg}");
    }

    #[test]
    fn bars_chart_matches_its_golden_file() {
        let chart = Chart {
            id: "regions-child-stunting".into(),
            title: "Chronic child malnutrition inside Testland".into(),
            subtitle: "% of children under 5, 2023".into(),
            unit: "% of children under 5".into(),
            kind: Kind::Bars {
                bars: vec![
                    Bar {
                        label: "Norte Ñuñoa".into(), value: 28.4, text: "28.4".into(), highlight: false, rank: None
                    },
                    Bar { label: "South".into(), value: 12.2, text: "12.2".into(), highlight: false, rank: None },
                ],
                marker: Some(Reference { value: 19.5, label: "Testland: 19.5".into(), short: Vec::new() }),
                year: 2023,
            },
            sources: vec!["INEI, ENDES".into()],
            source_line: "Source: INEI, ENDES.".into(),
            numbers: Default::default(),
            description: String::new(),
            notes: vec![],
            indicators: vec!["child_stunting".into()],
        };
        let chart = Chart { description: chart.describe(&crate::i18n::Locale::default()), ..chart };
        let svg = render(&chart, &style(), style().narrow);
        assert_golden("chart-bars.svg", &svg);
    }

    fn sample_gaps(rows: usize) -> Chart {
        use crate::charts::gaps::{Dot, GapRow, Gaps};
        let dot = |value: f64, n: u32| Dot { value, text: format!("{value:.1}"), n: Some(n), few: n < 50 };
        let names = ["Testland", "Norte Ñuñoa", "South", "Madre de Dios", "East", "West", "Centre"];
        let rows: Vec<GapRow> = (0..rows)
            .map(|k| {
                let (urban, rural) = (9.4 + k as f64 * 0.7, 22.7 - k as f64 * 2.1);
                GapRow {
                    label: names[k % names.len()].into(),
                    year: 2025,
                    dots: vec![dot(urban, 329), dot(rural, if k == 2 { 12 } else { 443 })],
                    gap: format!("Rural {:.1} times urban (+{:.1} points)", rural / urban, rural - urban),
                    difference: rural - urban,
                    highlight: k == 0,
                }
            })
            .collect();
        let mut chart = Chart {
            id: "gaps-child-stunting-area".into(),
            title: "Chronic child malnutrition: urban and rural, Testland".into(),
            subtitle: "% of children under 5, 2025".into(),
            unit: "% of children under 5".into(),
            kind: Kind::Gaps(Gaps {
                groups: vec!["Urban".into(), "Rural".into()],
                rows,
                few: Some("Hollow: few observations (n < 50), use with caution".into()),
            }),
            sources: vec!["INEI, ENDES".into()],
            source_line: "Source: INEI, ENDES.".into(),
            numbers: Default::default(),
            description: String::new(),
            notes: vec![],
            indicators: vec!["child_stunting".into()],
        };
        chart.description = chart.describe(&crate::i18n::Locale::default());
        chart
    }

    #[test]
    fn gaps_chart_matches_its_golden_file() {
        let svg = render(&sample_gaps(3), &style(), style().narrow);
        assert_golden("chart-gaps.svg", &svg);
    }

    /// Every row's name, gap and values, at every size, inside the drawing and on no other
    /// text; the hollow dot of a value from few observations, and its legend.
    #[test]
    fn gap_charts_keep_every_label_apart_at_every_size() {
        let chart = sample_gaps(7);
        for size in [style().wide, style().narrow, style().print] {
            let svg = render(&chart, &style(), size);
            let boxes = text_boxes(&svg);
            let bounds = Rect::new(0, 0, size.width as i32, svg_height(&svg));
            for (i, (a, ta, _)) in boxes.iter().enumerate() {
                assert!(a.within(&bounds), "{ta} leaves the {} px chart: {a:?}", size.width);
                for (b, tb, _) in &boxes[i + 1..] {
                    assert!(!a.overlaps(b), "at {} px \"{ta}\" {a:?} overlaps \"{tb}\" {b:?}", size.width);
                }
            }
            let texts: Vec<&str> = boxes.iter().map(|b| b.1.as_str()).collect();
            for name in ["Testland", "Madre de Dios", "Rural 2.4 times urban (+13.3 points)", "9.4", "22.7"] {
                assert!(texts.iter().any(|t| t.contains(name)), "{name} at {} px: {texts:?}", size.width);
            }
            assert!(texts.iter().any(|t| t.starts_with("Hollow: few observations")), "{texts:?}");
            // Rows in the order given (sorted by gap by the chart's builder).
            let at = |n: &str| svg.find(&format!(">{n}<")).unwrap();
            assert!(at("Testland") < at("Norte Ñuñoa") && at("Norte Ñuñoa") < at("South"));
        }
    }

    /// The PDF template lists a place's trends by kind: the groups' lines must not be among them.
    #[test]
    fn group_lines_and_gaps_are_kinds_of_their_own() {
        let mut lines = sample_lines();
        assert_eq!(lines.shows().as_str(), "trend");
        lines.id = "groups-child-stunting-area".into();
        assert_eq!(lines.shows().as_str(), "groups");
        assert_eq!(sample_gaps(2).shows().as_str(), "gaps");
    }

    /// A screen reader reads a long chart's own row and its extremes; the table has the rest.
    #[test]
    fn a_long_gap_chart_is_described_by_its_own_row_and_its_extremes() {
        let text = sample_gaps(7).description;
        assert!(text.contains("Testland (2025): urban 9.4 (n = 329), rural 22.7 (n = 443)"), "{text}");
        assert!(text.contains("Norte Ñuñoa has the largest gap and Centre the smallest of 6"), "{text}");
        assert!(!text.contains("South (2025)"), "{text}");
        assert!(sample_gaps(3)
            .description
            .contains("South (2025): urban 10.8 (n = 329), rural 18.5 (n = 12, few observations)"));
    }

    #[test]
    fn the_svg_is_accessible_and_scalable() {
        let svg = render(&sample_lines(), &style(), style().wide);
        assert!(
            svg.starts_with("<svg viewBox=\"0 0 720 440\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""),
            "{}",
            &svg[..200]
        );
        assert!(!svg[..300].contains("width=\"720\""));
        assert!(svg.contains("<title>Under-five mortality and neonatal mortality, Testland</title>"));
        assert!(svg.contains("<desc>Under-five mortality and neonatal mortality, Testland (per 1,000 live births). Under-five mortality: 40 in 2000, 28 in 2005; Neonatal mortality: 15 in 2003, 12.5 in 2006. SDG 3.2 target for 2030: 25.</desc>"));
        assert!(svg.contains("Source: World Bank, World Development Indicators &amp; others."));
        assert!(svg.contains(">per 1,000 live births, 2000–2006</text>"));
    }

    #[test]
    fn a_missing_year_is_a_gap_not_a_line() {
        let svg = render(&sample_lines(), &style(), style().wide);
        // Under-five has runs 2000-2001 and 2004-2005: two lines (plus its legend swatch), not
        // one across 2002-2003.
        let under_five = svg.matches("stroke=\"#0072B2\" stroke-width=\"3\"").count();
        assert_eq!(under_five, 1 + 2, "{svg}");
        // Neonatal's 2003 and 2006 are isolated points: markers, no line (the one dashed line
        // is its legend swatch).
        let neonatal = svg.matches("stroke=\"#D55E00\" stroke-width=\"3\" stroke-dasharray=\"9 5\"").count();
        assert_eq!(neonatal, 1, "{svg}");
        assert!(!svg.contains("width=\"0\" height=\"0\""), "every placeholder is replaced");
    }

    /// Every `<text>` of an SVG document: its content, unescaped enough to count characters.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .map(|t| t.split_once('>').unwrap().1.split("</text>").next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn wrapping_is_greedy_and_loses_no_word_at_10k_and_100k_characters() {
        for n in [10_000, 100_000] {
            let text: String = (0..).map(|i| ["Huánuco ", "de ", "Pillco Marca "][i % 3]).take(n / 6).collect();
            let lines = wrap(&text, 13, 688);
            assert_eq!(lines.join(" "), text.split_whitespace().collect::<Vec<_>>().join(" "));
            for pair in lines.windows(2) {
                assert!(text_width(&pair[0], 13) <= 688, "{}", pair[0]);
                let next = pair[1].split(' ').next().unwrap();
                assert!(text_width(&format!("{} {next}", pair[0]), 13) > 688, "{} | {next}", pair[0]);
            }
        }
    }

    #[test]
    fn text_that_could_never_show_is_cut_before_it_is_shaped() {
        for n in [10_000, 100_000] {
            let word = "Huánuco".repeat(n / 7);
            let mut chart = sample_lines();
            chart.title = format!("{word}, Testland");
            chart.subtitle = word.clone();
            chart.source_line = format!("Source: {word}.");
            if let Kind::Lines { lines, references, .. } = &mut chart.kind {
                lines[0].label = word.clone();
                references[0].label = word.clone();
            }
            for size in [style().wide, style().narrow, style().print] {
                let svg = render(&chart, &style(), size);
                let texts = texts(&svg);
                let longest = texts.iter().map(|t| t.chars().count()).max().unwrap();
                assert!(longest <= max_visible_chars(size.width as i32, style().small_size), "{longest} characters");
                // What shows is the text's beginning, at its place.
                assert!(texts.iter().any(|t| t.starts_with("HuánucoHuánuco")), "{}", &svg[..2000]);
            }
        }
    }

    #[test]
    fn cutting_keeps_the_end_of_right_aligned_text_and_the_middle_of_centred_text() {
        let text = format!("start{}end", "x".repeat(10_000));
        let head = clip_to(&text, 100, 10, Anchor::Start);
        let tail = clip_to(&text, 100, 10, Anchor::End);
        let middle = clip_to(&text, 100, 10, Anchor::Middle);
        let max = max_visible_chars(100, 10);
        assert!(head.starts_with("start") && head.chars().count() == max, "{head}");
        assert!(tail.ends_with("end") && tail.chars().count() == max, "{tail}");
        assert!(middle.chars().all(|c| c == 'x') && middle.chars().count() == max);
        assert_eq!(clip_to("Huánuco", 100, 10, Anchor::End), "Huánuco");
    }

    /// Each `<text>`'s box as the browser draws it (the theme's font metrics), its text and
    /// its class.
    fn text_boxes(svg: &str) -> Vec<(Rect, String, String)> {
        let attr = |tag: &str, name: &str| {
            tag.split_once(&format!(" {name}=\"")).map(|(_, rest)| rest.split('"').next().unwrap().to_string())
        };
        let root = svg.split('>').next().unwrap();
        svg.split("<text")
            .skip(1)
            .map(|t| {
                let (tag, rest) = t.split_once('>').unwrap();
                let text = rest.split("</text>").next().unwrap().replace("&amp;", "&");
                let size: u32 = attr(tag, "font-size").or_else(|| attr(root, "font-size")).unwrap().parse().unwrap();
                let x: i32 = attr(tag, "x").unwrap().parse().unwrap();
                let y: i32 = attr(tag, "y").unwrap().parse().unwrap();
                let w = if tag.contains("bold") { bold_width(&text, size) } else { text_width(&text, size) };
                let x0 = match attr(tag, "text-anchor").as_deref() {
                    Some("middle") => x - w / 2,
                    Some("end") => x - w,
                    _ => x,
                };
                let rect = Rect::new(x0, y - (size as i32 * 17 / 100), x0 + w, y + size as i32);
                (rect, text, attr(tag, "class").unwrap_or_default())
            })
            .collect()
    }

    /// Under-five and neonatal mortality since 1990 on a 0-250 axis, with survey points near
    /// their targets (25 and 12), as in a country's brief.
    fn two_targets(references: Vec<Reference>) -> Chart {
        let years = 1990..=2024;
        let under5: Vec<(i32, f64, String)> =
            years.clone().map(|y| (y, 250.0 - (y - 1990) as f64 * 6.9, String::new())).collect();
        let neonatal: Vec<(i32, f64, String)> =
            years.map(|y| (y, 60.0 - (y - 1990) as f64 * 1.6, String::new())).collect();
        let with_text = |p: Vec<(i32, f64, String)>| -> Vec<(i32, f64, String)> {
            p.into_iter().map(|(y, v, _)| (y, v, format!("{v:.1}"))).collect()
        };
        let mut chart = sample_lines();
        chart.kind = Kind::Lines {
            lines: vec![
                Line {
                    label: "Under-five mortality".into(),
                    points: with_text(under5),
                    country: false,
                    ..Default::default()
                },
                Line {
                    label: "Neonatal mortality".into(),
                    points: with_text(neonatal),
                    country: false,
                    ..Default::default()
                },
                Line {
                    label: "Under-five (survey)".into(),
                    points: vec![(2011, 18.0, "18".into())],
                    country: false,
                    ..Default::default()
                },
                Line {
                    label: "Neonatal (survey)".into(),
                    points: vec![(2011, 9.0, "9".into())],
                    country: false,
                    ..Default::default()
                },
            ],
            references,
            projections: vec![],
            first_year: 1990,
            last_year: 2024,
        };
        chart
    }

    #[test]
    fn targets_25_and_12_on_a_0_250_axis_keep_their_numbers_and_no_labels_overlap() {
        let target = |value: f64, whose: &str| Reference {
            value,
            label: format!("SDG 3.2 target for 2030 ({whose})"),
            short: Vec::new(),
        };
        let chart = two_targets(vec![target(25.0, "under-five mortality"), target(12.0, "neonatal mortality")]);
        for size in [style().wide, style().narrow, style().print] {
            let svg = render(&chart, &style(), size);
            let boxes = text_boxes(&svg);
            let bounds = Rect::new(0, 0, size.width as i32, svg_height(&svg));
            for (i, (a, ta, _)) in boxes.iter().enumerate() {
                assert!(a.within(&bounds), "{ta} leaves the {} px chart: {a:?}", size.width);
                for (b, tb, _) in &boxes[i + 1..] {
                    assert!(!a.overlaps(b), "at {} px \"{ta}\" {a:?} overlaps \"{tb}\" {b:?}", size.width);
                }
            }
            let references: Vec<&String> = boxes.iter().filter(|b| b.2 == "reference").map(|b| &b.1).collect();
            assert_eq!(references.len(), 2, "{references:?}");
            assert!(references.iter().any(|r| r.ends_with("25")) && references.iter().any(|r| r.ends_with("12")));
            // No label sits across the other target's line, where it would read as that one's.
            let mut rules: Vec<i32> = svg
                .lines()
                .filter(|l| l.starts_with("<polyline class=\"reference\""))
                .map(|l| l.split("points=\"").nth(1).unwrap().split([',', ' ']).nth(1).unwrap().parse().unwrap())
                .collect();
            rules.sort();
            let [y25, y12] = rules[..] else { panic!("two target lines: {rules:?}") };
            for (b, text, _) in boxes.iter().filter(|b| b.2 == "reference") {
                let across = |y: i32| b.y0 < y && y < b.y1;
                assert!(
                    !(across(y12) && (text.contains("under-five") || text.ends_with("25"))),
                    "{text} on the 12 line"
                );
                assert!(!(across(y25) && (text.contains("neonatal") || text.ends_with("12"))), "{text} on the 25 line");
            }
            // The survey's single points keep their labels.
            assert!(boxes.iter().any(|b| b.1 == "18") && boxes.iter().any(|b| b.1 == "9"), "{svg}");
        }
    }

    #[test]
    fn a_long_target_label_takes_its_short_form_rather_than_being_cut() {
        let target = |value: f64, whose: &str| Reference {
            value,
            label: format!("Meta 3.2 de los ODS para 2030 ({whose})"),
            short: vec![format!("Meta 3.2 ({whose})"), "Meta 3.2".into()],
        };
        let chart =
            two_targets(vec![target(25.0, "mortalidad en menores de cinco años"), target(12.0, "mortalidad neonatal")]);
        let svg = render(&chart, &style(), style().print);
        let labels: Vec<String> = text_boxes(&svg).into_iter().filter(|b| b.2 == "reference").map(|b| b.1).collect();
        // Each line of a label is a text of its own: a short form may be wrapped, and a label
        // with no room for any name is the number alone.
        assert!(svg.contains(">Meta 3.2"), "{labels:?}");
        assert!(labels.iter().all(|l| !l.contains('…')), "a name cut short: {labels:?}");
        assert!(labels.iter().any(|l| l.ends_with("25")) && labels.iter().any(|l| l.ends_with("12")), "{labels:?}");
    }

    fn svg_height(svg: &str) -> i32 {
        svg.split("viewBox=\"0 0 ").nth(1).unwrap().split(['"', ' ']).nth(1).unwrap().parse().unwrap()
    }

    #[test]
    fn bar_axes_end_at_the_largest_value() {
        assert_eq!(bar_ticks(20.8, 2), (vec![0.0, 20.0], 20.8));
        assert_eq!(bar_ticks(20.8, 4), (vec![0.0, 10.0, 20.0], 20.8));
        assert_eq!(bar_ticks(20.8, 5), (vec![0.0, 5.0, 10.0, 15.0, 20.0], 20.8));
        assert_eq!(bar_ticks(1.5, 2), (vec![0.0, 1.0], 1.5));
        assert_eq!(bar_ticks(0.0, 2).1, 1.0);
    }

    #[test]
    fn rendering_is_deterministic() {
        assert_eq!(
            render(&sample_lines(), &style(), style().narrow),
            render(&sample_lines(), &style(), style().narrow)
        );
    }
}
