use actix_web::{HttpResponse, post, web};
use shared::dto::PublicationReceipt;
use shared::{Problem, ProblemKind};

use crate::auth::Operator;
use crate::error::{ApiError, ApiResult};
use crate::models::notice::NewPublication;
use crate::state::AppState;

/// Publish a draft (operators): the notice goes public and, in the same transaction, one
/// mail per address of its audience is queued.
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notice's id")),
    responses(
        (status = 202, description = "Published; mails queued", body = PublicationReceipt),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already published", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notices/{id}/publication")]
pub async fn publish(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let receipt = super::publication(&state, move |conn, domain, now| {
        let notice = super::find(conn, &id)?;
        if !notice.is_draft() {
            return Err(ApiError::new(
                ProblemKind::Conflict,
                "This notice is already published.",
            ));
        }
        let new = NewPublication {
            notice_id: &notice.id,
            sequence: 0,
            body_ja: &notice.body_ja,
            body_en: notice.body_en.as_deref(),
            status: notice.status(),
            starts_at: notice.starts_at,
            ends_at: notice.ends_at,
        };
        super::publish_in(conn, domain, &notice, &new, now)
    })
    .await?;
    tracing::info!(
        publication = %receipt.publication_id,
        audience = receipt.audience,
        skipped = receipt.skipped,
        "notice published"
    );
    Ok(HttpResponse::Accepted().json(receipt))
}
