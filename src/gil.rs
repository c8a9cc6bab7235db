//! An emulation of CPython's global interpreter lock, used by the `threads-gil` model.
//!
//! The design follows CPython's `ceval_gil.c` (the "new GIL" of Python 3.2+):
//!
//! - One thread at a time holds the lock; only the holder runs task code.
//! - A thread that wants the lock waits up to the *switch interval* (5 ms by default, as
//!   `sys.getswitchinterval()`). If in that time the lock has not changed hands, the waiter
//!   sets a *drop request* (CPython's `gil_drop_request`, seen through the eval breaker) and
//!   keeps waiting.
//! - The holder looks at the drop request at every [`GilGuard::tick`], which workloads call
//!   every few microseconds of work (CPython checks it between bytecodes). Without a request
//!   a tick costs one relaxed atomic load. With one, the holder releases the lock and — like
//!   CPython's `FORCE_SWITCHING` — waits until another thread has actually taken it before
//!   it asks for it again, so the waiter really gets its turn instead of losing the race to
//!   the thread that just let go.
//! - [`GilGuard::release_during`] is `Py_BEGIN_ALLOW_THREADS` / `Py_END_ALLOW_THREADS`: the
//!   lock is released around a wait (sleep, blocking I/O) and taken back through the same
//!   waiting logic afterwards.
//!
//! The lock is not reentrant: a thread that already holds it must not call
//! [`Gil::acquire`] again. A guard belongs to the thread that acquired it.
//!
//! [`GilStats`] counts what happened; `max_holders` comes from a counter that every holder
//! increments right after taking the lock and decrements right before letting it go, so it
//! proves that no two threads ever held it at once.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// CPython's default switch interval.
pub const DEFAULT_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// The emulated interpreter lock.
pub struct Gil {
    state: Mutex<State>,
    /// Signalled (one waiter) when the lock is released.
    released: Condvar,
    /// Signalled (everyone) when the lock changes hands or a waiter gives up: what a holder
    /// that was forced to let go waits on.
    switched: Condvar,
    /// The drop request: set by a waiter that waited a whole switch interval in vain, read by
    /// the holder at every tick. Only ever written with the state mutex held.
    drop_request: AtomicBool,
    /// Threads between "took the lock" and "about to release it". Must never exceed 1.
    holders: AtomicUsize,
    /// The largest value `holders` ever reached.
    max_holders: AtomicUsize,
    switch_interval: Duration,
}

/// The lock's state, behind the state mutex.
#[derive(Default)]
struct State {
    /// Whether some thread holds the interpreter lock.
    locked: bool,
    /// Increments at every acquisition; a waiter compares it across an interval to tell
    /// whether the lock changed hands (CPython's `switch_number`).
    switch_number: u64,
    /// Threads blocked in an acquisition.
    waiters: usize,
    /// Holders blocked until a forced switch happens (0 or 1, but counted to be safe).
    switch_watchers: usize,
    acquisitions: u64,
    contended_acquisitions: u64,
    drop_requests: u64,
    forced_switches: u64,
    timeouts: u64,
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
    /// Acquisitions that found the lock held and had to wait.
    pub contended_acquisitions: u64,
    /// Times a waiter, after a whole switch interval without a switch, asked the holder to
    /// let go.
    pub drop_requests: u64,
    /// Times a waiter gave up ([`Gil::try_acquire_for`] returned `None`).
    pub timeouts: u64,
}

impl Gil {
    /// A free lock with the given switch interval.
    pub fn new(switch_interval: Duration) -> Self {
        Gil {
            state: Mutex::new(State::default()),
            released: Condvar::new(),
            switched: Condvar::new(),
            drop_request: AtomicBool::new(false),
            holders: AtomicUsize::new(0),
            max_holders: AtomicUsize::new(0),
            switch_interval,
        }
    }

    /// The interval after which a waiting thread asks the holder to let go.
    pub fn switch_interval(&self) -> Duration {
        self.switch_interval
    }

