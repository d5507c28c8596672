//! The delivery ledger: every SQL statement that writes `deliveries` or
//! `delivery_attempts` is here. A delivery is one thing (an account mail, a notice
//! publication, a webhook event) for one destination over one channel, due at a time; it is
//! written in the transaction of the change that causes it and claimed by dispatchers under
//! a lease, so a dispatcher that dies mid-batch only delays its rows until the lease runs
//! out. Every attempt is kept: one that did not succeed as a row of `delivery_attempts`,
//! the success, always a delivery's last attempt, on the delivery itself (its reply,
//! latency and `sent_at`), so that recording a delivered message writes one row, not two.

use chrono::{Duration, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamp};
use shared::domain::{Language, ReminderLead, TimeZoneName};
use shared::dto::{
    DeliveryState, FailedDelivery, HookChannel, NoticeDeliveries, PublicationDeliveries,
};

use super::statement::{Param, Statement};
use crate::db::DbConnection;
use crate::mail::templates::RenderedMail;
use crate::models::notice::{Notice, utc};
use crate::schema::{deliveries, delivery_attempts, webhooks};

/// The stored status of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Sent,
    Failed,
    /// The receiving server refused it for good, at once or in a later report.
    Bounced,
    /// Recorded for the log only: never attempted, for the row's [`SkipReason`].
    Skipped,
    /// Waiting for its destination's window to open (`due_at`), when its digest carries it
    /// and it takes the digest's outcome.
    Held,
}

impl Status {
    pub const fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Bounced => "bounced",
            Self::Skipped => "skipped",
            Self::Held => "held",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Sent,
            Self::Failed,
            Self::Bounced,
            Self::Skipped,
            Self::Held,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// Why a publication's row for a destination was recorded and not sent. The audience
/// statement ranks each destination's listings by these numbers, 0 meaning "send", and keeps
/// the lowest: the reason closest to delivery is the one the customer is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// Its delivery window excludes the issue instant.
    Window = 1,
    /// The address opted out of the product and kind, or the webhook does not take the kind.
    Unsubscribed = 2,
    /// The address is suspended after bounces, or the webhook is quarantined.
    Suspended = 3,
    /// A reminder taken back: the maintenance was cancelled, or moved so that no hour of the
    /// window is left before its start. Never an audience's reason.
    Withdrawn = 4,
}

impl SkipReason {
    pub const ALL: [Self; 4] = [
        Self::Window,
        Self::Unsubscribed,
        Self::Suspended,
        Self::Withdrawn,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Self::Window => "window",
            Self::Unsubscribed => "unsubscribed",
            Self::Suspended => "suspended",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// What a delivery goes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Email,
    Hook(HookChannel),
}

impl Channel {
    pub const fn code(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Hook(h) => h.code(),
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "email" => Some(Self::Email),
            other => HookChannel::parse(other).map(Self::Hook),
        }
    }
}

/// What a delivery carries. The stored `carries` column names the variant; each variant's
/// columns are checked when a row is read, never inferred from which are null.
#[derive(Debug, Clone, PartialEq)]
pub enum Carries {
    /// An account mail (activation, password reset…), rendered when queued.
    AccountMail(RenderedMail),
    /// A notice publication, rendered when sent in the destination's language and zone.
    Notice {
        publication_id: String,
        language: Language,
        time_zone: TimeZoneName,
        /// E-mail only: the Message-ID of the notice's first mail to this address.
        in_reply_to: Option<String>,
        /// A reminder of the maintenance ahead rather than the publication itself.
        reminder: Option<ReminderLead>,
    },
    /// The notices held for a destination until its window opened, as one message: the
    /// held rows that name this one as their digest.
    Digest {
        language: Language,
        time_zone: TimeZoneName,
        /// The held publications, oldest first: read by the dispatcher when it claims the
        /// digest, so that a notice held until the last moment is in it.
        publications: Vec<String>,
    },
    /// A webhook event other than a notice (a test, a verification): its JSON.
    Event(String),
}

impl Carries {
    pub const DIGEST: &'static str = "digest";

    pub const fn code(&self) -> &'static str {
        match self {
            Self::AccountMail(_) => "account_mail",
            Self::Notice { reminder: None, .. } => "notice",
            Self::Notice {
                reminder: Some(lead),
                ..
            } => Self::reminder_code(*lead),
            Self::Digest { .. } => Self::DIGEST,
            Self::Event(_) => "event",
        }
    }

    /// The stored `carries` of a reminder.
    pub const fn reminder_code(lead: ReminderLead) -> &'static str {
        match lead {
            ReminderLead::Day => "reminder_24h",
            ReminderLead::Hour => "reminder_1h",
        }
    }
}

/// The columns of [`Row`], for statements written out.
const ROW_COLUMNS: &str = "id, destination, subject, body_text, body_html, message_id, attempts, \
     lease_until, created_at, publication_id, destination_id, language, time_zone, in_reply_to, \
     channel, carries";

/// A row of `deliveries`, as stored.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = deliveries)]
struct Row {
    id: String,
    destination: String,
    subject: Option<String>,
    body_text: Option<String>,
    body_html: Option<String>,
    message_id: String,
    attempts: i32,
    lease_until: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    publication_id: Option<String>,
    destination_id: Option<String>,
    language: Option<String>,
    time_zone: Option<String>,
    in_reply_to: Option<String>,
    channel: String,
    carries: String,
}

/// A claimed delivery.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: String,
    pub channel: Channel,
    /// The e-mail address, or the webhook destination's id.
    pub destination: String,
    /// The delivery address's id (e-mail) or the webhook destination's id.
    pub destination_id: Option<String>,
    /// The Message-ID (e-mail) or the `webhook-id` (webhooks): stable across attempts.
    pub message_id: String,
    /// Attempts made so far, this one included.
    pub attempts: i32,
    pub lease_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub carries: Carries,
}

