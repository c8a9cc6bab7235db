//! Python's twins of the overhead bench's figures: the same near-empty tasks run through
//! `ThreadPoolExecutor`, `ProcessPoolExecutor`, asyncio `create_task` + `gather`, and
//! `Thread` start + join, measured in the same run by a small standard-library script
//! ([`SCRIPT`], `python/overhead_twins.py`), so the overhead table can say how many times
//! cheaper each model is than the tool a Python programmer would reach for.
//!
//! The script prints one `name µs-per-task` line per twin; [`parse`] reads them and ignores
//! any other line. Python is optional: without `python3` on `PATH` the column says so, and a
//! script that fails or prints nothing usable gives a warning, never a failed bench.
//!
//! To add a twin: a function and a `TWINS` entry in the script, a [`Twin`] variant with its
//! key, and the rows it stands beside in [`Twin::of`].

use std::io::{self, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use thiserror::Error;
use wait_timeout::ChildExt;

use super::overhead::{THREAD_SPAWN_JOIN, times};
use crate::units::format_ns;

/// The script, in the crate's `python/` folder.
pub const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/overhead_twins.py");
/// The interpreter looked up on `PATH`.
pub const INTERPRETER: &str = "python3";
/// How long the script may run (it takes a few seconds) before it is killed.
pub const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// One Python tool measured by the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Twin {
    /// `concurrent.futures.ThreadPoolExecutor`, 2 threads, the pool inside the timed batch.
    ThreadPoolExecutor,
    /// `concurrent.futures.ProcessPoolExecutor`, 2 processes started before timing.
    ProcessPoolExecutor,
    /// `asyncio.create_task` per task, then `asyncio.gather`, on one event loop.
    AsyncioGather,
    /// `threading.Thread(...).start()` then `join()`, per operation.
    ThreadStartJoin,
}

impl Twin {
    /// Every twin, in the script's order.
    pub const ALL: [Twin; 4] = [
        Twin::ThreadPoolExecutor,
        Twin::ProcessPoolExecutor,
        Twin::AsyncioGather,
        Twin::ThreadStartJoin,
    ];

    /// The key the script prints.
    pub fn key(self) -> &'static str {
        match self {
            Twin::ThreadPoolExecutor => "thread-pool-executor",
            Twin::ProcessPoolExecutor => "process-pool-executor",
            Twin::AsyncioGather => "asyncio-gather",
            Twin::ThreadStartJoin => "thread-start-join",
        }
    }

    /// Its name in the table.
    pub fn label(self) -> &'static str {
        match self {
            Twin::ThreadPoolExecutor => "ThreadPoolExecutor",
            Twin::ProcessPoolExecutor => "ProcessPoolExecutor",
            Twin::AsyncioGather => "asyncio gather",
            Twin::ThreadStartJoin => "Thread start+join",
        }
    }

    /// The twin of a model or floor of the overhead table, by its name; `None` where Python
    /// has no like tool (sequential, rayon, the other floors).
    pub fn of(row: &str) -> Option<Twin> {
        match row {
            "threads" | "threads-gil" => Some(Twin::ThreadPoolExecutor),
            "process" => Some(Twin::ProcessPoolExecutor),
            "tokio" | "tokio-current" => Some(Twin::AsyncioGather),
            THREAD_SPAWN_JOIN => Some(Twin::ThreadStartJoin),
            _ => None,
        }
    }
}

/// Why the script gave no figures.
#[derive(Debug, Error)]
pub enum PythonTwinError {
    /// The interpreter could not be started for another reason than its absence.
    #[error("cannot start {interpreter}: {source}")]
    Start {
        /// The interpreter.
        interpreter: String,
        /// The failure.
        source: io::Error,
    },
    /// The script ran longer than [`SCRIPT_TIMEOUT`] and was killed.
    #[error("{script} ran longer than {seconds} s and was stopped")]
    TimedOut {
        /// The script.
        script: String,
        /// The limit, in seconds.
        seconds: u64,
    },
    /// The script ended with a failure status.
    #[error("{script} failed ({status}): {stderr}")]
    Failed {
        /// The script.
        script: String,
        /// Its exit status.
        status: String,
        /// The last line of its standard error.
        stderr: String,
    },
    /// The script's output held no figure for a twin.
    #[error("{script} printed no usable figure for {twin}")]
    Missing {
        /// The script.
        script: String,
        /// The twin's key.
        twin: &'static str,
    },
}

