CREATE TABLE webhook_deliveries (
  id text PRIMARY KEY,
  source text NOT NULL,
  delivery_id text NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  outcome text,
  checkpoint jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX webhook_deliveries_source_delivery_index ON webhook_deliveries (source, delivery_id);
CREATE INDEX webhook_deliveries_received_index ON webhook_deliveries (received_at);

CREATE TABLE slack_user_links (
  slack_user_id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE slack_threads (
  operation_id text PRIMARY KEY REFERENCES operations(id),
  channel text NOT NULL,
  thread_ts text NOT NULL,
  progress_ts text,
  decision_ts text,
  requested_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX slack_threads_message_index ON slack_threads (channel, thread_ts);

CREATE TABLE jira_issue_links (
  operation_id text PRIMARY KEY REFERENCES operations(id),
  issue_key text NOT NULL,
  last_status text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jira_issue_links_issue_index ON jira_issue_links (issue_key);