/// A claimed row that does not describe a delivery (a value no code writes).
#[derive(Debug)]
pub struct Malformed {
    pub id: String,
    pub attempts: i32,
    pub why: &'static str,
}

impl TryFrom<Row> for Delivery {
    type Error = Malformed;

    fn try_from(row: Row) -> Result<Self, Malformed> {
        let bad = |why| Malformed {
            id: row.id.clone(),
            attempts: row.attempts,
            why,
        };
        let channel = Channel::parse(&row.channel).ok_or_else(|| bad("unknown channel"))?;
        let language = row
            .language
            .as_deref()
            .and_then(|l| Language::parse(l).ok())
            .unwrap_or_default();
        let time_zone = row
            .time_zone
            .as_deref()
            .and_then(|z| TimeZoneName::parse(z).ok())
            .unwrap_or(TimeZoneName::DEFAULT);
        let reminder = ReminderLead::ALL
            .into_iter()
            .find(|l| Carries::reminder_code(*l) == row.carries);
        let carries = match row.carries.as_str() {
            "account_mail" => match (&row.subject, &row.body_text, &row.body_html) {
                (Some(subject), Some(text), Some(html)) => Carries::AccountMail(RenderedMail {
                    subject: subject.clone(),
                    text: text.clone(),
                    html: html.clone(),
                }),
                _ => return Err(bad("an account mail without its content")),
            },
            "notice" | "reminder_24h" | "reminder_1h" => Carries::Notice {
                publication_id: row
                    .publication_id
                    .clone()
                    .ok_or_else(|| bad("a notice delivery without its publication"))?,
                language,
                time_zone,
                in_reply_to: row.in_reply_to.clone(),
                reminder,
            },
            Carries::DIGEST => Carries::Digest {
                language,
                time_zone,
                publications: Vec::new(),
            },
            "event" => Carries::Event(
                row.body_text
                    .clone()
                    .ok_or_else(|| bad("an event without its payload"))?,
            ),
            _ => return Err(bad("unknown kind of delivery")),
        };
        if matches!(carries, Carries::AccountMail(_)) && channel != Channel::Email
            || matches!(carries, Carries::Event(_)) && channel == Channel::Email
        {
            return Err(bad("a kind of delivery its channel cannot carry"));
        }
        Ok(Self {
            id: row.id,
            channel,
            destination: row.destination,
            destination_id: row.destination_id,
            message_id: row.message_id,
            attempts: row.attempts,
            lease_until: row.lease_until,
            created_at: row.created_at,
            carries,
        })
    }
}

/// A delivery to queue now.
pub struct NewDelivery<'a> {
    pub channel: Channel,
    pub destination: &'a str,
    pub destination_id: Option<&'a str>,
    pub carries: &'a Carries,
}

/// Queues one delivery, due now; returns its id. `message_domain` is the right-hand side of
/// an e-mail's Message-ID.
pub fn enqueue(
    conn: &mut DbConnection,
    new: &NewDelivery<'_>,
    message_domain: &str,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let id = crate::models::new_id();
    let message_id = match new.channel {
        Channel::Email => format!("<{id}@{message_domain}>"),
        Channel::Hook(_) => format!("msg_{id}"),
    };
    let (subject, text, html) = match new.carries {
        Carries::AccountMail(m) => (Some(&m.subject), Some(&m.text), Some(&m.html)),
        Carries::Event(json) => (None, Some(json), None),
        Carries::Notice { .. } | Carries::Digest { .. } => (None, None, None),
    };
    let (publication, language, zone, reply_to) = match new.carries {
        Carries::Notice {
            publication_id,
            language,
            time_zone,
            in_reply_to,
            ..
        } => (
            Some(publication_id.as_str()),
            Some(language.code()),
            Some(time_zone.name()),
            in_reply_to.as_deref(),
        ),
        _ => (None, None, None, None),
    };
    diesel::insert_into(deliveries::table)
        .values((
            deliveries::id.eq(&id),
            deliveries::channel.eq(new.channel.code()),
            deliveries::carries.eq(new.carries.code()),
            deliveries::destination.eq(new.destination),
            deliveries::destination_id.eq(new.destination_id),
            deliveries::subject.eq(subject),
            deliveries::body_text.eq(text),
            deliveries::body_html.eq(html),
            deliveries::message_id.eq(&message_id),
            deliveries::status.eq(Status::Pending.code()),
            deliveries::attempts.eq(0),
            deliveries::due_at.eq(now),
            deliveries::created_at.eq(now),
            deliveries::publication_id.eq(publication),
            deliveries::language.eq(language),
            deliveries::time_zone.eq(zone),
            deliveries::in_reply_to.eq(reply_to),
        ))
        .execute(conn)?;
    metrics::counter!(
        crate::metrics::DELIVERIES_QUEUED,
        "channel" => new.channel.code(),
        "kind" => new.carries.code(),
    )
    .increment(1);
    Ok(id)
}

/// Queues an account mail to `to`.
pub fn enqueue_mail(
    conn: &mut DbConnection,
    to: &str,
    mail: RenderedMail,
    message_domain: &str,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let carries = Carries::AccountMail(mail);
    let new = NewDelivery {
        channel: Channel::Email,
        destination: to,
        destination_id: None,
        carries: &carries,
    };
    enqueue(conn, &new, message_domain, now)
}

