//! Rows written straight into the database, for tests and benchmarks that need many
//! accounts and addresses in exact shapes; what they test goes through HTTP.

use api::db::DbConnection;
use api::models::account::{Account, NewAccount};
use api::models::recipient::{NewRecipientRow, Recipient};
use api::models::subscription::Subscription;
use api::schema::{accounts, recipient_opt_outs, subscriptions};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::domain::{DeliveryWindow, HolidayRule, Language, Reminders};

pub fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// An account that accepted no terms and cannot log in: only its subscriptions and
/// addresses matter.
pub fn account(conn: &mut DbConnection, email: &str) -> anyhow::Result<String> {
    let id = api::models::new_id();
    let now = now();
    diesel::insert_into(accounts::table)
        .values(NewAccount {
            id: &id,
            email,
            password_hash: "not a hash: no login",
            family_name: "試験",
            given_name: "太郎",
            company: "Example 株式会社",
            department: None,
            phone: None,
            language: "ja",
            role: api::models::account::ROLE_CUSTOMER,
            created_at: now,
            updated_at: now,
        })
        .execute(conn)?;
    Ok(id)
}

pub fn product_id(conn: &mut DbConnection, slug: &str) -> anyhow::Result<String> {
    Ok(api::models::catalog::product::find(conn, slug)?
        .ok_or_else(|| anyhow::anyhow!("no product {slug}"))?
        .id)
}

/// Subscribes `account` to the product with the given mail flags.
pub fn subscribe(
    conn: &mut DbConnection,
    account: &str,
    slug: &str,
    maintenance: bool,
    outage: bool,
) -> anyhow::Result<()> {
    let product = product_id(conn, slug)?;
    Subscription::add(conn, account, &product, now())?;
    diesel::update(subscriptions::table.find((account, &product)))
        .set((
            subscriptions::maintenance_mail.eq(maintenance),
            subscriptions::outage_mail.eq(outage),
        ))
        .execute(conn)?;
    Ok(())
}

pub struct Address<'a> {
    pub email: &'a str,
    pub window: DeliveryWindow,
    pub time_zone: &'a str,
    pub holidays: HolidayRule,
    pub reminders: Reminders,
    pub hold: bool,
    pub language: Language,
    pub verified: bool,
}

impl<'a> Address<'a> {
    /// Verified, every hour, Tokyo, Japanese.
    pub fn new(email: &'a str) -> Self {
        Self {
            email,
            window: DeliveryWindow::ALL,
            time_zone: "Asia/Tokyo",
            holidays: HolidayRule::Deliver,
            reminders: Reminders::NONE,
            hold: false,
            language: Language::Ja,
            verified: true,
        }
    }
}

pub fn address(conn: &mut DbConnection, account: &str, a: Address<'_>) -> anyhow::Result<String> {
    let r = Recipient::insert(
        conn,
        &NewRecipientRow {
            account_id: account,
            email: a.email,
            window: a.window,
            time_zone: a.time_zone,
            holidays: a.holidays,
            reminders: a.reminders,
            hold: a.hold,
            language: a.language,
            verified: a.verified,
        },
        now(),
    )?;
    Ok(r.id)
}

