use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::ProblemKind;
use shared::dto::NoticeKind;

use crate::api;
use crate::components::Alert;
use crate::erased::{local_action, local_resource};
use crate::i18n::{Language, Msg, pick, t, use_lang};
use crate::pages::general_message;

/// The page a notice mail's unsubscribe link opens. It asks before it acts: mail scanners
/// that open every link must not turn mail off. (Mail clients use the one-click POST.)
#[component]
pub fn Unsubscribe() -> impl IntoView {
    crate::components::title(Msg::UnsubscribeTitle);
    let token = use_params_map()
        .with_untracked(|p| p.get("token"))
        .unwrap_or_default();
    let done = RwSignal::new(false);
    // What the link stops, shown before anything is stopped.
    let target = {
        let token = token.clone();
        local_resource(move || {
            let token = token.clone();
            async move { api::unsubscribe_target(&token).await.ok() }
        })
    };
    let lang = use_lang();
    let failure = RwSignal::new(None::<Msg>);
    let unsubscribe = local_action(move |token: &String| {
        let token = token.clone();
        async move {
            match api::unsubscribe_mail(&token).await {
                Ok(()) => done.set(true),
                Err(e) if e.kind() == Some(ProblemKind::NotFound) => {
                    failure.set(Some(Msg::UnsubscribeInvalid))
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    let confirm = move |_| {
        unsubscribe.dispatch(token.clone());
    };
    view! {
        <section class="unsubscribe card narrow">
            <h1>{t(Msg::UnsubscribeTitle)}</h1>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <Show
                when=move || done.get()
                fallback=move || view! {
                    <p>{t(Msg::UnsubscribeLead)}</p>
                    {move || target.get().flatten().map(|x| {
                        let products = x.products.iter()
                            .map(|p| pick(lang.get(), &p.name_ja, &p.name_en))
                            .collect::<Vec<_>>()
                            .join(if lang.get() == Language::Ja { "、" } else { ", " });
                        let kind = match x.kind {
                            NoticeKind::Maintenance => Msg::MaintenanceMail,
                            NoticeKind::Outage => Msg::OutageMail,
                        };
                        let title = pick(lang.get(), &x.title_ja, x.title_en.as_deref().unwrap_or(&x.title_ja));
                        view! {
                            <dl class="review" id="unsubscribe-target">
                                <div class="review-row"><dt>{t(Msg::Recipients)}</dt><dd id="unsubscribe-address">{x.email_masked}</dd></div>
                                <div class="review-row"><dt>{t(Msg::UnsubscribeKind)}</dt><dd id="unsubscribe-kind">{t(kind)}</dd></div>
                                <div class="review-row"><dt>{t(Msg::AffectedProducts)}</dt><dd id="unsubscribe-products">{products}</dd></div>
                                <div class="review-row"><dt>{t(Msg::UnsubscribeNotice)}</dt><dd>{title}</dd></div>
                            </dl>
                        }
                    })}
                    <div class="actions">
                        <button class="button primary" id="confirm-unsubscribe" disabled=move || unsubscribe.pending().get() on:click=confirm.clone()>
                            {t(Msg::DoUnsubscribe)}
                        </button>
                    </div>
                }
            >
                <Alert kind="success">{t(Msg::UnsubscribeDone)}</Alert>
                <div class="actions"><A href="/mysupport" attr:class="button secondary">{t(Msg::MySupport)}</A></div>
            </Show>
        </section>
    }
}
