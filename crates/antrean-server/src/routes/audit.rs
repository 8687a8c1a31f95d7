//! `/audit`: the tamper-evident log for the people who answer for it — an
//! office's supervisor (their office's log and the account changes that
//! concern it) and the regency's admin (everything). Filtered by day,
//! actor, kind and ticket number, newest first and paged; as CSV; and
//! whether the hash chain verifies.
//!
//! What it never shows: ticket codes (a citizen's key to their ticket: with
//! one, anyone could cancel it) and how a citizen rated the service (the
//! IKM survey is anonymous: only that a survey was answered, and for which
//! service).

use antrean_core::Role;
use antrean_store::{AuditFilter, AuditRow, ChainReport};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{AppQuery, Staff};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(audit_page))
        .routes(routes!(audit_csv))
        .routes(routes!(audit_verify))
}

/// Entries on one page at most, and in one CSV export.
const PAGE: u32 = 50;
const CSV_ROWS: u32 = 100_000;

/// The filters of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// One office (a supervisor's own by default; an admin's choice, all
    /// when absent).
    office: Option<String>,
    /// A day in the office's time zone (`2026-12-01`).
    day: Option<NaiveDate>,
    /// Who: as stored (`user:siti`, `device:kiosk-1`, `citizen`) or a name.
    actor: Option<String>,
    /// What happened: `ticket_called`, `user_disabled`, ...
    kind: Option<String>,
    /// A ticket's number (`A012`).
    number: Option<String>,
    /// The page after the one that ended with this entry id.
    before: Option<i64>,
    /// Entries per page, 1 to 50 (50 when absent).
    #[param(minimum = 1, maximum = 50)]
    limit: Option<u32>,
}

/// One entry of the log.
#[derive(Debug, Serialize, ToSchema)]
struct AuditEntry {
    /// Its place in the hash chain.
    id: i64,
    /// The office whose log it is in; `@accounts` for staff and devices.
    log: String,
    /// Its number in that log.
    seq: u64,
    at: chrono::DateTime<chrono::Utc>,
    kind: String,
    /// Who did it; null for what nobody did in person (the day's end, an
    /// anonymous survey).
    #[schema(required = true)]
    actor: Option<String>,
    /// What the entry records (the event's fields), without ticket codes or
    /// survey answers.
    #[schema(value_type = std::collections::HashMap<String, Value>)]
    details: Value,
}

/// A page of the log, newest first.
#[derive(Debug, Serialize, ToSchema)]
struct AuditPage {
    entries: Vec<AuditEntry>,
    /// `before` for the next (older) page; null on the last.
    #[schema(required = true)]
    next_before: Option<i64>,
}

/// Whether the chain verifies, from the first entry to the last.
#[derive(Debug, Serialize, ToSchema)]
struct ChainCheck {
    intact: bool,
    /// Entries verified when intact; 0 when broken.
    events: u64,
    /// The first entry that does not follow, and why.
    #[schema(required = true)]
    broken: Option<Broken>,
}

#[derive(Debug, Serialize, ToSchema)]
struct Broken {
    id: i64,
    log: String,
    seq: u64,
    /// Why, in English (for logs and API users).
    reason: String,
    /// Why, as a stable code for screens: `unlinked` (a row removed or
    /// inserted), `edited`, `unkeyed` (rewritten without the audit key),
    /// `seq_gap` (a row removed, the hashes after it recomputed).
    #[schema(example = "edited")]
    code: String,
}

/// The filter `staff` may read with: a supervisor only their own office's.
fn filter(
    state: &AppState,
    staff: &Staff,
    q: AuditQuery,
    limit: u32,
) -> Result<AuditFilter, ApiError> {
    let office = staff.office_scope(q.office, "audit log")?;
    let tz = match &office {
        Some(o) => state.office(o)?.cfg().time_zone,
        None => chrono_tz::UTC,
    };
    let (from, to) = match q.day {
        Some(day) => {
            let start = |d: NaiveDate| {
                tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
                    .earliest()
                    .map(|t| t.with_timezone(&chrono::Utc))
            };
            (start(day), day.succ_opt().and_then(start))
        }
        None => (None, None),
    };
    let limit = match q.limit {
        None => limit,
        Some(n @ 1..=PAGE) => n,
        Some(_) => {
            return Err(ApiError::InvalidQuery(format!(
                "limit: 1 to {PAGE} entries a page"
            )))
        }
    };
    Ok(AuditFilter {
        office,
        from,
        to,
        actor: q.actor.filter(|a| !a.is_empty()),
        kind: q.kind.filter(|k| !k.is_empty()),
        number: q
            .number
            .map(|n| n.trim().to_uppercase())
            .filter(|n| !n.is_empty()),
        before: q.before,
        limit,
    })
}

