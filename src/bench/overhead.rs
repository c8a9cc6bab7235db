//! The overhead bench's library part (`benches/overhead.rs` holds only the criterion glue):
//! which benchmarks it runs, the raw primitives (floors) each model is built on, its
//! criterion settings, and the table it prints and stores.
//!
//! Models run the `sum-squares` workload with `n = 1` (one multiply-add per task) in batches
//! of [`BATCHES`] tasks with [`WORKERS`] workers, as `overhead/<model>/<batch>`; floors run
//! alone as `floor/<primitive>/<batch>`. Batch time / batch size is the per-task dispatch
//! cost. Each [`Floor`] names the models it should be compared with, so the table reads
//! "this model costs n times its floor". A model may have a floor per batch ([`floor_at`]):
//! `process` is held against the one-at-a-time `pipe-ping-pong` at batch 1 and against the
//! `pipe-pipelined` floor (many messages in flight, [`super::pipe_floor`]) at batch 1000.
//!
//! To add a floor: a [`Floor`] entry in [`FLOORS`] (name, batches, models it underlies), a
//! primitive here if it needs more than a line, and its arm in the bench's `bench_floors`.

use std::hint::black_box;
use std::io;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

use super::python_twins::{PythonTwins, Twin};
use crate::model::MODELS;
use crate::profile::Profile;
use crate::results::criterion::CriterionId;
use crate::results::{CriterionSettings, OverheadRecord};
use crate::table::markdown;

/// Tasks per timed batch: one dispatch alone, and a thousand to amortise start-up.
pub const BATCHES: [usize; 2] = [1, 1000];
/// Worker count of every model (sequential uses 1 whatever it is asked).
pub const WORKERS: usize = 2;
/// Criterion group of the models; not a workload name, so it cannot collide with a case.
pub const OVERHEAD: &str = "overhead";
/// Criterion group of the raw floors.
pub const FLOOR: &str = "floor";
/// Marks the warnings this bench adds to a results file, so a re-run replaces them.
pub const WARNING_PREFIX: &str = "overhead bench: ";

/// A raw floor: the primitive, the batches it is measured at, and the models built on it.
#[derive(Debug)]
pub struct Floor {
    /// Its name, the criterion function of `floor/<name>/<batch>`.
    pub name: &'static str,
    /// The batch sizes it is timed at.
    pub batches: &'static [usize],
    /// The models whose per-task cost it underlies.
    pub compared_with: &'static [&'static str],
}

/// `std::thread::spawn(|| ()).join()`, per operation.
pub const THREAD_SPAWN_JOIN: &str = "thread-spawn-join";
/// `rayon::join` of two empty closures inside a 2-thread pool's `install`.
pub const RAYON_JOIN: &str = "rayon-join";
/// `spawn` then `await` of an empty task, from a task of a 2-worker multi-thread tokio runtime
/// built as the `tokio` model builds its own.
pub const TOKIO_SPAWN_AWAIT: &str = "tokio-spawn-await";
/// The same on a current-thread runtime.
pub const TOKIO_CURRENT_SPAWN_AWAIT: &str = "tokio-current-spawn-await";
/// One byte to another process and back over two pipes, per operation.
pub const PIPE_PING_PONG: &str = "pipe-ping-pong";
/// 16-byte messages to another process and back over two pipes, 64 in flight, a `write` per
/// message at both ends ([`super::pipe_floor`]); per message.
pub const PIPE_PIPELINED: &str = "pipe-pipelined";
/// `concbench --version` started and waited for, per operation.
pub const PROCESS_SPAWN_WAIT: &str = "process-spawn-wait";

/// Every floor, in the order tables show them. Thread, pipe and process floors are per
/// operation: 1000 in a row cost 1000 times one (and 1000 live threads at once measure the
/// scheduler, not the spawn).
pub const FLOORS: &[Floor] = &[
    Floor {
        name: THREAD_SPAWN_JOIN,
        batches: &[1],
        compared_with: &["threads", "threads-gil"],
    },
    Floor {
        name: RAYON_JOIN,
        batches: &[1, 1000],
        compared_with: &["rayon"],
    },
    Floor {
        name: TOKIO_SPAWN_AWAIT,
        batches: &[1, 1000],
        compared_with: &["tokio"],
    },
    Floor {
        name: TOKIO_CURRENT_SPAWN_AWAIT,
        batches: &[1, 1000],
        compared_with: &["tokio-current"],
    },
    Floor {
        name: PIPE_PING_PONG,
        batches: &[1],
        compared_with: &["process"],
    },
    Floor {
        name: PIPE_PIPELINED,
        batches: &[1000],
        compared_with: &["process"],
    },
    Floor {
        name: PROCESS_SPAWN_WAIT,
        batches: &[1],
        compared_with: &[],
    },
];

