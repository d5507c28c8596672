//! Where mail goes when no SMTP server is configured: a table the app shows at
//! `/dev/mailbox`, so a newcomer can click the activation link.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::templates::RenderedMail;
use crate::db::DbConnection;
use crate::schema::dev_mailbox;

#[derive(Debug, Clone, Queryable)]
#[diesel(table_name = dev_mailbox)]
pub struct DevMail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub message_id: String,
    pub received_at: NaiveDateTime,
    /// The whole message as SMTP would have carried it.
    pub raw: Option<String>,
}

/// Puts one delivery's mail into the mailbox. Keyed by the delivery's id, so an attempt
/// repeated after a crash (before the ledger recorded the first) shows the mail once.
pub fn deliver(
    conn: &mut DbConnection,
    delivery_id: &str,
    to: &str,
    message_id: &str,
    mail: &RenderedMail,
    raw: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let insert = diesel::insert_into(dev_mailbox::table).values((
        dev_mailbox::id.eq(delivery_id),
        dev_mailbox::recipient.eq(to),
        dev_mailbox::subject.eq(&mail.subject),
        dev_mailbox::body_text.eq(&mail.text),
        dev_mailbox::body_html.eq(&mail.html),
        dev_mailbox::message_id.eq(message_id),
        dev_mailbox::received_at.eq(now),
        dev_mailbox::raw.eq(raw),
    ));
    match conn {
        DbConnection::Pg(c) => insert.on_conflict_do_nothing().execute(c)?,
        DbConnection::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
    };
    Ok(())
}

pub fn list(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<DevMail>> {
    dev_mailbox::table
        .order((dev_mailbox::received_at.desc(), dev_mailbox::id.desc()))
        .limit(limit)
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<DevMail>> {
    dev_mailbox::table.find(id).first(conn).optional()
}
