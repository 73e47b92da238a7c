//! The command line: what each command accepts, and the one-line summary it ends with.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::build::{self, BuildOptions};
use crate::error::Error;
use crate::import::{self, ImportOptions};

/// What `salud --version` says after the name: the version and the commit it was built from
/// (see build.rs), so a report of a problem can name the exact build.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("SALUD_COMMIT"), ")");

#[derive(Debug, Parser)]
#[command(
    name = "salud",
    version = VERSION,
    about = "Build a static site of health profiles from TOML data and Markdown narratives"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Print nothing but errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Print every warning, not the first ten.
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into a folder you can publish anywhere.
    Build {
        /// The site's folder (holding config.toml, data/ and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// The address the site will be published at, for the few places that need an
        /// absolute URL; overrides base_url in config.toml.
        #[arg(long)]
        base_url: Option<String>,
        /// Draw every PNG and typeset every PDF again instead of reusing those of earlier
        /// builds kept in ROOT/.salud-cache/ (the output is the same either way).
        #[arg(long)]
        no_cache: bool,
    },
    /// Preview the site at http://127.0.0.1:1111, rebuilt and reloaded as you save files.
    Serve {
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The IP address to listen on (or localhost); only this computer can see the site
        /// unless you change it.
        #[arg(long, default_value = "127.0.0.1")]
        interface: String,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Start a new site in a new folder, with sample data that builds at once.
    New {
        /// The folder to create (it must not exist, or be empty).
        dir: PathBuf,
    },
    /// Check the site for problems without building it: everything build checks, plus dead
    /// links, unused indicators, zeros that mean "not reported" and sudden jumps.
    Check {
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// text for people, json for CI.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Fail (exit 1) on warnings too, not only on errors.
        #[arg(long)]
        strict: bool,
    },
    /// Add indicator data from World Bank, WHO or ENDES files (CSV or spreadsheets), from a
    /// fill-in template, or from any table a recipe describes, to data/places/; values already
    /// there are never changed.
    Import {
        /// Files to read (CSV, .xlsx, .xls, .ods); their layout is recognised from their first
        /// row, unless --recipe says how to read them.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// A recipe (e.g. data/imports/tanzania-hrh.toml) saying how to read the files: where
        /// their places, years, indicators and values are. See README.md.
        #[arg(long)]
        recipe: Option<PathBuf>,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The source id (from data/sources.toml) to record the values under, instead of the
        /// one that matches the file's layout.
        #[arg(long)]
        source: Option<String>,
        /// Also import groups of countries (regions, income groups, the world).
        #[arg(long)]
        include_aggregates: bool,
        /// The folder of data/places/ to put new places in (e.g. `peru` for departments); with
        /// --recipe, the place whose places the file names (instead of the recipe's `within`).
        #[arg(long)]
        parent: Option<String>,
        /// Say, place by place, what would be added and what conflicts, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a workbook (.xlsx) for field staff to type values into: one sheet per indicator,
    /// the place and its regions as rows, years as columns. salud import reads it back.
    Template {
        /// The workbook to write, ending in .xlsx; it must not exist yet.
        file: PathBuf,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The place, by its file in data/places/ without .toml (e.g. peru); its regions are rows too.
        #[arg(long)]
        place: String,
        /// The indicators' ids, separated by commas (e.g. child_stunting,child_anaemia).
        #[arg(long, required = true, value_delimiter = ',')]
        indicators: Vec<String>,
        /// The years, first-last (e.g. 2015-2025) [default: the ten years up to the edition's].
        #[arg(long)]
        years: Option<String>,
        /// The source id (data/sources.toml) the typed values are recorded under [default: that
        /// of the values already there].
        #[arg(long)]
        source: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// What a command leaves for `main` to print, and its exit code.
pub struct Outcome {
    pub summary: String,
    pub warnings: Vec<String>,
    pub verbose: bool,
    pub failed: bool,
}

pub fn run(cli: Cli) -> Result<Outcome, Error> {
    let mut failed = false;
    let (summary, warnings) = match cli.command {
        Command::Check { root, format, strict } => {
            let diags = crate::check::check(&root)?;
            let (errors, warnings) = (diags.errors().count(), diags.warnings().count());
            failed = errors > 0 || (strict && warnings > 0);
            let report = match format {
                Format::Json => crate::check::to_json(&diags),
                Format::Text => {
                    let mut text: String = diags.0.iter().map(|d| format!("{d}\n\n")).collect();
                    text.push_str(&format!(
                        "{errors} {}, {warnings} {}",
                        if errors == 1 { "error" } else { "errors" },
                        if warnings == 1 { "warning" } else { "warnings" }
                    ));
                    text
                }
            };
            (report, Vec::new())
        }
        Command::Build { root, output, base_url, no_cache } => {
            let progress = !cli.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
            let options = BuildOptions { root: root.clone(), output, base_url, progress, cache: !no_cache };
            let report = build::build(&options)?;
            // Maps are named only on a site that has boundaries to draw them with.
            let maps = match report.maps {
                0 => String::new(),
                n => format!("{n} maps, "),
            };
            let mut summary = format!(
                "Built {} places, {} pages, {} charts, {maps}{} PDFs, {} files ({} KB) in {} ms into {}",
                report.places,
                report.pages,
                report.charts,
                report.pdfs,
                report.files,
                report.bytes / 1024,
                report.millis,
                build::display_path(&root, &report.output),
            );
            if cli.verbose {
                let phases: Vec<String> = report.phases.iter().map(|(name, ms)| format!("{name} {ms} ms")).collect();
                summary.push_str(&format!(" ({})", phases.join(", ")));
                if !no_cache {
                    let size = crate::cache::size(&root);
                    summary.push_str(&format!("; cache {} KB in {}", size / 1024, crate::cache::ROOT));
                }
            }
            (summary, report.warnings.warnings().map(ToString::to_string).collect())
        }
        Command::Serve { root, port, interface, open } => {
            if open {
                open_in_browser(&format!("http://{interface}:{port}/"));
            }
            crate::serve::serve(&crate::serve::ServeOptions { root, interface, port })?;
            (String::new(), Vec::new())
        }
        Command::New { dir } => {
            let files = crate::new::create(&dir)?;
            let summary = format!(
                "Created a site with {files} files in {shown}. Next: salud build --root {shown}, then open {page}",
                shown = dir.display(),
                // Joined by the system's rules: a backslash on Windows.
                page = dir.join("public").join("index.html").display()
            );
            (summary, Vec::new())
        }
        Command::Import { files, recipe, root, source, include_aggregates, parent, dry_run } => {
            let options = ImportOptions { root, files, source, include_aggregates, parent, recipe, dry_run };
            let report = import::import(&options)?;
            (report.summary(), report.into_warnings())
        }
        Command::Template { file, root, place, indicators, years, source } => {
            let options = import::template::TemplateOptions { root, file, place, indicators, years, source };
            (import::template::write(&options)?.summary(), Vec::new())
        }
    };
    let warnings = if cli.quiet { Vec::new() } else { warnings };
    Ok(Outcome { summary, warnings, verbose: cli.verbose, failed })
}

/// Opens `url` in the default browser, the way each system does it. Best effort: the address
/// is printed either way.
fn open_in_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        // `start` is built into cmd; its first quoted argument is a window title.
        let mut command = std::process::Command::new("cmd");
        command.args(["/C", "start", ""]);
        command
    } else {
        std::process::Command::new("xdg-open")
    };
    let _ = command.arg(url).spawn();
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_sound() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
