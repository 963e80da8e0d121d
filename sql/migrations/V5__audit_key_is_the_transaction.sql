-- The audit key is the transaction, not the moment it was decided: (transaction_id, decided_at) let a
-- Kafka replay older than the idempotency window, or a retry decided afresh after a degraded answer, add
-- a second row for one payment. The key is now (transaction_id, event_time), both fixed by the payload
-- (a transaction id reused with another payload is refused as a conflict), and the table is partitioned
-- by the transaction's day, so the key can be enforced on a partitioned table.
--
-- Existing rows are kept: one per (transaction_id, event_time), preferring a scored row over a degraded
-- one, then the latest decision.
CREATE TEMP TABLE decisions_v4 ON COMMIT DROP AS
SELECT DISTINCT ON (transaction_id, event_time) *
  FROM audit.decisions
 ORDER BY transaction_id, event_time, degraded, decided_at DESC;

DROP TABLE audit.decisions CASCADE;

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
    challenger_version text,
    challenger_score   real,
    PRIMARY KEY (transaction_id, event_time)
) PARTITION BY RANGE (event_time);

CREATE TABLE audit.decisions_default PARTITION OF audit.decisions DEFAULT;

CREATE INDEX decisions_card_idx     ON audit.decisions (card_id, event_time DESC);
CREATE INDEX decisions_terminal_idx ON audit.decisions (terminal_id, event_time DESC);
CREATE INDEX decisions_kind_idx     ON audit.decisions (decision, event_time DESC) WHERE decision <> 'APPROVE';

-- Creates the daily partitions from day_from for n_days (idempotent); the node calls it at start and hourly.
-- Rows of a day that had no partition yet sit in the default partition: they are moved into the new one.
CREATE OR REPLACE FUNCTION audit.ensure_daily_partitions(day_from date, n_days integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    d date;
    created integer := 0;
    part text;
    lo timestamptz;
    hi timestamptz;
BEGIN
    FOR i IN 0 .. n_days - 1 LOOP
        d := day_from + i;
        part := format('decisions_%s', to_char(d, 'YYYYMMDD'));
        lo := (d::text || ' 00:00:00+00')::timestamptz;
        hi := ((d + 1)::text || ' 00:00:00+00')::timestamptz;
        IF to_regclass(format('audit.%I', part)) IS NULL THEN
            BEGIN
                EXECUTE format('CREATE TABLE audit.%I PARTITION OF audit.decisions FOR VALUES FROM (%L) TO (%L)',
                               part, lo, hi);
                created := created + 1;
            EXCEPTION
                WHEN duplicate_table THEN
                    NULL; -- another node created it first
                WHEN check_violation THEN
                    -- the default partition holds rows of that day: move them into the day's own table
                    EXECUTE format('CREATE TABLE audit.%I (LIKE audit.decisions INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
                    EXECUTE format('WITH moved AS (DELETE FROM audit.decisions_default WHERE event_time >= %L AND event_time < %L RETURNING *) '
                                   'INSERT INTO audit.%I SELECT * FROM moved', lo, hi, part);
                    EXECUTE format('ALTER TABLE audit.decisions ATTACH PARTITION audit.%I FOR VALUES FROM (%L) TO (%L)',
                                   part, lo, hi);
                    created := created + 1;
            END;
        END IF;
    END LOOP;
    RETURN created;
END $$;

-- partitions for every day the kept rows cover, then the rows
DO $$
DECLARE
    first_day date;
    last_day date;
BEGIN
    SELECT min(event_time AT TIME ZONE 'UTC')::date, max(event_time AT TIME ZONE 'UTC')::date
      INTO first_day, last_day FROM decisions_v4;
    IF first_day IS NOT NULL AND last_day - first_day < 400 THEN
        PERFORM audit.ensure_daily_partitions(first_day, last_day - first_day + 1);
    END IF;
END $$;

INSERT INTO audit.decisions SELECT
    transaction_id, decided_at, event_time, card_id, terminal_id, customer_id, amount, currency, channel, mcc,
    country, device_id, ip_address, source, decision, score, review_threshold, decline_threshold, reasons,
    features, model_version, node_id, degraded, degraded_reason, idempotency_us, features_us, scoring_us,
    total_us, written_at, challenger_version, challenger_score
  FROM decisions_v4;

-- Rows PostgreSQL refused for their content (SQLSTATE classes 22 and 23: a malformed value, a broken
-- constraint) are kept here with the error instead of blocking the audit rows behind them.
CREATE TABLE audit.quarantine (
    id              bigserial   PRIMARY KEY,
    transaction_id  text,
    node_id         text        NOT NULL,
    sqlstate        text        NOT NULL,
    error           text        NOT NULL,
    row_values      text[]      NOT NULL,
    quarantined_at  timestamptz NOT NULL DEFAULT now()
);
