//! One worker process as the process pool sees it ([`Slot`]): its pipes, the tasks it holds,
//! the task frame being written to it, and how the pool gives up on it ([`Failure`]). The
//! reads and writes here never block the pool's `poll(2)` loop (see [`super::pool`]).

use std::collections::VecDeque;
use std::io::{self, IoSlice, Read, Write};
use std::os::fd::AsRawFd;
use std::process::{Child, ChildStdin, ChildStdout, ExitStatus};
use std::time::{Duration, Instant};

use super::pool::EXIT_GRACE;
use super::protocol::{self, FromWorker, TASK_HEADER_LEN};

/// Why the pool gives up on a worker.
pub(super) enum Failure {
    Eof,
    Timeout,
    Bad(String),
    Reported(String),
    Io(io::Error),
}

/// A task frame partly written to a worker's stdin.
pub(super) struct Outgoing {
    pub(super) task: usize,
    pub(super) header: [u8; TASK_HEADER_LEN],
    pub(super) written: usize,
}

/// One worker process and the parent's view of it.
pub(super) struct Slot {
    pub(super) child: Child,
    pub(super) pid: u32,
    pub(super) stdin: Option<ChildStdin>,
    pub(super) stdout: ChildStdout,
    /// False once the worker has sent its last frame (its usage report).
    pub(super) live: bool,
    pub(super) rbuf: Vec<u8>,
    pub(super) in_flight: VecDeque<usize>,
    pub(super) busy_since: Option<Instant>,
    pub(super) out: Option<Outgoing>,
}

impl Slot {
    /// Writes a whole small frame (hello, shutdown) to the worker's stdin.
    pub(super) fn send_all(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        let stdin = self.stdin.as_mut().ok_or(Failure::Eof)?;
        stdin.write_all(bytes).map_err(write_failure)
    }

    pub(super) fn nonblocking(&mut self) -> Result<(), Failure> {
        let fd = self.stdin.as_ref().ok_or(Failure::Eof)?.as_raw_fd();
        // SAFETY: fcntl on a descriptor this slot owns; no memory is passed.
        let ok = unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) >= 0
        };
        if ok {
            Ok(())
        } else {
            Err(Failure::Io(io::Error::last_os_error()))
        }
    }

    /// Writes as much of the pending task frame as the pipe takes without blocking.
    pub(super) fn flush_out(&mut self, input: &[u8]) -> Result<(), Failure> {
        let Some(out) = self.out.as_mut() else {
            return Ok(());
        };
        let stdin = self.stdin.as_mut().ok_or(Failure::Eof)?;
        let total = TASK_HEADER_LEN + input.len();
        while out.written < total {
            let result = match out.header.get(out.written..) {
                Some(head) if !head.is_empty() => {
                    stdin.write_vectored(&[IoSlice::new(head), IoSlice::new(input)])
                }
                _ => stdin.write(&input[out.written - TASK_HEADER_LEN..]),
            };
            match result {
                Ok(0) => return Err(Failure::Eof),
                Ok(n) => out.written += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(write_failure(e)),
            }
        }
        self.out = None;
        Ok(())
    }

    /// Reads what the worker's stdout holds and decodes every complete frame. A result must
    /// be for the task at the head of the in-flight queue; it is popped there.
    pub(super) fn read_frames(
        &mut self,
        i: usize,
        chunk: &mut [u8],
        frames: &mut Vec<(usize, FromWorker)>,
    ) -> Result<(), Failure> {
        let n = loop {
            match self.stdout.read(chunk) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Failure::Io(e)),
            }
        };
        if n == 0 {
            return Err(Failure::Eof);
        }
        self.rbuf.extend_from_slice(&chunk[..n]);
        let mut used = 0;
        let result = loop {
            let (body, len) = match protocol::split_frame(&self.rbuf[used..]) {
                Ok(Some(frame)) => frame,
                Ok(None) => break Ok(()),
                Err(e) => break Err(Failure::Bad(e.to_string())),
            };
            used += len;
            match FromWorker::decode(body) {
                Err(e) => break Err(Failure::Bad(e.to_string())),
                Ok(FromWorker::Failed(message)) => break Err(Failure::Reported(message)),
                Ok(FromWorker::Done { index, .. }) if self.in_flight.front() != Some(&index) => {
                    break Err(Failure::Bad(format!(
                        "a result for task {index}, which it was not running"
                    )));
                }
                Ok(frame) => {
                    if let FromWorker::Done { .. } = frame {
                        self.in_flight.pop_front();
                        self.busy_since = (!self.in_flight.is_empty()).then(Instant::now);
                    }
                    frames.push((i, frame));
                }
            }
        };
        self.rbuf.drain(..used);
        result
    }

    /// Waits up to [`EXIT_GRACE`] for the worker to exit, then kills it.
    pub(super) fn wait_bounded(&mut self) -> io::Result<ExitStatus> {
        let start = Instant::now();
        let mut nap = Duration::from_micros(100);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            if start.elapsed() >= EXIT_GRACE {
                let _ = self.child.kill();
                return self.child.wait();
            }
            std::thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(20));
        }
    }
}

pub(super) fn write_failure(e: io::Error) -> Failure {
    match e.kind() {
        io::ErrorKind::BrokenPipe => Failure::Eof,
        _ => Failure::Io(e),
    }
}
