-- Audit trail: every decision the platform makes, with its input, the feature values the model saw,
-- the score, reasons, model version, node and per-stage timings. Partitioned by day of decision so that
-- old days can be detached or dropped whole, and indexed for what analysts ask:
-- a card's history, a terminal's history, decisions of a kind in a time range.
CREATE SCHEMA IF NOT EXISTS audit;

CREATE TABLE audit.decisions (
    transaction_id     text        NOT NULL,
    decided_at         timestamptz NOT NULL,
    event_time         timestamptz NOT NULL,
    card_id            text        NOT NULL,
    terminal_id        text        NOT NULL,
    customer_id        text,
    amount             numeric(20, 4) NOT NULL,
    currency           char(3)     NOT NULL,
    channel            text,
    mcc                text,
    country            text,
    device_id          text,
    ip_address         inet,
    source             text        NOT NULL CHECK (source IN ('HTTP', 'KAFKA')),
    decision           text        NOT NULL CHECK (decision IN ('APPROVE', 'REVIEW', 'DECLINE')),
    score              real,
    review_threshold   real        NOT NULL,
    decline_threshold  real        NOT NULL,
    reasons            jsonb       NOT NULL,
    features           jsonb,
    model_version      text,
    node_id            text        NOT NULL,
    degraded           boolean     NOT NULL,
    degraded_reason    text,
    idempotency_us     integer     NOT NULL,
    features_us        integer     NOT NULL,
    scoring_us         integer     NOT NULL,
    total_us           integer     NOT NULL,
    written_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (transaction_id, decided_at)
) PARTITION BY RANGE (decided_at);

-- Rows whose day has no partition yet land here instead of failing; the node creates days ahead.
CREATE TABLE audit.decisions_default PARTITION OF audit.decisions DEFAULT;

CREATE INDEX decisions_card_idx     ON audit.decisions (card_id, decided_at DESC);
CREATE INDEX decisions_terminal_idx ON audit.decisions (terminal_id, decided_at DESC);
CREATE INDEX decisions_kind_idx     ON audit.decisions (decision, decided_at DESC);
CREATE INDEX decisions_event_time_idx ON audit.decisions USING brin (event_time);

-- Creates the daily partitions from day_from for n_days (idempotent); the node calls it at start and hourly.
CREATE OR REPLACE FUNCTION audit.ensure_daily_partitions(day_from date, n_days integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    d date;
    created integer := 0;
    part text;
BEGIN
    FOR i IN 0 .. n_days - 1 LOOP
        d := day_from + i;
        part := format('decisions_%s', to_char(d, 'YYYYMMDD'));
        IF to_regclass(format('audit.%I', part)) IS NULL THEN
            BEGIN
                EXECUTE format('CREATE TABLE audit.%I PARTITION OF audit.decisions FOR VALUES FROM (%L) TO (%L)',
                               part, d::text || ' 00:00:00+00', (d + 1)::text || ' 00:00:00+00');
                created := created + 1;
            EXCEPTION WHEN duplicate_table THEN
                NULL; -- another node created it first
            END;
        END IF;
    END LOOP;
    RETURN created;
END $$;
