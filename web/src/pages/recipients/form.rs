use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::FieldErrors;
use shared::domain::EmailAddress;

use super::{RecipientDraft, ZONES};
use crate::components::{Field, HolidayChoice, TimingChoice, WindowGrid};
use crate::i18n::{Msg, t};

/// 新規登録 / 変更: the address, its weekdays and hours, holidays, reminders and holding,
/// its time zone.
#[component]
pub fn Form() -> impl IntoView {
    let draft = expect_context::<RecipientDraft>();
    let navigate = use_navigate();
    let editing = draft.id.get_value().is_some();
    crate::components::title(if editing {
        Msg::EditRecipientTitle
    } else {
        Msg::NewRecipientTitle
    });
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = FieldErrors::default();
        errors.take("email", EmailAddress::parse(&draft.email.get_untracked()));
        let ok = errors.is_empty();
        draft.errors.set(errors);
        if ok {
            navigate(&format!("{}/confirm", draft.base()), Default::default());
        }
    };
    view! {
        <section class="card wide">
            <h1>{t(if editing { Msg::EditRecipientTitle } else { Msg::NewRecipientTitle })}</h1>
            <Show when=move || draft.ready.get() fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                <form on:submit=next.clone() novalidate>
                    <Field name="email" label=Msg::RecipientEmail value=draft.email errors=draft.errors kind="email" autocomplete="email" />
                    <fieldset class="window-fieldset">
                        <legend>{t(Msg::Weekdays)}" · "{t(Msg::Hours)}</legend>
                        <WindowGrid window=draft.window />
                        <HolidayChoice holidays=draft.holidays />
                        <TimingChoice reminders=draft.reminders hold=draft.hold errors=draft.errors />
                    </fieldset>
                    <div class="field">
                        <label for="time_zone">{t(Msg::TimeZone)}</label>
                        <select id="time_zone" prop:value=move || draft.time_zone.get()
                            on:change=move |ev| draft.time_zone.set(event_target_value(&ev))>
                            {ZONES.into_iter().map(|z| view! { <option value=z>{z}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="actions">
                        <a class="button secondary" href="/mysupport/recipients">{t(Msg::Back)}</a>
                        <button type="submit" class="button primary" id="recipient-to-confirm">{t(Msg::ToConfirm)}</button>
                    </div>
                </form>
            </Show>
        </section>
    }
}
