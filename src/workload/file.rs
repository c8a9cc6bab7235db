//! `file`: each task writes a file of `kib` KiB, fsyncs it, reads it back, checksums what it
//! read and removes it, in a directory of its own for the run.
//!
//! The directory (`concbench-file-<id>` in the system's temporary directory, `TMPDIR`) is
//! created by the process that builds the workload from its profile spec and removed, with
//! whatever is in it, when that workload is dropped: after success, after a failed task, after
//! a worker process was killed. A process killed outright (SIGKILL) cannot clean up: the next
//! run removes directories whose creating process is gone before it creates its own. Worker processes of the `process` model get its id through
//! [`Workload::worker_spec`] and write into the same directory without owning it.
//!
//! Sync models use `std::fs` inside `ctx.blocking`. The tokio models use `tokio::fs`, which
//! is not asynchronous file I/O: every call is handed to tokio's blocking thread pool (up to
//! 512 threads), so even `tokio-current` with one task in flight uses more OS threads than
//! its worker count, and the CPU chart shows their CPU time.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::open_files::{HEADROOM, ensure_open_files};
use super::{Kind, ParamInfo, TASKS_PARAM, TaskFuture, Workload, WorkloadInfo, WorkloadSpec};
use crate::checksum::{SplitMix64, digest_bytes, mix64};
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::task::TaskCtx;

/// Its parameters.
pub const PARAMS: &[ParamInfo] = &[
    TASKS_PARAM,
    ParamInfo {
        name: "kib",
        min: 1,
        max: 64 << 10,
        meaning: "file written, fsynced and read back per task, in KiB",
    },
];

/// Registry entry.
pub const INFO: WorkloadInfo = WorkloadInfo {
    name: "file",
    kind: Kind::Io,
    disk_io: true,
    teaches: "file I/O blocks a thread; tokio::fs is a thread pool underneath",
    task: "write a file, fsync it, read it back and remove it, in a temporary directory of the run (tokio models: tokio::fs, which runs on tokio's blocking pool)",
    params: PARAMS,
    spec_for,
    build,
};

/// Spec parameter a worker process finds the run's directory by.
const DIR_ID: &str = "dir_id";
/// Optional spec parameter: this task fails after writing its file (tests of the clean-up).
pub const FAIL_TASK: &str = "fail_task";

fn spec_for(profile: Profile) -> WorkloadSpec {
    let (tasks, kib) = match profile {
        Profile::Smoke => (16, 16),
        Profile::Quick => (32, 64),
        Profile::Default => (32, 128),
        Profile::Full => (256, 256),
    };
    WorkloadSpec::new(INFO.name)
        .with("tasks", tasks)
        .with("kib", kib)
}

fn build(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    Ok(Arc::new(FileRoundTrip::from_spec(spec)?))
}

/// Write, fsync, read back, remove: one file per task.
pub struct FileRoundTrip {
    spec: WorkloadSpec,
    tasks: usize,
    bytes: usize,
    fail_task: Option<usize>,
    dir: RunDir,
}

/// The run's directory; removed on drop by the process that created it.
struct RunDir {
    id: u64,
    path: PathBuf,
    owned: bool,
}

impl Drop for RunDir {
    fn drop(&mut self) {
        if self.owned {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

fn dir_path(id: u64) -> PathBuf {
    std::env::temp_dir().join(format!("concbench-file-{id:016x}"))
}

fn setup_error(action: String, reason: String) -> Error {
    Error::WorkloadSetup {
        workload: INFO.name.to_string(),
        action,
        reason,
    }
}

/// Removes the run directories of processes that are gone (killed before they could).
fn remove_orphans() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(id) = name
            .to_str()
            .and_then(|n| n.strip_prefix("concbench-file-"))
            .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        else {
            continue;
        };
        let pid = (id >> 32) as libc::pid_t;
        if pid as u32 != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// True when process `pid` exists (signal 0 checks without sending anything).
fn process_alive(pid: libc::pid_t) -> bool {
    // SAFETY: kill with signal 0 only checks that the process exists and may be signalled.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

impl RunDir {
    /// Creates a fresh directory for this run, after removing those of processes that died
    /// without removing theirs. Ids are unique within a process, so a directory that already
    /// has this one's id was left by an earlier process with the same pid.
    fn create() -> Result<RunDir> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        remove_orphans();
        let id = u64::from(std::process::id()) << 32 | NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir_path(id);
        let created = std::fs::create_dir(&path).or_else(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                std::fs::remove_dir_all(&path).and_then(|()| std::fs::create_dir(&path))
            }
            _ => Err(e),
        });
        created.map_err(|e| {
            setup_error(
                format!("create its directory {}", path.display()),
                format!("{e}; point TMPDIR at a writable directory"),
            )
        })?;
        Ok(RunDir {
            id,
            path,
            owned: true,
        })
    }

    /// The directory another process created, which must exist.
    fn join(id: u64) -> Result<RunDir> {
        let path = dir_path(id);
        if !path.is_dir() {
            return Err(setup_error(
                format!("use the run's directory {}", path.display()),
                "it does not exist; a worker must share TMPDIR with its parent".to_string(),
            ));
        }
        Ok(RunDir {
            id,
            path,
            owned: false,
        })
    }
}

impl FileRoundTrip {
    /// Builds the workload: creates the run's directory, or joins the parent's when the spec
    /// names one (in a worker process).
    pub fn from_spec(spec: &WorkloadSpec) -> Result<FileRoundTrip> {
        let tasks = spec.declared(PARAMS, "tasks")? as usize;
        let kib = spec.declared(PARAMS, "kib")? as usize;
        // A file per task in flight, at most one per task.
        ensure_open_files(INFO.name, tasks as u64 + HEADROOM)?;
        let fail_task = match spec.params.contains_key(FAIL_TASK) {
            true => Some(spec.param(FAIL_TASK)? as usize),
            false => None,
        };
        let dir = match spec.params.get(DIR_ID) {
            Some(&id) => RunDir::join(id)?,
            None => RunDir::create()?,
        };
        let mut spec = spec.clone();
        spec.params.remove(DIR_ID);
        Ok(FileRoundTrip {
            spec,
            tasks,
            bytes: kib << 10,
            fail_task,
            dir,
        })
    }