/// Queues one webhook delivery already leased to the caller, who attempts it at once (a
/// test event the customer is waiting for): no dispatcher takes it meanwhile. Webhook ids
/// need no message domain.
pub fn enqueue_claimed(
    conn: &mut DbConnection,
    new: &NewDelivery<'_>,
    token: &str,
    now: NaiveDateTime,
    lease: Duration,
) -> QueryResult<Delivery> {
    debug_assert!(
        new.channel != Channel::Email,
        "mail is always left to the dispatcher"
    );
    // One transaction: no dispatcher sees the row before it is leased.
    let row: Row = conn.transaction(|conn| {
        let id = enqueue(conn, new, "", now)?;
        diesel::update(deliveries::table.find(&id))
            .set((
                deliveries::lease_until.eq(now + lease),
                deliveries::lease_token.eq(token),
                deliveries::attempts.eq(1),
            ))
            .execute(conn)?;
        deliveries::table
            .find(&id)
            .select(Row::as_select())
            .first(conn)
    })?;
    Delivery::try_from(row).map_err(|m| {
        diesel::result::Error::DeserializationError(format!("delivery {}: {}", m.id, m.why).into())
    })
}

/// The columns a fan-out `INSERT … SELECT` fills, in order. The selecting part (who) is the
/// audience's; this text is the ledger's. `numbered` must provide `id`, `destination`,
/// `destination_id`, `language`, `time_zone`, `in_reply_to`, `channel` and `skip` (0 to
/// send, else a [`SkipReason`]'s number).
pub const FAN_OUT_COLUMNS: &str = "INSERT INTO deliveries (id, destination, message_id, status, \
     skip_reason, attempts, due_at, created_at, publication_id, destination_id, language, \
     time_zone, in_reply_to, channel, carries) ";

/// The `SELECT` of a fan-out for one channel's numbered rows: `?` placeholders for the
/// message domain (e-mail only), the due time, the creation time and the publication.
pub fn fan_out_select(channel: Channel) -> String {
    let reasons: String = SkipReason::ALL
        .iter()
        .map(|r| format!(" WHEN {} THEN '{}'", *r as i32, r.code()))
        .collect();
    let state = format!(
        "CASE WHEN n.skip = 0 THEN '{}' ELSE '{}' END, CASE n.skip{reasons} END",
        Status::Pending.code(),
        Status::Skipped.code()
    );
    match channel {
        Channel::Email => format!(
            "SELECT n.id, n.destination, '<' || n.id || '@' || ? || '>', {state}, 0, ?, ?, ?, \
             n.destination_id, n.language, n.time_zone, n.in_reply_to, 'email', 'notice' \
             FROM numbered n"
        ),
        Channel::Hook(_) => format!(
            "SELECT n.id, n.destination, 'msg_' || n.id, {state}, 0, ?, ?, ?, \
             n.destination_id, n.language, n.time_zone, NULL, n.channel, 'notice' \
             FROM numbered n"
        ),
    }
}

/// How many of a publication's rows for e-mail (or for webhooks) a fan-out queued, and how
/// many it recorded as skipped by their window.
pub fn fan_out_counts(
    conn: &mut DbConnection,
    publication_id: &str,
    channel: Channel,
) -> QueryResult<(i64, i64)> {
    let email = Channel::Email.code();
    let rows = deliveries::table.filter(deliveries::publication_id.eq(publication_id));
    let by_state = (
        deliveries::status,
        deliveries::skip_reason,
        diesel::dsl::count_star(),
    );
    let counted: Vec<(String, Option<String>, i64)> = match channel {
        Channel::Email => rows
            .filter(deliveries::channel.eq(email))
            .group_by((deliveries::status, deliveries::skip_reason))
            .select(by_state)
            .load(conn)?,
        Channel::Hook(_) => rows
            .filter(deliveries::channel.ne(email))
            .group_by((deliveries::status, deliveries::skip_reason))
            .select(by_state)
            .load(conn)?,
    };
    let count = |status: Status, reason: Option<SkipReason>| {
        counted
            .iter()
            .filter(|(s, r, _)| s == status.code() && r.as_deref() == reason.map(SkipReason::code))
            .map(|(_, _, n)| *n)
            .sum::<i64>()
    };
    Ok((
        count(Status::Pending, None),
        count(Status::Skipped, Some(SkipReason::Window)),
    ))
}

/// Leases up to `limit` due deliveries to the claim named `token`. Rows that do not parse
/// come back apart, for the caller to settle as failed.
///
/// PostgreSQL locks the chosen rows with `FOR UPDATE SKIP LOCKED`, so concurrent dispatchers
/// each take different rows without waiting on one another.
pub fn claim(
    conn: &mut DbConnection,
    token: &str,
    limit: i64,
    now: NaiveDateTime,
    lease: Duration,
) -> QueryResult<(Vec<Delivery>, Vec<Malformed>)> {
    let rows: Vec<Row> = match conn {
        DbConnection::Pg(c) => c.transaction(|c| {
            // The oldest due rows come straight off the pending index in order; a planner
            // misled by statistics that lag a big publication would fetch the whole
            // backlog and sort it instead, on every claim. A disabled plan looks costly
            // enough to be JIT-compiled, which no claim of a few hundred rows repays.
            c.batch_execute(
                "SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off; \
                 SET LOCAL jit = off",
            )?;
            diesel::sql_query(format!(
                "UPDATE deliveries SET lease_until = $1, lease_token = $2, \
                 attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM deliveries WHERE status = 'pending' \
                 AND due_at <= $3 AND (lease_until IS NULL OR lease_until < $3) \
                 ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING {ROW_COLUMNS}"
            ))
            .bind::<Timestamp, _>(now + lease)
            .bind::<Text, _>(token)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load(c)
        })?,
        // One statement: SQLite has one writer at a time, so the rows it picks are still
        // unleased when it leases them, and it hands back exactly those.
        DbConnection::Sqlite(c) => diesel::sql_query(format!(
            "UPDATE deliveries SET lease_until = ?, lease_token = ?, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM deliveries WHERE status = 'pending' AND due_at <= ? \
             AND (lease_until IS NULL OR lease_until < ?) ORDER BY due_at LIMIT ?) \
             RETURNING {ROW_COLUMNS}"
        ))
        .bind::<Timestamp, _>(now + lease)
        .bind::<Text, _>(token)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c)?,
    };
    let mut claimed = Vec::with_capacity(rows.len());
    let mut malformed = Vec::new();
    for row in rows {
        match Delivery::try_from(row) {
            Ok(d) => claimed.push(d),
            Err(m) => malformed.push(m),
        }
    }
    Ok((claimed, malformed))
}

