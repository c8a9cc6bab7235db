//! The command line: `list`, `run`, `probe`, `report`, `compare`, `slides`, `export`,
//! `machine`, and
//! the hidden `worker` that the process model starts.
//!
//! [`main`] is the `concbench` binary's, with concbench's own workloads; [`main_with`] takes
//! any registry: a bench binary started as a child of concbench (a worker process or a probe,
//! see [`crate::bench_main`]) runs it with the registry it was given, so `worker`, `probe`,
//! `run` and `list` know its workloads.
//!
//! Every subcommand is a variant of `Command` and one function here returning
//! `anyhow::Result<()>`; `main` prints a single `error: ...` line on failure
//! ([`crate::exit::error_line`]; a value clap refuses is one line too,
//! [`crate::exit::clap_value_line`]) and exits with the status [`crate::exit::exit_status`]
//! decides: 2 for bad input and usage errors (clap's included), 1 for failures while
//! running. To add a subcommand, add a variant and a function, and one arm to `dispatch`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::error::{Error, parse_worker_list};
use crate::exit::{BadInput, clap_value_line, error_line, exit_status};
use crate::export::ExportFormat;
use crate::machine::{Machine, MachineName};
use crate::model::{self, MODELS, ModelConfig};
use crate::plot::{Format, Theme};
use crate::profile::Profile;
use crate::report;
use crate::results::locate;
use crate::results::schema::Results;
use crate::results::store::folder::OutputError;
use crate::runner::{self, CaseResult, RunPlan};
use crate::sweep;
use crate::table;
use crate::workload::{Overrides, Registry, WorkloadInfo};

/// concbench: the same workloads on threads, rayon, processes and tokio, measured.
#[derive(Debug, Parser)]
#[command(name = "concbench", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every workload (kind, sizes per profile, teaching point) and every model.
    List,
    /// Run workloads on models at several worker counts, verify, and print a table.
    Run(RunArgs),
    /// Render a results file (or a criterion folder) into charts, report.md and results.csv.
    Report(ReportArgs),
    /// Compare two or more runs (results files, machine folders, or a folder of them) side by side.
    Compare(CompareArgs),
    /// Make a 16:9 slide deck (deck.pdf and Marp's slides.md) from one run, or two to compare.
    Slides(SlidesArgs),
    /// Print this machine's fingerprint (name, host, CPU, cores, memory, OS, rustc, load) as
    /// JSON.
    Machine(MachineArgs),
    /// Write a results file in a benchmark tracker's format (bmf: Bencher Metric Format).
    Export(ExportArgs),
    /// Run one case in this process and report peak memory and CPU time.
    Probe(ProbeArgs),
    /// Serve tasks on stdin/stdout for the process model (started by concbench itself).
    #[command(hide = true)]
    Worker,
}

