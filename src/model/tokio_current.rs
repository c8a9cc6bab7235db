//! `tokio-current`: a current-thread tokio runtime (the asyncio analogue). All tasks are
//! spawned, and a semaphore with W permits bounds how many are in flight. CPU work runs
//! inline on the one thread, so it never speeds up; waits overlap up to W at a time. A task
//! without an async path cannot wait, so it takes a permit only while tasks that can are in
//! flight.
//!
//! The batch's driver (the loop that takes a permit and spawns the next task) is itself a
//! task of the runtime ([`super::tokio_rt::run_on_runtime`]): a finishing task that hands
//! its permit back puts the driver on the run queue behind the other tasks. As the future of
//! `block_on` it would run only once the run queue is empty, and tokio polls its I/O driver
//! (a system call) before it polls that future: once every W tasks.

use std::sync::Arc;

use tokio::runtime::Runtime;
use tokio::sync::OwnedSemaphorePermit;
use tokio::sync::Semaphore;

use super::tokio_rt::{build_error, join_all, run_on_runtime, shut_down, spawn_async, spawn_sync};
use super::{Model, ModelBuild, ModelInfo};
use crate::error::Result;
use crate::workload::Workload;

/// Registry entry.
pub const INFO: ModelInfo = ModelInfo {
    name: "tokio-current",
    workers_are: "tasks in flight on one thread (a semaphore bounds them), like asyncio",
    fixed_workers: None,
    cpu_parallel: false,
    build,
};

fn build(b: ModelBuild<'_>) -> Result<Box<dyn Model>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| build_error(INFO.name, b.workers, e))?;
    Ok(Box::new(TokioCurrent {
        workload: b.workload,
        in_flight: b.workers,
        runtime,
    }))
}

/// One permit of `permits`, waiting for it if all are taken.
async fn acquire(permits: &Arc<Semaphore>) -> OwnedSemaphorePermit {
    permits
        .clone()
        .acquire_owned()
        .await
        .expect("the semaphore is never closed")
}

/// A current-thread runtime bound to one workload.
pub struct TokioCurrent {
    workload: Arc<dyn Workload>,
    in_flight: usize,
    runtime: Runtime,
}

impl Model for TokioCurrent {
    fn run(&mut self) -> Result<u64> {
        let workload = self.workload.clone();
        let in_flight = self.in_flight;
        let permits = Arc::new(Semaphore::new(in_flight));
        let sum = run_on_runtime(&self.runtime, async move {
            let mut handles = Vec::with_capacity(workload.tasks());
            for task in 0..workload.tasks() {
                let handle = match workload.run_async(task) {
                    // A task without an async path never suspends: once polled it runs to
                    // its end, and nothing else runs on this thread meanwhile. With no task
                    // that can wait in flight, it needs no permit (tasks spawned after it
                    // start after it), and skipping the semaphore keeps CPU batches at
                    // the price of spawn + await.
                    None if permits.available_permits() == in_flight => {
                        spawn_sync(&workload, task, None)
                    }
                    None => spawn_sync(&workload, task, Some(acquire(&permits).await)),
                    Some(future) => spawn_async(future, task, Some(acquire(&permits).await)),
                };
                handles.push(handle);
            }
            join_all(handles).await
        });
        Ok(sum.value())
    }

    fn finish(self: Box<Self>) -> Result<Vec<super::WorkerUsage>> {
        shut_down(self.runtime);
        Ok(Vec::new())
    }
}
