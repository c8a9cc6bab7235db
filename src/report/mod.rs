//! Reports: one results file rendered into a folder of charts, `report.md`, `report.html`
//! (the same text as one self-contained page, see [`crate::page`]) and `results.csv`.
//!
//! [`render`] draws everything into a fresh staging folder inside the target and only then
//! moves the new files into place one by one, replacing only files an earlier report wrote
//! (see [`crate::results::store::folder`]), so a failed render leaves the previous report
//! usable and the user's own files are never touched. The
//! parts: [`chart`] (one file per chart), [`markdown`] (with [`sync_section`]), [`csv`],
//! [`fit`] (Amdahl and USL), [`origin`] (what a report says about where its data came from:
//! the machine, or the folder of imported data), and [`from_criterion`] (a results file
//! built from any criterion output whose ids are `<model>/<workers>`). A criterion folder is
//! read on the axis [`axis`] chooses ([`foreign`]): as workers, or as a parameter of the work
//! ([`param`], its own charts and tables); [`view`] and [`scaling`] pick strong or weak
//! scaling. To add an output file, write it in [`render`]'s staging step.

pub mod axis;
pub mod chart;
pub mod csv;
pub mod fit;
pub mod foreign;
pub mod markdown;
pub mod origin;
pub mod param;
pub mod scaling;
pub mod sync_section;
pub mod view;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

#[cfg(doc)]
use crate::machine::Machine;
use crate::plot::{Format, Theme};
use crate::results::checks::case_flags;
use crate::results::import::{self, Ids};
use crate::results::schema::Results;
#[cfg(doc)]
use crate::results::source::Source;
use crate::results::store::folder::{OutputFolder, Owner};
use chart::ChartContext;
use view::View;

/// What to render and where.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The report folder (created if missing).
    pub out_dir: PathBuf,
    /// Chart formats.
    pub formats: Vec<Format>,
    /// Light or dark charts.
    pub theme: Theme,
}

/// What a render produced.
#[derive(Debug, Clone)]
pub struct ReportSummary {
    /// The report folder.
    pub dir: PathBuf,
    /// Files written, relative to `dir`.
    pub files: Vec<PathBuf>,
    /// Their total size in bytes.
    pub bytes: u64,
}

impl ReportSummary {
    /// The summary of `files` (relative to `dir`) just written: their total size read back.
    pub fn of(dir: &Path, files: Vec<PathBuf>) -> Self {
        let bytes = files
            .iter()
            .filter_map(|f| fs::metadata(dir.join(f)).ok())
            .map(|m| m.len())
            .sum();
        ReportSummary {
            dir: dir.to_path_buf(),
            files,
            bytes,
        }
    }
}

/// Who owns the files of a report folder: its manifest, and which folder without one a
/// report may still go into (one holding a readable `results.json`, where `cargo bench` puts
/// the first report of a run; nothing already there is replaced).
pub const OWNER: Owner = Owner {
    manifest: ".concbench-report-files",
    staging: ".report-staging",
    ours: holds_results,
};

fn holds_results(dir: &Path) -> bool {
    Results::read(&dir.join(crate::results::locate::RESULTS_FILE)).is_ok()
}

/// Renders `results` into `options.out_dir` (created if missing). Every file is drawn first;
/// then each replaces the same file of an earlier report, files of the earlier report not
/// drawn again are removed, and anything else in the folder (the results file, the user's
/// own files) is left alone. Errors: an [`OutputError`](crate::results::store::folder::OutputError)
/// when the folder is a file or a new file would replace one concbench did not write
/// (nothing is changed then), or a drawing or writing failure.
pub fn render(results: &Results, options: &ReportOptions) -> anyhow::Result<ReportSummary> {
    render_view(results, options, &View::default())
}

/// As [`render`], in `view`: its charts, fits and notes ([`View`]).
pub fn render_view(
    results: &Results,
    options: &ReportOptions,
    view: &View,
) -> anyhow::Result<ReportSummary> {
    let out = &options.out_dir;
    let folder = OutputFolder::open(out, OWNER)?;
    let files = stage(results, options, view, folder.staging())?;
    folder.commit()?;
    Ok(ReportSummary::of(out, files))
}

/// Writes every report file into `dir`; returns their paths relative to it.
fn stage(
    results: &Results,
    options: &ReportOptions,
    view: &View,
    dir: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let fits = view.fits(results);
    let flags = case_flags(results);
    let charts = chart::render_set(
        &ChartContext {
            results,
            fits: &fits,
            flags: &flags,
            theme: options.theme,
            formats: &options.formats,
            out_dir: dir,
        },
        view.charts(),
    )
    .context("drawing charts")?;
    let mut files: Vec<PathBuf> = charts.iter().flat_map(|c| c.files.clone()).collect();
    let report_md = markdown::render_view(results, &fits, &charts, view);
    let raw_json =
        serde_json::to_string(results).context("encoding the results for report.html")?;
    let report_html = crate::page::render(&crate::page::PageInput {
        title: &format!("concbench report: {}", origin::headline(results)),
        markdown: &report_md,
        base_dir: dir,
        raw_json: &raw_json,
        raw_name: crate::results::locate::RESULTS_FILE,
    })?;
    for (name, text) in [
        ("report.md", report_md),
        ("report.html", report_html),
        ("results.csv", csv::render(results)),
    ] {
        fs::write(dir.join(name), text).with_context(|| format!("writing {name}"))?;
        files.push(PathBuf::from(name));
    }
    // Imported data has no results file of its own: the report keeps one, so that
    // `concbench report OUT` and `compare` read it back.
    if results.source.is_some() {
        let name = crate::results::locate::RESULTS_FILE;
        fs::write(dir.join(name), results.to_json()).with_context(|| format!("writing {name}"))?;
        files.push(PathBuf::from(name));
    }
    Ok(files)
}

/// Builds a results file from any criterion output folder whose benchmark ids are
/// `<group>/<model>/<workers>` (each group a workload), as
/// [`crate::results::import::from_criterion`] does, with the ids of another shape left out
/// and listed in the warnings. Speedups need a `sequential/1` benchmark in the group.
/// Nothing is read of this machine: the results' machine is [`Machine::unknown`] and
/// their [`Source`] names the folder, criterion's sample count and sampling mode per id,
/// and `machine_note`. Errors: the folder does not import, or no id has the shape.
pub fn from_criterion(dir: &Path, machine_note: Option<&str>) -> anyhow::Result<Results> {
    let imported = import::from_criterion(dir, None, Ids::Workers, machine_note)?;
    let mut results = imported.results;
    results.run.warnings.extend(origin::left_out_warning(
        &imported.left_out,
        results.cases.len(),
    ));
    Ok(results)
}
