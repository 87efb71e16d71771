-- A second, server-side key per project: the public key ships in front-end bundles, so anyone can
-- send events with it; rules may require an issue to have been reported with the server key
-- (from a back end) before it is believed. Existing projects get a server key now.
ALTER TABLE detect_projects ADD COLUMN server_key text UNIQUE;
UPDATE detect_projects SET server_key = replace(gen_random_uuid()::text, '-', '') WHERE server_key IS NULL;
ALTER TABLE detect_projects ALTER COLUMN server_key SET NOT NULL;

-- Events of an issue that came with the server key.
ALTER TABLE detect_issues ADD COLUMN server_events bigint NOT NULL DEFAULT 0;
