//! Breakdowns of a series (urban and rural, by sex, wealth or age) and sample sizes: what
//! `salud check` says about them, and that the pages built before them stay as they were.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// Every output file but the data downloads (which hold the groups), with the downloads'
/// sizes left out of the pages that link to them.
fn pages_and_charts(public: &Path) -> Vec<(String, Vec<u8>)> {
    snapshot(public)
        .into_iter()
        .filter(|(path, _)| !path.contains("salud-data-"))
        .map(|(path, bytes)| {
            if !path.ends_with(".html") {
                return (path, bytes);
            }
            let html = String::from_utf8(bytes).unwrap();
            let sizes: Vec<&str> = html.split("<span class=\"size\">").collect();
            let kept: Vec<&str> = sizes
                .iter()
                .enumerate()
                .map(|(i, part)| if i == 0 { part } else { &part[part.find("</span>").unwrap()..] })
                .collect();
            (path, kept.join("<span class=\"size\">").into_bytes())
        })
        .collect()
}

#[test]
fn a_group_series_changes_no_tile_chart_table_or_pdf() {
    let site = site_with("groups-pages", None);
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = pages_and_charts(&site.join("public"));
    // Rural values far from the totals, in a year the totals do not have: any page or chart
    // that took them for totals would change.
    let testland = site.join("data/places/testland.toml");
    let rural = "\n[[series]]\nindicator = \"under5_mortality\"\nsource = \"wdi\"\ngroup = { area = \"rural\" }\n\n[series.values]\n2020 = 80\n2024 = { value = 75, n = 30 }\n";
    fs::write(&testland, read(&testland) + rural).unwrap();
    let north = site.join("data/places/testland/north.toml");
    let girls = "\n[[series]]\nindicator = \"child_stunting\"\nsource = \"endes\"\ngroup = { sex = \"female\" }\n\n[series.values]\n2024 = 90\n";
    fs::write(&north, read(&north) + girls).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = pages_and_charts(&site.join("public"));
    let changed: Vec<&String> = after.iter().zip(&before).filter(|(a, b)| a != b).map(|((path, _), _)| path).collect();
    assert_eq!(after.len(), before.len());
    assert!(changed.is_empty(), "group series changed {changed:?}");

    // The downloads carry them, with their group and n.
    let csv = read(&site.join("public/testland/salud-data-testland.csv"));
    assert!(
        csv.starts_with("place,iso3,indicator,name,unit,year,value,source,qualifier,dimension,group,n,low,high\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("Testland,TST,under5_mortality,Under-five mortality rate,\"per 1,000 live births\",2024,75,\"World Bank, World Development Indicators\",,area,rural,30,,\r\n"),
        "{csv}"
    );
    let json = read(&site.join("public/testland/salud-data-testland.json"));
    assert!(json.contains("{\"indicator\":\"under5_mortality\",\"year\":2024,\"value\":75.0,\"source\":\"wdi\",\"group\":{\"area\":\"rural\"},\"n\":30}"), "{json}");
}

