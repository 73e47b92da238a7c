//! The command line: what each command accepts, and the one-line summary it ends with.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::build::{self, BuildOptions};
use crate::error::Error;
use crate::import::{self, ImportOptions};

#[derive(Debug, Parser)]
#[command(name = "salud", version, about = "Build a static site of health profiles from TOML data and Markdown narratives")]
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
    },
    /// Add indicator data from World Bank, WHO or ENDES CSV files to data/places/.
    Import {
        /// CSV files to read; their layout is recognised from their first lines.
        #[arg(required = true)]
        files: Vec<PathBuf>,
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
        /// The folder of data/places/ to put new places in (e.g. `peru` for departments).
        #[arg(long)]
        parent: Option<String>,
    },
}

/// What a successful command leaves for `main` to print.
pub struct Outcome {
    pub summary: String,
    pub warnings: Vec<String>,
    pub verbose: bool,
}

pub fn run(cli: Cli) -> Result<Outcome, Error> {
    let (summary, warnings) = match cli.command {
        Command::Build { root, output, base_url } => {
            let report = build::build(&BuildOptions { root: root.clone(), output, base_url })?;
            let mut summary = format!(
                "Built {} places, {} pages, {} charts, {} PDFs, {} files ({} KB) in {} ms into {}",
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
            }
            (summary, report.warnings.warnings().map(ToString::to_string).collect())
        }
        Command::Import { files, root, source, include_aggregates, parent } => {
            let report = import::import(&ImportOptions { root, files, source, include_aggregates, parent })?;
            (report.summary(), report.conflicts)
        }
    };
    let warnings = if cli.quiet { Vec::new() } else { warnings };
    Ok(Outcome { summary, warnings, verbose: cli.verbose })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_sound() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
