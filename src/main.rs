use std::process::ExitCode;

use salud::diagnostic::printable;

/// See Cargo.toml for why.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = <salud::cli::Cli as clap::Parser>::parse();
    let quiet = cli.quiet;
    match salud::cli::run(cli) {
        Ok(outcome) => {
            for warning in outcome.warnings.iter().take(if outcome.verbose { usize::MAX } else { 10 }) {
                eprintln!("{}\n", printable(warning));
            }
            let hidden = outcome.warnings.len().saturating_sub(10);
            if hidden > 0 && !outcome.verbose {
                eprintln!("... and {hidden} more warnings (add --verbose to see them all)\n");
            }
            if !quiet || outcome.failed {
                println!("{}", printable(&outcome.summary));
            }
            if outcome.failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(err) => {
            eprintln!("{}", printable(&err.to_string()));
            ExitCode::FAILURE
        }
    }
}
