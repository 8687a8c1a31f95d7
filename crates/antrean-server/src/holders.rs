//! One active online ticket per service per browser: the citizen's page
//! keeps a random id of its own (`citizen` in the issue request, kept in
//! its storage), and while a ticket taken with it waits or is called, a
//! second one for the same service is refused (409
//! `ticket_already_active`). This keeps one person behind a shared address
//! (the office Wi-Fi, a carrier's NAT) from using up that address's budget
//! by tapping again; a script can send a fresh id each time, which is what
//! the proof of work and the budget are for.
//!
//! Held in memory only: the ids are meaningless random strings, kept as
//! their SHA-256, and forgotten after a day; a restart forgets them all
//! (one more ticket per browser at worst).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// Entries older than this are tickets of an earlier day (expired).
const KEEP: Duration = Duration::from_secs(24 * 3600);
/// Forget old entries once there are this many.
const PRUNE_AT: usize = 100_000;

type Key = (String, String, [u8; 32]);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    /// A request of this browser is being issued now.
    Issuing,
    /// Its last ticket for the service.
    Holds { code: String, number: String },
}

/// Which browser holds which online ticket. Cheap to share behind an
/// `Arc`; the mutex is never held across an `.await`.
#[derive(Debug, Default)]
pub struct Holders {
    map: Mutex<HashMap<Key, (Slot, Instant)>>,
}

/// Why a browser may not take another ticket now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// It holds this ticket (its number), waiting or called.
    Ticket(String),
    /// Another request of the same browser is being issued.
    Issuing,
}

/// What a browser last held: the code to ask the office about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Last {
    pub code: String,
    pub number: String,
}

/// A browser's place while its ticket is issued: [`Reservation::hold`]
/// records the ticket; dropped without it (the issue was refused), the
/// place is given back.
#[derive(Debug)]
pub struct Reservation {
    holders: Arc<Holders>,
    key: Option<Key>,
}

fn key(office: &str, service: &str, citizen: &str) -> Key {
    (
        office.to_owned(),
        service.to_owned(),
        Sha256::digest(citizen.as_bytes()).into(),
    )
}

/// Whether a citizen id is one the page makes: 16 to 64 characters of
/// `A-Z a-z 0-9 - _`.
pub fn valid_id(citizen: &str) -> bool {
    (16..=64).contains(&citizen.len())
        && citizen
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Holders {
    /// The ticket this browser last took for the service, if any (the
    /// caller asks the office whether it is still active).
    pub fn last(&self, office: &str, service: &str, citizen: &str) -> Result<Option<Last>, Held> {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(&key(office, service, citizen)) {
            None => Ok(None),
            Some((Slot::Issuing, _)) => Err(Held::Issuing),
            Some((Slot::Holds { code, number }, _)) => Ok(Some(Last {
                code: code.clone(),
                number: number.clone(),
            })),
        }
    }

    /// Reserves the browser's place, provided it still holds what the
    /// caller found (`last`) and found no longer active: two requests at
    /// once cannot both pass.
    pub fn reserve(
        self: &Arc<Self>,
        office: &str,
        service: &str,
        citizen: &str,
        last: Option<&Last>,
    ) -> Result<Reservation, Held> {
        let k = key(office, service, citizen);
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= PRUNE_AT {
            map.retain(|_, (slot, at)| *slot == Slot::Issuing || at.elapsed() < KEEP);
        }
        let now_held = map.get(&k).map(|(slot, _)| slot.clone());
        match (now_held, last) {
            (None, None) => {}
            (Some(Slot::Holds { code, .. }), Some(l)) if code == l.code => {}
            (Some(Slot::Holds { number, .. }), _) => return Err(Held::Ticket(number)),
            (Some(Slot::Issuing), _) | (None, Some(_)) => return Err(Held::Issuing),
        }
        map.insert(k.clone(), (Slot::Issuing, Instant::now()));
        Ok(Reservation {
            holders: Arc::clone(self),
            key: Some(k),
        })
    }
}

impl Reservation {
    /// The ticket was issued: the browser holds it.
    pub fn hold(mut self, code: &str, number: &str) {
        if let Some(k) = self.key.take() {
            let slot = Slot::Holds {
                code: code.to_owned(),
                number: number.to_owned(),
            };
            self.holders
                .map
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(k, (slot, Instant::now()));
        }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if let Some(k) = self.key.take() {
            let mut map = self.holders.map.lock().unwrap_or_else(|p| p.into_inner());
            if map.get(&k).is_some_and(|(slot, _)| *slot == Slot::Issuing) {
                map.remove(&k);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const ID: &str = "citizen-0123456789abcdef";

    #[test]
    fn a_browser_holds_one_ticket_per_service() {
        let h = Arc::new(Holders::default());
        assert_eq!(h.last("o", "ktp", ID), Ok(None));
        let r = h.reserve("o", "ktp", ID, None).unwrap();
        // A second request at the same time is refused while the first issues.
        assert_eq!(h.last("o", "ktp", ID), Err(Held::Issuing));
        assert_eq!(h.reserve("o", "ktp", ID, None).unwrap_err(), Held::Issuing);
        r.hold("c1", "A001");
        let last = h.last("o", "ktp", ID).unwrap().unwrap();
        assert_eq!(last.number, "A001");
        // Another service, or another browser, is free.
        assert!(h.reserve("o", "kk", ID, None).is_ok());
        assert!(h.reserve("o", "ktp", "another-browser-0000", None).is_ok());
        // Not knowing of A001 is no way past it.
        assert_eq!(
            h.reserve("o", "ktp", ID, None).unwrap_err(),
            Held::Ticket("A001".into())
        );
        // Once the caller found A001 no longer active, a new one may come.
        let r = h.reserve("o", "ktp", ID, Some(&last)).unwrap();
        drop(r);
        // Refused (dropped): the place is free again, A001 forgotten.
        assert_eq!(h.last("o", "ktp", ID), Ok(None));
    }

    #[test]
    fn ids_are_what_the_page_makes() {
        assert!(valid_id("AbC-_0123456789xy"));
        assert!(!valid_id("short"));
        assert!(!valid_id("has space 0123456789"));
        assert!(!valid_id(&"x".repeat(65)));
    }
}
