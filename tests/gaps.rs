//! Gap charts on the default site: Huánuco's urban and rural stunting with their year and n,
//! and Peru's departments sorted by their urban-rural gap (issue 16, item 4).

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;

/// The default site, built once for the tests of this file.
fn public() -> &'static Path {
    static PUBLIC: OnceLock<PathBuf> = OnceLock::new();
    PUBLIC.get_or_init(|| {
        let public = scratch("gaps-default-site").join("public");
        let out = salud(&["build", "--root", &repo_root().to_string_lossy(), "--output", &public.to_string_lossy()]);
        assert!(out.status.success(), "{}", stderr(&out));
        public
    })
}

/// The `<figure>` of the chart `id` on a page.
fn figure<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"chart-{id}\"")).unwrap_or_else(|| panic!("no chart {id}"));
    let rest = &html[start..];
    &rest[..rest.find("</figure>").unwrap()]
}

/// The rows of a figure's data table, as the texts of their cells.
fn rows(figure: &str) -> Vec<Vec<String>> {
    let body = figure.split("<tbody>").nth(1).unwrap().split("</tbody>").next().unwrap();
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            // Each cell's text, without the tags of the marks inside it (`<span class="n">`).
            row.split("</td>")
                .flat_map(|part| part.split("</th>"))
                .filter_map(|part| {
                    let cell = &part[part.rfind("<td").or_else(|| part.rfind("<th"))?..];
                    let mut text = String::new();
                    for piece in cell.split('<') {
                        text.push_str(piece.split_once('>').map_or(piece, |(_, t)| t));
                    }
                    Some(text.trim().to_string())
                })
                .filter(|text| !text.is_empty())
                .collect()
        })
        .collect()
}

/// The latest year in which a department's file has both an urban and a rural child_stunting
/// value, with the two values: read straight from the data file.
fn urban_rural(file: &Path) -> Option<(i32, f64, f64)> {
    let doc: toml::Value = toml::from_str(&read(file)).unwrap();
    let series = doc.get("series")?.as_array()?;
    let values = |area: &str| -> Option<std::collections::BTreeMap<i32, f64>> {
        let s = series.iter().find(|s| {
            s["indicator"].as_str() == Some("child_stunting")
                && s.get("group").and_then(|g| g.get("area")).and_then(|a| a.as_str()) == Some(area)
        })?;
        Some(
            s["values"]
                .as_table()?
                .iter()
                .map(|(y, v)| {
                    let v = v.get("value").unwrap_or(v);
                    (y.parse().unwrap(), v.as_float().or_else(|| v.as_integer().map(|i| i as f64)).unwrap())
                })
                .collect(),
        )
    };
    let (urban, rural) = (values("urban")?, values("rural")?);
    urban.iter().rev().find_map(|(y, u)| rural.get(y).map(|r| (*y, *u, *r)))
}

