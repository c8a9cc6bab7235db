//! concbench runs the same CPU-bound and I/O-bound workloads sequentially, on OS threads, on
//! a rayon pool, on a pool of worker processes and on tokio, at several worker counts, and
//! measures what each execution model buys: speedup, and at what memory cost.
//!
//! The pieces, each with its own module docs:
//! - [`workload`]: named batches of deterministic tasks and their registry;
//! - [`model`]: execution models and their registry (the worker-process pool included);
//! - [`task`]: the context a task runs with ([`task::TaskCtx`]);
//! - [`gil`]: the interpreter-lock emulation behind the `threads-gil` model;
//! - [`measure`]: the one path from a case to timed batches ([`measure::VerifiedCase`]) and
//!   the rounds schedule of the models bench;
//! - [`machine`]: the machine's fingerprint, quiet-machine readings, the calibration kernel
//!   (drift) and a process's own memory and CPU use;
//! - [`runner`] and [`table`]: `concbench run`, a quick look in one block per case, and its
//!   text table; [`sweep`]: the same at several task sizes, with break-even sizes and a chart;
//! - [`bench`]: the `cargo bench` pipeline: which cases run, the session of the models
//!   bench, memory and CPU probes in fresh processes, the lists of the other benches;
//! - [`results`]: the versioned results file and the import of criterion folders (any
//!   baseline) and hyperfine scans;
//! - [`plot`]: the drawing toolkit every chart uses (canvas, axes, legend, styles keyed by
//!   name, line/heatmap/bar renderers, SVG and PNG output);
//! - [`page`]: the self-contained HTML page (`report.html`, `compare.html`) built from a
//!   report's or a comparison's markdown, charts inlined;
//! - [`report`]: charts, `report.md`, `report.html`, `results.csv` and scalability fits;
//! - [`compare`]: two or more results files side by side;
//! - [`slides`]: a 16:9 PDF deck (and its Marp Markdown) from one run or two, with a
//!   takeaway computed from the data under each chart;
//! - [`export`]: a results file in a benchmark tracker's format (Bencher's BMF);
//! - [`sync`]: locks, atomics, queues, wake-ups and semaphores under contention, as
//!   `benches/sync.rs` measures them;
//! - [`entry`]: [`bench_main`], the one entry point of a models bench, concbench's own
//!   (`benches/models.rs`, with [`workload::Registry::builtin`]) or a user's crate's with its
//!   own workloads; the bench binary is also its own worker process and probe;
//! - [`cli`] and [`exit`]: the command line, and how a failed command ends;
//! - [`checksum`], [`profile`], [`error`], [`units`]: shared small pieces ([`units`] writes
//!   every time a reader sees).

pub mod bench;
pub mod checksum;
pub mod cli;
pub mod compare;
pub mod entry;
pub mod error;
pub mod exit;
pub mod export;
pub mod gil;
pub mod machine;
pub mod measure;
pub mod model;
pub mod page;
pub mod plot;
pub mod profile;
pub mod report;
pub mod results;
pub mod runner;
pub mod slides;
pub mod sweep;
pub mod sync;
pub mod table;
pub mod task;
pub mod units;
pub mod workload;

pub use entry::bench_main;
pub use error::{Error, Result};
pub use model::{Model, ModelConfig, ModelInfo};
pub use profile::Profile;
pub use task::TaskCtx;
pub use workload::{Kind, ParamInfo, Registry, Workload, WorkloadInfo, WorkloadSpec};