#[derive(Debug, Args)]
struct MachineArgs {
    /// Print only the folder name a run on this machine writes under reports/ (its slug),
    /// e.g. amd-epyc-3f9a1c2e-2cpu, or lab-1-2cpu with CONCBENCH_MACHINE_NAME=lab-1.
    #[arg(long)]
    slug: bool,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Workload name, a comma-separated list, or `all`.
    #[arg(long, short)]
    workload: String,
    /// Model name, a comma-separated list, or `all`.
    #[arg(long, short, default_value = "all")]
    model: String,
    /// Comma-separated worker counts (1 to 1024); default: the profile's list.
    #[arg(long)]
    workers: Option<String>,
    /// Sizes and repeat counts.
    #[arg(long, value_enum, default_value_t = Profile::Quick)]
    profile: Profile,
    /// Timed runs per case (default: the profile's count).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
    repeats: Option<u32>,
    /// Print the records as a JSON array instead of tables.
    #[arg(long)]
    json: bool,
    /// threads-gil: how long a waiting thread waits before asking the holder to let go.
    #[arg(long, default_value_t = 5.0, value_name = "MS")]
    gil_switch_interval_ms: f64,
    /// process: seconds a worker may spend on one task before it is declared hung.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    task_timeout: u64,
    /// Replace a parameter of the profile, e.g. n=2000 (every workload run) or
    /// sum-squares:n=2000,tasks=64 (one workload); repeatable. `concbench list` shows each
    /// workload's parameters and their ranges.
    #[arg(long = "param", value_name = "[WORKLOAD:]NAME=VALUE")]
    params: Vec<String>,
    /// Run at each value of one parameter, e.g. n=100,1000,10000 (one workload, one worker
    /// count, default the usable CPUs): time and speedup per value and model, where each
    /// model breaks even with sequential, and a chart of speedup against the value.
    #[arg(long, value_name = "NAME=V1,V2,...")]
    sweep: Option<String>,
    /// With --sweep: the folder for sweep.md, sweep.json and the chart
    /// speedup-vs-size.svg|png (default: sweep-<workload>-<param> in the current folder).
    /// A folder holding files concbench did not write is refused.
    #[arg(long, value_name = "DIR", requires = "sweep")]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ProbeArgs {
    /// Workload name.
    #[arg(long, short)]
    workload: String,
    /// Model name.
    #[arg(long, short)]
    model: String,
    /// Worker count (1 to 1024).
    #[arg(long)]
    workers: String,
    /// Sizes.
    #[arg(long, value_enum, default_value_t = Profile::Default)]
    profile: Profile,
    /// Sequential's checksum (hex); without it the probe computes it first.
    #[arg(long, value_name = "HEX")]
    expect: Option<String>,
    /// Keep running batches until this much wall time has passed (default: the profile's).
    #[arg(long, value_name = "MS")]
    min_wall_ms: Option<u64>,
    /// Replace a parameter of the profile, e.g. n=2000; repeatable (as `run --param`).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// A results file written by `cargo bench` (reports/<machine>/results.json), or the
    /// machine folder holding it (reports/<machine>).
    #[arg(required_unless_present = "imported", conflicts_with = "imported")]
    results: Option<PathBuf>,
    /// Instead of a results file: a criterion output folder whose benchmark ids are
    /// <group>/<model>/<workers> (your own benches too) or <group>/<function>/<parameter>.
    /// The report folder also gets a results.json of it, for `report` and `compare`.
    #[arg(long, value_name = "DIR", requires = "out", group = "imported")]
    criterion: Option<PathBuf>,
    /// Instead of a results file: a hyperfine scan exported with --export-json (e.g.
    /// `hyperfine -P threads 1 16 'cmd -t {threads}' --export-json scan.json`), the scanned
    /// parameter read as workers (or as a parameter, see --axis). Also writes results.json.
    #[arg(long, value_name = "FILE.json", requires = "out", group = "imported")]
    hyperfine: Option<PathBuf>,
    /// With --criterion or --hyperfine: what you know about the machine that measured the
    /// data (one line, up to 200 characters), e.g. "CI runner, 4 vCPUs". The report prints
    /// it as told; without it the machine is "unknown".
    #[arg(long, value_name = "TEXT", requires = "imported")]
    machine_note: Option<String>,
    /// How --criterion reads the last id segment (--hyperfine the scanned parameter): as a
    /// worker count, or as a parameter of the work such as an input size (time and time per
    /// unit, log-log; no speedup or fits). Default: workers when every value that is a
    /// number is a whole number from 1 to 4096 (after a model name), else param; a word is
    /// left out either way and decides nothing. The report says which axis and why.
    #[arg(long, value_enum, value_name = "workers|param", requires = "imported")]
    axis: Option<report::axis::Axis>,
    /// strong: speedup T(1)/T(N) for a fixed total amount of work. weak: each worker does its
    /// own fixed share; throughput N/T(N) and Gustafson's scaled speedup N×T(1)/T(N).
    #[arg(long, value_enum, value_name = "strong|weak", default_value = "strong")]
    scaling: report::scaling::Scaling,
    /// Report folder (default: the results file's folder).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Chart formats, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "svg,png")]
    format: Vec<Format>,
    /// Chart colours.
    #[arg(long, value_enum, default_value = "light")]
    theme: Theme,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  concbench compare reports/laptop reports/server
  concbench compare a/results.json b/results.json c/results.json --out cmp/
  concbench compare base.json new.json --format json --threshold 5% --fail-on-regression
  concbench compare fleet/ --baseline laptop --out fleet/compare
  concbench compare target/criterion --baselines base,new

A folder of criterion output (target/criterion: criterion benchmarks in its folders, \
whatever else it holds) is an input as it is, or one input per name of --baselines \
(concbench compare target/criterion --baselines base,new); its ids that name no worker \
count are joined on the whole id. Another folder without results.json is a folder of \
machine folders (reports/, or the folder a CI job gathers its legs' folders into): it \
stands for every folder in it that holds results.json, in name order, except its \
compare/ folder. With more than three machines the \
output leads with a fleet table (per machine: CPU, usable CPUs, memory, busy flag, and per \
workload the best model and its speedup) and, with --out, a fleet chart per workload \
(<workload>/fleet.svg|png: the speedup of each model at each machine's usable CPU count, a \
bar group per machine); then the pairwise details against the base.

The first input is the base, or the one --baseline names (a label or a folder name): ratios \
are time / time on the base (above 1 = slower), and each other input gets a verdict per \
case: slower or faster only when the ratio is beyond the \
threshold and the difference is significant: Welch's t-test at alpha 0.01 on the logarithms \
of the per-round median times when both runs have 3 or more rounds; for results without \
rounds, on criterion's samples, else non-overlapping confidence intervals. Otherwise same.

Exit status: 0 done; 1 --fail-on-regression found a slower case (the cases are named on \
stderr) or writing --out failed; 2 bad input (unreadable or unknown-schema file, a folder \
without machine folders or criterion output, fewer than two machines, an unknown \
--baseline, a name of --baselines the criterion folder does not have, different profiles \
without --allow-profile-mismatch, a case run with other parameters without \
--allow-param-mismatch, no common case).")]
struct CompareArgs {
    /// Results files, machine folders holding results.json, or folders of machine folders
    /// (two machines or more in all); the first is the base unless --baseline names another.
    #[arg(required = true, num_args = 1.., value_name = "RESULTS|FOLDER")]
    inputs: Vec<PathBuf>,
    /// The machine the others are compared with: an input's label or folder name.
    #[arg(long, value_name = "NAME")]
    baseline: Option<String>,
    /// Criterion baselines to read from each criterion folder among the inputs, each one
    /// input, e.g. `--baselines base,new` (criterion keeps the previous run as base, and
    /// runs saved with --save-baseline NAME); default: the latest run only (new).
    #[arg(long, value_name = "NAME,NAME", value_delimiter = ',', value_parser = baseline_name)]
    baselines: Vec<String>,
    /// Table format on standard output: md, json or csv (charts: see --chart-format).
    #[arg(long, alias = "output", value_name = "md|json|csv", default_value = "md",
          value_parser = <crate::compare::TableFormat as std::str::FromStr>::from_str)]
    format: crate::compare::TableFormat,
    /// Also write compare.md, compare.json, compare.csv and overlay charts into DIR (and a
    /// fleet chart per workload with more than three machines).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Chart formats for --out, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "svg,png")]
    chart_format: Vec<Format>,
    /// Chart colours for --out.
    #[arg(long, value_enum, default_value = "light")]
    theme: Theme,
    /// Smallest relative difference that counts: a percentage (5%) or a fraction (0.05).
    #[arg(long, default_value = "5%", value_parser = crate::compare::parse_threshold)]
    threshold: f64,
    /// Exit with status 1 when any case is slower than on the base beyond the threshold
    /// and the noise.
    #[arg(long)]
    fail_on_regression: bool,
    /// Compare runs of different profiles (different sizes, so times are not like for like).
    #[arg(long)]
    allow_profile_mismatch: bool,
    /// Compare cases whose workload parameters differ (e.g. one run with --param n=2000).
    #[arg(long)]
    allow_param_mismatch: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  concbench slides reports/laptop --out talk/
  concbench slides reports/laptop reports/server --out talk/ --theme dark

