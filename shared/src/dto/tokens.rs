//! Personal API tokens: what integrators use instead of a password. A token acts for its
//! account only within its scopes, and never for the account's own security settings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::notices::parse_instant;
use crate::domain::BoundedText;
use crate::problem::{FieldCode, FieldErrors};

pub const TOKEN_NAME_MAX: usize = 100;

/// What a token may do. Scopes are independent: `manage` does not imply `read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Read My Support: subscriptions, delivery addresses, previews and coverage.
    Read,
    /// Add, change and remove subscriptions and delivery addresses.
    Manage,
    /// Operators only: hand bounce reports to `POST /api/v1/bounces` (a mail server's
    /// bounce mailbox, say).
    Bounces,
}

impl TokenScope {
    pub const ALL: [Self; 3] = [Self::Read, Self::Manage, Self::Bounces];

    pub fn code(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Manage => "manage",
            Self::Bounces => "bounces",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == raw.trim())
            .ok_or(FieldCode::InvalidValue)
    }
}

/// `POST /api/v1/me/tokens`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewTokenRequest {
    /// What the token is for, e.g. "monitoring sync".
    pub name: String,
    /// One or more of `read`, `manage`, and for operators `bounces`.
    pub scopes: Vec<String>,
    /// RFC 3339; absent means the token does not expire.
    pub expires_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewToken {
    pub name: String,
    /// Sorted, without repeats.
    pub scopes: Vec<TokenScope>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl NewTokenRequest {
    /// `now` decides whether `expires_at` lies in the past.
    pub fn parse(&self, now: DateTime<Utc>) -> Result<NewToken, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = e.take("name", BoundedText::<TOKEN_NAME_MAX>::parse(&self.name));
        let scopes = e.take("scopes", parse_scopes(&self.scopes));
        let expires_at = match self.expires_at.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => e
                .take("expires_at", parse_instant(raw))
                .and_then(|t| match t > now {
                    true => Some(Some(t)),
                    false => {
                        e.push("expires_at", FieldCode::InPast);
                        None
                    }
                }),
        };
        match (name, scopes, expires_at) {
            (Some(name), Some(scopes), Some(expires_at)) if e.is_empty() => Ok(NewToken {
                name: name.into_inner(),
                scopes,
                expires_at,
            }),
            _ => Err(e),
        }
    }
}

fn parse_scopes(raw: &[String]) -> Result<Vec<TokenScope>, FieldCode> {
    if raw.is_empty() {
        return Err(FieldCode::Required);
    }
    let mut scopes = raw
        .iter()
        .map(|s| TokenScope::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    scopes.sort();
    scopes.dedup();
    Ok(scopes)
}

/// A token as its owner sees it later: never the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub scopes: Vec<TokenScope>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Updated at most once a minute.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// `201` of `POST /api/v1/me/tokens`: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: TokenView,
    /// Send as `Authorization: Bearer <secret>`. It cannot be shown again.
    pub secret: String,
}

/// The account's personal feed key, as `GET /api/v1/me/feed-key` shows it: never the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedKeyView {
    pub created_at: DateTime<Utc>,
}

/// `201` of `POST /api/v1/me/feed-key`: the personal feed URLs, shown this once. Issuing a
/// new key makes the previous URLs stop working.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedFeedKey {
    /// Atom feed of every notice for the products in My Support.
    pub atom_url: String,
    /// iCalendar of their maintenance windows.
    pub ics_url: String,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn parses_a_token_request() -> Result<(), FieldErrors> {
        let req = NewTokenRequest {
            name: "  sync  ".into(),
            scopes: vec!["manage".into(), "read".into(), "manage".into()],
            expires_at: Some("2027-01-01T00:00:00+09:00".into()),
        };
        let t = req.parse(now())?;
        assert_eq!(t.name, "sync");
        assert_eq!(t.scopes, vec![TokenScope::Read, TokenScope::Manage]);
        assert_eq!(
            t.expires_at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-12-31T15:00:00+00:00")
        );
        Ok(())
    }

    #[test]
    fn reports_every_bad_field() {
        let errors = |r: NewTokenRequest| r.parse(now()).err().unwrap_or_default();
        let e = errors(NewTokenRequest {
            name: " ".into(),
            scopes: vec!["admin".into()],
            expires_at: Some("2026-11-23T00:00:00Z".into()),
        });
        assert_eq!(e.code_for("name"), Some(FieldCode::Required));
        assert_eq!(e.code_for("scopes"), Some(FieldCode::InvalidValue));
        assert_eq!(e.code_for("expires_at"), Some(FieldCode::InPast));
        let e = errors(NewTokenRequest {
            name: "x".into(),
            scopes: vec![],
            expires_at: Some("tomorrow".into()),
        });
        assert_eq!(e.code_for("scopes"), Some(FieldCode::Required));
        assert_eq!(e.code_for("expires_at"), Some(FieldCode::InvalidDatetime));
    }
}
