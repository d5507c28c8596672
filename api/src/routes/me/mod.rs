pub mod delete;
pub mod email;
pub mod password;
pub mod show;
pub mod update;

use shared::FieldCode;
use shared::FieldErrors;

use crate::error::ApiError;

/// A password check that failed, reported on the field that holds it.
pub(crate) fn incorrect(field: &str) -> ApiError {
    let mut errors = FieldErrors::default();
    errors.push(field, FieldCode::Incorrect);
    errors.into()
}
