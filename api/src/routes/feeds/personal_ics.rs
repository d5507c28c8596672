use actix_web::{HttpRequest, HttpResponse, get, web};

use super::{FeedQuery, Scope};
use crate::error::ApiResult;
use crate::state::AppState;

/// iCalendar of the maintenance windows of the products in one account's My Support.
#[get("/personal/{key}/maintenance.ics")]
pub async fn personal_ics(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    super::ics_feed(state, req, &query, Scope::Personal(path.into_inner())).await
}
