//! Workloads: named batches of independent, deterministic tasks.
//!
//! A workload is described by a [`WorkloadSpec`] (name + integer parameters, serde), from
//! which [`build`] rebuilds it anywhere, including inside a worker process. Each task returns
//! a `u64`; models combine them with [`crate::checksum::BatchChecksum`].
//!
//! To add a workload: write one file with a `pub const INFO: WorkloadInfo` (name, kind,
//! teaching point, declared parameters ([`params`]), sizes per profile, builder) and a type
//! implementing [`Workload`], then add one line to [`WORKLOADS`]. Nothing else needs to learn its name.
//!
//! A run looks workloads up in a [`Registry`]: [`Registry::builtin`] holds [`WORKLOADS`], and
//! a user's crate adds its own `WorkloadInfo`s the same way (see [`crate::bench_main`]).
//! [`find`], [`names`] and [`build`] are the built-in registry's lookups.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::task::TaskCtx;

pub mod bank;
pub mod file;
pub mod http;
pub mod mandelbrot;
pub mod open_files;
pub mod params;
pub mod primes;
pub mod registry;
pub mod sha256;
pub mod ship;
pub mod sleep;
pub mod state;
pub mod stream;
pub mod sum_squares;

pub use params::{Overrides, ParamInfo, TASKS_PARAM};
pub use registry::Registry;
pub use state::{BatchOwner, SharedState, finish_batch, run_batch};

/// concbench's own workloads, in the order `list` and reports show them: the contents of
/// [`Registry::builtin`].
pub const WORKLOADS: &[WorkloadInfo] = &[
    sum_squares::INFO,
    primes::INFO,
    sha256::INFO,
    mandelbrot::INFO,
    stream::INFO,
    ship::INFO,
    sleep::INFO,
    http::INFO,
    file::INFO,
    bank::INFO,
];

/// What limits a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Computation on the CPU: speedup is bounded by the CPUs the workers can keep busy.
    Cpu,
    /// Computation on the CPU that is limited by moving bytes: memory bandwidth (the memory
    /// bus saturates before the cores do) or copying each task's data to the worker that runs
    /// it. Still bounded by the usable CPUs, but a model's speedup may stop well short of them,
    /// and giving it fewer CPUs need not slow it (a pipe between two processes on one CPU
    /// skips the cross-CPU wake-ups).
    Memory,
    /// Waiting on I/O or time.
    Io,
    /// Both.
    Mixed,
    /// Not one of concbench's workloads (a user's own criterion benches in a report).
    Other,
}

impl Kind {
    /// The kind as shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Cpu => "cpu",
            Kind::Memory => "memory",
            Kind::Io => "io",
            Kind::Mixed => "mixed",
            Kind::Other => "other",
        }
    }

    /// Whether the workload's speedup cannot exceed the CPUs its workers can keep busy
    /// (`cpu` and `memory`): used for the plausibility limit, the scalability fit's worker
    /// range and the ideal line of fleet charts.
    pub fn bounded_by_cpus(self) -> bool {
        matches!(self, Kind::Cpu | Kind::Memory)
    }
}

/// A workload's name and parameters: enough to rebuild it in another process.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WorkloadSpec {
    /// Registry name, e.g. `sum-squares`.
    pub name: String,
    /// Integer parameters (sizes, seeds, latencies).
    pub params: BTreeMap<String, u64>,
}

impl WorkloadSpec {
    /// A spec with no parameters yet.
    pub fn new(name: &str) -> Self {
        WorkloadSpec {
            name: name.to_string(),
            params: BTreeMap::new(),
        }
    }

    /// Sets a parameter (builder style).
    pub fn with(mut self, key: &str, value: u64) -> Self {
        self.params.insert(key.to_string(), value);
        self
    }

    /// Reads a required parameter.
    pub fn param(&self, key: &str) -> Result<u64> {
        self.params.get(key).copied().ok_or_else(|| Error::BadSpec {
            workload: self.name.clone(),
            param: key.to_string(),
            problem: "is missing".to_string(),
        })
    }

    /// Reads a required parameter that must lie in `min..=max`.
    pub fn param_in(&self, key: &str, min: u64, max: u64) -> Result<u64> {
        let value = self.param(key)?;
        if (min..=max).contains(&value) {
            Ok(value)
        } else {
            Err(Error::BadSpec {
                workload: self.name.clone(),
                param: key.to_string(),
                problem: format!("is {value}; use a value from {min} to {max}"),
            })
        }
    }

