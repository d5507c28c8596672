use actix_web::{post, web};
use futures_util::StreamExt;
use shared::dto::BounceReceipt;
use shared::{FieldCode, FieldErrors, Problem};

use crate::delivery::health::Health;
use crate::error::{ApiError, ApiResult};
use crate::routes::BounceReporter;
use crate::services::bounces::{self, MAX_REPORT, Matching, Refused};
use crate::state::AppState;

/// Hand in a bounce report: the raw delivery status notification (RFC 3464
/// `multipart/report`) that a mail server returned, as the body. It is matched to the
/// delivery by its return path (`bounces+<delivery>@SHIRASE_BOUNCE_DOMAIN`) or by the
/// returned message's Message-ID; a recipient the server gave up on marks the delivery
/// bounced and counts against the address, which is suspended (and its owner told) when the
/// mailbox does not exist or after three bounces in a row. The same report twice changes
/// nothing more.
#[utoipa::path(
    tag = "bounces",
    security(("bearer" = []), ("token" = ["bounces"])),
    request_body(content = String, description = "The report as received, headers and all", content_type = "message/rfc822"),
    responses(
        (status = 200, description = "Understood; what it changed", body = BounceReceipt),
        (status = 400, description = "`message`: `not_a_delivery_report` or `unknown_delivery`; nothing was changed. Or larger than 4 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator, or a token without the `bounces` scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bounces")]
pub async fn report(
    state: web::Data<AppState>,
    _reporter: BounceReporter,
    mut body: web::Payload,
) -> ApiResult<web::Json<BounceReceipt>> {
    let mut raw = web::BytesMut::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ApiError::malformed(e.to_string()))?;
        if raw.len() + chunk.len() > MAX_REPORT {
            return Err(ApiError::malformed("A bounce report may be at most 4 MiB."));
        }
        raw.extend_from_slice(&chunk);
    }
    let health = Health::new(state.templates.clone(), &state.settings);
    let bounce_domain = state.settings.bounce_domain.clone();
    let now = state.now();
    let receipt = state
        .db(move |conn| {
            let matching = Matching {
                bounce_domain: bounce_domain.as_deref(),
                message_domain: &health.message_domain,
            };
            bounces::apply(conn, &raw, &matching, &health, now).map_err(refusal)
        })
        .await?;
    if receipt.recipients.iter().any(|r| r.suspended) {
        // The owner's mail is queued: no need to wait for the next poll.
        state.outbox_wakeup.notify_one();
    }
    Ok(web::Json(receipt))
}

fn refusal(refused: Refused) -> ApiError {
    let code = match refused {
        Refused::NotAReport(_) => FieldCode::NotADeliveryReport,
        Refused::UnknownDelivery => FieldCode::UnknownDelivery,
        Refused::Database(e) => return e.into(),
    };
    let mut errors = FieldErrors::default();
    errors.push("message", code);
    errors.into()
}
