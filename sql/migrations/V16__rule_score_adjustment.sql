-- A rule with action NONE may adjust the model's score instead of setting the outcome (issue 15): the thresholds see
-- the score plus the adjustments of the active rules that held. 0 for every rule stored before.
ALTER TABLE risk.rules
    ADD COLUMN score_adjustment double precision NOT NULL DEFAULT 0
        CHECK (score_adjustment BETWEEN -1 AND 1 AND (score_adjustment = 0 OR action = 'NONE'));
CREATE OR REPLACE VIEW analyst.rules AS
SELECT name, version, expression, action, reason_code, priority, state, changed_by, changed_at, score_adjustment
FROM risk.rules;