    /// `key=value` pairs, for tables and logs.
    pub fn params_text(&self) -> String {
        self.params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Where a workload is being prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The process that owns the batch (every model's parent).
    Parent,
    /// A worker process of the `process` model, which receives tasks over a pipe.
    Worker,
}

/// A task's future for the tokio models.
pub type TaskFuture = Pin<Box<dyn Future<Output = u64> + Send + 'static>>;

/// A batch of independent tasks.
pub trait Workload: Send + Sync {
    /// The spec this workload was built from.
    fn spec(&self) -> &WorkloadSpec;

    /// Number of tasks in the batch.
    fn tasks(&self) -> usize;

    /// Builds shared inputs (arrays, payloads) before anything is timed.
    fn prepare(&self, _role: Role) {}

    /// Runs task `task` and returns its checksum. Calls `ctx.tick()` in hot loops and wraps
    /// waits in `ctx.blocking`.
    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64;

    /// The task as a future, for workloads with an async path (I/O). `None` means the tokio
    /// models run [`Workload::run`] inline on their runtime threads.
    fn run_async(&self, _task: usize) -> Option<TaskFuture> {
        None
    }

    /// Bytes that must travel to a worker process with the task (the `ship` workload). Threads
    /// share them; the process model copies them through the pipe.
    fn shipped_input(&self, _task: usize) -> Option<&[u8]> {
        None
    }

    /// The spec a worker process rebuilds this workload from. Workloads whose parent owns a
    /// resource for the run (the `http` server's port, the `file` workload's directory) add
    /// where to find it; [`Workload::spec`] stays what the profile asked for.
    fn worker_spec(&self) -> WorkloadSpec {
        self.spec().clone()
    }

    /// Called once before each batch, in the process that owns it (see [`run_batch`]), with
    /// what runs it: resets shared state, drops connections another model's runtime owned.
    fn begin_batch(&self, _runner: BatchOwner) {}

    /// State the tasks of a batch update together (see [`state`]); `None` for independent
    /// tasks.
    fn shared_state(&self) -> Option<&dyn SharedState> {
        None
    }
}

/// A registry entry: everything `list` shows and what builds the workload.
#[derive(Clone, Copy)]
pub struct WorkloadInfo {
    /// Registry name.
    pub name: &'static str,
    /// What limits it.
    pub kind: Kind,
    /// True when its tasks read and write files themselves: the I/O pressure measured around
    /// them is then partly their own, and is not taken as a sign of a busy machine.
    pub disk_io: bool,
    /// The one-line teaching point.
    pub teaches: &'static str,
    /// What one task does.
    pub task: &'static str,
    /// The parameters it declares, with their ranges: the only ones a spec of it may set
    /// from outside (`--param`), and what `build` checks values against.
    pub params: &'static [ParamInfo],
    /// Its sizes in each profile (every declared parameter, each in range).
    pub spec_for: fn(Profile) -> WorkloadSpec,
    /// Rebuilds it from a spec.
    pub build: fn(&WorkloadSpec) -> Result<Arc<dyn Workload>>,
}

/// Looks one of concbench's own workloads up by name ([`Registry::find`] for any registry).
pub fn find(name: &str) -> Result<&'static WorkloadInfo> {
    WORKLOADS
        .iter()
        .find(|w| w.name == name)
        .ok_or_else(|| Error::UnknownWorkload {
            name: name.to_string(),
            valid: names().join(", "),
        })
}

/// The names of concbench's own workloads.
pub fn names() -> Vec<&'static str> {
    WORKLOADS.iter().map(|w| w.name).collect()
}

/// Rebuilds one of concbench's own workloads from its spec ([`Registry::build`] for any
/// registry).
pub fn build(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    (find(&spec.name)?.build)(spec)
}

/// Runs every task in order on the calling thread and combines their results (no batch
/// start, no shared state: see [`reference_checksum`] for a whole batch).
pub fn run_in_order(workload: &dyn Workload) -> u64 {
    let mut sum = crate::checksum::BatchChecksum::default();
    let mut ctx = TaskCtx::free();
    for task in 0..workload.tasks() {
        sum.add(task, workload.run(task, &mut ctx));
    }
    sum.value()
}

/// Runs one whole batch in order on the calling thread, shared state included: the
/// reference every model is checked against.
pub fn reference_checksum(workload: &dyn Workload) -> u64 {
    let Ok(sum) = run_batch(workload, BatchOwner::REFERENCE, || {
        Ok::<_, std::convert::Infallible>(run_in_order(workload))
    });
    sum
}
