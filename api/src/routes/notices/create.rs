use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use shared::Problem;
use shared::dto::{NoticeDraftRequest, NoticeView};

use crate::error::ApiResult;
use crate::routes::Operator;
use crate::state::AppState;

/// Create a draft notice (operators). Nothing is mailed until it is published.
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    request_body = NoticeDraftRequest,
    responses(
        (status = 201, description = "The draft", body = NoticeView,
         headers(("Location" = String, description = "The draft's URL"))),
        (status = 400, description = "Invalid fields, e.g. `ends_at`: `required` (maintenance), `before_start`; `products`: `unknown_product`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notices")]
pub async fn create(
    state: web::Data<AppState>,
    Operator(auth): Operator,
    body: web::Json<NoticeDraftRequest>,
) -> ApiResult<HttpResponse> {
    let request = body.into_inner();
    let now = state.now();
    let view = state
        .db(move |conn| super::create_draft(conn, &request, &auth.account.id, now))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/notices/{}", view.id)))
        .json(view))
}
