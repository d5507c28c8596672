//! Webhook destinations (Webhook・チャット配信先): a generic webhook signed as the Standard
//! Webhooks specification says, a Slack incoming webhook, or a Microsoft Teams workflow
//! webhook. E-mail addresses are the `recipients` resource.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    BoundedText, DeliveryWindow, HolidayRule, Language, ReminderLead, Reminders, TimeZoneName,
    WebhookUrl, Weekday,
};
use crate::problem::{FieldCode, FieldErrors};

/// The channels a webhook destination can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum HookChannel {
    /// JSON signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
    /// `webhook-signature`).
    Webhook,
    /// A Slack incoming webhook: Block Kit.
    Slack,
    /// A Microsoft Teams workflow webhook: an Adaptive Card.
    Teams,
}

impl HookChannel {
    pub const ALL: [Self; 3] = [Self::Webhook, Self::Slack, Self::Teams];

    pub const fn code(self) -> &'static str {
        match self {
            Self::Webhook => "webhook",
            Self::Slack => "slack",
            Self::Teams => "teams",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DestinationStatus {
    /// Waiting for the code of its test event: receives nothing else.
    Pending,
    Active,
    /// Failed too often: receives nothing until its owner resumes it.
    Quarantined,
}

impl DestinationStatus {
    pub const fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Quarantined => "quarantined",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Active, Self::Quarantined]
            .into_iter()
            .find(|s| s.code() == raw)
    }
}

