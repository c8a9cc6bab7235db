//! `concbench compare A B [C ...]` and `concbench compare FOLDER`: two or more runs side by
//! side, or a whole fleet of machine folders.
//!
//! Records are joined on (workload, model, workers); imported benchmarks whose criterion id
//! names no worker count (one or two segments, a size as the last segment) on their whole
//! id, and only the cases with a worker count are charted. The first input is the base (or the
//! one `--baseline` names): every other machine's time is given as a ratio to it, with a
//! verdict from [`verdict`] (faster, slower, or the same within the noise or the
//! threshold). Speedups stay per machine (over the same machine's sequential time), so
//! curves compare even when clocks differ. With more than three machines a fleet table and
//! a fleet chart per workload lead ([`fleet`]); then the machines' differences; cases that
//! only some inputs have are listed, never dropped.
//!
//! The parts, one concern each:
//! - [`input`]: arguments to inputs (a folder of machine folders expands to its results
//!   files, a criterion folder to one input per baseline), read, labelled, and the base put
//!   first;
//! - [`fleet`]: the fleet table and the data of the fleet charts;
//! - [`join`]: the join into a [`Comparison`] ([`comparison`] holds the types), the profile
//!   and parameter checks and the no-common-case error;
//! - [`verdict`]: the faster / slower / same rule; [`stats`]: Welch's t-test under it;
//! - [`machines`]: the machine-by-machine table with differences marked;
//! - [`markdown`] and [`export`]: the table as Markdown, JSON or CSV;
//! - [`chart`] (the figures and their files), [`speedup_plot`] and [`ratio_plot`] (drawing
//!   each with the toolkit every chart shares, [`crate::plot`]);
//! - [`output`]: writing `--out` through a staging folder, so a failure keeps the old one.
//!
//! Exit statuses, as the CLI uses them: [`CompareError::is_usage`] errors are bad input
//! (2), others failures while writing (1); `--fail-on-regression` exits 1 when
//! [`Comparison::regression_line`] names slower cases.
//!
//! To show a new figure per case, add a field to [`Cell`], fill it in [`join::compare`], and
//! print it in [`markdown`] and [`export`]. To add an output file, write it in
//! [`output`]'s staging step.

pub mod chart;
pub mod comparison;
pub mod export;
pub mod fleet;
pub mod input;
pub mod join;
pub mod machines;
pub mod markdown;
pub mod output;
pub mod ratio_plot;
pub mod speedup_plot;
pub mod stats;
pub mod verdict;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use thiserror::Error;

use crate::plot::{ChartError, Format, Theme};
use crate::profile::Profile;
use crate::results::ResultsError;
use crate::results::store::folder::OutputError;

pub use comparison::{Cell, Comparison, OneSided, Regression, Row, Side, WorkloadComparison};
pub use input::Input;
pub use join::{compare, workload_names};
pub use machines::MachineRow;
pub use verdict::{ALPHA, Judgement, Verdict};

/// Tag of the JSON output, versioned like results files.
pub const SCHEMA: &str = "concbench.compare/1";

