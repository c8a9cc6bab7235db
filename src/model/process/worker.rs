//! Child side of the process model: what a worker process runs, with the registry of the
//! executable that serves as worker (the `concbench` binary's hidden `worker` subcommand, or
//! a user's bench binary through [`crate::bench_main`]).
//!
//! A worker reads frames from stdin and writes frames to the pipe it found on stdout:
//! `Hello` (rebuild the workload from its spec through the registry, `prepare(Role::Worker)`,
//! answer `Ready`), then any number of `Task`s (run it, with the shipped input if any),
//! `Chunk`s (run its tasks in order) and `Collect`s (answer `Shard`: this worker's part of the
//! batch's shared state, which it then forgets), then `Shutdown` (answer `Usage`, measured
//! in-process: peak RSS, and CPU time since `Ready`, and exit 0). If the pipe closes without a
//! shutdown, the parent is gone and the worker exits 0 quietly.
//!
//! A `Task` or `Chunk` is answered with one `Done` per task, then `Finished` (the wall time
//! spent on them, from which the pool sizes its chunks), all in one write at the end: a chunk
//! costs one write however many tasks it holds. If a task panics, the worker catches the
//! panic, sends the answers of the chunk's earlier tasks, then `Panicked` with the task and
//! the panic's message, and exits with status 101; the pool names the workload, the task,
//! the pid and the message. (A crate built with `panic = "abort"` cannot catch it: the
//! worker then dies of `SIGABRT` and the pool names the task it held.)
//!
//! Before serving, the protocol pipe is moved off file descriptor 1 and fd 1 is pointed at
//! stderr: a stray `println!` in a task then lands on stderr instead of corrupting a frame.
//! Stderr is the parent's, so the panic hook's message reaches the user too.
//!
//! Exit status: 0 after shutdown; 1 on a protocol error (one `error:` line on stderr) or when
//! the worker reported a `Failed` frame (e.g. a spec it cannot build); 101 on a task panic.
//!
//! To extend: handle a new [`ToWorker`] message in `serve`, answering with a [`FromWorker`].

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::fd::FromRawFd;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::protocol::{
    DONE_FRAME_LEN, FaultKind, FromWorker, MAX_CHUNK_TASKS, PROTOCOL_VERSION, ProtocolError,
    ToWorker, read_frame,
};
use crate::machine::usage::SelfUsage;
use crate::model::WorkerUsage;
use crate::task::TaskCtx;
use crate::workload::{Registry, Role};

/// Why a worker stops before an orderly shutdown.
enum Stop {
    /// The parent was sent a `Failed` frame with the reason.
    Reported,
    /// Anything else; printed as one `error:` line.
    Error(String),
    /// Task `index` panicked with `message` (not yet told to the parent).
    Panicked {
        /// The task.
        index: usize,
        /// The panic's message.
        message: String,
    },
    /// A task panicked and the parent was told.
    PanicReported,
}

impl From<ProtocolError> for Stop {
    fn from(e: ProtocolError) -> Self {
        Stop::Error(e.to_string())
    }
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Error(format!("pipe error: {e}"))
    }
}

/// Exit status of a worker whose task panicked, as an uncaught panic's.
pub const PANIC_STATUS: u8 = 101;

/// Serves tasks on stdin/stdout for the process model, building workloads from `registry`,
/// until the parent shuts it down or goes away. Returns the worker's exit status.
pub fn main(registry: &Registry) -> ExitCode {
    match serve(registry) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Stop::Reported) => ExitCode::FAILURE,
        Err(Stop::PanicReported | Stop::Panicked { .. }) => ExitCode::from(PANIC_STATUS),
        Err(Stop::Error(message)) => {
            eprintln!(
                "error: concbench worker (pid {}): {message}",
                std::process::id()
            );
            ExitCode::FAILURE
        }
    }
}

/// Writes one frame and flushes it, so the parent sees it at once.
fn send(out: &mut BufWriter<File>, msg: &FromWorker) -> Result<(), Stop> {
    msg.write_to(out)?;
    out.flush()?;
    Ok(())
}

/// Tells the parent why this worker cannot go on, then stops.
fn report(out: &mut BufWriter<File>, message: String) -> Result<(), Stop> {
    match send(out, &FromWorker::Failed(message.clone())) {
        Ok(()) => Err(Stop::Reported),
        Err(_) => Err(Stop::Error(message)),
    }
}

