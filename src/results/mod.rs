//! Results files: one JSON file per run, their import from criterion, and their atomic write.
//!
//! - [`schema`]: the versioned serde types of a results file ([`SCHEMA`] =
//!   `concbench.results/1`), reading with clear errors, and the speedup helper the report and
//!   compare commands use;
//! - [`criterion`]: reads this run's cases from criterion's output folder
//!   (`target/criterion/<group>/<function>/<value>/new/*.json`);
//! - [`duplicates`]: an id found in more than one criterion folder (a stale folder of an
//!   older criterion beside the current one): which folder is read, and the warning;
//! - [`import`]: results built from a criterion folder (any baseline) and [`hyperfine`]:
//!   from a hyperfine scan, with a [`source::Source`] in place of a machine reading;
//! - [`source`]: what a file built from another tool's data knows about where it came from
//!   (the folder, the tool's sample counts, a machine note) in place of a machine reading;
//! - [`store`]: writes a file atomically (temp file, fsync, rename), so a failure never leaves
//!   a half-written file or loses the previous one;
//! - [`locate`]: the results file a path names (the file, or `results.json` in a machine
//!   folder), for every command that reads one;
//! - [`note`]: what a file keeps of each workload's description ([`note::WorkloadNote`]);
//! - [`validate`]: the checks a file that parsed must pass before anything uses it
//!   (times finite and not negative, bounds in order, worker counts above 0).
//!
//! To extend the file format without breaking old readers, add a field with
//! `#[serde(default)]` (readers of version 1 ignore unknown fields). A change that old readers
//! would misread (a renamed or retyped field) needs a new [`SCHEMA`] version and a reader that
//! still accepts the old one.

pub mod checks;
pub mod criterion;
pub mod duplicates;
pub mod hyperfine;
pub mod import;
pub mod locate;
pub mod note;
pub mod rounds;
pub mod schema;
pub mod source;
pub mod store;
pub mod validate;

use std::path::PathBuf;

use thiserror::Error;

pub use schema::{
    CaseRecord, CpuUsage, CriterionSettings, EarlierRun, Estimate, Memory, OverheadRecord,
    READABLE_SCHEMAS, Results, RoundTimes, RoundsInfo, RunInfo, SCHEMA, Sample, TimeEstimate,
};
pub use store::{write_atomic, write_atomic_with, write_results};

