//! concbench runs the same CPU-bound and I/O-bound workloads sequentially, on OS threads, on
//! a rayon pool, on a pool of worker processes and on tokio, at several worker counts, and
//! measures what each execution model buys: speedup, and at what memory cost.
//!
//! The pieces, each with its own module docs:
//! - [`workload`]: named batches of deterministic tasks and their registry;
//! - [`model`]: execution models and their registry;
//! - [`task`]: the context a task runs with ([`task::TaskCtx`]);
//! - [`gil`]: the interpreter-lock emulation behind the `threads-gil` model;
//! - [`runner`]: builds, verifies and times cases;
//! - [`table`]: the seed-style text table;
//! - [`cli`]: the command line.

pub mod checksum;
pub mod cli;
pub mod compare;
pub mod error;
pub mod gil;
pub mod machine;
pub mod model;
pub mod probe;
pub mod profile;
pub mod report;
pub mod results;
pub mod runner;
pub mod session;
pub mod suite;
pub mod table;
pub mod task;
pub mod usage;
pub mod workload;

pub use error::{Error, Result};
pub use model::{Model, ModelConfig, ModelInfo};
pub use profile::Profile;
pub use task::TaskCtx;
pub use workload::{Kind, Workload, WorkloadInfo, WorkloadSpec};
