//! Any bytes given to the CSV importer: a preview or a clear error, never a panic.
#![no_main]

use keypost_core::interchange::csv::read_csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(preview) = read_csv(data, None) {
        // Every problem names a real line of the input. CSV ends a line at LF, CRLF or a lone
        // CR, so each LF and each CR not followed by LF starts a new line.
        let breaks = data
            .iter()
            .enumerate()
            .filter(|&(at, &byte)| {
                byte == b'\n' || (byte == b'\r' && data.get(at + 1) != Some(&b'\n'))
            })
            .count();
        let lines = breaks as u64 + 1;
        assert!(preview.problems.iter().all(|problem| problem.line <= lines));
    }
});
