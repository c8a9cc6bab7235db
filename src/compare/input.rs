//! The command's inputs: each argument is a results file, a machine folder holding
//! `results.json` (what `cargo bench` writes as `reports/<machine>/`), or a folder of machine
//! folders (`reports/`, or the folder a CI job gathers its legs' folders into), which
//! [`expand`]s to its machine folders in name order. Each input gets a short label for table
//! headers and legends, and [`put_first`] makes the one `--baseline` names the base.
//!
//! A label is the machine's readable name when the run recorded one
//! (`CONCBENCH_MACHINE_NAME`) and no other input carries the same name. Otherwise it comes
//! from the path, because that is what the user chose: a machine folder or a
//! `.../results.json` gives the folder's name (`reports/laptop` → `laptop`), any other file
//! its stem (`base.json` → `base`); two runs of one named machine (an A/A pair, a run under
//! `taskset`) are thus told apart by their files. Repeated labels get `#2`, `#3`. To let an
//! input answer to another name (for `--baseline`), add it in [`Input::names`].
//!
//! A folder that holds criterion benchmarks (a folder with a `benchmark.json` somewhere
//! under one of its folders that hold no `results.json`) is a criterion folder, even when
//! some of its folders hold `results.json` (a report written into it by `report
//! --criterion ... --out`): criterion's data decides the kind, never one report folder.
//! Errors about such a folder say that it was read as a criterion folder.
//!
//! A results file or machine folder resolves as for every other command
//! ([`crate::results::locate`]). One file given twice (twice by name, or once as a folder
//! and once as its `results.json`) is refused: it would compare a run with itself.

use std::fs;
use std::path::{Path, PathBuf};

use super::CompareError;
use crate::results::criterion;
use crate::results::import::{self, Ids};
use crate::results::locate::{self, canonical, is_machine_folder};
use crate::results::schema::Results;

pub use crate::results::locate::RESULTS_FILE;

/// The folder a comparison of a folder of machine folders is written to by convention
/// (`reports/compare/`); [`expand`] never takes it for a machine.
pub const COMPARE_FOLDER: &str = "compare";

/// One machine's run, read.
#[derive(Debug, Clone)]
pub struct Input {
    /// Short name for headers and legends, unique among the inputs.
    pub label: String,
    /// The results file read.
    pub path: PathBuf,
    /// Its contents.
    pub results: Results,
    /// What reading it found that the user should hear about on stderr (a criterion id in
    /// two folders, read from one), one line each; also among the results' warnings.
    pub notices: Vec<String>,
}

impl Input {
    /// The names `--baseline` finds this input by: its label, then the name of its machine
    /// folder (for a `results.json`) or its file's stem (for another file).
    pub fn names(&self) -> Vec<String> {
        let mut names = vec![self.label.clone()];
        let from_path = if self.path.file_name().is_some_and(|n| n == RESULTS_FILE) {
            self.path.parent().and_then(Path::file_name)
        } else {
            self.path.file_stem()
        };
        let name = from_path.map(|n| n.to_string_lossy().to_string());
        names.extend(name.filter(|n| !n.is_empty() && *n != self.label));
        let machine = self.results.machine.name.as_deref().map(str::trim);
        if let Some(machine) = machine.filter(|m| !m.is_empty() && !names.iter().any(|n| n == m)) {
            names.push(machine.to_string());
        }
        names
    }
}

/// What one input is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputFile {
    /// A results file.
    Results(PathBuf),
    /// One baseline of a criterion folder (`None`: criterion's latest, `new`).
    Criterion {
        /// The criterion folder, as given.
        dir: PathBuf,
        /// The baseline's name (`base`, or a `--save-baseline NAME`).
        baseline: Option<String>,
    },
}

impl InputFile {
    /// The file or folder it reads.
    pub fn path(&self) -> &Path {
        match self {
            InputFile::Results(path) => path,
            InputFile::Criterion { dir, .. } => dir,
        }
    }
}

/// The arguments as inputs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expanded {
    /// One per input, in argument order, a folder's machines in name order, a criterion
    /// folder's baselines in the order `--baselines` names them.
    pub files: Vec<InputFile>,
    /// Folders inside a folder argument left out because they hold no `results.json`
    /// (hidden folders and `compare/` are left out without a word).
    pub skipped: Vec<PathBuf>,
}

