ALTER TABLE publications DROP COLUMN postmortem;
