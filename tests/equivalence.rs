//! Cross-model equivalence: every model returns `sequential`'s checksum for every workload
//! at every worker count, and each workload's smoke-size checksum is pinned so that a change
//! in what a workload computes is visible in review.

use std::path::PathBuf;

use concbench::model::{self, MODELS, ModelConfig};
use concbench::workload::{self, Role, WORKLOADS};
use concbench::{Profile, WorkloadSpec};

fn config() -> ModelConfig {
    ModelConfig {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concbench"))),
        ..ModelConfig::default()
    }
}

/// Smoke-size checksums. Update one only when the workload is meant to compute something
/// else, and say so in the commit.
const PINNED: &[(&str, u64)] = &[
    ("sum-squares", 0x89e2c8a42743e126),
    ("primes", 0xef6bc3d9afafd0f5),
    ("sha256", 0x31ec85cd6a70d9ed),
    ("mandelbrot", 0x973c21af7a01f32c),
    ("stream", 0xa73edb4c64f31421),
    ("ship", 0xae075ae5987dbcbd),
    ("sleep", 0x2564a3efde08c65b),
    ("http", 0x5d5795d25cc8d75f),
    ("file", 0xafa2c21cf6dffde7),
    ("bank", 0xb2b6b76fe78db191),
];

#[test]
fn every_model_agrees_with_sequential_on_every_workload() {
    let config = config();
    for info in WORKLOADS {
        let spec = (info.spec_for)(Profile::Smoke);
        let workload = workload::build(&spec).unwrap();
        workload.prepare(Role::Parent);
        let want = workload::reference_checksum(workload.as_ref());
        for m in MODELS {
            for workers in [1, 2, 3, 8] {
                let mut built = model::build(m, workload.clone(), workers, &config)
                    .unwrap_or_else(|e| panic!("{} x{workers} on {}: {e}", m.name, info.name));
                let got = built
                    .run()
                    .unwrap_or_else(|e| panic!("{} x{workers} on {}: {e}", m.name, info.name));
                assert_eq!(
                    got, want,
                    "{} with {workers} workers disagrees with sequential on {}",
                    m.name, info.name
                );
                built.finish().unwrap();
            }
        }
    }
}

#[test]
fn smoke_checksums_are_pinned() {
    let mut actual = Vec::new();
    for info in WORKLOADS {
        let workload = workload::build(&(info.spec_for)(Profile::Smoke)).unwrap();
        actual.push((info.name, workload::reference_checksum(workload.as_ref())));
    }
    let listing: Vec<String> = actual
        .iter()
        .map(|(n, c)| format!("(\"{n}\", {c:#018x}),"))
        .collect();
    assert_eq!(
        actual.len(),
        PINNED.len(),
        "every workload needs a pinned checksum; current values:\n{}",
        listing.join("\n")
    );
    for ((name, got), (pinned_name, want)) in actual.iter().zip(PINNED) {
        assert_eq!(name, pinned_name);
        assert_eq!(
            got,
            want,
            "{name}'s smoke checksum changed; current values:\n{}",
            listing.join("\n")
        );
    }
}

#[test]
fn a_spec_survives_a_json_round_trip_and_rebuilds_the_same_workload() {
    for info in WORKLOADS {
        let spec = (info.spec_for)(Profile::Smoke);
        let text = serde_json::to_string(&spec).unwrap();
        let back: WorkloadSpec = serde_json::from_str(&text).unwrap();
        assert_eq!(back, spec);
        let a = workload::build(&spec).unwrap();
        let b = workload::build(&back).unwrap();
        assert_eq!(
            workload::reference_checksum(a.as_ref()),
            workload::reference_checksum(b.as_ref())
        );
    }
}

#[test]
fn bad_specs_name_the_workload_and_parameter() {
    for info in WORKLOADS {
        let full = (info.spec_for)(Profile::Smoke);
        for param in full.params.keys() {
            let mut spec = full.clone();
            spec.params.remove(param);
            let err = workload::build(&spec)
                .err()
                .unwrap_or_else(|| panic!("{} without {param} is refused", info.name));
            let text = err.to_string();
            assert!(text.contains(info.name) && text.contains(param), "{text}");
            assert!(err.is_usage());
        }
    }
}

#[test]
fn every_profile_builds_every_workload_with_enough_tasks() {
    for info in WORKLOADS {
        for profile in Profile::ALL {
            // Building allocates no large inputs; only prepare or run does.
            let w = workload::build(&(info.spec_for)(profile)).unwrap();
            assert!(w.tasks() >= 8, "{} {profile}", info.name);
        }
    }
}
