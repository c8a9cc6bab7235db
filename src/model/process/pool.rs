//! Parent side of the process model: [`ProcessPool`], a persistent pool of worker processes.
//!
//! One thread drives every worker through `poll(2)`: task frames go to each worker's stdin
//! (non-blocking, so a large shipped input to a busy worker never stalls the loop), results
//! come back on its stdout and are parsed incrementally. There are no helper threads, so none
//! can leak. Work goes out in *units*: one task, or a chunk of consecutive tasks in one frame
//! (sized from the previous batch's measured task time, see [`super::chunk`]). Each worker
//! holds up to [`IN_FLIGHT`] units, one running and one waiting in its pipe, so it never waits
//! for the parent between units; the next unit goes to whichever worker finishes one first.
//! A worker is *busy* from the moment it has work until it has answered it all; silent for
//! longer than the task timeout while busy (at least [`SETUP_TIMEOUT`] while it starts or
//! shuts down) means hung. A worker answers a chunk at its end, so a chunk counts as one
//! silence: chunks are sized to a fraction of a millisecond. Writing to a dead worker fails
//! with `EPIPE` (Rust programs ignore `SIGPIPE`), which is reported like its death.
//!
//! Any failure (EOF, timeout, a bad or unexpected frame, a pipe error) kills and reaps every
//! worker, records the error and turns the pool unusable. [`Drop`] kills and reaps whatever
//! is left, on every path.
//!
//! To extend: new worker answers are matched where [`ProcessPool::start`],
//! [`ProcessPool::run`] and [`ProcessPool::shutdown`] drain frames; new failure kinds become a
//! `Failure` variant (in `slot.rs`) mapped to a [`PoolError`] in `ProcessPool::fail`
//! (`pool_failure.rs`, with the rest of how the pool gives up on a worker).

use std::collections::VecDeque;
use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::chunk::{chunk_size, mean_task_ns};
use super::protocol::{self, Fault, FromWorker, Hello, PROTOCOL_VERSION, ToWorker};
use super::slot::{Failure, Outgoing, Slot, Unit};
use super::{Phase, PoolError};
use crate::checksum::BatchChecksum;
use crate::model::WorkerUsage;
use crate::workload::{SharedState, Workload, WorkloadSpec};

#[path = "pool_failure.rs"]
mod failure;
use failure::unexpected;

/// Units (a task or a chunk of tasks) in flight per worker: one running, one queued in its
/// pipe.
pub const IN_FLIGHT: usize = 2;
/// Least time a worker gets to start (build and prepare the workload) or to report at
/// shutdown, whatever the task timeout.
pub const SETUP_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest hello frame: it is written before the worker reads, so it must fit a pipe buffer.
const MAX_HELLO_BYTES: usize = 16 << 10;
/// How long a worker may take to exit once it should (pipe closed, usage sent) before it is
/// killed.
pub const EXIT_GRACE: Duration = Duration::from_secs(2);

/// Settings of a [`ProcessPool`].
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// How long a worker may spend on one task without answering (a chunk, answered at its
    /// end, counts as one: chunks hold a fraction of a millisecond of work). Start-up and
    /// shutdown get at least [`SETUP_TIMEOUT`].
    pub task_timeout: Duration,
    /// A failure to inject into the workers, for tests.
    #[doc(hidden)]
    pub fault: Option<Fault>,
    /// Tasks per chunk (1 to [`protocol::MAX_CHUNK_TASKS`]) for every batch, instead of the
    /// size measured from the previous batch (`None`, the default; see [`super::chunk`]).
    /// Tasks that ship an input still go one per frame.
    pub chunk: Option<usize>,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            task_timeout: Duration::from_secs(120),
            fault: None,
            chunk: None,
        }
    }
}

/// A pool of worker processes (`<exe> worker`, with [`super::CHILD_ENV`] set), prepared for
/// one workload spec.
pub struct ProcessPool {
    slots: Vec<Slot>,
    /// The workload's name, for errors.
    workload: String,
    timeout: Duration,
    /// Where a worker with nothing in flight is: start-up, idle or shutdown.
    phase: Phase,
    /// Why the pool refuses work: set after a failure (no workers are left) and while a run
    /// is under way (so a run abandoned by a panic is not resumed).
    broken: Option<String>,
    pollfds: Vec<libc::pollfd>,
    /// Read buffer of the event loop.
    read_buf: Box<[u8]>,
    /// A fixed chunk size ([`PoolOptions::chunk`]).
    fixed_chunk: Option<usize>,
    /// Mean wall time of a task in the last completed batch, in ns.
    task_ns: Option<f64>,
    /// Tasks per chunk of the last batch.
    last_chunk: usize,
}

