//! Scalability fits: Amdahl's serial fraction and the Universal Scalability Law (USL), fitted
//! the way capacity planners fit them.
//!
//! **Data.** One point per worker count `n`: the median speedup `S(n) = T_seq / T(n)` of a
//! (workload, model) over the same run's sequential time. Read as a throughput, `S` is
//! "sequential batches per sequential-batch time", so the throughput form of the laws applies
//! to it unchanged.
//!
//! **Laws.** The USL, `X(n) = λ n / (1 + σ (n − 1) + κ n (n − 1))` ([`UslFit`]), fitted by
//! bounded nonlinear least squares with σ, κ and λ free, as the R package `usl` does; and
//! Amdahl's law, `S(n) = 1 / (s + (1 − s) / n)` ([`AmdahlFit`]), the USL with κ = 0 and
//! λ = 1, fitted likewise for its serial fraction. Every parameter comes with a 95% Wald
//! interval from the Jacobian at the solution, and every fit with `R² = 1 − RSS / TSS`.
//!
//! **Claims.** A peak `n* = sqrt((1 − σ) / κ)` is reported only when κ's whole 95% interval lies
//! above zero ([`UslFit::peak_workers`]); otherwise the data support no peak. The speedup chart
//! draws the USL curve only when `R² ≥` [`MIN_R_SQUARED_FOR_LINE`] ([`UslFit::draws_line`]) and
//! only over the worker counts that were fitted.
//!
//! **Which points.** For workloads of kind `cpu`, only worker counts up to the machine's usable
//! CPUs (`results.machine.usable_cpus`, the CPUs the run was allowed to use, after affinity
//! and cgroup limits) enter the fits: past that count, extra workers time-share the same cores,
//! and both laws assume each worker brings its own processor. For `io`, `mixed` and `other`
//! workloads every worker count enters (a waiting worker needs no core). A fit needs at least
//! one more distinct worker count than it has parameters, so that its intervals exist: 4 for
//! the USL, 2 for Amdahl; with fewer there is no fit.
//!
//! **Layout.** One file per concern: `amdahl` and `usl` hold a law each (its struct, its
//! curve, its start values and their tests), `solver` the bounded Levenberg–Marquardt solver
//! and the statistics of a fit (standard errors, intervals, R²), and this module the point
//! rules both laws share and [`fit_results`] over a results file. To add a law, add a file
//! with a struct that has `fit` and `speedup`, `fit` built on the solver's `least_squares`,
//! re-export the struct here, and add a field of [`ModelFit`] filled in [`fit_results`].

use serde::Serialize;

use crate::results::schema::Results;
use crate::workload::Kind;

mod amdahl;
mod solver;
mod usl;

pub use amdahl::AmdahlFit;
pub use usl::UslFit;

/// Smallest R² at which a fit counts as describing its points: the speedup chart draws a
/// fitted USL curve only from this bound up, and the report flags fits below it as poor.
///
/// On concbench's curves a law that holds explains nearly all the variation between worker
/// counts: a few percent of timing noise on a curve that climbs from 1x to several x still
/// leaves R² above 0.98. Below 0.90 the law's shape is not what the points show (a flat
/// curve, a step, scatter), and a smooth line through them would suggest a trend the data do
/// not have; the report then names the R² instead of drawing the line.
pub const MIN_R_SQUARED_FOR_LINE: f64 = 0.90;

/// Confidence level of every fitted parameter's interval.
pub const CONFIDENCE: f64 = 0.95;

/// Both fits for one (workload, model) speedup curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelFit {
    /// Workload name.
    pub workload: String,
    /// Model name.
    pub model: String,
    /// The workload's kind; it decides which worker counts enter the fits.
    pub kind: Kind,
    /// Worker counts with a speedup that entered the fits.
    pub points: usize,
    /// Worker counts with a speedup that were left out: above the usable CPUs of a `cpu`
    /// workload.
    pub left_out: usize,
    /// For a `cpu` workload, the largest worker count fitted: the machine's usable CPUs.
    /// `None` for other kinds, which fit every worker count.
    pub worker_cap: Option<usize>,
    /// Amdahl's serial fraction, when there are enough worker counts
    /// ([`AmdahlFit::MIN_WORKER_COUNTS`]).
    pub amdahl: Option<AmdahlFit>,
    /// The USL, when there are enough worker counts ([`UslFit::MIN_WORKER_COUNTS`]).
    pub usl: Option<UslFit>,
}

