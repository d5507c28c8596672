//! My Support's subscriptions. Every query is keyed by the signed-in account: one customer
//! can neither see nor change another's.

pub mod add;
pub mod list;
pub mod remove;
pub mod update;

use shared::dto::ProductView;

use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::models::catalog;

/// The product's id and view, or 404.
pub(crate) fn product(conn: &mut DbConnection, slug: &str) -> ApiResult<(String, ProductView)> {
    catalog::product_view(conn, slug)?.ok_or_else(|| ApiError::not_found("No such product."))
}
