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
use crate::i18n::{Msg, t};

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
