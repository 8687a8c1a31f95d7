//! What the server counts, for Prometheus (`GET /metrics`, see
//! [`crate::ops`]): tickets issued and served and their waits, per office
//! and service; open live connections by kind; the writer's transactions
//! (jobs per commit, their time, the COMMIT's fsync); HTTP answers by
//! status class and error code; failures by kind.
//!
//! Each is counted where it happens: the office task once its events are
//! on disk (a write that fails counts nothing, as the office forgets it
//! too), the writer around its commit ([`antrean_store::Observer`]), a
//! live connection while it lives, the edge on every answer. Counting is
//! an atomic add (a histogram takes a short lock of its own): instruments
//! with labels are looked up once, per service or per class, and kept, so
//! nothing is looked up on the way of a ticket. prometheus-client (the
//! official Rust client) keeps them and writes the text format.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use antrean_core::{Event, EventKind, Office, OfficeDef};
use axum::http::StatusCode;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::error::ErrorCode;

/// Waits, in seconds: from half a minute to three hours.
const WAIT_BUCKETS: [f64; 13] = [
    30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1200.0, 1800.0, 2700.0, 3600.0, 5400.0, 7200.0, 10800.0,
];

/// The server's instruments, in one registry. Shared by `Arc`.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    issued: Family<ServiceLabels, Counter>,
    served: Family<ServiceLabels, Counter>,
    waits: Family<ServiceLabels, Histogram, fn() -> Histogram>,
    live: Family<LiveLabels, Gauge>,
    /// Answers by status class, 1xx to 5xx.
    answers: [Counter; 5],
    api_errors: Family<CodeLabels, Counter>,
    failures: Family<FailureLabels, Counter>,
    commits: Arc<Commits>,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ServiceLabels {
    office: String,
    service: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LiveLabels {
    kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ClassLabels {
    class: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: ErrorCode,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FailureLabels {
    kind: &'static str,
}

impl EncodeLabelValue for ErrorCode {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> std::fmt::Result {
        // Its name in the API (`quota_exhausted`), as serde writes it: only
        // when the metrics are read.
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(name)) => encoder.write_str(&name),
            _ => Err(std::fmt::Error),
        }
    }
}

/// The kind of a live connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveKind {
    /// An office's public stream (displays, kiosks, counters, the citizen
    /// page's office view).
    Office,
    /// One ticket's stream (a citizen's phone).
    Ticket,
}

impl LiveKind {
    fn name(self) -> &'static str {
        match self {
            LiveKind::Office => "office",
            LiveKind::Ticket => "ticket",
        }
    }
}

/// A failure of the server, as `antrean_errors_total` counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// A transaction of the writer was not written.
    Commit,
    /// An office could not be rebuilt from the database.
    Restore,
    /// A ticket did not print.
    Print,
    /// A request answered 500 `internal`.
    Internal,
}

impl Failure {
    const ALL: [Failure; 4] = [
        Failure::Commit,
        Failure::Restore,
        Failure::Print,
        Failure::Internal,
    ];

