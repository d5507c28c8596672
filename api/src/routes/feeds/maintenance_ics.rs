use actix_web::{HttpRequest, HttpResponse, get, web};

use super::{FeedQuery, Scope};
use crate::error::ApiResult;
use crate::state::AppState;

/// iCalendar of every published maintenance window.
#[get("/maintenance.ics")]
pub async fn maintenance_ics(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    super::ics_feed(state, req, &query, Scope::All).await
}
