//! Output folders a command owns only in part: `report --out` and `compare --out`.
//!
//! A command draws every file into a fresh staging folder inside the output folder
//! ([`OutputFolder::open`]), then [`OutputFolder::commit`] puts each file into place. The
//! folder's manifest (one per command, e.g. `.concbench-report-files`) lists every file that
//! command wrote there last time; it is how concbench tells its own files from the user's:
//!
//! - before anything changes, every new path is checked: a file, a folder, or something that
//!   is not a folder where a folder must go, that the manifest does not list, refuses the
//!   whole write ([`OutputError::NotOurs`]);
//! - each new file is renamed into place on its own (atomic per file, folders created as
//!   needed); a file of the old manifest that is not written again is removed, and so are the
//!   folders that removal leaves empty; nothing else in the folder is touched;
//! - the manifest is rewritten atomically before the first file moves (old and new files) and
//!   after the last (new files), so a failure part-way leaves every file whole, the previous
//!   output usable and the manifest covering everything the command wrote.
//!
//! A folder without the manifest is someone else's and refused whole
//! ([`OutputError::Unmarked`]) unless an [`Owner`]'s `ours` test accepts it (a folder holding
//! a readable `results.json` is where a report belongs); even then, an existing file the
//! manifest does not list is never replaced: a folder from a concbench that wrote no manifest
//! has its old outputs refused by name, to be moved away. To give another command a folder of
//! its own, define an [`Owner`] with its own manifest name.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use thiserror::Error;

use super::write_atomic;
use crate::results::ResultsError;

/// The first line of every manifest; a manifest without it is refused, not trusted.
const HEADER: &str =
    "# concbench: files this command wrote in this folder (one per line); do not edit";

/// What can go wrong writing an output folder. Every variant is one line naming the path.
#[derive(Debug, Error)]
pub enum OutputError {
    /// The output path exists and is not a folder.
    #[error(
        "{} is a file, not a folder; give --out a folder (it is created if missing)",
        path.display()
    )]
    NotAFolder {
        /// The path given.
        path: PathBuf,
    },
    /// A new file's path (or a folder on its way) is taken by something concbench did not
    /// write; nothing was changed.
    #[error(
        "{} was not written by concbench; choose another --out folder or move it away",
        path.display()
    )]
    NotOurs {
        /// The first such path.
        path: PathBuf,
    },
    /// The folder already holds files and no manifest of this command, and does not look
    /// like an earlier output of it: concbench would be writing among someone else's files.
    #[error(
        "{} already holds files concbench did not write (it has no {manifest}); give --out a new or empty folder",
        path.display()
    )]
    Unmarked {
        /// The folder.
        path: PathBuf,
        /// The manifest it lacks.
        manifest: &'static str,
    },
    /// The output folder is, or contains, what the command reads.
    #[error(
        "--out {} holds the input {}; give --out a folder outside it",
        out.display(),
        input.display()
    )]
    HoldsInput {
        /// The output folder.
        out: PathBuf,
        /// The input inside it.
        input: PathBuf,
    },
    /// The folder's manifest is not one concbench wrote.
    #[error(
        "{} is not a concbench list of output files ({problem}); choose another --out folder or move it away",
        path.display()
    )]
    BadManifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// Writing failed; files not yet replaced keep their previous content.
    #[error(
        "cannot write {}: {source}; every file not yet replaced is unchanged, none is half-written; run the command again",
        path.display()
    )]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl OutputError {
    /// True when the folder the user named cannot be used as it is (exit status 2), false for
    /// a failure while writing (exit status 1).
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, OutputError::Io { .. })
    }
}

/// The command that owns the files it writes into an output folder.
#[derive(Debug, Clone, Copy)]
pub struct Owner {
    /// File name of its manifest in the output folder, e.g. `.concbench-report-files`.
    pub manifest: &'static str,
    /// Prefix of its staging folder's name, e.g. `.report-staging`.
    pub staging: &'static str,
    /// True when a folder without a manifest is still one this command may write into (a
    /// report beside its `results.json`); it replaces nothing there that the manifest does not
    /// list.
    pub ours: fn(&Path) -> bool,
}

/// An output folder with a staging folder inside it; the staging folder is removed on drop.
#[derive(Debug)]
pub struct OutputFolder {
    out: PathBuf,
    staging: PathBuf,
    owner: Owner,
}

