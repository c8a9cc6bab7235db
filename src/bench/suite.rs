//! The bench suite: every case of a profile, as `cargo bench` runs it.
//!
//! [`crate::bench::entry`] owns the criterion calls; this module owns everything else so that
//! it can be tested without criterion: which cases a profile holds, the environment settings
//! (`CONCBENCH_PROFILE`, `CONCBENCH_WORKERS`, `CONCBENCH_REPORTS_DIR`, `CONCBENCH_SEED`,
//! `CONCBENCH_MACHINE_NAME`, `CONCBENCH_PARAMS`), which cases a criterion filter selects, and where results go.

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::error::parse_worker_list;
use crate::machine::{Machine, MachineName};
use crate::model::{MODELS, ModelInfo};
use crate::profile::Profile;
use crate::workload::{Overrides, Registry, WorkloadInfo};

/// Settings of one `cargo bench` run, read from the environment.
#[derive(Debug, Clone)]
pub struct SuiteConfig {
    /// Sizes and criterion settings (`CONCBENCH_PROFILE`, default `default`).
    pub profile: Profile,
    /// Worker counts swept (`CONCBENCH_WORKERS`, default the profile's list).
    pub workers: Vec<usize>,
    /// Folder that receives `<machine-slug>/results.json` (`CONCBENCH_REPORTS_DIR`, default
    /// `reports/` in the package whose bench runs: `cargo bench` names it in
    /// `CARGO_MANIFEST_DIR`).
    pub reports_dir: PathBuf,
    /// Seed of the rounds' shuffles (`CONCBENCH_SEED`, default: taken from the clock and
    /// recorded in the results file, so any run's order can be replayed).
    pub seed: Option<u64>,
    /// The machine's readable name (`CONCBENCH_MACHINE_NAME`, validated; default none): it
    /// names the folder under `reports_dir` and the run in `compare`.
    pub machine_name: Option<MachineName>,
    /// Parameter values that replace the profile's (`CONCBENCH_PARAMS`, e.g.
    /// `sum-squares:n=2000,tasks=64;primes:span=1000`; default none), checked against every
    /// workload's declaration; the results file records the values that ran.
    pub params: Overrides,
}

impl SuiteConfig {
    /// Reads the settings from the environment; bad values are an error naming the variable.
    pub fn from_env() -> anyhow::Result<SuiteConfig> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let profile = match var("CONCBENCH_PROFILE") {
            None => Profile::Default,
            Some(name) => Profile::ALL
                .into_iter()
                .find(|p| p.name() == name.trim())
                .with_context(|| {
                    format!(
                        "CONCBENCH_PROFILE='{name}' is not a profile; use one of smoke, quick, default, full"
                    )
                })?,
        };
        let workers = match var("CONCBENCH_WORKERS") {
            None => profile.workers(),
            Some(list) => parse_worker_list(&list).context("CONCBENCH_WORKERS")?,
        };
        let reports_dir = var("CONCBENCH_REPORTS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| package_dir().join("reports"));
        let seed = match var("CONCBENCH_SEED") {
            None => None,
            Some(text) => Some(text.trim().parse::<u64>().with_context(|| {
                format!("CONCBENCH_SEED='{text}' is not a whole number; give the seed a results file records, e.g. 12345")
            })?),
        };
        let machine_name = MachineName::from_env()?;
        let params = match var("CONCBENCH_PARAMS") {
            None => Overrides::default(),
            Some(text) => Overrides::parse_env(&text)?,
        };
        Ok(SuiteConfig {
            profile,
            workers,
            reports_dir,
            seed,
            machine_name,
            params,
        })
    }

    /// Checks `CONCBENCH_PARAMS` against the workloads of `registry`: each workload it names
    /// is there, each parameter is declared by it and each value lies in its range. Errors:
    /// the first that fails, under the variable's name.
    pub fn check_params(&self, registry: &Registry) -> anyhow::Result<()> {
        let known: Vec<&WorkloadInfo> = registry.iter().collect();
        self.params
            .check_names(&known)
            .and_then(|()| self.params.check(&known))
            .context("CONCBENCH_PARAMS")
    }

    /// The results file of `machine`: `<reports_dir>/<machine slug>/results.json`.
    pub fn results_file(&self, machine: &Machine) -> PathBuf {
        self.reports_dir
            .join(machine.slug())
            .join(crate::results::locate::RESULTS_FILE)
    }
}

/// The package whose bench runs: `CARGO_MANIFEST_DIR` as `cargo bench` sets it for the bench
/// binary (a user's crate for a user's bench), else concbench's own folder.
fn package_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

/// Where criterion writes its output, found the way criterion finds it: `CRITERION_HOME`,
/// else `$CARGO_TARGET_DIR/criterion`, else the `criterion` folder of the target directory
/// that holds the running bench binary (`target/<profile>/deps/<bench>`).
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.join("criterion")))
        .unwrap_or_else(|| package_dir().join("target/criterion"))
}

/// One (workload, model, workers) triple of the suite; the workload is borrowed from the
/// run's registry.
#[derive(Clone, Copy)]
pub struct SuiteCase<'r> {
    /// The workload.
    pub workload: &'r WorkloadInfo,
    /// The model.
    pub model: &'static ModelInfo,
    /// The worker count the model really uses.
    pub workers: usize,
}

impl SuiteCase<'_> {
    /// The criterion id: `<workload>/<model>/<workers>`.
    pub fn id(&self) -> String {
        format!(
            "{}/{}/{}",
            self.workload.name, self.model.name, self.workers
        )
    }
}

