//! The layers of shapes maps are drawn from: each folder of `data/geo/` holds a boundary file
//! and a `layer.toml` saying how its shapes are matched to places. Loading reads them once per
//! build, matches every shape to its place, projects it, and reports what does not match.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::geometry::{self, Azimuthal, Bounds, Polygon};
use super::read::{self, Feature};
use crate::data::{Place, PlaceKind};
use crate::diagnostic::{closest, Diagnostic, Diagnostics};
use crate::files::{self, Walked};

/// The folder of boundary layers.
pub const GEO_DIR: &str = "data/geo";
/// The file in each layer's folder that describes it.
pub const LAYER_FILE: &str = "layer.toml";

/// Every layer of a site.
#[derive(Debug, Clone, Default)]
pub struct Boundaries {
    /// Countries, matched by ISO3 code: for the world map of each indicator.
    pub world: Option<Layer>,
    /// A country's regions, by the country's slug.
    pub regions: BTreeMap<String, Layer>,
}

/// One boundary file's shapes, projected for drawing.
#[derive(Debug, Clone)]
pub struct Layer {
    /// The country whose regions the shapes are; none for the world layer.
    pub country: Option<String>,
    /// In the file's order.
    pub shapes: Vec<Shape>,
    /// The extent of every shape, projected.
    pub bounds: Bounds,
}

/// One shape of a layer.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Its name in the file, for shapes that stand for no place.
    pub name: String,
    /// The slug of the place it stands for.
    pub place: Option<String>,
    /// Its areas, projected (y down); on the world layer each lies on one side of the
    /// antimeridian.
    pub parts: Vec<Polygon>,
}

/// `layer.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    /// The boundary file, beside `layer.toml`.
    file: Spanned<String>,
    /// The property whose value names each shape ("id": the feature's id).
    #[serde(rename = "match")]
    key: String,
    /// The property with each shape's name for people; `match` when absent.
    name: Option<String>,
    /// TopoJSON: the object holding the shapes.
    object: Option<String>,
    /// A TOML table beside it turning `match` values into ISO3 codes (world layers).
    codes: Option<Spanned<String>>,
    /// The place whose regions the shapes are; none: a world layer, matched by ISO3 code.
    country: Option<Spanned<String>>,
    /// Shapes (by `match` value or name) that are not drawn.
    #[serde(default)]
    leave_out: Vec<String>,
    /// Shapes (by `match` value or name) that stand for no place, on purpose.
    #[serde(default)]
    no_place: Vec<Spanned<String>>,
    /// Places (ISO3 codes, or a region's file name) the file has no shape for, on purpose.
    #[serde(default)]
    no_shape: Vec<Spanned<String>>,
    /// A shape's `match` value or name -> its place (ISO3 code, or a region's file name).
    #[serde(default)]
    names: BTreeMap<String, Spanned<String>>,
}

impl Boundaries {
    /// Every layer under `data/geo/`, its shapes matched to `places`. A file that cannot be
    /// read is an error and its layer is left out; shapes and places that do not match are
    /// warnings.
    pub fn load(root: &Path, places: &BTreeMap<String, Place>, diags: &mut Diagnostics) -> Boundaries {
        let mut boundaries = Boundaries::default();
        if !root.join(GEO_DIR).is_dir() {
            return boundaries;
        }
        let mut claimed: BTreeSet<Option<String>> = BTreeSet::new();
        for walked in files::walk(root, GEO_DIR) {
            let rel = match walked {
                Walked::File(rel) if rel.ends_with(&format!("/{LAYER_FILE}")) => rel,
                Walked::Problem(d) => {
                    diags.push(d);
                    continue;
                }
                _ => continue,
            };
            let Some((spec, text)) = files::read_toml::<Spec>(root, &rel, diags) else { continue };
            // What the layer draws is claimed before its file is read: a second layer of the
            // same is refused whether or not the first could be read.
            let claim = spec.country.as_ref().map(|c| c.get_ref().clone());
            if !claimed.insert(claim.clone()) {
                let what = claim.map_or("the world".to_string(), |c| format!("the regions of {c}"));
                diags.push(
                    Diagnostic::error(&rel, format!("a second layer of {what}: maps would not know which to draw"))
                        .help(format!("keep one layer of {what} in {GEO_DIR}/ and remove the other folder")),
                );
                continue;
            }
            let Some(layer) = load_layer(root, &rel, (spec, &text), places, diags) else { continue };
            match layer.country.clone() {
                Some(country) => {
                    boundaries.regions.insert(country, layer);
                }
                None => boundaries.world = Some(layer),
            }
        }
        boundaries
    }

