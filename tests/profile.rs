//! Downloadable profiles: a PDF brief, a CSV and a JSON per place, checked with poppler's
//! tools (pdftotext, pdfinfo, pdffonts, pdftoppm) as a reader's software would see them.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|_| panic!("this test needs {tool}: install Debian's poppler-utils; .ci/run does"));
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pdf_text(pdf: &Path) -> String {
    poppler("pdftotext", &["-layout", &pdf.to_string_lossy(), "-"])
}

fn pages(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[&pdf.to_string_lossy()]);
    let line = info.lines().find(|l| l.starts_with("Pages:")).expect("pdfinfo prints the page count");
    line[6..].trim().parse().unwrap()
}

/// Every font of the PDF, with whether it is embedded.
fn fonts(pdf: &Path) -> Vec<(String, bool)> {
    poppler("pdffonts", &[&pdf.to_string_lossy()])
        .lines()
        .skip(2)
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            // name type [encoding...] emb sub uni object ID
            let emb = cols[cols.len() - 5] == "yes";
            (cols[0].to_string(), emb)
        })
        .collect()
}

fn build(name: &str, config: &str) -> std::path::PathBuf {
    let site = site_with(name, None);
    if !config.is_empty() {
        let path = site.join("config.toml");
        let text = read(&path) + config;
        std::fs::write(path, text).unwrap();
    }
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    site
}

#[test]
fn every_place_gets_a_pdf_a_csv_and_a_json_linked_with_their_sizes() {
    let site = build("profile-files", "");
    let public = site.join("public");
    for (dir, name) in [
        ("testland", "testland"),
        ("otherland", "otherland"),
        ("testland/north", "north"),
        ("testland/north/centre", "centre"),
    ] {
        for file in
            [format!("salud-profile-{name}.pdf"), format!("salud-data-{name}.csv"), format!("salud-data-{name}.json")]
        {
            let path = public.join(dir).join(&file);
            assert!(path.is_file(), "missing {dir}/{file}");
            let html = read(&public.join(dir).join("index.html"));
            let size = std::fs::metadata(&path).unwrap().len();
            let words = if size < 1000 { format!("{size} bytes") } else { format!("{} KB", (size + 500) / 1000) };
            let link = format!("{dir}/{file}\" download>");
            assert!(html.contains(&link), "{dir}: no link to {file}");
            assert!(html.contains(&format!("({words})")), "{dir}: the size of {file} ({words}) is not shown");
        }
    }
    let home = read(&public.join("index.html"));
    assert!(home.contains("<a href=\"salud-data-all.csv\" download>data as CSV</a>"));
    assert!(home.contains("<a href=\"salud-data-all.json\" download>data as JSON</a>"));
}

#[test]
fn the_pdf_is_a_two_page_brief_with_embedded_fonts_and_searchable_text() {
    let site = build("profile-pdf", "");
    let pdf = site.join("public/testland/salud-profile-testland.pdf");
    let text = pdf_text(&pdf);
    for expected in [
        "Testland",
        "KEY FIGURES",
        "Under-five mortality rate",
        "17",
        "2023",
        "per 1,000 live births",
        "World Bank, World Development Indicators",
        "Norte Ñuñoa",
        "28.4",
        "A country that exists only in tests.",
        "CC BY 4.0",
        "Test profiles",
    ] {
        assert!(text.contains(expected), "the PDF text lacks {expected:?}:\n{text}");
    }
    assert!(pages(&pdf) <= 2);
    let fonts = fonts(&pdf);
    assert!(!fonts.is_empty());
    assert!(fonts.iter().all(|(_, embedded)| *embedded), "{fonts:?}");
    assert!(poppler("pdfinfo", &[&pdf.to_string_lossy()]).contains("595.276 x 841.89 pts (A4)"));
}

