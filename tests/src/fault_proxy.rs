//! A fault-injecting HTTP/1.1 proxy on loopback, for the end-to-end tests.
//!
//! An end-to-end test starts the reference portal, puts a [`FaultProxy`] in front of it and points
//! the core's HTTP client at [`FaultProxy::url`]. The test then injects network and server faults
//! with [`FaultProxy::set_fault`] (a slow 2G link, a connection reset in the middle of a body, a
//! run of 503s, a 429 with `Retry-After`, a 200 whose body is not JSON, ...) and checks how the
//! core copes, and it reads [`FaultProxy::stats`] to check what the core actually did: how many
//! requests it sent and how many bytes crossed the wire.
//!
//! When asked to ([`FaultProxy::record`]), it also keeps every request it receives and the
//! upstream's answer ([`FaultProxy::recorded`]): the leak tests read the secrets the core sent
//! (a PKCE verifier, a refresh token) and those it was given (every token of every refresh) from
//! there, to look for them afterwards in logs and files.
//!
//! The counters are measured on the wire: they count the bytes exactly as read from and written
//! to the client sockets, head and body, so a gzip body is counted compressed (the proxy never
//! decodes bodies). Bytes written to the client are counted just before they are handed to the
//! socket, so once a client has read a response the counters already include it.
//!
//! # Connection model
//!
//! One request per client connection. The proxy reads one request, answers it with
//! `Connection: close` (inserted, replacing any `Connection` header) and closes the connection.
//! Each request goes to the upstream on a fresh connection with `Connection: close` too. So every
//! request is its own TCP connection on both sides: an HTTP client never reuses a pooled
//! connection (hyper honours `Connection: close`), a fault never leaks into a later request, and
//! "the settings apply to requests that start after the call" is exact.
//!
//! The proxy is message-level: it reads the whole request (head up to 64 KiB, body by
//! `Content-Length`; a chunked request gets `501`), forwards it, reads the whole upstream response
//! (body by `Content-Length`, chunked, or until close) and only then writes the response to the
//! client, shaped by the active [`Fault`]. It serves on its own thread with its own tokio runtime,
//! so it works from synchronous tests and from async tests on any runtime; dropping it stops it.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::time::{Instant, sleep, sleep_until, timeout};

/// The largest request or response head the proxy reads (`431` to the client beyond it).
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The largest request body the proxy accepts (`413` beyond it).
const MAX_REQUEST_BODY_BYTES: usize = 64 * 1024 * 1024;
/// How long a client may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a stalled connection is held open at most.
const STALL_HOLD: Duration = Duration::from_secs(60);
/// How long, after the response, the proxy waits for the client to close its side.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the proxy waits after the partial body before resetting, so it leaves the socket.
const RESET_GRACE: Duration = Duration::from_millis(20);
/// The largest write of a paced response.
const PACE_CHUNK_BYTES: u64 = 1024;

/// The problem type of the locally generated [`Fault::ServerErrors`] answers.
const UNAVAILABLE_PROBLEM: &str = "https://longan.example/problems/unavailable";
/// The problem type of the locally generated [`Fault::TooManyRequests`] answers.
const RATE_LIMITED_PROBLEM: &str = "https://longan.example/problems/rate-limited";
/// The problem type of the proxy's own errors (bad request, unreachable upstream, ...).
const PROXY_PROBLEM: &str = "about:blank";
/// The body of a [`Fault::WrongContentType`] answer.
const MAINTENANCE_PAGE: &[u8] = b"<html>maintenance</html>";

/// A fault the proxy injects into the requests that start after [`FaultProxy::set_fault`].
///
/// Faults with a count ([`Fault::ServerErrors`], [`Fault::TooManyRequests`]) are used up one per
/// request and then turn themselves off; the others stay until [`FaultProxy::clear_fault`].
/// "Body bytes" are counted as on the wire, after the head: with a chunked response they include
/// the chunk framing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long before the response's first byte (after the upstream has answered).
    Latency(Duration),
    /// Pace the response (head and body) to this many bytes per second, in writes of at most
    /// 1 KiB. `0` means unlimited.
    Bandwidth {
        /// The pace of the bytes written to the client.
        bytes_per_second: u64,
    },
    /// A slow link: [`Fault::Latency`] then [`Fault::Bandwidth`]. Build it with [`Fault::link`].
    Link {
        /// The wait before the response's first byte.
        latency: Duration,
        /// The pace of the bytes written to the client (`0` means unlimited).
        bytes_per_second: u64,
    },
    /// Send the head and this many body bytes, then reset the connection (`SO_LINGER` 0, so the
    /// client sees a connection reset). With a body no longer than this, the whole response is
    /// sent before the reset.
    ResetMidBody {
        /// How many body bytes reach the client before the reset.
        after_body_bytes: usize,
    },
    /// Send the head and this many body bytes, then close cleanly (FIN) although the
    /// `Content-Length` promised more. With a body no longer than this, nothing is cut.
    Truncate {
        /// How many body bytes reach the client before the close.
        after_body_bytes: usize,
    },
    /// Read the request and send nothing back, holding the connection open until the client
    /// gives up (closes), for at most 60 s, or until the proxy is dropped. The upstream is not
    /// contacted.
    Stall,
    /// Answer the next `count` requests locally with `status` and an `application/problem+json`
    /// body (`{"type":"https://longan.example/problems/unavailable","title":...,"status":...}`)
    /// without contacting the upstream; later requests pass.
    ServerErrors {
        /// How many requests get the error.
        count: u32,
        /// The status of the error, e.g. `503`.
        status: u16,
    },
    /// Answer the next `count` requests locally with `429 Too Many Requests`, a `Retry-After`
    /// header and an `application/problem+json` body of type
    /// `https://longan.example/problems/rate-limited`, without contacting the upstream; later
    /// requests pass.
    TooManyRequests {
        /// How many requests get the 429.
        count: u32,
        /// The `Retry-After` value, in seconds.
        retry_after_seconds: u64,
    },
    /// Forward, then replace the body with as many random-looking bytes (every byte has its high
    /// bit set, so it is never JSON nor UTF-8). Status and headers stay, except that
    /// `Content-Encoding` is dropped and the body is sent with a fixed `Content-Length` (a chunked
    /// body is measured decoded).
    GarbageBody,
    /// Answer `200` with an `application/json` body of exactly this many bytes (a valid JSON
    /// array `[0,0,0,...]` from 3 bytes on), without contacting the upstream.
    Oversized {
        /// The size of the body.
        body_bytes: usize,
    },
    /// Forward, then replace `Content-Type` with `text/html` and the body with
    /// `<html>maintenance</html>` (status kept, `Content-Encoding` dropped, length fixed).
    WrongContentType,
    /// Forward the request and read the whole upstream response (so the upstream did process
    /// it), then close the client connection without sending a byte.
    DropAfterUpstream,
}

impl Fault {
    /// A slow link: `latency` before the first byte, then `bytes_per_second`; e.g.
    /// `Fault::link(Duration::from_millis(300), 20_000)` for "2G".
    pub const fn link(latency: Duration, bytes_per_second: u64) -> Fault {
        Fault::Link {
            latency,
            bytes_per_second,
        }
    }
}

/// The proxy's counters, measured on the wire (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProxyStats {
    /// HTTP requests received from clients (complete heads, whatever happened next).
    pub requests: u64,
    /// Bytes written to the client sockets, heads and bodies as sent.
    pub bytes_to_client: u64,
    /// Bytes read from the client sockets, heads and bodies as received.
    pub bytes_from_client: u64,
    /// Requests forwarded to the upstream (counted once written to it).
    pub upstream_requests: u64,
}

