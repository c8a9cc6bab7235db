//! Import of criterion's output folder (criterion 0.8): one [`ImportedBenchmark`] per kept
//! benchmark.
//!
//! Criterion writes every benchmark's latest measurement to
//! `<dir>/<group>/<function>/<value>/new/{benchmark,estimates,sample}.json` (`<dir>` is
//! usually `target/criterion`). Folder names are mangled (`/`, `:` and others become `_`,
//! long names are cut), so ids are read from `benchmark.json`, never from the folders. The
//! `keep` filter picks this run's benchmarks; everything else (other projects' groups,
//! criterion's `report/` folders, saved baselines) is ignored. [`import_baseline`] reads a
//! saved baseline (`base`, or a `--save-baseline NAME`) instead of `new`, and [`baselines`]
//! lists the ones a folder has. An id found in two folders is read from one of them, by the
//! rule of [`super::duplicates`], and listed in [`Sorted::duplicates`].
//!
//! Files are read as JSON values and fields are picked by name, so extra fields from a newer
//! criterion are accepted and every error names the file and the field. To read another
//! statistic (e.g. `slope`), add a field to [`ImportedBenchmark`] and one `estimate(..)` call.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value;
use thiserror::Error;

use super::duplicates::{self, Duplicate};
use super::{Estimate, TimeEstimate};

/// Deepest folder level searched below the criterion folder (`group/function/value/new` is 4).
const MAX_DEPTH: usize = 8;

/// A benchmark's id as criterion records it in `benchmark.json`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CriterionId {
    /// `group_id`: concbench uses the workload name.
    pub group: String,
    /// `function_id`: concbench uses the model name.
    pub function: Option<String>,
    /// `value_str`: concbench uses the worker count.
    pub value: Option<String>,
}

impl CriterionId {
    /// The id concbench's benches give a case: criterion's `BenchmarkId::new(model, workers)` in the
    /// workload's group.
    pub fn case(workload: &str, model: &str, workers: usize) -> Self {
        CriterionId {
            group: workload.to_string(),
            function: Some(model.to_string()),
            value: Some(workers.to_string()),
        }
    }

    /// The value as a whole number (a worker count), or `None` when absent or not a number.
    pub fn value_number(&self) -> Option<u64> {
        self.value.as_deref()?.trim().parse().ok()
    }
}

impl fmt::Display for CriterionId {
    /// Criterion's full id: `group/function/value`, skipping absent parts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.group)?;
        for part in [&self.function, &self.value].into_iter().flatten() {
            write!(f, "/{part}")?;
        }
        Ok(())
    }
}

/// One benchmark's latest measurement, times in nanoseconds per iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedBenchmark {
    /// The id from `benchmark.json`.
    pub id: CriterionId,
    /// The `new` folder it was read from.
    pub dir: PathBuf,
    /// Mean with its confidence interval.
    pub mean: Estimate,
    /// Median with its confidence interval.
    pub median: Estimate,
    /// Standard deviation (point estimate).
    pub std_dev_ns: f64,
    /// Confidence level of the intervals, e.g. 0.95.
    pub confidence_level: f64,
    /// Every sample's time per iteration (`times[i] / iters[i]` of `sample.json`).
    pub per_iteration_ns: Vec<f64>,
    /// When `estimates.json` was last written, to tell this run's numbers from stale ones
    /// (criterion keeps old results, and does not write `new` under `--load-baseline`).
    pub measured_at: Option<SystemTime>,
    /// How criterion chose the iterations of its samples (`sample.json`'s `sampling_mode`:
    /// `Linear` or `Flat`); `None` when the file does not say (criterion before 0.3.4).
    pub sampling_mode: Option<String>,
}

impl ImportedBenchmark {
    /// Number of criterion samples.
    pub fn samples(&self) -> usize {
        self.per_iteration_ns.len()
    }

    /// The estimate as a results file records it, samples included.
    pub fn time_estimate(&self) -> TimeEstimate {
        TimeEstimate {
            mean: self.mean,
            median: self.median,
            std_dev_ns: self.std_dev_ns,
            samples: self.samples(),
            confidence_level: self.confidence_level,
            sample_ns: self.per_iteration_ns.clone(),
            rounds: Vec::new(),
        }
    }
}

