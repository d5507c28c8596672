DROP TRIGGER terms_changed ON terms;
DROP TRIGGER accounts_changed ON accounts;
DROP TRIGGER sessions_changed ON sessions;
DROP FUNCTION shirase_sessions_changed();
