//! Maps drawn from the default site (this repository's own data and boundaries): golden files,
//! the antimeridian, sizes, layout and PNGs.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use super::*;
use crate::charts::style::ChartStyle;
use crate::data::PlaceKind;
use crate::diagnostic::Diagnostics;
use crate::maps::layer::Shape;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The default site's data and boundaries, loaded once for all the tests.
fn site() -> &'static (Data, Boundaries) {
    static SITE: OnceLock<(Data, Boundaries)> = OnceLock::new();
    SITE.get_or_init(|| {
        let mut diags = Diagnostics::default();
        let data = Data::load(root(), 50, &mut diags).expect("the default site's data load");
        let boundaries = Boundaries::load(root(), &data.places, &mut diags);
        assert!(diags.0.is_empty(), "{:?}", diags.0.iter().map(|d| d.to_string()).collect::<Vec<_>>());
        (data, boundaries)
    })
}

fn style() -> ChartStyle {
    ChartStyle::from_theme_toml(include_str!("../../themes/default/theme.toml")).unwrap()
}

fn look() -> MapStyle {
    MapStyle::from_theme_toml(include_str!("../../themes/default/theme.toml")).unwrap()
}

/// A map of `indicator` over `places`, as a page in English would build it.
fn choropleth(id: &str, title: String, indicator: &str, places: Vec<&Place>) -> Choropleth {
    let (data, _) = site();
    let locale = Locale::default();
    let indicator = data.indicator(indicator).unwrap();
    let values = latest_values(data, indicator, places.iter().copied(), &locale);
    let mut sources: Vec<String> = Vec::new();
    for p in &places {
        if let Some((s, _)) = p.latest(&indicator.id, &data.sources) {
            let name = data.source_name(&s.source).to_string();
            if !sources.contains(&name) {
                sources.push(name);
            }
        }
    }
    Choropleth {
        id: id.to_string(),
        title,
        unit: indicator.unit.clone(),
        values,
        names: places.iter().map(|p| (p.slug.clone(), p.name.clone())).collect(),
        decimals: indicator.decimals,
        numbers: locale.numbers.clone(),
        source_line: crate::charts::source_line(&locale, &sources),
        disclaimer: locale.t("map.disclaimer").to_string(),
        notes: Vec::new(),
        text: MapText::default(),
        description: None,
    }
}

fn peru_stunting() -> Choropleth {
    let (data, _) = site();
    let regions = data.children_of("peru").filter(|p| p.kind == PlaceKind::Region).collect();
    choropleth(
        "regions-child-stunting",
        "Chronic child malnutrition in Peru's departments".into(),
        "child_stunting",
        regions,
    )
}

fn world_neonatal() -> Choropleth {
    let (data, _) = site();
    let countries = data.places.values().filter(|p| p.kind == PlaceKind::Country).collect();
    choropleth("world-neonatal-mortality", "Neonatal mortality in the world".into(), "neonatal_mortality", countries)
}

fn peru_layer() -> &'static Layer {
    site().1.regions_of("peru").expect("Peru's departments")
}

fn world_layer() -> &'static Layer {
    site().1.world.as_ref().expect("the world layer")
}

/// Compares with `tests/golden/NAME`; `SALUD_BLESS=1` rewrites the file after a deliberate
/// change (then look at it before committing).
fn assert_golden(name: &str, svg: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("SALUD_BLESS").is_some() {
        std::fs::write(&path, svg).unwrap();
    }
    let golden = std::fs::read_to_string(&path).unwrap();
    assert!(svg == golden, "{name} differs; run with SALUD_BLESS=1 to accept a deliberate change");
}

#[test]
fn peru_stunting_map_matches_its_golden_file() {
    let svg = render_svg(&peru_stunting(), peru_layer(), &style(), &look(), style().wide);
    assert_golden("map-peru-child-stunting.svg", &svg);
}

#[test]
fn world_map_matches_its_golden_file() {
    let svg = render_svg(&world_neonatal(), world_layer(), &style(), &look(), style().wide);
    assert_golden("map-world-neonatal-mortality.svg", &svg);
}

