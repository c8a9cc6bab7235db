//! The `http` workload's clients: a blocking one for the thread and process models, an async
//! one for the tokio models. Both keep connections alive between requests, as a real client
//! would.
//!
//! - [`blocking_get`]: ureq, one agent (so one kept-alive connection) per OS thread. A
//!   `threads` batch spawns fresh threads, so it connects anew each batch; rayon's pool
//!   threads and process workers keep theirs.
//! - [`AsyncConnections`]: hyper's HTTP/1.1 client connections, each driven by a task
//!   spawned on the runtime that opened it; as many as there are requests in flight. A
//!   connection belongs to one runtime (a current-thread runtime drives it only while it
//!   runs), so the workload keeps them from batch to batch of one model and drops them all
//!   when another model's batch begins ([`crate::workload::BatchOwner`]).

use std::cell::RefCell;
use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, header};
use hyper_util::rt::TokioIo;

/// Where a client sends its requests: the server's address and an identity that differs for
/// every server started, so a connection to a stopped server is never reused for a new one
/// that got the same port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The server's address (127.0.0.1).
    pub addr: SocketAddr,
    /// Unique per server.
    pub server_id: u64,
}

/// A response: status code and body.
pub type Answer = (u16, Vec<u8>);

thread_local! {
    static AGENT: RefCell<Option<(Target, ureq::Agent)>> = const { RefCell::new(None) };
}

/// GETs `path` from `target` with this thread's agent. Statuses other than 200 are answers,
/// not errors; a transport failure is an error message.
pub fn blocking_get(target: Target, path: &str) -> Result<Answer, String> {
    let url = format!("http://{}{path}", target.addr);
    AGENT.with_borrow_mut(|slot| {
        if slot.as_ref().map(|(t, _)| *t) != Some(target) {
            let config = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_idle_connections_per_host(1)
                .build();
            *slot = Some((target, config.into()));
        }
        let agent = &slot.as_ref().expect("agent set above").1;
        let mut response = agent
            .get(&url)
            .call()
            .map_err(|e| format!("GET {url}: {e}"))?;
        let body = response
            .body_mut()
            .with_config()
            .limit(super::server::MAX_BODY_BYTES + 1024)
            .read_to_vec()
            .map_err(|e| format!("GET {url}: reading the body: {e}"))?;
        Ok((response.status().as_u16(), body))
    })
}

/// Kept-alive async connections to one server, shared by a batch's tasks.
pub struct AsyncConnections {
    target: Target,
    idle: Mutex<Vec<SendRequest<Empty<Bytes>>>>,
}

impl AsyncConnections {
    /// No connections yet.
    pub fn new(target: Target) -> Self {
        AsyncConnections {
            target,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Drops every idle connection (their runtime may be gone or idle).
    pub fn clear(&self) {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// GETs `path` on an idle connection, or on a new one spawned on the current runtime.
    pub async fn get(&self, path: &str) -> Result<Answer, String> {
        let url = format!("http://{}{path}", self.target.addr);
        let mut sender = self
            .checkout()
            .await
            .map_err(|e| format!("GET {url}: {e}"))?;
        let request = Request::get(path)
            .header(header::HOST, self.target.addr.to_string())
            .body(Empty::<Bytes>::new())
            .map_err(|e| format!("GET {url}: {e}"))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("GET {url}: {e}"))?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("GET {url}: reading the body: {e}"))?
            .to_bytes();
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(sender);
        Ok((status, body.to_vec()))
    }

    async fn checkout(&self) -> Result<SendRequest<Empty<Bytes>>, String> {
        loop {
            let idle = self
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop();
            match idle {
                Some(mut sender) if !sender.is_closed() => {
                    if sender.ready().await.is_ok() {
                        return Ok(sender);
                    }
                }
                Some(_) => {}
                None => return self.connect().await,
            }
        }
    }

    async fn connect(&self) -> Result<SendRequest<Empty<Bytes>>, String> {
        let stream = tokio::net::TcpStream::connect(self.target.addr)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let _ = stream.set_nodelay(true);
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        tokio::spawn(connection);
        Ok(sender)
    }
}
