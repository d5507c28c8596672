use actix_web::http::header::IfNoneMatch;
use actix_web::{HttpRequest, HttpResponse, get, web};
use shared::Problem;
use shared::dto::DestinationView;

use crate::error::ApiResult;
use crate::models::webhook::Webhook;
use crate::routes::ReadAccess;
use crate::routes::cache::account_document;
use crate::state::AppState;

/// The account's webhook destinations, oldest first. E-mail addresses are under
/// `/me/recipients`.
#[utoipa::path(
    tag = "destinations",
    security(("bearer" = []), ("token" = ["read"])),
    responses(
        (status = 200, description = "The destinations", body = [DestinationView],
         headers(("ETag" = String, description = "Changes whenever the list does"))),
        (status = 304, description = "Unchanged since the given ETag"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/destinations")]
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
        "destinations",
        |conn, id| {
            Ok(Webhook::list(conn, id)?
                .iter()
                .map(Webhook::view)
                .collect::<Vec<_>>())
        },
    )
    .await
}
