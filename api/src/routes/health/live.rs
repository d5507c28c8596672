use actix_web::http::header;
use actix_web::{HttpResponse, get};

/// The process is up and answering: nothing is checked beyond that.
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({"status": "ok"}))
}
