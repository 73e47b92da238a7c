//! Filling a narrative's shortcode placeholders with values and charts, once the charts of
//! every place exist.

use std::collections::BTreeMap;

use super::{ChartView, FamilyView};
use crate::content::Document;
use crate::data::Data;
use crate::i18n::Locale;
use crate::present::value_text;
use crate::shortcodes::Shortcode;

/// What a shortcode becomes: text for a value, figures for a chart.
pub enum Filled {
    Text(String),
    Charts(Vec<ChartView>),
}

/// Resolves shortcode `code` of a narrative (validated when loaded, so every name exists).
pub fn fill(
    code: &Shortcode,
    own_place: Option<&str>,
    data: &Data,
    locale: &Locale,
    charts: &BTreeMap<String, Vec<FamilyView>>,
) -> Filled {
    let slug = code.arg("place").or(own_place).unwrap_or_default();
    let Some(place) = data.places.get(slug) else { return Filled::Text(String::new()) };
    match code.name.as_str() {
        "value" => {
            let id = code.arg("indicator").unwrap_or_default();
            let Some(indicator) = data.indicator(id) else { return Filled::Text(String::new()) };
            let found = match code.arg("source") {
                Some(source) => {
                    place.series_of(id).find(|s| s.source == source).and_then(|s| s.latest().map(|o| (s, o)))
                }
                None => place.latest(id, &data.sources),
            };
            let Some((series, obs)) = found else { return Filled::Text(String::new()) };
            let unit = &indicator.unit;
            let space = if unit.starts_with('%') { "" } else { " " };
            let source = data.sources.get(&series.source).map_or(series.source.as_str(), |s| s.name.as_str());
            Filled::Text(format!(
                "<span class=\"datum\" title=\"{}\">{}{space}{} ({})</span>",
                super::escape_html(&crate::charts::source_line(locale, &[source.to_string()])),
                super::escape_html(&value_text(locale, indicator, obs)),
                super::escape_html(unit),
                obs.year
            ))
        }
        _ => {
            let families = charts.get(slug).map(Vec::as_slice).unwrap_or_default();
            let chosen: Vec<ChartView> = match (code.arg("indicator"), code.arg("family")) {
                (Some(id), _) => families
                    .iter()
                    .flat_map(|f| &f.charts)
                    .find(|c| c.indicators.iter().any(|i| i == id) && c.kind == code.arg("kind").unwrap_or("trend"))
                    .into_iter()
                    .cloned()
                    .collect(),
                (None, Some(family)) => {
                    families.iter().filter(|f| f.id == family).flat_map(|f| f.charts.iter().cloned()).collect()
                }
                _ => Vec::new(),
            };
            Filled::Charts(chosen)
        }
    }
}

/// The document's HTML and summary with every placeholder replaced; `chart_html` renders a
/// chart figure (through the theme's macro).
pub fn resolve(
    doc: &Document,
    own_place: Option<&str>,
    data: &Data,
    locale: &Locale,
    charts: &BTreeMap<String, Vec<FamilyView>>,
    chart_html: &dyn Fn(&ChartView) -> Result<String, crate::error::Error>,
) -> Result<(String, Option<String>), crate::error::Error> {
    let mut html = doc.html.clone();
    let mut summary = doc.summary.clone();
    for (i, code) in doc.shortcodes.iter().enumerate() {
        let placeholder = Shortcode::placeholder(i);
        match fill(code, own_place, data, locale, charts) {
            Filled::Text(text) => {
                html = html.replace(&placeholder, &text);
                summary = summary.map(|s| s.replace(&placeholder, &strip_tags(&text)));
            }
            Filled::Charts(views) => {
                let mut figures = String::new();
                for view in &views {
                    figures.push_str(&chart_html(view)?);
                }
                html = place_block(&html, &placeholder, &figures);
                summary = summary.map(|s| s.replace(&placeholder, ""));
            }
        }
    }
    Ok((html, summary))
}

/// Puts a block (chart figures) where `placeholder` is. A figure may not sit inside a
/// paragraph, so a paragraph around the placeholder is closed before the block and reopened
/// after it, and a paragraph left empty is dropped.
fn place_block(html: &str, placeholder: &str, block: &str) -> String {
    let Some(at) = html.find(placeholder) else { return html.to_string() };
    let (before, after) = (&html[..at], &html[at + placeholder.len()..]);
    let open = before.rfind("<p>").filter(|&p| !before[p..].contains("</p>"));
    let close = after.find("</p>").filter(|&c| !after[..c].contains("<p>"));
    let (Some(open), Some(close)) = (open, close) else { return html.replacen(placeholder, block, 1) };
    let paragraph = |text: &str| if text.trim().is_empty() { String::new() } else { format!("<p>{}</p>", text.trim()) };
    format!(
        "{}{}{block}{}{}",
        &before[..open],
        paragraph(&before[open + 3..]),
        paragraph(&after[..close]),
        &after[close + 4..]
    )
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
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

#[cfg(test)]
mod tests {
    use super::place_block;

    #[test]
    fn a_chart_never_ends_up_inside_a_paragraph() {
        let figure = "<figure>F</figure>";
        assert_eq!(place_block("<p>X</p>\n", "X", figure), "<figure>F</figure>\n");
        assert_eq!(place_block("<p>X\nThe text after.</p>", "X", figure), "<figure>F</figure><p>The text after.</p>");
        assert_eq!(place_block("<p>Before X after</p>", "X", figure), "<p>Before</p><figure>F</figure><p>after</p>");
        assert_eq!(place_block("<li>X</li>", "X", figure), "<li><figure>F</figure></li>");
    }
}
