//! Who may do what, for every route of the API: each operation of the
//! OpenAPI document (`antrean_server::routes::openapi()`, made from the
//! router itself) has a rule here saying, for each of eight identities,
//! whether the request is allowed or refused with which status, and the
//! matrix is tried against the real binary. A route added without a rule,
//! or a rule left for a route that is gone, fails
//! `every_route_has_a_rule_and_every_rule_a_route`, by name.
//!
//! The identities: nobody signed in; a clerk of office `beta` acting on
//! office `alpha`; a clerk, the help desk and a supervisor of `alpha`; the
//! regency's admin; a kiosk and a display of `alpha` (their device tokens,
//! no cookie).
//!
//! "Allowed" means the handler ran past its checks of who asks: a 2xx (101
//! for a live stream), or a 409/422 of the office's rules (a counter
//! already open, a survey answered once). A 400, 404 or 429 is never taken
//! for "allowed": the requests use real ids and valid bodies, so those
//! mean the request itself went wrong here, and a 400 of a body checked
//! before the caller would hide a wrong rule. A refusal is the exact status:
//! 401 (who are you?), 403 (not yours), or 404 where the API hides another
//! office's resource.
//!
//! One server runs the whole matrix, in the order of the rules, each
//! identity in turn. Whatever a request destroys is made for it beforehand
//! (a device to revoke, a service to remove, per identity) or is a session
//! of its own (signing out), and what ends an identity's every session (a
//! new password, signing out everywhere) comes last, so every identity
//! keeps working to the end.
//!
//! A failure prints a table of the answers not as their rule says (route,
//! identity, expected, got, the body's start); `AUTHZ_SHOW=1` prints the
//! whole matrix (with `--nocapture`).
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use common::Server;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const PASSWORD: &str = "kata-sandi-rahasia";

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    /// A clerk of office `beta`, acting on office `alpha`.
    OtherClerk,
    Clerk,
    HelpDesk,
    Supervisor,
    Admin,
    Kiosk,
    Display,
}

use Who::*;

/// The identities, in the order of the columns of every rule.
const EVERYONE: [Who; 8] = [
    Anonymous, OtherClerk, Clerk, HelpDesk, Supervisor, Admin, Kiosk, Display,
];

impl Who {
    fn index(self) -> usize {
        EVERYONE.iter().position(|w| *w == self).unwrap()
    }

    fn label(self) -> &'static str {
        match self {
            Anonymous => "anonymous",
            OtherClerk => "clerk of beta",
            Clerk => "clerk",
            HelpDesk => "help desk",
            Supervisor => "supervisor",
            Admin => "admin",
            Kiosk => "kiosk token",
            Display => "display token",
        }
    }

    /// The account a staff identity signs in with: (name, role, office).
    fn account(self) -> Option<(&'static str, &'static str, Option<&'static str>)> {
        match self {
            OtherClerk => Some(("rudi", "clerk", Some("beta"))),
            Clerk => Some(("budi", "clerk", Some("alpha"))),
            HelpDesk => Some(("ani", "help_desk", Some("alpha"))),
            Supervisor => Some(("siti", "supervisor", Some("alpha"))),
            Admin => Some(("bupati", "admin", None)),
            Anonymous | Kiosk | Display => None,
        }
    }

    /// The counter of `alpha` this identity works, so that each has one of
    /// its own to open, call on and close (counter 3 serves `kk` only).
    fn counter(self) -> &'static str {
        match self {
            Supervisor => "2",
            Admin => "3",
            _ => "1",
        }
    }
}

/// What a rule expects of one identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The handler ran: 101, 2xx, or 409/422 from the office's rules.
    Allowed,
    /// Refused with exactly this status.
    Refused(u16),
}

use Expect::Allowed as OK;
const R401: Expect = Expect::Refused(401);
const R403: Expect = Expect::Refused(403);
const R404: Expect = Expect::Refused(404);

// The columns: anonymous, clerk of beta, clerk, help desk, supervisor,
// admin, kiosk token, display token.

/// Public: the citizen page, the kiosk and the display need no sign-in.
const ANYONE: [Expect; 8] = [OK, OK, OK, OK, OK, OK, OK, OK];
/// Any signed-in staff member, of any office (their own session).
const SIGNED_IN: [Expect; 8] = [R401, OK, OK, OK, OK, OK, R401, R401];
/// Staff of the office, whatever their role.
const OFFICE_STAFF: [Expect; 8] = [R401, R403, OK, OK, OK, OK, R401, R401];
/// Whoever works counters: not the help desk.
const COUNTER_WORKERS: [Expect; 8] = [R401, R403, OK, R403, OK, OK, R401, R401];
/// Supervisors of the office and admins.
const SUPERVISORS: [Expect; 8] = [R401, R403, R403, R403, OK, OK, R401, R401];
/// An account of `alpha`: managed by its supervisors and admins; to staff
/// of another office it does not exist.
const MANAGERS: [Expect; 8] = [R401, R404, R403, R403, OK, OK, R401, R401];
/// A device's token, of either kind.
const DEVICES: [Expect; 8] = [R401, R401, R401, R401, R401, R401, OK, OK];
/// A kiosk's token: the kiosk channel of its own office.
const KIOSKS: [Expect; 8] = [R401, R401, R401, R401, R401, R401, OK, R403];
/// A kiosk's token at another office.
const KIOSK_ELSEWHERE: [Expect; 8] = [R401, R401, R401, R401, R401, R401, R403, R403];

