use actix_web::{HttpResponse, patch, web};
use shared::Problem;
use shared::dto::{CatalogEntryPatch, CatalogEntryView};

use crate::error::ApiResult;
use crate::models::catalog::Level;
use crate::routes::Operator;
use crate::state::AppState;

/// Rename, describe, reorder (`position`), retire or restore a group (operators).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(("group" = String, Path, description = "The group's slug")),
    request_body = CatalogEntryPatch,
    responses(
        (status = 200, description = "Updated", body = CatalogEntryView),
        (status = 400, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/catalog/groups/{group}")]
pub async fn update_group(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
    body: web::Json<CatalogEntryPatch>,
) -> ApiResult<HttpResponse> {
    super::update(&state, Level::Group, path.into_inner(), &body).await
}
