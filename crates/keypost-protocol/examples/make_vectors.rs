//! Writes the pickup and inbox test vectors to `tests/vectors/pickup/` and
//! `tests/vectors/inbox/` (docs/spec/pickup.md and docs/spec/inbox.md, "Test vectors"), and the
//! pickup page's table of the code points a passphrase may not hold. Run
//! after a deliberate format change, then review the diff:
//! `cargo run -p keypost-protocol --example make_vectors`.

use std::fs;
use std::path::PathBuf;

#[path = "../tests/support/vectors.rs"]
mod generator;
#[path = "../tests/support/inbox_vectors.rs"]
mod inbox_generator;

use generator::{UNASSIGNED_TABLE_PATH, Vector, pickup_vectors, unassigned_table};
use inbox_generator::inbox_vectors;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    write_vectors("pickup", &pickup_vectors()?)?;
    write_vectors("inbox", &inbox_vectors()?)?;
    let table = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(UNASSIGNED_TABLE_PATH);
    fs::write(&table, unassigned_table())?;
    println!("wrote {}", table.display());
    Ok(())
}

fn write_vectors(folder: &str, vectors: &[Vector]) -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(folder);
    fs::create_dir_all(&dir)?;
    // Remove the old files first, so a renamed or dropped vector does not linger.
    for entry in fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            fs::remove_file(path)?;
        }
    }
    for vector in vectors {
        fs::write(dir.join(vector.file_name()), vector.file_text())?;
    }
    println!("wrote {} vectors to {}", vectors.len(), dir.display());
    Ok(())
}
