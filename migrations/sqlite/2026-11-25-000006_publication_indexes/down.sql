DROP INDEX recipients_time_zone;
