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
        "Imported 3 files: 62 values added, 0 already present, 0 conflicts kept as they were; 1 places created, 1 changed; 6 rows of country groups skipped; 18 rows read"
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
    // Per 1,000 converted exactly to per 10,000, and the conversion recorded as facts (which
    // pages word in each language), not as English text.
    assert!(peru.contains("source = \"wdi\"\nconverted_from = \"per 1,000 people\"\nmultiplied_by = 10\n"), "{peru}");
    assert!(!peru.contains("note ="), "{peru}");
    assert!(peru.contains("2009 = 9.472\n"), "{peru}");
    // WHO's NumericValue, under its own source.
    assert!(peru.contains("source = \"who-ghed\"\n\n[series.values]\n2010 = 4.71339\n2011 = 4.5338\n"), "{peru}");
    // ENDES national rows go to the parent, department rows to new regions inside it.
    assert!(
        peru.contains(
            "indicator = \"child_stunting\"\nsource = \"endes\"\n\n[series.values]\n2011 = { value = 19.5, n = 9184 }\n"
        ),
        "{peru}"
    );
    let huanuco = read(&site.join("data/places/peru/huanuco.toml"));
    assert!(huanuco.starts_with("name = \"Huánuco\"\nkind = \"region\"\n"), "{huanuco}");
    assert!(huanuco.contains("2011 = { value = 33, n = 350 }\n"));

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

/// The series `indicator` from `endes` with `group` (a line such as `group = { area = "rural" }`,
/// or "" for the total) and the first value of its values, as salud import writes them.
fn endes_series(indicator: &str, group: &str, first_value: &str) -> String {
    format!("indicator = \"{indicator}\"\nsource = \"endes\"\n{group}\n[series.values]\n{first_value}\n")
}

