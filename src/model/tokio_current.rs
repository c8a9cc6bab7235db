//! `tokio-current`: a current-thread tokio runtime (the asyncio analogue). All tasks are
//! spawned, and a semaphore with W permits bounds how many are in flight. CPU work runs
//! inline on the one thread, so it never speeds up; waits overlap up to W at a time.

use std::sync::Arc;

use tokio::runtime::Runtime;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::tokio_rt::{build_error, join_all, shut_down, spawn_task};
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

/// A current-thread runtime bound to one workload.
pub struct TokioCurrent {
    workload: Arc<dyn Workload>,
    in_flight: usize,
    runtime: Runtime,
}

impl Model for TokioCurrent {
    fn run(&mut self) -> Result<u64> {
        let runtime = &self.runtime;
        let workload = &self.workload;
        let permits = Arc::new(Semaphore::new(self.in_flight));
        let sum = runtime.block_on(async {
            let mut set = JoinSet::new();
            for task in 0..workload.tasks() {
                let permit = permits
                    .clone()
                    .acquire_owned()
                    .await
                    .expect("the semaphore is never closed");
                spawn_task(&mut set, workload, task, Some(permit));
            }
            join_all(set).await
        });
        Ok(sum.value())
    }

    fn finish(self: Box<Self>) -> Result<Vec<super::WorkerUsage>> {
        shut_down(self.runtime);
        Ok(Vec::new())
    }
}
