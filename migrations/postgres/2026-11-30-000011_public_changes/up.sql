-- Every process keeps public documents (the catalog, product pages, notices) in memory and
-- listens on `shirase_public`: a transaction that changes the tables behind them notifies
-- the channel when it commits, whichever process or command made it.
CREATE FUNCTION shirase_public_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shirase_public', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER categories_public AFTER INSERT OR UPDATE OR DELETE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_public_changed();
CREATE TRIGGER product_groups_public AFTER INSERT OR UPDATE OR DELETE ON product_groups
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_public_changed();
CREATE TRIGGER products_public AFTER INSERT OR UPDATE OR DELETE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_public_changed();
CREATE TRIGGER notices_public AFTER INSERT OR UPDATE OR DELETE ON notices
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_public_changed();
CREATE TRIGGER notice_products_public AFTER INSERT OR UPDATE OR DELETE ON notice_products
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_public_changed();
CREATE TRIGGER publications_public AFTER INSERT OR UPDATE OR DELETE ON publications
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_public_changed();
