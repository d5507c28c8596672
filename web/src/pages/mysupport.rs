use leptos::prelude::*;
use leptos_router::components::A;
use shared::domain::display_name;
use shared::dto::{AccountView, Coverage, NoticeKind, OptOutView, RecipientView, SubscriptionView};

use crate::api::{self, ApiError};
use crate::components::{Alert, ConfirmDialog};
use crate::erased::{keyed, loading, local_action, local_resource};
use crate::i18n::{Msg, pick, t, use_lang};
use crate::pages::general_message;
use crate::pages::recipients::{MySupportTabs, RecipientTable};

/// What My Support shows, loaded together.
#[derive(Clone)]
struct Overview {
    account: AccountView,
    subscriptions: Vec<SubscriptionView>,
    recipients: Vec<RecipientView>,
    coverage: Option<Coverage>,
}

async fn load() -> Result<Overview, ApiError> {
    let account = api::me().await?;
    // Without the terms accepted, this answers `terms-not-accepted`: the error boundary
    // takes the customer to the terms page.
    let subscriptions = api::subscriptions().await?;
    let recipients = api::recipients().await?;
    // The coverage warning is a hint; My Support stands without it.
    let coverage = api::coverage().await.ok();
    Ok(Overview {
        account,
        subscriptions,
        recipients,
        coverage,
    })
}

/// ⑦ My Support: the account, its subscriptions with their mail-settings status, the
/// delivery addresses, and the way to add more.
#[component]
pub fn MySupport() -> impl IntoView {
    crate::components::title(Msg::MySupport);
    let overview = local_resource(load);
    view! {
        <section class="mysupport">
            <MySupportTabs />
            <h1>{t(Msg::MySupport)}</h1>
            {loading(move || async move {
                let o = overview.await?;
                // The login address bounced: account mail (password resets…) fails too.
                let login_suspended = o.recipients.iter().any(|r| {
                    r.status == shared::dto::RecipientStatus::Suspended
                        && r.email.eq_ignore_ascii_case(&o.account.email)
                });
                Ok::<_, ApiError>(view! {
                    {login_suspended.then(|| view! {
                        <crate::components::Alert kind="error">
                            <span id="login-address-suspended">{t(Msg::LoginAddressSuspended)}</span>
                            " " <A href="/mysupport/recipients">{t(Msg::RecipientsTab)}</A>
                        </crate::components::Alert>
                    })}
                    <Welcome account=o.account />
                    <Subscriptions list=RwSignal::new(o.subscriptions) />
                    <Addresses list=RwSignal::new(o.recipients) coverage=o.coverage />
                    <div class="card" id="integrations">
                        <div class="card-head">
                            <h2>{t(Msg::Integrations)}</h2>
                            <A href="/mysupport/integrations" attr:class="button secondary small" attr:id="open-integrations">
                                {t(Msg::Feeds)} " / " {t(Msg::TokensTitle)}
                            </A>
                        </div>
                    </div>
                })
            })}
        </section>
    }
}

/// 「ようこそ、山田 太郎 様」 with the company and login address.
#[component]
fn Welcome(account: AccountView) -> impl IntoView {
    let lang = use_lang();
    let details = format!("{} · {}", account.company, account.email);
    view! {
        <div class="card welcome">
            <p class="greeting">
                {t(Msg::Welcome)}
                <strong id="account-name">
                    {move || display_name(&account.family_name, &account.given_name, lang.get())}
                </strong>
                " " {t(Msg::Sama)}
            </p>
            <p class="muted">
                {details} " · "
                <A href="/mysupport/account" attr:id="open-account">{t(Msg::AccountTitle)}</A>
            </p>
        </div>
    }
}

