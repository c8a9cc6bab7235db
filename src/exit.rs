//! How a failed command ends, decided in one place for every command: [`exit_status`] (2 for
//! bad input and usage, 1 for everything else), [`error_line`] (the one `error:` line, each
//! cause once) and [`clap_value_line`] (the one line for a flag given a value it does not
//! take, where clap's own rendering takes three).
//!
//! This sits at the edge, above every module whose errors it classifies. A new domain error
//! type that can be bad input needs one line in [`is_bad_input`].

use std::process::ExitCode;

use thiserror::Error;

use crate::compare::CompareError;
use crate::error::Error;
use crate::export::ExportError;
use crate::machine::MachineError;
use crate::results::ResultsError;
use crate::results::criterion::ImportError;
use crate::results::store::folder::OutputError;
use crate::slides::SlidesError;
use crate::sweep::output::SweepError;

/// Marks an error as the user's input being unusable (exit status 2) when its own type does
/// not say so, e.g. every error of reading a criterion folder the user named. Its text is
/// the wrapped error's, unchanged.
#[derive(Debug, Error)]
#[error(transparent)]
pub struct BadInput(#[from] pub anyhow::Error);

/// Exit status of a command that failed with `err`: 2 when the user's input is at fault
/// ([`is_bad_input`]: a usage error, an unknown name, an out-of-range value, an unusable
/// setting such as `CONCBENCH_MACHINE_NAME`, an unreadable, corrupt or unknown-schema input
/// file or folder), 1 for every failure while running (a
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
            || e.downcast_ref::<MachineError>()
                .is_some_and(MachineError::is_usage)
            || e.downcast_ref::<ExportError>()
                .is_some_and(ExportError::is_bad_input)
            || e.downcast_ref::<OutputError>()
                .is_some_and(OutputError::is_bad_input)
            || e.downcast_ref::<SlidesError>()
                .is_some_and(SlidesError::is_bad_input)
            || e.downcast_ref::<SweepError>()
                .is_some_and(SweepError::is_bad_input)
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

/// The text of the one `error:` line for a command-line value clap refused (`--axis
/// diagonal`, `--format gif`, `--threshold 5`): the flag, the bad value and either the valid
/// values (`invalid value 'diagonal' for --axis; valid values: workers, param`) or the
/// parser's own reason (`invalid value '5' for --threshold: '5' reads as ...`). `None` for
/// every other clap error (a missing argument, an unknown flag or command, `--help`), which
/// clap renders with the usage it refers to.
pub fn clap_value_line(err: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    // `--axis <workers|param>`: the flag alone; a positional argument keeps its name.
    let arg = text(ContextKind::InvalidArg)?;
    let arg = match arg.split_once(' ') {
        Some((flag, _)) if flag.starts_with('-') => flag.to_string(),
        _ => arg,
    };
    let value = text(ContextKind::InvalidValue)?;
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match err.kind() {
        ErrorKind::InvalidValue => {
            let mut line = if value.is_empty() {
                format!("{arg} needs a value")
            } else {
                format!("invalid value '{}' for {arg}", one_line(&value))
            };
            if let Some(ContextValue::Strings(valid)) = err.get(ContextKind::ValidValue) {
                line.push_str(&format!("; valid values: {}", valid.join(", ")));
            }
            if let Some(suggested) = text(ContextKind::SuggestedValue) {
                line.push_str(&format!(" (did you mean '{suggested}'?)"));
            }
            Some(line)
        }
        ErrorKind::ValueValidation => {
            let mut line = format!("invalid value '{}' for {arg}", one_line(&value));
            if let Some(why) = std::error::Error::source(err) {
                line.push_str(&format!(": {}", one_line(&why.to_string())));
            }
            Some(line)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small parser with the kinds of value flags concbench has: a list of names, a
    /// free-form value checked by a function, and a required argument.
    fn parse(args: &[&str]) -> clap::Error {
        let axis = clap::Arg::new("axis")
            .long("axis")
            .value_name("workers|param")
            .value_parser(["workers", "param"]);
        let threshold = clap::Arg::new("threshold").long("threshold").value_parser(
            |s: &str| -> Result<f64, String> {
                s.parse()
                    .map_err(|_| format!("'{s}' is not a threshold;\nwrite e.g. 0.05"))
            },
        );
        let input = clap::Arg::new("input").required(true);
        clap::Command::new("concbench")
            .args([axis, threshold, input])
            .try_get_matches_from(std::iter::once("concbench").chain(args.iter().copied()))
            .unwrap_err()
    }

    #[test]
    fn a_refused_value_is_one_line_naming_the_flag_the_value_and_the_fix() {
        assert_eq!(
            clap_value_line(&parse(&["x", "--axis", "diagonal"])).as_deref(),
            Some("invalid value 'diagonal' for --axis; valid values: workers, param")
        );
        assert_eq!(
            clap_value_line(&parse(&["x", "--axis", "parma"])).as_deref(),
            Some(
                "invalid value 'parma' for --axis; valid values: workers, param (did you mean 'param'?)"
            )
        );
        assert_eq!(
            clap_value_line(&parse(&["x", "--axis="])).as_deref(),
            Some("--axis needs a value; valid values: workers, param")
        );
        assert_eq!(
            clap_value_line(&parse(&["x", "--threshold", "five"])).as_deref(),
            Some(
                "invalid value 'five' for --threshold: 'five' is not a threshold; write e.g. 0.05"
            )
        );
        // Other usage errors keep clap's rendering, usage included.
        assert_eq!(clap_value_line(&parse(&[])), None);
        assert_eq!(clap_value_line(&parse(&["x", "--bogus"])), None);
        let refused = anyhow::Error::from(parse(&["x", "--axis", "diagonal"]));
        assert_eq!(status(&refused), 2);
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
        let name = crate::machine::MachineName::parse("!!!").unwrap_err();
        assert_eq!(
            status(&anyhow::Error::from(name).context("reading settings")),
            2
        );
        let invalid = ResultsError::Invalid {
            path: "r.json".into(),
            field: "cases[0].workers".into(),
            message: "a worker count of 0".into(),
        };
        assert_eq!(status(&anyhow::Error::from(invalid)), 2);
        let hollow = ResultsError::NoMeasurements {
            path: "r.json".into(),
        };
        assert_eq!(status(&anyhow::Error::from(hollow)), 2);
        let folder = ResultsError::NoResultsInFolder {
            path: "reports/x".into(),
        };
        assert_eq!(status(&anyhow::Error::from(folder)), 2);
        let twice = CompareError::SameFile {
            first: "a/results.json".into(),
            second: "a/results.json".into(),
        };
        assert_eq!(status(&anyhow::Error::from(twice)), 2);
        let empty = anyhow::Error::from(ExportError::NothingToExport).context("exporting r.json");
        assert_eq!(status(&empty), 2);
        let not_ours = OutputError::NotOurs {
            path: "/mine/report.md".into(),
        };
        assert_eq!(status(&anyhow::Error::from(not_ours)), 2);
        let not_ours = CompareError::from(OutputError::NotAFolder {
            path: "/afile".into(),
        });
        assert_eq!(status(&anyhow::Error::from(not_ours)), 2);

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
        let export_write = ExportError::Write(ResultsError::Write {
            path: "/out/bmf.json".into(),
            source: std::io::Error::other("disk full"),
        });
        assert_eq!(status(&anyhow::Error::from(export_write)), 1);
        let moving = OutputError::Io {
            path: "/out/report.md".into(),
            source: std::io::Error::other("disk full"),
        };
        assert_eq!(status(&anyhow::Error::from(moving)), 1);
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
