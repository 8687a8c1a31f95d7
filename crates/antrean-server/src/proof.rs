//! A small proof of work for online tickets: the citizen's page spends
//! about a second of a cheap phone's time per ticket, so that a script
//! spends the same per ticket it takes (natively some 25× less, which is
//! why this is one layer beside the per-address budget and one active
//! ticket per browser; see README "Fair online tickets").
//!
//! Stateless challenges: the server hands out
//! `{office}.{expires}.{bits}.{salt}.{mac}` where `mac` is an HMAC-SHA-256
//! of the rest under a key drawn at start (a restart makes every
//! outstanding challenge invalid, which costs a citizen one more second).
//! The work is to find a decimal `nonce` such that
//! `SHA-256("{salt}:{nonce}")` starts with `bits` zero bits; the input fits
//! one SHA-256 block, which keeps the page's solver simple and fast.
//! A solved challenge is single use: [`Challenges::spend`] remembers the
//! salts of spent ones until they expire, in a bounded set.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::StatusCode;
use hmac::Mac;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ErrorCode;

/// How long a challenge may be answered, in seconds: the page asks for one
/// when the citizen taps "take", so a minute or two is plenty, and a short
/// life keeps the set of spent ones small.
pub const TTL_S: u64 = 120;

/// At most this many spent challenges are remembered at once (about 40
/// bytes each). To fill it a script must solve this many within
/// [`TTL_S`]; a full set refuses proofs (429) rather than forgetting one,
/// which could then be replayed.
const SPENT_MAX: usize = 200_000;

/// Why an online ticket's proof was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("an online ticket needs a solved challenge: GET /offices/{{office}}/challenge, then send `proof`")]
    Required,
    #[error("the proof does not answer a challenge of this server for this office")]
    Invalid,
    #[error("the challenge expired; fetch a new one")]
    Expired,
    #[error("this challenge was already used for a ticket; fetch a new one")]
    Spent,
    #[error("too many challenges are being answered at once; try again in {0} s")]
    Busy(u64),
}

impl Refused {
    pub fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            Refused::Required => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::ProofRequired),
            Refused::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::ProofInvalid),
            Refused::Expired => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::ProofExpired),
            Refused::Spent => (StatusCode::CONFLICT, ErrorCode::ProofSpent),
            Refused::Busy(_) => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
        }
    }
}

/// HMAC-SHA-256 of `message` under `key`, ready to give or check its tag.
fn mac(key: &[u8], message: &[u8]) -> hmac::Hmac<Sha256> {
    // HMAC takes a key of any length: the error cannot happen.
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(message);
    mac
}

/// Leading zero bits of a digest.
pub fn leading_zero_bits(digest: &[u8]) -> u32 {
    let mut n = 0;
    for &b in digest {
        if b == 0 {
            n += 8;
        } else {
            return n + b.leading_zeros();
        }
    }
    n
}

/// Whether `nonce` does the work of `salt` at `bits`.
pub fn solves(salt: &str, nonce: u64, bits: u8) -> bool {
    let digest = Sha256::digest(format!("{salt}:{nonce}"));
    leading_zero_bits(&digest) >= u32::from(bits)
}

/// The smallest nonce that does the work (what the page's solver finds;
/// for tests and the bench's script).
pub fn solve(salt: &str, bits: u8) -> u64 {
    (0..).find(|&n| solves(salt, n, bits)).unwrap_or(0)
}

/// A challenge as handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The whole signed token, sent back with the answer.
    pub token: String,
    /// The part the work is done on.
    pub salt: String,
    pub bits: u8,
    /// Unix seconds after which it is refused.
    pub expires: u64,
}

/// Makes a challenge for `office` valid until `expires` (pure: the key and
/// the salt's randomness are passed in).
pub fn make(key: &[u8], office: &str, expires: u64, bits: u8, salt: [u8; 16]) -> Challenge {
    let salt = hex::encode(salt);
    let body = format!("{office}.{expires}.{bits}.{salt}");
    let tag = hex::encode(mac(key, body.as_bytes()).finalize().into_bytes());
    Challenge {
        token: format!("{body}.{tag}"),
        salt,
        bits,
        expires,
    }
}

/// Checks an answer to a challenge: made with `key`, for `office`, not
/// expired at `now` (unix seconds), and `nonce` does its work. Returns the
/// challenge (its salt marks it spent). Pure; the spent set is
/// [`Challenges::spend`]'s.
pub fn verify(
    key: &[u8],
    token: &str,
    nonce: u64,
    office: &str,
    now: u64,
) -> Result<Challenge, Refused> {
    // Office ids are slugs without dots, so the token splits from the end.
    let (body, mac_hex) = token.rsplit_once('.').ok_or(Refused::Invalid)?;
    // Only the lowercase hex it was written in (so that `A` for `a` is no
    // second token of one challenge), checked in constant time.
    let tag = mac_hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        .then(|| hex::decode(mac_hex).ok())
        .flatten()
        .ok_or(Refused::Invalid)?;
    mac(key, body.as_bytes())
        .verify_slice(&tag)
        .map_err(|_| Refused::Invalid)?;
    let mut parts = body.rsplitn(4, '.');
    let (Some(salt), Some(bits), Some(expires), Some(for_office)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refused::Invalid);
    };
    if for_office != office {
        return Err(Refused::Invalid);
    }
    let bits: u8 = bits.parse().map_err(|_| Refused::Invalid)?;
    let expires: u64 = expires.parse().map_err(|_| Refused::Invalid)?;
    if now > expires {
        return Err(Refused::Expired);
    }
    if !solves(salt, nonce, bits) {
        return Err(Refused::Invalid);
    }
    Ok(Challenge {
        token: token.to_owned(),
        salt: salt.to_owned(),
        bits,
        expires,
    })
}