/// One request the proxy saw while recording, and what the upstream answered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordedExchange {
    /// The request as forwarded: request line, headers (hop-by-hop ones replaced by
    /// `Connection: close`) and body.
    pub request: Vec<u8>,
    /// The upstream's response body, a chunked one decoded (a compressed one left as it came);
    /// empty when the upstream was not reached or the fault answered locally.
    pub response_body: Vec<u8>,
}

impl RecordedExchange {
    /// The request's body (after the head).
    pub fn request_body(&self) -> &[u8] {
        find_head_end(&self.request).map_or(&[], |end| &self.request[end..])
    }

    /// The request line, e.g. `POST /token HTTP/1.1`.
    pub fn request_line(&self) -> String {
        let end = self
            .request
            .windows(2)
            .position(|w| w == b"\r\n")
            .unwrap_or(self.request.len());
        String::from_utf8_lossy(&self.request[..end]).into_owned()
    }
}

/// A fault-injecting HTTP/1.1 proxy on `127.0.0.1`, forwarding to one upstream.
///
/// It serves on its own thread; dropping it stops the thread, closes the listener and every open
/// connection (including stalled ones).
#[derive(Debug)]
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy listening on `127.0.0.1` (a free port) and forwarding to `upstream`,
    /// without any fault.
    pub fn start(upstream: SocketAddr) -> io::Result<FaultProxy> {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(upstream));
        let (shutdown, shutdown_rx) = oneshot::channel();
        let (ready, ready_rx) = mpsc::channel::<io::Result<()>>();
        let thread = std::thread::Builder::new()
            .name(format!("fault-proxy-{}", addr.port()))
            .spawn({
                let shared = Arc::clone(&shared);
                move || run(listener, shared, shutdown_rx, ready)
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(FaultProxy {
                addr,
                shared,
                shutdown: Some(shutdown),
                thread: Some(thread),
            }),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            Err(_) => {
                let _ = thread.join();
                Err(io::Error::other(
                    "the fault proxy thread ended before serving",
                ))
            }
        }
    }

    /// The address the proxy listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The proxy's base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Injects `fault` into the requests that start (whose head is received) after this call,
    /// replacing any previous fault.
    pub fn set_fault(&self, fault: Fault) {
        let mut slot = self.shared.fault_slot();
        self.shared.once.store(false, Ordering::SeqCst);
        *slot = Some(fault);
    }

    /// Injects `fault` into the next request only; the ones after it pass through (a retry
    /// that follows at once sees a healthy link).
    pub fn set_fault_once(&self, fault: Fault) {
        let mut slot = self.shared.fault_slot();
        self.shared.once.store(true, Ordering::SeqCst);
        *slot = Some(fault);
    }

    /// Removes the fault: requests that start after this call pass through untouched.
    pub fn clear_fault(&self) {
        *self.shared.fault_slot() = None;
    }

    /// The active fault, if any; a fault with a count shows what is left of it, and `None` once
    /// it is used up.
    pub fn fault(&self) -> Option<Fault> {
        self.shared.fault_slot().clone()
    }

    /// The counters so far.
    pub fn stats(&self) -> ProxyStats {
        ProxyStats {
            requests: self.shared.requests.load(Ordering::SeqCst),
            bytes_to_client: self.shared.bytes_to_client.load(Ordering::SeqCst),
            bytes_from_client: self.shared.bytes_from_client.load(Ordering::SeqCst),
            upstream_requests: self.shared.upstream_requests.load(Ordering::SeqCst),
        }
    }

    /// Sets every counter back to zero.
    pub fn reset_stats(&self) {
        self.shared.requests.store(0, Ordering::SeqCst);
        self.shared.bytes_to_client.store(0, Ordering::SeqCst);
        self.shared.bytes_from_client.store(0, Ordering::SeqCst);
        self.shared.upstream_requests.store(0, Ordering::SeqCst);
    }

    /// Starts (`true`) or stops keeping the requests that start after this call and their
    /// answers. Off by default: a benchmark's megabytes would pile up.
    pub fn record(&self, on: bool) {
        self.shared.recording.store(on, Ordering::SeqCst);
    }

    /// The exchanges kept so far, in the order their requests arrived.
    pub fn recorded(&self) -> Vec<RecordedExchange> {
        self.shared.recorded_slot().clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What the proxy's thread and the caller share.
#[derive(Debug)]
struct Shared {
    upstream: SocketAddr,
    fault: Mutex<Option<Fault>>,
    /// The fault is for the next request only.
    once: std::sync::atomic::AtomicBool,
    requests: AtomicU64,
    bytes_to_client: AtomicU64,
    bytes_from_client: AtomicU64,
    upstream_requests: AtomicU64,
    /// Requests and answers are kept ([`FaultProxy::record`]).
    recording: std::sync::atomic::AtomicBool,
    recorded: Mutex<Vec<RecordedExchange>>,
}

impl Shared {
    fn new(upstream: SocketAddr) -> Shared {
        Shared {
            upstream,
            fault: Mutex::new(None),
            once: std::sync::atomic::AtomicBool::new(false),
            requests: AtomicU64::new(0),
            bytes_to_client: AtomicU64::new(0),
            bytes_from_client: AtomicU64::new(0),
            upstream_requests: AtomicU64::new(0),
            recording: std::sync::atomic::AtomicBool::new(false),
            recorded: Mutex::new(Vec::new()),
        }
    }

    fn recorded_slot(&self) -> std::sync::MutexGuard<'_, Vec<RecordedExchange>> {
        self.recorded.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps `request` when recording; the index to attach its answer to.
    fn record_request(&self, request: &Request) -> Option<usize> {
        if !self.recording.load(Ordering::SeqCst) {
            return None;
        }
        let mut recorded = self.recorded_slot();
        recorded.push(RecordedExchange {
            request: request.upstream_bytes.clone(),
            response_body: Vec::new(),
        });
        Some(recorded.len() - 1)
    }

    /// Attaches the upstream's answer to the request kept at `index`.
    fn record_response(&self, index: Option<usize>, response: &UpstreamResponse) {
        let Some(index) = index else {
            return;
        };
        if let Some(exchange) = self.recorded_slot().get_mut(index) {
            exchange.response_body = response.decoded.as_ref().unwrap_or(&response.body).clone();
        }
    }

    fn fault_slot(&self) -> std::sync::MutexGuard<'_, Option<Fault>> {
        self.fault.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The fault for a request that starts now, using up one unit of a counted fault.
    fn take_fault(&self) -> Option<Fault> {
        let mut slot = self.fault_slot();
        let (left, applied) = match slot.take()? {
            Fault::ServerErrors { count: 0, .. } | Fault::TooManyRequests { count: 0, .. } => {
                (None, None)
            }
            Fault::ServerErrors { count, status } => (
                (count > 1).then_some(Fault::ServerErrors {
                    count: count - 1,
                    status,
                }),
                Some(Fault::ServerErrors { count, status }),
            ),
            Fault::TooManyRequests {
                count,
                retry_after_seconds,
            } => (
                (count > 1).then_some(Fault::TooManyRequests {
                    count: count - 1,
                    retry_after_seconds,
                }),
                Some(Fault::TooManyRequests {
                    count,
                    retry_after_seconds,
                }),
            ),
            other => (Some(other.clone()), Some(other)),
        };
        *slot = if self.once.swap(false, Ordering::SeqCst) {
            None
        } else {
            left
        };
        applied
    }
}

/// The proxy's thread: a runtime of its own, serving until the shutdown signal.
fn run(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    shutdown: oneshot::Receiver<()>,
    ready: mpsc::Sender<io::Result<()>>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = ready.send(Err(error));
            return;
        }
    };
    let listener = match runtime.block_on(async { TcpListener::from_std(listener) }) {
        Ok(listener) => listener,
        Err(error) => {
            let _ = ready.send(Err(error));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    runtime.block_on(accept_loop(listener, shared, shutdown));
    // Dropping the runtime drops every connection task, so every socket closes.
    drop(runtime);
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                // E.g. out of file descriptors: back off instead of spinning.
                Err(_) => sleep(Duration::from_millis(10)).await,
            },
        }
    }
}