    /// The layer of `country`'s regions, if the site has one.
    pub fn regions_of(&self, country: &str) -> Option<&Layer> {
        self.regions.get(country)
    }
}

/// What a layer's shapes are matched to: the places that may have a shape, by the name a
/// `layer.toml` gives them (an ISO3 code, a region's file name).
struct Targets<'a> {
    by_name: BTreeMap<String, &'a Place>,
    /// "country" or "region of Peru", for messages.
    what: String,
    /// How a boundary value that matches no place is turned into a place's name.
    world: bool,
}

impl Targets<'_> {
    /// The place a shape's value names, through `codes` and by spelling.
    fn guess(&self, value: &str, codes: &BTreeMap<String, String>) -> Option<String> {
        if self.world {
            let code = codes.get(value).map_or(value, String::as_str).to_uppercase();
            return self.by_name.contains_key(&code).then_some(code);
        }
        let slug = crate::format::slugify(value);
        self.by_name.contains_key(&slug).then_some(slug)
    }
}

fn load_layer(
    root: &Path,
    rel: &str,
    (spec, text): (Spec, &str),
    places: &BTreeMap<String, Place>,
    diags: &mut Diagnostics,
) -> Option<Layer> {
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    let beside = |name: &Spanned<String>, diags: &mut Diagnostics| -> Option<String> {
        let value = name.get_ref();
        if value.is_empty() || value.contains(['/', '\\']) || value == ".." {
            diags.push(
                Diagnostic::error(rel, format!("\"{value}\" is not the name of a file beside {LAYER_FILE}"))
                    .at(text, name.span())
                    .help(format!("put the file in {dir}/ and give its name alone")),
            );
            return None;
        }
        Some(format!("{dir}/{value}"))
    };
    let targets = targets(rel, text, &spec, places, diags)?;
    let codes = match &spec.codes {
        Some(name) => {
            let file = beside(name, diags)?;
            files::read_toml::<BTreeMap<String, String>>(root, &file, diags)?.0
        }
        None => BTreeMap::new(),
    };
    let file = beside(&spec.file, diags)?;
    let source = files::read_text(root, &file, diags)?;
    let features = read::features(&file, &source, spec.object.as_deref(), diags)?;
    let name_key = spec.name.as_deref().unwrap_or(&spec.key);
    let features: Vec<(String, String, Feature)> = features
        .into_iter()
        .map(|f| {
            let key = f.value(&spec.key).unwrap_or_default();
            let name = f.value(name_key).unwrap_or_else(|| key.clone());
            (key, name, f)
        })
        .filter(|(key, name, _)| !spec.leave_out.iter().any(|l| l == key || l == name))
        .collect();
    let report = Report { rel, text, file: &file, spec: &spec, targets: &targets };
    let matched = report.match_shapes(&features, &codes, diags);
    report.places_without_shape(&matched, diags);
    report.stale_lists(&features, &matched, diags);

    let world = spec.country.is_none();
    let azimuthal = Azimuthal::centred_on(features.iter().flat_map(|(_, _, f)| f.polygons.iter().flatten()));
    let project = |p: geometry::Point| if world { geometry::equal_earth(p) } else { azimuthal.project(p) };
    let mut bounds = Bounds::EMPTY;
    let shapes: Vec<Shape> = features
        .into_iter()
        .zip(matched)
        .map(|((_, name, f), place)| {
            let cut: Vec<Polygon> =
                if world { f.polygons.iter().flat_map(geometry::cut_at_antimeridian).collect() } else { f.polygons };
            let parts: Vec<Polygon> = cut
                .into_iter()
                .map(|polygon| polygon.into_iter().map(|ring| ring.into_iter().map(project).collect()).collect())
                .collect();
            for p in parts.iter().flatten().flatten() {
                bounds.add(*p);
            }
            Shape { name, place, parts }
        })
        .collect();
    Some(Layer { country: spec.country.map(Spanned::into_inner), shapes, bounds })
}