#[test]
fn every_shape_of_the_default_site_has_its_place() {
    let peru = peru_layer();
    assert_eq!(peru.shapes.len(), 25);
    assert!(
        peru.shapes.iter().all(|s| s.place.is_some()),
        "{:?}",
        peru.shapes.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    let huanuco = peru.shapes.iter().find(|s| s.name == "HUANUCO").unwrap();
    assert_eq!(huanuco.place.as_deref(), Some("peru/huanuco"));
    let world = world_layer();
    assert!(world.shapes.iter().all(|s| s.name != "Antarctica"), "Antarctica is left out");
    let place = |name: &str| world.shapes.iter().find(|s| s.name == name).and_then(|s| s.place.clone());
    assert_eq!(place("Peru").as_deref(), Some("peru"));
    assert_eq!(place("Kosovo").as_deref(), Some("kosovo"));
    assert_eq!(place("Taiwan"), None);
}

/// Each `<path>`'s `d`, with the place of the path or of its group.
fn paths(svg: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    let mut group: Option<String> = None;
    for element in svg.split('<').skip(1) {
        let place = element.split_once(" data-place=\"").map(|(_, rest)| rest.split('"').next().unwrap().to_string());
        if element.starts_with("g ") || element.starts_with("g>") {
            group = place.clone();
        } else if element.starts_with("/g") {
            group = None;
        } else if element.starts_with("path ") {
            let d = element.split_once(" d=\"").unwrap().1.split('"').next().unwrap().to_string();
            out.push((place.or_else(|| group.clone()), d));
        }
    }
    out
}

/// `x0, y0, x1, y1`.
type Extent = (f64, f64, f64, f64);

/// The extent of a path written by [`geometry::path_data`].
fn extent(d: &str) -> Extent {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for ring in d.split('M').filter(|r| !r.is_empty()) {
        let ring = ring.trim_end_matches('z');
        let (start, steps) = ring.split_once('l').unwrap_or((ring, ""));
        let numbers = |text: &str| -> Vec<f64> {
            let spaced = text.replace('-', " -");
            spaced.split_whitespace().map(|n| n.parse::<f64>().unwrap()).collect()
        };
        let s = numbers(start);
        let (mut x, mut y) = (s[0], s[1]);
        let mut add = |x: f64, y: f64| {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        };
        add(x, y);
        for pair in numbers(steps).chunks(2) {
            (x, y) = (x + pair[0], y + pair[1]);
            add(x, y);
        }
    }
    (x0, y0, x1, y1)
}

#[test]
fn no_path_reaches_across_more_than_half_the_world_map() {
    for size in [style().wide, style().narrow, style().print] {
        let svg = render_svg(&world_neonatal(), world_layer(), &style(), &look(), size);
        let paths = paths(&svg);
        let extents: Vec<(Option<String>, Extent)> = paths.iter().map(|(p, d)| (p.clone(), extent(d))).collect();
        let left = extents.iter().map(|e| e.1 .0).fold(f64::MAX, f64::min);
        let right = extents.iter().map(|e| e.1 .2).fold(f64::MIN, f64::max);
        let map_width = right - left;
        assert!(map_width > size.width as f64 * 0.8, "{map_width}");
        for (place, (x0, _, x1, _)) in &extents {
            assert!(x1 - x0 <= map_width / 2.0, "at {} px, {place:?} spans {x0}..{x1} of {map_width}", size.width);
        }
        // Russia and Fiji lie on both sides of the antimeridian: each is drawn at both ends.
        for place in ["russian-federation", "fiji"] {
            let parts: Vec<(f64, f64)> =
                extents.iter().filter(|e| e.0.as_deref() == Some(place)).map(|e| (e.1 .0, e.1 .2)).collect();
            assert!(parts.iter().any(|p| p.0 < left + map_width / 4.0), "{place} at the left: {parts:?}");
            assert!(parts.iter().any(|p| p.1 > right - map_width / 4.0), "{place} at the right: {parts:?}");
        }
    }
}

#[test]
fn peru_on_the_world_map_has_the_colour_of_its_class_and_says_its_value_and_year() {
    let map = world_neonatal();
    let peru = map.values.iter().find(|v| v.place == "peru").unwrap().clone();
    let classes = map.classes();
    let colour = classes.colour(classes.of(peru.value), &look().ramp).to_uppercase();
    let svg = render_svg(&map, world_layer(), &style(), &look(), style().wide);
    let element = svg.split('<').find(|e| e.starts_with("path data-place=\"peru\"")).expect("Peru's path");
    assert!(element.contains(&format!("fill=\"{colour}\"")), "{element}");
    let title = svg
        .split("path data-place=\"peru\"")
        .nth(1)
        .unwrap()
        .split("<title>")
        .nth(1)
        .unwrap()
        .split("</title>")
        .next()
        .unwrap();
    assert_eq!(title, format!("Peru: {} in {} (World Bank)", peru.text, peru.year));
    // The legend's entry of that class has the same colour.
    assert_eq!(svg.matches(&format!("fill=\"{colour}\" stroke=")).count(), 1);
}

#[test]
fn places_without_a_value_are_hatched_and_the_legend_says_so() {
    let mut map = peru_stunting();
    map.values.retain(|v| v.place != "peru/huanuco");
    let svg = render_svg(&map, peru_layer(), &style(), &look(), style().narrow);
    let hatch = "url(#hatch-regions-child-stunting-340)";
    assert!(svg.contains("<pattern id=\"hatch-regions-child-stunting-340\""));
    let huanuco = svg.split("data-place=\"peru/huanuco\"").nth(1).unwrap();
    assert!(huanuco.starts_with(&format!(" fill=\"{hatch}\"")), "{}", &huanuco[..80]);
    assert!(huanuco.contains("<title>Huánuco: no data</title>"));
    assert!(svg.contains(&format!("fill=\"{hatch}\" stroke=")), "a hatched swatch in the legend");
    assert!(svg.contains(">No data</text>"));
    // With every value present, there is no such entry.
    let full = render_svg(&peru_stunting(), peru_layer(), &style(), &look(), style().narrow);
    assert!(!full.contains(">No data</text>"));
}

#[test]
fn the_svg_is_accessible_and_says_what_it_shows() {
    let svg = render_svg(&peru_stunting(), peru_layer(), &style(), &look(), style().wide);
    assert!(svg.starts_with("<svg viewBox=\"0 0 720 "), "{}", &svg[..100]);
    assert!(svg.contains(" role=\"img\""));
    assert!(svg.contains("<title>Chronic child malnutrition in Peru&apos;s departments</title>"));
    let desc = svg.split("<desc>").nth(1).unwrap().split("</desc>").next().unwrap();
    assert_eq!(
        desc,
        "Chronic child malnutrition in Peru&apos;s departments (% of children under 5, 2025). Highest: Loreto 20.8 (2025); lowest: Tacna 2 (2025)."
    );
    assert!(svg.contains(">% of children under 5, 2025</text>"));
    assert!(svg.contains(">Source: INEI, ENDES survey: department estimates by J. Oré.</text>"), "{svg}");
    assert!(svg.contains(">Boundaries are not an official endorsement"));
    assert!(svg.contains(">2–6</text>") && svg.contains(">17–20.8</text>"), "the legend's ranges");
    // Every department has a title with its value, year and source.
    assert_eq!(svg.matches(" in 2025 (INEI)</title>").count(), 25);
}

/// Each `<text>`'s box as drawn with the theme's font, and its text.
fn text_boxes(svg: &str) -> Vec<(crate::charts::placement::Rect, String)> {
    let attr = |tag: &str, name: &str| {
        tag.split_once(&format!(" {name}=\"")).map(|(_, r)| r.split('"').next().unwrap().to_string())
    };
    svg.split("<text")
        .skip(1)
        .map(|t| {
            let (tag, rest) = t.split_once('>').unwrap();
            let text = rest.split("</text>").next().unwrap().replace("&amp;", "&").replace("&apos;", "'");
            let size: u32 = attr(tag, "font-size").unwrap().parse().unwrap();
            let x: i32 = attr(tag, "x").unwrap().parse().unwrap();
            let y: i32 = attr(tag, "y").unwrap().parse().unwrap();
            let w = if tag.contains("bold") {
                crate::charts::svg::bold_width(&text, size)
            } else {
                crate::charts::svg::text_width(&text, size)
            };
            (crate::charts::placement::Rect::new(x, y - (size as i32 * 17 / 100), x + w, y + size as i32), text)
        })
        .collect()
}

fn view_box(svg: &str) -> (u32, u32) {
    let v: Vec<u32> = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .split(' ')
        .map(|n| n.parse().unwrap())
        .collect();
    (v[0], v[1])
}

#[test]
fn no_text_overlaps_another_or_the_map_or_leaves_the_image() {
    let maps = [(peru_stunting(), peru_layer()), (world_neonatal(), world_layer())];
    for (map, layer) in &maps {
        for size in [style().wide, style().narrow, style().print] {
            let svg = render_svg(map, layer, &style(), &look(), size);
            let (w, h) = view_box(&svg);
            let bounds = crate::charts::placement::Rect::new(0, 0, w as i32, h as i32);
            let drawn =
                paths(&svg).iter().map(|(_, d)| extent(d)).fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |a, e| {
                    (a.0.min(e.0), a.1.min(e.1), a.2.max(e.2), a.3.max(e.3))
                });
            let shapes = crate::charts::placement::Rect::new(
                drawn.0.floor() as i32,
                drawn.1.floor() as i32,
                drawn.2.ceil() as i32,
                drawn.3.ceil() as i32,
            );
            let boxes = text_boxes(&svg);
            for (i, (a, ta)) in boxes.iter().enumerate() {
                assert!(a.within(&bounds), "{ta} leaves the {} px map: {a:?}", size.width);
                assert!(!a.overlaps(&shapes), "at {} px \"{ta}\" {a:?} covers the shapes {shapes:?}", size.width);
                for (b, tb) in &boxes[i + 1..] {
                    assert!(!a.overlaps(b), "at {} px \"{ta}\" {a:?} overlaps \"{tb}\" {b:?}", size.width);
                }
            }
            // Narrow maps are shown at most 341 px wide on a 375 px phone: 12 px text stays 12 px.
            if size == style().narrow {
                assert!(size.width <= 341);
                assert!(svg.split("font-size=\"").skip(1).all(|s| s
                    .split('"')
                    .next()
                    .unwrap()
                    .parse::<u32>()
                    .unwrap()
                    >= 12));
            }
        }
    }
}