    /// Blocks until the calling thread holds the lock.
    pub fn acquire(&self) -> GilGuard<'_> {
        let taken = self.take(None);
        debug_assert!(taken, "an acquisition without deadline always succeeds");
        GilGuard { gil: self }
    }

    /// Like [`Gil::acquire`], but gives up after `timeout`. A waiter that gives up withdraws
    /// its drop request if no other thread is waiting, and never leaves a holder stuck
    /// waiting for a switch that will not come.
    pub fn try_acquire_for(&self, timeout: Duration) -> Option<GilGuard<'_>> {
        let deadline = Instant::now().checked_add(timeout);
        // Lazily: a guard built for a failed take would "release" a lock it never held.
        self.take(deadline).then(|| GilGuard { gil: self })
    }

    /// Counters so far.
    pub fn stats(&self) -> GilStats {
        let st = self.lock_state();
        GilStats {
            max_holders: self.max_holders.load(Ordering::Relaxed),
            acquisitions: st.acquisitions,
            forced_switches: st.forced_switches,
            contended_acquisitions: st.contended_acquisitions,
            drop_requests: st.drop_requests,
            timeouts: st.timeouts,
        }
    }

    fn lock_state(&self) -> MutexGuard<'_, State> {
        // Nothing panics while the state mutex is held, but never let a poisoned mutex
        // turn into a second panic.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the lock, waiting as CPython's `take_gil` does. `deadline: None` waits for as
    /// long as it takes. Returns whether the lock was taken.
    fn take(&self, deadline: Option<Instant>) -> bool {
        let mut st = self.lock_state();
        if st.locked {
            st.waiters += 1;
            st.contended_acquisitions += 1;
            let mut seen = st.switch_number;
            let mut ask_at = later(Instant::now(), self.switch_interval);
            while st.locked {
                let now = Instant::now();
                // Only a waiter that finds the lock still held gives up: one woken by a
                // release always takes it, so no wake-up meant for a new holder is lost.
                if deadline.is_some_and(|d| now >= d) {
                    st.waiters -= 1;
                    st.timeouts += 1;
                    if st.waiters == 0 {
                        // Nobody is left to hand the lock to.
                        self.drop_request.store(false, Ordering::Relaxed);
                    }
                    if st.switch_watchers > 0 {
                        self.switched.notify_all();
                    }
                    return false;
                }
                if st.switch_number != seen {
                    // The lock changed hands: the new holder gets a full interval.
                    seen = st.switch_number;
                    ask_at = later(now, self.switch_interval);
                } else if now >= ask_at {
                    // A whole interval without a switch: ask the holder to let go.
                    if !self.drop_request.load(Ordering::Relaxed) {
                        self.drop_request.store(true, Ordering::Relaxed);
                        st.drop_requests += 1;
                    }
                    ask_at = later(now, self.switch_interval);
                }
                let wake = deadline.map_or(ask_at, |d| d.min(ask_at));
                st = self
                    .released
                    .wait_timeout(st, wake.saturating_duration_since(now))
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
            st.waiters -= 1;
        }
        st.locked = true;
        st.switch_number = st.switch_number.wrapping_add(1);
        st.acquisitions += 1;
        // Whatever request was pending has been served by this switch.
        self.drop_request.store(false, Ordering::Relaxed);
        if st.switch_watchers > 0 {
            self.switched.notify_all();
        }
        drop(st);
        let now_holding = self.holders.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_holders.fetch_max(now_holding, Ordering::SeqCst);
        true
    }

    /// Releases the lock (`st` is the state, already locked by the caller, who holds the
    /// interpreter lock).
    fn release_locked(&self, st: &mut State) {
        self.holders.fetch_sub(1, Ordering::SeqCst);
        st.locked = false;
        if st.waiters > 0 {
            self.released.notify_one();
        }
    }

    /// Releases the lock without waiting for anybody to take it.
    fn release(&self) {
        let mut st = self.lock_state();
        self.release_locked(&mut st);
    }

    /// The slow path of [`GilGuard::tick`]: a drop request was seen.
    #[cold]
    #[inline(never)]
    fn yield_to_waiter(&self) {
        let mut st = self.lock_state();
        if !self.drop_request.load(Ordering::Relaxed) {
            // Withdrawn, or already served, between the fast check and now.
            return;
        }
        self.drop_request.store(false, Ordering::Relaxed);
        if st.waiters == 0 {
            return;
        }
        st.forced_switches += 1;
        let mine = st.switch_number;
        self.release_locked(&mut st);
        // FORCE_SWITCHING: do not race the waiter for the lock we just let go; wait until
        // it has changed hands (or until every waiter has given up).
        st.switch_watchers += 1;
        while st.switch_number == mine && st.waiters > 0 {
            st = self.switched.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        st.switch_watchers -= 1;
        drop(st);
        self.take(None);
    }
}

/// `now + interval`, saturating at a year for absurd intervals.
fn later(now: Instant, interval: Duration) -> Instant {
    now.checked_add(interval)
        .or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 3600)))
        .unwrap_or(now)
}

