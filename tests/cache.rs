//! The build cache's keys are complete: for each kind of input a build depends on, a change
//! makes a warm build write exactly what a build from an empty cache writes, and the cache
//! makes again exactly the PNGs and PDFs whose bytes changed, reusing every other one. The
//! same holds for the record of units a build skips (a place whose inputs did not change),
//! both when the build links them from the output it replaces and when it makes over the
//! spare output beside it.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// What one build left: the output's files and the cache's entries of each store.
struct Built {
    files: BTreeMap<String, Vec<u8>>,
    entries: BTreeMap<&'static str, BTreeSet<PathBuf>>,
}

fn build(program: &Path, site: &Path, args: &[&str]) -> Built {
    let out = Command::new(program).current_dir(site).arg("build").args(args).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let output = args.iter().position(|a| *a == "--output").map_or("public", |i| args[i + 1]);
    let entries = ["charts", "profiles"]
        .into_iter()
        .map(|store| (store, cache_entries(site, store).into_iter().collect()))
        .collect();
    Built { files: snapshot(&site.join(output)).into_iter().collect(), entries }
}

/// One kind of input and how it is changed.
struct Change {
    name: &'static str,
    /// What the site is given before its first build, if anything.
    setup: Option<fn(&Path)>,
    edit: fn(&Path),
    /// Files that must change.
    changes: &'static [&'static str],
    /// Files that must stay as they were.
    keeps: &'static [&'static str],
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "{} holds no {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

const TESTLAND_PDF: &str = "testland/salud-profile-testland.pdf";
const OTHERLAND_PDF: &str = "otherland/salud-profile-otherland.pdf";

const CHANGES: &[Change] = &[
    Change {
        setup: None,
        name: "a value",
        edit: |site| replace_in(&site.join("data/places/testland.toml"), "2023 = 17", "2023 = 16"),
        changes: &["testland/index.html", TESTLAND_PDF, "testland/charts/mortality-per-1-000-live-births.png"],
        keeps: &[OTHERLAND_PDF, "otherland/index.html", "about/index.html"],
    },
    Change {
        setup: None,
        name: "a narrative",
        edit: |site| {
            let story = site.join("content/testland/_index.md");
            fs::write(&story, read(&story) + "\nOne more sentence about Testland.\n").unwrap();
        },
        changes: &["testland/index.html"],
        keeps: &[TESTLAND_PDF, "otherland/index.html", "about/index.html", "salud-data-all.json"],
    },
    Change {
        setup: None,
        name: "a catalogue name",
        edit: |site| {
            replace_in(&site.join("data/indicators.toml"), "Under-five mortality rate", "Under-5 mortality rate")
        },
        changes: &["testland/index.html", TESTLAND_PDF],
        keeps: &["about/index.html"],
    },
    Change {
        setup: None,
        name: "a source's licence",
        edit: |site| {
            replace_in(
                &site.join("data/sources.toml"),
                "licence = \"CC BY 4.0\"",
                "licence = \"CC BY 4.0 (World Bank)\"",
            )
        },
        changes: &["testland/index.html", TESTLAND_PDF],
        keeps: &[],
    },
    Change {
        setup: None,
        name: "a template",
        edit: |site| {
            let theme = site.join("themes/default");
            fs::create_dir_all(&theme).unwrap();
            let profile = read(&repo_root().join("themes/default/profile.typ"));
            let pages = "display(\"1 / 1\", both: true)";
            assert!(profile.contains(pages));
            fs::write(theme.join("profile.typ"), profile.replacen(pages, "display(\"1 of 1\", both: true)", 1))
                .unwrap();
            let place = read(&repo_root().join("themes/default/templates/place.html"));
            fs::create_dir_all(site.join("templates")).unwrap();
            let end = "{% endblock main %}";
            assert!(place.contains(end));
            fs::write(site.join("templates/place.html"), place.replacen(end, &format!("<p>Edited.</p>{end}"), 1))
                .unwrap();
        },
        changes: &["testland/index.html", "otherland/index.html", TESTLAND_PDF, OTHERLAND_PDF],
        keeps: &["about/index.html"],
    },
    Change {
        setup: None,
        name: "a font",
        edit: |site| {
            let fonts = site.join("themes/default/fonts");
            fs::create_dir_all(&fonts).unwrap();
            // The bold face in place of the regular one: every image and PDF is drawn anew.
            fs::copy(repo_root().join("themes/default/fonts/DejaVuSans-Bold.ttf"), fonts.join("DejaVuSans.ttf"))
                .unwrap();
        },
        // Pages change only where they give a PNG's size.
        changes: &[TESTLAND_PDF, OTHERLAND_PDF, "testland/charts/mortality-per-1-000-live-births.png"],
        keeps: &["about/index.html", "testland/charts/mortality-per-1-000-live-births.svg"],
    },
    Change {
        setup: None,
        name: "a config key",
        edit: |site| replace_in(&site.join("config.toml"), "publisher = \"Test NGO\"", "publisher = \"Another NGO\""),
        changes: &["testland/index.html", "about/index.html", TESTLAND_PDF],
        keeps: &[],
    },
    Change {
        setup: None,
        name: "a region's value",
        edit: |site| replace_in(&site.join("data/places/testland/south.toml"), "2023 = 12.2", "2023 = 12.4"),
        // The country's page compares its regions, and each region's shows where it stands
        // among them.
        changes: &[
            "testland/south/index.html",
            "testland/index.html",
            "testland/north/index.html",
            "salud-data-all.csv",
        ],
        keeps: &["otherland/index.html", OTHERLAND_PDF, "testland/north/centre/index.html"],
    },
    Change {
        setup: Some(|site| {
            fs::write(
                site.join("content/otherland.md"),
                "Testland's under-five mortality: {{ value(indicator=\"under5_mortality\", place=\"testland\") }}.\n",
            )
            .unwrap()
        }),
        name: "a value another narrative quotes",
        edit: |site| replace_in(&site.join("data/places/testland.toml"), "2023 = 17", "2023 = 16"),
        changes: &["testland/index.html", "otherland/index.html"],
        keeps: &["testland/north/index.html"],
    },
];

