//! One file per page; the sign-up wizard has one file per step.

mod home;
mod login;
mod mysupport;
mod not_found;
pub mod password_reset;
pub mod register;

pub use home::Home;
pub use login::Login;
pub use mysupport::MySupport;
pub use not_found::NotFound;

use crate::api::ApiError;
use crate::i18n::Msg;
use shared::ProblemKind;

/// The general message for an error that is not about one field.
pub fn general_message(error: &ApiError) -> Msg {
    match error.kind() {
        Some(ProblemKind::RateLimited) => Msg::TooMany,
        Some(ProblemKind::InvalidCredentials) => Msg::LoginFailed,
        Some(ProblemKind::LinkExpired) => Msg::ExpiredBody,
        _ => Msg::Unexpected,
    }
}
