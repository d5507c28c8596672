//! Webhook destinations (generic, Slack, Teams): their settings, their verification by a
//! code sent in a test event, their signing secrets, and their health: a run of failures
//! long enough quarantines one.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use rand::{Rng, RngCore};
use shared::domain::{
    DeliveryWindow, HolidayRule, Language, Reminders, Schedule, TimeZoneName, WebhookUrl,
};
use shared::dto::{DestinationChange, DestinationStatus, DestinationView, HookChannel};

use crate::auth::token;
use crate::db::DbConnection;
use crate::schema::webhooks;

/// Consecutive failures that quarantine a destination, if they also span `QUARANTINE_SPAN`.
pub const QUARANTINE_FAILURES: i32 = 10;
pub const QUARANTINE_SPAN: Duration = Duration::hours(1);
/// How long a test event's code can be typed back.
pub const CODE_VALIDITY: Duration = Duration::hours(24);
/// How long the previous secret still signs after a rotation.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);
/// A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 8;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct Webhook {
    pub id: String,
    pub account_id: String,
    pub channel: String,
    pub name: String,
    pub url: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<NaiveDateTime>,
    pub weekdays: i32,
    pub hours: i32,
    pub time_zone: String,
    pub language: String,
    pub maintenance: bool,
    pub outage: bool,
    pub status: String,
    pub code_hash: Option<String>,
    pub code_expires_at: Option<NaiveDateTime>,
    pub failures: i32,
    pub failing_since: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub quarantined_at: Option<NaiveDateTime>,
    pub verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub holidays: String,
    /// The maintenance reminders asked for, as the bits of [`Reminders`].
    pub reminders: i32,
    /// Notices issued outside the window wait for it instead of being skipped.
    pub hold: bool,
}

/// What delivering to a destination needs, and no more: read for every claimed batch.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct Endpoint {
    pub id: String,
    pub channel: String,
    pub url: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<NaiveDateTime>,
    pub language: String,
    pub time_zone: String,
    pub status: String,
    pub failures: i32,
}

impl Endpoint {
    /// Endpoints by destination id, whoever owns them.
    pub fn by_ids(conn: &mut DbConnection, ids: &[&str]) -> QueryResult<Vec<Endpoint>> {
        webhooks::table
            .filter(webhooks::id.eq_any(ids))
            .select(Self::as_select())
            .load(conn)
    }

    pub fn channel(&self) -> HookChannel {
        HookChannel::parse(&self.channel).unwrap_or(HookChannel::Webhook)
    }

    pub fn status(&self) -> DestinationStatus {
        DestinationStatus::parse(&self.status).unwrap_or(DestinationStatus::Pending)
    }

    pub fn language(&self) -> Language {
        Language::parse(&self.language).unwrap_or_default()
    }

    pub fn zone(&self) -> TimeZoneName {
        TimeZoneName::parse(&self.time_zone).unwrap_or(TimeZoneName::DEFAULT)
    }

    /// The secrets that sign a delivery at `now`: the current one, and the previous one
    /// while its overlap lasts.
    pub fn signing_secrets(&self, now: NaiveDateTime) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(old), Some(until)) = (&self.previous_secret, self.previous_secret_until)
            && now < until
        {
            secrets.push(old);
        }
        secrets
    }
}

/// A new signing secret: `whsec_` and 32 random bytes in base64, as Standard Webhooks
/// writes them.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("whsec_{}", STANDARD.encode(bytes))
}

/// A new verification code, and its hash.
pub fn new_code() -> (String, String) {
    let mut rng = rand::rng();
    let code: String = (0..CODE_LEN)
        .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
        .collect();
    let hash = token::hash(&code);
    (code, hash)
}

/// What a customer types back, as the code was sent: case and spaces do not matter.
fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

pub struct NewWebhook<'a> {
    pub account_id: &'a str,
    pub channel: HookChannel,
    pub name: &'a str,
    pub url: &'a WebhookUrl,
    pub window: DeliveryWindow,
    pub time_zone: &'a str,
    pub holidays: HolidayRule,
    pub reminders: Reminders,
    pub hold: bool,
    pub language: Language,
    pub maintenance: bool,
    pub outage: bool,
}

