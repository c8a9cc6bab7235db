//! One `cargo bench` run of the models bench (concbench's own, or a user's through
//! [`crate::bench_main`]), for the workloads of one registry: which cases run, measuring them in rounds,
//! probing each in a fresh process, writing the results file atomically, printing the summary
//! and rendering the report beside the results file.
//!
//! [`Session::start`] is called before anything else (it takes the machine's fingerprint and
//! load average, and the shuffle seed); [`Session::plan`] builds every selected workload once
//! and verifies its reference; [`Session::measure`] runs the rounds
//! ([`crate::measure::measure_in_rounds`]) with a progress line per block;
//! [`Session::finish`] probes, writes and reports. A filtered run (`cargo bench -- sleep`)
//! replaces only its own cases in an existing results file of the same profile, so a partial
//! run never throws away a full one; the sequential baseline of every workload it touches is
//! measured in every round, selected or not, so its speedups stay paired.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::bench::list::write_and_render;
use crate::bench::merge::merge_previous;
use crate::bench::probe::{ProbeReport, probe_in_child_with};
use crate::bench::suite::{BenchArgs, SuiteCase, SuiteConfig, cases_for};
use crate::machine::drift::{DEFAULT_BOUND, analyse};
use crate::machine::{Machine, now_rfc3339};
use crate::measure::{CaseGroup, Progress, RoundsOutcome, measure_in_rounds};
use crate::model::{MODELS, ModelConfig};
use crate::results::checks::case_flags;
use crate::results::note::WorkloadNote;
use crate::results::rounds::time_from_rounds;
use crate::results::schema::{
    CaseRecord, CpuUsage, Memory, Results, RoundTimes, RoundsInfo, RunInfo,
};
use crate::table::markdown;
use crate::workload::{Registry, Role};

/// State carried from before the first case to after the last.
pub struct Session<'r> {
    config: SuiteConfig,
    registry: &'r Registry,
    exe: PathBuf,
    machine: Machine,
    started_at: String,
    start: Instant,
    seed: u64,
}

/// The cases of one run: per workload, the built workload and its cases.
pub struct Plan<'r> {
    /// One group per workload with a selected case, in registry order.
    pub groups: Vec<CaseGroup>,
    /// The suite cases of each group, in the group's order.
    pub cases: Vec<Vec<SuiteCase<'r>>>,
    /// Whether the bench filter selected each case (a sequential baseline measured only to
    /// pair speedups is not handed to criterion).
    pub selected: Vec<Vec<bool>>,
}

impl Plan<'_> {
    /// True when no case was selected.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