impl std::fmt::Debug for Gil {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gil")
            .field("switch_interval", &self.switch_interval)
            .field("stats", &self.stats())
            .finish()
    }
}

/// Proof that the current thread holds the lock; releases it when dropped.
///
/// [`GilGuard::tick`] and [`GilGuard::release_during`] may let the lock go and take it back;
/// when they return, the thread holds it again.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct GilGuard<'a> {
    gil: &'a Gil,
}

impl GilGuard<'_> {
    /// Gives the lock up if another thread asked for it, then takes it back. Without a
    /// request this is one relaxed atomic load.
    #[inline]
    pub fn tick(&self) {
        if self.gil.drop_request.load(Ordering::Relaxed) {
            self.gil.yield_to_waiter();
        }
    }

    /// Runs `wait` with the lock released, then takes it back (also if `wait` panics).
    pub fn release_during<R>(&self, wait: impl FnOnce() -> R) -> R {
        struct Retake<'g>(&'g Gil);
        impl Drop for Retake<'_> {
            fn drop(&mut self) {
                self.0.take(None);
            }
        }
        self.gil.release();
        let _retake = Retake(self.gil);
        wait()
    }

    /// The lock this guard holds.
    pub fn gil(&self) -> &Gil {
        self.gil
    }
}

impl Drop for GilGuard<'_> {
    fn drop(&mut self) {
        self.gil.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncontended_lock_counts_and_never_requests() {
        let gil = Gil::new(Duration::from_millis(1));
        for _ in 0..3 {
            let g = gil.acquire();
            g.tick();
            assert_eq!(g.release_during(|| 7), 7);
        }
        let s = gil.stats();
        assert_eq!(s.max_holders, 1);
        // 3 acquisitions + 3 re-acquisitions after release_during.
        assert_eq!(s.acquisitions, 6);
        assert_eq!(s.forced_switches, 0);
        assert_eq!(s.drop_requests, 0);
        assert_eq!(s.contended_acquisitions, 0);
        assert!(!gil.lock_state().locked);
    }

    #[test]
    fn a_waiter_that_gives_up_withdraws_its_request() {
        let gil = Gil::new(Duration::from_millis(1));
        let g = gil.acquire();
        std::thread::scope(|s| {
            s.spawn(|| {
                assert!(gil.try_acquire_for(Duration::from_millis(20)).is_none());
            });
        });
        let s = gil.stats();
        assert_eq!(s.timeouts, 1);
        assert!(s.drop_requests >= 1, "{s:?}");
        assert!(!gil.drop_request.load(Ordering::Relaxed));
        // The holder is not asked to let go any more, and keeps the lock.
        g.tick();
        assert_eq!(gil.stats().forced_switches, 0);
        assert!(gil.lock_state().locked);
        drop(g);
        assert!(gil.try_acquire_for(Duration::ZERO).is_some());
    }

    #[test]
    fn a_forced_switch_hands_the_lock_to_the_waiter() {
        let gil = Gil::new(Duration::from_millis(1));
        let g = gil.acquire();
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                let w = gil.acquire();
                let n = gil.lock_state().switch_number;
                drop(w);
                n
            });
            while !gil.drop_request.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_micros(100));
            }
            let before = gil.lock_state().switch_number;
            g.tick();
            // We got the lock back only after the waiter took it (and let it go).
            assert!(gil.lock_state().switch_number >= before + 2);
            assert_eq!(waiter.join().unwrap(), before + 1);
        });
        drop(g);
        let s = gil.stats();
        assert_eq!(s.forced_switches, 1);
        assert_eq!(s.max_holders, 1);
    }
}
