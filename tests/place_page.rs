//! A place's page as a reader meets it: headline tiles first (value, year, source, the change
//! over about ten years judged by the catalogue's `better`, the target), the edition's date,
//! "old data" and "unusual change" marks, and a home page that leads with featured places.

mod common;

use std::fs;

use common::*;

fn build(site: &std::path::Path) -> std::path::PathBuf {
    let out = salud_in(site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    site.join("public")
}

/// The text of the `<ul class="tiles">` list of a page.
fn tiles(html: &str) -> &str {
    let start = html.find("<ul class=\"tiles\">").expect("the page has headline tiles");
    &html[start..start + html[start..].find("</ul>").unwrap()]
}

fn with_history(name: &str, config_extra: &str) -> std::path::PathBuf {
    let site = site_with(name, None);
    let config = fs::read_to_string(site.join("config.toml")).unwrap().replace("stale_after_years = 50", "");
    fs::write(site.join("config.toml"), format!("{config}stale_after_years = 1\n{config_extra}")).unwrap();
    // Ten years of history for the change, and a site that jumps.
    let testland = fs::read_to_string(site.join("data/places/testland.toml")).unwrap();
    fs::write(site.join("data/places/testland.toml"), testland.replacen("2020 = 20.5", "2013 = 30.0\n2020 = 20.5", 1))
        .unwrap();
    fs::write(
        site.join("data/places/testland.toml"),
        format!(
            "{}\n[[series]]\nindicator = \"child_stunting\"\nsource = \"endes\"\n\n[series.values]\n2023 = 22.5\n",
            fs::read_to_string(site.join("data/places/testland.toml")).unwrap()
        ),
    )
    .unwrap();
    fs::write(
        site.join("data/places/jumpland.toml"),
        "name = \"Jumpland\"\n\n[[series]]\nindicator = \"under5_mortality\"\nsource = \"wdi\"\n\n[series.values]\n2021 = 20\n2022 = 21\n2023 = 95\n\n\
         [[series]]\nindicator = \"people_served_daily\"\nsource = \"wdi\"\n\n[series.values]\n2019 = 100\n2020 = 1000\n2021 = 110\n",
    )
    .unwrap();
    site
}

#[test]
fn tiles_lead_the_page_with_year_source_change_and_target() {
    let site = with_history("tiles-lead", "");
    let public = build(&site);
    let html = read(&public.join("testland/index.html"));
    let tiles_at = html.find("<ul class=\"tiles\">").unwrap();
    assert!(tiles_at < html.find("class=\"narrative\"").unwrap(), "the tiles come before the story");
    let shown = tiles(&html);
    assert!(shown.contains("Under-five mortality"), "{shown}");
    assert!(shown.contains("<strong>17</strong>"), "{shown}");
    assert!(shown.contains("2023 · <a href=\"#source-wdi\""), "year and source, linked: {shown}");
    // 17 in 2023 against 30 in 2013 (a rate: its change is a share of itself), the same source; lower is better.
    assert!(shown.contains("Down 43% since 2013<span class=\"from\"> (was 30)</span>"), "{shown}");
    assert!(shown.contains("class=\"change better\""), "{shown}");
    assert!(shown.contains("SDG 3.2 target for 2030: 25"), "{shown}");
    // Health expenditure's only value is from 2021: two years before the edition's 2023.
    assert!(shown.contains("2021 <span class=\"old\""), "{shown}");
    // An in-page menu leads to each part.
    for anchor in ["#story", "#family-mortality", "#key-figures", "#sources-heading"] {
        assert!(html.contains(&format!("<a href=\"{anchor}\">")), "{anchor}");
    }
    // A region's tiles give its country's value of the same year and source, not another's.
    let north = read(&public.join("testland/north/index.html"));
    let north = tiles(&north);
    assert!(north.contains("Testland: 22.5, same year and source"), "{north}");
    assert_eq!(north.matches("same year and source").count(), 1, "2021's value is not compared with 2023's: {north}");
}

#[test]
fn values_that_jump_are_marked_and_kept_as_the_source_gave_them() {
    let site = with_history("unusual-marked", "");
    let public = build(&site);
    let html = read(&public.join("jumpland/index.html"));
    let key = &html[html.find("id=\"key-figures\"").unwrap()..];
    assert!(key.contains("95 <span class=\"unusual\">unusual change in the source&apos;s series</span>"), "{key}");
    let years = &html[html.find("id=\"series-heading\"").unwrap()..];
    assert!(years.contains("1,000 <span class=\"unusual\">"), "the spike is marked: {years}");
    assert!(years.contains("<td>110</td>") && years.contains("<td>100</td>"), "its neighbours are not: {years}");
    // The mortality chart's data table marks 2023's 95 too, and the chart still draws it.
    let chart = &html[html.find("class=\"chart-data\"").unwrap()..];
    let chart = &chart[..chart.find("</details>").unwrap()];
    assert!(chart.contains("<td>95 <span class=\"unusual\">"), "{chart}");
    assert!(chart.contains("<td>21</td>"), "{chart}");
    let svg = read(&public.join("jumpland/charts/mortality-per-1-000-live-births.svg"));
    assert!(svg.contains(">95<"), "the chart draws the value as given");
}

#[test]
fn the_edition_date_shows_in_each_language_only_when_published_is_set() {
    let site = with_history("published-date", "published = \"2026-11-30\"\n[languages.es]\ntitle = \"Perfiles\"\n");
    let public = build(&site);
    let en = read(&public.join("testland/index.html"));
    assert!(en.contains("<time datetime=\"2026-11-30\">Published 30 November 2026</time>"));
    let es = read(&public.join("es/testland/index.html"));
    assert!(es.contains("<time datetime=\"2026-11-30\">Publicado el 30 de noviembre de 2026</time>"));
    // The edition's year counts the data's age: 2021 is five years before 2026.
    assert!(tiles(&en).contains("old data"));

    let site = with_history("no-published-date", "");
    let public = build(&site);
    assert!(!read(&public.join("testland/index.html")).contains("<time"));
}

#[test]
fn a_bad_published_date_or_featured_place_is_an_error_at_its_line() {
    let site = with_history("bad-published", "published = \"30/11/2026\"\n");
    let out = salud_in(&site, &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("config.toml") && err.contains("is not a date") && err.contains("2026-11-30"), "{err}");
    assert!(!site.join("public").exists());

    let site = with_history("bad-featured", "featured = [\"testlnd\"]\n");
    let out = salud_in(&site, &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("config.toml:") && err.contains("\"testlnd\"") && err.contains("did you mean \"testland\""),
        "{err}"
    );
}

#[test]
fn the_home_page_leads_with_featured_places_and_its_tables_sort() {
    let site = with_history("featured-home", "featured = [\"testland\"]\n");
    let public = build(&site);
    let home = read(&public.join("index.html"));
    let featured = &home[home.find("class=\"featured\"").expect("a featured place")..];
    assert!(featured.find("Testland").unwrap() < featured.find("<ul class=\"tiles\">").unwrap());
    // Its tiles link to the place's page, where the values' rows and sources are.
    assert!(tiles(featured).contains("href=\"testland/index.html#source-wdi\""), "{}", tiles(featured));
    // Tables carry the numbers to sort by, and load the script that sorts them.
    assert!(home.contains("<table class=\"compare\" data-sortable>"));
    assert!(home.contains("data-value=\"17\""), "the raw number to sort by");
    assert!(home.contains("sort.js"));
    assert!(public.join("sort.js").exists());
    // 4.5 beside 17: "17" gets an invisible ".0" to line up on the decimal mark.
    assert!(home.contains("17<span class=\"pad\">.0</span>"), "decimal padding");
}

/// With a year on its target, a tile says whether the place moves fast enough to reach it,
/// with the rates; `{{ progress() }}` says the same in the story; a target without a year
/// (a threshold) says only met or not met.
#[test]
fn tiles_and_the_progress_shortcode_say_whether_a_place_is_on_track() {
    let site = with_history("progress-on-track", "");
    let catalogue = site.join("data/indicators.toml");
    let text = fs::read_to_string(&catalogue).unwrap();
    fs::write(
        &catalogue,
        text.replace(
            "reference = { value = 25, label = \"SDG 3.2 target for 2030\" }",
            "reference = { value = 10, label = \"SDG 3.2 target for 2030\", year = 2030 }",
        ),
    )
    .unwrap();
    // Testland: 30 in 2013, 20.5 in 2020, 19.25 in 2021, 17 in 2023 (World Bank).
    let narrative = site.join("content/testland/_index.md");
    let text = fs::read_to_string(&narrative).unwrap();
    fs::write(
        &narrative,
        format!("{text}\nUnder-five mortality: {{{{ progress(indicator=\"under5_mortality\") }}}}.\n"),
    )
    .unwrap();
    let public = build(&site);
    let html = read(&public.join("testland/index.html"));
    let shown = tiles(&html);
    // Needs 10 by 2030 from 17 in 2023: -7.3% a year; has done about -5.5% a year.
    assert!(shown.contains("<span class=\"pace off_track\">Off track</span>"), "{shown}");
    assert!(shown.contains("needs −7.3% a year to reach 10 by 2030; has done −5.5% a year (2013–2023)"), "{shown}");
    let story = &html[html.find("class=\"narrative\"").unwrap()..];
    assert!(story.contains("Off track: 17 per 1,000 live births in 2023; needs −7.3% a year"), "{story}");
    // The chart continues the series at its pace to 2030, dotted, labelled, and apart from
    // the data: the dotted line starts in 2024, and the table holds no projected value.
    let svg = read(&public.join("testland/charts/mortality-per-1-000-live-births.svg"));
    let pace = svg.lines().find(|l| l.starts_with("<polyline class=\"pace\"")).expect("a dotted pace line");
    assert!(pace.contains("stroke-dasharray=\"2 4\""), "{pace}");
    assert!(svg.contains(">at 2013–2023 pace</text>"), "{svg}");
    assert!(svg.contains(">2030</text>"), "the axis reaches the target's year");
    let table = &html[html.find("class=\"chart-data\"").unwrap()..];
    let table = &table[..table.find("</details>").unwrap()];
    assert!(
        !table.contains("<th scope=\"row\">2030</th>") && !table.contains("<th scope=\"row\">2024</th>"),
        "{table}"
    );
    // The indicator's page gives every country's status.
    let page = read(&public.join("indicators/under5_mortality/index.html"));
    assert!(page.contains("Progress toward the 2030 target") && page.contains(">Off track</span>"), "{page}");

    // A shortcode for an indicator without a target year is an error at its line.
    fs::write(&narrative, format!("{text}\n{{{{ progress(indicator=\"physicians_density\") }}}}\n")).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("`physicians_density` has no target with a year") && err.contains("content/testland/_index.md:"),
        "{err}"
    );
}

