-- Detection: projects (a DSN per repository), issues and their counters. Accepted events wait in
-- the ingest spool (files under the data folder), not in a table.
-- Project ids are numbers because Sentry SDKs refuse a DSN whose last path segment is not one.
CREATE TABLE detect_projects (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  repo_id text NOT NULL REFERENCES repos(id),
  public_key text NOT NULL UNIQUE,
  rate_limit_per_minute integer,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE detect_issues (
  id text PRIMARY KEY,
  project_id integer NOT NULL REFERENCES detect_projects(id),
  hash text NOT NULL,
  title text NOT NULL,
  culprit text NOT NULL DEFAULT '',
  source text NOT NULL,
  level text NOT NULL,
  route text,
  severity text NOT NULL,
  severity_rule text NOT NULL,
  status text NOT NULL,
  status_reason text,
  hold_reason text,
  suppressed_by text,
  failed_attempts integer NOT NULL DEFAULT 0,
  count bigint NOT NULL DEFAULT 0,
  user_sketch text NOT NULL,
  users integer NOT NULL DEFAULT 0,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  releases jsonb NOT NULL DEFAULT '[]',
  environments jsonb NOT NULL DEFAULT '[]',
  resolved_release text,
  grouping jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX detect_issues_hash_index ON detect_issues (project_id, hash);

CREATE INDEX detect_issues_last_seen_index ON detect_issues (last_seen);

-- Per-minute counters for the 5-minute, 1-hour and 24-hour windows (older than a day is pruned).
CREATE TABLE detect_issue_counts (
  issue_id text NOT NULL REFERENCES detect_issues(id),
  minute timestamptz NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (issue_id, minute)
);

-- A few events kept whole: the first one and the latest ones.
CREATE TABLE detect_issue_samples (
  id bigserial PRIMARY KEY,
  issue_id text NOT NULL REFERENCES detect_issues(id),
  kind text NOT NULL,
  event jsonb NOT NULL,
  received_at timestamptz NOT NULL
);

CREATE INDEX detect_issue_samples_issue_index ON detect_issue_samples (issue_id, id)