/// The server's challenges: its key and the spent ones. Cheap to share
/// behind an `Arc`; the mutex is never held across an `.await`.
#[derive(Debug)]
pub struct Challenges {
    key: [u8; 32],
    /// Salt → expiry (unix seconds) of challenges already answered.
    spent: Mutex<HashMap<[u8; 16], u64>>,
}

impl Default for Challenges {
    /// A fresh random key: challenges of another process (or an earlier
    /// run) are not this one's.
    fn default() -> Self {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        Challenges {
            key,
            spent: Mutex::new(HashMap::new()),
        }
    }
}

/// Now, in unix seconds.
pub fn unix_now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0)
}

impl Challenges {
    /// A new challenge for `office` at `bits`.
    pub fn issue(&self, office: &str, bits: u8) -> Challenge {
        let mut salt = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut salt);
        make(&self.key, office, unix_now() + TTL_S, bits, salt)
    }

    /// Checks an answer and marks its challenge spent, so that it answers
    /// no second request.
    pub fn spend(&self, token: &str, nonce: u64, office: &str) -> Result<(), Refused> {
        let now = unix_now();
        let c = verify(&self.key, token, nonce, office, now)?;
        let mut salt = [0u8; 16];
        hex::decode_to_slice(&c.salt, &mut salt).map_err(|_| Refused::Invalid)?;
        let mut spent = self.spent.lock().unwrap_or_else(|p| p.into_inner());
        if spent.contains_key(&salt) {
            return Err(Refused::Spent);
        }
        if spent.len() >= SPENT_MAX {
            spent.retain(|_, expires| *expires >= now);
            if spent.len() >= SPENT_MAX {
                let soonest = spent.values().min().copied().unwrap_or(now);
                return Err(Refused::Busy(soonest.saturating_sub(now).max(1)));
            }
        }
        spent.insert(salt, c.expires);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use proptest::prelude::*;

    use super::*;

    const KEY: &[u8] = b"a key of this process only......";

    #[test]
    fn zero_bits_are_counted_from_the_first_byte() {
        assert_eq!(leading_zero_bits(&[0x00, 0x0f, 0xff]), 12);
        assert_eq!(leading_zero_bits(&[0x80]), 0);
        assert_eq!(leading_zero_bits(&[0, 0]), 16);
    }

    #[test]
    fn a_solved_challenge_verifies_once_and_only_for_its_office() {
        let c = Challenges::default();
        let ch = c.issue("mpp", 10);
        let nonce = solve(&ch.salt, 10);
        assert_eq!(c.spend(&ch.token, nonce, "other"), Err(Refused::Invalid));
        assert_eq!(c.spend(&ch.token, nonce, "mpp"), Ok(()));
        assert_eq!(c.spend(&ch.token, nonce, "mpp"), Err(Refused::Spent));
        // Another process's challenge is not this one's.
        let other = Challenges::default();
        let ch = other.issue("mpp", 4);
        assert_eq!(
            c.spend(&ch.token, solve(&ch.salt, 4), "mpp"),
            Err(Refused::Invalid)
        );
    }

    #[test]
    fn an_expired_challenge_is_refused() {
        let ch = make(KEY, "mpp", 1_000, 2, [7; 16]);
        let nonce = solve(&ch.salt, 2);
        assert!(verify(KEY, &ch.token, nonce, "mpp", 1_000).is_ok());
        assert_eq!(
            verify(KEY, &ch.token, nonce, "mpp", 1_001),
            Err(Refused::Expired)
        );
    }

    #[test]
    fn the_solution_matches_the_pages_solver() {
        // The same input and answer as the page's solver (tests/e2e/fair.test.mjs).
        let salt = "000102030405060708090a0b0c0d0e0f";
        assert_eq!(solve(salt, 12), 222);
        assert!(solves(salt, 222, 12));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// The smallest nonce that does the work verifies; any nonce below
        /// it does not; any change to the token breaks it.
        #[test]
        fn only_the_work_and_the_untouched_token_verify(
            salt in any::<[u8; 16]>(),
            bits in 0u8..10,
            expires in 1u64..u64::from(u32::MAX),
            flip in any::<prop::sample::Index>(),
            to in any::<u8>(),
        ) {
            let ch = make(KEY, "kantor-1", expires, bits, salt);
            let nonce = solve(&ch.salt, bits);
            prop_assert_eq!(verify(KEY, &ch.token, nonce, "kantor-1", expires).map(|c| c.salt), Ok(ch.salt.clone()));
            for below in 0..nonce {
                prop_assert_eq!(verify(KEY, &ch.token, below, "kantor-1", expires), Err(Refused::Invalid));
            }
            let mut bytes = ch.token.clone().into_bytes();
            let i = flip.index(bytes.len());
            let to = if to == bytes[i] { to.wrapping_add(1) } else { to };
            bytes[i] = to;
            let tampered = String::from_utf8_lossy(&bytes).into_owned();
            prop_assert!(verify(KEY, &tampered, nonce, "kantor-1", expires).is_err());
        }
    }
}