/// Turns every argument into inputs: a file stays itself, a machine folder gives its
/// `results.json`, a folder of criterion output gives each of `baselines` (criterion's
/// latest, `new`, when empty), and another folder gives the `results.json` of each folder
/// in it that has one, in name order, except `compare/` and hidden folders. A folder with
/// none of these is an error, as is a baseline a criterion folder does not have,
/// `baselines` without a criterion folder, a criterion folder that gives the only input,
/// and folders of machine folders that give fewer than two inputs in all (a lone results
/// file or machine folder is left to the join to refuse).
pub fn expand(args: &[PathBuf], baselines: &[String]) -> Result<Expanded, CompareError> {
    let mut out = Expanded::default();
    let mut folders: Vec<&Path> = Vec::new();
    let mut criterion_folders: Vec<(&Path, String)> = Vec::new();
    for arg in args {
        if !arg.is_dir() || is_machine_folder(arg) {
            out.files.push(InputFile::Results(locate::resolve(arg)?));
            continue;
        }
        let mut skipped = Vec::new();
        let listing = list_folder(arg, &mut skipped)?;
        if listing.criterion {
            let note = mixed_note(arg, &listing.machines);
            out.files
                .extend(criterion_inputs(arg, baselines).map_err(|e| with_note(e, &note))?);
            criterion_folders.push((arg.as_path(), note));
            continue;
        }
        if listing.machines.is_empty() {
            return Err(CompareError::NoResultsInFolder {
                path: arg.to_path_buf(),
            });
        }
        out.skipped.extend(skipped);
        out.files.extend(
            listing
                .machines
                .iter()
                .map(|m| InputFile::Results(m.join(RESULTS_FILE))),
        );
        folders.push(arg);
    }
    if !baselines.is_empty() && criterion_folders.is_empty() {
        return Err(CompareError::BaselinesWithoutCriterion {
            baselines: baselines.join(","),
        });
    }
    if let ([(dir, note)], [_]) = (&criterion_folders[..], &out.files[..]) {
        return Err(CompareError::OneCriterionInput {
            dir: dir.to_path_buf(),
            gives: match baselines {
                [name] => format!("only the baseline `{name}` that --baselines names"),
                _ => "only its latest measurement (`new`)".to_string(),
            },
            fix: two_baselines(&criterion::baselines(dir)),
            note: note.clone(),
        });
    }
    if !folders.is_empty() && out.files.len() < 2 {
        let labels: Vec<String> = out.files.iter().map(|f| label_of(f.path())).collect();
        return Err(CompareError::TooFewMachines {
            folders: folders
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            found: if labels.is_empty() {
                "none".to_string()
            } else {
                format!("{} ({})", labels.len(), labels.join(", "))
            },
        });
    }
    Ok(out)
}

/// The `--baselines` that compares two baselines of a criterion folder that has `has`
/// (sorted): another one (`base` first) against the latest, `new`, else its first two,
/// else how to save a second one.
fn two_baselines(has: &[String]) -> String {
    let other = has
        .iter()
        .find(|h| *h == "base")
        .or_else(|| has.iter().find(|h| *h != criterion::LATEST));
    let pair = match (other, has.iter().any(|h| h == criterion::LATEST)) {
        (Some(other), true) => Some((other.as_str(), criterion::LATEST)),
        _ => match has {
            [first, second, ..] => Some((first.as_str(), second.as_str())),
            _ => None,
        },
    };
    match pair {
        Some((a, b)) => format!(
            "pass two of its baselines ({}), e.g. `--baselines {a},{b}`",
            has.join(", ")
        ),
        None => format!(
            "it has one baseline ({}): save another with `cargo bench -- --save-baseline NAME`, then pass `--baselines NAME,{}`",
            has.join(", "),
            has.first().map_or(criterion::LATEST, String::as_str)
        ),
    }
}

/// What a folder argument holds: its machine folders (holding `results.json`) in name
/// order, and whether any of its other folders holds criterion output.
struct Listing {
    machines: Vec<PathBuf>,
    criterion: bool,
}

