-- Ship and watch (issue 16). A repository's deploy settings live on its row (NULL: it does not
-- deploy; a merged change is done at the merge). A deployment is one commit in one environment;
-- at most one is active per repository and environment (the partial unique index: a second deploy
-- while one runs is refused with 409, whichever process asks). Each judged canary interval is one
-- row of deployment_intervals with the figures the judge saw and its verdict, for the charts.
ALTER TABLE repos ADD COLUMN deploy jsonb;

CREATE TABLE deployments (
  id text PRIMARY KEY,
  repo_id text NOT NULL REFERENCES repos(id),
  environment text NOT NULL,
  commit_sha text NOT NULL,
  previous_commit text,
  target text NOT NULL,
  operation_id text,
  status text NOT NULL,
  traffic_percent integer NOT NULL DEFAULT 0,
  step integer NOT NULL DEFAULT 0,
  paused boolean NOT NULL DEFAULT false,
  plan jsonb NOT NULL,
  approval jsonb,
  counters jsonb,
  verdict jsonb,
  reason text,
  output_tail text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  canary_started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX deployments_one_active ON deployments (repo_id, environment)
  WHERE status IN ('awaiting_approval', 'starting', 'smoke', 'canary', 'inconclusive');

CREATE INDEX deployments_created_index ON deployments (created_at DESC);

CREATE INDEX deployments_operation_index ON deployments (operation_id);

CREATE TABLE deployment_intervals (
  deployment_id text NOT NULL REFERENCES deployments(id),
  seq integer NOT NULL,
  ends_at timestamptz NOT NULL,
  elapsed_ms integer NOT NULL,
  traffic_percent integer NOT NULL,
  new_release jsonb NOT NULL,
  stable_release jsonb,
  verdict jsonb NOT NULL,
  PRIMARY KEY (deployment_id, seq)
);
