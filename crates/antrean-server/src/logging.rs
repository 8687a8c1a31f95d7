//! The log, on standard error: text for a terminal or one JSON object a
//! line for a log collector (`[log] format`), filtered by `[log] level` or,
//! over it, the environment's `ANTREAN_LOG`.
//!
//! Every HTTP request logs within a span of its own: its request id (the
//! `x-request-id` it is answered with), its method and its route's
//! template (`/api/v1/tickets/{code}`), never the path or the query, which
//! may hold a ticket's code. Nothing personal is logged anywhere: no ticket
//! code, no priority reason, no survey answer, no password or token.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::MatchedPath;
use axum::http::{HeaderValue, Request};
use tower_http::request_id::{MakeRequestId, RequestId};
use tracing_subscriber::EnvFilter;

use crate::config::{Log, LogFormat};

/// The header that carries a request's id, to the client and in the log.
pub const REQUEST_ID: &str = "x-request-id";

/// Starts logging as `log` says, `ANTREAN_LOG` over its level (a filter
/// that does not parse is said, and the configured one used).
pub fn init(log: &Log) {
    let from_env = std::env::var("ANTREAN_LOG").ok();
    let (filter, refused) = match from_env.as_deref().map(EnvFilter::try_new) {
        Some(Ok(filter)) => (filter, None),
        Some(Err(e)) => (log.level.filter(), Some(e)),
        None => (log.level.filter(), None),
    };
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match log.format {
        LogFormat::Text => fmt.init(),
        // The request's span (its id, method and route) in each line.
        LogFormat::Json => fmt
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
    if let Some(e) = refused {
        tracing::warn!(error = %e, "ANTREAN_LOG is no log filter; logging as `[log] level` says");
    }
}

/// The span of one HTTP request (for tower-http's `TraceLayer`). It is an
/// error-level span so that it is on whatever the level lets through: a
/// warning logged under `level = "warn"` still names its request.
pub fn request_span<B>(req: &Request<B>) -> tracing::Span {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    // Unrouted paths (a 404) are not named: what a client typed there may
    // be anything, a ticket's code too.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("-", MatchedPath::as_str);
    tracing::error_span!("request", id, method = %req.method(), route)
}

/// Request ids: a random prefix drawn at start and a count
/// (`5f0c2a9e41b7d388-1a2b`), unique in this server's log and, by the
/// prefix, across its restarts; made without a system call (a UUID per
/// request costs a `getrandom` each). Clones share the count.
#[derive(Debug, Clone)]
pub struct RequestIds {
    prefix: u64,
    next: Arc<AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        RequestIds {
            prefix: rand::random(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::try_from(format!("{:016x}-{n:x}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// Whether a request id from a trusted proxy is one to keep: short, of
/// the characters ids are made of (a UUID, nginx's `$request_id`), so that
/// nothing else rides into the log on it.
pub fn is_request_id(id: &[u8]) -> bool {
    (1..=128).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn our_request_ids_differ_and_are_ones_we_would_keep() {
        let mut ids = RequestIds::default();
        let req = Request::new(());
        let mut id = || {
            let id = ids.make_request_id(&req).unwrap();
            id.header_value().to_str().unwrap().to_owned()
        };
        let (a, b) = (id(), id());
        assert_ne!(a, b);
        assert!(is_request_id(a.as_bytes()), "{a}");
    }

    #[test]
    fn request_ids_are_short_and_plain() {
        assert!(is_request_id(b"2f1c9a4e-8b1d-4c2e-9f3a-0d6b7e8c9a10"));
        assert!(is_request_id(b"a1b2c3d4e5f6"));
        assert!(!is_request_id(b""));
        assert!(!is_request_id(b"id\nforged log line"));
        assert!(!is_request_id(b"{\"json\":1}"));
        assert!(!is_request_id(&[b'a'; 129]));
    }
}
