//! Japanese (default) and English texts. The choice is remembered in `localStorage`.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
pub use shared::domain::Language;

const KEY: &str = "shirase.lang";

/// The current language, provided at the root.
#[derive(Clone, Copy)]
pub struct Lang(pub RwSignal<Language>);

impl Lang {
    pub fn init() -> Self {
        let saved = LocalStorage::get::<String>(KEY)
            .ok()
            .and_then(|s| Language::parse(&s).ok())
            .unwrap_or_default();
        Self(RwSignal::new(saved))
    }

    pub fn get(self) -> Language {
        self.0.get()
    }

    pub fn set(self, lang: Language) {
        let _ = LocalStorage::set(KEY, lang.code());
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", lang.code());
        }
        self.0.set(lang);
    }
}

pub fn use_lang() -> Lang {
    expect_context::<Lang>()
}

/// A reactive text: `{t(Msg::Login)}` in a view.
pub fn t(msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_lang();
    move || msg.text(lang.get())
}

pub use shared::i18n::Msg;

/// The message for a field code from the API or from the shared parsers.
pub fn field_message(code: shared::FieldCode, lang: Language) -> &'static str {
    shared::i18n::field(code).text(lang)
}

/// The product's (or entry's) name in the current language.
pub fn pick(lang: Language, ja: &str, en: &str) -> String {
    match lang {
        Language::Ja => ja.to_owned(),
        Language::En => en.to_owned(),
    }
}

pub fn weekday_label(day: shared::domain::Weekday, lang: Language) -> &'static str {
    shared::i18n::weekday(day).text(lang)
}

/// A window in a few words: 「全ての曜日・全ての時間」, or e.g. 「月火水木金 / 9:00–18:00」.
/// Hours are shown as clock times, the way people read them: the slot 17 ends at 18:00.
pub fn window_summary(w: shared::domain::DeliveryWindow, lang: Language) -> String {
    if w == shared::domain::DeliveryWindow::ALL {
        return Msg::AllDaysAllHours.text(lang).to_owned();
    }
    let days: Vec<&str> = w
        .weekdays()
        .into_iter()
        .map(|d| weekday_label(d, lang))
        .collect();
    let sep = if lang == Language::Ja { "" } else { " " };
    let hours = w.hours();
    let hours = if hours.len() == 24 {
        Msg::EveryHour.text(lang).to_owned()
    } else {
        hour_ranges(&hours)
    };
    format!(
        "{} / {}",
        if days.is_empty() {
            "—".to_owned()
        } else {
            days.join(sep)
        },
        hours
    )
}

/// Hour slots as clock ranges: `[9,10,11,14]` → `9:00–12:00, 14:00–15:00`.
fn hour_ranges(hours: &[u8]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < hours.len() {
        let start = hours[i];
        let mut end = start;
        while i + 1 < hours.len() && hours[i + 1] == end + 1 {
            i += 1;
            end = hours[i];
        }
        parts.push(format!("{start}:00–{}:00", end + 1));
        i += 1;
    }
    if parts.is_empty() {
        "—".to_owned()
    } else {
        parts.join(", ")
    }
}