/// What the script printed: the interpreter's version and µs per task by twin.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TwinFigures {
    /// `python-version` as printed, if it was.
    pub version: Option<String>,
    /// Microseconds per task, one entry per twin found, in the order found.
    pub micros: Vec<(Twin, f64)>,
}

impl TwinFigures {
    /// Microseconds per task of `twin`, if measured.
    pub fn micros_of(&self, twin: Twin) -> Option<f64> {
        self.micros
            .iter()
            .find(|(t, _)| *t == twin)
            .map(|(_, v)| *v)
    }
}

/// What the overhead bench knows of Python's twins in this run.
#[derive(Debug)]
pub enum PythonTwins {
    /// The script ran and printed figures.
    Measured(TwinFigures),
    /// No interpreter named [`INTERPRETER`] on `PATH`.
    Absent,
    /// The script could not give figures; the bench prints the reason as a warning.
    Failed(PythonTwinError),
    /// Not run: no row of this run has a twin.
    NotRun,
}

/// Reads the script's output: `<key> <µs per task>` lines of known twins with a positive,
/// finite number, and the `python-version` line. Anything else (blank lines, text, unknown
/// keys, numbers that do not parse) is ignored; a key seen twice keeps its first figure.
pub fn parse(stdout: &str) -> TwinFigures {
    let mut figures = TwinFigures::default();
    for line in stdout.lines() {
        let mut words = line.split_whitespace();
        let (Some(key), Some(value), None) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        if key == "python-version" {
            figures.version.get_or_insert_with(|| value.to_string());
            continue;
        }
        let Some(twin) = Twin::ALL.into_iter().find(|t| t.key() == key) else {
            continue;
        };
        let Ok(us) = value.parse::<f64>() else {
            continue;
        };
        if us.is_finite() && us > 0.0 && figures.micros_of(twin).is_none() {
            figures.micros.push((twin, us));
        }
    }
    figures
}

/// Runs `script` with `interpreter` and reads its figures; every twin must have one.
pub fn measure(interpreter: &str, script: &Path) -> PythonTwins {
    let name = script.display().to_string();
    let spawned = Command::new(interpreter)
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return PythonTwins::Absent,
        Err(source) => {
            return PythonTwins::Failed(PythonTwinError::Start {
                interpreter: interpreter.to_string(),
                source,
            });
        }
    };
    let status = match child.wait_timeout(SCRIPT_TIMEOUT) {
        Ok(Some(status)) => status,
        Ok(None) | Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            return PythonTwins::Failed(PythonTwinError::TimedOut {
                script: name,
                seconds: SCRIPT_TIMEOUT.as_secs(),
            });
        }
    };
    let read = |pipe: Option<&mut dyn Read>| {
        let mut text = String::new();
        if let Some(pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    };
    let stdout = read(child.stdout.as_mut().map(|p| p as &mut dyn Read));
    let stderr = read(child.stderr.as_mut().map(|p| p as &mut dyn Read));
    if !status.success() {
        return PythonTwins::Failed(PythonTwinError::Failed {
            script: name,
            status: status.to_string(),
            stderr: stderr.lines().last().unwrap_or("no message").to_string(),
        });
    }
    let figures = parse(&stdout);
    match Twin::ALL
        .into_iter()
        .find(|t| figures.micros_of(*t).is_none())
    {
        Some(missing) => PythonTwins::Failed(PythonTwinError::Missing {
            script: name,
            twin: missing.key(),
        }),
        None => PythonTwins::Measured(figures),
    }
}

impl PythonTwins {
    /// The table's cell for a row whose twin is `twin` and whose own cost is `ours_ns`
    /// nanoseconds per task: `"23× (asyncio gather 5.95 µs)"`, or why there is no figure.
    pub fn cell(&self, twin: Option<Twin>, ours_ns: Option<f64>) -> String {
        let Some(twin) = twin else {
            return "—".to_string();
        };
        match self {
            PythonTwins::Absent => format!("no {INTERPRETER} here"),
            PythonTwins::Failed(_) => "Python script failed".to_string(),
            PythonTwins::NotRun => "not measured in this run".to_string(),
            PythonTwins::Measured(figures) => match (figures.micros_of(twin), ours_ns) {
                (Some(us), Some(ns)) if ns > 0.0 => format!(
                    "{} ({} {})",
                    times(us * 1e3 / ns),
                    twin.label(),
                    format_ns(us * 1e3)
                ),
                (Some(us), _) => format!("— ({} {})", twin.label(), format_ns(us * 1e3)),
                (None, _) => "—".to_string(),
            },
        }
    }

