-- A publication that is a resolved outage's postmortem (事後報告), not a status update: shown
-- apart on the notice's page and in the feeds, mailed only when the operator chose to.
ALTER TABLE publications ADD COLUMN postmortem BOOLEAN NOT NULL DEFAULT FALSE;
