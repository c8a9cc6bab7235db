//! Framing and messages between the process pool (parent) and its workers (children).
//!
//! Every frame is a little-endian `u32` body length, then the body: one kind byte and the
//! message's fields (fixed-width little-endian integers; a variable-length field, when there
//! is one, is the rest of the body). A body is never empty and never longer than
//! [`MAX_FRAME_BYTES`]; the bound is checked before anything is allocated. Decoding is total:
//! an over-bound length, a truncated frame, an unknown kind byte, a short or long body, bad
//! UTF-8 or bad JSON give a [`ProtocolError`], never a panic.
//!
//! Parent to worker ([`ToWorker`]): `Hello` (once: protocol version, optional injected fault,
//! the workload spec as JSON), `Task` (index, optional shipped input), `Chunk` (a run of
//! consecutive task indices without inputs: first index and count), `Collect` (after a batch
//! of a workload with shared state), `Shutdown`.
//! Worker to parent ([`FromWorker`]): `Ready`, `Done` (index, checksum; one per task),
//! `Finished` (after the last `Done` of a `Task` or `Chunk`: how long the worker spent on
//! it, in ns), `Shard` (the worker's part of the shared state, the answer to `Collect`),
//! `Usage` (the worker's own peak RSS and CPU time, the answer to `Shutdown`), `Failed` (a
//! message), `Panicked` (the task whose code panicked, and the panic's message; the worker
//! exits after it).
//!
//! To add a message: pick an unused kind byte (parent-to-worker below `0x80`, worker-to-parent
//! from `0x80`), add a variant and its arms in `encode_into` and `decode`, bump
//! [`PROTOCOL_VERSION`], and extend the round-trip strategy in the tests.

use std::io::{self, Read, Write};

use thiserror::Error;

use crate::model::WorkerUsage;
use crate::workload::WorkloadSpec;

/// Version carried by `Hello` and `Ready`; both sides refuse a mismatch.
pub const PROTOCOL_VERSION: u32 = 4;
/// Largest input a task may ship to a worker.
pub const MAX_INPUT_BYTES: usize = 64 << 20;
/// Largest frame body (kind byte and fields), i.e. the largest value of the length prefix.
pub const MAX_FRAME_BYTES: usize = MAX_INPUT_BYTES + 64;
/// Bytes of a task frame before its shipped input: length, kind, index, input flag.
pub const TASK_HEADER_LEN: usize = 4 + 1 + 8 + 1;
/// Bytes of a whole chunk frame: length, kind, first index, count.
pub const CHUNK_FRAME_LEN: usize = 4 + 1 + 8 + 4;
/// Most tasks one chunk frame may carry: bounds the worker's answer (a `Done` frame of
/// [`DONE_FRAME_LEN`] bytes per task) to a few tens of KiB.
pub const MAX_CHUNK_TASKS: usize = 1024;
/// Bytes of one `Done` frame: length, kind, index, checksum.
pub const DONE_FRAME_LEN: usize = 4 + 1 + 8 + 8;

const HELLO: u8 = 0x01;
const TASK: u8 = 0x02;
const SHUTDOWN: u8 = 0x03;
const COLLECT: u8 = 0x04;
const CHUNK: u8 = 0x05;
const READY: u8 = 0x81;
const DONE: u8 = 0x82;
const USAGE: u8 = 0x83;
const FAILED: u8 = 0x84;
const SHARD: u8 = 0x85;
const FINISHED: u8 = 0x86;
const PANICKED: u8 = 0x87;

