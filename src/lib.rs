//! concbench runs the same CPU-bound and I/O-bound workloads sequentially, on OS threads, on
//! a rayon pool, on a pool of worker processes and on tokio, at several worker counts, and
//! measures what each execution model buys: speedup, and at what memory cost.
//!
//! The pieces, each with its own module docs:
//! - [`workload`]: named batches of deterministic tasks and their registry;
//! - [`model`]: execution models and their registry (the worker-process pool included);
//! - [`task`]: the context a task runs with ([`task::TaskCtx`]);
//! - [`gil`]: the interpreter-lock emulation behind the `threads-gil` model;
//! - [`runner`] and [`table`]: `concbench run`, build-verify-time and its text table;
//! - [`suite`], [`session`], [`probe`], [`machine`], [`usage`]: the `cargo bench` pipeline:
//!   which cases run, memory and CPU probes in fresh processes, the machine's fingerprint;
//!   [`bench_list`]: how the overhead and sync benches add their lists to the results file;
//! - [`results`]: the versioned results file and the import of criterion's output;
//! - [`report`]: charts, `report.md`, `results.csv` and scalability fits;
//! - [`compare`]: two or more results files side by side;
//! - [`sync`]: locks, atomics, queues, wake-ups and semaphores under contention, as
//!   `benches/sync.rs` measures them;
//! - [`cli`]: the command line;
//! - [`checksum`], [`profile`], [`error`]: shared small pieces.

pub mod bench_list;
pub mod checksum;
pub mod cli;
pub mod compare;
pub mod error;
pub mod exit;
pub mod gil;
pub mod machine;
pub mod measure;
pub mod model;
pub mod probe;
pub mod profile;
pub mod report;
pub mod results;
pub mod runner;
pub mod session;
pub mod suite;
pub mod sync;
pub mod table;
pub mod task;
pub mod usage;
pub mod workload;

pub use error::{Error, Result};
pub use model::{Model, ModelConfig, ModelInfo};
pub use profile::Profile;
pub use task::TaskCtx;
pub use workload::{Kind, Workload, WorkloadInfo, WorkloadSpec};
