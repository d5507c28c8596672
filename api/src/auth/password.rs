//! argon2id with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane), always run on
//! the blocking pool: a hash takes tens of milliseconds of CPU and must not stall the
//! async workers.

use std::sync::LazyLock;

use anyhow::{Context, anyhow};
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};

fn argon2() -> anyhow::Result<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| anyhow!("argon2 params: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A hash of a password nobody has, verified when an account does not exist so that a
/// failed login costs the same time either way.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("shirase dummy password").unwrap_or_default());

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let hash = argon2()?
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow!("hashing a password: {e}"))?;
    Ok(hash.to_string())
}

fn verify_blocking(password: &str, hash: &str) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(hash).map_err(|e| anyhow!("reading a password hash: {e}"))?;
    Ok(argon2()?
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .context("password hashing task")?
}

/// Checks `password` against `hash`, or against a dummy hash when there is none.
pub async fn verify(password: String, hash: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_blocking(&password, &h),
        None => verify_blocking(&password, &DUMMY_HASH).map(|_| false),
    })
    .await
    .context("password verification task")?
}
