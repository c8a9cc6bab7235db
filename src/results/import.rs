//! Results built from another tool's output: a criterion folder (any baseline of it) or a
//! hyperfine parameter scan ([`crate::results::hyperfine`]), as a [`Results`] whose machine
//! is [`Machine::unknown`] and whose [`Source`] says where the numbers came from.
//!
//! Each criterion benchmark becomes one case with criterion's estimates and its
//! per-iteration samples. An id `<group>/<model>/<workers>` (a whole number of workers from
//! 1 to [`MAX_WORKERS_IN_ID`]) is a case on a workers axis; with [`Ids::Any`], every other
//! id (one or two segments, a last segment that is a parameter) is kept too, as a case with
//! [`CaseRecord::id`] set, which compare joins on the whole id. With [`Ids::Workers`] they
//! are left out and returned, for the report to list.
//!
//! To read another statistic, add it to [`crate::results::criterion::ImportedBenchmark`];
//! to import another tool, add a module beside this one that fills a [`Source`].

use std::path::Path;

use anyhow::{Context, bail};

use super::criterion::{self, CriterionId, ImportedBenchmark};
use super::duplicates;
use super::schema::{CaseRecord, Results, RunInfo};
use super::source::{Source, SourceBenchmark, SourceTool};
use crate::machine::{Machine, now_rfc3339};
use crate::model;
use crate::profile::Profile;
use crate::workload::{self, Kind};

/// The largest last id segment read as a worker count: 4 x 1024. Larger values are input
/// sizes, iteration counts or the like, never workers.
pub const MAX_WORKERS_IN_ID: u64 = 4 * 1024;

/// Which criterion ids become cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ids {
    /// Only `<group>/<model>/<workers>`: a report's workers axis.
    Workers,
    /// Every id; those without a worker count are joined on their whole id (compare).
    Any,
}

/// A criterion folder read into results, and the ids left out.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The results: one case per kept benchmark, sorted by workload, model and workers.
    pub results: Results,
    /// Ids left out ([`Ids::Workers`] only), in folder order.
    pub left_out: Vec<CriterionId>,
    /// The warning about ids found in more than one folder, each read from one
    /// ([`crate::results::duplicates`]); also among the results' warnings.
    pub duplicate_warning: Option<String>,
}

/// The worker count of `id`: its last segment when a function name comes before it and it
/// is a whole number from 1 to [`MAX_WORKERS_IN_ID`].
pub fn workers_of(id: &CriterionId) -> Option<usize> {
    id.function.as_ref()?;
    id.value_number()
        .filter(|n| (1..=MAX_WORKERS_IN_ID).contains(n))
        .map(|n| n as usize)
}

/// True when some id has a numeric last segment that cannot be a worker count (0, a
/// fraction, beyond [`MAX_WORKERS_IN_ID`], or no function before it): then the folder's
/// last segments are a parameter of the work, and no id of it is read as workers.
fn values_are_parameters(ids: &[CriterionId]) -> bool {
    ids.iter().any(|id| {
        let numeric = id
            .value
            .as_deref()
            .is_some_and(|v| v.trim().parse::<f64>().is_ok());
        numeric && workers_of(id).is_none()
    })
}

