//! One-click unsubscribe links (RFC 8058). A link names one notice mail (publication and the
//! delivery address it went to) and is signed, so it needs no stored token and cannot be
//! forged for another address; following it only ever turns mail off.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// What an unsubscribe link names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRef {
    pub publication_id: String,
    pub recipient_id: String,
}

#[derive(Clone)]
pub struct UnsubscribeKey([u8; 32]);

impl UnsubscribeKey {
    /// Derived from the signing secret under its own label, so an unsubscribe signature is
    /// never valid as anything else.
    pub fn derive(secret: &str) -> Self {
        let mut h = Sha256::new();
        h.update(b"shirase unsubscribe v1\0");
        h.update(secret.as_bytes());
        Self(h.finalize().into())
    }

    fn mac(&self, message: &str) -> HmacSha256 {
        // HMAC accepts keys of any length; 32 bytes cannot fail.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(message.as_bytes());
        mac
    }

    /// `{publication}.{recipient}.{signature}`: ids are UUIDs, so `.` cannot occur in them.
    pub fn token(&self, mail: &MailRef) -> String {
        let message = format!("{}.{}", mail.publication_id, mail.recipient_id);
        let signature = URL_SAFE_NO_PAD.encode(self.mac(&message).finalize().into_bytes());
        format!("{message}.{signature}")
    }

    pub fn verify(&self, token: &str) -> Option<MailRef> {
        let (message, signature) = token.rsplit_once('.')?;
        let (publication_id, recipient_id) = message.split_once('.')?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        // `verify_slice` compares in constant time.
        self.mac(message).verify_slice(&signature).ok()?;
        Some(MailRef {
            publication_id: publication_id.to_owned(),
            recipient_id: recipient_id.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_resist_tampering() {
        let key = UnsubscribeKey::derive("a secret of at least thirty-two characters");
        let mail = MailRef {
            publication_id: "0194-a".into(),
            recipient_id: "0194-b".into(),
        };
        let token = key.token(&mail);
        assert_eq!(key.verify(&token), Some(mail));
        let other = token.replacen("0194-b", "0194-c", 1);
        assert_eq!(key.verify(&other), None);
        let stranger = UnsubscribeKey::derive("another secret of thirty-two characters!");
        assert_eq!(stranger.verify(&token), None);
        assert_eq!(key.verify("garbage"), None);
    }
}