fn kind_name(msg: &ToWorker<'_>) -> &'static str {
    match msg {
        ToWorker::Hello(_) => "hello",
        ToWorker::Task { .. } => "task",
        ToWorker::Chunk { .. } => "chunk",
        ToWorker::Collect => "collect",
        ToWorker::Shutdown => "shutdown",
    }
}

fn serve(registry: &Registry) -> Result<(), Stop> {
    // Room for a whole chunk's answers, so that it leaves in one write.
    let capacity = (MAX_CHUNK_TASKS + 1) * DONE_FRAME_LEN;
    let mut out = BufWriter::with_capacity(capacity, protocol_pipe()?);
    let mut stdin = io::stdin().lock();
    let mut buf = Vec::new();
    if !read_frame(&mut stdin, &mut buf)? {
        return Err(Stop::Error("stdin closed before the hello frame".into()));
    }
    let hello = match ToWorker::decode(&buf)? {
        ToWorker::Hello(hello) => hello,
        other => {
            return Err(Stop::Error(format!(
                "expected a hello frame, got {}",
                kind_name(&other)
            )));
        }
    };
    if hello.version != PROTOCOL_VERSION {
        return report(
            &mut out,
            format!(
                "the parent speaks protocol version {}, this worker {PROTOCOL_VERSION}; use the same concbench build for both",
                hello.version
            ),
        );
    }
    let workload = match registry.build(&hello.spec) {
        Ok(workload) => workload,
        Err(e) => return report(&mut out, format!("cannot build the workload: {e}")),
    };
    workload.prepare(Role::Worker);
    let at_ready = SelfUsage::now();
    let ready = FromWorker::Ready {
        version: PROTOCOL_VERSION,
        pid: std::process::id(),
    };
    send(&mut out, &ready)?;
    let mut frame = Vec::with_capacity(64);
    loop {
        if !read_frame(&mut stdin, &mut buf)? {
            return Ok(()); // The parent is gone; nobody is left to answer.
        }
        match ToWorker::decode(&buf)? {
            ToWorker::Task { index, input } => {
                let start = Instant::now();
                let worker = Runner {
                    workload: workload.as_ref(),
                    fault: hello.fault,
                };
                let ran = worker.run(index, input, &mut out, &mut frame);
                told_if_panicked(ran, &mut out)?;
                finish(start, &mut out)?;
            }
            ToWorker::Chunk { first, count } => {
                let start = Instant::now();
                let worker = Runner {
                    workload: workload.as_ref(),
                    fault: hello.fault,
                };
                let ran = (first..first + count)
                    .try_for_each(|index| worker.run(index, None, &mut out, &mut frame));
                told_if_panicked(ran, &mut out)?;
                finish(start, &mut out)?;
            }
            ToWorker::Collect => {
                let shard = workload.shared_state().map(|s| s.take_shard());
                send(&mut out, &FromWorker::Shard(shard.unwrap_or_default()))?;
            }
            ToWorker::Shutdown => {
                send(&mut out, &FromWorker::Usage(usage_since(&at_ready)))?;
                return Ok(());
            }
            other => {
                return Err(Stop::Error(format!(
                    "unexpected {} frame",
                    kind_name(&other)
                )));
            }
        }
    }
}

/// Runs tasks of one workload and writes their answers to the output buffer.
struct Runner<'a> {
    workload: &'a dyn crate::workload::Workload,
    fault: Option<super::protocol::Fault>,
}

impl Runner<'_> {
    /// Runs task `index` (misbehaving first if a test asked for it on this task) and buffers
    /// its `Done` frame; `frame` is scratch space.
    fn run(
        &self,
        index: usize,
        input: Option<&[u8]>,
        out: &mut BufWriter<File>,
        frame: &mut Vec<u8>,
    ) -> Result<(), Stop> {
        let tasks = self.workload.tasks();
        if index >= tasks {
            return Err(Stop::Error(format!(
                "task {index} is out of range (the batch has {tasks})"
            )));
        }
        if let Some(fault) = self.fault.filter(|f| f.task == index) {
            inject(fault.kind, index, out)?;
        }
        let mut ctx = TaskCtx::free();
        if let Some(bytes) = input {
            ctx = ctx.with_input(bytes);
        }
        let ran = catch_unwind(AssertUnwindSafe(|| self.workload.run(index, &mut ctx)));
        let checksum = ran.map_err(|payload| Stop::Panicked {
            index,
            message: panic_message(payload.as_ref()),
        })?;
        frame.clear();
        FromWorker::Done { index, checksum }.encode_into(frame)?;
        out.write_all(frame)?;
        Ok(())
    }
}