/// The places a layer's shapes may stand for: the countries with an ISO3 code (world), or
/// the regions of its country.
fn targets<'a>(
    rel: &str,
    text: &str,
    spec: &Spec,
    places: &'a BTreeMap<String, Place>,
    diags: &mut Diagnostics,
) -> Option<Targets<'a>> {
    let Some(country) = &spec.country else {
        let by_name = places
            .values()
            .filter(|p| p.kind == PlaceKind::Country)
            .filter_map(|p| Some((p.iso3.clone()?.to_uppercase(), p)))
            .collect();
        return Some(Targets { by_name, what: "country".into(), world: true });
    };
    let slug = country.get_ref();
    let Some(parent) = places.get(slug) else {
        let tops = places.values().filter(|p| p.parent.is_none()).map(|p| p.slug.as_str());
        let mut d =
            Diagnostic::error(rel, format!("country = \"{slug}\" names no place of the site")).at(text, country.span());
        d = match closest(slug, tops) {
            Some(near) => d.help(format!(
                "did you mean \"{near}\"? Give the file name of a place under data/places/, without .toml"
            )),
            None => d.help("give the file name of a place under data/places/, without .toml"),
        };
        diags.push(d);
        return None;
    };
    let prefix = format!("{slug}/");
    let by_name = places
        .values()
        .filter(|p| p.kind == PlaceKind::Region && p.parent.as_deref() == Some(slug))
        .map(|p| (p.slug.strip_prefix(&prefix).unwrap_or(&p.slug).to_string(), p))
        .collect();
    Some(Targets { by_name, what: format!("region of {}", parent.name), world: false })
}

/// What one layer's matching reports, and where.
struct Report<'a> {
    /// `layer.toml`, and its text.
    rel: &'a str,
    text: &'a str,
    /// The boundary file.
    file: &'a str,
    spec: &'a Spec,
    targets: &'a Targets<'a>,
}