/// The first floor listed for `model`, if any (see [`floor_at`] for the one of a batch).
pub fn floor_of(model: &str) -> Option<&'static str> {
    FLOORS
        .iter()
        .find(|f| f.compared_with.contains(&model))
        .map(|f| f.name)
}

/// The floor `model` should be compared with at `batch` tasks: among the floors listed for
/// it, the one measured at that batch, else the first (a floor measured per operation is its
/// own per-task figure at any batch).
pub fn floor_at(model: &str, batch: usize) -> Option<&'static str> {
    let mut listed = FLOORS.iter().filter(|f| f.compared_with.contains(&model));
    listed
        .clone()
        .find(|f| f.batches.contains(&batch))
        .or_else(|| listed.next())
        .map(|f| f.name)
}

/// The "compare with" cell of `model`'s row: its floor, or its floor at each batch when
/// they differ.
fn floor_cell(model: &str) -> String {
    match (floor_at(model, BATCHES[0]), floor_at(model, BATCHES[1])) {
        (Some(one), Some(many)) if one != many => format!(
            "floor {one} (batch {}), floor {many} (batch {})",
            BATCHES[0], BATCHES[1]
        ),
        (Some(f), _) | (None, Some(f)) => format!("floor {f}"),
        (None, None) => "—".to_string(),
    }
}

/// One benchmark of the overhead bench: `<group>/<function>/<batch>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverheadBench {
    /// [`OVERHEAD`] or [`FLOOR`].
    pub group: &'static str,
    /// The model or the floor.
    pub function: &'static str,
    /// Tasks (or operations) per timed batch.
    pub batch: usize,
}

impl OverheadBench {
    /// `<group>/<function>/<batch>`, as criterion and filters see it.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.group, self.function, self.batch)
    }

    /// True when criterion's imported `id` is this benchmark.
    pub fn matches(&self, id: &CriterionId) -> bool {
        id.group == self.group
            && id.function.as_deref() == Some(self.function)
            && id.value_number() == Some(self.batch as u64)
    }

    /// The model measured; `None` for a floor.
    pub fn model(&self) -> Option<&'static str> {
        (self.group == OVERHEAD).then_some(self.function)
    }
}

/// Every benchmark the bench can run, in table order: models, then floors.
pub fn all_benches() -> Vec<OverheadBench> {
    let models = MODELS.iter().flat_map(|m| {
        BATCHES.iter().map(|&batch| OverheadBench {
            group: OVERHEAD,
            function: m.name,
            batch,
        })
    });
    let floors = FLOORS.iter().flat_map(|f| {
        f.batches.iter().map(|&batch| OverheadBench {
            group: FLOOR,
            function: f.name,
            batch,
        })
    });
    models.chain(floors).collect()
}

/// Criterion settings per profile, bootstrap resamples included: short, since a
/// near-empty task needs few seconds to estimate well. Smoke uses criterion's minimum (10
/// samples, few resamples) and barely any time.
///
/// Resamples matter for time: criterion's charts estimate densities over every resample, and
/// at its default of 100 000 they take seconds per benchmark on a small machine, more than
/// the measurement. With 10 000 the bounds move by a few percent of the interval's width at
/// most.
pub fn criterion_settings(profile: Profile) -> CriterionSettings {
    let (sample_size, warm_up_s, measurement_s, resamples) = match profile {
        Profile::Smoke => (10, 0.05, 0.1, 2_000),
        Profile::Quick => (10, 0.1, 0.4, 5_000),
        Profile::Default => (20, 0.5, 1.5, 10_000),
        Profile::Full => (40, 1.0, 3.0, 100_000),
    };
    CriterionSettings {
        sample_size,
        warm_up_s,
        measurement_s,
        resamples,
    }
}

/// The [`THREAD_SPAWN_JOIN`] floor: `batch` empty threads spawned, then joined.
pub fn spawn_join(batch: usize) {
    let handles: Vec<_> = (0..batch)
        .map(|_| std::thread::spawn(|| black_box(())))
        .collect();
    for h in handles {
        h.join().expect("an empty thread does not panic");
    }
}

/// The [`RAYON_JOIN`] floor: `batch` joins of two empty closures in one `install` of `pool`.
pub fn rayon_joins(pool: &rayon::ThreadPool, batch: usize) {
    pool.install(|| {
        for _ in 0..batch {
            rayon::join(|| black_box(()), || black_box(()));
        }
    })
}

