use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::ProblemKind;
use shared::dto::AccountView;

use crate::api;
use crate::components::Alert;
use crate::components::layout::SignedIn;
use crate::i18n::{Language, Msg, t, use_lang};
use crate::pages::general_message;

/// ⑦ My Support: the account and its subscriptions (the catalog comes in a later release).
#[component]
pub fn MySupport() -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let signed_in = expect_context::<SignedIn>().0;
    let account = RwSignal::new(None::<AccountView>);
    let failure = RwSignal::new(None::<Msg>);
    leptos::task::spawn_local(async move {
        match api::me().await {
            Ok(me) if !me.terms_accepted => navigate("/terms", Default::default()),
            Ok(me) => account.set(Some(me)),
            Err(e) if e.kind() == Some(ProblemKind::TermsNotAccepted) => {
                navigate("/terms", Default::default())
            }
            Err(e) if e.kind() == Some(ProblemKind::Unauthorized) => {
                signed_in.set(false);
                navigate("/login?next=/mysupport", Default::default())
            }
            Err(e) => failure.set(Some(general_message(&e))),
        }
    });
    let name = move || {
        account.get().map(|a| match lang.get() {
            Language::Ja => format!("{} {}", a.family_name, a.given_name),
            Language::En => format!("{} {}", a.given_name, a.family_name),
        })
    };
    view! {
        <section class="mysupport">
            <h1>{t(Msg::MySupport)}</h1>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <Show when=move || account.get().is_some() fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                <div class="card welcome">
                    <p class="greeting">
                        {t(Msg::Welcome)}", " <strong id="account-name">{name}</strong> " " {t(Msg::Sama)}
                    </p>
                    <p class="muted">{move || account.get().map(|a| format!("{} · {}", a.company, a.email))}</p>
                </div>
                <div class="card">
                    <div class="card-head">
                        <h2>{t(Msg::Subscriptions)}</h2>
                        <button class="button secondary small" disabled title=t(Msg::ComingSoon)>
                            "+ " {t(Msg::AddSupportInfo)}
                        </button>
                    </div>
                    <p class="empty" id="no-subscriptions">{t(Msg::NoSubscriptions)}</p>
                </div>
            </Show>
        </section>
    }
}