#[test]
fn the_map_takes_the_shape_of_its_country() {
    let wide = render_svg(&peru_stunting(), peru_layer(), &style(), &look(), style().wide);
    let narrow = render_svg(&peru_stunting(), peru_layer(), &style(), &look(), style().narrow);
    let drawn = |svg: &str| {
        paths(svg).iter().map(|(_, d)| extent(d)).fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |a, e| {
            (a.0.min(e.0), a.1.min(e.1), a.2.max(e.2), a.3.max(e.3))
        })
    };
    // Peru is taller than wide: on a wide layout the map is as tall as the layout allows, with
    // the legend beside it; on a narrow one it takes the whole width, with the legend below.
    let (x0, y0, x1, y1) = drawn(&wide);
    assert!((y1 - y0 - f64::from(style().wide.height)).abs() < 2.0, "{}", y1 - y0);
    assert!(x1 - x0 < 360.0);
    let legend_x: i32 = wide.split("<rect x=\"").nth(2).unwrap().split('"').next().unwrap().parse().unwrap();
    assert!(f64::from(legend_x) > x1, "legend at {legend_x}, map up to {x1}");
    let (x0, _, x1, y1) = drawn(&narrow);
    assert!(x1 - x0 > 300.0, "{}", x1 - x0);
    let legend_y: i32 = narrow
        .split("<rect x=\"")
        .nth(2)
        .unwrap()
        .split("y=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(f64::from(legend_y) > y1, "legend at {legend_y}, map down to {y1}");
    // The world is wider than tall: it takes the whole width.
    let world = render_svg(&world_neonatal(), world_layer(), &style(), &look(), style().wide);
    let (x0, _, x1, _) = drawn(&world);
    assert!(x1 - x0 > 680.0, "{}", x1 - x0);
}

