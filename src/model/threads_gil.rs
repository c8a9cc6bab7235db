//! `threads-gil`: what CPython's global interpreter lock does to threads.
//!
//! The same W scoped OS threads as `threads`, pulling task indices from a shared counter,
//! except that a thread must hold one emulated interpreter lock ([`crate::gil::Gil`]) to run
//! task code, as a Python thread must hold the GIL to run bytecode. Each thread takes the lock
//! before its first task and lets it go when it runs out of tasks; in between, the lock
//! changes hands in the two places CPython hands it over:
//!
//! - at a `tick()` in a hot loop, once another thread has waited a whole switch interval
//!   (`ModelConfig::gil_switch_interval`, 5 ms by default as `sys.getswitchinterval()`) and
//!   asked for it;
//! - around every wait a task wraps in `blocking()` (sleep, blocking I/O), like
//!   `Py_BEGIN_ALLOW_THREADS`.
//!
//! The teaching point: on CPU-bound workloads only one thread computes at a time, so
//! `threads-gil` is no faster than `sequential` at any worker count (a little slower: lock
//! hand-offs and cold caches), while plain `threads` scale to the core count. On I/O-bound
//! workloads the lock is free during every wait, so `threads-gil` overlaps waits just like
//! `threads` — which is why Python threads do help with I/O.

use std::sync::Arc;
use std::time::Duration;

use super::threads::scoped_pull;
use super::{Model, ModelBuild, ModelInfo};
use crate::checksum::BatchChecksum;
use crate::error::{Result, check_workers};
use crate::gil::{Gil, GilStats};
use crate::task::TaskCtx;
use crate::workload::Workload;

/// Registry entry.
pub const INFO: ModelInfo = ModelInfo {
    name: "threads-gil",
    workers_are: "OS threads that must hold an emulated CPython GIL to run task code",
    fixed_workers: None,
    cpu_parallel: false,
    build,
};

fn build(b: ModelBuild<'_>) -> Result<Box<dyn Model>> {
    Ok(Box::new(ThreadsGil::new(
        b.workload,
        b.workers,
        b.config.gil_switch_interval,
    )?))
}

/// Scoped OS threads sharing a task counter and one emulated interpreter lock.
///
/// The lock is built once, with the model, outside any timed region; its counters add up
/// over every [`Model::run`] and can be read with [`ThreadsGil::gil_stats`].
pub struct ThreadsGil {
    workload: Arc<dyn Workload>,
    workers: usize,
    gil: Gil,
}

impl ThreadsGil {
    /// The model for `workload` on `workers` threads, with a lock whose switch interval is
    /// `switch_interval`. Fails on a worker count of 0 or over the limit.
    pub fn new(
        workload: Arc<dyn Workload>,
        workers: usize,
        switch_interval: Duration,
    ) -> Result<Self> {
        Ok(ThreadsGil {
            workload,
            workers: check_workers(workers)?,
            gil: Gil::new(switch_interval),
        })
    }

    /// How the lock behaved over every run so far.
    pub fn gil_stats(&self) -> GilStats {
        self.gil.stats()
    }

    /// The lock itself.
    pub fn gil(&self) -> &Gil {
        &self.gil
    }
}

impl Model for ThreadsGil {
    fn run(&mut self) -> Result<u64> {
        let workload = self.workload.as_ref();
        let gil = &self.gil;
        let sum = scoped_pull(self.workers, workload.tasks(), |claim| {
            let guard = gil.acquire();
            let mut ctx = TaskCtx::with_gil(&guard);
            let mut part = BatchChecksum::default();
            while let Some(task) = claim() {
                part.add(task, workload.run(task, &mut ctx));
                // Between tasks is a switch point too (the interpreter would be running
                // bytecode there), so workloads that never tick still share the lock.
                ctx.tick();
            }
            part
        });
        Ok(sum.value())
    }
}
