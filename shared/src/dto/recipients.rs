use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    DeliveryWindow, EmailAddress, HolidayRule, Language, ReminderLead, Reminders, TimeZoneName,
    Weekday,
};
use crate::problem::FieldErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RecipientStatus {
    /// Waiting for its owner to confirm the address: receives no notices yet.
    Pending,
    Verified,
    /// 配信停止中 (バウンス): its mail server refused our mail; nothing is sent until its
    /// owner resumes it and confirms the address again.
    Suspended,
}

/// Why an address was suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SuspensionReason {
    /// Its server said the mailbox does not exist or is disabled (5.1.x, 5.2.1).
    NoSuchUser,
    /// Three permanent failures in a row.
    RepeatedFailures,
}

/// A suspended address: since when, why, and what its mail server answered last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientSuspension {
    pub reason: SuspensionReason,
    pub since: DateTime<Utc>,
    /// The mail server's reply, e.g. `550 5.1.1 User unknown`.
    pub reply: Option<String>,
}

/// `GET /api/v1/recipient-verifications/{token}`: the verification link still works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientVerificationStatus {
    /// The address to be confirmed, masked (`t***@example.com`).
    pub email_masked: String,
    pub expires_at: DateTime<Utc>,
}

/// A delivery address (配信先メールアドレス) with its window (配信希望曜日・希望時間).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientView {
    pub id: String,
    pub email: String,
    pub weekdays: Vec<Weekday>,
    pub hours: Vec<u8>,
    pub time_zone: String,
    /// Whether it receives notices on Japan's public holidays and 12/29–1/3, judged in
    /// `time_zone`.
    pub holidays: HolidayRule,
    /// Maintenance reminders before the start (`24h`, `1h`).
    pub reminders: Vec<ReminderLead>,
    /// A notice issued outside the window waits for it to open (with any others, as one
    /// digest) instead of being skipped.
    pub hold: bool,
    pub language: Language,
    pub status: RecipientStatus,
    /// Set while `status` is `suspended`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspension: Option<RecipientSuspension>,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/me/recipients`: absent `weekdays`/`hours` mean all, `time_zone` defaults to
/// `Asia/Tokyo`, `holidays` to `deliver`, `language` to the account's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewRecipientRequest {
    pub email: String,
    pub weekdays: Option<Vec<String>>,
    pub hours: Option<Vec<i64>>,
    pub time_zone: Option<String>,
    /// `deliver`, `skip` (nothing on public holidays) or `skip_with_year_end` (nor from
    /// 12/29 to 1/3).
    pub holidays: Option<String>,
    /// Maintenance reminders: `24h` and/or `1h` before the start, each at the last hour of
    /// the window before it when the lead falls outside. None when absent.
    pub reminders: Option<Vec<String>>,
    /// Hold notices issued outside the window until it opens, instead of skipping them.
    /// False (the guide's behaviour) when absent.
    pub hold: Option<bool>,
    pub language: Option<String>,
}

