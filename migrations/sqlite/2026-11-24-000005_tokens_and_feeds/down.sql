DROP TABLE feed_keys;
DROP TABLE api_tokens;
