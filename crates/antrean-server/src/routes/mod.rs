//! The HTTP API v1, one module per resource. Each handler is thin: it parses
//! the request, checks who asks, runs one command on the office (or one
//! read) and maps the result. Every route is declared with its OpenAPI
//! description in one `#[utoipa::path]` and registered with `routes!`, so a
//! route cannot exist without its entry in `/api/v1/openapi.json`.

mod audit;
mod configuration;
mod counters;
mod devices;
mod live;
mod offices;
mod printing;
mod privacy;
mod reports;
mod services;
mod session;
mod staff;
mod tickets;

use std::sync::OnceLock;

use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::{Json, Router};
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::offices::Outcome;
use crate::state::AppState;
use crate::views::TicketView;

/// Where the API lives.
pub const PREFIX: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Antrean API",
        version = "1",
        description = "Digital queue for public service offices. Errors are {\"error\": {\"code\", \"message\"}} with a stable code (ErrorCode). \
A 2xx answer to a change means it is on disk. Live streams are WebSockets: GET /offices/{office}/live and /tickets/{code}/live \
answer 101 and then send one ServerMsg per text frame."
    ),
    modifiers(&Security),
    // Schemas only referenced from parameters or frames, which the routes
    // do not collect by themselves.
    components(schemas(crate::views::ServerMsg, crate::error::ErrorCode, antrean_ticket::Paper))
)]
struct ApiDoc;

/// The two ways to say who one is: a staff session cookie, a device token.
struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::COOKIE))),
        );
        components.add_security_scheme(
            "device",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// What every operation may answer beyond its own: 408 from the request
/// timeout (no body); and error answers whose route gave no description get
/// the status's name.
struct Everywhere;

impl Modify for Everywhere {
    fn modify(&self, doc: &mut Document) {
        for item in doc.paths.paths.values_mut() {
            for op in operations(item).into_iter().flatten() {
                let timeout = ResponseBuilder::new()
                    .description(
                        "a read took longer than `request_timeout_s`, or a body came slower",
                    )
                    .build();
                op.responses
                    .responses
                    .entry("408".into())
                    .or_insert(timeout.into());
                for (status, response) in &mut op.responses.responses {
                    if let utoipa::openapi::RefOr::T(r) = response {
                        if r.description.is_empty() {
                            r.description = status
                                .parse::<axum::http::StatusCode>()
                                .ok()
                                .and_then(|s| s.canonical_reason())
                                .unwrap_or_default()
                                .to_owned();
                        }
                    }
                }
            }
        }
        time_zones(doc);
    }
}

/// A time zone is one of the IANA names the server knows: the list is put
/// into the document once it is built (in the schemas it would be built
/// again for every route that names one, when the server starts).
fn time_zones(doc: &mut Document) {
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::RefOr;
    let names: Vec<serde_json::Value> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name().into())
        .collect();
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for name in ["OfficeDef", "OfficeSettings"] {
        if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(name) {
            if let Some(RefOr::T(Schema::Object(tz))) = o.properties.get_mut("time_zone") {
                tz.enum_values = Some(names.clone());
                tz.description = Some("An IANA time zone, e.g. `Asia/Jakarta` (WIB), `Asia/Makassar` (WITA), `Asia/Jayapura` (WIT).".into());
            }
        }
    }
}

/// Every route of the API with its documentation, under [`PREFIX`].
fn api() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .merge(offices::routes())
        .merge(tickets::routes())
        .merge(counters::routes())
        .merge(services::routes())
        .merge(configuration::routes())
        .merge(session::routes())
        .merge(staff::routes())
        .merge(devices::routes())
        .merge(audit::routes())
        .merge(reports::routes())
        .merge(printing::routes())
        .merge(privacy::routes())
        .merge(live::routes())
        .routes(routes!(openapi_json));
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(PREFIX, v1)
}

