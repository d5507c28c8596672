//! Reusable pieces: the page frame, form fields, step indicator, alerts.

mod dialog;
mod field;
pub mod layout;
mod window_grid;

pub use dialog::ConfirmDialog;
pub use field::{Field, PasswordField};
pub use layout::{Alert, Layout, Steps};
pub use window_grid::WindowGrid;
