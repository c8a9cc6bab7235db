//! The machine fingerprint on the machine running the tests: plausible values, a JSON round
//! trip, and `usable_cpus` honouring a `taskset -c N` affinity mask (`concbench machine`
//! started under `taskset`).

use std::process::Command;

use concbench::machine::Machine;

#[test]
fn detect_gives_plausible_values() {
    let started = std::time::Instant::now();
    let m = Machine::detect();
    let took = started.elapsed();
    assert!(m.logical_cores >= 1, "{m:?}");
    assert!(
        (1..=m.logical_cores).contains(&m.usable_cpus),
        "usable {} of {} logical",
        m.usable_cpus,
        m.logical_cores
    );
    if let Some(physical) = m.physical_cores {
        assert!((1..=m.logical_cores).contains(&physical), "{m:?}");
    }
    assert!(m.total_memory_bytes > 0, "{m:?}");
    assert!(m.rustc.starts_with("rustc "), "{}", m.rustc);
    assert_eq!(m.concbench_version, env!("CARGO_PKG_VERSION"));
    assert!(
        !m.arch.is_empty() && !m.kernel.is_empty() && !m.os.is_empty(),
        "{m:?}"
    );
    if let Some(commit) = &m.git_commit {
        let hash = commit.strip_suffix("-dirty").unwrap_or(commit);
        assert_eq!(hash.len(), 12, "{commit}");
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{commit}");
    }
    if cfg!(target_os = "linux") {
        assert!(m.load_before.is_some(), "Linux has /proc/loadavg");
    }
    assert_busy_follows_the_rule(&m);
    let slug = m.slug();
    assert!(slug.ends_with(&format!("-{}cpu", m.usable_cpus)), "{slug}");
    assert!(
        slug.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{slug}"
    );
    println!("{}\n{slug}\ndetected in {took:?}", m.summary_line());
}

/// `busy` as documented: other processes kept more than half the logical CPUs busy during
/// the run or, where that reading is missing, the 1-minute load average before the run was
/// above half of them; each busy verdict comes with its reasons.
fn assert_busy_follows_the_rule(m: &Machine) {
    let half = m.logical_cores as f64 / 2.0;
    let busy = match (m.other_cpu_load, &m.load_before) {
        (Some(other), _) => other > half,
        (None, Some(load)) => load.one > half,
        (None, None) => false,
    };
    assert_eq!(m.busy, busy, "{m:?}");
    assert_eq!(m.busy_reasons.is_empty(), !busy, "{m:?}");
}

#[test]
fn json_round_trips() {
    let mut m = Machine::detect();
    m.finish();
    let json = serde_json::to_string_pretty(&m).unwrap();
    let back: Machine = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
    assert_eq!(serde_json::to_string_pretty(&back).unwrap(), json);
    println!("{json}");
}

#[test]
fn finish_accounts_other_processes_over_a_second() {
    let mut m = Machine::detect();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    m.finish();
    if cfg!(target_os = "linux") {
        assert!(m.load_after.is_some());
        let other = m.other_cpu_load.expect("Linux accounts CPU time over 1 s");
        assert!(
            other >= 0.0 && other <= m.logical_cores as f64 + 0.5,
            "{other}"
        );
    }
    assert_busy_follows_the_rule(&m);
    println!("busy: {} {:?}", m.busy, m.busy_reasons);
}

/// The CPUs this process may run on, from `Cpus_allowed_list` in `/proc/self/status`
/// (e.g. `0-1,4`), ascending.
fn allowed_cpus() -> Vec<usize> {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let list = status
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
        .expect("Cpus_allowed_list in /proc/self/status")
        .trim();
    let mut cpus = Vec::new();
    for range in list.split(',') {
        let (from, to) = range.split_once('-').unwrap_or((range, range));
        cpus.extend(from.parse::<usize>().unwrap()..=to.parse::<usize>().unwrap());
    }
    cpus
}

/// `usable_cpus` as `concbench machine` reports it, started through `command`.
fn usable_cpus(mut command: Command) -> usize {
    let out = command.output().expect("concbench machine starts");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let machine: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    machine["usable_cpus"].as_u64().expect("usable_cpus") as usize
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs taskset and /proc/self/status (Linux)"
)]
fn taskset_limits_usable_cpus() {
    let exe = env!("CARGO_BIN_EXE_concbench");
    let allowed = allowed_cpus();
    let mut plain = Command::new(exe);
    plain.arg("machine");
    assert_eq!(
        usable_cpus(plain),
        allowed.len(),
        "without taskset every allowed CPU is usable: {allowed:?}"
    );

    // The first CPU this process may use, so that taskset cannot be refused by a cpuset.
    let cpu = allowed[0].to_string();
    if let Err(e) = Command::new("taskset").arg("-V").output() {
        panic!(
            "taskset cannot be started ({e}); this test needs it: install util-linux, or \
             leave this test out with --skip taskset_limits_usable_cpus"
        );
    }
    let mut pinned = Command::new("taskset");
    pinned.args(["-c", &cpu, exe, "machine"]);
    assert_eq!(
        usable_cpus(pinned),
        1,
        "taskset -c {cpu} must leave one usable CPU"
    );
}
