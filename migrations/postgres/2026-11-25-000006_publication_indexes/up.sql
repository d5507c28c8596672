-- Every publication asks which time zones its addresses use; with this index that is one
-- probe per zone instead of a scan of every address.
CREATE INDEX recipients_time_zone ON recipients (time_zone);

-- Recording a sent mail changes its status, which the pending index depends on, so the
-- update adds an entry to every B-tree of the outbox. While a publication was sent, those
-- insertions took a third of the database's CPU time; this unique (publication, address)
-- index was one of the two B-trees. One mail per address per publication holds by
-- construction: a publication's rows are written by the one statement that groups its
-- audience by address, in the transaction that creates the publication. What remains to
-- index is which rows belong to a publication, for its progress and its follow-ups, which
-- read all of those rows anyway; they are written together, so a block-range index finds
-- them at almost no cost per write.
DROP INDEX mail_outbox_publication;
CREATE INDEX mail_outbox_publication ON mail_outbox USING brin (publication_id);
