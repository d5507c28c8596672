use leptos::prelude::*;
use shared::domain::{DeliveryWindow, Weekday};

use crate::i18n::{Msg, t, use_lang, weekday_label};

/// The weekday × hour selector: a 7 × 24 grid whose lit cells are the hours an address
/// receives notices. Weekday and hour buttons toggle rows and columns (click, tap, or
/// Enter/Space); dragging across hour buttons sets a range; presets cover the usual cases.
#[component]
pub fn WindowGrid(window: RwSignal<DeliveryWindow>) -> impl IntoView {
    let lang = use_lang();
    // While dragging over hours: the state being painted.
    let painting = RwSignal::new(None::<bool>);
    // A mouse press already toggled the hour; the click that follows must not undo it.
    let pressed_by_mouse = RwSignal::new(false);
    let set_lists = move |days: Vec<Weekday>, hours: Vec<u8>| {
        if let Ok(w) = DeliveryWindow::new(&days, &hours) {
            window.set(w);
        }
    };
    let toggle_day = move |d: Weekday| {
        let w = window.get_untracked();
        let mut days = w.weekdays();
        if days.contains(&d) {
            days.retain(|x| *x != d)
        } else {
            days.push(d)
        }
        set_lists(days, w.hours());
    };
    let set_hour = move |h: u8, on: bool| {
        let w = window.get_untracked();
        let mut hours = w.hours();
        hours.retain(|x| *x != h);
        if on {
            hours.push(h);
        }
        set_lists(w.weekdays(), hours);
    };
    let has_hour = move |h: u8| window.with(|w| w.hours().contains(&h));
    let has_day = move |d: Weekday| window.with(|w| w.weekdays().contains(&d));
    let preset = move |days: &[Weekday], hours: std::ops::Range<u8>| {
        set_lists(days.to_vec(), hours.collect());
    };
    view! {
        <div class="window-grid" on:pointerup=move |_| painting.set(None) on:pointerleave=move |_| painting.set(None)>
            <div class="presets" role="group" aria-label="presets">
                <button type="button" class="chip" id="preset-all" on:click=move |_| preset(&Weekday::ALL, 0..24)>{t(Msg::PresetAll)}</button>
                <button type="button" class="chip" id="preset-business" on:click=move |_| preset(&Weekday::ALL[..5], 9..18)>{t(Msg::PresetBusiness)}</button>
                <button type="button" class="chip" id="preset-none" on:click=move |_| preset(&[], 0..0)>{t(Msg::PresetNone)}</button>
            </div>
            <p class="hint">{t(Msg::GridHelp)}</p>
            <div class="grid-scroll">
                <table class="grid">
                    <thead>
                        <tr>
                            <th></th>
                            {(0u8..24).map(|h| view! {
                                <th>
                                    <button
                                        type="button"
                                        class="hour"
                                        data-hour=h
                                        aria-pressed=move || has_hour(h).to_string()
                                        aria-label=move || format!("{h}:00")
                                        on:pointerdown=move |ev| {
                                            let mouse = ev.pointer_type() == "mouse";
                                            pressed_by_mouse.set(mouse);
                                            if mouse {
                                                let on = !has_hour(h);
                                                painting.set(Some(on));
                                                set_hour(h, on);
                                            }
                                        }
                                        on:pointerenter=move |_| {
                                            if let Some(on) = painting.get_untracked() {
                                                set_hour(h, on);
                                            }
                                        }
                                        on:click=move |ev| {
                                            // Keyboard (detail 0) and touch activation arrive only here.
                                            if ev.detail() == 0 || !pressed_by_mouse.get_untracked() {
                                                set_hour(h, !has_hour(h));
                                            }
                                            pressed_by_mouse.set(false);
                                        }
                                    >{h}</button>
                                </th>
                            }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {Weekday::ALL.into_iter().map(|d| view! {
                            <tr>
                                <th>
                                    <button
                                        type="button"
                                        class="day"
                                        data-day=d.code()
                                        aria-pressed=move || has_day(d).to_string()
                                        on:click=move |_| toggle_day(d)
                                    >{move || weekday_label(d, lang.get())}</button>
                                </th>
                                {(0u8..24).map(|h| view! {
                                    <td class="cell" class:on=move || window.with(|w| w.admits_local(d, u32::from(h))) aria-hidden="true"></td>
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="hint">{t(Msg::RecipientsLead)}</p>
            {move || window.get().is_empty().then(|| view! {
                <div class="alert error" role="alert" id="empty-window-warning">{t(Msg::EmptyWindowWarning)}</div>
            })}
        </div>
    }
}
