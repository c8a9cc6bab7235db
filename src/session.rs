//! One `cargo bench` run after criterion has timed it: probe every case in a fresh process,
//! import criterion's estimates, write the results file atomically, print the summary, and
//! render the report beside the results file.
//!
//! [`Session::start`] is called before the first case (it takes the machine's fingerprint and
//! load average), [`Session::finish`] after criterion's final summary. A filtered run
//! (`cargo bench -- sleep`) replaces only its own cases in an existing results file of the
//! same profile, so a partial run never throws away a full one.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::machine::{Machine, now_rfc3339};
use crate::model::MODELS;
use crate::probe::{ProbeReport, probe_in_child};
use crate::profile::Profile;
use crate::report::ReportOptions;
use crate::report::chart::{Format, Theme};
use crate::results::criterion::{BenchmarkId, ImportedBenchmark, import};
use crate::results::schema::{CaseRecord, CpuUsage, Memory, Results, RunInfo};
use crate::results::store::write_results;
use crate::suite::{SuiteCase, SuiteConfig};
use crate::table::markdown;
use crate::workload::WORKLOADS;

/// Confidence intervals wider than this (relative half width of the mean) are warned about.
pub const WIDE_INTERVAL: f64 = 0.05;

/// State carried from before the first case to after the last.
pub struct Session {
    config: SuiteConfig,
    exe: PathBuf,
    machine: Machine,
    started_at: String,
    start: Instant,
    start_clock: SystemTime,
}

impl Session {
    /// Fingerprints the machine and notes the start. `exe` is the `concbench` binary that
    /// runs probes.
    pub fn start(config: &SuiteConfig, exe: &Path) -> Session {
        Session {
            config: config.clone(),
            exe: exe.to_path_buf(),
            machine: Machine::detect(),
            started_at: now_rfc3339(),
            start: Instant::now(),
            start_clock: SystemTime::now(),
        }
    }

    /// Probes every case that ran, imports criterion's estimates from `criterion_dir`, writes
    /// `<reports>/<machine>/results.json` and prints the summary. `ran` pairs each case with
    /// sequential's checksum, which it was verified against.
    pub fn finish(mut self, ran: &[(SuiteCase, u64)], criterion_dir: &Path) -> anyhow::Result<()> {
        let profile = self.config.profile;
        let probes = self.probe_all(ran)?;
        let wanted: Vec<BenchmarkId> = ran
            .iter()
            .map(|(c, _)| BenchmarkId::case(c.workload.name, c.model.name, c.workers))
            .collect();
        let imported = import(criterion_dir, |id| wanted.contains(id)).with_context(|| {
            format!(
                "importing criterion results from {}",
                criterion_dir.display()
            )
        })?;

        self.machine.finish();
        let mut run = RunInfo {
            profile,
            started_at: self.started_at.clone(),
            finished_at: now_rfc3339(),
            wall_s: self.start.elapsed().as_secs_f64(),
            workers: self.config.workers.clone(),
            criterion: profile.criterion(),
            warnings: self.machine.busy_reasons.clone(),
            rounds: None,
            drift: None,
        };
        let mut cases = Vec::new();
        for ((case, checksum), probe) in ran.iter().zip(&probes) {
            let id = BenchmarkId::case(case.workload.name, case.model.name, case.workers);
            // Criterion keeps old estimates; only those written during this run count.
            let fresh_since = self.start_clock - Duration::from_secs(2);
            let time = imported
                .iter()
                .find(|b| b.id == id && b.measured_at.is_none_or(|t| t >= fresh_since))
                .map(ImportedBenchmark::time_estimate);
            if time.is_none() {
                run.warnings.push(format!(
                    "{id}: criterion wrote no estimates during this run (--load-baseline or --discard-baseline?); the case has no time"
                ));
            }
            cases.push(record(case, *checksum, time, probe, profile));
        }
        for c in &cases {
            if let Some(t) = &c.time {
                let half = t.mean.relative_half_width();
                if half > WIDE_INTERVAL {
                    run.warnings.push(format!(
                        "{}/{}/{}: the confidence interval of the mean is ±{:.1}%, wider than ±{:.0}%",
                        c.workload, c.model, c.workers, half * 100.0, WIDE_INTERVAL * 100.0
                    ));
                }
            }
        }

        let path = self
            .config
            .reports_dir
            .join(self.machine.slug())
            .join("results.json");
        let mut results = Results::new(self.machine.clone(), run);
        results.cases = merge_previous(&path, &mut results, cases)?;
        write_results(&path, &results).with_context(|| format!("writing {}", path.display()))?;

        println!("{}", summary(&results));
        for warning in &results.run.warnings {
            println!("warning: {warning}");
        }
        println!("results: {}", path.display());
        let report = crate::report::render(
            &results,
            &ReportOptions {
                out_dir: path.parent().map_or_else(PathBuf::new, Path::to_path_buf),
                formats: vec![Format::Svg, Format::Png],
                theme: Theme::Light,
            },
        )
        .context(
            "rendering the report (the results file is written; `concbench report` retries)",
        )?;
        println!("report: {}", report.dir.join("report.md").display());
        Ok(())
    }

