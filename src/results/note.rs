//! [`WorkloadNote`]: what a results file keeps of each workload's description (kind, teaching
//! point, task), as the registry of the run that measured it described it. A report then
//! describes a user's workloads as it does concbench's own, without their code; files written
//! before notes existed fall back to concbench's own list ([`Results::workload_note`]).

use serde::{Deserialize, Serialize};

use super::Results;
use crate::workload::{Kind, WorkloadInfo};

/// One workload's description in a results file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadNote {
    /// Its name, as in the case records.
    pub name: String,
    /// What limits it.
    pub kind: Kind,
    /// The one-line teaching point.
    pub teaches: String,
    /// What one task does.
    pub task: String,
    /// True when its tasks read and write files themselves.
    #[serde(default)]
    pub disk_io: bool,
}

impl WorkloadNote {
    /// The note of a registry entry.
    pub fn of(info: &WorkloadInfo) -> WorkloadNote {
        WorkloadNote {
            name: info.name.to_string(),
            kind: info.kind,
            teaches: info.teaches.to_string(),
            task: info.task.to_string(),
            disk_io: info.disk_io,
        }
    }
}

impl Results {
    /// The description of workload `name`: the file's own note, else concbench's own
    /// workload of that name (files written before notes), else `None`.
    pub fn workload_note(&self, name: &str) -> Option<WorkloadNote> {
        self.run
            .workloads
            .iter()
            .find(|n| n.name == name)
            .cloned()
            .or_else(|| crate::workload::find(name).ok().map(WorkloadNote::of))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::RunInfo;

    #[test]
    fn the_files_note_wins_over_the_builtin_list() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/results/valid.json");
        let mut results = Results::read(&path).unwrap();
        assert!(results.run.workloads.is_empty(), "an older file");
        let builtin = results.workload_note("sleep").unwrap();
        assert_eq!(builtin.kind, Kind::Io);
        assert_eq!(results.workload_note("nap"), None);
        let mine = WorkloadNote {
            name: "sleep".into(),
            kind: Kind::Cpu,
            teaches: "my own sleep".into(),
            task: "spin".into(),
            disk_io: false,
        };
        results.run.workloads.push(mine.clone());
        assert_eq!(results.workload_note("sleep"), Some(mine));
        let json = serde_json::to_string(&results.run).unwrap();
        let back: RunInfo = serde_json::from_str(&json).unwrap();
        assert_eq!(back.workloads, results.run.workloads);
    }
}
