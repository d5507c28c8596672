use actix_web::{HttpResponse, patch, web};
use shared::Problem;
use shared::dto::{CatalogEntryPatch, CatalogEntryView};

use crate::error::ApiResult;
use crate::models::catalog::Level;
use crate::routes::Operator;
use crate::state::AppState;

/// Rename, describe, reorder (`position`), retire or restore a product (operators).
/// A retired product cannot be newly added to My Support; its subscribers keep it.
#[utoipa::path(
    tag = "catalog",
    operation_id = "update_product",
    security(("bearer" = [])),
    params(("product" = String, Path, description = "The product's slug")),
    request_body = CatalogEntryPatch,
    responses(
        (status = 200, description = "Updated", body = CatalogEntryView),
        (status = 400, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is invalid, expired or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/products/{product}")]
pub async fn update(
    state: web::Data<AppState>,
    _operator: Operator,
    path: web::Path<String>,
    body: web::Json<CatalogEntryPatch>,
) -> ApiResult<HttpResponse> {
    super::super::catalog::update(&state, Level::Product, path.into_inner(), &body).await
}
