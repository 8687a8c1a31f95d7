//! Why a command was refused. Each case is a rule of the office, worded for the
//! clerk or citizen who will read it; the server maps each to one HTTP status.

use crate::model::TicketStatus;

/// A command that the rules of the office do not allow. Refusing a command
/// never changes any state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("unknown service `{0}`")]
    UnknownService(String),
    #[error("unknown counter `{0}`")]
    UnknownCounter(String),
    #[error("no ticket `{0}` today")]
    UnknownTicket(String),
    #[error("service `{0}` is not open now")]
    ServiceClosed(String),
    #[error("tickets for `{service}` are stopped: {message}")]
    ServiceSuspended { service: String, message: String },
    #[error("tickets for `{0}` are not stopped")]
    ServiceNotSuspended(String),
    #[error("a message for citizens is needed (at most 120 characters, not only spaces)")]
    SuspendMessage,
    #[error("the running text is at most 500 characters")]
    RunningTextTooLong,
    #[error("today's quota for `{0}` is used up")]
    QuotaExhausted(String),
    #[error("today's online quota for `{0}` is used up; tickets remain at the kiosk")]
    OnlineQuotaExhausted(String),
    #[error("counter `{counter}` is {status}, it must be open")]
    CounterNotOpen {
        counter: String,
        status: &'static str,
    },
    #[error("counter `{counter}` is already {status}")]
    CounterAlreadyInState {
        counter: String,
        status: &'static str,
    },
    #[error(
        "counter `{counter}` still has ticket {number}; finish, mark no-show or transfer it first"
    )]
    CounterBusy { counter: String, number: String },
    #[error("counter `{counter}` is held by {clerk}; they close it, or a supervisor releases it")]
    CounterHeld { counter: String, clerk: String },
    #[error("nobody holds counter `{0}`")]
    CounterNotHeld(String),
    #[error("counter `{0}` has no current ticket")]
    NoCurrentTicket(String),
    #[error("ticket {number} is {from}; it cannot be {action}")]
    InvalidTransition {
        number: String,
        from: TicketStatus,
        action: &'static str,
    },
    #[error("ticket {number} was called {calls} time(s); a no-show needs at least {min}")]
    MinCallsNotReached {
        number: String,
        calls: u32,
        min: u32,
    },
    #[error("counter `{counter}` does not serve `{service}`")]
    NotServedHere { counter: String, service: String },
    #[error("no counter serves `{0}`")]
    ServiceNotServed(String),
    #[error("ticket {0} is already there")]
    TransferToSame(String),
    #[error("a pause needs a reason (1 to 64 characters)")]
    PauseReason,
    #[error("`{step}` is not a step of the document workflow of `{service}`")]
    UnknownStep { service: String, step: String },
    #[error("survey scores are 1 to 4, at least one answered")]
    InvalidSurvey,
    #[error("ticket {number}'s survey was already answered")]
    SurveyAnswered { number: String },
    #[error("a suggestion is at most {max} characters; this one has {length}", max = crate::ikm::SUGGESTION_MAX)]
    SuggestionTooLong { length: usize },
    #[error("ticket code `{0}` is already in use")]
    DuplicateCode(String),
    /// A field of a configuration change breaks its rule.
    #[error("{field}: {problem}")]
    InvalidField { field: String, problem: String },
    #[error("`{0}` was used before; ids are never used again, choose another")]
    IdRetired(String),
    #[error("prefix `{prefix}` is used by service `{service}`")]
    PrefixTaken { prefix: String, service: String },
    #[error("{tickets} ticket(s) for `{service}` are waiting or at a counter; stop issuing it now and remove it once they are served")]
    ServiceInUse { service: String, tickets: u32 },
    #[error("counter `{counter}` serves only `{service}`; give it another service or remove the counter first")]
    CounterNeedsService { counter: String, service: String },
    #[error("counter `{counter}` is {status}; close it first")]
    CounterNotClosed {
        counter: String,
        status: &'static str,
    },
    #[error("{tickets} ticket(s) were sent to counter `{counter}` and wait there; call or transfer them first")]
    CounterInUse { counter: String, tickets: u32 },
    #[error("it overlaps the closure from {0}")]
    ClosureOverlaps(chrono::NaiveDate),
    #[error("no closure starts on {0}")]
    UnknownClosure(chrono::NaiveDate),
    #[error("unknown printer `{0}`")]
    UnknownPrinter(String),
    #[error("ticket {0} claims no priority")]
    NoPriorityClaim(String),
    #[error("the priority of ticket {0} is already confirmed")]
    PriorityAlreadyConfirmed(String),
}
