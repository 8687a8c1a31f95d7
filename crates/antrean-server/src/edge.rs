//! What every request and answer passes on its way: a change made with the
//! session cookie must come from our own pages (another site, or another
//! port of this host, cannot make a clerk's browser act), every answer
//! carries the security headers and is counted, and reads are answered in
//! time.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::trace::{DefaultOnResponse, OnResponse};

use crate::auth;
use crate::error::{ApiError, ErrorCode};
use crate::metrics::Metrics;
use crate::net::ClientConn;
use crate::state::AppState;

/// Scripts, styles, images, sockets and workers from this server only; no
/// inline script or style, no framing, no plugins. Images may be `data:`
/// and `blob:` (the screens draw QR codes and icons that way).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data: blob:; media-src 'self' data: blob:; connect-src 'self'; \
worker-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// What the screens use: the display speaks and may play a chime
/// (autoplay), phones vibrate; nothing else.
const PERMISSIONS: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
serial=(), bluetooth=(), interest-cohort=()";

const HEADERS: [(HeaderName, &str); 6] = [
    (header::CONTENT_SECURITY_POLICY, CSP),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    // Ticket codes are in URLs (/t/CODE): they must not leave in a Referer.
    (header::REFERRER_POLICY, "no-referrer"),
    (HeaderName::from_static("permissions-policy"), PERMISSIONS),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    ),
];

/// For an answer the screens print from a hidden frame of their own (a
/// ticket's PDF at the kiosk and the help desk): framed by this server's
/// pages only, still by no other site's. The guard keeps headers an
/// answer already has.
pub const FRAMED_BY_OUR_PAGES: [(HeaderName, &str); 2] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors 'self'",
    ),
    (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
];

/// A year, for browsers that have once reached us over HTTPS.
const HSTS: &str = "max-age=31536000";

impl<S: Send + Sync> FromRequestParts<S> for ClientConn {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientConn>()
            .copied()
            .unwrap_or(ClientConn { https: false }))
    }
}

/// The middleware: refuses a cross-origin change made with the session
/// cookie (403 `cross_origin`, nothing changed), and sets the security
/// headers on every answer, refusals included.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let https = req
        .extensions()
        .get::<ClientConn>()
        .is_some_and(|c| c.https);
    let changes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut res = if changes
        && auth::cookie_token(req.headers()).is_some()
        && !same_origin(req.headers(), &state.config.server.public_base_url)
    {
        ApiError::CrossOrigin.into_response()
    } else {
        next.run(req).await
    };
    let headers = res.headers_mut();
    for (name, value) in HEADERS {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    res
}

/// Counts every answer for the metrics (its status class, and an error's
/// code, which the error put on the answer), then logs it at debug as
/// tower-http does: the trace layer's answer callback, so that counting
/// adds no middleware of its own to every request.
#[derive(Debug, Clone)]
pub struct Counted(pub Arc<Metrics>);

impl<B> OnResponse<B> for Counted {
    fn on_response(self, res: &axum::http::Response<B>, latency: Duration, span: &tracing::Span) {
        let code = res.extensions().get::<ErrorCode>().copied();
        self.0.answered(res.status(), code);
        DefaultOnResponse::default().on_response(res, latency, span);
    }
}

/// A read answers 408 after `request_timeout_s`. A change is not cut off:
/// its command may already be on its way to the disk, and a 408 would have
/// the client try again (a second ticket for one tap); its body must still
/// arrive within the same time (`RequestBodyTimeoutLayer`), and headers
/// within `header_read_timeout_s`.
pub async fn reads_in_time(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let limit = std::time::Duration::from_secs(state.config.server.security.request_timeout_s);
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

/// Whether a request comes from a page of this server. Browsers say where
/// a request comes from (`Sec-Fetch-Site`; `Origin` on every change); a
/// client that says neither is no browser, and so not one that a page of
/// another site could have made send our cookie.
fn same_origin(headers: &HeaderMap, public_base_url: &str) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return site.eq_ignore_ascii_case("same-origin");
    }
    let Some(origin) = text("origin") else {
        return true;
    };
    // host[:port] of the page that sent it, against the one asked for: a
    // page on another port of this host is another origin too.
    let Some(from) = authority(origin) else {
        return false;
    };
    let host = text("host");
    host.is_some_and(|h| h.eq_ignore_ascii_case(from))
        || authority(public_base_url).is_some_and(|ours| ours.eq_ignore_ascii_case(from))
}

/// `host[:port]` of an origin or base URL (`https://host:8443/path`).
fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find('/').unwrap_or(rest.len());
    Some(&rest[..end]).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().expect("value"));
        }
        h
    }

    const BASE: &str = "https://antrean.lampungutarakab.go.id";

    #[test]
    fn pages_of_this_server_are_same_origin() {
        let h = headers(&[
            ("host", "10.0.0.5:8080"),
            ("origin", "http://10.0.0.5:8080"),
        ]);
        assert!(same_origin(&h, BASE));
        let h = headers(&[("host", "10.0.0.5:8080"), ("sec-fetch-site", "same-origin")]);
        assert!(same_origin(&h, BASE));
        // Behind a proxy that names another Host: the public address counts.
        let h = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "https://antrean.lampungutarakab.go.id"),
        ]);
        assert!(same_origin(&h, BASE));
        // curl, the CLI's scripts, the tests' HTTP clients.
        assert!(same_origin(&headers(&[("host", "x")]), BASE));
    }

    #[test]
    fn other_sites_and_other_ports_are_not() {
        let h = headers(&[
            ("host", "10.0.0.5:8080"),
            ("origin", "http://10.0.0.5:9000"),
        ]);
        assert!(!same_origin(&h, BASE));
        let h = headers(&[("host", "10.0.0.5:8080"), ("origin", "null")]);
        assert!(!same_origin(&h, BASE));
        let h = headers(&[
            ("host", "10.0.0.5:8080"),
            ("origin", "http://10.0.0.5:8080"),
            ("sec-fetch-site", "same-site"),
        ]);
        assert!(!same_origin(&h, BASE));
        let h = headers(&[("host", "10.0.0.5:8080"), ("sec-fetch-site", "cross-site")]);
        assert!(!same_origin(&h, BASE));
    }
}
