//! `salud import` of WHO Global Health Observatory data portal exports, `--dry-run`, and the
//! message for a file of a layout salud does not know.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

const PORTAL: &str = "who-gho-portal/HWF_dentists_per10000.csv";

fn site(name: &str) -> PathBuf {
    let dir = scratch(name);
    copy_dir(&fixture("import/site"), &dir);
    dir
}

fn import(site: &Path, file: &Path, extra: &[&str]) -> std::process::Output {
    let (root, file) = (site.to_string_lossy(), file.to_string_lossy());
    let mut args = vec!["import", "--root", &root, &file];
    args.extend(extra);
    salud(&args)
}

/// Asserts two snapshots hold the same files with the same bytes, naming those that differ.
fn unchanged(before: &[(String, Vec<u8>)], after: &[(String, Vec<u8>)], what: &str) {
    let names = |s: &[(String, Vec<u8>)]| s.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(before), names(after), "{what}");
    for ((name, a), (_, b)) in before.iter().zip(after) {
        assert!(a == b, "{what}: {name} changed");
    }
}

fn portal() -> PathBuf {
    fixture("import").join(PORTAL)
}

/// The series of `dentists_density` from `who-gho` (with `group`, a line such as
/// `group = { sex = "female" }\n`, or "") and its values, as salud import writes them.
fn dentists(group: &str, values: &str) -> String {
    format!("indicator = \"dentists_density\"\nsource = \"who-gho\"\n{group}\n[series.values]\n{values}")
}

