use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::registrations;

/// A provisional registration (仮登録) waiting for its owner to follow the mailed link.
#[derive(Debug, Clone, Queryable)]
#[diesel(table_name = registrations)]
pub struct Registration {
    pub id: String,
    pub email: String,
    pub token_hash: String,
    pub password_hash: String,
    pub family_name: String,
    pub given_name: String,
    pub company: String,
    pub department: Option<String>,
    pub phone: Option<String>,
    pub language: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = registrations)]
pub struct NewRegistrationRow<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub token_hash: &'a str,
    pub password_hash: &'a str,
    pub family_name: &'a str,
    pub given_name: &'a str,
    pub company: &'a str,
    pub department: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub language: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

impl Registration {
    /// Usable now: not used, not replaced, not expired.
    pub fn is_open(&self, now: NaiveDateTime) -> bool {
        self.used_at.is_none() && now < self.expires_at
    }

    pub fn find_by_token_hash(
        conn: &mut DbConnection,
        hash: &str,
    ) -> QueryResult<Option<Registration>> {
        registrations::table
            .filter(registrations::token_hash.eq(hash))
            .first(conn)
            .optional()
    }

    /// A new sign-up for the same address replaces the pending one: its link stops working.
    pub fn close_pending_for(
        conn: &mut DbConnection,
        email: &str,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(
            registrations::table
                .filter(registrations::email.eq(email))
                .filter(registrations::used_at.is_null()),
        )
        .set(registrations::used_at.eq(now))
        .execute(conn)
    }

    /// Marks this registration used, if nobody else did first.
    pub fn consume(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
        diesel::update(
            registrations::table
                .find(id)
                .filter(registrations::used_at.is_null()),
        )
        .set(registrations::used_at.eq(now))
        .execute(conn)
        .map(|n| n == 1)
    }
}
