use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{MailDraft, chosen};
use crate::api;
use crate::components::Alert;
use crate::erased::local_action;
use crate::i18n::{Msg, pick, t, use_lang};
use crate::pages::redirect_for;

/// ⑨ The chosen items, then 「登録する」.
#[component]
pub fn Confirm() -> impl IntoView {
    crate::components::title(Msg::MailConfirmTitle);
    let draft = expect_context::<MailDraft>();
    let lang = use_lang();
    let navigate = use_navigate();
    let failure = RwSignal::new(None::<Msg>);
    let store = local_action(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            let slug = draft.slug.get_value();
            match api::set_mail(
                &slug,
                draft.maintenance.get_untracked(),
                draft.outage.get_untracked(),
            )
            .await
            {
                Ok(s) => {
                    draft.subscription.set(Some(s));
                    navigate(&format!("{}/done", draft.base()), Default::default());
                }
                Err(e) => match redirect_for(&e, &draft.base()) {
                    Ok(to) => navigate(&to, Default::default()),
                    Err(m) => failure.set(Some(m)),
                },
            }
        }
    });
    let save = move |_| {
        store.dispatch(());
    };
    let product = move || {
        draft
            .subscription
            .get()
            .map(|s| pick(lang.get(), &s.product.name_ja, &s.product.name_en))
    };
    view! {
        <section class="card">
            <h1>{t(Msg::MailConfirmTitle)}</h1>
            <p class="product-name">{product}</p>
            <p class="lead">{t(Msg::MailConfirmLead)}</p>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <dl class="review">
                <div class="review-row">
                    <dt>{t(Msg::RegisteredItems)}</dt>
                    <dd id="chosen-items">
                        {move || {
                            let items = chosen(draft);
                            if items.is_empty() {
                                t(Msg::NoMailChosen)().to_owned()
                            } else {
                                items.iter().map(|m| m.text(lang.get())).collect::<Vec<_>>().join(" / ")
                            }
                        }}
                    </dd>
                </div>
            </dl>
            <div class="actions">
                <a class="button secondary" href=move || draft.base()>{t(Msg::Back)}</a>
                <button class="button primary" id="mail-save" on:click=save disabled=move || store.pending().get()>
                    {t(Msg::DoRegister)}
                </button>
            </div>
        </section>
    }
}