/// Fits every (workload, model) of a results file that has a speedup curve, in file order.
/// Sequential is skipped (its speedup is 1 by definition). For `cpu` workloads only worker
/// counts up to `results.machine.usable_cpus` are fitted (see the module docs); when the
/// machine is unknown (0 usable CPUs, imported data) every worker count is.
pub fn fit_results(results: &Results) -> Vec<ModelFit> {
    let usable_cpus = results.machine.usable_cpus;
    let mut fits: Vec<ModelFit> = Vec::new();
    for case in results.cases.iter().filter(|c| c.model != "sequential") {
        if fits
            .iter()
            .any(|f| f.workload == case.workload && f.model == case.model)
        {
            continue;
        }
        let all: Vec<(usize, f64)> = results
            .cases
            .iter()
            .filter(|c| c.workload == case.workload && c.model == case.model)
            .filter_map(|c| Some((c.workers, results.speedup(c)?.point)))
            .collect();
        if all.is_empty() {
            continue;
        }
        let worker_cap = (case.kind.bounded_by_cpus() && usable_cpus > 0).then_some(usable_cpus);
        let points: Vec<(f64, f64)> = all
            .iter()
            .filter(|(n, _)| worker_cap.is_none_or(|cap| *n <= cap))
            .map(|&(n, s)| (n as f64, s))
            .collect();
        fits.push(ModelFit {
            workload: case.workload.clone(),
            model: case.model.clone(),
            kind: case.kind,
            points: points.len(),
            left_out: all.len() - points.len(),
            worker_cap,
            amdahl: AmdahlFit::fit(&points),
            usl: UslFit::fit(&points),
        });
    }
    fits
}

/// The points a fit can use, split into worker counts and speedups.
fn usable(points: &[(f64, f64)]) -> (Vec<f64>, Vec<f64>) {
    points
        .iter()
        .filter(|(n, s)| n.is_finite() && *n >= 1.0 && s.is_finite() && *s > 0.0)
        .copied()
        .unzip()
}

