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
use super::style::{parse_hex, ChartStyle, Size};
use super::{Chart, Kind};
use crate::format;

const PAD: i32 = 16;

/// The chart as a standalone SVG document, at the given layout size.
pub fn render(chart: &Chart, style: &ChartStyle, size: Size) -> String {
    let mut layout = Layout::new(chart, style, size);
    let height = layout.height();
    let backend = Rc::new(RefCell::new(CompactSvg::new((size.width, height))));
    let mut pen = Pen { area: &DrawingArea::from(&backend), style };
    pen.fill(size.width, height);
    layout.draw(&mut pen);
    let body = backend.borrow_mut().finish();
    // `role`, `<title>` and `<desc>` for screen readers; no fixed width or height, so the
    // chart scales to the page.
    let mut svg = format!(
        "<svg viewBox=\"0 0 {} {height}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" font-family=\"{}, sans-serif\">\n<title>{}</title>\n<desc>{}</desc>",
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

/// Approximate advance width of text in DejaVu Sans, which averages about 0.6 em per
/// character; used only to wrap and place labels, never to clip them.
pub(crate) fn text_width(text: &str, size: u32) -> i32 {
    chars_width(text.chars().count(), size)
}

/// The approximate width of `chars` characters, as [`text_width`] measures.
fn chars_width(chars: usize, size: u32) -> i32 {
    (chars as f64 * size as f64 * 0.6).ceil() as i32
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
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_chars = 0;
    for word in text.split_whitespace() {
        let word_chars = word.chars().count();
        if line.is_empty() {
            line.push_str(word);
            line_chars = word_chars;
        } else if chars_width(line_chars + 1 + word_chars, size) > width {
            lines.push(std::mem::replace(&mut line, word.to_string()));
            line_chars = word_chars;
        } else {
            line.push(' ');
            line.push_str(word);
            line_chars += 1 + word_chars;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

struct Pen<'a> {
    area: &'a DrawingArea<CompactSvg, Shift>,
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

    /// Text on a background-coloured box, so it stays readable over lines.
    fn halo_text(&mut self, text: &str, (x, y): (i32, i32), label: Label) {
        let Label { size, anchor, .. } = label;
        let w = text_width(text, size);
        let x0 = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - w / 2,
            Anchor::End => x - w,
        };
        let bg = self.style.background.clone();
        self.rect((x0 - 2, y - 1), (x0 + w + 2, y + line_height(size) - 2), &bg);
        self.text(text, (x, y), label);
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
    footer: Vec<String>,
    legend_rows: Vec<Vec<(usize, String)>>,
}

impl<'a> Layout<'a> {
    fn new(chart: &'a Chart, style: &'a ChartStyle, size: Size) -> Layout<'a> {
        let inner = size.width as i32 - 2 * PAD;
        let title = wrap(&chart.title, style.title_size, inner);
        let mut footer = wrap(&chart.source_line, style.small_size, inner);
        for note in &chart.notes {
            footer.extend(wrap(note, style.small_size, inner));
        }
        let mut legend_rows: Vec<Vec<(usize, String)>> = Vec::new();
        if let Kind::Lines { lines, .. } = &chart.kind {
            let mut row: Vec<(usize, String)> = Vec::new();
            let mut used = 0;
            for (i, line) in lines.iter().enumerate() {
                let w = 34 + text_width(&line.label, style.small_size) + 18;
                if used + w > inner && !row.is_empty() {
                    legend_rows.push(std::mem::take(&mut row));
                    used = 0;
                }
                row.push((i, line.label.clone()));
                used += w;
            }
            if !row.is_empty() {
                legend_rows.push(row);
            }
        }
        Layout { chart, style, size, title, footer, legend_rows }
    }

    fn title_height(&self) -> i32 {
        let s = self.style;
        PAD + self.title.len() as i32 * line_height(s.title_size) + line_height(s.text_size) + 4
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
        let above = if marker { small + 4 } else { 4 };
        let below = if axis { small + 12 } else { 4 };
        above + rows as i32 * self.bar_row() + below
    }

    fn height(&mut self) -> u32 {
        match &self.chart.kind {
            Kind::Lines { .. } => self.size.height,
            Kind::Bars { bars, marker, .. } => {
                (self.title_height() + self.block_height(bars.len(), marker.is_some(), true) + self.footer_height())
                    as u32
            }
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
        pen.text(
            &self.chart.subtitle,
            (PAD, y),
            Label { size: s.text_size, fill: &s.muted, bold: false, anchor: Anchor::Start },
        );
        let height = self.height() as i32;
        let mut fy = height - self.footer_height() + 6;
        for line in &self.footer {
            pen.text(line, (PAD, fy), Label { size: s.small_size, fill: &s.muted, bold: false, anchor: Anchor::Start });
            fy += line_height(s.small_size);
        }
        match &self.chart.kind {
            Kind::Lines { .. } => self.draw_lines(pen),
            Kind::Bars { bars, marker, .. } => {
                let labels = bars.iter().map(|b| text_width(&b.label, s.text_size)).max().unwrap_or(0);
                self.draw_bar_block(pen, self.title_height(), bars, marker.as_ref(), labels, true);
            }
            Kind::Panels(panels) => {
                let labels = panels
                    .iter()
                    .flat_map(|p| p.bars.iter().map(|b| text_width(&b.label, s.text_size)))
                    .max()
                    .unwrap_or(0);
                let mut top = self.title_height();
                for panel in panels {
                    pen.text(
                        &panel.title,
                        (PAD, top),
                        Label { size: s.text_size, fill: &s.ink, bold: true, anchor: Anchor::Start },
                    );
                    let x = PAD + text_width(&panel.title, s.text_size) + 8;
                    pen.text(
                        &panel.subtitle,
                        (x, top + 1),
                        Label { size: s.small_size, fill: &s.muted, bold: false, anchor: Anchor::Start },
                    );
                    top += line_height(s.text_size);
                    top = self.draw_bar_block(pen, top, &panel.bars, None, labels, false) + 8;
                }
            }
        }
    }

    fn draw_lines(&self, pen: &mut Pen) {
        let Kind::Lines { lines, references, first_year, last_year } = &self.chart.kind else { return };
        let s = self.style;
        let width = self.size.width as i32;
        let height = self.size.height as i32;

        let mut ly = self.title_height();
        for row in &self.legend_rows {
            let mut x = PAD;
            for (i, label) in row {
                let c = &s.palette[i % s.palette.len()];
                let mid = ly + line_height(s.small_size) / 2 - 1;
                pen.line(vec![(x, mid), (x + 26, mid)], c, 3, DASHES[i % DASHES.len()]);
                pen.marker((x + 13, mid), *i, c);
                pen.text(
                    label,
                    (x + 34, ly + 1),
                    Label { size: s.small_size, fill: &s.ink, bold: false, anchor: Anchor::Start },
                );
                x += 34 + text_width(label, s.small_size) + 18;
            }
            ly += line_height(s.small_size);
        }

        let values = lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)).chain(references.iter().map(|r| r.value));
        let (min, max) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let ticks = value_ticks(min, max, 5);
        let (y_lo, y_hi) = (ticks[0], *ticks.last().unwrap_or(&1.0));
        let tick_texts: Vec<String> = ticks.iter().map(|t| self.chart.numbers.apply(&format::number(*t, 3))).collect();
        let label_w = tick_texts.iter().map(|t| text_width(t, s.small_size)).max().unwrap_or(0);

        let left = PAD + label_w + 8;
        let right = width - PAD - text_width("00,000.0", s.small_size);
        let top = ly + 10;
        let bottom = height - self.footer_height() - line_height(s.small_size) - 10;
        let span = (*last_year - *first_year).max(1) as f64;
        let (x0, x1) = (*first_year as f64 - span * 0.02 - 0.5, *last_year as f64 + span * 0.02 + 0.5);
        let px = |year: f64| left + ((year - x0) / (x1 - x0) * (right - left) as f64).round() as i32;
        let py = |v: f64| bottom - ((v - y_lo) / (y_hi - y_lo) * (bottom - top) as f64).round() as i32;

        for (t, text) in ticks.iter().zip(&tick_texts) {
            let y = py(*t);
            pen.line(vec![(left, y), (right, y)], if *t == 0.0 { &s.ink } else { &s.grid }, 1, None);
            pen.text(
                text,
                (left - 6, y - line_height(s.small_size) / 2 + 1),
                Label { size: s.small_size, fill: &s.muted, bold: false, anchor: Anchor::End },
            );
        }
        for year in year_ticks(*first_year, *last_year, ((right - left) / 70).max(2) as usize) {
            let x = px(year as f64);
            pen.line(vec![(x, bottom), (x, bottom + 5)], &s.ink, 1, None);
            pen.text(
                &year.to_string(),
                (x, bottom + 7),
                Label { size: s.small_size, fill: &s.muted, bold: false, anchor: Anchor::Middle },
            );
        }
        // Reference labels go above their line at the left, else at the right, else below:
        // the first place where they do not cover another label.
        let mut refs: Vec<(i32, String)> = references
            .iter()
            .map(|r| (py(r.value), format!("{}: {}", r.label, self.chart.numbers.apply(&format::number(r.value, 1)))))
            .collect();
        refs.sort_by_key(|r| r.0);
        for (y, _) in &refs {
            pen.line(vec![(left, *y), (right, *y)], &s.reference, 2, Some((6, 4)));
        }
        let small = line_height(s.small_size);
        let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
        for (y, label) in &refs {
            let w = text_width(label, s.small_size);
            let candidates = [
                (left + 4, y - small - 1),
                (right - 70 - w, y - small - 1),
                (left + 4, y + 3),
                (right - 70 - w, y + 3),
            ];
            let free = |(x, ty): (i32, i32)| {
                ty + small <= bottom
                    && !placed
                        .iter()
                        .any(|(px0, py0, px1, py1)| x < *px1 && x + w > *px0 && ty < *py1 && ty + small > *py0)
            };
            let (x, ty) = candidates.into_iter().find(|c| free(*c)).unwrap_or(candidates[0]);
            pen.halo_text(
                label,
                (x, ty),
                Label { size: s.small_size, fill: &s.reference, bold: false, anchor: Anchor::Start },
            );
            placed.push((x, ty, x + w, ty + small));
        }
        let mut end_labels: Vec<(i32, i32, String, usize)> = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let c = &s.palette[i % s.palette.len()];
            let dash = DASHES[i % DASHES.len()];
            // Consecutive years are joined; a missing year breaks the line.
            let mut run: Vec<(i32, i32)> = Vec::new();
            let mut previous: Option<i32> = None;
            let few = line.points.len() <= 25;
            for (year, value, _) in &line.points {
                let at = (px(*year as f64), py(*value));
                if previous.is_some_and(|p| p + 1 != *year) {
                    flush_run(pen, &mut run, c, dash);
                }
                run.push(at);
                if few {
                    pen.marker(at, i, c);
                }
                previous = Some(*year);
            }
            flush_run(pen, &mut run, c, dash);
            if let Some((year, value, text)) = line.points.last() {
                let at = (px(*year as f64), py(*value));
                pen.marker(at, i, c);
                if year == last_year {
                    end_labels.push((at.0 + 8, at.1, text.clone(), i));
                } else {
                    // A series that ends earlier is labelled above its last point.
                    pen.halo_text(
                        text,
                        (at.0, at.1 - small - 5),
                        Label { size: s.small_size, fill: c, bold: true, anchor: Anchor::Middle },
                    );
                }
            }
        }
        // Latest values at the right edge, nudged apart so they never overlap.
        end_labels.sort_by_key(|l| l.1);
        for k in 1..end_labels.len() {
            if end_labels[k].1 - end_labels[k - 1].1 < small {
                end_labels[k].1 = end_labels[k - 1].1 + small;
            }
        }
        for (x, y, text, i) in end_labels {
            pen.text(
                &text,
                (x, y - small / 2),
                Label { size: s.small_size, fill: &s.palette[i % s.palette.len()], bold: true, anchor: Anchor::Start },
            );
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
        let left = PAD + label_width.min(width * 2 / 5) + 10;
        let right = width - PAD - text_width("00,000.0", s.text_size);
        let rows_top = top + if marker.is_some() { line_height(s.small_size) + 4 } else { 4 };
        let row = self.bar_row();
        let bottom = rows_top + bars.len() as i32 * row;
        let max = bars.iter().map(|b| b.value).chain(marker.map(|m| m.value)).fold(0.0, f64::max);
        let ticks = value_ticks(0.0, max, ((right - left) / 90).max(2) as usize);
        let top_tick = *ticks.last().unwrap_or(&1.0);
        let px = |v: f64| left + (v / top_tick * (right - left) as f64).round() as i32;

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
        for (k, bar) in bars.iter().enumerate() {
            let y = rows_top + k as i32 * row;
            let fill = if bar.highlight { &s.highlight } else { &s.bar };
            pen.rect((left, y + 4), (px(bar.value).max(left + 1), y + row - 4), fill);
            let room = left - PAD - 10;
            let label = if text_width(&bar.label, s.text_size) > room {
                let keep = (room as f64 / (s.text_size as f64 * 0.6)) as usize;
                format!("{}…", bar.label.chars().take(keep.saturating_sub(1)).collect::<String>())
            } else {
                bar.label.clone()
            };
            let ty = y + (row - line_height(s.text_size)) / 2 + 2;
            pen.text(
                &label,
                (left - 8, ty),
                Label { size: s.text_size, fill: &s.ink, bold: bar.highlight, anchor: Anchor::End },
            );
            pen.text(
                &bar.text,
                (px(bar.value) + 6, ty),
                Label { size: s.text_size, fill: &s.ink, bold: bar.highlight, anchor: Anchor::Start },
            );
        }
        pen.line(vec![(left, rows_top), (left, bottom)], &s.ink, 1, None);
        if let Some(m) = marker {
            let x = px(m.value);
            pen.line(vec![(x, rows_top - 4), (x, bottom)], &s.reference, 2, Some((6, 4)));
            let anchor = if x > (left + right) / 2 { Anchor::End } else { Anchor::Start };
            pen.text(&m.label, (x, top), Label { size: s.small_size, fill: &s.reference, bold: true, anchor });
        }
        if axis {
            bottom + line_height(s.small_size) + 12
        } else {
            bottom + 4
        }
    }
}

/// Draws a run of consecutive years as one line; a single point stays a marker.
fn flush_run(pen: &mut Pen, run: &mut Vec<(i32, i32)>, c: &str, dash: Option<(u32, u32)>) {
    if run.len() > 1 {
        pen.line(std::mem::take(run), c, 3, dash);
    }
    run.clear();
}

fn line_height(size: u32) -> i32 {
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
                    },
                    Line {
                        label: "Neonatal mortality".into(),
                        points: vec![(2003, 15.0, "15".into()), (2006, 12.5, "12.5".into())],
                    },
                ],
                references: vec![Reference { value: 25.0, label: "SDG 3.2 target for 2030".into() }],
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

    #[test]
    fn bars_chart_matches_its_golden_file() {
        let chart = Chart {
            id: "regions-child-stunting".into(),
            title: "Chronic child malnutrition inside Testland".into(),
            subtitle: "% of children under 5, 2023".into(),
            unit: "% of children under 5".into(),
            kind: Kind::Bars {
                bars: vec![
                    Bar { label: "Norte Ñuñoa".into(), value: 28.4, text: "28.4".into(), highlight: false },
                    Bar { label: "South".into(), value: 12.2, text: "12.2".into(), highlight: false },
                ],
                marker: Some(Reference { value: 19.5, label: "Testland: 19.5".into() }),
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

    #[test]
    fn rendering_is_deterministic() {
        assert_eq!(
            render(&sample_lines(), &style(), style().narrow),
            render(&sample_lines(), &style(), style().narrow)
        );
    }
}