/// What can go wrong comparing. Every variant is one line naming the file or the option.
#[derive(Debug, Error)]
pub enum CompareError {
    /// Fewer than two inputs, none of them a folder of machine folders.
    #[error(
        "compare needs at least two results files or machine folders, got {0}; e.g. concbench compare reports/laptop reports/server, or a folder of machine folders: concbench compare reports/"
    )]
    TooFewInputs(usize),
    /// A folder argument without `results.json`, without machine folders holding one and
    /// without criterion output.
    #[error(
        "{} is a folder without results.json, without machine folders holding one and without criterion output; pass a results file, a machine folder (e.g. reports/<machine>), a folder of machine folders (e.g. reports/) or a criterion folder (e.g. target/criterion)",
        path.display()
    )]
    NoResultsInFolder {
        /// The folder.
        path: PathBuf,
    },
    /// `--baselines` names a baseline a criterion folder has no benchmark under.
    #[error(
        "the criterion folder {} has no baseline '{name}'; its baselines are {has}; pass --baselines with two of them, e.g. --baselines base,new (criterion saves one with cargo bench -- --save-baseline NAME){note}",
        dir.display()
    )]
    UnknownCriterionBaseline {
        /// The criterion folder.
        dir: PathBuf,
        /// The name given.
        name: String,
        /// The baselines it has, comma-separated.
        has: String,
        /// Empty, or what else the folder holds and how it was read, with a leading space.
        note: String,
    },
    /// A criterion folder gives the only input: one baseline, nothing to compare it with.
    #[error(
        "compare needs two inputs, but the criterion folder {} gives {gives}; {fix}, or add a results file or machine folder to compare it with{note}",
        dir.display()
    )]
    OneCriterionInput {
        /// The criterion folder.
        dir: PathBuf,
        /// Which one input it gives.
        gives: String,
        /// The `--baselines` to pass, or how to save a second baseline.
        fix: String,
        /// Empty, or what else the folder holds and how it was read, with a leading space.
        note: String,
    },
    /// `--baselines` without any criterion folder among the inputs.
    #[error(
        "--baselines {baselines} reads baselines of a criterion folder, but no input is one; pass the folder criterion writes, e.g. concbench compare target/criterion --baselines base,new"
    )]
    BaselinesWithoutCriterion {
        /// The names given, comma-separated.
        baselines: String,
    },
    /// A criterion folder that does not import (a corrupt or incomplete benchmark, naming
    /// the file).
    #[error("{message}")]
    Criterion {
        /// The import's error, with its causes.
        message: String,
    },
    /// One results file given twice (by two spellings, or as a folder and its
    /// `results.json`): it would be compared with itself, every case the same.
    #[error(
        "the same results file is given twice ({}, then {}); a run compared with itself is the same in every case; pass the results of two different runs",
        first.display(), second.display()
    )]
    SameFile {
        /// The file as first given.
        first: PathBuf,
        /// The same file as given again.
        second: PathBuf,
    },
    /// A folder argument whose entries cannot be listed.
    #[error("cannot list the folder {}: {message}; pass a readable folder of machine folders", path.display())]
    ListFolder {
        /// The folder.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// Folders of machine folders gave fewer than two inputs in all.
    #[error(
        "need at least two machine folders with results.json under {folders}, found {found}; run `cargo bench` on another machine (or under `taskset -c 0`) and add its folder"
    )]
    TooFewMachines {
        /// The folder arguments, comma-separated.
        folders: String,
        /// How many inputs there were in all, and which, e.g. `1 (laptop)`.
        found: String,
    },
    /// `--baseline` names none of the inputs.
    #[error(
        "--baseline {name}: no input has that name; the inputs are {names}; pass one of them (a label or a folder name)"
    )]
    UnknownBaseline {
        /// The name given.
        name: String,
        /// The inputs' labels, comma-separated.
        names: String,
    },
    /// A results file that cannot be read, is corrupt, or has another schema version.
    #[error(transparent)]
    Read(#[from] ResultsError),
    /// Two inputs ran different profiles (different sizes: different work).
    #[error(
        "profiles differ: {} ran profile '{base_profile}' but {} ran '{other_profile}'; different profiles do different work, so their times do not compare; pass --allow-profile-mismatch to compare them anyway",
        base.display(), other.display()
    )]
    ProfileMismatch {
        /// The base file.
        base: PathBuf,
        /// Its profile.
        base_profile: Profile,
        /// The file that differs.
        other: PathBuf,
        /// Its profile.
        other_profile: Profile,
    },
    /// A case ran with other workload parameters than on the base (different work).
    #[error(
        "parameters differ: {case} ran with {base_params} in {} but with {other_params} in {}; different parameters do different work, so their times do not compare; pass --allow-param-mismatch to compare them anyway",
        base.display(), other.display()
    )]
    ParamMismatch {
        /// The case, e.g. `sum-squares sequential x1`.
        case: String,
        /// The base file.
        base: PathBuf,
        /// The base's parameters, e.g. `n=4000000 tasks=32`.
        base_params: String,
        /// The file that differs.
        other: PathBuf,
        /// Its parameters.
        other_params: String,
    },
    /// The base shares no (workload, model, workers) with any other input.
    #[error(
        "no common case: {} shares no (workload, model, workers) with {others}; it has workloads {base_workloads}, they have {other_workloads}; compare runs of the same workloads and models",
        base.display()
    )]
    NoCommonCase {
        /// The base file.
        base: PathBuf,
        /// The other files, comma-separated.
        others: String,
        /// The base's workloads, comma-separated.
        base_workloads: String,
        /// The others' workloads, comma-separated.
        other_workloads: String,
    },
    /// `--out` names a report folder, whose per-workload folders the charts would replace.
    #[error(
        "refusing to write the comparison into {}: it holds results.json, so it is a report folder whose charts would be replaced; choose another --out, e.g. reports/compare",
        path.display()
    )]
    OutIsReportFolder {
        /// The folder.
        path: PathBuf,
    },
    /// A chart could not be drawn or written.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// `--out` is unusable as it is (a file, or someone else's files where ours would go), or
    /// moving the new files into place failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A file of `--out` could not be written; the previous comparison there is intact.
    #[error("cannot write {}: {message}; the previous comparison there, if any, is unchanged", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

impl CompareError {
    /// True for bad input (exit status 2); false for failures while writing (status 1).
    pub fn is_usage(&self) -> bool {
        match self {
            CompareError::Output(e) => e.is_bad_input(),
            CompareError::Chart(_) | CompareError::Write { .. } => false,
            _ => true,
        }
    }
}

/// The format of the table printed to standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableFormat {
    /// Markdown: machines, then a table per workload.
    #[default]
    Md,
    /// One JSON object (schema [`SCHEMA`]).
    Json,
    /// One row per (case, machine), RFC 4180.
    Csv,
}

