DROP TRIGGER publications_public ON publications;
DROP TRIGGER notice_products_public ON notice_products;
DROP TRIGGER notices_public ON notices;
DROP TRIGGER products_public ON products;
DROP TRIGGER product_groups_public ON product_groups;
DROP TRIGGER categories_public ON categories;
DROP FUNCTION shirase_public_changed();
