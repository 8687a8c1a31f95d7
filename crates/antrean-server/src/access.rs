//! What takes effect at once when an account or device changes: open live
//! connections of a disabled user or a revoked device are closed
//! ([`Revocations`]); devices waiting to be paired ([`Pairings`]); the last
//! contact of each device, written at most once a minute ([`Contacts`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::future::{BoxFuture, FutureExt};
use rand::Rng;
use tokio::sync::broadcast;

/// Everything about access that lives in memory, in one handle of the
/// app's state.
#[derive(Debug, Default)]
pub struct Access {
    pub revocations: Revocations,
    pub pairings: Pairings,
    pub contacts: Contacts,
}

/// Whose access just ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revoked {
    /// Every session of a user, but `except` (the session that changed its
    /// own password).
    User { id: i64, except: Option<String> },
    /// One session (its token hash): signed out.
    Session(String),
    /// A device's token.
    Device(i64),
}

/// Who holds a live connection, to close it when their access ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holder {
    /// A staff member's user id and session (token hash).
    pub user: Option<(i64, String)>,
    pub device: Option<i64>,
}

impl Holder {
    fn loses(&self, r: &Revoked) -> bool {
        match (r, &self.user, self.device) {
            (Revoked::User { id, except }, Some((uid, session)), _) => {
                id == uid && except.as_deref() != Some(session.as_str())
            }
            (Revoked::Session(hash), Some((_, session)), _) => hash == session,
            (Revoked::Device(id), _, Some(dev)) => *id == dev,
            _ => false,
        }
    }
}

/// Why a held connection must end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Its holder's access ended.
    Revoked,
    /// Revocations were missed: reconnect, to be checked again.
    Recheck,
}

/// Tells open connections whose access ended.
#[derive(Debug)]
pub struct Revocations(broadcast::Sender<Revoked>);

impl Default for Revocations {
    fn default() -> Self {
        Revocations(broadcast::channel(256).0)
    }
}

impl Revocations {
    pub fn revoke(&self, r: Revoked) {
        // Nobody listening is fine: no connection to close.
        let _ = self.0.send(r);
    }

    /// Starts listening: a revocation from this moment on is not missed,
    /// though whose connection it is is known only later.
    pub fn listen(&self) -> Listening {
        Listening(self.0.subscribe())
    }

    /// Resolves when `holder`'s access ends (never for an anonymous one),
    /// or when revocations were missed and it must be checked again.
    pub fn ended(&self, holder: Holder) -> BoxFuture<'static, Ending> {
        self.listen().until_lost(holder)
    }
}

/// Revocations listened to since [`Revocations::listen`].
#[derive(Debug)]
pub struct Listening(broadcast::Receiver<Revoked>);

impl Listening {
    /// Resolves when `holder`'s access ends, or revocations were missed.
    pub fn until_lost(self, holder: Holder) -> BoxFuture<'static, Ending> {
        if holder == Holder::default() {
            return std::future::pending().boxed();
        }
        let mut rx = self.0;
        async move {
            loop {
                match rx.recv().await {
                    Ok(r) if holder.loses(&r) => return Ending::Revoked,
                    Ok(_) => {}
                    // Missed some (a burst): not a revocation of this
                    // holder, as far as anyone knows. The connection
                    // closes as for a restart; the client reconnects, and
                    // its access is checked then.
                    Err(broadcast::error::RecvError::Lagged(_)) => return Ending::Recheck,
                    Err(broadcast::error::RecvError::Closed) => {
                        std::future::pending::<()>().await;
                    }
                }
            }
        }
        .boxed()
    }
}

/// How long a pairing code shown on a new device is valid.
pub const PAIRING_TTL: Duration = Duration::from_secs(15 * 60);

/// A new device waiting for a supervisor to enter its code.
#[derive(Debug, Clone)]
struct Pairing {
    office: String,
    kind: antrean_core::DeviceKind,
    /// SHA-256 of the secret the device polls with.
    secret_hash: String,
    expires: Instant,
    /// A supervisor is registering it (or it is a link's): no one else can.
    claimed: bool,
    /// Set once paired: the device's token, handed over at its next poll.
    token: Option<String>,
}

