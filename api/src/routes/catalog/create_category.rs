use actix_web::{HttpResponse, post, web};
use shared::Problem;
use shared::dto::{CatalogEntryDraft, CatalogEntryView};

use crate::error::ApiResult;
use crate::models::catalog::Level;
use crate::routes::Operator;
use crate::state::AppState;

/// Add a category to the catalog (operators).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    request_body = CatalogEntryDraft,
    responses(
        (status = 201, description = "Created", body = CatalogEntryView),
        (status = 400, description = "Invalid fields; `slug`: `taken` if it exists", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/catalog/categories")]
pub async fn create_category(
    state: web::Data<AppState>,
    _operator: Operator,
    body: web::Json<CatalogEntryDraft>,
) -> ApiResult<HttpResponse> {
    super::create(&state, Level::Category, None, &body).await
}
