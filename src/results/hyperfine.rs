//! Import of a hyperfine JSON export of a parameter scan (`hyperfine -P threads 1 16
//! 'cmd --threads {threads}' --export-json scan.json`) as results on a workers axis.
//!
//! hyperfine writes `{"results": [...]}`, one entry per command and parameter value, with
//! `command` (the command line as run, the value filled in), `mean`, `stddev` (`null` after
//! one run), `median`, `min`, `max`, `user` and `system` in seconds, `times` (every run's
//! wall time, seconds; absent in old versions), `exit_codes` and `parameters` (`{"threads":
//! "4"}`, values as strings; absent without `-P`/`-L`). Fields are picked by name, so
//! other fields are ignored, and every error names the file and the field.
//!
//! The file's stem is the workload; each command is a model, named by its command line
//! with the scanned value put back as `{name}` (`cmd --threads {threads}`); the scanned
//! value is the worker count. Times become nanoseconds per run: the mean with a Student t
//! interval, the median with a distribution-free interval from the order statistics, and
//! every run as a sample. To read another field, add it to [`Run`] and [`read_run`].
//!
//! Every interval comes from `times`, so an entry without at least
//! [`MIN_RUNS`] of them is refused: its interval is not known, and a point alone would
//! look exact. So is a command listed twice at one value, which would give two cases one
//! name. A value that is no number (`large`) fits no axis: such an entry is left out of
//! every report and listed in its warnings ([`Scan::words`]), and decides nothing.

use std::path::Path;

use serde_json::Value;
use thiserror::Error;

use super::import::{MAX_WORKERS_IN_ID, assemble};
use super::rounds::t_quantile;
use super::schema::{CaseRecord, Estimate, Results, TimeEstimate};
use super::source::{Source, SourceBenchmark, SourceTool};
use crate::workload::Kind;

/// What can go wrong reading a hyperfine export; each renders as one line naming the file.
#[derive(Debug, Error)]
pub enum HyperfineError {
    /// The file cannot be read.
    #[error(
        "cannot read the hyperfine export {path}: {message}; pass the file hyperfine wrote with --export-json"
    )]
    Read {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// A field is missing or unusable.
    #[error("{path}: {field} {problem}")]
    Field {
        /// The file.
        path: String,
        /// The field, e.g. `results[2].times[0]`.
        field: String,
        /// What is wrong, and the fix.
        problem: String,
    },
}

/// The fewest runs an entry needs: with fewer, its times give no interval.
pub const MIN_RUNS: usize = 2;

/// One entry of `results`, times in seconds.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    command: String,
    mean: f64,
    median: f64,
    times: Vec<f64>,
    parameter: Option<(String, String)>,
}

/// One entry of a scan: a command at one value of the scanned parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanPoint {
    /// The command line as run.
    pub command: String,
    /// The command line with the value put back as `{name}`: the series' name.
    pub model: String,
    /// The value as hyperfine wrote it, e.g. `16`.
    pub value: String,
    /// The times, in ns per run.
    pub time: TimeEstimate,
}

/// A hyperfine export read: the file's stem, the scanned parameter's name, and its points
/// in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// The file as the user named it.
    pub path: String,
    /// The file's stem: the workload (group) name.
    pub workload: String,
    /// The scanned parameter, e.g. `threads`.
    pub parameter: String,
    /// One per entry of `results`.
    pub points: Vec<ScanPoint>,
}

impl Scan {
    /// The first entry and value that is a number but cannot be a worker count (a whole
    /// number from 1 to [`MAX_WORKERS_IN_ID`]), if any. Values that are no number are not
    /// asked: they fit no axis ([`Scan::words`]).
    pub fn not_workers(&self) -> Option<(usize, &str)> {
        self.points
            .iter()
            .position(|p| is_number(&p.value) && workers(&p.value).is_none())
            .map(|i| (i, self.points[i].value.as_str()))
    }

    /// The entries whose value is no number (`large`), in file order: left out on either
    /// axis.
    pub fn words(&self) -> Vec<&ScanPoint> {
        self.points
            .iter()
            .filter(|p| !is_number(&p.value))
            .collect()
    }

