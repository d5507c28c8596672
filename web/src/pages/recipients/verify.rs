use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::ProblemKind;

use crate::api;
use crate::components::Alert;
use crate::i18n::{Msg, t};
use crate::pages::general_message;

/// Opened from the verification mail. Confirming takes a click (a POST), so that mail
/// scanners which open links verify nothing.
#[component]
pub fn Verify() -> impl IntoView {
    let token = use_query_map()
        .with_untracked(|q| q.get("token"))
        .unwrap_or_default();
    let outcome = RwSignal::new(None::<Result<(), Msg>>);
    let busy = RwSignal::new(false);
    let confirm = move |_| {
        busy.set(true);
        let token = token.clone();
        leptos::task::spawn_local(async move {
            let result = match api::verify_recipient(&token).await {
                Ok(()) => Ok(()),
                Err(e)
                    if matches!(
                        e.kind(),
                        Some(ProblemKind::LinkExpired | ProblemKind::NotFound)
                    ) =>
                {
                    Err(Msg::ExpiredTitle)
                }
                Err(e) => Err(general_message(&e)),
            };
            outcome.set(Some(result));
            busy.set(false);
        });
    };
    view! {
        <section class="card narrow">
            <h1>{t(Msg::VerifyTitle)}</h1>
            {move || match outcome.get() {
                Some(Ok(())) => view! { <Alert kind="success"><span id="verify-done">{t(Msg::VerifyDone)}</span></Alert> }.into_any(),
                Some(Err(m)) => view! { <Alert kind="error">{t(m)}</Alert> }.into_any(),
                None => view! {
                    <p class="lead">{t(Msg::VerifyLead)}</p>
                    <button class="button primary block" id="verify-recipient" on:click=confirm.clone() disabled=move || busy.get()>
                        {t(Msg::VerifyButton)}
                    </button>
                }.into_any(),
            }}
        </section>
    }
}
