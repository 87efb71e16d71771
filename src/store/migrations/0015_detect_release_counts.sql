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
