use actix_web::{HttpResponse, post, web};
use diesel::Connection;
use shared::dto::{DestinationCreated, HookChannel, NewDestinationRequest};
use shared::{FieldCode, FieldErrors, Problem, ProblemKind};

use crate::error::{ApiError, ApiResult};
use crate::models::webhook::{NewWebhook, Webhook};
use crate::routes::ManageAccess;
use crate::services::destinations;
use crate::state::AppState;

/// Add a webhook destination: a generic webhook (signed per Standard Webhooks), a Slack
/// incoming webhook or a Microsoft Teams workflow webhook. It starts `pending`: a `test`
/// event carrying a code goes to it at once, and it receives notices only after the code is
/// typed back (`POST …/verification`). A generic webhook's signing secret is in this answer
/// and nowhere else. Weekdays and hours default to all, both kinds of notice to on.
#[utoipa::path(
    tag = "destinations",
    security(("bearer" = []), ("token" = ["manage"])),
    request_body = NewDestinationRequest,
    responses(
        (status = 201, description = "Added, pending its code; `test` says whether the test event arrived", body = DestinationCreated),
        (status = 400, description = "Invalid fields (`https_required` for plain http in production)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `manage` scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The limit of destinations is reached", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/destinations")]
#[tracing::instrument(name = "add_destination", skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    ManageAccess(auth): ManageAccess,
    body: web::Json<NewDestinationRequest>,
) -> ApiResult<HttpResponse> {
    let new = body.parse()?;
    if state.settings.environment.is_production() && !new.url.is_https() {
        let mut errors = FieldErrors::default();
        errors.push("url", FieldCode::HttpsRequired);
        return Err(errors.into());
    }
    let st = state.clone();
    let (hook, code) = state
        .db(move |conn| {
            conn.transaction(|conn| {
                let account = &auth.account;
                if Webhook::count(conn, &account.id)? >= super::MAX_DESTINATIONS {
                    return Err(ApiError::new(
                        ProblemKind::Conflict,
                        format!(
                            "An account can have at most {} webhook destinations.",
                            super::MAX_DESTINATIONS
                        ),
                    ));
                }
                Ok(Webhook::insert(
                    conn,
                    &NewWebhook {
                        account_id: &account.id,
                        channel: new.channel,
                        name: new.name.as_str(),
                        url: &new.url,
                        window: new.window,
                        time_zone: new.time_zone.name(),
                        holidays: new.holidays,
                        reminders: new.reminders,
                        hold: new.hold,
                        language: new.language.unwrap_or_else(|| account.language()),
                        maintenance: new.maintenance,
                        outage: new.outage,
                    },
                    st.now(),
                )?)
            })
        })
        .await?;
    tracing::info!(destination = %hook.id, channel = hook.channel.as_str(), "destination added");
    let test = destinations::send_test(&state, &hook, Some(code)).await?;
    Ok(HttpResponse::Created().json(DestinationCreated {
        secret: (hook.channel() == HookChannel::Webhook).then(|| hook.secret.clone()),
        destination: hook.view(),
        test,
    }))
}
