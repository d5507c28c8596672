use actix_web::{get, web};
use shared::Problem;
use shared::dto::{DeliveryLogPage, DeliveryLogQuery};

use crate::error::ApiResult;
use crate::routes::ReadAccess;
use crate::services::deliveries;
use crate::state::AppState;

/// The delivery log: for each publication of a notice and each of the account's delivery
/// addresses and webhook destinations it concerned, whether and when it was sent, with the
/// receiving server's reply, or why it was not (outside the delivery hours, unsubscribed,
/// suspended). Newest first, a page at a time.
#[utoipa::path(
    tag = "deliveries",
    security(("bearer" = []), ("token" = ["read"])),
    params(DeliveryLogQuery),
    responses(
        (status = 200, description = "One page of the log, newest first", body = DeliveryLogPage),
        (status = 400, description = "`notice`, `destination`, `status`, `cursor`, `limit`: `invalid_value`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice, or no such destination of the account's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/deliveries")]
pub async fn log(
    state: web::Data<AppState>,
    ReadAccess(auth): ReadAccess,
    query: web::Query<DeliveryLogQuery>,
) -> ApiResult<web::Json<DeliveryLogPage>> {
    let filter = query.into_inner().parse()?;
    let account = auth.account.id;
    let page = state
        .db(move |conn| deliveries::page(conn, &account, &filter))
        .await?;
    Ok(web::Json(page))
}
