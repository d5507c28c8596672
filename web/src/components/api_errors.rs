//! Where every failed load ends. Pages render their data as `Result<View, ApiError>` inside
//! `Suspense`/`Transition`; a failure lands in this one boundary, which takes a visitor whose
//! session ended to the login page (and back), an account that has not accepted the terms to
//! the terms page, and shows anything else with a way to try again.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use shared::ProblemKind;

use crate::api::ApiError;
use crate::components::Alert;
use crate::components::layout::SignedIn;
use crate::i18n::{Msg, t};
use crate::pages::general_message;

/// The API's errors among the boundary's errors, first one first.
fn first_api_error(errors: &Errors) -> Option<ApiError> {
    errors
        .iter()
        .find_map(|(_, e)| e.downcast_ref::<ApiError>().cloned())
}

#[component]
pub fn ApiErrors(children: Children) -> impl IntoView {
    let navigate = use_navigate();
    let location = use_location();
    let signed_in = expect_context::<SignedIn>().0;
    view! {
        <ErrorBoundary fallback=move |errors| {
            let error = errors.with(first_api_error);
            let here = location.pathname.get_untracked();
            match error.as_ref().and_then(ApiError::kind) {
                Some(ProblemKind::Unauthorized) => {
                    signed_in.set(false);
                    navigate(&format!("/login?next={here}"), Default::default());
                }
                Some(ProblemKind::TermsNotAccepted) => navigate("/terms", Default::default()),
                _ => {}
            }
            let message = error.as_ref().map_or(Msg::Unexpected, general_message);
            view! {
                <Alert kind="error">
                    <span id="load-failed">{t(message)}</span> " "
                    <button class="link-button" on:click=|_| {
                        let _ = window().location().reload();
                    }>{t(Msg::TryAgain)}</button>
                </Alert>
            }
        }>
            {children()}
        </ErrorBoundary>
    }
}
