use actix_web::{HttpResponse, post, web};
use shared::Problem;
use shared::dto::{CatalogEntryDraft, CatalogEntryView};

use crate::error::ApiResult;
use crate::models::catalog::Level;
use crate::routes::Operator;
use crate::state::AppState;

/// Add a group of products to a category (operators).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(("category" = String, Path, description = "The category's slug")),
    request_body = CatalogEntryDraft,
    responses(
        (status = 201, description = "Created", body = CatalogEntryView),
        (status = 400, description = "Invalid fields; `slug`: `taken` if it exists", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such category", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/catalog/categories/{category}/groups")]
pub async fn create_group(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
    body: web::Json<CatalogEntryDraft>,
) -> ApiResult<HttpResponse> {
    let parent = Some((Level::Category, path.into_inner()));
    super::create(&state, Level::Group, parent, &body).await
}
