//! Notice templates (operators): kept, listed, changed, deleted, and drafts made from them.

pub mod create;
pub mod delete;
pub mod draft;
pub mod list;
pub mod update;

use shared::dto::NoticeTemplate;
use shared::{FieldCode, FieldErrors};

use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::models::notice_template::NoticeTemplateRow;

fn not_found() -> ApiError {
    ApiError::not_found("No such template.")
}

/// `name: taken` if another template than `except` has the name.
fn name_free(conn: &mut DbConnection, t: &NoticeTemplate, except: Option<&str>) -> ApiResult<()> {
    if NoticeTemplateRow::name_taken(conn, &t.name, except)? {
        let mut errors = FieldErrors::default();
        errors.push("name", FieldCode::Taken);
        return Err(errors.into());
    }
    Ok(())
}
