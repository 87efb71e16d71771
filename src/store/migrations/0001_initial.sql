CREATE TABLE repos (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  path text NOT NULL,
  default_branch text NOT NULL,
  commands jsonb NOT NULL DEFAULT '{}',
  source text NOT NULL DEFAULT 'api',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE operations (
  id text PRIMARY KEY,
  repo_id text NOT NULL REFERENCES repos(id),
  type text NOT NULL,
  source text NOT NULL,
  description text NOT NULL,
  error_context jsonb,
  status text NOT NULL,
  plan jsonb,
  plan_markdown text,
  branch text,
  base_commit text,
  head_commit text,
  merge_commit text,
  diff_stats jsonb,
  evidence jsonb NOT NULL DEFAULT '{}',
  review jsonb,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  usage jsonb NOT NULL DEFAULT '{}',
  feedback text,
  failure_reason text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operations_status_index ON operations (status);
CREATE INDEX operations_repo_index ON operations (repo_id);

CREATE TABLE events (
  sequence bigserial PRIMARY KEY,
  operation_id text,
  type text NOT NULL,
  actor text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_operation_index ON events (operation_id, sequence);

CREATE TABLE approvals (
  id text PRIMARY KEY,
  operation_id text NOT NULL REFERENCES operations(id),
  gate text NOT NULL,
  required_level text NOT NULL,
  decision text,
  decided_by text,
  comment text,
  requested_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz
);

CREATE TABLE change_requests (
  id text PRIMARY KEY,
  operation_id text NOT NULL REFERENCES operations(id),
  repo_id text NOT NULL REFERENCES repos(id),
  branch text NOT NULL,
  base_commit text NOT NULL,
  head_commit text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  diff text NOT NULL,
  status text NOT NULL,
  merge_commit text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE artifacts (
  id text PRIMARY KEY,
  operation_id text NOT NULL REFERENCES operations(id),
  name text NOT NULL,
  content text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE jobs (
  id bigserial PRIMARY KEY,
  queue text NOT NULL,
  name text NOT NULL,
  payload jsonb NOT NULL,
  priority integer NOT NULL DEFAULT 0,
  status text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  backoff_ms integer NOT NULL,
  run_at timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  dedupe_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_ready_index ON jobs (queue, status, priority, run_at);
CREATE UNIQUE INDEX jobs_dedupe_index ON jobs (dedupe_key);

CREATE TABLE audit_log (
  sequence bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  subject text NOT NULL,
  details jsonb NOT NULL,
  previous_hash text NOT NULL,
  hash text NOT NULL
);
