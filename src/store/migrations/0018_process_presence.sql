-- Remote worktrees (issue 18, item 6). Every process records its presence here (refreshed every few
-- seconds): its role and the id of its data folder (`<data>/data-folder-id`). Processes with the
-- same id share one disk; a worker with another id does not see the web process's files.
CREATE TABLE mender_processes (
  process_id text PRIMARY KEY,
  role text NOT NULL,
  data_folder_id text NOT NULL,
  host text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mender_processes_last_seen_index ON mender_processes (last_seen_at);

-- The data folder of the process that registered a repository: its path (a local checkout, or the
-- clone of a remote) is on that disk. Null (rows from before, and the config file's repositories,
-- which every process registers from its own settings): visible to every process.
ALTER TABLE repos ADD COLUMN data_folder_id text;
-- A repository registered by a plain git URL (forge/git-remote/); GitHub's are in github_repositories.
ALTER TABLE repos ADD COLUMN remote_url text;
