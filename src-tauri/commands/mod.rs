//! The `#[tauri::command]`s: each parses its input, makes one core call and maps the result.
//! Grouped by screen; the full list is in `lib.rs` (`invoke_handler`) and src-tauri/README.md.

pub mod bulk;
pub mod entries;
pub mod files;
pub mod session;
pub mod sharing;
