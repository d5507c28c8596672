//! 配信停止: an address that no longer wants one kind of notice mail for one product, while
//! the account's other addresses and the other kind go on as before.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::dto::{NoticeKind, OptOutView};

use crate::db::DbConnection;
use crate::schema::{
    notice_products, notices, products, publications, recipient_opt_outs, recipients, subscriptions,
};

/// Applies a one-click unsubscribe: the mail's address stops getting the notice's kind for
/// every affected product, under every account that lists the address (they all got this
/// one mail). `email` is the address the publication's mail went to (the ledger says).
pub fn apply_unsubscribe(
    conn: &mut DbConnection,
    publication_id: &str,
    email: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    conn.transaction(|conn| {
        let kind: String = publications::table
            .inner_join(notices::table.on(notices::id.eq(publications::notice_id)))
            .filter(publications::id.eq(publication_id))
            .select(notices::kind)
            .first(conn)?;
        let affected: Vec<String> = notice_products::table
            .inner_join(
                publications::table.on(publications::notice_id.eq(notice_products::notice_id)),
            )
            .filter(publications::id.eq(publication_id))
            .select(notice_products::product_id)
            .load(conn)?;
        // The listings of this address that subscribe to an affected product.
        let listings: Vec<(String, String)> = recipients::table
            .inner_join(
                subscriptions::table.on(subscriptions::account_id.eq(recipients::account_id)),
            )
            .filter(recipients::email.eq(email))
            .filter(subscriptions::product_id.eq_any(&affected))
            .select((recipients::id, subscriptions::product_id))
            .load(conn)?;
        let mut added = 0;
        for (recipient_id, product_id) in listings {
            added += insert(conn, &recipient_id, &product_id, &kind, now)?;
        }
        Ok(added)
    })
}

/// Inserts one opt-out unless it is there; a concurrent identical insert counts as there.
fn insert(
    conn: &mut DbConnection,
    recipient_id: &str,
    product_id: &str,
    kind: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let existing = recipient_opt_outs::table
        .find((recipient_id, product_id, kind))
        .count()
        .get_result::<i64>(conn)?;
    if existing > 0 {
        return Ok(0);
    }
    diesel::insert_into(recipient_opt_outs::table)
        .values((
            recipient_opt_outs::recipient_id.eq(recipient_id),
            recipient_opt_outs::product_id.eq(product_id),
            recipient_opt_outs::kind.eq(kind),
            recipient_opt_outs::created_at.eq(now),
        ))
        .execute(conn)
}

/// The account's opt-outs, as `(product slug, view)`, for My Support.
pub fn list_for_account(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Vec<(String, OptOutView)>> {
    let rows: Vec<(String, String, String, String)> = recipient_opt_outs::table
        .inner_join(recipients::table)
        .inner_join(products::table)
        .filter(recipients::account_id.eq(account_id))
        .order((recipients::email.asc(), recipient_opt_outs::kind.asc()))
        .select((
            products::slug,
            recipients::id,
            recipients::email,
            recipient_opt_outs::kind,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(slug, recipient_id, email, kind)| {
            let kind = NoticeKind::parse(&kind).ok()?;
            Some((
                slug,
                OptOutView {
                    recipient_id,
                    email,
                    kind,
                },
            ))
        })
        .collect())
}

/// Resumes delivery; `false` if there was no such opt-out on the account's address.
pub fn remove(
    conn: &mut DbConnection,
    account_id: &str,
    recipient_id: &str,
    product_id: &str,
    kind: NoticeKind,
) -> QueryResult<bool> {
    let owned = recipients::table
        .filter(recipients::id.eq(recipient_id))
        .filter(recipients::account_id.eq(account_id))
        .count()
        .get_result::<i64>(conn)?;
    if owned == 0 {
        return Ok(false);
    }
    let n = diesel::delete(recipient_opt_outs::table.find((recipient_id, product_id, kind.code())))
        .execute(conn)?;
    Ok(n == 1)
}
