//! Filling a narrative's shortcode placeholders with values and charts, once the charts of
//! every place exist.

use std::collections::BTreeMap;

use super::map_files::MapView;
use super::view::{ChartView, FamilyView};
use crate::content::Document;
use crate::data::{ChartKind, Data, IndicatorId};
use crate::i18n::Locale;
use crate::present::value_text;
use crate::shortcodes::{Call, Shortcode, Shows};

/// What a shortcode becomes: text for a value, figures for a chart or a map.
pub enum Filled {
    Text(String),
    Charts(Vec<ChartView>),
    Map(MapView),
}

/// The charts a page's shortcodes may show: every place's, and which place the page is of.
#[derive(Clone, Copy)]
pub struct Quoted<'a> {
    pub all: &'a BTreeMap<String, Vec<FamilyView>>,
    /// Each indicator's world map, for a page of no place.
    pub world: &'a BTreeMap<IndicatorId, MapView>,
    /// What progress toward a target is measured against (the edition's year).
    pub tiles: crate::present::headline::TileOptions,
    /// A region's page shows its own version of its country's regions chart: the one with
    /// its bar highlighted and ranked.
    pub own: Option<&'a str>,
}

/// What shortcode `code` of a narrative shows, from what was checked when it was loaded (a
/// shortcode about a place whose file has errors shows nothing; its build fails anyway).
pub fn fill(code: &Shortcode, data: &Data, locale: &Locale, charts: Quoted) -> Filled {
    let Some(call) = &code.call else { return Filled::Text(String::new()) };
    if let Call::Map { place, indicator } = call {
        // The map beside the place's chart of its regions, or the world's.
        let map = match place.as_str() {
            "" => charts.world.get(indicator),
            _ => charts.all.get(place).into_iter().flatten().flat_map(|f| &f.charts).find_map(|c| {
                (c.kind == ChartKind::Regions && c.indicators.contains(indicator)).then_some(c.map.as_ref()).flatten()
            }),
        };
        return map.map_or_else(|| Filled::Text(String::new()), |m| Filled::Map(m.clone()));
    }
    let Some(place) = data.places.get(call.place()) else { return Filled::Text(String::new()) };
    match call {
        Call::Value { indicator: id, source, group, .. } => {
            let Some(indicator) = data.indicator(id) else { return Filled::Text(String::new()) };
            let found = match source {
                Some(source) => place.series_for(id, source, group.as_ref()).and_then(|s| s.latest().map(|o| (s, o))),
                None => place.latest_of(id, group.as_ref(), &data.sources),
            };
            let Some((series, obs)) = found else { return Filled::Text(String::new()) };
            let unit = &indicator.unit;
            let space = if unit.starts_with('%') { "" } else { " " };
            let source = data.source_name(&series.source);
            // What the figure is of and how many it counts, where the source says.
            let mut about: Vec<String> = group.iter().map(|g| data.groups.name(g, locale).to_lowercase()).collect();
            about.push(obs.year.to_string());
            if let Some(n) = obs.n {
                about.push(crate::present::n_text(locale, n.get()));
            }
            if obs.few(indicator.few_observations(charts.tiles.few_observations)) {
                about.push(locale.t("gaps.few_short").to_string());
            }
            Filled::Text(format!(
                "<span class=\"datum\" title=\"{}\">{}{space}{} ({})</span>",
                crate::escape::escape(&crate::charts::source_line(locale, &[source.to_string()])),
                crate::escape::escape(&value_text(locale, indicator, obs)),
                crate::escape::escape(unit),
                crate::escape::escape(&about.join(", "))
            ))
        }
        Call::Chart { shows, kind, .. } => {
            if let (Some(own), Shows::Indicator(id), ChartKind::Regions) = (charts.own, shows, kind) {
                let is_parent = data.places.get(own).is_some_and(|p| p.parent.as_deref() == Some(call.place()));
                let standing = charts.all.get(own).into_iter().flatten().flat_map(|f| &f.charts).find(|c| {
                    c.id.starts_with("standing-") && c.indicators.contains(id) && c.kind == ChartKind::Regions
                });
                if let (true, Some(chart)) = (is_parent, standing) {
                    return Filled::Charts(vec![chart.clone()]);
                }
            }
            let families = charts.all.get(call.place()).map(Vec::as_slice).unwrap_or_default();
            let chosen: Vec<ChartView> = match shows {
                Shows::Indicator(id) => families
                    .iter()
                    .flat_map(|f| &f.charts)
                    .find(|c| c.indicators.contains(id) && c.kind == *kind)
                    .into_iter()
                    .cloned()
                    .collect(),
                Shows::Family(family) => {
                    families.iter().filter(|f| f.id == family.as_str()).flat_map(|f| f.charts.iter().cloned()).collect()
                }
            };
            Filled::Charts(chosen)
        }
        Call::Map { .. } => unreachable!("maps are filled above"),
        Call::Gap { indicator: id, dimension, .. } => {
            let Some(indicator) = data.indicator(id) else { return Filled::Text(String::new()) };
            let few = indicator.few_observations(charts.tiles.few_observations);
            let Some((text, source)) = crate::charts::gaps::sentence(data, place, indicator, *dimension, locale, few)
            else {
                return Filled::Text(String::new());
            };
            Filled::Text(format!(
                "<span class=\"datum\" title=\"{}\">{}</span>",
                crate::escape::escape(&crate::charts::source_line(locale, &[source])),
                crate::escape::escape(&text)
            ))
        }
        Call::Progress { indicator: id, .. } => {
            let (Some(indicator), Some((series, obs))) = (data.indicator(id), place.latest(id, &data.sources)) else {
                return Filled::Text(String::new());
            };
            let Some(pace) = crate::present::headline::pace(series, indicator, locale, &charts.tiles) else {
                return Filled::Text(String::new());
            };
            let value = value_text(locale, indicator, obs);
            let mut text = locale.fill(
                "progress.sentence",
                &[
                    ("status", &pace.text),
                    ("value", &value),
                    ("unit", &indicator.unit),
                    ("year", &obs.year.to_string()),
                ],
            );
            if let Some(detail) = &pace.detail {
                text = format!("{text}; {detail}");
            }
            let source = crate::charts::source_line(locale, &[data.source_name(&series.source).to_string()]);
            Filled::Text(format!(
                "<span class=\"datum pace-sentence {}\" title=\"{}\">{}</span>",
                crate::escape::escape(pace.status.key().trim_start_matches("progress.")),
                crate::escape::escape(&source),
                crate::escape::escape(&text)
            ))
        }
    }
}

