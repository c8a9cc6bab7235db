//! The results file of one run, schema [`SCHEMA`] (`concbench.results/2`; files of
//! `concbench.results/1`, written before cases were measured in rounds, still read).
//!
//! One JSON object: the [`SCHEMA`] tag, the machine fingerprint, the run's settings
//! ([`RunInfo`]), one [`CaseRecord`] per (workload, model, workers), the per-task dispatch
//! costs ([`OverheadRecord`]) and the synchronisation cases ([`SyncRecord`]). Times are
//! nanoseconds per batch as `f64`; checksums are hex strings (`"0x00000000deadbeef"`)
//! because JSON numbers lose bits above 2^53.
//!
//! To extend: add a field with `#[serde(default)]` so version-1 files without it still read;
//! anything an old reader would misread needs a new [`SCHEMA`] version.

use std::collections::BTreeMap;
use std::path::Path;

use crate::machine::{Drift, Machine};
pub use crate::measure::{Estimate, RoundTimes, Sample};
use serde::{Deserialize, Serialize};

use super::{ResultsError, json_object_path_at, json_path_at};
pub use crate::profile::{CriterionSettings, Profile, RoundSettings};
pub use crate::sync::SyncRecord;
use crate::workload::Kind;

/// The schema tag this build writes.
pub const SCHEMA: &str = "concbench.results/2";

/// Every schema tag this build reads: [`SCHEMA`] and the versions before it. Version 1 has
/// no rounds, no calibration series and no per-round quiet readings; its times are
/// criterion's estimates from one contiguous block per case.
pub const READABLE_SCHEMAS: &[&str] = &[SCHEMA, "concbench.results/1"];

/// Everything one run measured on one machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Always [`SCHEMA`] for files this build writes.
    pub schema: String,
    /// The machine fingerprint, load before and after the run included.
    pub machine: Machine,
    /// How the run was made.
    pub run: RunInfo,
    /// One record per case, in run order.
    pub cases: Vec<CaseRecord>,
    /// Per-task dispatch costs from `benches/overhead.rs`; empty when it did not run.
    #[serde(default)]
    pub overhead: Vec<OverheadRecord>,
    /// Locks, atomics, queues, wake-ups and semaphores from `benches/sync.rs`; empty when it
    /// did not run.
    #[serde(default)]
    pub sync: Vec<SyncRecord>,
    /// Where the numbers came from when concbench did not measure them (a criterion folder
    /// of any project); `None` for concbench's own runs. With a source, `machine` is
    /// [`Machine::unknown`] and the run's profile, settings and times are placeholders a
    /// report does not show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<super::source::Source>,
}

/// How a run was made: profile, times, worker list, criterion settings and warnings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The profile that fixed the sizes.
    pub profile: Profile,
    /// Start of the run, RFC 3339 in UTC (`2026-05-01T09:30:00Z`).
    pub started_at: String,
    /// End of the run, RFC 3339 in UTC.
    pub finished_at: String,
    /// Wall time of the whole run, probes included, in seconds.
    pub wall_s: f64,
    /// The worker counts swept.
    pub workers: Vec<usize>,
    /// Criterion's settings for every case.
    pub criterion: CriterionSettings,
    /// Anything doubtful about the run (busy machine, wide confidence interval), one line each.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// How the cases were spread over the run; `None` in version-1 files (one block per case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<RoundsInfo>,
    /// The machine's speed through the run (calibration kernel); `None` when not measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<Drift>,
    /// The earlier runs whose cases a filtered run kept (their
    /// [`CaseRecord::measured_in`] names one of them): their own seed, drift and warnings,
    /// so those cases are judged by the run that measured them. Empty when every case is
    /// from this run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<EarlierRun>,
    /// The run's workloads as its registry described them, so that a report describes a
    /// user's own workloads too; empty in files written before (and for imported data).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<super::note::WorkloadNote>,
}

/// What the results file keeps of an earlier run when a filtered run replaced only some of
/// its cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlierRun {
    /// Its start, RFC 3339 in UTC: the `measured_in` of its cases.
    pub started_at: String,
    /// Its rounds and seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<RoundsInfo>,
    /// The machine's speed through it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<Drift>,
    /// Its warnings.
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl EarlierRun {
    /// What `run` leaves for the runs after it.
    pub fn of(run: &RunInfo) -> EarlierRun {
        EarlierRun {
            started_at: run.started_at.clone(),
            rounds: run.rounds,
            drift: run.drift.clone(),
            warnings: run.warnings.clone(),
        }
    }
}

