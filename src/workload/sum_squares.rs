//! `sum-squares`: the sum of i² over a range per task. Uniform tasks scale to the core count.
//!
//! LLVM folds a naive `sum of i*i` loop into a closed form, which would make every model look
//! instant. Passing each `i` through `std::hint::black_box` keeps one real multiply-add per
//! number, so doubling `n` doubles the work.

use std::hint::black_box;
use std::sync::Arc;

use super::{Kind, ParamInfo, TASKS_PARAM, Workload, WorkloadInfo, WorkloadSpec};
use crate::error::Result;
use crate::profile::Profile;
use crate::task::TaskCtx;

/// Its parameters.
pub const PARAMS: &[ParamInfo] = &[
    TASKS_PARAM,
    ParamInfo {
        name: "n",
        min: 1,
        max: 1 << 40,
        meaning: "integers squared and summed per task",
    },
];

/// Registry entry.
pub const INFO: WorkloadInfo = WorkloadInfo {
    name: "sum-squares",
    kind: Kind::Cpu,
    disk_io: false,
    teaches: "uniform tasks scale to the core count",
    task: "sum of i*i over n consecutive integers",
    params: PARAMS,
    spec_for,
    build,
};

/// Numbers between two `tick()` calls: a few microseconds of work.
const TICK_EVERY: u64 = 4096;

fn spec_for(profile: Profile) -> WorkloadSpec {
    let (tasks, n) = match profile {
        Profile::Smoke => (8, 50_000),
        Profile::Quick => (32, 4_000_000),
        Profile::Default => (64, 8_000_000),
        Profile::Full => (128, 16_000_000),
    };
    WorkloadSpec::new(INFO.name)
        .with("tasks", tasks)
        .with("n", n)
}

fn build(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    Ok(Arc::new(SumSquares {
        tasks: spec.declared(PARAMS, "tasks")? as usize,
        n: spec.declared(PARAMS, "n")?,
        spec: spec.clone(),
    }))
}

/// Sum of squares over `n` consecutive integers per task.
pub struct SumSquares {
    spec: WorkloadSpec,
    tasks: usize,
    n: u64,
}

impl Workload for SumSquares {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.tasks
    }

    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        let start = task as u64 * self.n;
        let end = start + self.n;
        let mut acc = 0u64;
        let mut chunk_start = start;
        while chunk_start < end {
            let chunk_end = (chunk_start + TICK_EVERY).min(end);
            for i in chunk_start..chunk_end {
                let x = black_box(i);
                acc = acc.wrapping_add(x.wrapping_mul(x));
            }
            ctx.tick();
            chunk_start = chunk_end;
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_closed_form() {
        let w = build(
            &WorkloadSpec::new("sum-squares")
                .with("tasks", 3)
                .with("n", 10_000),
        )
        .unwrap();
        for task in 0..3u64 {
            let (a, b) = (task * 10_000, (task + 1) * 10_000);
            // sum_{i<k} i^2 = (k-1)k(2k-1)/6
            let prefix = |k: u64| k.saturating_sub(1) * k * (2 * k).saturating_sub(1) / 6;
            let want = prefix(b) - prefix(a);
            assert_eq!(w.run(task as usize, &mut TaskCtx::free()), want);
        }
    }
}
