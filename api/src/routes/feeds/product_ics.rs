use actix_web::{HttpRequest, HttpResponse, get, web};
use shared::dto::NoticeKind;

use super::{FeedQuery, ICS, Scope};
use crate::error::ApiResult;
use crate::state::AppState;

/// iCalendar of one product's published maintenance windows.
#[get("/feeds/products/{product}/maintenance.ics")]
pub async fn product_ics(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    let language = super::language(&query);
    let scope = Scope::Product(path.into_inner());
    let loaded = super::load(&state, scope, Some(NoticeKind::Maintenance)).await?;
    let body = super::ics_document(&state, &loaded, language);
    Ok(super::respond(&req, body, ICS, false))
}
