//! `salud import --recipe` on tables of layouts salud does not know, and the known layouts
//! read from spreadsheets.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

fn input(rel: &str) -> String {
    fixture("import").join(rel).to_string_lossy().into_owned()
}

fn shipped(rel: &str) -> String {
    repo_root().join(rel).to_string_lossy().into_owned()
}

/// `salud import --root SITE ARGS...`
fn import(site: &Path, args: &[&str]) -> Output {
    let root = site.to_string_lossy().into_owned();
    let mut all = vec!["import", "--root", &root];
    all.extend(args);
    salud(&all)
}

/// A site with the default site's catalogue and sources, and `places` (path under
/// data/places/, text).
fn catalogue_site(name: &str, places: &[(&str, &str)]) -> PathBuf {
    let site = scratch(name);
    fs::create_dir_all(site.join("data/places")).unwrap();
    for file in ["data/indicators.toml", "data/sources.toml"] {
        fs::copy(repo_root().join(file), site.join(file)).unwrap();
    }
    for (rel, text) in places {
        let path = site.join("data/places").join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    site
}

/// The import fixture site with Peru's departments `departments` (file, name) as regions
/// without data.
fn peru_site(name: &str, departments: &[(&str, &str)]) -> PathBuf {
    let site = scratch(name);
    copy_dir(&fixture("import/site"), &site);
    fs::create_dir_all(site.join("data/places/peru")).unwrap();
    for (file, name) in departments {
        fs::write(
            site.join(format!("data/places/peru/{file}.toml")),
            format!("name = \"{name}\"\nkind = \"region\"\n"),
        )
        .unwrap();
    }
    site
}

const DEPARTMENTS: &[(&str, &str)] = &[("huanuco", "Huánuco"), ("junin", "Junín"), ("apurimac", "Apurímac")];

/// Asserts the import failed with exit 1, said each of `what`, and left data/ as it was.
fn refused(site: &Path, out: &Output, what: &[&str], before: &[(String, Vec<u8>)]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}\n{}", stdout(out));
    for w in what {
        assert!(err.contains(w), "expected {w:?} in:\n{err}");
    }
    assert_eq!(snapshot(&site.join("data")), before, "a refused import writes nothing");
}

const TANZANIA_CSV: &str = "tanzania-hrh/Distribution of health workers densities.csv";
const TANZANIA_RECIPE: &str = "data/imports/tanzania-hrh.toml";

/// A site with the default site's catalogue, Tanzania, and its regions as the default site
/// has them before their data were imported (name and kind).
fn tanzania_site(name: &str) -> PathBuf {
    let tanzania = read(&repo_root().join("data/places/tanzania.toml"));
    let mut places = vec![("tanzania.toml".to_string(), tanzania)];
    for entry in fs::read_dir(repo_root().join("data/places/tanzania")).unwrap() {
        let path = entry.unwrap().path();
        let text = read(&path);
        let bare = text.split("\n\n").next().unwrap().to_string() + "\n";
        places.push((format!("tanzania/{}", path.file_name().unwrap().to_string_lossy()), bare));
    }
    let places: Vec<(&str, &str)> = places.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    catalogue_site(name, &places)
}