/// How a page draws the figures shortcodes place (through the theme's macros).
pub struct Figures<'a> {
    pub chart: &'a dyn Fn(&ChartView) -> Result<String, crate::error::Error>,
    pub map: &'a dyn Fn(&MapView) -> Result<String, crate::error::Error>,
}

/// The document's HTML and summary with every placeholder replaced.
pub fn resolve(
    doc: &Document,
    data: &Data,
    locale: &Locale,
    charts: Quoted,
    figures: Figures,
) -> Result<(String, Option<String>), crate::error::Error> {
    let count = doc.shortcodes.len();
    let html = fill_html(
        &doc.html,
        |text, from| next_placeholder(text, from, count),
        count,
        |i| {
            Ok(match fill(&doc.shortcodes[i], data, locale, charts) {
                Filled::Text(text) => Piece::Inline(text),
                Filled::Charts(views) => {
                    let mut html = String::new();
                    for view in &views {
                        html.push_str(&(figures.chart)(view)?);
                    }
                    Piece::Block(html)
                }
                Filled::Map(view) => Piece::Block((figures.map)(&view)?),
            })
        },
    )?;
    Ok((html, resolve_summary(doc, data, locale, charts.tiles)))
}

/// The document's summary with its values filled in (a chart has no place in it).
pub fn resolve_summary(
    doc: &Document,
    data: &Data,
    locale: &Locale,
    tiles: crate::present::headline::TileOptions,
) -> Option<String> {
    let summary = doc.summary.as_deref()?;
    let mut out = String::with_capacity(summary.len());
    let mut at = 0;
    while let Some((start, end, i)) = next_placeholder(summary, at, doc.shortcodes.len()) {
        out.push_str(&summary[at..start]);
        if let Filled::Text(text) = fill(
            &doc.shortcodes[i],
            data,
            locale,
            Quoted { all: &BTreeMap::new(), world: &BTreeMap::new(), tiles, own: None },
        ) {
            out.push_str(&strip_tags(&text));
        }
        at = end;
    }
    out.push_str(&summary[at..]);
    Some(out)
}

