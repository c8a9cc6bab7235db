//! How many tasks the process pool sends to a worker in one frame: the chunk size.
//!
//! One frame per task costs a pipe write, a wake-up of the worker and a wake-up of the parent
//! for every task, a few µs each: far more than a near-empty task. So, as Python's
//! `ProcessPoolExecutor.map(chunksize=...)` and `multiprocessing.Pool.map` do, the pool sends
//! runs of consecutive task indices as one `Chunk` frame and the worker answers the whole run
//! in one write. Unlike those, the size is not a user setting: the pool measures it.
//!
//! - The first batch a pool runs (the untimed warm-up of every case) goes one task per frame,
//!   and every worker reports how long it spent on each frame (`Finished`, wall ns).
//! - Each later batch uses the mean task time of the batch before: a chunk holds as many
//!   tasks as fit in [`CHUNK_TARGET`], but no more than a [`CHUNKS_PER_WORKER`]th of a
//!   worker's share of the batch (the `multiprocessing.Pool.map` rule, so the last chunks
//!   still balance across workers) and no more than [`MAX_CHUNK_TASKS`].
//! - Tasks that ship an input (`ship`) always go one per frame: their payload dwarfs the
//!   frame, and a chunk would only hold it back.
//!
//! Tasks of a millisecond or more (every workload of the profiles but `stream`, whose 2 MiB
//! slices take about 0.1 ms and go two or three to a frame, and the overhead bench's
//! near-empty one) thus keep one task per frame, as before chunking. To change the policy,
//! change [`chunk_size`] and its tests; the pool calls nothing else here.

use std::time::Duration;

pub use super::protocol::MAX_CHUNK_TASKS;

/// The work one chunk should hold: long enough to amortise a frame's round trip (tens of µs
/// between two busy vCPUs), short enough that a batch's last chunks balance.
pub const CHUNK_TARGET: Duration = Duration::from_micros(200);
/// Chunks per worker per batch, at least: a chunk holds at most `tasks / (workers x this)`
/// tasks (as `multiprocessing.Pool.map`'s default chunk size).
pub const CHUNKS_PER_WORKER: usize = 4;

/// Tasks per chunk for a batch of `tasks` tasks on `workers` workers, given the mean wall
/// time of one task in ns as measured in the previous batch (`None` before the first: one
/// task per frame). Always 1 to [`MAX_CHUNK_TASKS`].
pub fn chunk_size(task_ns: Option<f64>, tasks: usize, workers: usize) -> usize {
    let Some(ns) = task_ns.filter(|ns| ns.is_finite() && *ns >= 0.0) else {
        return 1;
    };
    let by_time = CHUNK_TARGET.as_nanos() as f64 / ns.max(1.0);
    let by_balance = tasks / (workers.max(1) * CHUNKS_PER_WORKER);
    (by_time as usize).min(by_balance).clamp(1, MAX_CHUNK_TASKS)
}

/// Mean wall time of one task in ns, from the `busy_ns` the workers reported for a batch.
pub fn mean_task_ns(busy_ns: u64, tasks: usize) -> Option<f64> {
    (tasks > 0).then(|| busy_ns as f64 / tasks as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_batch_goes_one_task_per_frame() {
        assert_eq!(chunk_size(None, 1000, 2), 1);
        assert_eq!(chunk_size(Some(f64::NAN), 1000, 2), 1);
    }

    #[test]
    fn near_empty_tasks_are_chunked_up_to_a_quarter_of_a_workers_share() {
        // 20 ns a task: 10 000 fit the target, the balance rule allows 1000 / (2 x 4).
        assert_eq!(chunk_size(Some(20.0), 1000, 2), 125);
        assert_eq!(chunk_size(Some(0.0), 1000, 1), 250);
        // Never more than a frame may carry.
        assert_eq!(chunk_size(Some(20.0), 1_000_000, 2), MAX_CHUNK_TASKS);
    }

    #[test]
    fn the_time_target_bounds_small_tasks() {
        // 10 µs a task: 20 fit in 200 µs.
        assert_eq!(chunk_size(Some(10_000.0), 1000, 2), 20);
    }

    #[test]
    fn tasks_of_a_millisecond_or_small_batches_stay_one_per_frame() {
        assert_eq!(chunk_size(Some(1e6), 1000, 2), 1);
        assert_eq!(chunk_size(Some(300_000.0), 64, 2), 1);
        assert_eq!(chunk_size(Some(20.0), 7, 2), 1);
        assert_eq!(chunk_size(Some(20.0), 1, 1), 1);
        assert_eq!(chunk_size(Some(20.0), 1000, 0), 250);
    }

    #[test]
    fn the_mean_task_time_needs_tasks() {
        assert_eq!(mean_task_ns(5_000, 10), Some(500.0));
        assert_eq!(mean_task_ns(5_000, 0), None);
    }
}
