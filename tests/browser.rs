//! The default site in a real browser (Debian's chromium, headless), as readers meet it:
//! Peru's page at a phone's width and a desktop's (no sideways scrolling, charts load;
//! screenshots kept in tests/artifacts/), every link of the home and Peru pages in both
//! languages from file:// and from a sub-path, the language switcher, the search box,
//! axe-core, the Nu HTML Checker on every page, and the page weight.
//!
//! The node tools (playwright-core driving the system's chromium, axe-core, vnu-jar) are
//! pinned in tests/browser/package-lock.json and installed on first use with `npm ci`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::*;

/// The default site, built once for all the tests of this file.
fn default_public() -> &'static Path {
    static PUBLIC: OnceLock<PathBuf> = OnceLock::new();
    PUBLIC.get_or_init(|| {
        let public = scratch("browser-default-site").join("public");
        let out = salud(&["build", "--root", &repo_root().to_string_lossy(), "--output", &public.to_string_lossy()]);
        assert!(out.status.success(), "{}", stderr(&out));
        public
    })
}

/// What tests/browser/site-check.mjs saw on the default site, run once.
fn site_report() -> &'static serde_json::Value {
    static REPORT: OnceLock<serde_json::Value> = OnceLock::new();
    REPORT.get_or_init(|| {
        let tools = node_tools();
        let out = Command::new("node")
            .arg(tools.join("site-check.mjs"))
            .arg(default_public())
            .env("CHROMIUM", which_chromium())
            .output()
            .expect("node runs");
        assert!(out.status.success(), "site-check.mjs failed: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
    })
}