impl OutputFolder {
    /// Creates `out` if missing and a fresh, empty staging folder inside it (never reusing
    /// or removing an existing entry). Errors: [`OutputError::NotAFolder`] when `out`, or the
    /// nearest part of its path that exists, is not a folder; [`OutputError::Unmarked`] when
    /// it holds someone else's files; [`OutputError::Io`] when either folder cannot be
    /// created.
    pub fn open(out: &Path, owner: Owner) -> Result<Self, OutputError> {
        // The path, or the nearest part of it that exists, must be a folder.
        if let Some(existing) = out.ancestors().find(|p| fs::metadata(p).is_ok())
            && !fs::metadata(existing).is_ok_and(|m| m.is_dir())
        {
            return Err(OutputError::NotAFolder {
                path: existing.to_path_buf(),
            });
        }
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Io { path, source }
        };
        if holds_others(out, owner).map_err(io(out))? {
            return Err(OutputError::Unmarked {
                path: out.to_path_buf(),
                manifest: owner.manifest,
            });
        }
        fs::create_dir_all(out).map_err(io(out))?;
        for n in 0u32.. {
            let staging = out.join(format!("{}-{}-{n}", owner.staging, std::process::id()));
            match fs::create_dir(&staging) {
                Ok(()) => {
                    return Ok(OutputFolder {
                        out: out.to_path_buf(),
                        staging,
                        owner,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io(&staging)(e)),
            }
        }
        unreachable!("some staging name is free")
    }

    /// The staging folder: write every output file here, at its path relative to the output
    /// folder.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Checks every staged file against the output folder and, when none collides with
    /// something concbench did not write, puts them all into place, removes the files of the
    /// previous manifest that were not written again (and folders left empty) and writes
    /// the new manifest. Returns the files written, relative to the output folder, sorted.
    pub fn commit(self) -> Result<Vec<PathBuf>, OutputError> {
        let plan = self.plan()?;
        self.apply(plan)
    }

    /// Reads the manifest and checks every staged file; changes nothing.
    fn plan(&self) -> Result<Plan, OutputError> {
        let new = staged_files(&self.staging)?;
        let old = read_manifest(&self.out.join(self.owner.manifest))?;
        let old = old.unwrap_or_default();
        for file in &new {
            check(&self.out, file, &old)?;
        }
        Ok(Plan { new, old })
    }

    /// Puts the planned files into place, removes stale ones and writes the manifest.
    fn apply(&self, Plan { new, old }: Plan) -> Result<Vec<PathBuf>, OutputError> {
        let manifest = self.out.join(self.owner.manifest);
        let new_set: BTreeSet<PathBuf> = new.iter().cloned().collect();
        write_manifest(&manifest, old.union(&new_set))?;
        for file in &new {
            // Our own old file where a folder must now go.
            for above in ancestors(file) {
                if old.contains(&above) && is_plain_file(&self.out, &above) {
                    remove_owned(&self.out, &above);
                }
            }
            let target = self.out.join(file);
            let wrap = |source| OutputError::Io {
                path: target.clone(),
                source,
            };
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(wrap)?;
            }
            fs::rename(self.staging.join(file), &target).map_err(wrap)?;
        }
        let mut kept = new_set.clone();
        for stale in old.difference(&new_set) {
            if is_plain_file(&self.out, stale) && !remove_owned(&self.out, stale) {
                kept.insert(stale.clone());
            }
        }
        write_manifest(&manifest, kept.iter())?;
        Ok(new)
    }
}

