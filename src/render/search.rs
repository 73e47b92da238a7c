//! The search index: every place and indicator by name in each language, written as a
//! small script (`search-index.js`) so that search works from `file://`, where a page may
//! not fetch a JSON file.

use serde::Serialize;

use crate::i18n::Locale;
use crate::site::Site;

/// One thing to find. `names` holds one name per language of the site, in the order of
/// `languages` (repeated when not translated, so every language can show it); `path` is
/// relative to each language's root.
#[derive(Serialize)]
struct Entry {
    names: Vec<String>,
    path: String,
    /// 0 place, 1 indicator: a number, to keep the index small.
    kind: u8,
}

#[derive(Serialize)]
struct Index {
    languages: Vec<String>,
    /// Per language: the word for a place and for an indicator, and the text when nothing matches.
    labels: Vec<[String; 3]>,
    entries: Vec<Entry>,
}

pub fn index(site: &Site, locales: &[&Locale]) -> String {
    let data = &site.data;
    let mut entries: Vec<Entry> = data
        .places
        .values()
        .map(|p| Entry {
            names: locales.iter().map(|l| p.names.get(&l.code).unwrap_or(&p.name).clone()).collect(),
            path: format!("{}/index.html", p.slug),
            kind: 0,
        })
        .collect();
    for indicator in &data.indicators {
        let local: Vec<_> = locales.iter().map(|l| indicator.localized(&l.code)).collect();
        entries.push(Entry {
            names: local.iter().map(|i| i.name.clone()).collect(),
            path: format!("{}/index.html", super::indicators::page_slug(&indicator.id)),
            kind: 1,
        });
    }
    let index = Index {
        languages: locales.iter().map(|l| l.code.clone()).collect(),
        labels: locales
            .iter()
            .map(|l| {
                [
                    l.t("search.place").to_string(),
                    l.t("search.indicator").to_string(),
                    l.t("search.no_results").to_string(),
                ]
            })
            .collect(),
        entries,
    };
    // serde_json escapes nothing that could end a script early, except "</": written as "<\/".
    let json = serde_json::to_string(&index).unwrap_or_default().replace("</", "<\\/");
    format!("window.saludSearch={json};\n")
}