/// What stands for a shortcode in the page: text inside the paragraph, or a block (chart
/// figures) that a paragraph must not hold.
enum Piece {
    Inline(String),
    Block(String),
}

/// The next placeholder of `text` from byte `from` whose shortcode exists (index below
/// `count`): its start, its end and the shortcode's index.
fn next_placeholder(text: &str, mut from: usize, count: usize) -> Option<(usize, usize, usize)> {
    const WORD: &str = "saludshortcode";
    while let Some(found) = text[from..].find(WORD) {
        let start = from + found;
        let digits_at = start + WORD.len();
        let digits = text[digits_at..].bytes().take_while(u8::is_ascii_digit).count();
        let end = digits_at + digits;
        // Exactly what `Shortcode::placeholder` writes: no leading zero, then `x`.
        let canonical = digits > 0 && (digits == 1 || text.as_bytes()[digits_at] != b'0');
        if canonical && text.as_bytes().get(end) == Some(&b'x') {
            if let Some(i) = text[digits_at..end].parse::<usize>().ok().filter(|i| *i < count) {
                return Some((start, end + 1, i));
            }
        }
        from = digits_at;
    }
    None
}

/// `html` with each placeholder (as `find` finds them from a position: start, end, index)
/// replaced by its piece (`piece(i)` for shortcode `i`), in one pass, so the time is linear in the length of the page and the number of shortcodes. A
/// block goes where its placeholder first is; a paragraph around it is closed before it and
/// reopened after it, and a paragraph left empty is dropped.
fn fill_html(
    html: &str,
    find: impl Fn(&str, usize) -> Option<(usize, usize, usize)>,
    count: usize,
    mut piece: impl FnMut(usize) -> Result<Piece, crate::error::Error>,
) -> Result<String, crate::error::Error> {
    let mut out = Tracked::default();
    let mut ahead = Ahead::default();
    let mut placed = vec![false; count];
    // Whitespace to drop before a paragraph's "</p>": the end of a paragraph reopened after a
    // block is trimmed.
    let mut drop: Option<std::ops::Range<usize>> = None;
    let mut at = 0;
    while let Some((start, end, i)) = find(html, at) {
        out.copy(html, at..start, &mut drop);
        at = end;
        match piece(i)? {
            Piece::Inline(text) => out.push(&text),
            Piece::Block(_) if placed[i] => out.push(&html[start..end]),
            Piece::Block(block) => {
                placed[i] = true;
                let close = ahead.close(html, end);
                let (Some(open), Some(close)) = (out.open_paragraph(), close) else {
                    out.push(&block);
                    continue;
                };
                let before = out.text[open + 3..].trim().to_string();
                out.truncate(open);
                if !before.is_empty() {
                    out.push("<p>");
                    out.push(&before);
                    out.push("</p>");
                }
                out.push(&block);
                let after = &html[end..close];
                if after.trim().is_empty() {
                    at = close + "</p>".len();
                    drop = None;
                } else {
                    out.push("<p>");
                    at = end + (after.len() - after.trim_start().len());
                    drop = Some(end + after.trim_end().len()..close);
                }
            }
        }
    }
    out.copy(html, at..html.len(), &mut drop);
    Ok(out.text)
}

