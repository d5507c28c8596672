//! Reusable pieces: the page frame, form fields, step indicator, alerts.

mod field;
pub mod layout;

pub use field::{Field, PasswordField};
pub use layout::{Alert, Layout, Steps};