#[test]
fn the_who_portal_export_of_dentists_is_imported_with_its_notes() {
    let site = site("gho-portal-dentists");
    let out = import(&site, &portal(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stdout(&out);
    // 2,623 rows of HWF_0010 for 193 countries; the other three codes are counted, not refused.
    assert!(
        summary.starts_with(
            "Imported 1 file: 2623 values added, 0 already present, 0 conflicts kept as they were; 192 places created, 1 changed; 0 rows of country groups skipped"
        ),
        "{summary}"
    );
    assert!(
        summary.contains("3701 rows of codes not in data/indicators.toml skipped (HWF_0011, HWF_0012, HWF_0013)"),
        "{summary}"
    );
    let err = stderr(&out);
    assert!(
        err.contains("HWF_0011 (Dentists (number)): 3048 rows skipped; to import them, add \"HWF_0011\" to the `codes` of an indicator in data/indicators.toml"),
        "{err}"
    );

    // FactValueNumeric, by year, with FactComments as each value's note (trimmed, as written).
    let peru = read(&site.join("data/places/peru.toml"));
    let values = "1999 = { value = 1.07, note = \"Includes Dentists .\" }\n\
        2007 = { value = 5.36, note = \"Includes Dentists (surgeon).  Data Source: Health workforce from census data. Minnesota Population Center. Integrated Public Use Microdata Series, International: Version 7.1. Minneapolis, MN: IPUMS, 2018. https://doi.org/10.18128/D020.V7.1\" }\n\
        2009 = { value = 1.23, note = \"Includes Dentists .\" }\n\
        2012 = { value = 1.5, note = \"Includes Dentists .\" }\n\
        2016 = { value = 1.84, note = \"Includes Dentists.  Data Source: Health Situation in the Americas: Core Indicators,2018.  Notes: Estimated from densities\" }\n\
        2018 = { value = 1.91, note = \"National Reporting Instrument (NRI)- 2021 Code reporting\" }\n\
        2021 = { value = 2.14, note = \"Value obtained from Professionally Active\" }\n";
    assert!(peru.contains(&dentists("", values)), "{peru}");
    // The hand-written value is kept.
    assert!(peru.starts_with("# Peru, with a value typed in by hand"), "{peru}");

    // A new country from the portal's names and codes; a value without a comment is bare.
    let colombia = read(&site.join("data/places/colombia.toml"));
    assert!(colombia.starts_with("name = \"Colombia\"\niso3 = \"COL\"\nkind = \"country\"\n"), "{colombia}");
    assert!(colombia.contains("\n2021 = 8.26\n"), "{colombia}");
    // Comments with the source's broken accents are kept as the source wrote them.
    let brazil = read(&site.join("data/places/brazil.toml"));
    assert!(brazil.contains("Cadastro Nacional de Estabelecimentos de Sa-de (CNES)"), "{brazil}");

    // The result builds, and importing again adds nothing.
    let build = salud(&["build", "--root", &site.to_string_lossy()]);
    assert!(build.status.success(), "{}", stderr(&build));
    let first = snapshot(&site.join("data"));
    let again = import(&site, &portal(), &[]);
    assert!(stdout(&again).contains("0 values added, 2623 already present, 0 conflicts"), "{}", stdout(&again));
    assert_eq!(snapshot(&site.join("data")), first);
}

#[test]
fn a_count_code_reads_fact_value_numeric_never_the_display_text() {
    let site = site("gho-portal-counts");
    let catalogue = site.join("data/indicators.toml");
    let counts = "\n[dentists]\nname = \"Dentists\"\nunit = \"dentists\"\nmeasure = \"count\"\ncategory = \"workforce\"\ndecimals = 0\ncodes = [\"HWF_0011\"]\n";
    fs::write(&catalogue, read(&catalogue) + counts).unwrap();
    let out = import(&site, &portal(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("5671 values added"), "{}", stdout(&out));
    // Value says "143 178" (with a no-break space); FactValueNumeric says 143178.
    let brazil = read(&site.join("data/places/brazil.toml"));
    assert!(brazil.contains("2021 = { value = 143178, note = \"Fonte: Cadastro"), "{brazil}");
}

/// The real file's header and its row for Peru in 2021, as column name to cell.
fn peru_2021() -> (Vec<String>, BTreeMap<String, String>) {
    let mut reader = csv::Reader::from_path(portal()).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "HWF_0010" && &r[6] == "PER" && &r[9] == "2021")
        .unwrap();
    (header.clone(), header.into_iter().zip(row.iter().map(str::to_string)).collect())
}

/// A portal export built from the real row for Peru: its columns in another order with one
/// more, and one row per change of `rows` (column, cell) to that row.
fn built_export(dir: &Path, rows: &[Vec<(&str, &str)>]) -> PathBuf {
    let (mut header, peru) = peru_2021();
    header.reverse();
    header.insert(3, "Extra column".to_string());
    let file = dir.join("export.csv");
    let mut writer = csv::Writer::from_path(&file).unwrap();
    writer.write_record(&header).unwrap();
    for changes in rows {
        let mut row = peru.clone();
        row.insert("Extra column".to_string(), "x".to_string());
        for (column, cell) in changes {
            assert!(row.insert(column.to_string(), cell.to_string()).is_some(), "{column}");
        }
        writer.write_record(header.iter().map(|c| &row[c])).unwrap();
    }
    writer.flush().unwrap();
    file
}

fn sex(code: &'static str, value: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![("Dim1 type", "Sex"), ("Dim1ValueCode", code), ("FactValueNumeric", value), ("FactComments", "")]
}

#[test]
fn groups_intervals_prefixes_and_regions_of_a_reordered_export() {
    let dir = scratch("gho-portal-built-input");
    let in_2020 = |more: &[(&'static str, &'static str)]| [&[("Period", "2020"), ("FactComments", "")], more].concat();
    let rows: Vec<Vec<(&str, &str)>> = vec![
        // The total, with its interval and comment.
        vec![("FactValueNumericLow", "2.01"), ("FactValueNumericHigh", "2.3")],
        sex("SEX_FMLE", "2.5"),
        sex("SEX_MLE", "1.8"),
        // Both sexes is the total, already met.
        sex("SEX_BTSX", "2.14"),
        in_2020(&[
            ("Dim2 type", "Residence Area Type"),
            ("Dim2ValueCode", "RESIDENCEAREATYPE_URB"),
            ("FactValueNumeric", "3"),
        ]),
        in_2020(&[
            ("Dim2 type", "Residence Area Type"),
            ("Dim2ValueCode", "RESIDENCEAREATYPE_RUR"),
            ("FactValueNumeric", "0.5"),
        ]),
        in_2020(&[
            ("Dim3 type", "Wealth Quintile"),
            ("Dim3ValueCode", "WEALTHQUINTILE_WQ1"),
            ("FactValueNumeric", "0.25"),
        ]),
        in_2020(&[("Dim1 type", "Age Group"), ("Dim1ValueCode", "AGEGROUP_YEARS25-34")]),
        vec![
            ("Period", "2019"),
            ("Dim1 type", "Sex"),
            ("Dim1ValueCode", "SEX_FMLE"),
            ("Dim2 type", "Residence Area Type"),
            ("Dim2ValueCode", "RESIDENCEAREATYPE_URB"),
        ],
        vec![
            ("Location type", "WHO region"),
            ("SpatialDimValueCode", "AMR"),
            ("Location", "Americas"),
            ("FactValueNumeric", "5.1"),
        ],
        vec![
            ("Location type", "Global"),
            ("SpatialDimValueCode", "GLOBAL"),
            ("Location", "Global"),
            ("FactValueNumeric", "3.3"),
        ],
        vec![("Period", "2017"), ("FactValueNumericPrefix", "<"), ("FactValueNumeric", "2"), ("FactComments", "")],
        // An interval that does not hold its value is left out, with a word.
        vec![
            ("Period", "2015"),
            ("FactValueNumeric", "2"),
            ("FactValueNumericLow", "3"),
            ("FactValueNumericHigh", "4"),
            ("FactComments", ""),
        ],
        vec![("Period", "2014"), ("IndicatorCode", "HWF_0011")],
        vec![("Period", "2013"), ("FactValueNumeric", ""), ("Value", "No data")],
    ];
    let file = built_export(&dir, &rows);

    let site = site("gho-portal-built");
    let out = import(&site, &file, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stdout(&out);
    for part in [
        "Imported 1 file: 8 values added, 1 already present, 0 conflicts kept as they were; 0 places created, 1 changed; 2 rows of country groups skipped",
        "1 cells with no data skipped",
        "1 rows of codes not in data/indicators.toml skipped (HWF_0011)",
        "2 rows for groups salud does not know skipped (Age Group: AGEGROUP_YEARS25-34; two groups at once: Sex and Residence Area Type)",
    ] {
        assert!(summary.contains(part), "{part}\nnot in\n{summary}");
    }
    let line = format!("{}:14:", file.display());
    assert!(
        stderr(&out).contains(&format!("{line} the interval 3 to 4 does not hold the value 2 for 2015")),
        "{}",
        stderr(&out)
    );

    let peru = read(&site.join("data/places/peru.toml"));
    let total = "2015 = 2\n2017 = { value = 2, qualifier = \"less than\" }\n\
        2021 = { value = 2.14, low = 2.01, high = 2.3, note = \"Value obtained from Professionally Active\" }\n";
    for expected in [
        dentists("", total),
        dentists("group = { sex = \"female\" }\n", "2021 = 2.5\n"),
        dentists("group = { sex = \"male\" }\n", "2021 = 1.8\n"),
        dentists("group = { area = \"urban\" }\n", "2020 = 3\n"),
        dentists("group = { area = \"rural\" }\n", "2020 = 0.5\n"),
        dentists("group = { wealth = \"q1\" }\n", "2020 = 0.25\n"),
    ] {
        assert!(peru.contains(&expected), "{expected}\nnot in\n{peru}");
    }
    assert!(!site.join("data/places/americas.toml").exists());
    let build = salud(&["build", "--root", &site.to_string_lossy()]);
    assert!(build.status.success(), "{}", stderr(&build));

    // WHO regions and the world only when asked, as groups of countries.
    let site = self::site("gho-portal-built-aggregates");
    let out = import(&site, &file, &["--include-aggregates"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("0 rows of country groups skipped"), "{}", stdout(&out));
    let americas = read(&site.join("data/places/americas.toml"));
    assert!(americas.starts_with("name = \"Americas\"\nkind = \"aggregate\"\n"), "{americas}");
    assert!(americas.contains("\n2021 = { value = 5.1, note = \"Value obtained"), "{americas}");
    assert!(read(&site.join("data/places/global.toml")).contains("2021 = { value = 3.3,"));
}

#[test]
fn an_export_without_a_known_code_is_refused_naming_its_codes() {
    let site = site("gho-portal-no-code");
    let catalogue = site.join("data/indicators.toml");
    fs::write(&catalogue, read(&catalogue).replace("codes = [\"HWF_0010\"]\n", "")).unwrap();
    let before = snapshot(&site.join("data"));
    let out = import(&site, &portal(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    for part in [
        portal().display().to_string().as_str(),
        "no indicator of data/indicators.toml has any of its codes",
        "HWF_0010 (Dentists (per 10,000)), HWF_0011 (Dentists (number)), HWF_0012 (Dental Assistants and Therapists (number)), HWF_0013 (Dental Prosthetic Technicians (number))",
        "add the code to the `codes` of the matching indicator in data/indicators.toml, e.g. codes = [\"HWF_0010\"]",
    ] {
        assert!(err.contains(part), "{part}\nnot in\n{err}");
    }
    unchanged(&before, &snapshot(&site.join("data")), "a refused import writes nothing");
}

#[test]
fn a_bad_number_in_an_export_is_refused_with_its_line_and_cell() {
    let dir = scratch("gho-portal-bad-input");
    let file = built_export(&dir, &[vec![], vec![("Period", "2020"), ("FactValueNumeric", "2,5")]]);
    let site = site("gho-portal-bad");
    let before = snapshot(&site.join("data"));
    let out = import(&site, &file, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:3:", file.display())), "{err}");
    assert!(err.contains("\"2,5\" has a decimal comma"), "{err}");
    unchanged(&before, &snapshot(&site.join("data")), "a refused import writes nothing");

    // A portal export lacking a column salud needs says which.
    let text = read(&file).replacen("SpatialDimValueCode", "Country code", 1);
    fs::write(&file, text).unwrap();
    let out = import(&site, &file, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{}:1: this WHO GHO data portal export has no column SpatialDimValueCode",
            file.display()
        )),
        "{err}"
    );
    unchanged(&before, &snapshot(&site.join("data")), "a refused import writes nothing");
}

#[test]
fn a_dry_run_says_what_would_change_and_writes_nothing() {
    let site = site("gho-dry-run");
    // A value already there, different from WHO's: a conflict.
    let peru = site.join("data/places/peru.toml");
    let typed =
        "\n[[series]]\nindicator = \"dentists_density\"\nsource = \"who-gho\"\n\n[series.values]\n2018 = 1.95\n";
    fs::write(&peru, read(&peru) + typed).unwrap();
    let before = snapshot(&site);
    let out = import(&site, &portal(), &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    unchanged(&before, &snapshot(&site), "a dry run writes nothing");
    let said = stdout(&out);
    for part in [
        "Dry run: nothing was written.",
        "data/places/peru.toml: 6 values to add: dentists_density 1999 = 1.07, 2007 = 5.36, 2009 = 1.23 and 3 more",
        "data/places/peru.toml: conflict: dentists_density 2018 from `who-gho` is 1.95 there but 1.91 in ",
        "data/places/chile.toml (new place): 20 values to add: dentists_density 2002 = 0.006, ",
        "Would import 1 file: 2622 values added, 0 already present, 1 conflicts kept as they were; 192 places created, 1 changed",
    ] {
        assert!(said.contains(part), "{part}\nnot in\n{said}");
    }
    // Then for real: what the dry run said.
    let out = import(&site, &portal(), &[]);
    assert!(stdout(&out).starts_with("Imported 1 file: 2622 values added"), "{}", stdout(&out));
    assert!(read(&peru).contains("2018 = 1.95\n"));
}

#[test]
fn a_file_of_an_unknown_layout_is_refused_with_its_first_line_and_a_way_forward() {
    let site = site("gho-unknown-layout");
    let before = snapshot(&site.join("data"));
    let dir = scratch("gho-unknown-layout-input");
    let long = dir.join("survey.csv");
    let first = (1..=80).map(|i| format!("question_{i}")).collect::<Vec<_>>().join(",");
    fs::write(&long, format!("{first}\n1,2,3\n")).unwrap();
    let out = import(&site, &long, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for part in [
        format!(
            "{}:1: salud does not recognise this file's layout (it starts with \"question_1,question_2,",
            long.display()
        ),
        "…\")".to_string(),
        "salud import --recipe RECIPE.toml".to_string(),
        "see \"Recipes\" under \"Importing data\" in README.md".to_string(),
    ] {
        assert!(err.contains(&part), "{part}\nnot in\n{err}");
    }
    assert!(!err.contains("question_80"), "the first line is cut short: {err}");

    // (A spreadsheet's extension would have it read as one.)
    let binary = dir.join("report.bin");
    fs::write(&binary, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00").unwrap();
    let out = import(&site, &binary, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:1: salud does not recognise this file's layout (it is not text", binary.display())),
        "{err}"
    );

    let empty = dir.join("empty.csv");
    fs::write(&empty, "").unwrap();
    let out = import(&site, &empty, &[]);
    assert!(stderr(&out).contains("(it is empty)"), "{}", stderr(&out));
    unchanged(&before, &snapshot(&site.join("data")), "a refused import writes nothing");
}