/// How a run measured its cases in rounds: every case once per round, in an order shuffled
/// anew in each round from `seed`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RoundsInfo {
    /// Seed of the shuffles (`CONCBENCH_SEED` replays a run's order).
    pub seed: u64,
    /// Rounds and block lengths, as the profile set them.
    #[serde(flatten)]
    pub settings: RoundSettings,
}

/// One case: (workload, model, workers) with what was measured about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    /// Workload name, e.g. `sum-squares`.
    pub workload: String,
    /// What limits the workload.
    pub kind: Kind,
    /// Model name, e.g. `rayon`.
    pub model: String,
    /// Worker count the model really used.
    pub workers: usize,
    /// The workload's parameters (its spec), so the work is known exactly.
    pub params: BTreeMap<String, u64>,
    /// The batch checksum; a `"0x%016x"` string in JSON.
    #[serde(with = "hex_u64")]
    pub checksum: u64,
    /// True when the checksum equalled `sequential`'s before timing.
    pub verified: bool,
    /// Criterion's time estimate of one batch; `None` when the case was not timed.
    pub time: Option<TimeEstimate>,
    /// Peak memory from the probe; `None` when the probe did not run.
    pub memory: Option<Memory>,
    /// CPU time from the probe; `None` when the probe did not run.
    pub cpu: Option<CpuUsage>,
    /// OS threads of the process tree at peak during the probe: the probe process's own,
    /// sampled every few milliseconds (a lower bound), plus one per worker process; `None`
    /// when the probe did not run or could not count them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_threads: Option<u64>,
    /// Start (RFC 3339) of the run that measured this case: a filtered run keeps the cases it
    /// did not repeat, and only cases of the same run pair their rounds. `None` in version-1
    /// files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured_in: Option<String>,
    /// An imported benchmark's whole id (criterion's `group/function/value`) when it names
    /// no worker count: one or two segments, or a last segment that is a parameter of the
    /// work. `model` is then the id after the group (the group itself for a one-segment id)
    /// and `workers` is 1, which counts nothing; compare joins such cases on this id and
    /// charts only cases without one. `None` for cases with a worker count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Criterion's estimate of one batch's time, all values in nanoseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeEstimate {
    /// Mean batch time with its bootstrap confidence interval.
    pub mean: Estimate,
    /// Median batch time with its bootstrap confidence interval.
    pub median: Estimate,
    /// Standard deviation of the batch time.
    pub std_dev_ns: f64,
    /// Number of criterion samples.
    pub samples: usize,
    /// Confidence level of the intervals, e.g. 0.95.
    pub confidence_level: f64,
    /// Per-iteration time of every sample (criterion's `times[i] / iters[i]`) in version-1
    /// files; empty when the samples are kept by round in `rounds`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sample_ns: Vec<f64>,
    /// The timed batches, round by round; empty in version-1 files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rounds: Vec<RoundTimes>,
}

impl TimeEstimate {
    /// Every batch time, in nanoseconds: the rounds' samples in round order, or the
    /// version-1 `sample_ns`.
    pub fn all_samples_ns(&self) -> Vec<f64> {
        if self.rounds.is_empty() {
            self.sample_ns.clone()
        } else {
            self.rounds
                .iter()
                .flat_map(|r| r.samples.iter().map(|s| s.ns))
                .collect()
        }
    }
}

/// Peak resident memory of one probed case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    /// Peak RSS of the whole process tree: the parent's plus every worker process's peak.
    pub peak_rss_bytes: u64,
    /// The probing process's own peak RSS (VmHWM).
    pub parent_peak_rss_bytes: u64,
    /// Each worker process's own peak, as it reported at shutdown; empty for in-process models.
    #[serde(default)]
    pub workers_peak_rss_bytes: Vec<u64>,
}

/// CPU time of one probed case, worker processes included.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CpuUsage {
    /// User CPU seconds.
    pub user_s: f64,
    /// System CPU seconds.
    pub sys_s: f64,
    /// Wall seconds.
    pub wall_s: f64,
    /// (user + sys) / wall: 2.0 means two cores busy on average.
    pub utilisation: f64,
}

impl CpuUsage {
    /// Builds a reading, computing the utilisation (0 when `wall_s` is not positive).
    pub fn new(user_s: f64, sys_s: f64, wall_s: f64) -> Self {
        let utilisation = if wall_s > 0.0 {
            (user_s + sys_s) / wall_s
        } else {
            0.0
        };
        CpuUsage {
            user_s,
            sys_s,
            wall_s,
            utilisation,
        }
    }
}

/// Per-task dispatch cost of a model on empty tasks, or a raw floor measured beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverheadRecord {
    /// Criterion id, e.g. `process/1000` or `floor/thread-spawn-join`.
    pub name: String,
    /// The model measured; `None` for a floor.
    pub model: Option<String>,
    /// Empty tasks per timed batch.
    pub batch: usize,
    /// Nanoseconds per task.
    pub ns_per_task: Estimate,
}

