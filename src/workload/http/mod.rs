//! `http`: each task GETs `/delay/{ms}?bytes=N&seed={task}` from a loopback HTTP/1.1 server
//! that the run starts itself ([`server`]), and checksums the body. Real sockets, real
//! keep-alive connections: a blocking client on the thread and process models, an async
//! client on the tokio models ([`client`]).
//!
//! The process that builds the workload from its profile spec starts the server (127.0.0.1,
//! an ephemeral port) on a thread of its own; dropping the workload stops it. Worker
//! processes of the `process` model get its port through [`Workload::worker_spec`] and only
//! connect. The server lives in the parent process, so its thread's memory and CPU count in
//! the parent's figures for every model.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::open_files::{HEADROOM, ensure_open_files};
use super::{
    BatchOwner, Kind, ParamInfo, TASKS_PARAM, TaskFuture, Workload, WorkloadInfo, WorkloadSpec,
};
use crate::checksum::digest_bytes;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::task::TaskCtx;

pub mod client;
pub mod server;

use client::{Answer, AsyncConnections, Target, blocking_get};
use server::{DelayServer, MAX_BODY_BYTES, MAX_DELAY_MS};

/// Its parameters.
pub const PARAMS: &[ParamInfo] = &[
    TASKS_PARAM,
    ParamInfo {
        name: "ms",
        min: 0,
        max: MAX_DELAY_MS,
        meaning: "server delay per request, in ms",
    },
    ParamInfo {
        name: "bytes",
        min: 0,
        max: MAX_BODY_BYTES,
        meaning: "response body per request, in bytes",
    },
];

/// Registry entry.
pub const INFO: WorkloadInfo = WorkloadInfo {
    name: "http",
    kind: Kind::Io,
    disk_io: false,
    teaches: "real sockets: a blocking client per thread vs async connections on one runtime",
    task: "GET /delay/{ms} from a loopback HTTP server the run starts itself (blocking ureq client on threads and processes, async hyper client on tokio)",
    params: PARAMS,
    spec_for,
    build,
};

/// Spec parameters a worker process finds the parent's server by.
const PORT: &str = "port";
const SERVER_ID: &str = "server_id";

fn spec_for(profile: Profile) -> WorkloadSpec {
    let (tasks, ms, bytes) = match profile {
        Profile::Smoke => (16, 2, 4 << 10),
        Profile::Quick => (32, 5, 16 << 10),
        Profile::Default => (64, 5, 16 << 10),
        Profile::Full => (256, 10, 16 << 10),
    };
    WorkloadSpec::new(INFO.name)
        .with("tasks", tasks)
        .with("ms", ms)
        .with("bytes", bytes)
}

fn build(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    Ok(Arc::new(HttpGets::from_spec(spec)?))
}

/// One GET per task against the run's loopback server.
pub struct HttpGets {
    spec: WorkloadSpec,
    tasks: usize,
    ms: u64,
    bytes: u64,
    target: Target,
    connections: Arc<AsyncConnections>,
    /// The [`BatchOwner`] of the last batch: the model whose runtime owns `connections`.
    runner: AtomicU64,
    /// The server, when this process started it (dropped last: after the connections).
    _server: Option<DelayServer>,
}

impl HttpGets {
    /// Builds the workload: starts the server, or connects to the parent's when the spec
    /// names its port (in a worker process).
    pub fn from_spec(spec: &WorkloadSpec) -> Result<HttpGets> {
        let tasks = spec.declared(PARAMS, "tasks")? as usize;
        let ms = spec.declared(PARAMS, "ms")?;
        let bytes = spec.declared(PARAMS, "bytes")?;
        // A client and a server socket per request in flight, at most one per task.
        ensure_open_files(INFO.name, 2 * tasks as u64 + HEADROOM)?;
        let (server, target) = match spec.params.get(PORT) {
            Some(_) => {
                let port = spec.param_in(PORT, 1, u64::from(u16::MAX))? as u16;
                let target = Target {
                    addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
                    server_id: spec.param(SERVER_ID)?,
                };
                (None, target)
            }
            None => {
                static STARTED: AtomicU64 = AtomicU64::new(0);
                let server = DelayServer::start().map_err(|e| Error::WorkloadSetup {
                    workload: INFO.name.to_string(),
                    action: "start its loopback server on 127.0.0.1".to_string(),
                    reason: e.to_string(),
                })?;
                let target = Target {
                    addr: server.addr(),
                    server_id: u64::from(std::process::id()) << 32
                        | STARTED.fetch_add(1, Ordering::Relaxed),
                };
                (Some(server), target)
            }
        };
        let mut spec = spec.clone();
        spec.params.remove(PORT);
        spec.params.remove(SERVER_ID);
        Ok(HttpGets {
            spec,
            tasks,
            ms,
            bytes,
            target,
            connections: Arc::new(AsyncConnections::new(target)),
            runner: AtomicU64::new(BatchOwner::REFERENCE.0),
            _server: server,
        })
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.target.addr
    }

    fn path_of(&self, task: usize) -> String {
        format!("/delay/{}?bytes={}&seed={task}", self.ms, self.bytes)
    }
}

/// Checks an answer and turns it into the task's value; anything but the expected body is a
/// failed task.
fn task_value(task: usize, expected_len: u64, answer: Result<Answer, String>) -> u64 {
    let (status, body) = answer.unwrap_or_else(|e| panic!("http task {task}: {e}"));
    if status != 200 || body.len() as u64 != expected_len {
        panic!(
            "http task {task}: the server answered status {status} with {} bytes, expected 200 with {expected_len}: {}",
            body.len(),
            String::from_utf8_lossy(&body[..body.len().min(200)]).trim_end()
        );
    }
    digest_bytes(&body)
}

impl Workload for HttpGets {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.tasks
    }

    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        let path = self.path_of(task);
        let answer = ctx.blocking(|| blocking_get(self.target, &path));
        task_value(task, self.bytes, answer)
    }

    fn run_async(&self, task: usize) -> Option<TaskFuture> {
        let (path, bytes) = (self.path_of(task), self.bytes);
        let connections = self.connections.clone();
        Some(Box::pin(async move {
            task_value(task, bytes, connections.get(&path).await)
        }))
    }

    fn worker_spec(&self) -> WorkloadSpec {
        self.spec
            .clone()
            .with(PORT, u64::from(self.target.addr.port()))
            .with(SERVER_ID, self.target.server_id)
    }

    fn begin_batch(&self, runner: BatchOwner) {
        let previous = self.runner.swap(runner.0, Ordering::Relaxed);
        if previous != runner.0 {
            self.connections.clear();
        }
    }
}
