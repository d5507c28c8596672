//! 「工事・故障情報メール配信先 登録・変更」: the list, and the add / edit wizards
//! (address and window → confirmation → done), plus the page the verification mail opens.

mod confirm;
mod done;
mod form;
mod list;
mod verify;

pub use confirm::Confirm;
pub use done::Done;
pub use form::Form;
pub use list::{List, MySupportTabs, RecipientTable};
pub use verify::Verify;

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::FieldErrors;
use shared::domain::{DeliveryWindow, HolidayRule, ReminderLead, TimeZoneName};

use crate::api::{self, ApiError};
use crate::erased::{local_resource, quietly};

#[derive(Clone, Copy)]
pub struct RecipientDraft {
    /// `None` when adding.
    pub id: StoredValue<Option<String>>,
    pub email: RwSignal<String>,
    pub window: RwSignal<DeliveryWindow>,
    pub time_zone: RwSignal<String>,
    pub holidays: RwSignal<HolidayRule>,
    pub reminders: RwSignal<Vec<ReminderLead>>,
    pub hold: RwSignal<bool>,
    pub errors: RwSignal<FieldErrors>,
    pub ready: RwSignal<bool>,
}

impl RecipientDraft {
    pub fn base(&self) -> String {
        match self.id.get_value() {
            Some(id) => format!("/mysupport/recipients/{id}/edit"),
            None => "/mysupport/recipients/new".into(),
        }
    }
}

/// Parent route of both wizards: loads the address being edited into the draft.
#[component]
pub fn Wizard() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id"));
    let draft = RecipientDraft {
        id: StoredValue::new(id.clone()),
        email: RwSignal::new(String::new()),
        window: RwSignal::new(DeliveryWindow::ALL),
        time_zone: RwSignal::new(TimeZoneName::DEFAULT.name().to_owned()),
        holidays: RwSignal::new(HolidayRule::default()),
        reminders: RwSignal::new(Vec::new()),
        hold: RwSignal::new(false),
        errors: RwSignal::new(FieldErrors::default()),
        ready: RwSignal::new(id.is_none()),
    };
    provide_context(draft);
    let navigate = use_navigate();
    // The address being edited (none when adding).
    let editing = local_resource(move || {
        let id = id.clone();
        async move {
            let Some(id) = id else {
                return Ok(None);
            };
            let list = api::recipients().await?;
            Ok::<_, ApiError>(Some(list.into_iter().find(|r| r.id == id)))
        }
    });
    Effect::new(move |_| match editing.get() {
        Some(Ok(Some(Some(r)))) => {
            draft.email.set(r.email);
            draft
                .window
                .set(DeliveryWindow::new(&r.weekdays, &r.hours).unwrap_or(DeliveryWindow::ALL));
            draft.time_zone.set(r.time_zone);
            draft.holidays.set(r.holidays);
            draft.reminders.set(r.reminders);
            draft.hold.set(r.hold);
            draft.ready.set(true);
        }
        Some(Ok(Some(None))) => navigate("/mysupport/recipients", Default::default()),
        _ => {}
    });
    view! {
        // A failed load ends in the layout's error boundary.
        {quietly(move || async move { editing.await.map(|_| ()) })}
        <Outlet />
    }
}

/// Zones offered in the form; the API accepts any IANA name.
pub const ZONES: [&str; 8] = [
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Europe/London",
    "America/New_York",
    "UTC",
];