DIR gets deck.pdf (16:9 vector pages of 1440x810 pt, fonts embedded: a title page with the \
machine, the summary heatmap, per workload the speedup chart with a one-line takeaway and, \
where worker processes' memory differs from the other models', the memory chart; with a \
second run, per workload the comparison's speedup overlay and time ratio), slides.md (the \
same deck in Marp's Markdown) and the SVG of every page. Files an earlier deck wrote in DIR \
are replaced; anything else there is left alone, and a path taken by another file is \
refused.

Exit status: 0 done; 1 drawing or writing failed; 2 bad input (unreadable or unknown-schema \
file, a run without workload cases, more than two runs, two runs of different profiles \
without --allow-profile-mismatch, two runs without a common case, DIR a report folder or a \
file).")]
struct SlidesArgs {
    /// A results file or a machine folder holding results.json; a second one to compare
    /// with it (the first is the base).
    #[arg(required = true, num_args = 1..=2, value_name = "RESULTS|FOLDER")]
    inputs: Vec<PathBuf>,
    /// Folder for deck.pdf, slides.md and the pages' SVGs (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Page colours.
    #[arg(long, value_enum, default_value = "light")]
    theme: Theme,
    /// Set two runs of different profiles side by side (different sizes, so times are not
    /// like for like).
    #[arg(long)]
    allow_profile_mismatch: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  concbench export reports/laptop --format bmf > bmf.json
  concbench export reports/laptop/results.json --format bmf --out bmf.json

bmf: one benchmark per timed case, <workload>/<model>/<workers>, with the measures latency \
(mean batch time, ns, with its bounds), peak-memory (bytes) and speedup (over sequential, \
with its bounds) where the file has them; and overhead/<model>/<batch> with latency in ns \
per task. Cases without a time are left out and named on stderr.

Exit status: 0 done; 1 writing failed; 2 bad input (unreadable or unknown-schema file, \
nothing to export, --out naming a folder or a file that is not an earlier export).")]
struct ExportArgs {
    /// A results file, or a machine folder holding results.json.
    #[arg(value_name = "RESULTS")]
    results: PathBuf,
    /// The format to write.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Write to FILE (atomically) instead of standard output; an existing FILE is replaced
    /// only when it is an earlier export in the same format.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Parses the command line, runs it with concbench's own workloads, and turns a failure into
/// one `error:` line and the exit status [`exit_status`] decides.
pub fn main() -> ExitCode {
    main_with(&Registry::builtin())
}

/// As [`main`], with the workloads of `registry`.
pub fn main_with(registry: &Registry) -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version: not failures.
        Err(err) if !err.use_stderr() => {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        // A refused value is one line naming the flag, the value and the valid ones; other
        // usage errors get clap's own rendering: the error line, then the usage it refers to.
        Err(err) => {
            match clap_value_line(&err) {
                Some(line) => eprintln!("error: {line}"),
                None => {
                    let _ = err.print();
                }
            }
            return exit_status(&err.into());
        }
    };
    if let Command::Worker = cli.command {
        // The process pool reads the worker's status and its frames, not an error line.
        return model::process::worker::main(registry);
    }
    match dispatch(cli, registry) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", error_line(&err));
            exit_status(&err)
        }
    }
}

