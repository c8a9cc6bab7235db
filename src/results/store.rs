//! Atomic file writes: a reader sees either the previous file or the complete new one.
//!
//! [`write_atomic_with`] creates the parent folders, writes into a temp file beside the
//! target (same folder, so the rename cannot cross file systems), fsyncs it, renames it over
//! the target and fsyncs the folder. On any failure the temp file is removed and the target
//! is untouched. [`write_results`] adds a check that the JSON reads back before anything is
//! written. Use [`write_atomic`] for any other output (reports, CSV) that must not be left
//! half-written.
//!
//! [`folder`] writes a whole output folder (`report --out`, `compare --out`) file by file,
//! replacing only files concbench wrote there.

pub mod folder;

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::{Results, ResultsError};

/// Writes `bytes` to `path` atomically. See [`write_atomic_with`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ResultsError> {
    write_atomic_with(path, |file| file.write_all(bytes))
}

/// Writes `path` atomically with `fill`, which writes the whole content into the temp file.
///
/// If `fill` or any later step fails, the temp file is removed, `path` keeps its previous
/// content (or stays absent) and the error names `path`.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<(), ResultsError> {
    let wrap = |source| ResultsError::Write {
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .ok_or_else(|| wrap(io::Error::other("the path names no file")))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(wrap)?;

    let (file, temp) = create_temp(&dir, &name.to_string_lossy()).map_err(wrap)?;
    let guard = TempGuard(Some(temp));
    // Declared after the guard, so on an early return the file is closed before the guard
    // removes it (Windows cannot remove an open file).
    let mut file = file;
    let temp = guard.0.as_deref().expect("guard holds the temp path");
    fill(&mut file).map_err(wrap)?;
    file.flush().map_err(wrap)?;
    file.sync_all().map_err(wrap)?;
    drop(file);
    fs::rename(temp, path).map_err(wrap)?;
    guard.disarm();
    sync_dir(&dir);
    Ok(())
}

/// Writes a results file as pretty JSON, atomically, after checking it reads back (NaN or
/// infinite values would turn into `null` and make the file unreadable; a negative time or
/// a worker count of 0 would fail [`super::validate`]).
pub fn write_results(path: &Path, results: &Results) -> Result<(), ResultsError> {
    let mut text = results.to_json();
    text.push('\n');
    if let Err(err) = Results::from_json(&text, path) {
        let (field, message) = match err {
            ResultsError::Corrupt { field, message, .. } => (
                field,
                format!("{message}; a NaN or infinite number is the usual cause"),
            ),
            ResultsError::Invalid { field, message, .. } => (field, message),
            other => ("schema".to_string(), other.to_string()),
        };
        return Err(ResultsError::Unwritable {
            path: path.to_path_buf(),
            field,
            message,
        });
    }
    write_atomic(path, text.as_bytes())
}

/// Creates a fresh temp file `.<name>.<pid>.<n>.tmp` in `dir`, never reusing an existing one.
fn create_temp(dir: &Path, name: &str) -> io::Result<(File, PathBuf)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((file, temp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Removes the temp file on drop unless disarmed after the rename.
struct TempGuard(Option<PathBuf>);

impl TempGuard {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = fs::remove_file(path);
        }
    }
}

/// Makes the rename durable. Best effort: not every platform can open a folder for syncing.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("concbench-store-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_creating_parents_and_replaces() {
        let dir = scratch("replace");
        let target = dir.join("a/b/out.txt");
        write_atomic(&target, b"one").unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        assert_eq!(entries(&dir.join("a/b")), vec!["out.txt"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_failing_fill_keeps_the_old_file_and_no_temp() {
        let dir = scratch("fill");
        let target = dir.join("out.txt");
        write_atomic(&target, b"old").unwrap();
        let err = write_atomic_with(&target, |f| {
            f.write_all(b"half")?;
            Err(io::Error::other("disk on fire"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("out.txt"), "{err}");
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(entries(&dir), vec!["out.txt"]);
        fs::remove_dir_all(dir).unwrap();
    }
}
