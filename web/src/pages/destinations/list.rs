use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::domain::DeliveryWindow;
use shared::dto::{DeliveryAttemptView, DestinationStatus, DestinationView, HookChannel};

use super::channel_label;
use super::verify::TestOutcome;
use crate::api::{self, ApiError};
use crate::components::{Alert, ConfirmDialog, holiday_suffix, timing_summary};
use crate::erased::{keyed, loading, local_action, local_resource};
use crate::i18n::{Msg, t, use_lang, window_summary};
use crate::pages::recipients::MySupportTabs;
use crate::pages::redirect_for;

/// 「Webhook・チャット配信先」.
#[component]
pub fn List() -> impl IntoView {
    crate::components::title(Msg::DestinationsTab);
    let activated = use_query_map().with_untracked(|q| q.get("activated").is_some());
    let listed = local_resource(api::destinations);
    view! {
        <section class="mysupport">
            <MySupportTabs />
            <div class="card">
                <div class="card-head">
                    <h1>{t(Msg::DestinationsTab)}</h1>
                    <A href="/mysupport/destinations/new" attr:class="button primary small" attr:id="new-destination">"+ " {t(Msg::NewDestination)}</A>
                </div>
                <p class="hint">{t(Msg::DestinationsLead)}</p>
                {activated.then(|| view! { <Alert kind="success"><p>{t(Msg::DestinationActivated)}</p></Alert> })}
                {loading(move || async move {
                    let list = RwSignal::new(listed.await?);
                    Ok::<_, ApiError>(view! { <DestinationTable list /> })
                })}
            </div>
        </section>
    }
}

