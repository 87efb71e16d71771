CREATE TABLE mcp_tool_calls (
  id text PRIMARY KEY,
  operation_id text NOT NULL REFERENCES operations(id),
  tool text NOT NULL,
  server text NOT NULL,
  arguments jsonb NOT NULL,
  arguments_key text NOT NULL,
  status text NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now(),
  decided_by text,
  decided_at timestamptz,
  comment text
);

CREATE INDEX mcp_tool_calls_key_index ON mcp_tool_calls (operation_id, arguments_key);
