//! The audience of one publication, written straight into the outbox by one set-based
//! statement: no row of it passes through the application.
//!
//! An address is in the audience when it is verified, belongs to an account that subscribes
//! to an affected product with the matching mail flag on, has not opted out of that kind for
//! that product, and its window admits the issue instant in its own time zone. Each address
//! gets one mail however many of its listings qualify; of those, the lowest recipient id
//! gives the language and time zone.
//!
//! The window rule is `shared`'s: for every time zone in use, Rust computes the one-slot
//! window of the issue instant (`DeliveryWindow::slot`) and SQL intersects bit sets.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Text, Timestamp};
use shared::domain::{DeliveryWindow, TimeZoneName};
use shared::dto::NoticeKind;

use crate::db::DbConnection;
use crate::schema::recipients;

enum Param {
    Text(String),
    Int(i32),
    Bool(bool),
    Time(NaiveDateTime),
}

/// SQL with `?` placeholders and their values, run on either backend.
#[derive(Default)]
struct Statement {
    sql: String,
    params: Vec<Param>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                Param::Text(v) => q.bind::<Text, _>(v.clone()),
                Param::Int(v) => q.bind::<Integer, _>(*v),
                Param::Bool(v) => q.bind::<Bool, _>(*v),
                Param::Time(v) => q.bind::<Timestamp, _>(*v),
            };
        }
        q
    }};
}

impl Statement {
    fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    fn bind(&mut self, p: Param) -> &mut Self {
        self.sql.push('?');
        self.params.push(p);
        self
    }

    /// PostgreSQL numbers its placeholders; our SQL has no `?` inside literals.
    fn numbered(&self) -> String {
        let mut out = String::with_capacity(self.sql.len() + 64);
        let mut n = 0;
        for c in self.sql.chars() {
            if c == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(c);
            }
        }
        out
    }

    fn execute(&self, conn: &mut DbConnection) -> QueryResult<usize> {
        match conn {
            DbConnection::Pg(c) => bind_all!(
                diesel::sql_query(self.numbered()).into_boxed(),
                &self.params
            )
            .execute(c),
            DbConnection::Sqlite(c) => {
                bind_all!(diesel::sql_query(&self.sql).into_boxed(), &self.params).execute(c)
            }
        }
    }

    fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        let rows: Vec<Count> = match conn {
            DbConnection::Pg(c) => bind_all!(
                diesel::sql_query(self.numbered()).into_boxed(),
                &self.params
            )
            .load(c)?,
            DbConnection::Sqlite(c) => {
                bind_all!(diesel::sql_query(&self.sql).into_boxed(), &self.params).load(c)?
            }
        };
        Ok(rows.first().map_or(0, |c| c.n))
    }
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FanOut {
    pub audience: i64,
    /// Addresses that qualify but whose windows all exclude the issue instant.
    pub skipped: i64,
}

/// The qualifying listings, window aside.
fn eligible(s: &mut Statement, notice_id: &str, kind: NoticeKind) {
    // The flag column is chosen from the kind, never from input.
    let flag = match kind {
        NoticeKind::Maintenance => "maintenance_mail",
        NoticeKind::Outage => "outage_mail",
    };
    s.push(
        "eligible AS (SELECT r.id AS id, r.email AS email, r.weekdays AS weekdays, \
         r.hours AS hours, r.time_zone AS time_zone \
         FROM notice_products np \
         JOIN subscriptions s ON s.product_id = np.product_id \
         JOIN recipients r ON r.account_id = s.account_id \
         WHERE np.notice_id = ",
    )
    .bind(Param::Text(notice_id.to_owned()))
    .push(&format!(" AND s.{flag} = "))
    .bind(Param::Bool(true))
    .push(" AND r.status = 'verified' AND NOT EXISTS (SELECT 1 FROM recipient_opt_outs o WHERE o.recipient_id = r.id AND o.product_id = np.product_id AND o.kind = ")
    .bind(Param::Text(kind.code().to_owned()))
    .push("))");
}

/// Addresses that qualify for a notice, whatever their windows.
fn qualifying(conn: &mut DbConnection, notice_id: &str, kind: NoticeKind) -> QueryResult<i64> {
    let mut counting = Statement::default();
    counting.push("WITH ");
    eligible(&mut counting, notice_id, kind);
    counting.push(" SELECT COUNT(DISTINCT email) AS n FROM eligible");
    counting.count(conn)
}

/// For every time zone in use, the one-slot window of `at`.
fn slots(conn: &mut DbConnection, at: DateTime<Utc>) -> QueryResult<Vec<(String, (i32, i32))>> {
    let zones: Vec<String> = recipients::table
        .select(recipients::time_zone)
        .distinct()
        .load(conn)?;
    Ok(zones
        .into_iter()
        .filter_map(|z| {
            let tz = TimeZoneName::parse(&z).ok()?.tz();
            Some((z, DeliveryWindow::slot(tz, at).bits()))
        })
        .collect())
}

