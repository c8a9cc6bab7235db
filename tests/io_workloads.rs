//! The workloads that own something for their run: the `http` workload's loopback server
//! (statuses, loopback only, many concurrent requests), the `file` workload's directory
//! (nothing left after success or failure) and the `bank` workload's shared ledger (the same
//! balances on every model, money conserved).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use concbench::Profile;
use concbench::model::{self, MODELS, ModelConfig};
use concbench::workload::bank::Bank;
use concbench::workload::file::{FAIL_TASK, FileRoundTrip};
use concbench::workload::http::HttpGets;
use concbench::workload::http::client::{AsyncConnections, Target, blocking_get};
use concbench::workload::http::server::{DelayServer, body_bytes};
use concbench::workload::{self, SharedState, Workload, WorkloadSpec};

fn config() -> ModelConfig {
    ModelConfig {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concbench"))),
        ..ModelConfig::default()
    }
}

fn target(server: &DelayServer) -> Target {
    Target {
        addr: server.addr(),
        server_id: u64::from(server.addr().port()),
    }
}

#[test]
fn the_server_binds_loopback_on_an_ephemeral_port() {
    let server = DelayServer::start().unwrap();
    assert!(server.addr().ip().is_loopback(), "{}", server.addr());
    assert_ne!(server.addr().port(), 0);
    let other = DelayServer::start().unwrap();
    assert_ne!(other.addr(), server.addr());
}

#[test]
fn the_server_answers_with_the_documented_status_codes() {
    let server = DelayServer::start().unwrap();
    let t = target(&server);
    let (status, body) = blocking_get(t, "/delay/1?bytes=1000&seed=9").unwrap();
    assert_eq!((status, body), (200, body_bytes(9, 1000)));
    for (path, want) in [
        ("/nothing/here", 404),
        ("/delay/abc", 400),
        ("/delay/10001", 400),
        ("/delay/1?bytes=16777217", 400),
        ("/delay/1?bytes=12&colour=red", 400),
    ] {
        let (status, body) = blocking_get(t, path).unwrap();
        assert_eq!(status, want, "{path}");
        assert!(!body.is_empty(), "{path}: a refusal says why");
    }
    let (status, _) = blocking_get(t, "/delay/0?bytes=0").unwrap();
    assert_eq!(status, 200, "the connection is still good after refusals");
}

#[test]
fn a_stopped_server_refuses_connections() {
    let server = DelayServer::start().unwrap();
    let t = target(&server);
    drop(server);
    assert!(blocking_get(t, "/delay/0").is_err());
}

#[test]
fn the_server_answers_256_concurrent_requests_with_the_right_bodies() {
    let server = DelayServer::start().unwrap();
    let connections = Arc::new(AsyncConnections::new(target(&server)));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (one, all, answers) = runtime.block_on(async {
        // One request alone first: what each of the 256 would cost one after the other.
        let start = Instant::now();
        let (status, _) = connections
            .get("/delay/200?bytes=512&seed=0")
            .await
            .unwrap();
        assert_eq!(status, 200);
        let one = start.elapsed();
        let start = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for seed in 0..256u64 {
            let connections = connections.clone();
            set.spawn(async move {
                let path = format!("/delay/200?bytes=512&seed={seed}");
                (seed, connections.get(&path).await)
            });
        }
        // Only a guard, so that a hang fails instead of blocking the suite.
        let answers = tokio::time::timeout(Duration::from_secs(120), set.join_all()).await;
        (one, start.elapsed(), answers)
    });
    let answers = answers.expect("256 requests were all answered (120 s hang guard)");
    // One after the other they would take 256 times one request; a server that overlaps
    // the waits answers all of them in a small fraction of that.
    assert!(
        all < one * 256 / 10,
        "256 concurrent requests took {all:?}, one alone {one:?}: the waits did not overlap"
    );
    assert_eq!(answers.len(), 256);
    for (seed, answer) in answers {
        let (status, body) = answer.unwrap();
        assert_eq!(status, 200);
        assert_eq!(body, body_bytes(seed, 512), "body of seed {seed}");
    }
    runtime.shutdown_timeout(Duration::from_secs(5));
}