/// Hands claimed deliveries that were never attempted back at once (a dispatcher shutting
/// down), as if they had not been claimed: any dispatcher may take them now instead of after
/// the lease. Only rows `token` still holds are touched. Returns how many were released.
pub fn release(conn: &mut DbConnection, token: &str, ids: &[&str]) -> QueryResult<usize> {
    let mut released = 0;
    // One bound value a row plus the token: well under SQLite's limit per statement.
    for chunk in ids.chunks(1000) {
        released += diesel::update(
            deliveries::table
                .filter(deliveries::id.eq_any(chunk))
                .filter(deliveries::lease_token.eq(token))
                .filter(deliveries::status.eq(Status::Pending.code())),
        )
        .set((
            deliveries::lease_until.eq(None::<NaiveDateTime>),
            deliveries::lease_token.eq(None::<String>),
            deliveries::attempts.eq(deliveries::attempts - 1),
        ))
        .execute(conn)?;
    }
    Ok(released)
}

/// How many deliveries wait (pending, due or not), and the due time of the oldest one that
/// is due: both read off the pending index.
pub fn backlog(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    let pending = deliveries::table.filter(deliveries::status.eq(Status::Pending.code()));
    let count = pending.count().get_result(conn)?;
    let oldest = pending
        .filter(deliveries::due_at.le(now))
        .select(diesel::dsl::min(deliveries::due_at))
        .get_result(conn)?;
    Ok((count, oldest))
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Try again at the given time.
    Retry {
        at: NaiveDateTime,
        error: String,
    },
    Failed {
        error: String,
    },
    /// The receiving mail server refused it for good.
    Bounced {
        error: String,
    },
}

impl Outcome {
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Retry { .. } => "retry",
            Self::Failed { .. } => "failed",
            Self::Bounced { .. } => "bounced",
        }
    }
}

/// One attempt's outcome, to be recorded under the lease it was made with.
#[derive(Debug, Clone)]
pub struct Settlement {
    pub id: String,
    pub token: String,
    /// Which attempt this was (1 for the first).
    pub attempt: i32,
    pub outcome: Outcome,
    /// The remote's reply to a successful attempt (failures carry theirs in the outcome).
    pub reply: Option<String>,
    pub latency_ms: i32,
    /// Webhook deliveries: the destination, whose run of failures the outcome extends or
    /// ends.
    pub hook: Option<String>,
    /// Notice e-mails: the delivery address, whose run of bounces a success ends or a
    /// bounce extends.
    pub address: Option<AddressOutcome>,
}

/// What a notice e-mail's attempt says of its address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressOutcome {
    Delivered(String),
    Bounced(crate::models::recipient::Bounce),
}

/// Records attempts and their history in one transaction, each only while its token still
/// holds the row's lease (a row whose lease ran out may already be another dispatcher's).
/// Successes, the common case, are one UPDATE per lease. `after` runs in the same
/// transaction, with the settlements that were recorded (destination health, mails that
/// follow from it). Returns how many rows were recorded.
pub fn settle_all(
    conn: &mut DbConnection,
    settlements: &[Settlement],
    now: NaiveDateTime,
    after: &dyn Fn(&mut DbConnection, &[&Settlement]) -> QueryResult<()>,
) -> QueryResult<usize> {
    conn.transaction(|conn| {
        let mut recorded = Vec::with_capacity(settlements.len());
        let mut sent: std::collections::BTreeMap<&str, Vec<&Settlement>> = Default::default();
        for s in settlements {
            if s.outcome == Outcome::Sent {
                sent.entry(&s.token).or_default().push(s);
            } else if settle_one(conn, s, now)? {
                recorded.push(s);
            }
        }
        // Every attempt made is history, recorded or not (an attempt whose lease ran out
        // still happened); a success the row took is history there already.
        let mut history: Vec<&Settlement> = settlements
            .iter()
            .filter(|s| s.outcome != Outcome::Sent)
            .collect();
        for (token, group) in sent {
            if settle_sent(conn, token, &group, now)? == group.len() {
                recorded.extend(group);
            } else {
                // Some lease ran out under us: keep only the rows still ours.
                let ids: Vec<&str> = group.iter().map(|s| s.id.as_str()).collect();
                let ours: Vec<String> = deliveries::table
                    .filter(deliveries::id.eq_any(&ids))
                    .filter(deliveries::lease_token.eq(token))
                    .filter(deliveries::status.eq(Status::Sent.code()))
                    .select(deliveries::id)
                    .load(conn)?;
                let (kept, lost): (Vec<&Settlement>, Vec<&Settlement>) =
                    group.into_iter().partition(|s| ours.contains(&s.id));
                recorded.extend(kept);
                history.extend(lost);
            }
        }
        record_attempts(conn, &history, now)?;
        let digests: Vec<&str> = recorded
            .iter()
            .filter(|s| !matches!(s.outcome, Outcome::Retry { .. }))
            .map(|s| s.id.as_str())
            .filter(|id| is_digest(id))
            .collect();
        settle_held(conn, &digests)?;
        after(conn, &recorded)?;
        Ok(recorded.len())
    })
}