/// What a device polling its pairing learns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairingState {
    Waiting {
        code: String,
    },
    /// Paired: the token, given once.
    Paired {
        token: String,
    },
    /// Unknown, expired or already collected.
    Gone,
}

/// Devices waiting to be paired, in memory only: a code lives minutes, and
/// a restart asks the device to show a new one.
#[derive(Debug, Default)]
pub struct Pairings(Mutex<HashMap<String, Pairing>>);

/// At most this many codes wait at once (a flood cannot grow memory), and
/// at most this many for one office (a flood at one office leaves the
/// others theirs).
const MAX_PAIRINGS: usize = 1000;
const MAX_PAIRINGS_PER_OFFICE: usize = 100;

impl Pairings {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pairing>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new code for a device of `kind` at `office`, polled with the hash
    /// of `secret`; `None` when too many wait.
    pub fn start(
        &self,
        office: &str,
        kind: antrean_core::DeviceKind,
        secret_hash: String,
    ) -> Option<String> {
        let mut map = self.lock();
        let now = Instant::now();
        map.retain(|_, p| p.expires > now);
        let here = map.values().filter(|p| p.office == office).count();
        if map.len() >= MAX_PAIRINGS || here >= MAX_PAIRINGS_PER_OFFICE {
            return None;
        }
        let code = loop {
            // Six digits, read aloud or typed on a phone keypad.
            let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
            if !map.contains_key(&code) {
                break code;
            }
        };
        map.insert(
            code.clone(),
            Pairing {
                office: office.to_owned(),
                kind,
                secret_hash,
                expires: now + PAIRING_TTL,
                claimed: false,
                token: None,
            },
        );
        Some(code)
    }

    /// A pairing for a one-time link, claimed from the start (its code is
    /// shown to nobody): the device that opens the link polls with the hash
    /// of the secret in it. Reserved before the device is registered, so a
    /// registration never lacks its pairing. `None` when too many wait.
    pub fn reserve_link(
        &self,
        office: &str,
        kind: antrean_core::DeviceKind,
        secret_hash: String,
    ) -> Option<String> {
        let code = self.start(office, kind, secret_hash)?;
        if let Some(p) = self.lock().get_mut(&code) {
            p.claimed = true;
        }
        Some(code)
    }

    /// Claims the device waiting with `code` at `office` for registering it,
    /// so that no second supervisor claims it meanwhile; its kind.
    pub fn claim(&self, office: &str, code: &str) -> Option<antrean_core::DeviceKind> {
        let mut map = self.lock();
        let p = map.get_mut(code).filter(|p| {
            p.office == office && !p.claimed && p.token.is_none() && p.expires > Instant::now()
        })?;
        p.claimed = true;
        Some(p.kind)
    }

    /// Registering the device of a claimed code failed: it waits again.
    pub fn unclaim(&self, code: &str) {
        if let Some(p) = self.lock().get_mut(code) {
            p.claimed = false;
        }
    }

    /// Forgets a pairing (a link whose device could not be registered).
    pub fn forget(&self, code: &str) {
        self.lock().remove(code);
    }

    /// Hands `token` to the device of the claimed pairing `code`; false if
    /// it expired meanwhile.
    pub fn pair(&self, code: &str, token: String) -> bool {
        match self.lock().get_mut(code) {
            Some(p) if p.claimed && p.expires > Instant::now() => {
                p.token = Some(token);
                true
            }
            _ => false,
        }
    }

    /// What the device polling with `secret_hash` learns; a token is given
    /// once, and the pairing ends with it.
    pub fn poll(&self, secret_hash: &str) -> PairingState {
        let mut map = self.lock();
        let now = Instant::now();
        let Some((code, p)) = map
            .iter()
            .find(|(_, p)| p.secret_hash == secret_hash && p.expires > now)
            .map(|(c, p)| (c.clone(), p.clone()))
        else {
            return PairingState::Gone;
        };
        match p.token {
            Some(token) => {
                map.remove(&code);
                PairingState::Paired { token }
            }
            None => PairingState::Waiting { code },
        }
    }
}

/// When each device last made contact, written to the store at most once a
/// minute per device.
#[derive(Debug, Default)]
pub struct Contacts(Mutex<HashMap<i64, Instant>>);