/// Which session a staff identity sends the request with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum As {
    /// Its own, kept for the whole run.
    Own,
    /// Another session of its own account (the request ends it): the one
    /// its last sign-in made, or a new one.
    Other,
}

/// One request of the matrix.
#[derive(Debug, Clone)]
struct Req {
    /// Under `/api/v1`, with real ids (and a query, if any).
    path: String,
    body: Option<Value>,
    session: As,
    /// A WebSocket handshake instead of a plain request.
    ws: Option<Stream>,
}

/// How a live stream is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    /// As a citizen's page does: no subprotocol (a token, if any, as
    /// `Authorization: Bearer`).
    Plain,
    /// As the screens do: subprotocol `antrean`, and a device's token as
    /// the subprotocol `bearer.TOKEN` next to it.
    Screen,
}

impl Req {
    fn to(path: impl Into<String>) -> Req {
        Req {
            path: path.into(),
            body: None,
            session: As::Own,
            ws: None,
        }
    }

    fn json(mut self, body: Value) -> Req {
        self.body = Some(body);
        self
    }

    fn other_session(mut self) -> Req {
        self.session = As::Other;
        self
    }

    fn ws(mut self, how: Stream) -> Req {
        self.ws = Some(how);
        self
    }
}

/// The rule of one operation (or one case of it: the ticket route has one
/// per channel).
struct Rule {
    method: &'static str,
    /// The path as the document writes it.
    path: &'static str,
    case: &'static str,
    expect: [Expect; 8],
    request: fn(&Ctx, Who) -> Req,
}

fn rule(
    method: &'static str,
    path: &'static str,
    expect: [Expect; 8],
    request: fn(&Ctx, Who) -> Req,
) -> Rule {
    Rule {
        method,
        path,
        case: "",
        expect,
        request,
    }
}

impl Rule {
    fn case(mut self, case: &'static str) -> Rule {
        self.case = case;
        self
    }

    fn name(&self) -> String {
        if self.case.is_empty() {
            format!("{} {}", self.method, self.path)
        } else {
            format!("{} {} ({})", self.method, self.path, self.case)
        }
    }
}

/// What the setup made, for the requests to name.
#[derive(Debug, Default)]
struct Ctx {
    base: String,
    /// The session cookie (`name=value`) of each staff identity.
    cookies: [Option<String>; 8],
    kiosk_token: String,
    display_token: String,
    /// A done ticket of `ktp` (it has a document workflow).
    done_code: String,
    /// Today's number of a no-show ticket.
    no_show_number: String,
    /// Today's number of a ticket whose priority was claimed online.
    claimed_number: String,
    /// Per identity: a waiting ticket to cancel, one to call by number.
    cancel_codes: Vec<String>,
    call_numbers: Vec<String>,
    /// Per identity: a device to revoke.
    revoke_devices: Vec<i64>,
    /// A device anyone allowed renames.
    spare_device: i64,
    /// The secret of a device waiting to be paired.
    pairing_secret: String,
    /// `alpha`'s configuration after the setup (importing it changes nothing).
    config: Value,
}

