//! What the current process has used so far: peak resident memory and CPU time.
//!
//! Both the probe (in the parent) and every process-model worker (in the child) measure
//! themselves with [`SelfUsage::now`]; the parent cannot get a child's figures reliably (on
//! Linux `RUSAGE_CHILDREN` reports the largest single child and inherits the parent's peak).

use serde::{Deserialize, Serialize};

/// A reading of the current process's resource use.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SelfUsage {
    /// Peak resident set size since the process started, in bytes.
    pub peak_rss_bytes: u64,
    /// User CPU time of all its threads, in seconds.
    pub user_cpu_s: f64,
    /// System CPU time of all its threads, in seconds.
    pub sys_cpu_s: f64,
}

impl SelfUsage {
    /// Reads the current process's usage.
    pub fn now() -> SelfUsage {
        // SAFETY: getrusage only writes into the zeroed struct we pass.
        let mut raw: libc::rusage = unsafe { std::mem::zeroed() };
        let ok = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut raw) } == 0;
        let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        let (user, sys, maxrss) = if ok {
            (seconds(raw.ru_utime), seconds(raw.ru_stime), raw.ru_maxrss)
        } else {
            (0.0, 0.0, 0)
        };
        SelfUsage {
            peak_rss_bytes: vm_hwm_bytes().unwrap_or_else(|| maxrss_to_bytes(maxrss)),
            user_cpu_s: user,
            sys_cpu_s: sys,
        }
    }

    /// Total CPU time, user plus system.
    pub fn cpu_s(&self) -> f64 {
        self.user_cpu_s + self.sys_cpu_s
    }
}

/// `ru_maxrss` is in KiB on Linux and the BSDs, in bytes on macOS.
fn maxrss_to_bytes(maxrss: libc::c_long) -> u64 {
    let value = maxrss.max(0) as u64;
    if cfg!(target_os = "macos") {
        value
    } else {
        value * 1024
    }
}

/// The `VmHWM` line of `/proc/self/status` (Linux), in bytes.
fn vm_hwm_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The number of OS threads of the current process right now (`/proc/self/status`), or
/// `None` where the kernel does not say.
pub fn thread_count() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
}

/// Samples the current process's OS thread count every [`ThreadPeak::EVERY`] on a thread of
/// its own, and keeps the peak: what shows that `tokio::fs` runs on a pool of blocking
/// threads, or that `threads` spawns one per worker. A sample can miss threads that live
/// shorter than the interval, so the peak is a lower bound. The sampler's own thread is not
/// counted, and the CPU time it spent is reported so that it can be taken off the process's.
/// Where the kernel gives no thread count (off Linux) no sampler is started, so that it
/// cannot add its wake-ups to what is measured.
pub struct ThreadPeak {
    stop: std::sync::mpsc::Sender<()>,
    sampler: Option<std::thread::JoinHandle<ThreadSamples>>,
}

/// What a [`ThreadPeak`] found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThreadSamples {
    /// The most threads seen at once, the sampler excluded; `None` without `/proc`.
    pub peak: Option<u64>,
    /// User CPU seconds the sampler itself spent.
    pub own_user_s: f64,
    /// System CPU seconds the sampler itself spent.
    pub own_sys_s: f64,
}

impl ThreadPeak {
    /// Time between two samples.
    pub const EVERY: std::time::Duration = std::time::Duration::from_millis(5);

    /// Starts sampling.
    pub fn start() -> std::io::Result<ThreadPeak> {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        if thread_count().is_none() {
            return Ok(ThreadPeak {
                stop,
                sampler: None,
            });
        }
        let sampler = std::thread::Builder::new()
            .name("concbench-thread-peak".into())
            .spawn(move || {
                let mut peak = thread_count();
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(Self::EVERY)
                {
                    peak = peak.max(thread_count());
                }
                let (own_user_s, own_sys_s) = this_thread_cpu();
                ThreadSamples {
                    peak: peak.map(|n| n.saturating_sub(1)),
                    own_user_s,
                    own_sys_s,
                }
            })?;
        Ok(ThreadPeak {
            stop,
            sampler: Some(sampler),
        })
    }

    /// Stops sampling and returns what it found.
    pub fn finish(self) -> ThreadSamples {
        let _ = self.stop.send(());
        let none = ThreadSamples {
            peak: None,
            own_user_s: 0.0,
            own_sys_s: 0.0,
        };
        match self.sampler {
            Some(sampler) => sampler.join().unwrap_or(none),
            None => none,
        }
    }
}

/// User and system CPU seconds of the calling thread (Linux), or zeros.
fn this_thread_cpu() -> (f64, f64) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getrusage only writes into the zeroed struct we pass.
        let mut raw: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut raw) } == 0 {
            let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            return (seconds(raw.ru_utime), seconds(raw.ru_stime));
        }
    }
    (0.0, 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_hwm_parses_kib() {
        let status = "Name:\tx\nVmPeak:\t  10 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 1 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(2048 * 1024));
        assert_eq!(parse_vm_hwm("Name: x\n"), None);
    }

    #[test]
    fn a_big_allocation_raises_the_peak_and_burns_cpu() {
        let before = SelfUsage::now();
        let block = vec![1u8; 64 << 20];
        let mut sum = 0u64;
        for b in &block {
            sum = sum.wrapping_add(std::hint::black_box(*b) as u64);
        }
        let after = SelfUsage::now();
        assert_eq!(sum, 64 << 20);
        assert!(after.peak_rss_bytes >= before.peak_rss_bytes);
        assert!(after.peak_rss_bytes >= 64 << 20, "{after:?}");
        assert!(after.cpu_s() >= before.cpu_s());
    }

    #[test]
    #[cfg_attr(
        not(target_os = "linux"),
        ignore = "needs /proc/self/status (Linux): elsewhere the thread count is None"
    )]
    fn the_thread_peak_sees_threads_that_came_and_went() {
        let before = thread_count().expect("Threads: in /proc/self/status");
        let peak = ThreadPeak::start().unwrap();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| std::thread::sleep(std::time::Duration::from_millis(50)));
            }
        });
        let samples = peak.finish();
        let peak = samples.peak.unwrap();
        assert!(peak >= before + 4, "peak {peak}, {before} before");
        assert!(samples.own_user_s >= 0.0 && samples.own_sys_s >= 0.0);
    }
}