/// What happened last on this page, shown above the table.
#[derive(Clone)]
enum Said {
    Message(&'static str, Msg),
    Test(DeliveryAttemptView),
    Secret(String),
}

#[component]
fn DestinationTable(list: RwSignal<Vec<DestinationView>>) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let said = RwSignal::new(None::<Said>);
    let deleting = RwSignal::new(None::<DestinationView>);
    let dialog = RwSignal::new(false);
    let fail = move |e: ApiError| match redirect_for(&e, "/mysupport/destinations") {
        Ok(to) => navigate(&to, Default::default()),
        Err(m) => said.set(Some(Said::Message("error", m))),
    };
    let replace = move |d: DestinationView| {
        list.update(|l| {
            if let Some(x) = l.iter_mut().find(|x| x.id == d.id) {
                *x = d;
            }
        })
    };
    let test = {
        let fail = fail.clone();
        local_action(move |id: &String| {
            let (id, fail) = (id.clone(), fail.clone());
            async move {
                match api::test_destination(&id).await {
                    Ok(attempt) => said.set(Some(Said::Test(attempt))),
                    Err(e) => fail(e),
                }
            }
        })
    };
    let resume = {
        let fail = fail.clone();
        local_action(move |id: &String| {
            let (id, fail) = (id.clone(), fail.clone());
            async move {
                match api::resume_destination(&id).await {
                    Ok(d) => {
                        replace(d);
                        said.set(Some(Said::Message("success", Msg::Resumed)));
                    }
                    Err(e) => fail(e),
                }
            }
        })
    };
    let rotate = {
        let fail = fail.clone();
        local_action(move |id: &String| {
            let (id, fail) = (id.clone(), fail.clone());
            async move {
                match api::rotate_secret(&id).await {
                    Ok(r) => said.set(Some(Said::Secret(r.secret))),
                    Err(e) => fail(e),
                }
            }
        })
    };
    let remove = local_action(move |id: &String| {
        let (id, fail) = (id.clone(), fail.clone());
        async move {
            match api::delete_destination(&id).await {
                Ok(()) => list.update(|l| l.retain(|x| x.id != id)),
                Err(e) => fail(e),
            }
        }
    });
    let delete = Callback::new(move |()| {
        if let Some(d) = deleting.get_untracked() {
            remove.dispatch(d.id);
        }
    });
    let delete_message = Signal::derive(move || {
        deleting
            .get()
            .map(|d| {
                format!(
                    "{}{}",
                    d.name,
                    Msg::DeleteDestinationSuffix.text(lang.get())
                )
            })
            .unwrap_or_default()
    });
    view! {
        {move || said.get().map(|s| match s {
            Said::Message(kind, m) => view! { <Alert kind=kind><p>{t(m)}</p></Alert> }.into_any(),
            Said::Test(attempt) => view! { <TestOutcome attempt /> }.into_any(),
            Said::Secret(secret) => view! {
                <Alert kind="info">
                    <p><strong>{t(Msg::SigningSecret)}</strong>" "{t(Msg::ShownOnce)}</p>
                    <input readonly id="destination-secret" aria-label=move || Msg::SigningSecret.text(lang.get()) value=secret />
                </Alert>
            }.into_any(),
        })}
        <Show when=move || !list.with(Vec::is_empty) fallback=|| view! { <p class="muted" id="no-destinations">{t(Msg::NoDestinations)}</p> }>
            <ul class="destinations">
                {keyed(move || list.get(), |d| (d.id.clone(), d.status, d.name.clone()), move |d| view! {
                    {
                        let window = DeliveryWindow::new(&d.weekdays, &d.hours).unwrap_or(DeliveryWindow::NONE);
                        let (id, status) = (d.id.clone(), d.status);
                        let kinds = [(d.maintenance, Msg::KindMaintenance), (d.outage, Msg::KindOutage)];
                        let for_delete = d.clone();
                        let (test_id, resume_id, rotate_id) = (id.clone(), id.clone(), id.clone());
                        view! {
                            <li class="destination" data-name=d.name.clone() data-status=status.code()>
                                <div class="destination-head">
                                    <strong>{d.name.clone()}</strong>
                                    <span class="muted">" · "{t(channel_label(d.channel))}</span>
                                    {match status {
                                        DestinationStatus::Pending => view! { <span class="badge pending">{t(Msg::Pending)}</span> }.into_any(),
                                        DestinationStatus::Active => view! { <span class="badge active">{t(Msg::DestinationActive)}</span> }.into_any(),
                                        DestinationStatus::Quarantined => view! { <span class="badge stopped">{t(Msg::DestinationQuarantined)}</span> }.into_any(),
                                    }}
                                </div>
                                <p class="muted url">{d.url_masked.clone()}</p>
                                <p class="window">
                                    {move || kinds.iter().filter(|(on, _)| *on).map(|(_, m)| m.text(lang.get())).collect::<Vec<_>>().join(" · ")}
                                    " — "{move || window_summary(window, lang.get())}
                                    {holiday_suffix(d.holidays).map(|m| view! { " · " {t(m)} })}
                                    <small class="muted">" (" {d.time_zone.clone()} ")"</small>
                                </p>
                                {(!d.reminders.is_empty() || d.hold).then(|| {
                                    let parts = timing_summary(&d.reminders, d.hold);
                                    view! { <p class="timing muted">{move || parts.iter().map(|m| m.text(lang.get())).collect::<Vec<_>>().join(" · ")}</p> }
                                })}
                                {(status == DestinationStatus::Quarantined).then(|| view! {
                                    <p class="quarantined">{t(Msg::QuarantinedLead)}</p>
                                })}
                                {d.last_error.clone().map(|e| view! {
                                    <p class="last-error"><span class="muted">{t(Msg::LastError)}": "</span><code>{e}</code></p>
                                })}
                                <div class="row-actions">
                                    {(status == DestinationStatus::Pending).then(|| view! {
                                        <A href=format!("/mysupport/destinations/{id}/verify") attr:class="button primary small enter-code">{t(Msg::EnterCode)}</A>
                                    })}
                                    {(status == DestinationStatus::Quarantined).then(|| view! {
                                        <button class="button primary small resume" on:click=move |_| { resume.dispatch(resume_id.clone()); }>{t(Msg::Resume)}</button>
                                    })}
                                    <button class="button secondary small send-test" on:click=move |_| { test.dispatch(test_id.clone()); }>{t(Msg::SendTest)}</button>
                                    {(d.channel == HookChannel::Webhook).then(|| view! {
                                        <button class="link-button rotate" on:click=move |_| { rotate.dispatch(rotate_id.clone()); }>{t(Msg::RotateSecret)}</button>
                                    })}
                                    <button class="link-button remove" on:click=move |_| {
                                        deleting.set(Some(for_delete.clone()));
                                        dialog.set(true);
                                    }>{t(Msg::DoDelete)}</button>
                                </div>
                            </li>
                        }
                    }
                })}
            </ul>
        </Show>
        <ConfirmDialog open=dialog message=delete_message confirm=Msg::DoDelete on_confirm=delete id="delete-destination-dialog" />
    }
}
