//! `stream`: sum a slice of a large array. A task does one add per eight bytes it loads, so
//! memory bandwidth, not the core count, is the limit: speedup flattens once a few cores
//! saturate the memory bus.
//!
//! The array (`mib` MiB of `u64` words from a [`SplitMix64`] seeded with `seed`) is built
//! once per process in [`Workload::prepare`], outside any timed region, and shared by every
//! task; task `t` sums words `[t*len/tasks, (t+1)*len/tasks)`. A worker process of the
//! `process` model builds its own copy when it is prepared (processes do not share memory),
//! so the peak memory of that model grows with its worker count. [`Workload::run`] builds
//! the array itself if `prepare` was never called. Doubling `mib` doubles the work.

use std::sync::{Arc, OnceLock};

use super::{Kind, ParamInfo, Role, TASKS_PARAM, Workload, WorkloadInfo, WorkloadSpec};
use crate::checksum::SplitMix64;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::task::TaskCtx;

/// Its parameters.
pub const PARAMS: &[ParamInfo] = &[
    TASKS_PARAM,
    ParamInfo {
        name: "mib",
        min: 1,
        max: 16 << 10,
        meaning: "size of the array, in MiB (the tasks split it)",
    },
    ParamInfo {
        name: "seed",
        min: 0,
        max: u64::MAX,
        meaning: "seed of the array",
    },
];

/// Registry entry.
pub const INFO: WorkloadInfo = WorkloadInfo {
    name: "stream",
    kind: Kind::Memory,
    disk_io: false,
    teaches: "bandwidth, not cores, is the limit",
    task: "wrapping sum of one slice of a large seeded u64 array (mib MiB, built once per process)",
    params: PARAMS,
    spec_for,
    build,
};

/// Words summed between two `tick()` calls: 32 KiB, a few microseconds from memory.
const TICK_WORDS: usize = 4096;

/// `u64` words per MiB.
const WORDS_PER_MIB: usize = (1 << 20) / 8;

fn spec_for(profile: Profile) -> WorkloadSpec {
    let (tasks, mib) = match profile {
        Profile::Smoke => (8, 2),
        Profile::Quick => (32, 64),
        Profile::Default => (64, 128),
        Profile::Full => (128, 128),
    };
    WorkloadSpec::new(INFO.name)
        .with("tasks", tasks)
        .with("mib", mib)
        .with("seed", 0x5354_5245)
}

fn build(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    Ok(Arc::new(Stream::new(spec)?))
}

impl Stream {
    fn new(spec: &WorkloadSpec) -> Result<Stream> {
        let tasks = spec.declared(PARAMS, "tasks")?;
        let mib = spec.declared(PARAMS, "mib")?;
        let words = mib as usize * WORDS_PER_MIB;
        if tasks as usize > words {
            return Err(Error::BadSpec {
                workload: spec.name.clone(),
                param: "tasks".to_string(),
                problem: format!(
                    "is {tasks}, more than the {words} words of a {mib} MiB array; use fewer tasks"
                ),
            });
        }
        Ok(Stream {
            tasks: tasks as usize,
            words,
            seed: spec.declared(PARAMS, "seed")?,
            array: OnceLock::new(),
            spec: spec.clone(),
        })
    }
}

/// A large seeded array, summed one slice per task.
pub struct Stream {
    spec: WorkloadSpec,
    tasks: usize,
    words: usize,
    seed: u64,
    array: OnceLock<Vec<u64>>,
}

impl Stream {
    /// The array, built on first use.
    fn array(&self) -> &[u64] {
        self.array.get_or_init(|| {
            let mut rng = SplitMix64::new(self.seed);
            (0..self.words).map(|_| rng.next_u64()).collect()
        })
    }

    /// The words task `task` sums.
    fn slice(&self, task: usize) -> std::ops::Range<usize> {
        (task * self.words / self.tasks)..((task + 1) * self.words / self.tasks)
    }
}

/// Wrapping sum of `words`, ticking every [`TICK_WORDS`] words.
fn sum(words: &[u64], ctx: &mut TaskCtx<'_>) -> u64 {
    let mut acc = 0u64;
    for chunk in words.chunks(TICK_WORDS) {
        acc = chunk.iter().fold(acc, |a, &w| a.wrapping_add(w));
        ctx.tick();
    }
    acc
}

impl Workload for Stream {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.tasks
    }

    fn prepare(&self, _role: Role) {
        // Both roles: a worker process sums slices of its own copy.
        self.array();
    }

    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        sum(&self.array()[self.slice(task)], ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(tasks: u64, mib: u64, seed: u64) -> WorkloadSpec {
        WorkloadSpec::new("stream")
            .with("tasks", tasks)
            .with("mib", mib)
            .with("seed", seed)
    }

    fn stream(tasks: u64, mib: u64, seed: u64) -> Stream {
        Stream::new(&spec(tasks, mib, seed)).unwrap()
    }

    #[test]
    fn sum_matches_a_plain_loop() {
        let words: Vec<u64> = (0..10_000u64).map(|i| i * i).collect();
        let want = (0..10_000u64).map(|i| i * i).sum::<u64>();
        assert_eq!(sum(&words, &mut TaskCtx::free()), want);
        assert_eq!(sum(&[u64::MAX, 2], &mut TaskCtx::free()), 1, "wraps");
    }

    #[test]
    fn slices_cover_the_array_once() {
        let w = stream(7, 1, 3);
        let mut next = 0;
        for t in 0..7 {
            let r = w.slice(t);
            assert_eq!(r.start, next);
            assert!(!r.is_empty());
            next = r.end;
        }
        assert_eq!(next, WORDS_PER_MIB);
    }

    #[test]
    fn task_sums_add_up_to_the_whole_array() {
        let w = stream(8, 1, 11);
        let total = w.array().iter().fold(0u64, |a, &x| a.wrapping_add(x));
        let by_tasks = (0..8)
            .map(|t| w.run(t, &mut TaskCtx::free()))
            .fold(0u64, u64::wrapping_add);
        assert_eq!(by_tasks, total);
        assert_eq!(w.array()[0], SplitMix64::new(11).next_u64());
    }

    #[test]
    fn run_works_without_prepare_and_matches_prepared() {
        let lazy = build(&spec(8, 1, 5)).unwrap();
        let prepared = build(&spec(8, 1, 5)).unwrap();
        prepared.prepare(Role::Parent);
        let worker = build(&spec(8, 1, 5)).unwrap();
        worker.prepare(Role::Worker);
        for t in 0..8 {
            let want = prepared.run(t, &mut TaskCtx::free());
            assert_eq!(lazy.run(t, &mut TaskCtx::free()), want);
            assert_eq!(worker.run(t, &mut TaskCtx::free()), want);
        }
        let other_seed = build(&spec(8, 1, 6)).unwrap();
        assert_ne!(
            other_seed.run(0, &mut TaskCtx::free()),
            prepared.run(0, &mut TaskCtx::free())
        );
    }

    #[test]
    fn bad_specs_are_rejected_clearly() {
        let err = build(&spec(4, 0, 1)).err().unwrap().to_string();
        assert!(err.contains("'mib'"), "{err}");
        let err = build(&spec(4, 1 << 20, 1)).err().unwrap().to_string();
        assert!(err.contains("'mib'"), "{err}");
        let err = build(&WorkloadSpec::new("stream").with("tasks", 4).with("mib", 1))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("'seed' is missing"), "{err}");
    }
}
