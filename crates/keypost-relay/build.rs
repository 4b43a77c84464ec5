//! Embeds the built pickup page (page/dist, made by `npm run build` in page/) in the relay
//! binary: writes `$OUT_DIR/page_assets.rs` with `include_str!`/`include_bytes!` of each file,
//! which src/page.rs includes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const NOT_BUILT: &str = "the pickup page is not built (crates/keypost-relay/page/dist/index.html is missing).\n\
    Build it first:\n    npm --prefix crates/keypost-relay/page install\n    npm --prefix crates/keypost-relay/page run build\n\
    (`scripts/dev setup` does both.)";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let dist = manifest_dir.join("page").join("dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    let index = dist.join("index.html");
    if !index.is_file() {
        return Err(NOT_BUILT.into());
    }
    let mut assets = Vec::new();
    let assets_dir = dist.join("assets");
    if assets_dir.is_dir() {
        for item in std::fs::read_dir(&assets_dir)? {
            let path = item?.path();
            if path.is_file() {
                assets.push(path);
            }
        }
    }
    assets.sort();
    let mut code = String::new();
    writeln!(code, "/// dist/index.html, served at `GET /p/{{id}}`.")?;
    writeln!(
        code,
        "const INDEX_HTML: &str = include_str!({});",
        literal(&index)?
    )?;
    writeln!(
        code,
        "/// dist/assets/*: (file name, bytes), served at `GET /p/assets/{{file}}`."
    )?;
    writeln!(code, "static ASSETS: &[(&str, &[u8])] = &[")?;
    for path in &assets {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .ok_or_else(|| format!("asset file name is not UTF-8: {}", path.display()))?;
        writeln!(code, "    ({name:?}, include_bytes!({})),", literal(path)?)?;
    }
    writeln!(code, "];")?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("page_assets.rs");
    std::fs::write(out, code)?;
    Ok(())
}

/// A Rust string literal of an absolute path.
fn literal(path: &Path) -> Result<String, String> {
    path.to_str()
        .map(|text| format!("{text:?}"))
        .ok_or_else(|| format!("path is not UTF-8: {}", path.display()))
}
