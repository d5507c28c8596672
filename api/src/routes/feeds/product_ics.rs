use actix_web::{HttpRequest, HttpResponse, get, web};

use super::{FeedQuery, Scope};
use crate::error::ApiResult;
use crate::state::AppState;

/// iCalendar of one product's published maintenance windows.
#[get("/products/{product}/maintenance.ics")]
pub async fn product_ics(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    super::ics_feed(state, req, &query, Scope::Product(path.into_inner())).await
}
