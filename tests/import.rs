//! `salud import` on extracts of the real World Bank, WHO and ENDES files.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

fn site(name: &str) -> PathBuf {
    let dir = scratch(name);
    copy_dir(&fixture("import/site"), &dir);
    dir
}

fn input(rel: &str) -> String {
    fixture("import").join(rel).to_string_lossy().into_owned()
}

const BULK: &str = "wb-bulk/API_SH.MED.PHYS.ZS_DS2_en_csv_v2_5359574.csv";
const LONG: &str = "datahub/sh.dyn.mort/data.csv";
const WHO: &str = "who/data/GHED_CHEGDP_SHA2011.csv";

fn import(site: &Path, files: &[&str], extra: &[&str]) -> std::process::Output {
    let root = site.to_string_lossy().into_owned();
    let mut args = vec!["import".to_string(), "--root".to_string(), root];
    args.extend(files.iter().map(|f| input(f)));
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    salud(&args)
}

#[test]
fn imports_the_four_layouts_and_keeps_what_was_there() {
    let site = site("import-all");
    let out = import(&site, &[BULK, LONG, WHO], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim(),
        "Imported 3 files: 62 values added, 0 already present, 0 conflicts kept as they were; 1 places created, 1 changed; 6 rows of country groups skipped"
    );
    let out = import(&site, &["endes.csv"], &["--parent", "peru"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let peru = read(&site.join("data/places/peru.toml"));
    // The hand-written comment and value are kept.
    assert!(peru.starts_with("# Peru, with a value typed in by hand from another source.\nname = \"Peru\""), "{peru}");
    assert!(
        peru.contains("indicator = \"under5_mortality\"\nsource = \"profile\"\n\n[series.values]\n2011 = 18\n"),
        "{peru}"
    );
    // WDI long layout, beside the profile's value, never merged with it.
    assert!(peru.contains("indicator = \"under5_mortality\"\nsource = \"wdi\"\n\n[series.values]\n2009 = 21.2\n2010 = 20.2\n2011 = 19.3\n"), "{peru}");
    // Per 1,000 converted exactly to per 10,000, and the conversion is stated.
    assert!(peru.contains("note = \"Converted from the source's per 1,000 people (multiplied by 10).\""));
    assert!(peru.contains("2009 = 9.472\n"), "{peru}");
    // WHO's NumericValue, under its own source.
    assert!(peru.contains("source = \"who-ghed\"\n\n[series.values]\n2010 = 4.71339\n2011 = 4.5338\n"), "{peru}");
    // ENDES national rows go to the parent, department rows to new regions inside it.
    assert!(
        peru.contains("indicator = \"child_stunting\"\nsource = \"endes\"\n\n[series.values]\n2011 = 19.5\n"),
        "{peru}"
    );
    let huanuco = read(&site.join("data/places/peru/huanuco.toml"));
    assert!(huanuco.starts_with("name = \"Huánuco\"\nkind = \"region\"\n"), "{huanuco}");
    assert!(huanuco.contains("2011 = 33\n"));

    // A new country gets its World Bank region; aggregates are left out.
    let chile = read(&site.join("data/places/chile.toml"));
    assert!(
        chile.starts_with(
            "name = \"Chile\"\niso3 = \"CHL\"\nkind = \"country\"\nregion = \"Latin America & Caribbean\"\n"
        ),
        "{chile}"
    );
    assert!(!site.join("data/places/world.toml").exists());

    // The result is a site that builds.
    let out = salud(&["build", "--root", &site.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(&site.join("public/peru/huanuco/index.html")).contains("33"));
}

#[test]
fn importing_twice_changes_nothing() {
    let site = site("import-twice");
    assert!(import(&site, &[BULK, LONG, WHO], &[]).status.success());
    let first = snapshot(&site.join("data"));
    let out = import(&site, &[BULK, LONG, WHO], &[]);
    assert!(stdout(&out).contains("0 values added, 62 already present, 0 conflicts"), "{}", stdout(&out));
    assert_eq!(snapshot(&site.join("data")), first);
}

#[test]
fn a_conflicting_value_is_reported_and_never_overwritten() {
    let site = site("import-conflict");
    assert!(import(&site, &[LONG], &[]).status.success());
    let changed = scratch("import-conflict-input").join("sh.dyn.mort");
    fs::create_dir_all(&changed).unwrap();
    fs::copy(fixture("import").join("datahub/sh.dyn.mort/datapackage.json"), changed.join("datapackage.json")).unwrap();
    let text = read(&fixture("import").join(LONG)).replace("Peru,PER,2011,19.3", "Peru,PER,2011,19.9");
    fs::write(changed.join("data.csv"), text).unwrap();

    let out = salud(&["import", "--root", &site.to_string_lossy(), &changed.join("data.csv").to_string_lossy()]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("0 values added, 5 already present, 1 conflicts kept as they were"),
        "{}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("conflict: data/places/peru.toml: under5_mortality 2011 from `wdi` is 19.3 there but 19.9 in "),
        "{err}"
    );
    assert!(read(&site.join("data/places/peru.toml")).contains("2011 = 19.3\n"));
}

#[test]
fn aggregates_only_when_asked() {
    let site = site("import-aggregates");
    let out = import(&site, &[LONG], &["--include-aggregates"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let world = read(&site.join("data/places/world.toml"));
    assert!(world.starts_with("name = \"World\"\nkind = \"aggregate\"\n"), "{world}");
}

#[test]
fn unknown_layouts_and_codes_are_errors_that_change_nothing() {
    let site = site("import-errors");
    let before = snapshot(&site.join("data"));
    let odd = site.join("odd.csv");
    fs::write(&odd, "a,b,c\n1,2,3\n").unwrap();
    let out = salud(&["import", "--root", &site.to_string_lossy(), &odd.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("salud does not recognise this file's layout (it starts with \"a,b,c\")"),
        "{}",
        stderr(&out)
    );

    let catalogue = site.join("data/indicators.toml");
    fs::write(&catalogue, read(&catalogue).replace("codes = [\"SH.DYN.MORT\"]", "")).unwrap();
    let before_catalogue_edit = before.into_iter().filter(|(p, _)| p != "indicators.toml").collect::<Vec<_>>();
    let out = import(&site, &[BULK, LONG], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no indicator of data/indicators.toml has the code \"SH.DYN.MORT\""),
        "{}",
        stderr(&out)
    );
    let after: Vec<_> = snapshot(&site.join("data")).into_iter().filter(|(p, _)| p != "indicators.toml").collect();
    assert_eq!(after, before_catalogue_edit, "a failed import writes nothing, not even the files before the bad one");

    let out = import(&site, &["endes.csv"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("say which place they are inside with --parent"), "{}", stderr(&out));
}