/// A webhook destination as its owner sees it. The URL is shown with its path masked: Slack
/// and Teams URLs are themselves the credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DestinationView {
    pub id: String,
    pub channel: HookChannel,
    pub name: String,
    /// Scheme and host, the rest masked (`https://hooks.example.com/…`).
    pub url_masked: String,
    pub weekdays: Vec<Weekday>,
    pub hours: Vec<u8>,
    pub time_zone: String,
    /// Whether it receives notices on Japan's public holidays and 12/29–1/3.
    pub holidays: HolidayRule,
    /// Maintenance reminders before the start (`24h`, `1h`).
    pub reminders: Vec<ReminderLead>,
    /// A notice issued outside the window waits for it to open (with any others, as one
    /// digest) instead of being skipped.
    pub hold: bool,
    pub language: Language,
    pub maintenance: bool,
    pub outage: bool,
    pub status: DestinationStatus,
    /// The latest failure, while failures last.
    pub last_error: Option<String>,
    pub quarantined_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/me/destinations`: absent `weekdays`/`hours` mean all, `time_zone` defaults
/// to `Asia/Tokyo`, `holidays` to `deliver`, `language` to the account's, `maintenance` and
/// `outage` to true.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewDestinationRequest {
    /// `webhook`, `slack` or `teams`.
    pub channel: String,
    pub name: String,
    pub url: String,
    pub weekdays: Option<Vec<String>>,
    pub hours: Option<Vec<i64>>,
    pub time_zone: Option<String>,
    /// `deliver`, `skip` or `skip_with_year_end`.
    pub holidays: Option<String>,
    /// Maintenance reminders: `24h` and/or `1h` before the start, each at the last hour of
    /// the window before it when the lead falls outside. None when absent.
    pub reminders: Option<Vec<String>>,
    /// Hold notices issued outside the window until it opens, instead of skipping them.
    /// False (the guide's behaviour) when absent.
    pub hold: Option<bool>,
    pub language: Option<String>,
    pub maintenance: Option<bool>,
    pub outage: Option<bool>,
}

/// A destination's name: what its owner calls it (「運用チームのSlack」).
pub type DestinationName = BoundedText<80>;

#[derive(Debug, Clone, PartialEq)]
pub struct NewDestination {
    pub channel: HookChannel,
    pub name: DestinationName,
    pub url: WebhookUrl,
    pub window: DeliveryWindow,
    pub time_zone: TimeZoneName,
    pub holidays: HolidayRule,
    pub reminders: Reminders,
    pub hold: bool,
    pub language: Option<Language>,
    pub maintenance: bool,
    pub outage: bool,
}

fn kinds(e: &mut FieldErrors, maintenance: bool, outage: bool) {
    if !maintenance && !outage {
        e.push("maintenance", FieldCode::NoKind);
    }
}

impl NewDestinationRequest {
    pub fn parse(&self) -> Result<NewDestination, FieldErrors> {
        let mut e = FieldErrors::default();
        let channel = match self.channel.trim() {
            "" => e.take("channel", Err(FieldCode::Required)),
            c => e.take(
                "channel",
                HookChannel::parse(c).ok_or(FieldCode::UnknownChannel),
            ),
        };
        let name = e.take("name", DestinationName::parse(&self.name));
        let url = e.take("url", WebhookUrl::parse(&self.url));
        let window = super::window(&mut e, self.weekdays.as_deref(), self.hours.as_deref());
        let time_zone = super::zone_or_default(&mut e, self.time_zone.as_deref());
        let holidays = super::holidays_or_default(&mut e, self.holidays.as_deref());
        let reminders = super::reminders_or_default(&mut e, self.reminders.as_deref());
        let language = super::optional_language(&mut e, self.language.as_deref());
        let (maintenance, outage) = (
            self.maintenance.unwrap_or(true),
            self.outage.unwrap_or(true),
        );
        kinds(&mut e, maintenance, outage);
        match (
            channel, name, url, window, time_zone, holidays, reminders, language,
        ) {
            (
                Some(channel),
                Some(name),
                Some(url),
                Some(window),
                Some(time_zone),
                Some(holidays),
                Some(reminders),
                Some(language),
            ) if e.is_empty() => Ok(NewDestination {
                channel,
                name,
                url,
                window,
                time_zone,
                holidays,
                reminders,
                hold: self.hold.unwrap_or(false),
                language,
                maintenance,
                outage,
            }),
            _ => Err(e),
        }
    }
}

/// `PATCH /api/v1/me/destinations/{id}`: absent fields stay. The URL cannot change: a new
/// endpoint is a new destination, verified anew.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct DestinationPatch {
    pub name: Option<String>,
    pub weekdays: Option<Vec<String>>,
    pub hours: Option<Vec<i64>>,
    pub time_zone: Option<String>,
    pub holidays: Option<String>,
    pub reminders: Option<Vec<String>>,
    pub hold: Option<bool>,
    pub language: Option<String>,
    pub maintenance: Option<bool>,
    pub outage: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DestinationChange {
    pub name: Option<DestinationName>,
    pub window: DeliveryWindow,
    pub time_zone: Option<TimeZoneName>,
    pub holidays: Option<HolidayRule>,
    pub reminders: Option<Reminders>,
    pub hold: Option<bool>,
    pub language: Option<Language>,
    pub maintenance: bool,
    pub outage: bool,
}

impl DestinationPatch {
    /// Parses the patch against the stored window and kinds.
    pub fn parse(
        &self,
        window: DeliveryWindow,
        maintenance: bool,
        outage: bool,
    ) -> Result<DestinationChange, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = match &self.name {
            None => None,
            Some(n) => e.take("name", DestinationName::parse(n)),
        };
        let window =
            match super::merged_window(window, self.weekdays.as_deref(), self.hours.as_deref()) {
                Ok(w) => w,
                Err(list) => {
                    for (field, code) in list {
                        e.push(field, code);
                    }
                    window
                }
            };
        let time_zone = match &self.time_zone {
            None => None,
            Some(z) => e.take("time_zone", TimeZoneName::parse(z)),
        };
        let holidays = match &self.holidays {
            None => None,
            Some(h) => e.take("holidays", HolidayRule::parse(h)),
        };
        let reminders = match &self.reminders {
            None => None,
            Some(r) => e.take("reminders", Reminders::parse(r)),
        };
        let language = match &self.language {
            None => None,
            Some(l) => e.take("language", Language::parse(l)),
        };
        let maintenance = self.maintenance.unwrap_or(maintenance);
        let outage = self.outage.unwrap_or(outage);
        kinds(&mut e, maintenance, outage);
        if !e.is_empty() {
            return Err(e);
        }
        Ok(DestinationChange {
            name,
            window,
            time_zone,
            holidays,
            reminders,
            hold: self.hold,
            language,
            maintenance,
            outage,
        })
    }
}

/// What one attempt to reach a destination came to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryAttemptView {
    /// The endpoint answered with a 2xx status.
    pub delivered: bool,
    /// The HTTP status, when the endpoint answered at all.
    pub status: Option<u16>,
    /// What went wrong, or the start of the endpoint's answer.
    pub reply: Option<String>,
    pub latency_ms: i32,
    pub attempted_at: DateTime<Utc>,
}

/// `POST /api/v1/me/destinations` → 201.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DestinationCreated {
    pub destination: DestinationView,
    /// Generic webhooks only: the signing secret (`whsec_…`), shown this once.
    pub secret: Option<String>,
    /// The test event carrying the code to type back.
    pub test: DeliveryAttemptView,
}

/// `POST /api/v1/me/destinations/{id}/verification`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct DestinationCodeRequest {
    /// The code the test event carried.
    pub code: String,
}

/// `POST /api/v1/me/destinations/{id}/secret` → the new secret, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretRotated {
    pub secret: String,
    /// Until then, deliveries are signed with the old secret as well.
    pub previous_valid_until: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> NewDestinationRequest {
        NewDestinationRequest {
            channel: "slack".into(),
            name: "運用チーム".into(),
            url: "https://hooks.slack.com/services/T0/B0/x".into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_to_every_hour_and_both_kinds() {
        let d = request().parse().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(d.channel, HookChannel::Slack);
        assert_eq!(d.window, DeliveryWindow::ALL);
        assert!(d.maintenance && d.outage);
    }

    #[test]
    fn reports_every_bad_field() {
        let bad = NewDestinationRequest {
            channel: "fax".into(),
            name: "x".repeat(81),
            url: "hooks.slack.com".into(),
            maintenance: Some(false),
            outage: Some(false),
            ..Default::default()
        };
        let Err(e) = bad.parse() else {
            panic!("accepted")
        };
        let codes: Vec<(String, FieldCode)> =
            e.0.iter().map(|f| (f.field.clone(), f.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("channel".into(), FieldCode::UnknownChannel),
                ("name".into(), FieldCode::TooLong),
                ("url".into(), FieldCode::InvalidUrl),
                ("maintenance".into(), FieldCode::NoKind),
            ]
        );
    }
}

/// What a webhook event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum WebhookEventType {
    /// A notice's first publication.
    #[serde(rename = "notice.published")]
    NoticePublished,
    /// A follow-up publication of a notice (its status, times or text changed).
    #[serde(rename = "notice.updated")]
    NoticeUpdated,
    /// A maintenance is about to start (`data.reminder`: `24h` or `1h` before, or the last
    /// hour of the window before that).
    #[serde(rename = "notice.reminder")]
    NoticeReminder,
    /// Notices issued outside the destination's window, held until it opened: all of them in
    /// `data.notices`, oldest first, each with its `issued_at`.
    #[serde(rename = "notice.digest")]
    NoticeDigest,
    /// The destination was confirmed and now receives notices.
    #[serde(rename = "destination.verified")]
    DestinationVerified,
    /// A test, on creation (with the code to type back) or on demand.
    #[serde(rename = "test")]
    Test,
}

impl WebhookEventType {
    pub const fn code(self) -> &'static str {
        match self {
            Self::NoticePublished => "notice.published",
            Self::NoticeUpdated => "notice.updated",
            Self::NoticeReminder => "notice.reminder",
            Self::NoticeDigest => "notice.digest",
            Self::DestinationVerified => "destination.verified",
            Self::Test => "test",
        }
    }
}

/// The body of every generic webhook delivery, in the Standard Webhooks shape (`type`,
/// `timestamp`, `data`). The headers `webhook-id`, `webhook-timestamp` and
/// `webhook-signature` (`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, one
/// signature per valid secret, space-separated) come with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEvent {
    #[serde(rename = "type")]
    pub event_type: WebhookEventType,
    /// When the event happened (a publication's issue instant).
    pub timestamp: DateTime<Utc>,
    pub data: WebhookEventData,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEventData {
    /// Equal to the `webhook-id` header: the same on every retry of a delivery, so a
    /// receiver that has seen it can drop the repeat.
    pub idempotency_key: String,
    pub destination_id: String,
    /// Notice events: the publication and its place in the notice's thread (0 = first).
    pub publication_id: Option<String>,
    pub sequence: Option<i32>,
    pub notice: Option<WebhookNotice>,
    /// `notice.reminder`: which reminder the destination asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder: Option<ReminderLead>,
    /// `notice.digest`: the notices held, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<WebhookNotice>,
    /// `test` events sent on creation: the code to type back in My Support.
    pub code: Option<String>,
}

