//! `sleep`: each task waits a fixed latency. Threads and async overlap waits; cores do not
//! matter, so speedup follows the worker count far past the number of cores.
//!
//! Sync models sleep with `std::thread::sleep` inside `ctx.blocking` (so `threads-gil`
//! releases its lock, as CPython does around a blocking call); the tokio models await
//! `tokio::time::sleep`.

use std::sync::Arc;
use std::time::Duration;

use super::{Kind, ParamInfo, TASKS_PARAM, TaskFuture, Workload, WorkloadInfo, WorkloadSpec};
use crate::checksum::mix64;
use crate::error::Result;
use crate::profile::Profile;
use crate::task::TaskCtx;

/// Its parameters.
pub const PARAMS: &[ParamInfo] = &[
    TASKS_PARAM,
    ParamInfo {
        name: "ms",
        min: 0,
        max: 60_000,
        meaning: "wait per task, in ms",
    },
];

/// Registry entry.
pub const INFO: WorkloadInfo = WorkloadInfo {
    name: "sleep",
    kind: Kind::Io,
    disk_io: false,
    teaches: "threads and async overlap waits; cores do not matter",
    task: "wait a fixed latency (std sleep, or tokio sleep on the tokio models)",
    params: PARAMS,
    spec_for,
    build,
};

fn spec_for(profile: Profile) -> WorkloadSpec {
    let (tasks, ms) = match profile {
        Profile::Smoke => (16, 2),
        Profile::Quick => (32, 5),
        Profile::Default => (32, 10),
        Profile::Full => (256, 10),
    };
    WorkloadSpec::new(INFO.name)
        .with("tasks", tasks)
        .with("ms", ms)
}

fn build(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    Ok(Arc::new(Sleep {
        tasks: spec.declared(PARAMS, "tasks")? as usize,
        latency: Duration::from_millis(spec.declared(PARAMS, "ms")?),
        spec: spec.clone(),
    }))
}

/// Waits `ms` milliseconds per task.
pub struct Sleep {
    spec: WorkloadSpec,
    tasks: usize,
    latency: Duration,
}

fn task_value(task: usize, latency: Duration) -> u64 {
    mix64(task as u64 ^ (latency.as_millis() as u64) << 40)
}

impl Workload for Sleep {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.tasks
    }

    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        ctx.blocking(|| std::thread::sleep(self.latency));
        task_value(task, self.latency)
    }

    fn run_async(&self, task: usize) -> Option<TaskFuture> {
        let latency = self.latency;
        Some(Box::pin(async move {
            tokio::time::sleep(latency).await;
            task_value(task, latency)
        }))
    }
}
