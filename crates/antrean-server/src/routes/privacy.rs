//! `/privacy`: what the privacy notice says that depends on the
//! installation (who answers for the data, where to ask, how long it is
//! kept); the notice's words are the screens' own.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(privacy))
}

/// The installation's part of the privacy notice (`[privacy]` of
/// antrean.toml).
#[derive(Debug, Serialize, ToSchema)]
struct PrivacyNotice {
    /// Who is responsible for the data; null: each office itself.
    controller: Option<String>,
    /// Where to ask for access to, or erasure of, one's data; null: the
    /// office's help desk.
    contact: Option<String>,
    /// Days after which a ticket's personal data (priority reason, survey
    /// suggestion) is erased.
    #[schema(minimum = 1)]
    retention_days: u32,
}

/// The privacy notice's figures and contacts, for every citizen screen.
#[utoipa::path(get, path = "/privacy", tag = "offices",
    responses((status = 200, body = PrivacyNotice)))]
async fn privacy(State(state): State<AppState>) -> Json<PrivacyNotice> {
    let p = &state.config.server.privacy;
    let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    Json(PrivacyNotice {
        controller: given(&p.controller),
        contact: given(&p.contact),
        retention_days: p.retention_days.get(),
    })
}