/// The rules, in the order they run: reads first, then what changes
/// state, each group ordered so that every identity's request finds what
/// it needs (a counter is opened before it calls, the configuration is
/// imported before anything else changes it), and last what ends the
/// identities' sessions.
// One rule a line or two, as a table reads: not as rustfmt would lay out
// the calls, one argument a line.
#[rustfmt::skip]
fn rules() -> Vec<Rule> {
    const OFFICE_TICKETS: &str = "/api/v1/offices/{office}/tickets";
    vec![
        // Public reads and live streams.
        rule("GET", "/api/v1/openapi.json", ANYONE, |_, _| Req::to("/openapi.json")),
        rule("GET", "/api/v1/offices", ANYONE, |_, _| Req::to("/offices")),
        rule("GET", "/api/v1/privacy", ANYONE, |_, _| Req::to("/privacy")),
        rule("GET", "/api/v1/offices/{office}", ANYONE, |_, _| Req::to("/offices/alpha")),
        rule("GET", "/api/v1/offices/{office}/challenge", ANYONE, |_, _| Req::to("/offices/alpha/challenge")),
        rule("GET", "/api/v1/tickets/{code}", ANYONE, |c, _| Req::to(format!("/tickets/{}", c.done_code))),
        rule("GET", "/api/v1/tickets/{code}/ticket.pdf", ANYONE,
            |c, _| Req::to(format!("/tickets/{}/ticket.pdf?paper=58mm", c.done_code))),
        rule("GET", "/api/v1/tickets/{code}/ticket.escpos", ANYONE,
            |c, _| Req::to(format!("/tickets/{}/ticket.escpos", c.done_code))),
        rule("GET", "/api/v1/tickets/{code}/qr.svg", ANYONE,
            |c, _| Req::to(format!("/tickets/{}/qr.svg", c.done_code))),
        rule("GET", "/api/v1/offices/{office}/live", ANYONE,
            |_, _| Req::to("/offices/alpha/live").ws(Stream::Screen)),
        rule("GET", "/api/v1/tickets/{code}/live", ANYONE,
            |c, _| Req::to(format!("/tickets/{}/live", c.done_code)).ws(Stream::Plain)),
        rule("POST", "/api/v1/pairings", ANYONE,
            |_, _| Req::to("/pairings").json(json!({"office": "alpha", "kind": "display"}))),
        rule("GET", "/api/v1/pairings/{secret}", ANYONE, |c, _| Req::to(format!("/pairings/{}", c.pairing_secret))),
        rule("GET", "/api/v1/device", DEVICES, |_, _| Req::to("/device")),

        // Signing in and out (a new password and signing out everywhere
        // come last).
        rule("GET", "/api/v1/session", SIGNED_IN, |_, _| Req::to("/session")),
        // Staff sign in as themselves, the others with a clerk's password
        // (the cookie they get is not theirs to keep).
        rule("POST", "/api/v1/session", ANYONE, |_, w| {
            let name = w.account().map_or("budi", |(n, _, _)| n);
            Req::to("/session").json(json!({"username": name, "password": PASSWORD}))
        }),
        // Ends the session the sign-in above made.
        rule("DELETE", "/api/v1/session", ANYONE, |_, _| Req::to("/session").other_session()),

        // Tickets, on the channels each identity may use.
        rule("POST", OFFICE_TICKETS, ANYONE,
            |_, _| Req::to("/offices/alpha/tickets").json(json!({"service": "kk"}))).case("online"),
        rule("POST", OFFICE_TICKETS, KIOSKS,
            |_, _| Req::to("/offices/alpha/tickets").json(json!({"service": "kk", "channel": "kiosk"}))).case("kiosk"),
        rule("POST", OFFICE_TICKETS, KIOSK_ELSEWHERE,
            |_, _| Req::to("/offices/beta/tickets").json(json!({"service": "kk", "channel": "kiosk"}))).case("kiosk, at beta"),
        rule("POST", OFFICE_TICKETS, OFFICE_STAFF,
            |_, _| Req::to("/offices/alpha/tickets").json(json!({"service": "kk", "channel": "counter"}))).case("counter"),
        rule("POST", "/api/v1/tickets/{code}/cancel", ANYONE,
            |c, w| Req::to(format!("/tickets/{}/cancel", c.cancel_codes[w.index()]))),
        rule("POST", "/api/v1/offices/{office}/tickets/{number}/requeue", OFFICE_STAFF,
            |c, _| Req::to(format!("/offices/alpha/tickets/{}/requeue", c.no_show_number))),
        rule("GET", "/api/v1/offices/{office}/priority-claims", OFFICE_STAFF,
            |_, _| Req::to("/offices/alpha/priority-claims")),
        rule("POST", "/api/v1/offices/{office}/tickets/{number}/priority/confirm", OFFICE_STAFF,
            |c, _| Req::to(format!("/offices/alpha/tickets/{}/priority/confirm", c.claimed_number))),
        rule("POST", "/api/v1/tickets/{code}/document", OFFICE_STAFF,
            |c, _| Req::to(format!("/tickets/{}/document", c.done_code)).json(json!({"step": "dicetak"}))),
        rule("POST", "/api/v1/tickets/{code}/survey", ANYONE,
            |c, _| Req::to(format!("/tickets/{}/survey", c.done_code))
                .json(json!({"answers": [4, 4, 3, 4, 4, 3, 4, null, 4]}))),
        rule("POST", "/api/v1/tickets/{code}/print", OFFICE_STAFF,
            |c, _| Req::to(format!("/tickets/{}/print", c.done_code)).json(json!({"printer": "lobi"}))),
        rule("GET", "/api/v1/offices/{office}/printers", OFFICE_STAFF, |_, _| Req::to("/offices/alpha/printers")),

        // Counters: each worker at a counter of its own, through two
        // citizens' visits.
        rule("POST", "/api/v1/offices/{office}/counters/{counter}/open", COUNTER_WORKERS, |_, w| at_counter(w, "open")),
        rule("POST", "/api/v1/offices/{office}/counters/{counter}/call-next", COUNTER_WORKERS, |_, w| at_counter(w, "call-next")),
        rule("POST", "/api/v1/offices/{office}/counters/{counter}/start", COUNTER_WORKERS, |_, w| at_counter(w, "start")),
        rule("POST", "/api/v1/offices/{office}/counters/{counter}/finish", COUNTER_WORKERS, |_, w| at_counter(w, "finish")),
        rule("POST", "/api/v1/offices/{office}/counters/{counter}/call", COUNTER_WORKERS,
            |c, w| at_counter(w, "call").json(json!({"number": c.call_numbers[w.index()]}))),
        rule("POST", "/api/v1/offices/{office}/counters/{counter}/recall", COUNTER_WORKERS, |_, w| at_counter(w, "recall")),
        rule("POST", "/api/v1/offices/{office}/counters/{counter}/no-show", COUNTER_WORKERS, |_, w| at_counter(w, "no-show")),
        // Nobody is at the counter by now: 409, after the checks of who asks.
        rule("POST", "/api/v1/offices/{office}/counters/{counter}/transfer", COUNTER_WORKERS,
            |_, w| at_counter(w, "transfer").json(json!({"service": "ktp"}))),
        // The clerk's counter, which the clerk holds.
        rule("POST", "/api/v1/offices/{office}/counters/{counter}/release", SUPERVISORS,
            |_, _| Req::to("/offices/alpha/counters/1/release")),
        rule("POST", "/api/v1/offices/{office}/counters/{counter}/pause", COUNTER_WORKERS,
            |_, w| at_counter(w, "pause").json(json!({"reason": "istirahat"}))),
        rule("POST", "/api/v1/offices/{office}/counters/{counter}/close", COUNTER_WORKERS, |_, w| at_counter(w, "close")),

        // The configuration: the import first, while it changes nothing;
        // what is removed was made for the identity that removes it.
        rule("GET", "/api/v1/offices/{office}/config", SUPERVISORS, |_, _| Req::to("/offices/alpha/config")),
        rule("PUT", "/api/v1/offices/{office}/config", SUPERVISORS,
            |c, _| Req::to("/offices/alpha/config").json(c.config.clone())),
        rule("PUT", "/api/v1/offices/{office}/settings", SUPERVISORS,
            |c, _| Req::to("/offices/alpha/settings").json(settings_of(&c.config))),
        // Open all day, then no weekly hours again at once.
        rule("PUT", "/api/v1/offices/{office}/hours", SUPERVISORS, |_, _| {
            let day = "00:00-23:59";
            Req::to("/offices/alpha/hours").json(json!({
                "mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day
            }))
        }),
        rule("DELETE", "/api/v1/offices/{office}/hours", SUPERVISORS, |_, _| Req::to("/offices/alpha/hours")),
        rule("PUT", "/api/v1/offices/{office}/services/{service}", SUPERVISORS,
            |_, _| Req::to("/offices/alpha/services/baru").json(json!({"prefix": "L", "name": {"id": "Layanan baru"}}))),
        rule("DELETE", "/api/v1/offices/{office}/services/{service}", SUPERVISORS,
            |_, w| Req::to(format!("/offices/alpha/services/hapus-{}", w.index()))),
        rule("POST", "/api/v1/offices/{office}/services/{service}/suspend", SUPERVISORS,
            |_, _| Req::to("/offices/alpha/services/jeda/suspend").json(json!({"message": "Blanko habis"}))),
        rule("POST", "/api/v1/offices/{office}/services/{service}/resume", SUPERVISORS,
            |_, _| Req::to("/offices/alpha/services/jeda/resume")),
        rule("PUT", "/api/v1/offices/{office}/counters/{counter}", SUPERVISORS,
            |_, _| Req::to("/offices/alpha/counters/9").json(json!({"name": "Loket 9", "services": ["kk"]}))),
        rule("DELETE", "/api/v1/offices/{office}/counters/{counter}", SUPERVISORS,
            |_, w| Req::to(format!("/offices/alpha/counters/hapus-{}", w.index()))),
        rule("PUT", "/api/v1/offices/{office}/closures/{from}", SUPERVISORS,
            |_, _| Req::to("/offices/alpha/closures/2099-12-01").json(json!({"reason": {"id": "Cuti bersama"}}))),
        rule("DELETE", "/api/v1/offices/{office}/closures/{from}", SUPERVISORS,
            |_, w| Req::to(format!("/offices/alpha/closures/{}", closure_day(w.index())))),
        rule("PUT", "/api/v1/offices/{office}/printers/{printer}", SUPERVISORS,
            |_, _| Req::to("/offices/alpha/printers/baru").json(json!({"address": "127.0.0.1:1", "paper": "58mm"}))),
        rule("DELETE", "/api/v1/offices/{office}/printers/{printer}", SUPERVISORS,
            |_, w| Req::to(format!("/offices/alpha/printers/hapus-{}", w.index()))),
        rule("PUT", "/api/v1/offices/{office}/running-text", SUPERVISORS,
            |_, _| Req::to("/offices/alpha/running-text").json(json!({"text": "Selamat datang"}))),
        rule("GET", "/api/v1/offices/{office}/report", SUPERVISORS, |_, _| Req::to("/offices/alpha/report")),

        // Devices: a spare one renamed, one of its own revoked by each.
        rule("GET", "/api/v1/offices/{office}/devices", SUPERVISORS, |_, _| Req::to("/offices/alpha/devices")),
        rule("POST", "/api/v1/offices/{office}/devices", SUPERVISORS,
            |_, w| Req::to("/offices/alpha/devices").json(json!({"name": format!("TV baru {}", w.index()), "kind": "display"}))),
        rule("PUT", "/api/v1/offices/{office}/devices/{id}", SUPERVISORS,
            |c, w| Req::to(format!("/offices/alpha/devices/{}", c.spare_device))
                .json(json!({"name": format!("Kiosk cadangan {}", w.index())}))),
        rule("DELETE", "/api/v1/offices/{office}/devices/{id}", SUPERVISORS,
            |c, w| Req::to(format!("/offices/alpha/devices/{}", c.revoke_devices[w.index()]))),

        // Staff: the accounts of alpha, tried on `tamu`, a clerk of alpha
        // made for it.
        rule("GET", "/api/v1/users", SUPERVISORS, |_, _| Req::to("/users?office=alpha")),
        rule("POST", "/api/v1/users", SUPERVISORS,
            |_, w| Req::to("/users").json(json!({"username": format!("baru-{}", w.index()), "role": "clerk", "office": "alpha"}))),
        rule("PUT", "/api/v1/users/{username}", MANAGERS,
            |_, _| Req::to("/users/tamu").json(json!({"role": "help_desk", "office": "alpha"}))),
        rule("POST", "/api/v1/users/{username}/disable", MANAGERS, |_, _| Req::to("/users/tamu/disable")),
        rule("POST", "/api/v1/users/{username}/enable", MANAGERS, |_, _| Req::to("/users/tamu/enable")),
        rule("POST", "/api/v1/users/{username}/password-reset", MANAGERS, |_, _| Req::to("/users/tamu/password-reset")),
        rule("POST", "/api/v1/users/{username}/sign-out", MANAGERS, |_, _| Req::to("/users/tamu/sign-out")),

        // The audit log, with all of the above in it.
        rule("GET", "/api/v1/audit", SUPERVISORS, |_, _| Req::to("/audit?office=alpha")),
        rule("GET", "/api/v1/audit.csv", SUPERVISORS, |_, _| Req::to("/audit.csv?office=alpha")),
        rule("GET", "/api/v1/audit/verify", SUPERVISORS, |_, _| Req::to("/audit/verify")),

        // Last: a new password ends every other session of the identity,
        // and signing out everywhere its own.
        rule("PUT", "/api/v1/session/password", SIGNED_IN,
            |_, _| Req::to("/session/password")
                .json(json!({"current_password": PASSWORD, "new_password": "sandi-baru-yang-panjang"}))),
        rule("DELETE", "/api/v1/session/all", SIGNED_IN, |_, _| Req::to("/session/all")),
    ]
}