pub fn opt_out(
    conn: &mut DbConnection,
    recipient: &str,
    slug: &str,
    kind: &str,
) -> anyhow::Result<()> {
    let product = product_id(conn, slug)?;
    diesel::insert_into(recipient_opt_outs::table)
        .values((
            recipient_opt_outs::recipient_id.eq(recipient),
            recipient_opt_outs::product_id.eq(product),
            recipient_opt_outs::kind.eq(kind),
            recipient_opt_outs::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn account_id(conn: &mut DbConnection, email: &str) -> anyhow::Result<String> {
    Ok(Account::find_by_email(conn, email)?
        .ok_or_else(|| anyhow::anyhow!("no account {email}"))?
        .id)
}

/// `WITH RECURSIVE n(i)`: the numbers 0 to `n` − 1, for set-based fixtures.
fn numbers(n: u32) -> String {
    format!("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {n}) ")
}

/// `accounts` customers `{prefix}0`, `{prefix}1`, … all subscribed to `product` with
/// outages on: the owners of bulk fixtures.
fn bulk_owners(prefix: &str, email: &str, accounts: u32, product: &str) -> [String; 2] {
    [
        format!(
            "{}INSERT INTO accounts (id, email, password_hash, family_name, given_name, company, \
             language, role, created_at, updated_at, time_zone) \
             SELECT '{prefix}' || i, '{email}' || i || '@bulk.test', 'x', '試験', '太郎', 'Bulk', \
             'ja', 'customer', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'Asia/Tokyo' FROM n",
            numbers(accounts)
        ),
        format!(
            "{}INSERT INTO subscriptions (account_id, product_id, maintenance_mail, outage_mail, \
             created_at, updated_at) \
             SELECT '{prefix}' || i, '{product}', FALSE, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n",
            numbers(accounts)
        ),
    ]
}

fn run_all(conn: &mut DbConnection, statements: &[String]) -> anyhow::Result<()> {
    conn.transaction(|conn| {
        for sql in statements {
            diesel::sql_query(sql).execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(())
}

/// `count` verified Tokyo addresses `{local}{i}@bulk.test` with ids `{id}{i}`, ten per
/// account `{account}{i / 10}`, with this window.
fn bulk_recipients(
    [id, account, local]: [&str; 3],
    count: u32,
    weekdays: i32,
    hours: i32,
) -> String {
    format!(
        "{}INSERT INTO recipients (id, account_id, email, weekdays, hours, time_zone, language, \
         status, verified_at, created_at, updated_at) \
         SELECT '{id}' || i, '{account}' || (i / 10), '{local}' || i || '@bulk.test', \
         {weekdays}, {hours}, 'Asia/Tokyo', 'ja', 'verified', CURRENT_TIMESTAMP, \
         CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n",
        numbers(count)
    )
}

/// `addresses` verified addresses, ten per account, every hour, all subscribed to
/// `slug` with outage mail on: written by three set-based statements, on either backend.
pub fn bulk_audience(conn: &mut DbConnection, slug: &str, addresses: u32) -> anyhow::Result<()> {
    let product = product_id(conn, slug)?;
    let (weekdays, hours) = DeliveryWindow::ALL.bits();
    let [accounts, subscriptions] =
        bulk_owners("bulk-a-", "owner", addresses.div_ceil(10), &product);
    let recipients = bulk_recipients(["bulk-r-", "bulk-a-", "user"], addresses, weekdays, hours);
    run_all(conn, &[accounts, subscriptions, recipients])
}

/// `addresses` more verified addresses like [`bulk_audience`]'s, whose Tokyo hours exclude
/// the four hours from `at`: a publication in those hours records them as skipped.
pub fn bulk_outside(
    conn: &mut DbConnection,
    slug: &str,
    addresses: u32,
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let product = product_id(conn, slug)?;
    let (weekdays, mut hours) = DeliveryWindow::ALL.bits();
    let tokyo = shared::domain::TimeZoneName::DEFAULT.tz();
    for h in 0..4 {
        hours &= !DeliveryWindow::slot(tokyo, at + chrono::Duration::hours(h))
            .bits()
            .1;
    }
    let [accounts, subscriptions] =
        bulk_owners("bulk-oa-", "outside", addresses.div_ceil(10), &product);
    let recipients = bulk_recipients(
        ["bulk-o-", "bulk-oa-", "outside"],
        addresses,
        weekdays,
        hours,
    );
    run_all(conn, &[accounts, subscriptions, recipients])
}

/// `hooks` active generic webhook destinations posting to `url`, ten per account, every
/// hour, all accounts subscribed to `slug` with outages on: set-based, on either backend.
/// Their ids are `bulk-h-0`, `bulk-h-1`, ….
pub fn bulk_hooks(
    conn: &mut DbConnection,
    slug: &str,
    hooks: u32,
    url: &str,
) -> anyhow::Result<()> {
    let product = product_id(conn, slug)?;
    let (weekdays, hours) = DeliveryWindow::ALL.bits();
    let [accounts, subscriptions] = bulk_owners("hook-a-", "hooks", hooks.div_ceil(10), &product);
    let secret = api::models::webhook::new_secret();
    let webhooks = format!(
        "{}INSERT INTO webhooks (id, account_id, channel, name, url, secret, weekdays, hours, \
         time_zone, language, maintenance, outage, status, failures, verified_at, created_at, \
         updated_at) \
         SELECT 'bulk-h-' || i, 'hook-a-' || (i / 10), 'webhook', 'hook ' || i, '{url}', \
         '{secret}', {weekdays}, {hours}, 'Asia/Tokyo', 'ja', TRUE, TRUE, 'active', 0, \
         CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n",
        numbers(hooks)
    );
    run_all(conn, &[accounts, subscriptions, webhooks])
}

/// A delivery status notification (RFC 3464) shaped after the RFC's own example ("Simple
/// DSN"): addressed to `to` (a return path), about the mail `original_message_id` (without
/// angle brackets) to `recipient`, which the reporting server gave up on with `status`.
pub fn dsn(to: &str, recipient: &str, original_message_id: &str, status: &str) -> String {
    let diagnostic = match status.chars().next() {
        Some('5') => format!("550 {status} <{recipient}>... User unknown"),
        _ => format!("450 {status} <{recipient}>... Mailbox busy"),
    };
    [
        "Date: Thu, 7 Jul 1994 17:16:05 -0400",
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>",
        "Message-Id: <199407072116.RAA14128@mx.example.net>",
        "Subject: Returned mail: Cannot send message",
        &format!("To: <{to}>"),
        "MIME-Version: 1.0",
        "Content-Type: multipart/report; report-type=delivery-status;",
        "      boundary=\"RAA14128.773615765/mx.example.net\"",
        "",
        "--RAA14128.773615765/mx.example.net",
        "",
        "   ----- The following addresses had delivery problems -----",
        &format!("<{recipient}>  (unrecoverable error)"),
        "",
        "--RAA14128.773615765/mx.example.net",
        "content-type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.net",
        "",
        &format!("Original-Recipient: rfc822;{recipient}"),
        &format!("Final-Recipient: rfc822;{recipient}"),
        "Action: failed",
        &format!("Status: {status}"),
        &format!("Diagnostic-Code: smtp; {diagnostic}"),
        "Last-Attempt-Date: Thu, 7 Jul 1994 17:15:49 -0400",
        "",
        "--RAA14128.773615765/mx.example.net",
        "content-type: text/rfc822-headers",
        "",
        &format!("Message-ID: <{original_message_id}>"),
        "Subject: the original",
        "",
        "--RAA14128.773615765/mx.example.net--",
        "",
    ]
    .join("\r\n")
}
