//! `ship`: a cheap pass over a large payload that must reach the worker. Threads share the
//! parent's payloads for free; the `process` model copies every payload through a pipe, and
//! that copy, not the computation, dominates its time.
//!
//! Each task owns a `kib` KiB payload of seeded bytes, built once in the parent by
//! [`Workload::prepare`] with [`Role::Parent`] and handed out by
//! [`Workload::shipped_input`]. A task folds the payload's little-endian `u64` words with a
//! multiply-xor (about a cycle per byte, far cheaper than moving the bytes between
//! processes). In a worker process the task reads the bytes the parent shipped
//! ([`TaskCtx::input`]) and never builds payloads itself; elsewhere it reads the parent's
//! copy, built on first use if `prepare` was never called. Doubling `kib` doubles the work.

use std::sync::{Arc, OnceLock};

use super::{Kind, ParamInfo, Role, TASKS_PARAM, Workload, WorkloadInfo, WorkloadSpec};
use crate::checksum::{SplitMix64, mix64};
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::task::TaskCtx;

/// Its parameters.
pub const PARAMS: &[ParamInfo] = &[
    TASKS_PARAM,
    ParamInfo {
        name: "kib",
        min: 1,
        max: MAX_KIB,
        meaning: "payload shipped with each task, in KiB",
    },
    ParamInfo {
        name: "seed",
        min: 0,
        max: u64::MAX,
        meaning: "seed of the payloads",
    },
];

/// Registry entry.
pub const INFO: WorkloadInfo = WorkloadInfo {
    name: "ship",
    kind: Kind::Memory,
    disk_io: false,
    teaches: "processes pay to move data; threads share it",
    task: "multiply-xor fold over a kib KiB payload that lives in the parent and is shipped to worker processes",
    params: PARAMS,
    spec_for,
    build,
};

/// Words folded between two `tick()` calls: 8 KiB, one to three microseconds.
const TICK_WORDS: usize = 1024;

/// Largest payload per task: half the process model's 64 MiB frame bound.
const MAX_KIB: u64 = 32 << 10;

/// Largest total of all payloads kept in the parent.
const MAX_TOTAL_MIB: u64 = 16 << 10;

/// Odd multiplier of the fold (the 64-bit golden ratio).
const FOLD_MUL: u64 = 0x9e37_79b9_7f4a_7c15;

fn spec_for(profile: Profile) -> WorkloadSpec {
    let (tasks, kib) = match profile {
        Profile::Smoke => (8, 64),
        Profile::Quick => (32, 1 << 10),
        Profile::Default => (32, 4 << 10),
        Profile::Full => (32, 8 << 10),
    };
    WorkloadSpec::new(INFO.name)
        .with("tasks", tasks)
        .with("kib", kib)
        .with("seed", 0x5348_4950)
}

fn build(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    Ok(Arc::new(Ship::new(spec)?))
}

/// A large seeded payload per task, folded once.
pub struct Ship {
    spec: WorkloadSpec,
    tasks: usize,
    bytes: usize,
    seed: u64,
    /// Every task's payload, back to back: built in the parent only.
    payloads: OnceLock<Vec<u8>>,
}

impl Ship {
    fn new(spec: &WorkloadSpec) -> Result<Ship> {
        let tasks = spec.declared(PARAMS, "tasks")?;
        let kib = spec.declared(PARAMS, "kib")?;
        let total_mib = tasks * kib / 1024;
        if total_mib > MAX_TOTAL_MIB {
            return Err(Error::BadSpec {
                workload: spec.name.clone(),
                param: "kib".to_string(),
                problem: format!(
                    "is {kib}; with tasks={tasks} the payloads take {total_mib} MiB, over the \
                     {MAX_TOTAL_MIB} MiB limit; use fewer tasks or a smaller kib"
                ),
            });
        }
        Ok(Ship {
            tasks: tasks as usize,
            bytes: kib as usize * 1024,
            seed: spec.declared(PARAMS, "seed")?,
            payloads: OnceLock::new(),
            spec: spec.clone(),
        })
    }

    /// Task `task`'s payload in the parent, built with all the others on first use.
    fn payload(&self, task: usize) -> &[u8] {
        let all = self.payloads.get_or_init(|| {
            let mut all = vec![0u8; self.tasks * self.bytes];
            for (t, payload) in all.chunks_mut(self.bytes).enumerate() {
                SplitMix64::new(self.seed ^ mix64(t as u64)).fill(payload);
            }
            all
        });
        &all[task * self.bytes..(task + 1) * self.bytes]
    }
}

