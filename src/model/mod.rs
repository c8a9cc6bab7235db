//! Execution models: ways to run a batch of tasks.
//!
//! A model is built once per (workload, workers) outside any timed region — pools, runtimes
//! and worker processes included — and then [`Model::run`] executes the whole batch and
//! returns the order-independent batch checksum. [`Model::finish`] tears it down explicitly;
//! no model leaves a thread or a process behind. [`build`] wraps every model so that each run
//! is one batch in the sense of [`crate::workload::run_batch`] (batch start, shared state
//! folded into the checksum); a model's own `run` only runs the tasks. The batch start is
//! the untimed step [`Model::before_batch`]: [`crate::measure::VerifiedCase`] calls it outside
//! the timer, and a `run` without it starts the batch itself.
//!
//! To add a model: write one file with a `pub const INFO: ModelInfo` and a type implementing
//! [`Model`], then add one line to [`MODELS`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check_workers};
use crate::workload::{BatchOwner, Workload};

pub mod process;
pub mod rayon_pool;
pub mod sequential;
pub mod threads;
pub mod threads_gil;
pub mod tokio_current;
pub mod tokio_rt;

/// Every model, in the order tables and charts show them.
pub const MODELS: &[ModelInfo] = &[
    sequential::INFO,
    threads::INFO,
    rayon_pool::INFO,
    process::INFO,
    tokio_rt::INFO,
    tokio_current::INFO,
    threads_gil::INFO,
];

/// A built model, bound to one workload and one worker count.
pub trait Model: Send {
    /// Runs every task of the workload once and returns the batch checksum.
    fn run(&mut self) -> Result<u64>;

    /// Gets the next batch ready outside the timed region (resets the workload's shared
    /// state, drops what another model's runtime owned). Optional: a `run` not preceded by
    /// it does the same itself, inside whatever timer surrounds it.
    fn before_batch(&mut self) -> Result<()> {
        Ok(())
    }

    /// Tears the model down, waiting for its threads and processes to end. Worker processes
    /// report what they used.
    fn finish(self: Box<Self>) -> Result<Vec<WorkerUsage>> {
        Ok(Vec::new())
    }
}

/// What one worker process used, as it measured itself at shutdown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WorkerUsage {
    /// The worker's process id.
    pub pid: u32,
    /// Its peak resident set size, in bytes.
    pub peak_rss_bytes: u64,
    /// User CPU time spent serving tasks (after start-up and `prepare`), in seconds.
    pub user_cpu_s: f64,
    /// System CPU time spent serving tasks, in seconds.
    pub sys_cpu_s: f64,
}

/// Settings shared by every model build.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    /// The executable the process model starts as workers: the `concbench` binary, or a
    /// bench binary that serves as its own worker ([`crate::bench_main`]). `None` falls back
    /// to the running executable when that is the `concbench` binary.
    pub worker_exe: Option<PathBuf>,
    /// The `threads-gil` switch interval.
    pub gil_switch_interval: Duration,
    /// How long a worker process may take over one task before it is declared hung.
    pub task_timeout: Duration,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            worker_exe: None,
            gil_switch_interval: crate::gil::DEFAULT_SWITCH_INTERVAL,
            task_timeout: Duration::from_secs(120),
        }
    }
}

/// The arguments of a model's builder.
pub struct ModelBuild<'a> {
    /// The workload the model will run.
    pub workload: Arc<dyn Workload>,
    /// Its degree of concurrency.
    pub workers: usize,
    /// Shared settings.
    pub config: &'a ModelConfig,
}

