//! A shared counter incremented by several threads: the race-condition lesson in numbers.
//!
//! Every kind does the same total number of increments, split across `workers` threads
//! spawned for the batch (as a Python `Thread` per worker would be) that start together at
//! a barrier. The synchronised kinds
//! end exactly at the total; [`CounterKind::Racy`] reads and writes the counter with two
//! separate relaxed atomic operations, a real lost-update race (a thread's store overwrites
//! increments made since its load) without undefined behaviour, and reports how many
//! updates it lost. To add a kind, add a variant, its name, and its loop in [`count`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Barrier, Mutex, RwLock};

/// How the counter is shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CounterKind {
    /// `Mutex<u64>`: lock, add one, unlock.
    Mutex,
    /// `RwLock<u64>`, taken for writing on every increment.
    RwLock,
    /// One `AtomicU64` and `fetch_add(1)`: a single indivisible read-modify-write.
    Atomic,
    /// One counter per worker, each on its own cache line, summed at the end: no sharing.
    Sharded,
    /// One `AtomicU64` read with `load` and written with `store`, separately: lost updates.
    Racy,
}

impl CounterKind {
    /// Every kind, in the order tables and charts show them.
    pub const ALL: [CounterKind; 5] = [
        CounterKind::Mutex,
        CounterKind::RwLock,
        CounterKind::Atomic,
        CounterKind::Sharded,
        CounterKind::Racy,
    ];

    /// The primitive's name in case names (`counter-<name>`).
    pub fn name(self) -> &'static str {
        match self {
            CounterKind::Mutex => "mutex",
            CounterKind::RwLock => "rwlock",
            CounterKind::Atomic => "atomic",
            CounterKind::Sharded => "sharded",
            CounterKind::Racy => "racy",
        }
    }

    /// Looks a kind up by name.
    pub fn find(name: &str) -> Option<CounterKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// False only for [`CounterKind::Racy`], which may lose updates.
    pub fn is_synchronised(self) -> bool {
        self != CounterKind::Racy
    }
}

/// What one batch of increments ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterOutcome {
    /// Increments the workers performed, counted by the workers themselves.
    pub attempted: u64,
    /// The counter's value at the end, read from the counter.
    pub total: u64,
    /// `attempted - total`: increments overwritten by a racing store. Always 0 for the
    /// synchronised kinds.
    pub lost: u64,
}

/// A worker counter alone on its cache line (128 bytes covers adjacent-line prefetching).
#[repr(align(128))]
#[derive(Default)]
struct Padded(AtomicU64);

/// Worker `w`'s share of `total` increments split over `workers`: the first `total %
/// workers` workers do one more.
pub fn share(total: u64, workers: usize, w: usize) -> u64 {
    let workers = workers as u64;
    total / workers + u64::from((w as u64) < total % workers)
}

/// Increments a counter of `kind` `total` times from `workers` threads (at least 1) and
/// reports the outcome.
pub fn count(kind: CounterKind, workers: usize, total: u64) -> CounterOutcome {
    let workers = workers.max(1);
    let mutex = Mutex::new(0u64);
    let rwlock = RwLock::new(0u64);
    let atomic = AtomicU64::new(0);
    let shards: Vec<Padded> = (0..workers).map(|_| Padded::default()).collect();
    // Every worker starts incrementing at the same moment, so a share is not done before
    // the next thread even exists.
    let start = Barrier::new(workers);
    let attempted: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let (mutex, rwlock, atomic, shard) = (&mutex, &rwlock, &atomic, &shards[w].0);
                let start = &start;
                scope.spawn(move || {
                    let n = share(total, workers, w);
                    start.wait();
                    let mut done = 0u64;
                    for _ in 0..n {
                        match kind {
                            CounterKind::Mutex => *mutex.lock().expect("not poisoned") += 1,
                            CounterKind::RwLock => *rwlock.write().expect("not poisoned") += 1,
                            CounterKind::Atomic => {
                                atomic.fetch_add(1, Ordering::Relaxed);
                            }
                            CounterKind::Sharded => {
                                shard.fetch_add(1, Ordering::Relaxed);
                            }
                            CounterKind::Racy => {
                                let seen = atomic.load(Ordering::Relaxed);
                                atomic.store(seen + 1, Ordering::Relaxed);
                            }
                        }
                        done += 1;
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a counter worker does not panic"))
            .sum()
    });
    let total = match kind {
        CounterKind::Mutex => mutex.into_inner().expect("not poisoned"),
        CounterKind::RwLock => rwlock.into_inner().expect("not poisoned"),
        CounterKind::Atomic | CounterKind::Racy => atomic.into_inner(),
        CounterKind::Sharded => shards.into_iter().map(|s| s.0.into_inner()).sum(),
    };
    CounterOutcome {
        attempted,
        total,
        // A racing store writes one more than a value read before it, so the counter can
        // never pass the number of increments; saturate all the same.
        lost: attempted.saturating_sub(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_to_the_total() {
        for (total, workers) in [(10, 3), (7, 8), (1000, 4), (0, 2)] {
            let sum: u64 = (0..workers).map(|w| share(total, workers, w)).sum();
            assert_eq!(sum, total, "{total} over {workers}");
        }
    }

    #[test]
    fn one_worker_never_loses_an_update() {
        let o = count(CounterKind::Racy, 1, 10_000);
        assert_eq!((o.attempted, o.total, o.lost), (10_000, 10_000, 0));
    }

    #[test]
    fn names_round_trip() {
        for kind in CounterKind::ALL {
            assert_eq!(CounterKind::find(kind.name()), Some(kind));
        }
        assert_eq!(CounterKind::find("spinlock"), None);
        assert!(!CounterKind::Racy.is_synchronised() && CounterKind::Mutex.is_synchronised());
    }
}
