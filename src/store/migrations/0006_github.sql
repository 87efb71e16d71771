CREATE TABLE github_repositories (
  repo_id text PRIMARY KEY REFERENCES repos(id),
  owner text NOT NULL,
  name text NOT NULL,
  remote_url text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX github_repositories_full_name_index ON github_repositories (lower(owner), lower(name));

CREATE TABLE github_pull_requests (
  operation_id text PRIMARY KEY REFERENCES operations(id),
  repo_id text NOT NULL REFERENCES repos(id),
  number integer NOT NULL,
  node_id text NOT NULL,
  url text NOT NULL,
  branch text NOT NULL,
  state text NOT NULL,
  draft boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX github_pull_requests_number_index ON github_pull_requests (repo_id, number);

CREATE TABLE github_issue_operations (
  operation_id text PRIMARY KEY REFERENCES operations(id),
  repo_id text NOT NULL REFERENCES repos(id),
  issue_number integer NOT NULL,
  delivery_id text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX github_issue_operations_issue_index ON github_issue_operations (repo_id, issue_number);