/// Reads the baseline `baseline` (`None`: criterion's latest, `new`) of the criterion folder
/// `dir` into results; `machine_note` is what the user said about the machine that measured
/// it. An id found in more than one folder is read from one, and the results' warnings say
/// which ([`crate::results::duplicates`]). Errors: the folder does not import (missing, a
/// corrupt or incomplete benchmark, naming the file), or it holds no benchmark of that
/// baseline (or, with [`Ids::Workers`], none of the form `<group>/<model>/<workers>`).
pub fn from_criterion(
    dir: &Path,
    baseline: Option<&str>,
    ids: Ids,
    machine_note: Option<&str>,
) -> anyhow::Result<Imported> {
    let which = baseline.unwrap_or(criterion::LATEST);
    let context = || match baseline {
        Some(b) => format!(
            "importing baseline {b} of the criterion folder {}",
            dir.display()
        ),
        None => format!("importing criterion output from {}", dir.display()),
    };
    let sorted = criterion::import_baseline(dir, which, |id| match ids {
        Ids::Workers => workers_of(id).is_some(),
        Ids::Any => true,
    })
    .with_context(context)?;
    if sorted.kept.is_empty() {
        match (ids, baseline) {
            (Ids::Any, _) | (Ids::Workers, Some(_)) if sorted.left_out.is_empty() => bail!(
                "{} holds no criterion benchmark with a baseline `{which}`; its baselines are {}",
                dir.display(),
                list_or_none(&criterion::baselines(dir))
            ),
            _ => bail!(
                "{} holds no benchmark with an id of the form <group>/<model>/<workers>; name them with BenchmarkId::new(model, workers) inside a group",
                dir.display()
            ),
        }
    }
    let parameters =
        values_are_parameters(&sorted.kept.iter().map(|b| b.id.clone()).collect::<Vec<_>>());
    let pairs: Vec<(CaseRecord, SourceBenchmark)> = sorted
        .kept
        .iter()
        .map(|b| case_of(b, if parameters { None } else { workers_of(&b.id) }))
        .collect();
    let source = Source {
        tool: SourceTool::Criterion,
        path: dir.display().to_string(),
        baseline: baseline.map(str::to_string),
        notes: Vec::new(),
        machine_note: machine_note.map(str::to_string),
        benchmarks: Vec::new(),
    };
    let warning = format!(
        "built from the criterion folder {}{}: times only (no memory, CPU or checksum verification); the machine, the date and the settings of the measurement are not known",
        dir.display(),
        baseline.map_or_else(String::new, |b| format!(" (baseline {b})"))
    );
    let mut results = assemble(pairs, source, warning);
    let duplicate_warning = duplicates::warning(dir, &sorted.duplicates);
    results.run.warnings.extend(duplicate_warning.clone());
    Ok(Imported {
        results,
        left_out: sorted.left_out,
        duplicate_warning,
    })
}

/// One benchmark as a case and its source entry: on a workers axis when `workers` is
/// given, else joined on its whole id.
fn case_of(b: &ImportedBenchmark, workers: Option<usize>) -> (CaseRecord, SourceBenchmark) {
    let (model, count, id) = match workers {
        Some(n) => (b.id.function.clone().unwrap_or_default(), n, None),
        None => {
            let rest: Vec<&str> = [&b.id.function, &b.id.value]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            let model = if rest.is_empty() {
                b.id.group.clone()
            } else {
                rest.join("/")
            };
            (model, 1, Some(b.id.to_string()))
        }
    };
    let benchmark = SourceBenchmark {
        id: b.id.to_string(),
        case: id
            .clone()
            .unwrap_or_else(|| format!("{}/{model}/{count}", b.id.group)),
        samples: b.samples(),
        sampling_mode: b.sampling_mode.clone(),
    };
    let case = CaseRecord {
        workload: b.id.group.clone(),
        kind: workload::find(&b.id.group).map_or(Kind::Other, |w| w.kind),
        model,
        workers: count,
        params: Default::default(),
        checksum: 0,
        verified: false,
        time: Some(b.time_estimate()),
        memory: None,
        cpu: None,
        peak_threads: None,
        measured_in: None,
        id,
    };
    (case, benchmark)
}