/// What can go wrong importing a criterion folder; each renders as one line naming the file.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The criterion folder does not exist.
    #[error("criterion folder {0} does not exist; run `cargo bench` first")]
    NoFolder(PathBuf),
    /// The path given as the criterion folder is a file.
    #[error(
        "{0} is a file, not a criterion folder; give the folder criterion writes (target/criterion, or a copy of it)"
    )]
    NotAFolder(PathBuf),
    /// A file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A kept benchmark's folder lacks one of criterion's files.
    #[error(
        "{path} is missing, so the criterion results of {id} are incomplete; re-run `cargo bench`"
    )]
    MissingFile {
        /// The missing file.
        path: PathBuf,
        /// The benchmark (from `benchmark.json`, or guessed from the folders when that is
        /// the missing file).
        id: String,
    },
    /// A file is not valid JSON.
    #[error("{path} is not valid JSON at line {line} column {column}: {message}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's description.
        message: String,
    },
    /// A field is missing or holds an unusable value.
    #[error("{path}: field '{field}' {problem}")]
    Field {
        /// The file.
        path: PathBuf,
        /// The field, dotted (e.g. `mean.confidence_interval.lower_bound`).
        field: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// What [`import_sorted`] found in a criterion folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Sorted {
    /// The benchmarks `keep` accepted, read in full, sorted by folder.
    pub kept: Vec<ImportedBenchmark>,
    /// The ids (from `benchmark.json`) `keep` rejected, sorted by folder, so that a caller
    /// can say what it left out.
    pub left_out: Vec<CriterionId>,
    /// Kept ids found in more than one folder: the folder read and the others, for a
    /// caller to warn about ([`duplicates::warning`]).
    pub duplicates: Vec<Duplicate>,
}

/// Imports every benchmark under `dir` for which `keep` is true, sorted by folder; see
/// [`import_sorted`], of which this keeps only [`Sorted::kept`].
pub fn import(
    dir: &Path,
    keep: impl Fn(&CriterionId) -> bool,
) -> Result<Vec<ImportedBenchmark>, ImportError> {
    import_sorted(dir, keep).map(|sorted| sorted.kept)
}

/// Imports every benchmark under `dir` for which `keep` is true, sorted by folder, and
/// lists the ids of the others.
///
/// Benchmarks `keep` rejects are never read further than their `benchmark.json`, so a broken
/// folder of another project does not fail the import (unless its `benchmark.json` is not
/// JSON). A kept benchmark lacking `estimates.json` or `sample.json` is an error naming the
/// path; a `new` folder without `benchmark.json` is an error only if the id guessed from its
/// folder names is kept. An id in two or more folders is read from one
/// ([`duplicates::choose`]: the newest estimates) and listed in [`Sorted::duplicates`].
pub fn import_sorted(
    dir: &Path,
    keep: impl Fn(&CriterionId) -> bool,
) -> Result<Sorted, ImportError> {
    import_baseline(dir, LATEST, keep)
}

/// The folder name of criterion's latest measurement of each benchmark.
pub const LATEST: &str = "new";

/// As [`import_sorted`], reading the baseline `baseline` of each benchmark instead of its
/// latest measurement ([`LATEST`], `new`): criterion keeps the previous run as `base` and
/// named ones (`--save-baseline NAME`) in folders of that name beside `new`, each with the
/// same three files. Apart from `new`, a folder counts as a baseline only when it holds
/// `benchmark.json`, so a group or function that happens to share the name is searched
/// further. A baseline no benchmark has gives an empty [`Sorted`]; see [`baselines`].
pub fn import_baseline(
    dir: &Path,
    baseline: &str,
    keep: impl Fn(&CriterionId) -> bool,
) -> Result<Sorted, ImportError> {
    if dir.exists() && !dir.is_dir() {
        return Err(ImportError::NotAFolder(dir.to_path_buf()));
    }
    if !dir.is_dir() {
        return Err(ImportError::NoFolder(dir.to_path_buf()));
    }
    let mut new_dirs = Vec::new();
    find_baseline_dirs(dir, baseline, 0, &mut new_dirs)?;
    new_dirs.sort();
    let mut found = Vec::new();
    for new_dir in new_dirs {
        let bench_file = new_dir.join("benchmark.json");
        if !bench_file.exists() {
            let guess = guess_id(dir, &new_dir);
            if keep(&guess) {
                return Err(ImportError::MissingFile {
                    path: bench_file,
                    id: guess.to_string(),
                });
            }
            continue;
        }
        found.push((read_id(&bench_file)?, new_dir));
    }
    let (unique, mut duplicates) = duplicates::resolve(dir, found);
    let mut out: Vec<ImportedBenchmark> = Vec::new();
    let mut left_out = Vec::new();
    for (id, new_dir) in unique {
        if keep(&id) {
            out.push(read_benchmark(id, new_dir)?);
        } else {
            left_out.push(id);
        }
    }
    duplicates.retain(|d| out.iter().any(|b| b.id == d.id));
    Ok(Sorted {
        kept: out,
        left_out,
        duplicates,
    })
}