/// `zones (tz, wbit, hbit) AS (VALUES …), ` for a `WITH`.
fn zones(s: &mut Statement, slots: &[(String, (i32, i32))]) {
    s.push("zones (tz, wbit, hbit) AS (VALUES ");
    for (i, (zone, (day, hour))) in slots.iter().enumerate() {
        if i > 0 {
            s.push(", ");
        }
        s.push("(")
            .bind(Param::Text(zone.clone()))
            .push(", ")
            .bind(Param::Int(*day))
            .push(", ")
            .bind(Param::Int(*hour))
            .push(")");
    }
    s.push("), ");
}

/// `admitted`: one row per address whose window admits the instant of `zones`, with the
/// lowest qualifying recipient id.
const ADMITTED: &str = ", admitted AS (SELECT e.email AS email, MIN(e.id) AS recipient_id \
     FROM eligible e JOIN zones z ON z.tz = e.time_zone \
     WHERE (e.weekdays & z.wbit) <> 0 AND (e.hours & z.hbit) <> 0 \
     GROUP BY e.email) ";

/// `WITH zones …, eligible …, admitted …` for the instant whose slots these are.
fn with_admitted(slots: &[(String, (i32, i32))], notice_id: &str, kind: NoticeKind) -> Statement {
    let mut s = Statement::default();
    s.push("WITH ");
    zones(&mut s, slots);
    eligible(&mut s, notice_id, kind);
    s.push(ADMITTED);
    s
}

/// What a publication of the notice at `at` would reach, writing nothing: the figures an
/// operator confirms before publishing.
pub fn estimate(
    conn: &mut DbConnection,
    notice_id: &str,
    kind: NoticeKind,
    at: DateTime<Utc>,
) -> QueryResult<FanOut> {
    let qualifying = qualifying(conn, notice_id, kind)?;
    let slots = slots(conn, at)?;
    if slots.is_empty() || qualifying == 0 {
        return Ok(FanOut {
            audience: 0,
            skipped: qualifying,
        });
    }
    let mut s = with_admitted(&slots, notice_id, kind);
    s.push("SELECT COUNT(*) AS n FROM admitted");
    let audience = s.count(conn)?;
    Ok(FanOut {
        audience,
        skipped: qualifying - audience,
    })
}

/// Writes one outbox row per address of the audience; returns the counts.
pub fn fan_out(
    conn: &mut DbConnection,
    target: &Target<'_>,
    now: NaiveDateTime,
) -> QueryResult<FanOut> {
    let slots = slots(conn, target.issued_at)?;
    let qualifying = qualifying(conn, target.notice_id, target.kind)?;
    if slots.is_empty() || qualifying == 0 {
        return Ok(FanOut {
            audience: 0,
            skipped: qualifying,
        });
    }

    let mut s = with_admitted(&slots, target.notice_id, target.kind);
    let publication = || Param::Text(target.publication_id.to_owned());
    let notice = || Param::Text(target.notice_id.to_owned());
    s.push(", ");
    // An update answers the notice's earliest mail to each address. A join, not a lookup per
    // row into the table being written.
    if target.follows_up {
        s.push(
            "earliest AS (SELECT f.recipient AS email, MIN(p.sequence) AS sequence \
             FROM mail_outbox f JOIN publications p ON p.id = f.publication_id \
             WHERE p.notice_id = ",
        )
        .bind(notice())
        .push(
            " GROUP BY f.recipient), \
             parent AS (SELECT e.email AS email, f.message_id AS message_id FROM earliest e \
             JOIN publications p ON p.sequence = e.sequence AND p.notice_id = ",
        )
        .bind(notice())
        .push(" JOIN mail_outbox f ON f.publication_id = p.id AND f.recipient = e.email) ");
    } else {
        s.push("parent (email, message_id) AS (SELECT NULL, NULL WHERE 1 = 0) ");
    }
    s.push(
        "INSERT INTO mail_outbox (id, recipient, message_id, status, attempts, next_attempt_at, \
         created_at, publication_id, recipient_id, language, time_zone, in_reply_to) \
         SELECT ",
    )
    .bind(publication())
    .push(" || '.' || a.recipient_id, a.email, '<' || ")
    .bind(publication())
    .push(" || '.' || a.recipient_id || '@' || ")
    .bind(Param::Text(target.message_domain.to_owned()))
    .push(" || '>', 'pending', 0, ")
    .bind(Param::Time(now))
    .push(", ")
    .bind(Param::Time(now))
    .push(", ")
    .bind(publication())
    .push(
        ", a.recipient_id, r.language, r.time_zone, parent.message_id \
         FROM admitted a JOIN recipients r ON r.id = a.recipient_id \
         LEFT JOIN parent ON parent.email = a.email",
    );
    if let DbConnection::Pg(c) = conn {
        // Statistics lag behind bulk changes (a first publication to 100,000 new addresses):
        // a planner that believes the CTEs hold one row picks nested loops, which rescan
        // the growing outbox per row. Hash joins are linear whatever the estimates; the
        // setting ends with the publication's transaction.
        diesel::sql_query("SET LOCAL enable_nestloop = off").execute(c)?;
    }
    let audience = i64::try_from(s.execute(conn)?).unwrap_or(i64::MAX);
    Ok(FanOut {
        audience,
        skipped: qualifying - audience,
    })
}
