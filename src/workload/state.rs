//! Batches with shared state: what the tasks of one batch update together (the `bank`
//! workload's ledger), and how one batch is run so that state is part of its checksum.
//!
//! Most workloads have independent tasks and no shared state. A workload that has some
//! implements [`SharedState`] and returns it from [`super::Workload::shared_state`]; every
//! model then runs its batches through [`run_batch`]: [`super::Workload::begin_batch`]
//! first (the state goes back to its start), the tasks, then the state's
//! [`SharedState::digest`] folded into the batch checksum, so a model that loses an update
//! fails verification like one that miscomputes a task.
//!
//! [`BatchOwner`] names what runs the batch (one built model, or the reference loop), so that a
//! workload can keep what belongs to it between its batches (the `http` workload's
//! connections, which live on one model's runtime) and drop it when another model takes over.
//!
//! Processes cannot share memory, so in the `process` model each worker keeps its own shard
//! of the state (its tasks' changes only). After the tasks, the parent asks every worker for
//! its shard ([`SharedState::take_shard`]) and merges them into its own copy
//! ([`SharedState::merge_shard`]) before the digest is taken.

use super::Workload;
use crate::checksum::mix64;
use crate::error::Result;

/// State that a batch's tasks update together, with a digest that does not depend on the
/// order in which the tasks ran.
pub trait SharedState: Send + Sync {
    /// A checksum of the state after a batch.
    fn digest(&self) -> u64;

    /// The changes made in this process since the last call, encoded, and forgets them: what
    /// a worker process sends its parent after a batch.
    fn take_shard(&self) -> Vec<u8>;

    /// Adds a worker's shard (from [`SharedState::take_shard`]) to this process's state.
    fn merge_shard(&self, shard: &[u8]) -> Result<()>;
}

/// What runs a batch: one built model, or [`BatchOwner::REFERENCE`] (the in-order loop of
/// [`super::reference_checksum`]). Every model built gets a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BatchOwner(pub u64);

impl BatchOwner {
    /// The reference loop on the calling thread.
    pub const REFERENCE: BatchOwner = BatchOwner(0);

    /// A runner no one had before.
    pub fn fresh() -> BatchOwner {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        BatchOwner(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// Runs one batch: starts it, runs the tasks with `tasks` (which returns their combined
/// checksum) and folds the shared state's digest in, if the workload has shared state.
pub fn run_batch<E>(
    workload: &dyn Workload,
    runner: BatchOwner,
    tasks: impl FnOnce() -> std::result::Result<u64, E>,
) -> std::result::Result<u64, E> {
    workload.begin_batch(runner);
    finish_batch(workload, tasks())
}

/// Ends a batch that was begun with [`super::Workload::begin_batch`]: folds the shared
/// state's digest, if any, into the tasks' checksum `tasks`.
pub fn finish_batch<E>(
    workload: &dyn Workload,
    tasks: std::result::Result<u64, E>,
) -> std::result::Result<u64, E> {
    let sum = tasks?;
    Ok(match workload.shared_state() {
        Some(state) => fold_digest(sum, state.digest()),
        None => sum,
    })
}

/// Combines the tasks' checksum with the state's digest.
fn fold_digest(tasks: u64, digest: u64) -> u64 {
    tasks.wrapping_add(mix64(digest ^ 0x5eed_1ed6_e55e_5a7e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_changes_the_sum_and_depends_on_the_digest() {
        assert_ne!(fold_digest(7, 1), 7);
        assert_ne!(fold_digest(7, 1), fold_digest(7, 2));
        assert_eq!(fold_digest(7, 1), fold_digest(7, 1));
    }
}
