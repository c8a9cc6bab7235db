//! `tokio`: a multi-thread tokio runtime with W worker threads, built outside the timed
//! region. Every task is spawned; I/O workloads await their async path, CPU workloads run
//! inline on the runtime's worker threads (so the runtime scales CPU work only as far as
//! its worker threads do).

use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::task::JoinSet;

use super::{Model, ModelBuild, ModelInfo};
use crate::checksum::BatchChecksum;
use crate::error::{Error, Result};
use crate::task::TaskCtx;
use crate::workload::Workload;

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

/// Spawns task `task` of `workload` on the current runtime: its async path if it has one,
/// otherwise its synchronous body inline.
pub(crate) fn spawn_task(
    set: &mut JoinSet<(usize, u64)>,
    workload: &Arc<dyn Workload>,
    task: usize,
    permit: Option<tokio::sync::OwnedSemaphorePermit>,
) {
    match workload.run_async(task) {
        Some(future) => {
            set.spawn(async move {
                let value = future.await;
                drop(permit);
                (task, value)
            });
        }
        None => {
            let workload = workload.clone();
            set.spawn(async move {
                let value = workload.run(task, &mut TaskCtx::free());
                drop(permit);
                (task, value)
            });
        }
    }
}

/// Shuts a runtime down, waiting a bounded time for its threads (a task that never yields
/// cannot hold teardown forever).
pub(crate) fn shut_down(runtime: Runtime) {
    runtime.shutdown_timeout(Duration::from_secs(10));
}

/// Awaits every task in `set` and combines their results.
pub(crate) async fn join_all(mut set: JoinSet<(usize, u64)>) -> BatchChecksum {
    let mut sum = BatchChecksum::default();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((task, value)) => sum.add(task, value),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("tokio task cancelled: {e}"),
        }
    }
    sum
}

/// A multi-thread runtime bound to one workload.
pub struct TokioRuntime {
    workload: Arc<dyn Workload>,
    runtime: Runtime,
}

impl Model for TokioRuntime {
    fn run(&mut self) -> Result<u64> {
        let runtime = &self.runtime;
        let workload = &self.workload;
        let sum = runtime.block_on(async {
            let mut set = JoinSet::new();
            for task in 0..workload.tasks() {
                spawn_task(&mut set, workload, task, None);
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
