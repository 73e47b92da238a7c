//! Shortcodes in narratives: `{{ value(indicator="...") }}` prints a value from the data,
//! `{{ chart(indicator="...") }}` or `{{ chart(family="mortality") }}` places a chart, and
//! `{{ map(indicator="...") }}` the map of the place's regions (the world's on a page of no
//! place), so the text, the charts and the maps always show the same numbers.
//!
//! They are parsed when the narrative is loaded (an unknown name is an error with its line),
//! replaced by placeholder words that Markdown leaves alone, and filled in when the page is
//! rendered.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::data::{Category, ChartKind, IndicatorId, SourceId};

const PLACEHOLDER: &str = "saludshortcode";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcode {
    pub name: String,
    pub args: BTreeMap<String, String>,
    /// Where it is in the file's Markdown body, for messages.
    pub span: Range<usize>,
    /// What it asks for, once checked against the data (see [`validate`]); `None` until then,
    /// and for a shortcode about a place whose file has errors.
    pub call: Option<Call>,
}

/// A shortcode as checked against the data: all a page needs to fill it in, with no text left
/// to read again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// `value(indicator, place?, source?, group?)`: the latest value, from `source` if given,
    /// of a group of the population (`group="rural"`) if given.
    Value { place: String, indicator: IndicatorId, source: Option<SourceId>, group: Option<crate::data::Group> },
    /// `chart(indicator | family, place?, kind?)`.
    Chart { place: String, shows: Shows, kind: ChartKind },
    /// `map(indicator, place?)`: the map of the place's regions; on a page of no place
    /// (`place` empty), the world's.
    Map { place: String, indicator: IndicatorId },
    /// `progress(indicator, place?)`: whether the place moves fast enough to reach the
    /// indicator's target by its year, with the rates.
    Progress { place: String, indicator: IndicatorId },
    /// `gap(indicator, dimension?, place?)`: the groups' latest values and the gap between
    /// them (urban and rural by default).
    Gap { place: String, indicator: IndicatorId, dimension: crate::data::Dimension },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shows {
    Indicator(IndicatorId),
    Family(Category),
}

impl Call {
    /// The place it is about: its `place`, or the narrative's own.
    pub fn place(&self) -> &str {
        match self {
            Call::Value { place, .. }
            | Call::Chart { place, .. }
            | Call::Map { place, .. }
            | Call::Progress { place, .. }
            | Call::Gap { place, .. } => place,
        }
    }
}

impl Shortcode {
    pub fn arg(&self, key: &str) -> Option<&str> {
        self.args.get(key).map(String::as_str)
    }

    /// The word that stands in for shortcode `index` until the page is rendered.
    pub fn placeholder(index: usize) -> String {
        format!("{PLACEHOLDER}{index}x")
    }

