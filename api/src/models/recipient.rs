//! Delivery addresses and their verification.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use shared::domain::{DeliveryWindow, HolidayRule, Language, Reminders, Schedule, TimeZoneName};
use shared::dto::{
    RecipientPreview, RecipientStatus, RecipientSuspension, RecipientView, ReminderPreview,
    SuspensionReason,
};

use crate::auth::token::{self, IssuedToken};
use crate::db::DbConnection;
use crate::schema::{recipient_verifications, recipients};

pub const PENDING: &str = "pending";
pub const VERIFIED: &str = "verified";
pub const SUSPENDED: &str = "suspended";
/// Permanent failures in a row that suspend an address whatever their reply said.
pub const BOUNCES_TO_SUSPEND: i32 = 3;

#[derive(Debug, Clone, Queryable)]
#[diesel(table_name = recipients)]
pub struct Recipient {
    pub id: String,
    pub account_id: String,
    pub email: String,
    pub weekdays: i32,
    pub hours: i32,
    pub time_zone: String,
    pub language: String,
    pub status: String,
    pub verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Permanent delivery failures since the last success.
    pub bounces: i32,
    pub suspended_at: Option<NaiveDateTime>,
    pub suspension: Option<String>,
    pub last_bounce: Option<String>,
    pub holidays: String,
    /// The maintenance reminders asked for, as the bits of [`Reminders`].
    pub reminders: i32,
    /// Notices issued outside the window wait for it instead of being skipped.
    pub hold: bool,
}

/// A permanent refusal of a notice mail by the address's server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    pub recipient_id: String,
    /// The server said the mailbox does not exist or is disabled.
    pub no_such_user: bool,
    pub reply: String,
}

pub struct NewRecipientRow<'a> {
    pub account_id: &'a str,
    pub email: &'a str,
    pub window: DeliveryWindow,
    pub time_zone: &'a str,
    pub holidays: HolidayRule,
    pub reminders: Reminders,
    pub hold: bool,
    pub language: Language,
    pub verified: bool,
}

impl Recipient {
    pub fn window(&self) -> DeliveryWindow {
        DeliveryWindow::from_bits(self.weekdays, self.hours)
    }

    pub fn zone(&self) -> TimeZoneName {
        TimeZoneName::parse(&self.time_zone).unwrap_or(TimeZoneName::DEFAULT)
    }

    pub fn holidays(&self) -> HolidayRule {
        HolidayRule::from_code(&self.holidays)
    }

    pub fn language(&self) -> Language {
        Language::parse(&self.language).unwrap_or_default()
    }

    pub fn is_verified(&self) -> bool {
        self.status == VERIFIED
    }

    /// Would a notice issued at `at` be mailed here? Only verified addresses get mail.
    pub fn delivers_at(&self, at: DateTime<Utc>) -> bool {
        self.is_verified() && self.admits(at)
    }

    /// Does the window, with the holiday rule, admit `at` (whatever the status)?
    pub fn admits(&self, at: DateTime<Utc>) -> bool {
        self.schedule().admits(at)
    }

    /// When it takes notices: window, holiday rule and zone.
    pub fn schedule(&self) -> Schedule {
        Schedule::stored(&self.time_zone, self.weekdays, self.hours, &self.holidays)
    }

    pub fn reminders(&self) -> Reminders {
        Reminders::from_bits(self.reminders)
    }

    /// What becomes of a notice issued at `at` here: sent at once, held until the window
    /// opens, or neither; and, for a maintenance starting at `starts_at`, its reminders.
    /// Only verified addresses get anything.
    pub fn preview(&self, at: DateTime<Utc>, starts_at: Option<DateTime<Utc>>) -> RecipientPreview {
        let schedule = self.schedule();
        let verified = self.is_verified();
        let delivers = verified && schedule.admits(at);
        RecipientPreview {
            id: self.id.clone(),
            delivers,
            held_until: (verified && self.hold && !delivers)
                .then(|| schedule.next_opening(at))
                .flatten(),
            reminders: match starts_at.filter(|_| verified) {
                None => Vec::new(),
                Some(start) => self
                    .reminders()
                    .leads()
                    .into_iter()
                    .map(|lead| ReminderPreview {
                        lead,
                        at: schedule.reminder_at(lead, at, start),
                    })
                    .collect(),
            },
        }
    }

