//! The audience of one publication, written straight into the delivery ledger by one
//! set-based statement per channel: no row of it passes through the application.
//!
//! An address is in the audience when it is verified, belongs to an account that subscribes
//! to an affected product with the matching mail flag on, has not opted out of that kind for
//! that product, and its window admits the issue instant in its own time zone. Each address
//! gets one mail however many of its listings qualify; of those, the lowest recipient id
//! gives the language and time zone.
//!
//! A webhook destination is in the audience when it is active, takes the notice's kind, and
//! belongs to an account that subscribes to an affected product with the matching flag on,
//! and its window admits the issue instant. Each gets one delivery.
//!
//! Every address and webhook destination the notice concerns but does not reach (its window
//! excludes the instant, it opted out of the kind, it is suspended or quarantined) gets a
//! row too, recorded as skipped with the reason, by the same statement: the delivery log
//! says why nothing arrived.
//!
//! The window rule is `shared`'s: for every time zone in use, Rust computes the one-slot
//! window of the issue instant (`DeliveryWindow::slot`) and the kind of its local date (a
//! public holiday, a year-end day, or neither: `DayKind`), and SQL intersects bit sets and
//! compares the destination's holiday rule with the day.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use shared::domain::{DayKind, DeliveryWindow, HolidayRule, TimeZoneName};
use shared::dto::NoticeKind;

use super::ledger::{self, Channel, SkipReason};
use super::statement::{Param, Statement};
use crate::db::DbConnection;

/// Who a publication goes to.
pub struct Target<'a> {
    pub notice_id: &'a str,
    pub kind: NoticeKind,
    pub publication_id: &'a str,
    pub message_domain: &'a str,
    pub issued_at: DateTime<Utc>,
    /// An update: its mails answer the notice's earlier mail to each address.
    pub follows_up: bool,
}

/// The one row of a `counts_of` statement.
fn counts(s: &Statement, conn: &mut DbConnection) -> QueryResult<FanOut> {
    Ok(s.load::<FanOut>(conn)?.first().copied().unwrap_or(FanOut {
        audience: 0,
        skipped: 0,
    }))
}

/// The two figures of a publication's audience; also the row `counts_of` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct FanOut {
    #[diesel(sql_type = BigInt)]
    pub audience: i64,
    /// Addresses that qualify but whose windows all exclude the issue instant.
    #[diesel(sql_type = BigInt)]
    pub skipped: i64,
}

/// The listings of the notice's audience, window aside, each with `blocked`: 0, or the
/// [`SkipReason`] that keeps the address from it whatever the window (suspended, opted out).
fn eligible(s: &mut Statement, notice_id: &str, kind: NoticeKind) {
    // The flag column is chosen from the kind, never from input.
    let flag = match kind {
        NoticeKind::Maintenance => "maintenance_mail",
        NoticeKind::Outage => "outage_mail",
    };
    s.push(&format!(
        "eligible AS (SELECT r.id AS id, r.email AS email, r.weekdays AS weekdays, \
         r.hours AS hours, r.time_zone AS time_zone, r.language AS language, \
         r.holidays AS holidays, \
         CASE WHEN r.status = 'suspended' THEN {suspended} \
         WHEN EXISTS (SELECT 1 FROM recipient_opt_outs o WHERE o.recipient_id = r.id \
         AND o.product_id = np.product_id AND o.kind = ",
        suspended = SkipReason::Suspended as i32
    ))
    .bind(Param::Text(kind.code().to_owned()))
    .push(&format!(
        ") THEN {unsubscribed} ELSE 0 END AS blocked \
         FROM notice_products np \
         JOIN subscriptions s ON s.product_id = np.product_id \
         JOIN recipients r ON r.account_id = s.account_id \
         WHERE np.notice_id = ",
        unsubscribed = SkipReason::Unsubscribed as i32
    ))
    .bind(Param::Text(notice_id.to_owned()))
    .push(&format!(" AND s.{flag} = "))
    .bind(Param::Bool(true))
    .push(" AND r.status IN ('verified', 'suspended'))");
}

/// A time zone in use by some address.
#[derive(QueryableByName)]
struct Zone {
    #[diesel(sql_type = Text)]
    tz: String,
}

/// The issue instant as seen in one time zone.
struct Slot {
    zone: String,
    /// The one-slot window of the instant: its local weekday and hour as bits.
    bits: (i32, i32),
    day: DayKind,
}

