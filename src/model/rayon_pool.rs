//! `rayon`: a `rayon::ThreadPool` of W threads built outside the timed region; the batch is
//! a `par_iter` over task indices, split and balanced by work stealing.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use rayon::prelude::*;

use super::{Model, ModelBuild, ModelInfo};
use crate::checksum::BatchChecksum;
use crate::error::{Error, Result};
use crate::task::TaskCtx;
use crate::workload::Workload;

/// Registry entry.
pub const INFO: ModelInfo = ModelInfo {
    name: "rayon",
    workers_are: "threads of a rayon pool built once; tasks balanced by work stealing",
    fixed_workers: None,
    cpu_parallel: true,
    build,
};

/// Counts the pool's live threads so teardown can wait for them: dropping a rayon pool only
/// asks its threads to stop.
type LiveThreads = Arc<(Mutex<usize>, Condvar)>;

fn build(b: ModelBuild<'_>) -> Result<Box<dyn Model>> {
    let live: LiveThreads = Arc::new((Mutex::new(0), Condvar::new()));
    let (on_start, on_exit) = (live.clone(), live.clone());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(b.workers)
        .thread_name(|i| format!("concbench-rayon-{i}"))
        .start_handler(move |_| {
            *on_start.0.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        })
        .exit_handler(move |_| {
            let (count, cond) = &*on_exit;
            *count.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
            cond.notify_all();
        })
        .build()
        .map_err(|e| Error::Build {
            model: INFO.name.to_string(),
            workers: b.workers,
            reason: e.to_string(),
        })?;
    Ok(Box::new(RayonPool {
        workload: b.workload,
        pool: Some(pool),
        live,
    }))
}

/// A rayon pool bound to one workload.
pub struct RayonPool {
    workload: Arc<dyn Workload>,
    pool: Option<rayon::ThreadPool>,
    live: LiveThreads,
}

impl Model for RayonPool {
    fn run(&mut self) -> Result<u64> {
        let workload = self.workload.as_ref();
        let pool = self.pool.as_ref().expect("pool lives until finish");
        let sum = pool.install(|| {
            (0..workload.tasks())
                .into_par_iter()
                .fold(BatchChecksum::default, |mut part, task| {
                    part.add(task, workload.run(task, &mut TaskCtx::free()));
                    part
                })
                .reduce(BatchChecksum::default, |mut a, b| {
                    a.merge(b);
                    a
                })
        });
        Ok(sum.value())
    }

    fn finish(mut self: Box<Self>) -> Result<Vec<super::WorkerUsage>> {
        drop(self.pool.take());
        let (count, cond) = &*self.live;
        let guard = count.lock().unwrap_or_else(|e| e.into_inner());
        // The pool's threads exit promptly once it is dropped; the bound only guards
        // against a task that never returns.
        let _ = cond.wait_timeout_while(guard, Duration::from_secs(10), |n| *n > 0);
        Ok(Vec::new())
    }
}