/// How a client connection ends.
enum Ending {
    /// FIN, then wait (a little) for the client to close its side.
    Close,
    /// RST.
    Reset,
}

async fn serve_connection(mut client: TcpStream, shared: Arc<Shared>) {
    let _ = client.set_nodelay(true);
    match exchange(&mut client, &shared).await {
        Ending::Close => {
            let _ = client.shutdown().await;
            let _ = timeout(DRAIN_TIMEOUT, drain(&mut client, &shared)).await;
        }
        Ending::Reset => {
            sleep(RESET_GRACE).await;
            let _ = client.set_zero_linger();
            drop(client);
        }
    }
}

/// Serves the connection's one request.
async fn exchange(client: &mut TcpStream, shared: &Shared) -> Ending {
    let request = match timeout(REQUEST_TIMEOUT, read_request(client, shared)).await {
        Ok(Ok(request)) => request,
        Ok(Err(Rejection::Respond(message))) => {
            let _ = write_counted(client, shared, &message.wire).await;
            return Ending::Close;
        }
        Ok(Err(Rejection::Gone)) | Err(_) => return Ending::Close,
    };
    let recording = shared.record_request(&request);
    let fault = shared.take_fault();
    let message = match &fault {
        Some(Fault::Stall) => {
            hold(client, shared).await;
            return Ending::Close;
        }
        Some(Fault::ServerErrors { status, .. }) => problem(*status, UNAVAILABLE_PROBLEM, None),
        Some(Fault::TooManyRequests {
            retry_after_seconds,
            ..
        }) => problem(
            429,
            RATE_LIMITED_PROBLEM,
            Some(("Retry-After", retry_after_seconds.to_string())),
        ),
        Some(Fault::Oversized { body_bytes }) => {
            let _ = write_oversized(client, shared, *body_bytes).await;
            return Ending::Close;
        }
        _ => {
            let upstream = forward(&request, shared).await;
            if let Ok(response) = &upstream {
                shared.record_response(recording, response);
            }
            match (&fault, upstream) {
                (Some(Fault::DropAfterUpstream), _) => return Ending::Close,
                (_, Err(_)) => problem(502, PROXY_PROBLEM, None),
                (Some(Fault::GarbageBody), Ok(response)) => response.garbage(),
                (Some(Fault::WrongContentType), Ok(response)) => response.maintenance(),
                (_, Ok(response)) => response.pass_through(),
            }
        }
    };
    deliver(client, shared, &message, fault.as_ref()).await
}

/// Writes `message` to the client, shaped by `fault`.
async fn deliver(
    client: &mut TcpStream,
    shared: &Shared,
    message: &Message,
    fault: Option<&Fault>,
) -> Ending {
    let cut = |after_body_bytes: usize| {
        let end = message.head_len.saturating_add(after_body_bytes);
        &message.wire[..end.min(message.wire.len())]
    };
    let (latency, pace, bytes, ending) = match fault {
        Some(Fault::Latency(latency)) => (*latency, 0, &message.wire[..], Ending::Close),
        Some(Fault::Bandwidth { bytes_per_second }) => (
            Duration::ZERO,
            *bytes_per_second,
            &message.wire[..],
            Ending::Close,
        ),
        Some(Fault::Link {
            latency,
            bytes_per_second,
        }) => (
            *latency,
            *bytes_per_second,
            &message.wire[..],
            Ending::Close,
        ),
        Some(Fault::ResetMidBody { after_body_bytes }) => {
            (Duration::ZERO, 0, cut(*after_body_bytes), Ending::Reset)
        }
        Some(Fault::Truncate { after_body_bytes }) => {
            (Duration::ZERO, 0, cut(*after_body_bytes), Ending::Close)
        }
        _ => (Duration::ZERO, 0, &message.wire[..], Ending::Close),
    };
    if !latency.is_zero() {
        sleep(latency).await;
    }
    let written = if pace == 0 {
        write_counted(client, shared, bytes).await
    } else {
        write_paced(client, shared, bytes, pace).await
    };
    match written {
        Ok(()) => ending,
        Err(_) => Ending::Close,
    }
}

/// Writes `data` to the client, counting it just before it enters the socket (and uncounting
/// what a failed write did not send), so a client never sees bytes the counter does not show.
async fn write_counted(client: &mut TcpStream, shared: &Shared, data: &[u8]) -> io::Result<()> {
    shared
        .bytes_to_client
        .fetch_add(data.len() as u64, Ordering::SeqCst);
    let mut written = 0;
    while written < data.len() {
        let result = match client.write(&data[written..]).await {
            Ok(0) => Err(io::Error::from(io::ErrorKind::WriteZero)),
            other => other,
        };
        match result {
            Ok(n) => written += n,
            Err(error) => {
                shared
                    .bytes_to_client
                    .fetch_sub((data.len() - written) as u64, Ordering::SeqCst);
                return Err(error);
            }
        }
    }
    Ok(())
}

/// Writes `data` at `bytes_per_second`, in small writes scheduled against the start time so the
/// pace does not drift.
async fn write_paced(
    client: &mut TcpStream,
    shared: &Shared,
    data: &[u8],
    bytes_per_second: u64,
) -> io::Result<()> {
    let chunk = (bytes_per_second / 10).clamp(1, PACE_CHUNK_BYTES) as usize;
    let start = Instant::now();
    let mut sent = 0u64;
    for piece in data.chunks(chunk) {
        write_counted(client, shared, piece).await?;
        sent += piece.len() as u64;
        sleep_until(start + Duration::from_secs_f64(sent as f64 / bytes_per_second as f64)).await;
    }
    Ok(())
}

/// Writes a `200 application/json` answer whose body is exactly `body_bytes` long: `0`, `[]`,
/// then `[0,0,...,0]` (with one space before the `]` for an even size).
async fn write_oversized(
    client: &mut TcpStream,
    shared: &Shared,
    body_bytes: usize,
) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {body_bytes}\r\n\
         connection: close\r\n\r\n"
    );
    write_counted(client, shared, head.as_bytes()).await?;
    let (prefix, pairs, suffix): (&[u8], usize, &[u8]) = match body_bytes {
        0 => (b"", 0, b""),
        1 => (b"0", 0, b""),
        2 => (b"[]", 0, b""),
        n if (n - 3) % 2 == 0 => (b"[0", (n - 3) / 2, b"]"),
        n => (b"[0", (n - 3) / 2, b" ]"),
    };
    write_counted(client, shared, prefix).await?;
    let block = b",0".repeat(32 * 1024);
    let mut left = pairs;
    while left > 0 {
        let now = left.min(32 * 1024);
        write_counted(client, shared, &block[..2 * now]).await?;
        left -= now;
    }
    write_counted(client, shared, suffix).await
}