    fn name(self) -> &'static str {
        match self {
            Failure::Commit => "commit",
            Failure::Restore => "restore",
            Failure::Print => "print",
            Failure::Internal => "internal",
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("antrean");
        let issued = Family::<ServiceLabels, Counter>::default();
        registry.register(
            "tickets_issued",
            "Tickets issued, by office and service",
            issued.clone(),
        );
        let served = Family::<ServiceLabels, Counter>::default();
        registry.register(
            "tickets_served",
            "Tickets served to the end (done), by office and the service they were served for",
            served.clone(),
        );
        let waits: Family<ServiceLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(|| Histogram::new(WAIT_BUCKETS));
        registry.register(
            "ticket_wait_seconds",
            "Seconds from a ticket's issue to its call (every call but a recall), by office and the service it was called for",
            waits.clone(),
        );
        let live = Family::<LiveLabels, Gauge>::default();
        registry.register(
            "live_connections",
            "Open live connections (WebSockets), by kind: office (an office's public stream: displays, kiosks, counters) or ticket (a citizen's phone)",
            live.clone(),
        );
        // Each kind shown from the start, at zero.
        for kind in [LiveKind::Office, LiveKind::Ticket] {
            live.get_or_create_owned(&LiveLabels { kind: kind.name() });
        }
        let classes = Family::<ClassLabels, Counter>::default();
        registry.register(
            "http_responses",
            "HTTP answers, by status class (1xx: a live connection opened, 2xx, 3xx, 4xx, 5xx)",
            classes.clone(),
        );
        let answers = ["1xx", "2xx", "3xx", "4xx", "5xx"]
            .map(|class| classes.get_or_create_owned(&ClassLabels { class }));
        let api_errors = Family::<CodeLabels, Counter>::default();
        registry.register(
            "http_errors",
            "HTTP error answers, by the error code of their body (the API's ErrorCode)",
            api_errors.clone(),
        );
        let failures = Family::<FailureLabels, Counter>::default();
        registry.register(
            "errors",
            "Failures of the server, by kind: commit (a transaction not written), restore (an office not rebuilt from the database), print (a ticket not printed), internal (an answer 500)",
            failures.clone(),
        );
        for failure in Failure::ALL {
            failures.get_or_create_owned(&FailureLabels {
                kind: failure.name(),
            });
        }
        let commits = Arc::new(Commits {
            jobs: Histogram::new(exponential_buckets(1.0, 2.0, 12)),
            seconds: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            sync: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            failed: failures.get_or_create_owned(&FailureLabels {
                kind: Failure::Commit.name(),
            }),
        });
        registry.register(
            "commit_jobs",
            "Jobs (an office's events, an account change, a session) per transaction of the writer's group commit",
            commits.jobs.clone(),
        );
        registry.register(
            "commit_seconds",
            "Seconds per transaction of the writer, from its start until it is durable",
            commits.seconds.clone(),
        );
        registry.register(
            "commit_sync_seconds",
            "Seconds of a transaction's COMMIT alone: the WAL's write and fsync",
            commits.sync.clone(),
        );
        Metrics {
            registry,
            issued,
            served,
            waits,
            live,
            answers,
            api_errors,
            failures,
            commits,
        }
    }
}

impl Metrics {
    /// Everything, in the Prometheus text format (version 0.0.4).
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String fails only if an instrument's encoding does,
        // and none here does.
        if let Err(e) =
            prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)
        {
            tracing::error!(error = %e, "the metrics could not be written");
        }
        text
    }

    /// The instruments of office `id`, for its task.
    pub fn office(self: &Arc<Self>, id: &str) -> OfficeMetrics {
        OfficeMetrics {
            office: id.to_owned(),
            metrics: Arc::clone(self),
            services: HashMap::new(),
        }
    }

    /// Counts a live connection for as long as the answer lives.
    pub fn live(&self, kind: LiveKind) -> LiveConnection {
        let gauge = self
            .live
            .get_or_create_owned(&LiveLabels { kind: kind.name() });
        gauge.inc();
        LiveConnection(gauge)
    }

    /// Counts an answer: its status class and, for an error, its code.
    pub fn answered(&self, status: StatusCode, code: Option<ErrorCode>) {
        let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
        self.answers[class].inc();
        if let Some(code) = code {
            self.api_errors.get_or_create(&CodeLabels { code }).inc();
            if code == ErrorCode::Internal {
                self.failed(Failure::Internal);
            }
        }
    }

    /// Counts a failure.
    pub fn failed(&self, failure: Failure) {
        self.failures
            .get_or_create(&FailureLabels {
                kind: failure.name(),
            })
            .inc();
    }

    /// What the writer tells of its transactions: see
    /// [`antrean_store::Writer::observe`].
    pub fn commits(&self) -> Arc<dyn antrean_store::Observer> {
        Arc::clone(&self.commits) as Arc<dyn antrean_store::Observer>
    }
}

/// The writer's transactions.
#[derive(Debug)]
struct Commits {
    jobs: Histogram,
    seconds: Histogram,
    sync: Histogram,
    failed: Counter,
}

impl antrean_store::Observer for Commits {
    fn committed(&self, jobs: usize, write: Duration, sync: Duration) {
        self.jobs.observe(jobs as f64);
        self.seconds.observe((write + sync).as_secs_f64());
        self.sync.observe(sync.as_secs_f64());
    }

    fn failed(&self) {
        self.failed.inc();
    }
}

/// A live connection, counted while this lives.
#[derive(Debug)]
pub struct LiveConnection(Gauge);

