use actix_web::{post, web};
use shared::Problem;
use shared::dto::{DeliveryAttemptView, DestinationStatus};

use crate::error::ApiResult;
use crate::models::webhook::Webhook;
use crate::routes::ManageAccess;
use crate::routes::extract::client_ip;
use crate::services::destinations;
use crate::state::AppState;
use crate::throttle::{Action, Key};

/// Send a `test` event now and answer with what the endpoint said. To a destination still
/// pending, the event carries a new code (the earlier one stops working).
#[utoipa::path(
    tag = "destinations",
    security(("bearer" = []), ("token" = ["manage"])),
    params(("id" = String, Path, description = "The destination's id")),
    responses(
        (status = 200, description = "Attempted; `delivered` says whether the endpoint accepted it", body = DeliveryAttemptView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such destination in this account", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many tests", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/destinations/{id}/tests")]
pub async fn test(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<String>,
) -> ApiResult<web::Json<DeliveryAttemptView>> {
    let id = path.into_inner();
    state
        .throttle
        .hit(
            Action::WebhookTest,
            &[
                Key::Subject(format!("destination:{id}")),
                Key::Ip(client_ip(&req)),
            ],
        )
        .await?;
    let st = state.clone();
    let (hook, code) = state
        .db(move |conn| {
            let hook = super::find_own(conn, &auth.account.id, &id)?;
            let code = match hook.status() {
                DestinationStatus::Pending => {
                    Some(Webhook::reissue_code(conn, &hook.id, st.now())?)
                }
                _ => None,
            };
            Ok((hook, code))
        })
        .await?;
    Ok(web::Json(
        destinations::send_test(&state, &hook, code).await?,
    ))
}
