use actix_web::{get, web};
use shared::Problem;
use shared::dto::FeedKeyView;

use crate::error::{ApiError, ApiResult};
use crate::models::feed_key;
use crate::routes::Customer;
use crate::state::AppState;

/// Whether the account has personal feed URLs, and since when.
#[utoipa::path(
    tag = "feeds",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The current key", body = FeedKeyView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or called with a token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No key issued", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/feed-key")]
pub async fn show(
    state: web::Data<AppState>,
    Customer(auth): Customer,
) -> ApiResult<web::Json<FeedKeyView>> {
    let account = auth.account.id;
    let issued = state
        .db(move |conn| Ok(feed_key::issued_at(conn, &account)?))
        .await?
        .ok_or_else(|| ApiError::not_found("No personal feed key has been issued."))?;
    Ok(web::Json(FeedKeyView {
        created_at: issued.and_utc(),
    }))
}
