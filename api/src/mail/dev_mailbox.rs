//! Where mail goes when no SMTP server is configured: a table the app shows at
//! `/dev/mailbox`, so a newcomer can click the activation link.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::outbox::{self, OutboxRow};
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
}

/// Delivers one claimed row into the mailbox and marks it sent, in one transaction, so the
/// dev mailbox never shows a mail twice.
pub fn deliver(
    conn: &mut DbConnection,
    row: &OutboxRow,
    mail: &RenderedMail,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    conn.transaction(|conn| {
        if !outbox::settle(conn, &row.id, token, &outbox::Outcome::Sent, now)? {
            return Ok(false);
        }
        diesel::insert_into(dev_mailbox::table)
            .values((
                dev_mailbox::id.eq(&row.id),
                dev_mailbox::recipient.eq(&row.recipient),
                dev_mailbox::subject.eq(&mail.subject),
                dev_mailbox::body_text.eq(&mail.text),
                dev_mailbox::body_html.eq(&mail.html),
                dev_mailbox::message_id.eq(&row.message_id),
                dev_mailbox::received_at.eq(now),
            ))
            .execute(conn)?;
        Ok(true)
    })
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
