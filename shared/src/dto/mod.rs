//! Request and response bodies of the REST API (`snake_case` on the wire).
//!
//! Request bodies keep raw strings with `#[serde(default)]`: a missing field must reach the
//! parser and come back as a `required` field error, not as an opaque deserialisation failure.

mod accounts;
mod catalog;
mod deliveries;
mod destinations;
mod notices;
mod recipients;
mod status;
mod templates;
mod terms;
mod tokens;

pub use accounts::*;
pub use catalog::*;
pub use deliveries::*;
pub use destinations::*;
pub use notices::*;
pub use recipients::*;
pub use status::*;
pub use templates::*;
pub use terms::*;
pub use tokens::*;

use crate::domain::DeliveryWindow;
use crate::problem::FieldErrors;

/// A window from a request's `weekdays` and `hours` (absent: all), its field errors into
/// `errors`.
pub(crate) fn window(
    errors: &mut FieldErrors,
    weekdays: Option<&[String]>,
    hours: Option<&[i64]>,
) -> Option<DeliveryWindow> {
    match DeliveryWindow::parse(weekdays, hours) {
        Ok(w) => Some(w),
        Err(list) => {
            for (field, code) in list {
                errors.push(field, code);
            }
            None
        }
    }
}

/// `current` with the weekdays and hours a patch gives replacing its own.
pub(crate) fn merged_window(
    current: DeliveryWindow,
    weekdays: Option<&[String]>,
    hours: Option<&[i64]>,
) -> Result<DeliveryWindow, Vec<(&'static str, crate::FieldCode)>> {
    let days: Vec<String> = match weekdays {
        Some(d) => d.to_vec(),
        None => current
            .weekdays()
            .iter()
            .map(|d| d.code().to_owned())
            .collect(),
    };
    let hours: Vec<i64> = match hours {
        Some(h) => h.to_vec(),
        None => current.hours().iter().map(|&h| i64::from(h)).collect(),
    };
    DeliveryWindow::parse(Some(&days), Some(&hours))
}

/// A request's `time_zone`, `Asia/Tokyo` when absent.
pub(crate) fn zone_or_default(
    errors: &mut FieldErrors,
    raw: Option<&str>,
) -> Option<crate::domain::TimeZoneName> {
    match raw {
        None => Some(crate::domain::TimeZoneName::DEFAULT),
        Some(z) => errors.take("time_zone", crate::domain::TimeZoneName::parse(z)),
    }
}

/// A request's `holidays`, `deliver` when absent.
pub(crate) fn holidays_or_default(
    errors: &mut FieldErrors,
    raw: Option<&str>,
) -> Option<crate::domain::HolidayRule> {
    match raw {
        None => Some(crate::domain::HolidayRule::default()),
        Some(h) => errors.take("holidays", crate::domain::HolidayRule::parse(h)),
    }
}

/// A request's `reminders`, none when absent.
pub(crate) fn reminders_or_default(
    errors: &mut FieldErrors,
    raw: Option<&[String]>,
) -> Option<crate::domain::Reminders> {
    match raw {
        None => Some(crate::domain::Reminders::NONE),
        Some(r) => errors.take("reminders", crate::domain::Reminders::parse(r)),
    }
}

/// A request's optional `language`: `Some(None)` when absent, `None` when invalid.
pub(crate) fn optional_language(
    errors: &mut FieldErrors,
    raw: Option<&str>,
) -> Option<Option<crate::domain::Language>> {
    match raw {
        None => Some(None),
        Some(l) => errors
            .take("language", crate::domain::Language::parse(l))
            .map(Some),
    }
}