/// The [`TOKIO_SPAWN_AWAIT`] and [`TOKIO_CURRENT_SPAWN_AWAIT`] floors: `batch` empty tasks
/// spawned, then awaited, by one task of `runtime` that the calling thread waits for, as the
/// tokio models drive a batch. At batch 1 this is one hand-over to the runtime and back
/// around one spawn and await; at batch 1000, spawn and await as a runtime task pays them.
pub fn spawn_await(runtime: &tokio::runtime::Runtime, batch: usize) {
    runtime.block_on(async move {
        tokio::spawn(async move {
            let handles: Vec<_> = (0..batch)
                .map(|_| tokio::spawn(async { black_box(()) }))
                .collect();
            for h in handles {
                h.await.expect("an empty task does not panic");
            }
        })
        .await
        .expect("the floor's driver does not panic")
    })
}

/// The [`PROCESS_SPAWN_WAIT`] floor: `exe --version` started, with no input or output, and
/// waited for. Errors when it cannot start.
pub fn spawn_wait(exe: &Path) -> io::Result<ExitStatus> {
    Command::new(exe)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
}

/// A ratio with two significant digits or so: `3.7×`, `0.52×`, `0.0031×`.
pub(crate) fn times(ratio: f64) -> String {
    let digits = match ratio {
        r if r >= 10.0 => 0,
        r if r >= 1.0 => 1,
        r if r >= 0.1 => 2,
        r if r >= 0.01 => 3,
        _ => 4,
    };
    format!("{ratio:.digits$}×")
}

