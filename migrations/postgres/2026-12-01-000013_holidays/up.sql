-- Whether a destination receives notices on Japan's public holidays and from 12/29 to 1/3,
-- judged in its own time zone: deliver (the guide's behaviour) | skip | skip_with_year_end.
ALTER TABLE recipients ADD COLUMN holidays TEXT NOT NULL DEFAULT 'deliver';
ALTER TABLE webhooks ADD COLUMN holidays TEXT NOT NULL DEFAULT 'deliver';