#[test]
fn paper_size_and_pdf_switch_come_from_the_config() {
    let site = build("profile-letter", "paper = \"letter\"\n");
    let pdf = site.join("public/testland/salud-profile-testland.pdf");
    assert!(poppler("pdfinfo", &[&pdf.to_string_lossy()]).contains("612 x 792 pts (letter)"));

    let site = build("profile-off", "pdf = false\n");
    assert!(!site.join("public/testland/salud-profile-testland.pdf").exists());
    let html = read(&site.join("public/testland/index.html"));
    assert!(!html.contains(".pdf"));
    assert!(html.contains("salud-data-testland.csv"));
}

#[test]
fn the_csv_parses_and_round_trips_to_the_data() {
    let site = build("profile-csv", "");
    let bytes = std::fs::read(site.join("public/salud-data-all.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "place",
            "iso3",
            "indicator",
            "name",
            "unit",
            "year",
            "value",
            "source",
            "qualifier",
            "dimension",
            "group",
            "n",
            "low",
            "high"
        ]
    );
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    let find = |place: &str, indicator: &str, year: &str, source: &str| {
        rows.iter()
            .find(|r| r[0] == place && r[2] == indicator && r[5] == year && r[7] == source)
            .unwrap_or_else(|| panic!("no row for {place} {indicator} {year}"))
            .clone()
    };
    // Exactly the values of the data files, at their full precision.
    assert_eq!(
        find("Testland", "health_expenditure_gdp", "2021", "World Bank, World Development Indicators")[6]
            .parse::<f64>()
            .unwrap(),
        4.53341627
    );
    assert_eq!(find("Testland", "under5_mortality", "2021", "World Bank, World Development Indicators")[6], "19.25");
    assert_eq!(find("Testland", "under5_mortality", "2021", "Country profile 2011")[6], "21");
    assert_eq!(find("Otherland", "physicians_density", "2019", "World Bank, World Development Indicators")[1], "OTH");
    let centre = find("Community centre", "people_served_daily", "2023", "Programme report");
    assert_eq!((centre[6].as_str(), centre[8].as_str()), ("500", "up to"));
    assert_eq!(find("Norte Ñuñoa", "child_stunting", "2023", "INEI, ENDES")[4], "% of children under 5");
    // One row per value of the data: 3 + 1 + 1 (Testland), 1 (Otherland), 2 + 1 (regions), 1 (site).
    assert_eq!(rows.len(), 10);
    // The quoting of RFC 4180: a comma inside a field is quoted.
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\"per 1,000 live births\""));
    assert!(text.ends_with("\r\n"));
}