#[test]
fn tanzania_regions_come_through_the_shipped_recipe_without_the_zeros_of_regions_not_yet_created() {
    let site = tanzania_site("recipe-tanzania");
    let out = import(&site, &["--recipe", &shipped(TANZANIA_RECIPE), &input(TANZANIA_CSV)]);
    assert!(out.status.success(), "{}", stderr(&out));
    // 4 rows of the 13 are imported, 25 regions each, less the 2013 zeros of the 4 regions
    // created in 2012 (2 rows); the 9 other rows are measures the recipe skips.
    assert_eq!(
        stdout(&out).trim(),
        "Imported 1 file: 92 values added, 0 already present, 0 conflicts kept as they were; 0 places created, 25 changed; 0 rows of country groups skipped; 8 cells with no data skipped; 9 rows skipped as the recipe says; 13 rows read"
    );
    assert!(stderr(&out).contains("skipped 2 rows with the code \"TOTAL POPULATION\" (the recipe's skip list)"));

    let arusha = read(&site.join("data/places/tanzania/arusha.toml"));
    assert!(
        arusha.contains(
            "indicator = \"medical_officers_density\"\nsource = \"tnbs\"\n\n[series.values]\n2013 = 0.6\n2014 = 0.82\n"
        ),
        "{arusha}"
    );
    assert!(arusha.contains("indicator = \"nurses_midwives_without_officers_density\"\nsource = \"tnbs\"\n\n[series.values]\n2013 = 2.42\n2014 = 3.84\n"), "{arusha}");
    // The regions created in 2012 have 2014 only: their 2013 zeros are "not reported".
    for (region, doctors, nurses) in
        [("geita", "0.28", "1.53"), ("katavi", "0.41", "1.08"), ("njombe", "0.77", "7.42"), ("simiyu", "0.21", "1.35")]
    {
        let text = read(&site.join(format!("data/places/tanzania/{region}.toml")));
        assert!(!text.contains("2013"), "{text}");
        assert!(text.contains(&format!("[series.values]\n2014 = {doctors}\n")), "{text}");
        assert!(text.contains(&format!("[series.values]\n2014 = {nurses}\n")), "{text}");
    }
    // The default site's regions are exactly what the shipped recipe gives.
    for entry in fs::read_dir(repo_root().join("data/places/tanzania")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(read(&site.join("data/places/tanzania").join(&name)), read(&path), "{name}");
    }

    let first = snapshot(&site.join("data"));
    let out = import(&site, &["--recipe", &shipped(TANZANIA_RECIPE), &input(TANZANIA_CSV)]);
    assert!(stdout(&out).contains("0 values added, 92 already present"), "{}", stdout(&out));
    assert_eq!(snapshot(&site.join("data")), first);
}

#[test]
fn the_endes_workbook_imports_exactly_as_its_csv() {
    let (csv, workbook) = (peru_site("recipe-endes-csv", &[]), peru_site("recipe-endes-xlsx", &[]));
    let from_csv = import(&csv, &["--parent", "peru", &input("endes-workbook/Base_series.csv")]);
    assert!(from_csv.status.success(), "{}", stderr(&from_csv));
    let from_xlsx = import(&workbook, &["--parent", "peru", &input("endes-workbook/ENDES_REGIONES_2009_2025.xlsx")]);
    assert!(from_xlsx.status.success(), "{}", stderr(&from_xlsx));
    assert!(stdout(&from_xlsx).contains("25 places created"), "{}", stdout(&from_xlsx));
    assert!(stdout(&from_xlsx).ends_with("; 1326 rows read\n"), "{}", stdout(&from_xlsx));
    assert_eq!(stdout(&from_csv), stdout(&from_xlsx));
    assert_eq!(
        snapshot(&csv.join("data/places")),
        snapshot(&workbook.join("data/places")),
        "the same place files, byte for byte"
    );
    assert!(read(&workbook.join("data/places/peru/huanuco.toml")).contains("2011 = { value = 33, n = 350 }\n"));
}

#[test]
fn a_problem_in_a_sheet_of_a_known_layout_is_pointed_at_its_sheet_and_cell() {
    let site = peru_site("recipe-endes-bad-cell", &[]);
    let before = snapshot(&site.join("data"));
    let out = import(&site, &["--parent", "peru", &input("sheets/endes-bad.xlsx")]);
    refused(
        &site,
        &out,
        &["endes-bad.xlsx, sheet \"Base_series\", cell M2", "\"33,0\" has a decimal comma", "write 33.0"],
        &before,
    );
}

#[test]
fn a_workbook_without_a_known_layout_names_its_sheets() {
    let site = peru_site("recipe-unknown-workbook", &[]);
    let before = snapshot(&site.join("data"));
    let out = import(&site, &[&input("sheets/regions.xlsx")]);
    refused(
        &site,
        &out,
        &[
            "no sheet of this workbook starts with a layout salud knows (its sheets are \"Notes\", \"Data\")",
            "--recipe",
        ],
        &before,
    );
}

