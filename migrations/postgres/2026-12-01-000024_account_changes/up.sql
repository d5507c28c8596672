-- Every process keeps each signed-in account's own lists (its products, addresses and
-- webhook destinations) and personal feeds in memory and listens on `shirase_accounts`: a
-- transaction that changes them notifies the channel when it commits, whichever process
-- made it (an API request, a dispatcher recording a bounce or a quarantine, the command
-- line), so that no process serves a list that has changed, or a feed whose key was
-- revoked.
CREATE FUNCTION shirase_accounts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shirase_accounts', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER subscriptions_changed AFTER INSERT OR UPDATE OR DELETE ON subscriptions
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_accounts_changed();
CREATE TRIGGER recipient_opt_outs_changed AFTER INSERT OR UPDATE OR DELETE ON recipient_opt_outs
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_accounts_changed();
CREATE TRIGGER recipients_changed AFTER INSERT OR UPDATE OR DELETE ON recipients
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_accounts_changed();
CREATE TRIGGER webhooks_changed AFTER INSERT OR UPDATE OR DELETE ON webhooks
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_accounts_changed();
CREATE TRIGGER feed_keys_changed AFTER INSERT OR UPDATE OR DELETE ON feed_keys
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_accounts_changed();
