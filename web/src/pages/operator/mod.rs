//! The operator console (`/operator/…`): notices from draft to delivery, and the catalog.
//! The API refuses everyone else (403); these pages say so instead of showing empty forms.

mod catalog;
mod correct;
mod editor;
mod list;
mod notice;
mod postmortem;
mod schedule;
mod templates;

pub use catalog::CatalogAdmin;
pub use editor::{EditNotice, NewNotice};
pub use list::ConsoleHome;
pub use notice::ConsoleNotice;
pub use templates::Templates;

use chrono::{DateTime, TimeZone, Utc};
use leptos::prelude::*;
use shared::domain::TimeZoneName;
use shared::dto::Role;

use crate::api::{self, ApiError};
use crate::components::Alert;
use crate::erased::{loading, local_resource};
use crate::i18n::{Msg, t};

/// Shows `children` to operators, and others a message; a signed-out visitor is taken to
/// the login page by the [`crate::components::ApiErrors`] boundary.
#[component]
pub fn OperatorOnly(children: ChildrenFn) -> impl IntoView {
    let me = local_resource(api::me);
    loading(move || {
        let children = children.clone();
        async move {
            let me = me.await?;
            Ok::<_, ApiError>(if me.role == Role::Operator {
                children().into_any()
            } else {
                view! { <Alert kind="error">{t(Msg::OperatorsOnly)}</Alert> }.into_any()
            })
        }
    })
}

/// `2026-12-10T16:00` in the site's zone (JST), for a `datetime-local` input: the editor's
/// labels say JST, so a time typed there is one in Japan whatever the browser's zone.
pub fn to_site_input(at: DateTime<Utc>) -> String {
    at.with_timezone(&TimeZoneName::DEFAULT.tz())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// A `datetime-local` value, read as a time in Japan, as RFC 3339 in UTC; blank stays blank
/// and anything unreadable is passed on for the API to reject with its field code.
pub fn from_site_input(value: &str) -> String {
    let value = value.trim();
    if value.is_empty() {
        return String::new();
    }
    let parsed = chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"));
    match parsed.ok().and_then(|local| {
        TimeZoneName::DEFAULT
            .tz()
            .from_local_datetime(&local)
            .earliest()
    }) {
        Some(at) => at.with_timezone(&Utc).to_rfc3339(),
        None => value.to_owned(),
    }
}

/// `at` for a `datetime-local` input whose times are in `zone` (an IANA name).
pub fn to_zone_input(at: DateTime<Utc>, zone: &str) -> String {
    if zone == TimeZoneName::DEFAULT.name() {
        return to_site_input(at);
    }
    wall_clock(at, zone)
        .map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// A `datetime-local` value, read as a time in `zone` (an IANA name), as RFC 3339 in UTC;
/// blank stays blank and anything unreadable is passed on for the API to reject.
pub fn from_zone_input(value: &str, zone: &str) -> String {
    if zone == TimeZoneName::DEFAULT.name() {
        return from_site_input(value);
    }
    let value = value.trim();
    let parsed = chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"));
    let Ok(local) = parsed else {
        return value.to_owned();
    };
    // The zone's offset at a first guess, then at the instant it gives: right across a
    // change of offset but for the hour that a clock change skips or repeats.
    let offset = |at: DateTime<Utc>| wall_clock(at, zone).map(|w| w - at.naive_utc());
    let guess = local.and_utc();
    match offset(guess).and_then(|o| offset(guess - o).map(|o2| guess - o2)) {
        Some(at) => at.to_rfc3339(),
        None => value.to_owned(),
    }
}

/// What a clock in `zone` reads at `at`, from the browser's own time-zone data (`Intl`):
/// the SPA carries Japan's rules only.
fn wall_clock(at: DateTime<Utc>, zone: &str) -> Option<chrono::NaiveDateTime> {
    use wasm_bindgen::JsValue;
    let options = js_sys::Object::new();
    for (key, value) in [
        ("timeZone", zone),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "numeric"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "numeric"),
        ("second", "numeric"),
    ] {
        js_sys::Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    let locales = js_sys::Array::of1(&JsValue::from_str("en-US"));
    let format = js_sys::Intl::DateTimeFormat::new(&locales, &options);
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let mut fields = std::collections::HashMap::new();
    for part in format.format_to_parts(&date).iter() {
        let get = |name: &str| {
            js_sys::Reflect::get(&part, &name.into())
                .ok()
                .and_then(|v| v.as_string())
        };
        if let (Some(kind), Some(value)) = (get("type"), get("value"))
            && let Ok(n) = value.parse::<u32>()
        {
            fields.insert(kind, n);
        }
    }
    let field = |name: &str| fields.get(name).copied();
    chrono::NaiveDate::from_ymd_opt(
        i32::try_from(field("year")?).ok()?,
        field("month")?,
        field("day")?,
    )?
    .and_hms_opt(field("hour")? % 24, field("minute")?, field("second")?)
}
