//! The delivery log (`GET /api/v1/me/deliveries`), operators' outcomes of a notice, and
//! bounce reports (`POST /api/v1/bounces`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ReminderLead;
use crate::dto::NoticeKind;
use crate::problem::{FieldCode, FieldErrors};

/// What became of one publication for one destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its (next) attempt.
    Queued,
    Sent,
    /// Given up after retries, or refused for good by a webhook endpoint.
    Failed,
    /// The receiving mail server refused it for good, at once or in a later report.
    Bounced,
    /// Not sent: the destination's delivery hours excluded the issue time.
    SkippedWindow,
    /// Not sent: the address unsubscribed from the product's notices of this kind, or the
    /// webhook destination does not take this kind.
    SkippedUnsubscribed,
    /// Not sent: the address is suspended after bounces, or the webhook is quarantined.
    SkippedSuspended,
    /// Issued outside the destination's hours, which hold notices: it goes, with any others
    /// held, when the window opens (`due_at`).
    Held,
    /// A reminder taken back: the maintenance was cancelled or moved too close.
    Withdrawn,
}

impl DeliveryState {
    pub const ALL: [Self; 9] = [
        Self::Queued,
        Self::Held,
        Self::Sent,
        Self::Failed,
        Self::Bounced,
        Self::SkippedWindow,
        Self::SkippedUnsubscribed,
        Self::SkippedSuspended,
        Self::Withdrawn,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Bounced => "bounced",
            Self::SkippedWindow => "skipped_window",
            Self::SkippedUnsubscribed => "skipped_unsubscribed",
            Self::SkippedSuspended => "skipped_suspended",
            Self::Held => "held",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == raw.trim())
            .ok_or(FieldCode::InvalidValue)
    }

    pub const fn is_skipped(self) -> bool {
        matches!(
            self,
            Self::SkippedWindow | Self::SkippedUnsubscribed | Self::SkippedSuspended
        )
    }
}

/// A destination of the customer's, as the log names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryLogDestination {
    /// The delivery address's id, or the webhook destination's.
    pub id: String,
    /// `email`, `webhook`, `slack` or `teams`.
    pub channel: String,
    /// The address, or the webhook destination's name.
    pub label: String,
}

/// One publication of a notice to one of the customer's destinations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryLogEntry {
    pub notice_id: String,
    pub kind: NoticeKind,
    pub title_ja: String,
    pub title_en: Option<String>,
    pub publication_id: String,
    /// 0 for the first publication, then one more per update.
    pub sequence: i32,
    pub issued_at: DateTime<Utc>,
    pub destination: DeliveryLogDestination,
    /// A maintenance reminder (`24h` or `1h` before the start) rather than the publication
    /// itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder: Option<ReminderLead>,
    pub state: DeliveryState,
    /// When it is due: for `queued` and `held`, the time it is to go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    /// When it was sent (`sent`, and `bounced` after a later report).
    pub sent_at: Option<DateTime<Utc>>,
    /// The reply code of the receiving server: an SMTP code such as `250`, or an HTTP status.
    pub reply_code: Option<String>,
    /// The receiving server's reply as it came, at most 300 characters.
    pub reply: Option<String>,
}

/// `GET /api/v1/me/deliveries`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryLogPage {
    pub entries: Vec<DeliveryLogEntry>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// The query of `GET /api/v1/me/deliveries`, as it came.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct DeliveryLogQuery {
    /// Only this notice's publications.
    pub notice: Option<String>,
    /// Only this destination: a delivery address's id or a webhook destination's.
    pub destination: Option<String>,
    /// Only this state: `queued`, `held`, `sent`, `failed`, `bounced`, `skipped_window`,
    /// `skipped_unsubscribed`, `skipped_suspended` or `withdrawn`.
    pub status: Option<String>,
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
    /// Entries per page, 1 to 100; 50 when absent.
    pub limit: Option<i64>,
}

/// A parsed [`DeliveryLogQuery`].
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryLogFilter {
    pub notice: Option<String>,
    pub destination: Option<String>,
    pub state: Option<DeliveryState>,
    pub cursor: Option<String>,
    pub limit: i64,
}

impl DeliveryLogQuery {
    pub const DEFAULT_LIMIT: i64 = 50;
    pub const MAX_LIMIT: i64 = 100;

    pub fn parse(self) -> Result<DeliveryLogFilter, FieldErrors> {
        let mut errors = FieldErrors::default();
        let id = |raw: Option<String>, field: &'static str, errors: &mut FieldErrors| {
            raw.filter(|r| !r.is_empty()).and_then(|r| {
                // Ids are UUIDs, and a cursor a delivery's id (a UUID, a dot, a number):
                // anything else is refused before it reaches a query.
                let ok = r.len() <= 64
                    && r.chars()
                        .all(|c| c.is_ascii_hexdigit() || matches!(c, '-' | '.' | 'h'));
                if ok {
                    Some(r)
                } else {
                    errors.push(field, FieldCode::InvalidValue);
                    None
                }
            })
        };
        let notice = id(self.notice, "notice", &mut errors);
        let destination = id(self.destination, "destination", &mut errors);
        let cursor = id(self.cursor, "cursor", &mut errors);
        let state = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => errors.take("status", DeliveryState::parse(raw)),
        };
        let limit = match self.limit {
            None => Self::DEFAULT_LIMIT,
            Some(n) if (1..=Self::MAX_LIMIT).contains(&n) => n,
            Some(_) => {
                errors.push("limit", FieldCode::InvalidValue);
                Self::DEFAULT_LIMIT
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DeliveryLogFilter {
            notice,
            destination,
            state,
            cursor,
            limit,
        })
    }
}

/// `POST /api/v1/bounces`: what a delivery status notification said, and what it changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BounceReceipt {
    /// The delivery the report is about.
    pub delivery_id: String,
    pub recipients: Vec<BouncedRecipient>,
}

/// One recipient of a delivery status notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BouncedRecipient {
    /// `t***@example.com`.
    pub email_masked: String,
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded` (RFC 3464).
    pub action: String,
    /// The enhanced status code, e.g. `5.1.1`.
    pub status: String,
    /// The delivery is now recorded as bounced.
    pub bounced: bool,
    /// The address is now suspended.
    pub suspended: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_log_query() -> Result<(), FieldErrors> {
        let q = DeliveryLogQuery {
            status: Some("skipped_window".into()),
            cursor: Some("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.0000000042".into()),
            ..Default::default()
        };
        let f = q.parse()?;
        assert_eq!(f.state, Some(DeliveryState::SkippedWindow));
        assert_eq!(f.limit, 50);
        let bad = DeliveryLogQuery {
            status: Some("lost".into()),
            cursor: Some("x' OR 1=1".into()),
            limit: Some(1000),
            ..Default::default()
        };
        let errors = bad.parse().err().unwrap_or_default();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["cursor", "status", "limit"]);
        Ok(())
    }
}
