//! `apigen`: see `apigen --help` and docs/generator.md.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Usage errors exit with status 2 (clap), like any other error below.
    let cli = apigen_cli::Cli::parse();
    match apigen_cli::run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
