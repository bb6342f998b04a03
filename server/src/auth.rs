//! Passwords (argon2id) and bearer tokens (256-bit random, stored as SHA-256).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use onsite_core::Role;
use rand::RngCore;
use uuid::Uuid;

/// A session ends after this many days without a request. An engineer offline for two weeks
/// (a long job abroad, a holiday) still syncs when back; a phone lost for a month does not.
pub const SESSION_IDLE_DAYS: i64 = 30;
/// `last_used_at` is written at most this often per token (not on every request).
pub const TOUCH_EVERY_MINUTES: i64 = 60;

/// An authenticated token: who, on which device.
#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: String,
    pub user_id: Uuid,
    pub name: String,
    pub role: Role,
    pub client_id: Uuid,
}

impl Session {
    pub fn actor(&self) -> onsite_core::Actor {
        onsite_core::Actor {
            user_id: self.user_id,
            role: self.role,
        }
    }
}

/// PHC string of an argon2id hash (the argon2 crate's defaults: argon2id, m=19 MiB, t=2).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash no password matches: verified against for unknown users, so that a wrong
/// username costs the same time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut pw = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut pw);
        hash_password(&hex::encode(pw)).expect("hashing a random password")
    })
}

/// A new bearer token: 32 random bytes, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    onsite_core::sha256_hex(token.as_bytes())
}
