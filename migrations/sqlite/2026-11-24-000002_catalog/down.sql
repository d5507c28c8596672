DROP TABLE subscriptions;
DROP TABLE products;
DROP TABLE product_groups;
DROP TABLE categories;