fn dispatch(cli: Cli, registry: &Registry) -> anyhow::Result<()> {
    match cli.command {
        Command::List => list(registry),
        Command::Run(args) => run(args, registry),
        Command::Probe(args) => probe(args, registry),
        Command::Report(args) => report(args),
        Command::Compare(args) => compare(args),
        Command::Slides(args) => slides(args),
        Command::Machine(args) => machine(args),
        Command::Export(args) => export(args),
        Command::Worker => unreachable!("main runs the worker before dispatching"),
    }
}

/// `machine`: the fingerprint as JSON, or with `--slug` only the folder name. A bad
/// `CONCBENCH_MACHINE_NAME` is bad input.
fn machine(args: MachineArgs) -> anyhow::Result<()> {
    let machine = Machine::detect(MachineName::from_env()?);
    if args.slug {
        print_stdout(&(machine.slug() + "\n"))
    } else {
        print_stdout(&(serde_json::to_string_pretty(&machine)? + "\n"))
    }
}

fn list(registry: &Registry) -> anyhow::Result<()> {
    let mut out = String::from("Workloads\n");
    for w in registry {
        out.push_str(&format!(
            "  {:<12} {:<5} {}\n    task: {}\n",
            w.name,
            w.kind.name(),
            w.teaches,
            w.task
        ));
        for p in Profile::ALL {
            out.push_str(&format!(
                "    {:<8} {}\n",
                p.name(),
                (w.spec_for)(p).params_text()
            ));
        }
        out.push_str("    parameters (--param NAME=VALUE):\n");
        for p in w.params {
            out.push_str(&format!(
                "      {:<12} {:>2} to {:<14} {}\n",
                p.name, p.min, p.max, p.meaning
            ));
        }
    }
    out.push_str("\nModels (what --workers means for each)\n");
    for m in MODELS {
        out.push_str(&format!("  {:<14} {}\n", m.name, m.workers_are));
    }
    print_stdout(&out)
}

