//! `concbench run`: a quick look at one workload, each case built, verified and timed in one
//! block through [`VerifiedCase`] (the same path `cargo bench` takes in rounds).
//!
//! A case whose checksum differs from the reference stops the run with
//! [`crate::Error::ChecksumMismatch`]: an unverified number is never reported.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::error::Result;
use crate::measure::VerifiedCase;
use crate::model::{self, ModelConfig, ModelInfo};
use crate::workload::{self, Registry, Role, Workload, WorkloadSpec};

/// What to run: one workload, several models and worker counts.
#[derive(Clone)]
pub struct RunPlan {
    /// The workload and its sizes.
    pub workload: WorkloadSpec,
    /// Models to run; `sequential` is always run first, as the baseline.
    pub models: Vec<&'static ModelInfo>,
    /// Requested worker counts.
    pub workers: Vec<usize>,
    /// Timed runs per case, after one verified warm-up run.
    pub repeats: usize,
    /// Settings passed to every model build.
    pub config: ModelConfig,
}

/// One measured case: (workload, model, workers).
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// Workload name.
    pub workload: String,
    /// Model name.
    pub model: String,
    /// Worker count the model really used.
    pub workers: usize,
    /// The workload's parameters this case ran with (the profile's, with any overrides).
    pub params: BTreeMap<String, u64>,
    /// Median wall time of one batch, in nanoseconds.
    pub median_ns: u64,
    /// Fastest batch, in nanoseconds.
    pub min_ns: u64,
    /// Slowest batch, in nanoseconds.
    pub max_ns: u64,
    /// Sequential median divided by this case's median.
    pub speedup: f64,
    /// The batch checksum, as a hex string in JSON.
    #[serde(serialize_with = "hex")]
    pub checksum: u64,
    /// True when every run's checksum equalled `sequential`'s.
    pub verified: bool,
    /// Every timed batch, in nanoseconds.
    pub samples_ns: Vec<u64>,
}

fn hex<S: Serializer>(value: &u64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{value:#018x}"))
}

/// Runs the plan, building its workload from `registry`, calling `on_case` as each case
/// finishes, and returns every case (sequential's first).
pub fn run(
    plan: &RunPlan,
    registry: &Registry,
    mut on_case: impl FnMut(&CaseResult),
) -> Result<Vec<CaseResult>> {
    for &w in &plan.workers {
        crate::error::check_workers(w)?;
    }
    let workload = registry.build(&plan.workload)?;
    workload.prepare(Role::Parent);

    let sequential = model::find("sequential")?;
    let mut baseline = measure(sequential, &workload, 1, None, plan)?;
    baseline.speedup = 1.0;
    on_case(&baseline);
    let reference = (baseline.checksum, baseline.median_ns);
    let mut results = vec![baseline];

    for info in plan.models.iter().filter(|m| m.name != sequential.name) {
        for workers in info.worker_counts(&plan.workers) {
            let case = measure(info, &workload, workers, Some(reference), plan)?;
            on_case(&case);
            results.push(case);
        }
    }
    Ok(results)
}

/// Builds one case, verifies it, times it, and tears it down.
fn measure(
    info: &'static ModelInfo,
    workload: &Arc<dyn Workload>,
    workers: usize,
    reference: Option<(u64, u64)>,
    plan: &RunPlan,
) -> Result<CaseResult> {
    let want = match reference {
        Some((want, _)) => want,
        None => workload::reference_checksum(workload.as_ref()),
    };
    let mut case = VerifiedCase::build(workload, info, workers, &plan.config, want)?;
    let mut samples = Vec::with_capacity(plan.repeats);
    for _ in 0..plan.repeats.max(1) {
        match case.batch() {
            Ok(elapsed) => samples.push(elapsed.as_nanos() as u64),
            Err(e) => {
                let _ = case.finish();
                return Err(e);
            }
        }
    }
    let workers = case.workers();
    case.finish()?;

    let median_ns = median(&mut samples.clone());
    let speedup = reference.map_or(1.0, |(_, seq)| seq as f64 / median_ns.max(1) as f64);
    Ok(CaseResult {
        workload: plan.workload.name.clone(),
        model: info.name.to_string(),
        workers,
        params: plan.workload.params.clone(),
        median_ns,
        min_ns: samples.iter().copied().min().unwrap_or(0),
        max_ns: samples.iter().copied().max().unwrap_or(0),
        speedup,
        checksum: want,
        verified: true,
        samples_ns: samples,
    })
}

/// The median of `values` (the mean of the two middle values for an even count).
pub fn median(values: &mut [u64]) -> u64 {
    if values.is_empty() {
        return 0;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        values[mid - 1] / 2 + values[mid] / 2 + (values[mid - 1] % 2 + values[mid] % 2) / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [5, 1, 3]), 3);
        assert_eq!(median(&mut [4, 1, 3, 2]), 2);
        assert_eq!(median(&mut [u64::MAX, u64::MAX]), u64::MAX);
        assert_eq!(median(&mut []), 0);
    }

    #[test]
    fn sequential_runs_once_whatever_the_list() {
        let seq = model::find("sequential").unwrap();
        assert_eq!(seq.worker_counts(&[1, 2, 8]), vec![1]);
        let threads = model::find("threads").unwrap();
        assert_eq!(threads.worker_counts(&[8, 1, 2]), vec![1, 2, 8]);
    }

    #[test]
    fn run_verifies_and_reports_every_case() {
        let plan = RunPlan {
            workload: WorkloadSpec::new("sum-squares")
                .with("tasks", 4)
                .with("n", 100),
            models: vec![
                model::find("threads").unwrap(),
                model::find("rayon").unwrap(),
            ],
            workers: vec![1, 3],
            repeats: 2,
            config: ModelConfig::default(),
        };
        let mut seen = 0;
        let cases = run(&plan, &Registry::builtin(), |_| seen += 1).unwrap();
        assert_eq!(cases.len(), 5);
        assert_eq!(seen, 5);
        assert!(cases.iter().all(|c| c.verified && c.samples_ns.len() == 2));
        assert!(cases.iter().all(|c| c.checksum == cases[0].checksum));
        assert_eq!(cases[0].model, "sequential");
    }

    /// A model that gets every batch wrong by one.
    struct OffByOne(Arc<dyn Workload>);

    impl crate::model::Model for OffByOne {
        fn run(&mut self) -> Result<u64> {
            Ok(workload::reference_checksum(self.0.as_ref()).wrapping_add(1))
        }
    }

    static OFF_BY_ONE: ModelInfo = ModelInfo {
        name: "off-by-one",
        workers_are: "test only",
        fixed_workers: None,
        cpu_parallel: true,
        build: |b| Ok(Box::new(OffByOne(b.workload))),
    };

    #[test]
    fn a_wrong_checksum_stops_the_run_naming_the_case() {
        let plan = RunPlan {
            workload: WorkloadSpec::new("sum-squares")
                .with("tasks", 2)
                .with("n", 10),
            models: vec![&OFF_BY_ONE],
            workers: vec![2],
            repeats: 1,
            config: ModelConfig::default(),
        };
        let err = run(&plan, &Registry::builtin(), |_| {}).unwrap_err();
        assert!(
            matches!(err, Error::ChecksumMismatch { workers: 2, .. }),
            "{err}"
        );
        let text = err.to_string();
        assert!(
            text.contains("off-by-one") && text.contains("sum-squares"),
            "{text}"
        );
    }
}