impl Webhook {
    /// What delivering to it needs.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint {
            id: self.id.clone(),
            channel: self.channel.clone(),
            url: self.url.clone(),
            secret: self.secret.clone(),
            previous_secret: self.previous_secret.clone(),
            previous_secret_until: self.previous_secret_until,
            language: self.language.clone(),
            time_zone: self.time_zone.clone(),
            status: self.status.clone(),
            failures: self.failures,
        }
    }

    pub fn channel(&self) -> HookChannel {
        HookChannel::parse(&self.channel).unwrap_or(HookChannel::Webhook)
    }

    pub fn status(&self) -> DestinationStatus {
        DestinationStatus::parse(&self.status).unwrap_or(DestinationStatus::Pending)
    }

    pub fn window(&self) -> DeliveryWindow {
        DeliveryWindow::from_bits(self.weekdays, self.hours)
    }

    /// When it takes notices: window, holiday rule and zone.
    pub fn schedule(&self) -> Schedule {
        Schedule::stored(&self.time_zone, self.weekdays, self.hours, &self.holidays)
    }

    /// Scheme and host, the rest masked: a chat webhook's path is its credential.
    pub fn url_masked(&self) -> String {
        match url::Url::parse(&self.url) {
            Ok(u) => format!(
                "{}://{}{}/…",
                u.scheme(),
                u.host_str().unwrap_or(""),
                u.port().map(|p| format!(":{p}")).unwrap_or_default()
            ),
            Err(_) => "…".to_owned(),
        }
    }

    pub fn view(&self) -> DestinationView {
        let window = self.window();
        DestinationView {
            id: self.id.clone(),
            channel: self.channel(),
            name: self.name.clone(),
            url_masked: self.url_masked(),
            weekdays: window.weekdays(),
            hours: window.hours(),
            time_zone: self.time_zone.clone(),
            holidays: HolidayRule::from_code(&self.holidays),
            reminders: Reminders::from_bits(self.reminders).leads(),
            hold: self.hold,
            language: Language::parse(&self.language).unwrap_or_default(),
            maintenance: self.maintenance,
            outage: self.outage,
            status: self.status(),
            last_error: self.last_error.clone(),
            quarantined_at: self.quarantined_at.map(utc),
            created_at: utc(self.created_at),
        }
    }

    /// Inserts a pending destination with a new secret and code; returns it and the code.
    pub fn insert(
        conn: &mut DbConnection,
        new: &NewWebhook<'_>,
        now: NaiveDateTime,
    ) -> QueryResult<(Webhook, String)> {
        let id = super::new_id();
        let (weekdays, hours) = new.window.bits();
        let (code, code_hash) = new_code();
        diesel::insert_into(webhooks::table)
            .values((
                webhooks::id.eq(&id),
                webhooks::account_id.eq(new.account_id),
                webhooks::channel.eq(new.channel.code()),
                webhooks::name.eq(new.name),
                webhooks::url.eq(new.url.as_str()),
                webhooks::secret.eq(new_secret()),
                webhooks::weekdays.eq(weekdays),
                webhooks::hours.eq(hours),
                webhooks::time_zone.eq(new.time_zone),
                webhooks::holidays.eq(new.holidays.code()),
                webhooks::reminders.eq(new.reminders.bits()),
                webhooks::hold.eq(new.hold),
                webhooks::language.eq(new.language.code()),
                webhooks::maintenance.eq(new.maintenance),
                webhooks::outage.eq(new.outage),
                webhooks::status.eq(DestinationStatus::Pending.code()),
                webhooks::code_hash.eq(&code_hash),
                webhooks::code_expires_at.eq(now + CODE_VALIDITY),
                webhooks::failures.eq(0),
                webhooks::created_at.eq(now),
                webhooks::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok((webhooks::table.find(&id).first(conn)?, code))
    }

    pub fn list(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<Webhook>> {
        webhooks::table
            .filter(webhooks::account_id.eq(account_id))
            .order((webhooks::created_at.asc(), webhooks::id.asc()))
            .load(conn)
    }

    /// Quarantined destinations of every account, most recently quarantined first: how many
    /// there are, and the first `limit`.
    pub fn quarantined(conn: &mut DbConnection, limit: i64) -> QueryResult<(i64, Vec<Webhook>)> {
        let stopped =
            || webhooks::table.filter(webhooks::status.eq(DestinationStatus::Quarantined.code()));
        let count = stopped().count().get_result(conn)?;
        let first = stopped()
            .order((webhooks::quarantined_at.desc(), webhooks::id.asc()))
            .limit(limit)
            .load(conn)?;
        Ok((count, first))
    }

    /// The account's destination with this id; another account's is simply not found.
    pub fn find(
        conn: &mut DbConnection,
        account_id: &str,
        id: &str,
    ) -> QueryResult<Option<Webhook>> {
        webhooks::table
            .filter(webhooks::id.eq(id))
            .filter(webhooks::account_id.eq(account_id))
            .first(conn)
            .optional()
    }

    /// Applies a parsed change: absent name, zone and language stay as they are.
    pub fn update(
        conn: &mut DbConnection,
        hook: &Webhook,
        change: &DestinationChange,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        let (weekdays, hours) = change.window.bits();
        diesel::update(webhooks::table.find(&hook.id))
            .set((
                webhooks::name.eq(change
                    .name
                    .as_ref()
                    .map_or(hook.name.as_str(), |n| n.as_str())),
                webhooks::time_zone.eq(change
                    .time_zone
                    .map_or(hook.time_zone.as_str(), |z| z.name())),
                webhooks::holidays.eq(change.holidays.map_or(hook.holidays.as_str(), |h| h.code())),
                webhooks::reminders.eq(change.reminders.map_or(hook.reminders, |r| r.bits())),
                webhooks::hold.eq(change.hold.unwrap_or(hook.hold)),
                webhooks::language.eq(change.language.map_or(hook.language.as_str(), |l| l.code())),
                webhooks::weekdays.eq(weekdays),
                webhooks::hours.eq(hours),
                webhooks::maintenance.eq(change.maintenance),
                webhooks::outage.eq(change.outage),
                webhooks::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// How many destinations the account keeps.
    pub fn count(conn: &mut DbConnection, account_id: &str) -> QueryResult<i64> {
        webhooks::table
            .filter(webhooks::account_id.eq(account_id))
            .count()
            .get_result(conn)
    }

    pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<usize> {
        diesel::delete(webhooks::table.find(id)).execute(conn)
    }

    /// A fresh code for a destination still pending (the old one stops working).
    pub fn reissue_code(
        conn: &mut DbConnection,
        id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<String> {
        let (code, hash) = new_code();
        diesel::update(
            webhooks::table
                .find(id)
                .filter(webhooks::status.eq(DestinationStatus::Pending.code())),
        )
        .set((
            webhooks::code_hash.eq(&hash),
            webhooks::code_expires_at.eq(now + CODE_VALIDITY),
        ))
        .execute(conn)?;
        Ok(code)
    }

    /// Activates a pending destination whose code matches and is still valid; one
    /// conditional update, so a code works once. Returns whether it did.
    pub fn verify(
        conn: &mut DbConnection,
        id: &str,
        typed: &str,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let hash = token::hash(&normalise_code(typed));
        let n = diesel::update(
            webhooks::table
                .find(id)
                .filter(webhooks::status.eq(DestinationStatus::Pending.code()))
                .filter(webhooks::code_hash.eq(&hash))
                .filter(webhooks::code_expires_at.gt(now)),
        )
        .set((
            webhooks::status.eq(DestinationStatus::Active.code()),
            webhooks::code_hash.eq(None::<String>),
            webhooks::code_expires_at.eq(None::<NaiveDateTime>),
            webhooks::verified_at.eq(now),
            webhooks::updated_at.eq(now),
        ))
        .execute(conn)?;
        Ok(n == 1)
    }

    /// A new secret; the old one keeps signing for `ROTATION_OVERLAP`.
    pub fn rotate_secret(
        conn: &mut DbConnection,
        hook: &Webhook,
        now: NaiveDateTime,
    ) -> QueryResult<(String, NaiveDateTime)> {
        let secret = new_secret();
        let until = now + ROTATION_OVERLAP;
        diesel::update(webhooks::table.find(&hook.id))
            .set((
                webhooks::secret.eq(&secret),
                webhooks::previous_secret.eq(&hook.secret),
                webhooks::previous_secret_until.eq(until),
                webhooks::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok((secret, until))
    }

    /// Takes a quarantined destination back into service with a clean slate.
    pub fn resume(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
        let n = diesel::update(
            webhooks::table
                .find(id)
                .filter(webhooks::status.eq(DestinationStatus::Quarantined.code())),
        )
        .set((
            webhooks::status.eq(DestinationStatus::Active.code()),
            webhooks::failures.eq(0),
            webhooks::failing_since.eq(None::<NaiveDateTime>),
            webhooks::quarantined_at.eq(None::<NaiveDateTime>),
            webhooks::updated_at.eq(now),
        ))
        .execute(conn)?;
        Ok(n == 1)
    }

    /// A successful delivery ends any run of failures.
    pub fn record_success(conn: &mut DbConnection, ids: &[&str]) -> QueryResult<()> {
        diesel::update(
            webhooks::table
                .filter(webhooks::id.eq_any(ids))
                .filter(webhooks::failures.gt(0)),
        )
        .set((
            webhooks::failures.eq(0),
            webhooks::failing_since.eq(None::<NaiveDateTime>),
            webhooks::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
        Ok(())
    }

    /// A failed attempt extends the run of failures; the run quarantines an active
    /// destination once it has `QUARANTINE_FAILURES` failures over at least
    /// `QUARANTINE_SPAN`. Returns the destination if this failure quarantined it.
    pub fn record_failure(
        conn: &mut DbConnection,
        id: &str,
        error: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<Webhook>> {
        diesel::update(webhooks::table.find(id))
            .set((
                webhooks::failures.eq(webhooks::failures + 1),
                webhooks::failing_since.eq(diesel::dsl::sql::<
                    diesel::sql_types::Nullable<diesel::sql_types::Timestamp>,
                >("COALESCE(failing_since, ")
                .bind::<diesel::sql_types::Timestamp, _>(now)
                .sql(")")),
                webhooks::last_error.eq(error),
            ))
            .execute(conn)?;
        let n = diesel::update(
            webhooks::table
                .find(id)
                .filter(webhooks::status.eq(DestinationStatus::Active.code()))
                .filter(webhooks::failures.ge(QUARANTINE_FAILURES))
                .filter(webhooks::failing_since.le(now - QUARANTINE_SPAN)),
        )
        .set((
            webhooks::status.eq(DestinationStatus::Quarantined.code()),
            webhooks::quarantined_at.eq(now),
            webhooks::updated_at.eq(now),
        ))
        .execute(conn)?;
        if n == 0 {
            return Ok(None);
        }
        webhooks::table.find(id).first(conn).optional()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typed_back_forgivingly() {
        let (code, hash) = new_code();
        assert_eq!(code.len(), CODE_LEN);
        assert_eq!(token::hash(&normalise_code(&code.to_lowercase())), hash);
        let spaced = format!("{} {}", &code[..4], &code[4..]);
        assert_eq!(token::hash(&normalise_code(&spaced)), hash);
    }

    #[test]
    fn secrets_look_like_standard_webhooks_secrets() {
        let s = new_secret();
        let key = s.strip_prefix("whsec_").map(|k| STANDARD.decode(k));
        assert!(matches!(key, Some(Ok(bytes)) if bytes.len() == 32));
        assert_ne!(new_secret(), s);
    }
}