/// A value from a survey carries its number of observations; one from fewer than
/// `few_observations` is marked for caution, and its number never hidden.
#[test]
fn values_from_few_observations_are_marked_with_their_n() {
    let site = with_history("few-observations", "few_observations = 50\n");
    let file = site.join("data/places/testland.toml");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace("2023 = 22.5\n", "2023 = { value = 22.5, n = 30 }\n")).unwrap();
    let north = site.join("data/places/testland/north.toml");
    let text = fs::read_to_string(&north).unwrap();
    fs::write(&north, text.replace("2023 = 28.4", "2023 = { value = 28.4, n = 797 }")).unwrap();
    let public = build(&site);
    let html = read(&public.join("testland/index.html"));
    let key = &html[html.find("id=\"key-figures\"").unwrap()..];
    assert!(
        key.contains(
            "22.5 <span class=\"n\">n = 30</span> <span class=\"unusual\">Few observations, use with caution</span>"
        ),
        "{key}"
    );
    // Its tile says so too.
    let shown = tiles(&html);
    let tile = &shown[shown.find("child_stunting").expect("a stunting tile")..];
    assert!(tile[..tile.find("</li>").unwrap()].contains(">few observations</span>"), "{tile}");
    let north = read(&public.join("testland/north/index.html"));
    let key = &north[north.find("id=\"key-figures\"").unwrap()..];
    assert!(key.contains("28.4 <span class=\"n\">n = 797</span></td>"), "enough observations: no mark: {key}");
    assert!(!tiles(&north).contains("few observations"));
    // The PDF marks it, on its tile or in its table of other figures.
    let pdf = std::process::Command::new("pdftotext")
        .args([public.join("testland/salud-profile-testland.pdf").to_string_lossy().as_ref(), "-"])
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8_lossy(&pdf.stdout);
    assert!(text.contains("few observations"), "{text}");
}