/// A frame that cannot be read or decoded.
#[derive(Debug, Error)]
pub enum ProtocolError {
    /// The stream failed.
    #[error("pipe error: {0}")]
    Io(#[from] io::Error),
    /// The length prefix is over [`MAX_FRAME_BYTES`].
    #[error("frame length {0} is over the bound of {MAX_FRAME_BYTES} bytes")]
    TooLarge(u64),
    /// The length prefix is zero (a body holds at least its kind byte).
    #[error("empty frame")]
    Empty,
    /// The stream ended inside a frame.
    #[error("stream ended inside a frame")]
    Truncated,
    /// The kind byte is not one this side understands.
    #[error("unknown frame kind {0:#04x}")]
    UnknownKind(u8),
    /// The body does not fit its kind.
    #[error("malformed frame: {0}")]
    Malformed(String),
}

/// A worker failure injected for tests. Travels in the hello frame, never in the environment.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// The task on which the worker misbehaves.
    pub task: usize,
    /// How it misbehaves.
    pub kind: FaultKind,
}

/// The ways an injected [`Fault`] makes a worker misbehave.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// `exit(101)` after sending the answers already buffered, like a task panic (whose
    /// unwinding flushes the worker's output).
    Exit = 1,
    /// `abort()` (SIGABRT, core dumps disabled first): a crash that sends nothing more.
    Abort = 2,
    /// Sleep forever.
    Hang = 3,
    /// Write bytes that are not a frame.
    Garbage = 4,
}

/// The first frame a worker receives: what to build.
#[derive(Debug, Clone, PartialEq)]
pub struct Hello {
    /// The parent's [`PROTOCOL_VERSION`].
    pub version: u32,
    /// The workload to rebuild.
    pub spec: WorkloadSpec,
    /// An injected failure, for tests.
    pub fault: Option<Fault>,
}

/// A message from the parent to a worker. `Task` borrows its input from the frame.
#[derive(Debug, Clone, PartialEq)]
pub enum ToWorker<'a> {
    /// Build the workload and answer [`FromWorker::Ready`].
    Hello(Hello),
    /// Run one task and answer [`FromWorker::Done`].
    Task {
        /// Task index.
        index: usize,
        /// Bytes shipped with the task.
        input: Option<&'a [u8]>,
    },
    /// Run tasks `first..first + count` in order, answering [`FromWorker::Done`] for each,
    /// then [`FromWorker::Finished`]. `count` is 1 to [`MAX_CHUNK_TASKS`].
    Chunk {
        /// First task index.
        first: usize,
        /// Number of tasks.
        count: usize,
    },
    /// Answer [`FromWorker::Shard`] with this worker's part of the batch's shared state.
    Collect,
    /// Answer [`FromWorker::Usage`] and exit.
    Shutdown,
}

/// A message from a worker to the parent.
#[derive(Debug, Clone, PartialEq)]
pub enum FromWorker {
    /// The workload is built and prepared.
    Ready {
        /// The worker's [`PROTOCOL_VERSION`].
        version: u32,
        /// The worker's process id.
        pid: u32,
    },
    /// One task's result.
    Done {
        /// Task index.
        index: usize,
        /// The task's checksum.
        checksum: u64,
    },
    /// What the worker used, measured by itself; its last frame.
    Usage(WorkerUsage),
    /// The worker cannot go on (bad spec, version mismatch); it exits after this.
    Failed(String),
    /// The worker's shard of the shared state after a batch (empty for workloads without).
    Shard(Vec<u8>),
    /// A task's code panicked; the answers of the tasks before it were sent first, and the
    /// worker exits after this frame.
    Panicked {
        /// The task that panicked.
        index: usize,
        /// The panic's message (its payload when that is a string).
        message: String,
    },
    /// A `Task` or `Chunk` is done: every `Done` of it was sent before this frame.
    Finished {
        /// Wall time the worker spent running its tasks, in ns.
        busy_ns: u64,
    },
}

/// Starts a frame in `out`: a length placeholder and the kind byte. Returns the frame start.
fn begin(out: &mut Vec<u8>, kind: u8) -> usize {
    let start = out.len();
    out.extend_from_slice(&[0, 0, 0, 0, kind]);
    start
}

/// Fills in the length of the frame begun at `start`, checking the bound.
fn end(out: &mut Vec<u8>, start: usize) -> Result<(), ProtocolError> {
    let len = out.len() - start - 4;
    if len > MAX_FRAME_BYTES {
        out.truncate(start);
        return Err(ProtocolError::TooLarge(len as u64));
    }
    out[start..start + 4].copy_from_slice(&(len as u32).to_le_bytes());
    Ok(())
}