impl FromStr for TableFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(TableFormat::Md),
            "json" => Ok(TableFormat::Json),
            "csv" => Ok(TableFormat::Csv),
            "svg" | "png" => Err(format!(
                "'{s}' is a chart format; charts are written with --out DIR, in the formats of --chart-format (default svg,png)"
            )),
            _ => Err(format!("unknown table format '{s}'; valid: md, json, csv")),
        }
    }
}

/// Parses a threshold: `5%` (a percentage) or `0.05` (a fraction). Without `%` the value
/// must be below 1, so `5` is refused rather than read as 500%.
pub fn parse_threshold(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let (number, scale) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), 100.0),
        None => (t, 1.0),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a threshold; write e.g. 5% or 0.05"))?;
    let fraction = value / scale;
    if !fraction.is_finite() || fraction < 0.0 {
        return Err(format!("'{text}' must be 0 or more, e.g. 5% or 0.05"));
    }
    if scale == 1.0 && fraction >= 1.0 {
        return Err(format!(
            "'{text}' reads as a fraction of {}%; write {text}% for a percentage, or a fraction below 1 such as 0.05",
            value * 100.0
        ));
    }
    Ok(fraction)
}

/// What to compare and where to write it.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    /// Results files, machine folders or folders of machine folders; the first is the base
    /// unless `baseline` names another.
    pub inputs: Vec<PathBuf>,
    /// The base's label or folder name; `None`: the first input.
    pub baseline: Option<String>,
    /// Baselines to read from each criterion folder among the inputs, each an input
    /// (`base`, `new`, or names saved with `--save-baseline`); empty: the latest (`new`).
    pub baselines: Vec<String>,
    /// Relative size a significant difference must exceed to count (0.05 = 5%).
    pub threshold: f64,
    /// Compare runs of different profiles anyway.
    pub allow_profile_mismatch: bool,
    /// Compare cases whose workload parameters differ anyway.
    pub allow_param_mismatch: bool,
    /// Folder for `compare.md`, `compare.json`, `compare.csv` and the charts.
    pub out_dir: Option<PathBuf>,
    /// Chart formats for `out_dir`.
    pub chart_formats: Vec<Format>,
    /// Chart colours.
    pub theme: Theme,
}

/// What [`run`] produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The inputs, read.
    pub inputs: Vec<Input>,
    /// The joined table.
    pub comparison: Comparison,
    /// What was written to `out_dir`, if it was given.
    pub written: Option<output::Written>,
    /// Folders inside a folder argument that were left out because they hold no
    /// `results.json` (not counting `out_dir`).
    pub skipped: Vec<PathBuf>,
}

/// Expands and reads the inputs, puts the base first, joins them, and writes `out_dir`
/// when given.
pub fn run(options: &CompareOptions) -> Result<Outcome, CompareError> {
    let expanded = input::expand(&options.inputs, &options.baselines)?;
    let mut inputs = input::read(&expanded.files)?;
    if let Some(name) = &options.baseline {
        input::put_first(&mut inputs, name)?;
    }
    let comparison = compare(
        &inputs,
        options.threshold,
        options.allow_profile_mismatch,
        options.allow_param_mismatch,
    )?;
    // The output folder, when it sits in a folder argument, is no skipped machine.
    let out = options
        .out_dir
        .as_deref()
        .and_then(|d| d.canonicalize().ok());
    let skipped: Vec<PathBuf> = expanded
        .skipped
        .into_iter()
        .filter(|s| out.is_none() || s.canonicalize().ok() != out)
        .collect();
    let written = match &options.out_dir {
        Some(dir) => Some(output::write(
            dir,
            &inputs,
            &comparison,
            &options.chart_formats,
            options.theme,
        )?),
        None => None,
    };
    Ok(Outcome {
        inputs,
        comparison,
        written,
        skipped,
    })
}

impl fmt::Display for TableFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TableFormat::Md => "md",
            TableFormat::Json => "json",
            TableFormat::Csv => "csv",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse_as_percent_or_fraction() {
        assert_eq!(parse_threshold("5%").unwrap(), 0.05);
        assert_eq!(parse_threshold("0.05").unwrap(), 0.05);
        assert_eq!(parse_threshold(" 2.5 % ").unwrap(), 0.025);
        assert_eq!(parse_threshold("0").unwrap(), 0.0);
        assert!(parse_threshold("5").unwrap_err().contains("5%"));
        assert!(parse_threshold("-1%").is_err());
        assert!(parse_threshold("five").is_err());
    }

    #[test]
    fn table_formats_point_chart_formats_elsewhere() {
        assert_eq!("JSON".parse::<TableFormat>().unwrap(), TableFormat::Json);
        assert_eq!("markdown".parse::<TableFormat>().unwrap(), TableFormat::Md);
        assert!(
            "svg"
                .parse::<TableFormat>()
                .unwrap_err()
                .contains("--chart-format")
        );
    }
}
