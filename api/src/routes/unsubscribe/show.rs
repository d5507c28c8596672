use actix_web::{get, web};
use shared::Problem;
use shared::domain::EmailAddress;
use shared::dto::UnsubscribeTarget;

use crate::delivery::ledger;
use crate::error::{ApiError, ApiResult};
use crate::models::notice::{Notice, Publication};
use crate::state::AppState;

/// What an unsubscribe link would stop, before anything is stopped: the address (masked),
/// the kind of notice mail, and the products of the notice the mail was about.
#[utoipa::path(
    tag = "subscriptions",
    params(("token" = String, Path, description = "The token of the mail's unsubscribe link")),
    responses(
        (status = 200, description = "What the link stops", body = UnsubscribeTarget),
        (status = 404, description = "Not a link of a mail we sent", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/unsubscribe/{token}")]
pub async fn show_unsubscribe(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<web::Json<UnsubscribeTarget>> {
    let unknown = || ApiError::not_found("This unsubscribe link is not valid.");
    let mail = state.unsubscribe.verify(&path).ok_or_else(unknown)?;
    let target = state
        .db(move |conn| {
            let email = ledger::notice_address(conn, &mail.publication_id, &mail.recipient_id)?
                .ok_or_else(unknown)?;
            let publication = Publication::find(conn, &mail.publication_id)?.ok_or_else(unknown)?;
            let notice = Notice::find(conn, &publication.notice_id)?.ok_or_else(unknown)?;
            let products = Notice::products(conn, std::slice::from_ref(&notice.id))?
                .into_iter()
                .map(|(_, p)| p)
                .collect();
            Ok(UnsubscribeTarget {
                email_masked: EmailAddress::parse(&email)
                    .map(|e| e.masked())
                    .unwrap_or_default(),
                kind: notice.kind(),
                products,
                title_ja: notice.title_ja,
                title_en: notice.title_en,
            })
        })
        .await?;
    Ok(web::Json(target))
}