/// The site's own files (not its output, cache or spare), to put back after an edit.
fn read_tree(site: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for top in ["config.toml", "content", "data", "themes", "templates"] {
        for entry in walkdir::WalkDir::new(site.join(top)).into_iter().flatten().filter(|e| e.file_type().is_file()) {
            files.insert(entry.path().to_path_buf(), fs::read(entry.path()).unwrap());
        }
    }
    files
}

fn write_tree(site: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) {
    let now = read_tree(site);
    for path in now.keys().filter(|p| !files.contains_key(*p)) {
        fs::remove_file(path).unwrap();
    }
    for (path, bytes) in files {
        fs::write(path, bytes).unwrap();
    }
}

/// `changed`: the output's files whose bytes differ between two builds, or that one of them
/// lacks.
fn changed(before: &Built, after: &Built) -> BTreeSet<String> {
    let paths: BTreeSet<&String> = before.files.keys().chain(after.files.keys()).collect();
    paths.into_iter().filter(|p| before.files.get(*p) != after.files.get(*p)).cloned().collect()
}

/// How many different files of `extension` a build wrote among `paths`.
fn distinct(built: &Built, paths: &BTreeSet<String>, extension: &str) -> usize {
    paths.iter().filter(|p| p.ends_with(extension)).filter_map(|p| built.files.get(p)).collect::<BTreeSet<_>>().len()
}

#[test]
fn each_kind_of_input_changes_exactly_the_files_that_depend_on_it() {
    let program = PathBuf::from(env!("CARGO_BIN_EXE_salud"));
    for change in CHANGES {
        let site = site_with(&format!("keys-{}", change.name.replace([' ', '\''], "-")), None);
        if let Some(setup) = change.setup {
            setup(&site);
        }
        let before = build(&program, &site, &[]);
        assert!(!before.entries["profiles"].is_empty() && !before.entries["charts"].is_empty());
        // A second build leaves a spare output beside the first, which the next makes over.
        assert_eq!(build(&program, &site, &[]).files, before.files, "{}: nothing changed", change.name);
        assert!(site.join(".public.salud-spare").is_dir());
        let original = read_tree(&site);
        (change.edit)(&site);
        let after = build(&program, &site, &[]);
        let fresh = build(&program, &site, &["--no-cache", "--output", "fresh"]);
        assert_same_files(&site.join("public"), &site.join("fresh"));
        assert_eq!(after.files.len(), fresh.files.len());
        // Undone, the edit gives the first site back, byte for byte: the units it changed
        // come back from the spare's record or are made again, never left as they were.
        write_tree(&site, &original);
        assert_eq!(build(&program, &site, &[]).files, before.files, "{}: undone", change.name);
        fs::remove_dir_all(site.join("fresh")).unwrap();

        let changed = changed(&before, &after);
        for path in change.changes {
            assert!(changed.contains(*path), "{}: {path} did not change; changed: {changed:?}", change.name);
        }
        for path in change.keeps {
            assert!(!changed.contains(*path), "{}: {path} changed", change.name);
        }
        // The cache made again exactly the files that came out different, and no other: a
        // new entry per different PNG or PDF written.
        for (store, extension) in [("charts", ".png"), ("profiles", ".pdf")] {
            let made = after.entries[store].difference(&before.entries[store]).count();
            assert_eq!(
                made,
                distinct(&after, &changed, extension),
                "{}: {made} new {extension} entries for the changed files {:?}",
                change.name,
                changed.iter().filter(|p| p.ends_with(extension)).collect::<Vec<_>>()
            );
        }
    }
}

/// Another salud (here the same program with a byte appended, as a rebuilt one would differ)
/// reuses nothing of the cache, and writes the same site.
#[test]
fn another_salud_makes_every_cached_file_again() {
    let site = site_with("keys-version", None);
    let program = PathBuf::from(env!("CARGO_BIN_EXE_salud"));
    let before = build(&program, &site, &[]);
    let other = scratch("keys-version-program").join("salud");
    let mut bytes = fs::read(&program).unwrap();
    bytes.push(0);
    fs::write(&other, bytes).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&other, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let after = build(&other, &site, &[]);
    assert_eq!(before.files, after.files);
    for store in ["charts", "profiles"] {
        assert!(after.entries[store].is_disjoint(&before.entries[store]), "{store}: another salud reused an entry");
        assert_eq!(after.entries[store].len(), before.entries[store].len());
    }
}
