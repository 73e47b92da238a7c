//! `data/sources.toml`: who published the numbers and on what terms, so that every page
//! showing a value can credit it and state its licence.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Diagnostics};

pub const FILE: &str = "data/sources.toml";

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Source {
    pub id: super::SourceId,
    /// Position in sources.toml: when two sources have the same latest year, the one listed
    /// first is preferred for overviews.
    #[serde(skip)]
    pub rank: usize,
    pub name: String,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub licence: Option<String>,
    pub licence_url: Option<String>,
    /// The credit line the publisher asks for, when it asks for one.
    pub citation: Option<String>,
    pub note: Option<String>,
    /// Name, licence, citation and note in other languages, by language code.
    #[serde(skip)]
    pub translations: BTreeMap<String, SourceText>,
}

/// A source's words in another language; what is left out stays as in the main one.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceText {
    pub name: Option<String>,
    /// The terms as readers of the language read them; a licence's own name (CC BY 4.0) stays.
    pub licence: Option<String>,
    pub citation: Option<String>,
    pub note: Option<String>,
}

impl Source {
    /// The source as readers of `lang` see it.
    pub fn localized(&self, lang: &str) -> Source {
        let mut out = self.clone();
        if let Some(t) = self.translations.get(lang).cloned() {
            out.name = t.name.unwrap_or(out.name);
            out.licence = t.licence.or(out.licence);
            out.citation = t.citation.or(out.citation);
            out.note = t.note.or(out.note);
        }
        out
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceFile {
    name: Option<Spanned<String>>,
    publisher: Option<String>,
    url: Option<Spanned<String>>,
    licence: Option<String>,
    licence_url: Option<Spanned<String>>,
    citation: Option<String>,
    note: Option<String>,
    #[serde(default)]
    translations: BTreeMap<String, SourceText>,
}

pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<BTreeMap<super::SourceId, Source>> {
    let (file, text) = crate::files::read_toml::<BTreeMap<String, Spanned<SourceFile>>>(root, FILE, diags)?;
    let mut ok = true;
    let mut sources = BTreeMap::new();
    let mut entries: Vec<_> = file.into_iter().collect();
    entries.sort_by_key(|(_, entry)| entry.span().start);
    for (rank, (id, entry)) in entries.into_iter().enumerate() {
        let span = entry.span();
        let entry = entry.into_inner();
        let name = match entry.name {
            Some(n) if !n.get_ref().trim().is_empty() => n.into_inner(),
            _ => {
                diags.push(
                    Diagnostic::error(FILE, format!("the source `{id}` has no name"))
                        .at(&text, span)
                        .help("add name = \"...\" with the publisher and the data set, as readers should see it"),
                );
                ok = false;
                continue;
            }
        };
        if let Some((message, help)) = super::check_label(&format!("name of the source `{id}`"), &name, 200) {
            diags.push(Diagnostic::error(FILE, message).at(&text, span.clone()).help(help));
            ok = false;
        }
        let mut address = |field: Option<Spanned<String>>, key: &str| {
            let field = field?;
            if crate::url::is_safe(field.get_ref()) {
                return Some(field.into_inner());
            }
            diags.push(
                Diagnostic::error(FILE, format!("the {key} of the source `{id}` is not a web address"))
                    .at(&text, field.span())
                    .help(crate::url::help()),
            );
            ok = false;
            None
        };
        let (url, licence_url) = (address(entry.url, "url"), address(entry.licence_url, "licence_url"));
        sources.insert(
            super::SourceId::new(id.as_str()),
            Source {
                id: super::SourceId::new(id),
                rank,
                name,
                publisher: entry.publisher,
                url,
                licence: entry.licence,
                licence_url,
                citation: entry.citation,
                note: entry.note,
                translations: entry.translations,
            },
        );
    }
    ok.then_some(sources)
}
