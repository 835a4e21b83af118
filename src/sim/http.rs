//! The simulator's HTTP: one hyper service for both listeners (plain
//! HTTP/1.1 and h2c, and TLS with HTTP/2 or HTTP/1.1), a cap on request
//! bodies, and CORS on every response. A scripted drop makes the service
//! fail (hyper closes the connection, or resets the HTTP/2 stream, without
//! an answer); a hang answers nothing until its cap.

use super::{routes, Shared};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};

/// The largest request body either listener reads.
pub const MAX_BODY: usize = 80 * 1024 * 1024;

/// A request as the routes see it.
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::core::api::provider::find_header(&self.headers, name)
    }
}

/// A response before CORS is added.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Response {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body,
        }
    }

    /// A JSON response.
    pub fn json(status: u16, body: &impl serde::Serialize) -> Self {
        Response::new(
            status,
            "application/json",
            serde_json::to_vec(body).unwrap_or_default(),
        )
    }
}

/// What the routes decide to do.
pub enum Reply {
    /// Answer.
    Send(Response),
    /// Close without answering.
    Drop,
    /// Answer nothing for this long, then close.
    Hang(Duration),
}

/// CORS headers sent with every response (both listeners).
pub const CORS: [(&str, &str); 7] = [
    ("timing-allow-origin", "*"),
    ("access-control-allow-origin", "*"),
    ("access-control-allow-methods", "GET, POST, OPTIONS"),
    (
        "access-control-allow-headers",
        "authorization, content-type, x-api-key, anthropic-version, anthropic-dangerous-direct-browser-access, http-referer, x-title, x-sim-control",
    ),
    (
        "access-control-expose-headers",
        "retry-after, retry-after-ms, x-ratelimit-reset-requests, x-ratelimit-remaining-requests, x-ratelimit-limit-requests, anthropic-ratelimit-requests-reset, anthropic-ratelimit-requests-limit",
    ),
    ("access-control-allow-private-network", "true"),
    ("access-control-max-age", "600"),
];

/// Accepts connections until the process ends, each served in its own
/// task (through TLS when an acceptor is given).
pub async fn accept(
    listener: tokio::net::TcpListener,
    state: Shared,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> std::io::Result<()> {
    loop {
        let (tcp, _) = listener.accept().await?;
        let _ = tcp.set_nodelay(true);
        let state = state.clone();
        match tls.clone() {
            None => drop(tokio::spawn(serve(tcp, state))),
            Some(acceptor) => drop(tokio::spawn(async move {
                if let Ok(stream) = acceptor.accept(tcp).await {
                    serve(stream, state).await;
                }
            })),
        }
    }
}

/// Serves one connection (any transport) until it closes.
pub async fn serve<IO>(io: IO, state: Shared)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let state = state.clone();
        async move { answer(req, state).await }
    });
    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
        .serve_connection(TokioIo::new(io), service)
        .await;
}

async fn answer(
    req: hyper::Request<Incoming>,
    state: Shared,
) -> Result<hyper::Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = req.into_parts();
    let Ok(body) = Limited::new(body, MAX_BODY).collect().await else {
        let too_large = serde_json::json!({"error": {"message": "request body too large"}});
        return build(Response::json(413, &too_large));
    };
    let request = Request {
        method: parts.method.to_string(),
        path: parts
            .uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_else(|| "/".into()),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_bytes().to_vec(),
    };
    match routes::handle(&request, &state).await {
        Reply::Send(resp) => build(resp),
        Reply::Drop => Err(std::io::Error::other("scripted drop")),
        Reply::Hang(cap) => {
            tokio::time::sleep(cap).await;
            Err(std::io::Error::other("scripted hang"))
        }
    }
}

fn build(resp: Response) -> Result<hyper::Response<Full<Bytes>>, std::io::Error> {
    let mut b = hyper::Response::builder().status(resp.status);
    for (k, v) in resp
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(CORS)
    {
        b = b.header(k, v);
    }
    b.body(Full::new(Bytes::from(resp.body)))
        .map_err(|e| std::io::Error::other(e.to_string()))
}
