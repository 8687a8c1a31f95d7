//! Events: what happened at an office, in order. They are the only way state
//! changes, the content of the audit log and the source of the live stream.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{CounterStatus, Ticket};

/// One thing that happened, numbered within its office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Increases by one per office, with no gaps, forever.
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub kind: EventKind,
}

/// What happened. Ticket events carry the ticket's code (private) as well as
/// its number (public); the public live stream drops the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    TicketIssued {
        ticket: Ticket,
    },
    TicketCalled {
        code: String,
        number: String,
        service: String,
        counter: String,
        recall: bool,
    },
    TicketServing {
        code: String,
        number: String,
        service: String,
        counter: String,
    },
    TicketDone {
        code: String,
        number: String,
        service: String,
        counter: String,
    },
    TicketNoShow {
        code: String,
        number: String,
        service: String,
        counter: String,
    },
    /// A no-show citizen arrived late and waits again (same day).
    TicketRequeued {
        code: String,
        number: String,
        service: String,
    },
    TicketTransferred {
        code: String,
        number: String,
        from_service: String,
        from_counter: String,
        /// The service it waits for now (unchanged for a counter transfer).
        service: String,
        /// Set for a transfer to one counter.
        counter: Option<String>,
    },
    TicketCancelled {
        code: String,
        number: String,
        service: String,
    },
    /// Staff in the hall (help desk or counter) confirmed the priority
    /// reason claimed online: from now on the ticket waits in the priority
    /// lane. The log's actor says who.
    PriorityConfirmed {
        code: String,
        number: String,
        service: String,
    },
    /// The document applied for at the counter moved to a workflow step of
    /// its service (after the ticket is done).
    DocumentStatus {
        code: String,
        number: String,
        service: String,
        step: String,
    },
    /// A citizen answered the satisfaction survey (IKM) after being served.
    SurveySubmitted {
        code: String,
        service: String,
        answers: crate::ikm::Answers,
        /// The respondent's free-text suggestion, if any (absent from
        /// events written before suggestions existed).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        suggestion: Option<String>,
    },
    CounterState {
        counter: String,
        state: CounterStatus,
        reason: Option<String>,
    },
    /// A clerk took the counter (opening it, or acting on it while nobody
    /// held it), or it was released (`None`: closed, or by a supervisor).
    /// Only its holder works it.
    CounterTaken {
        counter: String,
        clerk: Option<String>,
    },
    /// Staff stopped issuing tickets for a service now, with the message
    /// citizens are shown ("blanko KTP habis"), until resumed.
    ServiceSuspended {
        service: String,
        message: String,
    },
    /// Issuing for the service goes on again.
    ServiceResumed {
        service: String,
    },
    /// Staff changed the running text of the lobby display.
    RunningTextChanged {
        text: String,
    },
    /// Staff changed the office's configuration (or its file seeded it).
    Configured {
        change: crate::configure::Change,
    },
    /// The business day ended: every ticket not done expired and every counter
    /// closed; numbering starts again at 1 on `next_day`.
    DayEnded {
        day: NaiveDate,
        next_day: NaiveDate,
        expired: u32,
    },
}

impl EventKind {
    /// The snake_case name of the kind, as on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::TicketIssued { .. } => "ticket_issued",
            EventKind::TicketCalled { .. } => "ticket_called",
            EventKind::TicketServing { .. } => "ticket_serving",
            EventKind::TicketDone { .. } => "ticket_done",
            EventKind::TicketNoShow { .. } => "ticket_no_show",
            EventKind::TicketRequeued { .. } => "ticket_requeued",
            EventKind::TicketTransferred { .. } => "ticket_transferred",
            EventKind::TicketCancelled { .. } => "ticket_cancelled",
            EventKind::PriorityConfirmed { .. } => "priority_confirmed",
            EventKind::DocumentStatus { .. } => "document_status",
            EventKind::SurveySubmitted { .. } => "survey_submitted",
            EventKind::CounterState { .. } => "counter_state",
            EventKind::CounterTaken { .. } => "counter_taken",
            EventKind::ServiceSuspended { .. } => "service_suspended",
            EventKind::ServiceResumed { .. } => "service_resumed",
            EventKind::RunningTextChanged { .. } => "running_text_changed",
            EventKind::Configured { .. } => "configured",
            EventKind::DayEnded { .. } => "day_ended",
        }
    }

    /// The code of the ticket the event is about, if any.
    pub fn ticket_code(&self) -> Option<&str> {
        match self {
            EventKind::TicketIssued { ticket } => Some(&ticket.code),
            EventKind::TicketCalled { code, .. }
            | EventKind::TicketServing { code, .. }
            | EventKind::TicketDone { code, .. }
            | EventKind::TicketNoShow { code, .. }
            | EventKind::TicketRequeued { code, .. }
            | EventKind::TicketTransferred { code, .. }
            | EventKind::TicketCancelled { code, .. }
            | EventKind::PriorityConfirmed { code, .. }
            | EventKind::DocumentStatus { code, .. }
            | EventKind::SurveySubmitted { code, .. } => Some(code),
            EventKind::CounterState { .. }
            | EventKind::CounterTaken { .. }
            | EventKind::ServiceSuspended { .. }
            | EventKind::ServiceResumed { .. }
            | EventKind::RunningTextChanged { .. }
            | EventKind::Configured { .. }
            | EventKind::DayEnded { .. } => None,
        }
    }
}
