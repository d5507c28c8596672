use actix_web::{patch, web};
use diesel::Connection;
use shared::Problem;
use shared::dto::{RecipientPatch, RecipientView};

use crate::error::ApiResult;
use crate::models::recipient::{PENDING, Recipient};
use crate::routes::ManageAccess;
use crate::state::AppState;

/// Change a delivery address. A new `email` makes it pending again and sends a new
/// verification; changing only the window, zone or language keeps it verified.
#[utoipa::path(
    tag = "recipients",
    security(("bearer" = []), ("token" = ["manage"])),
    params(("id" = String, Path, description = "The address's id")),
    request_body = RecipientPatch,
    responses(
        (status = 200, description = "Updated", body = RecipientView),
        (status = 400, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such address in this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new address is already one of this account's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/me/recipients/{id}")]
#[tracing::instrument(name = "update_recipient", skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    path: web::Path<String>,
    body: web::Json<RecipientPatch>,
) -> ApiResult<web::Json<RecipientView>> {
    let change = body.parse()?;
    let id = path.into_inner();
    let st = state.clone();
    let (recipient, mailed) = state
        .db(move |conn| {
            conn.transaction(|conn| {
                let account = &auth.account;
                let now = st.now();
                let mut r = super::find_own(conn, &account.id, &id)?;
                let (weekdays, hours) = change.window(r.window()).bits();
                r.weekdays = weekdays;
                r.hours = hours;
                if let Some(rule) = change.holidays {
                    r.holidays = rule.code().to_owned();
                }
                if let Some(reminders) = change.reminders {
                    r.reminders = reminders.bits();
                }
                if let Some(hold) = change.hold {
                    r.hold = hold;
                }
                if let Some(zone) = change.time_zone {
                    r.time_zone = zone.name().to_owned();
                }
                if let Some(language) = change.language {
                    r.language = language.code().to_owned();
                }
                let readdressed = change.email.as_ref().is_some_and(|e| e.as_str() != r.email);
                if let Some(email) = change.email.as_ref().filter(|_| readdressed) {
                    if Recipient::find_by_email(conn, &account.id, email.as_str())?.is_some() {
                        return Err(super::duplicate());
                    }
                    r.email = email.as_str().to_owned();
                    r.status = PENDING.to_owned();
                    r.verified_at = None;
                }
                r.updated_at = now;
                r.save(conn)?;
                if readdressed {
                    super::send_verification(&st, conn, account, &r, now)?;
                }
                Ok((r, readdressed))
            })
        })
        .await?;
    if mailed {
        state.mail_queued();
    }
    Ok(web::Json(recipient.view()))
}
