//! The operator console (`/operator/…`): notices from draft to delivery, and the catalog.
//! The API refuses everyone else (403); these pages say so instead of showing empty forms.

mod catalog;
mod editor;
mod list;
mod notice;
mod schedule;
mod templates;

pub use catalog::CatalogAdmin;
pub use editor::{EditNotice, NewNotice};
pub use list::ConsoleHome;
pub use notice::ConsoleNotice;
pub use templates::Templates;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use shared::dto::Role;

use crate::api::{self, ApiError};
use crate::components::Alert;
use crate::i18n::{Msg, t};
use crate::pages::notices::browser_offset;

/// Shows `children` to operators, and others a message; a signed-out visitor is taken to
/// the login page by the [`crate::components::ApiErrors`] boundary.
#[component]
pub fn OperatorOnly(children: ChildrenFn) -> impl IntoView {
    let me = LocalResource::new(api::me);
    view! {
        <Transition fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    let me = me.await?;
                    Ok::<_, ApiError>(if me.role == Role::Operator {
                        children().into_any()
                    } else {
                        view! { <Alert kind="error">{t(Msg::OperatorsOnly)}</Alert> }.into_any()
                    })
                })
            }}
        </Transition>
    }
}

/// `2026-12-10T16:00` in the browser's time zone, for a `datetime-local` input.
pub fn to_local_input(at: DateTime<Utc>) -> String {
    at.with_timezone(&browser_offset(at))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// A `datetime-local` value (browser time) as RFC 3339 in UTC; blank stays blank and
/// anything unreadable is passed on for the API to reject with its field code.
pub fn from_local_input(value: &str) -> String {
    let value = value.trim();
    if value.is_empty() {
        return String::new();
    }
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
    if ms.is_nan() {
        return value.to_owned();
    }
    DateTime::<Utc>::from_timestamp_millis(ms as i64)
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|| value.to_owned())
}