impl Report<'_> {
    /// The place each shape stands for, in the features' order.
    fn match_shapes(
        &self,
        features: &[(String, String, Feature)],
        codes: &BTreeMap<String, String>,
        diags: &mut Diagnostics,
    ) -> Vec<Option<String>> {
        let Report { rel, text, spec, targets, .. } = *self;
        let what = &targets.what;
        // `[names]` entries first: one that names no place is the likeliest slip.
        let mut broken: BTreeSet<&str> = BTreeSet::new();
        for (from, to) in &spec.names {
            let target = normalise(to.get_ref(), spec.country.as_ref().map(|c| c.get_ref().as_str()), targets.world);
            if !targets.by_name.contains_key(&target) {
                broken.insert(from.as_str());
                let mut d = Diagnostic::warning(
                    rel,
                    format!("[names] maps \"{from}\" to \"{}\", which is no {what}", to.get_ref()),
                )
                .at(text, to.span());
                let near = closest(&target, targets.by_name.keys().map(String::as_str));
                d = d.help(match near {
                    Some(near) => format!("did you mean \"{near}\"?"),
                    None if targets.world => "give the ISO3 code of a place (its iso3 in data/places/)".to_string(),
                    None => "give the file name of one of its regions, without .toml".to_string(),
                });
                diags.push(d);
            }
            if !features.iter().any(|(key, name, _)| key == from || name == from) {
                let known = features.iter().map(|(key, _, _)| key.as_str());
                let mut d = Diagnostic::warning(
                    rel,
                    format!("[names] has \"{from}\", but no shape of {} has that {}", self.file, spec.key),
                )
                .at(text, entry_span(text, to.span()));
                if let Some(near) = closest(from, known) {
                    d = d.help(format!("did you mean \"{near}\"?"));
                }
                diags.push(d);
            }
        }
        features
            .iter()
            .map(|(key, name, _)| {
                let named = spec.names.get(key).or_else(|| spec.names.get(name));
                let place = match named {
                    Some(to) => {
                        let target =
                            normalise(to.get_ref(), spec.country.as_ref().map(|c| c.get_ref().as_str()), targets.world);
                        targets.by_name.get(&target).map(|p| p.slug.clone())
                    }
                    None => targets.guess(key, codes).and_then(|t| targets.by_name.get(&t)).map(|p| p.slug.clone()),
                };
                let excused = spec.no_place.iter().any(|n| n.get_ref() == key || n.get_ref() == name)
                    || spec.names.keys().any(|n| (n == key || n == name) && broken.contains(n.as_str()));
                if place.is_none() && !excused {
                    diags.push(self.shape_without_place(key, name));
                }
                place
            })
            .collect()
    }

    fn shape_without_place(&self, key: &str, name: &str) -> Diagnostic {
        let Report { rel, spec, targets, .. } = *self;
        let shown = if key == name || name.is_empty() {
            format!("{} = \"{key}\"", spec.key)
        } else {
            format!("{} = \"{key}\" ({name})", spec.key)
        };
        let d = Diagnostic::warning(
            self.file,
            format!("the shape {shown} matches no {}: maps draw it without data", targets.what),
        );
        let guess = if targets.world { name.to_string() } else { crate::format::slugify(key) };
        let entry = if key.is_empty() { name } else { key };
        match closest(&guess, targets.by_name.keys().map(String::as_str)) {
            Some(near) => d.help(format!("did you mean \"{near}\"? If so, add \"{entry}\" = \"{near}\" under [names] in {rel}")),
            None => d.help(format!(
                "add \"{entry}\" = \"...\" under [names] in {rel} with its place, or list it in no_place there if it stands for none"
            )),
        }
    }

    /// Places with no shape: their maps show them only in the table beside.
    fn places_without_shape(&self, matched: &[Option<String>], diags: &mut Diagnostics) {
        let Report { rel, spec, targets, .. } = *self;
        let drawn: BTreeSet<&str> = matched.iter().flatten().map(String::as_str).collect();
        for (name, place) in &targets.by_name {
            if drawn.contains(place.slug.as_str())
                || spec.no_shape.iter().any(|n| n.get_ref().eq_ignore_ascii_case(name))
            {
                continue;
            }
            let small =
                if targets.world { "it is too small to draw at this scale" } else { "the file has no shape for it" };
            diags.push(
                Diagnostic::warning(&place.file, format!("{} has no shape in {}: its maps leave it out", place.name, self.file))
                    .help(format!(
                        "if the file names it differently, add \"THE NAME IN THE FILE\" = \"{name}\" under [names] in {rel}; if {small}, list \"{name}\" in no_shape there"
                    )),
            );
        }
    }

    /// `no_place` and `no_shape` entries that name nothing: a typo there would hide a shape
    /// or a place from these checks.
    fn stale_lists(&self, features: &[(String, String, Feature)], matched: &[Option<String>], diags: &mut Diagnostics) {
        let Report { rel, text, spec, targets, .. } = *self;
        // The likely intent of a listed shape that is not there: a shape without a place that
        // is not listed yet.
        let listed = |key: &str, name: &str| spec.no_place.iter().any(|n| n.get_ref() == key || n.get_ref() == name);
        let unmatched: Vec<&str> = features
            .iter()
            .zip(matched)
            .filter(|((key, name, _), place)| place.is_none() && !listed(key, name))
            .map(|((_, name, _), _)| name.as_str())
            .collect();
        for entry in &spec.no_place {
            let e = entry.get_ref();
            if !features.iter().any(|(key, name, _)| key == e || name == e) {
                let mut d = Diagnostic::warning(
                    rel,
                    format!("no_place lists \"{e}\", but no shape of {} has that {} or name", self.file, spec.key),
                )
                .at(text, entry.span());
                if let Some(near) = closest(e, unmatched.iter().copied()) {
                    d = d.help(format!("did you mean \"{near}\"?"));
                }
                diags.push(d);
            }
        }
        for entry in &spec.no_shape {
            let e = entry.get_ref();
            if !targets.by_name.keys().any(|n| n.eq_ignore_ascii_case(e)) {
                let mut d = Diagnostic::warning(rel, format!("no_shape lists \"{e}\", which is no {}", targets.what))
                    .at(text, entry.span());
                if let Some(near) = closest(e, targets.by_name.keys().map(String::as_str)) {
                    d = d.help(format!("did you mean \"{near}\"?"));
                }
                diags.push(d);
            }
        }
    }
}

