//! The catalog: categories → groups → products. The three levels share one shape (slug,
//! names, descriptions, position, retirement), so their queries are written once by macro.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use shared::dto::{
    Catalog, CatalogEntryChange, CatalogRef, CategoryView, GroupView, NewCatalogEntry, ProductView,
};

use crate::db::DbConnection;
use crate::schema::{categories, product_groups, products};

/// One row of any level; `parent_id` is empty for categories.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub parent_id: String,
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    pub position: i32,
    pub retired_at: Option<NaiveDateTime>,
}

pub type EntryRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    i32,
    Option<NaiveDateTime>,
);

pub fn entry(parent_id: String, row: EntryRow) -> Entry {
    let (id, slug, name_ja, name_en, description_ja, description_en, position, retired_at) = row;
    Entry {
        id,
        parent_id,
        slug,
        name_ja,
        name_en,
        description_ja,
        description_en,
        position,
        retired_at,
    }
}

impl Entry {
    fn reference(&self) -> CatalogRef {
        CatalogRef {
            slug: self.slug.clone(),
            name_ja: self.name_ja.clone(),
            name_en: self.name_en.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Category,
    Group,
    Product,
}

/// Loads entries with their parent's id, read from the same row (categories have none).
macro_rules! select_entries {
    ([], $query:expr, $conn:expr) => {{
        let rows: Vec<EntryRow> = $query.select(columns()).load($conn)?;
        rows.into_iter()
            .map(|row| entry(String::new(), row))
            .collect::<Vec<Entry>>()
    }};
    ([$parent_column:ident], $query:expr, $conn:expr) => {{
        let rows: Vec<(EntryRow, String)> =
            $query.select((columns(), t::$parent_column)).load($conn)?;
        rows.into_iter()
            .map(|(row, parent)| entry(parent, row))
            .collect::<Vec<Entry>>()
    }};
}

/// The queries of one level, on its table.
macro_rules! level_queries {
    ($module:ident, $table:ident $(, $parent_column:ident)?) => {
        pub mod $module {
            use super::*;
            use crate::schema::$table::dsl as t;

            /// The columns an [`Entry`] is read from (all but its parent).
            pub fn columns() -> (
                t::id,
                t::slug,
                t::name_ja,
                t::name_en,
                t::description_ja,
                t::description_en,
                t::position,
                t::retired_at,
            ) {
                (
                    t::id,
                    t::slug,
                    t::name_ja,
                    t::name_en,
                    t::description_ja,
                    t::description_en,
                    t::position,
                    t::retired_at,
                )
            }

            pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Entry>> {
                let query = t::$table.order((t::position.asc(), t::slug.asc())).into_boxed();
                Ok(select_entries!([$($parent_column)?], query, conn))
            }

            pub fn find(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Entry>> {
                let query = t::$table.filter(t::slug.eq(slug)).limit(1).into_boxed();
                Ok(select_entries!([$($parent_column)?], query, conn).into_iter().next())
            }

            pub fn by_slugs(conn: &mut DbConnection, slugs: &[&str]) -> QueryResult<Vec<Entry>> {
                let query = t::$table.filter(t::slug.eq_any(slugs)).into_boxed();
                Ok(select_entries!([$($parent_column)?], query, conn))
            }

            pub fn by_ids(conn: &mut DbConnection, ids: &[&str]) -> QueryResult<Vec<Entry>> {
                let query = t::$table.filter(t::id.eq_any(ids)).into_boxed();
                Ok(select_entries!([$($parent_column)?], query, conn))
            }

            pub fn next_position(conn: &mut DbConnection) -> QueryResult<i32> {
                let max: Option<i32> = t::$table
                    .select(diesel::dsl::max(t::position))
                    .first(conn)?;
                Ok(max.map_or(10, |m| m + 10))
            }

            /// Inserts a new entry under `parent_id` (unused for categories).
            #[allow(unused_variables)]
            pub fn insert(
                conn: &mut DbConnection,
                parent_id: &str,
                e: &NewCatalogEntry,
                now: NaiveDateTime,
            ) -> QueryResult<String> {
                let id = super::super::new_id();
                let position = e.position.map_or_else(|| next_position(conn), Ok)?;
                diesel::insert_into(t::$table)
                    .values((
                        t::id.eq(&id),
                        $(t::$parent_column.eq(parent_id),)?
                        t::slug.eq(&e.slug),
                        t::name_ja.eq(&e.name_ja),
                        t::name_en.eq(&e.name_en),
                        t::description_ja.eq(&e.description_ja),
                        t::description_en.eq(&e.description_en),
                        t::position.eq(position),
                        t::created_at.eq(now),
                        t::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                Ok(id)
            }

            pub fn update(
                conn: &mut DbConnection,
                slug: &str,
                change: &CatalogEntryChange,
                now: NaiveDateTime,
            ) -> QueryResult<usize> {
                #[derive(AsChangeset)]
                #[diesel(table_name = $table)]
                struct Changes<'a> {
                    name_ja: Option<&'a str>,
                    name_en: Option<&'a str>,
                    description_ja: Option<&'a str>,
                    description_en: Option<&'a str>,
                    position: Option<i32>,
                    retired_at: Option<Option<NaiveDateTime>>,
                    updated_at: NaiveDateTime,
                }
                let changes = Changes {
                    name_ja: change.name_ja.as_deref(),
                    name_en: change.name_en.as_deref(),
                    description_ja: change.description_ja.as_deref(),
                    description_en: change.description_en.as_deref(),
                    position: change.position,
                    retired_at: change.retired.map(|r| r.then_some(now)),
                    updated_at: now,
                };
                diesel::update(t::$table.filter(t::slug.eq(slug)))
                    .set(&changes)
                    .execute(conn)
            }
        }
    };
}

level_queries!(category, categories);
level_queries!(group, product_groups, category_id);
level_queries!(product, products, group_id);

/// Inserts a new entry of `level` under `parent_id` (ignored for categories).
pub fn insert(
    conn: &mut DbConnection,
    level: Level,
    parent_id: &str,
    e: &NewCatalogEntry,
    now: NaiveDateTime,
) -> QueryResult<String> {
    match level {
        Level::Category => category::insert(conn, parent_id, e, now),
        Level::Group => group::insert(conn, parent_id, e, now),
        Level::Product => product::insert(conn, parent_id, e, now),
    }
}

/// The whole catalog as the public sees it: retired entries (and what is under them) left out.
pub fn load(conn: &mut DbConnection) -> QueryResult<Catalog> {
    load_with(conn, false)
}

/// The whole catalog, retired entries included and marked: what operators manage.
pub fn load_all(conn: &mut DbConnection) -> QueryResult<Catalog> {
    load_with(conn, true)
}

fn load_with(conn: &mut DbConnection, retired: bool) -> QueryResult<Catalog> {
    let cats = category::all(conn)?;
    let groups = group::all(conn)?;
    let prods = product::all(conn)?;
    let shown = |e: &Entry| retired || e.retired_at.is_none();
    let mut products_by_group: HashMap<&str, Vec<&Entry>> = HashMap::new();
    for p in prods.iter().filter(|p| shown(p)) {
        products_by_group.entry(&p.parent_id).or_default().push(p);
    }
    let categories = cats
        .iter()
        .filter(|c| shown(c))
        .map(|c| CategoryView {
            slug: c.slug.clone(),
            name_ja: c.name_ja.clone(),
            name_en: c.name_en.clone(),
            description_ja: c.description_ja.clone(),
            description_en: c.description_en.clone(),
            retired: c.retired_at.is_some(),
            groups: groups
                .iter()
                .filter(|g| g.parent_id == c.id && shown(g))
                .map(|g| GroupView {
                    slug: g.slug.clone(),
                    name_ja: g.name_ja.clone(),
                    name_en: g.name_en.clone(),
                    retired: g.retired_at.is_some(),
                    products: products_by_group
                        .get(g.id.as_str())
                        .map(|ps| ps.iter().map(|p| view(p, Some(g), Some(c))).collect())
                        .unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    Ok(Catalog { categories })
}

fn view(p: &Entry, group: Option<&Entry>, category: Option<&Entry>) -> ProductView {
    ProductView {
        slug: p.slug.clone(),
        name_ja: p.name_ja.clone(),
        name_en: p.name_en.clone(),
        description_ja: p.description_ja.clone(),
        description_en: p.description_en.clone(),
        retired: p.retired_at.is_some() || group.is_some_and(|g| g.retired_at.is_some()),
        group: group.map(Entry::reference),
        category: category.map(Entry::reference),
    }
}

/// A product read together with its group and category, as the catalog shows it.
pub fn placed_view(product: &Entry, group: &Entry, category: &Entry) -> ProductView {
    let mut v = view(product, Some(group), Some(category));
    v.retired |= category.retired_at.is_some();
    v
}

/// One product with where it sits; retired products too (their subscribers follow links).
pub fn product_view(
    conn: &mut DbConnection,
    slug: &str,
) -> QueryResult<Option<(String, ProductView)>> {
    Ok(product_views(conn, &[slug])?.remove(slug))
}

/// Products by slug with where they sit, their ids beside them: three queries whatever the
/// number of products (one per level), never one per product.
pub fn product_views(
    conn: &mut DbConnection,
    slugs: &[&str],
) -> QueryResult<HashMap<String, (String, ProductView)>> {
    if slugs.is_empty() {
        return Ok(HashMap::new());
    }
    let products = product::by_slugs(conn, slugs)?;
    let group_ids: Vec<&str> = products.iter().map(|p| p.parent_id.as_str()).collect();
    let groups: HashMap<String, Entry> = group::by_ids(conn, &group_ids)?
        .into_iter()
        .map(|g| (g.id.clone(), g))
        .collect();
    let category_ids: Vec<&str> = groups.values().map(|g| g.parent_id.as_str()).collect();
    let categories: HashMap<String, Entry> = category::by_ids(conn, &category_ids)?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    Ok(products
        .into_iter()
        .map(|p| {
            let group = groups.get(&p.parent_id);
            let category = group.and_then(|g| categories.get(&g.parent_id));
            let mut v = view(&p, group, category);
            v.retired |= category.is_some_and(|c| c.retired_at.is_some());
            (p.slug.clone(), (p.id, v))
        })
        .collect())
}

#[derive(Deserialize)]
struct SeedCategory {
    #[serde(flatten)]
    entry: SeedEntry,
    groups: Vec<SeedGroup>,
}

#[derive(Deserialize)]
struct SeedGroup {
    #[serde(flatten)]
    entry: SeedEntry,
    products: Vec<SeedEntry>,
}

#[derive(Deserialize)]
struct SeedEntry {
    slug: String,
    name_ja: String,
    name_en: String,
    #[serde(default)]
    description_ja: String,
    #[serde(default)]
    description_en: String,
}

impl SeedEntry {
    fn new_entry(&self, position: usize) -> NewCatalogEntry {
        NewCatalogEntry {
            slug: self.slug.clone(),
            name_ja: self.name_ja.clone(),
            name_en: self.name_en.clone(),
            description_ja: self.description_ja.clone(),
            description_en: self.description_en.clone(),
            position: Some(i32::try_from(position * 10 + 10).unwrap_or(i32::MAX)),
        }
    }
}

const SEED: &str = include_str!("../../seed/catalog.json");

/// Adds the sample catalog's entries that do not exist yet (by slug). Existing entries are
/// left as they are, so operators' renames, reorderings and retirements survive restarts.
pub fn seed(conn: &mut DbConnection, now: NaiveDateTime) -> anyhow::Result<usize> {
    let seed: Vec<SeedCategory> = serde_json::from_str(SEED)?;
    let added = conn.transaction(|conn| -> QueryResult<usize> {
        let mut added = 0;
        for (ci, c) in seed.iter().enumerate() {
            let category_id = match category::find(conn, &c.entry.slug)? {
                Some(existing) => existing.id,
                None => {
                    added += 1;
                    insert(conn, Level::Category, "", &c.entry.new_entry(ci), now)?
                }
            };
            for (gi, g) in c.groups.iter().enumerate() {
                let group_id = match group::find(conn, &g.entry.slug)? {
                    Some(existing) => existing.id,
                    None => {
                        added += 1;
                        insert(
                            conn,
                            Level::Group,
                            &category_id,
                            &g.entry.new_entry(gi),
                            now,
                        )?
                    }
                };
                for (pi, p) in g.products.iter().enumerate() {
                    if product::find(conn, &p.slug)?.is_none() {
                        added += 1;
                        insert(conn, Level::Product, &group_id, &p.new_entry(pi), now)?;
                    }
                }
            }
        }
        Ok(added)
    })?;
    Ok(added)
}
