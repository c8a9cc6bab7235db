//! The `cargo bench` pipeline around the measurement: everything a bench binary does besides
//! timing.
//!
//! - [`suite`]: which cases a profile holds, the `CONCBENCH_*` settings, which cases a
//!   criterion filter selects, where results go;
//! - [`session`]: one run of the models bench: plan, rounds, probes, results file, summary,
//!   report;
//! - [`merge`]: how a filtered run merges into the results file an earlier run left;
//! - [`probe`]: one case in a fresh process for its peak memory, CPU time and threads;
//! - [`list`]: how the overhead and sync benches add their own lists to the results file;
//! - [`overhead`]: the overhead bench's benchmarks, floors, settings and table;
//! - [`pipe_floor`]: the overhead bench's pipelined pipe floor (many messages in flight).
//! - [`python_twins`]: Python's twins of the overhead figures, measured by a small script.
//!
//! A new bench binary uses [`suite`] for its settings and [`list`] for its records.

pub mod list;
pub mod merge;
pub mod overhead;
pub mod pipe_floor;
pub mod probe;
pub mod python_twins;
pub mod session;
pub mod suite;
