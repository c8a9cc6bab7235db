//! Writing `--out DIR`: `compare.md`, `compare.json`, `compare.csv` and the charts.
//!
//! Everything is drawn into a staging folder inside `DIR` first and only then moved into
//! place entry by entry (the report's pattern), so a failure leaves the previous comparison
//! intact. A report folder (one holding `results.json`) is refused as `DIR`: the per-workload
//! chart folders would replace the report's. To add a file, write it in the staging step (`stage`).

use std::fs;
use std::path::{Path, PathBuf};

use super::input::RESULTS_FILE;
use super::{CompareError, Comparison, Input, chart, export, markdown};
use crate::plot::{Format, RenderedChart, Theme};
use crate::results::store::replace_entries;

/// What [`write()`] produced.
#[derive(Debug, Clone)]
pub struct Written {
    /// The folder.
    pub dir: PathBuf,
    /// Files written, relative to `dir`.
    pub files: Vec<PathBuf>,
    /// The charts among them.
    pub charts: Vec<RenderedChart>,
    /// Total size in bytes.
    pub bytes: u64,
}

/// Writes the comparison into `dir` (created if missing).
pub fn write(
    dir: &Path,
    inputs: &[Input],
    comparison: &Comparison,
    formats: &[Format],
    theme: Theme,
) -> Result<Written, CompareError> {
    if dir.join(RESULTS_FILE).exists() {
        return Err(CompareError::OutIsReportFolder {
            path: dir.to_path_buf(),
        });
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| CompareError::Write {
            path,
            message: e.to_string(),
        }
    };
    fs::create_dir_all(dir).map_err(io(dir))?;
    let staging = dir.join(format!(".compare-staging-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging).map_err(io(&staging))?;
    let staged = stage(&staging, inputs, comparison, formats, theme);
    let result = staged.and_then(|staged| swap_in(&staging, dir).map(|()| staged));
    let _ = fs::remove_dir_all(&staging);
    let (files, charts) = result?;
    let bytes = files
        .iter()
        .filter_map(|f| fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum();
    Ok(Written {
        dir: dir.to_path_buf(),
        files,
        charts,
        bytes,
    })
}

/// Writes every file into `staging`; returns their relative paths and the charts.
fn stage(
    staging: &Path,
    inputs: &[Input],
    comparison: &Comparison,
    formats: &[Format],
    theme: Theme,
) -> Result<(Vec<PathBuf>, Vec<RenderedChart>), CompareError> {
    let charts = chart::render_all(inputs, formats, theme, staging)?;
    let mut files: Vec<PathBuf> = charts.iter().flat_map(|c| c.files.clone()).collect();
    for (name, text) in [
        ("compare.md", markdown::render(comparison, &charts)),
        ("compare.json", export::json(comparison)),
        ("compare.csv", export::csv(comparison)),
    ] {
        let path = staging.join(name);
        fs::write(&path, text).map_err(|e| CompareError::Write {
            path,
            message: e.to_string(),
        })?;
        files.push(PathBuf::from(name));
    }
    Ok((files, charts))
}

fn swap_in(staging: &Path, out: &Path) -> Result<(), CompareError> {
    replace_entries(staging, out).map_err(|(path, e)| CompareError::Write {
        path,
        message: e.to_string(),
    })
}
