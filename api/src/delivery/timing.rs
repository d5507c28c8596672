//! Deliveries due later than their publication: reminders before a maintenance starts, and
//! notices held until a destination's window opens, which one digest per destination and
//! opening carries. The instants are `shared`'s rule ([`Schedule`]), computed once per
//! distinct schedule among the publication's destinations (a handful, however many rows);
//! SQL applies each to its rows in one statement.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text, Timestamp};
use shared::domain::{ReminderLead, Reminders, Schedule};

use super::ledger::{Carries, DIGEST_SUFFIX, SkipReason, Status};
use super::statement::{Param, Statement};
use crate::db::DbConnection;
use crate::models::notice::utc;

/// Where the destinations of a channel's rows are kept: e-mail rows name a delivery
/// address, every other channel's a webhook destination.
#[derive(Debug, Clone, Copy)]
enum Owners {
    Addresses,
    Hooks,
}

impl Owners {
    const ALL: [Self; 2] = [Self::Addresses, Self::Hooks];

    const fn table(self) -> &'static str {
        match self {
            Self::Addresses => "recipients",
            Self::Hooks => "webhooks",
        }
    }

    const fn channel(self) -> &'static str {
        match self {
            Self::Addresses => "d.channel = 'email'",
            Self::Hooks => "d.channel <> 'email'",
        }
    }

    /// What a reminder to the destination of the notice row `d` answers: the notice's mail,
    /// or the mail that one answered when it was not sent. Webhook events answer nothing.
    const fn in_reply_to(self) -> &'static str {
        match self {
            Self::Addresses => {
                "CASE WHEN d.status IN ('pending', 'sent') \
                 THEN COALESCE(d.in_reply_to, d.message_id) ELSE d.in_reply_to END"
            }
            Self::Hooks => "NULL",
        }
    }

    /// Writes the Message-ID (e-mail) or `webhook-id` of a new row whose id is the SQL
    /// `id`.
    fn message_id(self, s: &mut Statement, id: &str, message_domain: &str) {
        match self {
            Self::Addresses => {
                s.push(&format!("'<' || {id} || '@' || "))
                    .bind(Param::Text(message_domain.to_owned()))
                    .push(" || '>'");
            }
            Self::Hooks => {
                s.push(&format!("'msg_' || {id}"));
            }
        }
    }
}

/// A distinct schedule among a publication's destinations, with the reminders asked for.
#[derive(Debug, QueryableByName)]
struct Group {
    #[diesel(sql_type = Text)]
    time_zone: String,
    #[diesel(sql_type = Integer)]
    weekdays: i32,
    #[diesel(sql_type = Integer)]
    hours: i32,
    #[diesel(sql_type = Text)]
    holidays: String,
    #[diesel(sql_type = Integer)]
    reminders: i32,
}

impl Group {
    fn schedule(&self) -> Schedule {
        Schedule::stored(&self.time_zone, self.weekdays, self.hours, &self.holidays)
    }

    /// SQL true for the owner `o` of this schedule, with its values bound.
    fn matches(&self, s: &mut Statement) {
        s.push(" AND o.time_zone = ")
            .bind(Param::Text(self.time_zone.clone()))
            .push(" AND o.weekdays = ")
            .bind(Param::Int(self.weekdays))
            .push(" AND o.hours = ")
            .bind(Param::Int(self.hours))
            .push(" AND o.holidays = ")
            .bind(Param::Text(self.holidays.clone()));
    }
}

/// `FROM deliveries d JOIN <owners> o … WHERE` the publication's notice rows of the channel
/// that also satisfy `rows` (SQL over `d`) and whose owner satisfies `owner` (over `o`).
fn from_rows(s: &mut Statement, owners: Owners, publication_id: &str, rows: &str, owner: &str) {
    s.push(&format!(
        " FROM deliveries d JOIN {table} o ON o.id = d.destination_id \
         WHERE d.publication_id = ",
        table = owners.table()
    ))
    .bind(Param::Text(publication_id.to_owned()))
    .push(&format!(
        " AND {channel} AND d.carries = 'notice' AND {rows} AND {owner}",
        channel = owners.channel()
    ));
}

fn groups(
    conn: &mut DbConnection,
    owners: Owners,
    publication_id: &str,
    rows: &str,
    owner: &str,
) -> QueryResult<Vec<Group>> {
    let mut s = Statement::default();
    s.push(
        "SELECT o.time_zone AS time_zone, o.weekdays AS weekdays, o.hours AS hours, \
         o.holidays AS holidays, o.reminders AS reminders",
    );
    from_rows(&mut s, owners, publication_id, rows, owner);
    s.push(" GROUP BY o.time_zone, o.weekdays, o.hours, o.holidays, o.reminders");
    s.load(conn)
}