#[test]
fn the_json_has_the_values_and_the_catalogue_entries_they_use() {
    let site = build("profile-json", "");
    let json = read(&site.join("public/testland/salud-data-testland.json"));
    let own: serde_json::Value = serde_json::from_str(&json).unwrap();
    let testland = &own["places"][0];
    assert_eq!(testland["path"], "testland");
    let expenditure = testland["observations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["indicator"] == "health_expenditure_gdp" && o["year"] == 2021);
    assert_eq!(expenditure.unwrap()["value"], 4.53341627, "the value at its full precision");
    assert_eq!(own["indicators"]["under5_mortality"]["name"], "Under-five mortality rate");
    assert!(own["sources"].as_object().unwrap().values().any(|s| s["licence"] == "CC BY 4.0"));
    assert!(!json.contains("people_served_daily"), "only the entries this place uses");

    // The site-wide file is the places' entries put together: valid JSON, every place once,
    // each entry as in the place's own file.
    let all: serde_json::Value = serde_json::from_str(&read(&site.join("public/salud-data-all.json"))).unwrap();
    let places = all["places"].as_array().unwrap();
    let paths: Vec<&str> = places.iter().map(|p| p["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["otherland", "testland", "testland/north", "testland/north/centre", "testland/south"]);
    assert_eq!(places.iter().find(|p| p["path"] == "testland"), Some(&own["places"][0]));
    assert!(all["indicators"]["people_served_daily"].is_object(), "the site's file has every entry its places use");
}

#[test]
fn peru_pdf_holds_its_figures_and_departments_on_two_pages() {
    let scratch_dir = scratch("profile-peru");
    let public = scratch_dir.join("public");
    let out = salud(&["build", "--root", &repo_root().to_string_lossy(), "--output", &public.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = public.join("peru/salud-profile-peru.pdf");
    let text = pdf_text(&pdf);
    // The headline figures (maternal mortality among them), the departments in their chart.
    for expected in [
        "Peru",
        "12.9",
        "Maternal mortality",
        "51",
        "21.9",
        "Huánuco",
        "Huancavelica",
        "Community-managed primary care",
    ] {
        assert!(text.contains(expected), "Peru's PDF lacks {expected:?}:\n{text}");
    }
    assert!(pages(&pdf) <= 2, "Peru's PDF has {} pages", pages(&pdf));
    assert!(fonts(&pdf).iter().all(|(_, embedded)| *embedded));
    // Page 2: the departments' chart beside their map (a vector drawing: its words are text),
    // with its boundary disclaimer, and spending.
    let page2 = poppler("pdftotext", &["-f", "2", "-l", "2", "-layout", &pdf.to_string_lossy(), "-"]);
    for expected in ["regions of Peru", "Boundaries are not an official", "Health expenditure", "Loreto"] {
        assert!(page2.contains(expected), "page 2 of Peru's PDF lacks {expected:?}:\n{page2}");
    }
    // Page 1 as an image, for a person to judge.
    let artifacts = repo_root().join("tests/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let prefix = artifacts.join("peru-profile");
    poppler(
        "pdftoppm",
        &["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", &pdf.to_string_lossy(), &prefix.to_string_lossy()],
    );
    assert!(artifacts.join("peru-profile.png").is_file());
    // Every place of the default site has its profile, and none is longer than two pages.
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy();
        if name.starts_with("salud-profile-") && name.ends_with(".pdf") && name.contains("ayacucho") {
            assert!(pages(entry.path()) <= 2, "{}", entry.path().display());
        }
    }
}

/// A first paragraph of 2,000 words stays whole on the page, but the PDF and link previews
/// show its beginning, cut at a word with an ellipsis, and `salud check` says so.
#[test]
fn a_long_first_paragraph_is_shortened_in_the_pdf_and_link_previews() {
    let site = site_with("profile-long-summary", None);
    let words = ["Stunting", "fell", "in", "the", "north", "while", "clinics", "opened", "near", "rivers."];
    let paragraph: Vec<&str> = (0..2_000).map(|i| words[i % words.len()]).collect();
    let paragraph = paragraph.join(" ");
    std::fs::write(site.join("content/testland/north.md"), format!("{paragraph}\n\nSecond paragraph.\n")).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = site.join("public/testland/north/salud-profile-north.pdf");
    assert!(pages(&pdf) <= 2, "the PDF has {} pages", pages(&pdf));
    let text = pdf_text(&pdf);
    assert!(text.contains("Stunting fell in the north"), "{text}");
    let html = read(&site.join("public/testland/north/index.html"));
    assert!(html.contains(&format!("<p>{paragraph}</p>")), "the page keeps the whole paragraph");
    let description = html.split("<meta name=\"description\" content=\"").nth(1).unwrap();
    let description = &description[..description.find('"').unwrap()];
    assert!(description.starts_with("Stunting fell in the north while"), "{description}");
    assert!(description.ends_with('…') && description.chars().count() <= 301, "{description}");
    assert!(paragraph.starts_with(description.trim_end_matches('…')), "cut at a word: {description}");
    let check = salud_in(&site, &["check"]);
    let said = stdout(&check) + &stderr(&check);
    let chars = paragraph.chars().count();
    assert!(said.contains(&format!("warning: the first paragraph, used as the summary, is {chars} characters long, so the PDF profile and link previews show only its first 300")), "{said}");
    assert!(said.contains(" --> content/testland/north.md:1:1"), "{said}");
}

/// A mistake in the site's own `templates/profile.typ` reads like salud's other messages: the
/// file, line and column, the line itself, and help that fits salud, not Typst's command line.
#[test]
fn an_error_in_the_sites_profile_template_names_its_file_line_and_column() {
    let site = site_with("profile-template-error", None);
    std::fs::create_dir_all(site.join("templates")).unwrap();
    let template = read(&repo_root().join("themes/default/profile.typ"));
    let broken = template.replacen("  parbreak()\n", "  parbreak() #nosuch\n", 1);
    let line = broken.lines().position(|l| l.contains("#nosuch")).unwrap() + 1;
    std::fs::write(site.join("templates/profile.typ"), &broken).unwrap();
    let out = salud_in(&site, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "error: the character `#` is not valid in code\n  --> templates/profile.typ:{line}:14\n   |\n{line} |   parbreak() #nosuch\n   |              ^\n"
        )),
        "{err}"
    );
    assert!(err.contains("= help: you are already in code mode; try removing the `#`"), "{err}");
    assert!(err.ends_with("1 problem found; nothing was written\n"), "{err}");
    assert!(!site.join("public").exists());

    let escapes = template.replacen("json(\"/data.json\")", "json(\"../data.json\")", 1);
    let line = escapes.lines().position(|l| l.contains("../data.json")).unwrap() + 1;
    std::fs::write(site.join("templates/profile.typ"), escapes).unwrap();
    let err = stderr(&salud_in(&site, &["build"]));
    assert!(
        err.starts_with(&format!(
            "error: path `\"../data.json\"` would escape the project root\n --> templates/profile.typ:{line}:15\n"
        )),
        "{err}"
    );
    assert!(!err.contains("--root") && !err.contains("sandbox"), "no help about Typst's command line: {err}");
    assert!(err.contains("= help: the profile can read only /data.json and the charts under /charts/"), "{err}");
}

/// The words of one page, as a reader's PDF software extracts them.
fn page_words(pdf: &Path, page: usize) -> usize {
    let page = page.to_string();
    poppler("pdftotext", &["-f", &page, "-l", &page, &pdf.to_string_lossy(), "-"]).split_whitespace().count()
}

/// The smallest text of the PDF in points, with the word: poppler's word boxes are as tall as
/// the font size (Typst's text and the text of the SVG charts alike, scaled as placed; no
/// chart text is rotated, which would make a box as tall as the word is long).
fn smallest_text(pdf: &Path) -> (f64, String) {
    let xml = poppler("pdftotext", &["-bbox", &pdf.to_string_lossy(), "-"]);
    let attr = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..start + line[start..].find('"').unwrap()].parse().unwrap()
    };
    xml.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| (attr(l, "yMax") - attr(l, "yMin"), l.rsplit('>').nth(1).unwrap_or("").replace("</word", "")))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or((f64::INFINITY, String::new()))
}