fn run(args: RunArgs, registry: &Registry) -> anyhow::Result<()> {
    // Validate everything before anything runs.
    let workloads: Vec<&WorkloadInfo> = registry.parse_list(&args.workload)?;
    let models = model::parse_list(&args.model)?;
    let workers = match (&args.workers, &args.sweep) {
        (Some(text), _) => parse_worker_list(text)?,
        (None, None) => args.profile.workers(),
        (None, Some(_)) => vec![usable_cpus()],
    };
    if !(args.gil_switch_interval_ms > 0.0 && args.gil_switch_interval_ms <= 10_000.0) {
        return Err(Error::BadArgument {
            arg: "--gil-switch-interval-ms",
            value: args.gil_switch_interval_ms.to_string(),
            problem: "is out of range; use a value above 0 and at most 10000".into(),
        }
        .into());
    }
    let config = ModelConfig {
        worker_exe: std::env::current_exe().ok(),
        gil_switch_interval: Duration::from_secs_f64(args.gil_switch_interval_ms / 1e3),
        task_timeout: Duration::from_secs(args.task_timeout.max(1)),
    };
    let repeats = args.repeats.map_or(args.profile.repeats(), |r| r as usize);
    let overrides = parse_overrides(&args.params)?;
    overrides.check_names(&registry.iter().collect::<Vec<_>>())?;
    overrides.check(&workloads)?;
    if let Some(name) = overrides
        .named_workloads()
        .into_iter()
        .find(|n| !workloads.iter().any(|w| w.name == *n))
    {
        return Err(Error::BadArgument {
            arg: "--param",
            value: name.to_string(),
            problem: "names a workload this run does not run; add it to --workload or drop its parameters".into(),
        }
        .into());
    }
    if args.sweep.is_some() {
        return run_sweep(
            &args, &workloads, registry, models, &overrides, config, repeats,
        );
    }
    let progress = std::io::stderr().is_terminal();

    let mut all_cases: Vec<CaseResult> = Vec::new();
    for info in workloads {
        let plan = RunPlan {
            workload: overrides.spec_for(info, args.profile)?,
            models: models.clone(),
            workers: workers.clone(),
            repeats,
            config: config.clone(),
        };
        let cases = runner::run(&plan, registry, |case| {
            if progress {
                eprintln!(
                    "  {} {} x{}: {} ({:.2}x)",
                    case.workload,
                    case.model,
                    case.workers,
                    crate::units::format_ns(case.median_ns as f64),
                    case.speedup
                );
            }
        })
        .with_context(|| format!("running workload {}", info.name))?;
        if !args.json {
            let mut columns = vec![model::find("sequential")?];
            columns.extend(models.iter().copied().filter(|m| m.name != "sequential"));
            let text = format!(
                "\n{} ({}: {})\n{} profile: {}; median of {} runs; cell = time (speedup over sequential)\n\n{}",
                info.name,
                info.kind.name(),
                info.teaches,
                args.profile,
                plan.workload.params_text(),
                repeats,
                table::render(&cases, &columns, &workers)
            );
            print_stdout(&text)?;
        }
        all_cases.extend(cases);
    }
    if args.json {
        print_stdout(&(serde_json::to_string_pretty(&all_cases)? + "\n"))?;
    }
    Ok(())
}

/// The `--param` values, parsed (names and ranges are checked against the workloads run).
fn parse_overrides(groups: &[String]) -> Result<Overrides, Error> {
    let mut overrides = Overrides::default();
    for group in groups {
        overrides.parse_group(group, "--param")?;
    }
    Ok(overrides)
}

/// The CPUs this process may use (at least 1, at most the worker limit): a sweep's worker
/// count when `--workers` is not given.
fn usable_cpus() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, crate::error::MAX_WORKERS)
}