/// The subset of a results file read first, to check the version before the rest.
#[derive(Deserialize)]
struct VersionProbe {
    schema: Option<serde_json::Value>,
}

impl Results {
    /// An empty results file of this build's [`SCHEMA`].
    pub fn new(machine: Machine, run: RunInfo) -> Self {
        Results {
            schema: SCHEMA.to_string(),
            machine,
            run,
            cases: Vec::new(),
            overhead: Vec::new(),
            sync: Vec::new(),
            source: None,
        }
    }

    /// Parses a results file's text; `path` only names the file in errors.
    ///
    /// The version is checked first, so a file of another version is reported as such, not
    /// as corrupt.
    pub fn from_json(text: &str, path: &Path) -> Result<Self, ResultsError> {
        let corrupt = |e: serde_json::Error| {
            let message = strip_position(&e.to_string());
            ResultsError::Corrupt {
                path: path.to_path_buf(),
                line: e.line(),
                column: e.column(),
                field: field_at(text, e.line(), e.column(), &message),
                message,
            }
        };
        let probe: VersionProbe = serde_json::from_str(text).map_err(corrupt)?;
        match probe.schema {
            None | Some(serde_json::Value::Null) => {
                return Err(ResultsError::MissingSchema {
                    path: path.to_path_buf(),
                    supported: SCHEMA,
                });
            }
            Some(serde_json::Value::String(s)) if READABLE_SCHEMAS.contains(&s.as_str()) => {}
            Some(other) => {
                return Err(ResultsError::UnknownSchema {
                    path: path.to_path_buf(),
                    found: other
                        .as_str()
                        .map_or_else(|| other.to_string(), str::to_string),
                    supported: READABLE_SCHEMAS
                        .iter()
                        .map(|v| format!("\"{v}\""))
                        .collect::<Vec<_>>()
                        .join(" or "),
                });
            }
        }
        let results: Results = serde_json::from_str(text).map_err(corrupt)?;
        super::validate::check(&results).map_err(|problem| ResultsError::Invalid {
            path: path.to_path_buf(),
            field: problem.field,
            message: problem.message,
        })?;
        Ok(results)
    }

    /// True when the run measured something to show: a case, an overhead or a sync record.
    pub fn has_measurements(&self) -> bool {
        !(self.cases.is_empty() && self.overhead.is_empty() && self.sync.is_empty())
    }

    /// `Ok` when [`Results::has_measurements`], else [`ResultsError::NoMeasurements`]
    /// naming `path`: for commands that show a run, which a hollow file would make show
    /// nothing while looking complete.
    pub fn require_measurements(&self, path: &Path) -> Result<(), ResultsError> {
        if self.has_measurements() {
            Ok(())
        } else {
            Err(ResultsError::NoMeasurements {
                path: path.to_path_buf(),
            })
        }
    }

    /// Reads and parses a results file.
    pub fn read(path: &Path) -> Result<Self, ResultsError> {
        let text = std::fs::read_to_string(path).map_err(|source| ResultsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text, path)
    }

    /// Pretty JSON of the whole file.
    pub fn to_json(&self) -> String {
        // Serializing these types cannot fail: every map key is a string.
        serde_json::to_string_pretty(self).expect("results serialize to JSON")
    }

    /// The record of one case with a worker count, if the run has it (cases with an
    /// [`CaseRecord::id`] are found by [`Results::case_by_id`]).
    pub fn case(&self, workload: &str, model: &str, workers: usize) -> Option<&CaseRecord> {
        self.cases.iter().find(|c| {
            c.id.is_none() && c.workload == workload && c.model == model && c.workers == workers
        })
    }

    /// The record of the imported case with the whole id `id`, if the run has it.
    pub fn case_by_id(&self, id: &str) -> Option<&CaseRecord> {
        self.cases.iter().find(|c| c.id.as_deref() == Some(id))
    }

    /// The calibration series of the run that measured `case`: an earlier run's when its
    /// `measured_in` names one of [`RunInfo::earlier`] (a case a filtered run kept), else
    /// this run's. `None` when that run tracked no drift.
    pub fn drift_of(&self, case: &CaseRecord) -> Option<&Drift> {
        let earlier = case
            .measured_in
            .as_ref()
            .and_then(|start| self.run.earlier.iter().find(|e| e.started_at == *start));
        match earlier {
            Some(run) => run.drift.as_ref(),
            None => self.run.drift.as_ref(),
        }
    }

