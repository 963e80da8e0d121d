-- Block and allow lists (issue 15): entries on a card, terminal, customer, device or IP (exact; an IP also as a CIDR
-- range), each with a reason, who added it and an optional expiry. Removing an entry keeps its row (removed_at,
-- removed_by); every change to lists (and later rules and thresholds) is in risk.changes: who, when, before, after.
CREATE SCHEMA risk;

CREATE TABLE risk.list_entries (
    id         bigserial   PRIMARY KEY,
    list       text        NOT NULL CHECK (list IN ('block', 'allow')),
    kind       text        NOT NULL CHECK (kind IN ('card', 'terminal', 'customer', 'device', 'ip')),
    value      text        NOT NULL,
    reason     text        NOT NULL,
    added_by   text        NOT NULL,
    added_at   timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    removed_at timestamptz,
    removed_by text
);
-- one entry in force per list, kind and value
CREATE UNIQUE INDEX list_entries_in_force ON risk.list_entries (list, kind, value) WHERE removed_at IS NULL;

CREATE TABLE risk.changes (
    id        bigserial   PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text        NOT NULL,
    object    text        NOT NULL,
    object_id text        NOT NULL,
    action    text        NOT NULL,
    before    jsonb,
    after     jsonb
);
CREATE INDEX changes_object_idx ON risk.changes (object, object_id, id);
CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE ON risk.changes
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_history_change();

-- the risk role manages lists (and later rules) on the public port
ALTER TABLE access.api_keys DROP CONSTRAINT api_keys_roles_check;
ALTER TABLE access.api_keys ADD CONSTRAINT api_keys_roles_check
    CHECK (roles <@ ARRAY['decide', 'label', 'analyst', 'admin', 'replay', 'risk']::text[] AND cardinality(roles) > 0);

REVOKE ALL ON ALL TABLES IN SCHEMA risk FROM PUBLIC;
GRANT USAGE ON SCHEMA risk TO fraud_writer;
GRANT SELECT, INSERT, UPDATE ON risk.list_entries TO fraud_writer;
GRANT USAGE ON SEQUENCE risk.list_entries_id_seq TO fraud_writer;
GRANT SELECT, INSERT ON risk.changes TO fraud_writer;
GRANT USAGE ON SEQUENCE risk.changes_id_seq TO fraud_writer;

CREATE VIEW analyst.list_entries AS
SELECT id, list, kind, value, reason, added_by, added_at, expires_at, removed_at, removed_by FROM risk.list_entries;
CREATE VIEW analyst.risk_changes AS SELECT id, at, actor, object, object_id, action, before, after FROM risk.changes;
GRANT SELECT ON analyst.list_entries, analyst.risk_changes TO fraud_analyst, fraud_writer;