/// What is wrong with one PDF as a brief, if anything: more than two pages, a nearly empty
/// second page (fewer than half the words of the first), or text under 7 pt.
fn brief_problems(pdf: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let count = pages(pdf);
    if count > 2 {
        problems.push(format!("{count} pages"));
    }
    if count == 2 {
        let (first, second) = (page_words(pdf, 1), page_words(pdf, 2));
        if second * 2 < first {
            problems.push(format!("page 2 has {second} words, page 1 {first}"));
        }
    }
    let (size, word) = smallest_text(pdf);
    // Poppler's boxes round to thousandths of a point.
    if size < 6.99 {
        problems.push(format!("text of {size:.2} pt ({word:?})"));
    }
    problems
}

/// Every PDF of the default site, in both languages: at most two pages, a second page at
/// least half as full as the first, no text under 7 pt; pages of a few as PNG for a person.
#[test]
fn every_pdf_of_the_default_site_is_a_readable_brief_of_at_most_two_pages() {
    let public = scratch("profile-all-pdfs").join("public");
    let out = salud(&["build", "--root", &repo_root().to_string_lossy(), "--output", &public.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdfs: Vec<std::path::PathBuf> = walkdir::WalkDir::new(&public)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("salud-profile-"))
        .collect();
    assert!(pdfs.len() > 400, "the default site has a PDF per place and language: {}", pdfs.len());
    let problems = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(pdf) = pdfs.get(i) else { break };
                for problem in brief_problems(pdf) {
                    let name = pdf.strip_prefix(&public).unwrap().display().to_string();
                    problems.lock().unwrap().push(format!("{name}: {problem}"));
                }
            });
        }
    });
    let mut problems = problems.into_inner().unwrap();
    problems.sort();
    assert!(problems.is_empty(), "{} of {} PDFs are not briefs:\n{}", problems.len(), pdfs.len(), problems.join("\n"));

    // A region's brief compares it with its country: the same source, the year said.
    // It also shows its urban-rural gap of stunting, with the year.
    for (dir, expected) in [
        ("peru/huanuco", "Peru: 12.1 in 2025"),
        ("es/peru/huanuco", "Perú: 12,1 en 2025"),
        ("peru/huanuco", "Rural 2.4 times urban (+12.3 points)"),
        ("es/peru/huanuco", "2,4 veces"),
    ] {
        let text = pdf_text(&public.join(dir).join("salud-profile-huanuco.pdf"));
        assert!(text.contains(expected), "{dir}'s brief lacks {expected:?}:\n{text}");
    }
    // Peru's departments are compared in a chart sorted by value, not in alphabetical order.
    let peru = poppler(
        "pdftotext",
        &["-f", "2", "-l", "2", &public.join("peru/salud-profile-peru.pdf").to_string_lossy(), "-"],
    );
    let at = |name: &str| peru.find(name).unwrap_or_else(|| panic!("Peru's page 2 lacks {name}:\n{peru}"));
    assert!(at("Loreto") < at("Huancavelica") && at("Huancavelica") < at("Tacna"), "{peru}");

    let artifacts = repo_root().join("tests/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    for (dir, name) in [
        ("peru", "peru"),
        ("es/peru", "es-peru"),
        ("peru/huanuco", "huanuco"),
        ("nigeria", "nigeria"),
        ("monaco", "monaco"),
        ("peru/lima/sos-social-centres-zarate", "sos-zarate"),
    ] {
        let file = dir.rsplit('/').next().unwrap();
        let pdf = public.join(dir).join(format!("salud-profile-{file}.pdf"));
        for page in 1..=pages(&pdf) {
            let prefix = artifacts.join(format!("{name}-pdf-{page}"));
            let page = page.to_string();
            poppler(
                "pdftoppm",
                &[
                    "-png",
                    "-r",
                    "80",
                    "-f",
                    &page,
                    "-l",
                    &page,
                    "-singlefile",
                    &pdf.to_string_lossy(),
                    &prefix.to_string_lossy(),
                ],
            );
            assert!(prefix.with_extension("png").is_file());
        }
    }
}

