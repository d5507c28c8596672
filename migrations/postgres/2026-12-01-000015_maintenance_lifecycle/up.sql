-- 「開始・終了を通知する」: a published maintenance moves to in_progress at its start and
-- to completed at its end by itself, each time as a follow-up publication; this says whether
-- those follow-ups are mailed (true, the default) or only posted on the site and feeds.
ALTER TABLE notices ADD COLUMN announce_lifecycle BOOLEAN NOT NULL DEFAULT TRUE;
-- The scheduler looks for maintenance whose next automatic step is due.
CREATE INDEX notices_lifecycle ON notices (starts_at)
    WHERE kind = 'maintenance' AND status IN ('scheduled', 'in_progress') AND published_at IS NOT NULL;
