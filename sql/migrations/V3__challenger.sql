-- A challenger model may score every transaction in shadow beside the champion: its version and score
-- are recorded with the decision, which the champion alone makes.
ALTER TABLE audit.decisions ADD COLUMN challenger_version text;
ALTER TABLE audit.decisions ADD COLUMN challenger_score real;