/// The subscribed products, each with its mail settings, opt-outs and 「削除」.
#[component]
fn Subscriptions(list: RwSignal<Vec<SubscriptionView>>) -> impl IntoView {
    let lang = use_lang();
    let failure = RwSignal::new(None::<Msg>);
    let removing = RwSignal::new(None::<SubscriptionView>);
    let dialog = RwSignal::new(false);
    let remove = local_action(move |slug: &String| {
        let slug = slug.clone();
        async move {
            match api::unsubscribe(&slug).await {
                Ok(()) => list.update(|l| l.retain(|x| x.product.slug != slug)),
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    let confirm_remove = Callback::new(move |()| {
        if let Some(s) = removing.get_untracked() {
            remove.dispatch(s.product.slug);
        }
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
    // One fetch of the status page's data for every row's state.
    crate::pages::status::provide_status();
    view! {
        <div class="card">
            <div class="card-head">
                <h2>{t(Msg::Subscriptions)}</h2>
                <A href="/support" attr:class="button secondary small" attr:id="add-support-info">
                    "+ " {t(Msg::AddSupportInfo)}
                </A>
            </div>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <Show
                when=move || !list.with(Vec::is_empty)
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
                        {keyed(move || list.get(), |s| (s.product.slug.clone(), s.maintenance_mail, s.outage_mail, s.opt_outs.len()), move |s| view! {
                            <SubscriptionRow s list failure on_remove=move |s| {
                                removing.set(Some(s));
                                dialog.set(true);
                            } />
                        })}
                    </tbody>
                </table>
            </Show>
            <ConfirmDialog open=dialog message=remove_message confirm=Msg::DoRemove on_confirm=confirm_remove id="remove-dialog" />
        </div>
    }
}

#[component]
fn SubscriptionRow(
    s: SubscriptionView,
    list: RwSignal<Vec<SubscriptionView>>,
    failure: RwSignal<Option<Msg>>,
    #[prop(into)] on_remove: Callback<SubscriptionView>,
) -> impl IntoView {
    let lang = use_lang();
    let product = s.product.clone();
    let settings = format!("/mysupport/subscriptions/{}/mail", product.slug);
    let slug = product.slug.clone();
    let opt_outs = s.opt_outs.clone();
    let for_remove = s.clone();
    view! {
        <tr data-slug=product.slug.clone()>
            <td>
                <A href=format!("/support/products/{}", product.slug)>
                    {move || pick(lang.get(), &product.name_ja, &product.name_en)}
                </A>
                {product.retired.then(|| view! { <span class="badge retired">{t(Msg::Retired)}</span> })}
                <crate::pages::status::ProductStateBadge slug=product.slug.clone() />
            </td>
            <td>
                <A href=settings attr:class="mail-settings">
                    <MailStatus on=s.maintenance_mail label=Msg::MaintenanceMail />
                    <MailStatus on=s.outage_mail label=Msg::OutageMail />
                </A>
                <OptOuts slug opt_outs list failure />
            </td>
            <td>
                <button class="link-button remove" on:click=move |_| on_remove.run(for_remove.clone())>
                    {t(Msg::Remove)}
                </button>
            </td>
        </tr>
    }
}

/// 「工事情報メール 配信中」 or 「… 停止中」.
#[component]
fn MailStatus(on: bool, label: Msg) -> impl IntoView {
    let lang = use_lang();
    let state = if on { Msg::On } else { Msg::Off };
    view! {
        <span class=if on { "mail-status on" } else { "mail-status off" }
            title=move || format!("{}: {}", label.text(lang.get()), state.text(lang.get()))>
            <span aria-hidden="true">{if on { "✉" } else { "—" }}</span>
            " " {t(label)} " " <small>{t(state)}</small>
        </span>
    }
}

/// 配信停止中: addresses that unsubscribed from this product by a mail's link, each with
/// 「再開」.
#[component]
fn OptOuts(
    slug: String,
    opt_outs: Vec<OptOutView>,
    list: RwSignal<Vec<SubscriptionView>>,
    failure: RwSignal<Option<Msg>>,
) -> impl IntoView {
    let resume = local_action(move |(slug, o): &(String, OptOutView)| {
        let (slug, o) = (slug.clone(), o.clone());
        async move {
            match api::resume_mail(&o.recipient_id, &slug, o.kind).await {
                Ok(()) => list.update(|l| {
                    for s in l.iter_mut().filter(|s| s.product.slug == slug) {
                        s.opt_outs.retain(|x| x != &o);
                    }
                }),
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    (!opt_outs.is_empty()).then(|| {
        let rows = opt_outs
            .into_iter()
            .map(|o| {
                let kind = match o.kind {
                    NoticeKind::Maintenance => Msg::MaintenanceMail,
                    NoticeKind::Outage => Msg::OutageMail,
                };
                let email = o.email.clone();
                let slug = slug.clone();
                view! {
                    <li class="opted-out">
                        <span class="badge off">{t(Msg::OptedOut)}</span> " "
                        {t(kind)} " · " {email} " "
                        <button class="link-button resume" on:click=move |_| {
                            resume.dispatch((slug.clone(), o.clone()));
                        }>{t(Msg::Resume)}</button>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="opt-outs">{rows}</ul> }
    })
}

/// The delivery addresses, the coverage warning and the guide's ways to the 配信先 tab.
#[component]
fn Addresses(list: RwSignal<Vec<RecipientView>>, coverage: Option<Coverage>) -> impl IntoView {
    // Hours lost only on holidays or at the year end are said apart: the addresses chose it.
    let holidays = coverage
        .as_ref()
        .filter(|c| !c.holiday_uncovered.is_empty() || !c.year_end_uncovered.is_empty())
        .map(|c| {
            let (holiday, year_end) = (c.holiday_uncovered.len(), c.year_end_uncovered.len());
            view! {
                <div class="alert info" id="holiday-coverage">
                    {(holiday > 0).then(|| view! {
                        <span>{t(Msg::CoverageHolidays)}{holiday}{t(Msg::CoverageHolidaysEnd)}</span>
                    })}
                    {(year_end > 0).then(|| view! {
                        " " <span>{t(Msg::CoverageYearEnd)}{year_end}{t(Msg::CoverageHolidaysEnd)}</span>
                    })}
                </div>
            }
        });
    let warning = coverage.filter(|c| !c.uncovered.is_empty()).map(|c| {
        view! {
            <div class="alert error" role="alert" id="coverage-warning">
                {t(Msg::CoverageWarning)}{c.uncovered.len()}{t(Msg::CoverageWarningEnd)}
                " " <small>"(" {c.time_zone} ")"</small>
            </div>
        }
    });
    view! {
        <div class="card" id="delivery-addresses">
            <div class="card-head">
                <h2>{t(Msg::Recipients)}</h2>
                <A href="/mysupport/recipients" attr:class="button secondary small" attr:id="change-recipients">
                    {t(Msg::ChangeRecipients)}
                </A>
            </div>
            {warning}
            {holidays}
            <RecipientTable list manage=false />
            <p class="hint">{t(Msg::RecipientsLead)}</p>
            <p class="hint">
                {t(Msg::RecipientsPagePrefix)}
                <A href="/mysupport/recipients" attr:id="recipients-page-link">{t(Msg::RecipientsPageLink)}</A>
                {t(Msg::RecipientsPageSuffix)}
            </p>
        </div>
    }
}
