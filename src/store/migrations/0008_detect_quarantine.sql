-- Inbox entries the digest could not group even alone (the database refused them): kept whole
-- here, out of the way, so the entries after them are grouped. No foreign key on project_id: the
-- project may be the very reason (gone by the time its events were grouped).
CREATE TABLE detect_quarantine (
  id text PRIMARY KEY,
  project_id integer NOT NULL,
  source text NOT NULL,
  received_at timestamptz NOT NULL,
  events integer NOT NULL,
  payload text NOT NULL,
  reason text NOT NULL,
  quarantined_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX detect_quarantine_time_index ON detect_quarantine (quarantined_at, id);