/// The page being written, with where its paragraph tags are, so that finding the paragraph
/// around a placeholder never searches the page again.
#[derive(Default)]
struct Tracked {
    text: String,
    opens: Vec<usize>,
    closes: Vec<usize>,
}

impl Tracked {
    fn push(&mut self, s: &str) {
        // A tag may begin in what was there before.
        let from = self.text.len().saturating_sub(3);
        self.text.push_str(s);
        let mut from = from;
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        let new = &self.text[from..];
        let skip = |list: &Vec<usize>| list.last().map_or(0, |&last| (last + 1).saturating_sub(from));
        let (open_from, close_from) = (skip(&self.opens), skip(&self.closes));
        self.opens.extend(new.match_indices("<p>").filter(|(i, _)| *i >= open_from).map(|(i, _)| from + i));
        self.closes.extend(new.match_indices("</p>").filter(|(i, _)| *i >= close_from).map(|(i, _)| from + i));
    }

    /// Copies `html[range]`, without the whitespace of `drop` when it falls inside.
    fn copy(&mut self, html: &str, range: std::ops::Range<usize>, drop: &mut Option<std::ops::Range<usize>>) {
        match drop.take() {
            Some(d) if range.start <= d.start && d.end <= range.end => {
                self.push(&html[range.start..d.start]);
                self.push(&html[d.end..range.end]);
            }
            other => {
                *drop = other;
                self.push(&html[range]);
            }
        }
    }

    fn truncate(&mut self, len: usize) {
        self.text.truncate(len);
        while self.opens.last().is_some_and(|&i| i + "<p>".len() > len) {
            self.opens.pop();
        }
        while self.closes.last().is_some_and(|&i| i + "</p>".len() > len) {
            self.closes.pop();
        }
    }

    /// Where the paragraph still open at the end of the text starts.
    fn open_paragraph(&self) -> Option<usize> {
        let open = *self.opens.last()?;
        self.closes.last().is_none_or(|&close| close <= open).then_some(open)
    }
}

/// The next "</p>" and "<p>" of the page from a position, found once for all the
/// placeholders before them.
#[derive(Default)]
struct Ahead {
    close: Option<Option<usize>>,
    open: Option<Option<usize>>,
}

