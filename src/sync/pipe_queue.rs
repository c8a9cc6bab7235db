//! A producer-consumer queue across processes: producer threads of this process write
//! 8-byte messages into one pipe, and `consumers` forked processes read them.
//!
//! Each message is one `write` and one `read` of 8 bytes, as a channel sends and receives
//! one message at a time. Writes of at most `PIPE_BUF` bytes are atomic and every read
//! asks for exactly one message, so messages never interleave, even with several readers.
//! At the end of a batch the parent writes one end marker per consumer, after every
//! message; a consumer that reads a marker writes its count and checksum (16 bytes) on its
//! own result pipe and then waits on its own control pipe, so that it cannot take another
//! consumer's marker; once every consumer has reported, the parent writes each one byte
//! there to start the next batch. The consumers live from
//! [`PipeQueue::start`] to [`PipeQueue::stop`] (or drop), outside the timed region; they
//! make async-signal-safe calls only (see [`super::fork`]).

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::RawFd;

use super::fork::{ForkedChild, read_full, write_full};
use super::queue::{Delivery, messages_of};
use crate::checksum::mix64;

/// Marks the end of a batch; never a message (messages are below the batch size).
const END: u64 = u64::MAX;

/// Consumer processes reading one shared pipe.
#[derive(Debug)]
pub struct PipeQueue {
    /// The write end every producer writes to; `None` once stopping.
    messages: Option<File>,
    consumers: Vec<ForkedChild>,
}

impl PipeQueue {
    /// Forks `consumers` (at least 1) consumer processes on a fresh pipe.
    pub fn start(consumers: usize) -> io::Result<PipeQueue> {
        let (read_end, write_end) = super::fork::pipe()?;
        let mut children = Vec::with_capacity(consumers.max(1));
        for _ in 0..consumers.max(1) {
            children.push(ForkedChild::start_sharing(consumer_body, &read_end)?);
        }
        // Only the consumers read; this process keeps the write end alone.
        drop(read_end);
        Ok(PipeQueue {
            messages: Some(File::from(write_end)),
            consumers: children,
        })
    }

    /// The consumer processes' ids.
    pub fn pids(&self) -> Vec<libc::pid_t> {
        self.consumers.iter().map(ForkedChild::pid).collect()
    }

    /// Sends every number below `messages` from `producers` threads and collects what the
    /// consumers received.
    pub fn run(&mut self, producers: usize, messages: u64) -> io::Result<Delivery> {
        let pipe: &File = self.messages.as_ref().expect("the queue is running");
        let producers = producers.max(1);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..producers)
                .map(|p| {
                    let mut pipe: &File = pipe;
                    scope.spawn(move || -> io::Result<()> {
                        for m in messages_of(p, producers, messages) {
                            pipe.write_all(&m.to_ne_bytes())?;
                        }
                        Ok(())
                    })
                })
                .collect();
            for h in handles {
                h.join().expect("a producer does not panic")?;
            }
            Ok::<(), io::Error>(())
        })?;
        let mut pipe: &File = pipe;
        for _ in &self.consumers {
            pipe.write_all(&END.to_ne_bytes())?;
        }
        let mut all = Delivery::default();
        for child in &self.consumers {
            let mut report = [0u8; 16];
            let mut from: &File = child.output();
            from.read_exact(&mut report).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("pipe consumer process {} did not report: {e}", child.pid()),
                )
            })?;
            let (count, checksum) = report.split_at(8);
            all.merge(Delivery {
                count: u64::from_ne_bytes(count.try_into().expect("8 bytes")),
                checksum: u64::from_ne_bytes(checksum.try_into().expect("8 bytes")),
            });
        }
        for child in &self.consumers {
            let mut go: &File = child.input().expect("the consumer is running");
            go.write_all(&[1])?;
        }
        Ok(all)
    }

    /// Closes the pipe, so every consumer reads end of file and exits, and reaps them; an
    /// error names the first that failed.
    pub fn stop(mut self) -> io::Result<()> {
        self.messages = None;
        let mut first_error = None;
        for child in self.consumers.drain(..) {
            if let Err(e) = child.stop() {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

impl Drop for PipeQueue {
    fn drop(&mut self) {
        // Close the pipe first, so the consumers' drops (which reap them) do not wait forever.
        self.messages = None;
        self.consumers.clear();
    }
}

/// A consumer process: count and checksum messages from `shared` until an end marker,
/// report on `output`, wait for a byte on `input`, repeat; exit at end of file of either.
/// Async-signal-safe.
fn consumer_body(input: RawFd, output: RawFd, shared: Option<RawFd>) -> i32 {
    let Some(messages) = shared else {
        return 3;
    };
    let mut got = Delivery::default();
    let mut buf = [0u8; 8];
    loop {
        match read_full(messages, &mut buf) {
            Ok(true) => {}
            Ok(false) => return 0,
            Err(()) => return 1,
        }
        let m = u64::from_ne_bytes(buf);
        if m == END {
            let mut report = [0u8; 16];
            report[..8].copy_from_slice(&got.count.to_ne_bytes());
            report[8..].copy_from_slice(&got.checksum.to_ne_bytes());
            if write_full(output, &report).is_err() {
                return 2;
            }
            got = Delivery::default();
            match read_full(input, &mut [0u8]) {
                Ok(true) => {}
                Ok(false) => return 0,
                Err(()) => return 1,
            }
        } else {
            got.count += 1;
            got.checksum = got.checksum.wrapping_add(mix64(m));
        }
    }
}
