//! `salud build` on the good fixture site and on the repository's own default site, checked
//! the way a user would: exit code, summary line, and the HTML written.

mod common;

use std::fs;

use common::*;

fn built(name: &str) -> (std::path::PathBuf, String) {
    let site = site_with(name, None);
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    (site, stdout(&out))
}

#[test]
fn builds_every_page_and_reports_one_summary_line() {
    let (site, summary) = built("good-summary");
    // North and South each show where they stand among Testland's regions: a chart each. The
    // catalogue has five indicators: a page each.
    assert!(
        summary.starts_with("Built 5 places, 14 pages, 8 charts, 5 PDFs, 66 files (")
            && summary.contains(" ms into public"),
        "{summary}"
    );
    assert_eq!(summary.lines().count(), 1);
    for page in [
        "index.html",
        "404.html",
        "style.css",
        "about/index.html",
        "testland/index.html",
        "testland/north/index.html",
        "testland/north/centre/index.html",
        "testland/south/index.html",
        "otherland/index.html",
        "indicators/index.html",
        "favicon.svg",
        "search.js",
        "search-index.js",
        "social.png",
        "testland/social.png",
    ] {
        assert!(site.join("public").join(page).is_file(), "missing {page}");
    }
}

#[test]
fn place_page_shows_values_with_year_unit_and_source() {
    let (site, _) = built("good-place");
    let html = read(&site.join("public/testland/index.html"));
    // Latest value of each source, never averaged, with the other source's same-year value.
    assert!(html.contains(r#"<td class="num value">17</td>"#), "{html}");
    assert!(html.contains(r#"<td class="num value">21</td>"#));
    assert!(
        html.contains("Same year, other sources: 19.3 ("),
        "the 2021 WDI value 19.25 shown beside the profile's 21"
    );
    assert!(html.contains("per 1,000 live births"));
    assert!(html.contains("World Bank, World Development Indicators"));
    assert!(html.contains("SDG 3.2 target for 2030: 25"));
    // Shown at the catalogue's precision, not the source's 8 decimals.
    assert!(html.contains(r#"<td class="num value">4.5</td>"#));
    // Licence of each source used on the page.
    assert!(html.contains(r#"<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>"#));
    // Breadcrumbs and sub-regions side by side.
    assert!(html.contains(r#"<li><a href="../index.html">Home</a></li>"#));
    assert!(html.contains(r#"<a href="../testland/north/index.html">Norte Ñuñoa</a>"#));
    assert!(!html.contains("30.1"), "only the latest value of a region is in the comparison");
    assert!(html.contains("28.4 <span class=\"year\">2023</span>"));
}

#[test]
fn narratives_render_markdown_and_escape_raw_html() {
    let (site, _) = built("good-narrative");
    let html = read(&site.join("public/testland/index.html"));
    assert!(html.contains(r#"<h2 id="health-in-testland">Health in Testland</h2>"#));
    assert!(html.contains("&lt;script&gt;alert"), "raw HTML must be shown as text");
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("<table>"));
    assert!(html.contains("footnote-definition"));
    let site_page = read(&site.join("public/testland/north/centre/index.html"));
    assert!(site_page.contains("up to 500"), "the qualifier stays with the value");
    assert!(site_page.contains(r#"<li><a href="../../../testland/index.html">Testland</a></li>"#));
    assert!(site_page.contains(r#"<li><a href="../../../testland/north/index.html">Norte Ñuñoa</a></li>"#));
}

#[test]
fn home_groups_places_by_world_region() {
    let (site, _) = built("good-home");
    let html = read(&site.join("public/index.html"));
    let latin =
        html.find(r#"<h3 id="latin-america-caribbean">Latin America &amp; Caribbean</h3>"#).expect("region heading");
    let africa = html.find(r#"<h3 id="sub-saharan-africa">Sub-Saharan Africa</h3>"#).expect("region heading");
    assert!(latin < africa);
    assert!(html.contains(r#"<a href="testland/index.html">Testland</a>"#));
    assert!(html.contains("1,234.5"), "thousands separated");
    assert!(html.contains("Welcome to the <strong>test</strong> profiles."));
}

#[test]
fn every_link_is_relative() {
    let (site, _) = built("good-links");
    for (path, bytes) in snapshot(&site.join("public")) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"", "src=\""] {
            for (i, _) in html.match_indices(attr) {
                let value = &html[i + attr.len()..];
                assert!(!value.starts_with('/'), "{path}: absolute link {}", &value[..value.find('"').unwrap()]);
            }
        }
        // Every internal link resolves to a file of the output.
        let dir = std::path::Path::new(&path).parent().unwrap().to_path_buf();
        for (i, _) in html.match_indices("href=\"") {
            let value = &html[i + 6..];
            let target = &value[..value.find('"').unwrap()];
            if target.starts_with("http") || target.starts_with('#') {
                continue;
            }
            let target = target.split('#').next().unwrap();
            let resolved = site.join("public").join(&dir).join(target);
            assert!(resolved.is_file(), "{path}: broken link {target}");
        }
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let site = site_with("good-twice", None);
    assert!(salud_in(&site, &["build", "--output", "one"]).status.success());
    assert!(salud_in(&site, &["build", "--output", "two"]).status.success());
    assert_same_files(&site.join("one"), &site.join("two"));
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let (site, _) = built("good-then-broken");
    let before = snapshot(&site.join("public"));
    let file = site.join("data/places/testland.toml");
    let mut text = read(&file);
    text.push_str("\n[[series]\n");
    fs::write(&file, text).unwrap();
    let out = salud_in(&site, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--> data/places/testland.toml:28:10"), "{}", stderr(&out));
    assert_eq!(snapshot(&site.join("public")), before);
}

#[test]
fn refuses_an_output_folder_that_would_lose_files() {
    let site = site_with("good-refuse", None);
    let out = salud_in(&site, &["build", "--output", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("it is the site's folder or contains it"), "{}", stderr(&out));

    fs::create_dir_all(site.join("papers")).unwrap();
    fs::write(site.join("papers/thesis.txt"), "precious").unwrap();
    let out = salud_in(&site, &["build", "--output", "papers"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("salud did not write it"), "{}", stderr(&out));
    assert_eq!(read(&site.join("papers/thesis.txt")), "precious");

    let out = salud_in(&site, &["build", "--output", "data"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(site.join("data/indicators.toml").is_file());
}

/// The site reached through a link, as every temporary folder is on macOS (/tmp and /var are
/// links to /private/...), and an output that does not exist yet inside its content/.
#[cfg(unix)]
#[test]
fn an_output_inside_the_sources_is_refused_when_the_site_is_reached_through_a_link() {
    let dir = scratch("good-refuse-link");
    let site = dir.join("real");
    copy_dir(&fixture("sites/good"), &site);
    std::os::unix::fs::symlink(&site, dir.join("link")).unwrap();
    let out = salud_in(&dir, &["build", "--root", "link", "--output", "link/content/out"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stderr(&out).contains("it is inside content"), "{}", stderr(&out));
    assert!(!site.join("content/out").exists());
}

#[test]
fn the_site_overrides_theme_templates_by_name() {
    let site = site_with("good-override", None);
    fs::create_dir_all(site.join("templates")).unwrap();
    fs::write(
        site.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block main %}Lost: {{ title }}{% endblock main %}",
    )
    .unwrap();
    fs::create_dir_all(site.join("static")).unwrap();
    fs::write(site.join("static/logo.txt"), "logo").unwrap();
    assert!(salud_in(&site, &["build"]).status.success());
    assert!(read(&site.join("public/404.html")).contains("Lost: Page not found"));
    assert_eq!(read(&site.join("public/logo.txt")), "logo");
}

#[test]
fn a_template_error_names_the_template() {
    let site = site_with("good-bad-template", None);
    fs::create_dir_all(site.join("templates")).unwrap();
    fs::write(
        site.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block main %}{{ nosuch.field }}{% endblock main %}",
    )
    .unwrap();
    let out = salud_in(&site, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("templates/page.html, line 1: Failed to render 'page.html': Variable `nosuch.field` not found"),
        "{err}"
    );
    // A syntax error gives its line and column.
    fs::write(
        site.join("templates/page.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n{% if %}\n{% endblock main %}",
    )
    .unwrap();
    let err = stderr(&salud_in(&site, &["build"]));
    assert!(err.starts_with("templates/page.html, line 3: Failed to parse 'page.html': --> 3:7"), "{err}");
    assert!(!site.join("public").exists());
}

#[test]
fn help_and_version() {
    let out = salud(&["--help"]);
    assert!(stdout(&out).contains("build") && stdout(&out).contains("import"));
    // The version and the commit it was built from (git's short name of HEAD when built in a
    // clone, as here).
    let out = salud(&["--version"]);
    let head =
        std::process::Command::new("git").args(["rev-parse", "--short", "HEAD"]).current_dir(repo_root()).output();
    let commit = head.ok().filter(|o| o.status.success()).map_or("unknown".into(), |o| stdout(&o).trim().to_string());
    assert_eq!(stdout(&out).trim(), format!("salud {} (commit {commit})", env!("CARGO_PKG_VERSION")));
}

#[test]
fn not_a_site_is_a_clear_error() {
    let dir = scratch("not-a-site");
    let out = salud_in(&dir, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("this folder is not a salud site: it has no data/ folder"), "{}", stderr(&out));
}

/// Set for a build, makes it swap its output in with the two renames macOS and Windows use, so
/// that path runs on Linux too (src/output.rs).
const FALLBACK_SWAP: &str = "SALUD_TEST_FALLBACK_SWAP";

fn build_with_fallback_swap(site: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_salud"))
        .current_dir(site)
        .arg("build")
        .env(FALLBACK_SWAP, "1")
        .output()
        .unwrap()
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_output_or_the_new_one_never_a_mix() {
    kill_builds_at_random("killed", false);
}

#[test]
fn with_the_fallback_swap_a_killed_build_leaves_the_old_output_or_the_new_one_never_a_mix() {
    kill_builds_at_random("killed-fallback", true);
}

/// Kills `salud build` at 20 moments spread over a whole build, each with the cache of the
/// builds before (some killed while writing an entry). What is left is the old output or the new
/// one in public/; with the fallback swap, killed between its two renames, it may also be no
/// public/ and the whole old output in .public.salud-old, which the next build puts back.
fn kill_builds_at_random(name: &str, fallback: bool) {
    let site = site_with(name, None);
    assert!(salud_in(&site, &["build"]).status.success());
    let warm = |store: &str| !cache_entries(&site, store).is_empty();
    assert!(warm("profiles") && warm("charts"), "the kills are meant to meet a warm cache");
    let old = snapshot(&site.join("public"));
    copy_dir(&site.join("public"), &site.join("old-copy"));
    let narrative = site.join("content/testland/_index.md");
    fs::write(&narrative, read(&narrative) + "\nA new sentence.\n").unwrap();
    assert!(salud_in(&site, &["build", "--output", "expected"]).status.success());
    let new = snapshot(&site.join("expected"));
    assert_ne!(old, new);

    // Delays spread over a whole build, from before it reads anything to after it is done.
    let mut state: u64 = 12345;
    let (mut saw_old, mut saw_new, mut saw_aside) = (0, 0, 0);
    for _ in 0..20 {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let delay = std::time::Duration::from_micros((state >> 33) % 120_000);
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_salud"));
        if fallback {
            command.env(FALLBACK_SWAP, "1");
        }
        let mut child = command
            .current_dir(&site)
            .arg("build")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        if fallback && !site.join("public").exists() {
            assert_eq!(
                snapshot(&site.join(".public.salud-old")),
                old,
                "after a kill at {delay:?}, no public/ and no whole old output"
            );
            saw_aside += 1;
            fs::rename(site.join(".public.salud-old"), site.join("public")).unwrap();
            continue;
        }
        let now = snapshot(&site.join("public"));
        if now == old {
            saw_old += 1;
        } else {
            assert_eq!(now, new, "after a kill at {delay:?}, public/ is neither the old output nor the new one");
            saw_new += 1;
            // Put the old output back so each round replaces it again.
            fs::remove_dir_all(site.join("public")).unwrap();
            copy_dir(&site.join("old-copy"), &site.join("public"));
            assert_eq!(snapshot(&site.join("public")), old);
        }
    }
    eprintln!("20 kills: {saw_old} left the old output, {saw_new} the new one, {saw_aside} the old one aside");
    // The next build after the kills still works and gives the new output.
    assert!(salud_in(&site, &["build"]).status.success());
    assert_eq!(snapshot(&site.join("public")), new);
}

/// PNGs and PDFs are reused from `.salud-cache/` only while everything they depend on stays
/// the same: a warm build, a build without the cache and a build after a value changed and
/// changed back are the same files; a damaged cache entry is made again, never published.
#[test]
fn the_cache_of_pngs_and_pdfs_changes_nothing_a_build_writes() {
    let site = site_with("cache", None);
    assert!(salud_in(&site, &["build", "--output", "cold"]).status.success());
    let entries = |store: &str| cache_entries(&site, store);
    let pdfs = entries("profiles");
    assert!(!pdfs.is_empty() && !entries("charts").is_empty());
    assert!(salud_in(&site, &["build", "--output", "warm"]).status.success());
    assert_same_files(&site.join("cold"), &site.join("warm"));
    assert!(salud_in(&site, &["build", "--no-cache", "--output", "fresh"]).status.success());
    assert_same_files(&site.join("cold"), &site.join("fresh"));

    // A changed value typesets its place's PDF again: the old entry is not reused.
    let file = site.join("data/places/testland.toml");
    let before = read(&file);
    fs::write(&file, before.replacen("2023 = 17", "2023 = 16", 1)).unwrap();
    assert!(salud_in(&site, &["build", "--output", "changed"]).status.success());
    let pdf = "testland/salud-profile-testland.pdf";
    assert_ne!(fs::read(site.join("cold").join(pdf)).unwrap(), fs::read(site.join("changed").join(pdf)).unwrap());
    fs::write(&file, &before).unwrap();

    // Every entry damaged: each is made again, and the output is the cold build's.
    for entry in entries("profiles").iter().chain(&entries("charts")) {
        let mut bytes = fs::read(entry).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x55;
        fs::write(entry, bytes).unwrap();
    }
    assert!(salud_in(&site, &["build", "--output", "repaired"]).status.success());
    assert_same_files(&site.join("cold"), &site.join("repaired"));
    // The build used only the entries of the site as it is now: the changed value's are gone.
    assert_eq!(entries("profiles"), pdfs);

    let verbose = stdout(&salud_in(&site, &["build", "-v", "--output", "warm"]));
    assert!(verbose.contains(" KB in .salud-cache"), "{verbose}");
}

/// A rebuild links the files that come out the same from the output it replaces instead of
/// writing them again, and never writes into a file it shares: the published files keep their
/// bytes until the swap, and the new output is what a build from nothing writes.
#[cfg(unix)]
#[test]
fn a_rebuild_reuses_unchanged_files_and_never_changes_a_published_one() {
    use std::os::unix::fs::MetadataExt;
    let site = site_with("relink", None);
    assert!(salud_in(&site, &["build"]).status.success());
    let public = site.join("public");
    // Files a reader holds open, by their inodes: hard links outside the output.
    let held = site.join("held");
    fs::create_dir(&held).unwrap();
    let kept: Vec<(String, Vec<u8>)> = snapshot(&public);
    for (i, (path, _)) in kept.iter().enumerate() {
        fs::hard_link(public.join(path), held.join(i.to_string())).unwrap();
    }
    let file = site.join("data/places/testland.toml");
    fs::write(&file, read(&file).replacen("2023 = 17", "2023 = 16", 1)).unwrap();
    assert!(salud_in(&site, &["build"]).status.success());
    for (i, (path, bytes)) in kept.iter().enumerate() {
        assert!(fs::read(held.join(i.to_string())).unwrap() == *bytes, "{path} was changed in place");
    }
    // Unchanged files are the same inodes; changed ones are new files.
    let inode = |path: &std::path::Path| fs::metadata(path).unwrap().ino();
    let about = "about/index.html";
    let page = "testland/index.html";
    assert_eq!(
        inode(&public.join(about)),
        inode(&held.join(kept.iter().position(|k| k.0 == about).unwrap().to_string()))
    );
    assert_ne!(
        inode(&public.join(page)),
        inode(&held.join(kept.iter().position(|k| k.0 == page).unwrap().to_string()))
    );

    assert!(salud_in(&site, &["build", "--no-cache", "--output", "fresh"]).status.success());
    assert_same_files(&public, &site.join("fresh"));

    // The next build makes the first output over (the spare beside public/, whose files are
    // those held open): what changed is written as new files, never into the held ones.
    assert!(site.join(".public.salud-spare").is_dir());
    let narrative = site.join("content/testland/_index.md");
    fs::write(&narrative, read(&narrative) + "\nOne more sentence.\n").unwrap();
    assert!(salud_in(&site, &["build"]).status.success());
    for (i, (path, bytes)) in kept.iter().enumerate() {
        assert!(fs::read(held.join(i.to_string())).unwrap() == *bytes, "{path} was changed in place");
    }
    assert!(salud_in(&site, &["build", "--no-cache", "--output", "fresh"]).status.success());
    assert_same_files(&public, &site.join("fresh"));
}

#[test]
#[cfg(unix)]
fn a_rebuild_with_nothing_changed_writes_no_file() {
    use std::os::unix::fs::MetadataExt;
    let site = site_with("nothing-changed", None);
    let public = site.join("public");
    let inodes = || -> Vec<(String, u64)> {
        let files = snapshot(&public).into_iter().filter(|(p, _)| p != ".salud-output");
        files.map(|(p, _)| (p.clone(), fs::metadata(public.join(&p)).unwrap().ino())).collect()
    };
    assert!(salud_in(&site, &["build"]).status.success());
    let first = inodes();
    // The second build links every file from the first output; the third makes the first
    // over, and finds every file already there.
    for _ in 0..2 {
        let out = salud_in(&site, &["build"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(inodes(), first);
    }
    // A file removed or edited by hand in the published output (an edit in place reaches the
    // spare too: they share the file) is made again, never kept as it is.
    let (page, about) = (public.join("testland/index.html"), public.join("about/index.html"));
    let (page_bytes, about_bytes) = (fs::read(&page).unwrap(), fs::read(&about).unwrap());
    fs::remove_file(&page).unwrap();
    fs::write(&about, "edited by hand").unwrap();
    for _ in 0..2 {
        assert!(salud_in(&site, &["build"]).status.success());
        assert!(fs::read(&page).unwrap() == page_bytes && fs::read(&about).unwrap() == about_bytes);
    }
    // Without the cache no spare is kept either.
    assert!(salud_in(&site, &["build", "--no-cache"]).status.success());
    assert!(!site.join(".public.salud-spare").exists());
}

#[test]
fn with_the_fallback_swap_an_old_output_that_cannot_be_moved_aside_is_kept_and_the_build_fails() {
    let site = site_with("fallback-stuck", None);
    assert!(salud_in(&site, &["build"]).status.success());
    let old = snapshot(&site.join("public"));
    let narrative = site.join("content/testland/_index.md");
    fs::write(&narrative, read(&narrative) + "\nA new sentence.\n").unwrap();
    // Something in the way of the first rename, as on Windows a program holding a file of
    // public/ open is.
    fs::write(site.join(".public.salud-old"), "in the way").unwrap();
    let out = build_with_fallback_swap(&site);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("public as the output folder: salud could not move it aside")
            && err.contains("close it and build again")
            && err.contains("public/ is unchanged"),
        "{err}"
    );
    assert_eq!(snapshot(&site.join("public")), old);
    let staging: Vec<_> = fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("salud-new"))
        .collect();
    assert!(staging.is_empty(), "{staging:?}");
    // Out of the way, the same build swaps the new output in.
    fs::remove_file(site.join(".public.salud-old")).unwrap();
    assert!(build_with_fallback_swap(&site).status.success());
    assert!(read(&site.join("public/testland/index.html")).contains("A new sentence."));
    assert!(!site.join(".public.salud-old").exists());
}

/// A site whose next build fails after it has started writing (a template that cannot render).
fn break_a_template(site: &std::path::Path) {
    fs::create_dir_all(site.join("templates")).unwrap();
    fs::write(
        site.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block main %}{{ nosuch.field }}{% endblock main %}",
    )
    .unwrap();
}

#[test]
fn a_build_killed_between_the_two_renames_of_the_fallback_swap_loses_nothing() {
    let site = site_with("fallback-between", None);
    assert!(salud_in(&site, &["build"]).status.success());
    let old = snapshot(&site.join("public"));
    // What a kill between the renames leaves: no public/, the whole old output aside.
    fs::rename(site.join("public"), site.join(".public.salud-old")).unwrap();
    break_a_template(&site);
    // The next build puts it back before anything else, even one that then fails.
    let out = build_with_fallback_swap(&site);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(snapshot(&site.join("public")), old);
    assert!(!site.join(".public.salud-old").exists());
}

#[test]
fn an_old_output_left_half_removed_is_never_put_back_as_the_site() {
    let site = site_with("fallback-half-removed", None);
    assert!(salud_in(&site, &["build"]).status.success());
    // A kill while the fallback swap removes the old output leaves part of it aside: its
    // marker goes first, then the rest in any order. Here public/ has been deleted since.
    fs::rename(site.join("public"), site.join(".public.salud-old")).unwrap();
    fs::remove_file(site.join(".public.salud-old/.salud-output")).unwrap();
    fs::remove_file(site.join(".public.salud-old/index.html")).unwrap();
    break_a_template(&site);
    let out = build_with_fallback_swap(&site);
    assert_eq!(out.status.code(), Some(1));
    assert!(!site.join("public").exists(), "a half-removed old output came back as public/");
    assert!(!site.join(".public.salud-old").exists());
}
