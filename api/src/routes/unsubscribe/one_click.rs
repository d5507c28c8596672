use actix_web::{HttpResponse, post, web};
use shared::Problem;

use crate::delivery::ledger;
use crate::error::{ApiError, ApiResult};
use crate::models::opt_out;
use crate::state::AppState;

/// One-click unsubscribe (RFC 8058): the address the mail went to stops getting this kind of
/// notice mail for the notice's products; the account's other addresses and the other kind
/// are unchanged, and My Support shows it as 配信停止中 with a way to resume. Mail clients
/// POST `List-Unsubscribe=One-Click`; the body is not required. Repeating it changes nothing.
#[utoipa::path(
    tag = "subscriptions",
    params(("token" = String, Path, description = "The token of the mail's unsubscribe link")),
    responses(
        (status = 204, description = "Unsubscribed"),
        (status = 404, description = "Not a link of a mail we sent", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/unsubscribe/{token}")]
pub async fn one_click(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let unknown = || ApiError::not_found("This unsubscribe link is not valid.");
    let mail = state.unsubscribe.verify(&path).ok_or_else(unknown)?;
    let now = state.now();
    state
        .db(move |conn| {
            let email = ledger::notice_address(conn, &mail.publication_id, &mail.recipient_id)?
                .ok_or_else(unknown)?;
            Ok(opt_out::apply_unsubscribe(
                conn,
                &mail.publication_id,
                &email,
                now,
            )?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
