//! The plotters drawing backend salud's charts are drawn on: each shape plotters hands it
//! becomes one SVG element, written straight into the document.
//!
//! plotters' own SVG backend repeats on every element what the document already says once
//! (opacity 1, the font family, the default text anchor) and formats each attribute into its
//! own string; with a dozen charts per place, two layouts each, that was a third of a large
//! build. This one writes only what differs from the defaults, with no allocation per
//! attribute, and knows one thing plotters does not: a dashed line ([`Dashed`]).
//!
//! Writing into a `String` cannot fail, so the results of `write!` are ignored.

use std::convert::Infallible;
use std::fmt::Write as _;

use plotters::element::{Drawable, PointCollection};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontStyle,
};

type Result = std::result::Result<(), DrawingErrorKind<Infallible>>;

/// An SVG document being drawn. [`CompactSvg::finish`] gives the markup of its shapes.
pub struct CompactSvg {
    size: (u32, u32),
    body: String,
}

impl CompactSvg {
    pub fn new(size: (u32, u32)) -> CompactSvg {
        CompactSvg { size, body: String::with_capacity(4096) }
    }

    /// The elements drawn so far, one per line, without the enclosing `<svg>`; the
    /// document starts again empty.
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.body)
    }

    /// [`CompactSvg::finish`], with the font size and the fill most texts share taken off
    /// them, and returned as attributes for `<svg>` to give once: texts are most of a chart's
    /// elements, and most of them are tick labels alike (a tenth of a place page's weight).
    pub fn finish_hoisted(&mut self) -> (String, String) {
        let body = self.finish();
        // Built once per chart, not once per text: a build of 2,000 places spent a seventh of
        // its time here, in small allocations and searches.
        let names = ["font-size", "fill"].map(|name| (name, Attribute::new(name)));
        let mut counts: [std::collections::BTreeMap<&str, usize>; 2] = Default::default();
        for (tag, _) in body.lines().filter_map(text_tag) {
            for ((_, attribute), counts) in names.iter().zip(&mut counts) {
                if let Some(value) = attribute.value_in(tag) {
                    *counts.entry(value).or_default() += 1;
                }
            }
        }
        let hoisted: Vec<String> = names
            .iter()
            .zip(counts)
            .filter_map(|((name, _), counts)| {
                let (value, _) = counts.into_iter().rev().max_by_key(|(_, n)| *n)?;
                Some(format!(" {name}=\"{value}\""))
            })
            .collect();
        let mut out = String::with_capacity(body.len());
        let mut kept = String::new();
        for line in body.lines() {
            match text_tag(line) {
                Some((tag, rest)) => {
                    kept.clear();
                    kept.push_str(tag);
                    for attr in &hoisted {
                        if let Some(at) = kept.find(attr.as_str()) {
                            kept.replace_range(at..at + attr.len(), "");
                        }
                    }
                    for piece in ["<text ", kept.trim_start(), ">", rest, "\n"] {
                        out.push_str(piece);
                    }
                }
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        (out, hoisted.concat())
    }

    /// Marks the last `element` drawn (`"text"`, `"polyline"`) with `class`, so tests (and
    /// stylesheets) can tell reference labels and lines from the rest.
    pub fn tag_last(&mut self, element: &str, class: &str) {
        if let Some(at) = self.body.rfind(&format!("<{element} ")) {
            self.body.insert_str(at + 1 + element.len(), &format!(" class=\"{class}\""));
        }
    }

    /// ` opacity="..."`, unless the colour is opaque (the SVG default).
    fn opacity(&mut self, color: BackendColor) {
        if color.alpha != 1.0 {
            let _ = write!(self.body, " opacity=\"{}\"", color.alpha);
        }
    }

    fn points(&mut self, points: impl IntoIterator<Item = BackendCoord>) {
        self.body.push_str(" points=\"");
        for (x, y) in points {
            let _ = write!(self.body, "{x},{y} ");
        }
        self.body.push_str("\"/>\n");
    }

    fn polyline(
        &mut self,
        points: impl IntoIterator<Item = BackendCoord>,
        color: BackendColor,
        width: u32,
        dash: Option<(u32, u32)>,
    ) {
        self.body.push_str("<polyline fill=\"none\"");
        self.opacity(color);
        let _ = write!(self.body, " stroke=\"{}\" stroke-width=\"{width}\"", Hex(color));
        if let Some((on, off)) = dash {
            let _ = write!(self.body, " stroke-dasharray=\"{on} {off}\"");
        }
        self.points(points);
    }
}

/// A `<text>` line's tag (its attributes) and what follows it.
fn text_tag(line: &str) -> Option<(&str, &str)> {
    line.strip_prefix("<text ")?.split_once('>')
}

/// An attribute looked up in tags: ` name="` inside one, `name="` at its start.
struct Attribute {
    inside: String,
    first: String,
}

impl Attribute {
    fn new(name: &str) -> Attribute {
        Attribute { inside: format!(" {name}=\""), first: format!("{name}=\"") }
    }

    fn value_in<'a>(&self, tag: &'a str) -> Option<&'a str> {
        let start = tag
            .find(self.inside.as_str())
            .map(|i| i + self.inside.len())
            .or_else(|| tag.starts_with(self.first.as_str()).then_some(self.first.len()))?;
        tag[start..].split('"').next()
    }
}

