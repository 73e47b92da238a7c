//! `salud new DIR`: a small working site to start from, with real data for one country and
//! one region. It builds at once; the theme is in the binary, so it is not copied.

use std::fs;
use std::path::Path;

use crate::error::Error;

/// The files of a new site: path inside it, contents.
const FILES: &[(&str, &str)] = &[
    ("config.toml", include_str!("scaffold/config.toml")),
    ("README.md", include_str!("scaffold/README.md")),
    ("data/indicators.toml", include_str!("scaffold/indicators.toml")),
    ("data/sources.toml", include_str!("scaffold/sources.toml")),
    ("data/places/peru.toml", include_str!("scaffold/peru.toml")),
    ("data/places/peru/huanuco.toml", include_str!("scaffold/huanuco.toml")),
    ("content/_index.md", include_str!("scaffold/home.md")),
    ("content/about.md", include_str!("scaffold/about.md")),
    ("content/peru/_index.md", include_str!("scaffold/peru.md")),
    ("content/peru/huanuco.md", include_str!("scaffold/huanuco_narrative.md")),
    // What a build writes besides the site: the output, the cache, and beside the output its
    // lock and the spare output the next build makes over.
    (".gitignore", "/public\n/.public.salud-*\n.salud-cache/\n"),
    // How to publish it: GitHub Pages and Netlify install this version of salud and build.
    (".github/workflows/publish.yml", include_str!("scaffold/publish.yml")),
    ("netlify.toml", include_str!("scaffold/netlify.toml")),
];

/// Where the files name the version of salud that wrote them: the publishing recipes install
/// that version, which is known to build the site.
const VERSION_MARK: &str = "@VERSION@";

/// Creates the site in `dir`, which must not exist or be empty. Returns how many files it wrote.
pub fn create(dir: &Path) -> Result<usize, Error> {
    if dir.exists() {
        let empty = fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.next().is_none();
        if !empty || !dir.is_dir() {
            return Err(Error::Output {
                path: dir.to_path_buf(),
                reason: "it already exists and is not empty; choose a new folder name".into(),
            });
        }
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        fs::write(&path, text.replace(VERSION_MARK, env!("CARGO_PKG_VERSION"))).map_err(|e| Error::io(&path, e))?;
    }
    Ok(FILES.len())
}
