//! The machine fingerprint on the machine running the tests: plausible values, a JSON round
//! trip, and `usable_cpus` honouring a `taskset -c 0` affinity mask in a child process.

use std::process::Command;

use concbench::machine::Machine;

/// Set in the environment of the child this test binary starts under `taskset`.
const CHILD_ENV: &str = "CONCBENCH_MACHINE_TEST_CHILD";
/// Prefix of the line the child prints.
const CHILD_MARK: &str = "usable_cpus=";

#[test]
fn detect_gives_plausible_values() {
    let started = std::time::Instant::now();
    let m = Machine::detect();
    let took = started.elapsed();
    // Generous: detection reads a few files and is meant to take milliseconds.
    assert!(took.as_secs() < 5, "detection took {took:?}");
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
    assert_eq!(m.busy, !m.busy_reasons.is_empty());
    let slug = m.slug();
    assert!(slug.ends_with(&format!("-{}cpu", m.usable_cpus)), "{slug}");
    assert!(
        slug.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{slug}"
    );
    println!("{}\n{slug}\ndetected in {took:?}", m.summary_line());
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
    assert_eq!(m.busy, !m.busy_reasons.is_empty());
    println!("busy: {} {:?}", m.busy, m.busy_reasons);
}

/// In the child started by `taskset_limits_usable_cpus`: print what detection sees.
/// In a normal test run: nothing to do.
#[test]
fn child_prints_usable_cpus() {
    if std::env::var_os(CHILD_ENV).is_some() {
        // On its own line: libtest prints the test's name just before.
        println!("\n{CHILD_MARK}{}", Machine::detect().usable_cpus);
    }
}

#[test]
fn taskset_limits_usable_cpus() {
    if Command::new("taskset").arg("-V").output().is_err() {
        println!("note: taskset not found; skipping the affinity check");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("taskset")
        .args(["-c", "0"])
        .arg(&exe)
        .args([
            "--exact",
            "child_prints_usable_cpus",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && stderr.contains("taskset") {
        println!(
            "note: taskset cannot set affinity here ({}); skipping",
            stderr.trim()
        );
        return;
    }
    assert!(out.status.success(), "child failed: {stdout}\n{stderr}");
    // Where libtest sends a test's own output depends on its version: look in both.
    let usable: usize = stdout
        .lines()
        .chain(stderr.lines())
        .find_map(|l| l.split_once(CHILD_MARK).map(|(_, n)| n))
        .unwrap_or_else(|| panic!("child printed no {CHILD_MARK}: {stdout}\n{stderr}"))
        .trim()
        .parse()
        .unwrap();
    assert_eq!(usable, 1, "taskset -c 0 must leave one usable CPU");
}
