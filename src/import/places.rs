//! Which place of the site a name or code in an imported file means: by ISO 3166 code (three
//! letters, two letters or number, in any letter case), then by name in any of the site's
//! languages with case and accents folded, then by the recipe's aliases. Nothing else: a
//! name that matches no place is never matched to the nearest one, only suggested.

use std::collections::{BTreeMap, HashMap};

use super::iso3166;
use super::store::PlaceStore;
use crate::format::slugify;

pub(super) enum Found {
    Place(String),
    /// The name is that of two places or more (their files).
    Ambiguous(Vec<String>),
    None,
}

pub(super) struct PlaceIndex {
    /// Three-letter code to place file.
    by_code: HashMap<String, String>,
    /// Name folded (case, accents, punctuation) to the place files of that name.
    by_name: HashMap<String, Vec<String>>,
    /// Alias folded to place file.
    aliases: HashMap<String, String>,
    /// The names a did-you-mean chooses from: (folded, as written).
    known: Vec<(String, String)>,
}

impl PlaceIndex {
    /// The places directly inside `within` (a place's file name without .toml, e.g.
    /// `tanzania`), or the places at the top of data/places/ (countries and country groups).
    pub fn new(store: &PlaceStore, within: Option<&str>, aliases: &BTreeMap<String, String>) -> PlaceIndex {
        let folder = match within {
            Some(parent) => format!("{}/{parent}/", crate::data::PLACES_DIR),
            None => format!("{}/", crate::data::PLACES_DIR),
        };
        let mut index =
            PlaceIndex { by_code: HashMap::new(), by_name: HashMap::new(), aliases: HashMap::new(), known: Vec::new() };
        for (rel, names) in store.names() {
            let Some(file) = rel.strip_prefix(&folder) else { continue };
            if file.contains('/') {
                continue;
            }
            for name in names {
                let folded = slugify(name);
                let same = index.by_name.entry(folded.clone()).or_default();
                if !same.contains(rel) {
                    same.push(rel.clone());
                }
                index.known.push((folded, name.clone()));
            }
        }
        for (code, rel) in store.codes() {
            if rel.strip_prefix(&folder).is_some_and(|f| !f.contains('/')) {
                index.by_code.insert(code.clone(), rel.clone());
            }
        }
        for (alias, rel) in aliases {
            index.aliases.insert(slugify(alias), rel.clone());
        }
        index
    }

    pub fn find(&self, text: &str) -> Found {
        let text = text.trim();
        if let Some(rel) = self.by_any_code(text) {
            return Found::Place(rel.clone());
        }
        let folded = slugify(text);
        match self.by_name.get(&folded).map(Vec::as_slice) {
            Some([one]) => return Found::Place(one.clone()),
            Some(many) if many.len() > 1 => return Found::Ambiguous(many.to_vec()),
            _ => {}
        }
        match self.aliases.get(&folded) {
            Some(rel) => Found::Place(rel.clone()),
            None => Found::None,
        }
    }

    fn by_any_code(&self, text: &str) -> Option<&String> {
        let letters = text.bytes().all(|b| b.is_ascii_alphabetic());
        let iso3 = match text.len() {
            3 if letters => Some(text.to_ascii_uppercase()),
            2 if letters => iso3166::alpha3_of_alpha2(text).map(str::to_string),
            1..=4 if text.bytes().all(|b| b.is_ascii_digit()) => {
                text.parse().ok().and_then(iso3166::alpha3_of_numeric).map(str::to_string)
            }
            _ => None,
        }?;
        self.by_code.get(&iso3)
    }

    /// The name of a place nearest to `text`, if one is near enough to be the likely intent.
    pub fn did_you_mean(&self, text: &str) -> Option<&str> {
        let folded = slugify(text);
        let close = crate::diagnostic::closest(&folded, self.known.iter().map(|(f, _)| f.as_str()))?;
        self.known.iter().find(|(f, _)| f == close).map(|(_, name)| name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &str) -> PlaceStore {
        let root = std::env::temp_dir().join(format!("salud-places-{dir}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let places = root.join("data/places");
        std::fs::create_dir_all(places.join("peru")).unwrap();
        std::fs::write(places.join("peru.toml"), "name = \"Peru\"\niso3 = \"PER\"\nnames = { es = \"Perú\" }\n")
            .unwrap();
        std::fs::write(places.join("chile.toml"), "name = \"Chile\"\niso3 = \"CHL\"\n").unwrap();
        std::fs::write(places.join("peru/huanuco.toml"), "name = \"Huánuco\"\nkind = \"region\"\n").unwrap();
        std::fs::write(places.join("peru/junin.toml"), "name = \"Junín\"\nkind = \"region\"\n").unwrap();
        let store = PlaceStore::open(&root, Vec::new(), Vec::new()).unwrap();
        std::fs::remove_dir_all(&root).unwrap();
        store
    }

    #[test]
    fn places_are_found_by_code_then_name_then_alias() {
        let store = store("codes");
        let aliases = BTreeMap::from([("Republic of Chile".to_string(), "data/places/chile.toml".to_string())]);
        let index = PlaceIndex::new(&store, None, &aliases);
        let found = |text: &str| match index.find(text) {
            Found::Place(rel) => rel,
            _ => String::new(),
        };
        for text in ["PER", "per", "PE", "pe", "604", "0604", "Peru", "PERU", "Perú", " perú "] {
            assert_eq!(found(text), "data/places/peru.toml", "{text}");
        }
        assert_eq!(found("republic of chile"), "data/places/chile.toml");
        // Regions are not countries, and the nearest name is only suggested.
        assert_eq!(found("Huánuco"), "");
        assert_eq!(found("Chle"), "");
        assert_eq!(index.did_you_mean("Chle"), Some("Chile"));

        let index = PlaceIndex::new(&store, Some("peru"), &BTreeMap::new());
        let found = |text: &str| match index.find(text) {
            Found::Place(rel) => rel,
            _ => String::new(),
        };
        assert_eq!(found("HUANUCO"), "data/places/peru/huanuco.toml");
        assert_eq!(found("Junin"), "data/places/peru/junin.toml");
        assert_eq!(found("PER"), "");
        assert_eq!(index.did_you_mean("Hunuco"), Some("Huánuco"));
    }
}
