use actix_web::{get, web};
use shared::Problem;
use shared::dto::NoticeDeliveries;

use crate::delivery::ledger;
use crate::error::ApiResult;
use crate::routes::Operator;
use crate::state::AppState;

/// Delivery progress (operators): per publication and in total, how many mails are pending,
/// sent, failed for good, and how many addresses their window skipped; then the first 100
/// failures with the mail server's reply.
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notice's id")),
    responses(
        (status = 200, description = "Progress", body = NoticeDeliveries),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notices/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
) -> ApiResult<web::Json<NoticeDeliveries>> {
    let id = path.into_inner();
    let progress = state
        .db(move |conn| {
            let notice = super::find(conn, &id)?;
            Ok(ledger::notice_outcomes(conn, &notice.id)?)
        })
        .await?;
    Ok(web::Json(progress))
}
