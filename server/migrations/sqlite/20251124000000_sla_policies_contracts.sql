-- SLA policies configurable per contract (SERVICE-SPEC: "configurable per contract on the
-- server"). targets = the JSON array of the four levels of onsite_core::SlaPolicy
-- ([{respond_minutes, resolve_minutes|null}] for severity 1..4).
CREATE TABLE sla_policies (
    name    TEXT PRIMARY KEY NOT NULL,
    targets TEXT NOT NULL
);

-- The policy a customer's contract uses; `case.create` without a policy takes it.
CREATE TABLE contracts (
    customer TEXT PRIMARY KEY NOT NULL,
    policy   TEXT NOT NULL REFERENCES sla_policies (name)
);

INSERT INTO sla_policies (name, targets) VALUES
  ('standard', '[{"respond_minutes":30,"resolve_minutes":1440},{"respond_minutes":60,"resolve_minutes":4320},{"respond_minutes":120,"resolve_minutes":10080},{"respond_minutes":240,"resolve_minutes":null}]'),
  ('strict',   '[{"respond_minutes":30,"resolve_minutes":120},{"respond_minutes":60,"resolve_minutes":240},{"respond_minutes":120,"resolve_minutes":4320},{"respond_minutes":240,"resolve_minutes":10080}]');

-- Cases that are past fixes (closed with result resolved or workaround): data = the
-- serialized onsite_core::knowledge::PastFix; every user pulls them.
CREATE TABLE past_fixes (
    case_id TEXT PRIMARY KEY NOT NULL,
    data    TEXT NOT NULL
);

-- The reorder point of a van-stock line: at or below it the line is low.
ALTER TABLE stock ADD COLUMN min_qty INTEGER NOT NULL DEFAULT 1;

-- Users and policies are pulled by everyone: log the ones that exist already.
INSERT INTO changes (entity, entity_id, op, user_id) SELECT 'user', id, 'put', NULL FROM users;
INSERT INTO changes (entity, entity_id, op, user_id) SELECT 'policy', name, 'put', NULL FROM sla_policies;