#[test]
fn endes_brings_the_urban_and_rural_rows_with_their_sample_sizes() {
    let site = site("import-endes-groups");
    let out = import(&site, &["endes.csv"], &["--parent", "peru"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Imported 1 file: 18 values added, 0 already present"), "{}", stdout(&out));
    let huanuco = read(&site.join("data/places/peru/huanuco.toml"));
    let urban = "group = { area = \"urban\" }\n";
    let rural = "group = { area = \"rural\" }\n";
    // Each value with the children it was measured on: n_dci for stunting and severe
    // stunting, n_anemia_comparable for anaemia (the n_ column before each measure).
    for expected in [
        endes_series("child_stunting", "", "2011 = { value = 33, n = 350 }"),
        endes_series("child_stunting", urban, "2011 = { value = 8, n = 81 }"),
        endes_series("child_stunting", rural, "2011 = { value = 42.4, n = 269 }"),
        endes_series("child_severe_stunting", rural, "2011 = { value = 14.1, n = 269 }"),
        endes_series("child_anaemia", rural, "2011 = { value = 59.2, n = 118 }"),
    ] {
        assert!(huanuco.contains(&expected), "{expected}\nnot in\n{huanuco}");
    }
    // A series' groups follow its total.
    let at = |s: &str| huanuco.find(s).unwrap();
    assert!(
        at("2011 = { value = 33,") < at("2011 = { value = 8,")
            && at("2011 = { value = 8,") < at("2011 = { value = 42.4,")
    );
    let peru = read(&site.join("data/places/peru.toml"));
    assert!(peru.contains(&endes_series("child_stunting", rural, "2011 = { value = 37, n = 4170 }")), "{peru}");

    // The site builds; the pages show the totals (the groups' charts come later).
    let out = salud(&["build", "--root", &site.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Once imported, the same file adds nothing.
    let first = snapshot(&site.join("data"));
    let out = import(&site, &["endes.csv"], &["--parent", "peru"]);
    assert!(stdout(&out).contains("0 values added, 18 already present, 0 conflicts"), "{}", stdout(&out));
    assert_eq!(snapshot(&site.join("data")), first);
}

#[test]
fn sample_sizes_are_added_to_values_already_there_which_never_change() {
    let site = site("import-endes-sizes");
    let before = "name = \"Peru\"\niso3 = \"PER\"\n\n[[series]]\nindicator = \"child_stunting\"\nsource = \"endes\"\n\n[series.values]\n\
        2011 = 19.5\n\n[[series]]\nindicator = \"child_severe_stunting\"\nsource = \"endes\"\n\n[series.values]\n\
        2011 = { value = 4.4, note = \"Typed in.\" }\n\n[[series]]\nindicator = \"child_anaemia\"\nsource = \"endes\"\n\n[series.values]\n\
        2011 = { value = 41.6, n = 4000 }\n";
    fs::write(site.join("data/places/peru.toml"), before).unwrap();
    let out = import(&site, &["endes.csv"], &["--parent", "peru"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stdout(&out);
    assert!(summary.contains("15 values added, 3 already present, 1 conflicts"), "{summary}");
    assert!(summary.contains("2 sample sizes added to values already present"), "{summary}");
    assert!(
        stderr(&out).contains("conflict: data/places/peru.toml: child_anaemia 2011 from `endes` was measured on n = 4000 there but n = 4481 in "),
        "{}",
        stderr(&out)
    );
    let peru = read(&site.join("data/places/peru.toml"));
    assert!(peru.contains("2011 = { value = 19.5, n = 9184 }\n"), "{peru}");
    assert!(peru.contains("2011 = { value = 4.4, note = \"Typed in.\", n = 9184 }\n"), "{peru}");
    assert!(peru.contains("2011 = { value = 41.6, n = 4000 }\n"), "{peru}");
    // Every line that was there is there, but for the values given their n.
    let after: Vec<&str> = peru.lines().collect();
    for line in before.lines().filter(|l| !l.starts_with("2011 = ")) {
        assert!(after.contains(&line), "{line} was removed:\n{peru}");
    }
    assert!(peru.starts_with(before.split("\n[[series]]").next().unwrap()), "{peru}");
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

/// A World Bank long file (with the fixture's datapackage.json beside it) holding `rows`
/// after the header; returns its path.
fn long_file(name: &str, rows: &str) -> PathBuf {
    let dir = scratch(name).join("sh.dyn.mort");
    fs::create_dir_all(&dir).unwrap();
    fs::copy(fixture("import").join("datahub/sh.dyn.mort/datapackage.json"), dir.join("datapackage.json")).unwrap();
    fs::write(dir.join("data.csv"), format!("Country Name,Country Code,Year,Value\n{rows}")).unwrap();
    dir.join("data.csv")
}

fn import_path(site: &Path, file: &Path, extra: &[&str]) -> std::process::Output {
    let (root, file) = (site.to_string_lossy(), file.to_string_lossy());
    let mut args = vec!["import", "--root", &root, &file];
    args.extend(extra);
    salud(&args)
}

/// Asserts the import failed with exit 1, said each of `what`, and left data/ as it was.
fn refused(site: &Path, out: &std::process::Output, what: &[&str], before: &[(String, Vec<u8>)]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}\n{}", stdout(out));
    for w in what {
        assert!(err.contains(w), "expected {w:?} in:\n{err}");
    }
    assert_eq!(snapshot(&site.join("data")), before, "a refused import writes nothing");
}

#[test]
fn a_file_cut_off_inside_a_quoted_cell_is_refused_with_its_line() {
    let site = site("import-cut-quoted");
    let before = snapshot(&site.join("data"));
    let dir = scratch("import-cut-quoted-input");
    copy_dir(&fixture("import/wb-bulk"), &dir);
    let file = dir.join(Path::new(BULK).file_name().unwrap());
    let text = read(&file);
    // The download stopped inside Peru's 2019 value ("1.3694"), as an interrupted transfer leaves it.
    let peru = text.find("\"Peru\"").unwrap();
    let cut = peru + text[peru..].find("\"1.3694\"").unwrap() + 2;
    fs::write(&file, &text[..cut]).unwrap();
    let out = import_path(&site, &file, &[]);
    let shown = format!("{}:7:", file.display());
    refused(&site, &out, &["the file ends inside a quoted cell", &shown, "download it again"], &before);

    // Cut between two cells instead: the row is shorter than the header.
    let cut = peru + text[peru..].find("\"1.3694\",").unwrap() + "\"1.3694\",".len();
    fs::write(&file, &text[..cut]).unwrap();
    let out = import_path(&site, &file, &[]);
    refused(&site, &out, &["the row has only 64 cells, but the header has 67", &shown], &before);

    // A long file's last row cut before its value.
    let file = long_file("import-cut-long", "Chile,CHL,2009,8.8\nPeru,PER,2009");
    let out = import_path(&site, &file, &[]);
    let shown = format!("{}:3:", file.display());
    refused(&site, &out, &["the row has only 3 cells, but the header has 4", &shown], &before);
}

#[test]
fn numbers_with_an_exponent_are_imported() {
    let site = site("import-exponent");
    let file = long_file("import-exponent-input", "Chile,CHL,2009,1e1\nChile,CHL,2010,8.7E0\nChile,CHL,2011,8.6e-0\n");
    let out = import_path(&site, &file, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("3 values added"), "{}", stdout(&out));
    let chile = read(&site.join("data/places/chile.toml"));
    assert!(chile.contains("[series.values]\n2009 = 10\n2010 = 8.7\n2011 = 8.6\n"), "{chile}");
}

#[test]
fn a_number_with_a_thousands_comma_or_not_a_number_is_refused_with_its_line_and_cell() {
    let site = site("import-thousands");
    let before = snapshot(&site.join("data"));
    let file = long_file("import-thousands-input", "Chile,CHL,2009,8.8\nChile,CHL,2010,\"1,234.5\"\n");
    let out = import_path(&site, &file, &["-v"]);
    let shown = format!("{}:3:", file.display());
    refused(&site, &out, &[&shown, "\"1,234.5\"", "write 1234.5, without the thousands comma"], &before);

    let file = long_file("import-decimal-comma-input", "Chile,CHL,2009,\"8,8\"\n");
    let out = import_path(&site, &file, &[]);
    refused(&site, &out, &["\"8,8\"", "write 8.8, with a point"], &before);

    let file = long_file("import-nan-input", "Chile,CHL,2009,8.8\nChile,CHL,2010,12%\n");
    let out = import_path(&site, &file, &[]);
    let shown = format!("{}:3:", file.display());
    refused(&site, &out, &[&shown, "\"12%\" is not a number"], &before);
}

#[test]
fn cells_with_no_data_are_counted_and_a_place_without_values_is_not_created() {
    let site = site("import-no-data");
    let rows = "Chile,CHL,2009,n/a\nChile,CHL,2010,..\nChile,CHL,2011,\nPeru,PER,2009,21.2\nPeru,PER,2010,N/A\n";
    let file = long_file("import-no-data-input", rows);
    let out = import_path(&site, &file, &["-v"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stdout(&out);
    assert!(summary.contains("1 values added"), "{summary}");
    assert!(summary.contains("4 cells with no data skipped"), "{summary}");
    assert!(summary.contains("1 place with no values not created"), "{summary}");
    assert!(stderr(&out).contains("Chile (CHL) has no values"), "{}", stderr(&out));
    assert!(!site.join("data/places/chile.toml").exists());
    assert!(read(&site.join("data/places/peru.toml")).contains("2009 = 21.2\n"));
}

#[test]
fn codes_and_names_from_a_file_never_become_paths() {
    let site = site("import-paths");
    let before = snapshot(&site.join("data"));
    let file = long_file("import-paths-iso3", "Chile,CHL,2009,8.8\nX,../../x,2009,5\n");
    let out = import_path(&site, &file, &[]);
    let shown = format!("{}:3:", file.display());
    refused(&site, &out, &[&shown, "\"../../x\" is not a country code", "three capital letters"], &before);

    let file = long_file("import-paths-name", "../..,XXY,2009,5\n");
    let out = import_path(&site, &file, &[]);
    let shown = format!("{}:2:", file.display());
    refused(&site, &out, &[&shown, "no letters or digits"], &before);

    for parent in ["../..", "peru/../../x", "peru\\x", "/tmp/x", ""] {
        let out = import(&site, &["endes.csv"], &["--parent", parent]);
        refused(&site, &out, &["--parent", "e.g. --parent peru"], &before);
    }
}

#[test]
fn a_failed_write_leaves_no_temporary_file() {
    let site = site("import-write-fails");
    let before = snapshot(&site.join("data"));
    // A folder where the new place's file goes: its temporary file can be written, but not
    // renamed over the folder, even as root.
    fs::create_dir_all(site.join("data/places/chile.toml")).unwrap();
    let out = import(&site, &[LONG], &[]);
    refused(&site, &out, &["data/places/chile.toml", "nothing was changed"], &before);
    let leftovers: Vec<_> = walkdir::WalkDir::new(site.join("data"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".salud-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn check_warns_about_a_leftover_temporary_file() {
    let site = site_with("import-check-leftover", None);
    fs::write(site.join("data/places/chile.toml.salud-tmp"), "").unwrap();
    let out = salud(&["check", "--root", &site.to_string_lossy()]);
    let report = stdout(&out);
    assert!(report.contains("warning: "), "{report}");
    assert!(report.contains("data/places/chile.toml.salud-tmp"), "{report}");
    assert!(report.contains("delete it"), "{report}");
}

/// The largest amount of memory the process ever held, in KB (Linux's ru_maxrss).
#[cfg(target_os = "linux")]
fn peak_kb(mut command: std::process::Command) -> (i64, std::process::ExitStatus) {
    use std::os::unix::process::ExitStatusExt;
    let child = command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    let mut status = 0;
    // SAFETY: rusage is plain integers, for which all zeros is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // The standard library's wait does not give the child's resources: the handle is
    // dropped without waiting (which does not kill the child) and the child waited for here.
    let pid = child.id() as libc::pid_t;
    drop(child);
    // SAFETY: our own child, not yet waited for, so its id is still its own.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    (usage.ru_maxrss, std::process::ExitStatus::from_raw(status))
}

#[cfg(target_os = "linux")]
#[test]
fn import_streams_a_large_file() {
    let site = site("import-large");
    let dir = scratch("import-large-input");
    copy_dir(&fixture("import/wb-bulk"), &dir);
    let file = dir.join(Path::new(BULK).file_name().unwrap());
    let small = read(&file);
    // About 24 MB: the world's rows (skipped) and the same Chilean values over and over.
    let (world, chile) = (small.lines().nth(7).unwrap(), small.lines().nth(5).unwrap());
    let world = world.replacen(",\"\"", ",\"1.5\"", 20);
    let mut text = small.lines().take(5).collect::<Vec<_>>().join("\n");
    text.push('\n');
    while text.len() < 24_000_000 {
        text.push_str(&format!("{world},\"\",\"\",\"\"\n{chile}\n"));
    }
    fs::write(&file, &text).unwrap();
    let run = |file: &Path| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_salud"));
        command.args(["import", "--root", &site.to_string_lossy(), &file.to_string_lossy()]);
        peak_kb(command)
    };
    let tiny = dir.join("API_TINY.csv");
    fs::write(&tiny, small.lines().take(6).collect::<Vec<_>>().join("\n")).unwrap();
    let (base, status) = run(&tiny);
    assert!(status.success());
    let (peak, status) = run(&file);
    assert!(status.success());
    // The input is read row by row: its size adds little beyond what a tiny file takes.
    let file_kb = text.len() as i64 / 1024;
    assert!(peak - base < file_kb / 4, "peak {peak} KB, {base} KB for a tiny file, for a file of {file_kb} KB");
}
