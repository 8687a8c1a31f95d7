//! The connections: accepted under caps per address and in total (below the
//! process's file limit, so that one host cannot make the server
//! unreachable), served by hyper's HTTP/1 with a header-read timeout (which
//! is also the idle keep-alive time), over TLS when `[tls]` is configured,
//! and stopped gracefully: in-flight requests are answered, idle
//! connections closed, live ones sent their close frame.
//!
//! axum's own `serve` has none of these bounds; hyper has them per
//! connection, and this module puts them together.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

use crate::config::{Security, Tls};
use crate::limits::{ConnectionCounter, ConnectionGuard};

/// How the client reached us, as a request extension: `https` when its
/// connection is TLS (ours, or the trusted proxy's that says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientConn {
    pub https: bool,
}

/// File descriptors kept free of connections: the database, its readers,
/// printers, logs, the listener.
const RESERVED_FDS: u64 = 64;

/// Raises the soft limit on open files to the hard one and logs both;
/// answers the soft limit now in force.
pub fn raise_file_limit() -> u64 {
    let before = rlimit::getrlimit(rlimit::Resource::NOFILE).ok();
    let soft = rlimit::increase_nofile_limit(u64::MAX).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot raise the open-file limit");
        before.map_or(1024, |(soft, _)| soft)
    });
    if let Some((old, hard)) = before {
        tracing::info!(soft_before = old, soft, hard, "open-file limit");
    }
    soft
}

/// How many connections may be open: in total, the file limit less an
/// eighth (at least [`RESERVED_FDS`]) for everything else; per address
/// the configured number, at most half of the total, so that one address
/// never holds every place.
pub fn connection_caps(file_limit: u64, per_ip: u32) -> (u32, u32) {
    let spare = (file_limit / 8).max(RESERVED_FDS);
    let total = u32::try_from(file_limit.saturating_sub(spare).max(2)).unwrap_or(u32::MAX);
    (per_ip.clamp(1, (total / 2).max(1)), total)
}

