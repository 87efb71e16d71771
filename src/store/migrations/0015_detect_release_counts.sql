-- Per-release error counts for the canary judge: one row per issue, release (the full commit SHA
-- the app reports as SENTRY_RELEASE) and environment ('' when the event named none), written by the
-- digest in the transaction that folds a batch into its issues. Events without a release are not
-- counted here, so the table grows with issues × releases, not with events.
CREATE TABLE detect_release_counts (
  issue_id text NOT NULL REFERENCES detect_issues(id),
  release text NOT NULL,
  environment text NOT NULL,
  events bigint NOT NULL,
  user_sketch text NOT NULL,
  users integer NOT NULL,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  PRIMARY KEY (issue_id, release, environment)
);

CREATE INDEX detect_release_counts_release_index ON detect_release_counts (release, environment, last_seen);

-- The operation whose deployed fix did not stop the issue (status fix_failed) and its release: that
-- operation's later transitions no longer move the issue, and the next fix is told what failed.
ALTER TABLE detect_issues ADD COLUMN failed_fix_operation_id text;
ALTER TABLE detect_issues ADD COLUMN failed_fix_release text;