/// Passes `ran` through, except that a task's panic is first told to the parent: the
/// answers buffered before it, then a `Panicked` frame.
fn told_if_panicked(ran: Result<(), Stop>, out: &mut BufWriter<File>) -> Result<(), Stop> {
    match ran {
        Err(Stop::Panicked { index, message }) => {
            send(out, &FromWorker::Panicked { index, message })?;
            Err(Stop::PanicReported)
        }
        other => other,
    }
}

/// The text of a panic's payload: `panic!("...")` gives a `&str` or a `String`; anything
/// else is named as such.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic whose payload is not a string".to_string()
    }
}

/// Ends a task or chunk begun at `start`: `Finished` with the time spent, and one flush of
/// everything buffered since the last.
fn finish(start: Instant, out: &mut BufWriter<File>) -> Result<(), Stop> {
    let busy_ns = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    send(out, &FromWorker::Finished { busy_ns })
}

/// Misbehaves as a test asked, on the task it named.
fn inject(kind: FaultKind, task: usize, out: &mut BufWriter<File>) -> Result<(), Stop> {
    eprintln!(
        "concbench worker (pid {}): injected fault {kind:?} on task {task}",
        std::process::id()
    );
    match kind {
        FaultKind::Exit => {
            // As a panic's unwinding would: the answers already buffered go out first.
            let _ = out.flush();
            std::process::exit(101)
        }
        FaultKind::Abort => {
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            // SAFETY: setrlimit reads a valid rlimit; no core file is wanted from a test.
            unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) };
            std::process::abort()
        }
        FaultKind::Hang => loop {
            std::thread::sleep(Duration::from_secs(3600));
        },
        FaultKind::Garbage => {
            out.write_all(b"this is not a concbench frame\n")?;
            out.flush()?;
            Ok(())
        }
    }
}

/// Moves the protocol pipe from fd 1 to a fresh descriptor and points fd 1 at stderr.
fn protocol_pipe() -> Result<File, Stop> {
    // SAFETY: plain descriptor calls; the duplicate is owned by the returned File alone.
    unsafe {
        let fd = libc::fcntl(libc::STDOUT_FILENO, libc::F_DUPFD_CLOEXEC, 3);
        if fd < 0 {
            return Err(io::Error::last_os_error().into());
        }
        if libc::dup2(libc::STDERR_FILENO, libc::STDOUT_FILENO) < 0 {
            let e = io::Error::last_os_error();
            libc::close(fd);
            return Err(e.into());
        }
        Ok(File::from_raw_fd(fd))
    }
}

/// This process's peak RSS, and the CPU time it spent after `ready` (serving tasks), so that
/// start-up and `prepare` do not count towards the model's CPU use.
fn usage_since(ready: &SelfUsage) -> WorkerUsage {
    let now = SelfUsage::now();
    WorkerUsage {
        pid: std::process::id(),
        peak_rss_bytes: now.peak_rss_bytes,
        user_cpu_s: (now.user_cpu_s - ready.user_cpu_s).max(0.0),
        sys_cpu_s: (now.sys_cpu_s - ready.sys_cpu_s).max(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::panic_message;

    #[test]
    fn panic_messages_are_read_from_str_and_string_payloads() {
        let caught = |f: fn()| std::panic::catch_unwind(f).unwrap_err();
        let literal = caught(|| panic!("plain words"));
        let formatted = caught(|| panic!("task {} refuses", 3));
        let other = caught(|| std::panic::panic_any(7_u32));
        assert_eq!(panic_message(literal.as_ref()), "plain words");
        assert_eq!(panic_message(formatted.as_ref()), "task 3 refuses");
        assert_eq!(
            panic_message(other.as_ref()),
            "a panic whose payload is not a string"
        );
    }
}
