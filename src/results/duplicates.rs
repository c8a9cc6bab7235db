//! Criterion ids found in more than one folder of a criterion folder, and which folder is
//! read.
//!
//! Criterion finds a benchmark's folder by its id, mangled into a folder name; a criterion
//! version that mangles differently (or cuts long names at another length) writes the same
//! id into a new folder and leaves the old one in place. Both hold a `benchmark.json` with
//! the same full id, so an import sees the id twice. [`resolve`] keeps one folder per id by
//! a stated rule and returns every such id as a [`Duplicate`], so that the report and
//! `compare` can say so ([`warning`]):
//!
//! 1. the folder whose `estimates.json` was written last (the latest measurement);
//! 2. when those times tie or are unknown, the folder criterion itself names the id now
//!    ([`criterion_folder`]);
//! 3. else the first folder in path order.
//!
//! To change the rule, change [`choose`] and the words of [`KeptBy`].

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::criterion::CriterionId;

/// The longest folder name criterion gives one id segment, in bytes.
const CRITERION_NAME_MAX: usize = 64;

/// Which rule picked the folder of a [`Duplicate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeptBy {
    /// Its `estimates.json` is the newest.
    Newest,
    /// The times tie (or are unknown) and it is the folder criterion names the id now.
    CriterionFolder,
    /// Neither rule decides: the first folder in path order.
    FirstFolder,
}

impl KeptBy {
    /// Why the folder was read, as the warning words it.
    pub fn reason(self) -> &'static str {
        match self {
            KeptBy::Newest => "its estimates.json is the newest",
            KeptBy::CriterionFolder => {
                "the estimates are as old, and it is the folder criterion names the id now"
            }
            KeptBy::FirstFolder => {
                "the estimates are as old and neither is the folder criterion names the id now, so the first by path"
            }
        }
    }
}

/// An id found in more than one folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    /// The id, as every one of the folders' `benchmark.json` gives it.
    pub id: CriterionId,
    /// The baseline folder read (e.g. `<dir>/sum/threads/2/new`).
    pub kept: PathBuf,
    /// The other baseline folders holding the id, in path order; not read.
    pub ignored: Vec<PathBuf>,
    /// The rule that picked `kept`.
    pub kept_by: KeptBy,
}

/// The folder criterion (0.5 and later, on Linux and macOS) writes the benchmark `id` in,
/// relative to the criterion folder: each id segment with `? " / \ * < > : | ^` turned
/// into `_` and cut to 64 bytes (at a character boundary).
pub fn criterion_folder(id: &CriterionId) -> PathBuf {
    let safe = |part: &str| {
        let mut name: String = part
            .chars()
            .map(|c| match c {
                '?' | '"' | '/' | '\\' | '*' | '<' | '>' | ':' | '|' | '^' => '_',
                c => c,
            })
            .collect();
        let mut end = name.len().min(CRITERION_NAME_MAX);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
        name
    };
    let mut path = PathBuf::from(safe(&id.group));
    for part in [&id.function, &id.value].into_iter().flatten() {
        path.push(safe(part));
    }
    path
}

/// When the estimates in the baseline folder `dir` were written; `None` when unknown.
fn written_at(dir: &Path) -> Option<SystemTime> {
    std::fs::metadata(dir.join("estimates.json"))
        .and_then(|m| m.modified())
        .ok()
}

/// Which of `dirs` (baseline folders of `id` under `root`, in path order, two or more) is
/// read, and why: see the module docs.
pub fn choose(root: &Path, id: &CriterionId, dirs: &[PathBuf]) -> (usize, KeptBy) {
    let times: Vec<Option<SystemTime>> = dirs.iter().map(|d| written_at(d)).collect();
    let newest = times.iter().flatten().max().copied();
    // Those with the newest time; every folder when no time is known.
    let candidates: Vec<usize> = match newest {
        Some(t) => (0..dirs.len()).filter(|&i| times[i] == Some(t)).collect(),
        None => (0..dirs.len()).collect(),
    };
    if let [only] = candidates.as_slice() {
        return (*only, KeptBy::Newest);
    }
    let named = root.join(criterion_folder(id));
    match candidates
        .iter()
        .find(|&&i| dirs[i].parent() == Some(named.as_path()))
    {
        Some(&i) => (i, KeptBy::CriterionFolder),
        None => (candidates[0], KeptBy::FirstFolder),
    }
}

/// `found` (id and baseline folder, in path order) with one folder per id, in the same
/// order, and the ids that had more than one, in the order of their first folder.
pub fn resolve(
    root: &Path,
    found: Vec<(CriterionId, PathBuf)>,
) -> (Vec<(CriterionId, PathBuf)>, Vec<Duplicate>) {
    let mut duplicates: Vec<Duplicate> = Vec::new();
    let mut seen: Vec<&CriterionId> = Vec::new();
    for (id, _) in &found {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let dirs: Vec<PathBuf> = found
            .iter()
            .filter(|(other, _)| other == id)
            .map(|(_, dir)| dir.clone())
            .collect();
        if dirs.len() > 1 {
            let (i, kept_by) = choose(root, id, &dirs);
            let mut ignored = dirs.clone();
            let kept = ignored.remove(i);
            duplicates.push(Duplicate {
                id: id.clone(),
                kept,
                ignored,
                kept_by,
            });
        }
    }
    let unique = found
        .into_iter()
        .filter(|(id, dir)| {
            duplicates
                .iter()
                .find(|d| &d.id == id)
                .is_none_or(|d| &d.kept == dir)
        })
        .collect();
    (unique, duplicates)
}

