-- Dashboard sign-in: server-side sessions (only hashes of the session id and CSRF token are kept).
CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id),
  csrf_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  address text
);

CREATE INDEX sessions_expiry_index ON sessions (expires_at);

-- The one-time link that creates the first admin: hashed, single use, with an expiry.
CREATE TABLE setup_tokens (
  token_hash text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

-- Settings changed at run time (dashboard): they win over the environment and the config file.
CREATE TABLE setting_overrides (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
