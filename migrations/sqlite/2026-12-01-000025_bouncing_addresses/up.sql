-- The addresses with a run of bounces, for the UPDATE that ends those runs after each batch
-- of delivered mails (see the PostgreSQL migration).
CREATE INDEX recipients_bouncing ON recipients (id) WHERE bounces > 0;
