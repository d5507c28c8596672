use leptos::prelude::*;
use leptos_router::ChooseView;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::Layout;
use crate::components::layout::{SignedIn, has_session};
use crate::i18n::Lang;
use crate::lazy::{
    self, Account, Catalog, Destinations, Integrations, MailLink, MySupport, NoticeEditor, Notices,
    Operator, OperatorAdmin, OperatorNotice, Recipients, Register,
};
use crate::pages::{self, destinations};

/// What a route shows: a page of the first screen, or a page of one of the areas loaded on
/// demand. One type for every route: the router compiles its code for choosing and
/// preloading a view once per type, and a closure per route would be a type per route.
#[derive(Clone, Copy)]
enum Page {
    Home,
    Login,
    Notices(Notices),
    Register(Register),
    MySupport(MySupport),
    Recipients(Recipients),
    Destinations(Destinations),
    Integrations(Integrations),
    Account(Account),
    Catalog(Catalog),
    MailLink(MailLink),
    Operator(Operator),
    OperatorNotice(OperatorNotice),
    NoticeEditor(NoticeEditor),
    OperatorAdmin(OperatorAdmin),
}

impl ChooseView for Page {
    async fn choose(self) -> AnyView {
        match self {
            Page::Home => pages::Home().into_any(),
            Page::Login => pages::Login().into_any(),
            Page::Notices(page) => lazy::notices(page).into_any(),
            Page::Register(page) => lazy::register(page).into_any(),
            Page::MySupport(page) => lazy::my_support(page).into_any(),
            Page::Recipients(page) => lazy::recipients(page).into_any(),
            Page::Destinations(page) => lazy::destinations(page).into_any(),
            Page::Integrations(page) => lazy::integrations(page).into_any(),
            Page::Account(page) => lazy::account(page).into_any(),
            Page::Catalog(page) => lazy::catalog(page).into_any(),
            Page::MailLink(page) => lazy::mail_links(page).into_any(),
            Page::Operator(page) => lazy::operator(page).into_any(),
            Page::OperatorNotice(page) => lazy::operator_notice(page).into_any(),
            Page::NoticeEditor(page) => lazy::notice_editor(page).into_any(),
            Page::OperatorAdmin(page) => lazy::operator_admin(page).into_any(),
        }
    }

    async fn preload(&self) {}
}

#[component]
pub fn App() -> impl IntoView {
    let lang = Lang::init();
    lang.set(lang.get());
    provide_context(lang);
    provide_context(SignedIn(RwSignal::new(has_session())));
    provide_context(destinations::Added(RwSignal::new(None)));
    view! {
        <Router>
            <Layout>
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=Page::Home />
                    <ParentRoute path=path!("/register") view=Page::Register(Register::Wizard)>
                        <Route path=path!("") view=Page::Register(Register::Form) />
                        <Route path=path!("confirm") view=Page::Register(Register::Confirm) />
                        <Route path=path!("sent") view=Page::Register(Register::Sent) />
                        <Route path=path!("activate") view=Page::Register(Register::Activate) />
                        <Route path=path!("complete") view=Page::Register(Register::Complete) />
                        <Route path=path!("expired") view=Page::Register(Register::Expired) />
                    </ParentRoute>
                    <Route path=path!("/login") view=Page::Login />
                    <Route path=path!("/mysupport") view=Page::MySupport(MySupport::Home) />
                    <Route path=path!("/terms") view=Page::Register(Register::Terms) />
                    <Route path=path!("/support") view=Page::Catalog(Catalog::Categories) />
                    <Route path=path!("/support/:category") view=Page::Catalog(Catalog::Category) />
                    <Route path=path!("/support/products/:product") view=Page::Catalog(Catalog::Product) />
                    <Route path=path!("/mysupport/recipients") view=Page::Recipients(Recipients::List) />
                    <ParentRoute path=path!("/mysupport/recipients/new") view=Page::Recipients(Recipients::Wizard)>
                        <Route path=path!("") view=Page::Recipients(Recipients::Form) />
                        <Route path=path!("confirm") view=Page::Recipients(Recipients::Confirm) />
                        <Route path=path!("done") view=Page::Recipients(Recipients::Done) />
                    </ParentRoute>
                    <ParentRoute path=path!("/mysupport/recipients/:id/edit") view=Page::Recipients(Recipients::Wizard)>
                        <Route path=path!("") view=Page::Recipients(Recipients::Form) />
                        <Route path=path!("confirm") view=Page::Recipients(Recipients::Confirm) />
                        <Route path=path!("done") view=Page::Recipients(Recipients::Done) />
                    </ParentRoute>
                    <Route path=path!("/recipients/verify") view=Page::Recipients(Recipients::Verify) />
                    <Route path=path!("/mysupport/account") view=Page::Account(Account::Settings) />
                    <Route path=path!("/account/email/confirm") view=Page::Account(Account::EmailConfirm) />
                    <Route path=path!("/mysupport/destinations") view=Page::Destinations(Destinations::List) />
                    <Route path=path!("/mysupport/destinations/new") view=Page::Destinations(Destinations::Form) />
                    <Route path=path!("/mysupport/destinations/:id/verify") view=Page::Destinations(Destinations::Verify) />
                    <ParentRoute path=path!("/mysupport/subscriptions/:product/mail") view=Page::MySupport(MySupport::MailWizard)>
                        <Route path=path!("") view=Page::MySupport(MySupport::MailSettings) />
                        <Route path=path!("confirm") view=Page::MySupport(MySupport::MailConfirm) />
                        <Route path=path!("done") view=Page::MySupport(MySupport::MailDone) />
                    </ParentRoute>
                    <Route path=path!("/mysupport/integrations") view=Page::Integrations(Integrations::Home) />
                    <Route path=path!("/mysupport/deliveries") view=Page::Account(Account::Deliveries) />
                    <Route path=path!("/operator") view=Page::Operator(Operator::Home) />
                    <Route path=path!("/operator/catalog") view=Page::OperatorAdmin(OperatorAdmin::Catalog) />
                    <Route path=path!("/operator/templates") view=Page::OperatorAdmin(OperatorAdmin::Templates) />
                    <Route path=path!("/operator/notices/new") view=Page::NoticeEditor(NoticeEditor::New) />
                    <Route path=path!("/operator/notices/:id") view=Page::OperatorNotice(OperatorNotice::Page) />
                    <Route path=path!("/operator/notices/:id/edit") view=Page::NoticeEditor(NoticeEditor::Edit) />
                    <Route path=path!("/status") view=Page::Catalog(Catalog::Status) />
                    <Route path=path!("/notices") view=Page::Notices(Notices::List) />
                    <Route path=path!("/notices/:id") view=Page::Notices(Notices::Page) />
                    <Route path=path!("/unsubscribe/:token") view=Page::MailLink(MailLink::Unsubscribe) />
                    <Route path=path!("/password-reset") view=Page::MailLink(MailLink::PasswordReset) />
                    <Route path=path!("/password-reset/confirm") view=Page::MailLink(MailLink::PasswordResetConfirm) />
                </Routes>
            </Layout>
        </Router>
    }
}
