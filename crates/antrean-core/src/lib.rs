//! The domain of Antrean: what an office is, how tickets are numbered, who is
//! called next, which transitions are legal and how long a citizen will wait.
//!
//! Everything here is pure: time comes in as an argument, randomness (ticket
//! codes) comes in inside commands, and nothing touches a disk or a socket.
//! The server feeds [`Command`]s to [`Office::execute`], which returns the
//! [`Event`]s that happened and the ticket they were about ([`Executed`]);
//! the same events rebuild the same state with [`Office::apply`].
#![forbid(unsafe_code)]

mod actor;
pub mod calendar;
mod configure;
mod error;
mod estimate;
mod event;
mod ids;
pub mod ikm;
mod model;
mod office;
mod ranked;
pub mod staff;
pub mod words;

pub use actor::{Actor, DeviceKind, Role, UnknownActor, UnknownDeviceKind, UnknownRole};
pub use configure::Change;
pub use error::DomainError;
pub use estimate::ServiceTimes;
pub use event::{Event, EventKind};
pub use ids::{CounterId, ServiceId, TicketCode};
pub use model::{
    CallPolicy, Channel, CounterDef, CounterStatus, OfficeDef, OfficeSettings, PaperWidth,
    PrinterDef, Priority, Retired, ServiceDef, ServiceTexts, Ticket, TicketStatus,
};
pub use office::{
    Command, Counter, Executed, Office, Restore, ServiceCounts, TransferTarget, Worker,
};
pub use staff::{AccountChange, DeviceSettings, StaffError};
