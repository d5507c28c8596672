//! Password reset by mail: ask for a link, then choose a new password.

mod confirm;
mod request;

pub use confirm::Confirm;
pub use request::Request;
