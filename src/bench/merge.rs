//! What a filtered run (`cargo bench -- sleep`) does with the results file an earlier run
//! left: its own cases replace the same cases, the others are kept with the runs that
//! measured them ([`crate::results::RunInfo::earlier`]), and a file it cannot merge (another
//! profile, other parameters for a workload this run measured, another host given the same
//! machine name, unreadable) is kept aside under a new name rather than lost.

use std::path::Path;

use anyhow::Context;

use crate::bench::list::is_list_warning;
use crate::machine::slugify;
use crate::model::MODELS;
use crate::results::{CaseRecord, EarlierRun, Results};
use crate::workload::Registry;

/// Sort key that keeps records in registry order: workload, model, workers. Workloads the
/// registry does not hold (an earlier run's) go last.
fn order(c: &CaseRecord, registry: &Registry) -> (usize, usize, usize) {
    let w = registry.position(&c.workload).unwrap_or(usize::MAX);
    let m = MODELS
        .iter()
        .position(|m| m.name == c.model)
        .unwrap_or(usize::MAX);
    (w, m, c.workers)
}

/// Combines this run's cases with those of an existing results file at `path`: cases of the
/// same profile that this run did not repeat are kept. An existing file of another profile
/// (`results-<profile>.json`), one where a workload this run measured ran with other
/// parameters (`results-other-params.json`), of another host ([`crate::machine::Machine::same_host`]:
/// `results-host-<id>.json`), or one that cannot be read, is kept beside the new one rather
/// than lost, and none of its cases is merged.
pub fn merge_previous(
    path: &Path,
    new: &mut Results,
    mut cases: Vec<CaseRecord>,
    registry: &Registry,
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
        Ok(old) if !old.machine.same_host(&new.machine) => {
            let id = old.machine.host.as_ref().map(|h| slugify(&h.id));
            keep_aside(&format!("host-{}", id.unwrap_or_default()))?;
        }
        Ok(old) if old.run.profile == new.run.profile && params_differ(&old.cases, &cases) => {
            keep_aside("other-params")?;
        }
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
            // The runs that measured the kept cases, so they are judged by their own seed,
            // drift and warnings.
            // The overhead and sync benches' warnings stay with their lists; the earlier
            // models run keeps only its own.
            new.run.warnings.extend(
                old.run
                    .warnings
                    .iter()
                    .filter(|w| is_list_warning(w))
                    .cloned(),
            );
            let mut own = EarlierRun::of(&old.run);
            own.warnings.retain(|w| !is_list_warning(w));
            let mut runs: Vec<EarlierRun> = vec![own];
            runs.extend(old.run.earlier);
            for run in runs {
                let measured = |c: &CaseRecord| c.measured_in.as_ref() == Some(&run.started_at);
                let known = new
                    .run
                    .earlier
                    .iter()
                    .any(|e| e.started_at == run.started_at);
                if !known && kept.iter().any(measured) {
                    new.run.earlier.push(run);
                }
            }
            cases.extend(kept);
            cases.sort_by_key(|c| order(c, registry));
            // The descriptions of the kept cases' workloads that this run did not measure.
            for note in old.run.workloads {
                let known = new.run.workloads.iter().any(|n| n.name == note.name);
                if !known && cases.iter().any(|c| c.workload == note.name) {
                    new.run.workloads.push(note);
                }
            }
        }
        Ok(old) => keep_aside(old.run.profile.name())?,
        Err(_) => keep_aside("unreadable")?,
    }
    Ok(cases)
}

