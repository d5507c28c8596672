use actix_web::{post, web};
use diesel::Connection;
use shared::Problem;
use shared::dto::{RefreshRequest, SessionTokens};

use crate::error::{ApiError, ApiResult};
use crate::models::account::Account;
use crate::models::session::{Rotation, Session};
use crate::state::AppState;

/// Exchange a refresh token for a new access token and a new refresh token.
///
/// Each refresh token works once. Presenting one that was already used ends the whole
/// session: whoever holds the current token has to sign in again.
#[utoipa::path(
    tag = "sessions",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = SessionTokens),
        (status = 400, description = "The body is not a refresh request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown, used, expired or revoked refresh token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions/refresh")]
#[tracing::instrument(name = "refresh", skip_all)]
pub async fn refresh(
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> ApiResult<web::Json<SessionTokens>> {
    let presented = body.into_inner().refresh_token;
    if presented.is_empty() || presented.len() > 128 {
        return Err(ApiError::unauthorized("The refresh token is not valid."));
    }
    let st = state.clone();
    let tokens = state
        .db(move |conn| {
            // Committed even when it fails: a detected reuse must revoke the session.
            let rotation = conn.transaction(|conn| Session::rotate(conn, &presented, st.now()))?;
            match rotation {
                Rotation::Rotated {
                    session,
                    refresh_token,
                } => {
                    let account = Account::find(conn, &session.account_id)?
                        .ok_or_else(|| ApiError::unauthorized("This account no longer exists."))?;
                    super::tokens_for(&st, conn, &account, &session.id, refresh_token)
                }
                Rotation::Reused => {
                    tracing::warn!("refresh token reuse detected; session revoked");
                    Err(ApiError::unauthorized(
                        "This session has ended. Sign in again.",
                    ))
                }
                Rotation::Invalid => Err(ApiError::unauthorized("The refresh token is not valid.")),
            }
        })
        .await?;
    Ok(web::Json(tokens))
}