/// For every time zone in use, the one-slot window of `at` and the kind of its local date.
fn slots(conn: &mut DbConnection, at: DateTime<Utc>) -> QueryResult<Vec<Slot>> {
    // A walk over the index of time zones, one probe per distinct zone: there are a few
    // dozen zones and perhaps millions of addresses.
    // Webhook destinations are few beside addresses: their zones are read whole.
    let zones: Vec<Zone> = diesel::sql_query(
        "WITH RECURSIVE z (tz) AS (SELECT MIN(time_zone) FROM recipients \
         UNION ALL SELECT (SELECT MIN(time_zone) FROM recipients WHERE time_zone > z.tz) \
         FROM z WHERE z.tz IS NOT NULL) \
         SELECT tz FROM z WHERE tz IS NOT NULL UNION SELECT DISTINCT time_zone FROM webhooks",
    )
    .load(conn)?;
    Ok(zones
        .into_iter()
        .filter_map(|z| {
            let tz = TimeZoneName::parse(&z.tz).ok()?.tz();
            Some(Slot {
                bits: DeliveryWindow::slot(tz, at).bits(),
                day: DayKind::at(tz, at),
                zone: z.tz,
            })
        })
        .collect())
}

/// `zones (tz, wbit, hbit, h0, h1, …) AS (VALUES …), ` for a `WITH`: column `h{i}` is 1 when
/// the `i`-th holiday rule admits the instant's local date in that zone. With no zone in use,
/// one row that admits nothing: `VALUES` cannot be empty.
fn zones(s: &mut Statement, slots: &[Slot]) {
    s.push("zones (tz, wbit, hbit");
    for i in 0..HolidayRule::ALL.len() {
        s.push(&format!(", h{i}"));
    }
    s.push(") AS (VALUES ");
    if slots.is_empty() {
        s.push("('', 0, 0");
        s.push(&", 0".repeat(HolidayRule::ALL.len()));
        s.push(")");
    }
    for (i, slot) in slots.iter().enumerate() {
        if i > 0 {
            s.push(", ");
        }
        s.push("(")
            .bind(Param::Text(slot.zone.clone()))
            .push(", ")
            .bind(Param::Int(slot.bits.0))
            .push(", ")
            .bind(Param::Int(slot.bits.1));
        for rule in HolidayRule::ALL {
            s.push(", ")
                .bind(Param::Int(i32::from(rule.admits(slot.day))));
        }
        s.push(")");
    }
    s.push("), ");
}

/// SQL that is true when the window of the destination aliased `t`, with its holiday rule,
/// admits the instant of the zone row `z`. The rule is Rust's (`zones`); SQL only picks the
/// column of the destination's rule.
fn admitted(t: &str) -> String {
    let mut rule = format!("CASE {t}.holidays");
    for (i, r) in HolidayRule::ALL.into_iter().enumerate() {
        rule.push_str(&format!(" WHEN '{}' THEN z.h{i}", r.code()));
    }
    // An unknown stored rule reads as the default, as in Rust.
    let default = HolidayRule::ALL
        .into_iter()
        .position(|r| r == HolidayRule::default())
        .unwrap_or(0);
    rule.push_str(&format!(" ELSE z.h{default} END"));
    format!("({t}.weekdays & z.wbit) <> 0 AND ({t}.hours & z.hbit) <> 0 AND {rule} = 1")
}

/// `audience`: one row per address of the eligible listings: the listing that takes the
/// notice at the instant of `zones` with the lowest id, else the one closest to it (lowest
/// `skip`, then id), with its `recipient_id`, `language`, `time_zone`, `skip` (0 to send,
/// else a [`SkipReason`]) and `place`, the address's number in the order of addresses (1, 2,
/// … with no gaps). One sort of the listings picks the row and numbers it (both windows order
/// by the address first), and nothing is joined back: the listing carries what its row
/// needs. `{c}` is the collation the sort compares text in, `{admitted}` the window rule for
/// the listing `e`.
const AUDIENCE: &str = ", ranked AS (SELECT e.email AS email, e.id AS id, e.language AS language, \
     e.time_zone AS time_zone, \
     CASE WHEN e.blocked <> 0 THEN e.blocked \
     WHEN {admitted} THEN 0 ELSE 1 END AS skip \
     FROM eligible e LEFT JOIN zones z ON z.tz = e.time_zone), \
     audience AS (SELECT email, id AS recipient_id, language, time_zone, skip, place FROM \
     (SELECT r.*, row_number() OVER (PARTITION BY r.email{c} ORDER BY r.skip, r.id{c}) AS pick, \
     dense_rank() OVER (ORDER BY r.email{c}) AS place \
     FROM ranked r) picked WHERE pick = 1) ";