#[test]
fn a_worker_spec_points_at_the_parents_server() {
    let parent =
        HttpGets::from_spec(&(workload::find("http").unwrap().spec_for)(Profile::Smoke)).unwrap();
    let worker = HttpGets::from_spec(&parent.worker_spec()).unwrap();
    assert_eq!(worker.addr(), parent.addr());
    assert_eq!(
        worker.spec(),
        parent.spec(),
        "the port is not part of the spec"
    );
    assert_eq!(
        workload::reference_checksum(&worker),
        workload::reference_checksum(&parent)
    );
}

fn file_spec() -> WorkloadSpec {
    (workload::find("file").unwrap().spec_for)(Profile::Smoke)
}

#[test]
fn the_file_workload_leaves_nothing_after_success_on_any_model() {
    let config = config();
    let workload = Arc::new(FileRoundTrip::from_spec(&file_spec()).unwrap());
    let dir = workload.dir().to_path_buf();
    for m in MODELS {
        let mut built = model::build(m, workload.clone(), 3, &config).unwrap();
        built.run().unwrap();
        built.finish().unwrap();
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert!(left.is_empty(), "{} left {left:?}", m.name);
    }
    drop(workload);
    assert!(!dir.exists(), "{} outlived its run", dir.display());
}

#[test]
fn the_file_workload_removes_its_directory_after_a_failed_task() {
    let config = config();
    for m in ["threads", "tokio", "process"] {
        let spec = file_spec().with(FAIL_TASK, 5);
        let workload = Arc::new(FileRoundTrip::from_spec(&spec).unwrap());
        let dir = workload.dir().to_path_buf();
        let info = model::find(m).unwrap();
        let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut built = model::build(info, workload.clone(), 2, &config).unwrap();
            built.run()
        }));
        match failed {
            Ok(Ok(_)) => panic!("{m}: a failing task must fail the batch"),
            Ok(Err(e)) => assert!(e.to_string().contains("task 5"), "{m}: {e}"),
            Err(_) => {} // the task's panic came through the model
        }
        assert!(
            dir.join("task-5.bin").exists(),
            "{m}: the failing task wrote its file"
        );
        drop(workload);
        assert!(
            !dir.exists(),
            "{m}: {} outlived the failed run",
            dir.display()
        );
    }
}

fn bank_spec(profile: Profile) -> WorkloadSpec {
    (workload::find("bank").unwrap().spec_for)(profile)
}

#[test]
fn every_model_ends_the_day_with_the_same_balances_and_conserves_money() {
    let config = config();
    let reference = Arc::new(Bank::from_spec(&bank_spec(Profile::Smoke)).unwrap());
    workload::reference_checksum(reference.as_ref());
    let want = reference.balances();
    let conserved = reference.opening_total() + reference.external_net();
    assert_eq!(want.iter().sum::<i64>(), conserved);
    assert_ne!(
        want,
        Bank::from_spec(&bank_spec(Profile::Smoke))
            .unwrap()
            .balances()
    );
    for m in MODELS {
        for workers in [1, 2, 3, 8] {
            let bank = Arc::new(Bank::from_spec(&bank_spec(Profile::Smoke)).unwrap());
            let mut built = model::build(m, bank.clone(), workers, &config).unwrap();
            // Twice: the second batch starts from the opening balances again.
            for _ in 0..2 {
                built.run().unwrap();
                assert_eq!(bank.balances(), want, "{} x{workers}", m.name);
            }
            built.finish().unwrap();
            assert_eq!(bank.balances().iter().sum::<i64>(), conserved);
        }
    }
}

/// Runs a day of `bank`, then replaces its ledger with `shard` before the digest is taken.
fn batch_with_ledger(shard: &[u8]) -> u64 {
    let bank = Bank::from_spec(&bank_spec(Profile::Smoke)).unwrap();
    workload::run_batch(&bank, workload::BatchOwner::REFERENCE, || {
        let tasks = workload::run_in_order(&bank);
        bank.take_shard();
        bank.merge_shard(shard).map(|()| tasks)
    })
    .unwrap()
}

#[test]
fn a_lost_ledger_update_changes_the_batch_checksum() {
    let bank = Bank::from_spec(&bank_spec(Profile::Smoke)).unwrap();
    let want = workload::reference_checksum(&bank);
    let mut shard = bank.take_shard();
    assert_eq!(
        batch_with_ledger(&shard),
        want,
        "the same ledger, the same checksum"
    );
    let first = i64::from_le_bytes(shard[..8].try_into().unwrap());
    shard[..8].copy_from_slice(&(first + 1).to_le_bytes());
    assert_ne!(batch_with_ledger(&shard), want, "one cent off is caught");
}
