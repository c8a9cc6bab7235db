//! `sha256`: hash a seeded buffer many times, chaining the digests (the "data encryption"
//! case). Real cryptographic work per core: it scales with cores like any CPU-bound batch,
//! and under `threads-gil` it shows what an interpreter lock does to a hashing loop.
//!
//! Each task fills a `bytes`-long buffer from a [`SplitMix64`] seeded with `seed` and the task
//! index, then runs `rounds` rounds: round `r` hashes the previous digest followed by the
//! buffer (round 0 starts from 32 zero bytes). The task's checksum is the first eight bytes
//! of the final digest. Each round depends on the last, so nothing can be skipped or
//! reordered, and doubling `rounds` doubles the work.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::{Kind, ParamInfo, TASKS_PARAM, Workload, WorkloadInfo, WorkloadSpec};
use crate::checksum::{SplitMix64, mix64};
use crate::error::Result;
use crate::profile::Profile;
use crate::task::TaskCtx;

/// Its parameters.
pub const PARAMS: &[ParamInfo] = &[
    TASKS_PARAM,
    ParamInfo {
        name: "bytes",
        min: 1,
        max: 1 << 24,
        meaning: "bytes of the seeded buffer each task hashes",
    },
    ParamInfo {
        name: "rounds",
        min: 1,
        max: 1 << 24,
        meaning: "hashes per task, each of the previous digest",
    },
    ParamInfo {
        name: "seed",
        min: 0,
        max: u64::MAX,
        meaning: "seed of the buffers",
    },
];

/// Registry entry.
pub const INFO: WorkloadInfo = WorkloadInfo {
    name: "sha256",
    kind: Kind::Cpu,
    disk_io: false,
    teaches: "real crypto work per core",
    task: "SHA-256 of a seeded buffer, rounds times, each round chaining the previous digest",
    params: PARAMS,
    spec_for,
    build,
};

/// Bytes hashed between two `tick()` calls: about a microsecond with SHA extensions, a few
/// microseconds without.
const TICK_BYTES: usize = 1024;

fn spec_for(profile: Profile) -> WorkloadSpec {
    let (tasks, rounds) = match profile {
        Profile::Smoke => (8, 100),
        Profile::Quick => (32, 1_000),
        Profile::Default => (64, 1_500),
        Profile::Full => (128, 3_200),
    };
    WorkloadSpec::new(INFO.name)
        .with("tasks", tasks)
        .with("bytes", 4096)
        .with("rounds", rounds)
        .with("seed", 0x5348_4132)
}

fn build(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    Ok(Arc::new(Sha256Chain {
        tasks: spec.declared(PARAMS, "tasks")? as usize,
        bytes: spec.declared(PARAMS, "bytes")? as usize,
        rounds: spec.declared(PARAMS, "rounds")?,
        seed: spec.declared(PARAMS, "seed")?,
        spec: spec.clone(),
    }))
}

/// Chained SHA-256 over a seeded buffer per task.
pub struct Sha256Chain {
    spec: WorkloadSpec,
    tasks: usize,
    bytes: usize,
    rounds: u64,
    seed: u64,
}

impl Sha256Chain {
    /// The task's input buffer: the same on every machine and in every process.
    fn buffer(&self, task: usize) -> Vec<u8> {
        let mut buf = vec![0u8; self.bytes];
        SplitMix64::new(self.seed ^ mix64(task as u64)).fill(&mut buf);
        buf
    }
}

/// Runs the chain and returns the final digest.
fn chain(buf: &[u8], rounds: u64, ctx: &mut TaskCtx<'_>) -> [u8; 32] {
    let mut digest = [0u8; 32];
    for _ in 0..rounds {
        let mut h = Sha256::new();
        h.update(digest);
        for piece in buf.chunks(TICK_BYTES) {
            h.update(piece);
            ctx.tick();
        }
        digest.copy_from_slice(&h.finalize());
    }
    digest
}

impl Workload for Sha256Chain {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.tasks
    }

    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        let buf = self.buffer(task);
        let digest = chain(&buf, self.rounds, ctx);
        u64::from_le_bytes(digest[..8].try_into().expect("a digest has 32 bytes"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn spec(tasks: u64, bytes: u64, rounds: u64, seed: u64) -> WorkloadSpec {
        WorkloadSpec::new("sha256")
            .with("tasks", tasks)
            .with("bytes", bytes)
            .with("rounds", rounds)
            .with("seed", seed)
    }

    #[test]
    fn sha256_of_abc_matches_the_standard_vector() {
        let digest = Sha256::digest(b"abc");
        assert_eq!(
            hex(&digest),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn one_round_hashes_zero_digest_then_buffer() {
        let mut input = vec![0u8; 32];
        input.extend_from_slice(b"abc");
        let want = Sha256::digest(&input);
        assert_eq!(chain(b"abc", 1, &mut TaskCtx::free()), want.as_slice());
        // Two rounds: the second hashes the first digest followed by the buffer.
        let mut second = want.to_vec();
        second.extend_from_slice(b"abc");
        let want2 = Sha256::digest(&second);
        assert_eq!(chain(b"abc", 2, &mut TaskCtx::free()), want2.as_slice());
    }

    #[test]
    fn chunked_updates_match_one_update() {
        // A buffer longer than TICK_BYTES goes in pieces; the digest must not notice.
        let mut buf = vec![0u8; 3 * TICK_BYTES + 17];
        SplitMix64::new(7).fill(&mut buf);
        let mut input = vec![0u8; 32];
        input.extend_from_slice(&buf);
        assert_eq!(
            chain(&buf, 1, &mut TaskCtx::free()),
            Sha256::digest(&input).as_slice()
        );
    }

    #[test]
    fn tasks_are_seeded_and_deterministic() {
        let a = build(&spec(4, 4096, 3, 1)).unwrap();
        let b = build(&spec(4, 4096, 3, 1)).unwrap();
        let c = build(&spec(4, 4096, 3, 2)).unwrap();
        let run = |w: &Arc<dyn Workload>, t| w.run(t, &mut TaskCtx::free());
        assert_eq!(run(&a, 0), run(&b, 0));
        assert_ne!(run(&a, 0), run(&a, 1), "tasks hash different buffers");
        assert_ne!(run(&a, 0), run(&c, 0), "the seed changes the buffers");
        let more_rounds = build(&spec(4, 4096, 4, 1)).unwrap();
        assert_ne!(run(&a, 0), run(&more_rounds, 0));
    }

    #[test]
    fn bad_specs_are_rejected_clearly() {
        let err = build(&spec(4, 0, 3, 1)).err().unwrap().to_string();
        assert!(err.contains("'bytes'"), "{err}");
        let err = build(&spec(4, 64, 0, 1)).err().unwrap().to_string();
        assert!(err.contains("'rounds'"), "{err}");
        let err = build(
            &WorkloadSpec::new("sha256")
                .with("tasks", 4)
                .with("bytes", 64)
                .with("rounds", 1),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(err.contains("'seed' is missing"), "{err}");
    }
}