/// True when `out` is a folder with entries (other than this owner's staging folders) but
/// without this owner's manifest, and the owner's `ours` test does not accept it.
fn holds_others(out: &Path, owner: Owner) -> io::Result<bool> {
    let entries = match fs::read_dir(out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if fs::symlink_metadata(out.join(owner.manifest)).is_ok() || (owner.ours)(out) {
        return Ok(false);
    }
    for entry in entries {
        let name = entry?.file_name();
        if !name.to_string_lossy().starts_with(owner.staging) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Refuses an output folder that is `input` or holds it (a criterion folder, a results file,
/// a folder of machine folders), so a command never writes among what it reads. A path that
/// does not exist yet holds nothing. Errors: [`OutputError::HoldsInput`].
pub fn refuse_holding(out: &Path, input: &Path) -> Result<(), OutputError> {
    let (Ok(out_real), Ok(input_real)) = (out.canonicalize(), input.canonicalize()) else {
        return Ok(());
    };
    if input_real.starts_with(&out_real) {
        return Err(OutputError::HoldsInput {
            out: out.to_path_buf(),
            input: input.to_path_buf(),
        });
    }
    Ok(())
}

/// The staged files (relative, sorted) and those the old manifest lists.
struct Plan {
    new: Vec<PathBuf>,
    old: BTreeSet<PathBuf>,
}

impl Drop for OutputFolder {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

/// Refuses `file` when it, or a folder on its way, is taken by something not ours.
fn check(out: &Path, file: &Path, old: &BTreeSet<PathBuf>) -> Result<(), OutputError> {
    let not_ours = |rel: &Path| OutputError::NotOurs {
        path: out.join(rel),
    };
    for above in ancestors(file) {
        match fs::symlink_metadata(out.join(&above)) {
            Err(_) => return Ok(()),
            Ok(m) if m.is_dir() => {}
            Ok(_) if old.contains(&above) => return Ok(()),
            Ok(_) => return Err(not_ours(&above)),
        }
    }
    match fs::symlink_metadata(out.join(file)) {
        Err(_) => Ok(()),
        Ok(m) if m.is_dir() => Err(not_ours(file)),
        Ok(_) if old.contains(file) => Ok(()),
        Ok(_) => Err(not_ours(file)),
    }
}

/// The proper ancestors of a relative path, outermost first (`a`, `a/b` for `a/b/c`).
fn ancestors(file: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = file
        .ancestors()
        .skip(1)
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .collect();
    v.reverse();
    v
}

/// True when `rel` is a file or link (not a folder) reached through real folders only, so
/// removing it cannot reach outside `out` through a link the user put there.
fn is_plain_file(out: &Path, rel: &Path) -> bool {
    ancestors(rel)
        .iter()
        .all(|a| fs::symlink_metadata(out.join(a)).is_ok_and(|m| m.is_dir()))
        && fs::symlink_metadata(out.join(rel)).is_ok_and(|m| !m.is_dir())
}

/// Removes one of our files and the folders its removal leaves empty (up to `out`, never
/// `out` itself). Returns false when the file could not be removed.
fn remove_owned(out: &Path, rel: &Path) -> bool {
    if fs::remove_file(out.join(rel)).is_err() {
        return false;
    }
    for above in ancestors(rel).iter().rev() {
        if fs::remove_dir(out.join(above)).is_err() {
            break;
        }
    }
    true
}

/// Every file under `staging`, relative to it, sorted.
fn staged_files(staging: &Path) -> Result<Vec<PathBuf>, OutputError> {
    let mut files = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let dir = staging.join(&rel);
        let io = |source| OutputError::Io {
            path: dir.clone(),
            source,
        };
        for entry in fs::read_dir(&dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let path = rel.join(entry.file_name());
            if entry.file_type().map_err(io)?.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The files a manifest lists, `None` when there is none. Every line must be a relative
/// path without `..`, so a manifest can never name a file outside its folder.
fn read_manifest(path: &Path) -> Result<Option<BTreeSet<PathBuf>>, OutputError> {
    let bad = |problem: String| OutputError::BadManifest {
        path: path.to_path_buf(),
        problem,
    };
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(OutputError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
        Ok(m) if !m.is_file() => return Err(bad("it is not a regular file".into())),
        Ok(_) => {}
    }
    let text = fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Err(bad("its first line is not concbench's".into()));
    }
    let mut files = BTreeSet::new();
    for (i, line) in lines.enumerate().filter(|(_, l)| !l.is_empty()) {
        let file = PathBuf::from(line);
        if !file.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(bad(format!(
                "line {} names '{line}', not a path inside the folder",
                i + 2
            )));
        }
        files.insert(file);
    }
    Ok(Some(files))
}

/// Writes the manifest atomically: the header, then one path per line with `/` between
/// folders.
fn write_manifest<'a>(
    path: &Path,
    files: impl Iterator<Item = &'a PathBuf>,
) -> Result<(), OutputError> {
    let mut text = format!("{HEADER}\n");
    for file in files {
        let parts: Vec<String> = file
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        text.push_str(&parts.join("/"));
        text.push('\n');
    }
    write_atomic(path, text.as_bytes()).map_err(|e| OutputError::Io {
        path: path.to_path_buf(),
        source: match e {
            ResultsError::Write { source, .. } => source,
            other => io::Error::other(other.to_string()),
        },
    })
}

#[cfg(test)]
#[path = "folder_tests.rs"]
mod tests;