    fn probe_all(&self, ran: &[(SuiteCase, u64)]) -> anyhow::Result<Vec<ProbeReport>> {
        let bar = if std::io::stderr().is_terminal() {
            ProgressBar::new(ran.len() as u64).with_style(
                ProgressStyle::with_template("probing {pos}/{len} {bar:30} {msg}")
                    .expect("a valid template"),
            )
        } else {
            ProgressBar::hidden()
        };
        let plain = bar.is_hidden();
        let mut reports = Vec::with_capacity(ran.len());
        for (i, (case, checksum)) in ran.iter().enumerate() {
            bar.set_message(case.id());
            if plain {
                eprintln!("probing {}/{} {}", i + 1, ran.len(), case.id());
            }
            let report = probe_in_child(
                &self.exe,
                case.workload.name,
                case.model.name,
                case.workers,
                self.config.profile,
                Some(*checksum),
            )?;
            reports.push(report);
            bar.inc(1);
        }
        bar.finish_and_clear();
        Ok(reports)
    }
}

fn record(
    case: &SuiteCase,
    checksum: u64,
    time: Option<crate::results::schema::TimeEstimate>,
    probe: &ProbeReport,
    profile: Profile,
) -> CaseRecord {
    CaseRecord {
        workload: case.workload.name.to_string(),
        kind: case.workload.kind,
        model: case.model.name.to_string(),
        workers: case.workers,
        params: (case.workload.spec_for)(profile).params,
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
    }
}

/// Sort key that keeps records in registry order: workload, model, workers.
fn order(c: &CaseRecord) -> (usize, usize, usize) {
    let w = WORKLOADS
        .iter()
        .position(|w| w.name == c.workload)
        .unwrap_or(usize::MAX);
    let m = MODELS
        .iter()
        .position(|m| m.name == c.model)
        .unwrap_or(usize::MAX);
    (w, m, c.workers)
}

/// Combines this run's cases with those of an existing results file at `path`: cases of the
/// same profile that this run did not repeat are kept. An existing file of another profile,
/// or one that cannot be read, is kept beside the new one rather than lost.
fn merge_previous(
    path: &Path,
    new: &mut Results,
    mut cases: Vec<CaseRecord>,
) -> anyhow::Result<Vec<CaseRecord>> {
    if !path.exists() {
        return Ok(cases);
    }
    let keep_aside = |suffix: &str| -> anyhow::Result<()> {
        let aside = path.with_file_name(format!("results-{suffix}.json"));
        std::fs::copy(path, &aside)
            .with_context(|| format!("keeping {} as {}", path.display(), aside.display()))?;
        eprintln!(
            "note: the previous {} is kept as {}",
            path.display(),
            aside.display()
        );
        Ok(())
    };
    match Results::read(path) {
        Ok(old) if old.run.profile == new.run.profile => {
            // The overhead and sync benches' figures live in the same file.
            new.overhead = old.overhead;
            new.sync = old.sync;
            let repeated = |c: &CaseRecord| {
                cases.iter().any(|n| {
                    n.workload == c.workload && n.model == c.model && n.workers == c.workers
                })
            };
            let kept: Vec<CaseRecord> = old.cases.into_iter().filter(|c| !repeated(c)).collect();
            cases.extend(kept);
            cases.sort_by_key(order);
        }
        Ok(old) => keep_aside(old.run.profile.name())?,
        Err(_) => keep_aside("unreadable")?,
    }
    Ok(cases)
}

/// The seed-style summary: per workload, one row per worker count, one column per model,
/// each cell the speedup over sequential with its confidence bounds.
pub fn summary(results: &Results) -> String {
    let mut out = String::new();
    for workload in WORKLOADS {
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
