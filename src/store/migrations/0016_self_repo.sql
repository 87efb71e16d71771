-- Self-maintenance (issue 17): the repository that is Mender's own checkout. Its merged changes
-- go to the supervisor as a self-update instead of a deployment, and its protected files (the
-- supervisor, the policy, the tests of record) are out of every tool's reach. At most one.
ALTER TABLE repos ADD COLUMN self boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX repos_one_self ON repos (self) WHERE self;

-- The supervisor's self-update steps that the running version has recorded (audit row, timeline
-- event, the operation's transition): each exactly once, whichever version reads the state file.
CREATE TABLE self_update_steps (
  update_id text NOT NULL,
  type text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (update_id, type)
);
