-- The product catalog (category → group → product) and My Support subscriptions.
-- Entries are retired, never deleted: subscribers keep seeing what they chose.

CREATE TABLE categories (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description_ja TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    retired_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE product_groups (
    id TEXT PRIMARY KEY,
    category_id TEXT NOT NULL REFERENCES categories (id),
    slug TEXT NOT NULL UNIQUE,
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description_ja TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    retired_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX product_groups_category ON product_groups (category_id);

CREATE TABLE products (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES product_groups (id),
    slug TEXT NOT NULL UNIQUE,
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description_ja TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    retired_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX products_group ON products (group_id);

CREATE TABLE subscriptions (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products (id),
    maintenance_mail BOOLEAN NOT NULL DEFAULT FALSE,
    outage_mail BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, product_id)
);
-- The notice audience is looked up by product.
CREATE INDEX subscriptions_product ON subscriptions (product_id);