/// Number of distinct values.
fn distinct(xs: &[f64]) -> usize {
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    sorted.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Alternating relative noise of `rel`: +, −, +, ...
    pub(super) fn noisy(workers: &[f64], curve: impl Fn(f64) -> f64, rel: f64) -> Vec<(f64, f64)> {
        workers
            .iter()
            .enumerate()
            .map(|(i, &n)| (n, curve(n) * if i % 2 == 0 { 1.0 + rel } else { 1.0 - rel }))
            .collect()
    }

    #[test]
    fn too_few_worker_counts_give_no_fit() {
        assert!(UslFit::fit(&[]).is_none());
        assert!(UslFit::fit(&[(1.0, 1.0), (2.0, 1.9), (4.0, 3.5)]).is_none());
        // Repeats of a worker count are not new counts.
        assert!(UslFit::fit(&[(1.0, 1.0), (2.0, 1.9), (2.0, 1.8), (4.0, 3.5)]).is_none());
        // Unusable points do not count.
        assert!(UslFit::fit(&[(1.0, 1.0), (2.0, 1.9), (4.0, 3.5), (8.0, f64::NAN)]).is_none());
        assert!(UslFit::fit(&[(1.0, 1.0), (2.0, 1.9), (4.0, 3.5), (8.0, 6.0)]).is_some());
        assert!(AmdahlFit::fit(&[]).is_none());
        assert!(AmdahlFit::fit(&[(2.0, 1.9)]).is_none());
        assert!(AmdahlFit::fit(&[(1.0, 1.0), (1.0, 1.02)]).is_none());
        assert!(AmdahlFit::fit(&[(1.0, 1.0), (2.0, 1.9)]).is_some());
    }

    mod results {
        use super::super::*;
        use std::path::Path;

        /// The committed fixture with `usable_cpus` and a sum-squares `threads` curve of
        /// σ = 0.05, κ = 0.002 at `workers`, every case of the workload of `kind`.
        fn run(kind: Kind, usable_cpus: usize, workers: &[usize]) -> Results {
            let path =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results/valid.json");
            let mut results = Results::read(&path).unwrap();
            results.machine.usable_cpus = usable_cpus;
            results
                .cases
                .retain(|c| c.workload != "sum-squares" || c.model == "sequential");
            for case in &mut results.cases {
                case.kind = kind;
            }
            let law = |n: f64| n / (1.0 + 0.05 * (n - 1.0) + 0.002 * n * (n - 1.0));
            let curve: Vec<(usize, f64)> = workers.iter().map(|&n| (n, law(n as f64))).collect();
            add(&mut results, "threads", &curve);
            results
        }

        /// Adds sum-squares cases of `model` with these (workers, speedup) points.
        fn add(results: &mut Results, model: &str, curve: &[(usize, f64)]) {
            let seq = results
                .case("sum-squares", "sequential", 1)
                .unwrap()
                .clone();
            let seq_ns = seq.time.as_ref().unwrap().median.point;
            for &(n, speedup) in curve {
                let mut case = seq.clone();
                case.model = model.to_string();
                case.workers = n;
                let time = case.time.as_mut().unwrap();
                time.median.point = seq_ns / speedup;
                time.median.lower = time.median.point * 0.99;
                time.median.upper = time.median.point * 1.01;
                results.cases.push(case);
            }
        }

        fn threads(fits: &[ModelFit]) -> &ModelFit {
            fits.iter()
                .find(|f| f.workload == "sum-squares" && f.model == "threads")
                .unwrap()
        }

        #[test]
        fn cpu_workers_above_the_usable_cpus_are_left_out() {
            // A memory-bound workload is capped the same way.
            let memory = fit_results(&run(Kind::Memory, 4, &[1, 2, 3, 4, 8, 16]));
            let f = threads(&memory);
            assert_eq!((f.points, f.left_out, f.worker_cap), (4, 2, Some(4)));
            let results = run(Kind::Cpu, 4, &[1, 2, 3, 4, 8, 16]);
            let fits = fit_results(&results);
            let f = threads(&fits);
            assert_eq!((f.points, f.left_out, f.worker_cap), (4, 2, Some(4)));
            let usl = f.usl.unwrap();
            assert_eq!(usl.workers, (1.0, 4.0));
            assert!((usl.sigma - 0.05).abs() < 1e-6 && (usl.kappa - 0.002).abs() < 1e-6);
            // Sequential gets no fit of its own.
            assert!(fits.iter().all(|f| f.model != "sequential"));
        }

        #[test]
        fn io_and_mixed_workloads_fit_every_worker_count() {
            for kind in [Kind::Io, Kind::Mixed, Kind::Other] {
                let results = run(kind, 4, &[1, 2, 3, 4, 8, 16]);
                let fits = fit_results(&results);
                let f = threads(&fits);
                assert_eq!(
                    (f.points, f.left_out, f.worker_cap),
                    (6, 0, None),
                    "{kind:?}"
                );
                assert_eq!(f.usl.unwrap().workers, (1.0, 16.0));
            }
        }

        #[test]
        fn too_few_cpu_worker_counts_give_amdahl_but_no_usl() {
            // A 2-CPU machine: only 1 and 2 workers are fitted.
            let results = run(Kind::Cpu, 2, &[1, 2, 4, 8]);
            let fits = fit_results(&results);
            let f = threads(&fits);
            assert_eq!((f.points, f.left_out), (2, 2));
            assert!(f.usl.is_none());
            assert!(f.amdahl.is_some());
        }

        #[test]
        fn the_report_gives_intervals_peaks_and_poor_fits() {
            let workers = [1, 2, 4, 8, 16, 32];
            let mut results = run(Kind::Io, 2, &workers);
            // No coherency cost, 1% noise: κ not distinguishable from 0.
            let amdahl_like: Vec<(usize, f64)> = workers
                .iter()
                .enumerate()
                .map(|(i, &n)| {
                    let n_f = n as f64;
                    let noise = if i % 2 == 0 { 1.01 } else { 0.99 };
                    (n, n_f / (1.0 + 0.1 * (n_f - 1.0)) * noise)
                })
                .collect();
            add(&mut results, "process", &amdahl_like);
            // Flat with scatter: nothing for a law to explain.
            let flat = [0.97, 1.01, 0.95, 1.0, 0.98, 1.02];
            let flat: Vec<(usize, f64)> = workers.iter().copied().zip(flat).collect();
            add(&mut results, "tokio-current", &flat);
            let fits = fit_results(&results);
            let text = crate::report::markdown::render(&results, &fits, &[]);
            let row = |model: &str| {
                text.lines()
                    .find(|l| l.starts_with("| sum-squares") && l.contains(&format!(" {model} |")))
                    .unwrap_or_else(|| panic!("no row for {model} in\n{text}"))
                    .to_string()
            };
            // σ = 0.05, κ = 0.002: peak at sqrt(0.95 / 0.002) ≈ 21.8 workers, κ exact.
            let threads = row("threads");
            assert!(threads.contains("22 workers"), "{threads}");
            assert!(threads.contains("0.0500 [0.0500, 0.0500]"), "{threads}");
            assert!(threads.contains("1.000"), "{threads}");
            let process = row("process");
            assert!(
                process.contains("no peak supported by the data"),
                "{process}"
            );
            assert!(process.contains(" ["), "{process}");
            let flat = row("tokio-current");
            assert!(flat.contains("poor fit, R² 0."), "{flat}");
            assert!(flat.contains("no line drawn"), "{flat}");
            assert!(
                text.contains(&format!("R² ≥ {MIN_R_SQUARED_FOR_LINE:.2}")),
                "{text}"
            );
            // io workload: every worker count fitted, no cap stated.
            assert!(!text.contains("usable CPUs enter the fits"), "{text}");
        }
    }
}
