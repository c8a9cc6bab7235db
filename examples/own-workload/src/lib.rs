//! Two workloads of this crate, benchmarked with concbench (`benches/scaling.rs`):
//!
//! - `collatz` (cpu): each task sums the Collatz stopping times of a range of numbers;
//! - `nap` (io): each task waits a fixed latency, with `std::thread::sleep` on the
//!   synchronous models and `tokio::time::sleep` on the tokio models.
//!
//! Each is a [`WorkloadInfo`] (name, kind, what it teaches, its sizes per profile, how to
//! build it from a spec) and a type implementing [`Workload`]. Tasks are deterministic: a
//! task's checksum depends only on its index and the parameters, so every model can be
//! verified against `sequential`.

use std::sync::Arc;
use std::time::Duration;

use concbench::workload::TaskFuture;
use concbench::{
    Kind, ParamInfo, Profile, Result, TaskCtx, Workload, WorkloadInfo, WorkloadSpec,
};

/// The CPU workload: Collatz stopping times.
pub const COLLATZ: WorkloadInfo = WorkloadInfo {
    name: "collatz",
    kind: Kind::Cpu,
    disk_io: false,
    teaches: "CPU-bound tasks scale with the cores a model can use",
    task: "sum the Collatz stopping times of `n` consecutive numbers",
    params: COLLATZ_PARAMS,
    spec_for: collatz_spec,
    build: build_collatz,
};

/// The I/O workload: a fixed wait per task.
pub const NAP: WorkloadInfo = WorkloadInfo {
    name: "nap",
    kind: Kind::Io,
    disk_io: false,
    teaches: "waits overlap on threads and tasks, whatever the cores",
    task: "wait `ms` milliseconds",
    params: NAP_PARAMS,
    spec_for: nap_spec,
    build: build_nap,
};

/// The collatz workload's parameters: `concbench list` shows them, `--param` and
/// `CONCBENCH_PARAMS` may set them within these ranges.
const COLLATZ_PARAMS: &[ParamInfo] = &[
    ParamInfo {
        name: "tasks",
        min: 1,
        max: 1 << 16,
        meaning: "tasks in the batch",
    },
    ParamInfo {
        name: "n",
        min: 1,
        max: 1 << 24,
        meaning: "numbers per task",
    },
];

/// The nap workload's parameters.
const NAP_PARAMS: &[ParamInfo] = &[
    ParamInfo {
        name: "tasks",
        min: 1,
        max: 1 << 16,
        meaning: "tasks in the batch",
    },
    ParamInfo {
        name: "ms",
        min: 0,
        max: 10_000,
        meaning: "wait per task, ms",
    },
];

fn collatz_spec(profile: Profile) -> WorkloadSpec {
    let (tasks, n) = match profile {
        Profile::Smoke => (16, 2_000),
        Profile::Quick => (32, 10_000),
        Profile::Default | Profile::Full => (64, 20_000),
    };
    WorkloadSpec::new(COLLATZ.name)
        .with("tasks", tasks)
        .with("n", n)
}

fn build_collatz(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    Ok(Arc::new(Collatz {
        tasks: spec.declared(COLLATZ_PARAMS, "tasks")? as usize,
        n: spec.declared(COLLATZ_PARAMS, "n")?,
        spec: spec.clone(),
    }))
}

/// Task `t` sums the stopping times of `t * n + 1 ..= (t + 1) * n`.
pub struct Collatz {
    spec: WorkloadSpec,
    tasks: usize,
    n: u64,
}

/// Steps until `x` reaches 1.
fn stopping_time(mut x: u64) -> u64 {
    let mut steps = 0;
    while x > 1 {
        x = if x % 2 == 0 { x / 2 } else { 3 * x + 1 };
        steps += 1;
    }
    steps
}

impl Workload for Collatz {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.tasks
    }

    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        let first = task as u64 * self.n + 1;
        let mut sum = 0;
        for x in first..first + self.n {
            sum += stopping_time(x);
            // Where threads-gil may hand its emulated interpreter lock over.
            ctx.tick();
        }
        sum
    }
}

fn nap_spec(profile: Profile) -> WorkloadSpec {
    let (tasks, ms) = match profile {
        Profile::Smoke => (8, 2),
        Profile::Quick => (16, 5),
        Profile::Default | Profile::Full => (32, 10),
    };
    WorkloadSpec::new(NAP.name)
        .with("tasks", tasks)
        .with("ms", ms)
}

fn build_nap(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    Ok(Arc::new(Nap {
        tasks: spec.declared(NAP_PARAMS, "tasks")? as usize,
        latency: Duration::from_millis(spec.declared(NAP_PARAMS, "ms")?),
        spec: spec.clone(),
    }))
}

/// Waits `ms` milliseconds per task.
pub struct Nap {
    spec: WorkloadSpec,
    tasks: usize,
    latency: Duration,
}

impl Workload for Nap {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.tasks
    }

    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        // A wait: threads-gil releases its lock around it, as CPython does.
        ctx.blocking(|| std::thread::sleep(self.latency));
        task as u64
    }

    fn run_async(&self, task: usize) -> Option<TaskFuture> {
        let latency = self.latency;
        Some(Box::pin(async move {
            tokio::time::sleep(latency).await;
            task as u64
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopping_times_are_known_ones() {
        assert_eq!(stopping_time(1), 0);
        assert_eq!(stopping_time(6), 8);
        assert_eq!(stopping_time(27), 111);
    }

    #[test]
    fn both_workloads_register_and_rebuild_from_their_specs() {
        let registry = concbench::Registry::of([COLLATZ, NAP]).unwrap();
        for info in &registry {
            let spec = (info.spec_for)(Profile::Smoke);
            assert_eq!(registry.build(&spec).unwrap().spec(), &spec);
        }
    }
}
