//! The durable outbox. Rows are written in the transaction of the change that causes the
//! mail and claimed by dispatchers under a lease; a dispatcher that dies mid-batch only
//! delays its rows until the lease runs out.

use chrono::{Duration, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::templates::RenderedMail;
use crate::db::DbConnection;
use crate::schema::mail_outbox;

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

/// A mail ready to be queued.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    pub recipient: String,
    pub mail: RenderedMail,
}

/// A queued mail. Account mails carry their rendered content; notice mails carry only the
/// publication and the address's language and time zone, and are rendered when sent.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = mail_outbox)]
pub struct OutboxRow {
    pub id: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body_text: Option<String>,
    pub body_html: Option<String>,
    pub message_id: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub lease_token: Option<String>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub publication_id: Option<String>,
    pub recipient_id: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    /// The Message-ID of the notice's first mail to this address, for threading.
    pub in_reply_to: Option<String>,
}

/// Queues `mail`; `message_domain` is the right-hand side of its Message-ID.
pub fn enqueue(
    conn: &mut DbConnection,
    mail: &OutgoingMail,
    message_domain: &str,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let id = crate::models::new_id();
    let message_id = format!("<{id}@{message_domain}>");
    diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::id.eq(&id),
            mail_outbox::recipient.eq(&mail.recipient),
            mail_outbox::subject.eq(Some(&mail.mail.subject)),
            mail_outbox::body_text.eq(Some(&mail.mail.text)),
            mail_outbox::body_html.eq(Some(&mail.mail.html)),
            mail_outbox::message_id.eq(&message_id),
            mail_outbox::status.eq(PENDING),
            mail_outbox::attempts.eq(0),
            mail_outbox::next_attempt_at.eq(now),
            mail_outbox::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Leases up to `limit` due rows to the claim named `token` and returns them.
///
/// PostgreSQL locks the chosen rows with `FOR UPDATE SKIP LOCKED`, so concurrent dispatchers
/// each take different rows without waiting on one another. SQLite has one writer at a time;
/// there the lease condition is repeated in the UPDATE, so of two dispatchers racing for a
/// row only one sees it still unleased and takes it.
pub fn claim(
    conn: &mut DbConnection,
    token: &str,
    limit: i64,
    now: NaiveDateTime,
    lease: Duration,
) -> QueryResult<Vec<OutboxRow>> {
    match conn {
        DbConnection::Pg(c) => c.transaction(|c| {
            // The oldest due rows come straight off the pending index in order; a planner
            // misled by statistics that lag a big publication would fetch the whole
            // backlog and sort it instead, on every claim. A disabled plan looks costly
            // enough to be JIT-compiled, which no claim of a few hundred rows repays.
            c.batch_execute(
                "SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off; \
                 SET LOCAL jit = off",
            )?;
            diesel::sql_query(
                "UPDATE mail_outbox SET lease_until = $1, lease_token = $2, \
                 attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM mail_outbox WHERE status = 'pending' \
                 AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until < $3) \
                 ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING *",
            )
            .bind::<Timestamp, _>(now + lease)
            .bind::<Text, _>(token)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load(c)
        }),
        DbConnection::Sqlite(_) => {
            let free = mail_outbox::lease_until
                .is_null()
                .or(mail_outbox::lease_until.lt(now));
            let due: Vec<String> = mail_outbox::table
                .select(mail_outbox::id)
                .filter(mail_outbox::status.eq(PENDING))
                .filter(mail_outbox::next_attempt_at.le(now))
                .filter(free)
                .order(mail_outbox::next_attempt_at.asc())
                .limit(limit)
                .load(conn)?;
            if due.is_empty() {
                return Ok(Vec::new());
            }
            diesel::update(
                mail_outbox::table
                    .filter(mail_outbox::id.eq_any(&due))
                    .filter(mail_outbox::status.eq(PENDING))
                    .filter(free),
            )
            .set((
                mail_outbox::lease_until.eq(now + lease),
                mail_outbox::lease_token.eq(token),
                mail_outbox::attempts.eq(mail_outbox::attempts + 1),
            ))
            .execute(conn)?;
            // Those of them this claim leased (on SQLite another may have taken some
            // first). By primary key only: a condition on `status` invites a planner to walk
            // the whole pending index instead.
            mail_outbox::table
                .filter(mail_outbox::id.eq_any(&due))
                .filter(mail_outbox::lease_token.eq(token))
                .select(OutboxRow::as_select())
                .load(conn)
        }
    }
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
}

/// One attempt's outcome, to be recorded under the lease it was made with.
#[derive(Debug, Clone)]
pub struct Settlement {
    pub id: String,
    pub token: String,
    pub outcome: Outcome,
}

/// Records attempts in one transaction, each only while its token still holds the row's
/// lease (a row whose lease ran out may already be another dispatcher's). Successes, the
/// common case, are one UPDATE per lease. Returns how many rows were recorded.
pub fn settle_all(
    conn: &mut DbConnection,
    settlements: &[Settlement],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    conn.transaction(|conn| {
        let mut recorded = 0;
        let mut sent: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
        for s in settlements {
            if s.outcome == Outcome::Sent {
                sent.entry(&s.token).or_default().push(&s.id);
            } else {
                recorded += settle(conn, &s.id, &s.token, &s.outcome, now)? as usize;
            }
        }
        for (token, ids) in sent {
            recorded += diesel::update(
                mail_outbox::table
                    .filter(mail_outbox::id.eq_any(ids))
                    .filter(mail_outbox::lease_token.eq(token)),
            )
            .set((
                mail_outbox::status.eq(SENT),
                mail_outbox::sent_at.eq(now),
                mail_outbox::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        }
        Ok(recorded)
    })
}

/// Records an attempt, but only while `token` still holds the row's lease.
pub fn settle(
    conn: &mut DbConnection,
    id: &str,
    token: &str,
    outcome: &Outcome,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let row = mail_outbox::table
        .filter(mail_outbox::id.eq(id))
        .filter(mail_outbox::lease_token.eq(token));
    let n = match outcome {
        Outcome::Sent => diesel::update(row)
            .set((
                mail_outbox::status.eq(SENT),
                mail_outbox::sent_at.eq(now),
                mail_outbox::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?,
        Outcome::Retry { at, error } => diesel::update(row)
            .set((
                mail_outbox::next_attempt_at.eq(at),
                mail_outbox::last_error.eq(error),
                mail_outbox::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?,
        Outcome::Failed { error } => diesel::update(row)
            .set((
                mail_outbox::status.eq(FAILED),
                mail_outbox::last_error.eq(error),
                mail_outbox::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}
