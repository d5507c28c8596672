use actix_web::{get, web};
use shared::Problem;
use shared::dto::{DeliveryPreview, RecipientPreview};

use super::preview::At;
use crate::error::ApiResult;
use crate::models::recipient::Recipient;
use crate::routes::ReadAccess;
use crate::state::AppState;

/// Would a notice issued at `at` reach the account at all, and which of its addresses, at
/// once or once held; with `starts_at`, when each address's reminders would go.
#[utoipa::path(
    tag = "recipients",
    security(("bearer" = []), ("token" = ["read"])),
    params(At),
    responses(
        (status = 200, description = "The answer, per address", body = DeliveryPreview),
        (status = 400, description = "`at` is missing or not RFC 3339", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `read` scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/recipients-preview")]
pub async fn preview_all(
    state: web::Data<AppState>,
    ReadAccess(auth): ReadAccess,
    query: web::Query<At>,
) -> ApiResult<web::Json<DeliveryPreview>> {
    let list = state
        .db(move |conn| Ok(Recipient::list(conn, &auth.account.id)?))
        .await?;
    let recipients: Vec<RecipientPreview> = list
        .iter()
        .map(|r| r.preview(query.at, query.starts_at))
        .collect();
    let delivers = recipients.iter().any(|r| r.delivers);
    Ok(web::Json(DeliveryPreview {
        delivers,
        held_until: recipients
            .iter()
            .filter_map(|r| r.held_until)
            .min()
            .filter(|_| !delivers),
        reminders: Vec::new(),
        recipients,
    }))
}
