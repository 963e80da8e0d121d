-- Per-client limits: a token bucket per key, refilled at rate_per_second up to burst (null: no limit). Each node
-- keeps its own bucket, so behind a load balancer of N nodes a client gets at most N times the rate.
ALTER TABLE access.api_keys ADD COLUMN rate_per_second double precision CHECK (rate_per_second > 0);
ALTER TABLE access.api_keys ADD COLUMN burst integer CHECK (burst > 0);
