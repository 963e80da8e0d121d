-- Questions fraud analysts ask of the audit trail, as a member of fraud_analyst (the views of schema analyst).
-- Each one is served by an index of audit.decisions (the view is inlined by the planner).

-- A card's history, newest first (decisions_card_idx).
SELECT decided_at, event_time, transaction_id, terminal_id, amount, currency, decision, score, reasons
FROM analyst.decisions
WHERE card_id = :'card_id'
ORDER BY event_time DESC
LIMIT 100;

-- A terminal's history, newest first (decisions_terminal_idx).
SELECT decided_at, event_time, transaction_id, card_id, amount, decision, score
FROM analyst.decisions
WHERE terminal_id = :'terminal_id'
ORDER BY event_time DESC
LIMIT 100;

-- Declines in a time range (decisions_kind_idx plus partition pruning on event_time, the transaction's time).
SELECT decided_at, transaction_id, card_id, terminal_id, amount, score, reasons
FROM analyst.decisions
WHERE decision = 'DECLINE' AND event_time >= :'from' AND event_time < :'to'
ORDER BY event_time DESC;

-- Reason codes behind REVIEW and DECLINE decisions today.
SELECT r->>'code' AS reason, count(*)
FROM analyst.decisions, jsonb_array_elements(reasons) r
WHERE decision <> 'APPROVE' AND event_time >= date_trunc('day', now())
GROUP BY 1 ORDER BY 2 DESC;

-- Degraded decisions (a stage failed or was late) by reason and node.
SELECT node_id, degraded_reason, count(*)
FROM analyst.decisions
WHERE degraded AND event_time >= now() - interval '1 day'
GROUP BY 1, 2 ORDER BY 3 DESC;

-- Stage latency per node over the last hour (microseconds).
SELECT node_id, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY total_us) AS p50_us,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY total_us) AS p99_us
FROM analyst.decisions
WHERE event_time >= now() - interval '1 hour'
GROUP BY 1;

-- The review queue, oldest open case first (cases_queue_idx), with the decision's reasons.
SELECT c.id, c.opened_at, c.score, c.amount, c.card_id, c.reason_codes, c.status, c.claimed_by
FROM analyst.cases c
WHERE c.status <> 'resolved'
ORDER BY c.opened_at, c.id
LIMIT 50;

-- Who resolved what today, and how (every case event is kept).
SELECT e.actor, c.resolution, count(*)
FROM analyst.case_events e JOIN analyst.cases c ON c.id = e.case_id
WHERE e.action = 'resolved' AND e.at >= date_trunc('day', now())
GROUP BY 1, 2 ORDER BY 3 DESC;
