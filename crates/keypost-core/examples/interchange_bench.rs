//! Times CSV export and import of 100,000 entries and a PDF of 1,000 entries.
//!
//! cargo run --release -p keypost-core --example interchange_bench [CSV_ENTRIES] [PDF_ENTRIES]
//!
//! Prints one line per measurement (best and median of the runs) for docs/benchmarks.md.

use keypost_core::entry::{CustomField, Entry};
use keypost_core::interchange::csv::{CsvExportOptions, CsvFormat, read_csv, write_csv};
use keypost_core::interchange::print::{PrintOptions, render_pdf};
use std::error::Error;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const RUNS: usize = 5;

fn sample_entry(index: usize) -> Entry {
    let fields = keypost_core::entry_fields! {
        title: format!("Service {index} — account"),
        username: format!("user{index}@example.com"),
        password: format!("Xk9#q{index}!vL2$zP7@wR4"),
        urls: vec![format!("https://service{index}.example.com/login")],
        notes: if index.is_multiple_of(4) {
            format!("Support PIN {index}\nRecovery e-mail: backup{index}@example.org, \"primary\"")
        } else {
            String::new()
        },
        tags: vec!["work".to_owned(), format!("team-{}", index % 20)],
        folder: format!("Clients/Client {}", index % 50),
        custom_fields: if index.is_multiple_of(10) {
            vec![CustomField {
                name: "Account number".to_owned(),
                value: format!("{index:08}"),
                hidden: true,
            }]
        } else {
            Vec::new()
        },
    };
    Entry::new(fields, OffsetDateTime::now_utc())
}

fn measure(
    label: &str,
    mut run: impl FnMut() -> Result<String, Box<dyn Error>>,
) -> Result<(), Box<dyn Error>> {
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut detail = String::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        detail = run()?;
        times.push(start.elapsed());
    }
    times.sort();
    let best = times.first().copied().unwrap_or_default();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    println!(
        "{label:<44} best {:>8.1} ms  median {:>8.1} ms  ({detail})",
        best.as_secs_f64() * 1000.0,
        median.as_secs_f64() * 1000.0
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let csv_entries: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let pdf_entries: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1_000);
    let entries: Vec<Entry> = (0..csv_entries).map(sample_entry).collect();
    let options = CsvExportOptions::default();

    for format in [CsvFormat::Keypost, CsvFormat::Bitwarden, CsvFormat::Chrome] {
        let mut file = Vec::new();
        measure(
            &format!("CSV export, {csv_entries} entries, {format}"),
            || {
                file.clear();
                write_csv(&entries, format, &options, &mut file)?;
                Ok(format!("{:.1} MiB", file.len() as f64 / (1024.0 * 1024.0)))
            },
        )?;
        measure(
            &format!("CSV import, {csv_entries} entries, {format}"),
            || {
                let preview = read_csv(&file, None)?;
                if preview.entries.len() != csv_entries || preview.format != format {
                    return Err(format!(
                        "read {} entries as {}",
                        preview.entries.len(),
                        preview.format
                    )
                    .into());
                }
                Ok(format!(
                    "{} entries, {} problems",
                    preview.entries.len(),
                    preview.problems.len()
                ))
            },
        )?;
    }

    let print_options = PrintOptions::default();
    let pdf_selection = entries
        .get(..pdf_entries.min(entries.len()))
        .unwrap_or_default();
    measure(&format!("PDF, {} entries, A4", pdf_selection.len()), || {
        let pdf = render_pdf(pdf_selection, &print_options)?;
        Ok(format!("{:.0} KiB", pdf.len() as f64 / 1024.0))
    })?;
    Ok(())
}
