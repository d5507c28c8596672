DROP TRIGGER feed_keys_changed ON feed_keys;
DROP TRIGGER webhooks_changed ON webhooks;
DROP TRIGGER recipients_changed ON recipients;
DROP TRIGGER recipient_opt_outs_changed ON recipient_opt_outs;
DROP TRIGGER subscriptions_changed ON subscriptions;
DROP FUNCTION shirase_accounts_changed();