/// A counter action at the identity's own counter of `alpha`.
fn at_counter(w: Who, action: &str) -> Req {
    Req::to(format!("/offices/alpha/counters/{}/{action}", w.counter()))
}

/// The settings part of an office's configuration (`PUT .../settings`).
fn settings_of(config: &Value) -> Value {
    let fields = [
        "name",
        "address",
        "time_zone",
        "languages",
        "number_reading",
        "min_calls",
        "priority_ratio",
    ];
    let settings: serde_json::Map<String, Value> = fields
        .iter()
        .filter_map(|k| Some(((*k).to_owned(), config.get(*k)?.clone())))
        .filter(|(_, v)| !v.is_null())
        .collect();
    Value::Object(settings)
}

/// The day of the closure identity `i` reopens.
fn closure_day(i: usize) -> String {
    format!("2099-01-{:02}", i + 1)
}

/// The (method, path) pairs of the OpenAPI document.
fn documented() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(antrean_server::routes::openapi()).unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// Whether the document says the operation may be called by nobody in
/// particular: no `security`, or one of its requirements empty.
fn documented_as_public(method: &str, path: &str) -> bool {
    let doc = serde_json::to_value(antrean_server::routes::openapi()).unwrap();
    let op = &doc["paths"][path][method.to_lowercase()];
    match op.get("security").and_then(Value::as_array) {
        None => true,
        Some(reqs) => reqs
            .iter()
            .any(|r| r.as_object().is_some_and(|o| o.is_empty())),
    }
}

