use actix_web::{get, web};
use chrono::{DateTime, Utc};
use shared::Problem;
use shared::domain::EmailAddress;
use shared::dto::RegistrationStatus;

use crate::error::ApiResult;
use crate::state::AppState;

/// Is this activation link still valid? Shows the masked address it was sent to.
#[utoipa::path(
    tag = "registrations",
    params(("token" = String, Path, description = "The token from the activation link")),
    responses(
        (status = 200, description = "The link can be used", body = RegistrationStatus),
        (status = 404, description = "Unknown link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Expired, used or replaced by a newer sign-up", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/registrations/{token}")]
#[tracing::instrument(name = "registration_status", skip_all)]
pub async fn show(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<web::Json<RegistrationStatus>> {
    let secret = path.into_inner();
    let now = state.now();
    let registration = state
        .db(move |conn| super::open_registration(conn, &secret, now))
        .await?;
    let email_masked = EmailAddress::parse(&registration.email)
        .map(|e| e.masked())
        .unwrap_or_default();
    Ok(web::Json(RegistrationStatus {
        email_masked,
        expires_at: DateTime::<Utc>::from_naive_utc_and_offset(registration.expires_at, Utc),
    }))
}
