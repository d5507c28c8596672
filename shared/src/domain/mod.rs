//! Values parsed once at the edge. A value of these types has passed its checks; holders never
//! re-validate. Each parser returns the field code a client shows when it fails.

mod email;
mod holidays;
mod language;
mod name;
mod password;
mod text;
mod timing;
mod webhook_url;
mod window;

pub use email::EmailAddress;
pub use holidays::{DayKind, HolidayRule, covered_through, holiday_name};
pub use language::Language;
pub use name::display_name;
pub use password::Password;
pub use text::{BoundedText, MultilineText, OptionalText, Phone};
pub use timing::{ReminderLead, Reminders, Schedule};
pub use webhook_url::WebhookUrl;
pub use window::{DeliveryWindow, TimeZoneName, Weekday};