/// The whole frame of [`ToWorker::Chunk`]: tasks `first..first + count`. Errors when `count`
/// is 0 or over [`MAX_CHUNK_TASKS`].
pub fn chunk_frame(first: usize, count: usize) -> Result<[u8; CHUNK_FRAME_LEN], ProtocolError> {
    if count == 0 || count > MAX_CHUNK_TASKS {
        return Err(malformed(format!(
            "a chunk of {count} tasks (1 to {MAX_CHUNK_TASKS})"
        )));
    }
    let mut f = [0u8; CHUNK_FRAME_LEN];
    f[..4].copy_from_slice(&((CHUNK_FRAME_LEN - 4) as u32).to_le_bytes());
    f[4] = CHUNK;
    f[5..13].copy_from_slice(&(first as u64).to_le_bytes());
    f[13..17].copy_from_slice(&(count as u32).to_le_bytes());
    Ok(f)
}

/// The first [`TASK_HEADER_LEN`] bytes of a task frame; `input` (if any) follows them. Lets
/// the parent write a large input straight from the workload, without copying it.
pub fn task_header(
    index: usize,
    input: Option<&[u8]>,
) -> Result<[u8; TASK_HEADER_LEN], ProtocolError> {
    let input_len = input.map_or(0, <[u8]>::len);
    if input_len > MAX_INPUT_BYTES {
        return Err(ProtocolError::TooLarge(input_len as u64));
    }
    let mut h = [0u8; TASK_HEADER_LEN];
    h[..4].copy_from_slice(&((TASK_HEADER_LEN - 4 + input_len) as u32).to_le_bytes());
    h[4] = TASK;
    h[5..13].copy_from_slice(&(index as u64).to_le_bytes());
    h[13] = u8::from(input.is_some());
    Ok(h)
}

impl ToWorker<'_> {
    /// Appends this message as one frame to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<(), ProtocolError> {
        match self {
            ToWorker::Hello(hello) => {
                let start = begin(out, HELLO);
                out.extend_from_slice(&hello.version.to_le_bytes());
                match hello.fault {
                    None => out.push(0),
                    Some(f) => {
                        out.extend_from_slice(&[1, f.kind as u8]);
                        out.extend_from_slice(&(f.task as u64).to_le_bytes());
                    }
                }
                serde_json::to_writer(&mut *out, &hello.spec)
                    .map_err(|e| ProtocolError::Malformed(e.to_string()))?;
                end(out, start)
            }
            ToWorker::Task { index, input } => {
                out.extend_from_slice(&task_header(*index, *input)?);
                out.extend_from_slice(input.unwrap_or_default());
                Ok(())
            }
            ToWorker::Chunk { first, count } => {
                out.extend_from_slice(&chunk_frame(*first, *count)?);
                Ok(())
            }
            ToWorker::Collect => {
                let start = begin(out, COLLECT);
                end(out, start)
            }
            ToWorker::Shutdown => {
                let start = begin(out, SHUTDOWN);
                end(out, start)
            }
        }
    }

    /// Writes this message as one frame to `w` (unflushed).
    pub fn write_to<W: Write>(&self, w: &mut W) -> Result<(), ProtocolError> {
        write_with(w, |out| self.encode_into(out))
    }

    /// Decodes a frame body (kind byte first), borrowing a task's input from it.
    pub fn decode(body: &[u8]) -> Result<ToWorker<'_>, ProtocolError> {
        let mut f = Fields::new(body)?;
        let msg = match f.kind {
            HELLO => {
                let version = f.u32()?;
                let fault = match f.u8()? {
                    0 => None,
                    1 => {
                        let kind = match f.u8()? {
                            1 => FaultKind::Exit,
                            2 => FaultKind::Abort,
                            3 => FaultKind::Hang,
                            4 => FaultKind::Garbage,
                            k => return Err(malformed(format!("unknown fault kind {k}"))),
                        };
                        Some(Fault {
                            task: f.index()?,
                            kind,
                        })
                    }
                    t => return Err(malformed(format!("bad fault flag {t}"))),
                };
                let spec = serde_json::from_slice(f.rest())
                    .map_err(|e| malformed(format!("workload spec: {e}")))?;
                ToWorker::Hello(Hello {
                    version,
                    spec,
                    fault,
                })
            }
            TASK => {
                let index = f.index()?;
                let input = match f.u8()? {
                    0 => None,
                    1 => Some(f.rest()),
                    t => return Err(malformed(format!("bad input flag {t}"))),
                };
                ToWorker::Task { index, input }
            }
            CHUNK => {
                let first = f.index()?;
                let count = f.u32()? as usize;
                if count == 0 || count > MAX_CHUNK_TASKS {
                    return Err(malformed(format!(
                        "a chunk of {count} tasks (1 to {MAX_CHUNK_TASKS})"
                    )));
                }
                if first.checked_add(count).is_none() {
                    return Err(malformed(format!("chunk {first} + {count} overflows")));
                }
                ToWorker::Chunk { first, count }
            }
            COLLECT => ToWorker::Collect,
            SHUTDOWN => ToWorker::Shutdown,
            kind => return Err(ProtocolError::UnknownKind(kind)),
        };
        f.finish()?;
        Ok(msg)
    }
}

