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
    // On a region's page, its country's regions chart is shown with its own bar highlighted.
    assert!(html.contains("<img src=\"../../testland/north/charts/standing-child-stunting.svg\""), "{html}");
    // Elsewhere, as it is.
    std::fs::write(
        site.join("content/about.md"),
        "+++\ntitle = \"About\"\n+++\n{{ chart(indicator=\"child_stunting\", place=\"testland\", kind=\"regions\") }}\n",
    )
    .unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let about = read(&site.join("public/about/index.html"));
    assert!(about.contains("<img src=\"../testland/charts/regions-child-stunting.svg\""), "{about}");
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
    let figure = "<figure class=\"chart\">\n  <picture>\n    <source media=\"(max-width: 600px)\" srcset=\"../../testland/north/charts/standing-child-stunting-narrow.svg\"";
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

/// The good site with a value of child stunting for Testland, so its regions have a country
/// line to compare with.
fn site_with_country_stunting(name: &str) -> std::path::PathBuf {
    let site = site_with(name, None);
    let file = site.join("data/places/testland.toml");
    let mut text = read(&file);
    text.push_str("\n[[series]]\nindicator = \"child_stunting\"\nsource = \"endes\"\n\n[series.values]\n2021 = 22.5\n2023 = 19.5\n");
    std::fs::write(&file, text).unwrap();
    site
}

#[test]
fn a_region_page_shows_where_the_region_stands_and_its_country_line() {
    let site = site_with_country_stunting("charts-standing");
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.join("public");
    // Testland's regions compared, on Norte Ñuñoa's page: its own bar highlighted and ranked.
    let charts = charts_of(&public, "testland/north/index.html");
    let standing = "testland/north/charts/standing-child-stunting.svg";
    assert!(charts.iter().any(|c| c == standing), "{charts:?}");
    let svg = read(&public.join(standing));
    assert!(svg.contains("font-weight=\"bold\">Norte Ñuñoa</text>"), "{svg}");
    assert!(svg.contains(">Norte Ñuñoa: 1st of 2</text>"), "the longest bar has no room for its rank beside it: {svg}");
    assert!(svg.contains("Norte Ñuñoa 28.4 (1st of 2)"), "the description says the rank: {svg}");
    assert!(svg.contains("class=\"reference\"") && svg.contains(">Testland: 19.5</text>"), "{svg}");
    let html = read(&public.join("testland/north/index.html"));
    assert!(html.contains("<th scope=\"row\">Norte Ñuñoa (1st of 2)</th>"), "the table says the rank");
    // Its trend chart carries Testland's line, named as the country, in legend, table and
    // description.
    let trend = charts.iter().find(|c| c.contains("/nutrition-")).expect("a trend chart");
    let svg = read(&public.join(trend));
    assert!(svg.contains(">Testland (national)</text>"), "{svg}");
    assert!(svg.contains("Testland (national): 22.5 in 2021, 19.5 in 2023"), "{svg}");
    assert!(html.contains("<th scope=\"col\" class=\"num\">Testland (national)</th>"), "{html}");
}

#[test]
fn time_charts_start_at_chart_start_year_and_their_tables_keep_every_year() {
    let site = site_with("charts-start-year", None);
    let config = site.join("config.toml");
    std::fs::write(&config, format!("{}chart_start_year = 2021\n", read(&config))).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = read(&site.join("public/testland/charts/mortality-per-1-000-live-births.svg"));
    assert!(svg.contains(">per 1,000 live births, 2021–2023</text>"), "{svg}");
    assert!(!svg.contains(">20.5</text>"), "2020 is not drawn");
    let html = read(&site.join("public/testland/index.html"));
    assert!(html.contains("<th scope=\"row\">2020</th><td>20.5</td>"), "the table keeps 2020");

    std::fs::write(
        &config,
        format!("{}chart_start_year = 20\n", read(&site_with("charts-start-year-bad", None).join("config.toml"))),
    )
    .unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("chart_start_year = 20 is not a plausible year") && err.contains("config.toml:6:1"), "{err}");
    assert!(err.contains("e.g. chart_start_year = 1990"), "{err}");
}
