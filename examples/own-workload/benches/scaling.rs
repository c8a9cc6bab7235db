//! `cargo bench --bench scaling`: this crate's two workloads on every concbench model at the
//! profile's worker counts, verified against sequential, timed in rounds under criterion,
//! probed for memory and CPU, written to `reports/<machine>/results.json` with a report.
//! This binary is also the `process` model's worker process: `bench_main` checks that first.

use std::process::ExitCode;

use concbench::workload::Registry;
use own_workload::{COLLATZ, NAP};

fn main() -> ExitCode {
    concbench::bench_main(Registry::of([COLLATZ, NAP]))
}