    /// The table caption's words on Python: which interpreter was measured, or why none.
    pub fn caption(&self) -> String {
        match self {
            PythonTwins::Measured(f) => format!(
                "Python's twins measured in this run (Python {}, median µs per task, 2 workers, batch 1000; Thread start+join per operation)",
                f.version.as_deref().unwrap_or("of unknown version")
            ),
            PythonTwins::Absent => format!("no {INTERPRETER} here, so no Python twins"),
            PythonTwins::Failed(_) => {
                "the Python twins' script failed (see the warning)".to_string()
            }
            PythonTwins::NotRun => "Python's twins not measured in this run".to_string(),
        }
    }

    /// The warning line the bench prints, if any.
    pub fn warning(&self) -> Option<String> {
        match self {
            PythonTwins::Measured(_) | PythonTwins::NotRun => None,
            PythonTwins::Absent => Some(format!(
                "no `{INTERPRETER}` on PATH: the table has no Python figures"
            )),
            PythonTwins::Failed(e) => Some(format!("Python twins not measured: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "\
python-version 3.12.3
thread-pool-executor 11.7
process-pool-executor 118
note: something the script said
asyncio-gather 5.95
asyncio-gather 99
thread-start-join nan
thread-start-join 87
unknown-twin 3
";

    #[test]
    fn parse_reads_known_twins_and_skips_the_rest() {
        let f = parse(OUTPUT);
        assert_eq!(f.version.as_deref(), Some("3.12.3"));
        assert_eq!(
            f.micros,
            vec![
                (Twin::ThreadPoolExecutor, 11.7),
                (Twin::ProcessPoolExecutor, 118.0),
                (Twin::AsyncioGather, 5.95),
                (Twin::ThreadStartJoin, 87.0),
            ]
        );
        assert_eq!(parse("").micros, vec![]);
        assert_eq!(parse("asyncio-gather -1\nasyncio-gather 0").micros, vec![]);
    }

    #[test]
    fn a_cell_divides_the_twin_by_the_model() {
        let twins = PythonTwins::Measured(parse(OUTPUT));
        let cell = twins.cell(Twin::of("tokio"), Some(500.0));
        assert_eq!(cell, "12× (asyncio gather 5.95 µs)");
        assert_eq!(twins.cell(Twin::of("rayon"), Some(20.0)), "—");
        assert!(twins.warning().is_none());
    }

    #[test]
    fn without_python_the_column_says_so() {
        let absent = measure("concbench-no-such-python", Path::new(SCRIPT));
        assert!(matches!(absent, PythonTwins::Absent), "{absent:?}");
        assert_eq!(
            absent.cell(Twin::of("process"), Some(9_000.0)),
            "no python3 here"
        );
        assert!(absent.warning().unwrap().contains("python3"));
    }

    /// A script run by `sh` (no Python needed) that prints `output` and exits with `code`.
    fn shell_script(dir: &Path, output: &str, code: i32) -> std::path::PathBuf {
        let script = dir.join("twins.sh");
        std::fs::write(
            &script,
            format!("printf '%s\\n' '{output}'\necho 'Traceback: boom' >&2\nexit {code}\n"),
        )
        .unwrap();
        script
    }

    #[test]
    fn a_failing_script_is_a_warning_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let failed = measure("sh", &shell_script(dir.path(), "thread-pool-executor 3", 1));
        match &failed {
            PythonTwins::Failed(PythonTwinError::Failed { stderr, .. }) => {
                assert_eq!(stderr, "Traceback: boom")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            failed.cell(Twin::of("threads"), Some(1_000.0)),
            "Python script failed"
        );
        assert!(failed.warning().unwrap().contains("boom"));
        assert_eq!(failed.cell(Twin::of("sequential"), Some(1_000.0)), "—");
    }

    #[test]
    fn a_script_missing_a_twin_gives_no_figures() {
        let dir = tempfile::tempdir().unwrap();
        let partial = measure("sh", &shell_script(dir.path(), "thread-pool-executor 3", 0));
        match partial {
            PythonTwins::Failed(PythonTwinError::Missing { twin, .. }) => {
                assert_eq!(twin, "process-pool-executor")
            }
            other => panic!("{other:?}"),
        }
    }
}