/// `run --sweep`: one workload at each value of one parameter, every model verified and
/// timed at each; prints the table and the break-even list, writes the folder.
fn run_sweep(
    args: &RunArgs,
    workloads: &[&WorkloadInfo],
    registry: &Registry,
    models: Vec<&'static crate::model::ModelInfo>,
    overrides: &Overrides,
    config: ModelConfig,
    repeats: usize,
) -> anyhow::Result<()> {
    let text = args.sweep.as_deref().unwrap_or_default();
    let [info] = workloads else {
        return Err(Error::BadArgument {
            arg: "--sweep",
            value: text.to_string(),
            problem: format!(
                "sweeps one workload, but --workload names {}; give one, e.g. --workload sum-squares",
                workloads.len()
            ),
        }
        .into());
    };
    let workers = match args.workers.as_deref().map(parse_worker_list).transpose()? {
        None => usable_cpus(),
        Some(list) => match list.as_slice() {
            [one] => *one,
            _ => {
                return Err(Error::BadArgument {
                    arg: "--workers",
                    value: args.workers.clone().unwrap_or_default(),
                    problem: "names several counts; a sweep runs one, e.g. --workers 2".into(),
                }
                .into());
            }
        },
    };
    let axis = sweep::SweepAxis::parse(text, info)?;
    let base = overrides.spec_for(info, args.profile)?;
    if overrides.sets(info.name, &axis.param) {
        return Err(Error::BadArgument {
            arg: "--param",
            value: axis.param.clone(),
            problem: format!(
                "sets the parameter --sweep {text} sweeps; give its values in --sweep only"
            ),
        }
        .into());
    }
    let plan = sweep::SweepPlan {
        registry,
        base,
        axis,
        models,
        workers,
        repeats,
        config,
    };
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| sweep::output::default_dir_for(info.name, &plan.axis.param));
    // Refuse an unusable folder before anything runs.
    let folder = sweep::output::Prepared::open(&dir)?;
    let progress = std::io::stderr().is_terminal();
    let result = sweep::run(&plan, |value, case| {
        if progress {
            eprintln!(
                "  {}={value} {} x{}: {} ({:.2}x)",
                plan.axis.param,
                case.model,
                case.workers,
                crate::units::format_ns(case.median_ns as f64),
                case.speedup
            );
        }
    })
    .with_context(|| format!("sweeping {} over {}", info.name, plan.axis.param))?;
    let subtitle = format!(
        "{} · {} workers (sequential 1) · profile {} · median of {} runs",
        result.fixed_text(),
        workers,
        args.profile,
        repeats
    );
    if args.json {
        print_stdout(&(serde_json::to_string_pretty(&result)? + "\n"))?;
    } else {
        print_stdout(&format!(
            "\n{} ({}: {})\n{subtitle}\ncell = time (speedup over sequential at the same {})\n\n{}\n{}",
            info.name,
            info.kind.name(),
            info.teaches,
            plan.axis.param,
            result.table(),
            result.break_even_list()
        ))?;
    }
    let written = folder.write(&result, &subtitle, Theme::Light)?;
    eprintln!(
        "sweep: {} and {} ({} files)",
        written.dir.join("sweep.md").display(),
        written
            .dir
            .join(format!("{}.svg", sweep::chart::STEM))
            .display(),
        written.files.len()
    );
    Ok(())
}

fn probe(args: ProbeArgs, registry: &Registry) -> anyhow::Result<()> {
    let info = registry.find(&args.workload)?;
    let model = model::find(&args.model)?;
    let workers = match parse_worker_list(&args.workers)?.as_slice() {
        [one] => *one,
        _ => {
            return Err(Error::BadArgument {
                arg: "--workers",
                value: args.workers.clone(),
                problem: "names several counts; a probe runs one case, give one count".into(),
            }
            .into());
        }
    };
    let expect = args
        .expect
        .as_deref()
        .map(|hex| {
            u64::from_str_radix(hex.trim_start_matches("0x"), 16).map_err(|_| Error::BadArgument {
                arg: "--expect",
                value: hex.to_string(),
                problem: "is not a hex checksum; pass e.g. 0x1f2e3d4c5b6a7980".into(),
            })
        })
        .transpose()?;
    let overrides = parse_overrides(&args.params)?;
    let workload = registry.build(&overrides.spec_for(info, args.profile)?)?;
    let config = ModelConfig {
        worker_exe: std::env::current_exe().ok(),
        ..ModelConfig::default()
    };
    let report = crate::bench::probe::probe_here(
        workload,
        model,
        workers,
        expect,
        args.min_wall_ms
            .map_or(args.profile.probe_min_wall(), Duration::from_millis),
        &config,
    )?;
    let text = if args.json {
        serde_json::to_string_pretty(&report)? + "\n"
    } else {
        format!(
            "{} {} x{}: peak {:.1} MiB (parent {:.1} MiB, {} workers), CPU {:.3} s user + {:.3} s sys over {:.3} s wall = {:.2} cores, {} batches, checksum {} verified\n",
            report.workload,
            report.model,
            report.workers,
            report.peak_rss_bytes as f64 / 1048576.0,
            report.parent_peak_rss_bytes as f64 / 1048576.0,
            report.workers_peak_rss_bytes.len(),
            report.user_s,
            report.sys_s,
            report.wall_s,
            report.utilisation,
            report.runs,
            report.checksum
        )
    };
    print_stdout(&text)
}