impl Ahead {
    /// The "</p>" that ends the paragraph `from` is in, when no paragraph opens before it.
    fn close(&mut self, html: &str, from: usize) -> Option<usize> {
        let next = |cached: &mut Option<Option<usize>>, tag: &str| match *cached {
            Some(Some(at)) if at >= from => Some(at),
            Some(None) => None,
            _ => {
                let found = html[from..].find(tag).map(|i| from + i);
                *cached = Some(found);
                found
            }
        };
        let close = next(&mut self.close, "</p>")?;
        match next(&mut self.open, "<p>") {
            Some(open) if open < close => None,
            _ => Some(close),
        }
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    // `&amp;` last, so an escaped "&lt;" in the text stays "&lt;".
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Puts one block where `placeholder` first is, as [`fill_html`] does for a chart.
#[cfg(test)]
fn place_block(html: &str, placeholder: &str, block: &str) -> String {
    let find =
        |text: &str, from: usize| text[from..].find(placeholder).map(|i| (from + i, from + i + placeholder.len(), 0));
    fill_html(html, find, 1, |_| Ok(Piece::Block(block.to_string()))).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_reads_its_apostrophes_and_keeps_an_escaped_ampersand() {
        assert_eq!(strip_tags("<b>Côte d&apos;Ivoire</b> &amp;lt; &lt;5"), "Côte d'Ivoire &lt; <5");
    }

    #[test]
    fn a_chart_never_ends_up_inside_a_paragraph() {
        let figure = "<figure>F</figure>";
        assert_eq!(place_block("<p>X</p>\n", "X", figure), "<figure>F</figure>\n");
        assert_eq!(place_block("<p>X\nThe text after.</p>", "X", figure), "<figure>F</figure><p>The text after.</p>");
        assert_eq!(place_block("<p>Before X after</p>", "X", figure), "<p>Before</p><figure>F</figure><p>after</p>");
        assert_eq!(place_block("<li>X</li>", "X", figure), "<li><figure>F</figure></li>");
    }

    /// The way placeholders were filled before: one search of the whole page per shortcode.
    fn one_by_one(html: &str, pieces: &[Piece]) -> String {
        let mut html = html.to_string();
        for (i, piece) in pieces.iter().enumerate() {
            let placeholder = Shortcode::placeholder(i);
            html = match piece {
                Piece::Inline(text) => html.replace(&placeholder, text),
                Piece::Block(block) => {
                    let Some(at) = html.find(&placeholder) else { continue };
                    let (before, after) = (&html[..at], &html[at + placeholder.len()..]);
                    let open = before.rfind("<p>").filter(|&p| !before[p..].contains("</p>"));
                    let close = after.find("</p>").filter(|&c| !after[..c].contains("<p>"));
                    let (Some(open), Some(close)) = (open, close) else {
                        html = html.replacen(&placeholder, block, 1);
                        continue;
                    };
                    let paragraph = |text: &str| {
                        if text.trim().is_empty() {
                            String::new()
                        } else {
                            format!("<p>{}</p>", text.trim())
                        }
                    };
                    format!(
                        "{}{}{block}{}{}",
                        &before[..open],
                        paragraph(&before[open + 3..]),
                        paragraph(&after[..close]),
                        &after[close + 4..]
                    )
                }
            };
        }
        html
    }

    #[test]
    fn one_pass_fills_as_one_search_per_shortcode_did() {
        let bits = ["<p>", "</p>", " ", "\n", "é", "text", "<li>", "</li>", "<p class=\"x\">"];
        let mut rng = crate::arbitrary::Rng::new(7);
        for round in 0..20_000 {
            let mut html = String::new();
            let mut pieces = Vec::new();
            for _ in 0..rng.below(24) {
                if rng.below(4) == 0 {
                    html.push_str(&Shortcode::placeholder(pieces.len()));
                    pieces.push(match rng.below(3) {
                        0 => Piece::Inline(format!("<span>{round}</span>")),
                        1 => Piece::Inline(String::new()),
                        _ => Piece::Block(format!("<figure>{}<p class=\"note\">n</p></figure>", pieces.len())),
                    });
                } else {
                    html.push_str(bits[rng.below(bits.len())]);
                }
            }
            let find = |text: &str, from: usize| next_placeholder(text, from, pieces.len());
            let piece = |i: usize| {
                Ok(match &pieces[i] {
                    Piece::Inline(t) => Piece::Inline(t.clone()),
                    Piece::Block(b) => Piece::Block(b.clone()),
                })
            };
            assert_eq!(fill_html(&html, find, pieces.len(), piece).unwrap(), one_by_one(&html, &pieces), "{html:?}");
        }
    }

    #[test]
    fn fifty_thousand_placeholders_are_filled_in_order() {
        let n = 50_000;
        let mut html = String::from("<p>");
        for i in 0..n {
            html.push_str(&format!("{} ", Shortcode::placeholder(i)));
            if i % 100 == 99 {
                html.push_str("</p>\n<p>");
            }
        }
        html.push_str("end</p>");
        let find = |text: &str, from: usize| next_placeholder(text, from, n);
        let piece = |i: usize| {
            Ok(if i % 10 == 9 { Piece::Block(format!("<figure>{i}</figure>")) } else { Piece::Inline(format!("v{i}")) })
        };
        let out = fill_html(&html, find, n, piece).unwrap();
        // Nine values to a paragraph, each paragraph closed before its chart.
        let mut expected = String::new();
        for i in (0..n).step_by(10) {
            let values: Vec<String> = (i..i + 9).map(|k| format!("v{k}")).collect();
            expected.push_str(&format!("<p>{}</p><figure>{}</figure>", values.join(" "), i + 9));
            if i % 100 == 90 {
                expected.push('\n');
            }
        }
        expected.push_str("<p>end</p>");
        assert_eq!(out, expected);
    }
}