    /// `text` without the placeholder words in it: a heading's anchor is made from its text,
    /// and a placeholder there would be filled inside the `id` attribute.
    pub fn without_placeholders(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(PLACEHOLDER) {
            let after = &rest[at + PLACEHOLDER.len()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && after[digits..].starts_with('x') {
                out.push_str(&rest[..at]);
                rest = &after[digits + 1..];
            } else {
                out.push_str(&rest[..at + PLACEHOLDER.len()]);
                rest = after;
            }
        }
        out.push_str(rest);
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub span: Range<usize>,
    pub message: String,
}

/// Finds the shortcodes of `markdown`, outside code blocks and code spans, and returns the
/// text with each replaced by its placeholder.
pub fn extract(markdown: &str) -> Result<(String, Vec<Shortcode>), ParseError> {
    let mut out = String::with_capacity(markdown.len());
    let mut codes = Vec::new();
    let mut i = 0;
    let mut in_fence = false;
    let bytes = markdown.as_bytes();
    while i < markdown.len() {
        let at_line_start = i == 0 || bytes[i - 1] == b'\n';
        if at_line_start && (markdown[i..].starts_with("```") || markdown[i..].starts_with("~~~")) {
            in_fence = !in_fence;
        }
        if in_fence {
            let end = markdown[i..].find('\n').map_or(markdown.len(), |n| i + n + 1);
            out.push_str(&markdown[i..end]);
            i = end;
            continue;
        }
        if bytes[i] == b'`' {
            // A code span: copy it untouched up to its closing backtick on the same line.
            let close = markdown[i + 1..].find(['`', '\n']).map(|n| i + 1 + n);
            let end = match close {
                Some(c) if bytes[c] == b'`' => c + 1,
                _ => i + 1,
            };
            out.push_str(&markdown[i..end]);
            i = end;
            continue;
        }
        if markdown[i..].starts_with("{{") {
            let code = parse_one(markdown, i)?;
            i = code.span.end;
            out.push_str(&Shortcode::placeholder(codes.len()));
            codes.push(code);
            continue;
        }
        let c = markdown[i..].chars().next().expect("inside the string");
        out.push(c);
        i += c.len_utf8();
    }
    Ok((out, codes))
}

fn parse_one(text: &str, start: usize) -> Result<Shortcode, ParseError> {
    let end = text[start..].find("}}").map(|n| start + n + 2).ok_or_else(|| ParseError {
        span: start..start + 2,
        message: "this shortcode is never closed with }}".into(),
    })?;
    let fail = |message: &str| ParseError { span: start..end, message: message.to_string() };
    let inner = text[start + 2..end - 2].trim();
    let open = inner.find('(').ok_or_else(|| {
        fail("a shortcode is written name(key=\"value\"), e.g. {{ value(indicator=\"neonatal_mortality\") }}")
    })?;
    let name = inner[..open].trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(fail(
            "a shortcode is written name(key=\"value\"), e.g. {{ value(indicator=\"neonatal_mortality\") }}",
        ));
    }
    let rest = inner[open + 1..].trim_end();
    let body = rest.strip_suffix(')').ok_or_else(|| fail("the shortcode's arguments are not closed with )"))?;
    let mut args = BTreeMap::new();
    let mut s = body.trim();
    while !s.is_empty() {
        let eq = s.find('=').ok_or_else(|| fail("each argument is written key=\"value\""))?;
        let key = s[..eq].trim().to_string();
        let after = s[eq + 1..].trim_start();
        let value_body =
            after.strip_prefix('"').ok_or_else(|| fail("argument values are written in \"double quotes\""))?;
        let close = value_body.find('"').ok_or_else(|| fail("an argument's closing quote is missing"))?;
        if key.is_empty() || args.insert(key.clone(), value_body[..close].to_string()).is_some() {
            return Err(fail("each argument has a name and appears once"));
        }
        s = value_body[close + 1..].trim_start();
        s = s.strip_prefix(',').unwrap_or(s).trim_start();
    }
    Ok(Shortcode { name: name.to_string(), args, span: start..end, call: None })
}

/// Checks a shortcode against the data: its name, its arguments, and that the place it is
/// about has what it asks for. `place` is the narrative's own place, if it has one.
pub fn validate(code: &Shortcode, data: &crate::data::Data, place: Option<&str>) -> Result<Call, (String, String)> {
    let allowed: &[&str] =
        match code.name.as_str() {
            "value" => &["indicator", "place", "source", "group"],
            "chart" => &["indicator", "family", "place", "kind"],
            "map" | "progress" => &["indicator", "place"],
        "gap" => &["indicator", "dimension", "place"],
            other => return Err((
                format!("`{other}` is not a shortcode"),
                "use {{ value(indicator=\"...\") }}, {{ chart(indicator=\"...\") }}, {{ map(indicator=\"...\") }} or {{ progress(indicator=\"...\") }}"
                    .into(),
            )),
        };
    if let Some(key) = code.args.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err((
            format!("{}() has no argument `{key}`", code.name),
            format!("its arguments are {}", allowed.join(", ")),
        ));
    }
    if code.name == "map" {
        return validate_map(code, data, code.arg("place").or(place));
    }
    if code.name == "progress" {
        return validate_progress(code, data, code.arg("place").or(place));
    }
    if code.name == "gap" {
        return validate_gap(code, data, code.arg("place").or(place));
    }
    let slug = code.arg("place").or(place).ok_or_else(|| needs_place(&code.name, "peru"))?;
    let target = known_place(data, slug, "peru/huanuco")?;
    let kind = match code.arg("kind") {
        None | Some("trend") => ChartKind::Trend,
        Some("regions") => ChartKind::Regions,
        Some(other) => {
            return Err((
                format!("`{other}` is not a kind of chart"),
                "use kind=\"trend\" (over time, the default) or kind=\"regions\" (the places inside, compared)".into(),
            ))
        }
    };
    if kind == ChartKind::Regions && data.children_of(slug).count() < 2 {
        return Err((
            format!("{} has no regions to compare", target.name),
            "leave out kind=\"regions\", or name a place with regions".into(),
        ));
    }
    match (code.arg("indicator"), code.arg("family")) {
        (Some(_), None) => {
            let id = known_indicator(code, data)?;
            if kind == ChartKind::Regions {
                if data.children_of(slug).filter(|c| c.series_of(id).next().is_some()).count() < 2 {
                    return Err((
                        format!("fewer than two places inside {} have data for `{id}`", target.name),
                        "a comparison of regions needs at least two of them with data".into(),
                    ));
                }
            } else if target.series_of(id).next().is_none() {
                return Err((
                    format!("{} has no data for `{id}`", target.name),
                    "add the data to the place's file, or quote another indicator".into(),
                ));
            }
            let group = match code.arg("group") {
                Some(_) if code.name != "value" => None,
                Some(value) => {
                    let group = data.groups.find(value).map_err(|p| (p.message, p.help))?;
                    if !target.groups_of(id).any(|s| s.group.as_ref() == Some(&group)) {
                        return Err((
                            format!("{} has no `{id}` values for the group `{value}`", target.name),
                            "add the group's series to the place's file (group = { area = \"rural\" }), or leave out group=".into(),
                        ));
                    }
                    Some(group)
                }
                None => None,
            };
            if let Some(source) = code.arg("source") {
                let mut series = target.series_of(id).chain(target.groups_of(id));
                if !series.any(|s| s.source == source && s.group == group) {
                    return Err((
                        format!("{} has no `{id}` values from the source `{source}`", target.name),
                        "leave out source= to use the latest value of any source".into(),
                    ));
                }
            }
            let (place, indicator) = (slug.to_string(), IndicatorId::from(id));
            Ok(match code.name.as_str() {
                "value" => Call::Value { place, indicator, source: code.arg("source").map(SourceId::from), group },
                _ => Call::Chart { place, shows: Shows::Indicator(indicator), kind },
            })
        }
        (None, Some(_)) if code.name == "chart" && code.arg("kind").is_some() => Err((
            "kind=\"...\" goes with indicator=\"...\": a family's charts are shown as they are".into(),
            "e.g. {{ chart(indicator=\"child_stunting\", kind=\"regions\") }}, or leave out kind".into(),
        )),
        (None, Some(family)) if code.name == "chart" => {
            let known: Vec<&str> = crate::data::Category::family_names().collect();
            if !known.contains(&family) {
                return Err((
                    format!("`{family}` is not a family of charts"),
                    format!("use one of {}", known.join(", ")),
                ));
            }
            let has = family == "peers"
                || data
                    .indicators
                    .iter()
                    .any(|i| i.category.as_str() == family && target.series_of(&i.id).next().is_some());
            if !has {
                return Err((
                    format!("{} has no {family} data to chart", target.name),
                    "choose a family the place has data for".into(),
                ));
            }
            let family = Category::family(family).expect("a family name checked above");
            Ok(Call::Chart { place: slug.to_string(), shows: Shows::Family(family), kind })
        }
        _ if code.name == "chart" => Err((
            "chart() needs either indicator=\"...\" or family=\"...\"".into(),
            "e.g. {{ chart(family=\"mortality\") }}".into(),
        )),
        _ => {
            Err(("value() needs indicator=\"...\"".into(), "e.g. {{ value(indicator=\"neonatal_mortality\") }}".into()))
        }
    }
}

