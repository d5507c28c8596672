use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::MailDraft;
use crate::i18n::{Msg, pick, t, use_lang};

/// ⑧ Tick 工事情報メール and/or 故障情報メール → 「確認画面へ」.
#[component]
pub fn Settings() -> impl IntoView {
    crate::components::title(Msg::MailSettingsTitle);
    let draft = expect_context::<MailDraft>();
    let lang = use_lang();
    let navigate = use_navigate();
    let product = move || {
        draft
            .subscription
            .get()
            .map(|s| pick(lang.get(), &s.product.name_ja, &s.product.name_en))
    };
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        navigate(&format!("{}/confirm", draft.base()), Default::default());
    };
    let checkbox = move |id: &'static str, label: Msg, value: RwSignal<bool>| {
        view! {
            <label class="check" for=id>
                <input
                    type="checkbox"
                    id=id
                    prop:checked=move || value.get()
                    on:change=move |ev| value.set(event_target_checked(&ev))
                />
                <span>{t(label)}</span>
            </label>
        }
    };
    view! {
        <section class="card">
            <h1>{t(Msg::MailSettingsTitle)}</h1>
            <p class="product-name">{product}</p>
            <p class="lead">{t(Msg::MailSettingsLead)}</p>
            <form on:submit=next>
                <fieldset class="checks">
                    <legend>{t(Msg::RegisteredItems)}</legend>
                    {checkbox("maintenance_mail", Msg::MaintenanceMail, draft.maintenance)}
                    {checkbox("outage_mail", Msg::OutageMail, draft.outage)}
                </fieldset>
                <div class="actions">
                    <a class="button secondary" href="/mysupport">{t(Msg::Back)}</a>
                    <button type="submit" class="button primary" id="mail-to-confirm"
                        disabled=move || draft.subscription.get().is_none()>
                        {t(Msg::ToConfirm)}
                    </button>
                </div>
            </form>
        </section>
    }
}
