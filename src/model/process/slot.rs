//! One worker process as the process pool sees it ([`Slot`]): its pipes, the units of work it
//! holds ([`Unit`]: one task, or a chunk of consecutive tasks), the frame being written to it,
//! and how the pool gives up on it ([`Failure`]). The reads and writes here never block the
//! pool's `poll(2)` loop (see [`super::pool`]).

use std::collections::VecDeque;
use std::io::{self, IoSlice, Read, Write};
use std::os::fd::AsRawFd;
use std::process::{Child, ChildStdin, ChildStdout, ExitStatus};
use std::time::{Duration, Instant};

use super::Phase;
use super::pool::EXIT_GRACE;
use super::protocol::{self, CHUNK_FRAME_LEN, FromWorker, TASK_HEADER_LEN};

/// Room for the longest frame header the pool writes: a task header or a whole chunk frame.
const HEADER_MAX: usize = if TASK_HEADER_LEN > CHUNK_FRAME_LEN {
    TASK_HEADER_LEN
} else {
    CHUNK_FRAME_LEN
};

/// Why the pool gives up on a worker.
pub(super) enum Failure {
    Eof,
    Timeout,
    Bad(String),
    Reported(String),
    /// A task's code panicked: the task and the panic's message.
    Panicked {
        task: usize,
        message: String,
    },
    Io(io::Error),
}

/// A task or chunk frame partly written to a worker's stdin: its header, then the shipped
/// input of task `input_of` (if any), which the pool borrows from the workload.
pub(super) struct Outgoing {
    pub(super) input_of: Option<usize>,
    header: [u8; HEADER_MAX],
    header_len: usize,
    written: usize,
}

impl Outgoing {
    /// A frame whose first bytes are `header`, followed by task `input_of`'s shipped input.
    pub(super) fn new(header: &[u8], input_of: Option<usize>) -> Outgoing {
        let mut h = [0u8; HEADER_MAX];
        h[..header.len()].copy_from_slice(header);
        Outgoing {
            input_of,
            header: h,
            header_len: header.len(),
            written: 0,
        }
    }
}

/// Tasks `first..end` sent to a worker as one frame; `next` is the first not yet answered.
/// It stays in flight until the worker's `Finished` frame for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Unit {
    pub(super) first: usize,
    pub(super) next: usize,
    pub(super) end: usize,
}

impl Unit {
    /// Tasks `first..end`, none answered yet.
    pub(super) fn new(first: usize, end: usize) -> Unit {
        Unit {
            first,
            next: first,
            end,
        }
    }

    /// What the worker holding this unit is doing: the task it runs, or for a chunk the first
    /// task it had not answered and the chunk's bounds.
    pub(super) fn phase(&self) -> Phase {
        let task = self.next.min(self.end - 1);
        match self.end - self.first {
            1 => Phase::Task(task),
            _ => Phase::Chunk {
                task,
                first: self.first,
                last: self.end - 1,
            },
        }
    }
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
    /// Units sent and not finished, oldest (the one the worker runs) first.
    pub(super) in_flight: VecDeque<Unit>,
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

    /// Writes as much of the pending frame as the pipe takes without blocking; `input` is
    /// the shipped input of the frame's task (empty for none).
    pub(super) fn flush_out(&mut self, input: &[u8]) -> Result<(), Failure> {
        let Some(out) = self.out.as_mut() else {
            return Ok(());
        };
        let stdin = self.stdin.as_mut().ok_or(Failure::Eof)?;
        let head_len = out.header_len;
        let total = head_len + input.len();
        while out.written < total {
            let result = if out.written < head_len {
                let head = &out.header[out.written..head_len];
                if input.is_empty() {
                    stdin.write(head)
                } else {
                    stdin.write_vectored(&[IoSlice::new(head), IoSlice::new(input)])
                }
            } else {
                stdin.write(&input[out.written - head_len..])
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
    /// be for the next unanswered task of the oldest unit in flight; a `Finished` frame must
    /// follow that unit's last result, and retires it.
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
        let now = Instant::now();
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
                Ok(FromWorker::Panicked { index, message }) => {
                    break Err(Failure::Panicked {
                        task: index,
                        message,
                    });
                }
                Ok(frame) => {
                    if let Err(f) = self.book(&frame, now) {
                        break Err(f);
                    }
                    frames.push((i, frame));
                }
            }
        };
        self.rbuf.drain(..used);
        result
    }

    /// Books a result or a `Finished` frame against the oldest unit in flight. Any frame
    /// restarts the worker's answer timeout while it still holds work.
    fn book(&mut self, frame: &FromWorker, now: Instant) -> Result<(), Failure> {
        match frame {
            FromWorker::Done { index, .. } => match self.in_flight.front_mut() {
                Some(unit) if unit.next == *index && unit.next < unit.end => {
                    unit.next += 1;
                }
                _ => {
                    return Err(Failure::Bad(format!(
                        "a result for task {index}, which it was not running"
                    )));
                }
            },
            FromWorker::Finished { .. } => match self.in_flight.front() {
                Some(unit) if unit.next == unit.end => {
                    self.in_flight.pop_front();
                }
                Some(unit) => {
                    return Err(Failure::Bad(format!(
                        "the end of tasks {}–{} before the result of task {}",
                        unit.first,
                        unit.end - 1,
                        unit.next
                    )));
                }
                None => return Err(Failure::Bad("the end of tasks it was not running".into())),
            },
            _ => return Ok(()),
        }
        self.busy_since = (!self.in_flight.is_empty()).then_some(now);
        Ok(())
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
