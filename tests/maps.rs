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

/// A site whose regions of Testland have boundaries and whose narratives ask for maps.
fn mapped(name: &str) -> std::path::PathBuf {
    let layer = format!("{LAYER}\"NORTE ÑUÑOA\" = \"north\"\n");
    let site = with_layer(name, &layer, &regions(&["NORTE ÑUÑOA", "SOUTH"]));
    let narrative = site.join("content/testland/_index.md");
    let text = fs::read_to_string(&narrative).unwrap();
    fs::write(&narrative, format!("{text}\n{{{{ map(indicator=\"child_stunting\") }}}}\n")).unwrap();
    let about = site.join("content/about.md");
    let text = fs::read_to_string(&about).unwrap();
    fs::write(&about, format!("{text}\n{{{{ map(indicator=\"child_stunting\", place=\"testland\") }}}}\n")).unwrap();
    site
}

#[test]
fn a_country_page_shows_its_regions_map_beside_their_chart_with_downloads_and_the_map_shortcode() {
    let site = mapped("maps-pages");
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(" maps, "), "the summary counts maps: {}", stdout(&out));
    let public = site.join("public");
    let svg = read(&public.join("testland/maps/regions-child-stunting.svg"));
    assert!(svg.contains("<title>") && svg.contains("data-place=\"testland/north\""), "{svg}");
    assert!(svg.contains("Boundaries are not an official endorsement"), "the disclaimer is in the image");
    let narrow = read(&public.join("testland/maps/regions-child-stunting-narrow.svg"));
    assert!(narrow.starts_with("<svg viewBox=\"0 0 "), "{narrow}");
    // The PNG decodes, at the SVG's size.
    let png = fs::File::open(public.join("testland/maps/regions-child-stunting.png")).unwrap();
    let info = png::Decoder::new(std::io::BufReader::new(png)).read_info().unwrap().info().clone();
    let view_box: Vec<u32> = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .split(' ')
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!((info.width, info.height), (view_box[0], view_box[1]));
    // On the country's page: the regions' chart and their map side by side.
    let html = read(&public.join("testland/index.html"));
    let pair = &html[html.find("<div class=\"pair\">").expect("a chart and its map side by side")..];
    assert!(pair.contains("charts/regions-child-stunting.svg") && pair.contains("maps/regions-child-stunting.svg"));
    // The shortcode in Testland's story draws the same map, with its data table.
    let story = &html[html.find("class=\"narrative\"").unwrap()..];
    assert!(story.contains("<figure class=\"chart map\">") && story.contains("Data of this map"), "{story}");
    let about = read(&public.join("about/index.html"));
    assert!(about.contains("../testland/maps/regions-child-stunting.svg"), "{about}");
    // The indicator's page shows Testland's regions on their map.
    let page = read(&public.join("indicators/child_stunting/index.html"));
    assert!(page.contains("../../testland/maps/regions-child-stunting.svg"), "{page}");
}

#[test]
fn a_map_shortcode_for_regions_without_data_or_a_misspelt_indicator_is_an_error_at_its_line() {
    let site = mapped("maps-bad-shortcode");
    let about = site.join("content/about.md");
    let text = fs::read_to_string(&about).unwrap();
    fs::write(&about, format!("{text}\n{{{{ map(indicator=\"child_stuntin\", place=\"testland\") }}}}\n{{{{ map(indicator=\"under5_mortality\", place=\"testland\") }}}}\n")).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("`child_stuntin` is not an indicator of the catalogue")
            && err.contains("did you mean `child_stunting`?"),
        "{err}"
    );
    assert!(err.contains("no region of Testland has data for `under5_mortality` to map"), "{err}");
    assert!(err.contains("content/about.md:"), "{err}");
    assert!(!site.join("public").exists(), "a failed build writes nothing");
}

#[test]
fn a_home_map_that_names_no_indicator_is_an_error_at_its_line() {
    let site = mapped("maps-bad-home-map");
    let config = fs::read_to_string(site.join("config.toml")).unwrap();
    fs::write(site.join("config.toml"), format!("{config}home_map = \"under5_mortaliy\"\n")).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("home_map names \"under5_mortaliy\", which is no indicator"), "{err}");
    assert!(err.contains("config.toml:") && err.contains("did you mean \"under5_mortality\"?"), "{err}");
}