/// A `[names]` target as the targets are keyed: an ISO3 code in capitals, or a region's file
/// name (a full path below the country is accepted too).
fn normalise(to: &str, country: Option<&str>, world: bool) -> String {
    if world {
        return to.to_uppercase();
    }
    let below = country.and_then(|c| to.strip_prefix(c)).and_then(|rest| rest.strip_prefix('/')).unwrap_or(to);
    below.trim_end_matches(".toml").to_string()
}

/// The span of a whole `key = value` line, from the span of its value.
fn entry_span(text: &str, value: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let start = text[..value.start.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let indent = text[start..].len() - text[start..].trim_start().len();
    start + indent..value.end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(slug: &str, name: &str, iso3: Option<&str>, kind: PlaceKind) -> Place {
        Place {
            slug: slug.into(),
            name: name.into(),
            iso3: iso3.map(str::to_string),
            kind,
            world_region: None,
            parent: slug.rsplit_once('/').map(|(p, _)| p.to_string()),
            file: format!("data/places/{slug}.toml"),
            series: Vec::new(),
            source: 0,
            names: BTreeMap::new(),
        }
    }

    fn places() -> BTreeMap<String, Place> {
        [
            place("testland", "Testland", Some("TST"), PlaceKind::Country),
            place("testland/north", "Norte Ñuñoa", None, PlaceKind::Region),
            place("testland/south", "South", None, PlaceKind::Region),
            place("otherland", "Otherland", Some("OTH"), PlaceKind::Country),
        ]
        .into_iter()
        .map(|p| (p.slug.clone(), p))
        .collect()
    }

    const SQUARE: &str = "[[[-70,-10],[-69,-10],[-69,-9],[-70,-9],[-70,-10]]]";

    fn regions(names: &[&str]) -> String {
        let features: Vec<String> = names
            .iter()
            .map(|n| format!("{{\"type\":\"Feature\",\"properties\":{{\"NAME\":\"{n}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":{SQUARE}}}}}"))
            .collect();
        format!("{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n", features.join(",\n"))
    }

    /// Loads a site made of `files` and returns its layers and messages.
    fn load(case: &str, files: &[(&str, &str)]) -> (Boundaries, Vec<String>) {
        let root = std::env::temp_dir().join(format!("salud-maps-{case}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let mut diags = Diagnostics::default();
        let boundaries = Boundaries::load(&root, &places(), &mut diags);
        std::fs::remove_dir_all(&root).unwrap();
        (boundaries, diags.0.iter().map(|d| d.to_string()).collect())
    }

    const LAYER: &str = "file = \"regions.geojson\"\ncountry = \"testland\"\nmatch = \"NAME\"\n";

    #[test]
    fn regions_match_by_spelling_and_by_the_names_table() {
        let layer = format!("{LAYER}[names]\n\"NORTE ÑUÑOA\" = \"north\"\n");
        let (b, messages) = load(
            "match",
            &[("data/geo/t/layer.toml", &layer), ("data/geo/t/regions.geojson", &regions(&["NORTE ÑUÑOA", "SOUTH"]))],
        );
        assert!(messages.is_empty(), "{messages:?}");
        let layer = b.regions_of("testland").unwrap();
        let matched: Vec<Option<&str>> = layer.shapes.iter().map(|s| s.place.as_deref()).collect();
        assert_eq!(matched, [Some("testland/north"), Some("testland/south")]);
        assert!(layer.bounds.width() > 0.0 && b.world.is_none());
    }

    #[test]
    fn a_misspelt_name_is_reported_with_the_likely_one() {
        let layer = format!("{LAYER}[names]\n\"NORTE ÑUÑOA\" = \"nroth\"\n");
        let (_, messages) = load(
            "misspelt",
            &[("data/geo/t/layer.toml", &layer), ("data/geo/t/regions.geojson", &regions(&["NORTE ÑUÑOA", "SUOTH"]))],
        );
        assert_eq!(
            messages,
            [
                "warning: [names] maps \"NORTE ÑUÑOA\" to \"nroth\", which is no region of Testland\n --> data/geo/t/layer.toml:5:17\n  |\n5 | \"NORTE ÑUÑOA\" = \"nroth\"\n  |                 ^^^^^^^\n  = help: did you mean \"north\"?",
                "warning: the shape NAME = \"SUOTH\" matches no region of Testland: maps draw it without data\n --> data/geo/t/regions.geojson\n  = help: did you mean \"south\"? If so, add \"SUOTH\" = \"south\" under [names] in data/geo/t/layer.toml",
                "warning: Norte Ñuñoa has no shape in data/geo/t/regions.geojson: its maps leave it out\n --> data/places/testland/north.toml\n  = help: if the file names it differently, add \"THE NAME IN THE FILE\" = \"north\" under [names] in data/geo/t/layer.toml; if the file has no shape for it, list \"north\" in no_shape there",
                "warning: South has no shape in data/geo/t/regions.geojson: its maps leave it out\n --> data/places/testland/south.toml\n  = help: if the file names it differently, add \"THE NAME IN THE FILE\" = \"south\" under [names] in data/geo/t/layer.toml; if the file has no shape for it, list \"south\" in no_shape there",
            ]
        );
    }

    #[test]
    fn lists_excuse_shapes_and_places_and_their_typos_are_reported() {
        let layer = format!("{LAYER}no_place = [\"LAKE\", \"SAE\"]\nno_shape = [\"north\"]\nleave_out = [\"ICE\"]\n");
        let (b, messages) = load(
            "lists",
            &[
                ("data/geo/t/layer.toml", &layer),
                ("data/geo/t/regions.geojson", &regions(&["SOUTH", "LAKE", "ICE", "SEA"])),
            ],
        );
        assert_eq!(b.regions_of("testland").unwrap().shapes.len(), 3, "ICE is left out");
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(messages[0].contains("shape NAME = \"SEA\" matches no region"), "{}", messages[0]);
        assert!(
            messages[1].starts_with("warning: no_place lists \"SAE\", but no shape")
                && messages[1].contains("did you mean \"SEA\"?"),
            "{}",
            messages[1]
        );
    }

    #[test]
    fn a_file_that_is_not_json_is_an_error_at_its_line() {
        let broken = "{\"type\":\"FeatureCollection\",\n\"features\":[\n{\"type\":\"Feature\" \"properties\":{}}\n]}\n";
        let (b, messages) = load("syntax", &[("data/geo/t/layer.toml", LAYER), ("data/geo/t/regions.geojson", broken)]);
        assert!(b.regions.is_empty());
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].starts_with("error: this boundary file is not valid JSON: expected `,` or `}`\n --> data/geo/t/regions.geojson:3:19\n"),
            "{}",
            messages[0]
        );
    }

    #[test]
    fn broken_topojson_is_refused_without_a_panic() {
        let layer = "file = \"w.json\"\nmatch = \"id\"\n";
        let cases = [
            ("{\"type\":\"Topology\",\"objects\":{\"c\":{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"Polygon\",\"arcs\":[[0]],\"id\":\"1\"}]}},\"arcs\":[]}", "refers to arc 0, but it has 0 arcs"),
            ("{\"type\":\"Topology\",\"transform\":{\"scale\":[1],\"translate\":[0,0]},\"objects\":{},\"arcs\":[]}", "transform needs a scale and a translate"),
            ("{\"type\":\"Topology\",\"objects\":{\"c\":{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"GeometryCollection\",\"geometries\":[]}]}},\"arcs\":[]}", "nests a collection"),
            ("{\"type\":\"Topology\",\"objects\":{\"c\":{\"type\":\"Polygon\",\"arcs\":[[-2147483648]]}},\"arcs\":[[[0,0]]]}", "refers to arc -2147483648"),
            ("{\"type\":\"Topology\",\"objects\":{\"c\":{\"type\":\"Polygon\",\"arcs\":[[0]]}},\"arcs\":[[[0]]]}", "needs two numbers"),
            ("{\"type\":\"Topology\",\"objects\":{\"a\":{},\"b\":{}},\"arcs\":[]}", "several objects (\"a\", \"b\")"),
        ];
        for (i, (topo, expected)) in cases.iter().enumerate() {
            let (_, messages) =
                load(&format!("topo{i}"), &[("data/geo/w/layer.toml", layer), ("data/geo/w/w.json", topo)]);
            assert!(messages.len() == 1 && messages[0].contains(expected), "{expected}: {messages:?}");
            assert!(messages[0].starts_with("error: ") && messages[0].contains("data/geo/w/w.json"), "{}", messages[0]);
        }
    }

    #[test]
    fn a_projected_file_is_refused_with_how_to_save_it() {
        let projected = regions(&["SOUTH"]).replace("-70", "500000");
        let (_, messages) =
            load("projected", &[("data/geo/t/layer.toml", LAYER), ("data/geo/t/regions.geojson", &projected)]);
        assert!(
            messages[0].starts_with(
                "error: feature 1 has the position [500000.0, -10.0], which is not a longitude and latitude"
            ),
            "{messages:?}"
        );
        assert!(messages[0].contains("WGS 84"));
    }

    #[test]
    fn the_world_matches_codes_and_refuses_a_second_layer_and_an_unknown_country() {
        let topo = "{\"type\":\"Topology\",\"objects\":{\"c\":{\"type\":\"GeometryCollection\",\"geometries\":[\
            {\"type\":\"Polygon\",\"arcs\":[[0]],\"id\":\"834\",\"properties\":{\"name\":\"Testland\"}},\
            {\"type\":\"Polygon\",\"arcs\":[[0]],\"properties\":{\"name\":\"Otherland\"}}]}},\
            \"arcs\":[[[178,-16],[-179,-16],[-179,-18],[178,-18],[178,-16]]]}";
        let world = "file = \"w.json\"\nmatch = \"id\"\nname = \"name\"\ncodes = \"codes.toml\"\n[names]\n\"Otherland\" = \"oth\"\n";
        let (b, messages) = load(
            "world",
            &[
                ("data/geo/a/layer.toml", world),
                ("data/geo/a/w.json", topo),
                ("data/geo/a/codes.toml", "\"834\" = \"TST\"\n"),
                ("data/geo/b/layer.toml", world),
                ("data/geo/b/w.json", topo),
                ("data/geo/b/codes.toml", ""),
                ("data/geo/c/layer.toml", "file = \"x.json\"\nmatch = \"id\"\ncountry = \"testlan\"\n"),
            ],
        );
        let w = b.world.unwrap();
        let matched: Vec<Option<&str>> = w.shapes.iter().map(|s| s.place.as_deref()).collect();
        assert_eq!(matched, [Some("testland"), Some("otherland")]);
        // Across the antimeridian: two parts, one at each end of the map.
        assert_eq!(w.shapes[0].parts.len(), 2);
        assert!(w.bounds.width() > 5.0, "{:?}", w.bounds);
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(
            messages[0].starts_with("error: a second layer of the world")
                && messages[0].contains("data/geo/b/layer.toml")
        );
        assert!(
            messages[1].starts_with("error: country = \"testlan\" names no place of the site")
                && messages[1].contains("did you mean \"testland\"?")
        );
    }
}