#[test]
fn every_route_has_a_rule_and_every_rule_a_route() {
    let documented = documented();
    let ruled: BTreeSet<(String, String)> = rules()
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let missing: Vec<String> = documented
        .difference(&ruled)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    let stale: Vec<String> = ruled
        .difference(&documented)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes without a rule in tests/authz.rs: {missing:#?}\nrules that name no route: {stale:#?}"
    );
    // The document says which operations need a session or a token: a
    // route whose rules let nobody in particular through (in one case at
    // least) must be a public one, and the other way round.
    let mut anonymous_in: std::collections::BTreeMap<(String, String), bool> = Default::default();
    for r in rules() {
        let allowed = r.expect[Anonymous.index()] == OK;
        *anonymous_in
            .entry((r.method.to_owned(), r.path.to_owned()))
            .or_default() |= allowed;
    }
    let mismatched: Vec<String> = anonymous_in
        .into_iter()
        .filter(|((m, p), allowed)| *allowed != documented_as_public(m, p))
        .map(|((m, p), _)| format!("{m} {p}"))
        .collect();
    assert!(
        mismatched.is_empty(),
        "these rules let anonymous callers in, or not, unlike the document's `security`: {mismatched:#?}"
    );
}

/// One answer of the matrix.
struct Outcome {
    rule: String,
    who: Who,
    expect: Expect,
    status: u16,
    body: String,
}

