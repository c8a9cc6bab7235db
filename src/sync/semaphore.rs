//! A semaphore limiting how many tasks of the `sleep` workload wait at once.
//!
//! Every task of the batch starts at once and must hold one of `permits` permits while it
//! runs, so at most `permits` sleeps overlap and the batch takes about
//! `ceil(tasks / permits)` latencies. Two implementations: tokio's `Semaphore` with one task
//! per sleep on a current-thread runtime (the `asyncio.Semaphore` case), and
//! [`CountingSemaphore`], a counting semaphore built from a `Mutex` and a `Condvar`, with one
//! OS thread per sleep (the `threading.Semaphore` case; the threads are spawned inside the
//! batch, as Python starts them). Both return the batch checksum, which must equal the
//! workload's reference, and the largest number of tasks they saw running at once. To add
//! one, add a variant, its name and its arm in [`run_limited`].

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use crate::checksum::BatchChecksum;
use crate::task::TaskCtx;
use crate::workload::Workload;

/// Which semaphore limits the tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SemaphoreKind {
    /// `tokio::sync::Semaphore`, tasks on a current-thread runtime.
    Tokio,
    /// [`CountingSemaphore`], one thread per task.
    Condvar,
}

impl SemaphoreKind {
    /// Every kind, in the order tables and charts show them.
    pub const ALL: [SemaphoreKind; 2] = [SemaphoreKind::Tokio, SemaphoreKind::Condvar];

    /// The primitive's name in case names (`semaphore-<name>`).
    pub fn name(self) -> &'static str {
        match self {
            SemaphoreKind::Tokio => "tokio",
            SemaphoreKind::Condvar => "condvar",
        }
    }

    /// Looks a kind up by name.
    pub fn find(name: &str) -> Option<SemaphoreKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A counting semaphore for threads: `acquire` waits while no permit is free.
#[derive(Debug)]
pub struct CountingSemaphore {
    free: Mutex<usize>,
    released: Condvar,
}

/// A held permit; dropping it gives the permit back and wakes one waiter.
#[derive(Debug)]
pub struct Permit<'a>(&'a CountingSemaphore);

impl CountingSemaphore {
    /// A semaphore with `permits` free permits.
    pub fn new(permits: usize) -> CountingSemaphore {
        CountingSemaphore {
            free: Mutex::new(permits),
            released: Condvar::new(),
        }
    }

    /// Waits for a free permit and takes it.
    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.free.lock().expect("not poisoned");
        while *free == 0 {
            free = self.released.wait(free).expect("not poisoned");
        }
        *free -= 1;
        Permit(self)
    }

    /// Permits free now.
    pub fn available(&self) -> usize {
        *self.free.lock().expect("not poisoned")
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().expect("not poisoned") += 1;
        self.0.released.notify_one();
    }
}

/// What one limited batch returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitedOutcome {
    /// The batch checksum ([`BatchChecksum`] over every task).
    pub checksum: u64,
    /// The most tasks seen running at the same time.
    pub peak_in_flight: usize,
}

/// Counts tasks running now and the most seen at once.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl InFlight {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
    }

    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs every task of `workload` at once under a semaphore of `permits` (at least 1).
/// `runtime` must be a current-thread runtime for [`SemaphoreKind::Tokio`] (unused by the
/// other kind). The workload needs an async path for tokio (the `sleep` workload has one).
pub fn run_limited(
    kind: SemaphoreKind,
    workload: &Arc<dyn Workload>,
    permits: usize,
    runtime: &tokio::runtime::Runtime,
) -> LimitedOutcome {
    let permits = permits.max(1);
    let in_flight = Arc::new(InFlight::default());
    let mut sum = BatchChecksum::default();
    match kind {
        SemaphoreKind::Condvar => {
            let semaphore = CountingSemaphore::new(permits);
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workload.tasks())
                    .map(|task| {
                        let (semaphore, in_flight) = (&semaphore, &in_flight);
                        scope.spawn(move || {
                            let _permit = semaphore.acquire();
                            in_flight.enter();
                            let value = workload.run(task, &mut TaskCtx::free());
                            in_flight.leave();
                            (task, value)
                        })
                    })
                    .collect();
                for h in handles {
                    let (task, value) = h.join().expect("a task does not panic");
                    sum.add(task, value);
                }
            });
        }
        SemaphoreKind::Tokio => {
            let semaphore = Arc::new(tokio::sync::Semaphore::new(permits));
            runtime.block_on(async {
                let handles: Vec<_> = (0..workload.tasks())
                    .map(|task| {
                        let (semaphore, in_flight) =
                            (Arc::clone(&semaphore), Arc::clone(&in_flight));
                        let future = workload
                            .run_async(task)
                            .expect("the semaphore cases need a workload with an async path");
                        tokio::spawn(async move {
                            let _permit = semaphore.acquire().await.expect("never closed");
                            in_flight.enter();
                            let value = future.await;
                            in_flight.leave();
                            (task, value)
                        })
                    })
                    .collect();
                for h in handles {
                    let (task, value) = h.await.expect("a task does not panic");
                    sum.add(task, value);
                }
            });
        }
    }
    LimitedOutcome {
        checksum: sum.value(),
        peak_in_flight: in_flight.peak.load(Ordering::SeqCst),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_come_back() {
        let s = CountingSemaphore::new(2);
        let a = s.acquire();
        let b = s.acquire();
        assert_eq!(s.available(), 0);
        drop(a);
        assert_eq!(s.available(), 1);
        drop(b);
        assert_eq!(s.available(), 2);
    }

    #[test]
    fn a_waiter_gets_the_permit_another_thread_releases() {
        let s = CountingSemaphore::new(1);
        let held = s.acquire();
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| {
                let _p = s.acquire();
            });
            drop(held);
            waiter.join().unwrap();
        });
        assert_eq!(s.available(), 1);
    }
}