/// One warning line for `duplicates` of the criterion folder `root` (`None` when there are
/// none): how many ids, and for each the folder read, why, and the folders not read, named
/// relative to `root`.
pub fn warning(root: &Path, duplicates: &[Duplicate]) -> Option<String> {
    if duplicates.is_empty() {
        return None;
    }
    let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let each: Vec<String> = duplicates
        .iter()
        .map(|d| {
            let ignored: Vec<String> = d.ignored.iter().map(|p| shown(p)).collect();
            format!(
                "\"{}\" read from {} ({}), not from {}",
                d.id,
                shown(&d.kept),
                d.kept_by.reason(),
                ignored.join(" or ")
            )
        })
        .collect();
    let n = duplicates.len();
    Some(format!(
        "{n} benchmark id{} of the criterion folder {} {} in more than one folder (as when an older criterion left its folder beside the current one), and only one folder of each is read: {}",
        if n == 1 { "" } else { "s" },
        root.display(),
        if n == 1 { "is" } else { "are" },
        each.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::time::Duration;

    fn id(group: &str, function: &str, value: &str) -> CriterionId {
        CriterionId {
            group: group.to_string(),
            function: Some(function.to_string()),
            value: Some(value.to_string()),
        }
    }

    #[test]
    fn criterion_names_folders_with_unsafe_characters_replaced_and_long_names_cut() {
        assert_eq!(
            criterion_folder(&id("Channels", "tokio::mpsc", "4")),
            PathBuf::from("Channels/tokio__mpsc/4")
        );
        let long = "é".repeat(40);
        let folder = criterion_folder(&CriterionId {
            group: long.clone(),
            function: None,
            value: None,
        });
        // 32 two-byte characters fill 64 bytes exactly.
        assert_eq!(folder, PathBuf::from("é".repeat(32)));
    }

    /// A baseline folder `root/rel` with an `estimates.json` written at `at` seconds after
    /// the epoch.
    fn folder(root: &Path, rel: &str, at: u64) -> PathBuf {
        let dir = root.join(rel);
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("estimates.json");
        fs::write(&file, "{}").unwrap();
        fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(at))
            .unwrap();
        dir
    }

    #[test]
    fn the_newest_estimates_win_then_criterion_s_own_folder_then_path_order() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        let sum = id("sum", "threads", "2");
        let current = folder(root, "sum/threads/2/new", 2_000_000);
        let stale = folder(root, "sum_threads_2/new", 1_000_000);
        let found = vec![
            (sum.clone(), current.clone()),
            (
                id("sum", "threads", "4"),
                folder(root, "sum/threads/4/new", 5),
            ),
            (sum.clone(), stale.clone()),
        ];
        let (unique, duplicates) = resolve(root, found.clone());
        assert_eq!(unique.len(), 2);
        assert_eq!(unique[0], (sum.clone(), current.clone()));
        assert_eq!(
            duplicates,
            [Duplicate {
                id: sum.clone(),
                kept: current.clone(),
                ignored: vec![stale.clone()],
                kept_by: KeptBy::Newest,
            }]
        );
        let line = warning(root, &duplicates).unwrap();
        assert!(
            line.starts_with("1 benchmark id of the criterion folder "),
            "{line}"
        );
        assert!(
            line.contains("\"sum/threads/2\" read from sum/threads/2/new (its estimates.json is the newest), not from sum_threads_2/new"),
            "{line}"
        );

        // The stale folder written later is the one read: the rule is the time, not the name.
        folder(root, "sum_threads_2/new", 3_000_000);
        let (_, duplicates) = resolve(root, found.clone());
        assert_eq!(duplicates[0].kept, stale);
        assert_eq!(duplicates[0].kept_by, KeptBy::Newest);

        // Equal times: the folder criterion names the id now.
        folder(root, "sum/threads/2/new", 3_000_000);
        let (_, duplicates) = resolve(root, found.clone());
        assert_eq!(duplicates[0].kept, current);
        assert_eq!(duplicates[0].kept_by, KeptBy::CriterionFolder);

        // Equal times and neither is criterion's: the first in path order.
        let other = folder(root, "a/sum_threads_2/new", 3_000_000);
        let found = vec![(sum.clone(), other.clone()), (sum.clone(), stale.clone())];
        let (unique, duplicates) = resolve(root, found);
        assert_eq!(unique, [(sum.clone(), other.clone())]);
        assert_eq!(duplicates[0].kept_by, KeptBy::FirstFolder);
        assert_eq!(warning(root, &[]), None);
    }
}
