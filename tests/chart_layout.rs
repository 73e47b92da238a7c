//! Every chart of the default site, wide and narrow, laid out in Chromium
//! (tests/browser/chart-layout.mjs): no two texts overlap, no text leaves the drawing, every
//! reference line keeps its label and every reference label its number; and the narrow charts'
//! smallest text is at least 12 px on a phone 375 px wide.

mod common;

use std::process::Command;

use common::*;

#[test]
fn no_chart_of_the_default_site_has_colliding_or_cut_labels() {
    let public = scratch("chart-layout-default-site").join("public");
    let out = salud(&["build", "--root", &repo_root().to_string_lossy(), "--output", &public.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tools = node_tools();
    let out = Command::new("node")
        .arg(tools.join("chart-layout.mjs"))
        .arg(&public)
        .env("CHROMIUM", which_chromium())
        .output()
        .expect("node runs");
    assert!(out.status.success(), "chart-layout.mjs failed: {}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = report["files"].as_u64().unwrap();
    assert!(files > 5000, "every chart, both layouts: {files} files");
    let problems = report["problems"].as_array().unwrap();
    let listed: Vec<String> = problems
        .iter()
        .take(40)
        .map(|p| format!("{}: {}: {}", p["file"].as_str().unwrap(), p["kind"].as_str().unwrap(), p["text"]))
        .collect();
    assert!(problems.is_empty(), "{} problems in {files} chart files:\n{}", problems.len(), listed.join("\n"));
    // The narrow chart as a phone shows it: its smallest text, scaled, is at least 12 px.
    let smallest = report["minNarrowFont"].as_f64().unwrap();
    let shown = report["narrowShown"].as_f64().expect("Peru's page shows a chart at 375 px");
    let drawn = report["narrowWidth"].as_f64().unwrap();
    assert!(smallest * shown / drawn >= 12.0, "{smallest} px text drawn {drawn} px wide, shown {shown} px wide");
}