#[test]
fn maps_stay_small() {
    let sizes: BTreeMap<&str, usize> = [
        ("world wide", render_svg(&world_neonatal(), world_layer(), &style(), &look(), style().wide).len()),
        ("world narrow", render_svg(&world_neonatal(), world_layer(), &style(), &look(), style().narrow).len()),
        ("peru wide", render_svg(&peru_stunting(), peru_layer(), &style(), &look(), style().wide).len()),
        ("peru narrow", render_svg(&peru_stunting(), peru_layer(), &style(), &look(), style().narrow).len()),
    ]
    .into();
    assert!(sizes["world wide"] < 150_000 && sizes["world narrow"] < 150_000, "{sizes:?}");
    assert!(sizes["peru wide"] < 80_000 && sizes["peru narrow"] < 80_000, "{sizes:?}");
}

#[test]
fn rendering_is_deterministic() {
    let a = render_svg(&world_neonatal(), world_layer(), &style(), &look(), style().narrow);
    let b = render_svg(&world_neonatal(), world_layer(), &style(), &look(), style().narrow);
    assert!(a == b);
}

#[test]
fn the_png_of_a_map_has_the_size_of_its_svg() {
    let fonts = vec![
        include_bytes!("../../themes/default/fonts/DejaVuSans.ttf").to_vec(),
        include_bytes!("../../themes/default/fonts/DejaVuSans-Bold.ttf").to_vec(),
    ];
    let rasteriser = crate::charts::png::Rasteriser::new(&fonts, &style().font_family);
    let svg = render_svg(&peru_stunting(), peru_layer(), &style(), &look(), style().narrow);
    let (w, h) = view_box(&svg);
    for scale in [1u32, 2] {
        let png = rasteriser.png(&svg, scale as f32).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (w * scale, h * scale));
    }
}

