//! `primes`: count the primes in a range by trial division. Later ranges cost more, so the
//! tasks are uneven: a static split leaves the worker with the last ranges working alone,
//! while work stealing (or pulling tasks from a shared counter) evens it out.
//!
//! Task `t` covers `[start + t*span, start + (t+1)*span)`. Each odd candidate is tested
//! against every odd divisor up to its square root, so a prime near `n` costs about
//! `sqrt(n)/2` divisions: task cost grows with `t`. Divisions cannot be folded away by the
//! optimiser, so doubling `span` doubles the work of a task.

use std::sync::Arc;

use super::{Kind, ParamInfo, TASKS_PARAM, Workload, WorkloadInfo, WorkloadSpec};
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::task::TaskCtx;

/// Its parameters.
pub const PARAMS: &[ParamInfo] = &[
    TASKS_PARAM,
    ParamInfo {
        name: "span",
        min: 1,
        max: 1 << 32,
        meaning: "integers tested per task",
    },
    ParamInfo {
        name: "start",
        min: 0,
        max: MAX_END,
        meaning: "first integer of task 0",
    },
];

/// Registry entry.
pub const INFO: WorkloadInfo = WorkloadInfo {
    name: "primes",
    kind: Kind::Cpu,
    disk_io: false,
    teaches: "uneven tasks: static split vs work stealing",
    task: "count primes in [start + t*span, start + (t+1)*span) by trial division; later tasks cost more",
    params: PARAMS,
    spec_for,
    build,
};

/// Trial divisions between two `tick()` calls: a few microseconds of work.
const TICK_EVERY: u64 = 1024;

/// Largest number any task may test: keeps `d*d` far from overflow and one prime test
/// (about `sqrt(n)/2` divisions) well under a millisecond.
const MAX_END: u64 = 1 << 40;

fn spec_for(profile: Profile) -> WorkloadSpec {
    let (tasks, span) = match profile {
        Profile::Smoke => (8, 20_000),
        Profile::Quick => (32, 40_000),
        Profile::Default => (64, 40_000),
        Profile::Full => (128, 60_000),
    };
    WorkloadSpec::new(INFO.name)
        .with("tasks", tasks)
        .with("span", span)
        .with("start", 0)
}

fn build(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    let tasks = spec.declared(PARAMS, "tasks")?;
    let span = spec.declared(PARAMS, "span")?;
    let start = spec.declared(PARAMS, "start")?;
    let end = start + tasks * span;
    if end > MAX_END {
        return Err(Error::BadSpec {
            workload: spec.name.clone(),
            param: "span".to_string(),
            problem: format!(
                "with tasks={tasks} and start={start} reaches {end}, past the limit {MAX_END}; \
                 use fewer tasks, a smaller span or a smaller start"
            ),
        });
    }
    Ok(Arc::new(Primes {
        tasks: tasks as usize,
        span,
        start,
        spec: spec.clone(),
    }))
}

/// Counts primes by trial division over `span` numbers per task.
pub struct Primes {
    spec: WorkloadSpec,
    tasks: usize,
    span: u64,
    start: u64,
}

/// Whether `n` is prime, testing odd divisors up to `sqrt(n)`; calls `tick` every
/// [`TICK_EVERY`] divisions counted in `work`.
#[inline]
fn is_prime(n: u64, work: &mut u64, ctx: &mut TaskCtx<'_>) -> bool {
    if n < 2 {
        return false;
    }
    if n % 2 == 0 {
        return n == 2;
    }
    let mut d = 3u64;
    while d * d <= n {
        if n % d == 0 {
            return false;
        }
        d += 2;
        *work += 1;
        if *work >= TICK_EVERY {
            *work = 0;
            ctx.tick();
        }
    }
    true
}

/// Number of primes in `[lo, hi)`.
fn count_primes(lo: u64, hi: u64, ctx: &mut TaskCtx<'_>) -> u64 {
    let mut work = 0u64;
    let mut count = 0u64;
    for n in lo..hi {
        // Every number costs at least a little, even the even ones.
        work += 1;
        if is_prime(n, &mut work, ctx) {
            count += 1;
        }
    }
    count
}

impl Workload for Primes {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.tasks
    }

    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        let lo = self.start + task as u64 * self.span;
        count_primes(lo, lo + self.span, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(tasks: u64, span: u64, start: u64) -> WorkloadSpec {
        WorkloadSpec::new("primes")
            .with("tasks", tasks)
            .with("span", span)
            .with("start", start)
    }

    fn count(lo: u64, hi: u64) -> u64 {
        count_primes(lo, hi, &mut TaskCtx::free())
    }

    #[test]
    fn known_prime_counts() {
        assert_eq!(count(0, 10), 4);
        assert_eq!(count(0, 100), 25);
        assert_eq!(count(0, 1_000), 168);
        assert_eq!(count(0, 10_000), 1229);
        assert_eq!(count(0, 100_000), 9592);
        // Small edge cases: 0 and 1 are not prime, 2 and 3 are; 9, 25 and 49 are squares.
        assert_eq!(count(0, 2), 0);
        assert_eq!(count(2, 3), 1);
        assert_eq!(count(9, 10), 0);
        assert_eq!(count(25, 26), 0);
        assert_eq!(count(49, 50), 0);
        assert_eq!(count(97, 98), 1);
    }

    #[test]
    fn tasks_cover_consecutive_ranges() {
        let w = build(&spec(10, 1_000, 0)).unwrap();
        let total: u64 = (0..10).map(|t| w.run(t, &mut TaskCtx::free())).sum();
        assert_eq!(total, 1229);
        // Task 0 is [0, 1000): 168 primes; task 1 is [1000, 2000): 303 - 168 = 135.
        assert_eq!(w.run(0, &mut TaskCtx::free()), 168);
        assert_eq!(w.run(1, &mut TaskCtx::free()), 135);
        // A start offset shifts every range.
        let shifted = build(&spec(1, 1_000, 1_000)).unwrap();
        assert_eq!(shifted.run(0, &mut TaskCtx::free()), 135);
    }

    #[test]
    fn large_known_prime_is_found() {
        // 1_000_003 is prime, 1_000_001 = 101 * 9901 is not.
        let mut work = 0;
        assert!(is_prime(1_000_003, &mut work, &mut TaskCtx::free()));
        assert!(!is_prime(1_000_001, &mut work, &mut TaskCtx::free()));
        // Count of primes below 10^6 is 78498.
        assert_eq!(count(0, 1_000_000), 78_498);
    }

    #[test]
    fn bad_specs_are_rejected_clearly() {
        let err = build(&spec(0, 10, 0)).err().unwrap().to_string();
        assert!(err.contains("'tasks'"), "{err}");
        let err = build(&spec(4, 0, 0)).err().unwrap().to_string();
        assert!(err.contains("'span'"), "{err}");
        let err = build(&spec(1 << 20, 1 << 32, 0)).err().unwrap().to_string();
        assert!(err.contains("past the limit"), "{err}");
        let err = build(&WorkloadSpec::new("primes").with("tasks", 4).with("span", 9))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("'start' is missing"), "{err}");
    }
}
