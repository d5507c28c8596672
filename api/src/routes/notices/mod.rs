//! Notices: public reading, and the operators' drafting, publishing and follow-ups (the
//! work itself is `services::notices`).

pub mod create;
pub mod delete;
pub mod deliveries;
pub mod drafts;
pub mod estimate;
pub mod export;
pub mod list;
pub mod postmortem;
pub mod preview;
pub mod publish;
pub mod schedule;
pub mod show;
pub mod unschedule;
pub mod update;
pub mod update_draft;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDateTime};
use shared::dto::PublicationReceipt;

use crate::db::DbConnection;
use crate::error::ApiResult;
use crate::models::notice::utc;
pub(crate) use crate::services::notices::{
    create_draft, draft, find, not_found, product_ids, publish_draft, publish_update,
};
use crate::state::AppState;

/// Runs the publication `f` and wakes the dispatcher once it committed.
async fn publication<F>(
    state: &actix_web::web::Data<AppState>,
    f: F,
) -> ApiResult<PublicationReceipt>
where
    F: FnOnce(&mut DbConnection, &str, NaiveDateTime) -> ApiResult<PublicationReceipt>
        + Send
        + 'static,
{
    let domain = state.message_domain();
    let now = state.now();
    // The service opens the publication's one transaction.
    let receipt = state.db(move |conn| f(conn, &domain, now)).await?;
    state.mail_queued();
    Ok(receipt)
}

/// Opaque paging cursor: the last item's publication instant and id.
fn encode_cursor(published_at: NaiveDateTime, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{id}", utc(published_at).timestamp_micros()))
}

fn decode_cursor(raw: &str) -> Option<(NaiveDateTime, String)> {
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (micros, id) = text.split_once('|')?;
    let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
    Some((at, id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let at = DateTime::from_timestamp_micros(1_790_000_000_123_456)
            .map(|t| t.naive_utc())
            .unwrap_or_default();
        let c = encode_cursor(at, "0194-x");
        assert_eq!(decode_cursor(&c), Some((at, "0194-x".to_owned())));
        assert_eq!(decode_cursor("not a cursor"), None);
    }
}
