//! Writes the pickup test vectors to `tests/vectors/pickup/` (docs/spec/pickup.md, "Test
//! vectors"). Run after a deliberate format change, then review the diff:
//! `cargo run -p keypost-protocol --example make_vectors`.

use std::fs;
use std::path::PathBuf;

#[path = "../tests/support/vectors.rs"]
mod generator;

use generator::pickup_vectors;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/pickup");
    fs::create_dir_all(&dir)?;
    // Remove the old files first, so a renamed or dropped vector does not linger.
    for entry in fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            fs::remove_file(path)?;
        }
    }
    let vectors = pickup_vectors()?;
    for vector in &vectors {
        fs::write(dir.join(vector.file_name()), vector.file_text())?;
    }
    println!("wrote {} vectors to {}", vectors.len(), dir.display());
    Ok(())
}