/// The figures of the CTE `from` (`audience` or `hooks`), as the columns `audience` and
/// `skipped` (by the window only: a destination that is suspended or opted out is not the
/// audience's).
fn counts_of(from: &str) -> String {
    format!(
        "SELECT COUNT(CASE WHEN skip = 0 THEN 1 END) AS audience, \
         COUNT(CASE WHEN skip = 1 THEN 1 END) AS skipped FROM {from}"
    )
}

/// What an estimate counts of the CTE `from`: as [`counts_of`], and how many of the audience
/// read English (column `english`).
fn estimate_of(from: &str) -> String {
    format!(
        "SELECT COUNT(CASE WHEN skip = 0 THEN 1 END) AS audience, \
         COUNT(CASE WHEN skip = 1 THEN 1 END) AS skipped, \
         COUNT(CASE WHEN skip = 0 AND language = 'en' THEN 1 END) AS english FROM {from}"
    )
}

/// The figures an operator confirms before publishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct Estimate {
    #[diesel(sql_type = BigInt)]
    pub audience: i64,
    #[diesel(sql_type = BigInt)]
    pub skipped: i64,
    /// Of the audience, how many read English (and get the Japanese text where a notice
    /// has none in English).
    #[diesel(sql_type = BigInt)]
    pub english: i64,
}

impl Estimate {
    fn of(s: &Statement, conn: &mut DbConnection) -> QueryResult<Self> {
        Ok(s.load::<Estimate>(conn)?
            .first()
            .copied()
            .unwrap_or(Estimate {
                audience: 0,
                skipped: 0,
                english: 0,
            }))
    }
}

/// PostgreSQL sorts text by the database's collation unless told otherwise; bytes are
/// several times faster to compare, and any total order serves here. SQLite compares bytes.
fn bytewise(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Pg(_) => " COLLATE \"C\"",
        DbConnection::Sqlite(_) => "",
    }
}

/// `WITH zones …, eligible …, audience …` for the instant whose slots these are.
fn with_audience(
    conn: &DbConnection,
    slots: &[Slot],
    notice_id: &str,
    kind: NoticeKind,
) -> Statement {
    let mut s = Statement::default();
    s.push("WITH ");
    zones(&mut s, slots);
    eligible(&mut s, notice_id, kind);
    s.push(
        &AUDIENCE
            .replace("{c}", bytewise(conn))
            .replace("{admitted}", &admitted("e")),
    );
    s
}

/// The figures of the audience at the instant whose slots these are.
fn figures(
    conn: &mut DbConnection,
    slots: &[Slot],
    notice_id: &str,
    kind: NoticeKind,
) -> QueryResult<Estimate> {
    let mut s = with_audience(conn, slots, notice_id, kind);
    s.push(&estimate_of("audience"));
    Estimate::of(&s, conn)
}

/// What a publication of the notice at `at` would reach, writing nothing: the figures an
/// operator confirms before publishing.
pub fn estimate(
    conn: &mut DbConnection,
    notice_id: &str,
    kind: NoticeKind,
    at: DateTime<Utc>,
) -> QueryResult<Estimate> {
    let slots = slots(conn, at)?;
    let mail = figures(conn, &slots, notice_id, kind)?;
    let hooks = hook_figures(conn, &slots, notice_id, kind)?;
    Ok(Estimate {
        audience: mail.audience + hooks.audience,
        skipped: mail.skipped + hooks.skipped,
        english: mail.english + hooks.english,
    })
}

/// Writes one delivery per address and per webhook destination of the audience, and a
/// skipped row, with its reason, for each that the notice concerns but does not reach;
/// returns the counts over both.
pub fn fan_out(
    conn: &mut DbConnection,
    target: &Target<'_>,
    now: NaiveDateTime,
) -> QueryResult<FanOut> {
    let slots = slots(conn, target.issued_at)?;
    let mail = fan_out_mail(conn, &slots, target, now)?;
    let hooks = fan_out_hooks(conn, &slots, target, now)?;
    for (channel, fanned) in [("email", &mail), ("hook", &hooks)] {
        metrics::counter!(
            crate::metrics::DELIVERIES_QUEUED,
            "channel" => channel,
            "kind" => "notice",
        )
        .increment(fanned.audience.unsigned_abs());
    }
    Ok(FanOut {
        audience: mail.audience + hooks.audience,
        skipped: mail.skipped + hooks.skipped,
    })
}

