//! Producer-consumer queues: `producers` threads (or tasks) send every number below
//! `messages` once, `consumers` receive them until the queue closes, and the batch reports
//! what arrived: a count and an order-independent checksum, which must equal
//! [`Delivery::expected`] (every message exactly once).
//!
//! Kinds: std's bounded `sync_channel` (its receiver is single-consumer, so with more than
//! one consumer they share it behind a `Mutex`, each holding the lock while it waits);
//! crossbeam's bounded multi-consumer channel; tokio's bounded `mpsc` on a multi-thread
//! runtime (its receiver is single-consumer too, so several consumers share it behind a
//! `tokio::sync::Mutex`); and a pipe into consumer processes ([`super::pipe_queue`]). Every
//! channel holds at most `capacity` messages. To add a kind, add a variant, its name and
//! its arm in [`QueueRunner::run`].

use std::io;
use std::sync::Mutex;

use super::pipe_queue::PipeQueue;
use crate::checksum::mix64;

/// Which queue carries the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueueKind {
    /// `std::sync::mpsc::sync_channel`, bounded.
    StdMpsc,
    /// `crossbeam_channel::bounded`.
    Crossbeam,
    /// `tokio::sync::mpsc::channel`, bounded, producers and consumers as tasks.
    TokioMpsc,
    /// A pipe from producer threads to consumer processes.
    Pipe,
}

impl QueueKind {
    /// Every kind, in the order tables and charts show them.
    pub const ALL: [QueueKind; 4] = [
        QueueKind::StdMpsc,
        QueueKind::Crossbeam,
        QueueKind::TokioMpsc,
        QueueKind::Pipe,
    ];

    /// The primitive's name in case names (`queue-<name>`).
    pub fn name(self) -> &'static str {
        match self {
            QueueKind::StdMpsc => "std-mpsc",
            QueueKind::Crossbeam => "crossbeam",
            QueueKind::TokioMpsc => "tokio-mpsc",
            QueueKind::Pipe => "pipe",
        }
    }

    /// Looks a kind up by name.
    pub fn find(name: &str) -> Option<QueueKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// What the consumers received: how many messages and the wrapping sum of their mixes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Messages received.
    pub count: u64,
    /// Wrapping sum of `mix64(message)`: a lost or duplicated message changes it.
    pub checksum: u64,
}

impl Delivery {
    /// Counts one received message.
    #[inline]
    pub fn add(&mut self, message: u64) {
        self.count += 1;
        self.checksum = self.checksum.wrapping_add(mix64(message));
    }

    /// Adds another consumer's share.
    pub fn merge(&mut self, other: Delivery) {
        self.count += other.count;
        self.checksum = self.checksum.wrapping_add(other.checksum);
    }

    /// What a batch of `messages` must deliver: every number below it once.
    pub fn expected(messages: u64) -> Delivery {
        let mut d = Delivery::default();
        (0..messages).for_each(|m| d.add(m));
        d
    }
}

/// The messages producer `p` of `producers` sends: `p`, `p + producers`, ... below `messages`.
pub fn messages_of(p: usize, producers: usize, messages: u64) -> impl Iterator<Item = u64> {
    (p as u64..messages).step_by(producers.max(1))
}

/// One queue kind at one shape, with what it needs built outside the timed region (a tokio
/// runtime, the consumer processes).
pub struct QueueRunner {
    kind: QueueKind,
    producers: usize,
    consumers: usize,
    capacity: usize,
    runtime: Option<tokio::runtime::Runtime>,
    pipe: Option<PipeQueue>,
}

impl QueueRunner {
    /// Builds a runner; producers, consumers and capacity are at least 1.
    pub fn new(
        kind: QueueKind,
        producers: usize,
        consumers: usize,
        capacity: usize,
    ) -> io::Result<QueueRunner> {
        let consumers = consumers.max(1);
        let runtime = match kind {
            QueueKind::TokioMpsc => Some(tokio::runtime::Builder::new_multi_thread().build()?),
            _ => None,
        };
        let pipe = match kind {
            QueueKind::Pipe => Some(PipeQueue::start(consumers)?),
            _ => None,
        };
        Ok(QueueRunner {
            kind,
            producers: producers.max(1),
            consumers,
            capacity: capacity.max(1),
            runtime,
            pipe,
        })
    }

    /// The consumer processes of a pipe queue (empty for the other kinds).
    pub fn child_pids(&self) -> Vec<libc::pid_t> {
        self.pipe.as_ref().map_or_else(Vec::new, PipeQueue::pids)
    }

    /// Sends every number below `messages` through the queue and returns what arrived.
    pub fn run(&mut self, messages: u64) -> io::Result<Delivery> {
        let (producers, consumers, capacity) = (self.producers, self.consumers, self.capacity);
        match self.kind {
            QueueKind::StdMpsc => Ok(std_mpsc(producers, consumers, capacity, messages)),
            QueueKind::Crossbeam => Ok(crossbeam(producers, consumers, capacity, messages)),
            QueueKind::TokioMpsc => {
                let rt = self.runtime.as_ref().expect("built in new");
                Ok(tokio_mpsc(rt, producers, consumers, capacity, messages))
            }
            QueueKind::Pipe => {
                let pipe = self.pipe.as_mut().expect("built in new");
                pipe.run(producers, messages)
            }
        }
    }

