-- The BullMQ job queue's transactional outbox (issue 18): a job added together with a state change
-- is written here in the same transaction, and a relay moves it to Redis after the commit, with
-- the row id as the BullMQ job id (an add with an existing job id is ignored), then deletes the row.
-- A rolled-back transaction leaves no job; a relay that stops between the two leaves a row that
-- the next pass adds again without duplicating it. Unused by the embedded queue (it writes `jobs`).
CREATE TABLE job_outbox (
  id bigserial PRIMARY KEY,
  queue text NOT NULL,
  name text NOT NULL,
  payload jsonb NOT NULL,
  priority integer NOT NULL,
  max_attempts integer NOT NULL,
  backoff_ms integer NOT NULL,
  run_at timestamptz NOT NULL,
  dedupe_key text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX job_outbox_dedupe_index ON job_outbox (dedupe_key);
