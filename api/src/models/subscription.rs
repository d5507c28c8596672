//! My Support: which products an account follows, and which notice mails it wants for each.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use shared::dto::SubscriptionView;

use super::catalog;
use crate::db::DbConnection;
use crate::schema::{categories, product_groups, products, subscriptions};

#[derive(Debug, Clone, Queryable)]
#[diesel(table_name = subscriptions)]
pub struct Subscription {
    pub account_id: String,
    pub product_id: String,
    pub maintenance_mail: bool,
    pub outage_mail: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Subscription {
    pub fn find(
        conn: &mut DbConnection,
        account_id: &str,
        product_id: &str,
    ) -> QueryResult<Option<Self>> {
        subscriptions::table
            .find((account_id, product_id))
            .first(conn)
            .optional()
    }

    /// The account's subscriptions in catalog order, each with its product.
    pub fn list(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<SubscriptionView>> {
        use catalog::{EntryRow, category, entry, group, placed_view, product};
        // Each subscription with its product's place in the catalog, in one query; the
        // account's opt-outs in another.
        let rows: Vec<(Subscription, String, EntryRow, String, EntryRow, EntryRow)> =
            subscriptions::table
                .inner_join(
                    products::table.inner_join(product_groups::table.inner_join(categories::table)),
                )
                .filter(subscriptions::account_id.eq(account_id))
                .select((
                    subscriptions::all_columns,
                    products::group_id,
                    product::columns(),
                    product_groups::category_id,
                    group::columns(),
                    category::columns(),
                ))
                .order((products::position.asc(), products::slug.asc()))
                .load(conn)?;
        let mut opt_outs = super::opt_out::list_for_account(conn, account_id)?;
        Ok(rows
            .into_iter()
            .map(|(s, group_id, p, category_id, g, c)| {
                let p = entry(group_id, p);
                let product = placed_view(&p, &entry(category_id, g), &entry(String::new(), c));
                let mut view = s.view(product);
                view.opt_outs = opt_outs
                    .extract_if(.., |(slug, _)| *slug == p.slug)
                    .map(|(_, o)| o)
                    .collect();
                view
            })
            .collect())
    }

    pub fn view(&self, product: shared::dto::ProductView) -> SubscriptionView {
        SubscriptionView {
            product,
            maintenance_mail: self.maintenance_mail,
            outage_mail: self.outage_mail,
            created_at: DateTime::<Utc>::from_naive_utc_and_offset(self.created_at, Utc),
            opt_outs: Vec::new(),
        }
    }

    /// Adds the product with both mail flags off; `false` if it was already there.
    pub fn add(
        conn: &mut DbConnection,
        account_id: &str,
        product_id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        if Self::find(conn, account_id, product_id)?.is_some() {
            return Ok(false);
        }
        // No ON CONFLICT through the two-backend connection: a concurrent add of the same
        // product shows up as a unique violation, which means "already there" too.
        let inserted = diesel::insert_into(subscriptions::table)
            .values((
                subscriptions::account_id.eq(account_id),
                subscriptions::product_id.eq(product_id),
                subscriptions::maintenance_mail.eq(false),
                subscriptions::outage_mail.eq(false),
                subscriptions::created_at.eq(now),
                subscriptions::updated_at.eq(now),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => Ok(true),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub fn set_flags(
        conn: &mut DbConnection,
        account_id: &str,
        product_id: &str,
        maintenance_mail: Option<bool>,
        outage_mail: Option<bool>,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        #[derive(AsChangeset)]
        #[diesel(table_name = subscriptions)]
        struct Flags {
            maintenance_mail: Option<bool>,
            outage_mail: Option<bool>,
            updated_at: NaiveDateTime,
        }
        diesel::update(subscriptions::table.find((account_id, product_id)))
            .set(&Flags {
                maintenance_mail,
                outage_mail,
                updated_at: now,
            })
            .execute(conn)
    }

    pub fn remove(
        conn: &mut DbConnection,
        account_id: &str,
        product_id: &str,
    ) -> QueryResult<usize> {
        diesel::delete(subscriptions::table.find((account_id, product_id))).execute(conn)
    }
}
