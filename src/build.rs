//! `salud build`: load, render, write. Each phase is one call, so a reader can follow the
//! whole build here.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostic::Diagnostics;
use crate::error::Error;
use crate::output::{self, Output};
use crate::render::Renderer;
use crate::site::Site;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// `public/` inside the root when not given.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of config.toml, e.g. for a deploy to another address.
    pub base_url: Option<String>,
    /// Show progress on standard error (for a terminal).
    pub progress: bool,
    /// Reuse the PNGs and PDFs of earlier builds kept in `.salud-cache/`.
    pub cache: bool,
}

#[derive(Debug)]
pub struct BuildReport {
    pub places: usize,
    pub pages: usize,
    pub files: usize,
    pub bytes: usize,
    pub charts: usize,
    pub maps: usize,
    pub pdfs: usize,
    pub millis: u128,
    /// Milliseconds spent loading, rendering and writing.
    pub phases: Vec<(&'static str, u128)>,
    pub output: PathBuf,
    pub warnings: Diagnostics,
}

/// Renders the whole site into `output`: streamed to a staging folder by `build`, kept in
/// memory (the pages a link points into) by `check`.
pub(crate) fn render_into(
    site: &Site,
    options: &BuildOptions,
    output: &mut Output,
) -> Result<crate::render::Counts, Error> {
    let (theme, progress) = (&site.theme, options.progress);
    let mut renderer = Renderer::new(theme, options.cache.then_some(site.root.as_path()))?;
    if progress {
        renderer.on_progress(|done, total| {
            // A line rewritten in place, at most every 10 places, cleared at the end.
            if done % 10 == 0 || done == total {
                eprint!("\rDrawing charts and profiles: {done} of {total} places");
            }
            if done == total {
                eprint!("\r{}\r", " ".repeat(60));
            }
        });
    }
    // A file of the site's static/ replaces the theme's file of the same name.
    for (path, bytes) in theme.statics.iter().filter(|(path, _)| !site.root.join("static").join(path).is_file()) {
        output.add(path.clone(), bytes.clone());
    }
    let counts = renderer.render_site(site, output)?;
    add_site_files(site, output)?;
    Ok(counts)
}

/// The files the site ships as they are: content/'s images and documents beside the pages,
/// and static/ at the root.
/// A file of the site never replaces a page, chart or download salud made, nor another file
/// of the site: that is an error naming the file.
pub(crate) fn add_site_files(site: &Site, output: &mut Output) -> Result<(), Error> {
    let mut files: Vec<(String, String, Vec<u8>)> = Vec::new();
    for asset in &site.content.assets {
        let path = site.root.join(asset);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        files.push((asset.strip_prefix("content/").unwrap_or(asset).to_string(), asset.clone(), bytes));
    }
    let mut statics = Output::default();
    output::copy_tree(&site.root.join("static"), "", &mut statics)
        .map_err(|e| Error::io(&site.root.join("static"), e))?;
    files.extend(statics.files.into_iter().map(|(path, bytes)| (path.clone(), format!("static/{path}"), bytes)));
    let mut origins: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for (path, origin, bytes) in files {
        let first = match origins.get(&path) {
            Some(other) => Some(format!("the site's file {other}")),
            None => output.has(&path).then(|| "a page, chart or download salud makes".to_string()),
        };
        if let Some(first) = first {
            return Err(Error::Collision {
                path,
                first,
                second: format!("the site's file {origin}"),
                help: "rename or move the site's file: each path of the published site holds one file".into(),
            });
        }
        origins.insert(path.clone(), origin);
        output.add(path, bytes);
    }
    Ok(())
}

pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let root = &options.root;
    let out_dir = options.output.clone().unwrap_or_else(|| root.join("public"));
    output::check_output_dir(root, &out_dir)?;
    let (mut site, warnings) = Site::load(root).map_err(Error::Site)?;
    if let Some(base) = &options.base_url {
        if let Some(problem) = crate::config::base_url_problem(base) {
            let help = crate::config::BASE_URL_HELP.replace("base_url = ", "--base-url ");
            return Err(Error::Option { message: format!("--base-url: {problem}"), help });
        }
        site.config.base_url = base.clone();
    }
    let loaded = started.elapsed();
    // Files go to a staging folder as they are made; the output folder changes only at the
    // swap, and a failed build removes the staging folder.
    let waiting = || {
        if options.progress {
            eprintln!("Another salud build is writing {}; waiting for it to finish", display_path(root, &out_dir));
        }
    };
    let records = options.cache.then(|| output::Records::new(&root.join(crate::cache::ROOT), &out_dir));
    let mut output = Output::streaming_into(&out_dir, output::Streaming { waiting: &waiting, records })?;
    let counts = render_into(&site, options, &mut output)?;
    let (files, bytes) = (output.count(), output.bytes());
    let rendered = started.elapsed();
    output.write_atomically(&out_dir)?;
    let phases = [("load", loaded), ("render and write", rendered - loaded), ("swap", started.elapsed() - rendered)];
    Ok(BuildReport {
        places: counts.places,
        pages: counts.pages,
        charts: counts.charts,
        maps: counts.maps,
        pdfs: counts.pdfs,
        files,
        bytes,
        millis: started.elapsed().as_millis(),
        phases: phases.iter().map(|(name, d)| (*name, d.as_millis())).collect(),
        output: out_dir,
        warnings,
    })
}

/// `path` relative to `root` when it is inside it, for the summary line.
pub fn display_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
