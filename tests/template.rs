//! `salud template`: a workbook for field staff to type values into, which `salud import`
//! reads back, adding exactly what was typed.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use common::*;

/// The import fixture site with Peru's regions: Huánuco and Lima, and a programme site inside
/// Lima, which is not a row of the template.
fn site(name: &str) -> PathBuf {
    let dir = scratch(name);
    copy_dir(&fixture("import/site"), &dir);
    let peru = dir.join("data/places/peru");
    fs::create_dir_all(peru.join("lima")).unwrap();
    fs::write(peru.join("huanuco.toml"), "name = \"Huánuco\"\nkind = \"region\"\n").unwrap();
    fs::write(peru.join("lima.toml"), "name = \"Lima\"\nkind = \"region\"\n").unwrap();
    fs::write(peru.join("lima/centre.toml"), "name = \"SOS centre\"\nkind = \"site\"\n").unwrap();
    dir
}

fn template(site: &Path, file: &Path, extra: &[&str]) -> std::process::Output {
    let (root, file) = (site.to_string_lossy(), file.to_string_lossy());
    let mut args = vec!["template", "--root", &root, "--place", "peru"];
    args.extend(extra);
    args.push(&file);
    salud(&args)
}

/// Every sheet of a workbook, hidden ones too, as rows of cells.
fn sheets(file: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book = calamine::open_workbook_auto(file).unwrap();
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range.rows().map(<[Data]>::to_vec).collect();
            (name, rows)
        })
        .collect()
}

/// The template as field staff return it: the same cells, with `typed` (sheet, place id, year,
/// what was typed) filled in, written as a new workbook (no library edits an .xlsx in place).
fn filled(template: &Path, typed: &[(&str, &str, i32, Data)], out: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, mut rows) in sheets(template) {
        let header = rows.iter().position(|r| r.get(1) == Some(&Data::String("Place id".into())));
        for (sheet, place, year, value) in typed.iter().filter(|t| t.0 == name) {
            let header = header.expect("a sheet with values has a header row");
            let col = rows[header].iter().position(|c| c == &Data::Float(f64::from(*year))).expect("year column");
            let row = rows.iter().position(|r| r.get(1) == Some(&Data::String(place.to_string()))).expect(sheet);
            let width = rows[row].len().max(col + 1);
            rows[row].resize(width, Data::Empty);
            rows[row][col] = value.clone();
        }
        let sheet = book.add_worksheet();
        sheet.set_name(&name).unwrap();
        for (r, cells) in rows.iter().enumerate() {
            for (c, cell) in cells.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Data::String(s) => {
                        sheet.write_string(r, c, s).unwrap();
                    }
                    Data::Float(f) => {
                        sheet.write_number(r, c, *f).unwrap();
                    }
                    _ => {}
                }
            }
        }
    }
    book.save(out).unwrap();
}

