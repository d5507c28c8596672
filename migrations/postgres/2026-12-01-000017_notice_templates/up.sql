-- Notice templates (雛形): the kind, titles and bodies of notices operators write again and
-- again, with placeholders ({{product}}, {{starts_at}}, {{ends_at}}) a draft fills in.
CREATE TABLE notice_templates (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    title_ja TEXT NOT NULL,
    title_en TEXT,
    body_ja TEXT NOT NULL,
    body_en TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
