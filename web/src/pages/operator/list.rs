use leptos::prelude::*;
use leptos_router::components::A;
use shared::dto::NoticeSummary;

use super::OperatorOnly;
use crate::api;
use crate::components::Alert;
use crate::i18n::{Msg, pick, t, use_lang};
use crate::pages::general_message;
use crate::pages::notices::local_time;

/// `/operator`: drafts and published notices, each opening its console page.
#[component]
pub fn ConsoleHome() -> impl IntoView {
    crate::components::title(Msg::Console);
    view! {
        <OperatorOnly>
            <Lists />
        </OperatorOnly>
    }
}

#[component]
fn Lists() -> impl IntoView {
    let drafts = RwSignal::new(Vec::<NoticeSummary>::new());
    let published = RwSignal::new(Vec::<NoticeSummary>::new());
    let failure = RwSignal::new(None::<Msg>);
    leptos::task::spawn_local(async move {
        match api::drafts().await {
            Ok(list) => drafts.set(list),
            Err(e) => failure.set(Some(general_message(&e))),
        }
        match api::notices("limit=50").await {
            Ok(page) => published.set(page.items),
            Err(e) => failure.set(Some(general_message(&e))),
        }
    });
    view! {
        <section class="card console">
            <div class="section-head">
                <h1>{t(Msg::ConsoleNotices)}</h1>
                <div class="actions">
                    <A href="/operator/catalog" attr:class="button secondary">{t(Msg::CatalogAdmin)}</A>
                    <A href="/operator/notices/new" attr:class="button primary" attr:id="new-notice">{t(Msg::NewNotice)}</A>
                </div>
            </div>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <h2>{t(Msg::Drafts)}</h2>
            <Show when=move || !drafts.with(Vec::is_empty) fallback=|| view! { <p class="muted">{t(Msg::NoDrafts)}</p> }>
                <Rows items=drafts id="draft-list" />
            </Show>
            <h2>{t(Msg::Published)}</h2>
            <Rows items=published id="published-list" />
        </section>
    }
}

#[component]
fn Rows(items: RwSignal<Vec<NoticeSummary>>, id: &'static str) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="console-list" id=id>
            <For each=move || items.get() key=|n| (n.id.clone(), n.updated_at) let:n>
                {
                    let title = n.title_ja.clone();
                    let title_en = n.title_en.clone().unwrap_or_else(|| n.title_ja.clone());
                    let kind = n.kind;
                    view! {
                        <li data-id=n.id.clone()>
                            <A href=format!("/operator/notices/{}", n.id)>
                                <span class=format!("badge kind {}", kind.code())>
                                    {t(shared::i18n::kind(kind))}
                                </span>
                                " "
                                <strong>{move || pick(lang.get(), &title, &title_en)}</strong>
                                <span class="muted">" · " {local_time(n.updated_at)}</span>
                            </A>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}