/// A notice as a webhook event carries it, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookNotice {
    pub id: String,
    pub kind: super::NoticeKind,
    pub status: super::NoticeStatus,
    pub products: Vec<super::NoticeProduct>,
    pub title_ja: String,
    pub title_en: Option<String>,
    /// This publication's text.
    pub body_ja: String,
    pub body_en: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    /// When this publication was issued (in a digest, earlier than the event).
    pub issued_at: DateTime<Utc>,
    /// The state it gives its products, as the status page shows it (none for a
    /// maintenance still ahead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<super::ProductState>,
    /// The notice's page.
    pub url: String,
}

/// `GET /api/v1/stopped-destinations` (operators): every destination nothing is sent to
/// because it bounced or kept failing, newest first, with the counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoppedDestinations {
    pub suspended_addresses: i64,
    pub quarantined_webhooks: i64,
    /// The 100 most recently suspended addresses.
    pub addresses: Vec<SuspendedAddress>,
    /// The 100 most recently quarantined webhook destinations.
    pub webhooks: Vec<QuarantinedWebhook>,
}

/// A suspended delivery address as an operator sees it: masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuspendedAddress {
    /// `t***@example.com`.
    pub email_masked: String,
    pub suspension: crate::dto::RecipientSuspension,
}

/// A quarantined webhook destination as an operator sees it: never its URL (a chat
/// webhook's URL is its credential).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuarantinedWebhook {
    pub name: String,
    pub channel: HookChannel,
    pub since: DateTime<Utc>,
    pub last_error: Option<String>,
}
