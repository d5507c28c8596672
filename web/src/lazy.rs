//! The SPA's split points. The front page and signing in are in the module every visitor
//! downloads; each other area of the site is compiled into modules of its own, fetched as
//! one bundle the first time one of its routes is shown (see `scripts/build-web`, which
//! splits the build at these functions, and `scripts/link-wasm.js`, which bundles). An
//! area is a few pages a customer or operator goes through together: a smaller area is a
//! smaller download, but code that two areas share is in both their bundles.

use leptos::__reexports::send_wrapper::SendWrapper;
use leptos::prelude::*;

use crate::i18n::{Msg, t};
use crate::pages;

/// Declares the areas. For each: an enum of its pages, the split function that renders one of
/// them, and the view that renders the page once the area's modules have loaded. Then
/// `Area`, a page of any area: one type for the router (see `app::Page`).
macro_rules! areas {
    ($(
        $(#[$doc:meta])*
        $show:ident, $render:ident, $page:ident { $($variant:ident => $component:path),+ $(,)? }
    )+) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy)]
            pub enum $page { $($variant),+ }

            #[leptos::lazy]
            fn $render(page: $page) -> AnyView {
                // Untracked, as `view!` runs a component: the page's own reads of signals
                // must not re-run the split point's `Suspend`.
                untrack(|| match page { $($page::$variant => $component().into_any()),+ })
            }

            fn $show(page: $page) -> impl IntoView {
                view! {
                    <Suspense fallback=area_loading>
                        {move || Suspend::new(SendWrapper::new($render(page)))}
                    </Suspense>
                }
            }

            impl From<$page> for Area {
                fn from(page: $page) -> Self {
                    Area::$page(page)
                }
            }
        )+

        /// A page of one of the areas loaded on demand.
        #[derive(Clone, Copy)]
        pub enum Area { $($page($page)),+ }

        impl Area {
            /// What a route shows: the page, once its area has loaded.
            pub fn show(self) -> AnyView {
                match self { $(Area::$page(page) => $show(page).into_any()),+ }
            }
        }
    };
}

/// What stands in `<main>` while an area's bundle loads on its first visit. The style sheet
/// keeps it hidden for the first fifth of a second, so that a fast load does not flash it.
fn area_loading() -> impl IntoView {
    view! { <p class="muted area-loading" role="status">{t(Msg::Loading)}</p> }
}

areas! {
    /// Notices: the list with its filters, and a notice's page.
    notices, render_notices, Notices {
        List => pages::notices::Notices,
        Page => pages::notices::NoticePage,
    }

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

    /// My Support's front page, with the settings of each product's mails.
    my_support, render_my_support, MySupport {
        Home => pages::MySupport,
        MailWizard => pages::mail::MailWizard,
        MailSettings => pages::mail::Settings,
        MailConfirm => pages::mail::Confirm,
        MailDone => pages::mail::Done,
    }

    /// Delivery addresses: the list, the wizard that adds or edits one, and its verification.
    recipients, render_recipients, Recipients {
        List => pages::recipients::List,
        Wizard => pages::recipients::Wizard,
        Form => pages::recipients::Form,
        Confirm => pages::recipients::Confirm,
        Done => pages::recipients::Done,
        Verify => pages::recipients::Verify,
    }

    /// Webhook, Slack and Teams destinations.
    destinations, render_destinations, Destinations {
        List => pages::destinations::List,
        Form => pages::destinations::Form,
        Verify => pages::destinations::Verify,
    }

    /// Integrations: API tokens and feeds.
    integrations, render_integrations, Integrations {
        Home => pages::Integrations,
    }

    /// The account's settings and the log of its deliveries.
    account, render_account, Account {
        Settings => pages::account::AccountSettings,
        EmailConfirm => pages::account::EmailConfirm,
        Deliveries => pages::DeliveryLog,
    }

    /// The product catalog and the status of products.
    catalog, render_catalog, Catalog {
        Categories => pages::support::Categories,
        Category => pages::support::CategoryPage,
        Product => pages::support::ProductPage,
        Status => pages::status::StatusPage,
    }

    /// Pages reached from a mail's link: a new password, leaving a mail list.
    mail_links, render_mail_links, MailLink {
        PasswordReset => pages::password_reset::Request,
        PasswordResetConfirm => pages::password_reset::Confirm,
        Unsubscribe => pages::Unsubscribe,
    }

    /// The operators' console: the list of notices.
    operator, render_operator, Operator {
        Home => pages::operator::ConsoleHome,
    }

    /// The operators' page of a notice: its deliveries, corrections and follow-ups.
    operator_notice, render_operator_notice, OperatorNotice {
        Page => pages::operator::ConsoleNotice,
    }

    /// The operators' editor of notices, new and published.
    notice_editor, render_notice_editor, NoticeEditor {
        New => pages::operator::NewNotice,
        Edit => pages::operator::EditNotice,
    }

    /// The operators' catalog and mail templates.
    operator_admin, render_operator_admin, OperatorAdmin {
        Catalog => pages::operator::CatalogAdmin,
        Templates => pages::operator::Templates,
    }
}