/// A colour as SVG writes it: `#0072B2`.
struct Hex(BackendColor);

impl std::fmt::Display for Hex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (r, g, b) = self.0.rgb;
        write!(f, "#{r:02X}{g:02X}{b:02X}")
    }
}

impl DrawingBackend for CompactSvg {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result {
        Ok(())
    }

    fn present(&mut self) -> Result {
        Ok(())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result {
        self.draw_rect(point, (point.0 + 1, point.1 + 1), &color, true)
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result {
        self.draw_path([from, to], style)
    }

    fn draw_rect<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S, fill: bool) -> Result {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let _ = write!(
            self.body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
            from.0,
            from.1,
            to.0 - from.0,
            to.1 - from.1
        );
        self.opacity(color);
        if fill {
            let _ = writeln!(self.body, " fill=\"{}\"/>", Hex(color));
        } else {
            let _ = writeln!(self.body, " fill=\"none\" stroke=\"{}\"/>", Hex(color));
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Result {
        if style.color().alpha != 0.0 {
            self.polyline(path, style.color(), style.stroke_width(), None);
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result {
        if style.color().alpha != 0.0 {
            self.body.push_str("<polygon");
            self.opacity(style.color());
            let _ = write!(self.body, " fill=\"{}\"", Hex(style.color()));
            self.points(vertices);
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Result {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let _ = write!(self.body, "<circle cx=\"{}\" cy=\"{}\" r=\"{radius}\"", center.0, center.1);
        self.opacity(color);
        let (hex, width) = (Hex(color), style.stroke_width());
        if fill {
            let _ = writeln!(self.body, " fill=\"{hex}\"/>");
        } else {
            let _ = writeln!(self.body, " fill=\"none\" stroke=\"{hex}\" stroke-width=\"{width}\"/>");
        }
        Ok(())
    }

    /// Text hangs from its position (plotters' `VPos::Top`); the font family is the
    /// document's, named once on `<svg>`.
    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, (x, y): BackendCoord) -> Result {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let anchor = style.anchor();
        let dy = match anchor.v_pos {
            VPos::Top => "0.76em",
            VPos::Center => "0.5ex",
            VPos::Bottom => "-0.5ex",
        };
        let _ = write!(self.body, "<text x=\"{x}\" y=\"{y}\" dy=\"{dy}\"");
        match anchor.h_pos {
            HPos::Left => {}
            HPos::Center => self.body.push_str(" text-anchor=\"middle\""),
            HPos::Right => self.body.push_str(" text-anchor=\"end\""),
        }
        let _ = write!(self.body, " font-size=\"{}\"", style.size());
        self.opacity(color);
        let _ = write!(self.body, " fill=\"{}\"", Hex(color));
        match style.style() {
            FontStyle::Normal => {}
            FontStyle::Bold => self.body.push_str(" font-weight=\"bold\""),
            other => {
                let _ = write!(self.body, " font-style=\"{}\"", other.as_str());
            }
        }
        self.body.push('>');
        crate::escape::escape_into(&mut self.body, text);
        self.body.push_str("</text>\n");
        Ok(())
    }
}

/// A dashed polyline: one element with `stroke-dasharray` (plotters' own path has no dashes,
/// and its dashed series draw every dash as an element of its own).
pub struct Dashed {
    pub points: Vec<BackendCoord>,
    pub color: BackendColor,
    pub width: u32,
    pub dash: (u32, u32),
}

impl<'a> PointCollection<'a, BackendCoord> for &'a Dashed {
    type Point = &'a BackendCoord;
    type IntoIter = &'a [BackendCoord];

    fn point_iter(self) -> &'a [BackendCoord] {
        &self.points
    }
}

impl Drawable<CompactSvg> for Dashed {
    fn draw<I: Iterator<Item = BackendCoord>>(&self, points: I, backend: &mut CompactSvg, _: (u32, u32)) -> Result {
        backend.polyline(points, self.color, self.width, Some(self.dash));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::element::{Rectangle, Text};
    use plotters::prelude::{DrawingArea, IntoFont};
    use plotters::style::text_anchor::Pos;
    use plotters::style::{Color, RGBColor, TextStyle};
    use std::{cell::RefCell, rc::Rc};

    #[test]
    fn only_what_differs_from_the_defaults_is_written() {
        let backend = Rc::new(RefCell::new(CompactSvg::new((100, 50))));
        let area = DrawingArea::from(&backend);
        area.draw(&Rectangle::new([(1, 2), (11, 22)], RGBColor(0, 114, 178).mix(0.5))).unwrap();
        let style = TextStyle::from(("DejaVu Sans", 12.0).into_font())
            .color(&RGBColor(29, 35, 39))
            .pos(Pos::new(HPos::Right, VPos::Top));
        area.draw(&Text::new("A & <b>", (90, 5), style)).unwrap();
        let dash = Dashed {
            points: vec![(0, 9), (50, 9)],
            color: RGBColor(213, 94, 0).to_backend_color(),
            width: 2,
            dash: (6, 4),
        };
        area.draw(&dash).unwrap();
        assert_eq!(
            backend.borrow_mut().finish(),
            "<rect x=\"1\" y=\"2\" width=\"10\" height=\"20\" opacity=\"0.5\" fill=\"none\" stroke=\"#0072B2\"/>\n\
             <text x=\"90\" y=\"5\" dy=\"0.76em\" text-anchor=\"end\" font-size=\"12\" fill=\"#1D2327\">A &amp; &lt;b&gt;</text>\n\
             <polyline fill=\"none\" stroke=\"#D55E00\" stroke-width=\"2\" stroke-dasharray=\"6 4\" points=\"0,9 50,9 \"/>\n"
        );
    }

    #[test]
    fn the_size_and_fill_most_texts_share_are_given_once() {
        let mut svg = CompactSvg::new((100, 50));
        svg.body = "<text x=\"1\" y=\"2\" font-size=\"12\" fill=\"#57606A\">10</text>\n\
                    <text x=\"1\" y=\"9\" font-size=\"12\" fill=\"#57606A\">20</text>\n\
                    <rect x=\"0\" y=\"0\" width=\"1\" height=\"1\" fill=\"#57606A\"/>\n\
                    <text x=\"1\" y=\"5\" font-size=\"19\" fill=\"#1D2327\" font-weight=\"bold\">A fill=\"x\"</text>\n"
            .to_string();
        let (body, defaults) = svg.finish_hoisted();
        assert_eq!(defaults, " font-size=\"12\" fill=\"#57606A\"");
        assert_eq!(
            body,
            "<text x=\"1\" y=\"2\">10</text>\n<text x=\"1\" y=\"9\">20</text>\n\
             <rect x=\"0\" y=\"0\" width=\"1\" height=\"1\" fill=\"#57606A\"/>\n\
             <text x=\"1\" y=\"5\" font-size=\"19\" fill=\"#1D2327\" font-weight=\"bold\">A fill=\"x\"</text>\n"
        );
    }
}
