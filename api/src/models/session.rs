//! Sessions and their refresh tokens. A session is one refresh-token family: each refresh
//! uses up the presented token and issues the next; presenting a used one means it was
//! stolen or replayed, so the whole family is revoked.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::account::Account;
use crate::auth::token;
use crate::db::DbConnection;
use crate::schema::{accounts, refresh_tokens, sessions, terms};

#[derive(Debug, Clone, Queryable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: String,
    pub account_id: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

pub enum Rotation {
    /// The presented token was current: here is the session and the next token.
    Rotated {
        session: Session,
        refresh_token: String,
    },
    /// Unknown, expired or revoked.
    Invalid,
    /// A used token came back: the session is now revoked.
    Reused,
}

impl Session {
    /// Opens a session and returns it with its first refresh token.
    pub fn open(
        conn: &mut DbConnection,
        account_id: &str,
        now: NaiveDateTime,
        ttl: chrono::Duration,
    ) -> QueryResult<(Session, String)> {
        let session = Session {
            id: super::new_id(),
            account_id: account_id.to_owned(),
            created_at: now,
            expires_at: now + ttl,
            revoked_at: None,
        };
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(&session.id),
                sessions::account_id.eq(&session.account_id),
                sessions::created_at.eq(session.created_at),
                sessions::expires_at.eq(session.expires_at),
            ))
            .execute(conn)?;
        let refresh = add_refresh_token(conn, &session.id, now)?;
        Ok((session, refresh))
    }

    /// The session if it is still open (used on every authenticated request).
    pub fn find_open(
        conn: &mut DbConnection,
        id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<Session>> {
        sessions::table
            .find(id)
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(now))
            .first(conn)
            .optional()
    }

    /// What authenticating a request needs, in one round trip: the open session `id` of
    /// `account_id`, its account, and the version of the terms in force at `now`.
    pub fn authenticate(
        conn: &mut DbConnection,
        id: &str,
        account_id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<(Session, Account, Option<String>)>> {
        let current_terms = terms::table
            .select(terms::version)
            .filter(terms::published_at.le(now))
            .order((terms::published_at.desc(), terms::version.desc()))
            .limit(1)
            .single_value();
        sessions::table
            .inner_join(accounts::table)
            .filter(sessions::id.eq(id))
            .filter(sessions::account_id.eq(account_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(now))
            .select((sessions::all_columns, accounts::all_columns, current_terms))
            .first(conn)
            .optional()
    }

    pub fn rotate(
        conn: &mut DbConnection,
        presented: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Rotation> {
        let hash = token::hash(presented);
        let Some((session_id, used_at)) = refresh_tokens::table
            .find(&hash)
            .select((refresh_tokens::session_id, refresh_tokens::used_at))
            .first::<(String, Option<NaiveDateTime>)>(conn)
            .optional()?
        else {
            return Ok(Rotation::Invalid);
        };
        if used_at.is_some() {
            Self::revoke(conn, &session_id, now)?;
            return Ok(Rotation::Reused);
        }
        let Some(session) = Self::find_open(conn, &session_id, now)? else {
            return Ok(Rotation::Invalid);
        };
        // Conditional on `used_at IS NULL`: of two concurrent refreshes with the same
        // token, exactly one wins; the other is treated as reuse.
        let claimed = diesel::update(
            refresh_tokens::table
                .find(&hash)
                .filter(refresh_tokens::used_at.is_null()),
        )
        .set(refresh_tokens::used_at.eq(now))
        .execute(conn)?;
        if claimed != 1 {
            Self::revoke(conn, &session_id, now)?;
            return Ok(Rotation::Reused);
        }
        let refresh_token = add_refresh_token(conn, &session.id, now)?;
        Ok(Rotation::Rotated {
            session,
            refresh_token,
        })
    }

    pub fn revoke(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::update(
            sessions::table
                .find(id)
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(now))
        .execute(conn)
    }

    /// Revokes every session of the account except `keep` (if given).
    pub fn revoke_all(
        conn: &mut DbConnection,
        account_id: &str,
        keep: Option<&str>,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        let open = sessions::table
            .filter(sessions::account_id.eq(account_id))
            .filter(sessions::revoked_at.is_null());
        match keep {
            Some(keep) => diesel::update(open.filter(sessions::id.ne(keep)))
                .set(sessions::revoked_at.eq(now))
                .execute(conn),
            None => diesel::update(open)
                .set(sessions::revoked_at.eq(now))
                .execute(conn),
        }
    }
}

fn add_refresh_token(
    conn: &mut DbConnection,
    session_id: &str,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let issued = token::issue();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(&issued.hash),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(issued.secret)
}
