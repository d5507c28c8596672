use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::domain::display_name;
use shared::dto::{AccountView, Coverage, NoticeKind, OptOutView, RecipientView, SubscriptionView};

use crate::api;
use crate::components::layout::SignedIn;
use crate::components::{Alert, ConfirmDialog};
use crate::i18n::{Msg, pick, t, use_lang};
use crate::pages::recipients::{MySupportTabs, RecipientTable};
use crate::pages::redirect_for;

/// ⑦ My Support: the account, its subscriptions with their mail-settings status, and the
/// way to add more.
#[component]
pub fn MySupport() -> impl IntoView {
    crate::components::title(Msg::MySupport);
    let lang = use_lang();
    let navigate = use_navigate();
    let signed_in = expect_context::<SignedIn>().0;
    let account = RwSignal::new(None::<AccountView>);
    let subscriptions = RwSignal::new(Vec::<SubscriptionView>::new());
    let recipients = RwSignal::new(Vec::<RecipientView>::new());
    let coverage = RwSignal::new(None::<Coverage>);
    let failure = RwSignal::new(None::<Msg>);
    let removing = RwSignal::new(None::<SubscriptionView>);
    let dialog = RwSignal::new(false);
    let fail = {
        let navigate = navigate.clone();
        move |e: api::ApiError| match redirect_for(&e, "/mysupport") {
            Ok(to) => {
                if to.starts_with("/login") {
                    signed_in.set(false);
                }
                navigate(&to, Default::default())
            }
            Err(m) => failure.set(Some(m)),
        }
    };
    {
        let fail = fail.clone();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::me().await {
                Ok(me) if !me.terms_accepted => return navigate("/terms", Default::default()),
                Ok(me) => account.set(Some(me)),
                Err(e) => return fail(e),
            }
            match api::subscriptions().await {
                Ok(list) => subscriptions.set(list),
                Err(e) => return fail(e),
            }
            match api::recipients().await {
                Ok(list) => recipients.set(list),
                Err(e) => return fail(e),
            }
            if let Ok(c) = api::coverage().await {
                coverage.set(Some(c));
            }
        });
    }
    let name = move || {
        account
            .get()
            .map(|a| display_name(&a.family_name, &a.given_name, lang.get()))
    };
    let remove = Callback::new(move |()| {
        let Some(s) = removing.get_untracked() else {
            return;
        };
        let fail = fail.clone();
        leptos::task::spawn_local(async move {
            match api::unsubscribe(&s.product.slug).await {
                Ok(()) => subscriptions.update(|l| l.retain(|x| x.product.slug != s.product.slug)),
                Err(e) => fail(e),
            }
        });
    });
    let remove_message = Signal::derive(move || {
        removing
            .get()
            .map(|s| {
                let name = pick(lang.get(), &s.product.name_ja, &s.product.name_en);
                format!("{name}{}", Msg::RemoveConfirmSuffix.text(lang.get()))
            })
            .unwrap_or_default()
    });
    let status = move |on: bool, label: Msg| {
        view! {
            <span class=if on { "mail-status on" } else { "mail-status off" }
                title=move || format!("{}: {}", label.text(lang.get()), if on { Msg::On.text(lang.get()) } else { Msg::Off.text(lang.get()) })>
                <span aria-hidden="true">{if on { "✉" } else { "—" }}</span>
                " " {t(label)} " " <small>{t(if on { Msg::On } else { Msg::Off })}</small>
            </span>
        }
    };
    // 配信停止中: addresses that unsubscribed by a mail's link, each with a way back.
    let opted_out =
        move |slug: &str, list: &[OptOutView]| {
            let rows = list.iter().map(|o| {
            let (slug, o) = (slug.to_owned(), o.clone());
            let email = o.email.clone();
            let kind = match o.kind {
                NoticeKind::Maintenance => Msg::MaintenanceMail,
                NoticeKind::Outage => Msg::OutageMail,
            };
            let resume = move |_| {
                let (slug, o) = (slug.clone(), o.clone());
                leptos::task::spawn_local(async move {
                    match api::resume_mail(&o.recipient_id, &slug, o.kind).await {
                        Ok(()) => subscriptions.update(|l| {
                            for s in l.iter_mut().filter(|s| s.product.slug == slug) {
                                s.opt_outs.retain(|x| x != &o);
                            }
                        }),
                        Err(_) => failure.set(Some(Msg::Unexpected)),
                    }
                });
            };
            view! {
                <li class="opted-out">
                    <span class="badge off">{t(Msg::OptedOut)}</span> " "
                    {t(kind)} " · " {email} " "
                    <button class="link-button resume" on:click=resume>{t(Msg::Resume)}</button>
                </li>
            }
        }).collect_view();
            (!list.is_empty()).then(|| view! { <ul class="opt-outs">{rows}</ul> })
        };
    view! {
        <section class="mysupport">
            <MySupportTabs />
            <h1>{t(Msg::MySupport)}</h1>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <Show when=move || account.get().is_some() fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
                <div class="card welcome">
                    <p class="greeting">
                        {t(Msg::Welcome)}<strong id="account-name">{name}</strong> " " {t(Msg::Sama)}
                    </p>
                    <p class="muted">{move || account.get().map(|a| format!("{} · {}", a.company, a.email))}</p>
                </div>
                <div class="card">
                    <div class="card-head">
                        <h2>{t(Msg::Subscriptions)}</h2>
                        <A href="/support" attr:class="button secondary small" attr:id="add-support-info">
                            "+ " {t(Msg::AddSupportInfo)}
                        </A>
                    </div>
                    <Show
                        when=move || !subscriptions.get().is_empty()
                        fallback=move || view! { <p class="empty" id="no-subscriptions">{t(Msg::NoSubscriptions)}</p> }
                    >
                        <table class="subscriptions">
                            <thead><tr>
                                <th scope="col">{t(Msg::Product)}</th>
                                <th scope="col">{t(Msg::MailSettingsStatus)}</th>
                                // The remove buttons name themselves; an empty header cell
                                // would be announced as a nameless column.
                                <td></td>
                            </tr></thead>
                            <tbody>
                                <For each=move || subscriptions.get() key=|s| (s.product.slug.clone(), s.maintenance_mail, s.outage_mail, s.opt_outs.len()) let:s>
                                    {
                                        let product = s.product.clone();
                                        let settings = format!("/mysupport/subscriptions/{}/mail", product.slug);
                                        let s_for_remove = s.clone();
                                        view! {
                                            <tr data-slug=product.slug.clone()>
                                                <td>
                                                    <A href=format!("/support/products/{}", product.slug)>
                                                        {move || pick(lang.get(), &product.name_ja, &product.name_en)}
                                                    </A>
                                                    {product.retired.then(|| view! { <span class="badge retired">{t(Msg::Retired)}</span> })}
                                                </td>
                                                <td>
                                                    <A href=settings attr:class="mail-settings">
                                                        {status(s.maintenance_mail, Msg::MaintenanceMail)}
                                                        {status(s.outage_mail, Msg::OutageMail)}
                                                    </A>
                                                    {opted_out(&product.slug, &s.opt_outs)}
                                                </td>
                                                <td>
                                                    <button class="link-button remove" on:click=move |_| {
                                                        removing.set(Some(s_for_remove.clone()));
                                                        dialog.set(true);
                                                    }>{t(Msg::Remove)}</button>
                                                </td>
                                            </tr>
                                        }
                                    }
                                </For>
                            </tbody>
                        </table>
                    </Show>
                </div>
                <div class="card" id="delivery-addresses">
                    <div class="card-head">
                        <h2>{t(Msg::Recipients)}</h2>
                        <A href="/mysupport/recipients" attr:class="button secondary small" attr:id="change-recipients">
                            {t(Msg::ChangeRecipients)}
                        </A>
                    </div>
                    {move || coverage.get().filter(|c| !c.uncovered.is_empty()).map(|c| view! {
                        <div class="alert error" role="alert" id="coverage-warning">
                            {t(Msg::CoverageWarning)}{c.uncovered.len()}{t(Msg::CoverageWarningEnd)}
                            " " <small>"(" {c.time_zone} ")"</small>
                        </div>
                    })}
                    <RecipientTable list=recipients manage=false />
                    <p class="hint">{t(Msg::RecipientsLead)}</p>
                    <p class="hint">
                        {t(Msg::RecipientsPagePrefix)}
                        <A href="/mysupport/recipients" attr:id="recipients-page-link">{t(Msg::RecipientsPageLink)}</A>
                        {t(Msg::RecipientsPageSuffix)}
                    </p>
                </div>
                <div class="card" id="integrations">
                    <div class="card-head">
                        <h2>{t(Msg::Integrations)}</h2>
                        <A href="/mysupport/integrations" attr:class="button secondary small" attr:id="open-integrations">
                            {t(Msg::Feeds)} " / " {t(Msg::TokensTitle)}
                        </A>
                    </div>
                </div>
            </Show>
            <ConfirmDialog open=dialog message=remove_message confirm=Msg::DoRemove on_confirm=remove id="remove-dialog" />
        </section>
    }
}
