use actix_web::{HttpResponse, delete, web};
use shared::Problem;

use crate::error::{ApiError, ApiResult};
use crate::models::feed_key;
use crate::routes::Customer;
use crate::state::AppState;

/// Revoke the personal feed URLs: they stop working at once.
#[utoipa::path(
    tag = "feeds",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or called with a token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No key issued", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/feed-key")]
#[tracing::instrument(name = "revoke_feed_key", skip_all)]
pub async fn revoke(
    state: web::Data<AppState>,
    Customer(auth): Customer,
) -> ApiResult<HttpResponse> {
    let account = auth.account.id;
    let revoked = state
        .db(move |conn| Ok(feed_key::revoke(conn, &account)?))
        .await?;
    if !revoked {
        return Err(ApiError::not_found("No personal feed key has been issued."));
    }
    Ok(HttpResponse::NoContent().finish())
}
