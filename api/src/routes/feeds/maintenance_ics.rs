use actix_web::{HttpRequest, HttpResponse, get, web};
use shared::dto::NoticeKind;

use super::{FeedQuery, ICS, Scope};
use crate::error::ApiResult;
use crate::state::AppState;

/// iCalendar of every published maintenance window.
#[get("/feeds/maintenance.ics")]
pub async fn maintenance_ics(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    let language = super::language(&query);
    let loaded = super::load(&state, Scope::All, Some(NoticeKind::Maintenance)).await?;
    let body = super::ics_document(&state, &loaded, language);
    Ok(super::respond(&req, body, ICS, false))
}
