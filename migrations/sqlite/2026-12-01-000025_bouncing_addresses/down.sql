DROP INDEX recipients_bouncing;