/// `indicator="..."` names an indicator of the catalogue.
fn known_indicator<'a>(code: &'a Shortcode, data: &crate::data::Data) -> Result<&'a str, (String, String)> {
    let Some(id) = code.arg("indicator") else {
        return Err((
            format!("{}() needs indicator=\"...\"", code.name),
            format!("e.g. {{{{ {}(indicator=\"child_stunting\") }}}}", code.name),
        ));
    };
    if data.indicator(id).is_none() {
        let help = match crate::diagnostic::closest(id, data.indicators.iter().map(|i| i.id.as_str())) {
            Some(close) => format!("did you mean `{close}`? The indicators are defined in data/indicators.toml"),
            None => "use an indicator id of data/indicators.toml, e.g. indicator=\"neonatal_mortality\"".into(),
        };
        return Err((format!("`{id}` is not an indicator of the catalogue"), help));
    }
    Ok(id)
}

/// The error of a shortcode that needs a place and has none: `example` is a place's path.
fn needs_place(name: &str, example: &str) -> (String, String) {
    (
        format!("{name}() here needs to know which place it is about"),
        format!("add place=\"...\" with the place's path, e.g. place=\"{example}\""),
    )
}

/// The place at `slug`, or the error naming it.
fn known_place<'a>(
    data: &'a crate::data::Data,
    slug: &str,
    example: &str,
) -> Result<&'a crate::data::Place, (String, String)> {
    data.places.get(slug).ok_or_else(|| {
        (format!("there is no place `{slug}`"), format!("use a place's path as in data/places/, e.g. \"{example}\""))
    })
}

