use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::Problem;
use shared::dto::DeliveryPreview;

use crate::error::ApiResult;
use crate::routes::ReadAccess;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct At {
    /// The issue instant to test (RFC 3339).
    pub at: DateTime<Utc>,
    /// The start of a maintenance issued at `at` (RFC 3339): when given, the answer says
    /// when its reminders would go.
    pub starts_at: Option<DateTime<Utc>>,
}

/// Would a notice issued at `at` reach this address? Delivered at once (verified, and `at`
/// falls on a chosen weekday and hour in the address's time zone, on a day its holiday rule
/// admits), held until the window opens (for an address that holds notices), or skipped;
/// with `starts_at`, when each of its reminders would go.
#[utoipa::path(
    tag = "recipients",
    security(("bearer" = []), ("token" = ["read"])),
    params(("id" = String, Path, description = "The address's id"), At),
    responses(
        (status = 200, description = "The answer", body = DeliveryPreview),
        (status = 400, description = "`at` is missing or not RFC 3339", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such address in this account", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `read` scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/recipients/{id}/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    ReadAccess(auth): ReadAccess,
    path: web::Path<String>,
    query: web::Query<At>,
) -> ApiResult<web::Json<DeliveryPreview>> {
    let id = path.into_inner();
    let r = state
        .db(move |conn| super::find_own(conn, &auth.account.id, &id))
        .await?;
    let one = r.preview(query.at, query.starts_at);
    Ok(web::Json(DeliveryPreview {
        delivers: one.delivers,
        held_until: one.held_until,
        reminders: one.reminders,
        recipients: Vec::new(),
    }))
}
