//! A site in two languages: URLs, switcher, numbers, translated data and text, fallbacks,
//! and what search engines and link previews read.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// The good fixture with Spanish added: config, a translated narrative, a translated
/// indicator and place name. `base_url` when given.
fn bilingual(name: &str, base_url: Option<&str>) -> PathBuf {
    let site = site_with(name, None);
    let mut config = read(&site.join("config.toml"));
    if let Some(base) = base_url {
        config = format!("base_url = \"{base}\"\n{config}");
    }
    config.push_str("\n[languages.es]\ntitle = \"Perfiles de prueba\"\n");
    fs::write(site.join("config.toml"), config).unwrap();
    fs::write(
        site.join("content/testland/_index.es.md"),
        "+++\ntitle = \"Tierra de prueba\"\nsummary = \"Un país que solo existe en las pruebas.\"\n+++\nLa narrativa en español.\n",
    )
    .unwrap();
    let place = read(&site.join("data/places/testland.toml"));
    fs::write(site.join("data/places/testland.toml"), format!("names = {{ es = \"Tierra de prueba\" }}\n{place}"))
        .unwrap();
    let catalogue = read(&site.join("data/indicators.toml")).replacen(
        "headline = true\n",
        "headline = true\ntranslations.es = { name = \"Tasa de mortalidad en menores de cinco años\", short_name = \"Mortalidad en menores de cinco años\", unit = \"por 1000 nacidos vivos\", reference = \"Meta 3.2 de los ODS\" }\n",
        1,
    );
    fs::write(site.join("data/indicators.toml"), catalogue).unwrap();
    site
}

