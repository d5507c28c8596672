-- Every publication asks which time zones its addresses use; with this index that is one
-- probe per zone instead of a scan of every address.
CREATE INDEX recipients_time_zone ON recipients (time_zone);
