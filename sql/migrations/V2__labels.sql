-- Fraud labels fed back to the platform (chargebacks, analysts' verdicts). One row per transaction:
-- the current verdict. Each change of verdict is applied once to the velocity state of the card and
-- terminal (terminal-risk features count labelled frauds by the day of their transaction).
CREATE TABLE audit.labels (
    transaction_id  text        PRIMARY KEY,
    fraud           boolean     NOT NULL,
    source          text        NOT NULL,
    card_id         text        NOT NULL,
    terminal_id     text        NOT NULL,
    event_time      timestamptz NOT NULL,
    first_labelled_at timestamptz NOT NULL DEFAULT now(),
    labelled_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX labels_card_idx ON audit.labels (card_id, event_time DESC);
CREATE INDEX labels_terminal_idx ON audit.labels (terminal_id, event_time DESC);
CREATE INDEX labels_fraud_time_idx ON audit.labels (event_time) WHERE fraud;
-- labels arrive by transaction id: finding the decided transaction must not scan every partition's rows
CREATE INDEX decisions_transaction_idx ON audit.decisions (transaction_id);
