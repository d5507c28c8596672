use actix_web::{get, web};
use chrono::{DateTime, Utc};
use shared::Problem;
use shared::domain::EmailAddress;
use shared::dto::EmailChangeStatus;

use crate::error::ApiResult;
use crate::state::AppState;

/// Whether a login address change link still works, and the new address, masked.
#[utoipa::path(
    tag = "me",
    params(("token" = String, Path, description = "The token from the confirmation link")),
    responses(
        (status = 200, description = "The link works", body = EmailChangeStatus),
        (status = 404, description = "Unknown link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Expired or used link", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/email-changes/{token}")]
pub async fn show_email_change(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<web::Json<EmailChangeStatus>> {
    let secret = path.into_inner();
    let now = state.now();
    let change = state
        .db(move |conn| super::open_change(conn, &secret, now))
        .await?;
    Ok(web::Json(EmailChangeStatus {
        email_masked: EmailAddress::parse(&change.new_email)
            .map(|e| e.masked())
            .unwrap_or_default(),
        expires_at: DateTime::<Utc>::from_naive_utc_and_offset(change.expires_at, Utc),
    }))
}
