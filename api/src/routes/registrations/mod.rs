pub mod activate;
pub mod create;
pub mod show;

use crate::auth::token;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::models::registration::Registration;

/// The registration behind a link, if it is still usable: 404 if unknown, 410 if used,
/// replaced or expired.
pub(crate) fn open_registration(
    conn: &mut DbConnection,
    secret: &str,
    now: chrono::NaiveDateTime,
) -> ApiResult<Registration> {
    if !token::looks_valid(secret) {
        return Err(ApiError::not_found("No such activation link."));
    }
    let registration = Registration::find_by_token_hash(conn, &token::hash(secret))?
        .ok_or_else(|| ApiError::not_found("No such activation link."))?;
    if !registration.is_open(now) {
        return Err(ApiError::link_expired());
    }
    Ok(registration)
}
