//! Reading a boundary file, GeoJSON or TopoJSON, into its shapes' areas in longitude and
//! latitude.
//!
//! georust's `geojson` and `topojson` crates read the formats (TopoJSON's arcs, deltas and
//! quantisation included). JSON is parsed here first, with serde_json, so that a syntax error
//! keeps its line and column; and what `topojson` would panic on (a short transform, an arc
//! index out of range, a nested collection) is refused here with a message, before it is
//! converted.

use serde_json::{Map, Value};

use super::geometry::{Polygon, Ring};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// One shape of the file, before it is matched to a place.
#[derive(Debug, Clone)]
pub struct Feature {
    /// The feature's `id` member, as text.
    pub id: Option<String>,
    pub properties: Map<String, Value>,
    pub polygons: Vec<Polygon>,
}

impl Feature {
    /// The value of `key` as text: a property, or the feature's id for `"id"` when no property
    /// has that name. Numbers are written as in the file ("604").
    pub fn value(&self, key: &str) -> Option<String> {
        match self.properties.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            Some(_) => None,
            None if key == "id" => self.id.clone(),
            None => None,
        }
    }
}

const FORMATS: &str = "salud reads GeoJSON (a FeatureCollection of Polygon and MultiPolygon features, in \
                       longitude and latitude) and TopoJSON (a Topology); save the boundaries in one of them";

/// The shapes of the boundary file `rel` (relative to the site), whose text is `text`. For
/// TopoJSON, `object` names the object that holds them (needed when there are several).
pub fn features(rel: &str, text: &str, object: Option<&str>, diags: &mut Diagnostics) -> Option<Vec<Feature>> {
    let json: Map<String, Value> = match serde_json::from_str(text) {
        Ok(json) => json,
        Err(err) => {
            let at = offset(text, err.line(), err.column());
            diags.push(
                Diagnostic::error(rel, format!("this boundary file is not valid JSON: {}", strip_position(&err)))
                    .at(text, at..at + 1)
                    .help(FORMATS),
            );
            return None;
        }
    };
    let read = match json.get("type").and_then(Value::as_str) {
        Some("Topology") => topology(json, object),
        Some(_) => geojson(json),
        None => Err("this boundary file has no \"type\": it is neither GeoJSON nor TopoJSON".into()),
    };
    read.map_err(|message| diags.push(Diagnostic::error(rel, message).help(FORMATS))).ok()
}

/// The byte offset of serde_json's 1-based line and column.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start = if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1) };
    (start + column.saturating_sub(1)).min(text.len())
}

/// serde_json's message without its " at line 3 column 7": the message shows the place itself.
fn strip_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn geojson(json: Map<String, Value>) -> Result<Vec<Feature>, String> {
    let parsed = geojson::GeoJson::from_json_object(json).map_err(|e| format!("this GeoJSON cannot be read: {e}"))?;
    shapes(match parsed {
        geojson::GeoJson::FeatureCollection(fc) => fc.features,
        geojson::GeoJson::Feature(f) => vec![f],
        geojson::GeoJson::Geometry(g) => vec![geojson::Feature::from(g)],
    })
}

fn shapes(features: Vec<geojson::Feature>) -> Result<Vec<Feature>, String> {
    features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let mut polygons = Vec::new();
            if let Some(g) = &f.geometry {
                collect(&g.value, &mut polygons).map_err(|e| format!("feature {} {e}", i + 1))?;
            }
            let id = f.id.map(|id| match id {
                geojson::feature::Id::String(s) => s,
                geojson::feature::Id::Number(n) => n.to_string(),
            });
            Ok(Feature { id, properties: f.properties.unwrap_or_default(), polygons })
        })
        .collect()
}

