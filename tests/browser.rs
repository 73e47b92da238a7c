//! Peru's page in a real browser (Debian's chromium, headless): at a phone's width and a
//! desktop's, the page must not scroll sideways and its charts must load. Screenshots are
//! kept in tests/artifacts/ for a person to look at.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn chromium() -> String {
    for name in ["chromium", "chromium-browser"] {
        if Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return name.to_string();
        }
    }
    panic!("this test needs Chromium: install Debian's package (apt-get install chromium); .ci/run does");
}

fn run_chromium(profile: &Path, window: &str, extra: &[&str], url: &str) -> String {
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--allow-file-access-from-files",
        "--virtual-time-budget=8000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--window-size={window}"))
    .args(extra)
    .arg(url);
    let out = cmd.output().expect("chromium runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A page that shows Peru's page in a frame `width` pixels wide and reports, once it has
/// loaded, its scroll width, its visible width and how many chart images loaded.
fn probe_page(public: &Path, width: u32) -> PathBuf {
    let probe = public.join(format!("probe-{width}.html"));
    std::fs::write(
        &probe,
        format!(
            r#"<!doctype html><html><body style="margin:0">
<iframe id="f" src="peru/index.html" style="width:{width}px;height:12000px;border:0"></iframe>
<script>
document.getElementById("f").addEventListener("load", function () {{
  var doc = this.contentDocument;
  var imgs = Array.from(doc.querySelectorAll("figure.chart img"));
  var loaded = imgs.filter(function (i) {{ return i.complete && i.naturalWidth > 0; }}).length;
  document.body.setAttribute("data-probe", [doc.documentElement.scrollWidth, doc.documentElement.clientWidth, imgs.length, loaded].join(" "));
}});
</script></body></html>"#
        ),
    )
    .unwrap();
    probe
}

#[test]
fn peru_fits_a_phone_and_a_desktop_without_sideways_scrolling() {
    let scratch_dir = scratch("browser");
    let public = scratch_dir.join("public");
    let out = salud(&["build", "--root", &repo_root().to_string_lossy(), "--output", &public.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let artifacts = repo_root().join("tests/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();

    for width in [375u32, 1280] {
        let probe = probe_page(&public, width);
        let url = format!("file://{}", probe.display());
        let profile = scratch_dir.join(format!("profile-{width}"));
        let dom = run_chromium(&profile, &format!("{},12000", width + 40), &["--dump-dom"], &url);
        let at = dom.find("data-probe=\"").unwrap_or_else(|| panic!("the page did not load at {width} px: {dom}"));
        let report: Vec<usize> = dom[at + 12..].split('"').next().unwrap().split(' ').map(|n| n.parse().unwrap()).collect();
        let [scroll, client, charts, loaded] = report[..] else { panic!("{report:?}") };
        assert!(scroll <= client, "at {width} px the page is {scroll} px wide and scrolls sideways ({client} px visible)");
        assert!(charts >= 8, "at {width} px Peru shows {charts} charts");
        assert_eq!(loaded, charts, "at {width} px only {loaded} of {charts} chart images loaded");

        let shot = artifacts.join(format!("peru-{width}.png"));
        let _ = std::fs::remove_file(&shot);
        run_chromium(&profile, &format!("{},6000", width), &[&format!("--screenshot={}", shot.display())], &url);
        assert!(shot.is_file(), "no screenshot at {width} px");
        eprintln!("screenshot: {}", shot.display());
    }
}

#[test]
fn printing_a_place_page_gives_a_clean_brief() {
    let scratch_dir = scratch("browser-print");
    let site = site_with("browser-print-site", None);
    let public = scratch_dir.join("public");
    let out = salud(&["build", "--root", &site.to_string_lossy(), "--output", &public.to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = scratch_dir.join("testland.pdf");
    let url = format!("file://{}", public.join("testland/index.html").display());
    run_chromium(&scratch_dir.join("profile"), "1280,1000", &["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())], &url);
    let text = Command::new("pdftotext").args([&pdf.to_string_lossy(), "-"]).output().expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Testland") && text.contains("Key figures"), "{text}");
    assert!(text.contains("Sources and licences"), "the attribution is printed");
    for gone in ["Download this profile", "Data of this chart", "Skip to the content", "About these profiles"] {
        assert!(!text.contains(gone), "{gone:?} is printed:\n{text}");
    }
}