/// The client's address: the peer's, or when the peer is a trusted proxy,
/// the nearest address in `X-Forwarded-For` that is not itself a trusted
/// proxy (read from the right: a client can put anything on the left, and
/// each proxy appends the address it was reached from). Whether its
/// connection is HTTPS: ours, or the trusted proxy's `X-Forwarded-Proto`.
/// `Forwarded` (RFC 7239) is never read: the usual proxy set-ups write
/// `X-Forwarded-For` and pass a client's own `Forwarded` through untouched.
pub fn client_of(
    sec: &Security,
    peer: SocketAddr,
    tls: bool,
    headers: &HeaderMap,
) -> (SocketAddr, bool) {
    if !sec.is_trusted_proxy(peer.ip()) {
        return (peer, tls);
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let client = hops
        .iter()
        .rev()
        .map(|hop| parse_hop(hop))
        .take_while(Option::is_some)
        .flatten()
        .map(|ip| ip.to_canonical())
        .find(|ip| !sec.is_trusted_proxy(*ip))
        .map_or(peer, |ip| SocketAddr::new(ip, 0));
    // The proxy's own word for the last hop (nginx: `$scheme`).
    let proto = headers
        .get_all("x-forwarded-proto")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .map(str::trim);
    let https = tls || proto.is_some_and(|p| p.eq_ignore_ascii_case("https"));
    (client, https)
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`,
/// `[2001:db8::1]:4711`, `2001:db8::1`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(addr) = hop.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    hop.strip_prefix('[')
        .and_then(|h| h.split_once(']'))
        .and_then(|(ip, _)| ip.parse().ok())
}

/// The TLS configuration, replaced on SIGHUP; each new connection takes the
/// current one.
#[derive(Debug)]
pub struct Certificates {
    files: Tls,
    current: RwLock<Arc<rustls::ServerConfig>>,
}

impl Certificates {
    pub fn load(files: &Tls) -> anyhow::Result<Certificates> {
        Ok(Certificates {
            current: RwLock::new(server_config(files)?),
            files: files.clone(),
        })
    }

    /// Reads the files again; on an error the old certificate stays.
    pub fn reload(&self) -> anyhow::Result<()> {
        let fresh = server_config(&self.files)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(())
    }

    fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        let config = self.current.read().unwrap_or_else(|p| p.into_inner());
        tokio_rustls::TlsAcceptor::from(Arc::clone(&config))
    }
}

/// On SIGHUP, reads the certificate and key again (a renewed certificate
/// is taken without a restart); a bad file is logged and the old one kept.
/// Without TLS the signal is only logged (it would end the process).
pub fn reload_on_hangup(certs: Option<Arc<Certificates>>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP: certificates reload only on restart");
            return;
        };
        while hangups.recv().await.is_some() {
            let Some(certs) = &certs else {
                tracing::info!("SIGHUP: nothing to reload (no [tls])");
                continue;
            };
            match certs.reload() {
                Ok(()) => tracing::info!("TLS certificate reloaded"),
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "TLS certificate not reloaded; the old one stays")
                }
            }
        }
    });
    #[cfg(not(unix))]
    drop(certs);
}

fn server_config(files: &Tls) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    use anyhow::Context as _;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let name = |p: &Path| p.display().to_string();
    let certs = CertificateDer::pem_file_iter(&files.cert_file)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("reading the certificate {}", name(&files.cert_file)))?;
    anyhow::ensure!(
        !certs.is_empty(),
        "no certificate in {}",
        name(&files.cert_file)
    );
    let key = PrivateKeyDer::from_pem_file(&files.key_file)
        .with_context(|| format!("reading the private key {}", name(&files.key_file)))?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .context("the certificate and key do not go together")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// What every connection shares.
#[derive(Debug, Clone)]
pub struct Serving {
    pub app: Router,
    pub security: Arc<Security>,
    pub connections: Arc<ConnectionCounter>,
    pub tls: Option<Arc<Certificates>>,
}

/// How long a TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long stopping waits for in-flight requests.
pub const STOP_GRACE: Duration = Duration::from_secs(3);

/// Accepts connections until `stop` turns true, then waits (at most
/// [`STOP_GRACE`]) for the open ones to finish.
pub async fn serve(listener: TcpListener, serving: Serving, mut stop: watch::Receiver<bool>) {
    let mut refused = Refusals::default();
    loop {
        let accepted = tokio::select! {
            biased;
            _ = stopped(&mut stop) => break,
            accepted = listener.accept() => accepted,
        };
        let (tcp, peer) = match accepted {
            // `::ffff:127.0.0.1` from a listener on `[::]` is 127.0.0.1.
            Ok((tcp, peer)) => (tcp, SocketAddr::new(peer.ip().to_canonical(), peer.port())),
            Err(e) => {
                // Out of files or memory: wait a moment rather than spin;
                // a client that gave up before we took it is nothing.
                if !matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
                ) {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                continue;
            }
        };
        let place = if serving.security.is_trusted_proxy(peer.ip()) {
            serving.connections.acquire_uncapped(peer.ip())
        } else {
            serving.connections.acquire(peer.ip())
        };
        let Ok(place) = place else {
            // Closed at once: refused quickly, not left hanging.
            refused.note();
            continue;
        };
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
        tokio::spawn(connection(tcp, peer, place, serving.clone(), stop.clone()));
    }
    drop(listener);
    if tokio::time::timeout(
        STOP_GRACE + Duration::from_secs(1),
        serving.connections.drained(),
    )
    .await
    .is_err()
    {
        tracing::warn!(
            open = serving.connections.total(),
            "connections still open at exit"
        );
    }
}

/// Resolves once `stop` is true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Refused connections, logged at most once a minute (with how many).
#[derive(Debug, Default)]
struct Refusals {
    since: Option<Instant>,
    count: u64,
}

impl Refusals {
    fn note(&mut self) {
        self.count += 1;
        let now = Instant::now();
        if self
            .since
            .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(60))
        {
            tracing::warn!(
                refused = self.count,
                "connections refused: an address or the server is at its connection cap"
            );
            self.since = Some(now);
            self.count = 0;
        }
    }
}

async fn connection(
    tcp: TcpStream,
    peer: SocketAddr,
    place: ConnectionGuard,
    serving: Serving,
    stop: watch::Receiver<bool>,
) {
    match &serving.tls {
        None => {
            http(
                Held {
                    io: tcp,
                    _place: place,
                },
                peer,
                false,
                serving,
                stop,
            )
            .await
        }
        Some(certs) => {
            let handshake = certs.acceptor().accept(tcp);
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
                Ok(Ok(tls)) => {
                    http(
                        Held {
                            io: tls,
                            _place: place,
                        },
                        peer,
                        true,
                        serving,
                        stop,
                    )
                    .await
                }
                Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                Err(_) => tracing::debug!("TLS handshake timed out"),
            }
        }
    }
}

async fn http<I>(
    io: I,
    peer: SocketAddr,
    tls: bool,
    serving: Serving,
    mut stop: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let Serving { app, security, .. } = serving;
    let timeout = security.header_read_timeout();
    let service = tower::service_fn(move |mut req: Request<Incoming>| {
        let (client, https) = client_of(&security, peer, tls, req.headers());
        // A request id goes into every log line of its request: a trusted
        // proxy's (its own log's) is kept, a client's never; without one
        // the server makes its own.
        let forwarded_id = req
            .headers()
            .get(crate::logging::REQUEST_ID)
            .is_some_and(|id| {
                security.is_trusted_proxy(peer.ip()) && crate::logging::is_request_id(id.as_bytes())
            });
        if !forwarded_id {
            req.headers_mut().remove(crate::logging::REQUEST_ID);
        }
        req.extensions_mut().insert(ConnectInfo(client));
        req.extensions_mut().insert(ClientConn { https });
        app.clone().oneshot(req.map(Body::new))
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(timeout)
        .max_buf_size(64 * 1024);
    let conn = builder
        .serve_connection(TokioIo::new(io), TowerToHyperService::new(service))
        .with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        _ = stopped(&mut stop) => {
            // Idle: closed now; busy: the answer, then closed.
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(STOP_GRACE, conn).await;
        }
    }
}

/// A connection's stream holding its place in the caps for as long as it
/// lives, also after an upgrade to a WebSocket (which keeps the stream).
struct Held<I> {
    io: I,
    _place: ConnectionGuard,
}

impl<I: AsyncRead + Unpin> AsyncRead for Held<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Held<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn security(proxies: &[&str]) -> Security {
        Security {
            trusted_proxies: proxies.iter().map(|p| p.parse().expect("net")).collect(),
            ..Security::default()
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().expect("value"));
        }
        h
    }

    #[test]
    fn caps_leave_room_for_files_and_other_addresses() {
        assert_eq!(connection_caps(1024, 1000), (448, 896));
        assert_eq!(connection_caps(1_048_576, 1000), (1000, 917_504));
        assert_eq!(connection_caps(100, 1000), (18, 36));
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_proxies() {
        let peer: SocketAddr = "198.51.100.7:5000".parse().expect("addr");
        let h = headers(&[
            ("x-forwarded-for", "10.9.9.9"),
            ("x-forwarded-proto", "https"),
        ]);
        assert_eq!(client_of(&security(&[]), peer, false, &h), (peer, false));
        let sec = security(&["198.51.100.0/24", "10.0.0.1"]);
        let (client, https) = client_of(&sec, peer, false, &h);
        assert_eq!(client.ip(), "10.9.9.9".parse::<IpAddr>().expect("ip"));
        assert!(https);
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client() {
        let peer: SocketAddr = "10.0.0.1:5000".parse().expect("addr");
        let sec = security(&["10.0.0.0/8"]);
        // The client forged the leftmost entry; the proxies appended the rest.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.2")]);
        let (client, https) = client_of(&sec, peer, false, &h);
        assert_eq!(client.ip(), "203.0.113.9".parse::<IpAddr>().expect("ip"));
        assert!(!https);
        // `Forwarded` is the client's own word: never believed.
        let h = headers(&[("forwarded", "for=198.51.100.50;proto=https")]);
        assert_eq!(client_of(&sec, peer, false, &h), (peer, false));
        let h = headers(&[("x-forwarded-for", "[2001:db8::1]:4711, ::ffff:10.0.0.3")]);
        let (client, _) = client_of(&sec, peer, false, &h);
        assert_eq!(client.ip(), "2001:db8::1".parse::<IpAddr>().expect("ip"));
        // Garbage stops the walk: the proxy's own address stands.
        let h = headers(&[("x-forwarded-for", "unknown")]);
        assert_eq!(client_of(&sec, peer, false, &h).0, peer);
    }
}