impl FromWorker {
    /// Appends this message as one frame to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<(), ProtocolError> {
        let start;
        match self {
            FromWorker::Ready { version, pid } => {
                start = begin(out, READY);
                out.extend_from_slice(&version.to_le_bytes());
                out.extend_from_slice(&pid.to_le_bytes());
            }
            FromWorker::Done { index, checksum } => {
                start = begin(out, DONE);
                out.extend_from_slice(&(*index as u64).to_le_bytes());
                out.extend_from_slice(&checksum.to_le_bytes());
            }
            FromWorker::Usage(u) => {
                start = begin(out, USAGE);
                out.extend_from_slice(&u.pid.to_le_bytes());
                out.extend_from_slice(&u.peak_rss_bytes.to_le_bytes());
                out.extend_from_slice(&u.user_cpu_s.to_bits().to_le_bytes());
                out.extend_from_slice(&u.sys_cpu_s.to_bits().to_le_bytes());
            }
            FromWorker::Failed(message) => {
                start = begin(out, FAILED);
                out.extend_from_slice(message.as_bytes());
            }
            FromWorker::Shard(bytes) => {
                start = begin(out, SHARD);
                out.extend_from_slice(bytes);
            }
            FromWorker::Finished { busy_ns } => {
                start = begin(out, FINISHED);
                out.extend_from_slice(&busy_ns.to_le_bytes());
            }
            FromWorker::Panicked { index, message } => {
                start = begin(out, PANICKED);
                out.extend_from_slice(&(*index as u64).to_le_bytes());
                out.extend_from_slice(message.as_bytes());
            }
        }
        end(out, start)
    }

    /// Writes this message as one frame to `w` (unflushed).
    pub fn write_to<W: Write>(&self, w: &mut W) -> Result<(), ProtocolError> {
        write_with(w, |out| self.encode_into(out))
    }

    /// Decodes a frame body (kind byte first).
    pub fn decode(body: &[u8]) -> Result<FromWorker, ProtocolError> {
        let mut f = Fields::new(body)?;
        let msg = match f.kind {
            READY => FromWorker::Ready {
                version: f.u32()?,
                pid: f.u32()?,
            },
            DONE => FromWorker::Done {
                index: f.index()?,
                checksum: f.u64()?,
            },
            USAGE => FromWorker::Usage(WorkerUsage {
                pid: f.u32()?,
                peak_rss_bytes: f.u64()?,
                user_cpu_s: f64::from_bits(f.u64()?),
                sys_cpu_s: f64::from_bits(f.u64()?),
            }),
            FAILED => FromWorker::Failed(
                String::from_utf8(f.rest().to_vec())
                    .map_err(|_| malformed("message is not UTF-8".into()))?,
            ),
            SHARD => FromWorker::Shard(f.rest().to_vec()),
            FINISHED => FromWorker::Finished { busy_ns: f.u64()? },
            PANICKED => FromWorker::Panicked {
                index: f.index()?,
                message: String::from_utf8(f.rest().to_vec())
                    .map_err(|_| malformed("panic message is not UTF-8".into()))?,
            },
            kind => return Err(ProtocolError::UnknownKind(kind)),
        };
        f.finish()?;
        Ok(msg)
    }
}

