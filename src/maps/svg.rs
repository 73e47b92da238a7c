//! Drawing a [`Choropleth`] on a [`Layer`] as SVG.
//!
//! Written directly rather than through plotters: a map is paths with holes (even-odd fill), a
//! hatching pattern and a title on every shape, none of which plotters draws. Its texts are
//! laid out with the charts' font metrics and written as the charts write theirs, so a map's
//! title, legend and source line look like a chart's, and none overlaps another or leaves the
//! image. The map takes the shape's own proportions: as wide as the layout allows, no taller
//! than the layout's height, with the legend beside it when there is room and below when not.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::geometry::{self, Bounds, Fit};
use super::{fill, Choropleth, Layer, MapStyle, MapValue};
use crate::charts::style::{parse_hex, ChartStyle, Size};
use crate::charts::svg::{clip_to, ellipsize, line_height, text_width, wrap, wrap_styled, Anchor};
use crate::escape::{escape, escape_into};

const PAD: i32 = 16;
/// Between the map and a legend beside it.
const GAP: i32 = 24;
const SWATCH_W: i32 = 24;
const SWATCH_H: i32 = 14;
/// Between a swatch and its label.
const SWATCH_GAP: i32 = 6;
/// Between two entries on one row of a legend below the map.
const ENTRY_GAP: i32 = 18;
/// The widest a legend beside the map grows for its heading (the unit), in pixels.
const HEADING_MAX: i32 = 190;
/// The lines between shapes: thin enough for the world's small countries.
const BORDER_WIDTH: f64 = 0.6;

/// The map as a standalone SVG document, in the layout `size` (the charts' wide, narrow or
/// print layout: its width, and the most height the map itself may take).
pub fn render(map: &Choropleth, layer: &Layer, style: &ChartStyle, look: &MapStyle, size: Size) -> String {
    let legend = Legend::new(map, layer, look, style, size.width as i32 - 2 * PAD);
    let layout = Layout::new(map, layer, style, &legend, size);
    let pattern = format!("hatch-{}-{}", xml_id(&map.id), size.width);
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<svg viewBox=\"0 0 {} {}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" font-family=\"{}, sans-serif\">\n<title>{}</title>\n<desc>{}</desc>\n",
        layout.width,
        layout.height,
        escape(&style.font_family),
        escape(&map.title),
        escape(&map.describe())
    );
    let _ = writeln!(
        out,
        "<defs><pattern id=\"{pattern}\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"5\" height=\"5\" fill=\"{}\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" stroke=\"{}\" stroke-width=\"1.5\"/></pattern></defs>",
        hex(&look.no_data),
        hex(&look.hatch)
    );
    let _ = writeln!(
        out,
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"none\"/>",
        layout.width,
        layout.height,
        hex(&style.background)
    );
    let mut pen = Pen { out: &mut out, width: layout.width };
    layout.draw_texts(&mut pen, style);
    draw_shapes(pen.out, map, layer, look, &layout, &format!("url(#{pattern})"));
    layout.draw_legend(&mut pen, &legend, style, look, &pattern);
    out.push_str("</svg>\n");
    out
}

/// `id` with only the characters an XML id may hold everywhere.
fn xml_id(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
}