#[test]
fn spreadsheets_of_each_format_are_read_as_the_recipe_says() {
    let mut trees = Vec::new();
    for file in ["regions.xlsx", "regions.ods", "regions.xls"] {
        let site = peru_site(&format!("recipe-sheets-{file}"), DEPARTMENTS);
        let out = import(&site, &["--recipe", &input("sheets/recipe.toml"), &input(&format!("sheets/{file}"))]);
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        assert!(stdout(&out).starts_with("Imported 1 file: 3 values added"), "{file}: {}", stdout(&out));
        trees.push(snapshot(&site.join("data/places")));
        let value = |department: &str| {
            let text = read(&site.join(format!("data/places/peru/{department}.toml")));
            text.split("[series.values]\n").nth(1).unwrap_or_default().to_string()
        };
        // A number; numbers stored as text; a year cell formatted as a date, and (in .xlsx)
        // a value formatted as a percentage, taken as the 45 it shows.
        assert_eq!(value("huanuco"), "2011 = 53.3\n", "{file}");
        assert_eq!(value("junin"), "2012 = 48.5\n", "{file}");
        assert_eq!(value("apurimac"), "2014 = 45\n", "{file}");
    }
    assert!(trees.windows(2).all(|w| w[0] == w[1]), "the three formats give the same files");
}

