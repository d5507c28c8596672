use actix_web::{get, web};
use shared::Problem;
use shared::dto::Catalog;

use crate::error::ApiResult;
use crate::models::catalog;
use crate::routes::Operator;
use crate::state::AppState;

/// The whole catalog as operators manage it: retired categories, groups and products
/// included, each marked `retired` (operators). Read fresh, never cached.
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The whole catalog", body = Catalog),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/catalog/all")]
pub async fn whole(
    state: web::Data<AppState>,
    _operator: Operator,
) -> ApiResult<web::Json<Catalog>> {
    Ok(web::Json(
        state.db(|conn| Ok(catalog::load_all(conn)?)).await?,
    ))
}