/// Holds a stalled connection until the client closes it, for at most [`STALL_HOLD`].
async fn hold(client: &mut TcpStream, shared: &Shared) {
    let _ = timeout(STALL_HOLD, drain(client, shared)).await;
}

/// Reads (and counts) whatever the client sends until it closes or fails.
async fn drain(client: &mut TcpStream, shared: &Shared) {
    let mut buf = Vec::with_capacity(4096);
    loop {
        buf.clear();
        match read_more(client, &mut buf, Some(&shared.bytes_from_client)).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Reads what is available into `buf`, counting it in `counter`; `0` at end of stream.
async fn read_more(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    counter: Option<&AtomicU64>,
) -> io::Result<usize> {
    buf.reserve(16 * 1024);
    let n = stream.read_buf(buf).await?;
    if let Some(counter) = counter {
        counter.fetch_add(n as u64, Ordering::SeqCst);
    }
    Ok(n)
}

/// The outcome of reading a head.
enum Head {
    /// The head ends at this index (just after its `\r\n\r\n`).
    Complete(usize),
    /// The stream ended (or failed) first.
    Closed,
    /// More than [`MAX_HEAD_BYTES`] without an end.
    TooLarge,
}

/// Reads until `buf` holds a complete head.
async fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>, counter: Option<&AtomicU64>) -> Head {
    loop {
        if let Some(end) = find_head_end(buf) {
            return Head::Complete(end);
        }
        if buf.len() > MAX_HEAD_BYTES {
            return Head::TooLarge;
        }
        match read_more(stream, buf, counter).await {
            Ok(0) | Err(_) => return Head::Closed,
            Ok(_) => {}
        }
    }
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|start| start + 4)
        .filter(|&end| end <= MAX_HEAD_BYTES)
}

/// The lines of a head (without its final empty line), `\r` trimmed.
fn head_lines(head: &[u8]) -> Vec<&[u8]> {
    let head = head.strip_suffix(b"\r\n\r\n").unwrap_or(head);
    head.split(|&byte| byte == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .collect()
}

/// A header line's name and value (trimmed), if it has a colon.
fn split_header(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = line.iter().position(|&byte| byte == b':')?;
    Some((line[..colon].trim_ascii(), line[colon + 1..].trim_ascii()))
}

fn header_is(line: &[u8], names: &[&str]) -> bool {
    split_header(line).is_some_and(|(name, _)| {
        names
            .iter()
            .any(|wanted| name.eq_ignore_ascii_case(wanted.as_bytes()))
    })
}

/// Hop-by-hop headers the proxy never forwards (it adds its own `Connection: close`).
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "upgrade",
    "expect",
];

/// A request ready for the upstream.
struct Request {
    /// Request line, headers with `Connection: close`, body.
    upstream_bytes: Vec<u8>,
    /// A `HEAD` request: the response has no body whatever its headers say.
    is_head: bool,
}

/// Why no request could be read.
enum Rejection {
    /// The client closed (or failed) before a complete request.
    Gone,
    /// The request is refused with this answer.
    Respond(Message),
}

async fn read_request(client: &mut TcpStream, shared: &Shared) -> Result<Request, Rejection> {
    let counter = Some(&shared.bytes_from_client);
    let mut buf = Vec::with_capacity(4096);
    let head_end = match read_head(client, &mut buf, counter).await {
        Head::Complete(end) => end,
        Head::Closed => return Err(Rejection::Gone),
        Head::TooLarge => {
            return Err(Rejection::Respond(problem(431, PROXY_PROBLEM, None)));
        }
    };
    shared.requests.fetch_add(1, Ordering::SeqCst);
    let bad_request = || Rejection::Respond(problem(400, PROXY_PROBLEM, None));
    let lines = head_lines(&buf[..head_end]);
    let request_line = lines.first().ok_or_else(bad_request)?;
    let parts: Vec<&[u8]> = request_line.split(|&byte| byte == b' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(bad_request());
    };
    if method.is_empty() || !version.starts_with(b"HTTP/1.") {
        return Err(bad_request());
    }
    let target = origin_form(target);
    let is_head = method == b"HEAD";
    let mut content_length: Option<usize> = None;
    let mut upstream_bytes = Vec::with_capacity(head_end + 32);
    upstream_bytes.extend_from_slice(method);
    upstream_bytes.push(b' ');
    upstream_bytes.extend_from_slice(target);
    upstream_bytes.push(b' ');
    upstream_bytes.extend_from_slice(version);
    upstream_bytes.extend_from_slice(b"\r\n");
    for line in &lines[1..] {
        let (name, value) = split_header(line).ok_or_else(bad_request)?;
        if name.eq_ignore_ascii_case(b"transfer-encoding") {
            return Err(Rejection::Respond(problem(501, PROXY_PROBLEM, None)));
        }
        if name.eq_ignore_ascii_case(b"content-length") {
            let length = std::str::from_utf8(value)
                .ok()
                .and_then(|value| value.parse::<usize>().ok())
                .ok_or_else(bad_request)?;
            if content_length.is_some_and(|seen| seen != length) {
                return Err(bad_request());
            }
            content_length = Some(length);
        }
        if !header_is(line, HOP_BY_HOP) {
            upstream_bytes.extend_from_slice(line);
            upstream_bytes.extend_from_slice(b"\r\n");
        }
    }
    upstream_bytes.extend_from_slice(b"Connection: close\r\n\r\n");
    let body_len = content_length.unwrap_or(0);
    if body_len > MAX_REQUEST_BODY_BYTES {
        return Err(Rejection::Respond(problem(413, PROXY_PROBLEM, None)));
    }
    while buf.len() < head_end + body_len {
        match read_more(client, &mut buf, counter).await {
            Ok(0) | Err(_) => return Err(Rejection::Gone),
            Ok(_) => {}
        }
    }
    upstream_bytes.extend_from_slice(&buf[head_end..head_end + body_len]);
    Ok(Request {
        upstream_bytes,
        is_head,
    })
}

/// `http://host/path?q` (absolute form, as sent to a configured proxy) to `/path?q`.
fn origin_form(target: &[u8]) -> &[u8] {
    let Some(rest) = target
        .strip_prefix(b"http://")
        .or_else(|| target.strip_prefix(b"https://"))
    else {
        return target;
    };
    match rest.iter().position(|&byte| byte == b'/') {
        Some(slash) => &rest[slash..],
        None => b"/",
    }
}

/// Sends the request to the upstream on a fresh connection and reads the whole response.
async fn forward(request: &Request, shared: &Shared) -> io::Result<UpstreamResponse> {
    let mut upstream = TcpStream::connect(shared.upstream).await?;
    let _ = upstream.set_nodelay(true);
    upstream.write_all(&request.upstream_bytes).await?;
    shared.upstream_requests.fetch_add(1, Ordering::SeqCst);
    read_response(&mut upstream, request.is_head).await
}

/// A complete upstream response.
struct UpstreamResponse {
    status_line: Vec<u8>,
    /// Header lines as received, without line ends.
    headers: Vec<Vec<u8>>,
    /// The body as received (chunk framing included).
    body: Vec<u8>,
    /// The decoded payload of a chunked body.
    decoded: Option<Vec<u8>>,
    /// A response that has no body by rule (to `HEAD`, `204`, `304`).
    bodiless: bool,
}

fn invalid(reason: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, reason.to_owned())
}

