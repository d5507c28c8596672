use leptos::prelude::*;
use leptos_router::components::A;
use shared::dto::NoticeSummary;

use super::OperatorOnly;
use crate::api::{self, ApiError};
use crate::erased::{loading, local_resource};
use crate::i18n::{Msg, pick, t, use_lang};
use crate::pages::notices::site_time;

/// `/operator`: drafts and published notices, each opening its console page.
#[component]
pub fn ConsoleHome() -> impl IntoView {
    crate::components::title(Msg::Console);
    view! {
        <OperatorOnly>
            <Lists />
            <Stopped />
        </OperatorOnly>
    }
}

#[component]
fn Lists() -> impl IntoView {
    let lists = local_resource(|| async {
        let drafts = api::drafts().await?;
        let published = api::notices("limit=50").await?.items;
        Ok::<_, ApiError>((drafts, published))
    });
    view! {
        <section class="card console">
            <div class="section-head">
                <h1>{t(Msg::ConsoleNotices)}</h1>
                <div class="actions">
                    <A href="/operator/catalog" attr:class="button secondary">{t(Msg::CatalogAdmin)}</A>
                    <A href="/operator/templates" attr:class="button secondary" attr:id="open-templates">{t(Msg::TemplatesTitle)}</A>
                    <A href="/operator/notices/new" attr:class="button primary" attr:id="new-notice">{t(Msg::NewNotice)}</A>
                </div>
            </div>
            {loading(move || async move {
                let (drafts, published) = lists.await?;
                let no_drafts = drafts.is_empty();
                Ok::<_, ApiError>(view! {
                    <h2>{t(Msg::Drafts)}</h2>
                    {if no_drafts {
                        view! { <p class="muted">{t(Msg::NoDrafts)}</p> }.into_any()
                    } else {
                        view! { <Rows items=drafts id="draft-list" /> }.into_any()
                    }}
                    <h2>{t(Msg::Published)}</h2>
                    <Rows items=published id="published-list" />
                })
            })}
        </section>
    }
}

/// Destinations nothing is sent to, with their counts: addresses that bounced (masked) and
/// webhooks that kept failing.
#[component]
fn Stopped() -> impl IntoView {
    let lang = use_lang();
    let stopped = local_resource(api::stopped_destinations);
    view! {
        <section class="card console" id="stopped-destinations">
            <h2>{t(Msg::StoppedDestinationsTitle)}</h2>
            {loading(move || async move {
                let s = stopped.await?;
                let nothing = s.suspended_addresses == 0 && s.quarantined_webhooks == 0;
                Ok::<_, ApiError>(view! {
                    <dl class="counts">
                        <div>
                            <dt>{t(Msg::SuspendedAddressesCount)}</dt>
                            <dd id="suspended-count">{s.suspended_addresses}</dd>
                        </div>
                        <div>
                            <dt>{t(Msg::QuarantinedWebhooksCount)}</dt>
                            <dd id="quarantined-count">{s.quarantined_webhooks}</dd>
                        </div>
                    </dl>
                    {nothing.then(|| view! { <p class="muted">{t(Msg::NothingStopped)}</p> })}
                    <ul class="console-list" id="suspended-addresses">
                        {s.addresses.into_iter().map(|a| {
                            let reason = match a.suspension.reason {
                                shared::dto::SuspensionReason::NoSuchUser => Msg::SuspendedNoSuchUser,
                                shared::dto::SuspensionReason::RepeatedFailures => Msg::SuspendedRepeatedFailures,
                            };
                            view! {
                                <li>
                                    <span class="badge stopped">{t(Msg::RecipientSuspended)}</span>
                                    " " <strong>{a.email_masked}</strong>
                                    <span class="muted">" · " {site_time(a.suspension.since)}</span>
                                    <br /><small>{t(reason)}</small>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <ul class="console-list" id="quarantined-webhooks">
                        {s.webhooks.into_iter().map(|w| {
                            let channel = match w.channel {
                                shared::dto::HookChannel::Webhook => "Webhook",
                                shared::dto::HookChannel::Slack => "Slack",
                                shared::dto::HookChannel::Teams => "Microsoft Teams",
                            };
                            view! {
                                <li>
                                    <span class="badge stopped">{move || Msg::DestinationQuarantined.text(lang.get())}</span>
                                    " " <strong>{w.name}</strong> " (" {channel} ")"
                                    <span class="muted">" · " {site_time(w.since)}</span>
                                    {w.last_error.map(|e| view! { <br /><small><code>{e}</code></small> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            })}
        </section>
    }
}

#[component]
fn Rows(items: Vec<NoticeSummary>, id: &'static str) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="console-list" id=id>
            {items.into_iter().map(|n| {
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
                            <span class="muted">" · " {site_time(n.updated_at)}</span>
                            {n.publish_at.map(|at| view! {
                                " " <span class="badge scheduled">{t(Msg::ScheduledBadge)} " " {site_time(at)}</span>
                            })}
                        </A>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
