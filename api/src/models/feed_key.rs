//! The secret in an account's personal feed URLs. Stored hashed like every other token; one
//! per account, so issuing a new one revokes the old.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::token;
use crate::db::DbConnection;
use crate::schema::{feed_keys, subscriptions};

/// Replaces the account's key and returns the new secret.
pub fn issue(conn: &mut DbConnection, account_id: &str, now: NaiveDateTime) -> QueryResult<String> {
    let issued = token::issue();
    conn.transaction(|conn| {
        revoke(conn, account_id)?;
        diesel::insert_into(feed_keys::table)
            .values((
                feed_keys::account_id.eq(account_id),
                feed_keys::key_hash.eq(&issued.hash),
                feed_keys::created_at.eq(now),
            ))
            .execute(conn)
    })?;
    Ok(issued.secret)
}

/// `false` when the account had no key.
pub fn revoke(conn: &mut DbConnection, account_id: &str) -> QueryResult<bool> {
    let n = diesel::delete(feed_keys::table.find(account_id)).execute(conn)?;
    Ok(n == 1)
}

/// When the account's current key was issued, if it has one.
pub fn issued_at(conn: &mut DbConnection, account_id: &str) -> QueryResult<Option<NaiveDateTime>> {
    feed_keys::table
        .find(account_id)
        .select(feed_keys::created_at)
        .first(conn)
        .optional()
}

/// The products in My Support of the account whose key `secret` is, or `None` for a key
/// that was never issued or has been replaced.
pub fn products(conn: &mut DbConnection, secret: &str) -> QueryResult<Option<Vec<String>>> {
    if !token::looks_valid(secret) {
        return Ok(None);
    }
    let Some(account_id) = feed_keys::table
        .filter(feed_keys::key_hash.eq(token::hash(secret)))
        .select(feed_keys::account_id)
        .first::<String>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    subscriptions::table
        .filter(subscriptions::account_id.eq(account_id))
        .select(subscriptions::product_id)
        .load(conn)
        .map(Some)
}
