//! `keypost`: the vault for scripts and power users. Every command is a thin layer over
//! keypost-core; this crate only reads arguments, asks for secrets and prints results.

mod args;
mod commands;
mod error;
mod secrets;
mod sending;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("keypost: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