    /// One warning line naming the entries [`Scan::words`] leaves out, or `None`.
    pub fn words_warning(&self) -> Option<String> {
        let words = self.words();
        let n = words.len();
        (n > 0).then(|| {
            let named: Vec<String> = words
                .iter()
                .map(|p| format!("\"{}\" ({} = {})", p.command, self.parameter, p.value))
                .collect();
            format!(
                "{n} of the file's {} entries {} no number as {} value of {}, so {} no axis and {} left out: {}",
                self.points.len(),
                if n == 1 { "has" } else { "have" },
                if n == 1 { "its" } else { "their" },
                self.parameter,
                if n == 1 { "it fits" } else { "they fit" },
                if n == 1 { "is" } else { "are" },
                named.join(", ")
            )
        })
    }

    /// The source block of results or reports built from the scan.
    pub fn source(&self, machine_note: Option<&str>) -> Source {
        Source {
            tool: SourceTool::Hyperfine,
            path: self.path.clone(),
            baseline: None,
            notes: Vec::new(),
            machine_note: machine_note.map(str::to_string),
            benchmarks: Vec::new(),
        }
    }
}

/// True when `value` reads as a finite number (`4`, `0.5`, `1e6`); a word is none.
pub fn is_number(value: &str) -> bool {
    value.trim().parse::<f64>().is_ok_and(f64::is_finite)
}

/// True when two values are one point of a series: equal numbers (`4`, `04`, `4.0`), or
/// the same word.
fn same_value(a: &str, b: &str) -> bool {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

/// A value as a worker count: a whole number from 1 to [`MAX_WORKERS_IN_ID`].
fn workers(value: &str) -> Option<usize> {
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|n| (1..=MAX_WORKERS_IN_ID).contains(n))
        .map(|n| n as usize)
}

/// Reads the hyperfine export `path`. Errors: the file does not read or is not hyperfine's
/// JSON, an entry has no single scanned parameter or fewer than [`MIN_RUNS`] times, or a
/// command comes twice at one value (naming the entry and the fix).
pub fn read_scan(path: &Path) -> Result<Scan, HyperfineError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| HyperfineError::Read {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| HyperfineError::Read {
        path: shown.clone(),
        message: format!("not JSON ({e})"),
    })?;
    let field = |field: String, problem: &str| HyperfineError::Field {
        path: shown.clone(),
        field,
        problem: problem.to_string(),
    };
    let entries = value
        .get("results")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            field(
                "results".into(),
                "is missing or empty; pass the file `hyperfine --export-json FILE` wrote",
            )
        })?;
    let workload = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "hyperfine".to_string());
    let mut parameter: Option<String> = None;
    let mut points = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let run = read_run(entry, i).map_err(|(f, p)| field(f, &p))?;
        let Some((name, raw)) = run.parameter.clone() else {
            return Err(field(
                format!("results[{i}].parameters"),
                "should name the one scanned parameter; run the scan with `hyperfine -P NAME FROM TO`",
            ));
        };
        match &parameter {
            Some(p) if *p != name => {
                return Err(field(
                    format!("results[{i}].parameters"),
                    &format!("scans `{name}` but results[0] scans `{p}`; export one scan per file"),
                ));
            }
            _ => parameter = Some(name.clone()),
        }
        if run.times.len() < MIN_RUNS {
            return Err(field(
                format!("results[{i}].times"),
                &format!(
                    "{} for `{}`, so the interval of its time is not known and a single figure would look exact; export the scan with a hyperfine that writes every run's time, with {MIN_RUNS} runs or more (`--runs N`; hyperfine's default is at least 10)",
                    match run.times.len() {
                        0 => "is missing or empty".to_string(),
                        n => format!("holds {n} run"),
                    },
                    run.command
                ),
            ));
        }
        let value = raw.trim().to_string();
        let model = template(&run.command, &name, &raw);
        if let Some(j) = points
            .iter()
            .position(|p: &ScanPoint| p.model == model && same_value(&p.value, &value))
        {
            return Err(field(
                format!("results[{i}]"),
                &format!(
                    "repeats `{}` at {name} = {value} (results[{j}]), which would give two cases one name; export each command once per value (one hyperfine scan per file)",
                    run.command
                ),
            ));
        }
        points.push(ScanPoint {
            model,
            command: run.command.clone(),
            value,
            time: estimate(&run),
        });
    }
    Ok(Scan {
        path: shown,
        workload,
        parameter: parameter.unwrap_or_default(),
        points,
    })
}

