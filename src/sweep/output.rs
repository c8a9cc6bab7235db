//! The sweep's folder: `sweep.md` (the table, the break-even list and the chart),
//! `sweep.json` (every case at every size, with its parameters, and the break-evens) and the
//! chart as `speedup-vs-size.svg` and `.png`.
//!
//! The folder is `--out DIR`, or without it `sweep-<workload>-<param>` in the current
//! folder. It is written as every output folder of concbench is
//! ([`crate::results::store::folder`]): files are drawn into a staging folder first, then
//! moved into place, replacing only files an earlier sweep wrote there (its manifest is
//! `.concbench-sweep-files`); a folder that holds files concbench did not write is refused
//! whole. To add a file, write it in `stage`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

use super::break_even::{Crossing, crossings};
use super::chart::{STEM, SweepChart};
use super::{Sweep, SweepPoint};
use crate::plot::{ChartError, Format, Theme, write_formats};
use crate::results::store::folder::{OutputError, OutputFolder, Owner};

/// Tag of `sweep.json`, versioned like results files.
pub const SCHEMA: &str = "concbench.sweep/1";

/// Who owns the files of a sweep folder. No sweep was ever written without a manifest, so a
/// folder without one that holds anything is someone else's.
pub const OWNER: Owner = Owner {
    manifest: ".concbench-sweep-files",
    staging: ".sweep-staging",
    ours: |_| false,
};

/// What can go wrong writing a sweep's folder. One line each, naming the path.
#[derive(Debug, Error)]
pub enum SweepError {
    /// The folder cannot be used as it is, or moving the files into place failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The chart could not be drawn or written.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// A text file could not be written; the previous sweep there is unchanged.
    #[error("cannot write {}: {source}; the previous sweep there, if any, is unchanged", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl SweepError {
    /// True when the folder the user named cannot be used (exit status 2); false for a
    /// failure while writing (1).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, SweepError::Output(e) if e.is_bad_input())
    }
}

/// The folder a sweep of `workload` over `param` writes without `--out`:
/// `sweep-<workload>-<param>` in the current folder.
pub fn default_dir_for(workload: &str, param: &str) -> PathBuf {
    PathBuf::from(crate::plot::file_name(&format!("sweep-{workload}-{param}")))
}

/// `sweep.json`.
#[derive(Serialize)]
struct SweepJson<'a> {
    schema: &'static str,
    workload: &'a str,
    param: &'a str,
    workers: usize,
    models: &'a [String],
    fixed_params: &'a std::collections::BTreeMap<String, u64>,
    break_even: Vec<ModelBreakEven>,
    points: &'a [SweepPoint],
}

#[derive(Serialize)]
struct ModelBreakEven {
    model: String,
    crossings: Vec<Crossing>,
    text: String,
}

/// What [`write`] produced.
#[derive(Debug, Clone)]
pub struct Written {
    /// The folder.
    pub dir: PathBuf,
    /// Files written, relative to `dir`, sorted.
    pub files: Vec<PathBuf>,
}

/// A sweep's folder, checked and with its staging folder made, before anything runs.
pub struct Prepared {
    folder: OutputFolder,
    dir: PathBuf,
}

impl Prepared {
    /// Checks `dir` (created if missing) and makes its staging folder. Errors:
    /// [`SweepError::Output`] when `dir` is a file or holds files concbench did not write.
    pub fn open(dir: &Path) -> Result<Prepared, SweepError> {
        Ok(Prepared {
            folder: OutputFolder::open(dir, OWNER)?,
            dir: dir.to_path_buf(),
        })
    }

    /// Writes `sweep` into the folder, replacing only files an earlier sweep wrote.
    /// `subtitle` is the line under the chart's title and the Markdown's heading (what was
    /// fixed). Errors: [`SweepError`].
    pub fn write(self, sweep: &Sweep, subtitle: &str, theme: Theme) -> Result<Written, SweepError> {
        stage(self.folder.staging(), sweep, subtitle, theme)?;
        let files = self.folder.commit()?;
        Ok(Written {
            dir: self.dir,
            files,
        })
    }
}

fn stage(staging: &Path, sweep: &Sweep, subtitle: &str, theme: Theme) -> Result<(), SweepError> {
    let chart = SweepChart::new(sweep, subtitle.to_string(), theme);
    write_formats(
        &chart,
        &[Format::Svg, Format::Png],
        staging,
        Path::new(STEM),
    )?;
    let md = format!(
        "# {}: time and speedup vs {}\n\n{}\n\nEach cell: median time of one batch (speedup over sequential at the same {}).\n\n{}\n{}\n![speedup vs {}]({STEM}.svg)\n",
        sweep.workload,
        sweep.param,
        subtitle,
        sweep.param,
        sweep.table(),
        sweep.break_even_list(),
        sweep.param,
    );
    let json = SweepJson {
        schema: SCHEMA,
        workload: &sweep.workload,
        param: &sweep.param,
        workers: sweep.workers,
        models: &sweep.models,
        fixed_params: &sweep.fixed_params,
        break_even: sweep
            .break_evens()
            .into_iter()
            .map(|(model, text)| ModelBreakEven {
                crossings: crossings(&sweep.speedups(&model)),
                model,
                text,
            })
            .collect(),
        points: &sweep.points,
    };
    let json = serde_json::to_string_pretty(&json).map_err(|e| SweepError::Write {
        path: staging.join("sweep.json"),
        source: io::Error::other(e),
    })? + "\n";
    for (name, text) in [("sweep.md", md), ("sweep.json", json)] {
        let path = staging.join(name);
        fs::write(&path, text).map_err(|source| SweepError::Write { path, source })?;
    }
    Ok(())
}
