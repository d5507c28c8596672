use actix_web::{post, web};
use diesel::Connection;
use shared::dto::RecipientView;
use shared::{Problem, ProblemKind};

use crate::error::{ApiError, ApiResult};
use crate::routes::ManageAccess;
use crate::state::AppState;

/// Resume a suspended address (配信停止中 — バウンス) once its mailbox works again. Its mail
/// bounced, so it is confirmed anew: the address goes back to pending and gets a new
/// verification link; notices resume once that link is opened.
#[utoipa::path(
    tag = "recipients",
    security(("bearer" = []), ("token" = ["manage"])),
    params(("id" = String, Path, description = "The address's id")),
    responses(
        (status = 200, description = "Pending again; a verification mail is on its way", body = RecipientView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such address in this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The address is not suspended", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/recipients/{id}/resumption")]
pub async fn resume_suspended(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<String>,
) -> ApiResult<web::Json<RecipientView>> {
    let id = path.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let now = st.now();
            conn.transaction(|conn| {
                let mut recipient = super::find_own(conn, &auth.account.id, &id)?;
                if !recipient.resume(conn, now)? {
                    return Err(ApiError::new(
                        ProblemKind::Conflict,
                        "This address is not suspended.",
                    ));
                }
                super::send_verification(&st, conn, &auth.account, &recipient, now)?;
                Ok(recipient.view())
            })
        })
        .await?;
    state.mail_queued();
    Ok(web::Json(view))
}
