-- Every process keeps the sessions it authenticated in memory for a few seconds and listens
-- on `shirase_sessions`: a transaction that revokes or deletes a session, or changes an
-- account or the terms, notifies the channel when it commits, so that a logout or a
-- revocation made through any process takes effect in all of them at once.
CREATE FUNCTION shirase_sessions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shirase_sessions', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_changed AFTER UPDATE OR DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_sessions_changed();
CREATE TRIGGER accounts_changed AFTER UPDATE OR DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_sessions_changed();
CREATE TRIGGER terms_changed AFTER INSERT OR UPDATE OR DELETE ON terms
    FOR EACH STATEMENT EXECUTE FUNCTION shirase_sessions_changed();