fn write_with<W: Write>(
    w: &mut W,
    encode: impl FnOnce(&mut Vec<u8>) -> Result<(), ProtocolError>,
) -> Result<(), ProtocolError> {
    let mut frame = Vec::with_capacity(64);
    encode(&mut frame)?;
    Ok(w.write_all(&frame)?)
}

fn malformed(what: String) -> ProtocolError {
    ProtocolError::Malformed(what)
}

/// Checks a length prefix: not empty, not over the bound.
pub fn check_len(len: u32) -> Result<usize, ProtocolError> {
    match len as usize {
        0 => Err(ProtocolError::Empty),
        n if n > MAX_FRAME_BYTES => Err(ProtocolError::TooLarge(len.into())),
        n => Ok(n),
    }
}

/// Reads one frame's body from `r` into `buf` (replacing its contents). `Ok(false)` means the
/// stream ended cleanly before a frame; a stream ending inside one is [`ProtocolError::Truncated`].
pub fn read_frame<R: Read>(r: &mut R, buf: &mut Vec<u8>) -> Result<bool, ProtocolError> {
    let mut header = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut header[got..]) {
            Ok(0) if got == 0 => return Ok(false),
            Ok(0) => return Err(ProtocolError::Truncated),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let len = check_len(u32::from_le_bytes(header))?;
    buf.clear();
    buf.resize(len, 0);
    r.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => ProtocolError::Truncated,
        _ => e.into(),
    })?;
    Ok(true)
}

/// Finds the first complete frame at the start of `buf`: `Some((body, bytes used))`, or `None`
/// when more bytes are needed. For readers that accumulate bytes themselves.
pub fn split_frame(buf: &[u8]) -> Result<Option<(&[u8], usize)>, ProtocolError> {
    let Some(header) = buf.first_chunk::<4>() else {
        return Ok(None);
    };
    let len = check_len(u32::from_le_bytes(*header))?;
    Ok(buf.get(4..4 + len).map(|body| (body, 4 + len)))
}

/// A cursor over a frame body.
struct Fields<'a> {
    kind: u8,
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    fn new(body: &'a [u8]) -> Result<Self, ProtocolError> {
        match body.split_first() {
            Some((&kind, rest)) => Ok(Fields { kind, rest }),
            None => Err(ProtocolError::Empty),
        }
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], ProtocolError> {
        match self.rest.split_first_chunk::<N>() {
            Some((head, rest)) => {
                self.rest = rest;
                Ok(*head)
            }
            None => Err(malformed(format!(
                "body of kind {:#04x} too short",
                self.kind
            ))),
        }
    }

    fn u8(&mut self) -> Result<u8, ProtocolError> {
        Ok(self.take::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, ProtocolError> {
        self.take().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Result<u64, ProtocolError> {
        self.take().map(u64::from_le_bytes)
    }

    fn index(&mut self) -> Result<usize, ProtocolError> {
        let v = self.u64()?;
        usize::try_from(v).map_err(|_| malformed(format!("task index {v} out of range")))
    }

    fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.rest)
    }

    fn finish(self) -> Result<(), ProtocolError> {
        match self.rest.len() {
            0 => Ok(()),
            n => Err(malformed(format!(
                "{n} trailing bytes after kind {:#04x}",
                self.kind
            ))),
        }
    }
}

#[cfg(test)]
#[path = "protocol_tests.rs"]
mod tests;
