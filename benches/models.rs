//! `cargo bench --bench models`: every case of the profile for concbench's own workloads,
//! measured in rounds spread over the whole run, then handed to criterion, then a probe of
//! each case in a fresh process (peak memory, CPU), then one results file for this machine
//! and its report.
//!
//! What it measures: the wall time of one whole batch of a workload's tasks on one model at
//! one worker count. Each case is measured in several rounds (the profile says how many); a
//! round visits every workload in a shuffled order and every case of it (its `sequential`
//! baseline included) in a shuffled order, building the case afresh, verifying one untimed
//! batch against `sequential`'s checksum, then timing batches and verifying each. Models
//! (pools, runtimes, worker processes) are built outside the timed region.
//!
//! criterion stays the front end: once the rounds are done, each case's batches are handed to
//! criterion (one criterion sample per timed batch, through `iter_custom`), so its filter,
//! `--save-baseline`, its comparison with a saved baseline and its HTML report work as usual.
//! Its warm-up and iteration counts are bookkeeping here, not measurements.
//!
//! All of it is [`concbench::bench_main`], the entry point a user's crate calls with its own
//! workloads; this binary is also the worker process of the `process` model and the probe.
//! Settings come from `CONCBENCH_PROFILE` (smoke, quick, default, full), `CONCBENCH_WORKERS`,
//! `CONCBENCH_REPORTS_DIR` and `CONCBENCH_SEED`.

use std::process::ExitCode;

use concbench::workload::Registry;

fn main() -> ExitCode {
    concbench::bench_main(Registry::builtin())
}
