//! Writing `--out DIR`: `compare.md`, `compare.html` (the same text as one self-contained
//! page, see [`crate::page`]), `compare.json`, `compare.csv` and the charts.
//!
//! Everything is drawn into a staging folder inside `DIR` first and only then moved into
//! place file by file, replacing only files an earlier comparison wrote (see
//! [`crate::results::store::folder`]), so a failure leaves the previous comparison usable
//! and the user's own files are never touched. A report folder (one holding `results.json`) is refused as `DIR`: the per-workload
//! chart folders would replace the report's. To add a file, write it in the staging step (`stage`).

use std::fs;
use std::path::{Path, PathBuf};

use super::input::RESULTS_FILE;
use super::{CompareError, Comparison, Input, SCHEMA, chart, export, markdown};
use crate::plot::{Format, RenderedChart, Theme};
use crate::results::store::folder::{OutputError, OutputFolder, Owner, refuse_holding};

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
    if fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(OutputError::NotAFolder {
            path: dir.to_path_buf(),
        }
        .into());
    }
    for input in inputs {
        refuse_holding(dir, &input.path)?;
    }
    if dir.join(RESULTS_FILE).exists() {
        return Err(CompareError::OutIsReportFolder {
            path: dir.to_path_buf(),
        });
    }
    let folder = OutputFolder::open(dir, OWNER)?;
    let (files, charts) = stage(folder.staging(), inputs, comparison, formats, theme)?;
    folder.commit()?;
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

/// Who owns the files of a comparison folder: its manifest, and which folder without one a
/// comparison may still go into (one whose `compare.json` reads as a comparison of schema
/// [`SCHEMA`]; nothing already there is replaced).
pub const OWNER: Owner = Owner {
    manifest: ".concbench-compare-files",
    staging: ".compare-staging",
    ours: holds_comparison,
};

fn holds_comparison(dir: &Path) -> bool {
    fs::read_to_string(dir.join("compare.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|json| json["schema"] == SCHEMA)
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
    let compare_md = markdown::render(comparison, &charts);
    let compare_json = export::json(comparison);
    let compare_html = crate::page::render(&crate::page::PageInput {
        title: "concbench comparison",
        markdown: &compare_md,
        base_dir: staging,
        raw_json: &compare_json,
        raw_name: "compare.json",
    })
    .map_err(|e| CompareError::Write {
        path: staging.join("compare.html"),
        message: e.to_string(),
    })?;
    for (name, text) in [
        ("compare.md", compare_md),
        ("compare.html", compare_html),
        ("compare.json", compare_json),
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
