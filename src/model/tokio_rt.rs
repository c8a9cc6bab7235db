//! `tokio`: a multi-thread tokio runtime with W worker threads, built outside the timed
//! region. Every task is spawned; I/O workloads await their async path, CPU workloads run
//! inline on the runtime's worker threads (so the runtime scales CPU work only as far as
//! its worker threads do).
//!
//! The batch is driven from a runtime worker, not from the calling thread: [`run_on_runtime`]
//! spawns one driver task that spawns the batch's tasks and awaits them, and the caller only
//! waits for the driver's result. Spawned from a worker, tasks go to that worker's own queue
//! and wake their driver on the same thread; driven by `block_on` on the caller, every spawn
//! and every completion would cross between the caller and the workers. What stays is one
//! hand-over of the batch to a worker and one of its checksum back to the caller.
//!
//! The helpers here ([`spawn_async`], [`spawn_sync`], [`join_all`], [`run_on_runtime`]) are shared with
//! `tokio-current`.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::sync::OwnedSemaphorePermit;
use tokio::task::JoinHandle;

use super::{Model, ModelBuild, ModelInfo};
use crate::checksum::BatchChecksum;
use crate::error::{Error, Result};
use crate::task::TaskCtx;
use crate::workload::{TaskFuture, Workload};

/// Registry entry.
pub const INFO: ModelInfo = ModelInfo {
    name: "tokio",
    workers_are: "worker threads of a multi-thread tokio runtime; one spawned task per task",
    fixed_workers: None,
    cpu_parallel: true,
    build,
};

fn build(b: ModelBuild<'_>) -> Result<Box<dyn Model>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(b.workers)
        .thread_name("concbench-tokio")
        .enable_all()
        .build()
        .map_err(|e| build_error(INFO.name, b.workers, e))?;
    Ok(Box::new(TokioRuntime {
        workload: b.workload,
        runtime,
    }))
}

pub(crate) fn build_error(model: &str, workers: usize, e: std::io::Error) -> Error {
    Error::Build {
        model: model.to_string(),
        workers,
        reason: format!("tokio runtime: {e}"),
    }
}

/// Spawns task `task` of `workload` on the runtime of the calling task: its async path if it
/// has one, otherwise its synchronous body inline. `permit`, if any, is released when the
/// task ends. Panics outside a runtime.
fn spawn_task(
    workload: &Arc<dyn Workload>,
    task: usize,
    permit: Option<OwnedSemaphorePermit>,
) -> JoinHandle<(usize, u64)> {
    match workload.run_async(task) {
        Some(future) => spawn_async(future, task, permit),
        None => spawn_sync(workload, task, permit),
    }
}

/// Spawns `future`, the async path of task `task`; `permit` is released when it ends.
pub(crate) fn spawn_async(
    future: TaskFuture,
    task: usize,
    permit: Option<OwnedSemaphorePermit>,
) -> JoinHandle<(usize, u64)> {
    tokio::spawn(async move {
        let value = future.await;
        drop(permit);
        (task, value)
    })
}

/// Spawns the synchronous body of task `task` of `workload`, run inline on the runtime
/// thread that polls it; `permit` is released when it ends.
pub(crate) fn spawn_sync(
    workload: &Arc<dyn Workload>,
    task: usize,
    permit: Option<OwnedSemaphorePermit>,
) -> JoinHandle<(usize, u64)> {
    let workload = workload.clone();
    tokio::spawn(async move {
        let value = workload.run(task, &mut TaskCtx::free());
        drop(permit);
        (task, value)
    })
}

/// Shuts a runtime down, waiting a bounded time for its threads (a task that never yields
/// cannot hold teardown forever).
pub(crate) fn shut_down(runtime: Runtime) {
    runtime.shutdown_timeout(Duration::from_secs(10));
}

/// Awaits every task in `handles`, in order, and combines their results. A task's panic is
/// resumed in the awaiting task.
pub(crate) async fn join_all(handles: Vec<JoinHandle<(usize, u64)>>) -> BatchChecksum {
    let mut sum = BatchChecksum::default();
    for handle in handles {
        match handle.await {
            Ok((task, value)) => sum.add(task, value),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("tokio task cancelled: {e}"),
        }
    }
    sum
}

/// Runs `driver` as a task of `runtime` (on one of its workers; on a current-thread runtime,
/// on the thread inside `block_on`) and waits on the calling thread for its result. A panic
/// of the driver (a task's panic it resumed) is resumed on the calling thread, as a panic
/// inside `block_on` would be.
///
/// The driver is spawned from inside `block_on`, so that on a current-thread runtime it goes
/// straight to the local run queue (spawning from outside would wake the runtime's I/O
/// driver); on a multi-thread runtime both ways hand it to a worker alike.
pub(crate) fn run_on_runtime<F>(runtime: &Runtime, driver: F) -> BatchChecksum
where
    F: Future<Output = BatchChecksum> + Send + 'static,
{
    match runtime.block_on(async { tokio::spawn(driver).await }) {
        Ok(sum) => sum,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("tokio batch driver cancelled: {e}"),
    }
}

/// A multi-thread runtime bound to one workload.
pub struct TokioRuntime {
    workload: Arc<dyn Workload>,
    runtime: Runtime,
}

impl Model for TokioRuntime {
    fn run(&mut self) -> Result<u64> {
        let workload = self.workload.clone();
        let sum = run_on_runtime(&self.runtime, async move {
            let handles = (0..workload.tasks())
                .map(|task| spawn_task(&workload, task, None))
                .collect();
            join_all(handles).await
        });
        Ok(sum.value())
    }

    fn finish(self: Box<Self>) -> Result<Vec<super::WorkerUsage>> {
        shut_down(self.runtime);
        Ok(Vec::new())
    }
}

#[cfg(test)]
#[path = "tokio_tests.rs"]
mod tests;
