//! `threads`: W OS threads started inside the timed region with `std::thread::scope`, each
//! pulling task indices from a shared counter. Spawn cost is included, as in a Python
//! `ThreadPoolExecutor` block.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Model, ModelBuild, ModelInfo};
use crate::checksum::BatchChecksum;
use crate::error::Result;
use crate::task::TaskCtx;
use crate::workload::Workload;

/// Registry entry.
pub const INFO: ModelInfo = ModelInfo {
    name: "threads",
    workers_are: "OS threads, spawned per batch, pulling tasks from a shared counter",
    fixed_workers: None,
    cpu_parallel: true,
    build,
};

fn build(b: ModelBuild<'_>) -> Result<Box<dyn Model>> {
    Ok(Box::new(Threads {
        workload: b.workload,
        workers: b.workers,
    }))
}

/// Scoped OS threads sharing a task counter.
pub struct Threads {
    workload: Arc<dyn Workload>,
    workers: usize,
}

/// Runs `per_thread` on `workers` scoped threads that each claim task indices from one
/// counter until the batch is exhausted, and merges their checksums. `per_thread` receives a
/// closure that claims the next index.
pub(crate) fn scoped_pull<F>(workers: usize, tasks: usize, per_thread: F) -> BatchChecksum
where
    F: Fn(&dyn Fn() -> Option<usize>) -> BatchChecksum + Sync,
{
    let next = AtomicUsize::new(0);
    let claim = || {
        let t = next.fetch_add(1, Ordering::Relaxed);
        (t < tasks).then_some(t)
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| scope.spawn(|| per_thread(&claim)))
            .collect();
        let mut total = BatchChecksum::default();
        for handle in handles {
            match handle.join() {
                Ok(part) => total.merge(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        total
    })
}

impl Model for Threads {
    fn run(&mut self) -> Result<u64> {
        let workload = self.workload.as_ref();
        let sum = scoped_pull(self.workers, workload.tasks(), |claim| {
            let mut part = BatchChecksum::default();
            let mut ctx = TaskCtx::free();
            while let Some(task) = claim() {
                part.add(task, workload.run(task, &mut ctx));
            }
            part
        });
        Ok(sum.value())
    }
}
