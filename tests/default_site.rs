//! The repository's own site, on real data: what a newcomer's first `salud build` shows.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::*;

/// Built once for all tests of this file, into a scratch folder (the repo's public/ is left alone).
fn built() -> &'static PathBuf {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = scratch("default-site").join("public");
        let run = salud(&["build", "--root", &repo_root().to_string_lossy(), "--output", &out.to_string_lossy()]);
        assert!(run.status.success(), "{}", stderr(&run));
        assert!(stdout(&run).starts_with("Built "), "{}", stdout(&run));
        out
    })
}

/// The text of a page with tags removed and whitespace collapsed, as a reader sees it.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn key_row(text: &str, value: &str, year: &str, source: &str) -> bool {
    // Values more than ten years older than the edition carry the "old data" mark after the year.
    text.contains(&format!("{value} {year} {source}")) || text.contains(&format!("{value} {year} old data {source}"))
}

#[test]
fn peru_shows_the_profile_figures_beside_the_current_series() {
    let html = read(&built().join("peru/index.html"));
    let text = visible_text(&html);
    let profile = "Save the Children, country health profile of Peru";
    for (value, year) in [
        ("21.9", "2010"),
        ("67", "2010"),
        ("56.1", "2011"),
        ("4.8", "2011"),
        ("85", "2011"),
        ("9", "2011"),
        ("18", "2011"),
    ] {
        assert!(key_row(&text, value, year, profile), "Peru's page lacks {value} ({year}) from the profile");
    }
    // The same indicators from the World Bank and WHO, each with its own source.
    assert!(text.contains("Same year, other sources: 9.3 ( World Bank, World Development Indicators )"), "{text}");
    assert!(text.contains("Same year, other sources: 86 ( World Bank, World Development Indicators )"));
    assert!(
        text.contains("Same year, other sources: 51.0 ( WHO, Global Health Expenditure Database )")
            || text.contains("Same year, other sources: 51 ( WHO, Global Health Expenditure Database )"),
        "{text}"
    );
    assert!(
        key_row(&text, "4.5", "2011", "World Bank, World Development Indicators") || text.contains("4.5 ( World Bank")
    );
    for unit in ["per 1,000 live births", "per 100,000 live births", "per 10,000 population", "% of GDP", "% of births"]
    {
        assert!(text.contains(unit), "unit {unit}");
    }
    // Attribution and licences of every source on the page.
    assert!(html.contains("CC BY 4.0"));
    assert!(html.contains("WHO terms of use for data compilations"));
    assert!(html.contains("INEI"));
    // Narrative from the seeds' facts.
    assert!(text.contains("2,100 primary health care facilities"));
    assert!(text.contains("7.7 physicians per 10,000"));
}

#[test]
fn every_department_of_peru_has_a_page_and_is_compared() {
    let departments = [
        "amazonas",
        "ancash",
        "apurimac",
        "arequipa",
        "ayacucho",
        "cajamarca",
        "callao",
        "cusco",
        "huancavelica",
        "huanuco",
        "ica",
        "junin",
        "la-libertad",
        "lambayeque",
        "lima",
        "loreto",
        "madre-de-dios",
        "moquegua",
        "pasco",
        "piura",
        "puno",
        "san-martin",
        "tacna",
        "tumbes",
        "ucayali",
    ];
    let peru = read(&built().join("peru/index.html"));
    for d in departments {
        assert!(built().join("peru").join(d).join("index.html").is_file(), "no page for {d}");
        assert!(peru.contains(&format!("href=\"../peru/{d}/index.html\"")), "Peru does not link {d}");
    }
    let huanuco = visible_text(&read(&built().join("peru/huanuco/index.html")));
    assert!(huanuco.contains("Chronic child malnutrition"));
    assert!(huanuco.contains("Future Generations Peru"));
}

#[test]
fn programme_sites_keep_their_qualifiers() {
    let cases = [
        ("callao/sos-social-centre-callao", "about 520"),
        ("cusco/sos-social-centre-cusco", "up to 120"),
        ("junin/sos-social-centre-huancayo", "up to 200"),
        ("lima/sos-social-centres-zarate", "up to 500"),
        ("lambayeque/sos-social-centre-chiclayo", "about 170"),
        ("arequipa/sos-social-centre-arequipa", "up to 140"),
        ("ayacucho/sos-social-centre-ayacucho", "up to 80"),
    ];
    for (path, value) in cases {
        let html = read(&built().join("peru").join(path).join("index.html"));
        assert!(html.contains(&format!("<td class=\"num value\">{value}</td>")), "{path} lacks {value}");
    }
}

#[test]
fn every_country_of_the_world_bank_files_has_a_page() {
    let home = read(&built().join("index.html"));
    let countries = home.matches("<th scope=\"row\"><a href=\"").count();
    assert!(countries >= 210, "only {countries} places on the home page");
    for country in ["peru", "chile", "india", "united-states", "tanzania", "cote-d-ivoire"] {
        assert!(built().join(country).join("index.html").is_file(), "{country}");
    }
    assert!(!built().join("world").exists(), "aggregates are not countries");
}

