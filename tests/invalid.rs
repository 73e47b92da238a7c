//! Each folder of `tests/sites/invalid/` holds files that break the good fixture site in one
//! way, and `expected.txt`: the exact message a user must see. The build must fail with exit
//! code 1, print that message, and write nothing.

mod common;

use common::*;

fn check(case: &str) {
    let overlay = fixture("sites/invalid").join(case);
    let site = site_with(&format!("invalid-{case}"), Some(&overlay));
    let out = salud_in(&site, &["build"]);
    assert_eq!(out.status.code(), Some(1), "{case}: {}", stderr(&out));
    let expected = read(&overlay.join("expected.txt"));
    assert_eq!(stderr(&out), expected, "{case}: the message differs from expected.txt");
    assert!(stdout(&out).is_empty());
    assert!(!site.join("public").exists(), "{case}: a failed build wrote output");
}

macro_rules! cases {
    ($($name:ident => $folder:literal),* $(,)?) => {
        $( #[test] fn $name() { check($folder); } )*

        #[test]
        fn every_case_folder_has_a_test() {
            let mut folders: Vec<String> = std::fs::read_dir(fixture("sites/invalid"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            folders.sort();
            let mut listed = vec![$($folder),*];
            listed.sort();
            assert_eq!(folders, listed);
        }
    };
}

cases! {
    broken_toml => "broken-toml",
    unknown_indicator => "unknown-indicator",
    unknown_key => "unknown-key",
    unknown_source => "unknown-source",
    duplicate_place => "duplicate-place",
    duplicate_year => "duplicate-year",
    value_not_finite => "not-finite",
    value_is_text => "value-is-text",
    percentage_out_of_range => "percent-out-of-range",
    negative_rate => "negative-rate",
    year_out_of_range => "year-out-of-range",
    catalogue_entry_without_name_or_unit => "catalogue-entry-incomplete",
    narrative_for_a_missing_place => "narrative-without-place",
    broken_front_matter => "broken-front-matter",
    all_problems_are_reported_together => "several-problems",
    shortcode_with_an_unknown_indicator => "shortcode-unknown-indicator",
    shortcode_written_wrongly => "shortcode-broken",
    deeply_nested_toml => "deeply-nested",
    group_not_in_the_vocabulary => "group-typo",
    sample_size_and_interval_checked => "value-details",
}
