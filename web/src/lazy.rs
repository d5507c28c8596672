//! The SPA's split points. The first screens (the front page, the notices, signing in) are
//! in the module every visitor downloads; each other area of the site is compiled into a
//! module of its own, fetched the first time one of its routes is shown (see
//! `scripts/build-web`, which splits the build at these functions). One function per area,
//! not per page: an area's pages share most of their code, and each module costs a request.

use leptos::__reexports::send_wrapper::SendWrapper;
use leptos::prelude::*;

use crate::pages;

/// Declares an area: an enum of its pages, the split function that renders one of them,
/// and the view a route shows, which renders the page once its module has loaded.
macro_rules! area {
    ($(#[$doc:meta])* $show:ident, $render:ident, $page:ident { $($variant:ident => $component:path),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub enum $page { $($variant),+ }

        #[leptos::lazy]
        fn $render(page: $page) -> AnyView {
            // Untracked, as `view!` runs a component: the page's own reads of signals must
            // not re-run the split point's `Suspend`.
            untrack(|| match page { $($page::$variant => $component().into_any()),+ })
        }

        pub fn $show(page: $page) -> impl IntoView {
            view! {
                <Suspense>
                    {move || Suspend::new(SendWrapper::new($render(page)))}
                </Suspense>
            }
        }
    };
}

area! {
    /// Signing up: the wizard's steps and the terms.
    register, render_register, Register {
        Wizard => pages::register::Wizard,
        Form => pages::register::Form,
        Confirm => pages::register::Confirm,
        Sent => pages::register::Sent,
        Activate => pages::register::Activate,
        Complete => pages::register::Complete,
        Expired => pages::register::Expired,
        Terms => pages::register::Terms,
    }
}

area! {
    /// My Support: products, delivery addresses and destinations, the account.
    my_support, render_my_support, MySupport {
        Home => pages::MySupport,
        Recipients => pages::recipients::List,
        RecipientWizard => pages::recipients::Wizard,
        RecipientForm => pages::recipients::Form,
        RecipientConfirm => pages::recipients::Confirm,
        RecipientDone => pages::recipients::Done,
        RecipientVerify => pages::recipients::Verify,
        Account => pages::account::AccountSettings,
        EmailConfirm => pages::account::EmailConfirm,
        Destinations => pages::destinations::List,
        DestinationForm => pages::destinations::Form,
        DestinationVerify => pages::destinations::Verify,
        MailWizard => pages::mail::MailWizard,
        MailSettings => pages::mail::Settings,
        MailConfirm => pages::mail::Confirm,
        MailDone => pages::mail::Done,
        Integrations => pages::Integrations,
        Deliveries => pages::DeliveryLog,
    }
}

area! {
    /// The product catalog and the status of products.
    catalog, render_catalog, Catalog {
        Categories => pages::support::Categories,
        Category => pages::support::CategoryPage,
        Product => pages::support::ProductPage,
        Status => pages::status::StatusPage,
    }
}

area! {
    /// Pages reached from a mail's link: a new password, leaving a mail list.
    mail_links, render_mail_links, MailLink {
        PasswordReset => pages::password_reset::Request,
        PasswordResetConfirm => pages::password_reset::Confirm,
        Unsubscribe => pages::Unsubscribe,
    }
}

area! {
    /// The operators' console.
    operator, render_operator, Operator {
        Home => pages::operator::ConsoleHome,
        Catalog => pages::operator::CatalogAdmin,
        Templates => pages::operator::Templates,
        NewNotice => pages::operator::NewNotice,
        Notice => pages::operator::ConsoleNotice,
        EditNotice => pages::operator::EditNotice,
    }
}