    pub fn view(&self) -> RecipientView {
        let window = self.window();
        RecipientView {
            id: self.id.clone(),
            email: self.email.clone(),
            weekdays: window.weekdays(),
            hours: window.hours(),
            time_zone: self.time_zone.clone(),
            holidays: self.holidays(),
            reminders: self.reminders().leads(),
            hold: self.hold,
            language: self.language(),
            status: match self.status.as_str() {
                VERIFIED => RecipientStatus::Verified,
                SUSPENDED => RecipientStatus::Suspended,
                _ => RecipientStatus::Pending,
            },
            suspension: self.suspension_view(),
            created_at: DateTime::<Utc>::from_naive_utc_and_offset(self.created_at, Utc),
        }
    }

    pub fn is_suspended(&self) -> bool {
        self.status == SUSPENDED
    }

    fn suspension_view(&self) -> Option<RecipientSuspension> {
        if !self.is_suspended() {
            return None;
        }
        Some(RecipientSuspension {
            reason: match self.suspension.as_deref() {
                Some("no_such_user") => SuspensionReason::NoSuchUser,
                _ => SuspensionReason::RepeatedFailures,
            },
            since: DateTime::<Utc>::from_naive_utc_and_offset(
                self.suspended_at.unwrap_or(self.updated_at),
                Utc,
            ),
            reply: self.last_bounce.clone(),
        })
    }

    /// Suspended addresses of every account, most recently suspended first: how many there
    /// are, and the first `limit`.
    pub fn suspended(conn: &mut DbConnection, limit: i64) -> QueryResult<(i64, Vec<Recipient>)> {
        let stopped = || recipients::table.filter(recipients::status.eq(SUSPENDED));
        let count = stopped().count().get_result(conn)?;
        let first = stopped()
            .order((recipients::suspended_at.desc(), recipients::id.asc()))
            .limit(limit)
            .load(conn)?;
        Ok((count, first))
    }

    /// As an operator sees it: the address masked.
    pub fn operator_view(&self) -> Option<shared::dto::SuspendedAddress> {
        Some(shared::dto::SuspendedAddress {
            email_masked: shared::domain::EmailAddress::parse(&self.email)
                .map(|e| e.masked())
                .unwrap_or_else(|_| "***".to_owned()),
            suspension: self.suspension_view()?,
        })
    }

    /// Ends the runs of failures of addresses that were just delivered to. Only rows with
    /// a run are written: the common success changes nothing.
    pub fn record_deliveries(conn: &mut DbConnection, ids: &[&str]) -> QueryResult<usize> {
        let mut cleared = 0;
        for chunk in ids.chunks(1000) {
            cleared += diesel::update(
                recipients::table
                    .filter(recipients::id.eq_any(chunk))
                    .filter(recipients::bounces.gt(0)),
            )
            .set(recipients::bounces.eq(0))
            .execute(conn)?;
        }
        Ok(cleared)
    }

