//! The picture a link to a place shows on social media and in chat apps (Open Graph's
//! `og:image`): 1200 x 630, the place's name and up to three of its latest key figures, drawn
//! as SVG and rasterised with the bundled font like the charts' PNGs.

use super::svg::{clip_to, text_width, wrap, Anchor};
use super::ChartStyle;
use crate::escape::escape;

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// One figure on the card: the value as readers see it and what it is ("Neonatal mortality,
/// per 1,000 live births, 2024").
pub struct Figure {
    pub value: String,
    pub label: String,
}

pub struct Card<'a> {
    pub site: &'a str,
    pub name: &'a str,
    /// "Country · Latin America & Caribbean".
    pub kicker: &'a str,
    pub figures: Vec<Figure>,
    /// The sources of the figures, named at the foot as on every chart.
    pub source_line: &'a str,
}

/// The card as an SVG document; the same card gives the same bytes.
pub fn svg(card: &Card, style: &ChartStyle) -> String {
    let margin = 64;
    let inner = WIDTH as i32 - 2 * margin;
    let accent = style.palette.first().map_or("#0b5563", String::as_str);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" font-family=\"{}\">\n\
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"{}\"/>\n<rect width=\"{WIDTH}\" height=\"14\" fill=\"{accent}\"/>\n",
        escape(&style.font_family),
        style.background
    );
    let mut text = |x: i32, y: i32, size: u32, fill: &str, bold: bool, content: &str| {
        out.push_str(&format!(
            "<text x=\"{x}\" y=\"{y}\" font-size=\"{size}\" fill=\"{fill}\"{}>{}</text>\n",
            if bold { " font-weight=\"bold\"" } else { "" },
            escape(&clip_to(content, WIDTH as i32, size, Anchor::Start))
        ));
    };
    text(margin, 82, 26, &style.muted, true, &card.site.to_uppercase());
    // The name as large as fits on one line, between 48 and 84 px.
    let name_size = (48..=84).rev().step_by(4).find(|s| text_width(card.name, *s) <= inner).unwrap_or(48);
    let name_lines = wrap(card.name, name_size, inner);
    let mut y = 82 + 28 + name_size as i32;
    for line in name_lines.iter().take(2) {
        text(margin, y, name_size, &style.ink, true, line);
        y += name_size as i32 + 8;
    }
    text(margin, y + 4, 28, &style.muted, false, card.kicker);

    let count = card.figures.len().max(1) as i32;
    let column = inner / count;
    let top = 380;
    for (i, figure) in card.figures.iter().enumerate() {
        let x = margin + i as i32 * column;
        let value_size =
            (40..=72).rev().step_by(4).find(|s| text_width(&figure.value, *s) <= column - 24).unwrap_or(40);
        text(x, top + value_size as i32, value_size, accent, true, &figure.value);
        for (k, line) in wrap(&figure.label, 22, column - 24).iter().take(3).enumerate() {
            text(x, top + value_size as i32 + 40 + k as i32 * 28, 22, &style.ink, false, line);
        }
    }
    if let Some(line) = wrap(card.source_line, 18, inner).first() {
        text(margin, HEIGHT as i32 - 36, 18, &style.muted, false, line);
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::svg::max_visible_chars;

    fn style() -> ChartStyle {
        ChartStyle::from_theme_toml(include_str!("../../themes/default/theme.toml")).unwrap()
    }

    #[test]
    fn long_names_are_cut_to_the_card_before_they_are_shaped() {
        let fonts = [
            include_bytes!("../../themes/default/fonts/DejaVuSans.ttf").to_vec(),
            include_bytes!("../../themes/default/fonts/DejaVuSans-Bold.ttf").to_vec(),
        ];
        let rasteriser = super::super::png::Rasteriser::new(&fonts, &style().font_family);
        for n in [10_000, 100_000] {
            let word = "Huánuco".repeat(n / 7);
            let words = "Huánuco ".repeat(n / 8);
            let kicker = format!("Region of {word}");
            let card = Card {
                site: &word,
                name: &words,
                kicker: &kicker,
                figures: vec![Figure { value: "17.5%".into(), label: words.clone() }],
                source_line: &word,
            };
            let svg = svg(&card, &style());
            let texts: Vec<&str> = svg.split("<text").skip(1).map(|t| t.split_once('>').unwrap().1).collect();
            let texts: Vec<&str> = texts.iter().map(|t| t.split("</text>").next().unwrap()).collect();
            assert_eq!(texts.len(), 1 + 2 + 1 + 1 + 3 + 1, "two lines of the name, three of the label");
            for text in &texts {
                assert!(text.chars().count() <= max_visible_chars(WIDTH as i32, 18), "{} characters", text.len());
            }
            assert!(texts[3].starts_with("Region of HuánucoHuánuco"), "{}", texts[3]);
            assert_eq!(texts[1], "Huánuco Huánuco Huánuco Huánuco", "the name is wrapped at the card's width");
            assert_eq!(texts[1], texts[2]);
            let png = rasteriser.png(&svg, 1.0).unwrap();
            let decoder = png::Decoder::new(std::io::Cursor::new(png));
            let info = decoder.read_info().unwrap().info().clone();
            assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        }
    }
}