async fn read_response(upstream: &mut TcpStream, is_head: bool) -> io::Result<UpstreamResponse> {
    let mut buf = Vec::with_capacity(16 * 1024);
    loop {
        let head_end = match read_head(upstream, &mut buf, None).await {
            Head::Complete(end) => end,
            Head::Closed => return Err(invalid("the upstream closed before a response head")),
            Head::TooLarge => return Err(invalid("the upstream response head is too large")),
        };
        let lines = head_lines(&buf[..head_end]);
        let status_line = lines.first().copied().unwrap_or_default().to_vec();
        let status = status_line
            .split(|&byte| byte == b' ')
            .nth(1)
            .and_then(|code| std::str::from_utf8(code).ok())
            .and_then(|code| code.parse::<u16>().ok())
            .filter(|_| status_line.starts_with(b"HTTP/1."))
            .ok_or_else(|| invalid("the upstream status line is malformed"))?;
        let headers: Vec<Vec<u8>> = lines[1..].iter().map(|line| line.to_vec()).collect();
        if (100..200).contains(&status) && status != 101 {
            // An interim response (e.g. 100 Continue): skip it.
            buf.drain(..head_end);
            continue;
        }
        let bodiless = is_head || status < 200 || status == 204 || status == 304;
        let mut body = buf.split_off(head_end);
        let chunked = headers.iter().any(|line| {
            split_header(line).is_some_and(|(name, value)| {
                name.eq_ignore_ascii_case(b"transfer-encoding")
                    && value
                        .split(|&byte| byte == b',')
                        .any(|coding| coding.trim_ascii().eq_ignore_ascii_case(b"chunked"))
            })
        });
        let content_length = headers
            .iter()
            .filter_map(|line| split_header(line))
            .find(|(name, _)| name.eq_ignore_ascii_case(b"content-length"))
            .map(|(_, value)| {
                std::str::from_utf8(value)
                    .ok()
                    .and_then(|value| value.parse::<usize>().ok())
                    .ok_or_else(|| invalid("the upstream content-length is malformed"))
            })
            .transpose()?;
        let mut decoded = None;
        if bodiless {
            body.clear();
        } else if chunked {
            let mut dechunker = Dechunker::default();
            while !dechunker.advance(&body)? {
                if read_more(upstream, &mut body, None).await? == 0 {
                    return Err(invalid("the upstream closed in a chunked body"));
                }
            }
            body.truncate(dechunker.pos);
            decoded = Some(dechunker.decoded);
        } else if let Some(length) = content_length {
            while body.len() < length {
                if read_more(upstream, &mut body, None).await? == 0 {
                    return Err(invalid("the upstream closed before content-length"));
                }
            }
            body.truncate(length);
        } else {
            while read_more(upstream, &mut body, None).await? > 0 {}
        }
        return Ok(UpstreamResponse {
            status_line,
            headers,
            body,
            decoded,
            bodiless,
        });
    }
}

/// An incremental decoder of a chunked body, resumed as more bytes arrive.
#[derive(Default)]
struct Dechunker {
    /// How far the input is consumed.
    pos: usize,
    decoded: Vec<u8>,
    state: ChunkState,
}

#[derive(Default, Clone, Copy)]
enum ChunkState {
    /// Expecting a chunk-size line.
    #[default]
    Size,
    /// Inside a chunk's data, this many bytes left.
    Data(usize),
    /// Expecting the `\r\n` after a chunk's data.
    DataEnd,
    /// Expecting trailer lines or the final empty line.
    Trailers,
    /// Complete.
    Done,
}

impl Dechunker {
    /// Consumes what it can of `input` (the whole body so far); `true` once the body is complete.
    fn advance(&mut self, input: &[u8]) -> io::Result<bool> {
        loop {
            match self.state {
                ChunkState::Done => return Ok(true),
                ChunkState::Size | ChunkState::Trailers => {
                    let Some(line_len) = input[self.pos..].windows(2).position(|w| w == b"\r\n")
                    else {
                        return Ok(false);
                    };
                    let line = &input[self.pos..self.pos + line_len];
                    self.pos += line_len + 2;
                    if let ChunkState::Trailers = self.state {
                        if line.is_empty() {
                            self.state = ChunkState::Done;
                        }
                        continue;
                    }
                    let size = line.split(|&byte| byte == b';').next().unwrap_or_default();
                    let size = std::str::from_utf8(size.trim_ascii())
                        .ok()
                        .and_then(|size| usize::from_str_radix(size, 16).ok())
                        .ok_or_else(|| invalid("the upstream chunk size is malformed"))?;
                    self.state = if size == 0 {
                        ChunkState::Trailers
                    } else {
                        ChunkState::Data(size)
                    };
                }
                ChunkState::Data(left) => {
                    let available = (input.len() - self.pos).min(left);
                    if available == 0 {
                        return Ok(false);
                    }
                    self.decoded
                        .extend_from_slice(&input[self.pos..self.pos + available]);
                    self.pos += available;
                    self.state = if available == left {
                        ChunkState::DataEnd
                    } else {
                        ChunkState::Data(left - available)
                    };
                }
                ChunkState::DataEnd => {
                    if input.len() - self.pos < 2 {
                        return Ok(false);
                    }
                    if &input[self.pos..self.pos + 2] != b"\r\n" {
                        return Err(invalid("the upstream chunk does not end with CRLF"));
                    }
                    self.pos += 2;
                    self.state = ChunkState::Size;
                }
            }
        }
    }
}

/// A response as written to the client.
struct Message {
    /// Head then body.
    wire: Vec<u8>,
    /// Where the body starts.
    head_len: usize,
}

impl Message {
    /// `start_line`, the `headers`, `Connection: close`, then `body`.
    fn new<'a>(
        start_line: &[u8],
        headers: impl IntoIterator<Item = &'a [u8]>,
        body: &[u8],
    ) -> Message {
        let mut wire = Vec::with_capacity(512 + body.len());
        wire.extend_from_slice(start_line);
        wire.extend_from_slice(b"\r\n");
        for line in headers {
            wire.extend_from_slice(line);
            wire.extend_from_slice(b"\r\n");
        }
        wire.extend_from_slice(b"Connection: close\r\n\r\n");
        let head_len = wire.len();
        wire.extend_from_slice(body);
        Message { wire, head_len }
    }
}

impl UpstreamResponse {
    /// The header lines except those named in `dropped` and the hop-by-hop ones.
    fn headers_except<'a>(&'a self, dropped: &'a [&str]) -> impl Iterator<Item = &'a [u8]> {
        self.headers
            .iter()
            .map(Vec::as_slice)
            .filter(move |line| !header_is(line, HOP_BY_HOP) && !header_is(line, dropped))
    }

    /// The response as received, with `Connection: close`.
    fn pass_through(&self) -> Message {
        Message::new(&self.status_line, self.headers_except(&[]), &self.body)
    }

    /// The response with `body` (and, if given, `content_type`) instead of its own.
    fn replaced(&self, content_type: Option<&str>, body: &[u8]) -> Message {
        if self.bodiless {
            return self.pass_through();
        }
        let mut dropped = vec!["content-length", "transfer-encoding", "content-encoding"];
        let mut added = vec![format!("Content-Length: {}", body.len())];
        if let Some(content_type) = content_type {
            dropped.push("content-type");
            added.insert(0, format!("Content-Type: {content_type}"));
        }
        let headers = self
            .headers_except(&dropped)
            .chain(added.iter().map(String::as_bytes));
        Message::new(&self.status_line, headers, body)
    }

