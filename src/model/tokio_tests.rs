//! Tests of the two tokio models: batches of one and of many verify against sequential on
//! both the synchronous and the async path, `tokio-current` keeps its bound on tasks in
//! flight, and a task's panic reaches the caller of `run`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::{self, ModelConfig};
use crate::task::TaskCtx;
use crate::workload::{self, TaskFuture, Workload, WorkloadSpec};

const MODELS: [&str; 2] = ["tokio", "tokio-current"];

/// A batch of tiny tasks whose async path (when on) yields once, counting how many tasks
/// are between their start and their end at once.
struct Probe {
    spec: WorkloadSpec,
    tasks: usize,
    async_path: bool,
    panic_at: Option<usize>,
    live: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl Probe {
    fn new(tasks: usize, async_path: bool, panic_at: Option<usize>) -> Arc<Probe> {
        Arc::new(Probe {
            spec: WorkloadSpec::new("probe"),
            tasks,
            async_path,
            panic_at,
            live: Arc::default(),
            peak: Arc::default(),
        })
    }
}

fn value(task: usize, panic_at: Option<usize>) -> u64 {
    assert_ne!(Some(task), panic_at, "probe task {task} fails");
    (task as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 7
}

impl Workload for Probe {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.tasks
    }

    fn run(&self, task: usize, _ctx: &mut TaskCtx<'_>) -> u64 {
        value(task, self.panic_at)
    }

    fn run_async(&self, task: usize) -> Option<TaskFuture> {
        if !self.async_path {
            return None;
        }
        let (live, peak, panic_at) = (self.live.clone(), self.peak.clone(), self.panic_at);
        Some(Box::pin(async move {
            let now = live.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            tokio::task::yield_now().await;
            live.fetch_sub(1, Ordering::SeqCst);
            value(task, panic_at)
        }))
    }
}

fn build(name: &str, workload: Arc<Probe>, workers: usize) -> Box<dyn model::Model> {
    model::build(
        model::find(name).unwrap(),
        workload,
        workers,
        &ModelConfig::default(),
    )
    .unwrap()
}

#[test]
fn batches_of_one_and_of_many_verify_on_both_paths() {
    for name in MODELS {
        for tasks in [1, 1000] {
            for async_path in [false, true] {
                let probe = Probe::new(tasks, async_path, None);
                let want = workload::reference_checksum(probe.as_ref());
                for workers in [1, 2] {
                    let mut built = build(name, probe.clone(), workers);
                    for round in 0..3 {
                        assert_eq!(
                            built.run().unwrap(),
                            want,
                            "{name} x{workers}, {tasks} tasks, async {async_path}, run {round}"
                        );
                    }
                    built.finish().unwrap();
                }
            }
        }
    }
}

#[test]
fn tokio_current_keeps_at_most_its_workers_in_flight() {
    for workers in [1, 3] {
        let probe = Probe::new(50, true, None);
        let mut built = build("tokio-current", probe.clone(), workers);
        built.run().unwrap();
        built.finish().unwrap();
        // Each task yields once while in flight, so the bound is reached and never passed.
        assert_eq!(probe.peak.load(Ordering::SeqCst), workers);
        assert_eq!(probe.live.load(Ordering::SeqCst), 0);
    }
}

#[test]
fn a_task_panic_reaches_the_caller() {
    for name in MODELS {
        for async_path in [false, true] {
            let probe = Probe::new(20, async_path, Some(7));
            let mut built = build(name, probe, 2);
            let caught = catch_unwind(AssertUnwindSafe(|| built.run()))
                .expect_err("a panicking task must not give a checksum");
            let message = caught.downcast_ref::<String>().cloned().unwrap_or_default();
            assert!(
                message.contains("probe task 7 fails"),
                "{name}, async {async_path}: {message:?}"
            );
            built.finish().unwrap();
        }
    }
}