#[test]
fn holes_are_cut_out_with_the_even_odd_rule() {
    let square = |x0: f64, y0: f64, w: f64| vec![(x0, y0), (x0 + w, y0), (x0 + w, y0 + w), (x0, y0 + w), (x0, y0)];
    let mut bounds = geometry::Bounds::EMPTY;
    bounds.add((0.0, 0.0));
    bounds.add((10.0, 10.0));
    let layer = Layer {
        country: Some("testland".into()),
        shapes: vec![Shape {
            name: "A".into(),
            place: Some("testland/a".into()),
            parts: vec![vec![square(0.0, 0.0, 10.0), square(4.0, 4.0, 2.0)]],
        }],
        bounds,
    };
    let mut map = peru_stunting();
    map.values =
        vec![MapValue { place: "testland/a".into(), value: 1.0, text: "1".into(), year: 2020, source: "S".into() }];
    let svg = render_svg(&map, &layer, &style(), &look(), style().narrow);
    assert!(svg.contains("fill-rule=\"evenodd\""));
    let d = &paths(&svg)[0].1;
    assert_eq!(d.matches('M').count(), 2, "outer ring and hole in one path: {d}");
}

#[test]
fn hostile_texts_are_escaped_and_cut_before_they_are_drawn() {
    let mut map = peru_stunting();
    let word = "Huánuco".repeat(100_000 / 7);
    map.title = format!("{word} <b>&");
    map.unit = word.clone();
    map.source_line = word.clone();
    map.text.no_data = word.clone();
    map.names.insert("peru/huanuco".into(), "<script>&".into());
    map.values.retain(|v| v.place != "peru/lima");
    for size in [style().wide, style().narrow] {
        let svg = render_svg(&map, peru_layer(), &style(), &look(), size);
        assert!(svg.contains("<title>&lt;script&gt;&amp;: 15.4 in 2025 (INEI)</title>"));
        assert!(!svg.contains("<script>"));
        let longest = svg
            .split("<text")
            .skip(1)
            .map(|t| t.split_once('>').unwrap().1.split("</text>").next().unwrap().chars().count())
            .max()
            .unwrap();
        assert!(longest <= crate::charts::svg::max_visible_chars(size.width as i32, style().small_size), "{longest}");
    }
}
