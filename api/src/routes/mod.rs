//! One handler per file, grouped by resource. `configure` is the whole `/api/v1` surface;
//! the OpenAPI document is collected from it, so a handler cannot be served undocumented.

pub mod bounces;
pub mod cache;
pub mod catalog;
pub mod deliveries;
pub mod destinations;
pub mod dev_mailbox;
pub mod docs_redirect;
pub mod email_changes;
pub mod extract;
pub mod feeds;
pub mod health;
pub mod me;
pub mod notice_templates;
pub mod notices;
pub mod openapi_document;
pub mod password_resets;
pub mod products;
pub mod recipients;
pub mod registrations;
pub mod sessions;
pub mod status;
pub mod subscriptions;
pub mod terms;
pub mod tokens;
pub mod unsubscribe;

pub use extract::{
    Authenticated, BounceReporter, Customer, ManageAccess, Operator, ReadAccess, Via,
};

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    // The reads every visitor and every My Support screen make come first: routes are
    // tried in order, and each pattern tried on the way costs a regex match.
    cfg.service(catalog::show::show)
        .service(catalog::whole::whole)
        .service(products::show::show)
        .service(notices::list::list)
        .service(notices::show::show)
        .service(status::show::show)
        .service(me::show::show)
        .service(subscriptions::list::list)
        .service(recipients::list::list)
        .service(destinations::list::list)
        .service(registrations::create::create)
        .service(registrations::show::show)
        .service(registrations::activate::activate)
        .service(sessions::create::create)
        .service(sessions::refresh::refresh)
        .service(sessions::delete::delete)
        .service(terms::show::show)
        .service(terms::publish::publish)
        .service(terms::accept::accept)
        .service(me::update::update)
        .service(me::delete::delete)
        .service(me::password::change_password)
        .service(me::email::request_email_change)
        .service(email_changes::show::show_email_change)
        .service(email_changes::confirm::confirm_email_change)
        .service(password_resets::create::create)
        .service(password_resets::confirm::confirm)
        .service(catalog::create_category::create_category)
        .service(catalog::update_category::update_category)
        .service(catalog::create_group::create_group)
        .service(catalog::update_group::update_group)
        .service(catalog::create_product::create_product)
        .service(products::update::update)
        .service(subscriptions::add::add)
        .service(subscriptions::update::update)
        .service(subscriptions::remove::remove)
        .service(recipients::create::create)
        .service(recipients::preview_all::preview_all)
        .service(recipients::show::show)
        .service(recipients::update::update)
        .service(recipients::delete::delete)
        .service(recipients::resend::resend)
        .service(recipients::preview::preview)
        .service(recipients::verification_status::verification_status)
        .service(recipients::verify::verify)
        .service(recipients::coverage::coverage)
        .service(recipients::resume::resume)
        .service(recipients::resumption::resume_suspended)
        .service(destinations::create::create)
        .service(destinations::update::update)
        .service(destinations::delete::delete)
        .service(destinations::verify::verify)
        .service(destinations::test::test)
        .service(destinations::rotate::rotate)
        .service(destinations::resume::resume)
        .service(destinations::stopped::stopped)
        .service(deliveries::log::log)
        .service(bounces::report::report)
        .service(notices::postmortem::postmortem)
        .service(notices::create::create)
        .service(notices::update_draft::update_draft)
        .service(notices::delete::delete)
        .service(notices::publish::publish)
        .service(notice_templates::list::list)
        .service(notice_templates::create::create)
        .service(notice_templates::update::update)
        .service(notice_templates::delete::delete)
        .service(notice_templates::draft::draft)
        .service(notices::schedule::schedule)
        .service(notices::unschedule::unschedule)
        .service(notices::update::update)
        .service(notices::deliveries::deliveries)
        .service(notices::export::export)
        .service(notices::estimate::estimate)
        .service(notices::drafts::drafts)
        .service(notices::preview::preview)
        .service(unsubscribe::one_click::one_click)
        .service(unsubscribe::show::show_unsubscribe)
        .service(tokens::list::list)
        .service(tokens::create::create)
        .service(tokens::revoke::revoke)
        .service(feeds::key_show::show)
        .service(feeds::key_issue::issue)
        .service(feeds::key_revoke::revoke);
}

/// The feeds, outside `/api/v1` (and so outside the OpenAPI document): Atom and iCalendar.
pub fn configure_feeds(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(feeds::notices_atom::notices_atom)
        .service(feeds::product_atom::product_atom)
        .service(feeds::maintenance_ics::maintenance_ics)
        .service(feeds::product_ics::product_ics)
        .service(feeds::personal_atom::personal_atom)
        .service(feeds::personal_ics::personal_ics);
}

/// Local time as Japanese customers read it in mails. Japan keeps no daylight saving
/// time, so a fixed +9 h is exact.
pub(crate) fn format_jst(t: chrono::NaiveDateTime) -> String {
    (t + chrono::Duration::hours(9))
        .format("%Y-%m-%d %H:%M (JST)")
        .to_string()
}
