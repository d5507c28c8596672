use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::domain::HolidayRule;
use shared::dto::{NewRecipientRequest, RecipientPatch};
use shared::{FieldErrors, ProblemKind};

use super::RecipientDraft;
use crate::api::{self, ApiError};
use crate::components::{Alert, timing_summary};
use crate::erased::local_action;
use crate::i18n::{Msg, t, use_lang, window_summary};
use crate::pages::redirect_for;

/// The address and window as they will be saved → 「登録する」.
#[component]
pub fn Confirm() -> impl IntoView {
    crate::components::title(Msg::RecipientConfirmTitle);
    let draft = expect_context::<RecipientDraft>();
    let lang = use_lang();
    let navigate = use_navigate();
    if draft.email.get_untracked().is_empty() {
        navigate(&draft.base(), Default::default());
    }
    let failure = RwSignal::new(None::<Msg>);
    let store = local_action(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            let w = draft.window.get_untracked();
            let weekdays: Vec<String> = w.weekdays().iter().map(|d| d.code().to_owned()).collect();
            let hours: Vec<i64> = w.hours().iter().map(|&h| i64::from(h)).collect();
            let email = draft.email.get_untracked();
            let time_zone = Some(draft.time_zone.get_untracked());
            let holidays = Some(draft.holidays.get_untracked().code().to_owned());
            let reminders = Some(
                draft
                    .reminders
                    .get_untracked()
                    .iter()
                    .map(|l| l.code().to_owned())
                    .collect(),
            );
            let hold = Some(draft.hold.get_untracked());
            let result = match draft.id.get_value() {
                None => {
                    api::add_recipient(&NewRecipientRequest {
                        email,
                        weekdays: Some(weekdays),
                        hours: Some(hours),
                        time_zone,
                        holidays,
                        reminders,
                        hold,
                        language: None,
                    })
                    .await
                }
                Some(id) => {
                    api::update_recipient(
                        &id,
                        &RecipientPatch {
                            email: Some(email),
                            weekdays: Some(weekdays),
                            hours: Some(hours),
                            time_zone,
                            holidays,
                            reminders,
                            hold,
                            language: None,
                        },
                    )
                    .await
                }
            };
            match result {
                Ok(_) => navigate(&format!("{}/done", draft.base()), Default::default()),
                Err(ApiError::Problem(p)) if p.kind() == Some(ProblemKind::Validation) => {
                    draft.errors.set(FieldErrors(p.errors));
                    navigate(&draft.base(), Default::default());
                }
                Err(e) if e.kind() == Some(ProblemKind::Conflict) => {
                    let mut errors = FieldErrors::default();
                    errors.push("email", shared::FieldCode::Taken);
                    draft.errors.set(errors);
                    navigate(&draft.base(), Default::default());
                }
                Err(e) => match redirect_for(&e, "/mysupport/recipients") {
                    Ok(to) => navigate(&to, Default::default()),
                    Err(m) => failure.set(Some(m)),
                },
            }
        }
    });
    let save = move |_| {
        store.dispatch(());
    };
    view! {
        <section class="card">
            <h1>{t(Msg::RecipientConfirmTitle)}</h1>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <dl class="review">
                <div class="review-row"><dt>{t(Msg::Recipients)}</dt><dd id="confirm-email">{move || draft.email.get()}</dd></div>
                <div class="review-row"><dt>{t(Msg::Weekdays)}" · "{t(Msg::Hours)}</dt>
                    <dd id="confirm-window">{move || window_summary(draft.window.get(), lang.get())}</dd></div>
                <div class="review-row"><dt>{t(Msg::HolidaysLegend)}</dt>
                    <dd id="confirm-holidays">{move || match draft.holidays.get() {
                        HolidayRule::Deliver => Msg::HolidaysDeliver,
                        HolidayRule::Skip => Msg::HolidaysSkip,
                        HolidayRule::SkipWithYearEnd => Msg::HolidaysSkipWithYearEnd,
                    }.text(lang.get())}</dd></div>
                <div class="review-row"><dt>{t(Msg::RemindersLegend)}" · "{t(Msg::HoldLegend)}</dt>
                    <dd id="confirm-timing">{move || {
                        let l = lang.get();
                        timing_summary(&draft.reminders.get(), draft.hold.get())
                            .into_iter()
                            .map(|m| m.text(l))
                            .collect::<Vec<_>>()
                            .join(" · ")
                    }}</dd></div>
                <div class="review-row"><dt>{t(Msg::TimeZone)}</dt><dd>{move || draft.time_zone.get()}</dd></div>
            </dl>
            {move || draft.window.get().is_empty().then(|| view! { <Alert kind="error">{t(Msg::EmptyWindowWarning)}</Alert> })}
            <div class="actions">
                <a class="button secondary" href=move || draft.base()>{t(Msg::Back)}</a>
                <button class="button primary" id="recipient-save" on:click=save disabled=move || store.pending().get()>{t(Msg::DoRegister)}</button>
            </div>
        </section>
    }
}