/// The rows of a publication a reminder follows: every notice row that was not kept from
/// its destination for good (sent or to be sent, held, or skipped by the window only).
const REMINDED: &str = "(d.status IN ('pending', 'sent', 'held') OR d.skip_reason = 'window')";

/// Writes, for each destination of a maintenance's publication that asked for reminders, a
/// row per lead: pending, due at the instant [`Schedule::reminder_at`] gives, or recorded as
/// skipped by the window when no hour of it begins before the start. The rows answer the
/// notice's mail where there was one. Returns how many reminders are due.
pub fn plan_reminders(
    conn: &mut DbConnection,
    publication_id: &str,
    message_domain: &str,
    starts_at: DateTime<Utc>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut due = 0;
    for owners in Owners::ALL {
        for group in groups(conn, owners, publication_id, REMINDED, "o.reminders <> 0")? {
            let schedule = group.schedule();
            for lead in Reminders::from_bits(group.reminders).leads() {
                let at = schedule.reminder_at(lead, utc(now), starts_at);
                let carries = Carries::reminder_code(lead);
                let mut s = Statement::default();
                s.push(
                    "INSERT INTO deliveries (id, destination, message_id, status, skip_reason, \
                     attempts, due_at, created_at, publication_id, destination_id, language, \
                     time_zone, in_reply_to, channel, carries) SELECT d.id || ",
                )
                .bind(Param::Text(format!(".{}", lead.code())))
                .push(", d.destination, ");
                owners.message_id(
                    &mut s,
                    &format!("d.id || '.{}'", lead.code()),
                    message_domain,
                );
                let (status, reason) = match at {
                    Some(_) => (Status::Pending, None),
                    None => (Status::Skipped, Some(SkipReason::Window)),
                };
                let reason = reason.map_or("NULL".to_owned(), |r| format!("'{}'", r.code()));
                s.push(&format!(", '{}', {reason}, 0, ", status.code()))
                    .bind(Param::Time(at.map_or(now, |t| t.naive_utc())))
                    .push(", ")
                    .bind(Param::Time(now))
                    .push(&format!(
                        ", d.publication_id, d.destination_id, d.language, d.time_zone, \
                         {reply}, d.channel, ",
                        reply = owners.in_reply_to()
                    ))
                    .bind(Param::Text(carries.to_owned()));
                from_rows(
                    &mut s,
                    owners,
                    publication_id,
                    REMINDED,
                    &format!("(o.reminders & {}) <> 0", lead.bit()),
                );
                group.matches(&mut s);
                let n = s.execute(conn)?;
                if at.is_some() {
                    due += n;
                }
            }
        }
    }
    Ok(due)
}

/// A reminder still to be sent, with what moving it needs.
#[derive(Debug, QueryableByName)]
struct PendingReminder {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    carries: String,
    #[diesel(sql_type = Nullable<Text>)]
    time_zone: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    weekdays: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    hours: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    holidays: Option<String>,
    #[diesel(sql_type = Timestamp)]
    due_at: NaiveDateTime,
}

