//! The simulator over TLS with HTTP/2 (and HTTP/1.1 by ALPN), as real
//! providers serve: browsers multiplex many requests on one HTTP/2
//! connection, where HTTP/1.1 would cap them at six per host. The
//! certificate is self-signed and made at start; the benchmark's browser is
//! told to accept it. Requests go through the same [`super::handle`].

use super::http::{Request, CORS, MAX_BODY};
use super::{handle, shared, Reply, Scenario, SimOptions};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_rustls::rustls;

fn tls_acceptor() -> std::io::Result<tokio_rustls::TlsAcceptor> {
    let err = |e: String| std::io::Error::other(e);
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .map_err(|e| err(format!("certificate: {e}")))?;
    let cert = certified.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(rustls::pki_types::PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| err(format!("tls: {e}")))?
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .map_err(|e| err(format!("tls: {e}")))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Serves HTTPS (HTTP/2 or HTTP/1.1) until the process ends.
pub async fn run_tls(
    listener: TcpListener,
    scenario: Scenario,
    options: SimOptions,
) -> std::io::Result<()> {
    scenario.validate().map_err(std::io::Error::other)?;
    let acceptor = tls_acceptor()?;
    let state = shared(scenario, options);
    loop {
        let (tcp, _) = listener.accept().await?;
        let _ = tcp.set_nodelay(true);
        let (acceptor, state) = (acceptor.clone(), state.clone());
        tokio::spawn(async move {
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let state = state.clone();
                async move { serve(req, state).await }
            });
            let builder =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            let _ = builder
                .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                .await;
        });
    }
}

async fn serve(
    req: hyper::Request<Incoming>,
    state: super::Shared,
) -> Result<hyper::Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = req.into_parts();
    let body = match http_body_util::Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(_) => {
            let mut b = hyper::Response::builder().status(413);
            for (k, v) in CORS {
                b = b.header(k, v);
            }
            return b
                .body(Full::new(Bytes::from_static(
                    br#"{"error":{"message":"request body too large"}}"#,
                )))
                .map_err(|e| std::io::Error::other(e.to_string()));
        }
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
        body,
        keep_alive: true,
    };
    match handle(&request, &state).await {
        Reply::Send(resp) => {
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
        // An error resets the stream (HTTP/2) or closes the connection (HTTP/1.1).
        Reply::Drop => Err(std::io::Error::other("scripted drop")),
        Reply::Hang(cap) => {
            tokio::time::sleep(cap).await;
            Err(std::io::Error::other("scripted hang"))
        }
    }
}
