//! `concbench slides RESULTS [SECOND] --out DIR`: a 16:9 deck from one run, or from two
//! runs side by side.
//!
//! DIR gets `deck.pdf` (vector pages of 1440x810 pt, fonts embedded: [`pdf`]), `slides.md`
//! (the same deck in Marp's Markdown: [`marp`]) and the SVG of every page, which
//! `slides.md` shows. Which pages there are, and the one-line takeaway under each chart, is
//! [`pages`] and [`takeaway`]. Nothing here needs a browser, a system font or a system
//! library.
//!
//! The runs are checked before anything is drawn ([`read_inputs`]): each must hold a
//! workload case, and two must pass concbench compare's own checks (one profile unless
//! allowed, a common case).
//!
//! DIR follows the rule of every concbench output folder
//! ([`crate::results::store::folder`]): everything is drawn into a staging folder first,
//! then each file replaces only a file an earlier deck wrote there (its manifest is
//! `.concbench-slides-files`); a report folder (one holding `results.json`) is refused, so
//! a deck never mixes with the charts of a report. To add an output file, write it in
//! [`write`]'s staging step.

pub mod marp;
pub mod pages;
pub mod pdf;
pub mod takeaway;

use std::fs;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::compare::{CompareError, Input};
use crate::plot::Theme;
use crate::results::ResultsError;
use crate::results::locate::{self, RESULTS_FILE};
use crate::results::store::folder::{OutputError, OutputFolder, Owner};

/// The deck's file name in the output folder.
pub const DECK_FILE: &str = "deck.pdf";
/// The Marp deck's file name in the output folder.
pub const MARP_FILE: &str = "slides.md";

/// Who owns the files of a deck folder. No deck was ever written without a manifest, so a
/// folder without one is someone else's.
pub const OWNER: Owner = Owner {
    manifest: ".concbench-slides-files",
    staging: ".slides-staging",
    ours: |_| false,
};

/// What can go wrong making a deck. Every variant is one line naming the file, the page or
/// the option.
#[derive(Debug, Error)]
pub enum SlidesError {
    /// More than two runs.
    #[error(
        "slides takes one run or two to compare, got {0}; for more machines use concbench compare"
    )]
    TooManyRuns(usize),
    /// `--out` is a report folder.
    #[error(
        "{} holds results.json, a report folder; give --out a folder of its own, e.g. {}",
        path.display(), path.join("deck").display()
    )]
    OutIsReportFolder {
        /// The folder.
        path: PathBuf,
    },
    /// A run without a workload case: nothing for the deck's charts.
    #[error(
        "{} holds no workload cases to chart (only overhead or sync records); make the deck from the results of a run of the models bench (`cargo bench`), or see these records with concbench report",
        path.display()
    )]
    NoWorkloadCases {
        /// The results file.
        path: PathBuf,
    },
    /// A results file that cannot be used.
    #[error(transparent)]
    Results(#[from] ResultsError),
    /// Two runs that cannot be compared (the same file twice, different profiles without
    /// `allow_profile_mismatch`, no common case).
    #[error(transparent)]
    Compare(#[from] CompareError),
    /// A page could not be drawn (a bug: every figure draws).
    #[error("drawing page {page}: {message}")]
    Draw {
        /// The page's file stem.
        page: String,
        /// Why.
        message: String,
    },
    /// The PDF could not be made.
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    /// A file could not be written in the staging folder.
    #[error("cannot write {}: {source}; nothing in the output folder changed", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The output folder is unusable, or putting files into place failed.
    #[error(transparent)]
    Output(#[from] OutputError),
}

impl SlidesError {
    /// True when the user's input is at fault (exit status 2); false for a failure while
    /// drawing or writing (1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            SlidesError::TooManyRuns(_)
            | SlidesError::OutIsReportFolder { .. }
            | SlidesError::NoWorkloadCases { .. } => true,
            SlidesError::Results(e) => e.is_bad_input(),
            SlidesError::Compare(e) => e.is_usage(),
            SlidesError::Output(e) => e.is_bad_input(),
            SlidesError::Draw { .. } | SlidesError::Pdf(_) | SlidesError::Write { .. } => false,
        }
    }
}