/// Marks the successful attempts made under one lease sent, each with its reply and latency,
/// only where `token` still holds the lease. Returns how many rows it marked.
fn settle_sent(
    conn: &mut DbConnection,
    token: &str,
    group: &[&Settlement],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    match conn {
        // One statement for the lease: each row's own reply and latency come in arrays,
        // joined to the rows by key.
        DbConnection::Pg(c) => {
            let ids: Vec<&str> = group.iter().map(|s| s.id.as_str()).collect();
            let replies: Vec<Option<&str>> = group.iter().map(|s| s.reply.as_deref()).collect();
            let latencies: Vec<i32> = group.iter().map(|s| s.latency_ms).collect();
            diesel::sql_query(
                "UPDATE deliveries d SET status = $1, sent_at = $2, lease_until = NULL, \
                 reply = v.reply, latency_ms = v.latency_ms \
                 FROM unnest($3::text[], $4::text[], $5::int4[]) AS v (id, reply, latency_ms) \
                 WHERE d.id = v.id AND d.lease_token = $6",
            )
            .bind::<Text, _>(Status::Sent.code())
            .bind::<Timestamp, _>(now)
            .bind::<Array<Text>, _>(&ids)
            .bind::<Array<Nullable<Text>>, _>(&replies)
            .bind::<Array<Integer>, _>(&latencies)
            .bind::<Text, _>(token)
            .execute(c)
        }
        // The same in one statement: the rows' values come as one JSON array.
        DbConnection::Sqlite(c) => {
            let rows: Vec<(&str, Option<&str>, i32)> = group
                .iter()
                .map(|s| (s.id.as_str(), s.reply.as_deref(), s.latency_ms))
                .collect();
            let rows = serde_json::to_string(&rows)
                .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
            diesel::sql_query(
                "UPDATE deliveries SET status = ?, sent_at = ?, lease_until = NULL, \
                 reply = json_extract(v.value, '$[1]'), \
                 latency_ms = json_extract(v.value, '$[2]') \
                 FROM json_each(?) AS v \
                 WHERE deliveries.id = json_extract(v.value, '$[0]') \
                 AND deliveries.lease_token = ?",
            )
            .bind::<Text, _>(Status::Sent.code())
            .bind::<Timestamp, _>(now)
            .bind::<Text, _>(rows)
            .bind::<Text, _>(token)
            .execute(c)
        }
    }
}

/// Writes attempts into the history table.
fn record_attempts(
    conn: &mut DbConnection,
    settlements: &[&Settlement],
    now: NaiveDateTime,
) -> QueryResult<()> {
    // Six values a row: well under SQLite's limit of bound values per statement.
    for chunk in settlements.chunks(1000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|s| {
                let reply = match &s.outcome {
                    Outcome::Sent => s.reply.as_deref(),
                    Outcome::Retry { error, .. }
                    | Outcome::Failed { error }
                    | Outcome::Bounced { error } => Some(error.as_str()),
                };
                (
                    delivery_attempts::delivery_id.eq(s.id.as_str()),
                    delivery_attempts::attempt.eq(s.attempt),
                    delivery_attempts::attempted_at.eq(now),
                    delivery_attempts::outcome.eq(s.outcome.code()),
                    delivery_attempts::reply.eq(reply),
                    delivery_attempts::latency_ms.eq(s.latency_ms),
                )
            })
            .collect();
        let insert = diesel::insert_into(delivery_attempts::table).values(rows);
        match conn {
            DbConnection::Pg(c) => insert.on_conflict_do_nothing().execute(c)?,
            DbConnection::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
        };
    }
    Ok(())
}

