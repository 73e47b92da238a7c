//! `salud check` on boundary files: shapes and places that do not match, and files that cannot
//! be read, each named with its file and line.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// Testland's two regions as GeoJSON, named in the property `NOMBRE`.
fn regions(names: &[&str]) -> String {
    let features: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let x = -70 + i as i32;
            format!(
                "{{\"type\":\"Feature\",\"properties\":{{\"NOMBRE\":\"{n}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{x},-10],[{},-10],[{},-9],[{x},-9],[{x},-10]]]}}}}",
                x + 1,
                x + 1
            )
        })
        .collect();
    format!("{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n", features.join(",\n"))
}

fn with_layer(name: &str, layer: &str, boundaries: &str) -> std::path::PathBuf {
    let site = site_with(name, None);
    let dir = site.join("data/geo/testland-regions");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("layer.toml"), layer).unwrap();
    fs::write(dir.join("regions.geojson"), boundaries).unwrap();
    site
}

fn check(site: &Path) -> (bool, String) {
    let out = salud(&["check", "--root", &site.to_string_lossy()]);
    (out.status.success(), format!("{}{}", stdout(&out), stderr(&out)))
}

const LAYER: &str = "file = \"regions.geojson\"\ncountry = \"testland\"\nmatch = \"NOMBRE\"\n\n[names]\n";

#[test]
fn check_names_a_misspelt_department_in_the_match_table() {
    let layer = format!("{LAYER}\"NORTE ÑUÑOA\" = \"nrth\"\n");
    let site = with_layer("maps-misspelt", &layer, &regions(&["NORTE ÑUÑOA", "SOUTH"]));
    let (ok, report) = check(&site);
    assert!(ok, "a mismatch is a warning, not an error: {report}");
    assert!(
        report.contains(
            "warning: [names] maps \"NORTE ÑUÑOA\" to \"nrth\", which is no region of Testland\n \
             --> data/geo/testland-regions/layer.toml:6:17\n  |\n6 | \"NORTE ÑUÑOA\" = \"nrth\"\n  |                 ^^^^^^\n  = help: did you mean \"north\"?"
        ),
        "{report}"
    );
    // The region left without its shape is named too, in its own file.
    assert!(
        report.contains("warning: Norte Ñuñoa has no shape in data/geo/testland-regions/regions.geojson: its maps leave it out\n --> data/places/testland/north.toml"),
        "{report}"
    );
    assert!(!report.contains("South has no shape"), "SOUTH matches south by its spelling: {report}");
}

#[test]
fn check_names_a_shape_that_matches_no_region_with_the_likely_one() {
    let site = with_layer("maps-unmatched", LAYER, &regions(&["NORTE", "SOUHT"]));
    let (_, report) = check(&site);
    assert!(
        report.contains(
            "warning: the shape NOMBRE = \"SOUHT\" matches no region of Testland: maps draw it without data\n \
             --> data/geo/testland-regions/regions.geojson\n  = help: did you mean \"south\"? If so, add \"SOUHT\" = \"south\" under [names] in data/geo/testland-regions/layer.toml"
        ),
        "{report}"
    );
}

#[test]
fn a_boundary_file_that_does_not_parse_is_an_error_at_its_line() {
    let broken = regions(&["NORTE", "SOUTH"]).replacen("},\n", "}\n", 1);
    let site = with_layer("maps-broken", LAYER, &broken);
    let (ok, report) = check(&site);
    assert!(!ok, "{report}");
    assert!(
        report.contains("error: this boundary file is not valid JSON: expected `,` or `]`\n --> data/geo/testland-regions/regions.geojson:3:1"),
        "{report}"
    );
}

#[test]
fn the_default_site_has_a_shape_for_every_place_and_a_place_for_every_shape() {
    let out = salud_in(&repo_root(), &["check"]);
    let report = format!("{}{}", stdout(&out), stderr(&out));
    assert!(out.status.success(), "{report}");
    for problem in ["data/geo/", "has no shape in", "matches no"] {
        assert!(!report.contains(problem), "{problem}: {report}");
    }
}