#[test]
fn owid_downloads_are_read_and_country_groups_skipped_unless_asked() {
    let countries = [
        ("peru.toml", "name = \"Peru\"\niso3 = \"PER\"\nkind = \"country\"\n"),
        ("chile.toml", "name = \"Chile\"\niso3 = \"CHL\"\nkind = \"country\"\n"),
    ];
    let site = catalogue_site("recipe-owid", &countries);
    let args = ["--recipe", &shipped("data/imports/owid.toml"), &input("owid/child-mortality.csv")];
    let out = import(&site, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim(),
        "Imported 1 file: 6 values added, 0 already present, 0 conflicts kept as they were; 0 places created, 2 changed; 2 rows of country groups skipped; 6 rows read"
    );
    let chile = read(&site.join("data/places/chile.toml"));
    // Per 100 births, converted exactly to the site's per 1,000, and said so.
    assert!(chile.contains("indicator = \"under5_mortality\"\nsource = \"owid\"\nconverted_from = \"per 100 live births\"\nmultiplied_by = 10\n\n[series.values]\n2019 = 7.1\n2020 = 6.9\n"), "{chile}");
    assert!(
        chile.contains("indicator = \"maternal_mortality\"\nsource = \"owid\"\n\n[series.values]\n2020 = 22\n"),
        "{chile}"
    );

    // Asked for, country groups are matched by name (their codes are no ISO codes).
    let groups = [
        ("world.toml", "name = \"World\"\nkind = \"aggregate\"\n"),
        ("africa.toml", "name = \"Africa\"\nkind = \"aggregate\"\n"),
    ];
    let site = catalogue_site("recipe-owid-groups", &[countries.as_slice(), &groups].concat());
    let out = import(&site, &[args.as_slice(), &["--include-aggregates"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("9 values added"), "{}", stdout(&out));
    assert!(read(&site.join("data/places/world.toml")).contains("2020 = 37.1\n"));
    assert!(read(&site.join("data/places/africa.toml")).contains("2020 = 63.5\n"));
}

#[test]
fn a_latin1_file_is_decoded_and_its_accented_names_found() {
    let site = peru_site("recipe-latin1", DEPARTMENTS);
    let out = import(&site, &["--recipe", &input("latin1/recipe.toml"), &input("latin1/anemia.csv")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("3 values added") && stdout(&out).contains("1 cells with no data skipped"),
        "{}",
        stdout(&out)
    );
    // HUÁNUCO, Junín and Apurimac (without its accent) are the departments of those names.
    assert!(read(&site.join("data/places/peru/huanuco.toml")).contains("[series.values]\n2011 = 53.3\n"));
    assert!(read(&site.join("data/places/peru/junin.toml")).contains("[series.values]\n2012 = 48.5\n"));
    assert!(read(&site.join("data/places/peru/apurimac.toml")).contains("[series.values]\n2014 = 45\n"));

    // Read as UTF-8, the file is refused with the encoding to give.
    let site = peru_site("recipe-latin1-as-utf8", DEPARTMENTS);
    let before = snapshot(&site.join("data"));
    let recipe = scratch("recipe-latin1-as-utf8-recipe").join("recipe.toml");
    fs::write(&recipe, read(&fixture("import/latin1/recipe.toml")).replace("encoding = \"latin-1\"\n", "")).unwrap();
    let out = import(&site, &["--recipe", &recipe.to_string_lossy(), &input("latin1/anemia.csv")]);
    refused(&site, &out, &["anemia.csv:1:", "not UTF-8", "encoding = \"windows-1252\""], &before);
}

#[test]
fn a_recipe_naming_a_column_the_file_lacks_is_refused_at_its_line_with_the_columns_there_are() {
    let site = tanzania_site("recipe-missing-column");
    let before = snapshot(&site.join("data"));
    let recipe = scratch("recipe-missing-column-recipe").join("tanzania.toml");
    let text = read(&repo_root().join(TANZANIA_RECIPE));
    let line = text.lines().position(|l| l == "column = \"YEAR\"").unwrap() + 1;
    fs::write(&recipe, text.replace("column = \"YEAR\"", "column = \"YEARS\"")).unwrap();
    let out = import(&site, &["--recipe", &recipe.to_string_lossy(), &input(TANZANIA_CSV)]);
    let at = format!("{}:{line}:10", recipe.display());
    refused(
        &site,
        &out,
        &["has no column \"YEARS\"", &at, "did you mean \"YEAR\"?", "\"_id\", \"HEALTH WORKERS\", \"ARUSHA\""],
        &before,
    );
}

#[test]
fn an_unknown_recipe_key_is_refused_with_its_line_and_the_key_meant() {
    let site = tanzania_site("recipe-unknown-key");
    let before = snapshot(&site.join("data"));
    let recipe = scratch("recipe-unknown-key-recipe").join("tanzania.toml");
    fs::write(&recipe, read(&repo_root().join(TANZANIA_RECIPE)).replace("within = ", "whithin = ")).unwrap();
    let out = import(&site, &["--recipe", &recipe.to_string_lossy(), &input(TANZANIA_CSV)]);
    refused(
        &site,
        &out,
        &["unknown field `whithin`", "did you mean `within`?", &format!("{}:", recipe.display())],
        &before,
    );
}

#[test]
fn a_sheet_that_does_not_exist_is_refused_with_the_sheets_there_are() {
    let site = peru_site("recipe-no-sheet", DEPARTMENTS);
    let before = snapshot(&site.join("data"));
    let recipe = scratch("recipe-no-sheet-recipe").join("recipe.toml");
    fs::write(&recipe, read(&fixture("import/sheets/recipe.toml")).replace("sheet = \"Data\"", "sheet = \"Datos\""))
        .unwrap();
    let out = import(&site, &["--recipe", &recipe.to_string_lossy(), &input("sheets/regions.xlsx")]);
    refused(
        &site,
        &out,
        &[
            "regions.xlsx",
            "this workbook has no sheet called \"Datos\"",
            "did you mean \"Data\"?",
            "\"Notes\", \"Data\"",
        ],
        &before,
    );
}

#[test]
fn text_where_a_number_must_be_is_refused_with_its_file_sheet_and_cell() {
    let site = peru_site("recipe-bad-cell", DEPARTMENTS);
    let before = snapshot(&site.join("data"));
    let out = import(&site, &["--recipe", &input("sheets/recipe.toml"), &input("sheets/bad-cell.xlsx")]);
    refused(
        &site,
        &out,
        &[
            "\"not yet\" is not a number",
            "bad-cell.xlsx, sheet \"Data\", cell C4",
            // A year typed as a number, then formatted as a date.
            "bad-cell.xlsx, sheet \"Data\", cell B5",
            "the cell shows the date 1905-07-06, which is the number 2014 formatted as a date",
        ],
        &before,
    );
}

#[test]
fn a_place_that_matches_nothing_is_refused_once_with_a_did_you_mean() {
    let site = tanzania_site("recipe-no-place");
    let before = snapshot(&site.join("data"));
    let dir = scratch("recipe-no-place-input");
    let file = dir.join("densities.csv");
    fs::write(&file, read(&fixture("import").join(TANZANIA_CSV)).replace(",DAR ES SALAAM,", ",DAR ES SALAM,")).unwrap();
    let out = import(&site, &["--recipe", &shipped(TANZANIA_RECIPE), &file.to_string_lossy()]);
    refused(
        &site,
        &out,
        &["\"DAR ES SALAM\" matches no place inside tanzania", "did you mean \"Dar es Salaam\"?", "[place.aliases]"],
        &before,
    );
    assert_eq!(stderr(&out).matches("matches no place").count(), 1, "{}", stderr(&out));

    // A code the recipe neither maps nor skips is refused the same way.
    let text = read(&fixture("import").join(TANZANIA_CSV)).replace("TOTAL POPULATION", "TOTAL POPULATIONS");
    fs::write(&file, text).unwrap();
    let out = import(&site, &["--recipe", &shipped(TANZANIA_RECIPE), &file.to_string_lossy()]);
    refused(
        &site,
        &out,
        &["the recipe does not say what \"TOTAL POPULATIONS\" is", "did you mean \"TOTAL POPULATION\"?"],
        &before,
    );
}

#[test]
fn years_across_groups_and_country_codes_of_any_kind() {
    let site = peru_site("recipe-years-across", &[]);
    let dir = scratch("recipe-years-across-input");
    let file = dir.join("wide.csv");
    // Peru as three letters in lower case, two letters and its number.
    fs::write(&file, "Country code;Area;Indicator;2010;2011;2012\nper;Urban;STUNT;12.5;;11\nPE;Rural;STUNT;30;29.5;..\n604;Total;STUNT;19;18.5;18\n").unwrap();
    let recipe = dir.join("recipe.toml");
    fs::write(
        &recipe,
        "source = \"endes\"\n[read]\ndelimiter = \";\"\n[place]\ncolumn = \"Country code\"\n[year]\ncolumns = { from = \"2010\", to = \"2012\" }\n[indicator]\ncolumn = \"Indicator\"\n[codes]\nSTUNT = \"child_stunting\"\n[[groups]]\ncolumn = \"Area\"\ndimension = \"area\"\nvalues = { Urban = \"urban\", Rural = \"rural\", Total = \"total\" }\n",
    )
    .unwrap();
    let out = import(&site, &["--recipe", &recipe.to_string_lossy(), &file.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("7 values added") && stdout(&out).contains("1 cells with no data skipped"),
        "{}",
        stdout(&out)
    );
    let peru = read(&site.join("data/places/peru.toml"));
    for expected in [
        "indicator = \"child_stunting\"\nsource = \"endes\"\n\n[series.values]\n2010 = 19\n2011 = 18.5\n2012 = 18\n",
        "group = { area = \"urban\" }\n\n[series.values]\n2010 = 12.5\n2012 = 11\n",
        "group = { area = \"rural\" }\n\n[series.values]\n2010 = 30\n2011 = 29.5\n",
    ] {
        assert!(peru.contains(expected), "{expected}\nnot in\n{peru}");
    }

    // A group the recipe does not name is refused at its cell.
    let site = peru_site("recipe-years-across-bad-group", &[]);
    let before = snapshot(&site.join("data"));
    fs::write(&file, "Country code;Area;Indicator;2010;2011;2012\nPER;Peri-urban;STUNT;1;1;1\n").unwrap();
    let out = import(&site, &["--recipe", &recipe.to_string_lossy(), &file.to_string_lossy()]);
    let at = format!("{}:2:5", file.display());
    refused(&site, &out, &[&at, "\"Peri-urban\" is not one of the groups the recipe names"], &before);
}
