use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::FieldErrors;
use shared::domain::{DeliveryWindow, HolidayRule, Language};
use shared::dto::{HookChannel, NewDestinationRequest};

use super::{Added, JustAdded, channel_label};
use crate::api::{self, ApiError};
use crate::components::{
    ErrorSummary, Field, HolidayChoice, TimingChoice, WindowGrid, focus_first_invalid,
};
use crate::erased::local_action;
use crate::i18n::{Msg, field_message, t, use_lang};
use crate::pages::recipients::ZONES;
use crate::pages::redirect_for;

/// The form's fields in page order, for the error summary and the focus.
const FIELDS: &[(&str, Msg)] = &[
    ("channel", Msg::ChannelLabel),
    ("name", Msg::DestinationName),
    ("url", Msg::DestinationUrl),
    ("maintenance", Msg::NoticesToReceive),
    ("weekdays", Msg::Weekdays),
    ("hours", Msg::Hours),
    ("holidays", Msg::HolidaysLegend),
    ("reminders", Msg::RemindersLegend),
];

/// 「配信先を追加」: kind, name, URL, language, the notices to receive and the window. The
/// server checks everything; its field codes show next to the fields.
#[component]
pub fn Form() -> impl IntoView {
    crate::components::title(Msg::NewDestinationTitle);
    let lang = use_lang();
    let navigate = use_navigate();
    let added = expect_context::<Added>();
    let channel = RwSignal::new(HookChannel::Slack);
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let language = RwSignal::new(lang.0.get_untracked());
    let maintenance = RwSignal::new(true);
    let outage = RwSignal::new(true);
    let window = RwSignal::new(DeliveryWindow::ALL);
    let holidays = RwSignal::new(HolidayRule::default());
    let reminders = RwSignal::new(Vec::new());
    let hold = RwSignal::new(false);
    let time_zone = RwSignal::new(ZONES[0].to_owned());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Msg>);
    let tried = RwSignal::new(false);
    let submit = local_action(move |body: &NewDestinationRequest| {
        let (body, navigate) = (body.clone(), navigate.clone());
        async move {
            match api::add_destination(&body).await {
                Ok(created) => {
                    let id = created.destination.id.clone();
                    added.0.set(Some(JustAdded {
                        id: id.clone(),
                        secret: created.secret,
                        test: Some(created.test),
                    }));
                    navigate(
                        &format!("/mysupport/destinations/{id}/verify"),
                        Default::default(),
                    );
                }
                Err(ApiError::Problem(p)) if !p.errors.is_empty() => {
                    let found = FieldErrors(p.errors);
                    focus_first_invalid(&found, FIELDS);
                    errors.set(found);
                    tried.set(true);
                }
                Err(e) => match redirect_for(&e, "/mysupport/destinations/new") {
                    Ok(to) => navigate(&to, Default::default()),
                    Err(m) => general.set(Some(m)),
                },
            }
        }
    });
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let w = window.get_untracked();
        submit.dispatch(NewDestinationRequest {
            channel: channel.get_untracked().code().to_owned(),
            name: name.get_untracked(),
            url: url.get_untracked(),
            weekdays: Some(w.weekdays().iter().map(|d| d.code().to_owned()).collect()),
            hours: Some(w.hours().iter().map(|&h| i64::from(h)).collect()),
            time_zone: Some(time_zone.get_untracked()),
            holidays: Some(holidays.get_untracked().code().to_owned()),
            reminders: Some(
                reminders
                    .get_untracked()
                    .iter()
                    .map(|l: &shared::domain::ReminderLead| l.code().to_owned())
                    .collect(),
            ),
            hold: Some(hold.get_untracked()),
            language: Some(language.get_untracked().code().to_owned()),
            maintenance: Some(maintenance.get_untracked()),
            outage: Some(outage.get_untracked()),
        });
    };
    let error_of = move |field: &'static str| {
        move || errors.with(|e| e.code_for(field).map(|c| field_message(c, lang.get())))
    };
    view! {
        <section class="card wide">
            <h1>{t(Msg::NewDestinationTitle)}</h1>
            {move || general.get().map(|m| view! { <p class="alert error" role="alert">{t(m)}</p> })}
            <ErrorSummary errors shown=tried fields=FIELDS />
            <form on:submit=send novalidate>
                // Focusable so that the error summary can take the keyboard here.
                <fieldset class="field checks" id="channel" tabindex="-1">
                    <legend>{t(Msg::ChannelLabel)}</legend>
                    {HookChannel::ALL.into_iter().map(|c| view! {
                        <label class="check">
                            <input type="radio" name="channel" id=format!("channel-{}", c.code())
                                prop:checked=move || channel.get() == c
                                on:change=move |_| channel.set(c) />
                            {t(channel_label(c))}
                        </label>
                    }).collect_view()}
                    <p class="error" role="alert">{error_of("channel")}</p>
                </fieldset>
                <Field name="name" label=Msg::DestinationName value=name errors hint=Msg::DestinationNameHint />
                <Field name="url" label=Msg::DestinationUrl value=url errors kind="url" hint=Msg::DestinationUrlHint />
                <fieldset class="field checks" id="maintenance" tabindex="-1">
                    <legend>{t(Msg::NoticesToReceive)}</legend>
                    <label class="check"><input type="checkbox" id="kind-maintenance" prop:checked=move || maintenance.get() on:change=move |ev| maintenance.set(event_target_checked(&ev)) />{t(Msg::KindMaintenance)}</label>
                    <label class="check"><input type="checkbox" id="kind-outage" prop:checked=move || outage.get() on:change=move |ev| outage.set(event_target_checked(&ev)) />{t(Msg::KindOutage)}</label>
                    <p class="error" role="alert">{error_of("maintenance")}</p>
                </fieldset>
                <div class="field">
                    <label for="language">{t(Msg::DestinationLanguage)}</label>
                    <select id="language" prop:value=move || language.get().code()
                        on:change=move |ev| language.set(Language::parse(&event_target_value(&ev)).unwrap_or_default())>
                        <option value="ja">"日本語"</option>
                        <option value="en">"English"</option>
                    </select>
                </div>
                <fieldset class="window-fieldset">
                    <legend>{t(Msg::Weekdays)}" · "{t(Msg::Hours)}</legend>
                    <WindowGrid window />
                    <HolidayChoice holidays />
                    <TimingChoice reminders hold errors />
                </fieldset>
                <div class="field">
                    <label for="time_zone">{t(Msg::TimeZone)}</label>
                    <select id="time_zone" prop:value=move || time_zone.get()
                        on:change=move |ev| time_zone.set(event_target_value(&ev))>
                        {ZONES.into_iter().map(|z| view! { <option value=z>{z}</option> }).collect_view()}
                    </select>
                </div>
                <div class="actions">
                    <a class="button secondary" href="/mysupport/destinations">{t(Msg::Back)}</a>
                    <button type="submit" class="button primary" id="add-destination" disabled=move || submit.pending().get()>{t(Msg::AddAndTest)}</button>
                </div>
            </form>
        </section>
    }
}
