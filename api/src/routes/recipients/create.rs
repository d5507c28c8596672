use actix_web::{HttpResponse, post, web};
use diesel::Connection;
use shared::dto::{NewRecipientRequest, RecipientView};
use shared::{Problem, ProblemKind};

use crate::error::{ApiError, ApiResult};
use crate::models::recipient::{NewRecipientRow, Recipient};
use crate::routes::ManageAccess;
use crate::state::AppState;

/// Add a delivery address. It starts `pending` and a verification mail goes to it: it gets
/// no notices until its owner confirms. Weekdays and hours default to all.
#[utoipa::path(
    tag = "recipients",
    security(("bearer" = []), ("token" = ["manage"])),
    request_body = NewRecipientRequest,
    responses(
        (status = 201, description = "Added, pending verification", body = RecipientView),
        (status = 400, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already an address of this account, or the limit is reached", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/recipients")]
#[tracing::instrument(name = "add_recipient", skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    body: web::Json<NewRecipientRequest>,
) -> ApiResult<HttpResponse> {
    let new = body.parse()?;
    let st = state.clone();
    let recipient = state
        .db(move |conn| {
            conn.transaction(|conn| {
                let account = &auth.account;
                let now = st.now();
                if Recipient::count(conn, &account.id)? >= st.settings.max_recipients {
                    return Err(ApiError::new(
                        ProblemKind::Conflict,
                        format!(
                            "An account can have at most {} delivery addresses.",
                            st.settings.max_recipients
                        ),
                    ));
                }
                if Recipient::find_by_email(conn, &account.id, new.email.as_str())?.is_some() {
                    return Err(super::duplicate());
                }
                let recipient = Recipient::insert(
                    conn,
                    &NewRecipientRow {
                        account_id: &account.id,
                        email: new.email.as_str(),
                        window: new.window,
                        time_zone: new.time_zone.name(),
                        holidays: new.holidays,
                        reminders: new.reminders,
                        hold: new.hold,
                        language: new.language.unwrap_or_else(|| account.language()),
                        verified: false,
                    },
                    now,
                )?;
                super::send_verification(&st, conn, account, &recipient, now)?;
                Ok(recipient)
            })
        })
        .await?;
    state.mail_queued();
    Ok(HttpResponse::Created().json(recipient.view()))
}