fn run_chromium(profile: &Path, window: &str, extra: &[&str], url: &str) -> String {
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--allow-file-access-from-files",
        "--virtual-time-budget=8000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--window-size={window}"))
    .args(extra)
    .arg(url);
    let out = cmd.output().expect("chromium runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A page that shows Peru's page in a frame `width` pixels wide and reports, once it has
/// loaded, its scroll width, its visible width and how many chart images loaded.
fn probe_page(public: &Path, width: u32) -> PathBuf {
    // Beside the output, not in it, where the HTML checker would find it.
    let probe = public.parent().unwrap().join(format!("probe-{width}.html"));
    std::fs::write(
        &probe,
        format!(
            r#"<!doctype html><html><body style="margin:0">
<iframe id="f" src="public/peru/index.html" style="width:{width}px;height:12000px;border:0"></iframe>
<script>
document.getElementById("f").addEventListener("load", function () {{
  var doc = this.contentDocument;
  var imgs = Array.from(doc.querySelectorAll("figure.chart img"));
  var loaded = imgs.filter(function (i) {{ return i.complete && i.naturalWidth > 0; }}).length;
  document.body.setAttribute("data-probe", [doc.documentElement.scrollWidth, doc.documentElement.clientWidth, imgs.length, loaded].join(" "));
}});
</script></body></html>"#
        ),
    )
    .unwrap();
    probe
}

#[test]
fn peru_fits_a_phone_and_a_desktop_without_sideways_scrolling() {
    let scratch_dir = scratch("browser");
    let public = default_public();
    let artifacts = repo_root().join("tests/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();

    for width in [375u32, 1280] {
        let probe = probe_page(public, width);
        let url = format!("file://{}", probe.display());
        let profile = scratch_dir.join(format!("profile-{width}"));
        let dom = run_chromium(&profile, &format!("{},12000", width + 40), &["--dump-dom"], &url);
        let at = dom.find("data-probe=\"").unwrap_or_else(|| panic!("the page did not load at {width} px: {dom}"));
        let report: Vec<usize> =
            dom[at + 12..].split('"').next().unwrap().split(' ').map(|n| n.parse().unwrap()).collect();
        let [scroll, client, charts, loaded] = report[..] else { panic!("{report:?}") };
        assert!(
            scroll <= client,
            "at {width} px the page is {scroll} px wide and scrolls sideways ({client} px visible)"
        );
        assert!(charts >= 8, "at {width} px Peru shows {charts} charts");
        assert_eq!(loaded, charts, "at {width} px only {loaded} of {charts} chart images loaded");

        let shot = artifacts.join(format!("peru-{width}.png"));
        let _ = std::fs::remove_file(&shot);
        run_chromium(&profile, &format!("{},6000", width), &[&format!("--screenshot={}", shot.display())], &url);
        assert!(shot.is_file(), "no screenshot at {width} px");
        eprintln!("screenshot: {}", shot.display());
    }
}

#[test]
fn printing_a_place_page_gives_a_clean_brief() {
    let scratch_dir = scratch("browser-print");
    let site = site_with("browser-print-site", None);
    let public = scratch_dir.join("public");
    let out = salud(&["build", "--root", &site.to_string_lossy(), "--output", &public.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = scratch_dir.join("testland.pdf");
    let url = format!("file://{}", public.join("testland/index.html").display());
    run_chromium(
        &scratch_dir.join("profile"),
        "1280,1000",
        &["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())],
        &url,
    );
    let text = Command::new("pdftotext")
        .args([&pdf.to_string_lossy(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Testland") && text.contains("Under-five mortality") && text.contains("All values"),
        "{text}"
    );
    assert!(text.contains("Sources and licences"), "the attribution is printed");
    for gone in
        ["Download this profile", "Data of this chart", "Skip to the content", "About these profiles", "On this page"]
    {
        assert!(!text.contains(gone), "{gone:?} is printed:\n{text}");
    }
}

fn list(report: &serde_json::Value, key: &str) -> Vec<serde_json::Value> {
    report[key].as_array().cloned().unwrap_or_default()
}

#[test]
fn every_link_of_home_and_peru_resolves_in_both_languages_from_file_and_a_sub_path() {
    let report = site_report();
    let pages: Vec<String> = list(report, "pages").iter().map(|p| p.as_str().unwrap().to_string()).collect();
    assert_eq!(pages.len(), 8, "home and Peru, in English and Spanish, from file:// and from /profiles/: {pages:?}");
    assert!(pages.iter().any(|p| p.starts_with("file://")) && pages.iter().any(|p| p.contains("/profiles/es/peru/")));
    let followed = report["followed"].as_u64().unwrap_or(0);
    assert!(followed > 800, "every page those four link to, in both settings: {followed}");
    assert_eq!(list(report, "broken"), Vec::<serde_json::Value>::new(), "links that do not resolve");
    assert_eq!(list(report, "consoleErrors"), Vec::<serde_json::Value>::new(), "console errors, failed requests, 404s");
    eprintln!("followed {followed} links; {} links to sources' own sites not followed", list(report, "offsite").len());
}

#[test]
fn the_language_switcher_leads_to_the_same_page_in_the_other_language() {
    let switches = list(site_report(), "languageSwitch");
    assert_eq!(switches.len(), 4);
    for s in switches {
        let (to, lang, h1) = (s["to"].as_str().unwrap(), s["lang"].as_str().unwrap(), s["h1"].as_str().unwrap());
        match lang {
            "es" => assert_eq!((to, h1), ("es/peru/index.html", "Perú"), "{s}"),
            _ => assert_eq!((to, lang, h1), ("peru/index.html", "en", "Peru"), "{s}"),
        }
    }
}

#[test]
fn the_search_box_finds_places_and_indicators_offline_without_accents() {
    let searches = list(site_report(), "search");
    assert_eq!(searches.len(), 2, "from file:// and over HTTP");
    for s in searches {
        let results: Vec<&str> = s["results"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
        assert_eq!(results.first().copied(), Some("Perú lugar"), "typing \"peru\" on a Spanish page: {s}");
        let indicator = &s["indicator"];
        assert!(indicator["text"].as_str().unwrap().starts_with("Tasa de mortalidad neonatal"), "{s}");
        assert!(indicator["href"].as_str().unwrap().ends_with("es/indicators/neonatal_mortality/index.html"), "{s}");
        assert_eq!(s["landed"], "es/peru/index.html", "Enter opens the first result: {s}");
    }
    // Under 50 KB of script and index for the whole default site.
    let public = default_public();
    let size = |f: &str| std::fs::metadata(public.join(f)).unwrap().len();
    let total = size("search.js") + size("search-index.js");
    eprintln!(
        "search: search.js {} bytes + search-index.js {} bytes = {total}",
        size("search.js"),
        size("search-index.js")
    );
    assert!(total < 50_000, "search weighs {total} bytes");
}

#[test]
fn axe_finds_no_serious_or_critical_violation_on_home_and_peru() {
    let violations = list(site_report(), "axe");
    let serious: Vec<&serde_json::Value> =
        violations.iter().filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical"))).collect();
    assert!(serious.is_empty(), "{serious:#?}");
    eprintln!("axe: {} violations of lesser impact: {violations:?}", violations.len());
}

/// What a reader downloads for a page with every chart and map loaded. Peru's is the site's
/// heaviest: four maps of its 25 departments and four charts of their urban-rural gaps beside
/// its trends (357 KB as files); static hosts send it gzipped, at about a fifth of that. A
/// country without regions stays under the 200 KB every place page had before maps.
#[test]
fn place_pages_with_their_charts_and_maps_stay_light() {
    let weights = list(site_report(), "weight");
    assert_eq!(weights.len(), 3);
    for w in weights {
        let (bytes, gzipped) = (w["bytes"].as_u64().unwrap(), w["gzipped"].as_u64().unwrap());
        eprintln!("{}: {bytes} bytes, {gzipped} gzipped, in {} requests", w["page"], w["requests"]);
        let peru = w["page"].as_str().unwrap().ends_with("peru/index.html");
        let (files, sent) = if peru { (400_000, 100_000) } else { (200_000, 60_000) };
        assert!(bytes < files && gzipped < sent, "{w}");
        assert!(w["requests"].as_u64().unwrap() >= if peru { 14 } else { 8 }, "the weight counts every chart: {w}");
    }
}

#[test]
fn every_page_is_valid_html_for_the_nu_checker() {
    let vnu = node_tools().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let public = default_public();
    let out = Command::new("java")
        .args(["-jar", &vnu.to_string_lossy(), "--errors-only", "--format", "json", "--skip-non-html"])
        .arg(public)
        .output()
        .expect("the Nu HTML Checker needs Java (apt-get install default-jre-headless); .ci/run installs it");
    let report: serde_json::Value =
        serde_json::from_slice(&out.stderr).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    let errors = report["messages"].as_array().unwrap();
    let pages = walkdir::WalkDir::new(public)
        .into_iter()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "html"))
        .count();
    assert!(pages > 490, "{pages} pages");
    assert!(
        errors.is_empty(),
        "{} errors in {pages} pages, the first: {:#?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    eprintln!("vnu: 0 errors in {pages} pages");
}

/// The first screen makes the case: on a desktop (1280x800) and a phone (375x740) every
/// headline tile of a country, a region, a programme site and a Spanish page is in view
/// before any scrolling. Screenshots of the first screen and whole page go to tests/artifacts/.
#[test]
fn headline_tiles_sit_in_the_first_screen_on_a_desktop_and_a_phone() {
    let tools = node_tools();
    let artifacts = repo_root().join("tests/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let pages = [
        "index.html",
        "peru/index.html",
        "peru/huanuco/index.html",
        "peru/cusco/sos-social-centre-cusco/index.html",
        "es/peru/index.html",
        "es/peru/huanuco/index.html",
    ];
    let out = Command::new("node")
        .arg(tools.join("first-screen.mjs"))
        .arg(default_public())
        .arg(&artifacts)
        .args(pages)
        .env("CHROMIUM", which_chromium())
        .output()
        .expect("node runs");
    assert!(out.status.success(), "first-screen.mjs failed: {}", stderr(&out));
    let report: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report.len(), pages.len() * 2);
    for shot in report {
        let (page, width, height) = (&shot["page"], &shot["width"], shot["height"].as_f64().unwrap());
        let tiles = shot["tiles"].as_array().unwrap();
        assert!(!tiles.is_empty(), "{page} at {width} px shows no headline tile");
        if width == 1280 {
            let (brand, search) = (shot["rows"]["brand"].as_f64().unwrap(), shot["rows"]["search"].as_f64());
            let search = search.unwrap_or_else(|| panic!("{page}: the search box is not shown"));
            assert!(
                (brand - search).abs() < 20.0,
                "{page}: the search box wraps to a second row ({search} vs {brand})"
            );
        }
        // The home page introduces the site first; its featured place's tiles start in view.
        let must_show = if page == "index.html" { &tiles[..1] } else { &tiles[..] };
        for tile in must_show {
            let bottom = tile["bottom"].as_f64().unwrap();
            assert!(
                bottom <= height,
                "{page} at {width} px: the tile {} ends at {bottom} px, below the first screen ({height} px)",
                tile["name"]
            );
        }
    }
}

/// The world map as Chromium draws it: Peru's shapes have the colour of the class its value
/// falls in and a title with its value and year; no shape streaks across the map (the
/// antimeridian cut); Peru's map of its departments shows on its page at both widths, at the
/// layout for each.
#[test]
fn maps_colour_each_place_by_its_class_and_show_on_pages_at_both_widths() {
    let tools = node_tools();
    let artifacts = repo_root().join("tests/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let out = Command::new("node")
        .arg(tools.join("map-check.mjs"))
        .arg(default_public())
        .arg(&artifacts)
        .env("CHROMIUM", which_chromium())
        .output()
        .expect("node runs");
    assert!(out.status.success(), "map-check.mjs failed: {}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let world = &report["world"];
    assert!(world["shapes"].as_u64().unwrap() > 150, "{world}");
    let (width, widest) = (world["width"].as_f64().unwrap(), world["widest"].as_f64().unwrap());
    assert!(widest <= width / 2.0, "a shape {widest} px wide streaks across the {width}-px map");

    // Peru's value, from its title: "Peru: 6.5 in 2024 (World Bank)".
    let peru = world["peru"].as_array().unwrap();
    assert!(!peru.is_empty(), "Peru is on the world map");
    let title = peru[0]["title"].as_str().unwrap();
    let value: f64 = title.strip_prefix("Peru: ").unwrap().split(' ').next().unwrap().parse().unwrap();
    // The value the data file gives for its latest year.
    let data = std::fs::read_to_string(repo_root().join("data/places/peru.toml")).unwrap();
    let neonatal = &data[data.find("indicator = \"neonatal_mortality\"").unwrap()..];
    let latest = neonatal.lines().find(|l| l.starts_with("2024 = ")).expect("a 2024 value");
    assert!(latest.contains(&value.to_string()), "{title} vs {latest}");
    assert!(title.contains(" in 2024 "), "{title}");
    // The class whose range holds the value has Peru's colour.
    let classes = world["classes"].as_array().unwrap();
    assert!((5..=7).contains(&classes.len()), "{classes:?}");
    let class = classes
        .iter()
        .enumerate()
        .find(|(i, c)| {
            let (lo, hi) = c["range"].as_str().unwrap().split_once('–').unwrap();
            let (lo, hi): (f64, f64) = (lo.parse().unwrap(), hi.parse().unwrap());
            lo <= value && (value < hi || (*i == classes.len() - 1 && value <= hi))
        })
        .map(|(_, c)| c)
        .unwrap_or_else(|| panic!("no class holds {value}: {classes:?}"));
    for shape in peru {
        assert_eq!(shape["fill"], class["fill"], "Peru ({value}) is drawn in its class's colour: {class}");
    }

    // On Peru's page: the map fits the screen, at the wide layout on a desktop and the narrow
    // one on a phone.
    for shown in report["shown"].as_array().unwrap() {
        let width = shown["width"].as_f64().unwrap();
        assert!(shown["left"].as_f64().unwrap() >= 0.0 && shown["right"].as_f64().unwrap() <= width, "{shown}");
        let src = shown["img"]["src"].as_str().unwrap();
        assert_eq!(src.ends_with("-narrow.svg"), width < 600.0, "{shown}");
    }
}