    /// The run's directory.
    pub fn dir(&self) -> &Path {
        &self.dir.path
    }

    fn file_of(&self, task: usize) -> PathBuf {
        self.dir.path.join(format!("task-{task}.bin"))
    }
}

/// What task `task` writes.
fn contents(task: usize, bytes: usize) -> Vec<u8> {
    let mut data = vec![0; bytes];
    SplitMix64::new(mix64(0xf11e ^ task as u64)).fill(&mut data);
    data
}

fn io_failure(task: usize, what: &str, path: &Path, e: std::io::Error) -> ! {
    panic!("file task {task}: cannot {what} {}: {e}", path.display())
}

fn injected_failure(task: usize) -> ! {
    panic!("file task {task}: injected failure after writing its file")
}

impl Workload for FileRoundTrip {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.tasks
    }

    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        let data = contents(task, self.bytes);
        let path = self.file_of(task);
        let read = ctx.blocking(|| {
            let mut file = std::fs::File::create(&path)
                .unwrap_or_else(|e| io_failure(task, "create", &path, e));
            file.write_all(&data)
                .and_then(|()| file.sync_all())
                .unwrap_or_else(|e| io_failure(task, "write and fsync", &path, e));
            drop(file);
            if self.fail_task == Some(task) {
                injected_failure(task);
            }
            let read = std::fs::read(&path).unwrap_or_else(|e| io_failure(task, "read", &path, e));
            std::fs::remove_file(&path).unwrap_or_else(|e| io_failure(task, "remove", &path, e));
            read
        });
        digest_bytes(&read)
    }

    fn run_async(&self, task: usize) -> Option<TaskFuture> {
        let (bytes, path, fail) = (self.bytes, self.file_of(task), self.fail_task == Some(task));
        Some(Box::pin(async move {
            use tokio::io::AsyncWriteExt;
            let data = contents(task, bytes);
            let mut file = tokio::fs::File::create(&path)
                .await
                .unwrap_or_else(|e| io_failure(task, "create", &path, e));
            let written = async {
                file.write_all(&data).await?;
                file.sync_all().await
            };
            written
                .await
                .unwrap_or_else(|e| io_failure(task, "write and fsync", &path, e));
            drop(file);
            if fail {
                injected_failure(task);
            }
            let read = tokio::fs::read(&path)
                .await
                .unwrap_or_else(|e| io_failure(task, "read", &path, e));
            tokio::fs::remove_file(&path)
                .await
                .unwrap_or_else(|e| io_failure(task, "remove", &path, e));
            digest_bytes(&read)
        }))
    }

    fn worker_spec(&self) -> WorkloadSpec {
        self.spec.clone().with(DIR_ID, self.dir.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_reads_back_what_it_wrote_and_leaves_nothing() {
        let workload = FileRoundTrip::from_spec(&spec_for(Profile::Smoke)).unwrap();
        let value = workload.run(3, &mut TaskCtx::free());
        assert_eq!(value, digest_bytes(&contents(3, workload.bytes)));
        assert_eq!(std::fs::read_dir(workload.dir()).unwrap().count(), 0);
        let dir = workload.dir().to_path_buf();
        drop(workload);
        assert!(!dir.exists(), "{} outlived the workload", dir.display());
    }

    #[test]
    fn a_worker_joins_the_parents_directory_without_owning_it() {
        let parent = FileRoundTrip::from_spec(&spec_for(Profile::Smoke)).unwrap();
        let worker_spec = parent.worker_spec();
        assert_eq!(worker_spec.params.get(DIR_ID), Some(&parent.dir.id));
        let worker = FileRoundTrip::from_spec(&worker_spec).unwrap();
        assert_eq!(worker.dir(), parent.dir());
        assert_eq!(
            worker.spec(),
            parent.spec(),
            "the directory is not part of the spec"
        );
        drop(worker);
        assert!(
            parent.dir().is_dir(),
            "a worker must not remove the parent's directory"
        );
    }

    #[test]
    fn directories_of_dead_processes_are_removed_and_live_ones_kept() {
        // A pid above the kernel's limit (4194304) never runs; 1 (init) always does.
        let dead = dir_path((5_000_000u64 << 32) | 7);
        let live = dir_path(1u64 << 32 | 7);
        for dir in [&dead, &live] {
            std::fs::create_dir_all(dir.join("sub")).unwrap();
        }
        let fresh = FileRoundTrip::from_spec(&spec_for(Profile::Smoke)).unwrap();
        assert!(!dead.exists(), "the dead process's directory was removed");
        assert!(live.exists(), "a live process's directory was kept");
        std::fs::remove_dir_all(&live).unwrap();
        drop(fresh);
    }

    #[test]
    fn a_missing_directory_is_a_clear_error() {
        let spec = spec_for(Profile::Smoke).with(DIR_ID, u64::MAX);
        let err = FileRoundTrip::from_spec(&spec).err().unwrap().to_string();
        assert!(
            err.contains("does not exist") && err.contains("TMPDIR"),
            "{err}"
        );
    }
}
