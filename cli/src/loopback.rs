//! The loopback redirect of RFC 8252 §7.3: a listener on `127.0.0.1`, any free port, that
//! waits for the browser to come back to `/callback` and answers it with a short page.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::failure::{EXIT_INTERNAL, Failure};

/// The path the provider sends the browser back to.
const CALLBACK_PATH: &str = "/callback";
/// The longest request head read (the redirect carries a code, a state and an issuer).
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long one connection may take to send its request head (browsers open spare
/// connections that never send anything).
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);

/// A bound listener, before the browser is sent anywhere.
pub struct Loopback {
    listener: TcpListener,
    port: u16,
}

/// The browser, come back: the full redirect URL, and the connection to answer on.
pub struct Callback {
    /// `http://127.0.0.1:PORT/callback?…`, as the provider built it.
    pub url: String,
    stream: TcpStream,
}

impl Loopback {
    /// Listens on `127.0.0.1`, on a port the system picks.
    pub async fn bind() -> Result<Loopback, Failure> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|error| io_failure("cannot listen on 127.0.0.1", &error))?;
        let port = listener
            .local_addr()
            .map_err(|error| io_failure("cannot listen on 127.0.0.1", &error))?
            .port();
        Ok(Loopback { listener, port })
    }

    /// The redirect URI to register the flow with.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// Waits up to `timeout` for a GET of `/callback`; other requests are answered 404 and
    /// the wait goes on. `None` when the time ran out.
    pub async fn wait(self, timeout: Duration) -> Option<Callback> {
        let (sender, mut receiver) = mpsc::channel::<(String, TcpStream)>(1);
        let port = self.port;
        let listener = self.listener;
        let acceptor = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    // Out of file descriptors, say: try again a little later.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let sender = sender.clone();
                tokio::spawn(async move {
                    if let Some(target) = read_callback_target(stream).await {
                        let _ = sender.send(target).await;
                    }
                });
            }
        });
        let outcome = tokio::time::timeout(timeout, receiver.recv()).await;
        acceptor.abort();
        let (target, stream) = outcome.ok().flatten()?;
        Some(Callback {
            url: format!("http://127.0.0.1:{port}{target}"),
            stream,
        })
    }
}

impl Callback {
    /// Answers the browser with a page saying how the sign-in ended.
    pub async fn answer(mut self, outcome: Result<(), &str>) {
        let body = match outcome {
            Ok(()) => page(
                "Đăng nhập xong",
                "Đăng nhập xong, bạn có thể đóng cửa sổ này.",
            ),
            Err(message) => page(
                "Đăng nhập không thành công",
                &format!(
                    "Đăng nhập không thành công: {}. Hãy quay lại cửa sổ dòng lệnh.",
                    escape(message)
                ),
            ),
        };
        let _ = write_page(&mut self.stream, "200 OK", &body).await;
        let _ = self.stream.shutdown().await;
    }
}

/// Reads one request head; the request target when it is a GET of `/callback`, else answers
/// 404 (or nothing, for a connection that sends nothing usable) and gives `None`.
async fn read_callback_target(mut stream: TcpStream) -> Option<(String, TcpStream)> {
    let head = tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut stream))
        .await
        .ok()??;
    let request_line = head.lines().next()?;
    let mut parts = request_line.split(' ');
    let (method, target) = (parts.next()?, parts.next()?);
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if method == "GET" && path == CALLBACK_PATH {
        return Some((target.to_string(), stream));
    }
    let body = page("Không tìm thấy", "Không có gì ở địa chỉ này.");
    let _ = write_page(&mut stream, "404 Not Found", &body).await;
    None
}

/// The request head, up to the blank line (`None` if the connection closes first or the head
/// is too long or not text).
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0u8; 2048];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 || head.len() + read > MAX_HEAD_BYTES {
            return None;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    String::from_utf8(head).ok()
}

async fn write_page(stream: &mut TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.flush().await
}

fn page(title: &str, text: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{title} — Long An Số</title></head>\n\
         <body style=\"font-family: sans-serif; margin: 3em\"><p>{text}</p></body></html>\n"
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn io_failure(what: &str, error: &std::io::Error) -> Failure {
    Failure::new("io", EXIT_INTERNAL, format!("{what}: {error}"))
}
