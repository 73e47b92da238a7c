//! Any bytes as a place file or as the catalogue: errors, never a panic, and every message
//! can be shown with its line and caret.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use salud::data::{parse_catalogue, parse_place, Indicator};
use salud::diagnostic::Diagnostics;

const CATALOGUE: &str = "[under5_mortality]\nname = \"Under-five mortality rate\"\nunit = \"per 1,000 live births\"\ncategory = \"mortality\"\n\n[stunting]\nname = \"Stunting\"\nunit = \"%\"\nmeasure = \"percent\"\ncategory = \"nutrition\"\n";

fn catalogue() -> &'static [Indicator] {
    static CAT: OnceLock<Vec<Indicator>> = OnceLock::new();
    CAT.get_or_init(|| parse_catalogue(CATALOGUE, &mut Diagnostics::default()).expect("the catalogue is valid"))
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let mut diags = Diagnostics::default();
    let place = parse_place("data/places/peru/huanuco.toml", text, catalogue(), &BTreeMap::new(), &mut diags);
    assert!(place.is_some() || diags.has_errors());
    let mut more = Diagnostics::default();
    let parsed = parse_catalogue(text, &mut more);
    assert!(parsed.is_some() || more.has_errors());
    for d in diags.0.iter().chain(&more.0) {
        let _ = d.to_string();
    }
});