/// `PATCH /api/v1/me/recipients/{id}`: absent fields stay. A new `email` makes the address
/// pending again; a new window keeps it verified.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RecipientPatch {
    pub email: Option<String>,
    pub weekdays: Option<Vec<String>>,
    pub hours: Option<Vec<i64>>,
    pub time_zone: Option<String>,
    pub holidays: Option<String>,
    pub reminders: Option<Vec<String>>,
    pub hold: Option<bool>,
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewRecipient {
    pub email: EmailAddress,
    pub window: DeliveryWindow,
    pub time_zone: TimeZoneName,
    pub holidays: HolidayRule,
    pub reminders: Reminders,
    pub hold: bool,
    pub language: Option<Language>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecipientChange {
    pub email: Option<EmailAddress>,
    /// Weekdays and hours are replaced together when either is given; `None` keeps both.
    pub weekdays: Option<Vec<String>>,
    pub hours: Option<Vec<i64>>,
    pub time_zone: Option<TimeZoneName>,
    pub holidays: Option<HolidayRule>,
    pub reminders: Option<Reminders>,
    pub hold: Option<bool>,
    pub language: Option<Language>,
}

impl NewRecipientRequest {
    pub fn parse(&self) -> Result<NewRecipient, FieldErrors> {
        let mut e = FieldErrors::default();
        let email = e.take("email", EmailAddress::parse(&self.email));
        let window = super::window(&mut e, self.weekdays.as_deref(), self.hours.as_deref());
        let time_zone = super::zone_or_default(&mut e, self.time_zone.as_deref());
        let holidays = super::holidays_or_default(&mut e, self.holidays.as_deref());
        let reminders = super::reminders_or_default(&mut e, self.reminders.as_deref());
        let language = super::optional_language(&mut e, self.language.as_deref());
        match (email, window, time_zone, holidays, reminders, language) {
            (
                Some(email),
                Some(window),
                Some(time_zone),
                Some(holidays),
                Some(reminders),
                Some(language),
            ) if e.is_empty() => Ok(NewRecipient {
                email,
                window,
                time_zone,
                holidays,
                reminders,
                hold: self.hold.unwrap_or(false),
                language,
            }),
            _ => Err(e),
        }
    }
}

impl RecipientPatch {
    pub fn parse(&self) -> Result<RecipientChange, FieldErrors> {
        let mut e = FieldErrors::default();
        let mut change = RecipientChange::default();
        if let Some(v) = &self.email {
            change.email = e.take("email", EmailAddress::parse(v));
        }
        if self.weekdays.is_some() || self.hours.is_some() {
            // Validate now; the handler merges with the stored window.
            super::window(&mut e, self.weekdays.as_deref(), self.hours.as_deref());
            change.weekdays = self.weekdays.clone();
            change.hours = self.hours.clone();
        }
        if let Some(v) = &self.time_zone {
            change.time_zone = e.take("time_zone", TimeZoneName::parse(v));
        }
        if let Some(v) = &self.holidays {
            change.holidays = e.take("holidays", HolidayRule::parse(v));
        }
        if let Some(v) = &self.reminders {
            change.reminders = e.take("reminders", Reminders::parse(v));
        }
        change.hold = self.hold;
        if let Some(v) = &self.language {
            change.language = e.take("language", Language::parse(v));
        }
        if e.is_empty() { Ok(change) } else { Err(e) }
    }
}

impl RecipientChange {
    /// The window after this change, given the stored one.
    pub fn window(&self, current: DeliveryWindow) -> DeliveryWindow {
        super::merged_window(current, self.weekdays.as_deref(), self.hours.as_deref())
            .unwrap_or(current)
    }
}

/// `GET …/preview?at=T[&starts_at=S]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryPreview {
    /// Would a notice issued at `at` be mailed to this address (or, for the account, to any)
    /// at once?
    pub delivers: bool,
    /// Not at once, but held until the window opens at this instant (an address that holds
    /// notices; for the account, the earliest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_until: Option<DateTime<Utc>>,
    /// With `starts_at`: the reminders of a maintenance issued at `at` and starting then.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reminders: Vec<ReminderPreview>,
    /// Per address, for the account-wide preview.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<RecipientPreview>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientPreview {
    pub id: String,
    pub delivers: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_until: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reminders: Vec<ReminderPreview>,
}

/// A reminder the destination asked for: when it would go, or `null` when no hour of its
/// window begins between the publication and the lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderPreview {
    pub lead: ReminderLead,
    pub at: Option<DateTime<Utc>>,
}

/// One hour of the week in the account's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekHour {
    pub weekday: Weekday,
    pub hour: u8,
}

/// `GET /api/v1/me/coverage`: the hours of the week in which no verified address of the
/// account would receive a notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    pub time_zone: String,
    pub uncovered: Vec<WeekHour>,
    /// Hours covered on ordinary days that no address covers on a public holiday (every
    /// address that covers them skips holidays).
    pub holiday_uncovered: Vec<WeekHour>,
    /// The same for the year-end break (12/29–1/3) when it is not a holiday.
    pub year_end_uncovered: Vec<WeekHour>,
}