    /// Shuts the runtime down and stops the consumer processes; an error if one failed.
    pub fn finish(self) -> io::Result<()> {
        if let Some(rt) = self.runtime {
            rt.shutdown_timeout(std::time::Duration::from_secs(5));
        }
        match self.pipe {
            Some(pipe) => pipe.stop(),
            None => Ok(()),
        }
    }
}

fn std_mpsc(producers: usize, consumers: usize, capacity: usize, messages: u64) -> Delivery {
    let (tx, rx) = std::sync::mpsc::sync_channel::<u64>(capacity);
    let shared = Mutex::new(rx);
    let send =
        |tx: &std::sync::mpsc::SyncSender<u64>, m| tx.send(m).expect("a consumer is receiving");
    through_threads(tx, producers, consumers, messages, send, || {
        let mut got = Delivery::default();
        if consumers == 1 {
            let rx = shared.lock().expect("not poisoned");
            rx.iter().for_each(|m| got.add(m));
        } else {
            // The lock is held while waiting: the other consumers queue on it.
            while let Ok(m) = shared.lock().expect("not poisoned").recv() {
                got.add(m);
            }
        }
        got
    })
}

fn crossbeam(producers: usize, consumers: usize, capacity: usize, messages: u64) -> Delivery {
    let (tx, rx) = crossbeam_channel::bounded::<u64>(capacity);
    let send =
        |tx: &crossbeam_channel::Sender<u64>, m| tx.send(m).expect("a consumer is receiving");
    through_threads(tx, producers, consumers, messages, send, || {
        let mut got = Delivery::default();
        rx.iter().for_each(|m| got.add(m));
        got
    })
}

/// Runs one batch on scoped threads: `producers` threads send their share of the messages
/// through their own clone of `tx` (which is then dropped, so the queue closes when they
/// finish), `consumers` threads each run `consume` until the queue is closed and empty.
fn through_threads<T: Clone + Send>(
    tx: T,
    producers: usize,
    consumers: usize,
    messages: u64,
    send: impl Fn(&T, u64) + Copy + Send,
    consume: impl Fn() -> Delivery + Sync,
) -> Delivery {
    std::thread::scope(|scope| {
        for p in 0..producers {
            let tx = tx.clone();
            scope.spawn(move || {
                for m in messages_of(p, producers, messages) {
                    send(&tx, m);
                }
            });
        }
        drop(tx);
        let handles: Vec<_> = (0..consumers).map(|_| scope.spawn(&consume)).collect();
        join_deliveries(handles)
    })
}

fn join_deliveries(handles: Vec<std::thread::ScopedJoinHandle<'_, Delivery>>) -> Delivery {
    let mut all = Delivery::default();
    for h in handles {
        all.merge(h.join().expect("a consumer does not panic"));
    }
    all
}

fn tokio_mpsc(
    rt: &tokio::runtime::Runtime,
    producers: usize,
    consumers: usize,
    capacity: usize,
    messages: u64,
) -> Delivery {
    use std::sync::Arc;
    rt.block_on(async move {
        let (tx, rx) = tokio::sync::mpsc::channel::<u64>(capacity);
        for p in 0..producers {
            let tx = tx.clone();
            tokio::spawn(async move {
                for m in messages_of(p, producers, messages) {
                    tx.send(m).await.expect("a consumer is receiving");
                }
            });
        }
        drop(tx);
        let shared = Arc::new(tokio::sync::Mutex::new(rx));
        let handles: Vec<_> = (0..consumers)
            .map(|_| {
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    let mut got = Delivery::default();
                    if consumers == 1 {
                        let mut rx = shared.lock().await;
                        while let Some(m) = rx.recv().await {
                            got.add(m);
                        }
                    } else {
                        while let Some(m) = shared.lock().await.recv().await {
                            got.add(m);
                        }
                    }
                    got
                })
            })
            .collect();
        let mut all = Delivery::default();
        for h in handles {
            all.merge(h.await.expect("a consumer task does not panic"));
        }
        all
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn producers_split_the_messages_exactly() {
        let mut seen: Vec<u64> = (0..3).flat_map(|p| messages_of(p, 3, 10)).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn a_lost_or_duplicated_message_changes_the_delivery() {
        let want = Delivery::expected(100);
        let mut lost = Delivery::default();
        (1..100).for_each(|m| lost.add(m));
        lost.add(2);
        assert_eq!(lost.count, want.count);
        assert_ne!(lost, want);
    }

    #[test]
    fn every_in_process_queue_delivers_everything_once() {
        for kind in [
            QueueKind::StdMpsc,
            QueueKind::Crossbeam,
            QueueKind::TokioMpsc,
        ] {
            for (p, c) in [(1, 1), (3, 2)] {
                let mut runner = QueueRunner::new(kind, p, c, 4).unwrap();
                assert_eq!(
                    runner.run(1000).unwrap(),
                    Delivery::expected(1000),
                    "{kind:?}"
                );
                runner.finish().unwrap();
            }
        }
    }
}