/// `map(indicator, place?)`: a place's regions need values to colour; a page of no place
/// draws the world, whose countries need them.
fn validate_map(code: &Shortcode, data: &crate::data::Data, place: Option<&str>) -> Result<Call, (String, String)> {
    let id = known_indicator(code, data)?;
    let indicator = IndicatorId::from(id);
    let Some(slug) = place else {
        let countries = data.places.values().filter(|p| p.kind == crate::data::PlaceKind::Country);
        if !countries.clone().any(|p| p.series_of(id).next().is_some()) {
            return Err((format!("no country has data for `{id}` to map"), "map another indicator".into()));
        }
        return Ok(Call::Map { place: String::new(), indicator });
    };
    let target = known_place(data, slug, "peru")?;
    let with_data = data
        .children_of(slug)
        .filter(|c| c.parent.as_deref() == Some(slug) && c.series_of(id).next().is_some())
        .count();
    if with_data == 0 {
        return Err((
            format!("no region of {} has data for `{id}` to map", target.name),
            "a map shows a place's regions: name a country whose regions have values, e.g. place=\"peru\"".into(),
        ));
    }
    Ok(Call::Map { place: slug.to_string(), indicator })
}

/// `progress(indicator, place?)`: the indicator needs a target with a year, the place a
/// value.
fn validate_progress(
    code: &Shortcode,
    data: &crate::data::Data,
    place: Option<&str>,
) -> Result<Call, (String, String)> {
    let id = known_indicator(code, data)?;
    let indicator = data.indicator(id).expect("a known indicator");
    if indicator.target().is_none() {
        return Err((
            format!("`{id}` has no target with a year to measure progress toward"),
            "progress() needs a reference with a year and a `better` in data/indicators.toml, e.g. year = 2030".into(),
        ));
    }
    let slug = place.ok_or_else(|| needs_place("progress", "peru"))?;
    let target = known_place(data, slug, "peru")?;
    if target.series_of(id).next().is_none() {
        return Err((
            format!("{} has no data for `{id}`", target.name),
            "add the data to the place's file, or quote another indicator".into(),
        ));
    }
    Ok(Call::Progress { place: slug.to_string(), indicator: IndicatorId::from(id) })
}

