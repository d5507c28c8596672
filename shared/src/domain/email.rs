use std::fmt;

use crate::problem::FieldCode;

/// A syntactically plausible mailbox address, normalised to lower case so that one mailbox
/// maps to one account.
///
/// Deliberately stricter than RFC 5322 (no quoted local parts, no comments, no IP literals):
/// such addresses are rare in corporate mail and each one is a way to confuse a mail header.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldCode::Required);
        }
        if s.chars().any(char::is_control) {
            return Err(FieldCode::ControlCharacters);
        }
        if s.len() > Self::MAX_LEN {
            return Err(FieldCode::TooLong);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(FieldCode::InvalidEmail)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()) && tld.len() >= 2);
        if !local_ok || !domain_ok {
            return Err(FieldCode::InvalidEmail);
        }
        Ok(Self(s.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `t***@example.com`: enough for its owner to recognise, too little to harvest.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or(("", &self.0));
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

/// Logs and debug output show the masked form only.
impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        let e = EmailAddress::parse("  Taro.Yamada+ops@Example.CO.JP ").map(|e| e.0);
        assert_eq!(e, Ok("taro.yamada+ops@example.co.jp".to_owned()));
    }

    #[test]
    fn rejects_bad_addresses() {
        for bad in [
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@@b.com",
            "a b@example.com",
            "a..b@example.com",
            "a@-x.com",
            "a@example.c0m",
            "\"q\"@example.com",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(FieldCode::InvalidEmail),
                "{bad}"
            );
        }
        assert_eq!(EmailAddress::parse(""), Err(FieldCode::Required));
        assert_eq!(
            EmailAddress::parse("a\r\nBcc: x@y.com"),
            Err(FieldCode::ControlCharacters)
        );
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(FieldCode::TooLong));
    }

    #[test]
    fn masks() {
        let e = EmailAddress::parse("taro@example.com").map(|e| e.masked());
        assert_eq!(e, Ok("t***@example.com".to_owned()));
    }
}