/// Longest `--machine-note`, in characters.
const MACHINE_NOTE_MAX: usize = 200;

/// `--machine-note`, trimmed; a bad input error when it is empty, more than one line or
/// longer than [`MACHINE_NOTE_MAX`] characters.
fn machine_note(text: &str) -> anyhow::Result<&str> {
    let note = text.trim();
    let problem = if note.is_empty() {
        Some("is empty")
    } else if note.contains(['\n', '\r']) {
        Some("has more than one line")
    } else if note.chars().count() > MACHINE_NOTE_MAX {
        Some("is longer than 200 characters")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(BadInput(anyhow::anyhow!(
            "--machine-note {problem}; give one line of up to {MACHINE_NOTE_MAX} characters about the machine that measured the folder, e.g. --machine-note \"CI runner, 4 vCPUs\""
        ))
        .into()),
        None => Ok(note),
    }
}

fn report(args: ReportArgs) -> anyhow::Result<()> {
    let note = args.machine_note.as_deref().map(machine_note).transpose()?;
    let (input, default_out) = match (&args.results, &args.criterion, &args.hyperfine) {
        (Some(arg), _, _) => {
            let path = locate::resolve(arg)?;
            let mut results = Results::read(&path)?;
            results.require_measurements(&path)?;
            let folder = path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let say_scaling = results.source.is_some();
            let view = report::view::View::for_results(&mut results, args.scaling, say_scaling);
            (
                report::foreign::ReportInput::Workers {
                    results: Box::new(results),
                    view,
                },
                folder,
            )
        }
        // Everything that can go wrong importing is about the folder the user named.
        (None, Some(dir), _) => {
            if let Some(out) = &args.out {
                refuse_out_inside(out, dir)?;
            }
            (
                report::foreign::read(dir, args.axis, args.scaling, note).map_err(BadInput)?,
                PathBuf::new(),
            )
        }
        (None, None, Some(file)) => (
            report::foreign::read_hyperfine(file, args.axis, args.scaling, note)
                .map_err(BadInput)?,
            PathBuf::new(),
        ),
        (None, None, None) => unreachable!("clap requires one of them"),
    };
    let out_dir = args.out.unwrap_or(default_out);
    // A report of a criterion folder (or a hyperfine file) is never written among the
    // folder's own files, nor into a folder holding the file.
    for input in [&args.criterion, &args.hyperfine].into_iter().flatten() {
        crate::results::store::folder::refuse_holding(&out_dir, input)?;
    }
    let options = report::ReportOptions {
        out_dir,
        formats: args.format,
        theme: args.theme,
    };
    let start = std::time::Instant::now();
    // An unusable --out names its own path; other failures say what was being rendered.
    let summary = report::foreign::render(&input, &options).map_err(|e| {
        if e.is::<OutputError>() {
            e
        } else {
            e.context(format!(
                "rendering the report into {}",
                options.out_dir.display()
            ))
        }
    })?;
    match &input {
        report::foreign::ReportInput::Workers { results, .. } => {
            for warning in report::origin::warnings(results) {
                eprintln!("warning: {warning}");
            }
        }
        report::foreign::ReportInput::Param(param) => {
            for warning in param.warnings() {
                eprintln!("warning: {warning}");
            }
        }
    }
    print_stdout(&format!(
        "report: {} ({} files, {:.1} MiB, {:.1} s)\n",
        summary.dir.join("report.md").display(),
        summary.files.len(),
        summary.bytes as f64 / 1048576.0,
        start.elapsed().as_secs_f64()
    ))
}

