//! How the process pool gives up on a worker: the time it may stay busy, what it was doing,
//! the error that names it (pid, phase, exit status), and the killing and reaping of every
//! worker after a failure or when the pool is dropped. Part of [`super`], split off for size;
//! a new failure kind gets its arm in `fail`.

use std::time::Duration;

use super::super::slot::Failure;
use super::super::{Phase, PoolError, describe_status};
use super::{ProcessPool, SETUP_TIMEOUT};
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
        let (phase, timeout) = (self.phase_of(i), self.limit(i));
        let slot = &mut self.slots[i];
        slot.stdin = None;
        let status = match failure {
            Failure::Eof | Failure::Reported(_) => slot.wait_bounded(),
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
            Failure::Io(source) => PoolError::Pipe {
                pid,
                phase,
                source,
                status,
            },
        };
        self.fail_all(err)
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
