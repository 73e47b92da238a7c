//! Charts as a reader gets them: files linked from the page, each with its title, unit,
//! years and source inside the image, a PNG that is not blank, and a note where data are
//! missing.

mod common;

use std::path::Path;

use common::*;

fn built(name: &str) -> std::path::PathBuf {
    let site = site_with(name, None);
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    site.join("public")
}

/// The chart files a page links to, as paths below the output folder.
fn charts_of(public: &Path, page: &str) -> Vec<String> {
    let html = read(&public.join(page));
    let dir = Path::new(page).parent().unwrap();
    html.match_indices("<img src=\"")
        .map(|(i, _)| {
            let rest = &html[i + 10..];
            let src = &rest[..rest.find('"').unwrap()];
            let mut path = dir.to_path_buf();
            for part in src.split('/') {
                if part == ".." {
                    path.pop();
                } else {
                    path.push(part);
                }
            }
            path.to_string_lossy().into_owned()
        })
        .collect()
}

/// Decodes a PNG into (width, height, RGB rows).
fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().expect("a decodable PNG")];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn every_chart_carries_title_unit_years_and_source() {
    let public = built("charts-contents");
    let charts = charts_of(&public, "testland/index.html");
    assert_eq!(
        charts,
        [
            "testland/charts/mortality-per-1-000-live-births.svg",
            "testland/charts/expenditure-of-gdp.svg",
            "testland/charts/regions-child-stunting.svg"
        ]
    );
    let svg = read(&public.join(&charts[0]));
    assert!(svg.starts_with("<svg viewBox=\"0 0 720 440\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""));
    assert!(svg.contains("<title>Under-five mortality, Testland</title>"), "{svg}");
    assert!(svg.contains("<desc>Under-five mortality, Testland (per 1,000 live births). World Bank: 20.5 in 2020, 17 in 2023; Country profile 2011: 21 in 2021. SDG 3.2 target for 2030: 25.</desc>"), "{svg}");
    assert!(svg.contains("per 1,000 live births, 2020–2023"));
    assert!(svg.contains("Source: World Bank, World Development Indicators; Country profile 2011."));
    // Two sources of one indicator: each its own series with its own legend entry.
    assert!(svg.contains(">World Bank</text>") && svg.contains(">Country profile 2011</text>"));
    // The SDG target as a labelled line.
    assert!(svg.contains("SDG 3.2 target for 2030: 25"));
    // The latest value labelled.
    assert!(svg.contains(">17</text>"));

    let bars = read(&public.join(&charts[2]));
    assert!(bars.contains("<title>Chronic child malnutrition inside Testland</title>"));
    let north = bars.find(">Norte Ñuñoa</text>").unwrap();
    let south = bars.find(">South</text>").unwrap();
    assert!(north < south, "bars sorted, largest first");
}

#[test]
fn the_page_gives_each_chart_a_text_alternative_a_table_and_downloads() {
    let public = built("charts-page");
    let html = read(&public.join("testland/index.html"));
    assert!(html.contains(
        "alt=\"Under-five mortality, Testland (per 1,000 live births). World Bank: 20.5 in 2020, 17 in 2023;"
    ));
    assert!(html.contains(
        "<source media=\"(max-width: 600px)\" srcset=\"../testland/charts/mortality-per-1-000-live-births-narrow.svg\""
    ));
    assert!(html.contains("<a href=\"../testland/charts/mortality-per-1-000-live-births.png\" download>PNG</a>"));
    assert!(html.contains("<summary>Data of this chart</summary>"));
    assert!(
        html.contains("<tr><th scope=\"row\">2021</th><td>19.3</td><td>21</td></tr>"),
        "the data table has both sources, year by year"
    );
    for chart in charts_of(&public, "testland/index.html") {
        assert!(public.join(chart.replace(".svg", "-narrow.svg")).is_file());
        assert!(public.join(chart.replace(".svg", ".png")).is_file());
    }
}

#[test]
fn png_downloads_match_their_svg_and_are_not_blank() {
    let public = built("charts-png");
    for chart in charts_of(&public, "testland/index.html") {
        let svg = read(&public.join(&chart));
        let (w, h, pixels) = decode_png(&public.join(chart.replace(".svg", ".png")));
        let view_box = format!("viewBox=\"0 0 {w} {h}\"");
        assert!(svg.starts_with(&format!("<svg {view_box}")), "{chart}: PNG is {w}x{h}");
        // The title is drawn in ink across the top band: dark pixels where the title is.
        let row = (w * 3) as usize;
        let title_band = &pixels[row * 18..row * 36];
        let dark = title_band.chunks(3).filter(|p| p.iter().all(|c| *c < 80)).count();
        assert!(dark > 300, "{chart}: only {dark} dark pixels where the title should be");
        let distinct: std::collections::BTreeSet<&[u8]> = pixels.chunks(3).collect();
        assert!(distinct.len() > 20, "{chart}: the image is almost uniform");
    }
}

#[test]
fn missing_data_are_said_plainly_never_an_empty_axis() {
    let public = built("charts-missing");
    let html = read(&public.join("testland/south/index.html"));
    assert!(html.contains("<p class=\"empty\">No mortality data for South.</p>"), "{html}");
    assert!(html.contains("<p class=\"empty\">No health workforce data for South.</p>"));
    assert!(html.contains("<p class=\"empty\">No health expenditure data for South.</p>"));
    assert!(!public.join("testland/south/charts/mortality-per-1-000-live-births.svg").exists());
}

#[test]
fn shortcodes_put_values_and_charts_in_the_text() {
    let site = site_with("charts-shortcodes", None);
    std::fs::write(
        site.join("content/testland/north.md"),
        "Stunting is {{ value(indicator=\"child_stunting\") }} here.\n\n{{ chart(indicator=\"child_stunting\", place=\"testland\", kind=\"regions\") }}\n",
    )
    .unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read(&site.join("public/testland/north/index.html"));
    assert!(html.contains("Stunting is <span class=\"datum\" title=\"Source: INEI, ENDES.\">28.4% of children under 5 (2023)</span> here."), "{html}");
    assert!(html.contains("<img src=\"../../testland/charts/regions-child-stunting.svg\""));
}

/// Thousands of shortcodes in one narrative: each filled, in order, charts never inside a
/// paragraph. (Filling them once took time in the square of their number: 20,000 took 12 s.)
#[test]
fn twenty_thousand_shortcodes_are_each_filled_in_order() {
    let site = site_with("charts-many-shortcodes", None);
    let (paragraphs, per_paragraph) = (200, 99);
    let mut text = String::new();
    for p in 0..paragraphs {
        text.push_str(&format!("Paragraph {p}:"));
        for _ in 0..per_paragraph {
            text.push_str(" {{ value(indicator=\"child_stunting\") }},");
        }
        text.push_str(
            " end.\n{{ chart(indicator=\"child_stunting\", place=\"testland\", kind=\"regions\") }}\nAfter.\n\n",
        );
    }
    std::fs::write(site.join("content/testland/north.md"), text).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read(&site.join("public/testland/north/index.html"));
    let datum = "<span class=\"datum\" title=\"Source: INEI, ENDES.\">28.4% of children under 5 (2023)</span>";
    assert_eq!(html.matches(datum).count(), paragraphs * per_paragraph);
    let figure = "<figure class=\"chart\">\n  <picture>\n    <source media=\"(max-width: 600px)\" srcset=\"../../testland/charts/regions-child-stunting-narrow.svg\"";
    assert_eq!(html.matches(figure).count(), paragraphs);
    assert!(!html.contains("saludshortcode"));
    let mut at = 0;
    for p in 0..paragraphs {
        let paragraph = format!("<p>Paragraph {p}: {datum},");
        at += html[at..].find(&paragraph).unwrap_or_else(|| panic!("paragraph {p} is missing or out of order"));
        let rest = &html[at..];
        let close = rest.find(&format!(" end.</p>\n{figure}")).expect("the chart closes the paragraph");
        assert_eq!(rest[..close].matches(datum).count(), per_paragraph);
        assert!(rest[close..].contains("</figure>\n\n<p>After.</p>"));
    }
    let description = html.split("<meta name=\"description\" content=\"").nth(1).unwrap();
    assert!(description.starts_with("Paragraph 0: 28.4% of children under 5 (2023), 28.4%"), "{}", &description[..200]);
}

#[test]
fn charts_are_byte_identical_across_builds() {
    let site = site_with("charts-twice", None);
    assert!(salud_in(&site, &["build", "--output", "one"]).status.success());
    std::fs::remove_dir_all(site.join(".salud-cache")).unwrap();
    assert!(salud_in(&site, &["build", "--output", "two"]).status.success());
    assert_same_files(&site.join("one"), &site.join("two"));
}
