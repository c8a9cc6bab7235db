//! An emulation of CPython's global interpreter lock, used by the `threads-gil` model.
//!
//! PLACEHOLDER: a plain mutex until the full switch-interval logic lands.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// CPython's default switch interval.
pub const DEFAULT_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// The emulated interpreter lock.
pub struct Gil {
    lock: Mutex<()>,
    switch_interval: Duration,
}

/// Counters that show how the lock behaved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GilStats {
    /// Most threads that held the lock at the same moment (must be 1).
    pub max_holders: usize,
    /// Times the lock was taken.
    pub acquisitions: u64,
    /// Times a holder gave the lock up at `tick()` because a waiter asked for it.
    pub forced_switches: u64,
}

impl Gil {
    /// A free lock with the given switch interval.
    pub fn new(switch_interval: Duration) -> Self {
        Gil {
            lock: Mutex::new(()),
            switch_interval,
        }
    }

    /// The interval after which a waiting thread asks the holder to let go.
    pub fn switch_interval(&self) -> Duration {
        self.switch_interval
    }

    /// Blocks until the calling thread holds the lock.
    pub fn acquire(&self) -> GilGuard<'_> {
        GilGuard {
            _gil: self,
            _held: self.lock.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> GilStats {
        GilStats::default()
    }
}

/// Proof that the current thread holds the lock; releases it when dropped.
pub struct GilGuard<'a> {
    _gil: &'a Gil,
    _held: MutexGuard<'a, ()>,
}

impl GilGuard<'_> {
    /// Gives the lock up if another thread asked for it, then takes it back.
    pub fn tick(&self) {}

    /// Runs `wait` with the lock released, then takes it back.
    pub fn release_during<R>(&self, wait: impl FnOnce() -> R) -> R {
        wait()
    }
}