const CONTACT_EVERY: Duration = Duration::from_secs(60);

impl Contacts {
    /// Whether this contact of `device` is to be written now.
    pub fn due(&self, device: i64) -> bool {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        match map.get(&device) {
            Some(last) if now.duration_since(*last) < CONTACT_EVERY => false,
            _ => {
                map.insert(device, now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use antrean_core::DeviceKind;

    #[tokio::test]
    async fn a_connection_ends_when_its_holder_loses_access_and_not_otherwise() {
        let r = Revocations::default();
        let clerk = Holder {
            user: Some((7, "s1".into())),
            device: None,
        };
        let mut ended = r.ended(clerk.clone());
        r.revoke(Revoked::User {
            id: 8,
            except: None,
        });
        r.revoke(Revoked::Session("s2".into()));
        r.revoke(Revoked::User {
            id: 7,
            except: Some("s1".into()),
        });
        r.revoke(Revoked::Device(7));
        let early = tokio::time::timeout(Duration::from_millis(50), &mut ended).await;
        assert!(early.is_err(), "ended for another's revocation");
        r.revoke(Revoked::Session("s1".into()));
        let why = tokio::time::timeout(Duration::from_secs(1), ended)
            .await
            .expect("ended");
        assert_eq!(why, Ending::Revoked);
        let kiosk = Holder {
            user: None,
            device: Some(3),
        };
        let ended = r.ended(kiosk.clone());
        r.revoke(Revoked::Device(3));
        tokio::time::timeout(Duration::from_secs(1), ended)
            .await
            .expect("ended");
        // A burst of others' revocations is no revocation of this one.
        let ended = r.ended(kiosk);
        for id in 100..400 {
            r.revoke(Revoked::Device(id));
        }
        let why = tokio::time::timeout(Duration::from_secs(1), ended)
            .await
            .expect("ended");
        assert_eq!(why, Ending::Recheck);
    }

    #[test]
    fn a_pairing_hands_its_token_once_to_the_device_with_the_secret() {
        let p = Pairings::default();
        let code = p.start("kb", DeviceKind::Kiosk, "h".into()).expect("code");
        assert_eq!(code.len(), 6);
        assert_eq!(p.claim("other", &code), None);
        assert!(
            !p.pair(&code, "early".into()),
            "unclaimed: nothing to hand over"
        );
        assert_eq!(p.claim("kb", &code), Some(DeviceKind::Kiosk));
        assert_eq!(p.claim("kb", &code), None, "claimed once");
        p.unclaim(&code);
        assert_eq!(
            p.claim("kb", &code),
            Some(DeviceKind::Kiosk),
            "again after a failed write"
        );
        assert_eq!(p.poll("h"), PairingState::Waiting { code: code.clone() });
        assert_eq!(p.poll("wrong"), PairingState::Gone);
        assert!(p.pair(&code, "tok".into()));
        assert_eq!(
            p.poll("h"),
            PairingState::Paired {
                token: "tok".into()
            }
        );
        assert_eq!(p.poll("h"), PairingState::Gone);
        // A link's pairing is claimed from the start, and gives its token once.
        let link = p
            .reserve_link("kb", DeviceKind::Display, "l".into())
            .expect("reserved");
        assert_eq!(
            p.claim("kb", &link),
            None,
            "a link's code is nobody's to claim"
        );
        assert!(p.pair(&link, "tok2".into()));
        assert_eq!(
            p.poll("l"),
            PairingState::Paired {
                token: "tok2".into()
            }
        );
        assert_eq!(p.poll("l"), PairingState::Gone);
        // One office cannot take every place.
        for i in 0..MAX_PAIRINGS_PER_OFFICE {
            p.start("busy", DeviceKind::Kiosk, format!("s{i}"));
        }
        assert_eq!(p.start("busy", DeviceKind::Kiosk, "x".into()), None);
        assert!(p.start("kb", DeviceKind::Kiosk, "y".into()).is_some());
    }

    #[test]
    fn a_contact_is_written_at_most_once_a_minute() {
        let c = Contacts::default();
        assert!(c.due(1));
        assert!(!c.due(1));
        assert!(c.due(2));
    }
}
