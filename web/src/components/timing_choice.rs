use leptos::prelude::*;
use shared::FieldErrors;
use shared::domain::ReminderLead;

use crate::i18n::{Msg, field_message, t, use_lang};

/// Under the window: when notices reach the destination besides "at once": reminders before
/// a maintenance starts, and notices issued outside the window held until it opens instead
/// of skipped (off by default: the guide's behaviour).
#[component]
pub fn TimingChoice(
    reminders: RwSignal<Vec<ReminderLead>>,
    hold: RwSignal<bool>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let lang = use_lang();
    let error = move || {
        errors.with(|e| {
            e.code_for("reminders")
                .map(|c| field_message(c, lang.get()))
        })
    };
    let lead = move |lead: ReminderLead, label: Msg| {
        let id = format!("reminder-{}", lead.code());
        view! {
            <label class="check">
                <input
                    type="checkbox"
                    id=id
                    value=lead.code()
                    prop:checked=move || reminders.with(|r| r.contains(&lead))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        reminders.update(|r| {
                            r.retain(|l| *l != lead);
                            if on {
                                r.push(lead);
                                r.sort();
                            }
                        });
                        errors.update(|e| e.0.retain(|x| x.field != "reminders"));
                    }
                />
                {t(label)}
            </label>
        }
    };
    view! {
        <fieldset class="checks timing-choice" id="reminders" tabindex="-1"
            aria-describedby="reminders-hint reminders-error">
            <legend>{t(Msg::RemindersLegend)}</legend>
            {lead(ReminderLead::Day, Msg::Reminder24h)}
            {lead(ReminderLead::Hour, Msg::Reminder1h)}
            <p class="hint" id="reminders-hint">{t(Msg::RemindersHint)}</p>
            <p class="error" id="reminders-error" role="alert">{error}</p>
        </fieldset>
        <fieldset class="checks timing-choice">
            <legend>{t(Msg::HoldLegend)}</legend>
            <label class="check">
                <input
                    type="checkbox"
                    id="hold"
                    aria-describedby="hold-hint"
                    prop:checked=move || hold.get()
                    on:change=move |ev| hold.set(event_target_checked(&ev))
                />
                {t(Msg::HoldLabel)}
            </label>
            <p class="hint" id="hold-hint">{t(Msg::HoldHint)}</p>
        </fieldset>
    }
}

/// The review line of a destination's timing choices, e.g. 「24時間前・1時間前 / 保留してまとめて送る」.
pub fn timing_summary(reminders: &[ReminderLead], hold: bool) -> Vec<Msg> {
    let mut parts: Vec<Msg> = reminders
        .iter()
        .map(|l| match l {
            ReminderLead::Day => Msg::Reminder24h,
            ReminderLead::Hour => Msg::Reminder1h,
        })
        .collect();
    if parts.is_empty() {
        parts.push(Msg::RemindersNone);
    }
    parts.push(if hold { Msg::HoldShort } else { Msg::SkipShort });
    parts
}