/// `gap(indicator, dimension?, place?)`: the place needs values of two groups of the
/// dimension (`area` unless given).
fn validate_gap(code: &Shortcode, data: &crate::data::Data, place: Option<&str>) -> Result<Call, (String, String)> {
    use crate::data::Dimension;
    let id = known_indicator(code, data)?;
    let name = code.arg("dimension").unwrap_or("area");
    let Some(dimension) = Dimension::parse(name) else {
        let known: Vec<&str> = Dimension::ALL.iter().map(|d| d.as_str()).collect();
        return Err((format!("`{name}` is not a dimension of groups"), format!("use one of {}", known.join(", "))));
    };
    let slug = place.ok_or_else(|| needs_place("gap", "peru/huanuco"))?;
    let target = known_place(data, slug, "peru")?;
    let groups = target.groups_of(id).filter(|s| s.group.as_ref().is_some_and(|g| g.dimension == dimension)).count();
    if groups < 2 {
        return Err((
            format!("{} has no two groups of `{name}` for `{id}` to compare", target.name),
            "add the groups' series to the place's file (group = { area = \"rural\" }), or quote another indicator"
                .into(),
        ));
    }
    Ok(Call::Gap { place: slug.to_string(), indicator: IndicatorId::from(id), dimension })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_shortcodes_and_leaves_code_alone() {
        let md = "Rate: {{ value(indicator=\"neonatal_mortality\") }}.\n\n`{{ value(indicator=\"x\") }}`\n\n```\n{{ chart(family=\"x\") }}\n```\n\n{{chart(family=\"mortality\", place=\"peru\")}}\n";
        let (text, codes) = extract(md).unwrap();
        assert_eq!(codes.len(), 2);
        assert_eq!(codes[0].name, "value");
        assert_eq!(codes[0].arg("indicator"), Some("neonatal_mortality"));
        assert_eq!(codes[1].arg("place"), Some("peru"));
        assert_eq!(&md[codes[1].span.clone()], "{{chart(family=\"mortality\", place=\"peru\")}}");
        assert!(text.starts_with("Rate: saludshortcode0x.\n\n`{{ value(indicator=\"x\") }}`"), "{text}");
        assert!(text.contains("```\n{{ chart(family=\"x\") }}\n```"));
        assert!(text.ends_with("saludshortcode1x\n"));
    }

    #[test]
    fn broken_shortcodes_say_what_is_wrong() {
        assert_eq!(
            extract("a {{ value(indicator=\"x\") ").unwrap_err().message,
            "this shortcode is never closed with }}"
        );
        assert_eq!(
            extract("{{ value(indicator=x) }}").unwrap_err().message,
            "argument values are written in \"double quotes\""
        );
        assert_eq!(extract("{{ value }}").unwrap_err().span, 0..11);
    }

    #[test]
    fn arbitrary_text_never_panics() {
        let pieces = ["{{", "}}", "(", ")", "=", "\"", "`", "```", "\n", "é", "value", " ", ","];
        let mut state: u32 = 7;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(state % 12) {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.push_str(pieces[(state >> 16) as usize % pieces.len()]);
            }
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if let Ok((out, codes)) = extract(&text) {
                assert!(codes.iter().all(|c| c.span.end <= text.len()));
                assert!(out.len() <= text.len() + codes.len() * 20);
            }
        }
    }
}