/// The table the bench prints: one row per model and floor, time per task at batch 1 and at
/// batch 1000, and for a model the floor it should be compared with and how many times that
/// floor it costs at each batch. `records` are the results file's overhead list. The last
/// column holds how many times cheaper than its Python twin (see [`Twin::of`]) a row is, from
/// `python`, measured in the same run: a model at batch 1000, a per-operation floor per
/// operation.
pub fn table(records: &[OverheadRecord], python: &PythonTwins) -> String {
    let point = |group: &str, function: &str, batch: usize| {
        let name = format!("{group}/{function}/{batch}");
        records
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.ns_per_task.point)
    };
    let cell = |v: Option<f64>| v.map_or_else(|| "—".to_string(), crate::units::format_ns);
    let mut rows = vec![vec![
        "model or floor".to_string(),
        "per task, batch 1".to_string(),
        "per task, batch 1000".to_string(),
        "compare with".to_string(),
        "× floor, batch 1".to_string(),
        "× floor, batch 1000".to_string(),
        "× cheaper than Python's twin".to_string(),
    ]];
    for m in MODELS {
        let (one, many) = (
            point(OVERHEAD, m.name, BATCHES[0]),
            point(OVERHEAD, m.name, BATCHES[1]),
        );
        if one.is_none() && many.is_none() {
            continue;
        }
        // A floor measured per operation only is its own per-task figure at any batch.
        let floor_point = |batch: usize| {
            let f = floor_at(m.name, batch)?;
            point(FLOOR, f, batch).or_else(|| point(FLOOR, f, 1))
        };
        let ratio = |model: Option<f64>, batch: usize| match (model, floor_point(batch)) {
            (Some(m), Some(f)) if f > 0.0 => times(m / f),
            _ => "—".to_string(),
        };
        rows.push(vec![
            format!("{} ({})", m.name, m.effective_workers(WORKERS)),
            cell(one),
            cell(many),
            floor_cell(m.name),
            ratio(one, BATCHES[0]),
            ratio(many, BATCHES[1]),
            python.cell(Twin::of(m.name), many),
        ]);
    }
    for f in FLOORS {
        let (one, many) = (point(FLOOR, f.name, 1), point(FLOOR, f.name, 1000));
        if one.is_none() && many.is_none() {
            continue;
        }
        let many = if f.batches.contains(&1000) {
            cell(many)
        } else {
            "(per op)".to_string()
        };
        rows.push(vec![
            format!("floor {}", f.name),
            cell(one),
            many,
            "—".to_string(),
            "—".to_string(),
            "—".to_string(),
            python.cell(Twin::of(f.name), one),
        ]);
    }
    format!(
        "\nper-task dispatch cost on near-empty tasks (sum-squares, n = 1), mean time per task; models with (workers); {}\n\n{}",
        python.caption(),
        markdown(&rows)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Estimate;

    fn record(name: &str, ns: f64) -> OverheadRecord {
        OverheadRecord {
            name: name.to_string(),
            model: name
                .strip_prefix("overhead/")
                .and_then(|rest| rest.split('/').next())
                .map(str::to_string),
            batch: name.rsplit('/').next().unwrap().parse().unwrap(),
            ns_per_task: Estimate {
                point: ns,
                lower: ns * 0.99,
                upper: ns * 1.01,
            },
        }
    }

    #[test]
    fn ids_are_unique_and_every_model_and_floor_is_benchmarked() {
        let all = all_benches();
        let mut ids: Vec<String> = all.iter().map(OverheadBench::id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
        for m in MODELS {
            assert!(
                ids.contains(&format!("overhead/{}/1000", m.name)),
                "{}",
                m.name
            );
        }
        assert!(ids.contains(&"floor/pipe-ping-pong/1".to_string()));
        assert_eq!(all[0].model(), Some("sequential"));
        assert_eq!(all.last().unwrap().model(), None);
    }

    #[test]
    fn every_floor_underlies_registry_models_only() {
        for f in FLOORS {
            for m in f.compared_with {
                assert!(MODELS.iter().any(|info| info.name == *m), "{m}");
                for &batch in f.batches {
                    assert_eq!(floor_at(m, batch), Some(f.name), "{m} at {batch}");
                }
            }
        }
        assert_eq!(floor_of("sequential"), None);
        assert_eq!(floor_at("sequential", 1000), None);
    }

    #[test]
    fn the_process_pool_has_a_floor_per_batch() {
        assert_eq!(floor_at("process", 1), Some(PIPE_PING_PONG));
        assert_eq!(floor_at("process", 1000), Some(PIPE_PIPELINED));
        // Per-operation floors stand for every batch.
        assert_eq!(floor_at("threads", 1000), Some(THREAD_SPAWN_JOIN));
        assert!(
            all_benches()
                .iter()
                .any(|b| b.id() == "floor/pipe-pipelined/1000")
        );
    }

    #[test]
    fn the_table_divides_a_model_by_its_floor_per_batch() {
        let records = vec![
            record("overhead/rayon/1", 4_000.0),
            record("overhead/rayon/1000", 40.0),
            record("floor/rayon-join/1", 2_000.0),
            record("floor/rayon-join/1000", 20.0),
            record("overhead/process/1", 90_000.0),
            record("overhead/process/1000", 500.0),
            record("floor/pipe-ping-pong/1", 45_000.0),
            record("floor/pipe-pipelined/1000", 1_000.0),
        ];
        let text = table(&records, &PythonTwins::Absent);
        let row = |start: &str| {
            text.lines()
                .find(|l| l.starts_with(&format!("| {start}")))
                .unwrap_or_else(|| panic!("no row {start}:\n{text}"))
                .to_string()
        };
        let rayon = row("rayon (2)");
        assert!(
            rayon.contains("4.00 µs") && rayon.contains("40.0 ns"),
            "{rayon}"
        );
        assert!(rayon.contains("floor rayon-join"), "{rayon}");
        assert_eq!(rayon.matches("2.0×").count(), 2, "{rayon}");
        // The pool at batch 1 is held against the ping-pong, at 1000 against the pipelined
        // floor.
        let process = row("process (2)");
        assert!(
            process.contains("2.0×") && process.contains("0.50×"),
            "{process}"
        );
        assert!(
            process.contains("floor pipe-ping-pong (batch 1), floor pipe-pipelined (batch 1000)"),
            "{process}"
        );
        assert!(row("floor pipe-ping-pong").contains("(per op)"));
        let pipelined = row("floor pipe-pipelined");
        assert!(pipelined.contains(" 1.00 µs |"), "{pipelined}");
        // Models without figures get no row.
        assert!(!text.contains("| threads ("), "{text}");
        // Without Python the last column says so where a twin exists, and nothing elsewhere.
        assert!(process.ends_with("no python3 here |"), "{process}");
        assert!(rayon.ends_with("— |"), "{rayon}");
        assert!(text.contains("no python3"), "{text}");
        let measured = PythonTwins::Measured(crate::bench::python_twins::parse(
            "python-version 3.12.3\nprocess-pool-executor 118\n",
        ));
        let text = table(&records, &measured);
        assert!(text.contains("Python 3.12.3"), "{text}");
        let process = text
            .lines()
            .find(|l| l.starts_with("| process (2)"))
            .unwrap();
        // 118 µs in Python against 0.5 µs per task at batch 1000.
        assert!(
            process.contains("236× (ProcessPoolExecutor 118 µs)"),
            "{process}"
        );
    }

    #[test]
    fn floors_run_and_end() {
        spawn_join(3);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        rayon_joins(&pool, 10);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        spawn_await(&rt, 10);
    }
}