/// The edition's date from `published` heads the brief in the reader's language; without it
/// no date is shown, so the same data make the same PDF on any day.
#[test]
fn the_pdf_shows_the_published_date_in_each_language_and_no_date_without_one() {
    let site = site_with("profile-published", None);
    let config = site.join("config.toml");
    let languages = "\n[languages.es]\ntitle = \"Perfiles de prueba\"\n";
    std::fs::write(&config, format!("published = \"2026-11-30\"\n{}{languages}", read(&config))).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first_page = |path: &str| {
        poppler("pdftotext", &["-f", "1", "-l", "1", &site.join(path).to_string_lossy(), "-"]).replace('\n', " ")
    };
    for (path, date) in [
        ("public/testland/salud-profile-testland.pdf", "Published 30 November 2026"),
        ("public/testland/north/salud-profile-north.pdf", "Published 30 November 2026"),
        ("public/es/testland/salud-profile-testland.pdf", "Publicado el 30 de noviembre de 2026"),
    ] {
        let text = first_page(path);
        assert!(text.contains(date), "{path} lacks {date:?}:\n{text}");
    }

    std::fs::write(&config, read(&config).replacen("published = \"2026-11-30\"\n", "", 1)).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for path in ["public/testland/salud-profile-testland.pdf", "public/es/testland/salud-profile-testland.pdf"] {
        let text = first_page(path);
        assert!(!text.contains("Publi") && !text.contains("2026"), "{path} shows a date:\n{text}");
    }
}
