//! A page per indicator (`indicators/<id>/`): its definition, every country's latest value
//! ranked with year and source, the world regions' medians said to be medians, each country's
//! regions; reached from the indicators list, the tiles, the key figures and the search.

mod common;

use std::fs;

use common::*;

/// The fixture site with three more countries in one world region, so that it has a median.
fn site(name: &str) -> std::path::PathBuf {
    let site = site_with(name, None);
    for (slug, name, iso3, value, year) in [
        ("alpha", "Alpha", "ALP", 40.0, 2022),
        ("beta", "Beta", "BET", 10.0, 2023),
        ("gamma", "Gamma", "GAM", 31.8, 2010),
    ] {
        fs::write(
            site.join(format!("data/places/{slug}.toml")),
            format!(
                "name = \"{name}\"\niso3 = \"{iso3}\"\nregion = \"Latin America & Caribbean\"\n\n[[series]]\nindicator = \"under5_mortality\"\nsource = \"wdi\"\n\n[series.values]\n{year} = {value}\n"
            ),
        )
        .unwrap();
    }
    let testland = site.join("data/places/testland.toml");
    let text = fs::read_to_string(&testland).unwrap();
    fs::write(
        &testland,
        format!(
            "{text}\n[[series]]\nindicator = \"child_stunting\"\nsource = \"endes\"\n\n[series.values]\n2023 = 22.5\n"
        ),
    )
    .unwrap();
    site
}

#[test]
fn each_indicator_has_a_page_ranking_every_country_with_year_and_source() {
    let site = site("indicator-page");
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.join("public");
    let html = read(&public.join("indicators/under5_mortality/index.html"));
    assert!(html.contains("<h1>Under-five mortality rate</h1>"), "{html}");
    assert!(html.contains("Lower is better"), "the catalogue's `better` is said");
    // Highest first: Alpha 40, Gamma 31.8, Testland 17 (2023, its latest), Beta 10.
    let order: Vec<usize> = ["Alpha", "Gamma", "Testland", "Beta"]
        .iter()
        .map(|n| html.find(&format!(">{n}</a></th>")).unwrap_or_else(|| panic!("{n} is listed: {html}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "ranked highest first: {order:?}");
    assert!(html.contains("<td data-value=\"17\">17<span class=\"pad\">.0</span></td>"), "{html}");
    assert!(html.contains("<a href=\"#source-wdi\">World Bank</a>"), "each value names its source: {html}");
    assert!(html.contains("id=\"source-wdi\""), "and the source is listed on the page");
    // The median of the four Latin American values (10, 17, 31.8, 40), said to be one.
    let medians = &html[html.find("id=\"medians-heading\"").expect("a medians table")..];
    assert!(medians.contains("it is not a regional estimate"), "{medians}");
    assert!(medians.contains("<td>24.4</td><td>4</td><td>2010–2023</td>"), "{medians}");
    // Testland's regions, ranked, beside Testland's own value.
    let stunting = read(&public.join("indicators/child_stunting/index.html"));
    let inside = &stunting[stunting.find("Inside Testland").expect("Testland's regions")..];
    assert!(inside.contains(">Testland</a>: 22.5 (2023,"), "{inside}");
    assert!(inside.find(">Norte Ñuñoa</a>").unwrap() < inside.find(">South</a>").unwrap(), "{inside}");
    // Otherland's physicians page has no median: one country is no middle.
    let physicians = read(&public.join("indicators/physicians_density/index.html"));
    assert!(!physicians.contains("id=\"medians-heading\""));

    // Every way in: the list of indicators, the tiles and key figures, the search, the sitemap.
    let list = read(&public.join("indicators/index.html"));
    assert!(list.contains("<a href=\"under5_mortality/index.html\">"), "{list}");
    let testland = read(&public.join("testland/index.html"));
    assert!(
        testland.contains("<a href=\"../indicators/under5_mortality/index.html\">Under-five mortality</a>"),
        "{testland}"
    );
    let chart = &testland[testland.find("class=\"chart\"").unwrap()..];
    let chart = &chart[..chart.find("</figure>").unwrap()];
    assert!(
        chart.contains("<a href=\"../indicators/under5_mortality/index.html\">Under-five mortality</a>"),
        "{chart}"
    );
    let search = read(&public.join("search-index.js"));
    assert!(search.contains("indicators/under5_mortality/index.html"), "{search}");
    assert!(!search.contains("index.html#under5_mortality"));
}

#[test]
fn indicator_pages_exist_in_every_language() {
    let site = site("indicator-page-es");
    let config = fs::read_to_string(site.join("config.toml")).unwrap();
    fs::write(site.join("config.toml"), format!("{config}\n[languages.es]\ntitle = \"Perfiles\"\n")).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read(&site.join("public/es/indicators/under5_mortality/index.html"));
    assert!(html.contains("El último valor de cada país") && html.contains("Cuanto más bajo, mejor"), "{html}");
    assert!(html.contains("<td>24,4</td>"), "numbers as Spanish writes them: {html}");
    assert!(
        html.contains("href=\"../../../es/testland/index.html\"")
            || html.contains("href=\"../../testland/index.html\""),
        "{html}"
    );
}
