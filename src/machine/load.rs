//! Readings of how busy the machine is: the load average, and the CPU time other processes
//! used while a run was going on.
//!
//! The load average comes from `/proc/loadavg` on Linux and `getloadavg(3)` on macOS and the
//! BSDs; elsewhere (Windows) there is none. The CPU-time accounting ([`CpuTicks`]) reads
//! `/proc/stat` and `/proc/self/stat`, so it exists on Linux only. To support another OS,
//! add a `cfg` branch to [`read_load_average`] or [`CpuTicks::now`]; callers already handle
//! `None`. The `/proc` parsers ([`parse_cpu_line`], [`parse_own_ticks`]) and
//! [`clock_ticks_per_second`] are shared with the per-block readings of `quiet`.

use serde::{Deserialize, Serialize};

/// The system load average: runnable (and, on Linux, uninterruptible) tasks averaged over
/// the last 1, 5 and 15 minutes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LoadAverage {
    /// Over the last minute.
    pub one: f64,
    /// Over the last 5 minutes.
    pub five: f64,
    /// Over the last 15 minutes.
    pub fifteen: f64,
}

/// The current load average, or `None` where the platform has none.
pub fn read_load_average() -> Option<LoadAverage> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let text = std::fs::read_to_string("/proc/loadavg").ok()?;
        parse_loadavg(&text)
    }
    #[cfg(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    ))]
    {
        let mut loads = [0f64; 3];
        // SAFETY: getloadavg writes at most `nelem` (3) doubles into the array we own.
        let n = unsafe { libc::getloadavg(loads.as_mut_ptr(), 3) };
        (n == 3).then_some(LoadAverage {
            one: loads[0],
            five: loads[1],
            fifteen: loads[2],
        })
    }
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    )))]
    {
        None
    }
}

/// Parses the first three fields of `/proc/loadavg` (`0.52 0.58 0.59 1/467 12345`).
#[cfg_attr(not(any(target_os = "linux", target_os = "android")), allow(dead_code))]
pub(crate) fn parse_loadavg(text: &str) -> Option<LoadAverage> {
    let mut fields = text.split_whitespace().map(|f| f.parse::<f64>().ok());
    let (one, five, fifteen) = (fields.next()??, fields.next()??, fields.next()??);
    Some(LoadAverage { one, five, fifteen })
}

/// A reading of cumulative CPU time, in clock ticks: all CPUs' busy time, and this process's
/// own (its threads and its reaped children). Never built off Linux ([`CpuTicks::now`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(any(target_os = "linux", target_os = "android")), allow(dead_code))]
pub(crate) struct CpuTicks {
    /// user + nice + system + irq + softirq over all CPUs (guest time is inside user).
    system_busy: u64,
    /// utime + stime + cutime + cstime of this process.
    own: u64,
    /// Clock ticks per second.
    hz: u64,
}

impl CpuTicks {
    /// Reads the counters now; `None` off Linux or when `/proc` is not readable.
    pub(crate) fn now() -> Option<CpuTicks> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let stat = std::fs::read_to_string("/proc/stat").ok()?;
            let own = std::fs::read_to_string("/proc/self/stat").ok()?;
            let hz = clock_ticks_per_second()?;
            Some(CpuTicks {
                system_busy: parse_system_busy(&stat)?,
                own: parse_own_ticks(&own)?,
                hz,
            })
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            None
        }
    }

    /// Mean number of CPUs that processes other than this one kept busy between `self`
    /// (earlier) and `later`, over `seconds` of wall time. Never negative.
    pub(crate) fn others_since(&self, later: &CpuTicks, seconds: f64) -> Option<f64> {
        if seconds <= 0.0 || self.hz != later.hz {
            return None;
        }
        let busy = later.system_busy.saturating_sub(self.system_busy) as f64;
        let own = later.own.saturating_sub(self.own) as f64;
        Some(((busy - own) / self.hz as f64 / seconds).max(0.0))
    }
}

/// The kernel's clock ticks per second (`USER_HZ`, `sysconf(_SC_CLK_TCK)`, 100 on nearly
/// every Linux), the unit of `/proc/stat` and `/proc/<pid>/stat` times; `None` off Linux.
pub(crate) fn clock_ticks_per_second() -> Option<u64> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        // SAFETY: sysconf only reads a configuration value.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        u64::try_from(hz).ok().filter(|&hz| hz > 0)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        None
    }
}

