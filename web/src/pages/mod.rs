//! One file per page; the sign-up wizard has one file per step.

pub mod account;
mod deliveries;
pub mod destinations;
mod home;
mod integrations;
mod login;
pub mod mail;
mod mysupport;
mod not_found;
pub mod notices;
pub mod operator;
pub mod password_reset;
pub mod recipients;
pub mod register;
pub mod status;
pub mod support;
mod unsubscribe;

pub use deliveries::DeliveryLog;
pub use home::Home;
pub use integrations::Integrations;
pub use login::Login;
pub use mysupport::MySupport;
pub use not_found::NotFound;
pub use unsubscribe::Unsubscribe;

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

/// Where a My Support call that failed should take the customer: the terms screen, the login
/// page (coming back to `here`), or nowhere (then the returned message is shown).
pub fn redirect_for(error: &ApiError, here: &str) -> Result<String, Msg> {
    match error.kind() {
        Some(ProblemKind::TermsNotAccepted) => Ok("/terms".into()),
        Some(ProblemKind::Unauthorized) => Ok(format!("/login?next={here}")),
        _ => Err(general_message(error)),
    }
}
