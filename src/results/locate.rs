//! Where a results file is: a path the user gave names either the file itself or a machine
//! folder (`reports/<machine>/`, what `cargo bench` writes) holding [`RESULTS_FILE`].
//!
//! Every command that reads one run (`report`, `export`) and `compare`, which reads several,
//! resolve their arguments here, so a folder means the same thing to all of them. To let a
//! folder hold its results under another name too, extend [`resolve`].

use std::path::{Path, PathBuf};

use super::ResultsError;

/// The file name a machine's report folder keeps its results in.
pub const RESULTS_FILE: &str = "results.json";

/// The results file `arg` names: `arg` itself, or `arg/results.json` when `arg` is a
/// folder. A folder without `results.json` is [`ResultsError::NoResultsInFolder`]; a path
/// that does not exist is returned unchanged, for the read to name.
pub fn resolve(arg: &Path) -> Result<PathBuf, ResultsError> {
    if !arg.is_dir() {
        return Ok(arg.to_path_buf());
    }
    let file = arg.join(RESULTS_FILE);
    if file.is_file() {
        Ok(file)
    } else {
        Err(ResultsError::NoResultsInFolder {
            path: arg.to_path_buf(),
        })
    }
}

/// True when `path` is a folder holding `results.json`: a machine folder.
pub fn is_machine_folder(path: &Path) -> bool {
    path.is_dir() && path.join(RESULTS_FILE).is_file()
}

/// The file `path` names with every link and `.`/`..` resolved, so two spellings of one
/// file compare equal; `None` when it does not exist (then it is no other file).
pub fn canonical(path: &Path) -> Option<PathBuf> {
    path.canonicalize().ok()
}

/// `path` made absolute with links resolved, through its longest existing ancestor (the
/// rest need not exist yet).
pub fn resolved(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut at = path.to_path_buf();
    loop {
        if let Ok(real) = at.canonicalize() {
            return rest.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (at.file_name(), at.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                at = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => return path.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("concbench-locate-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_folder_resolves_to_its_results_file_and_a_file_to_itself() {
        let dir = scratch("resolve");
        let machine = dir.join("laptop");
        fs::create_dir_all(&machine).unwrap();
        fs::write(machine.join(RESULTS_FILE), "{}").unwrap();
        assert_eq!(resolve(&machine).unwrap(), machine.join(RESULTS_FILE));
        assert!(is_machine_folder(&machine));
        let file = machine.join(RESULTS_FILE);
        assert_eq!(resolve(&file).unwrap(), file);
        let missing = dir.join("nowhere.json");
        assert_eq!(resolve(&missing).unwrap(), missing);

        let empty = dir.join("empty");
        fs::create_dir_all(&empty).unwrap();
        assert!(!is_machine_folder(&empty));
        let err = resolve(&empty).unwrap_err();
        assert!(
            matches!(err, ResultsError::NoResultsInFolder { .. }),
            "{err}"
        );
        let text = err.to_string();
        assert!(
            text.contains("empty") && text.contains("without results.json"),
            "{text}"
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn two_spellings_of_one_file_are_one_canonical_path() {
        let dir = scratch("canonical");
        let machine = dir.join("laptop");
        fs::create_dir_all(&machine).unwrap();
        fs::write(machine.join(RESULTS_FILE), "{}").unwrap();
        let plain = canonical(&machine.join(RESULTS_FILE)).unwrap();
        let dotted = canonical(&machine.join("..").join("laptop").join(RESULTS_FILE)).unwrap();
        assert_eq!(plain, dotted);
        assert_eq!(canonical(&dir.join("nowhere.json")), None);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_path_that_does_not_exist_yet_resolves_through_its_existing_folders() {
        let dir = scratch("resolved");
        fs::create_dir_all(dir.join("criterion")).unwrap();
        let real = canonical(&dir).unwrap();
        let later = dir
            .join("criterion")
            .join("..")
            .join("criterion")
            .join("out/new");
        assert_eq!(resolved(&later), real.join("criterion/out/new"));
        assert!(resolved(&later).starts_with(resolved(&dir.join("criterion"))));
        fs::remove_dir_all(dir).unwrap();
    }
}