/// The aggregate `cpu` line of `/proc/stat` (proc(5)): time all CPUs spent in each state
/// since boot, in clock ticks. Fields a kernel does not have (iowait before 2.5.41, irq and
/// softirq before 2.6.0) read 0; steal (since 2.6.11) is `None` when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CpuLine {
    pub(crate) user: u64,
    pub(crate) nice: u64,
    pub(crate) system: u64,
    pub(crate) idle: u64,
    pub(crate) iowait: u64,
    pub(crate) irq: u64,
    pub(crate) softirq: u64,
    pub(crate) steal: Option<u64>,
}

impl CpuLine {
    /// user + nice + system + irq + softirq: time the CPUs ran something. Guest time is
    /// already inside user and nice (proc(5)), so it is not added again.
    pub(crate) fn busy(&self) -> u64 {
        self.user + self.nice + self.system + self.irq + self.softirq
    }

    /// Every state but guest and guest_nice (inside user and nice): all CPUs' time.
    pub(crate) fn total(&self) -> u64 {
        self.busy() + self.idle + self.iowait + self.steal.unwrap_or(0)
    }
}

/// Parses the aggregate `cpu` line of `/proc/stat` (`cpu  user nice system idle iowait irq
/// softirq steal guest guest_nice`, proc(5)); `None` without it or with fewer than 4 fields.
pub(crate) fn parse_cpu_line(stat: &str) -> Option<CpuLine> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let at = |i: usize| v.get(i).copied().unwrap_or(0);
    (v.len() >= 4).then(|| CpuLine {
        user: at(0),
        nice: at(1),
        system: at(2),
        idle: at(3),
        iowait: at(4),
        irq: at(5),
        softirq: at(6),
        steal: v.get(7).copied(),
    })
}

/// Busy ticks from the aggregate `cpu` line of `/proc/stat`.
#[cfg_attr(not(any(target_os = "linux", target_os = "android")), allow(dead_code))]
fn parse_system_busy(stat: &str) -> Option<u64> {
    parse_cpu_line(stat).map(|cpu| cpu.busy())
}

/// utime + stime + cutime + cstime (fields 14 to 17) of `/proc/<pid>/stat` (proc(5)): the
/// process's threads and its reaped children, in clock ticks. The command name (field 2)
/// may hold spaces and parentheses, so fields are counted after its last `)`.
pub(crate) fn parse_own_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    // `rest` starts at field 3 (state), so field 14 is index 11.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| fields.get(i)?.parse::<i64>().ok();
    let total = tick(11)? + tick(12)? + tick(13)? + tick(14)?;
    u64::try_from(total).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loadavg_parses_and_rejects_garbage() {
        let load = parse_loadavg("0.52 1.58 2.59 1/467 12345\n").unwrap();
        assert_eq!((load.one, load.five, load.fifteen), (0.52, 1.58, 2.59));
        assert_eq!(parse_loadavg("0.5 x 1"), None);
        assert_eq!(parse_loadavg(""), None);
    }

    #[test]
    fn proc_stat_fields_parse() {
        let stat = "cpu  100 5 50 1000 7 3 2 9 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n";
        assert_eq!(parse_system_busy(stat), Some(100 + 5 + 50 + 3 + 2));
        let own = "4242 (odd) name) R 1 2 3 4 5 6 7 8 9 10 20 30 40 50 60 0";
        assert_eq!(parse_own_ticks(own), Some(20 + 30 + 40 + 50));
        let cpu = parse_cpu_line(stat).unwrap();
        assert_eq!(cpu.steal, Some(9));
        assert_eq!(cpu.total(), 100 + 5 + 50 + 1000 + 7 + 3 + 2 + 9);
        let old = parse_cpu_line("cpu  1 2 3 4 5 6 7\n").unwrap();
        assert_eq!((old.steal, old.total()), (None, 28));
        assert_eq!(parse_cpu_line("cpu  1 2 3\n"), None);
        assert_eq!(parse_cpu_line("cpu0 1 2 3 4\n"), None);
    }

    #[test]
    fn others_subtract_own_time() {
        let before = CpuTicks {
            system_busy: 1000,
            own: 100,
            hz: 100,
        };
        let after = CpuTicks {
            system_busy: 1500,
            own: 400,
            hz: 100,
        };
        // 500 busy ticks, 300 ours: 200 ticks = 2 CPU-seconds over 2 s = 1 CPU.
        assert_eq!(before.others_since(&after, 2.0), Some(1.0));
        let idle = CpuTicks {
            system_busy: 1000,
            own: 400,
            hz: 100,
        };
        assert_eq!(before.others_since(&idle, 2.0), Some(0.0));
        assert_eq!(before.others_since(&after, 0.0), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_linux_machine_has_readings() {
        assert!(read_load_average().is_some());
        let ticks = CpuTicks::now().unwrap();
        assert!(ticks.hz > 0 && ticks.system_busy > 0);
    }
}
