//! `concbench export`: one results file turned into a format that benchmark trackers read,
//! so a team that keeps its history in such a tracker can push each machine's run to it.
//!
//! The parts:
//! - [`Exporter`]: the extension point, one implementation per format;
//! - [`bmf`]: the Bencher Metric Format (JSON: benchmark names as keys, measures inside);
//! - [`write_out`]: `--out FILE`, written atomically, and only over a file this exporter
//!   wrote before (anything else at that path is refused, never replaced).
//!
//! Export sits after [`crate::results`] and reads nothing else: it needs a results file and
//! its speedups ([`Results::speedup`]), no chart and no comparison.
//!
//! To add a format: one file with a type implementing [`Exporter`], one variant of
//! [`ExportFormat`] and one arm in [`ExportFormat::exporter`].

pub mod bmf;

use std::fmt;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::results::{ResultsError, schema::Results, store::write_atomic};

/// What can go wrong exporting. Every variant renders as one line naming the thing at fault
/// and what to do.
#[derive(Debug, Error)]
pub enum ExportError {
    /// No case has a time and there is no overhead record: the export would be empty.
    #[error(
        "it holds no timed case and no overhead record, so there is nothing to export; run `cargo bench` first, which times every case"
    )]
    NothingToExport,
    /// Two records would get the same benchmark name (the file holds a case twice).
    #[error(
        "benchmark {name} appears twice, so the file holds one case twice; re-run `cargo bench` to write it again"
    )]
    DuplicateBenchmark {
        /// The benchmark name, e.g. `sum-squares/threads/2`.
        name: String,
    },
    /// `--out` names a folder.
    #[error(
        "refusing to write the export to {}: it is a folder; give a file name, e.g. {}",
        path.display(), path.join("bmf.json").display()
    )]
    OutIsFolder {
        /// The folder.
        path: PathBuf,
    },
    /// `--out` names an existing file that is not an earlier export in this format.
    #[error(
        "refusing to replace {}: it is not an earlier {format} export of concbench ({why}); choose another --out, or move the file away",
        path.display()
    )]
    NotAnExport {
        /// The file left alone.
        path: PathBuf,
        /// The format being written.
        format: &'static str,
        /// What the file is instead, e.g. `not JSON`.
        why: String,
    },
    /// Writing `--out` failed; the previous file, if any, is unchanged.
    #[error(transparent)]
    Write(#[from] ResultsError),
}

impl ExportError {
    /// True for bad input (exit status 2); false for a failure while writing (status 1).
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, ExportError::Write(_))
    }
}

/// One export format: turns a results file into bytes, and recognises its own earlier
/// output so that `--out` replaces nothing else.
pub trait Exporter {
    /// The format's name, as `--format` takes it (e.g. `bmf`).
    fn name(&self) -> &'static str;

    /// The export of `results`.
    ///
    /// Errors: [`ExportError::NothingToExport`] when nothing in `results` can be exported,
    /// [`ExportError::DuplicateBenchmark`] when two records would share a name.
    fn export(&self, results: &Results) -> Result<Export, ExportError>;

    /// Why `existing` (the bytes of a file already at `--out`) is not an earlier output of
    /// this exporter, or `None` when it is one and may be replaced.
    fn foreign(&self, existing: &[u8]) -> Option<String>;
}

/// What an [`Exporter`] produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// The whole output, ending with a line break.
    pub text: String,
    /// How many benchmarks (cases and overhead records) it holds.
    pub benchmarks: usize,
    /// The records left out, by benchmark name, each with why (e.g. a case without a time).
    pub skipped: Vec<Skipped>,
}

/// A record an export left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Its benchmark name, e.g. `sleep/tokio-current/2`.
    pub name: String,
    /// Why, e.g. `no time`.
    pub why: &'static str,
}

impl Export {
    /// One line for standard error naming what was left out, e.g.
    /// `skipped 1 record: sleep/tokio-current/2 (no time)`; `None` when nothing was.
    pub fn skipped_line(&self) -> Option<String> {
        const SHOWN: usize = 8;
        if self.skipped.is_empty() {
            return None;
        }
        let n = self.skipped.len();
        let mut names: Vec<String> = self
            .skipped
            .iter()
            .take(SHOWN)
            .map(|s| format!("{} ({})", s.name, s.why))
            .collect();
        if n > SHOWN {
            names.push(format!("and {} more", n - SHOWN));
        }
        Some(format!(
            "skipped {n} record{}: {}",
            if n == 1 { "" } else { "s" },
            names.join(", ")
        ))
    }
}

/// The formats `concbench export --format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum ExportFormat {
    /// Bencher Metric Format: JSON, for `bencher run --adapter json`.
    Bmf,
}

impl ExportFormat {
    /// The exporter of this format.
    pub fn exporter(self) -> &'static dyn Exporter {
        match self {
            ExportFormat::Bmf => &bmf::Bmf,
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.exporter().name())
    }
}

/// Writes `export` to `path` atomically (a reader sees the old file or the whole new one).
///
/// An existing `path` is replaced only when `exporter` recognises it as its own earlier
/// output. Errors: [`ExportError::OutIsFolder`], [`ExportError::NotAnExport`] (nothing
/// written, the file untouched), [`ExportError::Write`] (the previous file, if any, is
/// unchanged).
pub fn write_out(exporter: &dyn Exporter, export: &Export, path: &Path) -> Result<(), ExportError> {
    if path.is_dir() {
        return Err(ExportError::OutIsFolder {
            path: path.to_path_buf(),
        });
    }
    if path.exists() {
        let why = match std::fs::read(path) {
            Ok(existing) => exporter.foreign(&existing),
            Err(e) => Some(format!("it cannot be read: {e}")),
        };
        if let Some(why) = why {
            return Err(ExportError::NotAnExport {
                path: path.to_path_buf(),
                format: exporter.name(),
                why,
            });
        }
    }
    write_atomic(path, export.text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export_skipping(n: usize) -> Export {
        Export {
            text: "{}\n".into(),
            benchmarks: 0,
            skipped: (0..n)
                .map(|i| Skipped {
                    name: format!("sleep/threads/{i}"),
                    why: "no time",
                })
                .collect(),
        }
    }

    #[test]
    fn the_skipped_line_counts_and_names_what_was_left_out() {
        assert_eq!(export_skipping(0).skipped_line(), None);
        assert_eq!(
            export_skipping(1).skipped_line().unwrap(),
            "skipped 1 record: sleep/threads/0 (no time)"
        );
        let many = export_skipping(10).skipped_line().unwrap();
        assert!(many.starts_with("skipped 10 records: "), "{many}");
        assert!(many.contains("sleep/threads/7 (no time)"), "{many}");
        assert!(!many.contains("sleep/threads/8"), "{many}");
        assert!(many.ends_with("and 2 more"), "{many}");
    }

    #[test]
    fn only_writing_failures_are_not_bad_input() {
        assert!(ExportError::NothingToExport.is_bad_input());
        assert!(ExportError::OutIsFolder { path: "d".into() }.is_bad_input());
        let write = ExportError::from(ResultsError::Write {
            path: "o.json".into(),
            source: std::io::Error::other("disk full"),
        });
        assert!(!write.is_bad_input());
    }
}
