//! Wake-up latency: how long from "notify" until the waiting side runs.
//!
//! Each mechanism plays ping-pong with a partner set up outside the timed region: this side
//! wakes the partner, the partner wakes this side back. One round trip is two wake-ups, so
//! the latency of one wake-up is half a round trip. Mechanisms: a `Condvar` between two
//! threads (the `threading.Condition` of the course); tokio's `Notify` between a task on a
//! multi-thread runtime's worker and the thread blocked on the runtime (cross-thread), and
//! between two tasks of a current-thread runtime (the `asyncio.Event` case: a task switch,
//! no thread to wake); and one byte through a pipe to another process and back
//! ([`super::fork::EchoChild`]). To add one, add a variant, its name and its partner in
//! [`WakeupPartner`].

use std::io;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::fork::EchoChild;

/// Wake-ups in one round trip.
pub const WAKEUPS_PER_ROUND_TRIP: u64 = 2;

/// A way to wake a waiting thread, task or process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WakeupKind {
    /// `Condvar::notify_one` to a thread blocked in `Condvar::wait`.
    Condvar,
    /// `Notify::notify_one` across threads of a multi-thread runtime.
    TokioNotify,
    /// `Notify::notify_one` between two tasks on a current-thread runtime.
    TokioNotifyCurrent,
    /// One byte through a pipe to a process blocked in `read`.
    Pipe,
}

impl WakeupKind {
    /// Every kind, in the order tables and charts show them.
    pub const ALL: [WakeupKind; 4] = [
        WakeupKind::Condvar,
        WakeupKind::TokioNotify,
        WakeupKind::TokioNotifyCurrent,
        WakeupKind::Pipe,
    ];

    /// The mechanism's name in case names (`wakeup-<name>`).
    pub fn name(self) -> &'static str {
        match self {
            WakeupKind::Condvar => "condvar",
            WakeupKind::TokioNotify => "tokio-notify",
            WakeupKind::TokioNotifyCurrent => "tokio-notify-current",
            WakeupKind::Pipe => "pipe",
        }
    }

    /// Looks a kind up by name.
    pub fn find(name: &str) -> Option<WakeupKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The state two threads share over a condition variable: `seq` is odd while a ping waits
/// for its pong.
#[derive(Default)]
struct PingPong {
    state: Mutex<(u64, bool)>,
    ping: Condvar,
    pong: Condvar,
}

/// The partner of one mechanism, running until [`WakeupPartner::stop`].
pub struct WakeupPartner(Partner);

enum Partner {
    /// A thread answering over a condition variable.
    Condvar {
        /// The shared state.
        shared: Arc<PingPong>,
        /// The partner thread.
        thread: std::thread::JoinHandle<()>,
    },
    /// A task answering over two `Notify`s.
    Notify {
        /// Its runtime.
        runtime: tokio::runtime::Runtime,
        /// Ping (to the task) and pong (back).
        notifies: Arc<(Notify, Notify)>,
        /// The partner task; it ends on a ping after `stop` is set.
        task: tokio::task::JoinHandle<()>,
        /// Tells the task to end.
        stop: Arc<std::sync::atomic::AtomicBool>,
    },
    /// A forked process echoing bytes.
    Pipe(EchoChild),
}