    /// [`Fault::GarbageBody`].
    fn garbage(&self) -> Message {
        let length = self.decoded.as_ref().unwrap_or(&self.body).len();
        self.replaced(None, &garbage_bytes(length))
    }

    /// [`Fault::WrongContentType`].
    fn maintenance(&self) -> Message {
        self.replaced(Some("text/html"), MAINTENANCE_PAGE)
    }
}

/// `length` random-looking bytes, each with its high bit set (never JSON, never UTF-8).
fn garbage_bytes(length: usize) -> Vec<u8> {
    let mut state = RandomState::new().build_hasher().finish();
    let mut bytes = Vec::with_capacity(length + 8);
    while bytes.len() < length {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        bytes.extend(z.to_le_bytes().iter().map(|byte| byte | 0x80));
    }
    bytes.truncate(length);
    bytes
}

/// A locally generated `application/problem+json` answer.
fn problem(status: u16, problem_type: &str, extra: Option<(&str, String)>) -> Message {
    let title = match status {
        400 => "Bad Request",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ if status < 500 => "Client Error",
        _ => "Server Error",
    };
    let body = format!(r#"{{"type":"{problem_type}","title":"{title}","status":{status}}}"#);
    let mut headers = vec![
        "Content-Type: application/problem+json".to_owned(),
        format!("Content-Length: {}", body.len()),
    ];
    if let Some((name, value)) = extra {
        headers.push(format!("{name}: {value}"));
    }
    Message::new(
        format!("HTTP/1.1 {status} {title}").as_bytes(),
        headers.iter().map(String::as_bytes),
        body.as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpStream};
    use std::sync::atomic::AtomicBool;
    use std::time::Instant;

    use super::*;

    /// A tiny upstream: answers every connection with the same bytes, recording the requests.
    struct Upstream {
        addr: SocketAddr,
        seen: Arc<Mutex<Vec<Vec<u8>>>>,
        stop: Arc<AtomicBool>,
        thread: Option<JoinHandle<()>>,
    }

    impl Upstream {
        fn start(response: Vec<u8>) -> Upstream {
            let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
            let addr = listener.local_addr().unwrap();
            let seen = Arc::new(Mutex::new(Vec::new()));
            let stop = Arc::new(AtomicBool::new(false));
            let thread = std::thread::spawn({
                let seen = Arc::clone(&seen);
                let stop = Arc::clone(&stop);
                move || {
                    for stream in listener.incoming() {
                        if stop.load(Ordering::SeqCst) {
                            return;
                        }
                        let Ok(mut stream) = stream else { continue };
                        stream
                            .set_read_timeout(Some(Duration::from_secs(5)))
                            .unwrap();
                        if let Some(request) = read_request_std(&mut stream) {
                            seen.lock().unwrap().push(request);
                            let _ = stream.write_all(&response);
                        }
                    }
                }
            });
            Upstream {
                addr,
                seen,
                stop,
                thread: Some(thread),
            }
        }

        /// Answers `200 application/json` with `body` and a `Content-Length`.
        fn json(body: &[u8]) -> Upstream {
            let mut response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            response.extend_from_slice(body);
            Upstream::start(response)
        }

        fn requests(&self) -> Vec<Vec<u8>> {
            self.seen.lock().unwrap().clone()
        }
    }

    impl Drop for Upstream {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
            let _ = TcpStream::connect(self.addr);
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }

    /// Reads a request head and its `Content-Length` body.
    fn read_request_std(stream: &mut TcpStream) -> Option<Vec<u8>> {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(end) = find_head_end(&buf) {
                break end;
            }
            let n = stream.read(&mut chunk).ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let reply = Reply {
            raw: buf.clone(),
            error: None,
            elapsed: Duration::ZERO,
        };
        let length: usize = reply
            .header("content-length")
            .map_or(0, |value| value.parse().unwrap());
        while buf.len() < head_end + length {
            let n = stream.read(&mut chunk).ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Some(buf)
    }

    /// What a client got: everything up to the close (or the error), and how long it took.
    struct Reply {
        raw: Vec<u8>,
        error: Option<io::Error>,
        elapsed: Duration,
    }

    impl Reply {
        fn head_end(&self) -> usize {
            find_head_end(&self.raw).expect("a complete head")
        }

        fn status(&self) -> u16 {
            let head = head_lines(&self.raw[..self.head_end()]);
            let code = head[0].split(|&byte| byte == b' ').nth(1).unwrap();
            std::str::from_utf8(code).unwrap().parse().unwrap()
        }

        fn header(&self, wanted: &str) -> Option<String> {
            let end = find_head_end(&self.raw)?;
            head_lines(&self.raw[..end])[1..]
                .iter()
                .filter_map(|line| split_header(line))
                .find(|(name, _)| name.eq_ignore_ascii_case(wanted.as_bytes()))
                .map(|(_, value)| String::from_utf8(value.to_vec()).unwrap())
        }

        fn content_length(&self) -> usize {
            self.header("content-length").unwrap().parse().unwrap()
        }

        fn body(&self) -> &[u8] {
            &self.raw[self.head_end()..]
        }
    }

    const GET: &[u8] = b"GET /v1/catalog?page=1 HTTP/1.1\r\nHost: portal\r\n\
                         Accept: application/json\r\nConnection: keep-alive\r\n\r\n";

    /// Sends `request` on a fresh connection and reads until close, error or `read_timeout`.
    fn exchange_with(addr: SocketAddr, request: &[u8], read_timeout: Duration) -> Reply {
        let started = Instant::now();
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(read_timeout)).unwrap();
        stream.write_all(request).unwrap();
        let mut raw = Vec::new();
        let error = stream.read_to_end(&mut raw).err();
        Reply {
            raw,
            error,
            elapsed: started.elapsed(),
        }
    }

    fn get(proxy: &FaultProxy) -> Reply {
        exchange_with(proxy.addr(), GET, Duration::from_secs(5))
    }

    fn body_of(size: usize) -> Vec<u8> {
        let mut body = br#"{"items":[""#.to_vec();
        body.resize(size - 3, b'x');
        body.extend_from_slice(br#""]}"#);
        body
    }

    #[test]
    fn a_plain_request_passes_through_and_is_counted_on_the_wire() {
        let body = body_of(1200);
        let upstream = Upstream::json(&body);
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        assert!(proxy.url().starts_with("http://127.0.0.1:"));
        assert_eq!(proxy.url(), format!("http://{}", proxy.addr()));

        let reply = get(&proxy);

        assert!(reply.error.is_none(), "{:?}", reply.error);
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.body(), &body[..]);
        assert_eq!(reply.header("connection").as_deref(), Some("close"));
        assert_eq!(
            reply.header("content-type").as_deref(),
            Some("application/json")
        );
        let seen = upstream.requests();
        assert_eq!(seen.len(), 1);
        let forwarded = String::from_utf8(seen[0].clone()).unwrap();
        assert!(forwarded.starts_with("GET /v1/catalog?page=1 HTTP/1.1\r\n"));
        assert!(forwarded.contains("Connection: close\r\n"));
        assert!(!forwarded.contains("keep-alive"));
        assert_eq!(
            proxy.stats(),
            ProxyStats {
                requests: 1,
                bytes_to_client: reply.raw.len() as u64,
                bytes_from_client: GET.len() as u64,
                upstream_requests: 1,
            }
        );
        proxy.reset_stats();
        assert_eq!(proxy.stats(), ProxyStats::default());
    }

    #[test]
    fn a_request_body_is_forwarded_whole() {
        let upstream = Upstream::json(b"{}");
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        let request = b"POST /v1/feedback HTTP/1.1\r\nHost: portal\r\n\
                        Content-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}";

        let reply = exchange_with(proxy.addr(), request, Duration::from_secs(5));

        assert_eq!(reply.status(), 200);
        let seen = upstream.requests();
        assert!(seen[0].ends_with(b"Connection: close\r\n\r\n{\"ok\":true}"));
        assert_eq!(proxy.stats().bytes_from_client, request.len() as u64);
    }

    #[test]
    fn a_recording_proxy_keeps_each_request_and_its_answer_and_only_while_asked() {
        let upstream = Upstream::json(br#"{"access_token":"at-1"}"#);
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        let request = b"POST /token HTTP/1.1\r\nHost: idp\r\n\
                        Content-Length: 18\r\n\r\ncode_verifier=v-42";
        exchange_with(proxy.addr(), request, Duration::from_secs(5));
        assert!(proxy.recorded().is_empty(), "off by default");

        proxy.record(true);
        let reply = exchange_with(proxy.addr(), request, Duration::from_secs(5));
        proxy.set_fault_once(Fault::ServerErrors {
            count: 1,
            status: 503,
        });
        get(&proxy);
        proxy.record(false);
        get(&proxy);

        assert_eq!(reply.body(), br#"{"access_token":"at-1"}"#);
        let recorded = proxy.recorded();
        assert_eq!(recorded.len(), 2);
        assert_eq!(recorded[0].request_line(), "POST /token HTTP/1.1");
        assert_eq!(recorded[0].request_body(), b"code_verifier=v-42");
        assert_eq!(recorded[0].response_body, br#"{"access_token":"at-1"}"#);
        // Answered by the proxy itself: kept, with no upstream answer.
        assert!(recorded[1].request_line().starts_with("GET /v1/catalog"));
        assert!(recorded[1].response_body.is_empty());
    }

    #[test]
    fn a_chunked_request_is_refused_with_501() {
        let upstream = Upstream::json(b"{}");
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        let request = b"POST / HTTP/1.1\r\nHost: portal\r\nTransfer-Encoding: chunked\r\n\r\n\
                        2\r\n{}\r\n0\r\n\r\n";

        let reply = exchange_with(proxy.addr(), request, Duration::from_secs(5));

        assert_eq!(reply.status(), 501);
        assert!(upstream.requests().is_empty());
        assert_eq!(proxy.stats().requests, 1);
        assert_eq!(proxy.stats().upstream_requests, 0);
    }

    #[test]
    fn an_unreachable_upstream_gives_502() {
        let closed = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let addr = closed.local_addr().unwrap();
        drop(closed);
        let proxy = FaultProxy::start(addr).unwrap();

        assert_eq!(get(&proxy).status(), 502);
    }

    #[test]
    fn latency_delays_the_response_by_at_least_the_given_time() {
        let upstream = Upstream::json(b"{}");
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        proxy.set_fault(Fault::Latency(Duration::from_millis(200)));

        let reply = get(&proxy);

        assert_eq!(reply.status(), 200);
        assert!(reply.elapsed >= Duration::from_millis(200), "{reply:?}");
    }

    #[test]
    fn bandwidth_paces_a_five_kilobyte_body_at_ten_kilobytes_a_second() {
        let body = body_of(5_000);
        let upstream = Upstream::json(&body);
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        proxy.set_fault(Fault::Bandwidth {
            bytes_per_second: 10_000,
        });

        let reply = get(&proxy);

        assert_eq!(reply.body(), &body[..]);
        assert!(reply.elapsed >= Duration::from_millis(400), "{reply:?}");
        assert_eq!(proxy.stats().bytes_to_client, reply.raw.len() as u64);
    }

    #[test]
    fn a_link_profile_adds_latency_then_paces() {
        assert_eq!(
            Fault::link(Duration::from_millis(300), 20_000),
            Fault::Link {
                latency: Duration::from_millis(300),
                bytes_per_second: 20_000
            }
        );
        let body = body_of(2_000);
        let upstream = Upstream::json(&body);
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        proxy.set_fault(Fault::link(Duration::from_millis(100), 20_000));

        let reply = get(&proxy);

        assert_eq!(reply.body(), &body[..]);
        assert!(reply.elapsed >= Duration::from_millis(180), "{reply:?}");
    }

    #[test]
    fn a_reset_mid_body_leaves_the_client_short_of_the_content_length() {
        let body = body_of(50_000);
        let upstream = Upstream::json(&body);
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        proxy.set_fault(Fault::ResetMidBody {
            after_body_bytes: 100,
        });

        let reply = get(&proxy);

        // Linux hands over the bytes that arrived before the reset, then reports it.
        let got_everything = reply.error.is_none()
            && find_head_end(&reply.raw)
                .is_some_and(|_| reply.body().len() == reply.content_length());
        assert!(!got_everything, "{reply:?}");
        if let Some(end) = find_head_end(&reply.raw) {
            assert!(reply.raw.len() - end <= 100);
        }
        if let Some(error) = &reply.error {
            assert_eq!(error.kind(), io::ErrorKind::ConnectionReset, "{error}");
        }
        assert_eq!(upstream.requests().len(), 1);
    }

    #[test]
    fn a_truncated_response_ends_cleanly_short_of_the_content_length() {
        let body = body_of(5_000);
        let upstream = Upstream::json(&body);
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        proxy.set_fault(Fault::Truncate {
            after_body_bytes: 100,
        });

        let reply = get(&proxy);

        assert!(reply.error.is_none(), "{:?}", reply.error);
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.content_length(), 5_000);
        assert_eq!(reply.body(), &body[..100]);
        assert_eq!(proxy.stats().bytes_to_client, reply.raw.len() as u64);
    }

    #[test]
    fn server_errors_answer_the_next_requests_then_let_them_pass() {
        let upstream = Upstream::json(b"{\"ok\":true}");
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        proxy.set_fault(Fault::ServerErrors {
            count: 2,
            status: 503,
        });

        for left in [1, 0] {
            let reply = get(&proxy);
            assert_eq!(reply.status(), 503);
            assert_eq!(
                reply.header("content-type").as_deref(),
                Some("application/problem+json")
            );
            assert_eq!(
                reply.body(),
                br#"{"type":"https://longan.example/problems/unavailable","title":"Service Unavailable","status":503}"#
            );
            let expected = (left > 0).then_some(Fault::ServerErrors {
                count: left,
                status: 503,
            });
            assert_eq!(proxy.fault(), expected);
        }
        assert!(upstream.requests().is_empty());
        assert_eq!(proxy.stats().upstream_requests, 0);

        let reply = get(&proxy);
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.body(), b"{\"ok\":true}");
        assert_eq!(proxy.stats().requests, 3);
        assert_eq!(proxy.stats().upstream_requests, 1);
    }

    #[test]
    fn too_many_requests_carries_retry_after_and_a_rate_limited_problem() {
        let upstream = Upstream::json(b"{}");
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        proxy.set_fault(Fault::TooManyRequests {
            count: 1,
            retry_after_seconds: 7,
        });

        let reply = get(&proxy);

        assert_eq!(reply.status(), 429);
        assert_eq!(reply.header("retry-after").as_deref(), Some("7"));
        let problem: serde_json::Value = serde_json::from_slice(reply.body()).unwrap();
        assert_eq!(
            problem["type"],
            "https://longan.example/problems/rate-limited"
        );
        assert_eq!(problem["status"], 429);
        assert_eq!(proxy.fault(), None);
        assert_eq!(get(&proxy).status(), 200);
    }

    #[test]
    fn a_garbage_body_has_the_same_length_but_is_not_json() {
        let body = body_of(3_000);
        let mut response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n\
             ETag: \"v1\"\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(&body);
        let upstream = Upstream::start(response);
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        proxy.set_fault(Fault::GarbageBody);

        let reply = get(&proxy);

        assert_eq!(reply.status(), 200);
        assert_eq!(reply.content_length(), body.len());
        assert_eq!(reply.body().len(), body.len());
        assert_ne!(reply.body(), &body[..]);
        assert!(serde_json::from_slice::<serde_json::Value>(reply.body()).is_err());
        assert_eq!(reply.header("content-encoding"), None);
        assert_eq!(reply.header("etag").as_deref(), Some("\"v1\""));
        assert_eq!(
            reply.header("content-type").as_deref(),
            Some("application/json")
        );
    }

    #[test]
    fn a_wrong_content_type_answers_an_html_maintenance_page() {
        let upstream = Upstream::json(&body_of(1_000));
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        proxy.set_fault(Fault::WrongContentType);

        let reply = get(&proxy);

        assert_eq!(reply.status(), 200);
        assert_eq!(reply.header("content-type").as_deref(), Some("text/html"));
        assert_eq!(reply.body(), b"<html>maintenance</html>");
        assert_eq!(reply.content_length(), 24);
        assert_eq!(upstream.requests().len(), 1);
    }

    #[test]
    fn an_oversized_answer_has_exactly_the_requested_size_and_is_json() {
        let upstream = Upstream::json(b"{}");
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        for size in [1, 2, 3, 4, 5, 1_000, 1_001] {
            proxy.set_fault(Fault::Oversized { body_bytes: size });
            let reply = get(&proxy);
            assert_eq!(reply.status(), 200);
            assert_eq!(reply.content_length(), size);
            assert_eq!(reply.body().len(), size);
            serde_json::from_slice::<serde_json::Value>(reply.body()).unwrap();
        }
        proxy.set_fault(Fault::Oversized {
            body_bytes: 3_000_000,
        });
        let reply = get(&proxy);
        assert_eq!(reply.body().len(), 3_000_000);
        assert!(reply.body().starts_with(b"[0,0,0,"));
        assert!(reply.body().ends_with(b",0 ]"));
        assert!(upstream.requests().is_empty());
    }

    #[test]
    fn drop_after_upstream_lets_the_upstream_process_the_request_but_sends_nothing() {
        let upstream = Upstream::json(b"{\"saved\":true}");
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        proxy.set_fault(Fault::DropAfterUpstream);

        let reply = get(&proxy);

        assert!(reply.raw.is_empty(), "{reply:?}");
        assert_eq!(upstream.requests().len(), 1);
        let stats = proxy.stats();
        assert_eq!(stats.upstream_requests, 1);
        assert_eq!(stats.bytes_to_client, 0);
    }

    #[test]
    fn a_chunked_upstream_response_passes_intact() {
        let chunked_body: &[u8] = b"7\r\n{\"a\":1,\r\n8\r\n\"b\":[1,2\r\n2\r\n]}\r\n0\r\n\r\n";
        let mut response =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                .to_vec();
        response.extend_from_slice(chunked_body);
        let upstream = Upstream::start(response);
        let proxy = FaultProxy::start(upstream.addr).unwrap();

        let reply = get(&proxy);

        assert_eq!(reply.status(), 200);
        assert_eq!(
            reply.header("transfer-encoding").as_deref(),
            Some("chunked")
        );
        assert_eq!(reply.body(), chunked_body);

        proxy.set_fault(Fault::GarbageBody);
        let reply = get(&proxy);
        assert_eq!(reply.header("transfer-encoding"), None);
        assert_eq!(reply.content_length(), br#"{"a":1,"b":[1,2]}"#.len());
        assert_eq!(reply.body().len(), reply.content_length());
    }

    #[test]
    fn a_stall_holds_the_connection_silently_until_the_proxy_drops() {
        let upstream = Upstream::json(b"{}");
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        proxy.set_fault(Fault::Stall);
        let mut stream = TcpStream::connect(proxy.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        stream.write_all(GET).unwrap();

        let mut buf = [0u8; 64];
        let error = stream.read(&mut buf).unwrap_err();

        assert!(
            matches!(
                error.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ),
            "{error}"
        );
        assert!(upstream.requests().is_empty());
        assert_eq!(proxy.stats().requests, 1);

        drop(proxy);
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        match stream.read(&mut buf) {
            Ok(n) => assert_eq!(n, 0),
            Err(error) => assert_eq!(error.kind(), io::ErrorKind::ConnectionReset),
        }
    }

    #[test]
    fn a_stalled_connection_ends_when_the_client_gives_up() {
        let upstream = Upstream::json(b"{}");
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        proxy.set_fault(Fault::Stall);
        let mut stream = TcpStream::connect(proxy.addr()).unwrap();
        stream.write_all(GET).unwrap();
        stream.shutdown(Shutdown::Write).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();

        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).unwrap();

        assert!(rest.is_empty());
    }

    #[test]
    fn clearing_the_fault_restores_pass_through_for_later_requests() {
        let upstream = Upstream::json(b"{}");
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        proxy.set_fault(Fault::WrongContentType);
        assert_eq!(get(&proxy).body(), b"<html>maintenance</html>");

        proxy.clear_fault();

        assert_eq!(proxy.fault(), None);
        assert_eq!(get(&proxy).body(), b"{}");
    }

    #[test]
    fn concurrent_clients_are_served_and_counted() {
        let upstream = Upstream::json(b"{}");
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        let addr = proxy.addr();

        let replies: Vec<Reply> = (0..8)
            .map(|_| std::thread::spawn(move || exchange_with(addr, GET, Duration::from_secs(5))))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|thread| thread.join().unwrap())
            .collect();

        assert!(replies.iter().all(|reply| reply.status() == 200));
        let stats = proxy.stats();
        assert_eq!(stats.requests, 8);
        assert_eq!(stats.upstream_requests, 8);
        let total: usize = replies.iter().map(|reply| reply.raw.len()).sum();
        assert_eq!(stats.bytes_to_client, total as u64);
    }

    #[test]
    fn dropping_the_proxy_closes_its_listener() {
        let upstream = Upstream::json(b"{}");
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        let addr = proxy.addr();

        drop(proxy);

        assert!(TcpStream::connect(addr).is_err());
    }

    #[tokio::test]
    async fn the_proxy_starts_and_drops_inside_an_async_test() {
        let upstream = Upstream::json(b"{}");
        let proxy = FaultProxy::start(upstream.addr).unwrap();
        let addr = proxy.addr();

        let reply =
            tokio::task::spawn_blocking(move || exchange_with(addr, GET, Duration::from_secs(5)))
                .await
                .unwrap();

        assert_eq!(reply.status(), 200);
        drop(proxy);
    }

    impl std::fmt::Debug for Reply {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Reply")
                .field(
                    "raw",
                    &String::from_utf8_lossy(&self.raw[..self.raw.len().min(300)]),
                )
                .field("len", &self.raw.len())
                .field("error", &self.error)
                .field("elapsed", &self.elapsed)
                .finish()
        }
    }
}