/// Collects every folder named `baseline` below `dir` (for a name other than `new`, only
/// those holding `benchmark.json`), not descending into them.
fn find_baseline_dirs(
    dir: &Path,
    baseline: &str,
    depth: usize,
    out: &mut Vec<PathBuf>,
) -> Result<(), ImportError> {
    let io = |source| ImportError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        if !entry.file_type().map_err(io)?.is_dir() {
            continue;
        }
        let path = entry.path();
        let is_baseline = entry.file_name() == baseline
            && (baseline == LATEST || path.join("benchmark.json").is_file());
        if is_baseline {
            out.push(path);
        } else if depth < MAX_DEPTH {
            find_baseline_dirs(&path, baseline, depth + 1, out)?;
        }
    }
    Ok(())
}

/// The names of the baselines any benchmark under `dir` has (`new`, `base`, and those saved
/// with `--save-baseline NAME`): every folder name that holds a `benchmark.json`, sorted.
/// Empty when `dir` holds no criterion output (or is no folder).
pub fn baselines(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, depth: usize, out: &mut std::collections::BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            if path.join("benchmark.json").is_file() {
                out.insert(entry.file_name().to_string_lossy().into_owned());
            } else if depth < MAX_DEPTH {
                walk(&path, depth + 1, out);
            }
        }
    }
    let mut names = std::collections::BTreeSet::new();
    walk(dir, 0, &mut names);
    names.into_iter().collect()
}

/// True when `dir` holds criterion output: some benchmark folder with a `benchmark.json`.
pub fn is_criterion_folder(dir: &Path) -> bool {
    !baselines(dir).is_empty()
}

/// The id a `new` folder's path suggests (mangled names and all): for error messages only.
fn guess_id(root: &Path, new_dir: &Path) -> CriterionId {
    let parts: Vec<String> = new_dir
        .parent()
        .and_then(|p| p.strip_prefix(root).ok())
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let mut parts = parts.into_iter();
    CriterionId {
        group: parts.next().unwrap_or_default(),
        function: parts.next(),
        value: parts.next(),
    }
}

/// Reads and parses a JSON file.
fn load(path: &Path) -> Result<Value, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        ImportError::Corrupt {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message,
        }
    })
}

/// An error about `field` of `path`.
fn field_error(path: &Path, field: &str, problem: impl Into<String>) -> ImportError {
    ImportError::Field {
        path: path.to_path_buf(),
        field: field.to_string(),
        problem: problem.into(),
    }
}

/// The value at a dotted field path.
fn get<'v>(value: &'v Value, field: &str) -> Option<&'v Value> {
    field.split('.').try_fold(value, |v, key| v.get(key))
}

/// An optional string field: absent and `null` are `None`.
fn opt_str(value: &Value, path: &Path, field: &str) -> Result<Option<String>, ImportError> {
    match get(value, field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(field_error(
            path,
            field,
            format!("should be a string, found {other}"),
        )),
    }
}

/// A finite number field.
fn num(value: &Value, path: &Path, field: &str) -> Result<f64, ImportError> {
    match get(value, field) {
        None => Err(field_error(path, field, "is missing")),
        Some(v) => v.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
            field_error(path, field, format!("should be a finite number, found {v}"))
        }),
    }
}

