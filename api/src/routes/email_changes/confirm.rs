use actix_web::{HttpResponse, post, web};
use diesel::Connection;
use shared::{Problem, ProblemKind};

use crate::error::{ApiError, ApiResult};
use crate::models::account::Account;
use crate::models::email_change::EmailChange;
use crate::models::recipient::Recipient;
use crate::state::AppState;

/// Confirm a login address change with the link mailed to the new address (a POST, so that
/// mail scanners that follow links confirm nothing). The account's login address becomes
/// the new one; a delivery address of the account that was the old login address follows
/// it, verified, since the link proved the new mailbox.
#[utoipa::path(
    tag = "me",
    params(("token" = String, Path, description = "The token from the confirmation link")),
    responses(
        (status = 204, description = "The login address is the new one"),
        (status = 404, description = "Unknown link", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another account has taken the address meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Expired or used link", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/email-changes/{token}")]
#[tracing::instrument(name = "confirm_email_change", skip_all)]
pub async fn confirm_email_change(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let secret = path.into_inner();
    let now = state.now();
    state
        .db(move |conn| {
            conn.transaction(|conn| {
                let change = super::open_change(conn, &secret, now)?;
                let account = Account::find(conn, &change.account_id)?
                    .ok_or_else(|| ApiError::not_found("No such confirmation link."))?;
                if Account::find_by_email(conn, &change.new_email)?.is_some() {
                    return Err(ApiError::new(
                        ProblemKind::Conflict,
                        "Another support ID uses this address now.",
                    ));
                }
                // Only one use wins, however many arrive at once.
                if !EmailChange::claim(conn, &change.token_hash, now)? {
                    return Err(ApiError::link_expired());
                }
                EmailChange::consume_all(conn, &account.id, now)?;
                Account::set_email(conn, &account.id, &change.new_email, now)?;
                if let Some(mut first) =
                    Recipient::find_by_email(conn, &account.id, &account.email)?
                    && Recipient::find_by_email(conn, &account.id, &change.new_email)?.is_none()
                {
                    first.email = change.new_email.clone();
                    // The link proved the new mailbox; a suspended address stays suspended
                    // until its owner resumes it.
                    if !first.is_suspended() {
                        first.status = crate::models::recipient::VERIFIED.into();
                        first.verified_at = Some(now);
                    }
                    first.updated_at = now;
                    first.save(conn)?;
                }
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
