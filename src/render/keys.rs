//! The keys of a build's units of work: for each place in each language, for each language's
//! site-wide downloads, and for the site's other pages, a hash of everything its files are
//! made from. A unit whose key is the one recorded for the output (see `output::Records`)
//! is not made again: its files are kept.
//!
//! A key is taken over the loaded site (the `Debug` form of what the renderers read, which
//! names every field), not over the files: a field added to the model is in every key that
//! reads it without anyone remembering to add it. What each unit reads:
//!
//! - every unit: salud's own build, the theme (templates, styles, fonts, strings), the
//!   configuration, the catalogue, the sources, the groups, the plain pages and home page,
//!   the map boundaries, the edition year, the language, and every place's name and
//!   position (links, breadcrumbs, tables name other places);
//! - a place: its data and narrative, and the data of its parents, its children, its
//!   siblings (a region's chart shows where it stands among its country's regions), every
//!   place its narrative quotes, and the values of the world region it is compared with;
//! - the site-wide downloads: every place's data;
//! - the site's other pages: every key above.

use std::collections::BTreeMap;

use crate::cache::fast_hash;
use crate::charts::Peers;
use crate::data::Place;
use crate::i18n::Locale;
use crate::parallel;
use crate::site::Site;

pub(super) struct Keys {
    /// Per language, in the order of the locales: each place's key.
    places: Vec<BTreeMap<String, u64>>,
    /// Per language: the key of its site-wide downloads.
    data_all: Vec<u64>,
    /// The key of every page and file not made place by place.
    site: u64,
}

impl Keys {
    pub(super) fn compute(site: &Site, locales: &[Locale], peers: &Peers) -> Keys {
        let shared = shared_key(site);
        let regions = peers.digests();
        let mut keys = Keys { places: Vec::new(), data_all: Vec::new(), site: 0 };
        let mut site_parts = vec![shared.to_le_bytes().to_vec()];
        for locale in locales {
            let local = site.localized(&locale.code);
            let language = language_key(&local, locale, shared);
            let places: Vec<&Place> = local.data.places.values().collect();
            let own: BTreeMap<&str, u64> = places.iter().map(|place| (place.slug.as_str(), own_key(place))).collect();
            let all: Vec<u8> = own.values().flat_map(|h| h.to_le_bytes()).collect();
            keys.data_all.push(fast_hash(&[b"data-all", &language.to_le_bytes(), &all]));
            let place_keys = parallel::map(&places, |place| place_key(&local, place, &own, &regions, language));
            site_parts.extend(place_keys.iter().map(|k| k.to_le_bytes().to_vec()));
            site_parts.push(language.to_le_bytes().to_vec());
            keys.places.push(places.iter().map(|p| p.slug.clone()).zip(place_keys).collect());
        }
        keys.site = fast_hash(&site_parts.iter().map(Vec::as_slice).collect::<Vec<_>>());
        keys
    }

    /// The key of `slug`'s unit in the language at `index` among the locales.
    pub(super) fn place(&self, index: usize, slug: &str) -> u64 {
        self.places[index][slug]
    }

    pub(super) fn data_all(&self, index: usize) -> u64 {
        self.data_all[index]
    }

    pub(super) fn site(&self) -> u64 {
        self.site
    }
}

/// A place's own key: its file's text, from which its series are read (and translated by the
/// catalogue, which every key has), and every other field, which comes from elsewhere too
/// (its region from its parent's file, its names from the theme's table of names).
fn own_key(place: &Place) -> u64 {
    let Place { slug, name, iso3, kind, world_region, parent, file, series: _, names, source } = place;
    let fields = format!("{:?}", (slug, name, iso3, kind, world_region, parent, file, names));
    fast_hash(&[&source.to_le_bytes(), fields.as_bytes()])
}

/// What every unit of every language reads: salud, the theme and the map boundaries.
fn shared_key(site: &Site) -> u64 {
    let theme = &site.theme;
    let words = format!(
        "{:?}",
        (
            &theme.templates,
            &theme.origins,
            &theme.settings,
            &theme.profile,
            &theme.profile_origin,
            &theme.i18n,
            &theme.country_names,
            &site.boundaries,
        )
    );
    let mut parts: Vec<&[u8]> = vec![crate::cache::build_identity(), words.as_bytes()];
    for (name, bytes) in theme.statics.iter().chain(&theme.fonts) {
        parts.extend([name.as_bytes(), bytes.as_slice()]);
    }
    fast_hash(&parts)
}

/// What every unit of one language reads: the site in that language but its places' data
/// and narratives, and every place's name and position.
fn language_key(site: &Site, locale: &Locale, shared: u64) -> u64 {
    let (data, content) = (&site.data, &site.content);
    let settings = format!(
        "{:?}",
        (
            &site.config,
            &data.indicators,
            &data.sources,
            &data.groups,
            &data.broken,
            &content.home,
            &content.pages,
            &content.assets,
            site.edition_year,
            locale,
        )
    );
    let mut places = String::new();
    for p in data.places.values() {
        let fields = (&p.slug, &p.name, &p.names, p.kind, &p.parent, &p.world_region, &p.iso3, p.series.is_empty());
        places.push_str(&format!("{fields:?}\n"));
    }
    fast_hash(&[&shared.to_le_bytes(), settings.as_bytes(), places.as_bytes()])
}

/// A place's key: its language's, its own data and narrative, and the data of the places
/// its files show or its narrative quotes.
fn place_key(
    site: &Site,
    place: &Place,
    own: &BTreeMap<&str, u64>,
    regions: &BTreeMap<&str, u64>,
    language: u64,
) -> u64 {
    let data = &site.data;
    let mut related: Vec<u64> = Vec::new();
    let mut parent = place.parent.as_deref();
    while let Some(slug) = parent {
        related.push(own.get(slug).copied().unwrap_or_default());
        parent = data.places.get(slug).and_then(|p| p.parent.as_deref());
    }
    related.extend(data.children_of(&place.slug).map(|c| own[c.slug.as_str()]));
    if let Some(parent) = &place.parent {
        related.extend(data.children_of(parent).map(|c| own[c.slug.as_str()]));
    }
    let narrative = site.content.narratives.get(&place.slug);
    for call in narrative.iter().flat_map(|d| &d.shortcodes).filter_map(|s| s.call.as_ref()) {
        related.push(own.get(call.place()).copied().unwrap_or_default());
    }
    let region = place.world_region.as_deref().and_then(|r| regions.get(r)).copied().unwrap_or_default();
    let words = format!("{narrative:?}");
    let related: Vec<u8> = related.iter().flat_map(|h| h.to_le_bytes()).collect();
    fast_hash(&[
        b"place",
        &language.to_le_bytes(),
        place.slug.as_bytes(),
        &own[place.slug.as_str()].to_le_bytes(),
        &related,
        &region.to_le_bytes(),
        words.as_bytes(),
    ])
}
