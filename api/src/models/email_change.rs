//! Login address changes waiting for the new address to confirm them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::email_changes;

#[derive(Debug, Clone, Queryable)]
#[diesel(table_name = email_changes)]
pub struct EmailChange {
    pub token_hash: String,
    pub account_id: String,
    pub new_email: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

impl EmailChange {
    pub fn insert(
        conn: &mut DbConnection,
        token_hash: &str,
        account_id: &str,
        new_email: &str,
        now: NaiveDateTime,
        expires_at: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::insert_into(email_changes::table)
            .values((
                email_changes::token_hash.eq(token_hash),
                email_changes::account_id.eq(account_id),
                email_changes::new_email.eq(new_email),
                email_changes::created_at.eq(now),
                email_changes::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn find(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<EmailChange>> {
        email_changes::table.find(hash).first(conn).optional()
    }

    /// Uses up this link if it is still unused; returns whether this call did.
    pub fn claim(conn: &mut DbConnection, hash: &str, now: NaiveDateTime) -> QueryResult<bool> {
        let n = diesel::update(
            email_changes::table
                .find(hash)
                .filter(email_changes::used_at.is_null()),
        )
        .set(email_changes::used_at.eq(now))
        .execute(conn)?;
        Ok(n == 1)
    }

    /// Uses up every open change of the account: a newer request, or the one confirmed,
    /// leaves no older link working.
    pub fn consume_all(
        conn: &mut DbConnection,
        account_id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(
            email_changes::table
                .filter(email_changes::account_id.eq(account_id))
                .filter(email_changes::used_at.is_null()),
        )
        .set(email_changes::used_at.eq(now))
        .execute(conn)
    }
}
