-- Sign-in attempts per key (a name, a name at an address, an address), counted before the
-- password hash so concurrent guesses and several processes share one count.
CREATE TABLE sign_in_attempts (
  key text PRIMARY KEY,
  attempts integer NOT NULL DEFAULT 0,
  window_started_at timestamptz NOT NULL,
  locked_until timestamptz,
  lockouts integer NOT NULL DEFAULT 0
);