/// Multiply-xor fold of `data` read as little-endian `u64` words (a short tail is
/// zero-padded), ticking every [`TICK_WORDS`] words. The length is folded in too.
fn fold(data: &[u8], ctx: &mut TaskCtx<'_>) -> u64 {
    let mut acc = data.len() as u64;
    let mut words = data.chunks_exact(8);
    let mut since_tick = 0;
    for word in words.by_ref() {
        let w = u64::from_le_bytes(word.try_into().expect("chunks of eight bytes"));
        acc = (acc ^ w).wrapping_mul(FOLD_MUL);
        since_tick += 1;
        if since_tick == TICK_WORDS {
            since_tick = 0;
            ctx.tick();
        }
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        let mut last = [0u8; 8];
        last[..tail.len()].copy_from_slice(tail);
        acc = (acc ^ u64::from_le_bytes(last)).wrapping_mul(FOLD_MUL);
    }
    acc ^ (acc >> 29)
}

impl Workload for Ship {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.tasks
    }

    fn prepare(&self, role: Role) {
        // Payloads live in the parent; a worker receives each one with its task.
        if role == Role::Parent {
            self.payload(0);
        }
    }

    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        let data = match ctx.input() {
            Some(shipped) => shipped,
            None => self.payload(task),
        };
        fold(data, ctx)
    }

    fn shipped_input(&self, task: usize) -> Option<&[u8]> {
        Some(self.payload(task))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(tasks: u64, kib: u64, seed: u64) -> WorkloadSpec {
        WorkloadSpec::new("ship")
            .with("tasks", tasks)
            .with("kib", kib)
            .with("seed", seed)
    }

    /// The fold written the obvious way, one word at a time.
    fn fold_reference(data: &[u8]) -> u64 {
        let mut acc = data.len() as u64;
        for chunk in data.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            acc = (acc ^ u64::from_le_bytes(word)).wrapping_mul(FOLD_MUL);
        }
        acc ^ (acc >> 29)
    }

    #[test]
    fn fold_matches_the_reference_and_sees_every_byte() {
        let mut data = vec![0u8; 3 * TICK_WORDS * 8 + 13];
        SplitMix64::new(9).fill(&mut data);
        for len in [0, 1, 7, 8, 9, 64, data.len()] {
            assert_eq!(
                fold(&data[..len], &mut TaskCtx::free()),
                fold_reference(&data[..len]),
                "length {len}"
            );
        }
        let base = fold(&data, &mut TaskCtx::free());
        for i in [0, 5, 8 * TICK_WORDS, data.len() - 1] {
            let mut changed = data.clone();
            changed[i] ^= 1;
            assert_ne!(fold(&changed, &mut TaskCtx::free()), base, "byte {i}");
        }
        // Trailing zeros still count: the length is part of the fold.
        let mut longer = data.clone();
        longer.push(0);
        assert_ne!(fold(&longer, &mut TaskCtx::free()), base);
    }

    #[test]
    fn shipped_bytes_give_the_parents_result() {
        let parent = Ship::new(&spec(4, 8, 3)).unwrap();
        parent.prepare(Role::Parent);
        // A worker process: prepared as a worker, it gets its payload through the context.
        let worker = Ship::new(&spec(4, 8, 3)).unwrap();
        worker.prepare(Role::Worker);
        assert!(
            worker.payloads.get().is_none(),
            "a worker builds no payloads"
        );
        for t in 0..4 {
            let want = parent.run(t, &mut TaskCtx::free());
            let shipped = parent.shipped_input(t).unwrap().to_vec();
            assert_eq!(shipped.len(), 8 * 1024);
            let got = worker.run(t, &mut TaskCtx::free().with_input(&shipped));
            assert_eq!(got, want, "task {t}");
        }
        assert!(
            worker.payloads.get().is_none(),
            "run used the shipped bytes"
        );
    }

    #[test]
    fn payloads_are_seeded_per_task_and_built_lazily() {
        let a = Ship::new(&spec(4, 4, 1)).unwrap();
        assert!(a.payloads.get().is_none());
        let r0 = a.run(0, &mut TaskCtx::free());
        assert!(
            a.payloads.get().is_some(),
            "run without prepare builds them"
        );
        assert_ne!(r0, a.run(1, &mut TaskCtx::free()));
        let b = Ship::new(&spec(4, 4, 2)).unwrap();
        assert_ne!(r0, b.run(0, &mut TaskCtx::free()));
        let again = Ship::new(&spec(4, 4, 1)).unwrap();
        assert_eq!(a.shipped_input(3), again.shipped_input(3));
    }

    #[test]
    fn bad_specs_are_rejected_clearly() {
        let err = build(&spec(4, 0, 1)).err().unwrap().to_string();
        assert!(err.contains("'kib'"), "{err}");
        let err = build(&spec(4, MAX_KIB + 1, 1)).err().unwrap().to_string();
        assert!(err.contains("'kib'"), "{err}");
        let err = build(&spec(1 << 20, MAX_KIB, 1)).err().unwrap().to_string();
        assert!(err.contains("MiB limit"), "{err}");
        let err = build(&WorkloadSpec::new("ship").with("tasks", 4).with("kib", 1))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("'seed' is missing"), "{err}");
    }
}
