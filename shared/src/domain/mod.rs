//! Values parsed once at the edge. A value of these types has passed its checks; holders never
//! re-validate. Each parser returns the field code a client shows when it fails.

mod email;
mod language;
mod name;
mod password;
mod text;
mod window;

pub use email::EmailAddress;
pub use language::Language;
pub use name::display_name;
pub use password::Password;
pub use text::{BoundedText, MultilineText, OptionalText, Phone};
pub use window::{DeliveryWindow, TimeZoneName, Weekday};

/// Stable field codes. Clients translate these; they never change meaning.
pub mod codes {
    pub const REQUIRED: &str = "required";
    pub const TOO_LONG: &str = "too_long";
    pub const TOO_SHORT: &str = "too_short";
    pub const INVALID_EMAIL: &str = "invalid_email";
    pub const CONTROL_CHARACTERS: &str = "control_characters";
    pub const INVALID_PHONE: &str = "invalid_phone";
    pub const INVALID_LANGUAGE: &str = "invalid_language";
    pub const MISMATCH: &str = "mismatch";
    pub const INVALID_VALUE: &str = "invalid_value";
    /// A password that does not match the one on record.
    pub const INCORRECT: &str = "incorrect";
    /// A terms version other than the one in force.
    pub const NOT_CURRENT: &str = "not_current";
    pub const TAKEN: &str = "taken";
    pub const INVALID_WEEKDAY: &str = "invalid_weekday";
    pub const INVALID_HOUR: &str = "invalid_hour";
    pub const INVALID_TIME_ZONE: &str = "invalid_time_zone";
    /// Not an RFC 3339 date-time with an offset.
    pub const INVALID_DATETIME: &str = "invalid_datetime";
    /// An end that is not after its start.
    pub const BEFORE_START: &str = "before_start";
    /// A product slug the catalog does not have.
    pub const UNKNOWN_PRODUCT: &str = "unknown_product";
    /// An instant that should lie in the future but does not.
    pub const IN_PAST: &str = "in_past";
}
