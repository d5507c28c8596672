use actix_web::{get, web};
use shared::Problem;
use shared::dto::{QuarantinedWebhook, StoppedDestinations};

use crate::error::ApiResult;
use crate::models::notice::utc;
use crate::models::recipient::Recipient;
use crate::models::webhook::Webhook;
use crate::routes::Operator;
use crate::state::AppState;

/// How many of each kind are listed.
const LISTED: i64 = 100;

/// Destinations nothing is sent to (operators): delivery addresses suspended after bounces
/// and webhook destinations quarantined after repeated failures, with their counts. Addresses
/// are masked and webhook URLs left out.
#[utoipa::path(
    tag = "destinations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The counts and the most recent of each", body = StoppedDestinations),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stopped-destinations")]
pub async fn stopped(
    state: web::Data<AppState>,
    _operator: Operator,
) -> ApiResult<web::Json<StoppedDestinations>> {
    let overview = state
        .db(|conn| {
            let (suspended_addresses, addresses) = Recipient::suspended(conn, LISTED)?;
            let (quarantined_webhooks, webhooks) = Webhook::quarantined(conn, LISTED)?;
            Ok(StoppedDestinations {
                suspended_addresses,
                quarantined_webhooks,
                addresses: addresses
                    .iter()
                    .filter_map(Recipient::operator_view)
                    .collect(),
                webhooks: webhooks
                    .into_iter()
                    .map(|w| QuarantinedWebhook {
                        channel: w.channel(),
                        since: utc(w.quarantined_at.unwrap_or(w.updated_at)),
                        last_error: w.last_error,
                        name: w.name,
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(web::Json(overview))
}
