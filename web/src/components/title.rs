//! Each page's own `<title>`, so tabs, history and screen readers tell pages apart.

use leptos::prelude::*;

use crate::i18n::{Language, Msg, use_lang};

/// Titles the document "page | Shirase お客さまサポート" in the current language; `page`
/// gives the page's name (or nothing while it loads, which leaves the site's name alone).
pub fn page_title(page: impl Fn(Language) -> Option<String> + 'static) {
    let lang = use_lang();
    Effect::new(move |_| {
        let lang = lang.get();
        let site = format!("Shirase {}", Msg::SiteName.text(lang));
        let title = match page(lang) {
            Some(page) if !page.is_empty() => format!("{page} | {site}"),
            _ => site,
        };
        document().set_title(&title);
    });
}

/// A page whose title is one message.
pub fn title(msg: Msg) {
    page_title(move |lang| Some(msg.text(lang).to_owned()));
}
