//! The catalog and My Support subscriptions, over HTTP, on SQLite and PostgreSQL.

use reqwest::Method;
use serde_json::json;
use shared::dto::{Catalog, ProductView, SubscriptionView};
use shirase_tests::backend_tests;
use shirase_tests::flows::{customer, operator};

fn product_slugs(catalog: &Catalog) -> Vec<String> {
    catalog
        .categories
        .iter()
        .flat_map(|c| {
            c.groups
                .iter()
                .flat_map(|g| g.products.iter().map(|p| p.slug.clone()))
        })
        .collect()
}

backend_tests! {
    async fn the_sample_catalog_has_id_federation_under_authentication(app: TestApp) -> anyhow::Result<()> {
        let res = app.get("/api/v1/catalog", None).await?;
        assert_eq!(res.status, 200);
        let catalog: Catalog = res.json()?;
        assert!(catalog.categories.len() >= 4);
        assert!(product_slugs(&catalog).len() >= 12);
        let server = &catalog.categories[0];
        assert_eq!(server.name_ja, "IaaS/PaaS(サーバー)");
        let auth = server.groups.iter().find(|g| g.name_ja == "認証").ok_or_else(|| anyhow::anyhow!("no 認証"))?;
        let idf = auth.products.iter().find(|p| p.slug == "id-federation").ok_or_else(|| anyhow::anyhow!("no ID Federation"))?;
        assert_eq!((idf.name_ja.as_str(), idf.name_en.as_str()), ("ID Federation", "ID Federation"));
        assert!(!idf.description_ja.is_empty() && !idf.description_en.is_empty());

        let product: ProductView = app.get("/api/v1/products/id-federation", None).await?.json()?;
        assert_eq!(product.group.map(|g| g.name_ja), Some("認証".into()));
        assert_eq!(product.category.map(|c| c.slug), Some("iaas-paas-server".into()));
        let res = app.get("/api/v1/products/no-such-product", None).await?;
        assert_eq!(res.status, 404);
        assert_eq!(res.problem()?.type_, "urn:shirase:problem:not-found");
        Ok(())
    }

    async fn the_catalog_is_cacheable(app: TestApp) -> anyhow::Result<()> {
        let first = app.get("/api/v1/catalog", None).await?;
        let etag = first.headers.get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(etag.starts_with('"'), "{etag}");
        assert!(first.headers.get("cache-control").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("public")));
        let again = app.http.get(app.url("/api/v1/catalog")).header("if-none-match", &etag).send().await?;
        assert_eq!(again.status(), 304);
        assert!(again.text().await?.is_empty());

        // An operator's change makes a new tag.
        let op = operator(&app, "op@example.com").await?;
        let res = app.call(Method::PATCH, "/api/v1/products/id-federation", Some(&op), Some(json!({"name_en": "ID Federation Service"}))).await?;
        assert_eq!(res.status, 200, "{res:?}");
        let changed = app.http.get(app.url("/api/v1/catalog")).header("if-none-match", &etag).send().await?;
        assert_eq!(changed.status(), 200);

        // Product pages too.
        let product = app.get("/api/v1/products/id-federation", None).await?;
        let tag = product.headers.get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let again = app.http.get(app.url("/api/v1/products/id-federation")).header("if-none-match", &tag).send().await?;
        assert_eq!(again.status(), 304);
        app.call(Method::PATCH, "/api/v1/products/id-federation", Some(&op), Some(json!({"description_en": "SSO"}))).await?;
        let changed = app.http.get(app.url("/api/v1/products/id-federation")).header("if-none-match", &tag).send().await?;
        assert_eq!(changed.status(), 200);
        Ok(())
    }

    async fn operators_shape_the_catalog_and_seeding_keeps_their_edits(app: TestApp) -> anyhow::Result<()> {
        let customer_token = customer(&app, "c@example.com").await?.access_token;
        let op = operator(&app, "op@example.com").await?;
        let draft = json!({"slug": "analytics", "name_ja": "データ分析", "name_en": "Analytics", "position": 1});
        let res = app.post("/api/v1/catalog/categories", Some(&customer_token), draft.clone()).await?;
        assert_eq!(res.status, 403);
        let res = app.post("/api/v1/catalog/categories", Some(&op), draft.clone()).await?;
        assert_eq!(res.status, 201, "{res:?}");
        let res = app.post("/api/v1/catalog/categories", Some(&op), draft).await?;
        assert_eq!(res.field_errors()?, vec![("slug".into(), "taken".into())]);
        let res = app.post("/api/v1/catalog/categories", Some(&op), json!({"slug": "Bad Slug", "name_ja": "", "name_en": "x".repeat(101)})).await?;
        assert_eq!(res.field_errors()?, vec![
            ("slug".into(), "invalid_slug".into()),
            ("name_ja".into(), "required".into()),
            ("name_en".into(), "too_long".into()),
        ]);
        let res = app.post("/api/v1/catalog/categories/analytics/groups", Some(&op), json!({"slug": "warehouse", "name_ja": "DWH", "name_en": "Warehouse"})).await?;
        assert_eq!(res.status, 201);
        let res = app.post("/api/v1/catalog/groups/warehouse/products", Some(&op), json!({"slug": "smart-data-platform", "name_ja": "Smart Data Platform", "name_en": "Smart Data Platform"})).await?;
        assert_eq!(res.status, 201);
        let res = app.post("/api/v1/catalog/groups/nope/products", Some(&op), json!({"slug": "x-product", "name_ja": "X", "name_en": "X"})).await?;
        assert_eq!(res.status, 404);

        let catalog: Catalog = app.get("/api/v1/catalog", None).await?.json()?;
        assert_eq!(catalog.categories[0].slug, "analytics", "position 1 comes first");
        assert!(product_slugs(&catalog).contains(&"smart-data-platform".to_owned()));

        // Rename and reorder, then seed again as a restart would: the edits stay.
        app.call(Method::PATCH, "/api/v1/catalog/categories/network", Some(&op), Some(json!({"name_ja": "ネットワーク(NW)", "position": 0}))).await?;
        app.call(Method::PATCH, "/api/v1/catalog/groups/authentication", Some(&op), Some(json!({"name_en": "Identity"}))).await?;
        let now = chrono::Utc::now().naive_utc();
        let added = app.db(move |conn| api::models::catalog::seed(conn, now)).await?;
        assert_eq!(added, 0, "seeding is idempotent");
        let catalog: Catalog = app.get("/api/v1/catalog", None).await?.json()?;
        assert_eq!(catalog.categories[0].name_ja, "ネットワーク(NW)");
        let product: ProductView = app.get("/api/v1/products/id-federation", None).await?.json()?;
        assert_eq!(product.group.map(|g| g.name_en), Some("Identity".into()));
        Ok(())
    }

    async fn subscriptions_add_flags_and_remove(app: TestApp) -> anyhow::Result<()> {
        let token = customer(&app, "s@example.com").await?.access_token;
        let t = Some(token.as_str());
        let list: Vec<SubscriptionView> = app.get("/api/v1/me/subscriptions", t).await?.json()?;
        assert!(list.is_empty());

        let res = app.call(Method::PUT, "/api/v1/me/subscriptions/id-federation", t, None).await?;
        assert_eq!(res.status, 201);
        let sub: SubscriptionView = res.json()?;
        assert_eq!((sub.maintenance_mail, sub.outage_mail), (false, false));
        assert_eq!(sub.product.slug, "id-federation");
        let again = app.call(Method::PUT, "/api/v1/me/subscriptions/id-federation", t, None).await?;
        assert_eq!(again.status, 200, "adding twice is harmless");

        let res = app.call(Method::PATCH, "/api/v1/me/subscriptions/id-federation", t, Some(json!({"maintenance_mail": true}))).await?;
        let sub: SubscriptionView = res.json()?;
        assert_eq!((sub.maintenance_mail, sub.outage_mail), (true, false));
        let res = app.call(Method::PATCH, "/api/v1/me/subscriptions/id-federation", t, Some(json!({"outage_mail": true}))).await?;
        let sub: SubscriptionView = res.json()?;
        assert_eq!((sub.maintenance_mail, sub.outage_mail), (true, true), "flags are independent");
        // Re-adding keeps the flags.
        let sub: SubscriptionView = app.call(Method::PUT, "/api/v1/me/subscriptions/id-federation", t, None).await?.json()?;
        assert_eq!((sub.maintenance_mail, sub.outage_mail), (true, true));

        app.call(Method::PUT, "/api/v1/me/subscriptions/cloud-server", t, None).await?;
        let list: Vec<SubscriptionView> = app.get("/api/v1/me/subscriptions", t).await?.json()?;
        assert_eq!(list.iter().map(|s| s.product.slug.as_str()).collect::<Vec<_>>(), vec!["cloud-server", "id-federation"]);

        let res = app.call(Method::DELETE, "/api/v1/me/subscriptions/cloud-server", t, None).await?;
        assert_eq!(res.status, 204);
        let res = app.call(Method::DELETE, "/api/v1/me/subscriptions/cloud-server", t, None).await?;
        assert_eq!(res.status, 404);
        let list: Vec<SubscriptionView> = app.get("/api/v1/me/subscriptions", t).await?.json()?;
        assert_eq!(list.len(), 1);
        Ok(())
    }

    async fn unknown_and_retired_products(app: TestApp) -> anyhow::Result<()> {
        let token = customer(&app, "r@example.com").await?.access_token;
        let t = Some(token.as_str());
        let op = operator(&app, "op@example.com").await?;
        for method in [Method::PUT, Method::PATCH, Method::DELETE] {
            let res = app.call(method.clone(), "/api/v1/me/subscriptions/no-such-product", t, Some(json!({}))).await?;
            assert_eq!(res.status, 404, "{method}");
            assert_eq!(res.problem()?.type_, "urn:shirase:problem:not-found");
        }
        // Flags of a product not in My Support: 404 too.
        let res = app.call(Method::PATCH, "/api/v1/me/subscriptions/cloud-server", t, Some(json!({"outage_mail": true}))).await?;
        assert_eq!(res.status, 404);

        app.call(Method::PUT, "/api/v1/me/subscriptions/managed-dns", t, None).await?;
        let res = app.call(Method::PATCH, "/api/v1/products/managed-dns", Some(&op), Some(json!({"retired": true}))).await?;
        assert_eq!(res.body["retired"], true);
        let res = app.call(Method::PATCH, "/api/v1/products/file-storage", Some(&op), Some(json!({"retired": true}))).await?;
        assert_eq!(res.status, 200);

        let res = app.call(Method::PUT, "/api/v1/me/subscriptions/file-storage", t, None).await?;
        assert_eq!(res.status, 409);
        assert_eq!(res.problem()?.type_, "urn:shirase:problem:conflict");
        // The subscriber keeps the retired product, marked as such, and may still tune it.
        let list: Vec<SubscriptionView> = app.get("/api/v1/me/subscriptions", t).await?.json()?;
        assert_eq!(list.len(), 1);
        assert!(list[0].product.retired);
        let res = app.call(Method::PATCH, "/api/v1/me/subscriptions/managed-dns", t, Some(json!({"outage_mail": true}))).await?;
        assert_eq!(res.status, 200);
        assert_eq!(app.call(Method::PUT, "/api/v1/me/subscriptions/managed-dns", t, None).await?.status, 200);
        let product: ProductView = app.get("/api/v1/products/managed-dns", None).await?.json()?;
        assert!(product.retired);
        let catalog: Catalog = app.get("/api/v1/catalog", None).await?.json()?;
        assert!(!product_slugs(&catalog).contains(&"managed-dns".to_owned()), "retired products leave the public catalog");
        // Operators see the whole catalog, retired entries marked; customers do not.
        let whole: Catalog = app.get("/api/v1/catalog/all", Some(&op)).await?.json()?;
        let retired: Vec<(String, bool)> = whole.categories.iter().flat_map(|c| &c.groups).flat_map(|g| &g.products)
            .filter(|p| p.slug == "managed-dns" || p.slug == "id-federation")
            .map(|p| (p.slug.clone(), p.retired))
            .collect();
        assert_eq!(retired, [("id-federation".to_owned(), false), ("managed-dns".to_owned(), true)]);
        assert_eq!(app.get("/api/v1/catalog/all", t).await?.status, 403);
        // Restored, it can be added again.
        app.call(Method::PATCH, "/api/v1/products/file-storage", Some(&op), Some(json!({"retired": false}))).await?;
        assert_eq!(app.call(Method::PUT, "/api/v1/me/subscriptions/file-storage", t, None).await?.status, 201);
        Ok(())
    }

    async fn one_customer_cannot_touch_anothers_subscriptions(app: TestApp) -> anyhow::Result<()> {
        let alice = customer(&app, "alice@example.com").await?.access_token;
        let bob = customer(&app, "bob@example.com").await?.access_token;
        app.call(Method::PUT, "/api/v1/me/subscriptions/id-federation", Some(&alice), None).await?;
        app.call(Method::PATCH, "/api/v1/me/subscriptions/id-federation", Some(&alice), Some(json!({"outage_mail": true}))).await?;

        let bobs: Vec<SubscriptionView> = app.get("/api/v1/me/subscriptions", Some(&bob)).await?.json()?;
        assert!(bobs.is_empty());
        let res = app.call(Method::PATCH, "/api/v1/me/subscriptions/id-federation", Some(&bob), Some(json!({"outage_mail": false}))).await?;
        assert_eq!(res.status, 404);
        let res = app.call(Method::DELETE, "/api/v1/me/subscriptions/id-federation", Some(&bob), None).await?;
        assert_eq!(res.status, 404);
        let alices: Vec<SubscriptionView> = app.get("/api/v1/me/subscriptions", Some(&alice)).await?.json()?;
        assert_eq!(alices.len(), 1);
        assert!(alices[0].outage_mail);
        Ok(())
    }

    async fn subscriptions_need_a_signed_in_customer_and_good_input(app: TestApp) -> anyhow::Result<()> {
        assert_eq!(app.get("/api/v1/me/subscriptions", None).await?.status, 401);
        assert_eq!(app.call(Method::PUT, "/api/v1/me/subscriptions/id-federation", None, None).await?.status, 401);
        // Before the terms: 403 with the problem type the SPA turns into the terms screen.
        let token = shirase_tests::flows::register(&app, "new@example.com").await?;
        let tokens = shirase_tests::flows::activate(&app, &token).await?;
        let res = app.call(Method::PUT, "/api/v1/me/subscriptions/id-federation", Some(&tokens.access_token), None).await?;
        assert_eq!(res.problem()?.type_, "urn:shirase:problem:terms-not-accepted");

        let t = customer(&app, "in@example.com").await?.access_token;
        app.call(Method::PUT, "/api/v1/me/subscriptions/id-federation", Some(&t), None).await?;
        let res = app.call(Method::PATCH, "/api/v1/me/subscriptions/id-federation", Some(&t), Some(json!({"outage_mail": "yes"}))).await?;
        assert_eq!(res.status, 400);
        assert_eq!(res.problem()?.type_, "urn:shirase:problem:malformed-body");
        let sub: Vec<SubscriptionView> = app.get("/api/v1/me/subscriptions", Some(&t)).await?.json()?;
        assert!(!sub[0].outage_mail, "nothing changed");
        Ok(())
    }
}
