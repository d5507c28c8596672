//! The support ID itself: its login address, and the page the change's mail opens.

mod email_confirm;
mod settings;

pub use email_confirm::EmailConfirm;
pub use settings::AccountSettings;
