//! What pages, PDF profiles and charts say alike about the data: a value with its qualifier, a
//! place's kind. It sits below the renderers of each output so that none imports another.

pub mod headline;

use crate::data::{Data, Indicator, Observation, Place, Series};
use crate::i18n::Locale;

/// A value as readers see it: "up to 500", "21.9"; "hasta 500", "21,9".
pub fn value_text(locale: &Locale, indicator: &Indicator, obs: &Observation) -> String {
    let number = locale.number(obs.value, indicator.decimals);
    match &obs.qualifier {
        Some(q) => format!("{} {number}", locale.term("qualifier", q)),
        None => number,
    }
}

/// "n = 13,180": a value's number of observations, in the reader's language.
pub fn n_text(locale: &Locale, n: u32) -> String {
    locale.fill("gaps.n", &[("n", &locale.number(f64::from(n), 0))])
}

/// The short form of a source's name, for legends and tiles: the part before the first comma
/// ("World Bank" for "World Bank, World Development Indicators").
pub fn short_source(name: &str) -> &str {
    name.split(',').next().unwrap_or(name).trim()
}

/// What readers are told about a series as a whole: how salud converted its values (in their
/// language), then the author's own note.
pub fn series_note(locale: &Locale, series: &Series) -> Option<String> {
    let conversion = series.conversion.as_ref().map(|c| {
        let factor = locale.number(f64::from(c.factor), 0);
        match &c.from_unit {
            Some(unit) => locale.fill("note.converted", &[("unit", unit), ("factor", &factor)]),
            None => locale.fill("note.multiplied", &[("factor", &factor)]),
        }
    });
    let parts: Vec<String> = conversion.into_iter().chain(series.note.clone()).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The language of a value's note when it is shown in another language's page as its author
/// wrote it, for want of a translation (the comments a WHO export gives each value): the
/// site's main language, for pages to mark it (`lang="en"`). None when the page's language is
/// the note's.
pub fn untranslated_note<'a>(locale: &'a Locale, series: &Series, obs: &Observation) -> Option<&'a str> {
    let translated = series.note_translations.iter().any(|t| t.year == Some(obs.year) && t.lang == locale.code);
    (obs.note.is_some() && locale.code != locale.main && !translated).then_some(locale.main.as_str())
}

/// "Country", or "Region of Peru".
pub fn kind_name(locale: &Locale, data: &Data, place: &Place) -> String {
    let kind = locale.t(&format!("kind.{}", place.kind.as_str())).to_string();
    match place.parent.as_ref().and_then(|p| data.places.get(p)) {
        Some(parent) => locale.fill("place.of", &[("kind", &kind), ("parent", &parent.name)]),
        None => kind,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn legends_use_the_short_source_name() {
        assert_eq!(super::short_source("World Bank, World Development Indicators"), "World Bank");
        assert_eq!(super::short_source("Programme report"), "Programme report");
    }
}
