//! The simulator over TLS with HTTP/2 (and HTTP/1.1 by ALPN), as real
//! providers serve: browsers multiplex many requests on one HTTP/2
//! connection, where HTTP/1.1 would cap them at six per host. The
//! certificate is self-signed and made at start; the benchmark's browser is
//! told to accept it. Requests go through the same service as plain HTTP.

use super::{Scenario, SimOptions};
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
    super::serve(listener, scenario, options, Some(tls_acceptor()?)).await
}
