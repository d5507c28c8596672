use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::password_resets;

#[derive(Debug, Clone, Queryable)]
#[diesel(table_name = password_resets)]
pub struct PasswordReset {
    pub token_hash: String,
    pub account_id: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = password_resets)]
pub struct NewPasswordReset<'a> {
    pub token_hash: &'a str,
    pub account_id: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

impl PasswordReset {
    pub fn find(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<PasswordReset>> {
        password_resets::table.find(hash).first(conn).optional()
    }

    /// Uses up every open reset link of the account (the one used, and any older ones).
    pub fn consume_all(
        conn: &mut DbConnection,
        account_id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(
            password_resets::table
                .filter(password_resets::account_id.eq(account_id))
                .filter(password_resets::used_at.is_null()),
        )
        .set(password_resets::used_at.eq(now))
        .execute(conn)
    }
}
