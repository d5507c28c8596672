//! The public catalog and the operators' endpoints that shape it. The three levels share
//! their create and update logic here; each handler file only names its level and path.

pub mod create_category;
pub mod create_group;
pub mod create_product;
pub mod show;
pub mod update_category;
pub mod update_group;
pub mod whole;

use actix_web::HttpResponse;
use diesel::Connection;
use shared::FieldCode;
use shared::FieldErrors;
use shared::dto::{CatalogEntryDraft, CatalogEntryPatch, CatalogEntryView};

use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::models::catalog::{self, Entry, Level};
use crate::state::AppState;

fn find(conn: &mut DbConnection, level: Level, slug: &str) -> diesel::QueryResult<Option<Entry>> {
    match level {
        Level::Category => catalog::category::find(conn, slug),
        Level::Group => catalog::group::find(conn, slug),
        Level::Product => catalog::product::find(conn, slug),
    }
}

fn view(e: &Entry) -> CatalogEntryView {
    CatalogEntryView {
        slug: e.slug.clone(),
        name_ja: e.name_ja.clone(),
        name_en: e.name_en.clone(),
        description_ja: e.description_ja.clone(),
        description_en: e.description_en.clone(),
        position: e.position,
        retired: e.retired_at.is_some(),
    }
}

fn not_found(level: Level) -> ApiError {
    ApiError::not_found(match level {
        Level::Category => "No such category.",
        Level::Group => "No such group.",
        Level::Product => "No such product.",
    })
}

/// Creates an entry of `level` under the parent `(level, slug)`, if any → 201.
pub(crate) async fn create(
    state: &AppState,
    level: Level,
    parent: Option<(Level, String)>,
    draft: &CatalogEntryDraft,
) -> ApiResult<HttpResponse> {
    let entry = draft.parse()?;
    let now = state.now();
    let created = state
        .db(move |conn| {
            conn.transaction(|conn| {
                let parent_id = match &parent {
                    Some((parent_level, slug)) => {
                        find(conn, *parent_level, slug)?
                            .ok_or_else(|| not_found(*parent_level))?
                            .id
                    }
                    None => String::new(),
                };
                if find(conn, level, &entry.slug)?.is_some() {
                    let mut errors = FieldErrors::default();
                    errors.push("slug", FieldCode::Taken);
                    return Err(errors.into());
                }
                catalog::insert(conn, level, &parent_id, &entry, now)?;
                find(conn, level, &entry.slug)?.ok_or_else(|| not_found(level))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view(&created)))
}

/// Renames, describes, reorders, retires or restores an entry → 200 with the entry.
pub(crate) async fn update(
    state: &AppState,
    level: Level,
    slug: String,
    patch: &CatalogEntryPatch,
) -> ApiResult<HttpResponse> {
    let change = patch.parse()?;
    let now = state.now();
    let updated = state
        .db(move |conn| {
            let n = match level {
                Level::Category => catalog::category::update(conn, &slug, &change, now)?,
                Level::Group => catalog::group::update(conn, &slug, &change, now)?,
                Level::Product => catalog::product::update(conn, &slug, &change, now)?,
            };
            if n == 0 {
                return Err(not_found(level));
            }
            find(conn, level, &slug)?.ok_or_else(|| not_found(level))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(&updated)))
}
