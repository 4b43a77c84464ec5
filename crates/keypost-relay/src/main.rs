//! `keypost-relay`: see `keypost-relay --help` and crates/keypost-relay/README.md.

use std::process::ExitCode;

use clap::Parser;
use keypost_relay::Settings;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let settings = Settings::parse();
    // Logs go to stderr; stdout carries only the "listening on" line.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = match settings.with_file().and_then(Settings::resolve) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("keypost-relay: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("keypost-relay: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(keypost_relay::serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("keypost-relay: {error}");
            ExitCode::FAILURE
        }
    }
}