/// An entry as staff may see it.
fn entry(row: AuditRow) -> AuditEntry {
    let mut details: Value = serde_json::from_str(&row.body).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut details {
        map.remove("kind");
        map.remove("code");
        if let Some(Value::Object(ticket)) = map.get_mut("ticket") {
            ticket.remove("code");
        }
        if row.kind == "survey_submitted" {
            map.remove("answers");
            map.remove("suggestion");
        }
    }
    AuditEntry {
        id: row.id,
        log: row.log,
        seq: row.seq,
        at: row.at,
        kind: row.kind,
        actor: row.actor,
        details,
    }
}

async fn read(state: &AppState, f: AuditFilter) -> Result<Vec<AuditEntry>, ApiError> {
    let rows = state.db.read(move |r| r.audit(&f)).await?;
    Ok(rows.into_iter().map(entry).collect())
}

/// Entries of the audit log, newest first, a page at a time.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery), security(("session" = [])),
    responses((status = 200, body = AuditPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn audit_page(
    State(state): State<AppState>,
    staff: Staff,
    AppQuery(q): AppQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let mut f = filter(&state, &staff, q, PAGE)?;
    // One more than the page: whether an older page exists at all.
    let limit = f.limit as usize;
    f.limit += 1;
    let mut entries = read(&state, f).await?;
    let more = entries.len() > limit;
    entries.truncate(limit);
    let next_before = more.then(|| entries.last().map(|e| e.id)).flatten();
    Ok(Json(AuditPage {
        entries,
        next_before,
    }))
}

/// One CSV field, quoted when it needs to be, and never read as a formula
/// by a spreadsheet (a leading `=`, `+`, `-`, `@`).
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The same entries as CSV (UTF-8 with a BOM, for spreadsheets), up to
/// 100,000 of them.
#[utoipa::path(get, path = "/audit.csv", tag = "audit", params(AuditQuery), security(("session" = [])),
    responses((status = 200, content_type = "text/csv", body = String, description = "id,log,seq,at,kind,actor,details"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn audit_csv(
    State(state): State<AppState>,
    staff: Staff,
    AppQuery(q): AppQuery<AuditQuery>,
) -> Result<Response, ApiError> {
    let mut f = filter(&state, &staff, q, CSV_ROWS)?;
    f.limit = CSV_ROWS;
    let entries = read(&state, f).await?;
    let mut out = String::from("\u{feff}id,log,seq,at,kind,actor,details\r\n");
    for e in entries {
        let fields = [
            e.id.to_string(),
            e.log,
            e.seq.to_string(),
            e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            e.kind,
            e.actor.unwrap_or_default(),
            e.details.to_string(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

/// Walks the whole hash chain: whether every entry follows the one before.
#[utoipa::path(get, path = "/audit/verify", tag = "audit", security(("session" = [])),
    responses((status = 200, body = ChainCheck), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn audit_verify(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<ChainCheck>, ApiError> {
    if !matches!(staff.user.role, Role::Admin | Role::Supervisor) {
        return Err(ApiError::Forbidden(
            "the audit log is for supervisors".into(),
        ));
    }
    let report = state.db.read(|r| r.verify_chain()).await?;
    Ok(Json(match report {
        ChainReport::Intact { events } => ChainCheck {
            intact: true,
            events,
            broken: None,
        },
        ChainReport::Broken {
            id,
            office,
            seq,
            reason,
        } => ChainCheck {
            intact: false,
            events: 0,
            broken: Some(Broken {
                id,
                log: office,
                seq,
                reason: reason.to_string(),
                code: reason.code().to_owned(),
            }),
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
    }
}