/// A registry entry.
#[derive(Clone, Copy)]
pub struct ModelInfo {
    /// Registry name.
    pub name: &'static str,
    /// What "workers" means for this model.
    pub workers_are: &'static str,
    /// `Some(n)` when the model ignores the requested worker count (sequential: 1).
    pub fixed_workers: Option<usize>,
    /// True when CPU-bound tasks can run on up to `workers` CPUs at once (threads, rayon,
    /// processes, tokio's worker threads); false when they take turns on one (the calling
    /// thread, one event-loop thread, or the emulated GIL).
    pub cpu_parallel: bool,
    /// Builds the model outside any timed region.
    pub build: fn(ModelBuild<'_>) -> Result<Box<dyn Model>>,
}

impl ModelInfo {
    /// The worker count this model really uses when `requested` is asked for.
    pub fn effective_workers(&self, requested: usize) -> usize {
        self.fixed_workers.unwrap_or(requested)
    }

    /// The most CPUs this model's CPU-bound tasks can keep busy at once with `workers`
    /// workers on a machine with `usable_cpus` CPUs: `min(workers, usable_cpus)` when they
    /// run in parallel, else 1. A `cpu`-kind speedup above it is more than the machine can
    /// give.
    pub fn cpu_ceiling(&self, workers: usize, usable_cpus: usize) -> usize {
        if self.cpu_parallel {
            self.effective_workers(workers).min(usable_cpus).max(1)
        } else {
            1
        }
    }

    /// The worker counts this model really runs for a requested list, ascending and without
    /// repeats (sequential: just 1).
    pub fn worker_counts(&self, requested: &[usize]) -> Vec<usize> {
        let mut out: Vec<usize> = requested
            .iter()
            .map(|&w| self.effective_workers(w))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Looks a model up by name.
pub fn find(name: &str) -> Result<&'static ModelInfo> {
    MODELS
        .iter()
        .find(|m| m.name == name)
        .ok_or_else(|| Error::UnknownModel {
            name: name.to_string(),
            valid: names().join(", "),
        })
}

/// Every model name.
pub fn names() -> Vec<&'static str> {
    MODELS.iter().map(|m| m.name).collect()
}

/// Sorts model names into registry order; names outside the registry go last, by name.
pub fn sort_models(models: &mut [&str]) {
    let rank = |m: &str| {
        MODELS
            .iter()
            .position(|info| info.name == m)
            .unwrap_or(usize::MAX)
    };
    models.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
}

/// Parses a comma-separated model list; `all` means every model.
pub fn parse_list(text: &str) -> Result<Vec<&'static ModelInfo>> {
    let mut out: Vec<&'static ModelInfo> = Vec::new();
    for name in text.split(',').map(str::trim) {
        if name == "all" {
            return Ok(MODELS.iter().collect());
        }
        let info = find(name)?;
        if !out.iter().any(|m| m.name == info.name) {
            out.push(info);
        }
    }
    Ok(out)
}

/// Builds model `info` for `workload` with `workers`, checking the worker count.
pub fn build(
    info: &ModelInfo,
    workload: Arc<dyn Workload>,
    workers: usize,
    config: &ModelConfig,
) -> Result<Box<dyn Model>> {
    let workers = info.effective_workers(check_workers(workers)?);
    let inner = (info.build)(ModelBuild {
        workload: workload.clone(),
        workers,
        config,
    })?;
    Ok(Box::new(Batched {
        inner,
        workload,
        runner: BatchOwner::fresh(),
        started: false,
    }))
}

/// A model whose every run is one whole batch: [`crate::workload::run_batch`] around the
/// model's own run of the tasks.
struct Batched {
    inner: Box<dyn Model>,
    workload: Arc<dyn Workload>,
    runner: BatchOwner,
    /// True when [`Model::before_batch`] already started the coming batch.
    started: bool,
}

impl Model for Batched {
    fn before_batch(&mut self) -> Result<()> {
        self.workload.begin_batch(self.runner);
        self.started = true;
        Ok(())
    }

    fn run(&mut self) -> Result<u64> {
        if !std::mem::take(&mut self.started) {
            self.workload.begin_batch(self.runner);
        }
        crate::workload::finish_batch(self.workload.as_ref(), self.inner.run())
    }

    fn finish(self: Box<Self>) -> Result<Vec<WorkerUsage>> {
        self.inner.finish()
    }
}
