//! The `http` workload's server: HTTP/1.1 on 127.0.0.1, an ephemeral port, its own thread
//! with a current-thread tokio runtime (hyper), started by the run and stopped when its
//! [`DelayServer`] is dropped.
//!
//! One route: `GET /delay/{ms}?bytes=N&seed=S` waits `ms` milliseconds, then answers `200`
//! with `N` deterministic bytes drawn from `seed` ([`body_bytes`]). Everything else gets a
//! clear status and a one-line text body: `404` for another path, `405` for another method,
//! `400` for a malformed or unknown query parameter, a delay over [`MAX_DELAY_MS`] or a body
//! over [`MAX_BODY_BYTES`]. [`answer`] is that routing as a plain function.

use std::convert::Infallible;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::checksum::{SplitMix64, mix64};

/// The longest delay the server accepts, in milliseconds.
pub const MAX_DELAY_MS: u64 = 10_000;
/// The largest body the server sends, in bytes (16 MiB).
pub const MAX_BODY_BYTES: u64 = 16 << 20;

/// Connections the kernel may queue before the server accepts them.
pub const LISTEN_BACKLOG: u32 = 1024;

/// A running loopback server; dropping it stops the server and joins its thread.
pub struct DelayServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl DelayServer {
    /// Binds 127.0.0.1 on an ephemeral port and starts serving on a thread of its own. The
    /// listen backlog ([`LISTEN_BACKLOG`]) holds a whole batch's connections arriving at once
    /// (std's 128 would drop some and add the kernel's 1 s retransmit to the timings).
    pub fn start() -> io::Result<DelayServer> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = runtime.block_on(async {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
            socket.listen(LISTEN_BACKLOG)
        })?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("concbench-http-server".into())
            .spawn(move || runtime.block_on(serve(listener, stopped)))?;
        Ok(DelayServer {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address it listens on (always 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for DelayServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Accepts connections until `stop` fires; the runtime's drop then closes every connection.
async fn serve(listener: TcpListener, mut stop: oneshot::Receiver<()>) {
    loop {
        tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(handle);
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                // Out of descriptors or a connection reset before accept: wait, go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
        }
    }
}

async fn handle(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (status, delay, body) = match answer(
        request.method(),
        request.uri().path(),
        request.uri().query(),
    ) {
        Ok(Delayed { delay, body }) => (StatusCode::OK, delay, body),
        Err((status, message)) => (status, Duration::ZERO, Bytes::from(message + "\n")),
    };
    tokio::time::sleep(delay).await;
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    Ok(response)
}

/// A successful answer: wait `delay`, then send `body`.
#[derive(Debug, PartialEq, Eq)]
pub struct Delayed {
    /// How long to wait before answering.
    pub delay: Duration,
    /// The body to send.
    pub body: Bytes,
}

/// Routes one request: the delayed answer, or the status and message of a refusal.
pub fn answer(
    method: &Method,
    path: &str,
    query: Option<&str>,
) -> Result<Delayed, (StatusCode, String)> {
    let Some(ms) = path.strip_prefix("/delay/") else {
        return Err((
            StatusCode::NOT_FOUND,
            format!("no route {path}; use GET /delay/{{ms}}?bytes=N&seed=S"),
        ));
    };
    if method != Method::GET {
        return Err((
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} is not served; use GET"),
        ));
    }
    let bad = |message: String| (StatusCode::BAD_REQUEST, message);
    let ms = number(ms).ok_or_else(|| bad(format!("delay '{ms}' is not a whole number of ms")))?;
    if ms > MAX_DELAY_MS {
        return Err(bad(format!(
            "delay {ms} ms is over the cap of {MAX_DELAY_MS} ms"
        )));
    }
    let (mut bytes, mut seed) = (0, 0);
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match key {
            "bytes" => &mut bytes,
            "seed" => &mut seed,
            _ => {
                return Err(bad(format!(
                    "unknown parameter '{key}'; use bytes and seed"
                )));
            }
        };
        *slot =
            number(value).ok_or_else(|| bad(format!("{key} '{value}' is not a whole number")))?;
    }
    if bytes > MAX_BODY_BYTES {
        return Err(bad(format!(
            "body of {bytes} bytes is over the cap of {MAX_BODY_BYTES} bytes"
        )));
    }
    Ok(Delayed {
        delay: Duration::from_millis(ms),
        body: Bytes::from(body_bytes(seed, bytes as usize)),
    })
}

/// A whole decimal number: digits only, no sign, no overflow.
fn number(text: &str) -> Option<u64> {
    match !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        true => text.parse().ok(),
        false => None,
    }
}

/// The body for `seed`: `len` bytes every client can recompute.
pub fn body_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut body = vec![0; len];
    SplitMix64::new(mix64(seed ^ 0x4854_5450)).fill(&mut body);
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_of(method: Method, path: &str, query: Option<&str>) -> StatusCode {
        match answer(&method, path, query) {
            Ok(_) => StatusCode::OK,
            Err((status, _)) => status,
        }
    }

    #[test]
    fn the_delay_route_answers_its_body_after_its_delay() {
        let got = answer(&Method::GET, "/delay/25", Some("bytes=100&seed=7")).unwrap();
        assert_eq!(got.delay, Duration::from_millis(25));
        assert_eq!(got.body, Bytes::from(body_bytes(7, 100)));
        assert_ne!(body_bytes(7, 100), body_bytes(8, 100));
        let empty = answer(&Method::GET, "/delay/0", None).unwrap();
        assert!(empty.body.is_empty());
    }

    #[test]
    fn refusals_get_their_documented_status() {
        use StatusCode as S;
        let get = Method::GET;
        assert_eq!(status_of(get.clone(), "/", None), S::NOT_FOUND);
        assert_eq!(status_of(get.clone(), "/sleep/5", None), S::NOT_FOUND);
        assert_eq!(
            status_of(Method::POST, "/delay/5", None),
            S::METHOD_NOT_ALLOWED
        );
        for (path, query) in [
            ("/delay/", None),
            ("/delay/abc", None),
            ("/delay/-5", None),
            ("/delay/5/more", None),
            ("/delay/99999999999999999999999", None),
            ("/delay/10001", None),
            ("/delay/5", Some("bytes=16777217")),
            ("/delay/5", Some("bytes=x")),
            ("/delay/5", Some("color=red")),
        ] {
            assert_eq!(
                status_of(get.clone(), path, query),
                S::BAD_REQUEST,
                "{path} {query:?}"
            );
        }
        assert_eq!(
            status_of(get.clone(), "/delay/10000", Some("bytes=16777216")),
            S::OK
        );
    }
}
