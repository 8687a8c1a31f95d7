//! Secrets: argon2id password hashes, random tokens for sessions and
//! devices (only their SHA-256 is stored) and the session cookie. No HTTP
//! extractors here: those are in [`crate::extract`].

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::http::{header, HeaderMap};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Name of the session cookie.
pub const COOKIE: &str = "antrean_session";

/// An argon2id hash (PHC string) of a password.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))
}

/// Whether `password` matches the stored hash. Slow on purpose.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A password for a person to type once (a reset, a new account): 12
/// letters and digits that cannot be mistaken for one another on paper or
/// a screen (no 0/o, 1/l/i), in groups of four.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let chars: Vec<char> = (0..12)
        .map(|_| ALPHABET[rand::Rng::gen_range(&mut rng, 0..ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A hash to verify against when the user does not exist, so that the
/// answer takes as long as for a real user.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default())
}

/// A fresh random secret (256 bits, hex).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database keeps of a secret: its SHA-256.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session token in the request's cookies.
pub fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("rahasia-sekali").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "rahasia-sekali"));
        assert!(!verify_password(&h, "rahasia"));
        assert!(!verify_password("garbage", "rahasia"));
    }

    #[test]
    fn one_time_passwords_are_readable_and_pass_the_password_rule() {
        let p = one_time_password();
        assert_eq!(p.len(), 14, "{p}");
        assert_eq!(p.matches('-').count(), 2, "{p}");
        assert!(!p.contains(['0', 'o', '1', 'l', 'i']), "{p}");
        assert_eq!(antrean_core::staff::check_password("siti", &p), Ok(()));
        assert_ne!(p, one_time_password());
    }
}
