-- Canary rollout (issue 16): a challenger may decide for a share of cards; such a decision is marked. The deciding
-- model is model_version as before (the challenger's, for a canary decision); challenger_version/challenger_score then
-- hold the champion's, which scored beside it.
ALTER TABLE audit.decisions ADD COLUMN canary boolean NOT NULL DEFAULT false;

DROP FUNCTION audit.record_decisions;
CREATE FUNCTION audit.record_decisions(
    c0 text[], c1 text[], c2 text[], c3 text[], c4 text[], c5 text[], c6 text[], c7 text[],
    c8 text[], c9 text[], c10 text[], c11 text[], c12 text[], c13 text[], c14 text[], c15 text[],
    c16 text[], c17 text[], c18 text[], c19 text[], c20 text[], c21 text[], c22 text[], c23 text[],
    c24 text[], c25 text[], c26 text[], c27 text[], c28 text[], c29 text[], c30 text[], c31 text[],
    c32 text[], c33 text[], c34 text[], c35 text[], c36 text[], c37 text[])
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO audit.decisions (transaction_id, decided_at, event_time, card_id, terminal_id, customer_id, amount,
        currency, channel, mcc, country, device_id, ip_address, source, decision, score,
        review_threshold, decline_threshold,
        reasons, features, feature_values, model_version, node_id, degraded, degraded_reason, idempotency_us,
        features_us, scoring_us, total_us, challenger_version, challenger_score, client, received_at, counted_at,
        feature_set, reason_codes, reason_values, reason_contributions, canary)
    SELECT r.v0::text, r.v1::timestamptz, r.v2::timestamptz, r.v3::text, r.v4::text, r.v5::text, r.v6::numeric,
        r.v7::text, r.v8::text, r.v9::text, r.v10::text, r.v11::text, r.v12::inet, r.v13::text, r.v14::text,
        r.v15::real, r.v16::real, r.v17::real, r.v18::jsonb, CASE WHEN r.v19 LIKE '{"%' THEN r.v19::jsonb END,
        CASE WHEN r.v19 NOT LIKE '{"%' THEN r.v19::real[] END, r.v20::text, r.v21::text, r.v22::boolean,
        r.v23::text, r.v24::integer, r.v25::integer, r.v26::integer, r.v27::integer, r.v28::text, r.v29::real,
        coalesce(r.v30, 'unscoped'), r.v31::timestamptz, r.v32::timestamptz, r.v33::text, r.v34::text[],
        r.v35::real[], r.v36::real[], coalesce(r.v37::boolean, false)
      FROM UNNEST(record_decisions.c0, record_decisions.c1, record_decisions.c2, record_decisions.c3,
                  record_decisions.c4, record_decisions.c5, record_decisions.c6, record_decisions.c7,
                  record_decisions.c8, record_decisions.c9, record_decisions.c10, record_decisions.c11,
                  record_decisions.c12, record_decisions.c13, record_decisions.c14, record_decisions.c15,
                  record_decisions.c16, record_decisions.c17, record_decisions.c18, record_decisions.c19,
                  record_decisions.c20, record_decisions.c21, record_decisions.c22, record_decisions.c23,
                  record_decisions.c24, record_decisions.c25, record_decisions.c26, record_decisions.c27,
                  record_decisions.c28, record_decisions.c29, record_decisions.c30, record_decisions.c31,
                  record_decisions.c32, record_decisions.c33, record_decisions.c34, record_decisions.c35,
                  record_decisions.c36, record_decisions.c37)
           AS r(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19, v20,
                v21, v22, v23, v24, v25, v26, v27, v28, v29, v30, v31, v32, v33, v34, v35, v36, v37)
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
           feature_values = excluded.feature_values,
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
           feature_set = excluded.feature_set,
           reason_codes = excluded.reason_codes,
           reason_values = excluded.reason_values,
           reason_contributions = excluded.reason_contributions,
           canary = excluded.canary,
           written_at = now()
     WHERE audit.decisions.degraded AND NOT excluded.degraded
$$;
REVOKE ALL ON FUNCTION audit.record_decisions FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.record_decisions TO fraud_writer;

CREATE OR REPLACE VIEW analyst.decisions AS
SELECT d.transaction_id, d.client, d.decided_at, d.event_time, d.received_at, d.counted_at, d.card_id, d.terminal_id,
       d.customer_id, d.amount, d.currency, d.channel, d.mcc, d.country, d.device_id,
       network(set_masklen(d.ip_address, CASE WHEN family(d.ip_address) = 4 THEN 24 ELSE 48 END)) AS ip_network,
       d.source, d.decision, d.score, d.review_threshold, d.decline_threshold,
       coalesce(d.reasons,
                (SELECT jsonb_agg(jsonb_build_object('code', r.code, 'value', r.value, 'contribution', r.contribution)
                                  ORDER BY r.n)
                   FROM unnest(d.reason_codes, d.reason_values, d.reason_contributions)
                        WITH ORDINALITY AS r(code, value, contribution, n)),
                '[]'::jsonb) AS reasons,
       coalesce(d.features,
                (SELECT jsonb_object_agg(f.name, f.value)
                   FROM audit.feature_sets s, unnest(s.names, d.feature_values) AS f(name, value)
                  WHERE s.key = d.feature_set)) AS features,
       d.model_version, d.node_id, d.degraded, d.degraded_reason, d.idempotency_us, d.features_us, d.scoring_us,
       d.total_us, d.challenger_version, d.challenger_score, d.canary
  FROM audit.decisions d;
GRANT SELECT ON analyst.decisions TO fraud_analyst;