impl<'r> Session<'r> {
    /// Fingerprints the machine and notes the start. The run's workloads are `registry`'s;
    /// `exe` runs the probes and serves as worker process, and must know the same workloads:
    /// the bench binary itself ([`crate::bench_main`]), or the `concbench` binary for the
    /// built-in registry.
    pub fn start(config: &SuiteConfig, registry: &'r Registry, exe: &Path) -> Session<'r> {
        let seed = config.seed.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        });
        Session {
            config: config.clone(),
            registry,
            exe: exe.to_path_buf(),
            machine: Machine::detect(config.machine_name.clone()),
            started_at: now_rfc3339(),
            start: Instant::now(),
            seed,
        }
    }

    /// The model settings every case of this session is built with.
    pub fn model_config(&self) -> ModelConfig {
        ModelConfig {
            worker_exe: Some(self.exe.clone()),
            ..ModelConfig::default()
        }
    }

    /// Builds every workload that has a case the bench arguments select, computes its
    /// reference checksum, and lists the selected cases plus the workload's sequential
    /// baseline (measured in every round, selected or not, so speedups stay paired).
    pub fn plan(&self, args: &BenchArgs) -> anyhow::Result<Plan<'r>> {
        let mut plan = Plan {
            groups: Vec::new(),
            cases: Vec::new(),
            selected: Vec::new(),
        };
        let registry: &'r Registry = self.registry;
        for info in registry {
            // The selected cases, and the sequential baseline they are paired with.
            let (cases, selected): (Vec<SuiteCase>, Vec<bool>) =
                cases_for(info, &self.config.workers)
                    .into_iter()
                    .map(|c| (c, args.selects(&c.id())))
                    .filter(|(c, selected)| *selected || c.model.name == "sequential")
                    .unzip();
            if !selected.contains(&true) {
                continue;
            }
            let workload =
                registry.build(&self.config.params.spec_for(info, self.config.profile)?)?;
            workload.prepare(Role::Parent);
            let want = crate::workload::reference_checksum(workload.as_ref());
            plan.groups.push(CaseGroup {
                workload,
                want,
                cases: cases.iter().map(|c| (c.model, c.workers)).collect(),
            });
            plan.cases.push(cases);
            plan.selected.push(selected);
        }
        Ok(plan)
    }

    /// Measures every case of `plan` in the profile's rounds, printing where it is.
    pub fn measure(&self, plan: &Plan<'_>) -> anyhow::Result<RoundsOutcome> {
        let settings = self.config.profile.rounds();
        let total = plan.cases.iter().map(Vec::len).sum::<usize>();
        eprintln!(
            "measuring {total} cases in {} rounds (profile {}, seed {}): each round visits every case once, in a shuffled order",
            settings.rounds, self.config.profile, self.seed
        );
        let bar = progress_bar(total * settings.rounds, "round {msg} {bar:30} {pos}/{len}");
        let plain = bar.is_hidden();
        let outcome = measure_in_rounds(
            &plan.groups,
            &settings,
            self.seed,
            &self.model_config(),
            self.start,
            |p: Progress<'_>| {
                let what = format!(
                    "{}/{} {}/{}/{}",
                    p.round + 1,
                    p.rounds,
                    p.workload,
                    p.model,
                    p.workers
                );
                if plain {
                    if p.done % 25 == 0 {
                        eprintln!("round {what} ({}/{})", p.done + 1, p.total);
                    }
                } else {
                    bar.set_position(p.done as u64);
                    bar.set_message(what);
                }
            },
        )?;
        bar.finish_and_clear();
        eprintln!(
            "rounds done: {total} cases x {} rounds in {:.0} s",
            settings.rounds,
            self.start.elapsed().as_secs_f64()
        );
        Ok(outcome)
    }

    /// Probes every measured case, writes `<reports>/<machine>/results.json`, prints the
    /// summary and the warnings, and renders the report.
    pub fn finish(mut self, plan: &Plan<'_>, outcome: RoundsOutcome) -> anyhow::Result<()> {
        let profile = self.config.profile;
        let measured: Vec<(&SuiteCase<'_>, u64, Vec<RoundTimes>)> = plan
            .cases
            .iter()
            .zip(&plan.groups)
            .zip(outcome.times)
            .flat_map(|((cases, group), times)| {
                cases
                    .iter()
                    .zip(times)
                    .map(move |(case, rounds)| (case, group.want, rounds))
            })
            .collect();
        let probe_start = Instant::now();
        let probes = self.probe_all(&measured)?;
        eprintln!(
            "probes done: {} cases in {:.0} s",
            probes.len(),
            probe_start.elapsed().as_secs_f64()
        );

        self.machine.finish();
        let run = RunInfo {
            profile,
            started_at: self.started_at.clone(),
            finished_at: now_rfc3339(),
            wall_s: self.start.elapsed().as_secs_f64(),
            workers: self.config.workers.clone(),
            criterion: profile.criterion(),
            warnings: self.machine.busy_reasons.clone(),
            rounds: Some(RoundsInfo {
                seed: self.seed,
                settings: profile.rounds(),
            }),
            drift: Some(analyse(outcome.calibration, DEFAULT_BOUND)),
            earlier: Vec::new(),
            workloads: plan
                .cases
                .iter()
                .filter_map(|cases| cases.first())
                .map(|case| WorkloadNote::of(case.workload))
                .collect(),
        };
        let mut cases: Vec<CaseRecord> = Vec::with_capacity(measured.len());
        for ((case, checksum, rounds), probe) in measured.into_iter().zip(&probes) {
            // The parameters that ran: the profile's, with CONCBENCH_PARAMS on top.
            let params = self.config.params.spec_for(case.workload, profile)?.params;
            cases.push(record(
                case,
                checksum,
                time_from_rounds(rounds),
                probe,
                params,
                &self.started_at,
            ));
        }

        let path = self.config.results_file(&self.machine);
        let mut results = Results::new(self.machine.clone(), run);
        results.cases = merge_previous(&path, &mut results, cases, self.registry)?;
        if let Some(text) = results.run.drift.as_ref().and_then(drift_warning) {
            results.run.warnings.push(text);
        }
        // The per-case doubts are derived from the file (report.md lists them); they are
        // printed, not stored twice.
        let doubts: Vec<String> = case_flags(&results)
            .into_iter()
            .map(|f| f.message)
            .collect();
        println!("{}", summary(&results, self.registry));
        print_warnings(&[results.run.warnings.clone(), doubts].concat());
        write_and_render(&path, &results, true)?;
        eprintln!(
            "models bench done in {:.0} s",
            self.start.elapsed().as_secs_f64()
        );
        Ok(())
    }

    fn probe_all(
        &self,
        cases: &[(&SuiteCase<'_>, u64, Vec<RoundTimes>)],
    ) -> anyhow::Result<Vec<ProbeReport>> {
        let bar = progress_bar(cases.len(), "probing {pos}/{len} {bar:30} {msg}");
        let plain = bar.is_hidden();
        let mut reports = Vec::with_capacity(cases.len());
        for (i, (case, checksum, _)) in cases.iter().enumerate() {
            bar.set_message(case.id());
            if plain && i % 25 == 0 {
                eprintln!("probing {}/{} {}", i + 1, cases.len(), case.id());
            }
            let report = probe_in_child_with(
                &self.exe,
                case.workload.name,
                case.model.name,
                case.workers,
                self.config.profile,
                &self.config.params.args_for(case.workload.name),
                Some(*checksum),
            )?;
            reports.push(report);
            bar.inc(1);
        }
        bar.finish_and_clear();
        Ok(reports)
    }
}

/// A progress bar on a terminal, a hidden one otherwise (callers then print plain lines).
fn progress_bar(len: usize, template: &str) -> ProgressBar {
    if std::io::stderr().is_terminal() {
        ProgressBar::new(len as u64)
            .with_style(ProgressStyle::with_template(template).expect("a valid template"))
    } else {
        ProgressBar::hidden()
    }
}

/// Most warnings printed at the end of a run; the rest are in the results file and the report.
const PRINTED_WARNINGS: usize = 20;

fn print_warnings(warnings: &[String]) {
    for warning in warnings.iter().take(PRINTED_WARNINGS) {
        println!("warning: {warning}");
    }
    if warnings.len() > PRINTED_WARNINGS {
        println!(
            "warning: ... and {} more, listed in report.md",
            warnings.len() - PRINTED_WARNINGS
        );
    }
}

/// The run-level warning of a flagged calibration series.
fn drift_warning(drift: &crate::machine::Drift) -> Option<String> {
    drift.flagged.then(|| {
        format!(
            "{} during the run; report.md names the cases measured in a slow spell",
            drift.verdict()
        )
    })
}

fn record(
    case: &SuiteCase<'_>,
    checksum: u64,
    time: Option<crate::results::schema::TimeEstimate>,
    probe: &ProbeReport,
    params: std::collections::BTreeMap<String, u64>,
    started_at: &str,
) -> CaseRecord {
    CaseRecord {
        workload: case.workload.name.to_string(),
        kind: case.workload.kind,
        model: case.model.name.to_string(),
        workers: case.workers,
        params,
        checksum,
        verified: probe.verified,
        time,
        memory: Some(Memory {
            peak_rss_bytes: probe.peak_rss_bytes,
            parent_peak_rss_bytes: probe.parent_peak_rss_bytes,
            workers_peak_rss_bytes: probe.workers_peak_rss_bytes.clone(),
        }),
        cpu: Some(CpuUsage::new(probe.user_s, probe.sys_s, probe.wall_s)),
        peak_threads: probe.peak_threads,
        measured_in: Some(started_at.to_string()),
        id: None,
    }
}

/// The workers-by-models summary: per workload of `registry`, one row per worker count, one
/// column per model, each cell the speedup over sequential with its confidence bounds.
pub fn summary(results: &Results, registry: &Registry) -> String {
    let mut out = String::new();
    for workload in registry {
        let cases: Vec<&CaseRecord> = results
            .cases
            .iter()
            .filter(|c| c.workload == workload.name)
            .collect();
        if cases.is_empty() {
            continue;
        }
        let models: Vec<&str> = MODELS
            .iter()
            .map(|m| m.name)
            .filter(|m| cases.iter().any(|c| c.model == *m))
            .collect();
        let mut rows = vec![
            std::iter::once("Workers".to_string())
                .chain(models.iter().map(|m| m.to_string()))
                .collect::<Vec<_>>(),
        ];
        let mut workers: Vec<usize> = results.run.workers.clone();
        workers.extend(cases.iter().map(|c| c.workers));
        workers.sort_unstable();
        workers.dedup();
        for w in workers {
            let mut row = vec![w.to_string()];
            for model in &models {
                let info = crate::model::find(model).ok();
                let effective = info.map_or(w, |i| i.effective_workers(w));
                let cell = cases
                    .iter()
                    .find(|c| c.model == *model && c.workers == effective)
                    .and_then(|c| results.speedup(c))
                    .map_or_else(
                        || "—".to_string(),
                        |s| format!("{:.2}x ({:.2}–{:.2})", s.point, s.lower, s.upper),
                    );
                row.push(cell);
            }
            rows.push(row);
        }
        out.push_str(&format!(
            "\n{} ({}): speedup over sequential, 95% bounds in parentheses\n\n{}",
            workload.name,
            workload.kind.name(),
            markdown(&rows)
        ));
    }
    out
}
