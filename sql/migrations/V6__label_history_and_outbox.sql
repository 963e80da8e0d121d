-- Every change of verdict, append-only: what it became, what it was before (null: the first verdict), who or
-- what set it (source) and when. Nothing updates or deletes a row (a trigger refuses it).
CREATE TABLE audit.label_history (
    id              bigserial   PRIMARY KEY,
    transaction_id  text        NOT NULL,
    fraud           boolean     NOT NULL,
    previous        boolean,
    source          text        NOT NULL,
    card_id         text        NOT NULL,
    terminal_id     text        NOT NULL,
    event_time      timestamptz NOT NULL,
    changed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX label_history_transaction_idx ON audit.label_history (transaction_id, id);

CREATE FUNCTION audit.refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.label_history is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER label_history_append_only BEFORE UPDATE OR DELETE ON audit.label_history
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_history_change();

-- Changes of verdict stored but not yet applied to the card's and terminal's velocity state. Written in the
-- same transaction as the verdict; a row leaves once both keys applied the change (each key applies a change
-- id once, so a retry after a crash cannot count it twice). Every node retries what is due.
CREATE TABLE audit.label_outbox (
    history_id      bigint      PRIMARY KEY REFERENCES audit.label_history (id),
    delta           integer     NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text
);
CREATE INDEX label_outbox_due_idx ON audit.label_outbox (next_attempt_at);

-- the verdicts stored so far, as their first history rows (already applied)
INSERT INTO audit.label_history (transaction_id, fraud, previous, source, card_id, terminal_id, event_time, changed_at)
SELECT transaction_id, fraud, NULL, source, card_id, terminal_id, event_time, labelled_at FROM audit.labels;