impl Drop for LiveConnection {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// One office's instruments, for its task: each service's looked up once.
#[derive(Debug)]
pub struct OfficeMetrics {
    office: String,
    metrics: Arc<Metrics>,
    services: HashMap<String, ServiceMetrics>,
}

#[derive(Debug)]
struct ServiceMetrics {
    issued: Counter,
    served: Counter,
    wait: Histogram,
}

impl OfficeMetrics {
    fn service(&mut self, id: &str) -> &ServiceMetrics {
        if !self.services.contains_key(id) {
            let labels = ServiceLabels {
                office: self.office.clone(),
                service: id.to_owned(),
            };
            let m = &self.metrics;
            let service = ServiceMetrics {
                issued: m.issued.get_or_create_owned(&labels),
                served: m.served.get_or_create_owned(&labels),
                wait: m.waits.get_or_create_owned(&labels),
            };
            self.services.insert(id.to_owned(), service);
        }
        &self.services[id]
    }

    /// Counts a failure of the office.
    pub fn failed(&self, failure: Failure) {
        self.metrics.failed(failure);
    }

    /// Shows each service of `def` before its first ticket, at zero, so
    /// that a rate over it starts from there.
    pub fn show(&mut self, def: &OfficeDef) {
        for service in &def.services {
            self.service(&service.id);
        }
    }

    /// What `events`, just applied to `office`, add: counted by
    /// [`Tally::count`] once they are on disk.
    pub fn tally(&mut self, events: &[Event], office: &Office) -> Tally {
        let mut tally = Tally(Vec::new());
        for e in events {
            match &e.kind {
                EventKind::TicketIssued { ticket } => {
                    let issued = self.service(&ticket.service).issued.clone();
                    tally.0.push(Count::Add(issued));
                }
                EventKind::TicketDone { service, .. } => {
                    let served = self.service(service).served.clone();
                    tally.0.push(Count::Add(served));
                }
                EventKind::TicketCalled {
                    code,
                    service,
                    recall: false,
                    ..
                } => {
                    if let Some(t) = office.ticket(code) {
                        let waited = (e.at - t.issued_at).as_seconds_f64().max(0.0);
                        let wait = self.service(service).wait.clone();
                        tally.0.push(Count::Observe(wait, waited));
                    }
                }
                _ => {}
            }
        }
        tally
    }
}

/// What some events add to the counts, added once they are on disk.
#[derive(Debug)]
pub struct Tally(Vec<Count>);

#[derive(Debug)]
enum Count {
    Add(Counter),
    Observe(Histogram, f64),
}

impl Tally {
    pub fn count(self) {
        for c in self.0 {
            match c {
                Count::Add(counter) => {
                    counter.inc();
                }
                Count::Observe(histogram, value) => histogram.observe(value),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_text_has_help_and_type_for_each_and_error_codes_by_their_api_names() {
        let m = Arc::new(Metrics::default());
        m.office("alpha").service("ktp");
        m.answered(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(ErrorCode::QuotaExhausted),
        );
        m.answered(StatusCode::INTERNAL_SERVER_ERROR, Some(ErrorCode::Internal));
        m.answered(StatusCode::SWITCHING_PROTOCOLS, None);
        let live = m.live(LiveKind::Ticket);
        let text = m.encode();
        for line in [
            "# HELP antrean_tickets_issued_total Tickets issued",
            "# TYPE antrean_tickets_issued_total counter",
            "antrean_tickets_issued_total{office=\"alpha\",service=\"ktp\"} 0",
            "antrean_ticket_wait_seconds_count{office=\"alpha\",service=\"ktp\"} 0",
            "# TYPE antrean_ticket_wait_seconds histogram",
            "# TYPE antrean_live_connections gauge",
            "antrean_http_errors_total{code=\"quota_exhausted\"} 1",
            "antrean_http_responses_total{class=\"4xx\"} 1",
            "antrean_http_responses_total{class=\"1xx\"} 1",
            "antrean_errors_total{kind=\"internal\"} 1",
            "antrean_errors_total{kind=\"commit\"} 0",
            "antrean_live_connections{kind=\"ticket\"} 1",
            "antrean_live_connections{kind=\"office\"} 0",
        ] {
            assert!(text.contains(line), "{line} in\n{text}");
        }
        drop(live);
        assert!(m
            .encode()
            .contains("antrean_live_connections{kind=\"ticket\"} 0"));
    }
}
