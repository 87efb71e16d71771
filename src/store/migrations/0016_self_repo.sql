-- Self-maintenance (issue 17): the repository that is Mender's own checkout. Its merged changes
-- go to the supervisor as a self-update instead of a deployment, and its protected files (the
-- supervisor, the policy, the tests of record) are out of every tool's reach. At most one.
ALTER TABLE repos ADD COLUMN self boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX repos_one_self ON repos (self) WHERE self;
