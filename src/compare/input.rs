//! The command's inputs: each argument is a results file or a report folder holding
//! `results.json`. Each gets a short label for table headers and legends.
//!
//! A label is the machine's readable name when the run recorded one
//! (`CONCBENCH_MACHINE_NAME`) and no other input carries the same name. Otherwise it comes
//! from the path, because that is what the user chose: a report folder or a
//! `.../results.json` gives the folder's name (`reports/laptop` → `laptop`), any other file
//! its stem (`base.json` → `base`); two runs of one named machine (an A/A pair, a run under
//! `taskset`) are thus told apart by their files. Repeated labels get `#2`, `#3`.

use std::path::{Path, PathBuf};

use super::CompareError;
use crate::results::schema::Results;

/// The file name a report folder keeps its results in.
pub const RESULTS_FILE: &str = "results.json";

/// One machine's run, read.
#[derive(Debug, Clone)]
pub struct Input {
    /// Short name for headers and legends, unique among the inputs.
    pub label: String,
    /// The results file read.
    pub path: PathBuf,
    /// Its contents.
    pub results: Results,
}

/// The results file an argument names: the argument itself, or `results.json` inside it
/// when it is a folder.
pub fn resolve(arg: &Path) -> Result<PathBuf, CompareError> {
    if arg.is_dir() {
        let file = arg.join(RESULTS_FILE);
        if file.is_file() {
            Ok(file)
        } else {
            Err(CompareError::NoResultsInFolder {
                path: arg.to_path_buf(),
            })
        }
    } else {
        Ok(arg.to_path_buf())
    }
}

/// Reads every argument, in order, and labels them.
pub fn load(args: &[PathBuf]) -> Result<Vec<Input>, CompareError> {
    let mut read: Vec<(PathBuf, Results)> = Vec::new();
    for arg in args {
        let path = resolve(arg)?;
        let results = Results::read(&path)?;
        read.push((path, results));
    }
    let named: Vec<(&Path, Option<&str>)> = read
        .iter()
        .map(|(path, results)| (path.as_path(), results.machine.name.as_deref()))
        .collect();
    let labels = labels(&named);
    Ok(read
        .into_iter()
        .zip(labels)
        .map(|((path, results), label)| Input {
            label,
            path,
            results,
        })
        .collect())
}

/// One unique label per (path, machine name) input, in order: the name when it is set and
/// no other input has it, else the path's label; repeats get `#2`, `#3`.
fn labels(inputs: &[(&Path, Option<&str>)]) -> Vec<String> {
    fn name_of(name: Option<&str>) -> Option<&str> {
        name.map(str::trim).filter(|n| !n.is_empty())
    }
    let mut out: Vec<String> = Vec::new();
    for (path, name) in inputs {
        let unique_name = name_of(*name).filter(|&n| {
            inputs
                .iter()
                .filter(|(_, other)| name_of(*other) == Some(n))
                .count()
                == 1
        });
        let base = unique_name.map_or_else(|| label_of(path), str::to_string);
        let mut label = base.clone();
        let mut n = 2;
        while out.contains(&label) {
            label = format!("{base}#{n}");
            n += 1;
        }
        out.push(label);
    }
    out
}

/// The label a results file's path suggests.
fn label_of(path: &Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_string());
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .map(|s| s.to_string_lossy().to_string());
    let label = if path.file_name().is_some_and(|n| n == RESULTS_FILE) {
        folder.or(stem)
    } else {
        stem.or(folder)
    };
    label
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "results".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_folders_and_stems() {
        assert_eq!(label_of(Path::new("reports/laptop/results.json")), "laptop");
        assert_eq!(label_of(Path::new("base.json")), "base");
        assert_eq!(label_of(Path::new("runs/new.json")), "new");
        assert_eq!(label_of(Path::new("results.json")), "results");
    }

    #[test]
    fn a_readable_name_labels_its_run_unless_another_run_shares_it() {
        fn labels_of(inputs: &[(&str, Option<&str>)]) -> Vec<String> {
            let inputs: Vec<(&Path, Option<&str>)> = inputs
                .iter()
                .map(|(path, name)| (Path::new(*path), *name))
                .collect();
            labels(&inputs)
        }
        assert_eq!(
            labels_of(&[
                ("reports/amd-epyc-3f9a1c2e-2cpu/results.json", Some("lab-1")),
                (
                    "reports/lab-2-8cpu/results.json",
                    Some("Lab PC (room 2.14)")
                ),
                ("old/results.json", None),
            ]),
            ["lab-1", "Lab PC (room 2.14)", "old"]
        );
        // Two runs of one named machine: their folders tell them apart.
        assert_eq!(
            labels_of(&[
                ("reports/lab-1-2cpu/results.json", Some("lab-1")),
                ("reports/lab-1-1cpu/results.json", Some("lab-1")),
                ("reports/lab-2-2cpu/results.json", Some("lab-2")),
            ]),
            ["lab-1-2cpu", "lab-1-1cpu", "lab-2"]
        );
        // A blank name is no name; a name equal to another input's path label is numbered.
        assert_eq!(
            labels_of(&[
                ("a/laptop/results.json", None),
                ("b.json", Some("laptop")),
                ("c.json", Some("  ")),
                ("c.json", None),
            ]),
            ["laptop", "laptop#2", "c", "c#2"]
        );
    }
}