/// The API's router: unknown paths under [`PREFIX`] are 404 `no_route`
/// (elsewhere a plain 404, as for the screens), known paths with an
/// undeclared method 405 `method_not_allowed`.
pub fn router() -> Router<AppState> {
    let (router, _) = api().split_for_parts();
    router
        .fallback(|uri: Uri| async move {
            if uri.path().starts_with(PREFIX) {
                ApiError::NoRoute.into_response()
            } else {
                (StatusCode::NOT_FOUND, "not found").into_response()
            }
        })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

/// The operations of a path, by method.
fn operations(item: &mut PathItem) -> [&mut Option<Operation>; 5] {
    [
        &mut item.get,
        &mut item.post,
        &mut item.put,
        &mut item.patch,
        &mut item.delete,
    ]
}

/// The ticket a command acted on. The core returns it for every command
/// that has one, so its absence is a bug, not an answer.
fn acted_on(outcome: Outcome) -> Result<TicketView, ApiError> {
    outcome
        .ticket
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the command returned no ticket")))
}

/// The OpenAPI document of the whole API, made from the routes themselves.
pub fn openapi() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = api().split_for_parts().1;
        Everywhere.modify(&mut doc);
        doc
    })
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "api",
    responses((status = 200, description = "the OpenAPI 3.1 document of this API", content_type = "application/json", body = Object)))]
async fn openapi_json() -> Json<&'static Document> {
    Json(openapi())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::BTreeSet;

    /// Every (method, path) the router serves, read from the router itself
    /// (its `Debug` lists each path and, per path, the methods that have a
    /// handler), not from any list kept by hand.
    fn served() -> BTreeSet<(String, String)> {
        // The router the server serves, fallbacks and all. axum has no API
        // to list its routes; its `Debug` output does, in a format that is
        // not promised: if an upgrade changes it, this walk finds nothing
        // and the test fails on its first assertion rather than passing.
        let router = super::router();
        let text = format!("{router:?}");
        // The routes proper; the fallback router after them has ids of its own.
        let text = &text[..text.find("fallback_router:").expect("the router's parts")];
        // `RouteId(3): "/api/v1/offices"` in the node's paths, and
        // `RouteId(3): MethodRouter(MethodRouter { get: BoxedHandler, head: None, ... })`
        // in the routes.
        let mut paths = std::collections::HashMap::new();
        let mut methods = std::collections::HashMap::new();
        for chunk in text.split("RouteId(").skip(1) {
            let (id, rest) = chunk.split_once("): ").unwrap();
            if let Some(path) = rest.strip_prefix('"') {
                paths.insert(id.to_owned(), path.split('"').next().unwrap().to_owned());
            } else if let Some(m) = rest.strip_prefix("MethodRouter(MethodRouter { ") {
                let real = [
                    "get", "delete", "options", "patch", "post", "put", "trace", "connect",
                ];
                let served: Vec<String> = m
                    .split(", ")
                    .map_while(|f| f.split_once(": "))
                    .filter(|(method, endpoint)| {
                        real.contains(method) && !endpoint.starts_with("None")
                    })
                    .map(|(method, _)| method.to_owned())
                    .collect();
                methods.insert(id.to_owned(), served);
            }
        }
        let mut served = BTreeSet::new();
        for (id, path) in &paths {
            for m in methods.get(id).expect("each path has a method router") {
                served.insert((m.clone(), path.clone()));
            }
        }
        served
    }

    fn documented() -> BTreeSet<(String, String)> {
        let doc = super::openapi();
        let mut out = BTreeSet::new();
        for (path, item) in &doc.paths.paths {
            let mut item = item.clone();
            let methods = ["get", "post", "put", "patch", "delete"];
            for (method, op) in methods.into_iter().zip(super::operations(&mut item)) {
                if op.is_some() {
                    out.insert((method.to_owned(), path.clone()));
                }
            }
        }
        out
    }

    #[test]
    fn every_route_the_router_serves_is_documented_and_nothing_else() {
        let served = served();
        assert!(served.len() > 20, "the walk found the routes: {served:?}");
        assert_eq!(served, documented());
    }

    /// Every `$ref` in the document names a schema it defines.
    #[test]
    fn every_reference_resolves() {
        let doc = serde_json::to_value(super::openapi()).unwrap();
        let text = doc.to_string();
        for part in text.split("\"$ref\":\"").skip(1) {
            let target = part.split('"').next().unwrap();
            let name = target.trim_start_matches("#/components/schemas/");
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "dangling {target}"
            );
        }
    }

    #[test]
    fn every_operation_says_what_it_answers_on_success_and_failure() {
        for (path, item) in &super::openapi().paths.paths {
            for op in [&item.get, &item.post, &item.delete].into_iter().flatten() {
                let codes: Vec<&String> = op.responses.responses.keys().collect();
                assert!(
                    codes.iter().any(|c| c.starts_with('2') || *c == "101"),
                    "{path}: {codes:?}"
                );
                assert!(
                    !op.description.clone().unwrap_or_default().is_empty() || op.summary.is_some(),
                    "{path} has no description"
                );
            }
        }
    }
}
