//! Commands for authors: `salud new` starts a site, `salud check` lists what to fix.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

#[test]
fn a_new_site_builds_at_once() {
    let dir = scratch("new-site").join("my site");
    let out = salud(&["new", &dir.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Created a site with 13 files in "), "{}", stdout(&out));
    assert!(!dir.join("themes").exists(), "the theme comes from the binary");
    let out = salud(&["build", "--root", &dir.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let peru = read(&dir.join("public/peru/index.html"));
    assert!(peru.contains("12.9 per 1,000 live births (2024)"), "the sample narrative quotes its data");
    assert!(dir.join("public/peru/huanuco/index.html").is_file());
    assert!(dir.join("public/peru/salud-profile-peru.pdf").is_file());
    // What builds leave beside the site's own files (the output, its lock and spare, the
    // cache) is all in the .gitignore salud new wrote, so that none of it is committed.
    assert!(salud(&["build", "--root", &dir.to_string_lossy()]).status.success());
    let ignored = read(&dir.join(".gitignore"));
    let sources = ["config.toml", "README.md", "data", "content", ".gitignore", ".github", "netlify.toml"];
    for entry in fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let covered = ignored.lines().map(|l| l.trim_matches('/')).any(|pattern| match pattern.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => name == pattern,
        });
        assert!(sources.contains(&name.as_str()) || covered, "{name} is not in .gitignore:\n{ignored}");
    }
    assert!(dir.join(".public.salud-spare").is_dir());
}

#[test]
fn new_refuses_a_folder_that_is_not_empty() {
    let dir = scratch("new-not-empty");
    fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = salud(&["new", &dir.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("it already exists and is not empty"), "{}", stderr(&out));
    assert_eq!(read(&dir.join("notes.txt")), "mine");
}

/// A copy of the repository's own site with three planted problems.
fn planted_site() -> PathBuf {
    let dir = scratch("check-planted");
    for part in ["config.toml", "data/indicators.toml", "data/sources.toml"] {
        fs::create_dir_all(dir.join(part).parent().unwrap()).unwrap();
        fs::copy(repo_root().join(part), dir.join(part)).unwrap();
    }
    copy_dir(&repo_root().join("data/places"), &dir.join("data/places"));
    copy_dir(&repo_root().join("content"), &dir.join("content"));
    let bolivia = dir.join("data/places/bolivia.toml");
    let text = read(&bolivia)
        + "\n[[series]]\nindicator = \"health_workers_density\"\nsource = \"save-the-children\"\n\n[series.values]\n2009 = 0\n2010 = 12.5\n2011 = 125\n2012 = 13\n";
    fs::write(&bolivia, text).unwrap();
    let peru = dir.join("content/peru/_index.md");
    fs::write(&peru, read(&peru) + "\nSee also [Atlantis](../atlantis/index.html).\n").unwrap();
    dir
}

fn line_of(path: &Path, needle: &str) -> usize {
    read(path).lines().position(|l| l.contains(needle)).expect("planted line") + 1
}

#[test]
fn check_finds_each_planted_problem_with_file_and_line() {
    let site = planted_site();
    let out = salud(&["check", "--root", &site.to_string_lossy()]);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "warnings alone do not fail: {report}");
    let bolivia = site.join("data/places/bolivia.toml");
    let zero = line_of(&bolivia, "2009 = 0");
    let jump = line_of(&bolivia, "2011 = 125");
    let arrow = |line: usize| format!("{}-->", " ".repeat(line.to_string().len()));
    assert!(
        report.contains(&format!(
            "warning: Doctors, nurses and midwives of Bolivia is 0 in 2009\n{} data/places/bolivia.toml:{zero}:8",
            arrow(zero)
        )),
        "{report}"
    );
    assert!(report.contains(&format!("warning: Doctors, nurses and midwives of Bolivia jumps to 125 in 2011 (next to 12.5 in 2010 and 13 in 2012)\n{} data/places/bolivia.toml:{jump}:8", arrow(jump))), "{report}");
    assert!(
        !report.contains("Bolivia jumps to 12.5") && !report.contains("Bolivia jumps to 13 "),
        "only the spike is flagged, not its neighbours"
    );
    let link = line_of(&site.join("content/peru/_index.md"), "Atlantis");
    assert!(report.contains(&format!("warning: the link ../atlantis/index.html leads nowhere: there is no page atlantis/index.html\n{} content/peru/_index.md:{link}:21", arrow(link))), "{report}");
    assert!(report.lines().last().unwrap().starts_with("0 errors, "));

    let strict = salud(&["check", "--strict", "--root", &site.to_string_lossy()]);
    assert_eq!(strict.status.code(), Some(1));

    let json = salud(&["check", "--format", "json", "--root", &site.to_string_lossy()]);
    let json = stdout(&json);
    assert!(json.starts_with("{\n  \"errors\": 0,"), "{json}");
    assert!(json.contains("\"file\": \"data/places/bolivia.toml\""));
    assert!(json.contains(&format!("\"line\": {jump}")));
}

#[test]
fn check_reports_errors_and_fails_on_them() {
    let overlay = fixture("sites/invalid/several-problems");
    let site = site_with("check-errors", Some(&overlay));
    let out = salud(&["check", "--root", &site.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(report.contains("error: 140 is outside 0-100, but `health_expenditure_gdp` is a percentage"), "{report}");
    assert!(report.lines().last().unwrap().starts_with("3 errors, "), "{report}");
    assert!(!site.join("public").exists(), "check writes nothing");
}

#[test]
fn the_good_fixture_passes_check() {
    let site = site_with("check-good", None);
    let out = salud(&["check", "--root", &site.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains("error:"), "{}", stdout(&out));
    assert!(!site.join("public").exists());
}

/// Each of thousands of wrong shortcodes is reported at its own line (locating each from the
/// top of the file took time in the square of their number).
#[test]
fn check_locates_each_of_thousands_of_wrong_shortcodes() {
    let site = site_with("check-many-shortcodes", None);
    let lines = 20_000;
    let text = "Rate: {{ value(indicator=\"nosuch\") }}.\n".repeat(lines);
    fs::write(site.join("content/testland/north.md"), text).unwrap();
    let out = salud_in(&site, &["check", "--verbose"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stdout(&out) + &stderr(&out);
    assert_eq!(err.matches("error: `nosuch` is not an indicator of the catalogue").count(), lines);
    for line in [1, 2, 9_999, lines] {
        assert!(err.contains(&format!(" --> content/testland/north.md:{line}:7\n")), "line {line}");
    }
}
