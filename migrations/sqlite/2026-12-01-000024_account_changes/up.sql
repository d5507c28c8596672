-- PostgreSQL notifies other processes of changes to accounts' lists (see its migration); a
-- SQLite database has one server process, which hears its own changes. Nothing to add; the
-- migration keeps both histories in step.
SELECT 1;
