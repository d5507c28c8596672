//! Reusable pieces: the page frame, form fields, step indicator, alerts.

mod api_errors;
mod dialog;
mod error_summary;
mod field;
mod holiday_choice;
pub mod layout;
mod timing_choice;
mod title;
mod value_sync;
mod window_grid;

pub use api_errors::ApiErrors;
pub use dialog::ConfirmDialog;
pub use error_summary::{ErrorSummary, focus_first_invalid};
pub use field::{Field, PasswordField};
pub use holiday_choice::{HolidayChoice, holiday_suffix};
pub use layout::{Alert, Layout, Steps};
pub use timing_choice::{TimingChoice, timing_summary};
pub use title::{page_title, title};
pub use value_sync::show_signal_in;
pub use window_grid::WindowGrid;
