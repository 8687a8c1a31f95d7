//! The screens, embedded in the binary (read from disk in debug builds): the
//! citizen page, kiosk, lobby display, counter terminal, help desk and admin
//! pages.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rust_embed::RustEmbed;

use crate::state::AppState;

#[derive(RustEmbed)]
#[folder = "../../shared-ui/"]
// The screens' types generated from the API contract, for the type checker.
#[exclude = "*.d.ts"]
struct Shared;
#[derive(RustEmbed)]
#[folder = "../../citizen-ui/"]
struct Citizen;
#[derive(RustEmbed)]
#[folder = "../../kiosk-ui/"]
struct Kiosk;
#[derive(RustEmbed)]
#[folder = "../../display-ui/"]
struct Display;
#[derive(RustEmbed)]
#[folder = "../../counter-ui/"]
struct CounterUi;
#[derive(RustEmbed)]
#[folder = "../../admin-ui/"]
struct Admin;
#[derive(RustEmbed)]
#[folder = "../../desk-ui/"]
struct Desk;

fn serve<E: RustEmbed>(path: &str) -> Response {
    let path = if path.is_empty() { "index.html" } else { path };
    match E::get(path) {
        Some(file) => {
            let guessed = file.metadata.mimetype();
            let mime = if guessed.starts_with("text/") {
                format!("{guessed}; charset=utf-8")
            } else {
                guessed.to_owned()
            };
            // HTML names the app's current files; everything else may be
            // cached briefly.
            let cache = if mime.starts_with("text/html") {
                "no-cache"
            } else {
                "public, max-age=300"
            };
            (
                [
                    (header::CONTENT_TYPE, mime),
                    (header::CACHE_CONTROL, cache.to_owned()),
                ],
                file.data,
            )
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// Serves a file of one of the UI folders, by the folder's name on disk.
fn asset(dir: &str, path: &str) -> Response {
    match dir {
        "shared-ui" => serve::<Shared>(path),
        "citizen-ui" => serve::<Citizen>(path),
        "kiosk-ui" => serve::<Kiosk>(path),
        "display-ui" => serve::<Display>(path),
        "counter-ui" => serve::<CounterUi>(path),
        "admin-ui" => serve::<Admin>(path),
        "desk-ui" => serve::<Desk>(path),
        _ => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// Routes of the screens. An app's page is served for its office paths
/// (`/kiosk/{office}`); every asset under `/ui/{folder}/...`, where the
/// folder is the one on disk (`/ui/kiosk-ui/kiosk.js`,
/// `/ui/shared-ui/live.js`). URLs mirror the source tree so that the
/// modules' relative imports (`../shared-ui/live.js`) resolve the same in
/// the browser and for the type checker, with no build step.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { serve::<Citizen>("index.html") }))
        .route(
            "/o/{office}",
            get(|| async { serve::<Citizen>("index.html") }),
        )
        .route(
            "/t/{code}",
            get(|| async { serve::<Citizen>("index.html") }),
        )
        .route("/privacy", get(|| async { serve::<Citizen>("index.html") }))
        .route(
            "/kiosk/{office}",
            get(|| async { serve::<Kiosk>("index.html") }),
        )
        .route(
            "/display/{office}",
            get(|| async { serve::<Display>("index.html") }),
        )
        .route(
            "/counter/{office}",
            get(|| async { serve::<CounterUi>("index.html") }),
        )
        .route(
            "/desk/{office}",
            get(|| async { serve::<Desk>("index.html") }),
        )
        .route("/admin", get(|| async { serve::<Admin>("index.html") }))
        .route(
            "/ui/{dir}/{*path}",
            get(|Path((dir, p)): Path<(String, String)>| async move { asset(&dir, &p) }),
        )
}