#[test]
fn huanucos_page_shows_its_urban_and_rural_stunting_with_year_and_n() {
    let html = read(&public().join("peru/huanuco/index.html"));
    let gaps = figure(&html, "gaps-child-stunting-area");
    let table = rows(gaps);
    // Its own row and Peru's, with the latest year both groups share, each value's n and the gap.
    assert_eq!(table[0][0], "Huánuco", "{table:?}");
    assert_eq!(table[0][1..], ["2025", "8.5 (n = 329)", "20.8 (n = 443)", "Rural 2.4 times urban (+12.3 points)"]);
    assert!(table[1][0].starts_with("Peru"), "{table:?}");
    assert_eq!(table.len(), 2);
    // The image says it too, for readers who do not open the table.
    let svg = read(&public().join("peru/huanuco/charts/gaps-child-stunting-area.svg"));
    assert!(svg.contains("Rural 2.4 times urban (+12.3 points)"), "{svg}");
    assert!(svg.contains("Source: "), "{svg}");
    // The groups over time, with the total, in the same family.
    let trend = rows(figure(&html, "groups-child-stunting-area"));
    assert_eq!(trend[0], ["2025", "8.5 n = 329", "20.8 n = 443", "15.4 n = 772"].map(String::from), "{trend:?}");
    assert!(html.contains("<th scope=\"col\" class=\"num\">Urban</th><th scope=\"col\" class=\"num\">Rural</th><th scope=\"col\" class=\"num\">Total</th>"));
    // After the family's other charts, in the nutrition family.
    let nutrition = &html[html.find("id=\"family-nutrition\"").expect("a nutrition family")..];
    let order: Vec<usize> = ["chart-nutrition-", "chart-gaps-child-stunting-area", "chart-groups-child-stunting-area"]
        .iter()
        .map(|id| nutrition.find(id).unwrap_or_else(|| panic!("{id}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // In Spanish too.
    let es = read(&public().join("es/peru/huanuco/index.html"));
    assert!(rows(figure(&es, "gaps-child-stunting-area"))[0].iter().any(|c| c.starts_with("Rural: 2,4 veces")), "{es}");
}

#[test]
fn perus_page_sorts_its_departments_by_their_urban_rural_gap() {
    let html = read(&public().join("peru/index.html"));
    let table = rows(figure(&html, "gaps-child-stunting-area"));
    assert_eq!(table[0][0], "Peru", "the country's own row first: {table:?}");
    let shown: Vec<&str> = table[1..].iter().map(|r| r[0].as_str()).collect();
    // Computed here from the data files: the absolute rural-urban difference, largest first.
    let dir = repo_root().join("data/places/peru");
    let mut expected: Vec<(f64, String, i32)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            if path.extension()? != "toml" {
                return None;
            }
            let (year, urban, rural) = urban_rural(&path)?;
            let doc: toml::Value = toml::from_str(&read(&path)).unwrap();
            Some(((rural - urban).abs(), doc["name"].as_str().unwrap().to_string(), year))
        })
        .collect();
    expected.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    assert!(expected.len() >= 20, "{expected:?}");
    let names: Vec<&str> = expected.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(shown, names);
    for (row, (_, _, year)) in table[1..].iter().zip(&expected) {
        assert_eq!(row[1], year.to_string(), "{row:?}");
        assert!(row[2].contains("(n = ") && row[3].contains("(n = "), "{row:?}");
    }
    // The image lists them in the same order.
    let svg = read(&public().join("peru/charts/gaps-child-stunting-area.svg"));
    let at: Vec<usize> = names.iter().map(|n| svg.find(&format!(">{n}<")).unwrap_or_else(|| panic!("{n}"))).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{names:?}");
    // A department without rural values (Callao) is named in a note, not drawn.
    assert!(!names.contains(&"Callao"));
    assert!(figure(&html, "gaps-child-stunting-area").contains("Callao"));
}

/// `{{ gap(indicator="child_stunting") }}` in Huánuco's story writes the urban and rural values
/// with their n, the year and the gap; in Spanish on the Spanish page.
#[test]
fn the_gap_shortcode_writes_the_groups_values_their_n_and_the_gap() {
    let public = public();
    let html = read(&public.join("peru/huanuco/index.html"));
    let story = &html[html.find("class=\"narrative\"").unwrap()..];
    assert!(story.contains("urban 8.5 (n = ") && story.contains("rural 20.8 (n = "), "{story}");
    assert!(story.contains("in 2025: Rural 2.4 times urban (+12.3 points)"), "{story}");
    let es = read(&public.join("es/peru/huanuco/index.html"));
    let story = &es[es.find("class=\"narrative\"").unwrap()..];
    assert!(story.contains("urbana 8,5 (n = ") && story.contains("en 2025: "), "{story}");
}

/// A gap asked of a place without two groups, or of an unknown dimension, stops the build at
/// the shortcode's line.
#[test]
fn a_gap_shortcode_without_groups_or_with_an_unknown_dimension_is_an_error_at_its_line() {
    let site = site_with("gap-shortcode-errors", None);
    let narrative = site.join("content/testland/_index.md");
    let text = std::fs::read_to_string(&narrative).unwrap();
    std::fs::write(
        &narrative,
        format!("{text}\n{{{{ gap(indicator=\"under5_mortality\") }}}}\n\n{{{{ gap(indicator=\"under5_mortality\", dimension=\"income\") }}}}\n"),
    )
    .unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("Testland has no two groups of `area` for `under5_mortality` to compare"), "{err}");
    assert!(
        err.contains("`income` is not a dimension of groups") && err.contains("use one of area, sex, wealth, age"),
        "{err}"
    );
    assert!(err.contains("content/testland/_index.md:"), "{err}");
    assert!(!site.join("public").exists(), "a failed build writes nothing");
}
