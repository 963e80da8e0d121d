-- API keys: who may decide, label, read as an analyst or administer. Only a SHA-256 hash of each key is kept
-- (keys are 256 random bits: a fast hash is enough); the prefix is shown in listings to tell keys apart.
-- A revoked key stays, with the time it was revoked.
CREATE SCHEMA IF NOT EXISTS access;

CREATE TABLE access.api_keys (
    id          bigserial   PRIMARY KEY,
    client      text        NOT NULL,
    roles       text[]      NOT NULL CHECK (roles <@ ARRAY['decide', 'label', 'analyst', 'admin']::text[]
                                            AND cardinality(roles) > 0),
    key_hash    text        NOT NULL UNIQUE,
    key_prefix  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
