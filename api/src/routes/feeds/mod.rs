//! `/feeds/…`: Atom and iCalendar of published notices, for everyone, per product, and per
//! account behind a secret URL. Outside `/api/v1`: they are documents, not JSON.

pub mod key_issue;
pub mod key_revoke;
pub mod key_show;
pub mod maintenance_ics;
pub mod notices_atom;
pub mod personal_atom;
pub mod personal_ics;
pub mod product_atom;
pub mod product_ics;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::domain::Language;
use shared::dto::{NoticeKind, NoticeView};

use crate::document_cache::Document;
use crate::error::{ApiError, ApiResult};
use crate::feeds::{self, FEED_LIMIT, atom, ical};
use crate::models::notice::Notice;
use crate::state::AppState;

const ATOM: &str = "application/atom+xml; charset=utf-8";
const ICS: &str = "text/calendar; charset=utf-8";

#[derive(Debug, Deserialize)]
pub struct FeedQuery {
    /// `ja` (default) or `en`.
    pub lang: Option<String>,
}

/// Whose notices a feed carries.
#[derive(Clone)]
pub enum Scope {
    All,
    Product(String),
    /// An account's My Support, by the secret of its feed URL.
    Personal(String),
}

struct Loaded {
    notices: Vec<NoticeView>,
    /// The product's name, for a product feed.
    product: Option<(String, String)>,
}

async fn load(
    state: &web::Data<AppState>,
    scope: &Scope,
    kind: Option<NoticeKind>,
) -> ApiResult<Loaded> {
    let scope = scope.clone();
    state
        .db(move |conn| {
            let (products, product) = match &scope {
                Scope::All => (None, None),
                Scope::Product(slug) => {
                    let (id, view) = crate::models::catalog::product_view(conn, slug)?
                        .ok_or_else(|| ApiError::not_found("No such product."))?;
                    (Some(vec![id]), Some((view.name_ja, view.name_en)))
                }
                Scope::Personal(secret) => {
                    let ids = crate::models::feed_key::products(conn, secret)?
                        .ok_or_else(|| ApiError::not_found("No such feed."))?;
                    (Some(ids), None)
                }
            };
            let notices = Notice::feed(conn, kind, products.as_deref(), FEED_LIMIT)?;
            Ok(Loaded { notices, product })
        })
        .await
}

/// The feed's title: the site's, with the product's name on a product feed.
fn title(base: &str, product: &Option<(String, String)>, language: Language) -> String {
    match (product, language) {
        (None, _) => base.to_owned(),
        (Some((ja, _)), Language::Ja) => format!("{base}：{ja}"),
        (Some((_, en)), Language::En) => format!("{base}: {en}"),
    }
}

/// The Atom feed of `scope`'s notices, mirroring the page at `page_path`.
pub async fn atom_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: &FeedQuery,
    scope: Scope,
    page_path: &str,
) -> ApiResult<HttpResponse> {
    serve(&state, &req, &scope, || async {
        let language = feeds::language(query.lang.as_deref());
        let loaded = load(&state, &scope, None).await?;
        let public = state.settings.public_url.as_str().trim_end_matches('/');
        let self_url = format!("{public}{}", req.uri());
        let base = match language {
            Language::Ja => "Shirase 工事・故障情報",
            Language::En => "Shirase maintenance and outage notices",
        };
        let feed = atom::Feed {
            self_url: &self_url,
            page_url: &format!("{public}{page_path}"),
            title: &title(base, &loaded.product, language),
            language,
            public_url: public,
        };
        let body = atom::document(&feed, &loaded.notices, state.now().and_utc());
        Ok(Document::new(body.into_bytes(), ATOM))
    })
    .await
}

/// The iCalendar of `scope`'s maintenance windows.
pub async fn ics_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: &FeedQuery,
    scope: Scope,
) -> ApiResult<HttpResponse> {
    serve(&state, &req, &scope, || async {
        let language = feeds::language(query.lang.as_deref());
        let loaded = load(&state, &scope, Some(NoticeKind::Maintenance)).await?;
        let public = state.settings.public_url.as_str().trim_end_matches('/');
        let base = match language {
            Language::Ja => "Shirase 工事予定",
            Language::En => "Shirase maintenance",
        };
        let events: Vec<ical::Event> = loaded
            .notices
            .iter()
            .map(|n| ical::Event::from_notice(n, language, public))
            .collect();
        let body = ical::calendar(&title(base, &loaded.product, language), &events);
        Ok(Document::new(body.into_bytes(), ICS))
    })
    .await
}

/// The feed at the request's path and query, from memory or made by `make`, with its
/// `ETag` (weak when compressed), or `304` when the reader already has it. Public feeds are
/// kept among the public documents; personal ones among their account's (they change with
/// its products and its feed key as well as with notices), and stay out of shared caches.
async fn serve<Fut>(
    state: &AppState,
    req: &HttpRequest,
    scope: &Scope,
    make: impl FnOnce() -> Fut,
) -> ApiResult<HttpResponse>
where
    Fut: Future<Output = ApiResult<Document>>,
{
    let (cache, cache_control) = match scope {
        Scope::Personal(_) => (&state.accounts, "private, max-age=300"),
        Scope::All | Scope::Product(_) => (&state.public, "public, max-age=300"),
    };
    let document = super::cache::cached(cache, format!("feed {}", req.uri()), make).await?;
    let if_none_match = header::Header::parse(req).ok();
    Ok(super::cache::conditional_document(
        req,
        if_none_match,
        &document,
        cache_control,
    ))
}