/// True when a workload this run measured ran with other parameters in the old file
/// (`CONCBENCH_PARAMS` changed): its old cases would be paired with the new sequential
/// baseline, so the old file is not merged.
fn params_differ(old: &[CaseRecord], new: &[CaseRecord]) -> bool {
    old.iter().any(|o| {
        new.iter()
            .any(|n| n.workload == o.workload && n.params != o.params)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUNDS: &str = include_str!("../../tests/fixtures/compare/rounds-a.json");

    /// The fixture run, started at `started_at`, every case measured in it.
    fn run(started_at: &str) -> Results {
        let mut r = Results::from_json(ROUNDS, Path::new("rounds-a.json")).unwrap();
        r.run.started_at = started_at.to_string();
        for case in &mut r.cases {
            case.measured_in = Some(started_at.to_string());
        }
        r
    }

    /// A filtered run started at `started_at` that measured the cases of `workload`.
    fn filtered(started_at: &str, workload: &str) -> (Results, Vec<CaseRecord>) {
        let mut new = run(started_at);
        let cases = new
            .cases
            .iter()
            .filter(|c| c.workload == workload)
            .cloned()
            .collect();
        new.cases.clear();
        (new, cases)
    }

    fn runs_of(results: &Results) -> Vec<&str> {
        results
            .run
            .earlier
            .iter()
            .map(|e| e.started_at.as_str())
            .collect()
    }

    #[test]
    fn kept_cases_keep_the_run_that_measured_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        crate::results::write_results(&path, &run("first")).unwrap();

        // A second run measures sleep only: sum-squares stays, from the first run.
        let (mut second, cases) = filtered("second", "sleep");
        let merged = merge_previous(&path, &mut second, cases, &Registry::builtin()).unwrap();
        assert_eq!(merged.len(), 8);
        let from = |w: &str| -> Vec<Option<&str>> {
            merged
                .iter()
                .filter(|c| c.workload == w)
                .map(|c| c.measured_in.as_deref())
                .collect()
        };
        assert!(from("sum-squares").iter().all(|m| *m == Some("first")));
        assert!(from("sleep").iter().all(|m| *m == Some("second")));
        assert_eq!(runs_of(&second), ["first"]);
        assert_eq!(second.run.earlier[0].rounds, run("first").run.rounds);
        second.cases = merged;
        crate::results::write_results(&path, &second).unwrap();

        // A third measures sum-squares: the first run's cases are all replaced, so only
        // the second run's are kept, and the first run is no longer listed.
        let (mut third, cases) = filtered("third", "sum-squares");
        let merged = merge_previous(&path, &mut third, cases, &Registry::builtin()).unwrap();
        assert_eq!(merged.len(), 8);
        assert_eq!(runs_of(&third), ["second"]);
    }

    #[test]
    fn a_run_with_other_parameters_keeps_the_old_file_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        crate::results::write_results(&path, &run("first")).unwrap();
        let (mut second, mut cases) = filtered("second", "sleep");
        for case in &mut cases {
            case.params.insert("ms".into(), 99);
        }
        let count = cases.len();
        let merged = merge_previous(&path, &mut second, cases, &Registry::builtin()).unwrap();
        // sum-squares is not kept: the old file was not merged but kept whole beside.
        assert_eq!(merged.len(), count);
        assert!(merged.iter().all(|c| c.workload == "sleep"));
        let aside = Results::read(&dir.path().join("results-other-params.json")).unwrap();
        assert_eq!(aside.cases.len(), run("first").cases.len());
    }

    #[test]
    fn earlier_runs_of_kept_cases_carry_over_from_run_to_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        crate::results::write_results(&path, &run("first")).unwrap();
        let (mut second, cases) = filtered("second", "sleep");
        second.cases = merge_previous(&path, &mut second, cases, &Registry::builtin()).unwrap();
        crate::results::write_results(&path, &second).unwrap();

        // sleep again: sum-squares is still the first run's, sleep is replaced.
        let (mut third, cases) = filtered("third", "sleep");
        third.cases = merge_previous(&path, &mut third, cases, &Registry::builtin()).unwrap();
        assert_eq!(runs_of(&third), ["first"]);
        let ss = third.case("sum-squares", "threads", 2).unwrap();
        assert_eq!(ss.measured_in.as_deref(), Some("first"));
    }

    #[test]
    fn the_list_benches_warnings_stay_with_their_lists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        let mut first = run("first");
        first.run.warnings = vec![
            "busy: others used 0.9 CPUs".to_string(),
            "overhead bench: overhead/tokio/1: wide".to_string(),
            "sync bench: sync-counter/mutex/2: wide".to_string(),
        ];
        crate::results::write_results(&path, &first).unwrap();
        let (mut second, cases) = filtered("second", "sleep");
        second.run.warnings = vec!["second's own".to_string()];
        merge_previous(&path, &mut second, cases, &Registry::builtin()).unwrap();
        assert_eq!(
            second.run.warnings,
            [
                "second's own",
                "overhead bench: overhead/tokio/1: wide",
                "sync bench: sync-counter/mutex/2: wide"
            ]
        );
        assert_eq!(
            second.run.earlier[0].warnings,
            ["busy: others used 0.9 CPUs"]
        );
    }

    #[test]
    fn a_file_of_another_profile_is_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        let mut old = run("first");
        old.run.profile = crate::profile::Profile::Default;
        crate::results::write_results(&path, &old).unwrap();
        let (mut new, cases) = filtered("second", "sleep");
        let merged = merge_previous(&path, &mut new, cases, &Registry::builtin()).unwrap();
        assert_eq!(merged.len(), 3);
        assert!(new.run.earlier.is_empty());
        assert!(dir.path().join("results-default.json").is_file());
    }

    #[test]
    fn a_file_of_another_host_is_kept_aside_not_merged() {
        use crate::machine::{HostIdentity, HostSource};
        let host = |id: &str| {
            Some(HostIdentity {
                id: id.to_string(),
                source: HostSource::MachineId,
            })
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        let mut old = run("first");
        old.machine.host = host("bbbb1111");
        crate::results::write_results(&path, &old).unwrap();
        let (mut new, cases) = filtered("second", "sleep");
        new.machine.host = host("aaaa0000");
        let merged = merge_previous(&path, &mut new, cases.clone(), &Registry::builtin()).unwrap();
        assert_eq!(merged.len(), 3, "only this host's cases");
        assert!(new.run.earlier.is_empty());
        let aside = Results::read(&dir.path().join("results-host-bbbb1111.json")).unwrap();
        assert_eq!(aside.machine.host, host("bbbb1111"));

        // The same host's file merges as before.
        new.machine.host = host("bbbb1111");
        assert_eq!(
            merge_previous(&path, &mut new, cases, &Registry::builtin())
                .unwrap()
                .len(),
            8
        );
    }
}
