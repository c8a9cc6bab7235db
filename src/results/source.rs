//! Where the numbers of a results file came from when concbench did not measure them: a
//! [`Source`] names the tool and the folder, what the data itself says about each benchmark
//! (criterion's sample count and sampling mode), and what the user said about the machine
//! (`--machine-note`). A report of such a file states these and nothing more: no machine
//! fingerprint, no busy verdict, no concbench settings, no date of measurement.
//!
//! Files of concbench's own runs have no source. To import another tool, add a
//! [`SourceTool`] variant and fill a [`Source`] where the import builds its results.

use serde::{Deserialize, Serialize};

/// The tool whose output was imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceTool {
    /// A criterion output folder (`target/criterion` or a copy of it).
    Criterion,
    /// A hyperfine JSON export (`--export-json`) of a parameter scan.
    Hyperfine,
}

impl SourceTool {
    /// The tool's name as reports write it.
    pub fn name(self) -> &'static str {
        match self {
            SourceTool::Criterion => "criterion",
            SourceTool::Hyperfine => "hyperfine",
        }
    }

    /// What the tool's output is: a `folder` for criterion, a `file` for hyperfine.
    pub fn holder(self) -> &'static str {
        match self {
            SourceTool::Criterion => "folder",
            SourceTool::Hyperfine => "file",
        }
    }
}

/// What is known about data concbench imported rather than measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// The tool that wrote the data.
    pub tool: SourceTool,
    /// The folder (or file) it was read from, as the user named it.
    pub path: String,
    /// The criterion baseline read (`base`, or a name given to `--save-baseline`); `None`:
    /// the latest measurement (`new`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// Lines a report prints about how the data was read, e.g. which axis the last id
    /// segment was read on and why; kept so that a report of this results file says them
    /// again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// What the user said about the machine that measured it (`--machine-note`); `None`:
    /// the machine is unknown. The results file's `machine` is then a placeholder with no
    /// reading of any machine (see [`crate::machine::Machine::unknown`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_note: Option<String>,
    /// One entry per imported benchmark, in the order of the cases.
    pub benchmarks: Vec<SourceBenchmark>,
}

/// What the data says about one imported benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceBenchmark {
    /// The tool's own id, e.g. criterion's `group/function/value`.
    pub id: String,
    /// The case it became: `workload/model/workers`.
    pub case: String,
    /// How many samples the tool kept.
    pub samples: usize,
    /// How the tool chose its iterations per sample (criterion's `Linear` or `Flat`);
    /// `None` when the data does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling_mode: Option<String>,
}

/// The machine of imported data as a report names it: the user's `--machine-note`, marked
/// as told, else `unknown`.
pub fn machine_named(note: Option<&str>) -> String {
    match note {
        Some(note) => format!("{note} (as told, not read)"),
        None => "unknown".to_string(),
    }
}

impl Source {
    /// The machine as a report names it: see [`machine_named`].
    pub fn machine(&self) -> String {
        machine_named(self.machine_note.as_deref())
    }

    /// One line for titles and chart subtitles: `criterion folder target/criterion ·
    /// machine: unknown` (with `, baseline base` after the folder when one was read).
    pub fn headline(&self) -> String {
        let baseline = self
            .baseline
            .as_ref()
            .map_or_else(String::new, |b| format!(", baseline {b}"));
        format!(
            "{} {} {}{baseline} · machine: {}",
            self.tool.name(),
            self.tool.holder(),
            self.path,
            self.machine()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(note: Option<&str>) -> Source {
        Source {
            tool: SourceTool::Criterion,
            path: "their/criterion".to_string(),
            baseline: None,
            notes: Vec::new(),
            machine_note: note.map(str::to_string),
            benchmarks: vec![SourceBenchmark {
                id: "Sort/Rayon par_sort/4".to_string(),
                case: "Sort/Rayon par_sort/4".to_string(),
                samples: 100,
                sampling_mode: Some("Flat".to_string()),
            }],
        }
    }

    #[test]
    fn the_machine_is_unknown_unless_told() {
        assert_eq!(source(None).machine(), "unknown");
        assert_eq!(
            source(None).headline(),
            "criterion folder their/criterion · machine: unknown"
        );
        assert_eq!(
            source(Some("CI runner, 4 vCPUs")).machine(),
            "CI runner, 4 vCPUs (as told, not read)"
        );
    }

    #[test]
    fn a_source_round_trips_through_json() {
        let s = source(Some("laptop"));
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains("\"tool\":\"criterion\""), "{text}");
        assert_eq!(serde_json::from_str::<Source>(&text).unwrap(), s);
    }
}
