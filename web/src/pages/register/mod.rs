//! The support-ID wizard (お客さまサポートIDの登録), one route per step. The draft lives in
//! the parent route's context, so it survives moving between form and confirmation.

mod activate;
mod complete;
mod confirm;
mod expired;
mod form;
mod sent;

pub use activate::Activate;
pub use complete::{Complete, Terms};
pub use confirm::Confirm;
pub use expired::Expired;
pub use form::Form;
pub use sent::Sent;

use leptos::prelude::*;
use leptos_router::components::Outlet;
use shared::dto::{RegistrationAccepted, RegistrationRequest};
use shared::{FieldCode, FieldErrors};

use crate::i18n::use_lang;

#[derive(Clone, Copy)]
pub struct Draft {
    pub email: RwSignal<String>,
    pub password: RwSignal<String>,
    pub password_again: RwSignal<String>,
    pub family_name: RwSignal<String>,
    pub given_name: RwSignal<String>,
    pub company: RwSignal<String>,
    pub department: RwSignal<String>,
    pub phone: RwSignal<String>,
    pub language: RwSignal<String>,
    pub errors: RwSignal<FieldErrors>,
    pub accepted: RwSignal<Option<RegistrationAccepted>>,
}

impl Draft {
    fn new(language: &str) -> Self {
        let s = || RwSignal::new(String::new());
        Self {
            email: s(),
            password: s(),
            password_again: s(),
            family_name: s(),
            given_name: s(),
            company: s(),
            department: s(),
            phone: s(),
            language: RwSignal::new(language.to_owned()),
            errors: RwSignal::new(FieldErrors::default()),
            accepted: RwSignal::new(None),
        }
    }

    pub fn request(&self) -> RegistrationRequest {
        let optional =
            |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
        RegistrationRequest {
            email: self.email.get_untracked(),
            password: self.password.get_untracked(),
            family_name: self.family_name.get_untracked(),
            given_name: self.given_name.get_untracked(),
            company: self.company.get_untracked(),
            department: optional(self.department),
            phone: optional(self.phone),
            language: self.language.get_untracked(),
        }
    }

    /// Runs the same parser as the API, plus the repeat-password check only a form needs.
    pub fn validate(&self) -> bool {
        let mut errors = self.request().parse().err().unwrap_or_default();
        // The repeat is checked on its own, whatever the first password's own problems.
        let again = self.password_again.get_untracked();
        if again.is_empty() {
            errors.push("password_again", FieldCode::Required);
        } else if self.password.get_untracked() != again {
            errors.push("password_again", FieldCode::Mismatch);
        }
        let ok = errors.is_empty();
        self.errors.set(errors);
        ok
    }

    pub fn is_empty(&self) -> bool {
        self.email.get_untracked().is_empty()
    }

    /// Passwords do not outlive their use.
    pub fn forget_passwords(&self) {
        self.password.set(String::new());
        self.password_again.set(String::new());
    }
}

#[component]
pub fn Wizard() -> impl IntoView {
    let lang = use_lang();
    provide_context(Draft::new(lang.0.get_untracked().code()));
    view! { <Outlet /> }
}