impl std::fmt::Debug for SuiteCase<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.id())
    }
}

/// Every case of one workload: sequential once, then every other model at every worker
/// count it really uses.
pub fn cases_for<'r>(workload: &'r WorkloadInfo, workers: &[usize]) -> Vec<SuiteCase<'r>> {
    MODELS
        .iter()
        .flat_map(|model| {
            model
                .worker_counts(workers)
                .into_iter()
                .map(move |w| SuiteCase {
                    workload,
                    model,
                    workers: w,
                })
        })
        .collect()
}

/// Every case of the suite for the workloads of `registry`, workload by workload.
pub fn all_cases<'r>(registry: &'r Registry, workers: &[usize]) -> Vec<SuiteCase<'r>> {
    registry
        .iter()
        .flat_map(|w| cases_for(w, workers))
        .collect()
}

/// What the bench binary was asked to do, read from its arguments the way criterion reads
/// them (criterion keeps its filter private).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchArgs {
    /// The positional filter, if any (a regex unless `exact`).
    pub filter: Option<String>,
    /// `--exact`: the filter is a whole id.
    pub exact: bool,
    /// True when criterion will actually measure (not `--list`, `--test`, `--profile-time`).
    pub measuring: bool,
}

/// Criterion options that take a value, so that the value is not taken for the filter.
const VALUE_OPTIONS: &[&str] = &[
    "--save-baseline",
    "-s",
    "--baseline",
    "-b",
    "--baseline-lenient",
    "--load-baseline",
    "--sample-size",
    "--warm-up-time",
    "--measurement-time",
    "--nresamples",
    "--noise-threshold",
    "--confidence-level",
    "--significance-level",
    "--profile-time",
    "--plotting-backend",
    "--output-format",
    "--color",
    "-c",
    "--format",
    "--logfile",
];

impl BenchArgs {
    /// Parses the arguments after the program name.
    pub fn parse(args: &[String]) -> anyhow::Result<BenchArgs> {
        let mut filter = None;
        let mut exact = false;
        // Criterion measures only when `cargo bench` passed `--bench` and nothing asked for
        // a listing, a test run (`cargo test --benches` omits `--bench`) or profiling.
        let mut bench = false;
        let mut measuring = true;
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let name = arg.split('=').next().unwrap_or(arg);
            match name {
                "--exact" => exact = true,
                "--bench" => bench = true,
                "--list" | "--test" | "--profile-time" | "--ignored" => measuring = false,
                _ => {}
            }
            if VALUE_OPTIONS.contains(&name) && !arg.contains('=') {
                iter.next();
            } else if !arg.starts_with('-') && filter.is_none() {
                filter = Some(arg.clone());
            }
        }
        if let Some(f) = &filter {
            if !exact {
                check_regex(f)?;
            }
        }
        Ok(BenchArgs {
            filter,
            exact,
            measuring: measuring && bench,
        })
    }

    /// True when criterion will run the benchmark with this id.
    pub fn selects(&self, id: &str) -> bool {
        match &self.filter {
            None => true,
            Some(f) if self.exact => f == id,
            Some(f) => regex::Regex::new(f)
                .map(|re| re.is_match(id))
                .unwrap_or(false),
        }
    }
}

fn check_regex(filter: &str) -> anyhow::Result<()> {
    if let Err(e) = regex::Regex::new(filter) {
        bail!("the bench filter '{filter}' is not a valid regular expression: {e}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> BenchArgs {
        BenchArgs::parse(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn sequential_appears_once_per_workload() {
        let w = crate::workload::find("sleep").unwrap();
        let cases = cases_for(w, &[1, 2, 4]);
        assert_eq!(cases.len(), 1 + (MODELS.len() - 1) * 3);
        assert_eq!(cases[0].id(), "sleep/sequential/1");
        let registry = Registry::builtin();
        assert_eq!(
            all_cases(&registry, &[1, 2, 4]).len(),
            registry.len() * cases.len()
        );
    }

    #[test]
    fn the_filter_is_the_first_positional_argument() {
        let a = args(&["--bench", "--save-baseline", "before", "sleep"]);
        assert_eq!(a.filter.as_deref(), Some("sleep"));
        assert!(a.measuring);
        assert!(a.selects("sleep/threads/2"));
        assert!(!a.selects("sum-squares/threads/2"));
        let b = args(&["--bench", "--save-baseline=before"]);
        assert_eq!(b.filter, None);
        assert!(b.selects("anything"));
    }

    #[test]
    fn exact_and_regex_filters() {
        let a = args(&["--bench", "--exact", "sleep/rayon/2"]);
        assert!(a.selects("sleep/rayon/2") && !a.selects("sleep/rayon/20"));
        let b = args(&["--bench", "^sum-squares/(threads|rayon)/"]);
        assert!(b.selects("sum-squares/rayon/8") && !b.selects("sum-squares/tokio/8"));
        assert!(BenchArgs::parse(&["(".to_string()]).is_err());
    }

    #[test]
    fn list_and_test_modes_do_not_measure() {
        assert!(!args(&["--bench", "--list"]).measuring);
        assert!(!args(&["--bench", "--test"]).measuring);
        assert!(!args(&["--bench", "--profile-time", "5"]).measuring);
        assert!(args(&["--bench", "--quick"]).measuring);
        assert!(
            !args(&[]).measuring,
            "cargo test --benches passes no --bench"
        );
    }
}
