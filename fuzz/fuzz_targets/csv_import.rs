//! Any bytes given to the CSV importer: a preview or a clear error, never a panic.
#![no_main]

use keypost_core::interchange::csv::read_csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(preview) = read_csv(data, None) {
        // Every problem names a real line of the input.
        let lines = data.iter().filter(|&&byte| byte == b'\n').count() as u64 + 1;
        assert!(preview.problems.iter().all(|problem| problem.line <= lines));
    }
});
