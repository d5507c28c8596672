use actix_web::{HttpResponse, post, web};
use diesel::Connection;
use shared::domain::Password;
use shared::dto::PasswordResetConfirm;
use shared::{FieldErrors, Problem};

use crate::auth::{password, token};
use crate::error::{ApiError, ApiResult};
use crate::models::account::Account;
use crate::models::password_reset::PasswordReset;
use crate::models::session::Session;
use crate::state::AppState;

/// Set a new password with the token from a reset mail. The link works once; every
/// session of the account ends.
#[utoipa::path(
    tag = "password-resets",
    params(("token" = String, Path, description = "The token from the reset link")),
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "Password changed"),
        (status = 400, description = "Unacceptable password", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Expired or used link", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/password-resets/{token}")]
#[tracing::instrument(name = "reset_password", skip_all)]
pub async fn confirm(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<PasswordResetConfirm>,
) -> ApiResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    let Some(new) = errors.take("new_password", Password::parse(&body.new_password)) else {
        return Err(errors.into());
    };
    let secret = path.into_inner();
    if !token::looks_valid(&secret) {
        return Err(ApiError::not_found("No such reset link."));
    }
    let hash = password::hash(new.expose().to_owned()).await?;
    let now = state.now();
    state
        .db(move |conn| {
            conn.transaction(|conn| {
                let reset = PasswordReset::find(conn, &token::hash(&secret))?
                    .ok_or_else(|| ApiError::not_found("No such reset link."))?;
                if reset.used_at.is_some() || now >= reset.expires_at {
                    return Err(ApiError::link_expired());
                }
                PasswordReset::consume_all(conn, &reset.account_id, now)?;
                Account::set_password(conn, &reset.account_id, &hash, now)?;
                Session::revoke_all(conn, &reset.account_id, None, now)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
