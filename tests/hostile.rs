//! Input that is broken or hostile, as a site might really contain it: links that lead out of
//! the site, a huge file, byte-order marks and Windows line ends, bytes that are not UTF-8,
//! names with spaces and accents, paths that climb out of the site. salud builds what is
//! sound, refuses what is not with a message naming the file, and never reads or writes
//! outside the site and its output folder.

mod common;

use std::fs;

use common::*;

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_site_are_not_followed() {
    let site = site_with("hostile-symlinks", None);
    let outside = scratch("hostile-symlinks-outside");
    fs::write(outside.join("secret.toml"), "name = \"Secret\"\n").unwrap();
    fs::write(outside.join("secret.md"), "The secret text.\n").unwrap();
    fs::create_dir_all(outside.join("dir")).unwrap();
    fs::write(outside.join("dir/leak.txt"), "leaked").unwrap();
    std::os::unix::fs::symlink(outside.join("secret.toml"), site.join("data/places/secret.toml")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.md"), site.join("content/secret.md")).unwrap();
    std::os::unix::fs::symlink(outside.join("dir"), site.join("content/testland/linked")).unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("data/places/secret.toml") && err.contains("symbolic link"), "{err}");
    assert!(err.contains("content/secret.md"), "{err}");
    let public = site.join("public");
    assert!(!public.join("secret").exists());
    let everything: Vec<String> = snapshot(&public).into_iter().map(|(path, _)| path).collect();
    assert!(!everything.iter().any(|p| p.contains("leak") || p.contains("secret")), "{everything:?}");
    for (_, bytes) in snapshot(&public) {
        assert!(!String::from_utf8_lossy(&bytes).contains("The secret text"), "a linked file's text was published");
    }
}

#[test]
fn a_100_mb_data_file_is_refused_without_reading_it() {
    let site = site_with("hostile-huge", None);
    let file = fs::File::create(site.join("data/places/huge.toml")).unwrap();
    // Sparse: 100 MB long, no disk space used.
    file.set_len(100 * 1024 * 1024).unwrap();
    let out = salud_in(&site, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("data/places/huge.toml")
            && err.contains("this file is 104.9 MB; salud reads text files of up to 16 MB"),
        "{err}"
    );
    assert!(!site.join("public").exists());
}

#[test]
fn a_byte_order_mark_and_windows_line_ends_are_read_as_plain_text() {
    let site = site_with("hostile-bom-crlf", None);
    for rel in ["data/places/otherland.toml", "content/testland/_index.md", "content/about.md", "config.toml"] {
        let text = read(&site.join(rel)).replace('\n', "\r\n");
        fs::write(site.join(rel), format!("\u{feff}{text}")).unwrap();
    }
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.join("public");
    let testland = read(&public.join("testland/index.html"));
    assert!(
        testland.contains("<h2 id=\"health-in-testland\">Health in Testland</h2>"),
        "front matter and headings read through CRLF: {testland}"
    );
    assert!(!testland.contains('\u{feff}') && !testland.contains("+++"));
    assert!(read(&public.join("otherland/index.html")).contains("<h1>Otherland</h1>"));
    assert!(read(&public.join("index.html")).contains("<title>Test profiles</title>"));
}

#[test]
fn bytes_that_are_not_utf8_are_an_error_at_their_line() {
    let site = site_with("hostile-latin1", None);
    // "Huánuco" saved as Latin-1, as an old editor might.
    fs::write(site.join("data/places/otherland.toml"), b"name = \"Otherland\"\nregion = \"Hu\xe1nuco\"\n").unwrap();
    let out = salud_in(&site, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("data/places/otherland.toml:2:") && err.contains("not valid UTF-8"), "{err}");
    assert!(err.contains("save the file as UTF-8"), "{err}");
}

#[test]
fn names_with_spaces_and_accents_become_plain_addresses() {
    let site = site_with("hostile-names", None);
    fs::write(site.join("data/places/testland/Ñuñoa Alta.toml"), "name = \"Ñuñoa Alta\"\n").unwrap();
    fs::write(site.join("content/testland/Ñuñoa Alta.md"), "Texto de Ñuñoa.\n").unwrap();
    fs::write(site.join("content/testland/mapa de Ñuñoa.txt"), "un archivo").unwrap();
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = read(&site.join("public/testland/nunoa-alta/index.html"));
    assert!(page.contains("<h1>Ñuñoa Alta</h1>") && page.contains("Texto de Ñuñoa."), "{page}");
    assert!(read(&site.join("public/testland/index.html")).contains("href=\"../testland/nunoa-alta/index.html\""));
    assert!(site.join("public/testland/mapa de Ñuñoa.txt").is_file(), "an asset keeps its name");
}

#[test]
fn paths_that_climb_out_of_the_site_are_refused() {
    let site = site_with("hostile-climb", None);
    // A shortcode naming a place by a path that climbs.
    fs::write(site.join("content/about.md"), "See {{ value(indicator=\"under5_mortality\", place=\"../../etc\") }}.\n")
        .unwrap();
    // A file whose name has no letters to make an address of.
    fs::write(site.join("data/places/testland/...toml"), "name = \"Dots\"\n").unwrap();
    let out = salud_in(&site, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("content/about.md:1:") && err.contains("../../etc"), "{err}");
    assert!(err.contains("data/places/testland/...toml") && err.contains("no letters or digits"), "{err}");
    assert!(!site.join("public").exists());
    // An output folder given as a climbing path that holds other files is refused too.
    let out = salud_in(&site, &["build", "--output", "../../.."]);
    assert_eq!(out.status.code(), Some(1));
}