/// "#0072b2" as the charts write it: "#0072B2".
fn hex(colour: &str) -> String {
    let (r, g, b) = parse_hex(colour).unwrap_or((0, 0, 0));
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// The legend's entries: each class with its range, then "no data" when a shape has none.
struct Legend {
    /// Fill (a colour, or None for the hatching) and label.
    entries: Vec<(Option<String>, String)>,
}

impl Legend {
    fn new(map: &Choropleth, layer: &Layer, look: &MapStyle, style: &ChartStyle, width: i32) -> Legend {
        let classes = map.classes();
        let format = |v: f64| map.numbers.apply(&crate::format::number(v, map.decimals));
        let min = map.values.iter().min_by(|a, b| a.value.total_cmp(&b.value));
        let max = map.values.iter().max_by(|a, b| a.value.total_cmp(&b.value));
        let mut entries = Vec::new();
        if let (Some(min), Some(max)) = (min, max) {
            let k = classes.count();
            for class in 0..k {
                let lo = if class == 0 { min.text.clone() } else { format(classes.breaks[class - 1]) };
                let hi = if class + 1 == k { max.text.clone() } else { format(classes.breaks[class]) };
                let label = if lo == hi { lo } else { format!("{lo}–{hi}") };
                entries.push((Some(hex(classes.colour(class, &look.ramp))), label));
            }
        }
        let valued: std::collections::BTreeSet<&str> = map.values.iter().map(|v| v.place.as_str()).collect();
        if layer.shapes.iter().any(|s| !s.place.as_deref().is_some_and(|p| valued.contains(p))) {
            entries.push((None, map.text.no_data.clone()));
        }
        // An entry wider than the image is cut short (the table beside the map has it whole).
        for e in &mut entries {
            e.1 = ellipsize(&e.1, style.small_size, false, width - SWATCH_W - SWATCH_GAP);
        }
        Legend { entries }
    }

    fn entry_width(&self, i: usize, size: u32) -> i32 {
        SWATCH_W + SWATCH_GAP + text_width(&self.entries[i].1, size)
    }
}

/// Where everything goes, in whole pixels (the shapes' coordinates are in tenths).
struct Layout {
    width: i32,
    height: i32,
    title: Vec<String>,
    subtitle: Vec<String>,
    footer: Vec<String>,
    /// The map's box.
    map: (f64, f64, f64, f64),
    fit: Fit,
    /// The legend's heading (the unit), its top-left corner, and its entries' positions
    /// relative to that corner, below the heading.
    heading: Vec<String>,
    legend_at: (i32, i32),
    entries_at: Vec<(i32, i32)>,
}

impl Layout {
    fn new(map: &Choropleth, layer: &Layer, style: &ChartStyle, legend: &Legend, size: Size) -> Layout {
        let width = size.width as i32;
        let inner = width - 2 * PAD;
        let small = style.small_size;
        let title = wrap_styled(&map.title, style.title_size, inner, true);
        let subtitle = wrap(&map.subtitle(), style.text_size, inner);
        let mut footer = wrap(&map.source_line, small, inner);
        for note in map.notes.iter().chain([&map.disclaimer]) {
            footer.extend(wrap(note, small, inner));
        }
        let header = PAD
            + title.len() as i32 * line_height(style.title_size)
            + subtitle.len().max(1) as i32 * line_height(style.text_size)
            + 12;
        let row = line_height(small).max(SWATCH_H) + 6;

        let b = layer.bounds;
        let (bw, bh) = if b.width() > 0.0 && b.height() > 0.0 { (b.width(), b.height()) } else { (1.0, 1.0) };
        let aspect = bh / bw;
        let map_w = f64::from(inner).min(f64::from(size.height) / aspect);
        let map_h = map_w * aspect;
        let widest = (0..legend.entries.len()).map(|i| legend.entry_width(i, small)).max().unwrap_or(0);
        let column = widest.max(text_width(&map.unit, small).min(HEADING_MAX));
        let beside = f64::from(inner) - map_w >= f64::from(column + GAP);
        let (left, heading_w) = if beside {
            ((f64::from(PAD) + (f64::from(inner) - map_w - f64::from(GAP + column)) / 2.0).round(), column)
        } else {
            (f64::from(PAD) + (f64::from(inner) - map_w) / 2.0, inner)
        };
        let heading = wrap(&map.unit, small, heading_w);
        let top = heading.len() as i32 * line_height(small) + 6;
        let entries_at: Vec<(i32, i32)> = if beside {
            (0..legend.entries.len()).map(|i| (0, top + i as i32 * row)).collect()
        } else {
            flow(legend, inner, top, row, small)
        };
        let legend_h = entries_at.last().map_or(0, |e| e.1 + row);
        let map_bottom = map_h.ceil() as i32;
        let (legend_at, body) = if beside {
            ((left as i32 + map_w.ceil() as i32 + GAP, header), map_bottom.max(legend_h))
        } else {
            ((PAD, header + map_bottom + 12), map_bottom + 12 + legend_h)
        };
        let footer_h = footer.len() as i32 * line_height(small) + PAD;
        Layout {
            width,
            height: header + body + 10 + footer_h,
            title,
            subtitle,
            footer,
            map: (left, f64::from(header), map_w, map_h),
            fit: fit_to(b, left, f64::from(header), map_w),
            heading,
            legend_at,
            entries_at,
        }
    }

    fn draw_texts(&self, pen: &mut Pen, style: &ChartStyle) {
        let mut y = PAD;
        for line in &self.title {
            pen.text(line, (PAD, y), Label { size: style.title_size, fill: &style.ink, bold: true });
            y += line_height(style.title_size);
        }
        for line in &self.subtitle {
            pen.text(line, (PAD, y), Label { size: style.text_size, fill: &style.muted, bold: false });
            y += line_height(style.text_size);
        }
        let small = style.small_size;
        let mut y = self.height - (self.footer.len() as i32 * line_height(small) + PAD) + 6;
        for line in &self.footer {
            pen.text(line, (PAD, y), Label { size: small, fill: &style.muted, bold: false });
            y += line_height(small);
        }
    }

    fn draw_legend(&self, pen: &mut Pen, legend: &Legend, style: &ChartStyle, look: &MapStyle, pattern: &str) {
        if legend.entries.is_empty() {
            return;
        }
        let small = style.small_size;
        let (x0, y0) = self.legend_at;
        for (k, line) in self.heading.iter().enumerate() {
            pen.text(
                line,
                (x0, y0 + k as i32 * line_height(small)),
                Label { size: small, fill: &style.ink, bold: true },
            );
        }
        let text_h = line_height(small);
        for ((fill, label), (dx, dy)) in legend.entries.iter().zip(&self.entries_at) {
            let (x, y) = (x0 + dx, y0 + dy);
            let swatch_y = y + (text_h - SWATCH_H) / 2;
            let paint = fill.clone().unwrap_or_else(|| format!("url(#{pattern})"));
            let _ = writeln!(
                pen.out,
                "<rect x=\"{x}\" y=\"{swatch_y}\" width=\"{SWATCH_W}\" height=\"{SWATCH_H}\" fill=\"{paint}\" stroke=\"{}\" stroke-width=\"0.5\"/>",
                hex(&look.hatch)
            );
            pen.text(label, (x + SWATCH_W + SWATCH_GAP, y), Label { size: small, fill: &style.ink, bold: false });
        }
    }
}

/// Legend entries in rows across `width`, the first row `top` below the heading's top.
fn flow(legend: &Legend, width: i32, top: i32, row: i32, size: u32) -> Vec<(i32, i32)> {
    let mut placed = Vec::with_capacity(legend.entries.len());
    let (mut x, mut y) = (0, top);
    for i in 0..legend.entries.len() {
        let w = legend.entry_width(i, size);
        if x > 0 && x + w > width {
            (x, y) = (0, y + row);
        }
        placed.push((x, y));
        x += w + ENTRY_GAP;
    }
    placed
}

/// The projected bounds `b` scaled to `width` pixels with their top-left corner at `(x, y)`.
fn fit_to(b: Bounds, x: f64, y: f64, width: f64) -> Fit {
    let scale = if b.width() > 0.0 { width / b.width() } else { 1.0 };
    Fit { scale, dx: x - b.x0 * scale, dy: y - b.y0 * scale }
}

/// One `<path>` per shape, coloured by its value's class and titled with its name, value,
/// year and source. A shape whose parts lie far apart (Russia on both sides of the
/// antimeridian) is drawn as one path per part in a group, so that no path reaches across the
/// map.
fn draw_shapes(out: &mut String, map: &Choropleth, layer: &Layer, look: &MapStyle, layout: &Layout, hatch: &str) {
    let classes = map.classes();
    let mut values: BTreeMap<&str, &MapValue> = BTreeMap::new();
    for v in &map.values {
        values.entry(v.place.as_str()).or_insert(v);
    }
    let _ = writeln!(
        out,
        "<g stroke=\"{}\" stroke-width=\"{BORDER_WIDTH}\" stroke-linejoin=\"round\" fill-rule=\"evenodd\">",
        hex(&look.border)
    );
    let half = layout.map.2 / 2.0;
    for shape in &layer.shapes {
        let place = shape.place.as_deref();
        let name = place.and_then(|p| map.names.get(p)).map_or(shape.name.as_str(), String::as_str);
        let value = place.and_then(|p| values.get(p));
        let (paint, title) = match value {
            Some(v) => (
                hex(classes.colour(classes.of(v.value), &look.ramp)),
                fill(
                    &map.text.shape,
                    &[("place", name), ("value", &v.text), ("year", &v.year.to_string()), ("source", &v.source)],
                ),
            ),
            None => (hatch.to_string(), fill(&map.text.shape_no_data, &[("place", name)])),
        };
        let data = place.map(|p| format!(" data-place=\"{}\"", escape(p))).unwrap_or_default();
        let parts: Vec<&geometry::Polygon> = shape.parts.iter().collect();
        let spread = span(&parts) * layout.fit.scale > half;
        if spread && parts.len() > 1 {
            let _ = write!(out, "<g{data} fill=\"{paint}\"><title>");
            escape_into(out, &title);
            out.push_str("</title>");
            for part in &parts {
                out.push_str("<path d=\"");
                geometry::path_data(&[part], layout.fit, out);
                out.push_str("\"/>");
            }
            out.push_str("</g>\n");
        } else {
            let _ = write!(out, "<path{data} fill=\"{paint}\" d=\"");
            geometry::path_data(&parts, layout.fit, out);
            out.push_str("\"><title>");
            escape_into(out, &title);
            out.push_str("</title></path>\n");
        }
    }
    out.push_str("</g>\n");
}

/// How far apart, in projected units, the parts of a shape reach across.
fn span(parts: &[&geometry::Polygon]) -> f64 {
    let mut b = Bounds::EMPTY;
    for p in parts.iter().flat_map(|p| p.iter()).flatten() {
        b.add(*p);
    }
    b.width()
}

struct Pen<'a> {
    out: &'a mut String,
    width: i32,
}

/// How a text is written.
#[derive(Clone, Copy)]
struct Label<'a> {
    size: u32,
    fill: &'a str,
    bold: bool,
}

impl Pen<'_> {
    /// A text hanging from `(x, y)`, written as the charts write theirs.
    fn text(&mut self, text: &str, (x, y): (i32, i32), label: Label) {
        let text = clip_to(text, self.width, label.size, Anchor::Start);
        let _ = write!(
            self.out,
            "<text x=\"{x}\" y=\"{y}\" dy=\"0.76em\" font-size=\"{}\" fill=\"{}\"",
            label.size,
            hex(label.fill)
        );
        if label.bold {
            self.out.push_str(" font-weight=\"bold\"");
        }
        self.out.push('>');
        escape_into(self.out, &text);
        self.out.push_str("</text>\n");
    }
}
