use leptos::prelude::*;
use shared::FieldErrors;
use shared::dto::{NoticeView, ScheduleRequest};

use super::from_site_input;
use crate::api::{self, ApiError};
use crate::components::{Alert, Field};
use crate::erased::local_action;
use crate::i18n::{Msg, t};
use crate::pages::general_message;
use crate::pages::notices::site_time;

/// 予約公開 on a draft's console page: a time to publish it at, or the time it is set for
/// and the way to take that back. The server publishes it; this page only says when.
#[component]
pub fn ScheduleSection(
    notice: RwSignal<Option<NoticeView>>,
    id: StoredValue<String>,
) -> impl IntoView {
    let at = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<Msg>);
    let save = local_action(move |(): &()| async move {
        let body = ScheduleRequest {
            publish_at: from_site_input(&at.get_untracked()),
        };
        match api::schedule_notice(&id.get_value(), &body).await {
            Ok(n) => {
                errors.set(FieldErrors::default());
                failure.set(None);
                notice.set(Some(n));
            }
            Err(ApiError::Problem(p)) if !p.errors.is_empty() => errors.set(FieldErrors(p.errors)),
            Err(e) => failure.set(Some(general_message(&e))),
        }
    });
    let cancel = local_action(move |(): &()| async move {
        match api::unschedule_notice(&id.get_value()).await {
            Ok(n) => {
                at.set(String::new());
                notice.set(Some(n));
            }
            Err(e) => failure.set(Some(general_message(&e))),
        }
    });
    let scheduled = move || notice.with(|n| n.as_ref().and_then(|n| n.publish_at));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(());
    };
    view! {
        <section class="schedule" id="schedule" aria-labelledby="schedule-title">
            <h2 id="schedule-title">{t(Msg::ScheduleTitle)}</h2>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            {move || match scheduled() {
                Some(when) => view! {
                    <p id="scheduled-at">
                        <span class="badge scheduled">{t(Msg::ScheduledBadge)}</span>
                        " " <strong>{site_time(when)}</strong> " " {t(Msg::ScheduledLead)}
                    </p>
                    <button type="button" class="button secondary" id="unschedule"
                        disabled=move || cancel.pending().get()
                        on:click=move |_| { cancel.dispatch(()); }>{t(Msg::Unschedule)}</button>
                }.into_any(),
                None => view! {
                    <form class="schedule-form" on:submit=submit novalidate>
                        <Field name="publish_at" label=Msg::PublishAt value=at errors kind="datetime-local" />
                        <button type="submit" class="button secondary" id="schedule-submit"
                            disabled=move || save.pending().get()>{t(Msg::DoSchedule)}</button>
                    </form>
                    <p class="hint">{t(Msg::ScheduleHint)}</p>
                }.into_any(),
            }}
        </section>
    }
}
