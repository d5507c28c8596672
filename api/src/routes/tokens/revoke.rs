use actix_web::{HttpResponse, delete, web};
use shared::Problem;

use crate::error::{ApiError, ApiResult};
use crate::models::api_token::ApiToken;
use crate::routes::Customer;
use crate::state::AppState;

/// Revoke a personal API token: it stops working at once.
#[utoipa::path(
    tag = "tokens",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The token's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or called with a token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/tokens/{id}")]
#[tracing::instrument(name = "revoke_token", skip_all)]
pub async fn revoke(
    state: web::Data<AppState>,
    Customer(auth): Customer,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let account = auth.account.id;
    let revoked = state
        .db(move |conn| Ok(ApiToken::revoke(conn, &account, &id)?))
        .await?;
    if !revoked {
        return Err(ApiError::not_found("No such API token."));
    }
    Ok(HttpResponse::NoContent().finish())
}
