//! The results-file side of the benches that add their own list beside the models bench's
//! cases: `benches/overhead.rs` (the `overhead` list) and `benches/sync.rs` (the `sync`
//! list).
//!
//! Such a bench notes when it started ([`ListRun::start`]), takes only the criterion
//! estimates written during its run ([`ListRun::fresh`]), opens the machine's results file
//! or starts an empty one, refusing a file another host wrote ([`ListRun::open_results`]),
//! replaces its own warnings
//! ([`replace_warnings`]), and writes the file atomically and renders the report again
//! ([`write_and_render`]). A new bench of this kind needs a list in
//! [`crate::results::Results`] (with `#[serde(default)]`) and these calls, nothing more.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};

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
    /// Fingerprints the machine (named as `config` says) and notes the time.
    pub fn start(config: &SuiteConfig) -> ListRun {
        ListRun {
            machine: Machine::detect(config.machine_name.clone()),
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
    ///
    /// # Errors
    /// The file cannot be read, or it holds another host's results (two hosts given the same
    /// `CONCBENCH_MACHINE_NAME`): this host's figures never go into another host's file.
    pub fn open_results(
        &mut self,
        config: &SuiteConfig,
        what: &str,
    ) -> anyhow::Result<(PathBuf, Results)> {
        self.machine.finish();
        let path = config.results_file(&self.machine);
        let results = if path.exists() {
            let results = Results::read(&path).with_context(|| {
                format!(
                    "adding {what} to {} (move it away to start a new one)",
                    path.display()
                )
            })?;
            if !results.machine.same_host(&self.machine) {
                bail!(
                    "not adding {what} to {}: it holds the results of another host ({}; this host is {}); give each host its own CONCBENCH_MACHINE_NAME, or set CONCBENCH_REPORTS_DIR to another folder",
                    path.display(),
                    host_id(&results.machine),
                    host_id(&self.machine),
                );
            }
            results
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
                    workloads: Vec::new(),
                },
            )
        };
        Ok((path, results))
    }
}

/// A machine's host identity for messages, `?` when it has none.
fn host_id(machine: &Machine) -> String {
    machine
        .host
        .as_ref()
        .map_or("?".to_string(), |h| h.id.clone())
}

/// True when `warning` belongs to the overhead or the sync bench's list (it starts with that
/// bench's prefix): it stays with the list when a models run replaces the file's cases.
pub fn is_list_warning(warning: &str) -> bool {
    warning.starts_with(crate::bench::overhead::WARNING_PREFIX)
        || warning.starts_with(crate::sync::WARNING_PREFIX)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::{HostIdentity, HostSource, MachineName};
    use crate::profile::Profile;

    const ROUNDS: &str = include_str!("../../tests/fixtures/compare/rounds-a.json");

    fn host(id: &str) -> Option<HostIdentity> {
        Some(HostIdentity {
            id: id.to_string(),
            source: HostSource::MachineId,
        })
    }

    #[test]
    fn figures_never_go_into_another_hosts_file() {
        let dir = tempfile::tempdir().unwrap();
        let config = SuiteConfig {
            profile: Profile::Smoke,
            workers: vec![1, 2],
            reports_dir: dir.path().to_path_buf(),
            seed: None,
            machine_name: Some(MachineName::parse("lab-1").unwrap()),
            params: Default::default(),
        };
        let mut run = ListRun::start(&config);
        assert_eq!(run.machine.name.as_deref(), Some("lab-1"));
        run.machine.host = host("aaaa0000");
        let path = dir.path().join(run.machine.slug()).join("results.json");

        // Another host, given the same name, wrote the folder first.
        let mut theirs = Results::from_json(ROUNDS, Path::new("rounds-a.json")).unwrap();
        theirs.machine.name = Some("lab-1".to_string());
        theirs.machine.host = host("bbbb1111");
        write_results(&path, &theirs).unwrap();
        let err = run
            .open_results(&config, "the sync figures")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("not adding the sync figures to"), "{err}");
        assert!(
            err.contains("another host (bbbb1111; this host is aaaa0000)"),
            "{err}"
        );
        assert!(err.contains("CONCBENCH_MACHINE_NAME"), "{err}");
        let kept = Results::read(&path).unwrap();
        assert_eq!(kept.machine.host, host("bbbb1111"), "the file is untouched");

        // This host's own file, or one from before host identities, opens.
        for own in [host("aaaa0000"), None] {
            theirs.machine.host = own;
            write_results(&path, &theirs).unwrap();
            let (opened, results) = run.open_results(&config, "the sync figures").unwrap();
            assert_eq!(opened, path);
            assert_eq!(results.cases.len(), theirs.cases.len());
        }
    }
}