/// The ledger's `INSERT … SELECT` for `numbered`, with its values bound.
fn insert(s: &mut Statement, channel: Channel, target: &Target<'_>, now: NaiveDateTime) {
    s.push(ledger::FAN_OUT_COLUMNS);
    let select = ledger::fan_out_select(channel);
    let mut parts = select.split('?');
    let mut values = Vec::new();
    if channel == Channel::Email {
        values.push(Param::Text(target.message_domain.to_owned()));
    }
    values.extend([
        Param::Time(now),
        Param::Time(now),
        Param::Text(target.publication_id.to_owned()),
    ]);
    if let Some(first) = parts.next() {
        s.push(first);
    }
    for (part, value) in parts.zip(values) {
        s.bind(value).push(part);
    }
}

/// Each row of a publication is numbered in the order of its destination, and the rows are
/// written in that order: a row's id (publication, number) and, on SQLite, its
/// (publication, destination) come after every key already in their indexes, so each B-tree
/// of the ledger is appended to, not split page by page at random places. Ten digits keep
/// the numbers in the order of their text.
fn place(conn: &DbConnection, order: &str) -> String {
    padded(
        conn,
        &match conn {
            DbConnection::Pg(_) => format!("row_number() OVER (ORDER BY {order} COLLATE \"C\")"),
            DbConnection::Sqlite(_) => format!("row_number() OVER (ORDER BY {order})"),
        },
    )
}

/// A row's number (an SQL expression) as ten digits.
fn padded(conn: &DbConnection, number: &str) -> String {
    match conn {
        DbConnection::Pg(_) => format!("lpad(CAST({number} AS TEXT), 10, '0')"),
        DbConnection::Sqlite(_) => format!("printf('%010d', {number})"),
    }
}

fn fan_out_mail(
    conn: &mut DbConnection,
    slots: &[Slot],
    target: &Target<'_>,
    now: NaiveDateTime,
) -> QueryResult<FanOut> {
    let mut s = with_audience(conn, slots, target.notice_id, target.kind);
    let publication = || Param::Text(target.publication_id.to_owned());
    let notice = || Param::Text(target.notice_id.to_owned());
    // An update answers the notice's earliest mail to each address. A join, not a lookup per
    // row into the table being written.
    if target.follows_up {
        // A row recorded as skipped, or held for a digest, was never sent itself: nothing
        // answers it. Reminders answer the notice themselves.
        let skipped = ledger::Status::Skipped.code();
        let held = ledger::Status::Held.code();
        s.push(&format!(
            ", earliest AS (SELECT f.destination AS email, MIN(p.sequence) AS sequence \
             FROM deliveries f JOIN publications p ON p.id = f.publication_id \
             WHERE f.channel = 'email' AND f.carries = 'notice' AND f.status NOT IN ('{skipped}', '{held}') \
             AND p.notice_id = ",
        ))
        .bind(notice())
        .push(
            " GROUP BY f.destination), \
             parent AS (SELECT e.email AS email, f.message_id AS message_id FROM earliest e \
             JOIN publications p ON p.sequence = e.sequence AND p.notice_id = ",
        )
        .bind(notice())
        .push(&format!(
            " JOIN deliveries f ON f.publication_id = p.id AND f.destination = e.email \
             AND f.carries = 'notice' AND f.status NOT IN ('{skipped}', '{held}')) ",
        ));
    }
    // Numbered in the audience's own sort; `audience` comes out of it in that order.
    let place = padded(conn, "a.place");
    s.push(", numbered AS (SELECT ")
        .bind(publication())
        .push(" || '.' || ")
        .push(&place)
        .push(
            " AS id, a.email AS destination, a.recipient_id AS destination_id, \
             a.language AS language, a.time_zone AS time_zone, a.skip AS skip, ",
        )
        .push(if target.follows_up {
            "parent.message_id"
        } else {
            "NULL"
        })
        .push(" AS in_reply_to FROM audience a");
    if target.follows_up {
        s.push(" LEFT JOIN parent ON parent.email = a.email");
    }
    s.push(") ");
    if let DbConnection::Pg(c) = &mut *conn {
        // Statistics lag behind bulk changes (a first publication to 100,000 new addresses):
        // a planner that believes the CTEs hold one row picks nested loops, which rescan
        // the growing ledger per row, and sorts in 4 MB. Hash joins and aggregates are
        // linear whatever the estimates. Disabling nested loops makes the plan look costly
        // enough to be JIT-compiled, which would take longer than the statement itself.
        // The settings end with the publication's transaction.
        c.batch_execute(
            "SET LOCAL enable_nestloop = off; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'",
        )?;
    }
    write_and_count(&mut s, conn, Channel::Email, target, now, "audience")
}

