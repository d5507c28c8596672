use actix_web::{post, web};
use diesel::Connection;
use shared::dto::{DestinationCodeRequest, DestinationView};
use shared::{FieldCode, FieldErrors, Problem};

use crate::error::ApiResult;
use crate::models::webhook::Webhook;
use crate::routes::ManageAccess;
use crate::routes::extract::client_ip;
use crate::services::destinations;
use crate::state::AppState;
use crate::throttle::{Action, Key};

/// Confirm a webhook destination with the code its `test` event carried: it becomes
/// `active`, and a `destination.verified` event follows. A wrong or expired code is a
/// `wrong_code` field error; repeated wrong codes are throttled.
#[utoipa::path(
    tag = "destinations",
    security(("bearer" = []), ("token" = ["manage"])),
    params(("id" = String, Path, description = "The destination's id")),
    request_body = DestinationCodeRequest,
    responses(
        (status = 200, description = "Active", body = DestinationView),
        (status = 400, description = "`code`: `required` or `wrong_code`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such destination in this account", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong codes", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/destinations/{id}/verification")]
pub async fn verify(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<String>,
    body: web::Json<DestinationCodeRequest>,
) -> ApiResult<web::Json<DestinationView>> {
    let id = path.into_inner();
    let code = body.into_inner().code;
    if code.trim().is_empty() {
        let mut errors = FieldErrors::default();
        errors.push("code", FieldCode::Required);
        return Err(errors.into());
    }
    let keys = [
        Key::Subject(format!("destination:{id}")),
        Key::Ip(client_ip(&req)),
    ];
    state.throttle.check(Action::CodeFailure, &keys).await?;
    let st = state.clone();
    let verified = state
        .db(move |conn| {
            conn.transaction(|conn| {
                let hook = super::find_own(conn, &auth.account.id, &id)?;
                let now = st.now();
                if !Webhook::verify(conn, &hook.id, &code, now)? {
                    return Ok(None);
                }
                destinations::queue_verified(conn, &hook, now)?;
                Ok(Some(super::find_own(conn, &auth.account.id, &id)?))
            })
        })
        .await?;
    let Some(hook) = verified else {
        state.throttle.hit(Action::CodeFailure, &keys).await?;
        let mut errors = FieldErrors::default();
        errors.push("code", FieldCode::WrongCode);
        return Err(errors.into());
    };
    state.mail_queued();
    Ok(web::Json(hook.view()))
}