/// The scan as results on a workers axis: workload the file's stem, a model per command,
/// the scanned value the worker count; `machine_note` is what the user said about the
/// machine that ran it. Entries whose value is no number are left out and named in a
/// warning ([`Scan::words_warning`]). Errors: a number that is not a whole number of
/// workers from 1 to 4096 (naming the entry and the fix), or no value that is a number.
pub fn results(scan: &Scan, machine_note: Option<&str>) -> Result<Results, HyperfineError> {
    if scan.words().len() == scan.points.len() {
        return Err(no_numbers(scan));
    }
    if let Some((i, value)) = scan.not_workers() {
        return Err(HyperfineError::Field {
            path: scan.path.clone(),
            field: format!("results[{i}].parameters.{}", scan.parameter),
            problem: format!(
                "is `{value}`, not a whole number of workers from 1 to {MAX_WORKERS_IN_ID}; pass `--axis param` to chart it as a parameter"
            ),
        });
    }
    let pairs = scan
        .points
        .iter()
        .filter(|p| is_number(&p.value))
        .map(|p| {
            let workers = workers(&p.value).unwrap_or(1);
            let benchmark = SourceBenchmark {
                id: p.command.clone(),
                case: format!("{}/{}/{workers}", scan.workload, p.model),
                samples: p.time.samples,
                sampling_mode: None,
            };
            let case = CaseRecord {
                workload: scan.workload.clone(),
                kind: Kind::Other,
                model: p.model.clone(),
                workers,
                params: Default::default(),
                checksum: 0,
                verified: false,
                time: Some(p.time.clone()),
                memory: None,
                cpu: None,
                peak_threads: None,
                measured_in: None,
                id: None,
            };
            (case, benchmark)
        })
        .collect();
    let warning = format!(
        "built from the hyperfine export {}: wall times of whole commands only (no memory, CPU or checksum verification); the machine, the date and the settings of the measurement are not known",
        scan.path
    );
    let mut results = assemble(pairs, scan.source(machine_note), warning);
    results.run.warnings.extend(scan.words_warning());
    Ok(results)
}

/// The error of a scan none of whose values is a number: nothing to chart on any axis.
pub fn no_numbers(scan: &Scan) -> HyperfineError {
    HyperfineError::Field {
        path: scan.path.clone(),
        field: format!("results[0].parameters.{}", scan.parameter),
        problem: format!(
            "is `{}`, and no entry's value is a number, so there is nothing to chart on any axis; scan numbers, e.g. `hyperfine -P {} 1 16 ...`",
            scan.points[0].value, scan.parameter
        ),
    }
}

/// Reads entry `i`; the error is (field, problem).
fn read_run(entry: &Value, i: usize) -> Result<Run, (String, String)> {
    let at = |name: &str| format!("results[{i}].{name}");
    let seconds = |name: &str| -> Result<f64, (String, String)> {
        entry
            .get(name)
            .and_then(Value::as_f64)
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                (
                    at(name),
                    "should be a time in seconds, 0 or more".to_string(),
                )
            })
    };
    let command = entry
        .get("command")
        .and_then(Value::as_str)
        .ok_or_else(|| (at("command"), "should be the command line".to_string()))?
        .to_string();
    let mean = seconds("mean")?;
    let median = seconds("median")?;
    let times = match entry.get("times") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(j, v)| {
                v.as_f64()
                    .filter(|t| t.is_finite() && *t >= 0.0)
                    .ok_or_else(|| {
                        (
                            at(&format!("times[{j}]")),
                            "should be a time in seconds, 0 or more".to_string(),
                        )
                    })
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err((at("times"), "should be an array of seconds".to_string())),
    };
    let parameter = match entry.get("parameters") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) if map.len() == 1 => {
            let (name, value) = map.iter().next().expect("one entry");
            let value = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some((name.clone(), value))
        }
        Some(_) => {
            return Err((
                at("parameters"),
                "should hold the one scanned parameter; scan one parameter per export".to_string(),
            ));
        }
    };
    Ok(Run {
        command,
        mean,
        median,
        times,
        parameter,
    })
}