impl Outcome {
    fn passed(&self) -> bool {
        match self.expect {
            Expect::Allowed => matches!(self.status, 101 | 200..=299 | 409 | 422),
            Expect::Refused(s) => self.status == s,
        }
    }
}

fn expect_text(e: Expect) -> String {
    match e {
        Expect::Allowed => "allowed".into(),
        Expect::Refused(s) => s.to_string(),
    }
}

/// The table of failures, one line each.
fn table(failed: &[&Outcome]) -> String {
    let width = failed
        .iter()
        .map(|o| o.rule.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!(
        "{:width$}  {:13}  {:8}  {:3}  body\n",
        "route", "identity", "expected", "got"
    );
    for o in failed {
        // A PDF or ESC/POS body is bytes: shown as dots.
        let excerpt: String = o
            .body
            .chars()
            .take(110)
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let _ = writeln!(
            out,
            "{:width$}  {:13}  {:8}  {:3}  {excerpt}",
            o.rule,
            o.who.label(),
            expect_text(o.expect),
            o.status
        );
    }
    out
}

/// What came back.
struct Answer {
    status: u16,
    /// As text (lossy for a PDF).
    body: String,
    /// A session cookie it set, `antrean_session=…` (not one it cleared).
    session: Option<String>,
}

/// Sends one request.
async fn send(
    http: &reqwest::Client,
    base: &str,
    method: &str,
    req: &Req,
    cookie: Option<&str>,
    token: Option<&str>,
) -> Answer {
    let url = format!("{base}/api/v1{}", req.path);
    if let Some(how) = req.ws {
        let (status, body) = handshake(&url, how, cookie, token).await;
        return Answer {
            status,
            body,
            session: None,
        };
    }
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut r = http.request(method, &url);
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = &req.body {
        r = r.json(b);
    }
    let resp = r.send().await.unwrap();
    let status = resp.status().as_u16();
    let session = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|kv| kv.starts_with("antrean_session=") && kv.len() > "antrean_session=".len())
        .map(str::to_owned);
    let bytes = resp.bytes().await.unwrap();
    Answer {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        session,
    }
}

/// Opens a live stream (with the cookie, the token as `how` says) and
/// closes it again.
async fn handshake(
    url: &str,
    how: Stream,
    cookie: Option<&str>,
    token: Option<&str>,
) -> (u16, String) {
    let mut request = url
        .replace("http://", "ws://")
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    match (how, token) {
        (Stream::Screen, Some(t)) => {
            let offered = format!("antrean, bearer.{t}");
            headers.insert("sec-websocket-protocol", offered.parse().unwrap());
        }
        (Stream::Screen, None) => {
            headers.insert("sec-websocket-protocol", "antrean".parse().unwrap());
        }
        (Stream::Plain, Some(t)) => {
            let bearer = format!("Bearer {t}");
            headers.insert("authorization", bearer.parse().unwrap());
        }
        (Stream::Plain, None) => {}
    }
    if let Some(c) = cookie {
        headers.insert("cookie", c.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((ws, resp)) => {
            common::close(ws).await;
            (resp.status().as_u16(), String::new())
        }
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            let body = resp
                .body()
                .as_deref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            (resp.status().as_u16(), body)
        }
        Err(e) => panic!("{url}: {e}"),
    }
}

/// Signs `name` in; the session cookie `antrean_session=…`.
async fn sign_in(http: &reqwest::Client, base: &str, name: &str) -> String {
    let r = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": name, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "signing in {name}");
    let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    set.split(';').next().unwrap().to_owned()
}

/// Adds the accounts with the CLI, all at once (each hashes a password).
fn add_users(server: &Server, users: &[(String, &str, Option<&str>)]) {
    let children: Vec<_> = users
        .iter()
        .map(|(name, role, office)| {
            let mut cmd = std::process::Command::new(common::BIN);
            cmd.arg("--config")
                .arg(&server.config)
                .arg("--data")
                .arg(&server.data)
                .args(["user", "add", name, "--role", role])
                .env("ANTREAN_PASSWORD", PASSWORD)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped());
            if let Some(o) = office {
                cmd.args(["--office", o]);
            }
            (name, cmd.spawn().unwrap())
        })
        .collect();
    for (name, child) in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "adding {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A device of `alpha` registered with the CLI; its token.
