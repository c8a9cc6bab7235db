//! Domain errors of concbench.
//!
//! Every variant renders as one line that names the thing at fault and, where the user can
//! do something about it, what to do. [`Error::is_usage`] separates bad input (exit status 2)
//! from failures while running (exit status 1). Add a variant here rather than formatting
//! ad-hoc strings at call sites.
//!
//! How a failed command ends is decided here for every command: [`exit_status`] (2 for bad
//! input and usage, 1 for everything else) and [`error_line`] (the one `error:` line, each
//! cause once). A new domain error type that can be bad input needs one line in
//! [`is_bad_input`].

use std::process::ExitCode;

use thiserror::Error;

use crate::compare::CompareError;
use crate::model::process::PoolError;
use crate::results::ResultsError;
use crate::results::criterion::ImportError;

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
                | Error::UnknownModel { .. }
                | Error::WorkersOutOfRange(_)
                | Error::MalformedWorkerList(_)
                | Error::BadArgument { .. }
                | Error::BadSpec { .. }
        )
    }
}

/// Marks an error as the user's input being unusable (exit status 2) when its own type does
/// not say so, e.g. every error of reading a criterion folder the user named. Its text is
/// the wrapped error's, unchanged.
#[derive(Debug, Error)]
#[error(transparent)]
pub struct BadInput(#[from] pub anyhow::Error);

/// Exit status of a command that failed with `err`: 2 when the user's input is at fault
/// ([`is_bad_input`]: a usage error, an unknown name, an out-of-range value, an unreadable,
/// corrupt or unknown-schema input file or folder), 1 for every failure while running (a
/// model computing a wrong result, a worker crashing, an output that cannot be written,
/// `compare --fail-on-regression` finding a slower case). The one place that decides it.
pub fn exit_status(err: &anyhow::Error) -> ExitCode {
    ExitCode::from(if is_bad_input(err) { 2 } else { 1 })
}

/// True when any error in `err`'s chain is the user's input rather than a failure while
/// running.
pub fn is_bad_input(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.is::<clap::Error>()
            || e.is::<BadInput>()
            || e.is::<ImportError>()
            || e.downcast_ref::<Error>().is_some_and(Error::is_usage)
            || e.downcast_ref::<ResultsError>()
                .is_some_and(ResultsError::is_bad_input)
            || e.downcast_ref::<CompareError>()
                .is_some_and(CompareError::is_usage)
    })
}

/// The text of the one `error:` line for `err`: its causes joined by `: `, outermost
/// first, each once. A cause whose text the line already holds is left out (an error whose
/// message includes its source, such as `cannot read x: No such file or directory`, would
/// otherwise print the OS error twice), and line breaks inside a message become spaces.
pub fn error_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        let text = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
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

    fn status(err: &anyhow::Error) -> u8 {
        [1, 2]
            .into_iter()
            .find(|&code| exit_status(err) == ExitCode::from(code))
            .expect("a failure exits 1 or 2")
    }

    fn missing_file() -> ResultsError {
        ResultsError::Read {
            path: "/nowhere/results.json".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        }
    }

    #[test]
    fn bad_input_anywhere_in_the_chain_exits_2_and_the_rest_1() {
        let usage = anyhow::Error::from(Error::WorkersOutOfRange(0));
        assert_eq!(status(&usage), 2);
        assert_eq!(status(&usage.context("running workload sleep")), 2);
        let read = anyhow::Error::from(missing_file()).context("reading the input");
        assert_eq!(status(&read), 2);
        let compared = anyhow::Error::from(CompareError::from(missing_file()));
        assert_eq!(status(&compared), 2);
        let imported = anyhow::Error::from(ImportError::NoFolder("/c".into()));
        assert_eq!(status(&imported.context("importing")), 2);
        let marked = anyhow::Error::from(BadInput(anyhow::anyhow!("holds no benchmark")));
        assert_eq!(status(&marked), 2);

        let mismatch = Error::ChecksumMismatch {
            workload: "sleep".into(),
            model: "rayon".into(),
            workers: 2,
            got: 1,
            want: 2,
        };
        assert_eq!(status(&anyhow::Error::from(mismatch)), 1);
        let write = ResultsError::Write {
            path: "/r/results.json".into(),
            source: std::io::Error::other("disk full"),
        };
        assert_eq!(status(&anyhow::Error::from(write)), 1);
        let compare_write = CompareError::Write {
            path: "/out".into(),
            message: "disk full".into(),
        };
        assert_eq!(status(&anyhow::Error::from(compare_write)), 1);
        assert_eq!(status(&anyhow::anyhow!("writing to standard output")), 1);
    }

    #[test]
    fn the_error_line_names_each_cause_once() {
        use anyhow::Context;
        let err = anyhow::Error::from(missing_file());
        let line = error_line(&err);
        assert_eq!(line.matches("entity not found").count(), 1, "{line}");
        assert!(line.starts_with("cannot read results file /nowhere/results.json"));

        let err = anyhow::Error::from(CompareError::from(missing_file()));
        assert_eq!(error_line(&err).matches("entity not found").count(), 1);

        // Causes that are not part of the outer text still show, in order.
        let err = Err::<(), _>(std::io::Error::other("disk full"))
            .context("writing report.md")
            .context("rendering the report into out")
            .unwrap_err();
        assert_eq!(
            error_line(&err),
            "rendering the report into out: writing report.md: disk full"
        );
        let err = anyhow::anyhow!("first line\n  second line\n");
        assert_eq!(error_line(&err), "first line second line");
    }
}
