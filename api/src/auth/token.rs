//! Opaque single-use tokens (activation, password reset, refresh): 256 random bits sent to
//! the user, only their SHA-256 stored, so a database leak yields no usable link.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub struct IssuedToken {
    /// What the user receives (in a link or a response); never stored.
    pub secret: String,
    /// What the database keeps.
    pub hash: String,
}

pub fn issue() -> IssuedToken {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&secret);
    IssuedToken { secret, hash }
}

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `s` could be a token we issued; anything else is unknown without a query.
pub fn looks_valid(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = issue();
        let b = issue();
        assert_ne!(a.secret, b.secret);
        assert!(looks_valid(&a.secret));
        assert_eq!(a.hash, hash(&a.secret));
        assert_ne!(a.hash, a.secret);
    }
}
