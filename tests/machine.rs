//! The machine fingerprint on the machine running the tests: plausible values, a JSON round
//! trip, and `usable_cpus` honouring a `taskset -c N` affinity mask (`concbench machine`
//! started under `taskset`); the machine's identity: a host identity and the CPU's on Linux,
//! a folder of its own per host, the `CONCBENCH_MACHINE_NAME` override and its errors, and
//! results files written before identities still reading under their old folder names.

use std::path::Path;
use std::process::{Command, Output};

use concbench::machine::identity::host_identity_from;
use concbench::machine::{MACHINE_NAME_VAR, Machine};
use concbench::results::Results;

#[test]
fn detect_gives_plausible_values() {
    let started = std::time::Instant::now();
    let m = Machine::detect(None);
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
    let mut m = Machine::detect(None);
    m.finish();
    let json = serde_json::to_string_pretty(&m).unwrap();
    let back: Machine = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
    assert_eq!(serde_json::to_string_pretty(&back).unwrap(), json);
    println!("{json}");
}

#[test]
fn finish_accounts_other_processes_over_a_second() {
    let mut m = Machine::detect(None);
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

#[test]
fn detect_reads_the_host_and_cpu_identity() {
    let m = Machine::detect(None);
    assert_eq!(m.name, None);
    if cfg!(target_os = "linux") {
        let host = m
            .host
            .as_ref()
            .expect("Linux has a machine id or a host name");
        assert_eq!(host.id.len(), 8, "{host:?}");
        assert!(host.id.bytes().all(|b| b.is_ascii_hexdigit()), "{host:?}");
        let cpu = m.cpu_id.as_ref().expect("Linux has /proc/cpuinfo");
        assert!(cpu.flags_digest.is_some(), "{cpu:?}");
        if cfg!(target_arch = "x86_64") {
            assert!(
                cpu.vendor.is_some() && cpu.family.is_some() && cpu.model.is_some(),
                "{cpu:?}"
            );
        }
        let sysfs = Path::new("/sys/devices/system/cpu/cpu0/cache/index0/size").exists();
        assert_eq!(!cpu.caches.is_empty(), sysfs, "{cpu:?}");
        println!(
            "host {}; {}; {}; {}",
            host.describe(),
            cpu.describe_id().unwrap_or_default(),
            cpu.describe_caches().unwrap_or_default(),
            cpu.describe_flags().unwrap_or_default()
        );
    } else {
        assert_eq!(m.cpu_id, None, "only Linux reads the CPU identity");
    }
    // The identity is read, not made up: detecting again gives the same.
    let again = Machine::detect(None);
    assert_eq!((&again.host, &again.cpu_id), (&m.host, &m.cpu_id));
    assert_eq!(again.slug(), m.slug());
}

#[test]
fn two_hosts_with_the_same_cpu_write_different_folders() {
    let mut a = Machine::detect(None);
    // A host with no identity at all (no machine id, no host name) cannot be told apart.
    a.host = a.host.or(host_identity_from(None, None, Some("this host")));
    let mut b = a.clone();
    b.host = host_identity_from(Some("another host's machine id"), None, None);
    assert_eq!(a.cpu_brand, b.cpu_brand);
    assert_eq!(a.usable_cpus, b.usable_cpus);
    assert_ne!(a.slug(), b.slug());
    assert!(!a.same_host(&b));
    if let Some(host) = &a.host {
        assert!(a.slug().contains(&host.id), "{}", a.slug());
    }
}

/// `concbench machine` with `args`, `CONCBENCH_MACHINE_NAME` set to `name` or unset.
fn machine_command(name: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_concbench"));
    command.arg("machine").args(args);
    match name {
        Some(name) => command.env(MACHINE_NAME_VAR, name),
        None => command.env_remove(MACHINE_NAME_VAR),
    };
    command.output().expect("concbench machine starts")
}

fn stdout_of(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn a_machine_name_names_the_folder_and_the_run() {
    let plain: serde_json::Value =
        serde_json::from_str(&stdout_of(&machine_command(None, &[]))).unwrap();
    let usable = plain["usable_cpus"].as_u64().unwrap();
    assert_eq!(plain["name"], serde_json::Value::Null);
    let slug = stdout_of(&machine_command(None, &["--slug"]));
    assert!(slug.trim().ends_with(&format!("-{usable}cpu")), "{slug}");
    if let Some(host) = plain["host"]["id"].as_str() {
        assert!(slug.contains(host), "{slug} lacks the host {host}");
    }

    let named: serde_json::Value =
        serde_json::from_str(&stdout_of(&machine_command(Some(" Lab PC 2 "), &[]))).unwrap();
    assert_eq!(named["name"], "Lab PC 2");
    assert_eq!(
        named["host"], plain["host"],
        "a name does not change the host"
    );
    assert_eq!(
        stdout_of(&machine_command(Some("Lab PC 2"), &["--slug"])),
        format!("lab-pc-2-{usable}cpu\n")
    );
}

#[test]
fn a_bad_machine_name_is_one_error_line_and_exit_status_2() {
    for (name, problem) in [
        ("", "is empty"),
        ("---", "has no ASCII letter or digit"),
        ("lab|1", "holds '|'"),
    ] {
        for args in [&[][..], &["--slug"][..]] {
            let out = machine_command(Some(name), args);
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            assert_eq!(out.status.code(), Some(2), "{name:?}: {stderr}");
            assert!(out.stdout.is_empty(), "{name:?}");
            let lines: Vec<&str> = stderr.lines().collect();
            assert_eq!(lines.len(), 1, "one line: {stderr}");
            assert!(
                lines[0].starts_with(&format!("error: {MACHINE_NAME_VAR}='")),
                "{stderr}"
            );
            assert!(lines[0].contains(problem), "{stderr}");
            assert!(lines[0].contains("or unset it"), "{stderr}");
        }
    }
}

#[test]
fn results_from_before_identities_read_and_keep_their_folders() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in [
        "tests/fixtures/compare/laptop.json",
        "tests/fixtures/results/valid.json",
    ] {
        let results = Results::read(&root.join(file)).expect(file);
        let m = &results.machine;
        assert_eq!(
            (&m.name, &m.host, &m.cpu_id),
            (&None, &None, &None),
            "{file}"
        );
    }
}

#[test]
fn the_committed_examples_live_in_the_folders_their_machine_names_give() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["amd-epyc-2cpu", "amd-epyc-1cpu"] {
        let file = format!("reports/{folder}/results.json");
        let results = Results::read(&root.join(&file)).expect(&file);
        let m = &results.machine;
        assert!(m.host.is_some(), "{file}: written with a host identity");
        assert_eq!(m.slug(), folder, "{file}");
    }
}