    /// Counts a bounce against its address and suspends a verified address whose server
    /// said the mailbox does not exist, or whose mail failed `BOUNCES_TO_SUSPEND` times in a
    /// row. Returns the address if this bounce suspended it (and only then: its owner is told
    /// once).
    pub fn record_bounce(
        conn: &mut DbConnection,
        bounce: &Bounce,
        now: NaiveDateTime,
    ) -> QueryResult<Option<Recipient>> {
        let row = recipients::table.find(&bounce.recipient_id);
        diesel::update(row)
            .set((
                recipients::bounces.eq(recipients::bounces + 1),
                recipients::last_bounce.eq(&bounce.reply),
            ))
            .execute(conn)?;
        let reason = if bounce.no_such_user {
            "no_such_user"
        } else {
            "repeated_failures"
        };
        let mut suspend = diesel::update(row.filter(recipients::status.eq(VERIFIED))).into_boxed();
        if !bounce.no_such_user {
            suspend = suspend.filter(recipients::bounces.ge(BOUNCES_TO_SUSPEND));
        }
        let suspended = suspend
            .set((
                recipients::status.eq(SUSPENDED),
                recipients::suspended_at.eq(now),
                recipients::suspension.eq(reason),
                recipients::updated_at.eq(now),
            ))
            .execute(conn)?;
        if suspended == 0 {
            return Ok(None);
        }
        row.first(conn).optional()
    }

