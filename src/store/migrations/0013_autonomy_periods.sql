-- Every autonomy level the team ran at, one row per period: the `autonomy` gate counts days and
-- the success rate from the open period (ended_at IS NULL, at most one). `set_by` is the admin who
-- changed it, or `environment`, `config-file`, `default` for a level read at start. An override
-- names the policy rule it went past and the reason given.
CREATE TABLE autonomy_periods (
  id bigserial PRIMARY KEY,
  level integer NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  set_by text NOT NULL,
  override boolean NOT NULL DEFAULT false,
  override_rule text,
  override_reason text
);
CREATE UNIQUE INDEX autonomy_periods_one_open ON autonomy_periods ((ended_at IS NULL)) WHERE ended_at IS NULL;