/// The command line with the scanned value put back as `{name}`: the last occurrence of
/// `value` that stands alone (no letter, digit, `.` or `_` on either side). Without one,
/// the command line as it is.
fn template(command: &str, name: &str, value: &str) -> String {
    let value = value.trim();
    if value.is_empty() {
        return command.to_string();
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_');
    let found = command.rmatch_indices(value).find(|(at, _)| {
        let before = command[..*at].chars().next_back();
        let after = command[at + value.len()..].chars().next();
        !word(before) && !word(after)
    });
    match found {
        Some((at, _)) => format!(
            "{}{{{name}}}{}",
            &command[..at],
            &command[at + value.len()..]
        ),
        None => command.to_string(),
    }
}

/// The run's time in ns: mean (t interval), median (order-statistic interval), samples.
fn estimate(run: &Run) -> TimeEstimate {
    let ns: Vec<f64> = run.times.iter().map(|t| t * 1e9).collect();
    let (mean, median) = (run.mean * 1e9, run.median * 1e9);
    let n = ns.len();
    let std_dev = if n >= 2 {
        let m = ns.iter().sum::<f64>() / n as f64;
        (ns.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n as f64 - 1.0)).sqrt()
    } else {
        0.0
    };
    let half = if n >= 2 {
        t_quantile(n - 1) * std_dev / (n as f64).sqrt()
    } else {
        0.0
    };
    let mut sorted = ns.clone();
    sorted.sort_by(f64::total_cmp);
    let median_bounds = if n >= 2 {
        // Ranks n/2 ∓ 0.98·√n (1.96/2): the normal approximation of the binomial interval
        // of the median, clamped to the sample.
        let spread = 0.98 * (n as f64).sqrt();
        let lo = ((n as f64 / 2.0 - spread).floor().max(1.0) as usize).min(n) - 1;
        let hi = ((n as f64 / 2.0 + 1.0 + spread).ceil() as usize).clamp(1, n) - 1;
        (sorted[lo].min(median), sorted[hi].max(median))
    } else {
        (median, median)
    };
    TimeEstimate {
        mean: Estimate {
            point: mean,
            lower: (mean - half).max(0.0),
            upper: mean + half,
        },
        median: Estimate {
            point: median,
            lower: median_bounds.0,
            upper: median_bounds.1,
        },
        std_dev_ns: std_dev,
        samples: n,
        confidence_level: 0.95,
        sample_ns: ns,
        rounds: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scanned_value_becomes_a_placeholder() {
        assert_eq!(
            template("./sum --threads 16 --n 16", "threads", "16"),
            "./sum --threads 16 --n {threads}"
        );
        assert_eq!(
            template("./sum -t 4 -s 4.5", "threads", "4"),
            "./sum -t {threads} -s 4.5"
        );
        assert_eq!(template("./sum", "threads", "4"), "./sum");
    }

    #[test]
    fn values_are_numbers_or_words_and_equal_numbers_are_one_point() {
        assert!(is_number("4") && is_number(" 0.5 ") && is_number("1e6"));
        assert!(!is_number("x") && !is_number("large") && !is_number("inf") && !is_number(""));
        assert!(same_value("4", "04") && same_value("4", "4.0") && same_value("x", " x"));
        assert!(!same_value("4", "5") && !same_value("x", "y") && !same_value("4", "x"));
    }

    #[test]
    fn runs_give_a_mean_interval_and_a_median_interval_around_the_median() {
        let run = Run {
            command: "x".into(),
            mean: 0.0105,
            median: 0.0105,
            times: (0..10).map(|i| 0.010 + f64::from(i) * 0.0001).collect(),
            parameter: None,
        };
        let t = estimate(&run);
        assert_eq!(t.samples, 10);
        assert!((t.mean.point - 1.05e7).abs() < 1.0);
        assert!(t.mean.lower < t.mean.point && t.mean.point < t.mean.upper);
        assert!(t.median.lower <= t.median.point && t.median.point <= t.median.upper);
        assert!(t.median.lower >= 1.0e7 && t.median.upper <= 1.09e7 + 1.0);
    }
}
