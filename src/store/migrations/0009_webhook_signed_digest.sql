-- A digest of the bytes the sender signed: a replay of an accepted body under a new (unsigned)
-- delivery id is recognised by it and stores nothing.
ALTER TABLE webhook_deliveries ADD COLUMN signed_digest text;

CREATE UNIQUE INDEX webhook_deliveries_source_digest_index ON webhook_deliveries (source, signed_digest);