/// What to put in a deck and where.
#[derive(Debug, Clone)]
pub struct SlidesOptions {
    /// One or two results files or machine folders; the first is the base of a comparison.
    pub inputs: Vec<PathBuf>,
    /// The output folder (created if missing).
    pub out_dir: PathBuf,
    /// Light or dark pages.
    pub theme: Theme,
    /// Draw two runs of different profiles side by side (refused otherwise, as by
    /// concbench compare).
    pub allow_profile_mismatch: bool,
}

/// What [`write`] produced.
#[derive(Debug, Clone)]
pub struct Written {
    /// The output folder.
    pub dir: PathBuf,
    /// Files written, relative to `dir`, sorted.
    pub files: Vec<PathBuf>,
    /// Pages of `deck.pdf`.
    pub pages: usize,
    /// Size of `deck.pdf` in bytes.
    pub deck_bytes: u64,
}

/// Reads the runs: each argument is a results file or a machine folder holding
/// `results.json` with at least one workload case; two runs must share a case and, unless
/// `allow_profile_mismatch`, have run the same profile (the check of concbench compare,
/// [`crate::compare::compare`]). Errors: bad input naming the file.
pub fn read_inputs(
    args: &[PathBuf],
    allow_profile_mismatch: bool,
) -> Result<Vec<Input>, SlidesError> {
    if args.len() > 2 {
        return Err(SlidesError::TooManyRuns(args.len()));
    }
    let files = args
        .iter()
        .map(|a| locate::resolve(a).map(crate::compare::input::InputFile::Results))
        .collect::<Result<Vec<_>, _>>()?;
    let inputs = crate::compare::input::read(&files)?;
    for input in &inputs {
        input.results.require_measurements(&input.path)?;
        if input.results.cases.is_empty() {
            return Err(SlidesError::NoWorkloadCases {
                path: input.path.clone(),
            });
        }
    }
    if inputs.len() == 2 {
        // Only for its errors: runs of different profiles do not compare, and runs without
        // a common case have nothing to set side by side.
        crate::compare::compare(&inputs, 0.05, allow_profile_mismatch, true)?;
    }
    Ok(inputs)
}

/// Reads the inputs and writes the deck into `options.out_dir`.
pub fn run(options: &SlidesOptions) -> Result<Written, SlidesError> {
    let inputs = read_inputs(&options.inputs, options.allow_profile_mismatch)?;
    write(&inputs, &options.out_dir, options.theme)
}

/// Draws every page of `inputs`' deck and writes `deck.pdf`, `slides.md` and the pages'
/// SVGs into `dir` through a staging folder. Errors: [`SlidesError`].
pub fn write(inputs: &[Input], dir: &Path, theme: Theme) -> Result<Written, SlidesError> {
    if fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(OutputError::NotAFolder {
            path: dir.to_path_buf(),
        }
        .into());
    }
    if dir.join(RESULTS_FILE).exists() {
        return Err(SlidesError::OutIsReportFolder {
            path: dir.to_path_buf(),
        });
    }
    let pages = pages::plan(inputs, theme)
        .map_err(|(page, message)| SlidesError::Draw { page, message })?;
    let title = match inputs {
        [one] => format!(
            "concbench: {}",
            crate::report::origin::headline(&one.results)
        ),
        _ => format!("concbench: {} against {}", inputs[0].label, inputs[1].label),
    };
    let svgs: Vec<(String, String)> = pages
        .iter()
        .map(|p| (p.stem.display().to_string(), p.svg.clone()))
        .collect();
    let deck = pdf::render(&svgs, &title)?;

    let folder = OutputFolder::open(dir, OWNER)?;
    let staging = folder.staging();
    let put = |relative: &Path, bytes: &[u8]| -> Result<(), SlidesError> {
        let path = staging.join(relative);
        let wrap = |source| SlidesError::Write {
            path: dir.join(relative),
            source,
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(wrap)?;
        }
        fs::write(&path, bytes).map_err(wrap)
    };
    for page in &pages {
        put(&page.stem.with_extension("svg"), page.svg.as_bytes())?;
    }
    put(Path::new(MARP_FILE), marp::render(&pages).as_bytes())?;
    put(Path::new(DECK_FILE), &deck)?;
    let files = folder.commit()?;
    Ok(Written {
        dir: dir.to_path_buf(),
        files,
        pages: pages.len(),
        deck_bytes: deck.len() as u64,
    })
}
