use actix_web::{post, web};
use shared::dto::{HookChannel, SecretRotated};
use shared::{Problem, ProblemKind};

use crate::error::{ApiError, ApiResult};
use crate::models::notice::utc;
use crate::models::webhook::Webhook;
use crate::routes::ManageAccess;
use crate::state::AppState;

/// Rotate a generic webhook's signing secret. The new secret is in this answer and nowhere
/// else; for 24 hours deliveries carry a signature with each secret, so the receiver can
/// switch without losing any.
#[utoipa::path(
    tag = "destinations",
    security(("bearer" = []), ("token" = ["manage"])),
    params(("id" = String, Path, description = "The destination's id")),
    responses(
        (status = 200, description = "Rotated", body = SecretRotated),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such destination in this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slack and Teams webhooks are not signed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/destinations/{id}/secret")]
pub async fn rotate(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<String>,
) -> ApiResult<web::Json<SecretRotated>> {
    let id = path.into_inner();
    let st = state.clone();
    let (secret, until) = state
        .db(move |conn| {
            let hook = super::find_own(conn, &auth.account.id, &id)?;
            if hook.channel() != HookChannel::Webhook {
                return Err(ApiError::new(
                    ProblemKind::Conflict,
                    "Only generic webhooks are signed; Slack and Teams webhooks have no secret.",
                ));
            }
            Ok(Webhook::rotate_secret(conn, &hook, st.now())?)
        })
        .await?;
    Ok(web::Json(SecretRotated {
        secret,
        previous_valid_until: utc(until),
    }))
}
