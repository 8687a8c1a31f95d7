//! Tickets by their public code: making fresh codes, and finding the view of
//! a ticket of any day, live from its office while it is still there, else
//! from the database.

use antrean_core::{TicketCode, TicketStatus};
use antrean_store::StoredTicket;
use rand::RngCore;

use crate::error::ApiError;
use crate::offices::OfficeHandle;
use crate::state::AppState;
use crate::views::TicketView;

/// Digits of ticket codes, in ASCII order so that codes sort as numbers do
/// (no i, l, o, u: nothing to misread when typed from paper).
const CODE_DIGITS: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A fresh public ticket code: 9 digits of the issue millisecond, then 70
/// random bits. The random part makes it unguessable; the time part makes
/// codes grow with time, so the tickets table (keyed by code) and its indexes
/// take new tickets at their end: issuing rewrites a few pages per commit
/// instead of one random page per ticket.
pub fn new_code() -> TicketCode {
    let ms = chrono::Utc::now().timestamp_millis().max(0).unsigned_abs();
    let mut random = [0u8; 9];
    rand::thread_rng().fill_bytes(&mut random);
    let random = random
        .iter()
        .fold(0u128, |acc, b| acc << 8 | u128::from(*b));
    let digit = |v: u128| char::from(CODE_DIGITS[(v & 31) as usize]);
    let time = (0..9).rev().map(|i| digit(u128::from(ms) >> (5 * i)));
    let rest = (0..14).rev().map(|i| digit(random >> (5 * i)));
    TicketCode::new(time.chain(rest).collect::<String>())
}

/// A ticket found by its code, with its office.
#[derive(Debug)]
pub struct Found {
    pub office: OfficeHandle,
    pub view: TicketView,
}

impl Found {
    /// Whether the citizen already answered the survey (as far as the
    /// lookup knows; the office has the last word).
    pub fn surveyed(&self) -> bool {
        self.view.status == TicketStatus::Done && !self.view.survey_open
    }
}

/// The ticket with this code, of any day. A string that cannot be a code is
/// unknown without asking the database.
pub async fn find(state: &AppState, code: &str) -> Result<Found, ApiError> {
    if code.len() > 64 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::UnknownTicket);
    }
    let c = code.to_owned();
    let stored = state
        .db
        .read(move |r| r.ticket(&c))
        .await?
        .ok_or(ApiError::UnknownTicket)?;
    let office = state
        .offices
        .get(&stored.office)
        .ok_or(ApiError::UnknownTicket)?
        .clone();
    let view = view_in(state, &office, code, Some(stored)).await?;
    Ok(Found { office, view })
}

/// The view of a ticket of `office`: from the live office while the ticket
/// is in it, else from the database (`stored`, when already read).
pub async fn view_in(
    state: &AppState,
    office: &OfficeHandle,
    code: &str,
    stored: Option<StoredTicket>,
) -> Result<TicketView, ApiError> {
    let c = code.to_owned();
    let live = office
        .read(move |s| {
            s.office
                .ticket(&c)
                .map(|t| TicketView::new(s.cfg(), Some(&s.office), t))
        })
        .await?;
    if let Some(v) = live {
        return Ok(v);
    }
    let stored = match stored {
        Some(s) => s,
        None => {
            let c = code.to_owned();
            state
                .db
                .read(move |r| r.ticket(&c))
                .await?
                .ok_or(ApiError::UnknownTicket)?
        }
    };
    Ok(TicketView {
        document: stored.document.clone(),
        survey_open: stored.ticket.status == TicketStatus::Done && !stored.surveyed,
        ..TicketView::new(&office.cfg(), None, &stored.ticket)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_long_random_url_safe_and_time_ordered() {
        let a = super::new_code().into_string();
        assert_eq!(a.len(), 23, "9 time digits and 70 random bits");
        assert!(a.bytes().all(|c| super::CODE_DIGITS.contains(&c)));
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = super::new_code().into_string();
        assert!(a < b, "a later code sorts after: {a} {b}");
        let c = super::new_code().into_string();
        assert_ne!(b[9..], c[9..], "the random part differs");
    }
}
