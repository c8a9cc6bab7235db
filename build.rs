//! Build script: records what built concbench, for the machine fingerprint
//! (`src/machine/mod.rs` reads these with `env!`).
//!
//! - `CONCBENCH_RUSTC`: the output of `$RUSTC -V` (the compiler cargo uses for this crate);
//! - `CONCBENCH_GIT_COMMIT`: `git rev-parse --short=12 HEAD`, plus `-dirty` when the code
//!   that is measured ([`CODE_PATHS`]) differs from HEAD, new untracked files there
//!   included; empty when this is not a git checkout or git is missing.
//!
//! This script never fails the build: anything it cannot find becomes an empty or
//! "unknown" value. It reruns only when the commit can have changed (`HEAD`, its reflog,
//! the current branch's ref, `packed-refs`, the index) or when [`CODE_PATHS`] change, so
//! the `-dirty` flag follows edits without the script running on every build. Edits
//! elsewhere (README, tests) do not make a build dirty: they change no measured number.
//! To widen what counts, add a path to [`CODE_PATHS`].

use std::path::{Path, PathBuf};
use std::process::Command;

/// The paths (relative to the crate root) whose content decides what concbench measures.
const CODE_PATHS: [&str; 5] = ["src", "benches", "build.rs", "Cargo.toml", "Cargo.lock"];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());

    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let rustc_version = run(Command::new(rustc).arg("-V"))
        .filter(|v| v.starts_with("rustc "))
        .unwrap_or_else(|| "rustc (unknown version)".to_string());
    println!("cargo:rustc-env=CONCBENCH_RUSTC={rustc_version}");

    let commit = git_commit(&manifest_dir).unwrap_or_default();
    println!("cargo:rustc-env=CONCBENCH_GIT_COMMIT={commit}");
}

/// The short commit with a `-dirty` suffix, or `None` outside a git checkout. Also emits
/// the rerun-if-changed lines for the git files that move when the commit changes.
fn git_commit(dir: &Path) -> Option<String> {
    let git = |args: &[&str]| run(Command::new("git").arg("-C").arg(dir).args(args));
    let hash = git(&["rev-parse", "--short=12", "HEAD"])?;

    let mut watched: Vec<String> = ["HEAD", "logs/HEAD", "packed-refs", "index"]
        .map(String::from)
        .to_vec();
    if let Some(branch_ref) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch_ref);
    }
    for name in watched {
        // `--git-path` answers relative to the `-C` directory (and follows worktrees).
        if let Some(path) = git(&["rev-parse", "--git-path", &name]) {
            let path = dir.join(path);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    let present: Vec<&str> = CODE_PATHS
        .into_iter()
        .filter(|name| dir.join(name).exists())
        .collect();
    for name in &present {
        println!("cargo:rerun-if-changed={name}");
    }

    // `git status` prints nothing for a clean tree; a failure here is not "dirty".
    // `--no-optional-locks`: status would otherwise refresh the index, whose new mtime
    // would make cargo rerun this script, and rebuild concbench, on the next build.
    let mut status = Command::new("git");
    status
        .arg("--no-optional-locks")
        .arg("-C")
        .arg(dir)
        .args(["status", "--porcelain", "--untracked-files=all", "--"])
        .args(&present);
    let dirty = run_raw(&mut status).is_some_and(|out| !out.trim().is_empty());
    Some(if dirty { format!("{hash}-dirty") } else { hash })
}

/// Runs a command and returns its trimmed stdout when it succeeds with non-empty output.
fn run(cmd: &mut Command) -> Option<String> {
    run_raw(cmd)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Runs a command and returns its stdout when it exits successfully.
fn run_raw(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()
}