fn compare(args: CompareArgs) -> anyhow::Result<()> {
    let start = std::time::Instant::now();
    let options = crate::compare::CompareOptions {
        inputs: args.inputs,
        baseline: args.baseline,
        baselines: args.baselines,
        threshold: args.threshold,
        allow_profile_mismatch: args.allow_profile_mismatch,
        allow_param_mismatch: args.allow_param_mismatch,
        out_dir: args.out,
        chart_formats: args.chart_format,
        theme: args.theme,
    };
    let outcome = crate::compare::run(&options)?;
    for folder in &outcome.skipped {
        eprintln!("compare: skipped {} (no results.json)", folder.display());
    }
    for notice in outcome.inputs.iter().flat_map(|i| &i.notices) {
        eprintln!("compare: warning: {notice}");
    }
    print_stdout(&outcome.comparison.render(args.format))?;
    if let Some(written) = &outcome.written {
        eprintln!(
            "compare: {} ({} files, {:.1} MiB, {:.1} s)",
            written.dir.join("compare.md").display(),
            written.files.len(),
            written.bytes as f64 / 1048576.0,
            start.elapsed().as_secs_f64()
        );
    }
    if args.fail_on_regression {
        if let Some(line) = outcome.comparison.regression_line() {
            return Err(Regressions(line).into());
        }
    }
    Ok(())
}

fn slides(args: SlidesArgs) -> anyhow::Result<()> {
    let start = std::time::Instant::now();
    let written = crate::slides::run(&crate::slides::SlidesOptions {
        inputs: args.inputs,
        out_dir: args.out,
        theme: args.theme,
        allow_profile_mismatch: args.allow_profile_mismatch,
    })?;
    print_stdout(&format!(
        "slides: {} ({} pages, {:.1} MiB) and {} ({} files in all, {:.1} s)\n",
        written.dir.join(crate::slides::DECK_FILE).display(),
        written.pages,
        written.deck_bytes as f64 / 1048576.0,
        written.dir.join(crate::slides::MARP_FILE).display(),
        written.files.len(),
        start.elapsed().as_secs_f64()
    ))
}

fn export(args: ExportArgs) -> anyhow::Result<()> {
    let path = locate::resolve(&args.results)?;
    let results = Results::read(&path)?;
    let exporter = args.format.exporter();
    let export = exporter
        .export(&results)
        .with_context(|| format!("exporting {}", path.display()))?;
    match &args.out {
        None => print_stdout(&export.text)?,
        Some(out) => crate::export::write_out(exporter, &export, out)?,
    }
    // Only once the export is out, so that a failure stays one line.
    if let Some(line) = export.skipped_line() {
        eprintln!("export: {line}");
    }
    match &args.out {
        None => Ok(()),
        Some(out) => print_stdout(&format!(
            "export: {} ({} benchmarks, {})\n",
            out.display(),
            export.benchmarks,
            args.format
        )),
    }
}

/// One name of `--baselines`: a folder name criterion could have written.
fn baseline_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(format!(
            "'{text}' is not a baseline name; give names like base,new (the folders criterion keeps beside each benchmark's new/)"
        ));
    }
    Ok(name.to_string())
}

/// Refuses a report `--out` inside the criterion folder `input` (one that is or holds it is
/// refused as for every input, by [`crate::results::store::folder::refuse_holding`]): the
/// report would sit among criterion's files, and a later read of the folder would take it
/// for a folder of machine folders.
fn refuse_out_inside(out: &Path, input: &Path) -> anyhow::Result<()> {
    let (o, i) = (locate::resolved(out), locate::resolved(input));
    if o != i && o.starts_with(&i) {
        return Err(BadInput(anyhow::anyhow!(
            "--out {} is inside the criterion folder {} it reads; give --out a folder outside it, e.g. --out criterion-report",
            out.display(),
            input.display()
        ))
        .into());
    }
    Ok(())
}

/// `compare --fail-on-regression` found slower cases (named in the text): a failure, exit
/// status 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Regressions(String);

fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .context("writing to standard output")
}
