use actix_web::{get, web};
use shared::Problem;
use shared::dto::RecipientView;

use crate::error::ApiResult;
use crate::models::recipient::Recipient;
use crate::routes::ReadAccess;
use crate::state::AppState;

/// The account's delivery addresses with their weekdays, hours and status.
#[utoipa::path(
    tag = "recipients",
    security(("bearer" = []), ("token" = ["read"])),
    responses(
        (status = 200, description = "The delivery addresses, oldest first", body = Vec<RecipientView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `read` scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/recipients")]
pub async fn list(
    state: web::Data<AppState>,
    ReadAccess(auth): ReadAccess,
) -> ApiResult<web::Json<Vec<RecipientView>>> {
    let id = auth.account.id;
    let list = state
        .db(move |conn| Ok(Recipient::list(conn, &id)?))
        .await?;
    Ok(web::Json(list.iter().map(Recipient::view).collect()))
}