/// Writes the rows of `numbered` (the statement's last CTE) for `channel`, and counts them
/// as [`FanOut`] from `counted`, the CTE that holds their `skip`. PostgreSQL writes in a CTE
/// and counts in the same statement: one pass over the listings. SQLite has no writing
/// CTEs: it counts what was written (the publication's rows, by the ledger's index) in a
/// second statement, rather than computing the audience again.
fn write_and_count(
    s: &mut Statement,
    conn: &mut DbConnection,
    channel: Channel,
    target: &Target<'_>,
    now: NaiveDateTime,
    counted: &str,
) -> QueryResult<FanOut> {
    if matches!(conn, DbConnection::Pg(_)) {
        s.push(", written AS (");
        insert(s, channel, target, now);
        s.push(") ").push(&counts_of(counted));
        return counts(s, conn);
    }
    insert(s, channel, target, now);
    s.execute(conn)?;
    let (audience, skipped) = ledger::fan_out_counts(conn, target.publication_id, channel)?;
    Ok(FanOut { audience, skipped })
}

/// `hooks`: one row per webhook destination of an account the notice concerns, active or
/// quarantined, with `skip` as in `audience`: 0 to send, else a [`SkipReason`].
fn with_hooks(slots: &[Slot], notice_id: &str, kind: NoticeKind) -> Statement {
    let (flag, takes) = match kind {
        NoticeKind::Maintenance => ("maintenance_mail", "maintenance"),
        NoticeKind::Outage => ("outage_mail", "outage"),
    };
    let mut s = Statement::default();
    s.push("WITH ");
    zones(&mut s, slots);
    s.push(&format!(
        "hooks AS (SELECT w.id AS id, w.channel AS channel, w.language AS language, \
         w.time_zone AS time_zone, \
         CASE WHEN w.status = 'quarantined' THEN {suspended} \
         WHEN w.{takes} <> ",
        suspended = SkipReason::Suspended as i32,
    ))
    .bind(Param::Bool(true))
    .push(&format!(
        " THEN {unsubscribed} \
         WHEN {admitted} THEN 0 ELSE {window} END \
         AS skip \
         FROM webhooks w LEFT JOIN zones z ON z.tz = w.time_zone \
         WHERE w.status IN ('active', 'quarantined') \
         AND EXISTS (SELECT 1 FROM notice_products np JOIN subscriptions s \
         ON s.product_id = np.product_id WHERE s.account_id = w.account_id AND np.notice_id = ",
        unsubscribed = SkipReason::Unsubscribed as i32,
        window = SkipReason::Window as i32,
        admitted = admitted("w"),
    ))
    .bind(Param::Text(notice_id.to_owned()))
    .push(&format!(" AND s.{flag} = "))
    .bind(Param::Bool(true))
    .push(")) ");
    s
}

fn hook_figures(
    conn: &mut DbConnection,
    slots: &[Slot],
    notice_id: &str,
    kind: NoticeKind,
) -> QueryResult<Estimate> {
    let mut s = with_hooks(slots, notice_id, kind);
    s.push(&estimate_of("hooks"));
    Estimate::of(&s, conn)
}

fn fan_out_hooks(
    conn: &mut DbConnection,
    slots: &[Slot],
    target: &Target<'_>,
    now: NaiveDateTime,
) -> QueryResult<FanOut> {
    let mut s = with_hooks(slots, target.notice_id, target.kind);
    let place = place(conn, "h.id");
    // `.h` keeps these ids apart from the same publication's e-mail rows.
    s.push(", numbered AS (SELECT ")
        .bind(Param::Text(target.publication_id.to_owned()))
        .push(" || '.h' || ")
        .push(&place)
        .push(
            " AS id, h.id AS destination, h.id AS destination_id, h.language AS language, \
             h.time_zone AS time_zone, h.channel AS channel, h.skip AS skip FROM hooks h) ",
        );
    write_and_count(
        &mut s,
        conn,
        Channel::Hook(shared::dto::HookChannel::Webhook),
        target,
        now,
        "hooks",
    )
}
