//! The link a new login address receives: is it still good, and confirming it.

pub mod confirm;
pub mod show;

use crate::auth::token;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::models::email_change::EmailChange;

/// The change a link names, if it can still be confirmed at `now`: 404 for an unknown
/// link, 410 for a used or expired one.
fn open_change(
    conn: &mut DbConnection,
    secret: &str,
    now: chrono::NaiveDateTime,
) -> ApiResult<EmailChange> {
    let unknown = || ApiError::not_found("No such confirmation link.");
    if !token::looks_valid(secret) {
        return Err(unknown());
    }
    let change = EmailChange::find(conn, &token::hash(secret))?.ok_or_else(unknown)?;
    if change.used_at.is_some() || now >= change.expires_at {
        return Err(ApiError::link_expired());
    }
    Ok(change)
}
