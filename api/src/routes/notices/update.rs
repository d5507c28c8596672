use actix_web::{HttpResponse, post, web};
use shared::Problem;
use shared::dto::{NoticeUpdateRequest, PublicationReceipt};

use crate::error::ApiResult;
use crate::routes::Operator;
use crate::state::AppState;

/// Publish a follow-up (operators), e.g. 復旧, rescheduled or extended. It becomes the
/// notice's current status and times, and is mailed by the same audience rule, evaluated
/// now; mail clients thread it under the first mail. With `notify: false` it is published
/// on the site and in the feeds only, and nobody is mailed.
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notice's id")),
    request_body = NoticeUpdateRequest,
    responses(
        (status = 202, description = "Published; mails queued", body = PublicationReceipt),
        (status = 400, description = "Invalid fields, e.g. `status`: `invalid_value` for the kind, `ends_at`: `before_start`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Still a draft: publish it first", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notices/{id}/updates")]
pub async fn update(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
    body: web::Json<NoticeUpdateRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let request = body.into_inner();
    let receipt = super::publication(&state, move |conn, domain, now| {
        super::publish_update(conn, &id, &request, domain, now)
    })
    .await?;
    tracing::info!(
        publication = %receipt.publication_id,
        sequence = receipt.sequence,
        audience = receipt.audience,
        "notice update published"
    );
    Ok(HttpResponse::Accepted().json(receipt))
}
