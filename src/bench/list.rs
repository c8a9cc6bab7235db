//! The results-file side of the benches that add their own list beside the models bench's
//! cases: `benches/overhead.rs` (the `overhead` list) and `benches/sync.rs` (the `sync`
//! list).
//!
//! Such a bench notes when it started ([`ListRun::start`]), takes only the criterion
//! estimates written during its run ([`ListRun::fresh`]), opens the machine's results file
//! or starts an empty one ([`ListRun::open_results`]), replaces its own warnings
//! ([`replace_warnings`]), and writes the file atomically and renders the report again
//! ([`write_and_render`]). A new bench of this kind needs a list in
//! [`crate::results::Results`] (with `#[serde(default)]`) and these calls, nothing more.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;

use crate::bench::suite::SuiteConfig;
use crate::machine::{Machine, now_rfc3339};
use crate::plot::{Format, Theme};
use crate::report::{ReportOptions, render};
use crate::results::checks::WIDE_INTERVAL;
use crate::results::criterion::{CriterionId, ImportedBenchmark};
use crate::results::store::write_results;
use crate::results::{Estimate, Results, RunInfo};

/// When a bench run started, for a new results file and to tell fresh estimates from
/// stale ones.
pub struct ListRun {
    /// The machine, read at the start; [`ListRun::open_results`] finishes it.
    pub machine: Machine,
    /// Start, RFC 3339 in UTC.
    pub started_at: String,
    instant: Instant,
    clock: SystemTime,
}

impl ListRun {
    /// Fingerprints the machine and notes the time.
    pub fn start() -> ListRun {
        ListRun {
            machine: Machine::detect(),
            started_at: now_rfc3339(),
            instant: Instant::now(),
            clock: SystemTime::now(),
        }
    }

    /// The estimate of the benchmark `matches` picks, if criterion wrote it during this run
    /// (criterion keeps old estimates, and writes none under `--load-baseline`).
    pub fn fresh<'a>(
        &self,
        imported: &'a [ImportedBenchmark],
        matches: impl Fn(&CriterionId) -> bool,
    ) -> Option<&'a ImportedBenchmark> {
        let since = self.clock - Duration::from_secs(2);
        imported
            .iter()
            .find(|i| matches(&i.id) && i.measured_at.is_none_or(|t| t >= since))
    }

    /// Finishes the machine reading (load after, busy flag) and opens
    /// `<reports>/<machine-slug>/results.json`, or starts an empty results file of the
    /// profile when there is none. `what` names the figures in the error, e.g. `the sync
    /// figures`.
    pub fn open_results(
        &mut self,
        config: &SuiteConfig,
        what: &str,
    ) -> anyhow::Result<(PathBuf, Results)> {
        self.machine.finish();
        let path = config
            .reports_dir
            .join(self.machine.slug())
            .join("results.json");
        let results = if path.exists() {
            Results::read(&path).with_context(|| {
                format!(
                    "adding {what} to {} (move it away to start a new one)",
                    path.display()
                )
            })?
        } else {
            let profile = config.profile;
            Results::new(
                self.machine.clone(),
                RunInfo {
                    profile,
                    started_at: self.started_at.clone(),
                    finished_at: now_rfc3339(),
                    wall_s: self.instant.elapsed().as_secs_f64(),
                    workers: config.workers.clone(),
                    criterion: profile.criterion(),
                    warnings: Vec::new(),
                    rounds: None,
                    drift: None,
                    earlier: Vec::new(),
                },
            )
        };
        Ok((path, results))
    }
}

/// A warning when the mean's confidence interval is wider than [`WIDE_INTERVAL`].
pub fn wide_interval_warning(id: &str, mean: &Estimate) -> Option<String> {
    let half = mean.relative_half_width();
    (half > WIDE_INTERVAL).then(|| {
        format!(
            "{id}: the confidence interval of the mean is ±{:.1}%, wider than ±{:.0}%",
            half * 100.0,
            WIDE_INTERVAL * 100.0
        )
    })
}

/// Puts this run's `records` into a bench's list of the results file: all of it when the
/// run measured every case (`whole`), otherwise only the records it measured again
/// (`same` finds the old one), kept in the bench's case order (`rank`).
pub fn merge_records<T>(
    list: &mut Vec<T>,
    records: Vec<T>,
    whole: bool,
    same: impl Fn(&T, &T) -> bool,
    rank: impl Fn(&T) -> usize,
) {
    if whole {
        *list = records;
        return;
    }
    list.retain(|old| !records.iter().any(|new| same(new, old)));
    list.extend(records);
    list.sort_by_key(|r| rank(r));
}

/// Replaces the run warnings that start with `prefix` (a bench's earlier ones) with
/// `warnings`, each prefixed.
pub fn replace_warnings(results: &mut Results, prefix: &str, warnings: &[String]) {
    results.run.warnings.retain(|w| !w.starts_with(prefix));
    results
        .run
        .warnings
        .extend(warnings.iter().map(|w| format!("{prefix}{w}")));
}

/// Writes `results` to `path` atomically and, when `render_report`, renders the report
/// (SVG and PNG) again beside it, so `report.md` shows the new figures. Prints both paths.
pub fn write_and_render(path: &Path, results: &Results, render_report: bool) -> anyhow::Result<()> {
    write_results(path, results).with_context(|| format!("writing {}", path.display()))?;
    println!("results: {}", path.display());
    if render_report {
        let report = render(
            results,
            &ReportOptions {
                out_dir: path.parent().map_or_else(PathBuf::new, Path::to_path_buf),
                formats: vec![Format::Svg, Format::Png],
                theme: Theme::Light,
            },
        )
        .context(
            "rendering the report again (the results file is written; `concbench report` retries)",
        )?;
        println!("report: {}", report.dir.join("report.md").display());
    }
    Ok(())
}
