use actix_web::http::header::IfNoneMatch;
use actix_web::{HttpRequest, HttpResponse, get, web};
use shared::Problem;
use shared::dto::RecipientView;

use crate::error::ApiResult;
use crate::models::recipient::Recipient;
use crate::routes::ReadAccess;
use crate::routes::cache::account_document;
use crate::state::AppState;

/// The account's delivery addresses with their weekdays, hours and status.
#[utoipa::path(
    tag = "recipients",
    security(("bearer" = []), ("token" = ["read"])),
    responses(
        (status = 200, description = "The delivery addresses, oldest first", body = Vec<RecipientView>,
         headers(("ETag" = String, description = "Changes whenever the list does"))),
        (status = 304, description = "Unchanged since the given ETag"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted, or a token without the `read` scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/recipients")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    if_none_match: Option<web::Header<IfNoneMatch>>,
    ReadAccess(auth): ReadAccess,
) -> ApiResult<HttpResponse> {
    account_document(
        &state,
        &req,
        if_none_match.map(web::Header::into_inner),
        auth.account.id,
        "recipients",
        |conn, id| {
            Ok(Recipient::list(conn, id)?
                .iter()
                .map(Recipient::view)
                .collect::<Vec<_>>())
        },
    )
    .await
}