    /// Speedup of `case` over the same run's `sequential` case of its workload.
    ///
    /// Measured in rounds in the same run (schema 2): paired round by round
    /// ([`super::rounds::paired_speedup`]), so a slow spell that slows both sides of a round
    /// cancels. Otherwise (version-1 files, or fewer than two common rounds) from the median
    /// batch times: point = seq / case; bounds from the median intervals (seq lower / case
    /// upper, seq upper / case lower). `None` when either is untimed or a time is not
    /// positive.
    pub fn speedup(&self, case: &CaseRecord) -> Option<Estimate> {
        let seq = self.case(&case.workload, "sequential", 1)?.time.as_ref()?;
        let this = case.time.as_ref()?;
        let same_run = case.measured_in.is_some()
            && case.measured_in == self.case(&case.workload, "sequential", 1)?.measured_in;
        if let Some(paired) = same_run
            .then(|| super::rounds::paired_speedup(seq, this))
            .flatten()
        {
            return Some(paired);
        }
        let (s, c) = (seq.median, this.median);
        if [s.point, s.lower, s.upper, c.point, c.lower, c.upper]
            .iter()
            .any(|v| v.is_nan() || *v <= 0.0)
        {
            return None;
        }
        Some(Estimate {
            point: s.point / c.point,
            lower: s.lower / c.upper,
            upper: s.upper / c.lower,
        })
    }
}

/// The JSON path of the field a serde error at (`line`, `column`) is about. serde reports
/// a missing field at the end of the object that lacks it, where the scanner's last key is
/// a sibling; the path is then the object's, with the missing field's name appended.
fn field_at(text: &str, line: usize, column: usize, message: &str) -> String {
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    match missing {
        Some(name) => match json_object_path_at(text, line, column) {
            Some(object) if !object.is_empty() => format!("{object}.{name}"),
            _ => name.to_string(),
        },
        None => json_path_at(text, line, column),
    }
}

/// serde_json appends " at line L column C" to its messages; the error names the position
/// separately, so drop it.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// A `u64` as a `"0x%016x"` string, parsed back (with or without the `0x`).
mod hex_u64 {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(value: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{value:#018x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let text = String::deserialize(d)?;
        let digits = text
            .strip_prefix("0x")
            .or_else(|| text.strip_prefix("0X"))
            .unwrap_or(&text);
        u64::from_str_radix(digits, 16).map_err(|_| {
            D::Error::custom(format!(
                "checksum \"{text}\" is not a hex number like \"0x00000000deadbeef\""
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = include_str!("../../tests/fixtures/results/valid.json");

    fn est(point: f64, lower: f64, upper: f64) -> Estimate {
        Estimate {
            point,
            lower,
            upper,
        }
    }

    fn valid() -> Results {
        Results::from_json(VALID, Path::new("valid.json")).unwrap()
    }

    #[test]
    fn speedup_is_none_without_a_timed_baseline_or_with_a_zero_time() {
        let mut r = valid();
        let threads = r.case("sum-squares", "threads", 2).unwrap().clone();
        assert!(r.speedup(&threads).is_some());
        r.cases[0].time.as_mut().unwrap().median.lower = 0.0;
        assert!(r.speedup(&threads).is_none());
        r.cases[0].time = None;
        assert!(r.speedup(&threads).is_none());
    }

    #[test]
    fn checksums_are_hex_strings_both_ways() {
        let r = valid();
        assert_eq!(r.cases[3].checksum, 8);
        let json = r.to_json();
        assert!(json.contains("\"checksum\": \"0x0000000000000008\""));
        assert_eq!(Results::from_json(&json, Path::new("x.json")).unwrap(), r);
        let bad = json.replacen("0x9e3779b97f4a7c15", "0xnothex", 1);
        let err = Results::from_json(&bad, Path::new("x.json")).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("cases[0].checksum") && text.contains("0xnothex"),
            "{text}"
        );
    }

    #[test]
    fn relative_half_width_and_utilisation() {
        assert_eq!(est(100.0, 95.0, 105.0).relative_half_width(), 0.05);
        assert!(est(0.0, 0.0, 1.0).relative_half_width().is_infinite());
        assert_eq!(CpuUsage::new(1.5, 0.5, 1.0).utilisation, 2.0);
        assert_eq!(CpuUsage::new(1.0, 0.0, 0.0).utilisation, 0.0);
    }

    #[test]
    fn a_file_without_schema_is_named() {
        let err = Results::from_json("{\"cases\": []}", Path::new("r.json")).unwrap_err();
        assert!(matches!(err, ResultsError::MissingSchema { .. }), "{err}");
        assert!(err.to_string().contains("r.json"));
    }
}