/// What can go wrong reading or writing a results file. Every variant renders as one line
/// naming the file.
#[derive(Debug, Error)]
pub enum ResultsError {
    /// The file could not be read at all.
    #[error("cannot read results file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid JSON, or a field has the wrong shape.
    #[error(
        "results file {path} is corrupt at line {line} column {column} (field '{field}'): {message}; re-run `cargo bench` to write it again"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// 1-based line of the error, as serde reports it.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The JSON path of the field at fault, e.g. `cases[2].time.median.point`.
        field: String,
        /// serde's description of the problem.
        message: String,
    },
    /// A folder was given for a results file, and it holds no `results.json`.
    #[error(
        "{} is a folder without results.json; pass a results file or a machine folder holding one (e.g. reports/<machine>, as `cargo bench` writes it)",
        path.display()
    )]
    NoResultsInFolder {
        /// The folder.
        path: PathBuf,
    },
    /// The file parsed, but a value in it cannot be a measurement (a negative or non-finite
    /// time, a lower bound above its upper bound, a worker count of 0).
    #[error(
        "results file {path} is invalid (field '{field}'): {message}; re-run `cargo bench` to write it again"
    )]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The JSON path of the field at fault, e.g. `cases[2].time.median.lower`.
        field: String,
        /// What is wrong with its value.
        message: String,
    },
    /// The file is valid but holds nothing to show: no case, no overhead and no sync record.
    #[error(
        "results file {path} holds no measurements (no cases, no overhead and no sync records); run `cargo bench` to measure, or pass the results file of a run that did"
    )]
    NoMeasurements {
        /// The file.
        path: PathBuf,
    },
    /// The file has no `schema` field, so it is not a concbench results file.
    #[error(
        "{path} has no 'schema' field, so it is not a concbench results file; expected schema \"{supported}\""
    )]
    MissingSchema {
        /// The file.
        path: PathBuf,
        /// The version this build reads.
        supported: &'static str,
    },
    /// The file was written with a schema version this build does not read.
    #[error(
        "results file {path} has schema \"{found}\", but this concbench reads {supported}; use the concbench version that wrote it, or re-run `cargo bench` to write a new one"
    )]
    UnknownSchema {
        /// The file.
        path: PathBuf,
        /// The version found in the file.
        found: String,
        /// The versions this build reads, quoted, e.g. `"concbench.results/2" or "concbench.results/1"`.
        supported: String,
    },
    /// The results hold a value JSON cannot carry (NaN, infinity), so the file would not read
    /// back; nothing was written.
    #[error(
        "refusing to write {path}: field '{field}' would not read back ({message}); the previous file, if any, is unchanged"
    )]
    Unwritable {
        /// The file that was not written.
        path: PathBuf,
        /// The JSON path of the field at fault.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// Writing failed; the previous file, if any, is unchanged.
    #[error("cannot write {path}: {source}; the previous file, if any, is unchanged")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The JSON path (e.g. `cases[2].time.median.point`) of the value at a 1-based line and
/// column of `text`, for error messages that name the field serde stumbled on.
///
/// A small scanner, not a parser: it tracks the stack of objects and arrays and the last key
/// up to the error position. Returns `"(top level)"` outside any container.
pub(crate) fn json_path_at(text: &str, line: usize, column: usize) -> String {
    let path = json_scan(text, line, column, false).unwrap_or_default();
    if path.is_empty() {
        "(top level)".to_string()
    } else {
        path
    }
}

/// The JSON path of the object the position is inside, without the key being read in it:
/// `""` for the top-level object, `cases[2].time` inside a case's time. `None` when the
/// position is inside an array or outside any container.
pub(crate) fn json_object_path_at(text: &str, line: usize, column: usize) -> Option<String> {
    json_scan(text, line, column, true)
}

/// The scanner behind [`json_path_at`] and [`json_object_path_at`]: with `object_only`,
/// the innermost object's key is left out, and the result is `None` when the innermost
/// container is no object.
fn json_scan(text: &str, line: usize, column: usize, object_only: bool) -> Option<String> {
    enum Frame {
        Object { key: Option<String>, want_key: bool },
        Array { index: usize },
    }
    let mut stack: Vec<Frame> = Vec::new();
    let (mut cur_line, mut cur_col) = (1usize, 0usize);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\n' {
            cur_line += 1;
            cur_col = 0;
        } else {
            cur_col += 1;
        }
        if cur_line > line || (cur_line == line && cur_col >= column) {
            break;
        }
        match c {
            '{' => stack.push(Frame::Object {
                key: None,
                want_key: true,
            }),
            '[' => stack.push(Frame::Array { index: 0 }),
            '}' | ']' => {
                stack.pop();
            }
            ',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { want_key, .. }) => *want_key = true,
                None => {}
            },
            '"' => {
                let mut s = String::new();
                let mut escaped = false;
                for c in chars.by_ref() {
                    cur_col += 1;
                    match (escaped, c) {
                        (true, _) => {
                            s.push(c);
                            escaped = false;
                        }
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        (false, _) => s.push(c),
                    }
                }
                if let Some(Frame::Object { key, want_key }) = stack.last_mut() {
                    if *want_key {
                        *key = Some(s);
                        *want_key = false;
                    }
                }
            }
            _ => {}
        }
    }
    if object_only && !matches!(stack.last(), Some(Frame::Object { .. })) {
        return None;
    }
    let depth = stack.len();
    let mut path = String::new();
    for (i, frame) in stack.iter().enumerate() {
        match frame {
            Frame::Object { .. } if object_only && i + 1 == depth => {}
            Frame::Object { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    Some(path)
}

impl ResultsError {
    /// True when the file the user named cannot be used (missing, corrupt, another schema):
    /// bad input, as opposed to a failure to write.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            ResultsError::Read { .. }
                | ResultsError::NoResultsInFolder { .. }
                | ResultsError::Corrupt { .. }
                | ResultsError::Invalid { .. }
                | ResultsError::NoMeasurements { .. }
                | ResultsError::MissingSchema { .. }
                | ResultsError::UnknownSchema { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{json_object_path_at, json_path_at};

    #[test]
    fn json_paths_name_the_field_at_a_position() {
        let text = "{\n  \"a\": 1,\n  \"cases\": [\n    {\"x\": 1},\n    {\"time\": {\"point\": \"oops\"}}\n  ]\n}";
        // Line 5, on the value "oops".
        let col = text.lines().nth(4).unwrap().find("oops").unwrap() + 1;
        assert_eq!(json_path_at(text, 5, col), "cases[1].time.point");
        assert_eq!(json_path_at(text, 2, 8), "a");
        assert_eq!(json_path_at(text, 1, 1), "(top level)");
    }

    #[test]
    fn object_paths_leave_out_the_key_being_read() {
        let text = "{\"a\": 1, \"cases\": [{\"time\": {\"point\": 1}}], \"b\": 2}";
        let col = text.find("1}").unwrap() + 1;
        assert_eq!(json_path_at(text, 1, col), "cases[0].time.point");
        assert_eq!(
            json_object_path_at(text, 1, col).as_deref(),
            Some("cases[0].time")
        );
        let col = text.find('2').unwrap() + 1;
        assert_eq!(json_object_path_at(text, 1, col).as_deref(), Some(""));
        let col = text.find("{\"time").unwrap() + 1;
        assert_eq!(json_object_path_at(text, 1, col), None);
    }

    #[test]
    fn json_paths_skip_escaped_quotes_and_braces_in_strings() {
        let text = r#"{"k\"{[": {"inner": [1, 2, "x]"]}, "b": true}"#;
        let col = text.find("true").unwrap() + 1;
        assert_eq!(json_path_at(text, 1, col), "b");
        let col = text.find("2,").unwrap() + 1;
        assert_eq!(json_path_at(text, 1, col), "k\"{[.inner[1]");
    }
}