fn device_token(server: &Server, name: &str, kind: &str) -> String {
    let out = server.cli(
        &["device", "add", name, "--office", "alpha", "--kind", kind],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The admin's requests while setting up, which must succeed.
struct Setup<'a> {
    http: &'a reqwest::Client,
    base: &'a str,
    cookie: String,
}

impl Setup<'_> {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let req = Req {
            path: path.to_owned(),
            body,
            session: As::Own,
            ws: None,
        };
        let a = send(self.http, self.base, method, &req, Some(&self.cookie), None).await;
        assert!(
            (200..300).contains(&a.status),
            "setup: {method} {path}: {} {}",
            a.status,
            a.body
        );
        serde_json::from_str(&a.body).unwrap_or(Value::Null)
    }

    async fn issue(&self, service: &str) -> (String, String) {
        let t = self
            .call(
                "POST",
                "/offices/alpha/tickets",
                Some(json!({"service": service})),
            )
            .await;
        (
            t["code"].as_str().unwrap().to_owned(),
            t["number"].as_str().unwrap().to_owned(),
        )
    }
}

/// Makes the identities and everything the requests name.
async fn set_up(server: &Server, http: &reqwest::Client) -> Ctx {
    let mut users: Vec<(String, &str, Option<&str>)> = Vec::new();
    for who in EVERYONE {
        if let Some((name, role, office)) = who.account() {
            users.push((name.to_owned(), role, office));
        }
    }
    users.push(("tamu".to_owned(), "clerk", Some("alpha")));
    add_users(server, &users);
    let base = server.base.as_str();
    let mut ctx = Ctx {
        base: base.to_owned(),
        kiosk_token: device_token(server, "Kiosk lobi", "kiosk"),
        display_token: device_token(server, "TV lobi", "display"),
        ..Ctx::default()
    };
    let signed: Vec<(Who, String)> =
        futures_util::future::join_all(EVERYONE.iter().filter_map(|w| {
            let (name, _, _) = w.account()?;
            Some(async move { (*w, sign_in(http, base, name).await) })
        }))
        .await;
    for (who, cookie) in signed {
        ctx.cookies[who.index()] = Some(cookie);
    }
    let admin = Setup {
        http,
        base,
        cookie: ctx.cookies[Admin.index()].clone().unwrap(),
    };

    // What each identity removes of the configuration, its own.
    const PREFIXES: [&str; 8] = ["C", "D", "E", "F", "G", "H", "I", "J"];
    for (i, prefix) in PREFIXES.iter().enumerate() {
        admin
            .call(
                "PUT",
                &format!("/offices/alpha/services/hapus-{i}"),
                Some(json!({"prefix": prefix, "name": {"id": format!("Layanan {i}")}})),
            )
            .await;
        admin
            .call(
                "PUT",
                &format!("/offices/alpha/counters/hapus-{i}"),
                Some(json!({"name": format!("Loket sementara {i}"), "services": ["kk"]})),
            )
            .await;
        admin
            .call(
                "PUT",
                &format!("/offices/alpha/closures/{}", closure_day(i)),
                Some(json!({"reason": {"id": "Libur"}})),
            )
            .await;
        admin
            .call(
                "PUT",
                &format!("/offices/alpha/printers/hapus-{i}"),
                Some(json!({"address": "127.0.0.1:1"})),
            )
            .await;
        let d = admin
            .call(
                "POST",
                "/offices/alpha/devices",
                Some(json!({"name": format!("Kiosk dicabut {i}"), "kind": "kiosk"})),
            )
            .await;
        ctx.revoke_devices.push(d["device"]["id"].as_i64().unwrap());
    }
    admin
        .call(
            "PUT",
            "/offices/alpha/services/jeda",
            Some(json!({"prefix": "K", "name": {"id": "Layanan jeda"}})),
        )
        .await;
    // A printer that refuses at once (nothing listens on port 1).
    admin
        .call(
            "PUT",
            "/offices/alpha/printers/lobi",
            Some(json!({"address": "127.0.0.1:1"})),
        )
        .await;
    let d = admin
        .call(
            "POST",
            "/offices/alpha/devices",
            Some(json!({"name": "Kiosk cadangan", "kind": "kiosk"})),
        )
        .await;
    ctx.spare_device = d["device"]["id"].as_i64().unwrap();
    let p = admin
        .call(
            "POST",
            "/pairings",
            Some(json!({"office": "alpha", "kind": "kiosk"})),
        )
        .await;
    ctx.pairing_secret = p["secret"].as_str().unwrap().to_owned();

    // Tickets: the oldest wait for the counters' call-next; then a done one
    // and a no-show, served by the admin at counter 2; then one whose
    // priority is claimed online, and per identity one to cancel and one
    // to call by number.
    for _ in 0..6 {
        admin.issue("kk").await;
    }
    let (done_code, done_number) = admin.issue("ktp").await;
    let (_, no_show_number) = admin.issue("kk").await;
    let counter = |action: &str| format!("/offices/alpha/counters/2/{action}");
    admin.call("POST", &counter("open"), None).await;
    admin
        .call(
            "POST",
            &counter("call"),
            Some(json!({"number": done_number})),
        )
        .await;
    admin.call("POST", &counter("start"), None).await;
    admin.call("POST", &counter("finish"), None).await;
    admin
        .call(
            "POST",
            &counter("call"),
            Some(json!({"number": no_show_number})),
        )
        .await;
    admin.call("POST", &counter("recall"), None).await;
    admin.call("POST", &counter("no-show"), None).await;
    admin.call("POST", &counter("close"), None).await;
    ctx.done_code = done_code;
    ctx.no_show_number = no_show_number;
    let claimed = admin
        .call(
            "POST",
            "/offices/alpha/tickets",
            Some(json!({"service": "kk", "priority": "elderly"})),
        )
        .await;
    ctx.claimed_number = claimed["number"].as_str().unwrap().to_owned();
    for _ in EVERYONE {
        ctx.cancel_codes.push(admin.issue("kk").await.0);
    }
    for _ in EVERYONE {
        ctx.call_numbers.push(admin.issue("kk").await.1);
    }
    ctx.config = admin.call("GET", "/offices/alpha/config", None).await;
    ctx
}