impl WakeupPartner {
    /// Starts the partner of `kind`.
    pub fn start(kind: WakeupKind) -> io::Result<WakeupPartner> {
        Ok(WakeupPartner(match kind {
            WakeupKind::Condvar => {
                let shared = Arc::new(PingPong::default());
                let theirs = Arc::clone(&shared);
                let thread = std::thread::Builder::new()
                    .name("condvar-partner".into())
                    .spawn(move || condvar_partner(&theirs))?;
                Partner::Condvar { shared, thread }
            }
            WakeupKind::TokioNotify | WakeupKind::TokioNotifyCurrent => {
                let runtime = if kind == WakeupKind::TokioNotify {
                    tokio::runtime::Builder::new_multi_thread()
                        .worker_threads(1)
                        .build()?
                } else {
                    tokio::runtime::Builder::new_current_thread().build()?
                };
                let notifies = Arc::new((Notify::new(), Notify::new()));
                let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
                let (n, s) = (Arc::clone(&notifies), Arc::clone(&stop));
                let task = runtime.spawn(async move {
                    loop {
                        n.0.notified().await;
                        if s.load(std::sync::atomic::Ordering::Acquire) {
                            return;
                        }
                        n.1.notify_one();
                    }
                });
                Partner::Notify {
                    runtime,
                    notifies,
                    task,
                    stop,
                }
            }
            WakeupKind::Pipe => Partner::Pipe(EchoChild::start()?),
        }))
    }

    /// The partner's process id, when it is a process.
    pub fn child_pid(&self) -> Option<libc::pid_t> {
        match &self.0 {
            Partner::Pipe(child) => Some(child.pid()),
            _ => None,
        }
    }

    /// Plays `rounds` round trips and returns their total wall time.
    pub fn round_trips(&mut self, rounds: u64) -> io::Result<Duration> {
        match &mut self.0 {
            Partner::Condvar { shared, .. } => {
                let start = Instant::now();
                for _ in 0..rounds {
                    let mut state = shared.state.lock().expect("not poisoned");
                    state.0 += 1;
                    shared.ping.notify_one();
                    while state.0 % 2 == 1 {
                        state = shared.pong.wait(state).expect("not poisoned");
                    }
                }
                Ok(start.elapsed())
            }
            Partner::Notify {
                runtime, notifies, ..
            } => Ok(runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..rounds {
                    notifies.0.notify_one();
                    notifies.1.notified().await;
                }
                start.elapsed()
            })),
            Partner::Pipe(child) => {
                let start = Instant::now();
                for i in 0..rounds {
                    let byte = i as u8;
                    if child.round_trip(byte)? != byte {
                        return Err(io::Error::other("the echo process sent a wrong byte"));
                    }
                }
                Ok(start.elapsed())
            }
        }
    }

    /// Stops the partner and waits until it is gone.
    pub fn stop(self) -> io::Result<()> {
        match self.0 {
            Partner::Condvar { shared, thread } => {
                shared.state.lock().expect("not poisoned").1 = true;
                shared.ping.notify_one();
                thread
                    .join()
                    .map_err(|_| io::Error::other("the condvar partner thread panicked"))
            }
            Partner::Notify {
                runtime,
                notifies,
                task,
                stop,
            } => {
                stop.store(true, std::sync::atomic::Ordering::Release);
                notifies.0.notify_one();
                runtime.block_on(task).map_err(|e| {
                    io::Error::other(format!("the notify partner task failed: {e}"))
                })?;
                runtime.shutdown_timeout(Duration::from_secs(5));
                Ok(())
            }
            Partner::Pipe(child) => child.stop(),
        }
    }
}

/// The condvar partner: answer every ping with a pong until told to stop.
fn condvar_partner(shared: &PingPong) {
    let mut state = shared.state.lock().expect("not poisoned");
    loop {
        while state.0 % 2 == 0 && !state.1 {
            state = shared.ping.wait(state).expect("not poisoned");
        }
        if state.1 {
            return;
        }
        state.0 += 1;
        shared.pong.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_partner_answers_and_stops() {
        for kind in WakeupKind::ALL {
            let mut partner = WakeupPartner::start(kind).unwrap();
            let spent = partner.round_trips(300).unwrap();
            assert!(spent > Duration::ZERO, "{kind:?}");
            partner.stop().unwrap();
        }
    }

    #[test]
    fn names_round_trip() {
        for kind in WakeupKind::ALL {
            assert_eq!(WakeupKind::find(kind.name()), Some(kind));
        }
    }
}