/// Records an attempt, but only while its token still holds the row's lease.
fn settle_one(conn: &mut DbConnection, s: &Settlement, now: NaiveDateTime) -> QueryResult<bool> {
    let row = deliveries::table
        .filter(deliveries::id.eq(&s.id))
        .filter(deliveries::lease_token.eq(&s.token));
    let outcome = &s.outcome;
    let n = match outcome {
        Outcome::Sent => settle_sent(conn, &s.token, &[s], now)?,
        Outcome::Retry { at, error } => diesel::update(row)
            .set((
                deliveries::due_at.eq(at),
                deliveries::last_error.eq(error),
                deliveries::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?,
        Outcome::Failed { error } | Outcome::Bounced { error } => diesel::update(row)
            .set((
                deliveries::status.eq(if matches!(outcome, Outcome::Bounced { .. }) {
                    Status::Bounced.code()
                } else {
                    Status::Failed.code()
                }),
                deliveries::last_error.eq(error),
                deliveries::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// The recipient address of a notice delivery, by publication and delivery address: what a
/// one-click unsubscribe link names.
pub fn notice_address(
    conn: &mut DbConnection,
    publication_id: &str,
    destination_id: &str,
) -> QueryResult<Option<String>> {
    deliveries::table
        .filter(deliveries::publication_id.eq(publication_id))
        .filter(deliveries::destination_id.eq(destination_id))
        .filter(deliveries::channel.eq(Channel::Email.code()))
        .select(deliveries::destination)
        .first(conn)
        .optional()
}

/// How an operator sees a destination: an address masked, a webhook destination by name.
fn operator_label(
    channel: &str,
    destination: &str,
    names: &std::collections::HashMap<String, String>,
) -> String {
    if channel == Channel::Email.code() {
        shared::domain::EmailAddress::parse(destination)
            .map(|e| e.masked())
            .unwrap_or_else(|_| "***".into())
    } else {
        names
            .get(destination)
            .cloned()
            .unwrap_or_else(|| "(deleted)".into())
    }
}

/// The names of webhook destinations by id, for an operator's view of their deliveries.
fn hook_names(
    conn: &mut DbConnection,
    ids: &[&str],
) -> QueryResult<std::collections::HashMap<String, String>> {
    let mut names = std::collections::HashMap::new();
    for chunk in ids.chunks(1000) {
        names.extend(
            webhooks::table
                .filter(webhooks::id.eq_any(chunk))
                .select((webhooks::id, webhooks::name))
                .load::<(String, String)>(conn)?,
        );
    }
    Ok(names)
}

/// Delivery counts by publication and status, and the first deliveries that failed or
/// bounced, as operators see them (addresses masked).
pub fn notice_outcomes(conn: &mut DbConnection, notice_id: &str) -> QueryResult<NoticeDeliveries> {
    let publications = Notice::publications(conn, notice_id)?;
    let ids: Vec<&str> = publications.iter().map(|p| p.id.as_str()).collect();
    // The publications themselves: reminders are counted apart from what was published.
    let counts: Vec<(Option<String>, String, i64)> = deliveries::table
        .filter(deliveries::publication_id.eq_any(&ids))
        .filter(deliveries::carries.eq("notice"))
        .group_by((deliveries::publication_id, deliveries::status))
        .select((
            deliveries::publication_id,
            deliveries::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    /// Publication, channel, destination, status, last error.
    type Failed = (Option<String>, String, String, String, Option<String>);
    let failed: Vec<Failed> = deliveries::table
        .filter(deliveries::publication_id.eq_any(&ids))
        .filter(deliveries::status.eq_any([Status::Failed.code(), Status::Bounced.code()]))
        .order((
            deliveries::publication_id.asc(),
            deliveries::destination.asc(),
        ))
        .limit(100)
        .select((
            deliveries::publication_id,
            deliveries::channel,
            deliveries::destination,
            deliveries::status,
            deliveries::last_error,
        ))
        .load(conn)?;
    let hooks: Vec<&str> = failed
        .iter()
        .filter(|f| f.1 != Channel::Email.code())
        .map(|f| f.2.as_str())
        .collect();
    let names = hook_names(conn, &hooks)?;
    let sequence = |id: &str| {
        publications
            .iter()
            .find(|p| p.id == id)
            .map_or(0, |p| p.sequence)
    };
    let failures = failed
        .iter()
        .map(
            |(publication_id, channel, destination, status, error)| FailedDelivery {
                sequence: sequence(publication_id.as_deref().unwrap_or_default()),
                publication_id: publication_id.clone().unwrap_or_default(),
                channel: channel.clone(),
                destination: operator_label(channel, destination, &names),
                state: if status == Status::Bounced.code() {
                    DeliveryState::Bounced
                } else {
                    DeliveryState::Failed
                },
                error: error.clone().unwrap_or_default(),
            },
        )
        .collect();
    let mut total = NoticeDeliveries {
        pending: 0,
        sent: 0,
        failed: 0,
        bounced: 0,
        skipped: 0,
        publications: Vec::with_capacity(publications.len()),
        failures,
    };
    for p in publications {
        let count = |status: Status| {
            counts
                .iter()
                .filter(|(pid, s, _)| pid.as_deref() == Some(p.id.as_str()) && s == status.code())
                .map(|(_, _, n)| *n)
                .sum::<i64>()
        };
        let row = PublicationDeliveries {
            sequence: p.sequence,
            issued_at: utc(p.issued_at),
            pending: count(Status::Pending),
            sent: count(Status::Sent),
            failed: count(Status::Failed),
            bounced: count(Status::Bounced),
            skipped: i64::from(p.skipped),
            publication_id: p.id,
        };
        total.pending += row.pending;
        total.sent += row.sent;
        total.failed += row.failed;
        total.bounced += row.bounced;
        total.skipped += row.skipped;
        total.publications.push(row);
    }
    Ok(total)
}

/// One delivery of a notice, as an operator's export shows it.
pub struct ExportRow {
    pub publication_id: String,
    pub channel: String,
    /// Masked address, or the webhook destination's name.
    pub destination: String,
    pub status: Status,
    pub skip_reason: Option<SkipReason>,
    pub sent_at: Option<NaiveDateTime>,
    pub error: Option<String>,
}

/// Every delivery of these publications, by publication then destination, as operators
/// see them (addresses masked).
pub fn export(conn: &mut DbConnection, publication_ids: &[&str]) -> QueryResult<Vec<ExportRow>> {
    type Stored = (
        Option<String>,
        String,
        String,
        String,
        Option<String>,
        Option<NaiveDateTime>,
        Option<String>,
    );
    let rows: Vec<Stored> = deliveries::table
        .filter(deliveries::publication_id.eq_any(publication_ids))
        .filter(deliveries::carries.eq("notice"))
        .order((
            deliveries::publication_id.asc(),
            deliveries::channel.asc(),
            deliveries::destination.asc(),
        ))
        .select((
            deliveries::publication_id,
            deliveries::channel,
            deliveries::destination,
            deliveries::status,
            deliveries::skip_reason,
            deliveries::sent_at,
            deliveries::last_error,
        ))
        .load(conn)?;
    let hooks: Vec<&str> = rows
        .iter()
        .filter(|r| r.1 != Channel::Email.code())
        .map(|r| r.2.as_str())
        .collect();
    let names = hook_names(conn, &hooks)?;
    Ok(rows
        .iter()
        .filter_map(
            |(publication, channel, destination, status, reason, sent_at, error)| {
                Some(ExportRow {
                    publication_id: publication.clone()?,
                    destination: operator_label(channel, destination, &names),
                    channel: channel.clone(),
                    status: Status::parse(status)?,
                    skip_reason: reason.as_deref().and_then(SkipReason::parse),
                    sent_at: *sent_at,
                    error: error.clone(),
                })
            },
        )
        .collect())
}

/// A row of a customer's delivery log.
#[derive(Debug, Clone, QueryableByName)]
pub struct LogRow {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub publication_id: String,
    /// The e-mail address, or the webhook destination's id.
    #[diesel(sql_type = Text)]
    pub destination: String,
    #[diesel(sql_type = Text)]
    pub channel: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub skip_reason: Option<String>,
    /// `notice`, or the reminder's `carries`.
    #[diesel(sql_type = Text)]
    pub carries: String,
    #[diesel(sql_type = Timestamp)]
    pub due_at: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub sent_at: Option<NaiveDateTime>,
    /// The remote's reply: to the successful attempt when sent, the last failure otherwise.
    #[diesel(sql_type = Nullable<Text>)]
    pub reply: Option<String>,
}

/// Which rows of a customer's log to read.
pub struct LogFilter<'a> {
    /// The customer's destinations: e-mail addresses and webhook destination ids.
    pub destinations: &'a [String],
    /// Only these publications (one notice's), which were published between the first and
    /// (exclusive) the second id: ids grow with time, so the rows of each destination are
    /// read only over that span.
    pub publications: Option<(&'a [String], &'a str, Option<&'a str>)>,
    /// Only this status (and, for skipped rows, this reason).
    pub state: Option<(Status, Option<SkipReason>)>,
    /// Only rows after this one, newest first: the cursor of the page before.
    pub before: Option<&'a str>,
    pub limit: i64,
}

/// What the log shows of a destination's rows: its notices and their reminders (digests
/// are shown as the held notices they carry).
const LOGGED: &str = " AND carries IN ('notice', 'reminder_24h', 'reminder_1h')";

/// Which of a destination's rows the delivery log's `(destination, id)` index holds: every
/// row but those still waiting for their first attempt (pending and due at their creation).
/// A fan-out writes 100,000 rows of that kind at once, each of whose keys sits among its
/// destination's earlier rows: leaving them out spares the publication a random B-tree
/// insertion a row, and each claim another. A row joins the index when it is settled, sent
/// back for a retry (due later) or written due later (a reminder), by the new row version
/// such a change writes anyway. The text is the migration's predicate, word for word: both
/// databases use a partial index only for a query that states its predicate.
const INDEXED_IN_LOG: &str = "(status <> 'pending' OR due_at > created_at)";

/// The rows [`INDEXED_IN_LOG`] leaves out.
const AWAITING_FIRST_ATTEMPT: &str = "status = 'pending' AND due_at <= created_at";

/// A page of a customer's delivery log, newest first: notice deliveries to the given
/// destinations. One statement: a branch per destination reads at most `limit` rows off
/// the (destination, id) index, newest first, and one more branch the rows still awaiting
/// their first attempt, off the pending index (the queue, however long the history is); the
/// branches are merged, so a page costs the same however long the history is.
pub fn log(conn: &mut DbConnection, filter: &LogFilter<'_>) -> QueryResult<Vec<LogRow>> {
    if filter.destinations.is_empty() || filter.publications.is_some_and(|(p, _, _)| p.is_empty()) {
        return Ok(Vec::new());
    }
    log_statement(conn, filter).load(conn)
}

/// How the database runs [`log`]'s statement (for the benchmark's record of its plan).
pub fn explain_log(conn: &mut DbConnection, filter: &LogFilter<'_>) -> QueryResult<Vec<String>> {
    log_statement(conn, filter).explain(conn)
}

const LOG_COLUMNS: &str = "SELECT id, publication_id, destination, channel, status, \
     skip_reason, carries, due_at, created_at, sent_at, reply, last_error FROM deliveries";

fn log_statement(conn: &DbConnection, filter: &LogFilter<'_>) -> Statement {
    let mut s = Statement::default();
    s.push(&format!(
        "SELECT u.id AS id, u.publication_id AS publication_id, u.destination AS destination, \
         u.channel AS channel, u.status AS status, u.skip_reason AS skip_reason, \
         u.carries AS carries, u.due_at AS due_at, \
         u.created_at AS created_at, u.sent_at AS sent_at, \
         CASE WHEN u.status = '{sent}' THEN u.reply ELSE u.last_error END AS reply \
         FROM (SELECT * FROM (",
        sent = Status::Sent.code()
    ));
    for (i, destination) in filter.destinations.iter().enumerate() {
        if i > 0 {
            s.push(" UNION ALL ");
        }
        s.push(&format!(
            "SELECT * FROM ({LOG_COLUMNS} WHERE destination = "
        ))
        .bind(Param::Text(destination.clone()))
        .push(&format!(" AND {INDEXED_IN_LOG}"));
        log_conditions(&mut s, filter);
        s.push(" ORDER BY id DESC LIMIT ")
            .bind(Param::BigInt(filter.limit))
            .push(&format!(") b{i}"));
    }
    // Only a queued row can be awaiting its first attempt.
    if filter
        .state
        .is_none_or(|(status, _)| status == Status::Pending)
    {
        // Read off the pending index (`status = 'pending'`): the queue, short whatever the
        // history. Given a cursor (`id < ?`), SQLite would rather walk the primary key back
        // from it, through all the history before it (133 ms for a page 5,000 rows deep in
        // `log_bench`, against 2 ms), so it is told which index to use; PostgreSQL picks
        // the pending index by itself.
        let pending_index = match conn {
            DbConnection::Sqlite(_) => " INDEXED BY deliveries_due",
            DbConnection::Pg(_) => "",
        };
        s.push(&format!(
            " UNION ALL SELECT * FROM ({LOG_COLUMNS}{pending_index} \
             WHERE {AWAITING_FIRST_ATTEMPT} AND destination IN ("
        ));
        s.bind_list(filter.destinations.iter().cloned().map(Param::Text))
            .push(")");
        log_conditions(&mut s, filter);
        s.push(" ORDER BY id DESC LIMIT ")
            .bind(Param::BigInt(filter.limit))
            .push(") q");
    }
    s.push(") v ORDER BY id DESC LIMIT ")
        .bind(Param::BigInt(filter.limit))
        .push(") u ORDER BY u.id DESC");
    s
}

/// The filter's conditions, beyond the destination, as `AND …` terms.
fn log_conditions(s: &mut Statement, filter: &LogFilter<'_>) {
    s.push(LOGGED);
    if let Some(before) = filter.before {
        s.push(" AND id < ").bind(Param::Text(before.to_owned()));
    }
    if let Some((publications, from, until)) = filter.publications {
        s.push(" AND id >= ").bind(Param::Text(from.to_owned()));
        if let Some(until) = until {
            s.push(" AND id < ").bind(Param::Text(until.to_owned()));
        }
        // Wrapped in COALESCE so that no planner reaches for an index of its own on the
        // publication (PostgreSQL's block-range index would AND in most of the table):
        // the span above has already narrowed the destination's rows.
        s.push(" AND COALESCE(publication_id, '') IN (")
            .bind_list(publications.iter().cloned().map(Param::Text))
            .push(")");
    }
    if let Some((status, reason)) = filter.state {
        s.push(" AND status = ")
            .bind(Param::Text(status.code().to_owned()));
        if let Some(reason) = reason {
            s.push(" AND skip_reason = ")
                .bind(Param::Text(reason.code().to_owned()));
        }
    }
}

/// Deletes, in batches of `batch`, delivery history created before `before` (never a row
/// still pending or held) with its attempts; returns how many deliveries went. A dispatcher calls it
/// now and then, so that no single statement holds the database for long.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime, batch: i64) -> QueryResult<usize> {
    conn.transaction(|conn| {
        let ids: Vec<String> = deliveries::table
            .filter(deliveries::created_at.lt(before))
            .filter(deliveries::status.ne_all([Status::Pending.code(), Status::Held.code()]))
            .select(deliveries::id)
            .limit(batch)
            .load(conn)?;
        if ids.is_empty() {
            return Ok(0);
        }
        diesel::delete(
            delivery_attempts::table.filter(delivery_attempts::delivery_id.eq_any(&ids)),
        )
        .execute(conn)?;
        diesel::delete(deliveries::table.filter(deliveries::id.eq_any(&ids))).execute(conn)
    })
}

/// A delivery a bounce report names, as far as the report's matching needs it.
#[derive(Debug, Clone, Queryable)]
pub struct Reported {
    pub id: String,
    pub channel: String,
    pub destination: String,
    pub destination_id: Option<String>,
    pub carries: String,
    pub message_id: String,
}

/// The delivery with this id, if there is one.
pub fn reported(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Reported>> {
    deliveries::table
        .find(id)
        .select((
            deliveries::id,
            deliveries::channel,
            deliveries::destination,
            deliveries::destination_id,
            deliveries::carries,
            deliveries::message_id,
        ))
        .first(conn)
        .optional()
}

/// Records that a delivery the server had accepted bounced later (a delivery status
/// notification): its status becomes bounced, with the report's diagnostic. False when it
/// was already recorded as bounced (the same report twice changes nothing).
pub fn record_bounce(conn: &mut DbConnection, id: &str, diagnostic: &str) -> QueryResult<bool> {
    let n = diesel::update(
        deliveries::table
            .find(id)
            .filter(deliveries::status.ne(Status::Bounced.code()))
            .filter(deliveries::status.ne(Status::Skipped.code())),
    )
    .set((
        deliveries::status.eq(Status::Bounced.code()),
        deliveries::last_error.eq(diagnostic),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// One notice a digest carries.
#[derive(Debug, Clone, QueryableByName)]
pub struct DigestItem {
    /// The held row's id.
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub publication_id: String,
}

/// The held rows a digest carries, in the order they were published.
pub fn digest_items(conn: &mut DbConnection, digest_id: &str) -> QueryResult<Vec<DigestItem>> {
    let mut s = Statement::default();
    s.push("SELECT id, publication_id FROM deliveries WHERE digest_id = ")
        .bind(Param::Text(digest_id.to_owned()))
        .push(&format!(
            " AND status = '{}' AND publication_id IS NOT NULL ORDER BY id",
            Status::Held.code()
        ));
    s.load(conn)
}

/// The suffix of a digest's id: the id of the held row that first joined it, and this.
pub const DIGEST_SUFFIX: &str = ".digest";

/// Is this the id of a digest? Settling needs to know without reading the row.
pub fn is_digest(id: &str) -> bool {
    id.ends_with(DIGEST_SUFFIX)
}

/// The rows held for these digests take their digests' final outcome (sent, failed or
/// bounced), in the transaction that records it.
pub fn settle_held(conn: &mut DbConnection, digest_ids: &[&str]) -> QueryResult<usize> {
    if digest_ids.is_empty() {
        return Ok(0);
    }
    let mut settled = 0;
    for chunk in digest_ids.chunks(500) {
        let mut s = Statement::default();
        s.push(&format!(
            "UPDATE deliveries SET status = (SELECT g.status FROM deliveries g \
             WHERE g.id = deliveries.digest_id), \
             sent_at = (SELECT g.sent_at FROM deliveries g WHERE g.id = deliveries.digest_id), \
             last_error = (SELECT g.last_error FROM deliveries g \
             WHERE g.id = deliveries.digest_id) \
             WHERE status = '{held}' AND digest_id IN (",
            held = Status::Held.code()
        ));
        s.bind_list(chunk.iter().map(|id| Param::Text((*id).to_owned())));
        s.push(&format!(
            ") AND EXISTS (SELECT 1 FROM deliveries g WHERE g.id = deliveries.digest_id \
             AND g.status <> '{pending}')",
            pending = Status::Pending.code()
        ));
        settled += s.execute(conn)?;
    }
    Ok(settled)
}
