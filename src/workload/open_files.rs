//! The number of descriptors (files, sockets, pipes) a workload's process may hold open.
//!
//! A workload that keeps many descriptors open at once asks for them when it is built, with
//! [`ensure_open_files`]: `http` holds a client and a server socket for every request in
//! flight, `file` a file for every task in flight. When the process's soft limit
//! (`RLIMIT_NOFILE`) is lower, it is raised toward the hard limit, never lowered. This matters
//! on macOS, which starts programs with a soft limit of 256 (the full profile's 256
//! concurrent requests need more than 512); Linux usually starts with 1024 or more. Worker
//! processes started afterwards inherit the raised limit, and build the workload themselves
//! too.
//!
//! A new workload that holds many descriptors at once calls [`ensure_open_files`] from its
//! builder with the most its batch can hold, plus [`HEADROOM`].

use crate::error::{Error, Result};

/// Descriptors left for everything else the process holds: standard streams, runtimes'
/// pollers and wake-ups, the worker pool's pipes, the results being written.
pub const HEADROOM: u64 = 64;

/// Makes sure this process may hold `needed` descriptors open at once, raising its soft
/// limit to `needed` when it is lower (and the hard limit allows it). Returns the soft limit
/// now in force, which is at least `needed`.
///
/// Errors: [`Error::WorkloadSetup`] naming `workload` when the hard limit is below `needed`
/// or the limit cannot be read or raised; the message says how to raise it.
pub fn ensure_open_files(workload: &str, needed: u64) -> Result<u64> {
    let setup = |reason: String| Error::WorkloadSetup {
        workload: workload.to_string(),
        action: format!("hold {needed} files and sockets open at once"),
        reason,
    };
    let (soft, hard) = limits().map_err(|e| setup(format!("reading the limit failed: {e}")))?;
    if soft >= needed {
        return Ok(soft);
    }
    if hard < needed {
        return Err(setup(format!(
            "the hard limit on open files is {hard}; raise it (`ulimit -Hn {needed}` as root, or \
             the system's limits) or run a smaller profile"
        )));
    }
    set_soft_limit(needed, hard).map_err(|e| {
        setup(format!(
            "raising the soft limit on open files from {soft} failed: {e}; raise it before \
             starting concbench (`ulimit -n {needed}`)"
        ))
    })?;
    Ok(needed)
}

/// The soft and hard limits on open descriptors (`RLIM_INFINITY` reads as `u64::MAX`).
fn limits() -> std::io::Result<(u64, u64)> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes into the struct we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok((to_u64(limit.rlim_cur), to_u64(limit.rlim_max)))
}

/// Sets the soft limit on open descriptors to `soft`, keeping the hard limit `hard`.
fn set_soft_limit(soft: u64, hard: u64) -> std::io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: from_u64(soft),
        rlim_max: from_u64(hard),
    };
    // SAFETY: setrlimit only reads the struct we pass.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// `rlim_t` is `u64` on the platforms concbench runs on (64-bit Linux, macOS), so this and
/// [`from_u64`] are identities there; elsewhere the cast keeps the code building.
#[allow(clippy::unnecessary_cast)]
fn to_u64(value: libc::rlim_t) -> u64 {
    value as u64
}

/// The reverse of [`to_u64`].
fn from_u64(value: u64) -> libc::rlim_t {
    value as libc::rlim_t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lower_soft_limit_is_raised_to_what_is_asked_and_a_higher_one_kept() {
        let (soft, hard) = limits().unwrap();
        assert!(
            soft > 1,
            "the test process may open files: soft limit {soft}"
        );
        // Lowering by one is always allowed and leaves the other tests running in this
        // process room enough. They may raise it again meanwhile (building `http` or
        // `file`), never lower it: hence `>=` below.
        set_soft_limit(soft - 1, hard).unwrap();
        assert!(ensure_open_files("http", soft).unwrap() >= soft);
        let (now, hard_now) = limits().unwrap();
        assert!(now >= soft, "raised back to what was asked: {now} < {soft}");
        assert_eq!(hard_now, hard, "the hard limit is left alone");
        assert!(
            ensure_open_files("http", 8).unwrap() >= soft,
            "never lowered"
        );
        assert!(limits().unwrap().0 >= soft);
    }

    #[test]
    fn more_than_the_system_allows_is_one_clear_error() {
        let err = ensure_open_files("http", u64::MAX - 1).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("workload 'http': cannot hold"), "{text}");
        assert!(
            text.contains("open files") && text.contains("ulimit"),
            "{text}"
        );
    }
}
