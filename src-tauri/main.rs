//! The Keypost desktop app's entry point; everything lives in the library (src-tauri/lib.rs).

// Without this a console window opens next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    keypost_app::run()
}