    /// Takes a suspended address back: it waits for its owner to confirm it again, with a
    /// clean slate of failures. False when it was not suspended.
    pub fn resume(&mut self, conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<bool> {
        let resumed = diesel::update(
            recipients::table
                .find(&self.id)
                .filter(recipients::status.eq(SUSPENDED)),
        )
        .set((
            recipients::status.eq(PENDING),
            recipients::verified_at.eq(None::<NaiveDateTime>),
            recipients::bounces.eq(0),
            recipients::suspended_at.eq(None::<NaiveDateTime>),
            recipients::suspension.eq(None::<String>),
            recipients::updated_at.eq(now),
        ))
        .execute(conn)?;
        if resumed == 1 {
            *self = recipients::table.find(&self.id).first(conn)?;
        }
        Ok(resumed == 1)
    }

    pub fn insert(
        conn: &mut DbConnection,
        new: &NewRecipientRow,
        now: NaiveDateTime,
    ) -> QueryResult<Recipient> {
        let id = super::new_id();
        let (weekdays, hours) = new.window.bits();
        diesel::insert_into(recipients::table)
            .values((
                recipients::id.eq(&id),
                recipients::account_id.eq(new.account_id),
                recipients::email.eq(new.email),
                recipients::weekdays.eq(weekdays),
                recipients::hours.eq(hours),
                recipients::time_zone.eq(new.time_zone),
                recipients::holidays.eq(new.holidays.code()),
                recipients::reminders.eq(new.reminders.bits()),
                recipients::hold.eq(new.hold),
                recipients::language.eq(new.language.code()),
                recipients::status.eq(if new.verified { VERIFIED } else { PENDING }),
                recipients::verified_at.eq(new.verified.then_some(now)),
                recipients::created_at.eq(now),
                recipients::updated_at.eq(now),
            ))
            .execute(conn)?;
        recipients::table.find(&id).first(conn)
    }

    pub fn list(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<Recipient>> {
        recipients::table
            .filter(recipients::account_id.eq(account_id))
            .order((recipients::created_at.asc(), recipients::id.asc()))
            .load(conn)
    }

    pub fn count(conn: &mut DbConnection, account_id: &str) -> QueryResult<i64> {
        recipients::table
            .filter(recipients::account_id.eq(account_id))
            .count()
            .get_result(conn)
    }

    /// The account's address with this id; another account's is simply not found.
    pub fn find(
        conn: &mut DbConnection,
        account_id: &str,
        id: &str,
    ) -> QueryResult<Option<Recipient>> {
        recipients::table
            .find(id)
            .filter(recipients::account_id.eq(account_id))
            .first(conn)
            .optional()
    }

    pub fn find_by_email(
        conn: &mut DbConnection,
        account_id: &str,
        email: &str,
    ) -> QueryResult<Option<Recipient>> {
        recipients::table
            .filter(recipients::account_id.eq(account_id))
            .filter(recipients::email.eq(email))
            .first(conn)
            .optional()
    }

    pub fn save(&self, conn: &mut DbConnection) -> QueryResult<usize> {
        diesel::update(recipients::table.find(&self.id))
            .set((
                recipients::email.eq(&self.email),
                recipients::weekdays.eq(self.weekdays),
                recipients::hours.eq(self.hours),
                recipients::time_zone.eq(&self.time_zone),
                recipients::holidays.eq(&self.holidays),
                recipients::reminders.eq(self.reminders),
                recipients::hold.eq(self.hold),
                recipients::language.eq(&self.language),
                recipients::status.eq(&self.status),
                recipients::verified_at.eq(self.verified_at),
                recipients::updated_at.eq(self.updated_at),
            ))
            .execute(conn)
    }

    pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<usize> {
        diesel::delete(recipients::table.find(id)).execute(conn)
    }

    /// A new verification token for the current address (24 h, single use).
    pub fn issue_verification(
        &self,
        conn: &mut DbConnection,
        now: NaiveDateTime,
    ) -> QueryResult<IssuedToken> {
        let issued = token::issue();
        diesel::insert_into(recipient_verifications::table)
            .values((
                recipient_verifications::token_hash.eq(&issued.hash),
                recipient_verifications::recipient_id.eq(&self.id),
                recipient_verifications::email.eq(&self.email),
                recipient_verifications::created_at.eq(now),
                recipient_verifications::expires_at.eq(now + chrono::Duration::hours(24)),
            ))
            .execute(conn)?;
        Ok(issued)
    }
}

pub enum Verification {
    Verified,
    Unknown,
    /// Expired, used, or issued for an address the recipient no longer has.
    Expired,
}

/// What a verification link stands for before it is used.
pub enum VerificationLink {
    Unknown,
    /// Expired, used, or issued for an address the recipient no longer has.
    Expired,
    Open {
        recipient: Box<Recipient>,
        expires_at: NaiveDateTime,
    },
}

/// Looks a verification token up without using it, so that a page can say at once whether
/// its button would work.
pub fn verification_link(
    conn: &mut DbConnection,
    secret: &str,
    now: NaiveDateTime,
) -> QueryResult<VerificationLink> {
    type Row = (String, String, NaiveDateTime, Option<NaiveDateTime>);
    let row: Option<Row> = recipient_verifications::table
        .find(token::hash(secret))
        .select((
            recipient_verifications::recipient_id,
            recipient_verifications::email,
            recipient_verifications::expires_at,
            recipient_verifications::used_at,
        ))
        .first(conn)
        .optional()?;
    let Some((recipient_id, email, expires_at, used_at)) = row else {
        return Ok(VerificationLink::Unknown);
    };
    if used_at.is_some() || now >= expires_at {
        return Ok(VerificationLink::Expired);
    }
    let Some(recipient) = recipients::table
        .find(&recipient_id)
        .first::<Recipient>(conn)
        .optional()?
    else {
        return Ok(VerificationLink::Unknown);
    };
    if recipient.email != email {
        return Ok(VerificationLink::Expired);
    }
    Ok(VerificationLink::Open {
        recipient: Box::new(recipient),
        expires_at,
    })
}

/// Uses a verification token: marks the address verified if the token is still good.
pub fn verify(
    conn: &mut DbConnection,
    secret: &str,
    now: NaiveDateTime,
) -> QueryResult<Verification> {
    let mut recipient = match verification_link(conn, secret, now)? {
        VerificationLink::Unknown => return Ok(Verification::Unknown),
        VerificationLink::Expired => return Ok(Verification::Expired),
        VerificationLink::Open { recipient, .. } => recipient,
    };
    // Only one use wins, however many arrive at once.
    let claimed = diesel::update(
        recipient_verifications::table
            .find(token::hash(secret))
            .filter(recipient_verifications::used_at.is_null()),
    )
    .set(recipient_verifications::used_at.eq(now))
    .execute(conn)?;
    if claimed != 1 {
        return Ok(Verification::Expired);
    }
    recipient.status = VERIFIED.into();
    recipient.verified_at = Some(now);
    recipient.updated_at = now;
    recipient.save(conn)?;
    Ok(Verification::Verified)
}