#[test]
fn peru_has_the_three_families_of_charts_and_a_bar_chart_of_its_departments() {
    let public = built();
    let html = read(&public.join("peru/index.html"));
    for (file, unit, years) in [
        // Drawn from chart_start_year (1990); the tables keep every year.
        ("mortality-per-1-000-live-births", "per 1,000 live births", "1990–2024"),
        ("mortality-per-100-000-live-births", "per 100,000 live births", "1990–2023"),
        // Dentists, from WHO, reach 2021.
        ("workforce-per-10-000-population", "per 10,000 population", "1990–2021"),
        ("expenditure-of-gdp", "% of GDP", "2000–2022"),
    ] {
        assert!(html.contains(&format!("src=\"../peru/charts/{file}.svg\"")), "Peru's page lacks {file}");
        let svg = read(&public.join(format!("peru/charts/{file}.svg")));
        assert!(svg.contains("<title>") && svg.contains("<desc>"), "{file}");
        assert!(svg.contains(&format!("{unit}, {years}")), "{file}: unit and years");
        assert!(svg.contains(">Source: ") && svg.contains("World Bank, World Development"), "{file}: source");
        assert!(public.join(format!("peru/charts/{file}.png")).is_file());
    }
    let workforce = visible_text(&read(&public.join("peru/charts/workforce-per-10-000-population.svg")));
    assert!(workforce.contains("WHO threshold for the SDGs (doctors, nurses and midwives): 44.5"));
    assert!(workforce.contains("World Bank: Converted from the source&apos;s per 1,000 people (multiplied by 10)."));
    let mortality = read(&public.join("peru/charts/mortality-per-1-000-live-births.svg"));
    assert!(mortality.contains("SDG 3.2 target for 2030 (under-five mortality): 25"));
    assert!(mortality.contains("SDG 3.2 target for 2030 (neonatal mortality): 12"));
    let maternal = read(&public.join("peru/charts/mortality-per-100-000-live-births.svg"));
    assert!(maternal.contains("SDG 3.1 target for 2030: 70"));

    let bars = read(&public.join("peru/charts/regions-child-stunting.svg"));
    assert!(bars.contains("<title>Chronic child malnutrition inside Peru</title>"));
    for department in ["Huancavelica", "Huánuco", "Lima", "Loreto", "Tacna"] {
        assert!(bars.contains(&format!(">{department}</text>")), "{department} missing from the bar chart");
    }
    assert!(bars.contains(">Peru: "), "the country's value is marked");
}

#[test]
fn dentists_come_from_the_who_portal_export_with_its_credit_and_terms() {
    let who = "World Health Organization, National Health Workforce Accounts, Global Health Observatory";
    let html = read(&built().join("peru/index.html"));
    let text = visible_text(&html);
    // The latest value, with WHO's comment on it as its note.
    assert!(text.contains(&format!("2.14 2021 {who} Value obtained from Professionally Active")), "{text}");
    assert!(html.contains("WHO terms of use for data compilations (reuse for public health purposes, with attribution to WHO and the reporting countries); not CC BY"));
    // Beside the other health workers on the chart, credited there too.
    let chart = read(&built().join("peru/charts/workforce-per-10-000-population.svg"));
    // (Its source line wraps after "World".)
    assert!(chart.contains("Health Organization, National Health Workforce Accounts, Global Health Observatory."));
    // Every country with a value on the indicator's page; the Spanish pages keep WHO's credit.
    let page = visible_text(&read(&built().join("indicators/dentists_density/index.html")));
    assert!(page.contains("Chile 14.81 2021 World Health Organization"), "{page}");
    let es = read(&built().join("es/peru/index.html"));
    assert!(es.contains(who) && es.contains("no es CC BY"));
}

#[test]
fn a_place_without_a_family_of_data_says_so() {
    let html = read(&built().join("peru/huanuco/index.html"));
    assert!(html.contains("No health workforce data for Huánuco."));
    assert!(html.contains("No mortality data for Huánuco."));
    // The narrative quotes the data through shortcodes and places Peru's comparison chart,
    // Huánuco's bar highlighted and ranked.
    assert!(html.contains("% of children under 5 (2025, n = 772)</span> were stunted in Huánuco"));
    assert!(html.contains("src=\"../../peru/huanuco/charts/standing-child-stunting.svg\""));
    let standing = read(&built().join("peru/huanuco/charts/standing-child-stunting.svg"));
    assert!(standing.contains("font-weight=\"bold\">Huánuco</text>"), "{standing}");
    assert!(standing.contains("9th of 25</text>"), "{standing}");
    assert!(html.contains("<th scope=\"row\">Huánuco (9th of 25)</th>"));
}
