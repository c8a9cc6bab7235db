//! Failures of the worker-process pool ([`PoolError`]) and what a worker was doing when it
//! failed ([`Phase`]). They live with the other domain errors so that [`super::Error`] needs
//! nothing from the model code; `crate::model::process` re-exports them.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

/// What a worker was doing when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Starting: before it answered `Ready`.
    Startup,
    /// Running this task.
    Task(usize),
    /// Holding a chunk of tasks `first..=last`, of which `task` is the first it had not
    /// answered. A worker sends a chunk's answers together at its end (or on its way out
    /// after a task panicked), so after a crash that gave it no chance (a signal) or a hang,
    /// the failing task is `task` or a later one of the chunk.
    Chunk {
        /// The first task of the chunk without an answer.
        task: usize,
        /// The chunk's first task.
        first: usize,
        /// The chunk's last task.
        last: usize,
    },
    /// Between tasks, with nothing in flight.
    Idle,
    /// After a batch, before its shard of the shared state arrived.
    Collect,
    /// Shutting down: before its usage report arrived or it exited.
    Shutdown,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Phase::Startup => f.write_str("during start-up"),
            Phase::Task(task) => write!(f, "on task {task}"),
            Phase::Chunk { task, first, last } => write!(
                f,
                "on task {task}, the first unanswered of its chunk of tasks {first}–{last}"
            ),
            Phase::Idle => f.write_str("between tasks"),
            Phase::Collect => f.write_str("while sending its shard of the shared state"),
            Phase::Shutdown => f.write_str("during shutdown"),
        }
    }
}

/// Failures of the process pool. Each names the worker's pid, what it was doing ([`Phase`])
/// and how it ended (`exit status: N` or `killed by signal N (NAME)`). After any of them
/// the pool has killed and reaped all its workers and refuses further work.
#[derive(Debug, Error)]
pub enum PoolError {
    /// A worker could not be started.
    #[error("cannot start worker process {}: {source}", exe.display())]
    Spawn {
        /// The binary.
        exe: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A worker's pipe closed: it exited or crashed.
    #[error("worker pid {pid} died {phase} ({status}){}", startup_hint(*phase))]
    Died {
        /// The worker's pid.
        pid: u32,
        /// What it was doing.
        phase: Phase,
        /// How it ended.
        status: String,
    },
    /// A worker took longer than the task timeout.
    #[error("worker pid {pid} timed out {phase} after {timeout:?} and was killed ({status})")]
    Hung {
        /// The worker's pid.
        pid: u32,
        /// What it was doing.
        phase: Phase,
        /// The timeout it exceeded.
        timeout: Duration,
        /// How it ended.
        status: String,
    },
    /// A worker sent bytes that are not a valid frame, or a frame that makes no sense now.
    #[error("worker pid {pid} sent a bad frame {phase}: {problem}; it was killed ({status})")]
    BadFrame {
        /// The worker's pid.
        pid: u32,
        /// What it was doing.
        phase: Phase,
        /// What was wrong.
        problem: String,
        /// How it ended.
        status: String,
    },
    /// A worker reported that it cannot go on (e.g. it cannot build the workload).
    #[error("worker pid {pid} failed {phase}: {message} ({status})")]
    Failed {
        /// The worker's pid.
        pid: u32,
        /// What it was doing.
        phase: Phase,
        /// The worker's own message.
        message: String,
        /// How it ended.
        status: String,
    },
    /// A task's code panicked in a worker process, which exited after telling the pool.
    #[error(
        "task {task} of workload '{workload}' panicked in worker pid {pid}: {message} ({status})"
    )]
    Panicked {
        /// The workload's name.
        workload: String,
        /// The task that panicked.
        task: usize,
        /// The worker's pid.
        pid: u32,
        /// The panic's message.
        message: String,
        /// How the worker ended.
        status: String,
    },
    /// Reading from or writing to a worker failed for a reason other than its exit.
    #[error("pipe to worker pid {pid} failed {phase}: {source} ({status})")]
    Pipe {
        /// The worker's pid.
        pid: u32,
        /// What it was doing.
        phase: Phase,
        /// The I/O error.
        source: io::Error,
        /// How it ended.
        status: String,
    },
    /// A task's shipped input is over the frame bound.
    #[error("task {task} ships {len} bytes, over the process pool's limit of {max} bytes")]
    InputTooLarge {
        /// Task index.
        task: usize,
        /// Input size.
        len: usize,
        /// `crate::model::process::protocol::MAX_INPUT_BYTES`.
        max: usize,
    },
    /// The pool failed earlier (or a run was interrupted) and has no workers left.
    #[error("the process pool is unusable after an earlier failure: {0}")]
    Unusable(String),
}

fn startup_hint(phase: Phase) -> &'static str {
    match phase {
        Phase::Startup => {
            "; is the worker binary the concbench binary, or a bench whose main calls concbench::bench_main (its stderr above says more)?"
        }
        _ => "",
    }
}