impl ProcessPool {
    /// Starts `workers` processes of `exe worker` with [`super::CHILD_ENV`] set to
    /// [`super::CHILD_WORKER`], sends each the spec (and the injected fault) and waits until
    /// every one has built and prepared the workload. `exe` is the `concbench` binary or any
    /// executable whose `main` starts with [`crate::bench_main`] (or
    /// [`crate::bench::child::serve_if_child`]) and whose registry holds the spec's workload.
    pub fn start(
        exe: &Path,
        spec: &WorkloadSpec,
        workers: usize,
        options: PoolOptions,
    ) -> Result<ProcessPool, PoolError> {
        let spawn_error = |source| PoolError::Spawn {
            exe: exe.to_path_buf(),
            source,
        };
        let mut hello = Vec::new();
        ToWorker::Hello(Hello {
            version: PROTOCOL_VERSION,
            spec: spec.clone(),
            fault: options.fault,
        })
        .encode_into(&mut hello)
        .map_err(|e| spawn_error(io::Error::new(io::ErrorKind::InvalidInput, e)))?;
        let chunk_ok = options
            .chunk
            .is_none_or(|c| (1..=protocol::MAX_CHUNK_TASKS).contains(&c));
        if workers == 0 || hello.len() > MAX_HELLO_BYTES || !chunk_ok {
            let why = format!(
                "need 1 or more workers, a spec under {MAX_HELLO_BYTES} bytes and a chunk of 1 to {} tasks",
                protocol::MAX_CHUNK_TASKS
            );
            return Err(spawn_error(io::Error::new(
                io::ErrorKind::InvalidInput,
                why,
            )));
        }
        // From here on, `Drop` reaps whatever was started if an error returns early.
        let mut pool = ProcessPool {
            slots: Vec::with_capacity(workers),
            workload: spec.name.clone(),
            timeout: options.task_timeout,
            phase: Phase::Startup,
            broken: None,
            pollfds: Vec::new(),
            read_buf: vec![0; 64 << 10].into_boxed_slice(),
            fixed_chunk: options.chunk,
            task_ns: None,
            last_chunk: 1,
        };
        for _ in 0..workers {
            let mut child = Command::new(exe)
                .arg("worker")
                .env(super::CHILD_ENV, super::CHILD_WORKER)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .map_err(spawn_error)?;
            let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
                let _ = child.kill();
                let _ = child.wait();
                return Err(spawn_error(io::Error::other("child has no pipes")));
            };
            pool.slots.push(Slot {
                pid: child.id(),
                child,
                stdin: Some(stdin),
                stdout,
                live: true,
                rbuf: Vec::new(),
                in_flight: VecDeque::new(),
                busy_since: Some(Instant::now()),
                out: None,
            });
        }
        for i in 0..workers {
            if let Err(f) = pool.slots[i]
                .send_all(&hello)
                .and_then(|()| pool.slots[i].nonblocking())
            {
                return Err(pool.fail(i, f));
            }
        }
        pool.collect(|slot, frame| {
            matches!(frame, FromWorker::Ready { version, pid }
                if *version == PROTOCOL_VERSION && *pid == slot.pid)
        })?;
        pool.phase = Phase::Idle;
        Ok(pool)
    }

    /// The workers' process ids, in start order.
    pub fn pids(&self) -> Vec<u32> {
        self.slots.iter().map(|s| s.pid).collect()
    }

    /// Tasks per chunk of the last batch (1 before the first), for tasks without shipped
    /// inputs.
    pub fn last_chunk(&self) -> usize {
        self.last_chunk
    }

    /// Mean wall time of one task in the last completed batch, in ns, as the workers
    /// measured it; `None` before the first.
    pub fn task_ns(&self) -> Option<f64> {
        self.task_ns
    }

    fn usable(&self) -> Result<(), PoolError> {
        match &self.broken {
            Some(why) => Err(PoolError::Unusable(why.clone())),
            None => Ok(()),
        }
    }

    /// Runs every task of `workload` on the workers and returns the batch checksum. The
    /// workers must have been started with this workload's spec.
    pub fn run(&mut self, workload: &dyn Workload) -> Result<u64, PoolError> {
        self.usable()?;
        // Cleared on success: a run abandoned half-way (a panic) leaves the pool unusable.
        self.broken = Some("an earlier run was interrupted".to_string());
        let tasks = workload.tasks();
        let chunk = self
            .fixed_chunk
            .unwrap_or_else(|| chunk_size(self.task_ns, tasks, self.slots.len()));
        self.last_chunk = chunk;
        let (mut next, mut done, mut busy_ns) = (0, 0, 0u64);
        let mut sum = BatchChecksum::default();
        let mut frames = Vec::new();
        while done < tasks {
            for depth in 1..=IN_FLIGHT {
                for i in 0..self.slots.len() {
                    let slot = &self.slots[i];
                    if next == tasks || slot.in_flight.len() >= depth || slot.out.is_some() {
                        continue;
                    }
                    let (out, end) = self.unit_frame(workload, next, chunk)?;
                    let slot = &mut self.slots[i];
                    slot.in_flight.push_back(Unit::new(next, end));
                    slot.busy_since.get_or_insert_with(Instant::now);
                    let input = out.input_of.and_then(|t| workload.shipped_input(t));
                    slot.out = Some(out);
                    next = end;
                    if let Err(f) = slot.flush_out(input.unwrap_or_default()) {
                        return Err(self.fail(i, f));
                    }
                }
            }
            self.pump(Some(workload), &mut frames)?;
            for (i, frame) in frames.drain(..) {
                match frame {
                    FromWorker::Done { index, checksum } => {
                        sum.add(index, checksum);
                        done += 1;
                    }
                    FromWorker::Finished { busy_ns: ns } => busy_ns = busy_ns.saturating_add(ns),
                    other => return Err(self.fail(i, unexpected(&other))),
                }
            }
        }
        if let Some(state) = workload.shared_state() {
            self.merge_shards(state)?;
        }
        self.task_ns = mean_task_ns(busy_ns, tasks).or(self.task_ns);
        self.broken = None;
        Ok(sum.value())
    }

    /// The frame of the next unit, starting at task `first`: that task alone with its
    /// shipped input, or up to `chunk` consecutive tasks without inputs. Returns it and the
    /// unit's end.
    fn unit_frame(
        &mut self,
        workload: &dyn Workload,
        first: usize,
        chunk: usize,
    ) -> Result<(Outgoing, usize), PoolError> {
        let input = workload.shipped_input(first);
        if input.is_some() || chunk == 1 {
            let header = protocol::task_header(first, input).map_err(|_| {
                self.fail_all(PoolError::InputTooLarge {
                    task: first,
                    len: input.map_or(0, <[u8]>::len),
                    max: protocol::MAX_INPUT_BYTES,
                })
            })?;
            return Ok((Outgoing::new(&header, input.map(|_| first)), first + 1));
        }
        let limit = workload.tasks().min(first + chunk);
        let mut end = first + 1;
        while end < limit && workload.shipped_input(end).is_none() {
            end += 1;
        }
        let frame = match end - first {
            1 => protocol::task_header(first, None).map(|h| h.to_vec()),
            count => protocol::chunk_frame(first, count).map(|f| f.to_vec()),
        }
        .map_err(|e| self.fail_all(PoolError::Unusable(e.to_string())))?;
        Ok((Outgoing::new(&frame, None), end))
    }

    /// Asks every worker for its shard of the batch's shared state and merges them into
    /// this process's copy (see [`crate::workload::state`]).
    fn merge_shards(&mut self, state: &dyn SharedState) -> Result<(), PoolError> {
        self.phase = Phase::Collect;
        self.broadcast(&ToWorker::Collect)?;
        let shards = self.collect(|_, frame| matches!(frame, FromWorker::Shard(_)))?;
        for (i, frame) in shards.into_iter().enumerate() {
            if let FromWorker::Shard(bytes) = frame {
                state.merge_shard(&bytes).map_err(|e| {
                    self.fail(i, Failure::Bad(format!("a shard that does not merge: {e}")))
                })?;
            }
        }
        self.phase = Phase::Idle;
        Ok(())
    }

    /// Sends `message` to every worker and starts each one's answer timeout.
    fn broadcast(&mut self, message: &ToWorker<'_>) -> Result<(), PoolError> {
        let mut frame = Vec::new();
        message
            .encode_into(&mut frame)
            .map_err(|e| PoolError::Unusable(e.to_string()))?;
        for i in 0..self.slots.len() {
            self.slots[i].busy_since = Some(Instant::now());
            if let Err(f) = self.slots[i].send_all(&frame) {
                return Err(self.fail(i, f));
            }
        }
        Ok(())
    }

    /// Asks every worker to report its usage and exit, waits for them (killing any that do
    /// not exit within [`EXIT_GRACE`]) and returns the reports in start order.
    pub fn shutdown(mut self) -> Result<Vec<WorkerUsage>, PoolError> {
        self.usable()?;
        self.phase = Phase::Shutdown;
        self.broadcast(&ToWorker::Shutdown)?;
        let reports =
            self.collect(|slot, frame| matches!(frame, FromWorker::Usage(u) if u.pid == slot.pid))?;
        for i in 0..self.slots.len() {
            self.slots[i].stdin = None;
            match self.slots[i].wait_bounded() {
                Ok(status) if status.success() => {}
                Ok(_) => return Err(self.fail(i, Failure::Eof)),
                Err(e) => return Err(self.fail(i, Failure::Io(e))),
            }
        }
        Ok(reports
            .into_iter()
            .filter_map(|frame| match frame {
                FromWorker::Usage(u) => Some(u),
                _ => None,
            })
            .collect())
    }

    /// Pumps until every worker has sent one frame that `accept`s (`Ready` at start-up,
    /// `Shard` after a batch with shared state, `Usage` at shutdown); anything else fails the
    /// pool. Returns the frames in slot order.
    /// At shutdown a worker that answered is no longer read: its pipe closes as it exits.
    fn collect(
        &mut self,
        accept: impl Fn(&Slot, &FromWorker) -> bool,
    ) -> Result<Vec<FromWorker>, PoolError> {
        let mut got: Vec<Option<FromWorker>> = self.slots.iter().map(|_| None).collect();
        let mut frames = Vec::new();
        while got.iter().any(Option::is_none) {
            self.pump(None, &mut frames)?;
            for (i, frame) in frames.drain(..) {
                if got[i].is_some() || !accept(&self.slots[i], &frame) {
                    return Err(self.fail(i, unexpected(&frame)));
                }
                let slot = &mut self.slots[i];
                slot.busy_since = None;
                slot.live = self.phase != Phase::Shutdown;
                got[i] = Some(frame);
            }
        }
        Ok(got.into_iter().flatten().collect())
    }

    /// One round of the event loop: checks timeouts, waits until a pipe is ready or the
    /// earliest deadline passes, continues pending writes and reads answers. Results are
    /// booked against the worker's in-flight queue; every decoded frame lands in `frames`.
    fn pump(
        &mut self,
        workload: Option<&dyn Workload>,
        frames: &mut Vec<(usize, FromWorker)>,
    ) -> Result<(), PoolError> {
        let now = Instant::now();
        let mut wait: Option<Duration> = None;
        for i in 0..self.slots.len() {
            if let Some(since) = self.slots[i].busy_since {
                let elapsed = now.saturating_duration_since(since);
                let limit = self.limit(i);
                if elapsed >= limit {
                    return Err(self.fail(i, Failure::Timeout));
                }
                let left = limit - elapsed;
                wait = Some(wait.map_or(left, |w| w.min(left)));
            }
        }
        self.pollfds.clear();
        for s in &self.slots {
            let read_fd = if s.live { s.stdout.as_raw_fd() } else { -1 };
            let write_fd = match (&s.out, &s.stdin) {
                (Some(_), Some(stdin)) => stdin.as_raw_fd(),
                _ => -1,
            };
            self.pollfds.push(pollfd(read_fd, libc::POLLIN));
            self.pollfds.push(pollfd(write_fd, libc::POLLOUT));
        }
        let timeout_ms = wait.map_or(-1, |w| {
            w.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
        });
        // SAFETY: `pollfds` is a valid, exclusively borrowed array of `len` pollfd structs.
        let ready = unsafe {
            libc::poll(
                self.pollfds.as_mut_ptr(),
                self.pollfds.len() as libc::nfds_t,
                timeout_ms,
            )
        };
        if ready < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted || self.slots.is_empty() {
                return Ok(());
            }
            return Err(self.fail(0, Failure::Io(e)));
        }
        if ready == 0 {
            return Ok(());
        }
        for i in 0..self.slots.len() {
            if self.pollfds[2 * i + 1].revents != 0 {
                let slot = &mut self.slots[i];
                let input = match (workload, slot.out.as_ref().and_then(|o| o.input_of)) {
                    (Some(w), Some(task)) => w.shipped_input(task).unwrap_or_default(),
                    _ => &[],
                };
                if let Err(f) = slot.flush_out(input) {
                    return Err(self.fail(i, f));
                }
            }
            if self.pollfds[2 * i].revents != 0 {
                if let Err(f) = self.slots[i].read_frames(i, &mut self.read_buf, frames) {
                    return Err(self.fail(i, f));
                }
            }
        }
        Ok(())
    }
}

fn pollfd(fd: i32, events: i16) -> libc::pollfd {
    libc::pollfd {
        fd,
        events,
        revents: 0,
    }
}
