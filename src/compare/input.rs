//! The command's inputs: each argument is a results file or a report folder holding
//! `results.json`. Each gets a short label for table headers and legends.
//!
//! Labels come from the path, because that is what the user chose: a report folder or a
//! `.../results.json` gives the folder's name (`reports/laptop` → `laptop`), any other file
//! its stem (`base.json` → `base`). Repeated labels get `#2`, `#3`.

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
    let mut inputs: Vec<Input> = Vec::new();
    for arg in args {
        let path = resolve(arg)?;
        let results = Results::read(&path)?;
        let base = label_of(&path);
        let mut label = base.clone();
        let mut n = 2;
        while inputs.iter().any(|i| i.label == label) {
            label = format!("{base}#{n}");
            n += 1;
        }
        inputs.push(Input {
            label,
            path,
            results,
        });
    }
    Ok(inputs)
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
}
