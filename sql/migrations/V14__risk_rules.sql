-- Rules beside the model (issue 15): each save of a rule is a new version (rows are never changed); the newest
-- version of each name is the one in force. The expression is CEL, type-checked by the node before it is stored.
CREATE TABLE risk.rules (
    name        text        NOT NULL CHECK (name ~ '^[a-z0-9_\-]{1,64}$'),
    version     integer     NOT NULL CHECK (version > 0),
    expression  text        NOT NULL,
    action      text        NOT NULL CHECK (action IN ('APPROVE', 'REVIEW', 'DECLINE', 'NONE')),
    reason_code text        NOT NULL CHECK (reason_code ~ '^[A-Z0-9_]{1,64}$'),
    priority    integer     NOT NULL,
    state       text        NOT NULL CHECK (state IN ('active', 'shadow', 'disabled')),
    changed_by  text        NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version)
);
CREATE TRIGGER rules_append_only BEFORE UPDATE OR DELETE ON risk.rules
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_history_change();

REVOKE ALL ON risk.rules FROM PUBLIC;
GRANT SELECT, INSERT ON risk.rules TO fraud_writer;
CREATE VIEW analyst.rules AS
SELECT name, version, expression, action, reason_code, priority, state, changed_by, changed_at FROM risk.rules;
GRANT SELECT ON analyst.rules TO fraud_analyst, fraud_writer;