fn build(site: &Path) {
    let out = salud_in(site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn each_language_has_its_own_pages_numbers_and_words() {
    let site = bilingual("lang-pages", None);
    build(&site);
    let public = site.join("public");
    let en = read(&public.join("testland/index.html"));
    let es = read(&public.join("es/testland/index.html"));
    assert!(en.starts_with("<!doctype html>\n<html lang=\"en\">"));
    assert!(es.starts_with("<!doctype html>\n<html lang=\"es\">"));
    // Numbers the Spanish way, words from the Spanish catalogue and interface.
    assert!(en.contains("<td class=\"num value\">17</td>") && en.contains(">19.3<"), "{en}");
    assert!(es.contains(">19,3<") && es.contains(">20,5<"), "{es}");
    assert!(es.contains("<h1>Tierra de prueba</h1>"));
    assert!(es.contains("Mortalidad en menores de cinco años"));
    assert!(es.contains("<h2 id=\"key-figures\">Todos los valores</h2>"));
    assert!(es.contains("La narrativa en español."));
    assert!(!es.contains("class=\"untranslated\""), "a translated narrative carries no note");
    // The switcher links the two versions of the page, each from where it sits.
    assert!(en.contains("<a href=\"../es/testland/index.html\" hreflang=\"es\" lang=\"es\">Español</a>"), "{en}");
    assert!(es.contains("<a href=\"../../testland/index.html\" hreflang=\"en\" lang=\"en\">English</a>"), "{es}");
    // Shared files come from the site root; page links stay in the language.
    assert!(es.contains("href=\"../../style.css\""));
    assert!(es.contains("<a href=\"../../es/index.html\">Inicio</a>"));
    assert!(es.contains("href=\"../../es/testland/north/index.html\""));
    // Charts are drawn in the language, under the same file name as in the main language.
    let chart = read(&public.join("es/testland/charts/mortality-per-1-000-live-births.svg"));
    assert!(chart.contains("<title>Mortalidad en menores de cinco años, Tierra de prueba</title>"), "{chart}");
    assert!(chart.contains("Fuente: "), "{chart}");
    assert_eq!(
        chart.matches("Meta 3.2 de los ODS: 25").count(),
        2,
        "the reference line's label and the description: {chart}"
    );
    // Data downloads name the indicator in the language; values stay machine-readable.
    let csv = read(&public.join("es/testland/salud-data-testland.csv"));
    assert!(csv.contains("Tasa de mortalidad en menores de cinco años,por 1000 nacidos vivos,2021,19.25"), "{csv}");
}

#[test]
fn a_missing_translation_shows_the_main_text_with_a_note() {
    let site = bilingual("lang-fallback", None);
    build(&site);
    let north = read(&site.join("public/es/testland/north/index.html"));
    assert!(
        north.contains(
            "<p class=\"untranslated\">Este texto aún no está disponible en español; se muestra en English.</p>"
        ),
        "{north}"
    );
    assert!(north.contains("<div class=\"narrative\" id=\"story\" lang=\"en\">"));
    let about = read(&site.join("public/es/about/index.html"));
    assert!(about.contains("class=\"untranslated\""));
    // salud check names every text without a translation.
    let out = salud_in(&site, &["check"]);
    let report = stderr(&out) + &stdout(&out);
    assert!(out.status.success(), "{report}");
    assert!(report.contains("content/testland/north.md") && report.contains("no translation into \"es\""), "{report}");
    assert!(report.contains("content/about.md"), "{report}");
    assert!(!report.contains("content/testland/_index.md: warning: no translation"), "{report}");
}

#[test]
fn the_pdf_profile_is_in_the_language_of_its_page() {
    let site = bilingual("lang-pdf", None);
    build(&site);
    let pdf = site.join("public/es/testland/salud-profile-testland.pdf");
    let text =
        std::process::Command::new("pdftotext").args([&pdf.to_string_lossy(), "-"]).output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Tierra de prueba"), "{text}");
    assert!(text.contains("CIFRAS CLAVE"), "{text}");
    assert!(text.contains("19,3") || text.contains("17"), "{text}");
}

#[test]
fn an_absolute_base_url_gives_sitemap_robots_canonical_and_previews() {
    let site = bilingual("lang-seo", Some("https://example.org/profiles"));
    build(&site);
    let public = site.join("public");
    let sitemap = read(&public.join("sitemap.xml"));
    assert!(sitemap.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(sitemap.contains("<url><loc>https://example.org/profiles/es/testland/</loc><xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/profiles/testland/\"/><xhtml:link rel=\"alternate\" hreflang=\"es\" href=\"https://example.org/profiles/es/testland/\"/></url>"), "{sitemap}");
    assert_eq!(
        sitemap.matches("<url>").count(),
        2 * (1 + 1 + 5 + 1 + 5),
        "home, indicators and a page per indicator (5), about and 5 places, in 2 languages"
    );
    assert_eq!(
        read(&public.join("robots.txt")),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/profiles/sitemap.xml\n"
    );
    let es = read(&public.join("es/testland/index.html"));
    assert!(es.contains("<link rel=\"canonical\" href=\"https://example.org/profiles/es/testland/\">"), "{es}");
    assert!(es.contains("<link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/profiles/testland/\">"));
    assert!(es.contains("<meta property=\"og:image\" content=\"https://example.org/profiles/es/testland/social.png\">"));
    assert!(es.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    assert!(es.contains("<meta property=\"og:description\" content=\"Un país que solo existe en las pruebas.\">"));
    // The preview image: a 1200 x 630 PNG with ink where the name goes.
    let decoder = png::Decoder::new(std::io::Cursor::new(fs::read(public.join("es/testland/social.png")).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((frame.width, frame.height), (1200, 630));
    let row = |y: usize| &pixels[y * frame.line_size..(y + 1) * frame.line_size];
    assert!((120..190).any(|y| row(y).iter().any(|v| *v < 100)), "the name is drawn");
    // --base-url overrides the config for one deploy.
    let out = salud_in(&site, &["build", "--base-url", "https://ngo.example/"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(&public.join("robots.txt")).contains("Sitemap: https://ngo.example/sitemap.xml"));
}

#[test]
fn without_an_absolute_address_there_is_no_sitemap_and_no_absolute_link() {
    let site = bilingual("lang-relative", None);
    build(&site);
    let public = site.join("public");
    assert!(!public.join("sitemap.xml").exists() && !public.join("robots.txt").exists());
    for page in ["index.html", "es/index.html", "testland/index.html", "es/testland/index.html"] {
        let html = read(&public.join(page));
        assert!(!html.contains("rel=\"canonical\"") && !html.contains("og:image"), "{page}");
        assert!(html.contains("<link rel=\"icon\" href=\""), "{page}");
    }
    assert!(read(&public.join("favicon.svg")).starts_with("<svg"));
}

#[test]
fn the_search_index_is_a_small_script_with_every_name_in_every_language() {
    let site = bilingual("lang-search", None);
    build(&site);
    let index = read(&site.join("public/search-index.js"));
    assert!(index.starts_with("window.saludSearch={\"languages\":[\"en\",\"es\"]"), "{index}");
    assert!(
        index.contains("{\"names\":[\"Testland\",\"Tierra de prueba\"],\"path\":\"testland/index.html\",\"kind\":0}"),
        "{index}"
    );
    assert!(index.contains("\"names\":[\"Under-five mortality rate\",\"Tasa de mortalidad en menores de cinco años\"],\"path\":\"indicators/under5_mortality/index.html\",\"kind\":1"));
    let page = read(&site.join("public/es/indicators/index.html"));
    assert!(
        page.contains("<dt id=\"under5_mortality\"><a href=\"under5_mortality/index.html\">Tasa de mortalidad en menores de cinco años</a></dt>"),
        "{page}"
    );
    let page = read(&site.join("public/es/indicators/under5_mortality/index.html"));
    assert!(page.contains("<h1>Tasa de mortalidad en menores de cinco años</h1>"), "{page}");
    // The box is hidden until the script shows it, so a reader without JavaScript never
    // meets a search box that does nothing.
    let home = read(&site.join("public/index.html"));
    assert!(home.contains("<div class=\"search\" id=\"search\" data-root=\"\" data-lang=\"en\" hidden>"), "{home}");
}

#[test]
fn a_translation_into_a_language_the_site_does_not_list_is_skipped_with_a_warning() {
    let site = bilingual("lang-unknown", None);
    fs::write(site.join("content/about.fr.md"), "À propos.\n").unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("content/about.fr.md") && err.contains("\"fr\", which config.toml does not list"), "{err}");
    assert!(!site.join("public/fr").exists());
}

#[test]
fn a_bad_language_code_is_an_error_that_points_at_it() {
    let site = site_with("lang-bad-code", None);
    let config = read(&site.join("config.toml"));
    fs::write(site.join("config.toml"), format!("{config}\n[languages.\"ES_pe\"]\ntitle = \"x\"\n")).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("config.toml") && err.contains("\"ES_pe\" is not a language code"), "{err}");
    assert!(!site.join("public").exists());
}

#[test]
fn interface_strings_a_translation_lacks_show_in_the_main_language_and_check_names_them() {
    let site = bilingual("lang-strings", None);
    fs::create_dir_all(site.join("themes/default/i18n")).unwrap();
    fs::write(
        site.join("themes/default/i18n/es.toml"),
        "language_name = \"Español\"\n[number]\ndecimal = \",\"\ngroup = \" \"\ngroup_min = 5\n[place]\nall_values = \"Todos los valores\"\n",
    )
    .unwrap();
    build(&site);
    let es = read(&site.join("public/es/testland/index.html"));
    assert!(es.contains(">Todos los valores</h2>") && es.contains(">Charts</h2>"), "{es}");
    let out = salud_in(&site, &["check"]);
    let report = stderr(&out) + &stdout(&out);
    assert!(
        report.contains("themes/default/i18n/es.toml")
            && report.contains("interface strings are not translated: and, category.coverage,"),
        "{report}"
    );
    assert!(report.contains(" more"), "{report}");
}

#[test]
fn countries_are_named_in_each_language_from_cldr_unless_their_file_names_them() {
    let site = bilingual("languages-cldr", None);
    // Otherland takes Germany's code; Testland's file names itself in Spanish.
    let place = read(&site.join("data/places/otherland.toml")).replace("iso3 = \"OTH\"", "iso3 = \"DEU\"");
    fs::write(site.join("data/places/otherland.toml"), place).unwrap();
    let place = read(&site.join("data/places/testland.toml")).replace("iso3 = \"TST\"", "iso3 = \"CIV\"");
    fs::write(site.join("data/places/testland.toml"), place).unwrap();
    build(&site);
    let public = site.join("public");
    assert!(read(&public.join("es/otherland/index.html")).contains("<h1>Alemania</h1>"));
    assert!(read(&public.join("otherland/index.html")).contains("<h1>Otherland</h1>"));
    assert!(read(&public.join("es/testland/index.html")).contains("<h1>Tierra de prueba</h1>"));
    assert!(read(&public.join("search-index.js")).contains("\"Alemania\""));
}

#[test]
fn no_interface_word_comes_from_the_style_sheet() {
    let site = bilingual("languages-no-css-words", None);
    build(&site);
    let css = read(&site.join("public/style.css"));
    // Generated content is text a translation cannot reach: only punctuation may come from CSS.
    for rule in css.split('}').filter(|r| r.contains("content:")) {
        let value = rule.split("content:").nth(1).and_then(|v| v.split('"').nth(1)).unwrap_or_default();
        assert!(!value.chars().any(char::is_alphabetic), "words in CSS: {rule}");
    }
    let page = read(&site.join("public/es/testland/index.html"));
    assert!(page.contains("<span class=\"reference\">Referencia: "), "{page}");
}

/// English interface words that once reached the Spanish pages of the default site (unit
/// conversion notes, the "Reference:" label, the menu, country names...). Matched whole and
/// with their case: "Sources" is salud's word, "sources" could be a JSON key.
const ENGLISH: &[&str] = &[
    "Converted from",
    "multiplied by",
    "Reference:",
    "Methodology and sources",
    "Source:",
    "Sources",
    "Download",
    "Downloads",
    "licence",
    "Licence",
    "License",
    "Cite",
    "per 1,000 people",
    "per 1,000",
    "Germany",
    "United States",
    "No data",
    "No value",
    "Key figures",
    "Published by",
    "Built with",
    "Data of this chart",
    "Page not found",
    "Definitions",
];

/// The English words of [`ENGLISH`] in `text`, each found as a whole word.
fn english_words(text: &str) -> Vec<&'static str> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    ENGLISH
        .iter()
        .copied()
        .filter(|word| {
            text.match_indices(word).any(|(at, _)| {
                !word_char(text[..at].chars().next_back()) && !word_char(text[at + word.len()..].chars().next())
            })
        })
        .collect()
}

/// What a reader of an HTML or SVG file in `lang` sees or hears: its text and the attributes
/// read out or shown (alt, title, aria-label, placeholder, a meta's content), without the
/// elements it marks as another language (`lang="en"` on a Spanish page: an untranslated
/// narrative, the switcher's "English") and third parties' credit lines (`class="citation"`),
/// which are theirs to word.
fn readable_text(markup: &str, lang: &str) -> String {
    const VOID: [&str; 8] = ["img", "br", "meta", "link", "input", "source", "hr", "wbr"];
    let mut out = String::new();
    // The element being skipped and how deep inside it the reader is.
    let mut skipping: Option<(String, usize)> = None;
    let mut rest = markup;
    while let Some(open) = rest.find('<') {
        if skipping.is_none() {
            out.push_str(&rest[..open]);
            out.push(' ');
        }
        let Some(close) = rest[open..].find('>') else { break };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_alphanumeric()).collect();
        let name = name.to_lowercase();
        let closing = tag.starts_with('/');
        let void = VOID.contains(&name.as_str()) || tag.ends_with('/') || tag.starts_with('!') || tag.starts_with('?');
        if let Some((skipped, depth)) = &mut skipping {
            if *skipped == name && !void {
                if closing {
                    *depth -= 1;
                    if *depth == 0 {
                        skipping = None;
                    }
                } else {
                    *depth += 1;
                }
            }
            continue;
        }
        if closing {
            continue;
        }
        let attribute = |key: &str| {
            let needle = format!(" {key}=\"");
            tag.find(&needle).map(|at| tag[at + needle.len()..].split('"').next().unwrap_or_default())
        };
        let other_language = attribute("lang").is_some_and(|l| l != lang);
        let citation = attribute("class").is_some_and(|c| c.split(' ').any(|c| c == "citation"));
        if !void && (other_language || citation || name == "script" || name == "style") {
            skipping = Some((name, 1));
            continue;
        }
        for key in ["alt", "title", "aria-label", "placeholder", "content"] {
            if let Some(value) = attribute(key) {
                out.push(' ');
                out.push_str(value);
                out.push(' ');
            }
        }
    }
    if skipping.is_none() {
        out.push_str(rest);
    }
    out.replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[test]
fn the_readable_text_leaves_out_other_languages_and_citations() {
    let html = "<p title=\"No data\">Fuente: <span class=\"citation\">Source: <b>x</b> World Bank</span> y \
                <div lang=\"en\"><div>Key figures</div> Sources</div><img alt=\"Download\"> fin</p>";
    let text = readable_text(html, "es");
    assert_eq!(english_words(&text), ["Download", "No data"], "{text}");
    assert!(text.contains("Fuente:") && text.contains("fin") && !text.contains("World Bank"), "{text}");
    assert!(english_words("Sourcesx per 1,000 people; Cited").contains(&"per 1,000 people"));
    assert_eq!(english_words("Sourcesx per 1,0000; Cited"), Vec::<&str>::new());
}

/// Every file under `dir` whose name ends with `ext`.
fn files_ending(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.path().to_string_lossy().ends_with(ext))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// The human-readable strings of a JSON download: every string value but citations, whose
/// words are their publishers'; keys are data names and stay English.
fn json_strings(value: &serde_json::Value, key: &str, out: &mut String) {
    match value {
        // A citation quotes its source's title, and an address is the publisher's.
        serde_json::Value::String(s) if key != "citation" && !key.ends_with("url") => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_strings(v, key, out)),
        // A note marked as another language (`note_lang`, as HTML's `lang`) is its author's
        // words, left as written for want of a translation.
        serde_json::Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !(*k == "note" && map.contains_key("note_lang")))
            .for_each(|(k, v)| json_strings(v, k, out)),
        _ => {}
    }
}

#[test]
fn the_default_sites_spanish_pages_pdfs_charts_and_downloads_have_no_english_interface_words() {
    let public = scratch("languages-default-es").join("public");
    let run = salud(&["build", "--root", &repo_root().to_string_lossy(), "--output", &public.to_string_lossy()]);
    assert!(run.status.success(), "{}", stderr(&run));
    let es = public.join("es");
    // Each word found, with how many files hold it and the first of each kind.
    let mut leaks: std::collections::BTreeMap<&str, (usize, std::collections::BTreeMap<String, String>)> =
        Default::default();
    let mut check = |file: &Path, text: &str| {
        for word in english_words(text) {
            let (count, examples) = leaks.entry(word).or_default();
            *count += 1;
            let kind = file.extension().unwrap_or_default().to_string_lossy().into_owned();
            examples.entry(kind).or_insert_with(|| file.strip_prefix(&public).unwrap().display().to_string());
        }
    };
    let pages = files_ending(&es, ".html");
    assert!(pages.len() > 240, "every place and page in Spanish: {}", pages.len());
    for page in &pages {
        check(page, &readable_text(&read(page), "es"));
    }
    let charts = files_ending(&es, ".svg");
    assert!(charts.len() > 2000, "{} charts", charts.len());
    for chart in &charts {
        check(chart, &readable_text(&read(chart), "es"));
    }
    let pdfs = files_ending(&es, ".pdf");
    assert!(pdfs.len() > 200, "{} PDFs", pdfs.len());
    for pdf in &pdfs {
        let out = std::process::Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext runs");
        check(pdf, &String::from_utf8_lossy(&out.stdout));
    }
    for csv in files_ending(&es, ".csv") {
        check(&csv, &read(&csv));
    }
    for json in files_ending(&es, ".json") {
        let mut text = String::new();
        json_strings(&serde_json::from_str(&read(&json)).unwrap(), "", &mut text);
        check(&json, &text);
    }
    let report: Vec<String> = leaks
        .iter()
        .map(|(word, (count, examples))| format!("{word:?} in {count} files, e.g. {:?}", examples.values()))
        .collect();
    assert!(report.is_empty(), "English interface words on the Spanish site:\n{}", report.join("\n"));
}

#[test]
fn a_unit_conversion_is_said_in_each_language_and_an_authors_note_stays_as_written() {
    let site = bilingual("languages-conversion", None);
    let catalogue = read(&site.join("data/indicators.toml")).replacen(
        "from_unit = \"per 1,000 people\" }]\n",
        "from_unit = \"per 1,000 people\" }]\ntranslations.es = { from_unit = \"por 1000 habitantes\" }\n",
        1,
    );
    fs::write(site.join("data/indicators.toml"), catalogue).unwrap();
    // A series salud import converted, and an author's note worded as salud's notes once were:
    // it is the author's text, shown as written in every language.
    let old_note = "Converted from the source's per 1,000 people (multiplied by 10).";
    let place = read(&site.join("data/places/testland.toml"))
        .replacen(
            "indicator = \"health_expenditure_gdp\"\nsource = \"wdi\"\n",
            &format!("indicator = \"health_expenditure_gdp\"\nsource = \"wdi\"\nnote = \"{old_note}\"\n"),
            1,
        )
        + "\n[[series]]\nindicator = \"physicians_density\"\nsource = \"wdi\"\nconverted_from = \"per 1,000 people\"\nmultiplied_by = 10\n\n[series.values]\n2020 = 23.5\n";
    fs::write(site.join("data/places/testland.toml"), place).unwrap();
    build(&site);
    let public = site.join("public");
    let page = |path: &str| {
        let lang = if path.starts_with("es/") { "es" } else { "en" };
        readable_text(&read(&public.join(path)), lang).split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let (en, es) = (page("testland/index.html"), page("es/testland/index.html"));
    assert!(
        en.contains("23.5 2020 World Bank, World Development Indicators Converted from the source's per 1,000 people (multiplied by 10)."),
        "{en}"
    );
    let spanish = "Valores convertidos desde la unidad de la fuente, por 1000 habitantes (multiplicados por 10).";
    assert!(es.contains(spanish), "{es}");
    // Each in the key figures and in its chart's note.
    assert_eq!(en.matches(old_note).count(), 4, "the conversion and the author's note: {en}");
    assert_eq!(es.matches(old_note).count(), 2, "only the author's note: {es}");
    let chart = page("es/testland/charts/workforce-per-10-000-population.svg");
    assert!(chart.contains("Valores convertidos") && chart.contains("(multiplicados por 10)."), "{chart}");
    assert!(!chart.contains("per 1,000"), "{chart}");
    let json = read(&public.join("es/testland/salud-data-testland.json"));
    assert!(json.contains(&format!("\"value\":23.5,\"source\":\"wdi\",\"note\":\"{spanish}\"")), "{json}");
}

#[test]
fn a_sources_licence_is_shown_in_the_language_its_translation_gives() {
    let site = bilingual("languages-source-licence", None);
    let sources = read(&site.join("data/sources.toml")).replacen(
        "licence = \"WHO terms of use\"\n",
        "licence = \"WHO terms of use\"\ntranslations.es = { licence = \"Condiciones de uso de la OMS\" }\n",
        1,
    );
    fs::write(site.join("data/sources.toml"), sources).unwrap();
    let place = read(&site.join("data/places/testland.toml"))
        + "\n[[series]]\nindicator = \"health_expenditure_gdp\"\nsource = \"who-ghed\"\n\n[series.values]\n2021 = 4.6\n";
    fs::write(site.join("data/places/testland.toml"), place).unwrap();
    build(&site);
    let public = site.join("public");
    let es = read(&public.join("es/testland/index.html"));
    assert!(es.contains("Licencia: Condiciones de uso de la OMS."), "{es}");
    assert!(!es.contains("WHO terms of use"), "{es}");
    assert!(read(&public.join("testland/index.html")).contains("Licence: WHO terms of use."));
    let json = read(&public.join("es/testland/salud-data-testland.json"));
    assert!(json.contains("\"licence\":\"Condiciones de uso de la OMS\""), "{json}");
    let pdf = public.join("es/testland/salud-profile-testland.pdf");
    let text = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Licencia: Condiciones de uso de la OMS"), "{text}");
}

#[test]
fn a_value_note_without_a_translation_is_marked_as_the_main_language() {
    let site = bilingual("languages-untranslated-note", None);
    let place = read(&site.join("data/places/testland.toml")).replacen(
        "2021 = 4.53341627",
        "2021 = { value = 4.53341627, note = \"Data Source: a survey.\" }",
        1,
    );
    fs::write(site.join("data/places/testland.toml"), place).unwrap();
    build(&site);
    let public = site.join("public");
    let es = read(&public.join("es/testland/index.html"));
    assert!(es.contains("<span class=\"note\" lang=\"en\">Data Source: a survey.</span>"), "{es}");
    let en = read(&public.join("testland/index.html"));
    assert!(en.contains("<span class=\"note\">Data Source: a survey.</span>"), "{en}");
    let json = read(&public.join("es/testland/salud-data-testland.json"));
    assert!(json.contains("\"note\":\"Data Source: a survey.\",\"note_lang\":\"en\""), "{json}");
    assert!(!read(&public.join("testland/salud-data-testland.json")).contains("note_lang"));
}

#[test]
fn an_authors_notes_are_shown_in_the_language_their_translation_gives() {
    let site = bilingual("languages-notes", None);
    let place = read(&site.join("data/places/testland.toml"))
        .replacen(
            "indicator = \"health_expenditure_gdp\"\nsource = \"wdi\"\n",
            "indicator = \"health_expenditure_gdp\"\nsource = \"wdi\"\nnote = \"Current spending only.\"\nnotes = { es = \"Solo el gasto corriente.\" }\n",
            1,
        )
        .replacen(
            "2021 = 4.53341627",
            "2021 = { value = 4.53341627, note = \"A survey year.\", notes = { es = \"Un año de encuesta.\" } }",
            1,
        );
    fs::write(site.join("data/places/testland.toml"), place).unwrap();
    build(&site);
    let public = site.join("public");
    let en = read(&public.join("testland/index.html"));
    let es = read(&public.join("es/testland/index.html"));
    assert!(en.contains("Current spending only. A survey year."), "{en}");
    assert!(es.contains("Solo el gasto corriente. Un año de encuesta."), "{es}");
    assert!(!es.contains("Current spending") && !es.contains("survey year"), "{es}");
    let json = read(&public.join("es/testland/salud-data-testland.json"));
    assert!(json.contains("\"note\":\"Un año de encuesta.\""), "{json}");
    // A `notes` that is not texts by language is an error at its line.
    let place = read(&site.join("data/places/testland.toml")).replacen(
        "notes = { es = \"Un año",
        "notes = { es = 7, x = \"Un año",
        1,
    );
    fs::write(site.join("data/places/testland.toml"), place).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("the `notes` of the value for 2021 are not texts by language"), "{}", stderr(&out));
}
