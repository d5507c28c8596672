//! Webhook destinations (generic webhooks, Slack, Teams). Every query is keyed by the
//! signed-in account: another account's destination is simply not found.

pub mod create;
pub mod delete;
pub mod list;
pub mod resume;
pub mod rotate;
pub mod stopped;
pub mod test;
pub mod update;
pub mod verify;

use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::models::webhook::Webhook;

/// How many webhook destinations one account may keep.
pub const MAX_DESTINATIONS: i64 = 10;

pub(crate) fn find_own(conn: &mut DbConnection, account_id: &str, id: &str) -> ApiResult<Webhook> {
    Webhook::find(conn, account_id, id)?.ok_or_else(|| ApiError::not_found("No such destination."))
}
