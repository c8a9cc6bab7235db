//! Domain errors of concbench.
//!
//! Every variant renders as one line that names the thing at fault and, where the user can
//! do something about it, what to do. [`Error::is_usage`] separates bad input (exit status 2)
//! from failures while running (exit status 1). Add a variant here rather than formatting
//! ad-hoc strings at call sites.
//!
//! How a failed command ends (its exit status and its one `error:` line) is decided in
//! [`crate::exit`], at the edge, for every command.

use thiserror::Error;

pub mod pool;

use pool::PoolError;

/// Largest worker count any model accepts.
pub const MAX_WORKERS: usize = 1024;

/// Everything that can go wrong in concbench's library code.
#[derive(Debug, Error)]
pub enum Error {
    /// A workload name that is not in the registry.
    #[error("unknown workload '{name}'; valid workloads: {valid}")]
    UnknownWorkload {
        /// What the user asked for.
        name: String,
        /// Comma-separated registry names.
        valid: String,
    },
    /// Two workloads of one registry with the same name.
    #[error("workload '{name}' is registered twice; give each workload of a registry its own name")]
    DuplicateWorkload {
        /// The name taken twice.
        name: String,
    },
    /// A workload that cannot join a registry (an unusable name, specs of another name).
    #[error("workload '{name}' cannot be registered: {problem}")]
    BadWorkload {
        /// Its name.
        name: String,
        /// What is wrong and what to do.
        problem: String,
    },
    /// A model name that is not in the registry.
    #[error("unknown model '{name}'; valid models: {valid} (or 'all')")]
    UnknownModel {
        /// What the user asked for.
        name: String,
        /// Comma-separated registry names.
        valid: String,
    },
    /// A worker count of 0 or above [`MAX_WORKERS`].
    #[error("worker count {0} is out of range; use a whole number from 1 to {MAX_WORKERS}")]
    WorkersOutOfRange(usize),
    /// A worker list that does not parse.
    #[error("malformed worker list '{0}'; write comma-separated whole numbers, e.g. 1,2,4,8")]
    MalformedWorkerList(String),
    /// A command-line value that is out of range or malformed.
    #[error("{arg} '{value}' {problem}")]
    BadArgument {
        /// The option, e.g. `--workers`.
        arg: &'static str,
        /// What the user gave.
        value: String,
        /// What is wrong and what to give instead.
        problem: String,
    },
    /// A workload spec that lacks a parameter or holds an unusable value.
    #[error("workload '{workload}': parameter '{param}' {problem}")]
    BadSpec {
        /// The workload's name.
        workload: String,
        /// The parameter at fault.
        param: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A parameter the workload does not declare.
    #[error("workload '{workload}' has no parameter '{name}'; its parameters: {valid}")]
    UnknownParam {
        /// The workload's name.
        workload: String,
        /// What the user asked for.
        name: String,
        /// Every declared parameter with its range, comma-separated.
        valid: String,
    },
    /// A workload could not set up or use what its run needs (its loopback server, its
    /// directory, a worker's shard of its state).
    #[error("workload '{workload}': cannot {action}: {reason}")]
    WorkloadSetup {
        /// The workload's name.
        workload: String,
        /// What it tried to do.
        action: String,
        /// Why it failed, and what to do if the user can do something.
        reason: String,
    },
    /// A model returned a different checksum than `sequential` for the same workload.
    #[error(
        "{model} with {workers} workers returned checksum {got:#018x} on {workload}, but sequential returned {want:#018x}; this model computes a wrong result and will not be timed"
    )]
    ChecksumMismatch {
        /// Workload name.
        workload: String,
        /// Model name.
        model: String,
        /// Worker count.
        workers: usize,
        /// What the model returned.
        got: u64,
        /// What `sequential` returned.
        want: u64,
    },
    /// A model could not be built (a runtime, a pool, a missing worker binary).
    #[error("cannot build model {model} with {workers} workers: {reason}")]
    Build {
        /// Model name.
        model: String,
        /// Worker count.
        workers: usize,
        /// Why.
        reason: String,
    },
    /// The process pool failed (a worker crashed, hung or sent garbage).
    #[error(transparent)]
    Pool(#[from] PoolError),
}

impl Error {
    /// True when the error is the user's input rather than a failure while running.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::UnknownWorkload { .. }
                | Error::DuplicateWorkload { .. }
                | Error::BadWorkload { .. }
                | Error::UnknownModel { .. }
                | Error::WorkersOutOfRange(_)
                | Error::MalformedWorkerList(_)
                | Error::BadArgument { .. }
                | Error::BadSpec { .. }
                | Error::UnknownParam { .. }
        )
    }
}

/// Result alias for concbench's library code.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Parses a comma-separated worker list such as `1,2,4,8`, checking every count's range.
/// Duplicates are dropped; order is kept ascending.
pub fn parse_worker_list(text: &str) -> Result<Vec<usize>> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        let n: usize = part
            .parse()
            .map_err(|_| Error::MalformedWorkerList(text.to_string()))?;
        check_workers(n)?;
        out.push(n);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Checks that `n` is a usable worker count.
pub fn check_workers(n: usize) -> Result<usize> {
    if n == 0 || n > MAX_WORKERS {
        Err(Error::WorkersOutOfRange(n))
    } else {
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_lists_parse_sorted_and_deduplicated() {
        assert_eq!(parse_worker_list("8, 1,2,2").unwrap(), vec![1, 2, 8]);
    }

    #[test]
    fn worker_lists_reject_bad_counts() {
        assert!(matches!(
            parse_worker_list("1,0"),
            Err(Error::WorkersOutOfRange(0))
        ));
        assert!(matches!(
            parse_worker_list("1025"),
            Err(Error::WorkersOutOfRange(1025))
        ));
        assert!(matches!(
            parse_worker_list("1,,2"),
            Err(Error::MalformedWorkerList(_))
        ));
        assert!(matches!(
            parse_worker_list("two"),
            Err(Error::MalformedWorkerList(_))
        ));
        assert!(parse_worker_list("1024").is_ok());
    }
}
