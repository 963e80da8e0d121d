-- The analysts' review queue (issue 14): every REVIEW decision opens a case, on whichever node wrote its row; an
-- analyst claims a case (one holder at a time), then resolves it as fraud or genuine with a note. Every event of a
-- case is kept, append-only: who, when, what.
CREATE TABLE audit.cases (
    id             bigserial   PRIMARY KEY,
    transaction_id text        NOT NULL,
    client         text        NOT NULL,
    event_time     timestamptz NOT NULL,
    opened_at      timestamptz NOT NULL DEFAULT now(),
    decision       text        NOT NULL,
    score          real,
    amount         numeric(20, 4) NOT NULL,
    currency       char(3)     NOT NULL,
    card_id        text        NOT NULL,
    terminal_id    text        NOT NULL,
    reason_codes   text[]      NOT NULL DEFAULT '{}',
    status         text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'resolved')),
    claimed_by     text,
    claimed_at     timestamptz,
    resolution     text        CHECK (resolution IN ('fraud', 'genuine')),
    resolved_by    text,
    resolved_at    timestamptz,
    note           text,
    UNIQUE (transaction_id, client, event_time)
);
-- the queue (oldest first) and an analyst's own claims
CREATE INDEX cases_queue_idx ON audit.cases (opened_at, id) WHERE status <> 'resolved';
CREATE INDEX cases_card_idx ON audit.cases (card_id, opened_at DESC);

CREATE TABLE audit.case_events (
    id      bigserial   PRIMARY KEY,
    case_id bigint      NOT NULL REFERENCES audit.cases (id),
    at      timestamptz NOT NULL DEFAULT now(),
    actor   text        NOT NULL,
    action  text        NOT NULL CHECK (action IN ('opened', 'claimed', 'released', 'resolved')),
    detail  text
);
CREATE INDEX case_events_case_idx ON audit.case_events (case_id, id);
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON audit.case_events
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_history_change();

-- A REVIEW row opens its case (once: a row written again, or a degraded row replaced, keeps the case it has).
-- Runs as the owner of audit.record_decisions (SECURITY DEFINER), which writes every audit row.
CREATE FUNCTION audit.open_case() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    opened bigint;
BEGIN
    INSERT INTO audit.cases (transaction_id, client, event_time, decision, score, amount, currency, card_id,
                             terminal_id, reason_codes)
    VALUES (NEW.transaction_id, NEW.client, NEW.event_time, NEW.decision, NEW.score, NEW.amount, NEW.currency,
            NEW.card_id, NEW.terminal_id,
            coalesce(NEW.reason_codes,
                     ARRAY(SELECT r->>'code' FROM jsonb_array_elements(coalesce(NEW.reasons, '[]'::jsonb)) r)))
    ON CONFLICT (transaction_id, client, event_time) DO NOTHING
    RETURNING id INTO opened;
    IF opened IS NOT NULL THEN
        INSERT INTO audit.case_events (case_id, actor, action, detail)
        VALUES (opened, 'node:' || NEW.node_id, 'opened', 'decision ' || NEW.decision);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER decisions_open_case AFTER INSERT OR UPDATE ON audit.decisions
    FOR EACH ROW WHEN (NEW.decision = 'REVIEW') EXECUTE FUNCTION audit.open_case();

-- a customer's history (partial: most rows of a card-present stream have none)
CREATE INDEX decisions_customer_idx ON audit.decisions (customer_id, event_time DESC) WHERE customer_id IS NOT NULL;

REVOKE ALL ON audit.cases, audit.case_events FROM PUBLIC;
GRANT SELECT, UPDATE ON audit.cases TO fraud_writer;                    -- claim, release, resolve
GRANT SELECT, INSERT ON audit.case_events TO fraud_writer;              -- append-only (a trigger refuses the rest)
GRANT USAGE ON SEQUENCE audit.case_events_id_seq TO fraud_writer;

CREATE VIEW analyst.cases AS
SELECT id, transaction_id, client, event_time, opened_at, decision, score, amount, currency, card_id, terminal_id,
       reason_codes, status, claimed_by, claimed_at, resolution, resolved_by, resolved_at, note
  FROM audit.cases;
CREATE VIEW analyst.case_events AS SELECT id, case_id, at, actor, action, detail FROM audit.case_events;
GRANT SELECT ON analyst.cases, analyst.case_events TO fraud_analyst;
-- the node serves the analysts' API from the same masked views analysts read in SQL
GRANT USAGE ON SCHEMA analyst TO fraud_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA analyst TO fraud_writer;

-- a card's and a terminal's label history (the entity views)
CREATE INDEX label_history_card_idx ON audit.label_history (card_id, id DESC);
CREATE INDEX label_history_terminal_idx ON audit.label_history (terminal_id, id DESC);
