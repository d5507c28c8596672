use leptos::prelude::*;
use shared::domain::{DeliveryWindow, Weekday};

use crate::i18n::{Msg, t, use_lang, weekday_label, window_summary};

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
    let set_hour = move |h: u8, on: bool| set_hour(window, h, on);
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
            // One CSS grid whose items carry their row and column: wide screens lay it out as
            // weekdays × hours, narrow ones swap the two (hours down, weekdays across), so
            // every hour fits on a phone without scrolling sideways.
            <div class="grid" role="group" aria-label=move || Msg::GridLabel.text(lang.get())>
                {(0u8..24).map(|h| view! { <HourButton h window painting pressed_by_mouse /> }).collect_view()}
                {Weekday::ALL.into_iter().map(|d| {
                    let row = d.index() + 2;
                    view! {
                        <button
                            type="button"
                            class="day"
                            style=format!("--row:{row};--col:1")
                            data-day=d.code()
                            aria-pressed=move || has_day(d).to_string()
                            on:click=move |_| toggle_day(d)
                        >{move || weekday_label(d, lang.get())}</button>
                        // A cell shows whether its weekday and hour are both chosen. The window
                        // is weekdays × hours, so a click on a dark cell lights its weekday
                        // and its hour, and a click on a lit one turns its hour off. The
                        // buttons above say the same to a screen reader; the cells are visual.
                        {(0u8..24).map(|h| view! {
                            <span
                                class="cell"
                                style=format!("--row:{row};--col:{}", h + 2)
                                data-day=d.code()
                                data-hour=h
                                class:on=move || window.with(|w| w.admits_local(d, u32::from(h)))
                                aria-hidden="true"
                                on:click=move |_| {
                                    if has_day(d) && has_hour(h) {
                                        set_hour(h, false);
                                    } else {
                                        if !has_day(d) {
                                            toggle_day(d);
                                        }
                                        set_hour(h, true);
                                    }
                                }
                            ></span>
                        }).collect_view()}
                    }
                }).collect_view()}
            </div>
            <p class="visually-hidden" aria-live="polite" id="window-summary">
                {move || window_summary(window.get(), lang.get())}
            </p>
            <p class="hint">{t(Msg::RecipientsLead)}</p>
            {move || window.get().is_empty().then(|| view! {
                <div class="alert error" role="alert" id="empty-window-warning">{t(Msg::EmptyWindowWarning)}</div>
            })}
        </div>
    }
}

/// One hour's button: toggles the hour on click, tap or Enter/Space; a mouse press starts
/// painting that state across the hours the pointer enters.
#[component]
fn HourButton(
    h: u8,
    window: RwSignal<DeliveryWindow>,
    painting: RwSignal<Option<bool>>,
    pressed_by_mouse: RwSignal<bool>,
) -> impl IntoView {
    let has_hour = move || window.with(|w| w.hours().contains(&h));
    let set_hour = move |on: bool| set_hour(window, h, on);
    view! {
        <button
            type="button"
            class="hour"
            style=format!("--row:1;--col:{}", h + 2)
            data-hour=h
            aria-pressed=move || has_hour().to_string()
            aria-label=move || format!("{h}:00–{}:00", h + 1)
            on:pointerdown=move |ev| {
                let mouse = ev.pointer_type() == "mouse";
                pressed_by_mouse.set(mouse);
                if mouse {
                    let on = !has_hour();
                    painting.set(Some(on));
                    set_hour(on);
                }
            }
            on:pointerenter=move |_| {
                if let Some(on) = painting.get_untracked() {
                    set_hour(on);
                }
            }
            on:click=move |ev| {
                // Keyboard (detail 0) and touch activation arrive only here.
                if ev.detail() == 0 || !pressed_by_mouse.get_untracked() {
                    set_hour(!has_hour());
                }
                pressed_by_mouse.set(false);
            }
        >{h}<span class="hour-suffix">":00"</span></button>
    }
}

/// Turns hour `h` on or off in `window`, keeping its weekdays.
fn set_hour(window: RwSignal<DeliveryWindow>, h: u8, on: bool) {
    let w = window.get_untracked();
    let mut hours = w.hours();
    hours.retain(|x| *x != h);
    if on {
        hours.push(h);
    }
    if let Ok(w) = DeliveryWindow::new(&w.weekdays(), &hours) {
        window.set(w);
    }
}