/// The sentence errors about the criterion folder `dir` end with when it also holds the
/// machine folders `machines` (none: empty).
fn mixed_note(dir: &Path, machines: &[PathBuf]) -> String {
    if machines.is_empty() {
        return String::new();
    }
    let names: Vec<String> = machines
        .iter()
        .filter_map(|m| m.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    format!(
        " ({} holds criterion benchmarks, so it is read as a criterion folder, not as a folder of machine folders; to compare its folders holding results.json ({}), pass them by name)",
        dir.display(),
        names.join(", ")
    )
}

/// `err` with `note` appended, for the errors that name a criterion folder.
fn with_note(err: CompareError, note: &str) -> CompareError {
    match err {
        CompareError::UnknownCriterionBaseline { dir, name, has, .. } => {
            CompareError::UnknownCriterionBaseline {
                dir,
                name,
                has,
                note: note.to_string(),
            }
        }
        other => other,
    }
}

/// The inputs of the criterion folder `dir`: one per baseline of `baselines` (its latest
/// measurement when empty). A name the folder has no benchmark under is
/// [`CompareError::UnknownCriterionBaseline`].
fn criterion_inputs(dir: &Path, baselines: &[String]) -> Result<Vec<InputFile>, CompareError> {
    if baselines.is_empty() {
        return Ok(vec![InputFile::Criterion {
            dir: dir.to_path_buf(),
            baseline: None,
        }]);
    }
    let has = criterion::baselines(dir);
    baselines
        .iter()
        .map(|name| {
            if !has.contains(name) {
                return Err(CompareError::UnknownCriterionBaseline {
                    dir: dir.to_path_buf(),
                    name: name.clone(),
                    has: has.join(", "),
                    note: String::new(),
                });
            }
            Ok(InputFile::Criterion {
                dir: dir.to_path_buf(),
                baseline: Some(name.clone()),
            })
        })
        .collect()
}

/// What `dir` holds: the folders holding `results.json`, sorted by name, and whether one
/// of its other folders holds criterion output (a `benchmark.json` in it or below it).
/// Folders that are neither (but hidden ones and `compare/`) go to `skipped`.
fn list_folder(dir: &Path, skipped: &mut Vec<PathBuf>) -> Result<Listing, CompareError> {
    let list_error = |e: std::io::Error| CompareError::ListFolder {
        path: dir.to_path_buf(),
        message: e.to_string(),
    };
    let mut folders: Vec<PathBuf> = Vec::new();
    for entry in fs::read_dir(dir).map_err(list_error)? {
        let path = entry.map_err(list_error)?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if path.is_dir() && !name.starts_with('.') {
            folders.push(path);
        }
    }
    folders.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    let (machines, others): (Vec<PathBuf>, Vec<PathBuf>) = folders
        .into_iter()
        .partition(|f| f.join(RESULTS_FILE).is_file());
    // A criterion group may be called `compare`: it is asked too.
    let criterion = others
        .iter()
        .any(|f| f.join("benchmark.json").is_file() || criterion::is_criterion_folder(f));
    let is_compare = |f: &PathBuf| f.file_name().is_some_and(|n| n == COMPARE_FOLDER);
    let machines = machines.into_iter().filter(|f| !is_compare(f)).collect();
    skipped.extend(others.into_iter().filter(|f| !is_compare(f)));
    Ok(Listing {
        machines,
        criterion,
    })
}

/// Reads and labels the arguments, in order, after [`expand`]ing them (criterion folders
/// at their latest measurement).
pub fn load(args: &[PathBuf]) -> Result<Vec<Input>, CompareError> {
    read(&expand(args, &[])?.files)
}

/// Reads every input, in order, and labels them. One results file (or one baseline of a
/// criterion folder) named twice is [`CompareError::SameFile`].
pub fn read(files: &[InputFile]) -> Result<Vec<Input>, CompareError> {
    refuse_repeats(files)?;
    let criterion_dirs: Vec<Option<PathBuf>> = files
        .iter()
        .filter_map(|f| match f {
            InputFile::Criterion { dir, .. } => Some(canonical(dir)),
            InputFile::Results(_) => None,
        })
        .collect();
    let one_criterion_folder = criterion_dirs.windows(2).all(|w| w[0] == w[1]);
    let mut read: Vec<(PathBuf, Results, String, Vec<String>)> = Vec::new();
    for file in files {
        let (results, path_label, notices) = match file {
            InputFile::Results(path) => (Results::read(path)?, label_of(path), Vec::new()),
            InputFile::Criterion { dir, baseline } => {
                let imported = import::from_criterion(dir, baseline.as_deref(), Ids::Any, None)
                    .map_err(|e| CompareError::Criterion {
                        message: format!("{e:#}"),
                    })?;
                let folder = label_of_folder(dir);
                let which = baseline.as_deref().unwrap_or(criterion::LATEST);
                let label = match (baseline, one_criterion_folder) {
                    (None, _) => folder,
                    (Some(_), true) => which.to_string(),
                    (Some(_), false) => format!("{folder}@{which}"),
                };
                let notices = imported.duplicate_warning.into_iter().collect();
                (imported.results, label, notices)
            }
        };
        read.push((file.path().to_path_buf(), results, path_label, notices));
    }
    let named: Vec<(&str, Option<&str>)> = read
        .iter()
        .map(|(_, results, label, _)| (label.as_str(), results.machine.name.as_deref()))
        .collect();
    let labels = labels(&named);
    Ok(read
        .into_iter()
        .zip(labels)
        .map(|((path, results, _, notices), label)| Input {
            label,
            path,
            results,
            notices,
        })
        .collect())
}

/// The first file of `files` that is an earlier one under another (or the same) spelling,
/// as an error naming both; files that do not exist are left to the read.
fn refuse_repeats(files: &[InputFile]) -> Result<(), CompareError> {
    let mut seen: Vec<((PathBuf, Option<&String>), PathBuf)> = Vec::new();
    for file in files {
        let Some(real) = canonical(file.path()) else {
            continue;
        };
        let (key, shown) = match file {
            InputFile::Results(path) => ((real, None), path.clone()),
            InputFile::Criterion { dir, baseline } => {
                let which = baseline.as_deref().unwrap_or(criterion::LATEST);
                ((real, baseline.as_ref()), dir.join(which))
            }
        };
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            return Err(CompareError::SameFile {
                first: first.clone(),
                second: shown,
            });
        }
        seen.push((key, shown));
    }
    Ok(())
}

