//! [`TaskCtx`]: what a task may call while it runs.
//!
//! Workloads call [`TaskCtx::tick`] in their hot loops (every few microseconds of work) and
//! wrap every wait in [`TaskCtx::blocking`]. For every model but `threads-gil` both cost one
//! predictable branch. Under `threads-gil` they are where the emulated interpreter lock is
//! handed over (see [`crate::gil`]). The process model also hands a task the bytes the parent
//! shipped to it through [`TaskCtx::input`].

use crate::gil::GilGuard;

/// Per-task context handed to [`crate::workload::Workload::run`].
#[derive(Default)]
pub struct TaskCtx<'a> {
    gil: Option<&'a GilGuard<'a>>,
    input: Option<&'a [u8]>,
}

impl<'a> TaskCtx<'a> {
    /// A context with no lock and no shipped input: what every model but `threads-gil` uses.
    pub fn free() -> Self {
        TaskCtx::default()
    }

    /// A context whose task runs while holding the emulated interpreter lock.
    pub fn with_gil(gil: &'a GilGuard<'a>) -> Self {
        TaskCtx {
            gil: Some(gil),
            input: None,
        }
    }

    /// Attaches input bytes that were shipped to this process for the task.
    pub fn with_input(mut self, input: &'a [u8]) -> Self {
        self.input = Some(input);
        self
    }

    /// Bytes the parent shipped for this task, when the task runs in a worker process.
    pub fn input(&self) -> Option<&'a [u8]> {
        self.input
    }

    /// A point in a hot loop where an interpreter-style lock may be handed to another thread.
    #[inline(always)]
    pub fn tick(&mut self) {
        if let Some(gil) = self.gil {
            gil.tick();
        }
    }

    /// Runs a wait (sleep, blocking I/O) with the interpreter-style lock released.
    #[inline]
    pub fn blocking<R>(&mut self, wait: impl FnOnce() -> R) -> R {
        match self.gil {
            Some(gil) => gil.release_during(wait),
            None => wait(),
        }
    }
}
