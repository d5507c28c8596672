use actix_web::{get, web};
use chrono::{DateTime, Utc};
use shared::Problem;
use shared::domain::EmailAddress;
use shared::dto::RecipientVerificationStatus;

use crate::auth::token;
use crate::error::{ApiError, ApiResult};
use crate::models::recipient::{self, VerificationLink};
use crate::state::AppState;

/// Is this verification link still good? Uses nothing: the page behind the mail's link asks
/// first, and offers its button only for a link that can still confirm the address.
#[utoipa::path(
    tag = "recipients",
    params(("token" = String, Path, description = "The token from the verification mail")),
    responses(
        (status = 200, description = "The link can confirm the address", body = RecipientVerificationStatus),
        (status = 404, description = "Unknown link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Expired, used, or for an address since changed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/recipient-verifications/{token}")]
#[tracing::instrument(name = "recipient_verification_status", skip_all)]
pub async fn verification_status(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<web::Json<RecipientVerificationStatus>> {
    let secret = path.into_inner();
    if !token::looks_valid(&secret) {
        return Err(ApiError::not_found("No such verification link."));
    }
    let now = state.now();
    let link = state
        .db(move |conn| Ok(recipient::verification_link(conn, &secret, now)?))
        .await?;
    match link {
        VerificationLink::Open {
            recipient,
            expires_at,
        } => Ok(web::Json(RecipientVerificationStatus {
            email_masked: EmailAddress::parse(&recipient.email)
                .map(|e| e.masked())
                .unwrap_or_default(),
            expires_at: DateTime::<Utc>::from_naive_utc_and_offset(expires_at, Utc),
        })),
        VerificationLink::Unknown => Err(ApiError::not_found("No such verification link.")),
        VerificationLink::Expired => Err(ApiError::link_expired()),
    }
}
