use actix_web::{HttpResponse, post, web};
use shared::{Problem, ProblemKind};

use crate::error::{ApiError, ApiResult};
use crate::routes::ManageAccess;
use crate::state::AppState;
use crate::throttle::{Action, Key};

/// Send the verification mail of a pending address again (a few times an hour at most).
#[utoipa::path(
    tag = "recipients",
    security(("bearer" = []), ("token" = ["manage"])),
    params(("id" = String, Path, description = "The address's id")),
    responses(
        (status = 202, description = "A new verification mail is on its way"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such address in this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already verified, or suspended (resume it instead)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many mails to this address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/recipients/{id}/verification")]
pub async fn resend(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    state
        .throttle
        .check(Action::VerificationMail, &[Key::Subject(id.clone())])
        .await?;
    let account = auth.account.id.clone();
    let recipient = state
        .db(move |conn| {
            let r = super::find_own(conn, &account, &id)?;
            if r.is_verified() {
                return Err(ApiError::new(
                    ProblemKind::Conflict,
                    "This address is already verified.",
                ));
            }
            if r.is_suspended() {
                return Err(ApiError::new(
                    ProblemKind::Conflict,
                    "This address is suspended: resume it first.",
                ));
            }
            Ok(r)
        })
        .await?;
    state
        .throttle
        .hit(
            Action::VerificationMail,
            &[Key::Subject(recipient.id.clone())],
        )
        .await?;
    let st = state.clone();
    state
        .db(move |conn| {
            let now = st.now();
            super::send_verification(&st, conn, &auth.account, &recipient, now)
        })
        .await?;
    state.mail_queued();
    Ok(HttpResponse::Accepted().finish())
}