/// The areas of a geometry; points and lines have none.
fn collect(value: &geojson::Value, out: &mut Vec<Polygon>) -> Result<(), String> {
    match value {
        geojson::Value::Polygon(rings) => out.push(polygon(rings)?),
        geojson::Value::MultiPolygon(polygons) => {
            for rings in polygons {
                out.push(polygon(rings)?);
            }
        }
        geojson::Value::GeometryCollection(geometries) => {
            for g in geometries {
                collect(&g.value, out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn polygon(rings: &[Vec<Vec<f64>>]) -> Result<Polygon, String> {
    rings.iter().map(|r| r.iter().map(|p| position(p)).collect::<Result<Ring, String>>()).collect()
}

/// A longitude and latitude in degrees (a third number, the altitude, is ignored).
fn position(p: &[f64]) -> Result<(f64, f64), String> {
    match p {
        [lon, lat, ..] if lon.is_finite() && lat.is_finite() && lon.abs() <= 540.0 && lat.abs() <= 90.0 => {
            Ok((*lon, *lat))
        }
        [_, _, ..] => Err(format!(
            "has the position {p:?}, which is not a longitude and latitude in degrees: was the file saved in a \
             projection? Save it in longitude and latitude (WGS 84, EPSG:4326)"
        )),
        _ => Err(format!("has the position {p:?}, which needs a longitude and a latitude")),
    }
}

fn topology(mut json: Map<String, Value>, object: Option<&str>) -> Result<Vec<Feature>, String> {
    if let Some(transform) = json.get("transform") {
        let pair = |key: &str| {
            transform.get(key).and_then(Value::as_array).is_some_and(|a| a.len() == 2 && a.iter().all(Value::is_number))
        };
        if !pair("scale") || !pair("translate") {
            return Err("this TopoJSON's transform needs a scale and a translate of two numbers each".into());
        }
    }
    // Only the object drawn is converted: the others may hold anything.
    let names: Vec<String> =
        json.get("objects").and_then(Value::as_object).map(|o| o.keys().cloned().collect()).unwrap_or_default();
    let name = match (object, names.as_slice()) {
        (Some(name), _) if names.iter().any(|n| n == name) => name.to_string(),
        (None, [only]) => only.clone(),
        (asked, _) => {
            let listed = names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
            return Err(match asked {
                Some(name) => format!("this TopoJSON has no object \"{name}\"; its objects are {listed}"),
                None => format!("this TopoJSON has several objects ({listed}); say which to draw with object = \"...\" in layer.toml"),
            });
        }
    };
    if let Some(Value::Object(objects)) = json.get_mut("objects") {
        objects.retain(|n, _| *n == name);
    }
    let topo = match topojson::TopoJson::from_json_object(json) {
        Ok(topojson::TopoJson::Topology(t)) => t,
        Ok(_) => return Err("this TopoJSON is a single geometry, not a Topology".into()),
        Err(e) => return Err(format!("this TopoJSON cannot be read: {e}")),
    };
    if let Some((i, p)) =
        topo.arcs.iter().flatten().enumerate().find(|(_, p)| p.len() < 2 || !p.iter().all(|v| v.is_finite()))
    {
        return Err(format!("position {} of the arcs is {p:?}, which needs two numbers", i + 1));
    }
    for named in &topo.objects {
        check_arcs(&named.geometry.value, topo.arcs.len(), true)?;
    }
    let collection = topojson::to_geojson(&topo, &name).map_err(|e| format!("this TopoJSON cannot be read: {e}"))?;
    shapes(collection.features)
}

/// Whether every arc a geometry uses exists (`topojson` indexes without checking), and a
/// collection holds no collection (which it does not convert).
fn check_arcs(value: &topojson::Value, count: usize, top: bool) -> Result<(), String> {
    let found = match value {
        topojson::Value::LineString(a) => missing_arc(a.iter(), count),
        topojson::Value::MultiLineString(a) | topojson::Value::Polygon(a) => missing_arc(a.iter().flatten(), count),
        topojson::Value::MultiPolygon(a) => missing_arc(a.iter().flatten().flatten(), count),
        topojson::Value::GeometryCollection(geometries) if top => {
            for g in geometries {
                check_arcs(&g.value, count, false)?;
            }
            None
        }
        topojson::Value::GeometryCollection(_) => {
            return Err("this TopoJSON nests a collection of shapes inside another, which salud cannot draw".into())
        }
        topojson::Value::Point(_) | topojson::Value::MultiPoint(_) => None,
    };
    match found {
        Some(ix) => Err(format!("this TopoJSON refers to arc {ix}, but it has {count} arcs")),
        None => Ok(()),
    }
}

/// The first arc index (`!i` for arc `i` reversed) with no arc among `count`.
fn missing_arc<'a>(mut indexes: impl Iterator<Item = &'a i32>, count: usize) -> Option<i32> {
    indexes
        .find(|ix| {
            let i = if **ix < 0 { -i64::from(**ix) - 1 } else { i64::from(**ix) };
            i as u64 >= count as u64
        })
        .copied()
}
