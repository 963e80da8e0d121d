-- Least privilege. Three kinds of database user:
--   * the migration owner (postgres.migrationUrl; postgres.url when empty) owns every table and runs these files;
--   * fraud_writer, the nodes' role (postgres.url): records decisions only through audit.record_decisions (a
--     decision row is inserted, or a degraded one replaced by the scored decision of the same transaction: nothing
--     else), creates partitions only through audit.ensure_daily_partitions, keeps labels, reads API keys;
--   * fraud_analyst: read-only, on the views of schema analyst only, which mask the IP address to its network.
-- These are NOLOGIN groups: grant them to login users (docker-compose's init script does; README, "PostgreSQL
-- roles"). Creating them needs CREATEROLE; a database whose DBA created them already is left as it is.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fraud_writer') THEN
        CREATE ROLE fraud_writer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fraud_analyst') THEN
        CREATE ROLE fraud_analyst NOLOGIN;
    END IF;
END $$;

-- The one way a writer records decisions: the batch as column arrays (the node's INSERT .. FROM UNNEST).
CREATE FUNCTION audit.record_decisions(
    c0 text[], c1 text[], c2 text[], c3 text[], c4 text[], c5 text[], c6 text[], c7 text[],
    c8 text[], c9 text[], c10 text[], c11 text[], c12 text[], c13 text[], c14 text[], c15 text[],
    c16 text[], c17 text[], c18 text[], c19 text[], c20 text[], c21 text[], c22 text[], c23 text[],
    c24 text[], c25 text[], c26 text[], c27 text[], c28 text[], c29 text[], c30 text[], c31 text[],
    c32 text[])
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO audit.decisions (transaction_id, decided_at, event_time, card_id, terminal_id, customer_id,
        amount, currency, channel, mcc, country, device_id, ip_address, source, decision, score, review_threshold,
        decline_threshold, reasons, features, model_version, node_id, degraded, degraded_reason, idempotency_us,
        features_us, scoring_us, total_us, challenger_version, challenger_score, client, received_at, counted_at)
    SELECT r.v0::text, r.v1::timestamptz, r.v2::timestamptz, r.v3::text, r.v4::text, r.v5::text, r.v6::numeric,
        r.v7::text, r.v8::text, r.v9::text, r.v10::text, r.v11::text, r.v12::inet, r.v13::text, r.v14::text,
        r.v15::real, r.v16::real, r.v17::real, r.v18::jsonb, r.v19::jsonb, r.v20::text, r.v21::text, r.v22::boolean,
        r.v23::text, r.v24::integer, r.v25::integer, r.v26::integer, r.v27::integer, r.v28::text, r.v29::real,
        coalesce(r.v30, 'unscoped'), r.v31::timestamptz, r.v32::timestamptz
      FROM UNNEST(record_decisions.c0, record_decisions.c1, record_decisions.c2, record_decisions.c3,
          record_decisions.c4, record_decisions.c5, record_decisions.c6, record_decisions.c7, record_decisions.c8,
          record_decisions.c9, record_decisions.c10, record_decisions.c11, record_decisions.c12, record_decisions.c13,
          record_decisions.c14, record_decisions.c15, record_decisions.c16, record_decisions.c17,
          record_decisions.c18, record_decisions.c19, record_decisions.c20, record_decisions.c21,
          record_decisions.c22, record_decisions.c23, record_decisions.c24, record_decisions.c25,
          record_decisions.c26, record_decisions.c27, record_decisions.c28, record_decisions.c29,
          record_decisions.c30, record_decisions.c31, record_decisions.c32)
           AS r(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19, v20,
               v21, v22, v23, v24, v25, v26, v27, v28, v29, v30, v31, v32)
    ON CONFLICT (transaction_id, client, event_time) DO UPDATE
       SET decided_at = excluded.decided_at,
           card_id = excluded.card_id,
           terminal_id = excluded.terminal_id,
           customer_id = excluded.customer_id,
           amount = excluded.amount,
           currency = excluded.currency,
           channel = excluded.channel,
           mcc = excluded.mcc,
           country = excluded.country,
           device_id = excluded.device_id,
           ip_address = excluded.ip_address,
           source = excluded.source,
           decision = excluded.decision,
           score = excluded.score,
           review_threshold = excluded.review_threshold,
           decline_threshold = excluded.decline_threshold,
           reasons = excluded.reasons,
           features = excluded.features,
           model_version = excluded.model_version,
           node_id = excluded.node_id,
           degraded = excluded.degraded,
           degraded_reason = excluded.degraded_reason,
           idempotency_us = excluded.idempotency_us,
           features_us = excluded.features_us,
           scoring_us = excluded.scoring_us,
           total_us = excluded.total_us,
           challenger_version = excluded.challenger_version,
           challenger_score = excluded.challenger_score,
           received_at = excluded.received_at,
           counted_at = excluded.counted_at,
           written_at = now()
     WHERE audit.decisions.degraded AND NOT excluded.degraded
$$;

-- partitions are created by the owner's function, whoever calls it
ALTER FUNCTION audit.ensure_daily_partitions(date, integer) SECURITY DEFINER;
ALTER FUNCTION audit.ensure_daily_partitions(date, integer) SET search_path = pg_catalog, audit, pg_temp;

REVOKE ALL ON ALL TABLES IN SCHEMA audit FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA access FROM PUBLIC;
REVOKE ALL ON FUNCTION audit.record_decisions FROM PUBLIC;
REVOKE ALL ON FUNCTION audit.ensure_daily_partitions(date, integer) FROM PUBLIC;

GRANT USAGE ON SCHEMA audit, access TO fraud_writer;
GRANT EXECUTE ON FUNCTION audit.record_decisions TO fraud_writer;
GRANT EXECUTE ON FUNCTION audit.ensure_daily_partitions(date, integer) TO fraud_writer;
GRANT SELECT ON audit.decisions TO fraud_writer;                       -- a label finds its transaction's facts
GRANT INSERT ON audit.quarantine TO fraud_writer;
GRANT USAGE ON SEQUENCE audit.quarantine_id_seq TO fraud_writer;
GRANT SELECT, INSERT, UPDATE ON audit.labels TO fraud_writer;           -- the verdict in force
GRANT SELECT, INSERT ON audit.label_history TO fraud_writer;           -- append-only (a trigger refuses the rest)
GRANT USAGE ON SEQUENCE audit.label_history_id_seq TO fraud_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON audit.label_outbox TO fraud_writer;
GRANT SELECT, INSERT ON access.api_keys TO fraud_writer;               -- load keys; a first start's bootstrap
GRANT USAGE ON SEQUENCE access.api_keys_id_seq TO fraud_writer;

-- What analysts read: every decision with its reasons and features, labels and their history; the IP address
-- only as its network (/24 for IPv4, /48 for IPv6).
CREATE SCHEMA analyst;
CREATE VIEW analyst.decisions AS
SELECT transaction_id, client, decided_at, event_time, received_at, counted_at, card_id, terminal_id, customer_id,
       amount, currency, channel, mcc, country, device_id,
       network(set_masklen(ip_address, CASE WHEN family(ip_address) = 4 THEN 24 ELSE 48 END)) AS ip_network,
       source, decision, score, review_threshold, decline_threshold, reasons, features, model_version, node_id,
       degraded, degraded_reason, idempotency_us, features_us, scoring_us, total_us, challenger_version,
       challenger_score
  FROM audit.decisions;
CREATE VIEW analyst.labels AS
SELECT transaction_id, client, fraud, source, card_id, terminal_id, event_time, first_labelled_at, labelled_at,
       labelled_by
  FROM audit.labels;
CREATE VIEW analyst.label_history AS
SELECT id, transaction_id, client, fraud, previous, source, card_id, terminal_id, event_time, changed_at, labelled_by
  FROM audit.label_history;
GRANT USAGE ON SCHEMA analyst TO fraud_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA analyst TO fraud_analyst;
