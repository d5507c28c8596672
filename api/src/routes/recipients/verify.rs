use actix_web::{HttpResponse, post, web};
use shared::Problem;

use crate::auth::token;
use crate::error::{ApiError, ApiResult};
use crate::models::recipient::{self, Verification};
use crate::state::AppState;

/// Confirm a delivery address with the token from its verification mail. A POST, so that
/// mail scanners which follow links confirm nothing; the mail's link opens a page with a
/// button that sends it.
#[utoipa::path(
    tag = "recipients",
    params(("token" = String, Path, description = "The token from the verification mail")),
    responses(
        (status = 204, description = "Verified: notices will be delivered here"),
        (status = 404, description = "Unknown link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Expired, used, or for an address since changed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/recipient-verifications/{token}")]
pub async fn verify(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let secret = path.into_inner();
    if !token::looks_valid(&secret) {
        return Err(ApiError::not_found("No such verification link."));
    }
    let now = state.now();
    let outcome = state
        .db(move |conn| Ok(recipient::verify(conn, &secret, now)?))
        .await?;
    match outcome {
        Verification::Verified => Ok(HttpResponse::NoContent().finish()),
        Verification::Unknown => Err(ApiError::not_found("No such verification link.")),
        Verification::Expired => Err(ApiError::link_expired()),
    }
}
