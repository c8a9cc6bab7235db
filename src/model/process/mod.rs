//! `process`: a persistent pool of worker processes, the analogue of Python's
//! `multiprocessing.Pool`.
//!
//! The workers are child processes of an executable that can serve as worker: the `concbench`
//! binary (its hidden `worker` subcommand), or a bench binary whose `main` calls
//! [`crate::bench_main`], which serves tasks with the registry it was given. The pool starts
//! `<exe> worker` with [`CHILD_ENV`] set to [`CHILD_WORKER`]; [`crate::bench_main`] checks that
//! variable first thing. A bench's own executable (`std::env::current_exe()`) is its worker, so
//! a user's workloads need no second binary. The workers are started, sent the workload spec
//! and prepared outside the timed region;
//! [`Model::run`] then dispatches task indices over pipes and combines the returned checksums.
//!
//! Dispatch is pipelined and chunked, as real pools do: each worker holds up to two units of
//! work in flight (one running, one waiting in its pipe), the next unit going to whichever
//! worker finishes one first; a unit is one task, or for tasks that ship no input a chunk of
//! consecutive tasks in one frame, answered in one write. The chunk size is measured, not set:
//! the first batch of a pool (the warm-up) goes one task per frame, and later batches put as
//! many tasks in a chunk as fit in about 200 µs of the previous batch's mean task time, capped
//! so that each worker still gets at least four chunks ([`chunk`]). Tasks of a millisecond or
//! more therefore go one per frame, and near-empty tasks in chunks of up to hundreds.
//!
//! So `workers` means worker processes, each running one task at a time: the degree of
//! parallelism, as for `threads`. What chunking changes is how many tasks a worker has been
//! handed but not yet run (up to two chunks' worth), and thus how evenly the last tasks of a
//! batch spread: at worst one chunk, about 200 µs, of imbalance at the end of a batch.
//!
//! - [`pool`]: the parent side, [`ProcessPool`];
//! - [`chunk`]: how many tasks go in one frame;
//! - [`worker`]: the child side, served with the registry of the executable it runs in;
//! - [`protocol`]: frames and messages between them.
//!
//! To extend: a new message goes into [`protocol`] (both sides then handle it); a new failure
//! a user can see becomes a [`PoolError`] variant naming the worker, the phase and the exit
//! status.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Model, ModelBuild, ModelConfig, ModelInfo, WorkerUsage};
use crate::error::{Error, Result};
use crate::workload::Workload;

pub mod chunk;
pub mod pool;
pub mod protocol;
mod slot;
pub mod worker;

pub use crate::error::pool::{Phase, PoolError};
pub use pool::{PoolOptions, ProcessPool};
#[doc(hidden)]
pub use protocol::{Fault, FaultKind};

/// The environment variable that tells an executable it was started as a child of concbench
/// (a worker process of the pool, or a probe), not by the user. Its value says which.
pub const CHILD_ENV: &str = "CONCBENCH_CHILD";
/// [`CHILD_ENV`]'s value for a worker process of the pool (started as `<exe> worker`).
pub const CHILD_WORKER: &str = "worker";
/// [`CHILD_ENV`]'s value for a probe (started as `<exe> probe ...`).
pub const CHILD_PROBE: &str = "probe";

/// Registry entry.
pub const INFO: ModelInfo = ModelInfo {
    name: "process",
    workers_are: "worker processes (the concbench binary, or the bench binary itself), started once, fed tasks over pipes, each running one task at a time (2 frames in flight each; near-empty tasks go in chunks sized in the warm-up)",
    fixed_workers: None,
    cpu_parallel: true,
    build,
};

/// Describes how a process ended: `exit status: N`, or `killed by signal N (NAME)`.
pub fn describe_status(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    if let Some(code) = status.code() {
        return format!("exit status: {code}");
    }
    match status.signal() {
        Some(sig) => {
            let name = match sig {
                libc::SIGABRT => " (SIGABRT)",
                libc::SIGBUS => " (SIGBUS)",
                libc::SIGFPE => " (SIGFPE)",
                libc::SIGILL => " (SIGILL)",
                libc::SIGKILL => " (SIGKILL)",
                libc::SIGPIPE => " (SIGPIPE)",
                libc::SIGSEGV => " (SIGSEGV)",
                libc::SIGTERM => " (SIGTERM)",
                _ => "",
            };
            format!("killed by signal {sig}{name}")
        }
        None => status.to_string(),
    }
}

/// The binary to start as workers: `config.worker_exe`, else the running executable if it is
/// the `concbench` binary. Anything else (a test harness, which would not understand
/// `worker`) is refused rather than started; a bench binary that serves as its own worker
/// ([`crate::bench_main`]) passes itself as `worker_exe`.
fn worker_exe(config: &ModelConfig, workers: usize) -> Result<PathBuf> {
    let build_error = |reason: String| Error::Build {
        model: INFO.name.to_string(),
        workers,
        reason,
    };
    let exe = match &config.worker_exe {
        Some(exe) => exe.clone(),
        None => {
            let exe = std::env::current_exe().map_err(|e| {
                build_error(format!(
                    "cannot find the running executable ({e}); set the worker binary explicitly"
                ))
            })?;
            if exe.file_stem().and_then(|s| s.to_str()) != Some("concbench") {
                return Err(build_error(format!(
                    "the running program {} is not the concbench binary; pass an executable that serves as worker as worker_exe: the concbench binary (tests: env!(\"CARGO_BIN_EXE_concbench\")) or a bench whose main calls concbench::bench_main",
                    exe.display()
                )));
            }
            exe
        }
    };
    if !Path::new(&exe).is_file() {
        return Err(build_error(format!(
            "worker binary {} is not a file; build concbench first (cargo build) or pass its path",
            exe.display()
        )));
    }
    Ok(exe)
}

fn build(b: ModelBuild<'_>) -> Result<Box<dyn Model>> {
    let exe = worker_exe(b.config, b.workers)?;
    let options = PoolOptions {
        task_timeout: b.config.task_timeout,
        ..PoolOptions::default()
    };
    let pool = ProcessPool::start(&exe, &b.workload.worker_spec(), b.workers, options)?;
    Ok(Box::new(ProcessModel {
        pool,
        workload: b.workload,
    }))
}

/// The `process` model: a [`ProcessPool`] bound to one workload.
pub struct ProcessModel {
    pool: ProcessPool,
    workload: Arc<dyn Workload>,
}

impl Model for ProcessModel {
    fn run(&mut self) -> Result<u64> {
        Ok(self.pool.run(self.workload.as_ref())?)
    }

    fn finish(self: Box<Self>) -> Result<Vec<WorkerUsage>> {
        Ok(self.pool.shutdown()?)
    }
}