/// One unique label per (path label, machine name) input, in order: the name when it is
/// set and no other input has it, else the path's label; repeats get `#2`, `#3`.
fn labels(inputs: &[(&str, Option<&str>)]) -> Vec<String> {
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
        let base = unique_name.unwrap_or(path).to_string();
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

/// Moves the input `name` names to the front, the others keeping their order: the one
/// whose label is `name`, else the first that [`Input::names`] finds by it.
pub fn put_first(inputs: &mut Vec<Input>, name: &str) -> Result<(), CompareError> {
    let position = inputs.iter().position(|i| i.label == name).or_else(|| {
        inputs
            .iter()
            .position(|i| i.names().iter().any(|n| n == name))
    });
    let Some(position) = position else {
        return Err(CompareError::UnknownBaseline {
            name: name.to_string(),
            names: inputs
                .iter()
                .map(|i| i.label.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let base = inputs.remove(position);
    inputs.insert(0, base);
    Ok(())
}

/// The label a criterion folder suggests: its name (`criterion` for `target/criterion`).
fn label_of_folder(dir: &Path) -> String {
    dir.canonicalize()
        .ok()
        .as_deref()
        .unwrap_or(dir)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "criterion".to_string())
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

    fn input(label: &str, path: &str) -> Input {
        let fixture =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compare/laptop.json");
        Input {
            label: label.to_string(),
            path: PathBuf::from(path),
            results: Results::read(&fixture).unwrap(),
            notices: Vec::new(),
        }
    }

    #[test]
    fn the_baseline_moves_to_the_front_by_label_or_folder() {
        let mut inputs = vec![
            input("a", "fleet/a/results.json"),
            input("b", "fleet/b-folder/results.json"),
            input("c", "runs/c.json"),
        ];
        let order =
            |inputs: &[Input]| -> Vec<String> { inputs.iter().map(|i| i.label.clone()).collect() };
        put_first(&mut inputs, "c").unwrap();
        assert_eq!(order(&inputs), ["c", "a", "b"]);
        put_first(&mut inputs, "b-folder").unwrap();
        assert_eq!(order(&inputs), ["b", "c", "a"]);
        let err = put_first(&mut inputs, "d").unwrap_err().to_string();
        assert!(
            err.contains("--baseline d") && err.contains("b, c, a"),
            "{err}"
        );
        assert_eq!(order(&inputs), ["b", "c", "a"]);
    }

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
            let path_labels: Vec<String> =
                inputs.iter().map(|(p, _)| label_of(Path::new(p))).collect();
            let inputs: Vec<(&str, Option<&str>)> = inputs
                .iter()
                .zip(&path_labels)
                .map(|((_, name), label)| (label.as_str(), *name))
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