/// Reads the id from a `benchmark.json`; other fields are ignored.
fn read_id(path: &Path) -> Result<CriterionId, ImportError> {
    let value = load(path)?;
    let group = opt_str(&value, path, "group_id")?
        .ok_or_else(|| field_error(path, "group_id", "is missing"))?;
    Ok(CriterionId {
        group,
        function: opt_str(&value, path, "function_id")?,
        value: opt_str(&value, path, "value_str")?,
    })
}

/// One statistic of `estimates.json` (`mean`, `median`, ...) and its confidence level.
fn estimate(value: &Value, path: &Path, name: &str) -> Result<(Estimate, f64), ImportError> {
    let ci = format!("{name}.confidence_interval");
    let est = Estimate {
        point: num(value, path, &format!("{name}.point_estimate"))?,
        lower: num(value, path, &format!("{ci}.lower_bound"))?,
        upper: num(value, path, &format!("{ci}.upper_bound"))?,
    };
    if est.point < 0.0 || est.lower > est.upper {
        return Err(field_error(
            path,
            name,
            format!(
                "is not a usable estimate (point {}, interval {}..{})",
                est.point, est.lower, est.upper
            ),
        ));
    }
    Ok((est, num(value, path, &format!("{ci}.confidence_level"))?))
}

/// A numeric array field of `sample.json`.
fn numbers(value: &Value, path: &Path, field: &str) -> Result<Vec<f64>, ImportError> {
    let items = get(value, field)
        .ok_or_else(|| field_error(path, field, "is missing"))?
        .as_array()
        .ok_or_else(|| field_error(path, field, "should be an array of numbers"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
                field_error(
                    path,
                    &format!("{field}[{i}]"),
                    format!("should be a finite number, found {v}"),
                )
            })
        })
        .collect()
}

/// Reads a kept benchmark's `estimates.json` and `sample.json`.
fn read_benchmark(id: CriterionId, dir: PathBuf) -> Result<ImportedBenchmark, ImportError> {
    let need = |name: &str| {
        let path = dir.join(name);
        if path.is_file() {
            Ok(path)
        } else {
            Err(ImportError::MissingFile {
                path,
                id: id.to_string(),
            })
        }
    };
    let est_path = need("estimates.json")?;
    let sample_path = need("sample.json")?;

    let est = load(&est_path)?;
    let (mean, confidence_level) = estimate(&est, &est_path, "mean")?;
    let (median, _) = estimate(&est, &est_path, "median")?;
    let std_dev_ns = num(&est, &est_path, "std_dev.point_estimate")?;

    let sample = load(&sample_path)?;
    let iters = numbers(&sample, &sample_path, "iters")?;
    let times = numbers(&sample, &sample_path, "times")?;
    if iters.is_empty() {
        return Err(field_error(
            &sample_path,
            "iters",
            "is empty; criterion writes one entry per sample",
        ));
    }
    if iters.len() != times.len() {
        return Err(field_error(
            &sample_path,
            "times",
            format!(
                "has {} entries but 'iters' has {}; both need one entry per sample",
                times.len(),
                iters.len()
            ),
        ));
    }
    if let Some(i) = iters.iter().position(|&n| n <= 0.0) {
        return Err(field_error(
            &sample_path,
            &format!("iters[{i}]"),
            "should be a positive iteration count",
        ));
    }
    let per_iteration_ns = times.iter().zip(&iters).map(|(t, n)| t / n).collect();
    let measured_at = std::fs::metadata(&est_path).and_then(|m| m.modified()).ok();
    let sampling_mode = sampling_mode(&sample, &sample_path)?;
    Ok(ImportedBenchmark {
        id,
        dir,
        mean,
        median,
        std_dev_ns,
        confidence_level,
        per_iteration_ns,
        measured_at,
        sampling_mode,
    })
}

/// `sample.json`'s `sampling_mode`, as criterion wrote it (`Linear`, `Flat`); absent or
/// `null` in files of criterion before 0.3.4.
fn sampling_mode(sample: &Value, path: &Path) -> Result<Option<String>, ImportError> {
    opt_str(sample, path, "sampling_mode")
}