/// Results of imported cases: sorted (workload, registry models first, model, workers),
/// [`Machine::unknown`], placeholders for the run settings, `warning` first among the
/// warnings, and `source` with one benchmark entry per case.
pub fn assemble(
    mut pairs: Vec<(CaseRecord, SourceBenchmark)>,
    mut source: Source,
    warning: String,
) -> Results {
    let model_pos = |m: &str| model::MODELS.iter().position(|i| i.name == m);
    pairs.sort_by(|(a, _), (b, _)| {
        (
            &a.workload,
            a.id.is_some(),
            model_pos(&a.model),
            &a.model,
            a.workers,
        )
            .cmp(&(
                &b.workload,
                b.id.is_some(),
                model_pos(&b.model),
                &b.model,
                b.workers,
            ))
    });
    let mut workers: Vec<usize> = pairs
        .iter()
        .filter(|(c, _)| c.id.is_none())
        .map(|(c, _)| c.workers)
        .collect();
    workers.sort_unstable();
    workers.dedup();
    let (cases, benchmarks): (Vec<CaseRecord>, Vec<SourceBenchmark>) = pairs.into_iter().unzip();
    source.benchmarks = benchmarks;
    let now = now_rfc3339();
    let mut results = Results::new(
        Machine::unknown(),
        RunInfo {
            // Placeholders a report of imported data does not show (see `Results::source`).
            profile: Profile::Default,
            started_at: now.clone(),
            finished_at: now,
            wall_s: 0.0,
            workers,
            criterion: Profile::Default.criterion(),
            warnings: vec![warning],
            rounds: None,
            drift: None,
            earlier: Vec::new(),
            workloads: Vec::new(),
        },
    );
    results.cases = cases;
    results.source = Some(source);
    results
}

/// `a, b, c`, or `none`.
fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(group: &str, function: Option<&str>, value: Option<&str>) -> CriterionId {
        CriterionId {
            group: group.to_string(),
            function: function.map(str::to_string),
            value: value.map(str::to_string),
        }
    }

    #[test]
    fn worker_counts_need_a_function_and_a_whole_number_up_to_4096() {
        assert_eq!(workers_of(&id("g", Some("threads"), Some("8"))), Some(8));
        assert_eq!(
            workers_of(&id("g", Some("threads"), Some("4096"))),
            Some(4096)
        );
        assert_eq!(workers_of(&id("g", Some("threads"), Some("4097"))), None);
        assert_eq!(workers_of(&id("g", Some("threads"), Some("0"))), None);
        assert_eq!(workers_of(&id("g", None, Some("8"))), None);
        assert_eq!(workers_of(&id("g", Some("std"), None)), None);
    }

    #[test]
    fn a_baseline_imports_every_id_and_keys_the_misfits_by_their_whole_id() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/criterion/baselines");
        assert_eq!(criterion::baselines(&dir), ["base", "new"]);
        let base = from_criterion(&dir, Some("base"), Ids::Any, None).unwrap();
        let cases = &base.results.cases;
        assert_eq!(cases.len(), 5);
        let ids: Vec<(&str, &str, Option<&str>)> = cases
            .iter()
            .map(|c| (c.workload.as_str(), c.model.as_str(), c.id.as_deref()))
            .collect();
        assert!(ids.contains(&("fib", "fib", Some("fib"))), "{ids:?}");
        assert!(
            ids.contains(&("parse", "serde json", Some("parse/serde json"))),
            "{ids:?}"
        );
        assert!(ids.contains(&("sum", "threads", None)), "{ids:?}");
        let source = base.results.source.unwrap();
        assert_eq!(source.baseline.as_deref(), Some("base"));
        assert_eq!(source.benchmarks.len(), 5);
        // On a workers axis the misfits are left out, for the report to list.
        let workers = from_criterion(&dir, None, Ids::Workers, None).unwrap();
        assert_eq!(workers.results.cases.len(), 3);
        assert_eq!(workers.left_out.len(), 2);
        // A baseline no benchmark has names the ones there are.
        let err = from_criterion(&dir, Some("nightly"), Ids::Any, None).unwrap_err();
        assert!(
            format!("{err:#}").contains("its baselines are base, new"),
            "{err:#}"
        );
    }

    #[test]
    fn one_size_beyond_the_limit_makes_every_value_a_parameter() {
        let sizes = [
            id("sort", Some("std"), Some("1000")),
            id("sort", Some("std"), Some("100000000")),
        ];
        assert!(values_are_parameters(&sizes));
        let counts = [
            id("sum", Some("threads"), Some("2")),
            id("sum", Some("threads"), Some("large")),
            id("fib", None, None),
        ];
        assert!(!values_are_parameters(&counts));
    }
}
