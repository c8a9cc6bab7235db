//! Deterministic mixing and seeded inputs shared by every workload.
//!
//! Tasks return a `u64`; a batch's checksum is the wrapping sum of [`task_mix`] over its
//! tasks, so it does not depend on the order in which a model finishes them. Inputs are
//! drawn from [`SplitMix64`], so the same parameters give the same data on every machine
//! and in every worker process.

/// Finalising mix of SplitMix64: a cheap bijection that spreads every input bit.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A checksum of a byte string (its length and every 8-byte word): what I/O tasks return
/// for the bytes they read.
pub fn digest_bytes(data: &[u8]) -> u64 {
    data.chunks(8).fold(data.len() as u64, |h, chunk| {
        let mut word = [0; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        mix64(h ^ u64::from_le_bytes(word))
    })
}

/// Mixes a task's index into its result, so that swapping two tasks' results changes the
/// batch checksum.
#[inline]
pub fn task_mix(task: usize, value: u64) -> u64 {
    mix64(value ^ (task as u64).rotate_left(32) ^ 0x9e37_79b9_7f4a_7c15)
}

/// Order-independent accumulator of per-task results.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BatchChecksum(u64);

impl BatchChecksum {
    /// Adds one task's result.
    #[inline]
    pub fn add(&mut self, task: usize, value: u64) {
        self.0 = self.0.wrapping_add(task_mix(task, value));
    }

    /// Merges another partial checksum (e.g. one worker's share of the batch).
    #[inline]
    pub fn merge(&mut self, other: BatchChecksum) {
        self.0 = self.0.wrapping_add(other.0);
    }

    /// The combined value.
    pub fn value(self) -> u64 {
        self.0
    }
}

/// SplitMix64: a tiny, fast, seeded generator for workload inputs.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }

    /// Fills `buf` with random bytes.
    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_checksum_ignores_completion_order() {
        let mut forward = BatchChecksum::default();
        let mut backward = BatchChecksum::default();
        for t in 0..10 {
            forward.add(t, t as u64 * 7);
        }
        for t in (0..10).rev() {
            backward.add(t, t as u64 * 7);
        }
        assert_eq!(forward, backward);
    }

    #[test]
    fn batch_checksum_sees_swapped_results() {
        let mut a = BatchChecksum::default();
        a.add(0, 1);
        a.add(1, 2);
        let mut b = BatchChecksum::default();
        b.add(0, 2);
        b.add(1, 1);
        assert_ne!(a, b);
    }

    #[test]
    fn splitmix_is_seeded() {
        let mut a = SplitMix64::new(42);
        let mut b = SplitMix64::new(42);
        let mut c = SplitMix64::new(43);
        let (x, y, z) = (a.next_u64(), b.next_u64(), c.next_u64());
        assert_eq!(x, y);
        assert_ne!(x, z);
        let mut buf = [0u8; 13];
        a.fill(&mut buf);
        assert!(buf.iter().any(|&b| b != 0));
    }
}