#[test]
fn a_filled_in_template_adds_exactly_what_was_typed() {
    let site = site("template-round-trip");
    let dir = scratch("template-round-trip-files");
    let file = dir.join("peru.xlsx");
    let indicators = ["--indicators", "under5_mortality,child_stunting", "--years", "2009-2012", "--source", "profile"];
    let out = template(&site, &file, &indicators);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.starts_with(&format!(
            "Wrote {}: 2 sheets (under5_mortality, child_stunting) for Peru and its 2 regions, years 2009-2012",
            file.display()
        )),
        "{said}"
    );

    // One sheet per indicator with its name, unit, definition and source above the table;
    // the place and its regions as rows (name, then id), years as columns.
    let book = sheets(&file);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["under5_mortality", "child_stunting", "salud"]);
    let u5 = &book[0].1;
    let text = |r: usize, c: usize| u5[r].get(c).map(|d| d.to_string()).unwrap_or_default();
    assert_eq!(text(0, 0), "Under-five mortality rate");
    assert_eq!((text(1, 0), text(1, 1)), ("Indicator".into(), "under5_mortality".into()));
    assert_eq!((text(2, 0), text(2, 1)), ("Unit".into(), "per 1,000 live births".into()));
    assert_eq!((text(3, 0), text(3, 1)), ("Definition".into(), "Deaths before age five per 1,000 live births.".into()));
    assert_eq!(
        (text(4, 0), text(4, 1), text(4, 2)),
        ("Source".into(), "profile".into(), "Country profile 2011".into())
    );
    let header = u5.iter().position(|r| text_of(r, 1) == "Place id").unwrap();
    assert_eq!(
        u5[header].iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["Place", "Place id", "2009", "2010", "2011", "2012"]
    );
    let rows: Vec<(String, String)> = u5[header + 1..].iter().map(|r| (text_of(r, 0), text_of(r, 1))).collect();
    assert_eq!(
        rows,
        [
            ("Peru".into(), "peru".into()),
            ("Huánuco".into(), "peru/huanuco".into()),
            ("Lima".into(), "peru/lima".into())
        ]
    );
    // The value already in the data is filled in.
    assert_eq!(u5[header + 1][4], Data::Float(18.0));
    // Number-only validation on the value cells: 0 to 100 for a percentage.
    let xml = |n: usize| {
        let out = std::process::Command::new("unzip")
            .args(["-p", &file.to_string_lossy(), &format!("xl/worksheets/sheet{n}.xml")])
            .output()
            .expect("unzip runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let validation = xml(1);
    assert!(validation.contains("<dataValidation type=\"decimal\" operator=\"greaterThanOrEqual\""), "{validation}");
    assert!(validation.contains("sqref=\"C9:F11\""), "{validation}");
    assert!(xml(2).contains("<dataValidation type=\"decimal\" allowBlank=\"1\""), "{}", xml(2));
    assert!(xml(2).contains("<formula1>0</formula1><formula2>100</formula2>"), "{}", xml(2));

    // Filled in: three values typed, Peru's 18 left as it was.
    let returned = dir.join("peru-filled.xlsx");
    let typed = [
        ("under5_mortality", "peru/huanuco", 2010, Data::Float(25.5)),
        ("under5_mortality", "peru/lima", 2012, Data::Float(12.0)),
        ("child_stunting", "peru", 2009, Data::Float(23.8)),
        // Typed as text, as a cell formatted as text keeps it.
        ("child_stunting", "peru/huanuco", 2011, Data::String("33".into())),
    ];
    filled(&file, &typed, &returned);
    let before = snapshot(&site.join("data"));
    let out = salud(&["import", "--root", &site.to_string_lossy(), &returned.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("Imported 1 file: 4 values added, 1 already present, 0 conflicts kept as they were; 0 places created, 3 changed"),
        "{}",
        stdout(&out)
    );
    let after = snapshot(&site.join("data"));
    let changed: Vec<&str> = after.iter().filter(|f| !before.contains(f)).map(|(name, _)| name.as_str()).collect();
    assert_eq!(changed, ["places/peru.toml", "places/peru/huanuco.toml", "places/peru/lima.toml"]);
    // Each file gained exactly the values typed, after what it held.
    let grew = |rel: &str, added: &str| {
        let old = &before.iter().find(|(n, _)| n == rel).unwrap().1;
        let new = read(&site.join("data").join(rel));
        assert_eq!(new, format!("{}{added}", String::from_utf8_lossy(old)), "{rel}");
    };
    grew(
        "places/peru.toml",
        "\n[[series]]\nindicator = \"child_stunting\"\nsource = \"profile\"\n\n[series.values]\n2009 = 23.8\n",
    );
    grew(
        "places/peru/huanuco.toml",
        "\n[[series]]\nindicator = \"under5_mortality\"\nsource = \"profile\"\n\n[series.values]\n2010 = 25.5\n\n[[series]]\nindicator = \"child_stunting\"\nsource = \"profile\"\n\n[series.values]\n2011 = 33\n",
    );
    grew(
        "places/peru/lima.toml",
        "\n[[series]]\nindicator = \"under5_mortality\"\nsource = \"profile\"\n\n[series.values]\n2012 = 12\n",
    );

    // Returned twice, it adds nothing.
    let out = salud(&["import", "--root", &site.to_string_lossy(), &returned.to_string_lossy()]);
    assert!(stdout(&out).contains("0 values added, 5 already present, 0 conflicts"), "{}", stdout(&out));
}

fn text_of(row: &[Data], col: usize) -> String {
    row.get(col).map(|d| d.to_string()).unwrap_or_default()
}

#[test]
fn a_bad_cell_is_refused_with_its_sheet_and_cell_and_nothing_is_written() {
    let site = site("template-bad-cell");
    let dir = scratch("template-bad-cell-files");
    let file = dir.join("peru.xlsx");
    let out = template(&site, &file, &["--indicators", "child_stunting", "--years", "2020-2021", "--source", "endes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let returned = dir.join("returned.xlsx");
    let typed = [
        ("child_stunting", "peru", 2020, Data::Float(12.1)),
        ("child_stunting", "peru/lima", 2021, Data::String("8,5".into())),
    ];
    filled(&file, &typed, &returned);
    let before = snapshot(&site.join("data"));
    let out = salud(&["import", "--root", &site.to_string_lossy(), &returned.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}, sheet \"child_stunting\", cell D11", returned.display())), "{err}");
    assert!(err.contains("\"8,5\" has a decimal comma") && err.contains("write 8.5"), "{err}");
    assert_eq!(snapshot(&site.join("data")), before, "a refused import writes nothing");

    // A workbook that is not a template points to recipes.
    let other = dir.join("other.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "anything").unwrap();
    book.save(&other).unwrap();
    let out = salud(&["import", "--root", &site.to_string_lossy(), &other.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&other.display().to_string()) && err.contains("--recipe"), "{err}");
}

#[test]
fn the_template_command_says_what_is_wrong_and_never_overwrites() {
    let site = site("template-errors");
    let dir = scratch("template-errors-files");
    let file = dir.join("t.xlsx");
    // Without --source, the source of the values already there.
    let out = template(&site, &file, &["--indicators", "under5_mortality"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sheets(&file)[0].1[4][1], Data::String("profile".into()));
    fs::remove_file(&file).unwrap();
    let out = template(&site, &file, &["--indicators", "child_stuntin"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("no indicator `child_stuntin` in data/indicators.toml")
            && err.contains("did you mean `child_stunting`?"),
        "{err}"
    );
    // No value yet tells which source the typed values come from.
    let out = template(&site, &file, &["--indicators", "child_stunting"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("say which source the typed values come from with --source"), "{}", stderr(&out));
    let out = template(&site, &file, &["--indicators", "child_stunting", "--source", "endes", "--years", "2025-2015"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--years 2025-2015"), "{}", stderr(&out));
    assert!(!file.exists());
    fs::write(&file, "typed by hand").unwrap();
    let out = template(&site, &file, &["--indicators", "child_stunting", "--source", "endes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(read(&file), "typed by hand");
}
