-- Queue priority of an operation, from its issue's severity (P0 = 0 … P4 = 4; none = 2, a
-- rollback = 0): every job of the operation is enqueued with it, so a P0 overtakes older P3 work.
ALTER TABLE operations ADD COLUMN priority integer NOT NULL DEFAULT 2;
UPDATE operations SET priority = CASE
  WHEN rollback_of IS NOT NULL THEN 0
  WHEN error_context->>'severity' = 'P0' THEN 0
  WHEN error_context->>'severity' = 'P1' THEN 1
  WHEN error_context->>'severity' = 'P3' THEN 3
  WHEN error_context->>'severity' = 'P4' THEN 4
  ELSE 2 END;

-- Jobs already waiting take their operation's priority.
UPDATE jobs SET priority = operations.priority FROM operations
 WHERE jobs.status = 'waiting' AND jobs.payload->>'operationId' = operations.id;
