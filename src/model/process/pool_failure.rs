//! How the process pool gives up on a worker: the time it may stay busy, what it was doing,
//! the error that names it (pid, phase, exit status), and the killing and reaping of every
//! worker after a failure or when the pool is dropped. Part of [`super`], split off for size;
//! a new failure kind gets its arm in `fail`.

use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use super::super::slot::Failure;
use super::super::{Phase, PoolError, describe_status};
use super::{ProcessPool, SETUP_TIMEOUT};

/// Longest wait for the answers a worker wrote before its pipe broke.
const DRAIN_LIMIT: Duration = Duration::from_secs(1);
use crate::model::process::protocol::FromWorker;

impl ProcessPool {
    /// How long worker `i` may stay busy: the task timeout while it has tasks.
    pub(super) fn limit(&self, i: usize) -> Duration {
        match self.slots[i].in_flight.is_empty() {
            true => self.timeout.max(SETUP_TIMEOUT),
            false => self.timeout,
        }
    }

    fn phase_of(&self, i: usize) -> Phase {
        match self.slots[i].in_flight.front() {
            Some(unit) => unit.phase(),
            None => self.phase,
        }
    }

    /// Gives up on worker `i`: collects its exit status (killing it unless it is already
    /// on its way out), builds the error, then kills and reaps every other worker.
    pub(super) fn fail(&mut self, i: usize, failure: Failure) -> PoolError {
        if matches!(failure, Failure::Eof) {
            self.drain(i);
        }
        let (phase, timeout) = (self.phase_of(i), self.limit(i));
        let slot = &mut self.slots[i];
        slot.stdin = None;
        let status = match failure {
            Failure::Eof | Failure::Reported(_) | Failure::Panicked { .. } => slot.wait_bounded(),
            _ => {
                let _ = slot.child.kill();
                slot.child.wait()
            }
        };
        let status = match status {
            Ok(status) => describe_status(status),
            Err(e) => format!("exit status unknown: {e}"),
        };
        let pid = slot.pid;
        let err = match failure {
            Failure::Eof => PoolError::Died { pid, phase, status },
            Failure::Timeout => PoolError::Hung {
                pid,
                phase,
                timeout,
                status,
            },
            Failure::Bad(problem) => PoolError::BadFrame {
                pid,
                phase,
                problem,
                status,
            },
            Failure::Reported(message) => PoolError::Failed {
                pid,
                phase,
                message,
                status,
            },
            Failure::Panicked { task, message } => PoolError::Panicked {
                workload: self.workload.clone(),
                task,
                pid,
                message,
                status,
            },
            Failure::Io(source) => PoolError::Pipe {
                pid,
                phase,
                source,
                status,
            },
        };
        self.fail_all(err)
    }

    /// Reads what worker `i` wrote before its pipe broke (its stdin can break while answers
    /// still wait in its stdout), for at most [`DRAIN_LIMIT`], so that every answer that
    /// arrived is booked and the error names the first task really left unanswered.
    fn drain(&mut self, i: usize) {
        let deadline = Instant::now() + DRAIN_LIMIT;
        let mut frames = Vec::new();
        while self.slots[i].live {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let mut fd = super::pollfd(self.slots[i].stdout.as_raw_fd(), libc::POLLIN);
            let ms = left.as_millis().clamp(1, i32::MAX as u128) as i32;
            // SAFETY: one valid, exclusively borrowed pollfd.
            if unsafe { libc::poll(&mut fd, 1, ms) } <= 0 {
                break;
            }
            if self.slots[i]
                .read_frames(i, &mut self.read_buf, &mut frames)
                .is_err()
            {
                break;
            }
            frames.clear();
        }
    }

    /// Kills and reaps every worker, marks the pool unusable and passes `err` through.
    pub(super) fn fail_all(&mut self, err: PoolError) -> PoolError {
        self.kill_all();
        self.broken = Some(err.to_string());
        err
    }

    fn kill_all(&mut self) {
        for slot in &mut self.slots {
            slot.stdin = None;
            slot.live = false;
            slot.out = None;
            slot.busy_since = None;
            slot.in_flight.clear();
            // Both are no-ops on a worker that was already reaped.
            let _ = slot.child.kill();
            let _ = slot.child.wait();
        }
    }
}

impl Drop for ProcessPool {
    fn drop(&mut self) {
        self.kill_all();
    }
}

pub(super) fn unexpected(frame: &FromWorker) -> Failure {
    Failure::Bad(format!("unexpected frame {frame:?}"))
}