#[test]
fn check_lists_a_group_typo_a_group_without_its_total_and_values_from_few_observations() {
    let site = site_with("groups-check", None);
    let north = site.join("data/places/testland/north.toml");
    fs::write(
        &north,
        "name = \"Norte Ñuñoa\"\n\n[[series]]\nindicator = \"child_stunting\"\nsource = \"endes\"\n\n[series.values]\n\
         2021 = { value = 30.1, n = 797 }\n2023 = { value = 28.4, n = 12 }\n\n\
         [[series]]\nindicator = \"under5_mortality\"\nsource = \"wdi\"\ngroup = { sex = \"female\" }\n\n[series.values]\n2023 = 15.2\n",
    )
    .unwrap();
    let south = site.join("data/places/testland/south.toml");
    let typo = "\n[[series]]\nindicator = \"child_stunting\"\nsource = \"endes\"\ngroup = { area = \"rurall\" }\n\n[series.values]\n2023 = 41.2\n";
    fs::write(&south, read(&south) + typo).unwrap();
    let typo_line = read(&south).lines().position(|l| l.contains("rurall")).unwrap() + 1;

    let out = salud_in(&site, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    let gutter = " ".repeat(typo_line.to_string().len());
    assert!(
        report.contains(&format!(
            "error: `rurall` is not a group of `area`\n{gutter}--> data/places/testland/south.toml:{typo_line}:9\n"
        )),
        "{report}"
    );
    assert!(report.contains("= help: did you mean `rural`?"), "{report}");
    assert!(
        report.contains(
            "warning: Norte Ñuñoa has female values of `under5_mortality` but no total series of it\n  --> data/places/testland/north.toml:14:9\n"
        ),
        "{report}"
    );
    assert!(
        report.contains(
            "warning: Chronic child malnutrition of Norte Ñuñoa from `endes`: a value measured on fewer than 50 observations (2023: n = 12)\n --> data/places/testland/north.toml:9:8\n"
        ),
        "{report}"
    );
    assert!(report.contains("use it with caution"), "{report}");

    // The threshold is the site's, or the indicator's own.
    fs::write(&south, read(&south).replace(typo, "")).unwrap();
    let config = site.join("config.toml");
    fs::write(&config, read(&config) + "few_observations = 10\n").unwrap();
    let report = stdout(&salud_in(&site, &["check"]));
    assert!(!report.contains("fewer than"), "{report}");
    let catalogue = site.join("data/indicators.toml");
    let text = read(&catalogue)
        .replace("codes = [\"dci_menores5_pct\"]", "codes = [\"dci_menores5_pct\"]\nfew_observations = 800");
    fs::write(&catalogue, text).unwrap();
    let report = stdout(&salud_in(&site, &["check"]));
    assert!(
        report.contains("from `endes`: 2 values measured on fewer than 800 observations (2021: n = 797; 2023: n = 12)"),
        "{report}"
    );
}

#[test]
fn a_trend_draws_the_sources_interval_and_marks_few_observations_in_its_table() {
    let site = site_with("groups-intervals", None);
    let testland = site.join("data/places/testland.toml");
    let text = read(&testland).replacen("2021 = 19.25", "2021 = { value = 19.25, low = 15.5, high = 24 }", 1).replacen(
        "2023 = 17",
        "2023 = { value = 17, n = 12 }",
        1,
    );
    fs::write(&testland, text).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let page = read(&site.join("public/testland/index.html"));
    assert!(page.contains("19.3 (15.5–24)") || page.contains("19.25 (15.5–24)"), "the interval is in the table");
    assert!(page.contains(
        "17 <span class=\"n\">n = 12</span> <span class=\"unusual\">Few observations, use with caution</span>"
    ));
    let svg = read(&site.join("public/testland/charts/mortality-per-1-000-live-births.svg"));
    assert_eq!(svg.matches("class=\"interval\"").count(), 1, "{svg}");
    assert!(svg.contains("Hollow markers: values from few observations (n &lt; 50), use with caution."), "{svg}");
    assert!(svg.contains("Bars across a point: the interval the source gives around its value."));
}

#[test]
fn the_value_shortcode_quotes_a_group_with_its_n_and_refuses_a_group_it_does_not_know() {
    let site = site_with("groups-value", None);
    let testland = site.join("data/places/testland.toml");
    let rural = "\n[[series]]\nindicator = \"under5_mortality\"\nsource = \"wdi\"\ngroup = { area = \"rural\" }\n\n[series.values]\n2020 = 80\n2024 = { value = 75, n = 30 }\n";
    fs::write(&testland, read(&testland) + rural).unwrap();
    let story = site.join("content/testland/_index.md");
    let quoted = "\nRural children: {{ value(indicator=\"under5_mortality\", group=\"rural\") }}.\n";
    fs::write(&story, read(&story) + quoted).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(&site.join("public/testland/index.html"));
    assert!(
        page.contains(">75 per 1,000 live births (rural, 2024, n = 30, few observations)</span>"),
        "{}",
        &page[page.find("Rural children").unwrap()..][..300]
    );

    fs::write(&story, read(&story).replace("group=\"rural\"", "group=\"rurall\"")).unwrap();
    let out = salud_in(&site, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("`rurall` is not a group salud knows"), "{err}");
    assert!(err.contains("did you mean `rural`?"), "{err}");
    assert!(err.contains("content/testland/_index.md:"), "{err}");
}