#[tokio::test]
async fn every_route_answers_each_identity_as_its_rule_says() {
    let server = Server::start();
    let http = reqwest::Client::new();
    let ctx = set_up(&server, &http).await;
    let mut outcomes = Vec::new();
    // Per staff identity, the session its last sign-in made.
    let mut other: [Option<String>; 8] = Default::default();
    for rule in rules() {
        for who in EVERYONE {
            let req = (rule.request)(&ctx, who);
            let i = who.index();
            let cookie = match (req.session, who.account()) {
                (_, None) => None,
                (As::Own, Some(_)) => ctx.cookies[i].clone(),
                (As::Other, Some((name, _, _))) => match other[i].take() {
                    Some(c) => Some(c),
                    None => Some(sign_in(&http, &ctx.base, name).await),
                },
            };
            let token = match who {
                Kiosk => Some(ctx.kiosk_token.as_str()),
                Display => Some(ctx.display_token.as_str()),
                _ => None,
            };
            let a = send(
                &http,
                &ctx.base,
                rule.method,
                &req,
                cookie.as_deref(),
                token,
            )
            .await;
            if who.account().is_some() && a.session.is_some() {
                other[i] = a.session;
            }
            outcomes.push(Outcome {
                rule: rule.name(),
                who,
                expect: rule.expect[i],
                status: a.status,
                body: a.body,
            });
        }
    }
    if std::env::var_os("AUTHZ_SHOW").is_some() {
        let all: Vec<&Outcome> = outcomes.iter().collect();
        println!("{}", table(&all));
    }
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| !o.passed()).collect();
    println!(
        "authz: {} rules × {} identities = {} requests, {} not as their rule says",
        rules().len(),
        EVERYONE.len(),
        outcomes.len(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "{} answers are not what their rule says:\n{}",
        failed.len(),
        table(&failed)
    );
}

/// A change sent with the session cookie from a page of another site (or
/// another port) is refused, 403 `cross_origin`, and changes nothing; the
/// same change from the server's own pages, or from a client that is no
/// browser (no `Origin`, no `Sec-Fetch-Site`), goes through.
#[tokio::test]
async fn a_cookie_change_from_another_origin_is_refused_and_changes_nothing() {
    let server = Server::start();
    add_users(&server, &[("siti".to_owned(), "supervisor", Some("alpha"))]);
    let http = reqwest::Client::new();
    let cookie = sign_in(&http, &server.base, "siti").await;
    let url = format!("{}/api/v1/offices/alpha/running-text", server.base);
    let put = |text: &str, headers: &[(&str, String)]| {
        let mut r = http
            .put(&url)
            .header("cookie", &cookie)
            .json(&json!({ "text": text }));
        for (k, v) in headers {
            r = r.header(*k, v);
        }
        r.send()
    };
    let port = server.base.rsplit(':').next().unwrap();
    let elsewhere = [
        vec![("origin", "http://evil.example".to_owned())],
        vec![(
            "origin",
            format!("http://127.0.0.1:{}", port.parse::<u16>().unwrap() + 1),
        )],
        vec![("sec-fetch-site", "cross-site".to_owned())],
        vec![
            ("sec-fetch-site", "same-site".to_owned()),
            ("origin", "http://kiosk.antrean.test".to_owned()),
        ],
    ];
    for headers in &elsewhere {
        let r = put("Diretas", headers).await.unwrap();
        assert_eq!(r.status(), 403, "{headers:?}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "cross_origin", "{headers:?}");
    }
    assert_ne!(running_text(&http, &server).await, "Diretas");
    // Its own pages, and clients that are no browser.
    let own = [
        vec![("origin", server.base.clone())],
        vec![("sec-fetch-site", "same-origin".to_owned())],
        vec![],
    ];
    for (i, headers) in own.iter().enumerate() {
        let text = format!("Selamat datang {i}");
        let r = put(&text, headers).await.unwrap();
        assert_eq!(r.status(), 200, "{headers:?}");
        assert_eq!(running_text(&http, &server).await, text);
    }
}

/// The running text the lobby display shows now.
async fn running_text(http: &reqwest::Client, server: &Server) -> String {
    let url = format!("{}/api/v1/offices/alpha", server.base);
    let office: Value = http.get(url).send().await.unwrap().json().await.unwrap();
    office["running_text"].as_str().unwrap().to_owned()
}