/// After a later publication (`publication_id`) of a maintenance: its pending reminders
/// follow the start it now has, each recomputed in its destination's schedule, and carry
/// that publication (a reminder tells the latest times and text); they are withdrawn when
/// there is no longer a start to remind of (`starts_at` is `None`: cancelled, started or
/// done) or no hour left before it. Returns (moved, withdrawn).
pub fn move_reminders(
    conn: &mut DbConnection,
    notice_id: &str,
    publication_id: &str,
    starts_at: Option<DateTime<Utc>>,
    now: NaiveDateTime,
) -> QueryResult<(usize, usize)> {
    let mut pending: Vec<PendingReminder> = Vec::new();
    for owners in Owners::ALL {
        let mut s = Statement::default();
        s.push(&format!(
            "SELECT d.id AS id, d.carries AS carries, o.time_zone AS time_zone, \
             o.weekdays AS weekdays, o.hours AS hours, o.holidays AS holidays, \
             d.due_at AS due_at FROM deliveries d \
             JOIN publications p ON p.id = d.publication_id \
             LEFT JOIN {table} o ON o.id = d.destination_id \
             WHERE p.notice_id = ",
            table = owners.table()
        ))
        .bind(Param::Text(notice_id.to_owned()))
        .push(&format!(
            " AND {channel} AND d.status = 'pending' AND d.carries IN ({reminders})",
            channel = owners.channel(),
            reminders = ReminderLead::ALL
                .map(|l| format!("'{}'", Carries::reminder_code(l)))
                .join(", ")
        ));
        pending.extend(s.load::<PendingReminder>(conn)?);
    }
    let (mut moved, mut withdrawn) = (0, 0);
    for r in pending {
        let lead = ReminderLead::ALL
            .into_iter()
            .find(|l| Carries::reminder_code(*l) == r.carries);
        let schedule = match (&r.time_zone, r.weekdays, r.hours, &r.holidays) {
            (Some(zone), Some(weekdays), Some(hours), Some(holidays)) => {
                Some(Schedule::stored(zone, weekdays, hours, holidays))
            }
            // The destination is gone: nothing to remind.
            _ => None,
        };
        let at = match (lead, schedule, starts_at) {
            (Some(lead), Some(schedule), Some(start)) => {
                schedule.reminder_at(lead, utc(now), start)
            }
            _ => None,
        };
        let row = crate::schema::deliveries::table
            .find(&r.id)
            .filter(crate::schema::deliveries::status.eq(Status::Pending.code()));
        use crate::schema::deliveries::dsl as d;
        match at {
            Some(at) => {
                let n = diesel::update(row)
                    .set((
                        d::due_at.eq(at.naive_utc()),
                        d::publication_id.eq(publication_id),
                    ))
                    .execute(conn)?;
                if at.naive_utc() != r.due_at {
                    moved += n;
                }
            }
            None => {
                withdrawn += diesel::update(row)
                    .set((
                        d::status.eq(Status::Skipped.code()),
                        d::skip_reason.eq(SkipReason::Withdrawn.code()),
                        d::due_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok((moved, withdrawn))
}

/// The notice rows a publication skipped by the window, whose destination asked to hold.
const SKIPPED_BY_WINDOW: &str = "d.status = 'skipped' AND d.skip_reason = 'window'";

/// Turns the rows of a publication that the window skipped, for destinations that asked to
/// hold, into held rows due when their window next opens, each joined to the digest of its
/// destination and opening (written here when it is the first). Returns how many are held.
pub fn hold(
    conn: &mut DbConnection,
    publication_id: &str,
    message_domain: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut held = 0;
    for owners in Owners::ALL {
        let owner = "o.hold = TRUE";
        let mut held_here = 0;
        for group in groups(conn, owners, publication_id, SKIPPED_BY_WINDOW, owner)? {
            let Some(opens) = group.schedule().next_opening(utc(now)) else {
                continue;
            };
            let mut s = Statement::default();
            s.push("UPDATE deliveries SET status = ")
                .bind(Param::Text(Status::Held.code().to_owned()))
                .push(", skip_reason = NULL, due_at = ")
                .bind(Param::Time(opens.naive_utc()))
                .push(" WHERE id IN (SELECT d.id");
            from_rows(&mut s, owners, publication_id, SKIPPED_BY_WINDOW, owner);
            group.matches(&mut s);
            s.push(")");
            held_here += s.execute(conn)?;
        }
        held += held_here;
        // Nothing held (the common case): no digest to write.
        if held_here == 0 {
            continue;
        }
        // The digest of each destination and opening: the first held row writes it, later
        // ones find it by the unique (channel, destination, due) of digests.
        let mut s = Statement::default();
        let id = format!("d.id || '{DIGEST_SUFFIX}'");
        s.push(&format!(
            "INSERT INTO deliveries (id, destination, message_id, status, attempts, due_at, \
             created_at, destination_id, language, time_zone, channel, carries) \
             SELECT {id}, d.destination, "
        ));
        owners.message_id(&mut s, &id, message_domain);
        s.push(&format!(
            ", '{pending}', 0, d.due_at, ",
            pending = Status::Pending.code()
        ))
        .bind(Param::Time(now))
        .push(&format!(
            ", d.destination_id, d.language, d.time_zone, d.channel, '{digest}' \
             FROM deliveries d WHERE d.publication_id = ",
            digest = Carries::DIGEST
        ))
        .bind(Param::Text(publication_id.to_owned()))
        .push(&format!(
            " AND {channel} AND d.status = '{held}' \
             ON CONFLICT (channel, destination, due_at) WHERE carries = '{digest}' DO NOTHING",
            channel = owners.channel(),
            held = Status::Held.code(),
            digest = Carries::DIGEST
        ));
        s.execute(conn)?;
    }
    if held == 0 {
        return Ok(0);
    }
    let mut s = Statement::default();
    s.push(&format!(
        "UPDATE deliveries SET digest_id = (SELECT g.id FROM deliveries g \
         WHERE g.carries = '{digest}' AND g.channel = deliveries.channel \
         AND g.destination = deliveries.destination AND g.due_at = deliveries.due_at) \
         WHERE publication_id = ",
        digest = Carries::DIGEST
    ))
    .bind(Param::Text(publication_id.to_owned()))
    .push(&format!(" AND status = '{}'", Status::Held.code()));
    s.execute(conn)?;
    Ok(held)
}
