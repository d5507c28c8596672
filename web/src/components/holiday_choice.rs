use leptos::prelude::*;
use shared::domain::HolidayRule;

use crate::i18n::{Msg, t};

/// Beside the weekday × hour grid: whether the destination receives notices on Japan's
/// public holidays and in the year-end break. Radio buttons, so the arrow keys move between
/// the three choices as in any form.
#[component]
pub fn HolidayChoice(holidays: RwSignal<HolidayRule>) -> impl IntoView {
    let option = move |rule: HolidayRule, label: Msg| {
        let id = format!("holidays-{}", rule.code());
        view! {
            <label class="check">
                <input
                    type="radio"
                    name="holidays"
                    id=id
                    value=rule.code()
                    prop:checked=move || holidays.get() == rule
                    on:change=move |_| holidays.set(rule)
                />
                {t(label)}
            </label>
        }
    };
    view! {
        <fieldset class="checks holiday-choice" id="holidays" tabindex="-1" aria-describedby="holidays-hint">
            <legend>{t(Msg::HolidaysLegend)}</legend>
            {option(HolidayRule::Deliver, Msg::HolidaysDeliver)}
            {option(HolidayRule::Skip, Msg::HolidaysSkip)}
            {option(HolidayRule::SkipWithYearEnd, Msg::HolidaysSkipWithYearEnd)}
            <p class="hint" id="holidays-hint">{t(Msg::HolidaysHint)}</p>
        </fieldset>
    }
}

/// 「祝日を除く」 after a window's summary, or nothing for the default.
pub fn holiday_suffix(rule: HolidayRule) -> Option<Msg> {
    match rule {
        HolidayRule::Deliver => None,
        HolidayRule::Skip => Some(Msg::HolidaysSkipShort),
        HolidayRule::SkipWithYearEnd => Some(Msg::HolidaysSkipWithYearEndShort),
    }
}
